// Driver: the one event loop that runs the consensus engine in a real node
// (docs/architecture.md §1, docs/architecture.md §2).
//
// Inputs, all serialized onto ONE loop thread: peer messages (decoded on the
// net thread, node/wire.h), client transactions, timer expiries, and a
// once-a-second housekeeping tick. Transactions are decoded and their
// signatures verified off the loop, on a small verify pool (client ones on
// the HTTP worker that received them), so the loop never does the dominant
// cost of a transaction; their hashes go into a VerifiedCache the
// Application consults before verifying again.
//
// Outputs: the engine's effects, performed in order:
//  - PersistSafety: written with fsync (SafetyStore) BEFORE any later Send or
//    Broadcast of the same batch leaves the process (consecutive records are
//    coalesced: only the last one before a send needs to be durable);
//  - Send / Broadcast: encoded and queued on the net::Host;
//  - Finalize: the block, its certificate, the micro-blocks it references,
//    receipts, tx index, state writes and new head in ONE RocksDB batch
//    (BlockStore::CommitFinalized); then the mempool forgets its txs;
//  - SetTimer: a steady timer on the loop per pending TimerId (the rule is
//    consensus::TimerBook, shared with the simulator);
//  - Punish: logged and counted.
// A failed safety or block write halts the driver (no later effect is
// performed) and calls the fatal callback: the node must stop and restart
// from disk.
//
// Start restores from storage: certified blocks, their micro-blocks and the
// safety record go to Engine::Restore (which re-executes them in LedgerApp's
// replay mode), and the replayed state root must match the disk's.
//
// Thread contract: Start/Stop from the owning thread; OnNetMessage and the
// peer callbacks from the net thread; SubmitTx and the read API from any
// thread.
#pragma once

#include <consensus/engine.h>
#include <core/genesis.h>
#include <crypto/keys.h>
#include <ledger/ledger.h>
#include <net/peer_manager.h>
#include <node/app_state.h>
#include <node/auditor.h>
#include <node/evidence_gate.h>
#include <node/kept_copies.h>
#include <node/mempool.h>
#include <node/packed_index.h>
#include <node/sync.h>
#include <storage/block_store.h>
#include <storage/safety_store.h>
#include <util/clock.h>
#include <util/log.h>

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace iost::node {

struct DriverOptions {
    consensus::EngineOptions engine;
    uint32_t chain_id = 0;
    crypto::Hash256 genesis_hash{};
    // Threads of the verify pool (signature checks of peers' txs); 0 = on
    // the net thread that received the tx (same results, tests compare).
    int verify_threads = 2;
    // docs/pob.md §5.5 "Kept copies": a validator's copy that this node does
    // not use now is kept without checking its signatures (within the
    // UnverifiedCopies budget); false checks every copy on receipt.
    bool keep_unverified = true;
    bool relay_gossip = false;
    // Outgoing payloads are split to stay below this (net frame cap).
    size_t max_payload = (4u << 20) - 1024;
    // Peer txs waiting for the verify pool beyond this are dropped (gossip is
    // best effort; the client retries or another peer has it).
    size_t max_verify_backlog = 20'000;
    // Payload bytes of peer messages decoded and queued for the event loop
    // but not yet handled. Beyond it further peer messages are shed (as if
    // lost: PBFT's view change and sync recover them), so a loop that falls
    // behind under overload cannot grow memory without bound.
    size_t max_loop_backlog_bytes = 256u << 20;
    // Sync (docs/node.md "Sync").
    SyncOptions sync;
    // Bytes of blocks and micro-blocks per served SyncResponse (at least one
    // block is always sent).
    size_t sync_serve_bytes = 3u << 20;
    // SyncRequests served per peer per second; more are ignored.
    int sync_serve_per_sec = 20;
    // Audit of final transactions' signatures (node/auditor.h, docs/pob.md
    // §7.4): transactions per second; 0 = all, as fast as possible; < 0 = off.
    double audit_txs_per_sec = 0;
    // A validator's audit: only the final transactions assigned to this node
    // (consensus/audit_assign.h) and those it produced; false = every one.
    bool audit_assigned_only = false;
    // Draw a progress bar on stderr while syncing (a terminal); otherwise a
    // progress line goes to the log every 5 s.
    bool progress_bar = false;
    // Pruning (docs/state.md "Pruning"): keep the bodies of this many final
    // blocks below the head; 0 = archive (keep everything).
    uint64_t prune_keep_blocks = 0;
};

// How the last start restored the engine (docs/state.md "Restart in
// constant time"): from the head's checkpoint, or by replaying every block.
struct RestoreReport {
    enum class Mode : uint8_t { kNone, kGenesis, kCheckpoint, kReplay };
    Mode mode = Mode::kNone;
    uint64_t height = 0;
    uint64_t ms = 0;
    // The engine's chain-derived state and dedup set right after restoring:
    // the two modes must agree on them (tests compare).
    consensus::EngineCheckpoint checkpoint;
    size_t final_txs = 0;
};

// A consistent snapshot for the API (copied under a mutex).
struct ChainStatus {
    uint64_t height = 0;
    crypto::Hash256 head_hash{};
    int64_t head_time = 0;
    crypto::Hash256 state_root{};
    uint64_t epoch = 0;
    uint64_t view = 0;
    std::vector<std::string> believable;
    std::vector<std::string> normal;
    bool chain_fallback = false;
    crypto::Hash256 seed{};  // the epoch's seed (pob.md §4.2)
    consensus::EngineStats engine;
    uint64_t punishments = 0;
    uint64_t blocks_in_memory = 0;
    uint64_t micros_in_memory = 0;
};

// Latency observations in Prometheus histogram form: cumulative[i] counts
// the observations <= bounds_seconds[i]; count (the +Inf bucket) and sum
// cover all of them.
struct LatencyHistogram {
    std::vector<double> bounds_seconds;
    std::vector<uint64_t> cumulative;
    uint64_t count = 0;
    double sum_seconds = 0;

    static LatencyHistogram WithDefaultBuckets();
    void Observe(double seconds);
};

// Where the node is relative to the network (sync, docs/node.md).
enum class SyncState : uint8_t { kSynced, kSyncing };
const char* SyncStateName(SyncState s);

// Counters (monotonic since start) and gauges for /metrics. A copy.
struct NodeMetrics {
    // Chain (gauges).
    uint64_t final_height = 0;
    // Restart and pruning (docs/state.md).
    uint64_t restore_ms = 0;     // how long the last start-up restore took
    uint64_t pruned_blocks = 0;  // bodies pruned by this process
    int64_t head_time = 0;       // unix ns of the head block
    uint64_t epoch = 0;
    uint64_t view = 0;
    bool chain_fallback = false;
    // Finality (counters, this process).
    uint64_t blocks_finalized = 0;
    uint64_t txs_finalized = 0;
    // Tx time → its block persisted here, one observation per final tx.
    LatencyHistogram finalize_latency;
    // Phase 1.
    uint64_t txs_packed = 0;  // counter: txs seen in accepted MicroBlocks
    uint64_t packed_now = 0;  // gauge: PACKED txs held in memory
    uint64_t micro_blocks_produced = 0;
    uint64_t micro_blocks_seen = 0;  // accepted from peers
    uint64_t samples_checked = 0;
    uint64_t fraud_proofs = 0;
    uint64_t equivocations = 0;
    uint64_t slashings = 0;
    // Audit of final transactions (docs/pob.md §7.4).
    uint64_t audit_txs_verified = 0;
    uint64_t audit_txs_cached = 0;
    uint64_t audit_txs_not_assigned = 0;
    uint64_t audit_frauds_found = 0;
    uint64_t audit_txs_dropped = 0;
    uint64_t audit_backlog_txs = 0;
    double audit_last_lag_seconds = 0;
    double audit_max_lag_seconds = 0;
    // Phase 2.
    uint64_t view_changes = 0;
    uint64_t proposals_rejected = 0;
    uint64_t bad_messages = 0;
    // Mempool.
    uint64_t mempool_txs = 0;
    uint64_t mempool_bytes = 0;
    uint64_t mempool_admitted = 0;
    uint64_t mempool_refused = 0;
    uint64_t mempool_expired = 0;
    uint64_t txs_forwarded = 0;  // client txs sent on to their owner
    uint64_t txs_relayed = 0;    // txs from non-validators routed on to their owner
    uint64_t verify_backlog = 0;
    uint64_t loop_backlog_bytes = 0;      // gauge: peer message bytes queued for the loop
    uint64_t loop_messages_shed = 0;      // counter: peer messages shed over that bound
    uint64_t copies_kept_unverified = 0;  // counter: validators' copies kept unchecked
    uint64_t unverified_held = 0;         // gauge: of those, slots held now
    // Network and sync.
    uint64_t peers = 0;
    SyncState sync_state = SyncState::kSynced;
    uint64_t sync_target = 0;     // highest final height a peer showed us
    uint64_t blocks_synced = 0;   // counter: final blocks learnt through sync
    uint64_t bad_sync_peers = 0;  // counter: peers penalized for bad sync data
    uint64_t sync_sources = 0;    // distinct peers whose blocks this node applied
    // Counter: sync requests that began below this node's pruned floor
    // (answered empty; docs/state.md "Pruning").
    uint64_t sync_pruned_asks = 0;
    // Memory (gauges): what the engine holds; bounded by design (docs/node.md).
    uint64_t engine_blocks_in_memory = 0;
    uint64_t engine_micros_in_memory = 0;
};

struct SubmitError {
    int code = 0;  // rpc grpc-style code (3 invalid argument, 8 resource exhausted)
    std::string message;
};

// The penalty for a peer whose SyncResponse was bad (docs/node.md, sync): a
// forged commit certificate is proof of malice; a certified block that does
// not apply here (whatever the BlockReject) may be a lost MicroBlock or a
// disagreement in our own state, so it costs less.
net::Misbehaviour SyncPenalty(const consensus::SyncApply& r);

// Who a connected peer is to consensus. The engine names nodes by a
// consensus::NodeId string (docs/pob.md §1): a validator by its account, any
// other node after its P2P key. This value carries the kind and the key with
// the name, so the driver never tells the two apart by parsing a name.
struct PeerIdentity {
    std::string name;   // the consensus NodeId the engine sees
    net::NodeId key{};  // the P2P node key
    bool validator = false;
};

class Driver {
  public:
    Driver(DriverOptions options, const crypto::Signer& signer, const crypto::Verifier& verifier,
           const ledger::Ledger& ledger, const ledger::GenesisState& genesis,
           storage::BlockStore& blocks, storage::SafetyStore& safety,
           const ledger::StateReader& disk_state, Mempool& mempool, util::Logger log);
    ~Driver();
    Driver(const Driver&) = delete;
    Driver& operator=(const Driver&) = delete;

    // The host may be attached after construction, before Start.
    void AttachHost(net::Host* host) { m_host = host; }
    // Called (from the loop thread) when the driver halts on a storage error.
    void SetFatalHandler(std::function<void(const std::string&)> cb) { m_fatal_cb = std::move(cb); }

    // Initializes genesis or restores from disk, then starts the loop.
    util::Status Start();
    // Stops the loop and the verify pool; idempotent.
    void Stop();

    // Net thread.
    void OnNetMessage(const net::NodeId& peer, uint16_t type, util::Bytes payload);
    void OnPeerConnected(const net::NodeId& peer);
    void OnPeerDisconnected(const net::NodeId& peer);

    // Any thread: full stateless check (form, clock, signatures), mempool
    // admission, then hand-off to the engine. Returns the tx hash.
    util::Result<crypto::Hash256, SubmitError> SubmitTx(core::Tx tx);
    // Any thread: evidence from a user or tool (docs/pob.md §7.4). Cheap
    // checks first on the caller's thread (duplicates, the fraud proof's
    // Merkle path, then the transaction's signatures: a transaction whose
    // bytes verify is not fraud), then the engine validates it like a peer's
    // and gossips it. Returns the evidence id if the engine holds it now.
    util::Result<crypto::Hash256, SubmitError> SubmitEvidence(
        std::shared_ptr<const core::Evidence> ev);

    ChainStatus Status() const;
    // Read API (any thread), docs/node.md "Read API".
    // A tx in a signed MicroBlock that is not final yet.
    std::optional<PackedTx> FindPacked(const crypto::Hash256& tx_hash) const;
    // The most recent MicroBlock with (producer, seq): from memory if recent,
    // else from the BlockStore (final ones); nullptr if unknown.
    std::shared_ptr<const core::MicroBlock> GetMicroBlock(const std::string& producer,
                                                          uint64_t seq) const;
    NodeMetrics Metrics() const;
    RestoreReport LastRestore() const;
    const PackedIndex& packed() const { return m_packed; }
    const std::string& id() const { return m_opt.engine.id; }
    const Mempool& mempool() const { return m_mempool; }
    bool halted() const { return m_halted.load(); }

    // Who a peer is: a validator if its node key is a validator's consensus
    // key (named by its account), else a node named after its key.
    PeerIdentity IdentityOf(const net::NodeId& peer) const;
    std::string NameOf(const net::NodeId& peer) const { return IdentityOf(peer).name; }
    // The consensus name of a node that is not a validator ("peer:<hex key>");
    // made here only, never parsed back.
    static std::string ObserverName(const net::NodeId& key);

  private:
    struct Impl;
    void Post(std::function<void()> fn);
    void Perform(consensus::Effects effects);
    void FlushSafety(std::optional<consensus::SafetyState>& pending);
    void SendTo(const consensus::NodeId& to, const consensus::Message& msg);
    void ForwardTx(const std::string& to, const net::NodeId& key, const consensus::Message& msg);
    void BroadcastMsg(const consensus::Message& msg);
    // A peer's tx: signatures checked once (verify pool), mempool, engine.
    void VerifyPeerTx(const net::NodeId& peer, const PeerIdentity& from,
                      std::shared_ptr<const core::Tx> tx, size_t size);
    // A validator's tx: kept unchecked unless this node uses it now.
    void OnValidatorTx(const net::NodeId& peer, const PeerIdentity& from,
                       std::shared_ptr<const core::Tx> tx, size_t size);
    void PersistFinal(const consensus::Finalize& f);
    void ScheduleTimer(const consensus::SetTimer& t);
    void Tick();
    void RefreshDirectory();
    // head: the block just persisted, when the engine may already be ahead
    // of the disk (a sync batch finalizes many blocks in one engine call).
    void UpdateStatus(const core::FinalBlock* head = nullptr,
                      const crypto::Hash256* head_hash = nullptr);
    void Halt(const std::string& why);
    void NotePacked(const std::shared_ptr<const core::MicroBlock>& m, bool own);
    util::Status InitOrRestore();
    // Constant-time restart from the head's checkpoint (driver_restore.cpp):
    // true = restored; false = no usable checkpoint (the caller replays);
    // error = the data dir is inconsistent.
    // docs/pob.md §9: the MicroBlocks this validator signed, from the
    // ring beside its producer record (the engine keeps the unincluded ones).
    util::Result<std::vector<std::shared_ptr<const core::MicroBlock>>> LoadOwnMicros() const;
    util::Result<bool> RestoreFromCheckpoint(
        const storage::Head& head, const std::optional<consensus::SafetyState>& safety,
        const std::optional<consensus::ProducerState>& producer, util::UnixNanos now);
    // Pruning (prune.keep_blocks): drops old bodies after a commit.
    void MaybePrune(uint64_t height);
    // The bodies kept below the head: prune_keep_blocks raised to what a
    // restart from the checkpoint reads; 0 = archive.
    uint64_t PruneKeep() const;
    // Sync.
    void ServeSync(const net::NodeId& peer, uint64_t from_height);
    void OnSyncPart(const std::string& from, const consensus::SyncResponse& r);
    void DrainSync();
    void PlanSync();
    void SyncProgress(util::UnixNanos now);
    void NotePeerHeight(const PeerIdentity& from, const consensus::Message& msg);
    std::optional<net::NodeId> KeyOf(const std::string& name) const;

    DriverOptions m_opt;
    const crypto::Signer& m_signer;
    const crypto::Verifier& m_verifier;
    const ledger::GenesisState& m_genesis;
    storage::BlockStore& m_blocks;
    storage::SafetyStore& m_safety;
    Mempool& m_mempool;
    util::Logger m_log;
    util::SystemClock m_clock;
    VerifiedCache m_verified;
    LedgerApp m_app;
    std::unique_ptr<consensus::Engine> m_engine;
    std::unique_ptr<Auditor> m_auditor;  // null when auditing is off
    // The normal league of the last final block's epoch, for the auditor's
    // assignment (loop thread).
    AuditLeague AuditLeagueOf(uint64_t epoch);
    uint64_t m_audit_league_epoch = UINT64_MAX;
    AuditLeague m_audit_league;
    net::Host* m_host = nullptr;
    // The tx ForwardTx sent last, framed once: the engine hands one client
    // tx to up to five validators in a row (docs/pob.md §5.5); each Send
    // re-encoded and re-hashed it (docs/benchmarks.md "CPU per transaction,
    // part 2"). Holding the tx keeps its address from being reused.
    std::shared_ptr<const core::Tx> m_fwd_tx;
    bool m_fwd_from_client = false;
    net::PreparedMessagePtr m_fwd_msg;
    std::function<void(const std::string&)> m_fatal_cb;
    std::unique_ptr<Impl> m_impl;
    std::atomic<bool> m_halted{false};
    std::atomic<bool> m_running{false};
    std::atomic<size_t> m_verify_backlog{0};
    std::atomic<size_t> m_loop_backlog_bytes{0};
    std::atomic<uint64_t> m_loop_shed{0};

    // Loop-thread state.
    uint64_t m_punishments = 0;
    UnverifiedCopies m_unverified;
    SyncPlanner m_sync;
    SyncReorder m_reorder;
    std::map<std::string, PeerIdentity> m_connected;  // consensus name → who
    std::set<std::string> m_sync_sources;             // peers whose blocks we applied
    bool m_was_syncing = false;
    bool m_in_sync_apply = false;
    uint64_t m_sync_start_height = 0;
    util::UnixNanos m_sync_start_time = 0;
    util::UnixNanos m_last_progress_log = 0;
    uint64_t m_rate_height = 0;
    util::UnixNanos m_rate_time = 0;
    double m_sync_rate = 0;
    // Serving rate limit (verify pool threads).
    std::mutex m_serve_mu;
    std::map<net::NodeId, std::pair<util::UnixNanos, int>> m_served;
    // The "asked below the pruned floor" line: a peer triggers it (m_serve_mu).
    util::RateLimit m_pruned_ask_log{1, std::chrono::minutes(1)};

    // Evidence ids submitted through SubmitEvidence (duplicates are refused).
    std::mutex m_evidence_mu;
    std::set<crypto::Hash256> m_evidence_seen;
    // Evidence from peers: rate limit, duplicates, shape — before any
    // signature check or relay (docs/pob.md §7.4).
    EvidenceGate m_evidence_gate;

    // Validator id ↔ node key (read by the net thread).
    mutable std::mutex m_dir_mu;
    std::map<std::string, net::NodeId> m_key_of;
    std::map<net::NodeId, std::string> m_name_of;

    mutable std::mutex m_status_mu;
    ChainStatus m_status;
    RestoreReport m_restore;  // guarded by m_status_mu
    void NoteRestore(RestoreReport::Mode mode, uint64_t height, uint64_t ms);

    PackedIndex m_packed;
    // Counters kept by the loop thread, read by Metrics().
    mutable std::mutex m_metrics_mu;
    NodeMetrics m_counters;
};

}  // namespace iost::node
