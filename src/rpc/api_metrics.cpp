// GET /metrics: Prometheus text exposition format 0.0.4 (HELP/TYPE lines,
// `_total` counters, a histogram with cumulative `le` buckets). The node's
// own numbers come from Driver::Metrics(); the HTTP numbers from the
// server's counters and the API's per-endpoint counters; a recent TPS from
// the last final blocks (Prometheus users would rather take
// rate(iost_txs_finalized_total[1m])).
#include <rpc/api_internal.h>

#include <cstdio>

namespace iost::rpc {
namespace {

// Recent TPS: transactions in the final blocks of the last kTpsWindowNanos,
// reading at most kTpsMaxBlocks blocks back.
constexpr int64_t kTpsWindowNanos = 10'000'000'000;
constexpr uint64_t kTpsMaxBlocks = 200;

// One gauge or counter without labels.
struct Row {
    const char* name;
    const char* type;
    const char* help;
    double value;
};

class Writer {
  public:
    void Metric(const char* name, const char* type, const char* help, double v) {
        Head(name, type, help);
        Sample(name, "", v);
    }
    void Head(const char* name, const char* type, const char* help) {
        m_out += "# HELP ";
        m_out += name;
        m_out += ' ';
        m_out += help;
        m_out += "\n# TYPE ";
        m_out += name;
        m_out += ' ';
        m_out += type;
        m_out += '\n';
    }
    void Sample(std::string_view name, std::string_view labels, double v) {
        m_out += name;
        if (!labels.empty()) {
            m_out += '{';
            m_out += labels;
            m_out += '}';
        }
        m_out += ' ';
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.17g", v);
        m_out += buf;
        m_out += '\n';
    }
    std::string Take() { return std::move(m_out); }

  private:
    std::string m_out;
};

// A label value per the exposition format (escape \ " and newline).
std::string Label(std::string_view v) {
    std::string out;
    for (char ch : v) {
        if (ch == '\\' || ch == '"') out += '\\';
        if (ch == '\n') {
            out += "\\n";
            continue;
        }
        out += ch;
    }
    return out;
}

double RecentTps(node::Node& n) {
    const auto s = n.driver().Status();
    if (s.height == 0) return 0;
    uint64_t txs = 0;
    int64_t oldest = s.head_time;
    for (uint64_t h = s.height, i = 0; h >= 1 && i < kTpsMaxBlocks; --h, ++i) {
        auto raw = n.blocks().GetBlock(h);
        if (!raw || !*raw) break;
        // A full block or a pruned header (node/stored_block.h): only its time is read.
        auto b = node::DecodeStoredFinal(**raw);
        if (!b || s.head_time - b->block.time > kTpsWindowNanos) break;
        oldest = b->block.time;
        auto hashes = n.blocks().GetBlockTxHashes(h);
        if (hashes && *hashes) txs += (*hashes)->size();
    }
    // At least one block interval, so a single block does not read as a burst.
    const double span =
        std::max<double>(static_cast<double>(s.head_time - oldest) / 1e9,
                         static_cast<double>(n.genesis().pob.final_interval_ms) / 1e3);
    return static_cast<double>(txs) / span;
}

Response Metrics(ApiContext& ctx) {
    node::Node& n = ctx.n();
    const node::NodeMetrics m = n.driver().Metrics();
    Writer w;
    for (const Row& r : std::initializer_list<Row>{
             {"iost_final_height", "gauge", "Height of the last final block.",
              static_cast<double>(m.final_height)},
             {"iost_head_time_seconds", "gauge", "Time of the last final block (unix seconds).",
              static_cast<double>(m.head_time) / 1e9},
             {"iost_epoch", "gauge", "Current PoB epoch.", static_cast<double>(m.epoch)},
             {"iost_view", "gauge", "Current PBFT view.", static_cast<double>(m.view)},
             {"iost_chain_fallback", "gauge", "1 when the chain runs one league (PBFT fallback).",
              m.chain_fallback ? 1.0 : 0.0},
             {"iost_blocks_finalized_total", "counter", "Final blocks persisted by this process.",
              static_cast<double>(m.blocks_finalized)},
             {"iost_txs_finalized_total", "counter",
              "Transactions finalized (IRREVERSIBLE) by this process.",
              static_cast<double>(m.txs_finalized)},
             {"iost_tps", "gauge",
              "Finalized transactions per second over the last 10 s of final blocks.",
              RecentTps(n)},
         }) {
        w.Metric(r.name, r.type, r.help, r.value);
    }
    {
        const auto& h = m.finalize_latency;
        w.Head("iost_finalize_latency_seconds", "histogram",
               "Transaction time to its final block being persisted here.");
        for (size_t i = 0; i < h.bounds_seconds.size() && i < h.cumulative.size(); ++i) {
            char le[64];
            std::snprintf(le, sizeof le, "le=\"%g\"", h.bounds_seconds[i]);
            w.Sample("iost_finalize_latency_seconds_bucket", le,
                     static_cast<double>(h.cumulative[i]));
        }
        w.Sample("iost_finalize_latency_seconds_bucket", "le=\"+Inf\"",
                 static_cast<double>(h.count));
        w.Sample("iost_finalize_latency_seconds_sum", "", h.sum_seconds);
        w.Sample("iost_finalize_latency_seconds_count", "", static_cast<double>(h.count));
    }
    for (const Row& r : std::initializer_list<Row>{
             {"iost_txs_packed_total", "counter",
              "Transactions seen in accepted micro-blocks (PACKED).",
              static_cast<double>(m.txs_packed)},
             {"iost_packed_txs", "gauge", "PACKED transactions not final yet.",
              static_cast<double>(m.packed_now)},
             {"iost_micro_blocks_produced_total", "counter", "Micro-blocks this node produced.",
              static_cast<double>(m.micro_blocks_produced)},
             {"iost_micro_blocks_seen_total", "counter", "Micro-blocks accepted from peers.",
              static_cast<double>(m.micro_blocks_seen)},
             {"iost_samples_checked_total", "counter",
              "Sampled transactions fully verified (phase 2).",
              static_cast<double>(m.samples_checked)},
             {"iost_fraud_proofs_total", "counter", "Fraud proofs made.",
              static_cast<double>(m.fraud_proofs)},
             {"iost_equivocations_total", "counter", "Equivocations seen.",
              static_cast<double>(m.equivocations)},
             {"iost_slashings_total", "counter", "Validators slashed.",
              static_cast<double>(m.slashings)},
             {"iost_audit_txs_verified_total", "counter",
              "Final transactions whose signatures the auditor verified (docs/pob.md 7.4).",
              static_cast<double>(m.audit_txs_verified)},
             {"iost_audit_txs_cached_total", "counter",
              "Final transactions the auditor skipped: verified here before (same bytes).",
              static_cast<double>(m.audit_txs_cached)},
             {"iost_audit_txs_not_assigned_total", "counter",
              "Final transactions the auditor skipped: assigned to other validators "
              "(docs/pob.md 7.4).",
              static_cast<double>(m.audit_txs_not_assigned)},
             {"iost_audit_frauds_total", "counter", "Fraud proofs the auditor made.",
              static_cast<double>(m.audit_frauds_found)},
             {"iost_audit_dropped_txs_total", "counter",
              "Final transactions not audited: the audit backlog was full.",
              static_cast<double>(m.audit_txs_dropped)},
             {"iost_audit_backlog_txs", "gauge", "Final transactions waiting for the auditor.",
              static_cast<double>(m.audit_backlog_txs)},
             {"iost_audit_lag_seconds", "gauge",
              "Finality to audited, for the last audited MicroBlock.", m.audit_last_lag_seconds},
             {"iost_audit_lag_max_seconds", "gauge", "Largest audit lag since start.",
              m.audit_max_lag_seconds},
             {"iost_view_changes_total", "counter", "PBFT view changes.",
              static_cast<double>(m.view_changes)},
             {"iost_proposals_rejected_total", "counter", "Final-block proposals rejected.",
              static_cast<double>(m.proposals_rejected)},
             {"iost_bad_messages_total", "counter",
              "Consensus messages refused as malformed or invalid.",
              static_cast<double>(m.bad_messages)},
             {"iost_mempool_txs", "gauge", "Transactions in the mempool.",
              static_cast<double>(m.mempool_txs)},
             {"iost_mempool_bytes", "gauge", "Bytes of transactions in the mempool.",
              static_cast<double>(m.mempool_bytes)},
             {"iost_mempool_admitted_total", "counter", "Transactions admitted to the mempool.",
              static_cast<double>(m.mempool_admitted)},
             {"iost_mempool_refused_total", "counter", "Transactions refused by the mempool.",
              static_cast<double>(m.mempool_refused)},
             {"iost_mempool_expired_total", "counter", "Transactions expired in the mempool.",
              static_cast<double>(m.mempool_expired)},
             {"iost_txs_forwarded_total", "counter",
              "Client transactions forwarded to their owner.",
              static_cast<double>(m.txs_forwarded)},
             {"iost_verify_backlog", "gauge",
              "Peer transactions waiting for signature verification.",
              static_cast<double>(m.verify_backlog)},
             {"iost_loop_backlog_bytes", "gauge",
              "Peer message bytes queued for the event loop (bounded).",
              static_cast<double>(m.loop_backlog_bytes)},
             {"iost_loop_messages_shed_total", "counter",
              "Peer messages shed because the event loop was too far behind.",
              static_cast<double>(m.loop_messages_shed)},
             {"iost_peers", "gauge", "Connected peers.", static_cast<double>(m.peers)},
             {"iost_syncing", "gauge", "1 while catching up with the network.",
              m.sync_state == node::SyncState::kSyncing ? 1.0 : 0.0},
             {"iost_sync_target_height", "gauge", "Highest final height a peer showed.",
              static_cast<double>(m.sync_target)},
             {"iost_blocks_synced_total", "counter", "Final blocks learnt through sync.",
              static_cast<double>(m.blocks_synced)},
             {"iost_bad_sync_peers_total", "counter", "Peers penalized for bad sync data.",
              static_cast<double>(m.bad_sync_peers)},
             {"iost_sync_pruned_asks_total", "counter",
              "Sync requests for blocks below this node's pruned floor (answered empty).",
              static_cast<double>(m.sync_pruned_asks)},
         }) {
        w.Metric(r.name, r.type, r.help, r.value);
    }

    HttpServer* server = ctx.server.load();
    const HttpServerStats hs = server ? server->stats() : HttpServerStats{};
    for (const Row& r : std::initializer_list<Row>{
             {"iost_http_connections_accepted_total", "counter", "HTTP connections accepted.",
              static_cast<double>(hs.connections_accepted)},
             {"iost_http_connections_rejected_total", "counter",
              "HTTP connections refused over the limit.",
              static_cast<double>(hs.connections_rejected)},
             {"iost_http_open_connections", "gauge", "Open HTTP connections.",
              static_cast<double>(hs.open_connections)},
             {"iost_http_requests_total", "counter", "HTTP requests answered.",
              static_cast<double>(hs.requests)},
             {"iost_http_responses_4xx_total", "counter", "HTTP 4xx answers.",
              static_cast<double>(hs.responses_4xx)},
             {"iost_http_responses_5xx_total", "counter", "HTTP 5xx answers.",
              static_cast<double>(hs.responses_5xx)},
             {"iost_http_timeouts_total", "counter", "HTTP connections cut by a deadline.",
              static_cast<double>(hs.timeouts)},
             {"iost_http_streams_dropped_total", "counter", "Subscribers dropped for being slow.",
              static_cast<double>(hs.streams_dropped)},
             {"iost_subscribers", "gauge", "Open /subscribe streams.",
              static_cast<double>(EventSubscribers(ctx))},
             {"iost_events_sent_total", "counter", "Events pushed to subscribers.",
              static_cast<double>(EventsSent(ctx))},
         }) {
        w.Metric(r.name, r.type, r.help, r.value);
    }
    w.Head("iost_api_requests_total", "counter", "API requests per endpoint.");
    for (const auto& c : ctx.counters) {
        w.Sample("iost_api_requests_total", "endpoint=\"" + Label(c->name) + "\"",
                 static_cast<double>(c->requests.load(std::memory_order_relaxed)));
    }
    w.Head("iost_api_errors_total", "counter",
           "API requests answered with an error, per endpoint.");
    for (const auto& c : ctx.counters) {
        w.Sample("iost_api_errors_total", "endpoint=\"" + Label(c->name) + "\"",
                 static_cast<double>(c->errors.load(std::memory_order_relaxed)));
    }
    w.Head("iost_api_handler_seconds_total", "counter",
           "Time spent in API handlers, per endpoint.");
    for (const auto& c : ctx.counters) {
        w.Sample("iost_api_handler_seconds_total", "endpoint=\"" + Label(c->name) + "\"",
                 static_cast<double>(c->micros.load(std::memory_order_relaxed)) / 1e6);
    }
    Response r = Response::Json(200, w.Take());
    r.content_type = "text/plain; version=0.0.4; charset=utf-8";
    return r;
}

}  // namespace

void RegisterMetricsApi(ApiContext& ctx) {
    ApiContext* c = &ctx;
    // Not counted (scrapes would count themselves) and HTTP-only (no ApiService method).
    ctx.endpoints.push_back(
        {"GET", "/metrics", "metrics", [c](const Request&) { return Metrics(*c); }});
}

}  // namespace iost::rpc
