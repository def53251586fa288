#include <loadgen/tracker.h>

#include <algorithm>

namespace iost::loadgen {

size_t QuorumOf(size_t n) {
    const size_t f = n == 0 ? 0 : (n - 1) / 3;
    return (n + f + 1 + 1) / 2;
}

size_t TxTracker::Expect(const std::vector<crypto::Hash256>& hashes) {
    std::lock_guard lk(m_mu);
    const size_t first = m_times.size();
    m_times.resize(first + hashes.size());
    for (size_t i = 0; i < hashes.size(); ++i) m_ids.emplace(hashes[i], first + i);
    return first;
}

void TxTracker::MarkSubmitted(size_t id, int64_t now_ns) {
    std::lock_guard lk(m_mu);
    if (id < m_times.size()) m_times[id].submitted = now_ns;
}

TrackedTimes TxTracker::Get(size_t id) const {
    std::lock_guard lk(m_mu);
    return id < m_times.size() ? m_times[id] : TrackedTimes{};
}

std::vector<TrackedTimes> TxTracker::Range(size_t from, size_t count) const {
    std::lock_guard lk(m_mu);
    std::vector<TrackedTimes> out;
    for (size_t i = from; i < from + count && i < m_times.size(); ++i) out.push_back(m_times[i]);
    return out;
}

void TxTracker::MarkPackedLocked(const crypto::Hash256& tx, int64_t now_ns) {
    auto it = m_ids.find(tx);
    if (it == m_ids.end()) return;
    auto& t = m_times[it->second];
    if (t.packed == 0) t.packed = now_ns;
}

void TxTracker::OnMicro(const std::shared_ptr<const core::MicroBlock>& m, int64_t now_ns) {
    if (!m) return;
    std::lock_guard lk(m_mu);
    ++m_c.micros;
    if (!m_micros.emplace(m->hash, m).second) return;
    for (const auto& h : m->tx_hashes) MarkPackedLocked(h, now_ns);
}

void TxTracker::OnProposal(const std::shared_ptr<const core::FinalBlock>& b,
                           const crypto::Hash256& block_hash, int64_t now_ns) {
    if (!b) return;
    std::lock_guard lk(m_mu);
    ++m_c.proposals;
    if (m_final_heights.count(b->height)) return;
    for (const auto& tx : b->direct_txs) MarkPackedLocked(tx.Hash(), now_ns);
    m_proposed[block_hash] = b;
    auto votes = m_commits.find(block_hash);
    if (votes != m_commits.end() && votes->second.voters.size() >= m_quorum) {
        FinalizeLocked(*b, now_ns);
        ++m_c.blocks_final_by_votes;
    }
}

void TxTracker::OnCommitVote(const crypto::Hash256& block_hash, uint64_t height,
                             const std::string& voter, int64_t now_ns) {
    std::lock_guard lk(m_mu);
    ++m_c.commit_votes;
    if (m_final_heights.count(height)) return;
    auto& c = m_commits[block_hash];
    c.height = height;
    c.voters.insert(voter);
    if (c.voters.size() < m_quorum) return;
    auto b = m_proposed.find(block_hash);
    if (b == m_proposed.end()) return;  // the proposal may still be on its way
    FinalizeLocked(*b->second, now_ns);
    ++m_c.blocks_final_by_votes;
}

void TxTracker::OnCertified(const std::shared_ptr<const core::FinalBlock>& b,
                            const crypto::Hash256& block_hash, int64_t now_ns) {
    if (!b) return;
    std::lock_guard lk(m_mu);
    (void)block_hash;
    if (m_final_heights.count(b->height)) return;
    for (const auto& tx : b->direct_txs) MarkPackedLocked(tx.Hash(), now_ns);
    FinalizeLocked(*b, now_ns);
    ++m_c.blocks_final_by_sync;
}

void TxTracker::FinalizeLocked(const core::FinalBlock& b, int64_t now_ns) {
    m_final_heights.insert(b.height);
    m_c.final_height = std::max(m_c.final_height, b.height);
    auto mark = [&](const crypto::Hash256& h) {
        ++m_c.final_txs_all;
        auto it = m_ids.find(h);
        if (it == m_ids.end()) return;
        auto& t = m_times[it->second];
        if (t.packed == 0) t.packed = now_ns;
        if (t.final == 0) t.final = now_ns;
    };
    for (const auto& ref : b.micro_refs) {
        crypto::Hash256 cur = ref.last_hash;
        for (uint64_t seq = ref.seq_to; seq >= ref.seq_from && seq > 0; --seq) {
            auto it = m_micros.find(cur);
            if (it == m_micros.end()) {
                // Older ones in the range are reachable only through this one.
                m_c.missing_micros += seq - ref.seq_from + 1;
                break;
            }
            auto micro = it->second;
            m_micros.erase(it);  // a MicroBlock is final once
            for (const auto& h : micro->tx_hashes) mark(h);
            cur = micro->header.prev_micro_hash;
        }
    }
    for (const auto& tx : b.direct_txs) mark(tx.Hash());
    for (auto it = m_proposed.begin(); it != m_proposed.end();) {
        it = it->second->height <= b.height ? m_proposed.erase(it) : std::next(it);
    }
    for (auto it = m_commits.begin(); it != m_commits.end();) {
        it = it->second.height <= b.height ? m_commits.erase(it) : std::next(it);
    }
}

TrackerCounters TxTracker::counters() const {
    std::lock_guard lk(m_mu);
    return m_c;
}

uint64_t TxTracker::final_height() const {
    std::lock_guard lk(m_mu);
    return m_c.final_height;
}

}  // namespace iost::loadgen
