#include <core/tx_json.h>
#include <loadgen/runner.h>
#include <loadgen/stats.h>
#include <node/config.h>
#include <node/wire.h>
#include <util/bytes.h>
#include <util/clock.h>
#include <wallet/http_client.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <thread>

namespace iost::loadgen {
namespace {

int64_t NowNs() { return util::SystemClock().Now(); }

void SleepUntilNs(int64_t t) {
    const int64_t d = t - NowNs();
    if (d > 0) std::this_thread::sleep_for(std::chrono::nanoseconds(d));
}

util::Bytes EncodeTxMsg(const std::shared_ptr<const core::Tx>& tx) {
    return node::EncodeMessage(consensus::TxMsg{tx, false});
}

}  // namespace

std::string_view PathName(SendPath p) { return p == SendPath::kP2p ? "p2p" : "http"; }

util::Result<std::unique_ptr<Runner>> Runner::Connect(RunnerOptions options) {
    std::unique_ptr<Runner> r(new Runner());
    r->m_opt = std::move(options);
    auto dev = LoadDevnetFile(r->m_opt.devnet_file);
    if (!dev) return util::ErrOf(dev.error());
    r->m_devnet = std::move(*dev);
    auto cfg = node::LoadNodeConfig(r->m_devnet.nodes.front().config);
    if (!cfg)
        return util::Err("node config " + r->m_devnet.nodes.front().config + ": " +
                         cfg.error().message);
    auto genesis = core::LoadGenesisFile(cfg->genesis_file);
    if (!genesis) return util::Err("genesis " + cfg->genesis_file + ": " + genesis.error().message);
    r->m_genesis = std::move(*genesis);
    if (r->m_genesis.chain_id != r->m_devnet.chain_id) {
        return util::Err("devnet.json chain_id " + std::to_string(r->m_devnet.chain_id) +
                         " differs from the genesis's " + std::to_string(r->m_genesis.chain_id));
    }
    r->m_params.chain_id = r->m_genesis.chain_id;

    std::map<std::string, net::NodeId> keys;
    for (const auto& v : r->m_genesis.validators) {
        if (v.consensus_key.algorithm != crypto::Algorithm::kEd25519 ||
            v.consensus_key.bytes.size() != 32)
            continue;
        net::NodeId k;
        std::copy(v.consensus_key.bytes.begin(), v.consensus_key.bytes.end(), k.begin());
        keys[v.account] = k;
    }
    std::vector<net::Endpoint> endpoints;
    for (const auto& n : r->m_devnet.nodes) {
        NetworkNode nn{n, ""};
        for (const auto& [account, key] : keys) {
            if (std::equal(key.begin(), key.end(), n.public_key.begin(), n.public_key.end()))
                nn.account = account;
        }
        if (n.role != NodeRole::kObserver && nn.account.empty()) {
            return util::Err("node " + n.name +
                             ": its public_key is no validator's consensus key in the genesis");
        }
        auto ep = net::ParseEndpoint(n.p2p);
        if (!ep) return util::Err("node " + n.name + ".p2p: " + ep.error().message);
        endpoints.push_back(*ep);
        r->m_nodes.push_back(std::move(nn));
    }
    const size_t validators =
        r->m_devnet.CountRole(NodeRole::kBelievable) + r->m_devnet.CountRole(NodeRole::kNormal);
    r->m_fallback = r->m_devnet.fallback || r->m_genesis.pob.believable_size == 0 ||
                    r->m_devnet.CountRole(NodeRole::kBelievable) == 0;
    r->m_normal_group = r->m_fallback ? validators : r->m_genesis.pob.normal_size;
    r->m_tracker = std::make_unique<TxTracker>(QuorumOf(r->m_normal_group));

    BenchPeerOptions po;
    po.chain_id = r->m_genesis.chain_id;
    po.genesis_hash = core::GenesisHash(r->m_genesis);
    po.nodes = endpoints;
    po.validator_keys = keys;
    po.log = r->m_opt.log.WithCategory("peer");
    auto peer = BenchPeer::Start(std::move(po), r->m_tracker.get());
    if (!peer) return util::ErrOf(peer.error());
    r->m_peer = std::move(*peer);
    if (!r->m_peer->WaitConnected(r->m_nodes.size(), 15'000)) {
        return util::Err("only " + std::to_string(r->m_peer->Connected()) + " of " +
                         std::to_string(r->m_nodes.size()) +
                         " nodes accepted the benchmark's P2P connection within 15 s");
    }
    r->m_senders = MakeSenders(r->m_opt.senders, r->m_opt.sender_prefix, r->m_opt.seed);
    return r;
}

Runner::~Runner() {
    if (m_peer) m_peer->Stop();
}

std::vector<std::string> Runner::P2pTargets(const std::string& publisher) const {
    if (!m_fallback) {
        if (auto owner = m_peer->OwnerOf(publisher)) return {*owner};
    }
    if (m_fallback) {
        // One validator per publisher, as a client sends to one node: a
        // validator routes an observer's transaction on to the whole league
        // (docs/node.md "Transactions"); sending to all of them as well made
        // every validator receive and check each transaction 8 + 7 times.
        std::vector<const NetworkNode*> league;
        for (const auto& n : m_nodes) {
            if (!n.account.empty()) league.push_back(&n);
        }
        if (!league.empty()) {
            const size_t i = std::hash<std::string>{}(publisher) % league.size();
            return {league[i]->account};
        }
    }
    // Unknown owner (first contact, new epoch): every believable validator
    // that might own it (a non-owner drops a peer's copy).
    std::vector<std::string> out;
    for (const auto& n : m_nodes) {
        if (n.account.empty()) continue;
        const bool wants = m_fallback ? true : n.node.role == NodeRole::kBelievable;
        if (wants) out.push_back(n.account);
    }
    return out;
}

const std::string& Runner::HttpTarget(const std::string& publisher, size_t i) const {
    if (!m_fallback) {
        if (auto owner = m_peer->OwnerOf(publisher)) {
            for (const auto& n : m_nodes) {
                if (n.account == *owner) return n.node.http;
            }
        }
    }
    // Any validator routes a client's transaction to its owner (or to the
    // whole normal league in the fallback).
    std::vector<const NetworkNode*> v;
    for (const auto& n : m_nodes) {
        if (!n.account.empty()) v.push_back(&n);
    }
    return v[i % v.size()]->node.http;
}

size_t Runner::WaitFinal(size_t first, size_t n, int64_t timeout_ms, int64_t quiet_ms) const {
    const int64_t deadline = NowNs() + timeout_ms * util::kNanosPerMilli;
    size_t last = 0;
    int64_t last_progress = NowNs();
    while (true) {
        size_t done = 0;
        for (const auto& t : m_tracker->Range(first, n)) done += t.final != 0 ? 1 : 0;
        if (done == n) return done;
        const int64_t now = NowNs();
        if (done != last) {
            last = done;
            last_progress = now;
        }
        if (now >= deadline ||
            (quiet_ms > 0 && now - last_progress > quiet_ms * util::kNanosPerMilli))
            return done;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
}

size_t Runner::Settle(int64_t timeout_ms, int64_t quiet_ms) const {
    return m_tracked - WaitFinal(0, m_tracked, timeout_ms, quiet_ms);
}

std::vector<ProcSample> Runner::SampleNodes() const {
    std::vector<ProcSample> out;
    for (const auto& n : m_nodes) {
        auto s = ReadProcSample(n.node.pid);
        out.push_back(s ? *s : ProcSample{n.node.pid, 0, 0, 0, 0});
        if (!s) m_opt.log.Warn("node {}: {}", n.node.name, s.error().message);
    }
    return out;
}

util::Status Runner::Prepare(int64_t timeout_ms) {
    const DevnetAccount* admin = m_devnet.Account(m_opt.admin);
    if (!admin) return util::Err("devnet.json has no key for account '" + m_opt.admin + "'");
    // 1. Sign up and fund every sender (one admin transaction each, over HTTP
    //    like any client). A sender left from an earlier run against the same
    //    devnet makes its signUp fail with "id existed": that is fine, the
    //    probe below shows whether it can pay.
    std::vector<crypto::Hash256> hashes;
    std::vector<std::string> bodies;
    const int64_t now = NowNs();
    for (size_t i = 0; i < m_senders.size(); ++i) {
        auto tx = MakeAccountSetupTx(m_opt.admin, admin->key, m_senders[i], m_opt.gas_pledge_iost,
                                     m_opt.fund_iost, now + static_cast<int64_t>(i), m_params);
        hashes.push_back(tx.Hash());
        bodies.push_back(core::TxToJson(tx));
    }
    const size_t first = m_tracker->Expect(hashes);
    m_tracked = first + hashes.size();
    auto client = wallet::HttpClient::Make(HttpTarget(m_opt.admin, 0));
    if (!client) return util::Err("HTTP client: " + client.error().message);
    size_t refused = 0;
    std::string why;
    for (size_t i = 0; i < bodies.size(); ++i) {
        m_tracker->MarkSubmitted(first + i, NowNs());
        auto resp = client->Post("/sendTx", bodies[i]);
        if (!resp) return util::Err("sendTx (account setup): " + resp.error().message);
        if (resp->status != 200) {
            ++refused;
            why = resp->body;
        }
    }
    if (refused == bodies.size())
        return util::Err("every account-setup transaction was refused, e.g. " + why);
    const size_t setup_final = WaitFinal(first, hashes.size(), timeout_ms / 2, 0);
    m_opt.log.Info("accounts: {} of {} setup transactions final ({} refused at submit)",
                   setup_final, hashes.size(), refused);

    // 2. Probe: one transfer per sender over P2P to every possible owner;
    //    the MicroBlocks that pack them teach BenchPeer who owns whom.
    auto probes = Presign(m_senders, m_opt.sink, m_senders.size(), "probe-" + std::to_string(now),
                          NowNs(), m_params, m_opt.sign_threads);
    std::vector<crypto::Hash256> ph;
    for (const auto& p : probes) ph.push_back(p.hash);
    const size_t pfirst = m_tracker->Expect(ph);
    m_tracked = pfirst + ph.size();
    for (size_t i = 0; i < probes.size(); ++i) {
        const auto payload = EncodeTxMsg(probes[i].tx);
        m_tracker->MarkSubmitted(pfirst + i, NowNs());
        for (const auto& to : P2pTargets(m_senders[probes[i].sender].name))
            m_peer->SendTx(to, payload);
    }
    const size_t probe_final = WaitFinal(pfirst, ph.size(), timeout_ms / 2, 0);
    m_opt.log.Info("probe: {} of {} senders' transfers final; owners known for {}", probe_final,
                   ph.size(), m_peer->OwnersKnown());
    if (probe_final == 0) {
        return util::Err(
            "no probe transfer became final: the senders cannot pay (are the accounts funded?)");
    }
    return util::Ok();
}

util::Result<StepResult> Runner::RunStep(const StepSpec& spec, const std::string& tag) {
    if (spec.rate <= 0 || spec.seconds <= 0)
        return util::Err("step: rate and seconds must be positive");
    StepResult res;
    res.spec = spec;
    const auto wall0 = std::chrono::steady_clock::now();
    const size_t count = static_cast<size_t>(spec.rate * spec.seconds);
    if (count == 0) return util::Err("step: rate x seconds is below one transaction");
    res.offered = count;

    // Outside the measured window: sign, encode, route.
    auto txs = Presign(m_senders, m_opt.sink, count, tag, NowNs(), m_params, m_opt.sign_threads);
    std::vector<crypto::Hash256> hashes;
    hashes.reserve(count);
    for (const auto& t : txs) hashes.push_back(t.hash);
    std::vector<util::Bytes> wire(count);
    std::vector<std::string> json(count);
    for (size_t i = 0; i < count; ++i) {
        if (spec.path == SendPath::kP2p)
            wire[i] = EncodeTxMsg(txs[i].tx);
        else
            json[i] = core::TxToJson(*txs[i].tx);
    }
    const size_t first = m_tracker->Expect(hashes);
    m_tracked = first + count;

    const auto before = SampleNodes();
    const double self_cpu0 = SelfCpuSeconds();
    const int64_t t0 = NowNs() + 20 * util::kNanosPerMilli;
    std::atomic<size_t> sent{0}, errors{0};
    std::atomic<int64_t> max_lag{0};
    std::mutex err_mu;
    std::string first_error;
    auto note_error = [&](const std::string& e) {
        ++errors;
        std::lock_guard lk(err_mu);
        if (first_error.empty()) first_error = e;
    };
    auto note_lag = [&](int64_t due, int64_t at) {
        int64_t lag = at - due, cur = max_lag.load();
        while (lag > cur && !max_lag.compare_exchange_weak(cur, lag)) {
        }
    };
    if (spec.path == SendPath::kP2p) {
        // Host::Send only queues, so one thread keeps the schedule.
        for (size_t i = 0; i < count; ++i) {
            const int64_t due = t0 + DueOffsetNs(i, spec.rate);
            SleepUntilNs(due);
            const int64_t at = NowNs();
            note_lag(due, at);
            m_tracker->MarkSubmitted(first + i, at);
            bool any = false;
            for (const auto& to : P2pTargets(m_senders[txs[i].sender].name))
                any |= m_peer->SendTx(to, wire[i]);
            if (any)
                ++sent;
            else
                note_error("P2P queue full or owner not connected");
        }
    } else {
        std::atomic<size_t> next{0};
        std::vector<std::thread> workers;
        for (int w = 0; w < std::max(1, spec.http_workers); ++w) {
            workers.emplace_back([&] {
                std::map<std::string, wallet::HttpClient> clients;
                while (true) {
                    const size_t i = next++;
                    if (i >= count) return;
                    const int64_t due = t0 + DueOffsetNs(i, spec.rate);
                    SleepUntilNs(due);
                    const std::string& url = HttpTarget(m_senders[txs[i].sender].name, i);
                    auto it = clients.find(url);
                    if (it == clients.end()) {
                        auto c = wallet::HttpClient::Make(url);
                        if (!c) {
                            note_error(url + ": " + c.error().message);
                            continue;
                        }
                        it = clients.emplace(url, std::move(*c)).first;
                    }
                    const int64_t at = NowNs();
                    note_lag(due, at);
                    m_tracker->MarkSubmitted(first + i, at);
                    auto r = it->second.Post("/sendTx", json[i]);
                    if (r && r->status == 200)
                        ++sent;
                    else
                        note_error(r ? "HTTP " + std::to_string(r->status) + ": " + r->body
                                     : r.error().message);
                }
            });
        }
        for (auto& w : workers) w.join();
    }
    const int64_t send_end = NowNs();
    res.sent = sent.load();
    res.send_errors = errors.load();
    res.first_error = first_error;
    res.send_window_s = static_cast<double>(send_end - t0) / 1e9;
    res.max_send_lag_ms = static_cast<double>(max_lag.load()) / 1e6;

    // Drain: until all final, or no progress for 5 s, or the bound.
    WaitFinal(first, count, static_cast<int64_t>(spec.max_drain_s * 1000), 5'000);
    const auto after = SampleNodes();
    res.loadgen_cpu_s = SelfCpuSeconds() - self_cpu0;

    std::vector<double> packed_ms, final_ms;
    int64_t last_final = t0;
    for (const auto& t : m_tracker->Range(first, count)) {
        if (t.submitted == 0) continue;
        if (t.packed != 0) packed_ms.push_back(static_cast<double>(t.packed - t.submitted) / 1e6);
        if (t.final != 0) {
            final_ms.push_back(static_cast<double>(t.final - t.submitted) / 1e6);
            last_final = std::max(last_final, t.final);
        }
    }
    res.packed = packed_ms.size();
    res.finalized = final_ms.size();
    res.packed_latency = Summarize(std::move(packed_ms));
    res.final_latency = Summarize(std::move(final_ms));
    res.elapsed_s = static_cast<double>(last_final - t0) / 1e9;
    res.finalized_tps = res.elapsed_s > 0 ? static_cast<double>(res.finalized) / res.elapsed_s : 0;
    double total = 0;
    for (size_t i = 0; i < m_nodes.size(); ++i) {
        NodeUsage u;
        u.name = m_nodes[i].node.name;
        u.role = std::string(RoleName(m_nodes[i].node.role));
        u.cpu_s = after[i].cpu_seconds() - before[i].cpu_seconds();
        u.cpu_s_per_1k =
            res.finalized > 0 ? u.cpu_s * 1000.0 / static_cast<double>(res.finalized) : 0;
        u.rss_before_mib = static_cast<double>(before[i].rss_bytes) / (1024.0 * 1024.0);
        u.rss_mib = static_cast<double>(after[i].rss_bytes) / (1024.0 * 1024.0);
        u.peak_rss_mib = static_cast<double>(after[i].peak_rss_bytes) / (1024.0 * 1024.0);
        total += u.cpu_s;
        res.nodes.push_back(std::move(u));
    }
    res.cpu_s_per_1k_total =
        res.finalized > 0 ? total * 1000.0 / static_cast<double>(res.finalized) : 0;
    res.loadgen_cpu_share =
        total + res.loadgen_cpu_s > 0 ? res.loadgen_cpu_s / (total + res.loadgen_cpu_s) : 0;
    res.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
    return res;
}

}  // namespace iost::loadgen
