// The epoch seed by commit–reveal among the normal league (docs/pob.md §4.2):
// what a block may carry (one commitment or one reveal of its own
// proposer), what the final blocks of an epoch add up to (a SeedBook), the
// seed of the next epoch that book decides, and who withheld a reveal (left
// out of that election and charged MissedDuty::kWithheldSeed).
//
// Windows: a height's offset in its epoch o = (h − 1) mod L; offsets
// 0 … ⌊L/2⌋ − 1 are the commit window, the rest the reveal window, so every
// commitment of the epoch is final before the first reveal can be. A
// validator's secret for epoch e is SHA3 of its own consensus signature over
// (chain id, e): deterministic for an honest Ed25519 signer, so a restarted
// validator recomputes the value it committed to.
//
// Seed of epoch e+1 = SHA3("iost-pob-seed-v1" ‖ e+1 ‖ seed of e ‖ the reveals
// of epoch e in validator-id order, each (id, secret)); epoch 0 keeps
// EpochSeed(0, genesis hash). With Params::seed_commit_reveal off (the
// simulator's negative control) blocks carry nothing and the seed is the
// old EpochSeed(e+1, hash of epoch e's last block), which that block's
// proposer can grind.
//
// Thread contract: value types and pure functions (no I/O, no clock).
#pragma once

#include <consensus/election.h>
#include <consensus/params.h>
#include <core/block.h>
#include <crypto/hash.h>
#include <util/bytes.h>
#include <util/result.h>

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

namespace iost::consensus {

// The commitments and reveals of one epoch's final blocks.
struct SeedBook {
    std::map<std::string, crypto::Hash256> commits;  // validator → SeedCommitment(secret)
    std::map<std::string, crypto::Hash256> reveals;  // validator → secret
    bool empty() const { return commits.empty() && reveals.empty(); }
    friend bool operator==(const SeedBook&, const SeedBook&) = default;
};

enum class SeedWindow : uint8_t {
    kNone,    // epoch_length < 2: no contributions, the seed is a hash chain
    kCommit,  // the first ⌊L/2⌋ heights of the epoch
    kReveal,  // the others
};
SeedWindow WindowOf(uint64_t height, uint64_t epoch_length);

// The message a validator signs (with its consensus key) to derive its
// secret for `epoch`: "iost-pob-seed-secret" ‖ chain id ‖ epoch.
util::Bytes SeedSecretMessage(uint32_t chain_id, uint64_t epoch);
// secret = SHA3("iost-pob-seed-secret" ‖ signature).
crypto::Hash256 SeedSecret(util::ByteView signature);
// commitment = SHA3("iost-pob-seed-commit" ‖ secret).
crypto::Hash256 SeedCommitment(const crypto::Hash256& secret);

enum class SeedReject : uint8_t {
    kFieldsWhenOff,        // seed fields in a block while commit–reveal is off
    kCommitOutsideWindow,  // a commitment in the reveal window
    kCommitRepeated,       // the proposer committed already this epoch
    kRevealOutsideWindow,  // a reveal in the commit window
    kRevealWithoutCommit,  // the proposer has no commitment this epoch
    kRevealRepeated,       // the proposer revealed already
    kRevealDoesNotMatch,   // SeedCommitment(reveal) is not the proposer's commitment
};
const char* SeedRejectName(SeedReject r);
// Whether b's seed fields are allowed after the epoch's blocks recorded in
// `book` (b extends them; its proposer is a normal validator, checked first).
util::Result<void, SeedReject> CheckSeedFields(const Params& params, const SeedBook& book,
                                               const core::FinalBlock& b);
// Adds b's seed fields (CheckSeedFields passed) to the book.
void RecordSeedFields(SeedBook& book, const core::FinalBlock& b);

// Validators that committed and did not reveal, in id order.
std::vector<std::string> Withholders(const SeedBook& book);

// The seed of epoch next_epoch from the seed of the epoch before it and that
// epoch's book (commit–reveal), or from the hash of that epoch's last block
// (commit–reveal off).
crypto::Hash256 NextEpochSeed(const Params& params, uint64_t next_epoch,
                              const crypto::Hash256& seed, const SeedBook& book,
                              const crypto::Hash256& last_block_hash);

// The election input without the withholders (commit–reveal on; else all).
std::vector<Candidate> SeedEligible(const Params& params, std::span<const Candidate> candidates,
                                    const SeedBook& book);

// One variant of a block a seed-grinding validator could propose (the
// simulator's Byzantine role, EngineOptions::grind_seed): the seed of the
// next epoch it would give (assuming no later reveals) and the committee
// that seed would elect from the current candidates.
struct SeedOption {
    crypto::Hash256 seed{};
    Committee committee;
    bool withheld = false;  // the variant leaves out the proposer's due reveal
};

}  // namespace iost::consensus
