// TxTracker: when each benchmark transaction was submitted, first seen in a
// signed MicroBlock (PACKED) and in a certified FinalBlock (IRREVERSIBLE),
// fed by what a P2P observer receives (docs/pob.md §1: MicroBlocks,
// proposals and commit votes are broadcast to every peer). One observer
// sees every block, so no per-transaction polling is needed.
//
// IRREVERSIBLE is decided the way a replica decides it: a proposal's block
// becomes final when commit votes from a quorum q of the normal group have
// been seen for its hash (signatures are not re-checked: the benchmark
// trusts its own local devnet). Certified blocks that arrive by catch-up
// sync (OnCertified) cover any vote the observer missed. A final block's
// transactions are its MicroBlocks' (walked back from each MicroRef's
// last_hash through prev_micro_hash) plus its direct transactions (the PBFT
// fallback, where the first proposal carrying a transaction counts as its
// PACKED moment).
//
// Thread contract: every method is thread-safe (one mutex); the observer
// calls the On* methods from the net thread, senders call MarkSubmitted.
#pragma once

#include <core/block.h>
#include <crypto/hash.h>

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

namespace iost::loadgen {

struct HashKey {
    size_t operator()(const crypto::Hash256& h) const {
        size_t v = 0;
        for (int i = 0; i < 8; ++i) v = (v << 8) | h[static_cast<size_t>(i)];
        return v;
    }
};

// PBFT quorum of a normal group of n (docs/pob.md §6.1): f = ⌊(n−1)/3⌋,
// q = ⌈(n+f+1)/2⌉.
size_t QuorumOf(size_t n);

struct TrackedTimes {
    int64_t submitted = 0, packed = 0, final = 0;  // unix ns; 0 = not yet
};

struct TrackerCounters {
    uint64_t micros = 0, proposals = 0, commit_votes = 0;
    uint64_t blocks_final_by_votes = 0, blocks_final_by_sync = 0;
    uint64_t final_txs_all = 0;   // every tx in final blocks, ours or not
    uint64_t missing_micros = 0;  // referenced but never received (their txs stay unresolved)
    uint64_t final_height = 0;
};

class TxTracker {
  public:
    explicit TxTracker(size_t quorum) : m_quorum(quorum) {}

    // Registers hashes to track; returns the id of the first (ids are consecutive).
    size_t Expect(const std::vector<crypto::Hash256>& hashes);
    void MarkSubmitted(size_t id, int64_t now_ns);
    TrackedTimes Get(size_t id) const;
    // Times of ids [from, from+count).
    std::vector<TrackedTimes> Range(size_t from, size_t count) const;

    void OnMicro(const std::shared_ptr<const core::MicroBlock>& m, int64_t now_ns);
    void OnProposal(const std::shared_ptr<const core::FinalBlock>& b,
                    const crypto::Hash256& block_hash, int64_t now_ns);
    void OnCommitVote(const crypto::Hash256& block_hash, uint64_t height, const std::string& voter,
                      int64_t now_ns);
    void OnCertified(const std::shared_ptr<const core::FinalBlock>& b,
                     const crypto::Hash256& block_hash, int64_t now_ns);

    TrackerCounters counters() const;
    uint64_t final_height() const;

  private:
    void MarkPackedLocked(const crypto::Hash256& tx, int64_t now_ns);
    void FinalizeLocked(const core::FinalBlock& b, int64_t now_ns);

    const size_t m_quorum;
    mutable std::mutex m_mu;
    std::vector<TrackedTimes> m_times;
    std::unordered_map<crypto::Hash256, size_t, HashKey> m_ids;
    std::unordered_map<crypto::Hash256, std::shared_ptr<const core::MicroBlock>, HashKey> m_micros;
    // Proposed blocks by hash, and commit voters per block hash, until final.
    std::unordered_map<crypto::Hash256, std::shared_ptr<const core::FinalBlock>, HashKey>
        m_proposed;
    struct Commits {
        uint64_t height = 0;
        std::set<std::string> voters;
    };
    std::unordered_map<crypto::Hash256, Commits, HashKey> m_commits;
    std::set<uint64_t> m_final_heights;
    TrackerCounters m_c;
};

}  // namespace iost::loadgen
