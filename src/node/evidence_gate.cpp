#include <consensus/evidence.h>
#include <node/evidence_gate.h>

namespace iost::node {
namespace {
constexpr size_t kMaxPeersTracked = 4'096;
}  // namespace

const char* EvidenceVerdictName(EvidenceVerdict v) {
    switch (v) {
        case EvidenceVerdict::kPass:
            return "pass";
        case EvidenceVerdict::kRateLimited:
            return "rate-limited";
        case EvidenceVerdict::kDuplicate:
            return "duplicate";
        case EvidenceVerdict::kMalformed:
            return "malformed";
    }
    return "?";
}

EvidenceVerdict EvidenceGate::Admit(const std::string& peer, const core::Evidence& ev,
                                    int64_t now_ns, std::string* why) {
    {
        std::lock_guard lk(m_mu);
        if (m_opt.per_peer > 0) {
            if (m_peers.size() >= kMaxPeersTracked && !m_peers.count(peer)) m_peers.clear();
            Bucket& b = m_peers[peer];
            if (b.count == 0 || now_ns - b.start >= m_opt.window_ns || now_ns < b.start) {
                b.start = now_ns;
                b.count = 0;
            }
            if (++b.count > m_opt.per_peer) {
                ++m_stats.rate_limited;
                return EvidenceVerdict::kRateLimited;
            }
        }
    }
    // Hashing outside the lock: the network threads run in parallel.
    const crypto::Hash256 id = ev.Id();
    {
        std::lock_guard lk(m_mu);
        if (m_opt.drop_duplicates && m_seen.count(id)) {
            ++m_stats.duplicates;
            return EvidenceVerdict::kDuplicate;
        }
    }
    auto shape = consensus::CheckEvidenceShape(ev);
    std::lock_guard lk(m_mu);
    if (m_opt.drop_duplicates && m_seen.insert(id).second) {
        m_order.push_back(id);
        while (m_order.size() > m_opt.remember) {
            m_seen.erase(m_order.front());
            m_order.pop_front();
        }
    }
    if (!shape.ok()) {
        if (why) *why = shape.error().message;
        ++m_stats.malformed;
        return EvidenceVerdict::kMalformed;
    }
    ++m_stats.passed;
    return EvidenceVerdict::kPass;
}

EvidenceGateStats EvidenceGate::stats() const {
    std::lock_guard lk(m_mu);
    return m_stats;
}

}  // namespace iost::node
