#include <node/packed_index.h>

namespace iost::node {

void PackedIndex::Add(const std::shared_ptr<const core::MicroBlock>& micro) {
    if (!micro) return;
    std::lock_guard lk(m_mu);
    if (!m_micros.emplace(micro->hash, micro).second) return;
    m_order.push_back(micro->hash);
    m_by_seq[{micro->header.producer, micro->header.seq}] = micro->hash;
    for (size_t i = 0; i < micro->tx_hashes.size(); ++i) {
        // A tx repeated in a later MicroBlock keeps its first (earliest) slot.
        if (m_txs.emplace(micro->tx_hashes[i], TxSlot{micro->hash, static_cast<uint32_t>(i)})
                .second) {
            ++m_indexed;
        }
    }
    while (!m_order.empty() &&
           (m_micros.size() > m_opt.max_micros || m_txs.size() > m_opt.max_txs)) {
        const crypto::Hash256 oldest = m_order.front();
        m_order.pop_front();
        EraseLocked(oldest);
    }
    // Hashes erased by RemoveFinal stay in m_order until they reach the
    // front; keep the deque from growing without bound meanwhile.
    if (m_order.size() > 2 * m_opt.max_micros + 16) {
        std::deque<crypto::Hash256> live;
        for (const auto& h : m_order) {
            if (m_micros.count(h)) live.push_back(h);
        }
        m_order.swap(live);
    }
}

void PackedIndex::EraseLocked(const crypto::Hash256& micro_hash) {
    auto it = m_micros.find(micro_hash);
    if (it == m_micros.end()) return;
    const auto& m = *it->second;
    for (const auto& th : m.tx_hashes) {
        auto t = m_txs.find(th);
        if (t != m_txs.end() && t->second.micro == micro_hash) m_txs.erase(t);
    }
    auto s = m_by_seq.find({m.header.producer, m.header.seq});
    if (s != m_by_seq.end() && s->second == micro_hash) m_by_seq.erase(s);
    m_micros.erase(it);
}

void PackedIndex::RemoveFinal(std::span<const crypto::Hash256> micro_hashes) {
    std::lock_guard lk(m_mu);
    for (const auto& h : micro_hashes) EraseLocked(h);
}

std::optional<PackedTx> PackedIndex::Find(const crypto::Hash256& tx_hash) const {
    std::lock_guard lk(m_mu);
    auto t = m_txs.find(tx_hash);
    if (t == m_txs.end()) return std::nullopt;
    auto m = m_micros.find(t->second.micro);
    if (m == m_micros.end() || t->second.index >= m->second->txs.size()) return std::nullopt;
    const auto& micro = m->second;
    PackedTx out;
    // Aliasing: the tx lives as long as its MicroBlock.
    out.tx = std::shared_ptr<const core::Tx>(micro, &micro->txs[t->second.index]);
    out.producer = micro->header.producer;
    out.seq = micro->header.seq;
    out.time = micro->header.time;
    return out;
}

std::shared_ptr<const core::MicroBlock> PackedIndex::Get(const std::string& producer,
                                                         uint64_t seq) const {
    std::lock_guard lk(m_mu);
    auto s = m_by_seq.find({producer, seq});
    if (s == m_by_seq.end()) return nullptr;
    auto m = m_micros.find(s->second);
    return m == m_micros.end() ? nullptr : m->second;
}

std::shared_ptr<const core::MicroBlock> PackedIndex::GetByHash(const crypto::Hash256& hash) const {
    std::lock_guard lk(m_mu);
    auto m = m_micros.find(hash);
    return m == m_micros.end() ? nullptr : m->second;
}

size_t PackedIndex::micro_count() const {
    std::lock_guard lk(m_mu);
    return m_micros.size();
}

size_t PackedIndex::tx_count() const {
    std::lock_guard lk(m_mu);
    return m_txs.size();
}

uint64_t PackedIndex::txs_indexed() const {
    std::lock_guard lk(m_mu);
    return m_indexed;
}

}  // namespace iost::node
