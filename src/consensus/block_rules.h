// The FinalBlock rules (docs/pob.md §3.3, §5.1, §5.4, §6.2, §7.3) as pure
// decision functions: who owns a publisher's transactions, what a block
// references and executes (its Plan), whether a proposed block is valid, and
// whether this replica refuses to vote for a valid one. Each takes a
// read-only view of the final chain (ChainView) and returns either its
// result or a typed reason (BlockReject), so the engine, the driver (which
// maps reasons to peer penalties) and the unit tests (tests/unit/consensus/
// block_rules_test.cpp, one test per reason) share one definition of every
// rule. Nothing here keeps state between calls or iterates an unordered
// container; the only outside calls are the Application's deterministic
// CheckTx/Execute (never Commit) and signature verification.
// Thread contract: pure functions over caller-owned data.
#pragma once

#include <consensus/application.h>
#include <consensus/election.h>
#include <consensus/params.h>
#include <consensus/seed.h>
#include <core/block.h>
#include <crypto/keys.h>
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

// Why a FinalBlock is refused. kMissingMicro is the one reason that is not
// final: the block may become valid once the named MicroBlocks arrive.
enum class BlockReject : uint8_t {
    kNotExtending,          // wrong height or prev_hash
    kWrongEpoch,            //
    kTimeNotAdvancing,      // time ≤ the last final block's
    kProposerNotNormal,     // proposer outside the normal league
    kBadSeedCommit,         // seed commit out of its window, repeated or off: docs/pob.md §4.2
    kBadSeedReveal,         // seed reveal out of its window, repeated or unmatched (same)
    kBadFallback,           // declares a non-believable, slashed or already fallen-back producer
    kTooMuchEvidence,       // more than kMaxEvidencePerBlock
    kEvidenceRepeated,      // twice against one validator, or against a slashed one
                            // without repaying anything (pob.md §7.4)
    kEvidenceUnknownEpoch,  // the evidence's epoch is neither this one nor the last
    kEvidenceInvalid,       // ValidateEvidence refuses it
    kRefNotBelievable,      // a MicroRef to a producer outside the believable league
    kRefsOutOfOrder,        // MicroRefs not in committee order
    kRefToExcluded,         // a MicroRef to a slashed or fallen-back producer
    kRefSeqRange,           // the seq range does not extend the producer's final chain
    kMissingMicro,          // a referenced MicroBlock is unknown here (not final: fetch it)
    kRefChainMismatch,      // a referenced MicroBlock has another producer, epoch or seq
    kRefChainUnlinked,      // the referenced chain does not link to the final one
    kTooManyMicroTxs,       // referenced MicroBlocks exceed the block's budget
    kDirectDuplicate,       // a direct tx already final or twice in the block
    kDerivedDiffer,         // exclusions or compensations differ from ours
    kTxRootDiffers,         //
    kStateRootDiffers,      // execution gives another state or receipt root
    // Replica refusals (pob.md §6.2): the block is valid, this replica does not vote.
    kSampleFailed,             // references a MicroBlock whose sample failed here
    kDirectTxOfLivePartition,  // a direct tx whose publisher has a live owner
    kDirectTxFails,            // a direct tx fails the full check
    kTimeTooFarAhead,          // time > max(local now + max_clock_drift, last time + 1)
    kFallbackOfLiveProducer,   // declares silent a producer we heard within silent_after/2
    // Vote accounting (pob.md §4.1), after the replica refusals so that the
    // older reasons keep their numbers.
    kLastCommitMissing,  // no last_commit at height ≥ 2, or one at height 1 or when off
    kLastCommitInvalid,  // under a quorum, malformed, or a signature that is not a commit
                         // vote of height − 1's committee for (height − 1, view, prev_hash)
};
inline constexpr size_t kBlockRejectCount = 30;
const char* BlockRejectName(BlockReject r);

inline constexpr size_t kMaxEvidencePerBlock = 8;

// A transaction final within the recheck/dedup windows.
struct RecentTx {
    std::string producer;  // "" for direct (fallback) txs
    std::shared_ptr<const core::Tx> tx;
    crypto::Hash256 hash;
};

using MicroIndex = std::map<crypto::Hash256, std::shared_ptr<const core::MicroBlock>>;
using IncludedMap = std::map<std::string, std::pair<uint64_t, crypto::Hash256>>;

// Vote accounting (pob.md §4.1): of the final blocks of one epoch whose
// last_commit certifies a height of the same epoch, how many there are and,
// per member of the epoch's normal committee, from how many it is absent.
// Chain-derived (in the engine's checkpoint), so every node agrees.
struct VoteTally {
    uint64_t certificates = 0;
    std::map<std::string, uint64_t> absent;  // members absent at least once
    friend bool operator==(const VoteTally&, const VoteTally&) = default;
};

// What the rules read of the final chain. Pointers, not copies: the engine
// builds a view over its own members for each call. Every pointer must be
// set; prev_committee may be null.
struct ChainView {
    const Params* params = nullptr;
    uint64_t height = 0;  // last final height
    crypto::Hash256 last_hash{};
    int64_t last_time = 0;
    const Committee* committee = nullptr;
    const Committee* prev_committee = nullptr;
    // Committees of earlier epochs still within fraud_window (pob.md §7.4).
    const std::map<uint64_t, Committee>* past_committees = nullptr;
    const std::set<std::string>* slashed = nullptr;   // ever
    const std::set<std::string>* fallback = nullptr;  // this epoch, final
    const IncludedMap* included = nullptr;            // producer → last final (seq, hash)
    const std::map<uint64_t, std::vector<RecentTx>>* recent = nullptr;
    const std::set<crypto::Hash256>* final_txs = nullptr;
    const std::set<crypto::Hash256>* compensated = nullptr;
    const MicroIndex* micros = nullptr;  // MicroBlocks known here
    // Evidence this node already validated (by id): not validated again.
    const std::map<crypto::Hash256, std::shared_ptr<const core::Evidence>>* evidence_pool = nullptr;
    // Members credited (a MicroRef or a proposal) in this epoch's final
    // blocks (pob.md §4.1); null = none.
    const std::set<std::string>* worked = nullptr;
    // The epoch seed's commitments and reveals in this epoch's final blocks
    // (pob.md §4.2); null = none.
    const SeedBook* seed = nullptr;
    // Vote accounting (pob.md §4.1): this epoch's final last_commits so far;
    // null = none.
    const VoteTally* votes = nullptr;

    const Committee* CommitteeForEpoch(uint64_t epoch) const;
};

// Adds b's last_commit to `t` when it certifies a height of b's own epoch
// (b.height − 1 ≥ the epoch's first height); `c` is that epoch's committee,
// whose normal members the certificate's bitmap indexes. No-op when vote
// accounting is off or b has no last_commit.
void TallyLastCommit(const Params& params, const Committee& c, const core::FinalBlock& b,
                     VoteTally& t);
// The members of `c`'s normal league (not slashed) absent from more than
// absent_vote_percent % of the tally's certificates, sorted; none when the
// tally is empty.
std::vector<std::string> AbsentVoters(const Params& params, const Committee& c,
                                      const std::set<std::string>& slashed, const VoteTally& t);
// b's last_commit against the chain it extends: present exactly when vote
// accounting is on and b.height ≥ 2, and then a valid certificate (quorum,
// every signature) of height − 1's normal committee for
// VoteMessage(commit, height − 1, last_commit.view, chain.last_hash).
util::Result<void, BlockReject> CheckLastCommit(const ChainView& chain, const core::FinalBlock& b,
                                                const crypto::Verifier& verifier);

// The epoch whose committee judges a piece of evidence (UINT64_MAX for a
// vote equivocation at height 0, which no committee judges).
uint64_t EvidenceEpoch(const core::Evidence& ev, const Params& params);

// pob.md §5.1: the owner of a publisher's transactions now, given the
// producers fallen back (the chain's plus any a block declares); nullopt =
// the normal league takes them directly (§5.4).
std::optional<std::string> OwnerOf(const ChainView& chain, const std::set<std::string>& fallback,
                                   const std::string& publisher);

// Everything a block's execution needs, derived deterministically from the
// block and the final chain (pob.md §3.3).
struct Plan {
    std::vector<std::shared_ptr<const core::MicroBlock>> micros;  // in execution order
    std::vector<core::TxRef> excluded;
    std::vector<core::TxRef> compensated;
    std::vector<std::shared_ptr<const core::Tx>> comp_txs;
    std::vector<std::string> slashed;
    std::vector<RecentTx> executed;  // what becomes recent on finality
    ExecInput in;
    crypto::Hash256 tx_root{};
};

// A plan refused; `missing` names the MicroBlocks to fetch (kMissingMicro).
struct PlanReject {
    BlockReject reason;
    std::vector<crypto::Hash256> missing;
};

// The plan of `b` (its slashes, compensations, exclusions, MicroBlocks and
// transactions in execution order) or why it cannot have one. ExecInput
// points into `b` and into the MicroBlocks: both must outlive the plan.
util::Result<Plan, PlanReject> MakePlan(const ChainView& chain, const core::FinalBlock& b,
                                        Application& app, const crypto::Verifier& verifier);

struct Validated {
    std::shared_ptr<const core::FinalBlock> block;
    Plan plan;
    ExecResult result;
};

// The full validity check of a proposed or certified block at height+1:
// chain linkage, proposer, the plan, the derived fields and the roots of our
// own execution (Execute, never Commit).
util::Result<std::shared_ptr<Validated>, PlanReject> ValidateBlock(
    const ChainView& chain, const std::shared_ptr<const core::FinalBlock>& b, Application& app,
    const crypto::Verifier& verifier);

// pob.md §6.2, bounded block time. Validity (every node, any time) only
// requires time > the last final block's; the upper bound depends on the
// local clock, so it is a replica refusal of fresh proposals and never
// applied to certified blocks (sync, restart). A replica refuses a block
// whose time exceeds max(now + max_clock_drift, last_time + 1): the second
// term lets a chain whose time ran ahead of every clock (a Byzantine primary
// that stayed within the drift, clocks stepped back) go on at 1 ns per
// block instead of halting. All arithmetic saturates at INT64_MAX.
util::Result<void, BlockReject> CheckTimeBound(const Params& params, int64_t last_time,
                                               int64_t block_time, int64_t now);
// The time an honest primary proposes: max(now, last_time + 1), which
// CheckTimeBound accepts on every replica whose clock is at least
// now − max_clock_drift. nullopt when last_time is INT64_MAX (no later time
// exists; only a chain built without the bound can get there).
std::optional<int64_t> ProposalTime(int64_t last_time, int64_t now);

// pob.md §6.2, when the primary of view 0 proposes at a height it entered
// at `now` on committing the previous block: `final_interval` after that
// block's time, so the interval is measured from one proposal to the next
// and the commit rounds do not add to it. At once when that has passed (the
// rounds took longer than the interval), and never later than
// `final_interval` from now: the previous time is another primary's clock,
// and one ahead of ours must not stretch the wait. Returns the delay in
// [0, final_interval].
int64_t ProposeDelay(int64_t final_interval, int64_t last_time, int64_t now);

// pob.md §5.4, false fallback declarations: a replica does not vote for a
// fresh block that declares silent a producer from which it accepted a
// MicroBlock (they heartbeat when idle) less than silent_after/2 ago, by
// its own clock (`last_heard`: producer → when). An honest primary declares
// only after silent_after of silence at itself; the margin absorbs the
// spread between what the primary and the replica received. A primary cut
// off from a live producer is thus outvoted, and the next primary, which
// hears it, does not declare it.
util::Result<void, BlockReject> CheckFallbackClaims(
    const Params& params, const std::vector<std::string>& declared,
    const std::map<std::string, int64_t>& last_heard, int64_t now);

// pob.md §6.2: a valid block this replica still does not vote for: it
// references a MicroBlock whose sample failed here (and does not slash its
// producer), or a direct transaction is not the normal league's or fails the
// full check. `sample_failed`: MicroBlock hash → our fraud proof's id.
// `overdue` (pob.md §5.5): transactions of live partitions this replica has
// held unpacked past the censorship deadline; a direct tx of a live
// partition is accepted only if it is one of them.
util::Result<void, BlockReject> ReplicaRefusal(
    const ChainView& chain, const Validated& v,
    const std::map<crypto::Hash256, crypto::Hash256>& sample_failed, Application& app,
    const std::set<crypto::Hash256>* overdue = nullptr);

// pob.md §4.1: the Servi penalties a block's content implies (fallback
// declarations, failed primaries of earlier views, censored transactions)
// and, in an epoch's last block, the withheld seed reveals, the absent
// voters (vote accounting; listed in in.absent_voters), the idle members
// and the decay. Pure: a
// function of the block and the final chain, so every node agrees.
void PlanServi(const ChainView& chain, const core::FinalBlock& b,
               const std::set<std::string>& fallback_now, ExecInput& in);

}  // namespace iost::consensus
