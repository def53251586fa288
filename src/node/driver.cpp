#include <consensus/timers.h>
#include <core/block.h>
#include <core/codec.h>
#include <net/message_types.h>
#include <node/driver.h>
#include <node/stored_block.h>
#include <node/wire.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <future>
#include <thread>

namespace iost::node {

namespace asio = boost::asio;
using consensus::Effects;
using consensus::Message;

namespace {

constexpr auto kTickInterval = std::chrono::seconds(1);

storage::Hash32 ToHash32(const crypto::Hash256& h) {
    storage::Hash32 out;
    std::copy(h.begin(), h.end(), out.begin());
    return out;
}
crypto::Hash256 FromHash32(const storage::Hash32& h) {
    crypto::Hash256 out;
    std::copy(h.begin(), h.end(), out.begin());
    return out;
}

// A node keeps only recent final blocks in the engine's memory; older ones
// are served from the BlockStore.
DriverOptions WithNodeDefaults(DriverOptions o) {
    if (o.engine.chain_memory == 0) o.engine.chain_memory = 128;
    return o;
}

bool IsTimeError(core::TxError e) {
    return e == core::TxError::kExpired || e == core::TxError::kFutureTime;
}

}  // namespace

net::Misbehaviour SyncPenalty(const consensus::SyncApply& r) {
    switch (r.verdict) {
        case consensus::SyncVerdict::kBadCertificate:
            return net::Misbehaviour::kInvalidSignature;
        case consensus::SyncVerdict::kOk:
        case consensus::SyncVerdict::kBlockDoesNotApply:
            break;
    }
    return net::Misbehaviour::kInvalidMessage;
}

LatencyHistogram LatencyHistogram::WithDefaultBuckets() {
    LatencyHistogram h;
    h.bounds_seconds = {0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60};
    h.cumulative.assign(h.bounds_seconds.size(), 0);
    return h;
}

void LatencyHistogram::Observe(double seconds) {
    ++count;
    sum_seconds += seconds;
    for (size_t i = 0; i < bounds_seconds.size(); ++i) {
        if (seconds <= bounds_seconds[i]) ++cumulative[i];
    }
}

const char* SyncStateName(SyncState s) { return s == SyncState::kSyncing ? "syncing" : "synced"; }

struct Driver::Impl {
    asio::io_context io;
    std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
    std::thread thread;
    std::unique_ptr<asio::thread_pool> pool;
    // One steady timer per pending TimerId; the book decides which expiry
    // is current (consensus/timers.h, the simulator's rule too).
    consensus::TimerBook timer_book;
    std::map<std::tuple<uint8_t, uint64_t, uint64_t>, std::unique_ptr<asio::steady_timer>> timers;
    std::unique_ptr<asio::steady_timer> tick;
    util::RateLimit bad_msg_log{20, std::chrono::milliseconds(1000)};
};

Driver::Driver(DriverOptions options, const crypto::Signer& signer,
               const crypto::Verifier& verifier, const ledger::Ledger& ledger,
               const ledger::GenesisState& genesis, storage::BlockStore& blocks,
               storage::SafetyStore& safety, const ledger::StateReader& disk_state,
               Mempool& mempool, util::Logger log)
    : m_opt(WithNodeDefaults(std::move(options))),
      m_signer(signer),
      m_verifier(verifier),
      m_genesis(genesis),
      m_blocks(blocks),
      m_safety(safety),
      m_mempool(mempool),
      m_log(std::move(log)),
      m_app(ledger, disk_state,
            LedgerAppOptions{m_opt.chain_id, static_cast<int64_t>(m_opt.engine.params.min_servi),
                             m_opt.engine.params.fraud_window, false},
            verifier, m_verified, m_log.WithCategory("app")),
      m_impl(std::make_unique<Impl>()),
      m_unverified(UnverifiedCopiesOptions{m_opt.engine.params.keep_max_txs / 2u,
                                           m_opt.engine.params.keep_max_per_publisher / 2u}),
      m_sync(m_opt.sync) {
    m_counters.finalize_latency = LatencyHistogram::WithDefaultBuckets();
    m_engine = std::make_unique<consensus::Engine>(m_opt.engine, m_signer, m_verifier, m_app,
                                                   m_log.WithCategory("consensus"));
}

Driver::~Driver() { Stop(); }

std::string Driver::ObserverName(const net::NodeId& key) {
    return "peer:" + util::ToHex(util::ByteView(key.data(), key.size()));
}

PeerIdentity Driver::IdentityOf(const net::NodeId& peer) const {
    {
        std::lock_guard lk(m_dir_mu);
        auto it = m_name_of.find(peer);
        if (it != m_name_of.end()) return PeerIdentity{it->second, peer, true};
    }
    return PeerIdentity{ObserverName(peer), peer, false};
}

void Driver::RefreshDirectory() {
    std::map<std::string, net::NodeId> key_of;
    std::map<net::NodeId, std::string> name_of;
    for (const auto& v : ledger::GetValidators(m_app.committed())) {
        if (v.consensus_key.algorithm != crypto::Algorithm::kEd25519 ||
            v.consensus_key.bytes.size() != 32)
            continue;
        net::NodeId k;
        std::copy(v.consensus_key.bytes.begin(), v.consensus_key.bytes.end(), k.begin());
        key_of[v.account] = k;
        name_of[k] = v.account;
    }
    std::lock_guard lk(m_dir_mu);
    m_key_of = std::move(key_of);
    m_name_of = std::move(name_of);
}

// --- start / stop ---------------------------------------------------------------

util::Status Driver::InitOrRestore() {
    const auto now = m_clock.Now();
    const auto head = m_blocks.GetHead();
    if (!head) {
        storage::FinalizedBlockRecord g;
        g.height = 0;
        g.hash = ToHash32(m_opt.genesis_hash);
        core::FinalBlock b0;
        b0.height = 0;
        b0.time = m_opt.engine.genesis_time;
        b0.state_root = m_genesis.state_root;
        g.encoded_block = b0.ToBytes();
        for (const auto& [k, v] : m_genesis.writes) {
            storage::StateWrite w;
            w.key = util::Bytes(k.begin(), k.end());
            if (v) w.value = util::Bytes(v->begin(), v->end());
            g.state_writes.push_back(std::move(w));
        }
        g.state_root = ToHash32(m_genesis.state_root);
        IOST_TRY(m_blocks.InitGenesis(g));
        m_log.Info("initialized the data dir at genesis {}",
                   crypto::HashToBase58(m_opt.genesis_hash));
        RefreshDirectory();
        Perform(m_engine->Start(now));
        NoteRestore(RestoreReport::Mode::kGenesis, 0, 0);
        return util::Ok();
    }
    // The data dir must belong to this chain.
    auto h0 = m_blocks.GetBlockHash(0);
    if (!h0) return util::ErrOf(h0.error());
    if (!*h0 || FromHash32(**h0) != m_opt.genesis_hash) {
        return util::Err(
            "the data dir holds another chain (its genesis differs from the genesis file)");
    }
    std::optional<consensus::SafetyState> safety;
    auto rec = m_safety.Load(util::AsBytes(m_opt.engine.id));
    if (!rec) return util::ErrOf(rec.error());
    if (*rec) {
        auto s = DecodeSafety(**rec);
        if (!s) return util::Err("safety record: " + s.error().message);
        safety = std::move(*s);
    }
    std::optional<consensus::ProducerState> producer;
    auto prec = m_safety.Load(util::AsBytes(ProducerRecordKey(m_opt.engine.id)));
    if (!prec) return util::ErrOf(prec.error());
    if (*prec) {
        auto p = DecodeProducer(**prec);
        if (!p) return util::Err("producer record: " + p.error().message);
        producer = *p;
    }
    // Both restore paths resume the producer's MicroBlock seqs (pob.md §9).
    if (auto fast = RestoreFromCheckpoint(*head, safety, producer, now); !fast) {
        return util::ErrOf(fast.error());
    } else if (*fast) {
        return util::Ok();
    }
    if (m_blocks.PrunedFloor() > 1) {
        return util::Err("the data dir is pruned below height " +
                         std::to_string(m_blocks.PrunedFloor()) +
                         " and holds no usable checkpoint, so it cannot be replayed; "
                         "resync into a new data dir (state sync)");
    }
    m_log.Info("restoring {} blocks from the data dir, replaying from genesis", head->height);
    const auto t0 = std::chrono::steady_clock::now();
    m_app.BeginReplay(m_genesis.writes);
    m_engine->BeginRestore(now);
    // In chunks, so that a long chain is never in memory at once.
    constexpr uint64_t kRestoreChunk = 256;
    std::vector<std::shared_ptr<const core::CertifiedBlock>> blocks;
    std::vector<std::shared_ptr<const core::MicroBlock>> micros;
    for (uint64_t h = 1; h <= head->height; ++h) {
        auto stored = LoadStoredBlock(m_blocks, h);
        if (!stored) return util::Err(stored.error().detail);
        blocks.push_back(std::move(stored->certified));
        micros.insert(micros.end(), stored->micros.begin(), stored->micros.end());
        if (blocks.size() >= kRestoreChunk || h == head->height) {
            auto st = m_engine->RestoreBlocks(blocks, micros, now);
            if (!st)
                return util::Err("replaying stored block " +
                                 std::to_string(m_engine->height() + 1) + ": " +
                                 st.error().message);
            blocks.clear();
            micros.clear();
        }
    }
    auto own = LoadOwnMicros();
    if (!own) return util::ErrOf(own.error());
    m_engine->RestoreOwnMicros(*own);
    Effects effects = m_engine->EndRestore(safety, now, producer);
    IOST_TRY(m_app.EndReplay(head->height, FromHash32(head->state_root)));
    if (m_engine->height() != head->height) {
        return util::Err("the engine restored to height " + std::to_string(m_engine->height()) +
                         " but the data dir's head is " + std::to_string(head->height));
    }
    m_app.set_committed_height(head->height);
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - t0);
    m_log.Info("restored to height {} (state root {}) by replaying every block in {} ms",
               head->height, crypto::HashToBase58(FromHash32(head->state_root)), ms.count());
    NoteRestore(RestoreReport::Mode::kReplay, head->height, static_cast<uint64_t>(ms.count()));
    RefreshDirectory();
    Perform(std::move(effects));
    return util::Ok();
}

util::Status Driver::Start() {
    if (m_running.exchange(true)) return util::Err("driver already started");
    // verify_threads 0: signature checks on the thread that received the tx
    // (tests compare the two modes); sync serving still needs a pool thread.
    m_impl->pool =
        std::make_unique<asio::thread_pool>(static_cast<size_t>(std::max(1, m_opt.verify_threads)));
    m_impl->work.emplace(asio::make_work_guard(m_impl->io));
    // Start/restore runs on the loop thread too, so every engine call is on it.
    std::promise<util::Status> started;
    auto fut = started.get_future();
    asio::post(m_impl->io, [this, &started] {
        util::Status st = InitOrRestore();
        if (st) UpdateStatus();  // so Status() is right as soon as Start returns
        started.set_value(std::move(st));
    });
    m_impl->thread = std::thread([this] { m_impl->io.run(); });
    util::Status st = fut.get();
    if (!st) {
        Stop();
        return st;
    }
    if (m_opt.audit_txs_per_sec >= 0) {
        AuditorOptions ao;
        ao.chain_id = m_opt.chain_id;
        ao.txs_per_sec = m_opt.audit_txs_per_sec;
        ao.assigned_only = m_opt.audit_assigned_only;
        ao.self = m_opt.engine.id;
        m_auditor = std::make_unique<Auditor>(
            ao, m_verifier, m_verified, [this](std::shared_ptr<const core::Evidence> ev) {
                // docs/pob.md §7.4: the proof goes to our engine, which
                // validates it like any peer's and gossips it.
                m_log.Warn("audit: transaction {} of {}'s MicroBlock {} fails its signature check",
                           crypto::HashToBase58(ev->fraud.tx.Hash()), ev->fraud.header.producer,
                           ev->fraud.header.seq);
                Post([this, ev] {
                    Perform(m_engine->OnMessage(m_opt.engine.id, consensus::EvidenceMsg{ev},
                                                m_clock.Now()));
                });
            });
    }
    Post([this] {
        UpdateStatus();
        Tick();
    });
    return util::Ok();
}

void Driver::Stop() {
    if (!m_running.exchange(false)) return;
    if (m_auditor) m_auditor->Stop();
    if (m_impl->pool) {
        m_impl->pool->stop();
        m_impl->pool->join();
    }
    asio::post(m_impl->io, [this] {
        for (auto& [k, t] : m_impl->timers) t->cancel();
        if (m_impl->tick) m_impl->tick->cancel();
        m_impl->work.reset();
        m_impl->io.stop();
    });
    if (m_impl->thread.joinable()) m_impl->thread.join();
    m_log.Info("driver stopped at height {}", m_engine->height());
}

void Driver::Post(std::function<void()> fn) {
    asio::post(m_impl->io, [this, fn = std::move(fn)] {
        if (!m_halted.load()) fn();
    });
}

void Driver::Halt(const std::string& why) {
    if (m_halted.exchange(true)) return;
    m_log.Error("HALT: {}", why);
    for (auto& [k, t] : m_impl->timers) t->cancel();
    if (m_fatal_cb) m_fatal_cb(why);
}

// --- inputs -------------------------------------------------------------------

void Driver::OnPeerConnected(const net::NodeId& peer) {
    // A new peer may be ahead of us: probe it (its answer tells the planner
    // how far it is; the answer may be empty).
    const PeerIdentity who = IdentityOf(peer);
    Post([this, who, peer] {
        m_connected[who.name] = who;
        if (!m_host) return;
        const consensus::SyncRequest req{m_engine->height() + 1};
        for (auto& payload : EncodeForNetwork(req, m_opt.max_payload)) {
            m_host->Send(peer, NetTypeOf(WireTag::kSyncRequest), std::move(payload));
        }
    });
}

void Driver::OnPeerDisconnected(const net::NodeId& peer) {
    const std::string name = NameOf(peer);
    Post([this, name] {
        m_connected.erase(name);
        m_sync.PeerGone(name);
        m_reorder.Forget(name);
    });
}

void Driver::OnNetMessage(const net::NodeId& peer, uint16_t type, util::Bytes payload) {
    auto decoded = DecodeMessage(payload, type);
    if (!decoded) {
        if (m_host)
            m_host->Penalize(peer, net::Misbehaviour::kInvalidMessage, decoded.error().message);
        if (m_impl->bad_msg_log.Allow(std::chrono::steady_clock::now())) {
            m_log.Debug("bad {} from {}: {}", net::TypeName(type), net::ShortId(peer),
                        decoded.error().message);
        }
        return;
    }
    const PeerIdentity from = IdentityOf(peer);
    if (const auto* e = std::get_if<consensus::EvidenceMsg>(&*decoded); e && e->evidence) {
        // docs/pob.md §7.4: cheap checks before the engine's signature
        // checks, and before relaying (a bogus piece must not travel).
        std::string why;
        const int64_t now_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                                   std::chrono::steady_clock::now().time_since_epoch())
                                   .count();
        const auto verdict = m_evidence_gate.Admit(from.name, *e->evidence, now_ns, &why);
        if (verdict == EvidenceVerdict::kRateLimited && m_host) {
            m_host->Penalize(peer, net::Misbehaviour::kFlood, "evidence over its rate limit");
        } else if (verdict == EvidenceVerdict::kMalformed && m_host) {
            m_host->Penalize(peer, net::Misbehaviour::kInvalidMessage, why);
        }
        if (verdict != EvidenceVerdict::kPass) return;
    }
    if (auto* t = std::get_if<consensus::TxMsg>(&*decoded)) {
        // A copy of a transaction already pending or final here is refused
        // before its signature check (the mempool would refuse it after):
        // in the fallback every validator relays a client's transaction to
        // the whole league, and verifying each copy again overloaded the
        // verify pool at 1,400 tx/s (docs/benchmarks.md "Overload").
        if (!t->tx || m_mempool.State(t->tx->Hash()) != TxPoolState::kUnknown) return;
        if (from.validator && m_opt.keep_unverified) {
            OnValidatorTx(peer, from, t->tx, payload.size());
        } else {
            VerifyPeerTx(peer, from, t->tx, payload.size());
        }
        return;
    }
    if (m_opt.relay_gossip && m_host && net::IsGossipType(type)) {
        m_host->Broadcast(type, payload, peer);
    }
    if (const auto* r = std::get_if<consensus::SyncRequest>(&*decoded)) {
        // Served from the BlockStore on the pool, never by the loop.
        const uint64_t from_height = r->from_height;
        asio::post(*m_impl->pool, [this, peer, from_height] { ServeSync(peer, from_height); });
        return;
    }
    if (std::holds_alternative<consensus::SyncResponse>(*decoded)) {
        Post([this, from, msg = std::move(*decoded)] {
            OnSyncPart(from.name, std::get<consensus::SyncResponse>(msg));
        });
        return;
    }
    // docs/node.md "Memory": the loop's queue of peer messages is bounded.
    const size_t bytes = payload.size();
    if (m_loop_backlog_bytes.load() + bytes > m_opt.max_loop_backlog_bytes) {
        if (m_loop_shed.fetch_add(1) % 1000 == 0) {
            m_log.Warn("event loop {} MiB behind: shedding peer messages ({} so far)",
                       m_loop_backlog_bytes.load() >> 20, m_loop_shed.load());
        }
        return;
    }
    m_loop_backlog_bytes += bytes;
    Post([this, from, bytes, msg = std::move(*decoded)] {
        m_loop_backlog_bytes -= bytes;
        NotePeerHeight(from, msg);
        Perform(m_engine->OnMessage(from.name, msg, m_clock.Now()));
        if (const auto* m = std::get_if<consensus::MicroMsg>(&msg); m && m->micro) {
            // Only what the engine accepted (its signature verified) is PACKED.
            if (auto accepted = m_engine->FindMicro(m->micro->hash)) NotePacked(accepted, false);
        }
    });
}

void Driver::VerifyPeerTx(const net::NodeId& peer, const PeerIdentity& from,
                          std::shared_ptr<const core::Tx> tx, size_t size) {
    if (m_verify_backlog.load() >= m_opt.max_verify_backlog) return;
    ++m_verify_backlog;
    auto work = [this, peer, from, tx, size] {
        --m_verify_backlog;
        const auto now = m_clock.Now();
        const core::TxHashes hashes = tx->ComputeHashes();
        const crypto::Hash256& h = hashes.full;
        // docs/benchmarks.md "CPU per transaction": at most one signature
        // check per transaction per node (a copy checked when it was used).
        if (!m_verified.Contains(h)) {
            if (m_verified.Failed(h)) return;
            auto st = tx->VerifySelf(now, m_opt.chain_id, m_verifier, hashes);
            if (!st) {
                if (!IsTimeError(st.error().reason)) {
                    m_verified.InsertFailed(h);
                    if (m_host) {
                        m_host->Penalize(peer, net::Misbehaviour::kInvalidSignature,
                                         st.error().message);
                    }
                }
                return;
            }
            m_verified.Insert(h);
        }
        if (!m_mempool.Admit(tx, h, hashes.full_size, now).ok()) return;  // duplicate, full...
        Post([this, from, tx] {
            // A tx handed over by a non-validator (an observer that is
            // not connected to the owner) is routed on once more, as
            // if a client had sent it here; a validator's copy is final.
            const bool relay = !from.validator;
            if (relay) {
                std::lock_guard lk(m_metrics_mu);
                ++m_counters.txs_relayed;
            }
            Perform(m_engine->OnMessage(from.name, consensus::TxMsg{tx, relay}, m_clock.Now()));
        });
    };
    if (m_opt.verify_threads > 0) {
        asio::post(*m_impl->pool, std::move(work));
    } else {
        work();  // verify_threads = 0: on the calling thread
    }
}

void Driver::OnValidatorTx(const net::NodeId& peer, const PeerIdentity& from,
                           std::shared_ptr<const core::Tx> tx, size_t size) {
    // docs/pob.md §5.5 "Kept copies": a validator's copy of a transaction
    // this node neither packs nor proposes now is only kept; its signatures
    // are checked when it is used (LedgerApp::CheckTx). The cheap stateless
    // rules still apply here: a copy that breaks one goes the checked way
    // (and is refused there with its reason); the lifetime bound makes every
    // unverified slot free again within ~2 minutes (UnverifiedCopies).
    const auto now = m_clock.Now();
    if (tx->chain_id != m_opt.chain_id || !tx->CheckTime(now).ok() || tx->time <= 0 ||
        tx->expiration <= tx->time || tx->expiration - tx->time > core::kMaxTxLifetimeNanos) {
        VerifyPeerTx(peer, from, std::move(tx), size);
        return;
    }
    Post([this, peer, from, tx = std::move(tx), size] {
        const crypto::Hash256 h = tx->Hash();
        const auto owner = m_engine->OwnerOf(tx->publisher);
        const bool used_now = owner
                                  ? *owner == m_opt.engine.id
                                  : m_engine->committee().NormalIndex(m_opt.engine.id).has_value();
        if (used_now) {
            VerifyPeerTx(peer, from, tx, size);
            return;
        }
        const uint64_t refused = m_unverified.refused();
        if (!m_verified.Contains(h) && !m_unverified.TryAdd(h, tx->publisher, tx->expiration) &&
            m_unverified.refused() != refused) {
            // No unchecked room left (not a duplicate of a copy held
            // unchecked, which the engine drops for free): check it now.
            VerifyPeerTx(peer, from, tx, size);
            return;
        }
        {
            std::lock_guard lk(m_metrics_mu);
            ++m_counters.copies_kept_unverified;
            m_counters.unverified_held = m_unverified.size();
        }
        Perform(m_engine->OnMessage(from.name, consensus::TxMsg{tx, false}, m_clock.Now()));
    });
}

util::Result<crypto::Hash256, SubmitError> Driver::SubmitEvidence(
    std::shared_ptr<const core::Evidence> ev) {
    if (m_halted.load() || !m_running.load()) {
        return util::ErrOf(SubmitError{14, "node is not running"});
    }
    const crypto::Hash256 id = ev->Id();
    {
        std::lock_guard lk(m_evidence_mu);
        if (m_evidence_seen.count(id)) {
            return util::ErrOf(SubmitError{6, "this evidence was submitted already"});
        }
        if (m_evidence_seen.size() >= 100'000) m_evidence_seen.clear();
        m_evidence_seen.insert(id);
    }
    if (ev->kind == core::EvidenceKind::kFraud) {
        // Cheapest first: hashing, then the transaction's signatures.
        const auto& f = ev->fraud;
        if (f.tx_hashes.size() != f.header.tx_count ||
            core::MerkleRoot(f.tx_hashes) != f.header.tx_root) {
            return util::ErrOf(
                SubmitError{3, "fraud proof: the tx list does not match the header"});
        }
        if (f.index >= f.tx_hashes.size() || f.tx.Hash() != f.tx_hashes[f.index]) {
            return util::ErrOf(
                SubmitError{3, "fraud proof: the transaction is not in the MicroBlock"});
        }
        if (f.tx.VerifyForm(m_opt.chain_id, m_verifier)) {
            return util::ErrOf(SubmitError{
                3,
                "not fraud: the transaction's form, chain id and every signature verify "
                "(state-dependent failures are decided by execution, docs/pob.md §7.1)"});
        }
    }
    auto verdict = std::make_shared<std::promise<bool>>();
    auto fut = verdict->get_future();
    Post([this, ev, id, verdict] {
        Perform(m_engine->OnMessage(m_opt.engine.id, consensus::EvidenceMsg{ev}, m_clock.Now()));
        verdict->set_value(m_engine->HasEvidence(id));
    });
    if (fut.wait_for(std::chrono::seconds(5)) != std::future_status::ready) {
        return util::ErrOf(SubmitError{4, "the node did not answer in time"});
    }
    if (!fut.get()) {
        return util::ErrOf(SubmitError{
            3,
            "evidence refused: it does not validate against the committee of its epoch "
            "(not signed by a believable producer or normal voter of that epoch, an epoch "
            "outside the fraud window) or its accused is already slashed"});
    }
    return id;
}

util::Result<crypto::Hash256, SubmitError> Driver::SubmitTx(core::Tx tx) {
    if (m_halted.load() || !m_running.load()) {
        return util::ErrOf(SubmitError{14, "node is not running"});
    }
    const auto now = m_clock.Now();
    auto st = tx.VerifySelf(now, m_opt.chain_id, m_verifier);
    if (!st) {
        return util::ErrOf(SubmitError{
            3, std::string(core::TxErrorName(st.error().reason)) + ": " + st.error().message});
    }
    auto names = tx.CheckNames();
    if (!names) return util::ErrOf(SubmitError{3, names.error().message});
    // One encoding serves both the hash and the size.
    const util::Bytes full = tx.ToBytes(core::TxLevel::kFull);
    const crypto::Hash256 h = crypto::Sha3_256(full);
    const size_t bytes = full.size();
    auto shared = std::make_shared<const core::Tx>(std::move(tx));
    m_verified.Insert(h);
    auto adm = m_mempool.Admit(shared, h, bytes, now);
    if (!adm) {
        const int code = adm.error().reason == Refusal::kPoolFull ||
                                 adm.error().reason == Refusal::kPublisherFull
                             ? 8
                             : 3;
        return util::ErrOf(SubmitError{code, adm.error().message});
    }
    Post([this, shared] { Perform(m_engine->OnClientTx(*shared, m_clock.Now())); });
    return h;
}

void Driver::Tick() {
    const auto now = m_clock.Now();
    PlanSync();  // also reports progress
    const size_t expired = m_mempool.ExpireUntil(now);
    if (expired) m_log.Debug("mempool: {} transactions expired", expired);
    UpdateStatus();
    if (!m_impl->tick) m_impl->tick = std::make_unique<asio::steady_timer>(m_impl->io);
    m_impl->tick->expires_after(kTickInterval);
    m_impl->tick->async_wait([this](const boost::system::error_code& ec) {
        if (ec || m_halted.load()) return;
        Tick();
    });
}

// --- effects ------------------------------------------------------------------

void Driver::FlushSafety(std::optional<consensus::SafetyState>& pending) {
    if (!pending) return;
    const util::Bytes rec = EncodeSafety(*pending);
    pending.reset();
    auto st = m_safety.Save(util::AsBytes(m_opt.engine.id), rec);
    if (!st) Halt("cannot persist the safety record: " + st.error().message);
}

void Driver::Perform(Effects effects) {
    std::optional<consensus::SafetyState> safety;
    for (auto& e : effects) {
        if (m_halted.load()) return;
        std::visit(
            [&](auto& x) {
                using T = std::decay_t<decltype(x)>;
                if constexpr (std::is_same_v<T, consensus::PersistSafety>) {
                    safety = std::move(x.state);
                } else if constexpr (std::is_same_v<T, consensus::PersistProducer>) {
                    // Durable now: the MicroBlock's broadcast comes next.
                    // With the MicroBlock itself in the same synced write
                    // (pob.md §9: served after a restart if no peer has it).
                    const util::Bytes micro = x.micro ? x.micro->ToBytes() : util::Bytes{};
                    const std::string slot =
                        x.micro ? ProducerMicroKey(m_opt.engine.id, x.state.seq) : std::string();
                    auto st =
                        m_safety.SaveWith(util::AsBytes(ProducerRecordKey(m_opt.engine.id)),
                                          EncodeProducer(x.state), util::AsBytes(slot), micro);
                    if (!st) Halt("cannot persist the producer record: " + st.error().message);
                } else if constexpr (std::is_same_v<T, consensus::Send>) {
                    FlushSafety(safety);
                    if (!m_halted.load()) SendTo(x.to, x.msg);
                } else if constexpr (std::is_same_v<T, consensus::Broadcast>) {
                    FlushSafety(safety);
                    if (!m_halted.load()) BroadcastMsg(x.msg);
                } else if constexpr (std::is_same_v<T, consensus::Finalize>) {
                    PersistFinal(x);
                    if (m_auditor && !m_halted.load())
                        m_auditor->Add(x.micros, AuditLeagueOf(x.block->block.epoch));
                } else if constexpr (std::is_same_v<T, consensus::SetTimer>) {
                    ScheduleTimer(x);
                } else if constexpr (std::is_same_v<T, consensus::Punish>) {
                    ++m_punishments;
                    m_log.Warn(
                        "validator {} slashed at height {} (evidence {}, {} txs compensated)",
                        x.validator, x.height, crypto::HashToBase58(x.evidence_id),
                        x.compensated_txs.size());
                }
            },
            e);
    }
    FlushSafety(safety);
}

AuditLeague Driver::AuditLeagueOf(uint64_t epoch) {
    // docs/pob.md §7.4: the assignment draws from the normal league of the
    // epoch of the block that made the transactions final.
    if (epoch == m_audit_league_epoch && m_audit_league) return m_audit_league;
    const consensus::Committee* c = m_engine->CommitteeOf(epoch);
    if (!c) return nullptr;  // unknown: the auditor checks everything
    auto ids = std::make_shared<std::vector<std::string>>();
    for (const auto& m : c->normal) ids->push_back(m.id);
    m_audit_league_epoch = epoch;
    m_audit_league = std::move(ids);
    return m_audit_league;
}

void Driver::SendTo(const consensus::NodeId& to, const Message& msg) {
    if (!m_host || to == m_opt.engine.id) return;
    std::optional<net::NodeId> key;
    {
        std::lock_guard lk(m_dir_mu);
        auto it = m_key_of.find(to);
        if (it != m_key_of.end()) key = it->second;
    }
    if (!key) {  // a node that is not a validator: reachable while connected
        auto it = m_connected.find(to);
        if (it != m_connected.end()) key = it->second.key;
    }
    if (!key) return;
    // While syncing, the planner asks for blocks; the engine's own
    // catch-up requests would only fetch the same batch again.
    if (std::holds_alternative<consensus::SyncRequest>(msg) && m_sync.syncing()) return;
    const uint16_t type = NetTypeOf(TagOf(msg));
    if (std::holds_alternative<consensus::TxMsg>(msg)) {
        ForwardTx(to, *key, msg);
        return;
    }
    for (auto& payload : EncodeForNetwork(msg, m_opt.max_payload))
        m_host->Send(*key, type, std::move(payload));
}

void Driver::ForwardTx(const std::string& to, const net::NodeId& key, const Message& msg) {
    const auto& tm = std::get<consensus::TxMsg>(msg);
    if (!m_fwd_msg || m_fwd_tx != tm.tx || m_fwd_from_client != tm.from_client) {
        m_fwd_tx = tm.tx;
        m_fwd_from_client = tm.from_client;
        m_fwd_msg = m_host->Prepare(NetTypeOf(WireTag::kTx), EncodeMessage(msg));
        if (!m_fwd_msg) return;  // over the tx type's cap: no peer would take it
    }
    {
        std::lock_guard lk(m_metrics_mu);
        ++m_counters.txs_forwarded;
    }
    if (m_host->SendPrepared(key, m_fwd_msg) != net::SendResult::kNoSuchPeer) return;
    // Not connected to the owner (an observer with a few peers): hand it to
    // a connected validator, which routes it on (see OnNetMessage).
    for (const auto& [name, who] : m_connected) {
        if (!who.validator || name == to) continue;
        if (m_host->SendPrepared(who.key, m_fwd_msg) == net::SendResult::kQueued) return;
    }
    m_log.Debug("cannot forward a tx to {}: no validator connected", to);
}

void Driver::BroadcastMsg(const Message& msg) {
    if (const auto* m = std::get_if<consensus::MicroMsg>(&msg)) {
        NotePacked(m->micro, true);  // the engine broadcasts only its own
    }
    if (!m_host) return;
    if (std::holds_alternative<consensus::SyncRequest>(msg) && m_sync.syncing()) return;
    const uint16_t type = NetTypeOf(TagOf(msg));
    for (auto& payload : EncodeForNetwork(msg, m_opt.max_payload))
        m_host->Broadcast(type, std::move(payload));
}

void Driver::ScheduleTimer(const consensus::SetTimer& t) {
    const consensus::TimerId id = t.id;
    const auto key = std::make_tuple(static_cast<uint8_t>(id.kind), id.height, id.view);
    auto& timer = m_impl->timers[key];
    if (!timer) timer = std::make_unique<asio::steady_timer>(m_impl->io);
    timer->cancel();  // a SetTimer replaces the pending timer with the same id
    const uint64_t token = m_impl->timer_book.Arm(id);
    const int64_t delay = std::max<int64_t>(0, t.at - m_clock.Now());
    timer->expires_after(std::chrono::nanoseconds(delay));
    timer->async_wait([this, id, key, token](const boost::system::error_code& ec) {
        if (ec || m_halted.load()) return;
        if (!m_impl->timer_book.Fire(id, token)) return;  // replaced meanwhile
        // Fired and current: nothing can cancel it any more, so it goes
        // (the map holds only pending timers). The handler no longer needs it.
        m_impl->timers.erase(key);
        Perform(m_engine->OnTimeout(id, m_clock.Now()));
    });
}

void Driver::NotePacked(const std::shared_ptr<const core::MicroBlock>& m, bool own) {
    if (!m || m_packed.GetByHash(m->hash)) return;
    // A MicroBlock that arrives after its final block is not PACKED.
    auto final_height = m_blocks.GetMicroBlockFinalHeight(ToHash32(m->hash));
    if (!final_height || *final_height) return;
    m_packed.Add(m);
    if (!own) {
        std::lock_guard lk(m_metrics_mu);
        ++m_counters.micro_blocks_seen;
    }
}

void Driver::PersistFinal(const consensus::Finalize& f) {
    const core::CertifiedBlock& cb = *f.block;
    const core::FinalBlock& b = cb.block;
    const CommittedBlock* pc = m_app.Pending(b.height);
    if (!pc) {
        Halt("finalized block " + std::to_string(b.height) +
             " was not committed by the application");
        return;
    }
    storage::FinalizedBlockRecord rec;
    rec.height = b.height;
    rec.hash = ToHash32(b.Hash());
    rec.prev_hash = ToHash32(b.prev_hash);
    rec.encoded_block = b.ToBytes();
    rec.encoded_certificate = EncodeCertificateRecord(cb.commit_view, cb.cert);
    // The micro-blocks it references, in order (the engine hands them over
    // with the block: it may forget them right after).
    std::vector<crypto::Hash256> included;
    rec.micro_blocks.reserve(f.micros.size());
    for (const auto& m : f.micros) {
        storage::MicroBlockRecord mr;
        mr.producer = util::Bytes(m->header.producer.begin(), m->header.producer.end());
        mr.seq = m->header.seq;
        mr.hash = ToHash32(m->hash);
        mr.encoded = m->ToBytes();
        rec.micro_blocks.push_back(std::move(mr));
        included.push_back(m->hash);
    }
    // Receipts and the tx index for the transactions that executed (a refused
    // one changed nothing and may legitimately appear again later).
    for (size_t i = 0; i < pc->outcomes.size() && i < pc->tx_hashes.size(); ++i) {
        if (!pc->outcomes[i].executed) {
            rec.refused_txs.push_back(ToHash32(pc->tx_hashes[i]));
            continue;
        }
        rec.txs.push_back({ToHash32(pc->tx_hashes[i]), pc->outcomes[i].receipt.Encode()});
    }
    // The engine's state after this block, in the same batch: a restart
    // resumes from it (docs/state.md "Restart in constant time").
    if (f.checkpoint) rec.checkpoint = consensus::EncodeCheckpoint(*f.checkpoint);
    rec.state_writes.reserve(pc->writes.size());
    for (const auto& [k, v] : pc->writes) {
        storage::StateWrite w;
        w.key = util::Bytes(k.begin(), k.end());
        if (v) w.value = util::Bytes(v->begin(), v->end());
        rec.state_writes.push_back(std::move(w));
    }
    rec.state_root = ToHash32(pc->state_root);
    if (pc->state_root != b.state_root) {
        Halt("final block " + std::to_string(b.height) + " state root differs from our execution");
        return;
    }
    auto st = m_blocks.CommitFinalized(rec);
    if (!st) {
        Halt("cannot persist final block " + std::to_string(b.height) + ": " + st.error().message);
        return;
    }
    m_app.MarkPersisted(b.height);
    MaybePrune(b.height);
    const auto now = m_clock.Now();
    m_mempool.MarkFinal(f.executed_txs, now);
    // The engine drops a kept copy when it is final or its expiration is
    // below the final block's time: the unverified slots follow it.
    m_unverified.Release(f.executed_txs);
    m_unverified.ExpireBefore(b.time);
    m_packed.RemoveFinal(included);
    {
        std::lock_guard lk(m_metrics_mu);
        ++m_counters.blocks_finalized;
        m_counters.txs_finalized += f.executed_txs.size();
        m_counters.unverified_held = m_unverified.size();
        auto observe = [&](const core::Tx& tx) {
            m_counters.finalize_latency.Observe(
                static_cast<double>(std::max<int64_t>(0, now - tx.time)) / 1e9);
        };
        // Blocks learnt through sync are old: they would only skew it.
        if (!m_in_sync_apply) {
            for (const auto& m : f.micros) {
                for (const auto& tx : m->txs) observe(tx);
            }
            for (const auto& tx : b.direct_txs) observe(tx);
        }
    }
    m_log.Debug("final block {} persisted: {} txs, {} micro-blocks", b.height,
                f.executed_txs.size(), rec.micro_blocks.size());
    RefreshDirectory();
    // The status (what /getChainInfo serves) must never name a height whose
    // block is not on disk yet: the engine is already at the end of the batch.
    const crypto::Hash256 head_hash = FromHash32(rec.hash);
    UpdateStatus(&b, &head_hash);
}

// --- sync -------------------------------------------------------------------------

std::optional<net::NodeId> Driver::KeyOf(const std::string& name) const {
    if (auto it = m_connected.find(name); it != m_connected.end()) return it->second.key;
    std::lock_guard lk(m_dir_mu);
    auto it = m_key_of.find(name);
    if (it != m_key_of.end()) return it->second;
    return std::nullopt;
}

void Driver::NotePeerHeight(const PeerIdentity& who, const consensus::Message& msg) {
    // Only what a validator says about itself (not relayed copies): its
    // message for height h shows that it has h - 1 final.
    if (!who.validator) return;
    const std::string& from = who.name;
    uint64_t h = 0;
    if (const auto* v = std::get_if<consensus::VoteMsg>(&msg); v && v->vote.voter == from)
        h = v->vote.height;
    if (const auto* p = std::get_if<consensus::ProposalMsg>(&msg); p && p->proposer == from)
        h = p->height;
    if (const auto* c = std::get_if<consensus::ViewChangeMsg>(&msg); c && c->voter == from)
        h = c->height;
    if (h < 2) return;
    const bool was = m_sync.syncing();
    m_sync.PeerHeight(from, h - 1);
    if (!was && m_sync.syncing()) PlanSync();
}

void Driver::ServeSync(const net::NodeId& peer, uint64_t from_height) {
    if (!m_host) return;
    const auto now = m_clock.Now();
    {
        std::lock_guard lk(m_serve_mu);
        auto& [window, count] = m_served[peer];
        if (now - window >= util::kNanosPerSecond) {
            window = now;
            count = 0;
        }
        if (++count > m_opt.sync_serve_per_sec) return;
        if (m_served.size() > 4096) m_served.clear();  // peers come and go
    }
    consensus::SyncResponse resp;
    const auto head = m_blocks.GetHead();
    size_t bytes = 0;
    const uint64_t last = head ? std::min(head->height, from_height + m_opt.sync.batch - 1) : 0;
    bool pruned = false;
    for (uint64_t h = std::max<uint64_t>(from_height, 1); head && h <= last; ++h) {
        if (!resp.blocks.empty() && bytes >= m_opt.sync_serve_bytes) break;
        auto stored = LoadStoredBlock(m_blocks, h);
        if (!stored) {
            // Missing: not ours to serve yet; unreadable: say so, serve what we have.
            // Pruned: only headers are left here; the asker moves on to a
            // peer that has the bodies (an archive node).
            pruned = stored.error().failure == LoadFailure::kPruned;
            if (stored.error().failure != LoadFailure::kBlockMissing && !pruned) {
                m_log.Error("sync: {}", stored.error().detail);
            }
            break;
        }
        bytes += stored->bytes;
        resp.blocks.push_back(std::move(stored->certified));
        resp.micros.insert(resp.micros.end(), stored->micros.begin(), stored->micros.end());
    }
    if (pruned && resp.blocks.empty()) {
        // The asker needs bodies this node deleted: the empty answer cannot
        // say why, so the operator gets a line (once a minute at most, the
        // asker keeps asking) and a counter.
        bool log = false;
        {
            std::lock_guard lk(m_serve_mu);
            log = m_pruned_ask_log.Allow(std::chrono::steady_clock::now());
        }
        if (log) {
            m_log.Info(
                "sync: a peer asked for block {}, below this node's pruned floor {} "
                "(prune.keep_blocks): only an archive node can serve it, or the peer "
                "joins with sync.mode: snapshot",
                std::max<uint64_t>(from_height, 1), m_blocks.PrunedFloor());
        }
        std::lock_guard lk(m_metrics_mu);
        ++m_counters.sync_pruned_asks;
    }
    // Empty means "I have nothing from there": the asker moves on at once.
    const consensus::Message msg{std::move(resp)};
    for (auto& payload : EncodeForNetwork(msg, m_opt.max_payload)) {
        m_host->Send(peer, NetTypeOf(WireTag::kSyncResponse), std::move(payload));
    }
}

void Driver::OnSyncPart(const std::string& from, const consensus::SyncResponse& r) {
    uint64_t first = UINT64_MAX, last = 0;
    for (const auto& b : r.blocks) {
        if (!b) continue;
        first = std::min(first, b->block.height);
        last = std::max(last, b->block.height);
    }
    if (!r.blocks.empty()) {
        m_sync.Answered(from, first, last);
    } else if (r.micros.empty()) {
        m_sync.Answered(from, std::nullopt, 0);
    }
    if (!m_reorder.Add(from, r, m_engine->height())) {
        if (auto key = KeyOf(from); key && m_host) {
            m_host->Penalize(*key, net::Misbehaviour::kFlood, "sync: too many micro-blocks");
        }
    }
    DrainSync();
    PlanSync();
}

void Driver::DrainSync() {
    while (!m_halted.load()) {
        auto bundle = m_reorder.Next(m_engine->height());
        if (!bundle) break;
        consensus::SyncApply res;
        m_in_sync_apply = true;
        Perform(m_engine->ApplySync(bundle->peer, bundle->response, m_clock.Now(), &res));
        m_in_sync_apply = false;
        std::lock_guard lk(m_metrics_mu);
        if (res.applied) {
            m_counters.blocks_synced += res.applied;
            m_sync_sources.insert(bundle->peer);
            m_counters.sync_sources = m_sync_sources.size();
        }
        if (res.bad()) {
            ++m_counters.bad_sync_peers;
            const std::string why = consensus::DescribeSync(res);
            m_log.Warn("sync: {} served bad data: {}", bundle->peer, why);
            m_sync.MarkBad(bundle->peer, m_clock.Now());
            m_reorder.Forget(bundle->peer);
            if (auto key = KeyOf(bundle->peer); key && m_host) {
                m_host->Penalize(*key, SyncPenalty(res), why);
            }
        }
    }
    m_sync.SetHeight(m_engine->height());
}

void Driver::PlanSync() {
    if (!m_host || m_halted.load()) return;
    m_sync.SetHeight(m_engine->height());
    std::vector<std::string> peers;
    peers.reserve(m_connected.size());
    for (const auto& [name, key] : m_connected) peers.push_back(name);
    for (const auto& req : m_sync.Plan(peers, m_clock.Now())) {
        auto key = KeyOf(req.peer);
        if (!key) continue;
        const consensus::Message msg{consensus::SyncRequest{req.from_height}};
        for (auto& payload : EncodeForNetwork(msg, m_opt.max_payload)) {
            m_host->Send(*key, NetTypeOf(WireTag::kSyncRequest), std::move(payload));
        }
    }
    {
        std::lock_guard lk(m_metrics_mu);
        m_counters.sync_state = m_sync.syncing() ? SyncState::kSyncing : SyncState::kSynced;
        m_counters.sync_target = m_sync.target();
    }
    // On every sync event, not only the tick: a short catch-up (a few
    // seconds) still gets its "behind" and "caught up" lines.
    SyncProgress(m_clock.Now());
}

void Driver::SyncProgress(util::UnixNanos now) {
    const uint64_t h = m_engine->height();
    const bool syncing = m_sync.syncing();
    if (syncing && !m_was_syncing) {
        m_sync_start_height = h;
        m_sync_start_time = now;
        m_rate_height = h;
        m_rate_time = now;
        m_sync_rate = 0;
        m_last_progress_log = now;
        m_log.Info("sync: behind the network, {}", SyncProgressLine(h, m_sync.target(), 0));
    }
    if (syncing) {
        if (now - m_rate_time >= util::kNanosPerSecond) {
            const double inst = static_cast<double>(h - m_rate_height) * 1e9 /
                                static_cast<double>(now - m_rate_time);
            m_sync_rate = m_sync_rate == 0 ? inst : 0.7 * m_sync_rate + 0.3 * inst;
            m_rate_height = h;
            m_rate_time = now;
        }
        if (m_opt.progress_bar) {
            std::fprintf(
                stderr, "\r%s ",
                SyncProgressBar(h, m_sync_start_height, m_sync.target(), m_sync_rate).c_str());
            std::fflush(stderr);
        } else if (now - m_last_progress_log >= 5 * util::kNanosPerSecond) {
            m_last_progress_log = now;
            m_log.Info("sync: {}", SyncProgressLine(h, m_sync.target(), m_sync_rate));
        }
    } else if (m_was_syncing) {
        if (m_opt.progress_bar) std::fprintf(stderr, "\n");
        const double secs = static_cast<double>(now - m_sync_start_time) / 1e9;
        m_log.Info("sync: caught up at height {} ({} blocks in {:.1f} s); following consensus", h,
                   h - m_sync_start_height, secs);
    }
    m_was_syncing = syncing;
}

void Driver::UpdateStatus(const core::FinalBlock* head, const crypto::Hash256* head_hash) {
    ChainStatus s;
    s.height = m_engine->height();
    s.head_hash = m_engine->last_hash();
    if (head && head_hash) {
        s.height = head->height;
        s.head_hash = *head_hash;
        s.head_time = head->time;
        s.state_root = head->state_root;
    } else if (auto it = m_engine->chain().find(s.height); it != m_engine->chain().end()) {
        s.head_time = it->second->block.time;
        s.state_root = it->second->block.state_root;
    } else {
        s.head_time = m_opt.engine.genesis_time;
        s.state_root = m_genesis.state_root;
    }
    const auto& c = m_engine->committee();
    s.epoch = c.epoch;
    s.view = m_engine->view();
    for (const auto& v : c.believable) s.believable.push_back(v.id);
    for (const auto& v : c.normal) s.normal.push_back(v.id);
    s.chain_fallback = c.chain_fallback;
    s.seed = c.seed;
    s.engine = m_engine->stats();
    s.punishments = m_punishments;
    s.blocks_in_memory = m_engine->chain().size();
    s.micros_in_memory = m_engine->micros_in_memory();
    std::lock_guard lk(m_status_mu);
    m_status = std::move(s);
}

ChainStatus Driver::Status() const {
    std::lock_guard lk(m_status_mu);
    return m_status;
}

std::optional<PackedTx> Driver::FindPacked(const crypto::Hash256& tx_hash) const {
    return m_packed.Find(tx_hash);
}

std::shared_ptr<const core::MicroBlock> Driver::GetMicroBlock(const std::string& producer,
                                                              uint64_t seq) const {
    if (auto m = m_packed.Get(producer, seq)) return m;
    auto h = m_blocks.GetMicroBlockHash(util::AsBytes(producer), seq);
    if (!h || !*h) return nullptr;
    auto raw = m_blocks.GetMicroBlock(**h);
    if (!raw || !*raw) return nullptr;
    auto m = core::MicroBlock::FromBytes(**raw);
    if (!m) return nullptr;
    return std::make_shared<const core::MicroBlock>(std::move(*m));
}

NodeMetrics Driver::Metrics() const {
    NodeMetrics m;
    {
        std::lock_guard lk(m_metrics_mu);
        m = m_counters;
    }
    const ChainStatus s = Status();
    m.final_height = s.height;
    m.head_time = s.head_time;
    m.epoch = s.epoch;
    m.view = s.view;
    m.chain_fallback = s.chain_fallback;
    if (m_auditor) {
        const AuditorStats a = m_auditor->stats();
        m.audit_txs_verified = a.txs_verified;
        m.audit_txs_cached = a.txs_cached;
        m.audit_txs_not_assigned = a.txs_not_assigned;
        m.audit_frauds_found = a.frauds_found;
        m.audit_txs_dropped = a.txs_dropped;
        m.audit_backlog_txs = a.backlog_txs;
        m.audit_last_lag_seconds = static_cast<double>(a.last_lag_ns) / 1e9;
        m.audit_max_lag_seconds = static_cast<double>(a.max_lag_ns) / 1e9;
    }
    m.micro_blocks_produced = s.engine.micro_blocks_produced;
    m.samples_checked = s.engine.samples_checked;
    m.fraud_proofs = s.engine.fraud_proofs_made;
    m.equivocations = s.engine.equivocations_seen;
    m.view_changes = s.engine.view_changes;
    m.proposals_rejected = s.engine.proposals_rejected;
    m.bad_messages = s.engine.bad_messages;
    m.slashings = s.punishments;
    m.engine_blocks_in_memory = s.blocks_in_memory;
    m.engine_micros_in_memory = s.micros_in_memory;
    m.txs_packed = m_packed.txs_indexed();
    m.packed_now = m_packed.tx_count();
    const MempoolStats ms = m_mempool.stats();
    m.mempool_txs = ms.txs;
    m.mempool_bytes = ms.bytes;
    m.mempool_admitted = ms.admitted;
    m.mempool_refused = ms.refused;
    m.mempool_expired = ms.expired;
    m.verify_backlog = m_verify_backlog.load();
    m.loop_backlog_bytes = m_loop_backlog_bytes.load();
    m.loop_messages_shed = m_loop_shed.load();
    if (m_host) m.peers = m_host->Peers().size();
    return m;
}

}  // namespace iost::node
