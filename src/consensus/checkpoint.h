// EngineCheckpoint: the part of the consensus engine's state that is derived
// from the whole final chain and cannot be rebuilt from a bounded window of
// recent blocks (docs/state.md "Restart in constant time"): the head, the
// committees still in use, who was ever slashed, which forged transactions
// were ever repaid, and this epoch's fallback set and included MicroBlock
// tips. The engine attaches one to every Finalize effect (the state after
// that block, epoch change included); the node stores it in the same
// WriteBatch as the block, so on restart the engine resumes from the
// checkpoint of the head block plus the last max(dedup, recheck) blocks read
// from disk, instead of re-executing the chain from genesis.
//
// What is deliberately NOT in it: anything rebuilt from the window (recent
// transactions, the dedup set, the in-memory chain) and anything transient
// that a full replay does not restore either (MicroBlocks, votes, pools).
// A new chain-derived member of the engine must be added here (and to
// Engine::Checkpoint / RestoreFromCheckpoint) or restart diverges from a
// full replay; tests/unit/consensus/checkpoint_test.cpp compares the two.
//
// Encoding: core::Encoder fields, led by a format byte; decoding checks
// every count against a bound and that the input ends exactly. Format 3
// adds the seed book; format 2 (before it) still decodes, with an empty book.
// Format 4 adds the vote tally; 3 and 2 decode with an empty one.
//
// Thread contract: value types and pure functions.
#pragma once

#include <consensus/block_rules.h>
#include <consensus/election.h>
#include <consensus/seed.h>
#include <core/block.h>
#include <crypto/hash.h>
#include <util/bytes.h>
#include <util/result.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace iost::consensus {

struct EngineCheckpoint {
    uint64_t height = 0;
    crypto::Hash256 last_hash{};
    int64_t last_time = 0;
    Committee committee;
    std::optional<Committee> prev_committee;
    std::map<uint64_t, Committee> past_committees;
    std::set<std::string> slashed;
    std::set<crypto::Hash256> compensated;
    std::set<std::string> fallback;
    std::map<std::string, std::pair<uint64_t, crypto::Hash256>> included;
    // Members that did a duty in the current epoch so far: the epoch's last
    // block logs out the others (pob.md §4.1), so this is consensus state.
    std::set<std::string> worked;
    // The epoch seed's commitments and reveals final in the current epoch
    // (pob.md §4.2): the next seed and who withheld are derived from them.
    SeedBook seed;
    // Vote accounting (pob.md §4.1): the current epoch's last_commits so
    // far; the epoch's last block charges the absent voters from it.
    VoteTally votes;
};

util::Bytes EncodeCheckpoint(const EngineCheckpoint& c);
util::Result<EngineCheckpoint> DecodeCheckpoint(util::ByteView b);
// Equal when their (canonical: ordered containers) encodings are.
inline bool operator==(const EngineCheckpoint& a, const EngineCheckpoint& b) {
    return EncodeCheckpoint(a) == EncodeCheckpoint(b);
}

// What the engine needs of one recent final block to resume: the hashes of
// the transactions its plan executed (ExecInput::tx_hashes, refused ones
// included) for heights within max(dedup_window, recheck_window); the block
// itself and its MicroBlocks (in the Finalize effect's order) for heights
// within max(recheck_window, chain_memory), else null/empty.
struct RecentFinal {
    uint64_t height = 0;
    std::vector<crypto::Hash256> plan_tx_hashes;
    std::shared_ptr<const core::CertifiedBlock> block;
    std::vector<std::shared_ptr<const core::MicroBlock>> micros;
};

}  // namespace iost::consensus
