// The deterministic PoB simulator (docs/architecture.md §2, sim tier): N
// engines, each over the real ledger with in-memory state, wired by a
// virtual network (per-link delay and jitter, drop, duplicate, reorder,
// partitions and heal, asymmetric links) under a virtual clock, with a
// transaction load from funded accounts and selectable Byzantine roles.
// After every event it checks the invariants (docs/pob.md §10): one
// certified block per height, identical chains and state roots, conserved
// supply, no honest validator slashed, exact compensation of forged final
// transactions. Same seed → same trace (a SHA3 over every event).
// Thread contract: a Simulation is single-threaded; separate Simulations
// share nothing and may run on separate threads.
#pragma once

#include <consensus/params.h>
#include <crypto/hash.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace iost::sim {

enum class Fault {
    kNone,
    kForger,  // a believable validator packs forged txs (bad signature / someone else's funds)
    kMicroEquivocator,  // a believable validator sends two MicroBlocks with one seq
    kSilentBelievable,  // a believable validator never sends anything
    kTwins,             // a normal validator runs twice with one key (equivocation)
    kWithholdVotes,     // a normal validator never sends its votes
    kGarbage,           // a normal validator sends corrupted messages
    kCrashPrimary,      // a normal validator crashes and restarts from its disk
    kPartition,         // random halves partition, then heal
    kAsymmetric,        // one node can send but not receive for a while
    // Users change their active keys now and then (an honest, state-changing
    // action): transactions signed with the old key that were packed before
    // must not make their producers slashable (docs/pob.md §7.1).
    kKeyChanger,
    // A normal validator that tries to frame honest producers: it sends fraud
    // proofs for their MicroBlocks' transactions of users who changed keys
    // since (valid under a state-based fraud rule, refused under the bytes rule).
    kFramer,
    // A believable validator crashes (keeping its disk) and restarts 500 ms
    // later, inside the epoch: it must resume its MicroBlock seqs after the
    // last one it signed, never sign a second one with a used seq
    // (docs/pob.md §9) — or the honest node is slashed for equivocation.
    kCrashBelievable,
    // A normal validator whose blocks carry a skewed time (docs/pob.md §6.2):
    // minutes ahead, minutes behind, or INT64_MAX (SimConfig::skew_mode).
    kSkewedPrimary,
    // Every honest node's clock is off by a random amount within
    // ±max_clock_drift/2 (honest skew the time bound must tolerate).
    kClockSkew,
    // A normal validator whose blocks declare every live believable producer
    // silent (a false fallback declaration, docs/pob.md §5.4).
    kFalseFallback,
    // A believable validator that packs nothing of chosen publishers of its
    // partition (all of them on even seeds, every other one on odd seeds):
    // their transactions must become final within censor_deadline plus one
    // block, through the normal league (docs/pob.md §5.5).
    kCensor,
    // A believable validator that dies for good at fault_start: none of the
    // transactions it held may be lost, and once it has been down for a
    // whole epoch it serves in, it is not elected again (docs/pob.md §4.1).
    kDeadBelievable,
    // A node outside the genesis validator set that registers (with stake)
    // at fault_start: it must be elected in the epoch after its registration
    // is final, and propose there (docs/pob.md §4.1).
    kJoiner,
    // A normal validator that tries to choose the next epoch's seed
    // (docs/pob.md §4.2): as the proposer of an epoch's last block it builds
    // kSeedGrindTries variants and proposes the one whose seed elects it
    // believable; at its reveal turn it withholds its reveal unless revealing
    // elects it believable. With commit–reveal the block hash does not move
    // the seed and a withheld reveal costs it its seat: it must never pick
    // a seed among two or more while staying a candidate.
    kSeedGrinder,
    // A believable validator that crashes at fault_start (keeping its disk),
    // is down for a whole epoch it serves in (so the epoch's last block logs
    // it out for idleness), restarts at heal_ms and, once back, sends
    // vote_producer.iost logInProducer (what `iwallet sys producer-login`
    // sends): it must not be in the committee of the epoch after the one it
    // was down for, must be a candidate again from the election after its
    // login is final, elected then when there is a seat for every candidate,
    // and work in that epoch (docs/pob.md §4.1). In no mix: opt-in only.
    kComeback,
    // A normal validator whose blocks' last_commit carries a bare quorum of
    // commit votes (its own first), leaving out every other voter it heard
    // (docs/pob.md §4.1 vote accounting): no honest, connected validator may
    // be charged MissedDuty::kAbsentVotes for it.
    kStripCommits,
};
const char* FaultName(Fault f);
std::optional<Fault> ParseFault(const std::string& s);

struct SimConfig {
    uint64_t seed = 1;
    uint32_t believable = 4;  // B
    uint32_t normal = 4;      // N
    uint32_t spare = 1;       // extra registered validators (elected at later epochs)
    uint32_t sampling_ppm = 300'000;
    uint64_t epoch_length = 1'000;
    // Roles whose effect shows at epoch ends (dead-believable, joiner,
    // seed-grinder, comeback, withhold-votes, strip-commits) shorten epochs to
    // a few heights; keep_epoch_length (--keep-epoch-length) keeps
    // epoch_length, for a test of one epoch's committee (a forger grinding
    // onto the auditors of the epoch it runs in).
    bool keep_epoch_length = false;
    uint32_t users = 12;
    int64_t duration_ms = 20'000;
    int64_t tx_interval_ms = 100;  // one client tx this often
    // Network.
    int64_t delay_ms = 5;
    int64_t jitter_ms = 10;
    double drop = 0.0;
    double duplicate = 0.0;
    double reorder = 0.0;  // probability of an extra random delay
    // Every MicroBlock broadcast before this time is lost (producers that
    // start before their peers are connected); 0 = none.
    int64_t lose_micros_until_ms = 0;
    // Faults.
    std::vector<Fault> faults;      // one per faulty node (for network faults: one event)
    uint32_t byzantine_normal = 0;  // extra twins beyond f (negative control)
    bool negative_control = false;  // >f twins splitting the network: must violate safety
    int64_t fault_start_ms = 2'000;
    int64_t heal_ms = 8'000;  // partitions heal / crashed nodes restart at this time
    double forge_rate = 0.5;  // forged txs per forger MicroBlock (probability)
    // IOST each forged transfer takes from its victim (users hold 10,000,000;
    // a validator's bond is 1,010,000: stake + gas pledge). Above the bond a
    // single forgery is past the exposure bound (docs/pob.md §7.5).
    int64_t forge_amount_iost = 1'000;
    // docs/pob.md §7.5 on; off is a negative control: with forged transfers
    // larger than the bond, a forger's unrepaid forged debits exceed its bond
    // and must be reported as a violation.
    bool exposure_bound = true;
    // docs/pob.md §9 on; off is a negative control: a believable validator
    // restarted inside the epoch forgets its last seq (crash-believable must
    // then get it slashed for equivocation, a violation).
    bool producer_record = true;
    // No forging, key changes or framing in the last quiet_end_ms of a run, so
    // that audits of the last forged transactions land before the end (the
    // end-of-run invariant wants every forged final tx repaid).
    int64_t quiet_end_ms = 4'000;
    // Every honest validator audits the signatures of the final
    // transactions assigned to it (consensus/audit_assign.h: f + 1 normal
    // validators per transaction, docs/pob.md §7.4) and of its own
    // MicroBlocks; off: only sampling catches forgers.
    bool auditor = true;
    // Negative control of the assignment: f auditors per transaction instead
    // of f + 1. A forger that grinds its forged transactions onto its
    // Byzantine normal colleagues (who audit nothing) then escapes proof
    // within audit_window, which must be reported.
    bool audit_assign_f = false;
    // Negative control: execution skips compensations, so forged final
    // transactions stay unpaid and must be reported as violations.
    bool no_compensation = false;
    // Negative control: replicas accept any block time (max_clock_drift =
    // INT64_MAX), so a skewed primary's time must be reported as a violation.
    bool no_time_bound = false;
    // The skewed primary's block times: 0 = 5 min ahead of its clock, 1 = 5
    // min behind, 2 = INT64_MAX; -1 = seed mod 3.
    int skew_mode = -1;
    // Negative control: replicas vote for fallback declarations without
    // checking them, so a false-fallback primary's claims become final and
    // must be reported as violations.
    bool no_fallback_check = false;
    // Negative controls of docs/pob.md §4.1 and §5.5: no per-transaction
    // fallback (censored txs wait for the next epoch), no kept copies (the
    // old forward-once routing), no idle logout (dead validators are
    // re-elected), no newcomer seat (a joiner's weight is 0). Each makes the
    // matching role's invariant fail.
    bool no_censor_fallback = false;
    bool no_keep = false;
    bool no_liveness = false;
    bool no_newcomer_seat = false;
    // Negative control of the comeback path (docs/pob.md §4.1): the
    // comeback validator restarts but never sends logInProducer, so it
    // stays logged out and its missing re-election must be reported.
    bool no_login = false;
    // Negative control of docs/pob.md §4.2: no commit–reveal, the seed is
    // the hash of the epoch's last block; a seed grinder's choice must then
    // be reported.
    bool no_seed_reveal = false;
    // docs/pob.md §4.1 vote accounting. Off (--no-vote-accounting): no
    // last_commit, nobody charged for absent votes (the withhold-votes
    // role's charge must then be missing). absent_vote_percent 0 (negative
    // control): any absence is charged, so a strip-commits proposer gets
    // honest validators charged, which must be reported.
    bool no_vote_accounting = false;
    // Negative control: engines ignore commit votes that arrive after the
    // block is final, so last_commits carry only a quorum and the full ones
    // (every member of the committee) must all but vanish.
    bool no_late_commits = false;
    uint32_t absent_vote_percent = 50;
    bool real_consensus_crypto = false;  // Ed25519 for consensus keys (slow); fake by default
    consensus::Params params;            // intervals/timeouts (sizes come from the fields above)
};

struct SimResult {
    uint64_t seed = 0;
    uint64_t final_height = 0;  // lowest final height among honest nodes
    uint64_t max_height = 0;
    uint64_t txs_submitted = 0;
    uint64_t txs_finalized = 0;  // on the reference honest node
    uint64_t forged_injected = 0;
    uint64_t forged_detected = 0;  // excluded or compensated or never final after evidence
    uint64_t forged_final = 0;
    uint64_t forged_final_compensated = 0;
    uint64_t forged_escaped = 0;   // final and took funds, yet not repaid (a violation)
    uint64_t forged_by_audit = 0;  // fraud proofs the auditors made (sum over honest nodes)
    // docs/pob.md §7.5: forged final transactions that took funds and were
    // not repaid within audit_window heights of the block that made them
    // final (a violation in runs without network faults).
    uint64_t forged_unproven_in_window = 0;
    // docs/pob.md §7.5: MicroBlocks honest replicas checked in full because
    // their producer was past its exposure bound (sum over honest nodes), and
    // the largest unrepaid forged debits (IOST raw) one forger had final at
    // once, on the reference node.
    uint64_t micros_fully_verified = 0;
    int64_t max_forged_at_risk = 0;
    uint64_t key_changes = 0;       // active-key changes submitted by users
    uint64_t framing_attempts = 0;  // fraud proofs a framer sent against honest producers
    // docs/pob.md §6.2: final blocks whose time exceeded the bound (true time
    // + max_clock_drift + the largest honest skew + 1 ns per height), and
    // transactions executed as expired although they had not (by that bound).
    uint64_t blocks_beyond_time_bound = 0;
    uint64_t txs_wrongly_expired = 0;
    int64_t max_block_time_lead_ms = 0;  // most a final block's time ran ahead of true time
    // docs/pob.md §5.4: honest, live producers declared silent by a final
    // block (checked in runs with a false-fallback primary and no network
    // fault, where no honest producer is ever silent).
    uint64_t live_producers_declared_silent = 0;
    uint64_t censored_txs = 0;        // txs of censored publishers submitted (kCensor)
    uint64_t censored_final = 0;      // of those, final by the end of the run
    int64_t max_censor_delay_ms = 0;  // censored tx submitted → final (block time), max
    int64_t censor_servi = -1;        // the censor's Servi at the end (reference node)
    uint64_t joiner_epoch = 0;        // epoch the joiner was first elected in (0 = never)
    // docs/pob.md §4.1 "can later be believable": the first epoch the joiner
    // was in the believable league (0 = never), and in how many elections
    // after its registration it was normal, believable, or not elected.
    uint64_t joiner_believable_epoch = 0;
    uint64_t joiner_normal_elections = 0;
    uint64_t joiner_believable_elections = 0;
    uint64_t joiner_unelected_elections = 0;
    int64_t joiner_servi = -1;  // its Servi at the end (reference node)
    // kComeback: the first election (epoch) it was no candidate of (logged
    // out by the previous epoch's last block; 0 = never), the
    // height its logInProducer became final (0 = never), and the first epoch
    // it was elected to after it came back (0 = never).
    uint64_t comeback_out_epoch = 0;
    uint64_t comeback_login_height = 0;
    uint64_t comeback_epoch = 0;
    // docs/pob.md §4.2 (kSeedGrinder): epochs whose seed the grinder chose
    // among ≥ 2 while a candidate (a violation), reveals withheld (each must
    // cost the next seat), and in how many of the elections after genesis
    // the grinder was made believable.
    // docs/pob.md §4.1 vote accounting: members charged kAbsentVotes (all
    // epochs' last blocks, first finalization of each); of those, honest
    // ones (each a violation unless the epoch overlapped a partition or
    // crash, see CheckAbsentVotes); ended epochs the withhold-votes
    // validator served in the normal league, and in how many it was charged.
    uint64_t accounted_epochs = 0;  // epochs' last blocks checked
    // Final blocks with a last_commit, and of those the ones that carry a
    // commit vote of every member of height − 1's normal committee (late
    // votes included, the engine's HandleLateCommit).
    uint64_t last_commits = 0;
    uint64_t full_last_commits = 0;
    uint64_t absent_vote_charges = 0;
    uint64_t honest_absent_charged = 0;
    uint64_t withholder_epochs = 0;
    uint64_t withholder_charged = 0;
    uint64_t seeds_ground = 0;
    uint64_t seed_reveals_withheld = 0;
    uint64_t grinder_believable = 0;
    uint64_t elections = 0;
    // Forged tx final → the block that repaid it, on the auditing node (block
    // times, ms): how long a victim waits; max over the run.
    int64_t max_repay_delay_ms = 0;
    std::vector<std::string> slashed;
    uint64_t view_changes = 0;
    uint64_t fallback_partitions = 0;
    // Distinct producers with a MicroBlock ref in the upper half of the
    // reference node's final chain (a starved partition has none).
    uint32_t producers_referenced_late = 0;
    // Most FinalBlocks any one proposal carried (its block plus the prepared
    // blocks in its justification): 1 keeps a new-view proposal within the
    // frame cap however large the block.
    uint32_t max_blocks_in_proposal = 0;
    uint64_t safety_violations = 0;
    uint64_t liveness_height_after_heal = 0;  // heights finalized after the heal time
    int64_t compensation_pool = 0;            // IOST left in the pool at the end (reference node)
    std::vector<std::string> violations;      // first few messages
    crypto::Hash256 trace_hash{};
    std::string ToJson() const;
};

SimResult RunSimulation(const SimConfig& config);

// The fault mixes the CI batch and `iost-sim --mix all` cycle through
// (seed s runs mix s mod size).
std::vector<std::vector<Fault>> FaultMixes();

// The CI seed batch (tests/sim/sim_test.cpp SeedBatch, `iost-sim --ci-batch`):
// every mix × 18 seeds, each a 12 s run with faults from 2 s to 6 s and mild
// network noise. One definition, so the trace fixture
// (tests/sim/fixtures/traces.txt) and the test that compares it run exactly
// the same configurations.
constexpr uint64_t kCiBatchSeedsPerMix = 18;
SimConfig CiBase(uint64_t seed);
SimConfig CiBatchConfig(size_t mix, uint64_t k);

// The mixes with a fraud role (forger, key changer or framer): `iost-sim
// --mix fraud` cycles these (seed s runs FraudMixes()[s mod size]).
std::vector<std::vector<Fault>> FraudMixes();

// The first 16 hex digits of a trace hash, as printed in ToJson ("trace").
std::string TraceHex(const crypto::Hash256& trace);

// The command line that replays one run with iost-sim.
std::string ReplayCommand(const SimConfig& config);

}  // namespace iost::sim
