// PoB parameters (docs/pob.md §1, docs/pob.md §2) and the quorum arithmetic of
// the normal league. Integers only: every node must compute the same values.
// Thread contract: value types and pure functions.
#pragma once

#include <util/clock.h>

#include <cstddef>
#include <cstdint>

namespace iost::consensus {

struct Params {
    uint32_t believable_size = 4;     // B
    uint32_t normal_size = 4;         // N
    uint32_t sampling_ppm = 100'000;  // p in parts per million
    uint64_t epoch_length = 100;      // final blocks per epoch
    // pob.md §2: the least spacing of one producer's MicroBlocks and the
    // interval between proposals, chosen from the measured latency/CPU
    // trade-off (docs/benchmarks.md "Latency (issue #15.3)"); the devnet's
    // defaults (src/devnet/options.h) are the same.
    int64_t micro_interval_ns = 20 * util::kNanosPerMilli;
    int64_t final_interval_ns = 300 * util::kNanosPerMilli;
    // A replica that sees no progress in a view for this long asks for a view
    // change; the timeout doubles with each view at one height (capped at
    // 2^kMaxTimeoutDoublings) so that views eventually overlap after GST.
    int64_t view_timeout_ns = 2 * util::kNanosPerSecond;
    // A believable validator with no MicroBlock (they heartbeat when idle)
    // for this long is declared silent by the primary: its partition falls
    // back to the normal league until the next epoch (pob.md §5.4).
    int64_t silent_after_ns = 3 * util::kNanosPerSecond;
    // pob.md §6.2: a replica votes for a new block only if its time is at
    // most its own clock plus this (or exactly the previous block's time + 1
    // ns, so that a chain whose time ran ahead never halts). Honest clocks
    // must agree within it (go-iost allows 1 s).
    int64_t max_clock_drift_ns = 2 * util::kNanosPerSecond;
    uint64_t min_servi = 1;
    uint64_t recheck_window = 100;  // final heights re-verified after fraud (pob.md §7)
    // pob.md §7.4: final heights during which a fraud proof about a
    // MicroBlock is accepted and its forged transaction repaid (the ledger
    // keeps each transaction's debit record this long). Must be at least the
    // unbonding delay of a validator's stake (7 days of unvote freeze) in
    // heights, so that a slashable validator cannot withdraw first. 0 = as
    // long as the epoch's committee is known (current and previous epoch).
    uint64_t fraud_window = 0;
    // pob.md §7.5: final heights a believable producer's transactions count
    // as unverified exposure (the time auditors are given to prove a
    // forgery). Must not exceed recheck_window, so that a slash repays every
    // transaction still in the window at once. 0 = no exposure bound.
    uint64_t audit_window = 20;
    uint64_t dedup_window = 1'000;  // final heights whose tx hashes stay known
    uint32_t max_txs_per_micro = 500;
    uint32_t max_direct_txs = 2'000;
    // Transactions of referenced MicroBlocks one FinalBlock may carry
    // (core::kMaxMicroTxs by default). The proposer shares it fairly between
    // the live producers (pob.md §3.3); validation refuses more.
    uint32_t max_block_micro_txs = 10'000;
    uint32_t chain_id = 1020;

    // --- Censorship resistance (pob.md §5.5) ---
    // A transaction held (not packed in any MicroBlock known here) this long
    // after it reached a normal validator is included directly by the normal
    // league although its owner is live; the owner loses Servi. 0 = off (the
    // simulator's negative control). Replicas accept such a direct tx once
    // they have held it for censor_deadline − final_interval (their copy may
    // have arrived a little later than the primary's).
    int64_t censor_deadline_ns = 3 * util::kNanosPerSecond;
    // Node-local caps of the kept copies (pob.md §5.5): every node keeps each
    // transaction it saw until it is final or expired, at most this many in
    // all and per publisher (beyond: not kept, still forwarded). 0 = keep
    // nothing (negative control: the old forward-once behaviour).
    uint32_t keep_max_txs = 20'000;
    uint32_t keep_max_per_publisher = 256;

    // --- A living validator set (pob.md §4.1) ---
    // Servi lost per missed duty, decided from the final block: a producer
    // declared silent (fallback), each failed view-0..v−1 primary of a block
    // proposed in view v, each transaction of a live producer's partition the
    // normal league had to include directly (censorship), a member of the
    // ending epoch that did no duty in it (idle, also logged out), and one
    // absent from too many of its commit certificates (vote accounting).
    int64_t servi_missed_micro = 10;
    int64_t servi_failed_proposal = 2;
    int64_t servi_censored_tx = 5;
    int64_t servi_idle = 50;
    // Vote accounting (pob.md §4.1): every block at height ≥ 2 carries the
    // commit votes its proposer held for height − 1 (FinalBlock::
    // last_commit), and the epoch's last block charges servi_absent_votes to
    // a member of the ending normal committee absent from more than
    // absent_vote_percent % of the epoch's last_commits that certify a
    // height of the same epoch. false = today's chain (no last_commit, no
    // charge): old tests and negative controls.
    bool vote_accounting = true;
    int64_t servi_absent_votes = 5;
    uint32_t absent_vote_percent = 50;
    // Per epoch every validator keeps (100 − decay)% of its Servi (floor 1).
    uint32_t servi_decay_percent = 10;
    // A member that did no duty in a whole epoch is logged out (is_producer
    // = false, as vote_producer.iost logOutProducer) and so not elected until
    // it logs in again. false = off (negative control).
    bool idle_logout = true;
    // Normal seats per epoch reserved for newcomers (registered, staked,
    // Servi 0: never credited), earliest registration first. 0 = off
    // (negative control: a newcomer's weight is 0, it is never elected).
    uint32_t newcomer_seats = 1;

    // --- The epoch seed (pob.md §4.2) ---
    // Commit–reveal among the normal league; a committed validator that does
    // not reveal is left out of the election and loses servi_missed_micro.
    // false = off (the simulator's negative control): the seed is the hash of
    // the epoch's last block, which its proposer can grind.
    bool seed_commit_reveal = true;
};

// Kinds of missed duty with their Servi penalty (pob.md §4.1). kWithheldSeed
// is for the epoch-seed commit–reveal (a validator that committed and did not
// reveal): the same amount as a missed MicroBlock deadline. A caller adds
// {validator, −ServiPenalty(params, kind)} to ExecInput::servi_deltas.
enum class MissedDuty : uint8_t {
    kMicroDeadline,   // declared silent (fallback)
    kFailedProposal,  // primary of a view that failed
    kCensoredTx,      // a tx of its partition included directly
    kIdleEpoch,       // a whole epoch without any duty done
    kWithheldSeed,    // committed an epoch-seed value and did not reveal it
    kAbsentVotes,     // absent from more than absent_vote_percent % of the epoch's last_commits
};
constexpr int64_t ServiPenalty(const Params& p, MissedDuty d) {
    switch (d) {
        case MissedDuty::kMicroDeadline:
        case MissedDuty::kWithheldSeed:
            return p.servi_missed_micro;
        case MissedDuty::kFailedProposal:
            return p.servi_failed_proposal;
        case MissedDuty::kCensoredTx:
            return p.servi_censored_tx;
        case MissedDuty::kIdleEpoch:
            return p.servi_idle;
        case MissedDuty::kAbsentVotes:
            return p.servi_absent_votes;
    }
    return 0;
}

inline constexpr int kMaxTimeoutDoublings = 4;

// pob.md §6: f = ⌊(N−1)/3⌋ Byzantine normal validators are tolerated.
constexpr size_t MaxFaulty(size_t n) { return n == 0 ? 0 : (n - 1) / 3; }
// pob.md §6: q = ⌈(N+f+1)/2⌉, so that two quorums always share at least f+1
// members (2q − N ≥ f+1), i.e. at least one honest one. 2f+1 is that value
// only when N = 3f+1.
constexpr size_t Quorum(size_t n) { return (n + MaxFaulty(n) + 2) / 2; }

}  // namespace iost::consensus
