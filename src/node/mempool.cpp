#include <node/mempool.h>

#include <algorithm>

namespace iost::node {

const char* RefusalName(Refusal r) {
    switch (r) {
        case Refusal::kDuplicate:
            return "duplicate";
        case Refusal::kAlreadyFinal:
            return "already final";
        case Refusal::kPoolFull:
            return "pool full";
        case Refusal::kPublisherFull:
            return "publisher share full";
        case Refusal::kExpired:
            return "expired";
        case Refusal::kFutureTime:
            return "time too far in the future";
        case Refusal::kTooLarge:
            return "too large";
    }
    return "unknown";
}

util::UnixNanos Mempool::ExpiryOf(const core::Tx& tx) {
    const util::UnixNanos by_age = tx.time > INT64_MAX - core::kMaxTxLifetimeNanos
                                       ? INT64_MAX
                                       : tx.time + core::kMaxTxLifetimeNanos;
    return std::min(tx.expiration, by_age);
}

util::Result<void, MempoolRefusal> Mempool::Admit(const std::shared_ptr<const core::Tx>& tx,
                                                  const crypto::Hash256& hash, size_t bytes,
                                                  util::UnixNanos now) {
    auto refuse = [&](Refusal r, std::string msg) -> util::Result<void, MempoolRefusal> {
        ++m_stats.refused;
        return util::ErrOf(MempoolRefusal{r, std::move(msg)});
    };
    std::lock_guard lk(m_mu);
    if (bytes > core::kMaxTxBytes)
        return refuse(Refusal::kTooLarge, "transaction larger than 65536 bytes");
    if (m_txs.count(hash)) return refuse(Refusal::kDuplicate, "transaction already in the pool");
    if (m_final.count(hash))
        return refuse(Refusal::kAlreadyFinal, "transaction already in a final block");
    const util::UnixNanos expiry = ExpiryOf(*tx);
    if (expiry <= now) return refuse(Refusal::kExpired, "transaction expired");
    if (tx->time > now + core::kMaxTxFutureNanos) {
        return refuse(Refusal::kFutureTime, "transaction time is more than 30 s in the future");
    }
    if (m_txs.size() >= m_opt.max_txs || m_bytes + bytes > m_opt.max_bytes) {
        return refuse(Refusal::kPoolFull, "transaction pool is full (" +
                                              std::to_string(m_txs.size()) + " txs, " +
                                              std::to_string(m_bytes) + " bytes)");
    }
    size_t& mine = m_per_publisher[tx->publisher];
    if (mine >= m_opt.max_per_publisher) {
        return refuse(Refusal::kPublisherFull, "publisher '" + tx->publisher + "' has " +
                                                   std::to_string(mine) +
                                                   " transactions pending already");
    }
    ++mine;
    m_txs.emplace(hash, Entry{tx, bytes, expiry});
    m_by_expiry.emplace(expiry, hash);
    m_bytes += bytes;
    ++m_stats.admitted;
    return {};
}

void Mempool::RemoveLocked(std::map<crypto::Hash256, Entry>::iterator it) {
    auto range = m_by_expiry.equal_range(it->second.expiry);
    for (auto e = range.first; e != range.second; ++e) {
        if (e->second == it->first) {
            m_by_expiry.erase(e);
            break;
        }
    }
    auto p = m_per_publisher.find(it->second.tx->publisher);
    if (p != m_per_publisher.end() && --p->second == 0) m_per_publisher.erase(p);
    m_bytes -= it->second.bytes;
    m_txs.erase(it);
}

void Mempool::MarkFinal(std::span<const crypto::Hash256> hashes, util::UnixNanos now) {
    std::lock_guard lk(m_mu);
    for (const auto& h : hashes) {
        util::UnixNanos expiry = now + core::kMaxTxLifetimeNanos + core::kMaxTxFutureNanos;
        auto it = m_txs.find(h);
        if (it != m_txs.end()) {
            expiry = it->second.expiry;
            RemoveLocked(it);
            ++m_stats.finalized;
        }
        if (m_final.size() >= m_opt.max_final_remembered) {
            // Forget the one closest to expiry (the ledger still refuses replays).
            auto first = m_final_by_expiry.begin();
            m_final.erase(first->second);
            m_final_by_expiry.erase(first);
        }
        if (m_final.emplace(h, expiry).second) m_final_by_expiry.emplace(expiry, h);
    }
}

size_t Mempool::ExpireUntil(util::UnixNanos now) {
    std::lock_guard lk(m_mu);
    size_t n = 0;
    while (!m_by_expiry.empty() && m_by_expiry.begin()->first <= now) {
        auto it = m_txs.find(m_by_expiry.begin()->second);
        if (it == m_txs.end()) {
            m_by_expiry.erase(m_by_expiry.begin());
            continue;
        }
        RemoveLocked(it);
        ++n;
    }
    while (!m_final_by_expiry.empty() && m_final_by_expiry.begin()->first <= now) {
        m_final.erase(m_final_by_expiry.begin()->second);
        m_final_by_expiry.erase(m_final_by_expiry.begin());
    }
    m_stats.expired += n;
    return n;
}

TxPoolState Mempool::State(const crypto::Hash256& hash) const {
    std::lock_guard lk(m_mu);
    if (m_txs.count(hash)) return TxPoolState::kPending;
    if (m_final.count(hash)) return TxPoolState::kFinal;
    return TxPoolState::kUnknown;
}

std::shared_ptr<const core::Tx> Mempool::Get(const crypto::Hash256& hash) const {
    std::lock_guard lk(m_mu);
    auto it = m_txs.find(hash);
    return it == m_txs.end() ? nullptr : it->second.tx;
}

MempoolStats Mempool::stats() const {
    std::lock_guard lk(m_mu);
    MempoolStats s = m_stats;
    s.txs = m_txs.size();
    s.bytes = m_bytes;
    s.final_remembered = m_final.size();
    return s;
}

}  // namespace iost::node
