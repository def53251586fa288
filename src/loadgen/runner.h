// Runner: one benchmark session against one running network. It binds the
// devnet file to the genesis (validator account ↔ node key ↔ pid, role,
// HTTP endpoint), joins as a BenchPeer, creates and funds the sender
// accounts, and runs load steps: pre-sign outside the measured window,
// then offer the transactions open loop (each is due at i / rate seconds,
// sent whatever the replies do; HTTP uses a bounded pool of in-flight
// requests so a slow reply delays at most its own worker), then drain
// until everything is final or a bounded wait passes. Every step samples
// CPU time and RSS of each iserver from /proc before and after.
// Thread contract: a Runner is driven by one thread; it starts its own
// sender threads and the BenchPeer's.
#pragma once

#include <core/genesis.h>
#include <loadgen/devnet_file.h>
#include <loadgen/peer.h>
#include <loadgen/stats.h>
#include <loadgen/tracker.h>
#include <loadgen/workload.h>
#include <util/log.h>
#include <util/result.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace iost::loadgen {

enum class SendPath { kP2p, kHttp };
std::string_view PathName(SendPath p);

struct NetworkNode {
    DevnetNode node;
    std::string account;  // validator account ("" for an observer)
};

struct StepSpec {
    double rate = 100;   // offered transactions per second
    double seconds = 5;  // sending window
    SendPath path = SendPath::kP2p;
    double max_drain_s = 20;  // after the last send, wait at most this long for finality
    int http_workers = 8;
    // After the step, wait (Runner::Settle, at most 180 s) until its backlog is final or nothing
    // finalizes for 20 s, so that the next step measures a network that is not still catching up.
    bool settle_after = false;
};

struct NodeUsage {
    std::string name;
    std::string role;
    double cpu_s = 0;           // CPU seconds used during the step (send + drain)
    double cpu_s_per_1k = 0;    // per 1,000 finalized transactions
    double rss_before_mib = 0;  // at the start of the step
    double rss_mib = 0;         // at the end of the step
    // VmHWM at the end of the step: the process's peak RSS since it started, so it covers the
    // step's own peak without sampling during it.
    double peak_rss_mib = 0;
};

struct StepResult {
    StepSpec spec;
    size_t offered = 0, sent = 0, send_errors = 0, packed = 0, finalized = 0;
    double send_window_s = 0, max_send_lag_ms = 0;
    double elapsed_s = 0;      // first send → last finality seen (or drain end)
    double finalized_tps = 0;  // finalized / (last final − first send)
    LatencySummary packed_latency, final_latency;
    std::vector<NodeUsage> nodes;
    double cpu_s_per_1k_total = 0;  // all nodes together
    // The load generator's own CPU over the same window (signing excluded: it happens before),
    // and its share of all CPU the step used — on one machine it competes with the nodes.
    double loadgen_cpu_s = 0;
    double loadgen_cpu_share = 0;
    std::string verdict;  // ceiling steps only: VerdictName of JudgeStep
    double wall_s = 0;
    std::string first_error;  // the first refusal or send failure, for the report
};

struct RunnerOptions {
    std::string devnet_file;
    size_t senders = 64;
    std::string sender_prefix = "bench";  // account names bench0, bench1, ...
    std::string seed = "iost-bench";
    std::string admin = "admin";
    std::string sink = "admin";  // every transfer pays this account
    // 100,000 gas per IOST at once (go-iost): 1e9 gas, ~160,000 transfers of ~6,200 gas
    // each, more than a full benchmark sends from one sender.
    std::string gas_pledge_iost = "10000";
    std::string fund_iost = "100";
    unsigned sign_threads = 2;
    util::Logger log = util::Logger::Null();
};

class Runner {
  public:
    static util::Result<std::unique_ptr<Runner>> Connect(RunnerOptions options);
    ~Runner();

    const DevnetInfo& devnet() const { return m_devnet; }
    const core::Genesis& genesis() const { return m_genesis; }
    const std::vector<NetworkNode>& nodes() const { return m_nodes; }
    // The normal group size whose commit quorum decides finality.
    size_t normal_group() const { return m_normal_group; }
    bool fallback() const { return m_fallback; }

    // Signs up and funds the senders (skipping ones that exist from an
    // earlier run), then sends one probe transfer per sender so the owner
    // of every publisher is known before the first measured step.
    util::Status Prepare(int64_t timeout_ms);
    util::Result<StepResult> RunStep(const StepSpec& spec, const std::string& tag);
    // After an overloaded step: waits (bounded) until every transaction sent so far is final or
    // nothing finalizes for 5 s, so the next step does not start on a backlog. Returns how many
    // of them are still not final (dropped or expired ones never will be).
    // `quiet_ms`: how long without a new final transaction counts as "nothing finalizes" (an
    // overloaded PoB network makes 10,000-transaction blocks seconds apart).
    size_t Settle(int64_t timeout_ms, int64_t quiet_ms = 5'000) const;

    TrackerCounters tracker_counters() const { return m_tracker->counters(); }
    PeerCounters peer_counters() const { return m_peer->counters(); }

  private:
    Runner() = default;
    // Validators a transaction of `publisher` should go to over P2P.
    std::vector<std::string> P2pTargets(const std::string& publisher) const;
    // The HTTP endpoint to post a transaction of `publisher` to.
    const std::string& HttpTarget(const std::string& publisher, size_t i) const;
    // Waits until every id in [first, first+n) is final or `timeout_ms` passes; returns how many
    // are.
    size_t WaitFinal(size_t first, size_t n, int64_t timeout_ms, int64_t quiet_ms) const;
    std::vector<ProcSample> SampleNodes() const;

    RunnerOptions m_opt;
    DevnetInfo m_devnet;
    core::Genesis m_genesis;
    std::vector<NetworkNode> m_nodes;
    size_t m_normal_group = 0;
    bool m_fallback = false;
    std::vector<Sender> m_senders;
    std::unique_ptr<TxTracker> m_tracker;
    std::unique_ptr<BenchPeer> m_peer;
    TxParams m_params;
    size_t m_tracked = 0;  // transactions handed to the tracker so far
};

}  // namespace iost::loadgen
