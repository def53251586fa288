// EvidenceGate: what a node does with evidence from a peer before its engine
// spends a signature check on it (docs/pob.md §7.4, docs/reliability.md).
// Evidence is gossiped by every node and any peer may send it, so a hostile
// peer must not be able to make a validator do unbounded work with it. In
// order, cheapest first:
//   1. a per-peer rate limit (at most `per_peer` messages per `window_ns`;
//      beyond it the message is dropped and the peer penalized as a flood);
//   2. duplicates: an evidence id seen before (from anyone, valid or not) is
//      dropped — hashing only, and it is not relayed again;
//   3. the shape checks of consensus::CheckEvidenceShape (lengths, Merkle
//      root, the transaction's place, one slot with two messages): hashing
//      only; a failure penalizes the peer as an invalid message.
// Only what passes all three reaches the engine (signatures against the
// committee, the bytes rule) and is relayed.
// Thread contract: Admit is thread-safe (the network threads call it).
#pragma once

#include <core/block.h>
#include <crypto/hash.h>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <string>

namespace iost::node {

struct EvidenceGateOptions {
    // Honest peers relay each piece once and a block carries at most 8, so
    // 20 per 10 s per peer is ample; 0 disables the limit (negative control).
    size_t per_peer = 20;
    int64_t window_ns = 10'000'000'000;
    size_t remember = 20'000;     // evidence ids kept to drop duplicates (FIFO)
    bool drop_duplicates = true;  // false: negative control only
};

enum class EvidenceVerdict : uint8_t {
    kPass,         // hand it to the engine (and relay it)
    kRateLimited,  // over the peer's limit: dropped, the peer flooded
    kDuplicate,    // seen before: dropped silently
    kMalformed,    // fails the shape checks: dropped, the peer misbehaved
};
const char* EvidenceVerdictName(EvidenceVerdict v);

struct EvidenceGateStats {
    uint64_t passed = 0;
    uint64_t rate_limited = 0;
    uint64_t duplicates = 0;
    uint64_t malformed = 0;
};

class EvidenceGate {
  public:
    explicit EvidenceGate(EvidenceGateOptions options = {}) : m_opt(options) {}

    // `now_ns`: a monotonic clock. `why` (optional) gets a malformed
    // piece's reason.
    EvidenceVerdict Admit(const std::string& peer, const core::Evidence& ev, int64_t now_ns,
                          std::string* why = nullptr);
    EvidenceGateStats stats() const;

  private:
    struct Bucket {
        int64_t start = 0;
        size_t count = 0;
    };
    EvidenceGateOptions m_opt;
    mutable std::mutex m_mu;
    std::map<std::string, Bucket> m_peers;
    std::set<crypto::Hash256> m_seen;
    std::deque<crypto::Hash256> m_order;
    EvidenceGateStats m_stats;
};

}  // namespace iost::node
