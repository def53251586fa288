#include <node/node.h>
#include <unistd.h>
#include <vm/js_engine.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <system_error>

namespace iost::node {

consensus::Params ParamsFrom(const core::Genesis& g, const NodeConfig& c) {
    consensus::Params p;
    p.believable_size = g.pob.believable_size;
    p.normal_size = g.pob.normal_size;
    p.sampling_ppm = g.pob.sampling_probability_ppm;
    p.epoch_length = g.pob.epoch_length;
    p.micro_interval_ns = int64_t{g.pob.micro_interval_ms} * util::kNanosPerMilli;
    p.final_interval_ns = int64_t{g.pob.final_interval_ms} * util::kNanosPerMilli;
    p.min_servi = g.pob.min_servi < 0 ? 0 : static_cast<uint64_t>(g.pob.min_servi);
    p.recheck_window = g.pob.recheck_window;
    p.fraud_window = core::FraudWindowBlocks(g.pob);
    p.chain_id = g.chain_id;
    p.view_timeout_ns = c.view_timeout_ms * util::kNanosPerMilli;
    p.silent_after_ns = c.silent_after_ms * util::kNanosPerMilli;
    p.max_clock_drift_ns = c.max_clock_drift_ms * util::kNanosPerMilli;
    p.max_txs_per_micro = c.max_txs_per_micro;
    p.max_direct_txs = c.max_direct_txs;
    return p;
}

namespace {

// An observer keeps one P2P identity across restarts.
util::Result<NodeKeys> ObserverKeys(const std::string& data_dir) {
    const std::string path = (std::filesystem::path(data_dir) / "node_key.yml").string();
    if (std::filesystem::exists(path)) return LoadKeysFile(path);
    NodeKeys k;
    k.key = crypto::KeyPair::Generate(crypto::Algorithm::kEd25519);
    const std::string tmp = path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out) return util::Err("cannot write " + tmp);
        out << KeysToYaml(k);
        if (!out) return util::Err("cannot write " + tmp);
    }
    std::error_code ec;
    std::filesystem::permissions(
        tmp, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write, ec);
    std::filesystem::rename(tmp, path, ec);
    if (ec) return util::Err("cannot create " + path + ": " + ec.message());
    return k;
}

}  // namespace

util::Result<std::unique_ptr<Node>> Node::Create(const NodeConfig& config, util::Logger log) {
    auto g = core::LoadGenesisFile(config.genesis_file);
    if (!g) return util::Err("genesis_file: " + g.error().message);
    std::optional<NodeKeys> keys;
    if (!config.keys_file.empty()) {
        auto k = LoadKeysFile(config.keys_file);
        if (!k) return util::Err("keys_file: " + k.error().message);
        keys = std::move(*k);
    }
    return Create(config, *g, std::move(keys), std::move(log));
}

util::Result<std::unique_ptr<Node>> Node::Create(const NodeConfig& config,
                                                 const core::Genesis& genesis,
                                                 std::optional<NodeKeys> keys, util::Logger log) {
    IOST_TRY(ValidateNodeConfig(config));
    std::unique_ptr<Node> n(new Node());
    n->m_config = config;
    n->m_genesis = genesis;
    n->m_genesis_hash = core::GenesisHash(genesis);

    std::error_code ec;
    std::filesystem::create_directories(config.data_dir, ec);
    if (ec) return util::Err("data_dir '" + config.data_dir + "': cannot create: " + ec.message());

    if (keys) {
        n->m_keys = std::move(*keys);
    } else {
        auto k = ObserverKeys(config.data_dir);
        if (!k) return util::ErrOf(k.error());
        n->m_keys = std::move(*k);
    }
    if (n->m_keys.validator) {
        for (const auto& v : genesis.validators) {
            if (v.account == *n->m_keys.validator &&
                v.consensus_key != n->m_keys.key.public_key()) {
                return util::Err("keys_file: the secret key is not validator '" + v.account +
                                 "''s consensus key in the genesis file");
            }
        }
    }
    const std::string id = n->m_keys.validator ? *n->m_keys.validator : [&] {
        net::NodeId k;
        std::copy(n->m_keys.key.public_key().bytes.begin(), n->m_keys.key.public_key().bytes.end(),
                  k.begin());
        return Driver::ObserverName(k);
    }();
    n->m_log = log.WithNode(id.size() > 16 ? id.substr(0, 16) : id);

    auto gs = ledger::BuildGenesisState(genesis);
    if (!gs) return util::Err("genesis: " + gs.error().message);
    n->m_genesis_state = std::make_unique<ledger::GenesisState>(std::move(*gs));
    // JavaScript contracts (docs/contracts.md "JavaScript contracts") on V8.
    n->m_ledger = std::make_unique<ledger::Ledger>(ledger::LedgerOptions{genesis.chain_id},
                                                   vm::MakeJsEngine());

    const std::string db_dir = (std::filesystem::path(config.data_dir) / "db").string();
    auto kv = storage::RocksKvStore::Open(db_dir);
    if (!kv) return util::Err("data_dir: " + kv.error().message);
    n->m_kv = std::move(*kv);
    storage::BlockStoreOptions bo;
    bo.commit_sync = config.storage_sync ? storage::Sync::kYes : storage::Sync::kNo;
    auto bs = storage::BlockStore::Open(*n->m_kv, bo);
    if (!bs) return util::Err("data_dir: " + bs.error().message);
    n->m_blocks = std::move(*bs);
    auto ss = storage::SafetyStore::Open(*n->m_kv);
    if (!ss) return util::Err("data_dir: " + ss.error().message);
    n->m_safety = std::move(*ss);
    n->m_state = std::make_unique<storage::StateStore>(*n->m_kv);
    n->m_state_reader = std::make_unique<StoreStateReader>(*n->m_state);
    n->m_state_cache =
        std::make_unique<ledger::CachedState>(*n->m_state_reader, config.state_cache_mb << 20);
    // Write-through from inside the commit (docs/state.md "Fast state layer").
    AttachStateCache(*n->m_blocks, *n->m_state_cache);

    n->m_signer = std::make_unique<crypto::KeyPairSigner>(n->m_keys.key);
    MempoolOptions mo;
    mo.max_txs = config.mempool_max_txs;
    mo.max_bytes = config.mempool_max_bytes;
    mo.max_per_publisher = config.mempool_max_per_publisher;
    n->m_mempool = std::make_unique<Mempool>(mo);

    DriverOptions dopt;
    dopt.engine.id = id;
    dopt.engine.params = ParamsFrom(genesis, config);
    {
        // docs/pob.md §5.5: every epoch change restarts the kept copies'
        // deadline clock, so an epoch no longer than censor_deadline never
        // lets a censored transaction become overdue.
        const auto& p = dopt.engine.params;
        const double epoch_s =
            static_cast<double>(p.epoch_length) * static_cast<double>(p.final_interval_ns) / 1e9;
        if (p.censor_deadline_ns > 0 &&
            epoch_s * 1e9 <= static_cast<double>(p.censor_deadline_ns)) {
            n->m_log.Warn(
                "pob.epoch_length {} x final_interval_ms {} = {:.1f} s is not longer than the "
                "censor deadline ({} ms): the per-transaction fallback will not rescue a censored "
                "transaction (docs/pob.md §5.5)",
                p.epoch_length, p.final_interval_ns / util::kNanosPerMilli, epoch_s,
                p.censor_deadline_ns / util::kNanosPerMilli);
        }
    }
    dopt.engine.genesis_hash = n->m_genesis_hash;
    dopt.engine.genesis_time = genesis.timestamp_ns;
    dopt.engine.test_only_alter_micro = config.test_only_alter_micro;
    dopt.chain_id = genesis.chain_id;
    dopt.genesis_hash = n->m_genesis_hash;
    dopt.verify_threads = config.verify_threads;
    dopt.keep_unverified = config.keep_unverified;
    // docs/pob.md §7.4: a full node audits every final transaction; a
    // validator by default a bounded share of its CPU, and with a rate (the
    // default) only the transactions assigned to it; `audit: all` is
    // everything on any node.
    dopt.audit_txs_per_sec =
        config.audit_txs_per_sec ? *config.audit_txs_per_sec : (n->m_keys.validator ? 2000.0 : 0.0);
    dopt.audit_assigned_only = n->m_keys.validator && dopt.audit_txs_per_sec > 0;
    dopt.relay_gossip = config.relay_gossip;
    dopt.progress_bar = ::isatty(STDERR_FILENO) != 0;
    dopt.prune_keep_blocks = config.prune_keep_blocks;
    n->m_driver = std::make_unique<Driver>(
        dopt, *n->m_signer, crypto::RealVerifier(), *n->m_ledger, *n->m_genesis_state, *n->m_blocks,
        *n->m_safety, *n->m_state_cache, *n->m_mempool, n->m_log.WithCategory("node"));

    net::HostOptions ho;
    ho.chain_id = genesis.chain_id;
    ho.genesis_hash = n->m_genesis_hash;
    ho.node_key = n->m_keys.key;
    ho.listen = true;
    ho.listen_address = config.p2p_listen.host;
    ho.listen_port = config.p2p_listen.port;
    for (const auto& s : config.seeds) ho.seeds.push_back(net::Endpoint{s.host, s.port});
    ho.max_inbound = config.max_inbound;
    ho.max_inbound_per_ip = config.max_inbound_per_ip;
    ho.max_outbound = config.max_outbound;
    ho.logger = n->m_log.WithCategory("net");
    auto host = net::Host::Make(std::move(ho));
    if (!host)
        return util::Err("p2p.listen " + config.p2p_listen.ToString() + ": " +
                         host.error().message);
    n->m_host = std::move(*host);
    // Snapshots for state sync (docs/state.md "Snapshot files").
    SnapshotServiceOptions so;
    so.interval = config.snapshot_interval;
    so.keep = config.snapshot_keep;
    so.window = std::max(dopt.engine.params.recheck_window, dopt.engine.params.dedup_window);
    so.test_only_corrupt_pieces = config.test_only_corrupt_snapshot_pieces;
    n->m_snapshots = std::make_unique<SnapshotService>(
        so, *n->m_kv, (std::filesystem::path(config.data_dir) / "snapshots").string(),
        n->m_log.WithCategory("snapshot"));
    SnapshotService* svc = n->m_snapshots.get();
    n->m_blocks->SetCommitListener([svc](uint64_t height) { svc->AfterCommit(height); });
    Driver* d = n->m_driver.get();
    Node* self = n.get();
    net::HostCallbacks cb;
    cb.on_message = [d, svc, self](const net::NodeId& from, uint16_t type, util::Bytes payload) {
        using net::MessageType;
        if (type == net::ToWire(MessageType::kGetSnapshotManifest) ||
            type == net::ToWire(MessageType::kGetStateChunk)) {
            svc->OnRequest(from, type, payload);
            return;
        }
        if (self->m_joining.load()) {
            // While state sync runs the driver has not started: snapshot
            // answers and block sync responses go to the sync, the rest
            // (gossip of a chain it cannot follow yet) is dropped.
            if (StateSync* joining = self->m_state_sync.load()) {
                if (type == net::ToWire(MessageType::kSnapshotManifest) ||
                    type == net::ToWire(MessageType::kStateChunk) ||
                    type == net::ToWire(MessageType::kSyncResponse)) {
                    joining->OnMessage(from, type, std::move(payload));
                }
            }
            return;
        }
        if (type == net::ToWire(MessageType::kSnapshotManifest) ||
            type == net::ToWire(MessageType::kStateChunk)) {
            return;  // late answers to a finished state sync
        }
        d->OnNetMessage(from, type, std::move(payload));
    };
    cb.on_connected = [d, self](const net::NodeId& peer) {
        if (!self->m_joining.load()) d->OnPeerConnected(peer);
    };
    cb.on_disconnected = [d, self](const net::NodeId& peer) {
        if (!self->m_joining.load()) d->OnPeerDisconnected(peer);
    };
    n->m_host->SetCallbacks(std::move(cb));
    n->m_driver->AttachHost(n->m_host.get());
    return n;
}

Node::~Node() { Stop(); }

std::vector<PeerSummary> Node::Peers() const {
    std::vector<PeerSummary> out;
    for (const auto& p : m_host->Peers())
        out.push_back({m_driver->NameOf(p.id), p.remote.ToString()});
    return out;
}

std::string Node::NetworkId() const { return util::Base58Encode(m_keys.key.public_key().bytes); }

void Node::SetFatalHandler(std::function<void(const std::string&)> cb) {
    m_driver->SetFatalHandler(std::move(cb));
}

util::Status Node::RunStateSync() {
    StateSyncOptions o;
    o.min_agree = m_config.sync_snapshot_peers;
    const auto params = ParamsFrom(m_genesis, m_config);
    o.block_window = std::max<uint64_t>(params.recheck_window, 128);
    o.epoch_length = params.epoch_length;
    o.progress_bar = ::isatty(STDERR_FILENO) != 0;
    JoinInfo info;
    info.genesis_hash = m_genesis_hash;
    core::FinalBlock b0;
    b0.height = 0;
    b0.time = m_genesis.timestamp_ns;
    b0.state_root = m_genesis_state->state_root;
    info.genesis_block = b0.ToBytes();
    info.genesis_state_root = m_genesis_state->state_root;
    StateSync ss(o, std::move(info), *m_blocks, *m_host, crypto::RealVerifier(),
                 m_log.WithCategory("statesync"));
    m_state_sync.store(&ss);
    const auto t0 = std::chrono::steady_clock::now();
    auto st = ss.Run(m_config.sync_snapshot_timeout_s * util::kNanosPerSecond);
    m_state_sync.store(nullptr);
    m_sync_report.height = ss.installed_height();
    m_sync_report.bad_pieces = ss.bad_pieces();
    m_sync_report.ms = static_cast<uint64_t>(
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0)
            .count());
    return st;
}

util::Status Node::Start() {
    if (m_started) return util::Err("node already started");
    // A state sync that a crash interrupted left a partial state without a
    // head: drop it; the sync (or genesis) starts over (docs/state.md).
    auto pending = m_blocks->PendingStateInstall();
    if (!pending) return util::ErrOf(pending.error());
    if (*pending && !m_blocks->GetHead()) {
        m_log.Warn("an interrupted state sync (height {}) left a partial state; removing it",
                   **pending);
        IOST_TRY(m_blocks->AbortStateInstall());
    }
    m_snapshots->Start(m_host.get());
    bool host_started = false;
    if (m_config.sync_snapshot && !m_blocks->GetHead()) {
        m_joining.store(true);
        m_host->Start();
        host_started = true;
        auto st = RunStateSync();
        m_joining.store(false);
        if (!st) return util::Err("state sync failed: " + st.error().message);
    }
    IOST_TRY(m_driver->Start());
    if (!host_started) {
        m_host->Start();
    } else {
        // Peers that connected during the sync: the driver learns of them now.
        for (const auto& p : m_host->Peers()) m_driver->OnPeerConnected(p.id);
    }
    m_started = true;
    const auto s = m_driver->Status();
    m_log.Info("node {} started: chain {} height {} p2p {}:{}{}", id(), m_genesis.chain_id,
               s.height, m_config.p2p_listen.host, m_host->listen_port(),
               m_keys.validator ? " (validator)" : " (observer)");
    return util::Ok();
}

void Node::Stop() {
    if (m_stopped) return;
    m_stopped = true;
    if (StateSync* ss = m_state_sync.load()) ss->Stop();
    if (m_host) m_host->Stop();
    if (m_snapshots) m_snapshots->Stop();
    if (m_driver) m_driver->Stop();
    if (m_kv) {
        auto st = m_kv->Close();
        if (!st) m_log.Error("closing the database: {}", st.error().message);
    }
}

}  // namespace iost::node
