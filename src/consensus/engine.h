// The PoB engine (docs/pob.md §1, docs/pob.md): one validator's (or
// observer's) consensus state machine. Pure: inputs carry time, outputs are
// returned as Effects; it never touches sockets, files, clocks or global
// randomness, and it never iterates an unordered container, so the same
// inputs give the same outputs on every run (the simulator checks this by
// hashing traces). It calls the injected Application synchronously for the
// full transaction check and for execution (deterministic functions of
// committed state).
//
// Roles per epoch (pob.md §4): a believable validator produces signed MicroBlocks
// for its partition of publishers (pob.md §5.1); a normal validator samples every
// MicroBlock, produces fraud proofs, and runs PBFT over FinalBlocks (pob.md §5.3);
// any other node observes and finalizes on commit certificates. Fallback
// (pob.md §5.4): chain-wide when the election finds too few eligible validators,
// per partition when a believable validator goes silent.
//
// Thread contract: single-threaded. The driver feeds one input at a time and
// performs the returned effects in order; a PersistSafety effect must be
// durable before any later effect is performed.
#pragma once

#include <consensus/application.h>
#include <consensus/block_rules.h>
#include <consensus/checkpoint.h>
#include <consensus/direct_budget.h>
#include <consensus/election.h>
#include <consensus/exposure.h>
#include <consensus/messages.h>
#include <consensus/params.h>
#include <consensus/round.h>
#include <consensus/safety.h>
#include <consensus/seed.h>
#include <core/block.h>
#include <crypto/keys.h>
#include <util/log.h>

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace iost::consensus {

struct EngineOptions {
    NodeId id;
    Params params;
    crypto::Hash256 genesis_hash{};  // seeds epoch 0
    int64_t genesis_time = 0;
    // Final blocks (and their MicroBlocks) kept in memory to help laggards;
    // 0 keeps all (the simulator). A node serves older ones from its disk.
    uint64_t chain_memory = 0;
    // Negative control only (the simulator's --no-exposure-bound): the
    // exposure bound of pob.md §7.5 is accounted but never switches a
    // producer to full verification, so its breach must be reported.
    bool enforce_exposure_bound = true;
    // Negative control only: no PersistProducer effects, so a believable
    // validator restarted inside an epoch reuses its seqs (pob.md §9).
    bool persist_producer = true;
    // TEST ONLY (end-to-end fraud tests): alters each MicroBlock this node
    // produces before it is sealed and signed, e.g. to pack a forged
    // transaction as a cheating producer would. Unset in every real node.
    std::function<void(core::MicroBlock&)> test_only_alter_micro = nullptr;
    // Simulator only (a Byzantine primary with a skewed clock, tests/sim):
    // maps (last final time, now) to the time this node puts in the blocks
    // it builds, instead of ProposalTime. Unset on every real node.
    std::function<int64_t(int64_t last_time, int64_t now)> block_time_override = nullptr;
    // Simulator only (a Byzantine primary making false fallback declarations,
    // pob.md §5.4): producers this node declares silent in the blocks it
    // builds although it hears them. Unset on every real node.
    std::function<bool(const std::string& producer)> claim_silent = nullptr;
    // Simulator only (negative control): vote for fallback declarations
    // without checking them against what this node heard.
    bool trust_fallback_claims = false;
    // Simulator only (a seed-grinding Byzantine validator, pob.md §4.2): a
    // block this node builds that could sway the next epoch's seed — the
    // epoch's last block (whose hash is the seed when commit–reveal is off)
    // or one due to carry its own reveal — is built in variants (time + i
    // ns for i < kSeedGrindTries; with and without the reveal) and this
    // picks the one proposed. Unset on every real node.
    std::function<size_t(uint64_t next_epoch, const std::vector<SeedOption>& options)> grind_seed =
        nullptr;
    // Simulator only (a Byzantine proposer, pob.md §4.1 vote accounting):
    // the last_commit of the blocks this node builds carries just a quorum
    // of signers (its own first, then the lowest-indexed others), leaving
    // out every other voter it heard. false on every real node.
    bool strip_last_commit = false;
    // Negative control only (the simulator's --no-late-commits): commit
    // votes for the last final block that arrive after it was final are
    // ignored, so a last_commit carries just the finalizing certificate.
    bool accept_late_commits = true;
};
inline constexpr int64_t kSeedGrindTries = 8;

// What one SyncResponse did (Engine::ApplySync). The driver maps the
// verdict to a peer penalty: a forged certificate is proof of malice, a
// certified block that does not apply may be a lost MicroBlock.
enum class SyncVerdict : uint8_t {
    kOk,                 // every block at the next height(s) applied (maybe none)
    kBadCertificate,     // a commit certificate does not verify
    kBlockDoesNotApply,  // a certified block is invalid here (see `reject`)
};
struct SyncApply {
    size_t applied = 0;  // final blocks added
    SyncVerdict verdict = SyncVerdict::kOk;
    uint64_t bad_height = 0;  // the block that failed (verdict != kOk)
    BlockReject reject{};     // why it did not apply (kBlockDoesNotApply)
    bool bad() const { return verdict != SyncVerdict::kOk; }
};
// One line for logs and penalties: "certified block 7 does not apply: ...".
std::string DescribeSync(const SyncApply& r);

// Counters for tests, the simulator's summary and metrics.
struct EngineStats {
    uint64_t micro_blocks_produced = 0;
    uint64_t samples_checked = 0;
    uint64_t fraud_proofs_made = 0;
    uint64_t equivocations_seen = 0;
    uint64_t micro_gaps_requested = 0;  // lost MicroBlocks asked for again
    uint64_t view_changes = 0;
    uint64_t proposals_rejected = 0;
    uint64_t bad_messages = 0;
    // pob.md §7.5: MicroBlocks this replica checked in full because their
    // producer was past its exposure bound, and final blocks in which some
    // producer's unverified exposure exceeded its bond (0 unless the bound
    // is off).
    uint64_t micros_fully_verified = 0;
    uint64_t exposure_breaches = 0;
};

class Engine {
  public:
    Engine(EngineOptions options, const crypto::Signer& signer, const crypto::Verifier& verifier,
           Application& app, util::Logger log);

    // Starts from the Application's committed genesis state (height 0).
    Effects Start(TimePoint now);
    // Restarts from disk: replays certified blocks (verifying each
    // certificate and re-executing) on a fresh Application at genesis, then
    // takes back the persisted safety state. Call instead of Start.
    Effects Restore(const std::vector<std::shared_ptr<const core::CertifiedBlock>>& blocks,
                    const std::vector<std::shared_ptr<const core::MicroBlock>>& micros,
                    const std::optional<SafetyState>& safety, TimePoint now,
                    const std::optional<ProducerState>& producer = std::nullopt);
    // The same in steps, so a long chain need not be in memory at once:
    // BeginRestore, RestoreBlocks for consecutive chunks (each block with the
    // MicroBlocks it references), then EndRestore.
    void BeginRestore(TimePoint now);
    util::Status RestoreBlocks(
        const std::vector<std::shared_ptr<const core::CertifiedBlock>>& blocks,
        const std::vector<std::shared_ptr<const core::MicroBlock>>& micros, TimePoint now);
    // pob.md §9: the MicroBlocks this validator signed and kept durable
    // (PersistProducer::micro), read back on restart. Those of the current
    // epoch above its last included seq are held again as if just produced,
    // so a proposer that misses the link to the producer's next MicroBlock
    // gets it from the producer (MicroRequest) even when every node
    // restarted; the rest are ignored. Call after the chain is restored and
    // before EndRestore.
    void RestoreOwnMicros(const std::vector<std::shared_ptr<const core::MicroBlock>>& micros);
    // `producer`: the last PersistProducer record, if any (pob.md §9).
    Effects EndRestore(const std::optional<SafetyState>& safety, TimePoint now,
                       const std::optional<ProducerState>& producer = std::nullopt);
    // Restarts in constant time (docs/state.md "Restart in constant time"):
    // takes the chain-derived state from the head block's checkpoint and
    // rebuilds the windows (dedup set, recent transactions, in-memory chain)
    // from `recent`, the last blocks in ascending height order ending at the
    // checkpoint's height; the Application's committed state must already
    // be the state after that block. Nothing is re-executed. Call instead of
    // Start/BeginRestore, then EndRestore.
    util::Status RestoreFromCheckpoint(const EngineCheckpoint& cp,
                                       const std::vector<RecentFinal>& recent, TimePoint now);
    // The chain-derived state now (what the Finalize effects carry).
    EngineCheckpoint Checkpoint() const;
    // Heights before the head whose blocks RestoreFromCheckpoint needs:
    // plan tx hashes for `tx_window`, full blocks for `block_window`.
    uint64_t restore_tx_window() const;
    uint64_t restore_block_window() const;
    // Transactions known final within the dedup window.
    size_t final_txs_known() const { return m_final_txs.size(); }

    Effects OnMessage(const NodeId& from, const Message& msg, TimePoint now);
    Effects OnTimeout(const TimerId& timer, TimePoint now);
    // A SyncResponse, with a report of what it did: certified blocks from
    // height()+1 on are checked against the validator set of their epoch
    // (the committee elected from the executed chain), executed and
    // finalized; blocks at other heights are ignored. `bad` when a
    // certificate does not verify, a block's MicroBlocks are missing or do
    // not match, or it does not execute to its roots.
    Effects ApplySync(const NodeId& from, const SyncResponse& r, TimePoint now, SyncApply* out);
    // A transaction submitted by a client to this node (pob.md §5.1).
    Effects OnClientTx(const core::Tx& tx, TimePoint now);

    // Observers.
    const NodeId& id() const { return m_opt.id; }
    uint64_t height() const { return m_height; }
    const crypto::Hash256& last_hash() const { return m_last_hash; }
    uint64_t view() const { return m_safety.view; }
    const Committee& committee() const { return m_committee; }
    // The committee of `epoch` if the engine still knows it (the current and
    // previous epoch, and earlier ones within fraud_window); the audit
    // assignment's league (pob.md §7.4).
    const Committee* CommitteeOf(uint64_t epoch) const { return CommitteeForEpoch(epoch); }
    const SafetyState& safety() const { return m_safety; }
    const EngineStats& stats() const { return m_stats; }
    // Valid evidence this node holds and will propose (pob.md §7).
    bool HasEvidence(const crypto::Hash256& id) const { return m_evidence_pool.count(id) != 0; }
    bool IsSlashed(const std::string& id) const { return m_slashed.count(id) != 0; }
    const std::map<uint64_t, std::shared_ptr<const core::CertifiedBlock>>& chain() const {
        return m_chain;
    }
    // A MicroBlock the engine accepted (signature verified, or its own, or
    // delivered with a certified block); nullptr if unknown or forgotten.
    std::shared_ptr<const core::MicroBlock> FindMicro(const crypto::Hash256& hash) const {
        auto it = m_micro.find(hash);
        return it == m_micro.end() ? nullptr : it->second;
    }
    size_t micros_in_memory() const { return m_micro.size(); }
    // Transactions kept until final or expired (pob.md §5.5).
    size_t kept_txs() const { return m_kept.size(); }
    // MicroBlocks the final chain references (for a restart from disk).
    std::vector<std::shared_ptr<const core::MicroBlock>> FinalMicros() const;
    // pob.md §7.5: unverified exposure per producer (the last audit_window
    // final heights) and, per producer, the bond it was last held to.
    const ExposureLedger& exposure() const { return m_exposure; }
    const std::map<std::string, int64_t>& exposure_bonds() const { return m_bonds; }
    // The epoch seed's commitments and reveals final in this epoch (docs/pob.md §4.2).
    const SeedBook& seed_book() const { return m_seed_book; }
    // The owner of a publisher's transactions now; nullopt = the normal
    // league (fallback).
    std::optional<std::string> OwnerOf(const std::string& publisher) const;

  private:
    // Routing and phase 1.
    void RouteTx(const std::shared_ptr<const core::Tx>& tx, bool from_client, TimePoint now);
    // pob.md §5.5: the copies kept until final or expired, and what happens
    // to them when owners change or an owner does not pack them in time.
    void Keep(const std::shared_ptr<const core::Tx>& tx, const crypto::Hash256& h, TimePoint now);
    void Unkeep(const crypto::Hash256& h);
    void RerouteKept();
    void HandOverKept();
    bool Overdue(const crypto::Hash256& h, int64_t deadline, TimePoint now,
                 bool need_unpacked) const;
    void ProduceMicro(TimePoint now);
    // pob.md §5.2: seals the pending transactions at once when this
    // producer's last MicroBlock is at least micro_interval old, instead of
    // leaving them for the next tick (called once per input, after it).
    void SealEarly(TimePoint now);
    void HandleMicro(const NodeId& from, std::shared_ptr<const core::MicroBlock> mb, TimePoint now);
    void SampleMicro(const core::MicroBlock& mb);
    // The fraud proof for mb's transaction i (found invalid): gossiped, and
    // the MicroBlock marked failed here.
    void ReportFraud(const core::MicroBlock& mb, size_t i);
    // pob.md §7.5: the producers of `v` whose exposure would pass their bond
    // with this block (empty when the bound is off), from committed state.
    // `unknown_is_over`: after a checkpoint restart, every producer until the
    // audit window has refilled (m_verify_all_until); false for the chain's
    // own record of what every voter had to check.
    std::set<std::string> OverBound(const Validated& v, bool unknown_is_over = true);
    // Checks every transaction of mb (once per MicroBlock).
    void FullyVerify(const core::MicroBlock& mb);
    void RequestMicroGap(const std::string& producer, uint64_t seq);
    void AddEvidence(std::shared_ptr<const core::Evidence> ev, bool gossip);
    const Committee* CommitteeForEpoch(uint64_t epoch) const;

    // Phase 2.
    bool IsNormal() const;
    NodeId Primary(uint64_t height, uint64_t view) const;
    // after_commit: entered by committing the previous block (pob.md §6.2,
    // ProposeDelay); otherwise (start, restore) the primary waits the whole
    // final_interval, giving its peers time to connect.
    void EnterHeight(uint64_t height, TimePoint now, bool after_commit = false);
    void Propose(uint64_t view, TimePoint now);
    std::shared_ptr<core::FinalBlock> BuildBlock(uint64_t view, TimePoint now);
    // BuildBlock's work; `time_offset` ns later than the proposal time and,
    // if `withhold`, without this node's due seed reveal (only a grinder,
    // GrindBlock, asks for either).
    std::shared_ptr<core::FinalBlock> BuildBlockVariant(uint64_t view, TimePoint now,
                                                        int64_t time_offset, bool withhold);
    // pob.md §4.2 (engine_seed.cpp): this node's commitment or reveal for
    // the block it builds; its secret for an epoch; the grinder's variants.
    void SetSeedFields(core::FinalBlock& b, bool withhold) const;
    crypto::Hash256 MySeedSecret(uint64_t epoch) const;
    std::shared_ptr<core::FinalBlock> GrindBlock(uint64_t view, TimePoint now);
    // pob.md §3.3: the MicroRefs a block at `height` carries (the fair
    // budget walk); asks producers for MicroBlocks lost on the way.
    std::vector<core::MicroRef> ChooseMicroRefs(uint64_t height,
                                                const std::set<std::string>& fallback_now);
    void HandleProposal(const NodeId& from, const ProposalMsg& p, TimePoint now);
    // The read-only view of the final chain the block rules take.
    ChainView View() const;
    // ValidateBlock with this height's memo (valid/invalid by hash): a
    // refusal other than kMissingMicro is remembered (a block refused again
    // gives its first reason) and counted once.
    util::Result<void, PlanReject> Validate(const std::shared_ptr<const core::FinalBlock>& b);
    void Dispatch(const NodeId& from, const Message& msg, TimePoint now);
    void HandleVote(const core::SignedVote& v, TimePoint now);
    // pob.md §4.1: a commit vote for the last final block that arrived
    // after it was final (or was not in its certificate): kept, verified,
    // for the next block's last_commit.
    void HandleLateCommit(const core::SignedVote& v);
    // The last_commit a block at m_height + 1 carries: every commit vote
    // held for m_height (nullopt at height 1, when off, or unknown).
    std::optional<core::FinalBlock::LastCommit> LastCommitToPropose() const;
    void CastVote(VoteKind kind, uint64_t view, const crypto::Hash256& hash, TimePoint now);
    void TryCommit(uint64_t view, const crypto::Hash256& hash, TimePoint now);
    void TryFinalize(uint64_t view, const crypto::Hash256& hash, TimePoint now);
    void StartViewChange(uint64_t new_view, TimePoint now);
    void HandleViewChange(const ViewChangeMsg& vc, TimePoint now);
    void TryNewView(uint64_t view, TimePoint now);
    int64_t ViewTimeout(uint64_t view) const;

    // Finality, sync, epochs.
    void FinalizeBlock(const crypto::Hash256& hash, uint64_t commit_view, crypto::Certificate cert,
                       TimePoint now);
    void HandleSyncRequest(const NodeId& from, const SyncRequest& r, TimePoint now);
    void HandleSyncResponse(const NodeId& from, const SyncResponse& r, TimePoint now,
                            SyncApply* out = nullptr);
    void ForgetMicro(const std::shared_ptr<const core::MicroBlock>& m);
    void TrimMemory();
    void MaybeRequestSync(const NodeId& from, TimePoint now);
    void MaybeHelpLaggard(const NodeId& from, uint64_t their_height, TimePoint now);
    void Buffer(const NodeId& from, const Message& msg);
    void ReplayBuffered(TimePoint now);
    void RetryWaiting(TimePoint now);
    void NewEpoch(TimePoint now);

    void Emit(Effect e) { m_out.push_back(std::move(e)); }
    void Persist() { Emit(PersistSafety{m_safety}); }
    Effects Take();

    EngineOptions m_opt;
    const crypto::Signer& m_signer;
    const crypto::Verifier& m_verifier;
    Application& m_app;
    util::Logger m_log;
    Effects m_out;
    EngineStats m_stats;

    // Final chain.
    uint64_t m_height = 0;
    crypto::Hash256 m_last_hash{};
    int64_t m_last_time = 0;
    std::map<uint64_t, std::shared_ptr<const core::CertifiedBlock>> m_chain;
    std::map<uint64_t, std::vector<std::shared_ptr<const core::MicroBlock>>> m_chain_micros;
    Committee m_committee;
    std::optional<Committee> m_prev_committee;
    // Committees of earlier epochs still within fraud_window (pob.md §7.4).
    std::map<uint64_t, Committee> m_past_committees;
    std::set<std::string> m_slashed;   // ever, by final evidence
    std::set<std::string> m_fallback;  // this epoch
    std::map<std::string, std::pair<uint64_t, crypto::Hash256>>
        m_included;                                      // producer → last final (seq, hash)
    std::map<uint64_t, std::vector<RecentTx>> m_recent;  // final heights within the windows
    std::set<crypto::Hash256> m_final_txs;               // hashes final within dedup_window
    // The plan's tx hashes by final height within the window: trimming a
    // height removes exactly what it added to m_final_txs, so the set is a
    // function of the last blocks alone (restart rebuilds it from disk).
    std::map<uint64_t, std::vector<crypto::Hash256>> m_final_by_height;
    std::set<crypto::Hash256> m_compensated;  // never compensate twice

    // MicroBlocks.
    std::map<crypto::Hash256, std::shared_ptr<const core::MicroBlock>> m_micro;
    std::map<std::pair<std::string, uint64_t>, std::vector<crypto::Hash256>> m_micro_by_seq;
    std::map<std::string, TimePoint> m_last_micro_time;
    std::map<crypto::Hash256, crypto::Hash256> m_micro_failed;  // micro hash → my fraud proof id
    std::set<crypto::Hash256> m_sampled;
    std::set<crypto::Hash256> m_fully_verified;  // MicroBlocks checked in full (pob.md §7.5)
    ExposureLedger m_exposure;
    // Below this height every producer is fully verified: set by
    // RestoreFromCheckpoint, whose checkpoint does not carry m_exposure.
    uint64_t m_verify_all_until = 0;
    std::map<std::string, int64_t> m_bonds;  // producer → bond at its last exposure
    std::deque<std::shared_ptr<const core::MicroBlock>> m_future_micros;

    // Evidence not yet final (valid when added), by id.
    std::map<crypto::Hash256, std::shared_ptr<const core::Evidence>> m_evidence_pool;

    // Producer (believable role).
    uint64_t m_my_seq = 0;
    crypto::Hash256 m_my_prev{};
    TimePoint m_last_emit = 0;
    std::deque<std::shared_ptr<const core::Tx>> m_pending;
    std::map<crypto::Hash256, std::shared_ptr<const core::Tx>> m_pending_set;
    std::map<crypto::Hash256, std::shared_ptr<const core::Tx>> m_unconfirmed;

    // pob.md §5.5: every transaction this node saw, kept until final or
    // expired (bounded by keep_max_txs and keep_max_per_publisher), with the
    // time it arrived here and the owner it was last routed to ("" = the
    // normal league); the tx hashes packed in this epoch's MicroBlocks known
    // here; the members credited in this epoch's final blocks (pob.md §4.1).
    struct Kept {
        std::shared_ptr<const core::Tx> tx;
        TimePoint since = 0;
        std::string owner;
    };
    std::map<crypto::Hash256, Kept> m_kept;
    std::map<std::string, uint32_t> m_kept_per_publisher;
    std::multimap<int64_t, crypto::Hash256> m_kept_by_expiry;
    std::set<crypto::Hash256> m_packed;
    std::set<std::string> m_worked;
    // pob.md §4.2: the epoch seed's commitments and reveals of this epoch's
    // final blocks (chain-derived, in the checkpoint).
    SeedBook m_seed_book;
    // pob.md §4.1 vote accounting: this epoch's final last_commits
    // (chain-derived, in the checkpoint), and the commit votes this node
    // holds for the last final block (its certificate plus late votes; at
    // most one per member of that block's committee), for the next
    // proposal's last_commit.
    VoteTally m_votes;
    struct HeldCommit {
        uint64_t height = 0;  // 0 = none
        uint64_t view = 0;
        crypto::Hash256 hash{};
        crypto::Certificate cert;
        std::vector<Candidate> members;      // that block's normal committee
        std::map<size_t, util::Bytes> late;  // member index → signature, not in cert
    };
    HeldCommit m_held_commit;

    // Direct pool (normal role, fallback partitions).
    std::deque<std::pair<crypto::Hash256, std::shared_ptr<const core::Tx>>> m_direct;
    std::set<crypto::Hash256> m_direct_set;
    // How many of them this node proposes as primary (adapts to view changes).
    DirectBudget m_direct_budget{m_opt.params.max_direct_txs};

    // PBFT at height m_height + 1: the persisted safety state, and the rest
    // of the height's state in one value, replaced whole by EnterHeight.
    SafetyState m_safety;
    Round m_round;

    // Messages for later heights, replayed on entering them.
    std::deque<std::pair<NodeId, Message>> m_buffer;
    TimePoint m_last_sync_request = -1'000'000'000'000;
    std::map<NodeId, TimePoint> m_last_sync_served;
    std::map<std::pair<NodeId, uint64_t>, TimePoint> m_micro_requests;
};

}  // namespace iost::consensus
