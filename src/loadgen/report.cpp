#include <fmt/format.h>
#include <loadgen/report.h>
#include <loadgen/stats.h>

#include <ctime>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

namespace iost::loadgen {
namespace {

using nlohmann::json;

json LatencyJson(const LatencySummary& s) {
    return {{"count", s.count},   {"mean_ms", s.mean_ms}, {"p50_ms", s.p50_ms},
            {"p90_ms", s.p90_ms}, {"p99_ms", s.p99_ms},   {"max_ms", s.max_ms}};
}

// Mean over nodes of one role of the per-1k CPU.
double RoleCpu(const StepResult& s, const std::string& role) {
    double sum = 0;
    int n = 0;
    for (const auto& u : s.nodes) {
        if (u.role == role) {
            sum += u.cpu_s_per_1k;
            ++n;
        }
    }
    return n ? sum / n : 0;
}

double MaxRss(const StepResult& s) {
    double m = 0;
    for (const auto& u : s.nodes) m = std::max(m, u.rss_mib);
    return m;
}

json StepJson(const StepResult& s) {
    json nodes = json::array();
    for (const auto& n : s.nodes) {
        nodes.push_back({{"name", n.name},
                         {"role", n.role},
                         {"cpu_s", n.cpu_s},
                         {"cpu_s_per_1k_tx", n.cpu_s_per_1k},
                         {"rss_before_mib", n.rss_before_mib},
                         {"rss_mib", n.rss_mib},
                         {"peak_rss_mib", n.peak_rss_mib}});
    }
    return {{"path", std::string(PathName(s.spec.path))},
            {"offered_tps", s.spec.rate},
            {"seconds", s.spec.seconds},
            {"offered", s.offered},
            {"sent", s.sent},
            {"send_errors", s.send_errors},
            {"first_error", s.first_error},
            {"packed", s.packed},
            {"finalized", s.finalized},
            {"send_window_s", s.send_window_s},
            {"max_send_lag_ms", s.max_send_lag_ms},
            {"elapsed_s", s.elapsed_s},
            {"finalized_tps", s.finalized_tps},
            {"packed_latency", LatencyJson(s.packed_latency)},
            {"irreversible_latency", LatencyJson(s.final_latency)},
            {"cpu_s_per_1k_tx_all_nodes", s.cpu_s_per_1k_total},
            {"cpu_s_per_1k_tx_by_role",
             {{"believable", RoleCpu(s, "believable")},
              {"normal", RoleCpu(s, "normal")},
              {"observer", RoleCpu(s, "observer")}}},
            {"loadgen_cpu_s", s.loadgen_cpu_s},
            {"loadgen_cpu_share", s.loadgen_cpu_share},
            {"verdict", s.verdict},
            {"nodes", nodes},
            {"wall_s", s.wall_s}};
}

std::string F(double v, int prec = 0) { return fmt::format("{:.{}f}", v, prec); }

// Every node's RSS (MiB) before the first step, after each step, and its peak (VmHWM) at the
// end: the memory bound under overload is read from this table.
std::string MemoryTable(const ScenarioResult& s) {
    std::ostringstream o;
    o << "\nRSS per node, MiB: before the first step, after each step (offered tx/s), peak "
         "(VmHWM)\n\n| node | role | before |";
    for (const auto& st : s.steps) o << " after " << F(st.spec.rate) << " tx/s |";
    o << " peak |\n|---|---|---|";
    for (size_t i = 0; i < s.steps.size(); ++i) o << "---|";
    o << "---|\n";
    const auto& first = s.steps.front().nodes;
    for (size_t n = 0; n < first.size(); ++n) {
        o << "| " << first[n].name << " | " << first[n].role << " | " << F(first[n].rss_before_mib)
          << " |";
        double peak = 0;
        for (const auto& st : s.steps) {
            if (n < st.nodes.size()) {
                o << " " << F(st.nodes[n].rss_mib) << " |";
                peak = std::max(peak, st.nodes[n].peak_rss_mib);
            } else {
                o << " - |";
            }
        }
        o << " " << F(peak) << " |\n";
    }
    return o.str();
}

}  // namespace

double ScenarioResult::best_tps() const {
    double best = 0;
    for (const auto& s : steps) best = std::max(best, s.finalized_tps);
    return best;
}

std::string ReportToJson(const RunReport& r) {
    json scen = json::array();
    for (const auto& s : r.scenarios) {
        json steps = json::array();
        for (const auto& st : s.steps) steps.push_back(StepJson(st));
        scen.push_back({{"name", s.name},
                        {"description", s.description},
                        {"protocol", s.protocol},
                        {"believable", s.believable},
                        {"normal", s.normal},
                        {"sampling", s.sampling},
                        {"verifications_per_tx", s.verifications_per_tx},
                        {"implied_tps_limit", s.implied_tps_limit},
                        {"best_finalized_tps", s.best_tps()},
                        {"peak_sustainable_tps", s.peak_sustainable_tps},
                        {"peak_step", s.peak_sustainable_tps > 0 ? json(s.peak_step) : json()},
                        {"fraction_of_limit",
                         s.implied_tps_limit > 0 ? s.best_tps() / s.implied_tps_limit : 0},
                        {"error", s.error},
                        {"steps", steps}});
    }
    json j = {{"command", r.command},
              {"quick", r.quick},
              {"machine",
               {{"cpu_model", r.machine.cpu_model},
                {"cores", r.machine.cores},
                {"load_before",
                 {r.machine.load_before[0], r.machine.load_before[1], r.machine.load_before[2]}},
                {"load_after",
                 {r.machine.load_after[0], r.machine.load_after[1], r.machine.load_after[2]}},
                {"started_utc", r.machine.started_utc}}},
              {"ed25519_verify",
               {{"per_second_one_core", r.verify.per_second},
                {"us_per_verify", r.verify.us_per_verify},
                {"per_wall_second", r.verify.per_wall_second},
                {"cpu_seconds", r.verify.cpu_seconds},
                {"verifications", r.verify.verifications},
                {"seconds", r.verify.seconds}}},
              {"scenarios", scen},
              {"wall_s", r.wall_s}};
    return j.dump(2) + "\n";
}

std::string ReportToMarkdown(const RunReport& r) {
    std::ostringstream o;
    o << "Run: `" << r.command << "` at " << r.machine.started_utc << " UTC, " << F(r.wall_s)
      << " s wall; " << r.machine.cpu_model << ", " << r.machine.cores
      << " cores; load average before " << F(r.machine.load_before[0], 2) << " / after "
      << F(r.machine.load_after[0], 2) << ".\n\n";
    o << "Ed25519 verification, one core, in-process `crypto::Verify`: **" << F(r.verify.per_second)
      << " per CPU-second** (" << F(r.verify.us_per_verify, 1) << " µs of CPU each; "
      << F(r.verify.per_wall_second) << " per wall-clock second on this machine at this load).\n\n";
    o << "| scenario | verifications per tx | implied limit (tx/s, " << r.machine.cores
      << " cores) | best finalized tx/s | fraction of limit | peak sustainable tx/s | at the "
         "peak: CPU s per 1k tx (all / believable / normal) | loadgen CPU share |\n"
         "|---|---|---|---|---|---|---|---|\n";
    for (const auto& s : r.scenarios) {
        o << "| " << s.description << " | " << F(s.verifications_per_tx, 2) << " | "
          << F(s.implied_tps_limit) << " | " << F(s.best_tps()) << " | "
          << (s.implied_tps_limit > 0 ? F(100.0 * s.best_tps() / s.implied_tps_limit, 1) + " %"
                                      : "-")
          << " | ";
        if (s.peak_sustainable_tps > 0 && s.peak_step < s.steps.size()) {
            const auto& p = s.steps[s.peak_step];
            o << F(s.peak_sustainable_tps) << " | " << F(p.cpu_s_per_1k_total, 2) << " / "
              << F(RoleCpu(p, "believable"), 2) << " / " << F(RoleCpu(p, "normal"), 2) << " | "
              << F(100.0 * p.loadgen_cpu_share, 0) << " % |\n";
        } else {
            o << "- | - | - |\n";
        }
    }
    for (const auto& s : r.scenarios) {
        o << "\n**" << s.description << "**";
        if (!s.error.empty()) o << " — failed: " << s.error;
        o << "\n\n| path | offered tx/s | sent | finalized | finalized tx/s | PACKED p50 / p99 ms "
             "| "
             "IRREVERSIBLE p50 / p99 ms | CPU s per 1k tx, all nodes | per believable | per normal "
             "| max RSS MiB | loadgen CPU share | verdict |\n"
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|\n";
        for (const auto& st : s.steps) {
            o << "| " << PathName(st.spec.path) << " | " << F(st.spec.rate) << " | " << st.sent
              << " | " << st.finalized << " | " << F(st.finalized_tps) << " | "
              << F(st.packed_latency.p50_ms) << " / " << F(st.packed_latency.p99_ms) << " | "
              << F(st.final_latency.p50_ms) << " / " << F(st.final_latency.p99_ms) << " | "
              << F(st.cpu_s_per_1k_total, 2) << " | " << F(RoleCpu(st, "believable"), 2) << " | "
              << F(RoleCpu(st, "normal"), 2) << " | " << F(MaxRss(st)) << " | "
              << F(100.0 * st.loadgen_cpu_share, 0) << " % | "
              << (st.verdict.empty() ? "-" : st.verdict) << " |\n";
        }
        if (s.memory_table && !s.steps.empty()) o << MemoryTable(s);
    }
    return o.str();
}

std::string PlotData(const ScenarioResult& s) {
    std::ostringstream o;
    o << "# offered finalized_tps packed_p50 packed_p99 final_p50 final_p99 path\n";
    for (const auto& st : s.steps) {
        o << F(st.spec.rate) << ' ' << F(st.finalized_tps, 1) << ' '
          << F(st.packed_latency.p50_ms, 1) << ' ' << F(st.packed_latency.p99_ms, 1) << ' '
          << F(st.final_latency.p50_ms, 1) << ' ' << F(st.final_latency.p99_ms, 1) << ' '
          << PathName(st.spec.path) << '\n';
    }
    return o.str();
}

util::Status WriteText(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::trunc);
    if (!out) return util::Err("cannot write " + path);
    out << text;
    if (!out.flush()) return util::Err("write failed: " + path);
    return util::Ok();
}

MachineInfo ProbeMachine() {
    MachineInfo m;
    std::ifstream in("/proc/cpuinfo");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("model name", 0) == 0) {
            const auto colon = line.find(':');
            if (colon != std::string::npos) m.cpu_model = line.substr(colon + 2);
            break;
        }
    }
    m.cores = std::thread::hardware_concurrency();
    if (auto l = ReadLoadAverage()) {
        for (int i = 0; i < 3; ++i) m.load_before[i] = (*l)[static_cast<size_t>(i)];
    }
    const std::time_t t = std::time(nullptr);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", std::gmtime(&t));
    m.started_utc = buf;
    return m;
}

}  // namespace iost::loadgen
