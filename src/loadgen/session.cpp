#include <fcntl.h>
#include <fmt/format.h>
#include <loadgen/ceiling.h>
#include <loadgen/physics.h>
#include <loadgen/session.h>
#include <loadgen/stats.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>

namespace iost::loadgen {
namespace {

std::vector<StepSpec> Steps(std::initializer_list<double> p2p, std::initializer_list<double> http,
                            double seconds, double drain) {
    std::vector<StepSpec> out;
    for (double r : p2p) out.push_back(StepSpec{r, seconds, SendPath::kP2p, drain, 8, false});
    for (double r : http) out.push_back(StepSpec{r, seconds, SendPath::kHttp, drain, 8, false});
    return out;
}

std::string Describe(const ScenarioSpec& s) {
    if (s.fallback)
        return fmt::format("PBFT fallback, one league of {} validators", s.believable + s.normal);
    return fmt::format("PoB {} believable + {} normal, p={}", s.believable, s.normal, s.sampling);
}

// Stops a devnet we started, on every path out of a scenario.
struct DevnetGuard {
    std::string bin, dir, log;
    bool armed = false;
    ~DevnetGuard() {
        if (armed) (void)RunProgram({bin, "stop", "--dir", dir}, log);
    }
};

void LogStep(const util::Logger& log, const std::string& name, const StepResult& res) {
    log.Info(
        "[{}]   finalized {}/{} -> {:.0f} tx/s, PACKED p50 {:.0f} ms, IRREVERSIBLE p50 {:.0f} / "
        "p99 {:.0f} ms, {:.2f} CPU s per 1k tx{}{}",
        name, res.finalized, res.offered, res.finalized_tps, res.packed_latency.p50_ms,
        res.final_latency.p50_ms, res.final_latency.p99_ms, res.cpu_s_per_1k_total,
        res.verdict.empty() ? "" : " -> ", res.verdict);
    if (!res.first_error.empty()) {
        log.Warn("[{}]   {} of {} sends failed, first: {}", name, res.send_errors, res.offered,
                 res.first_error);
    }
}

// What the observer saw so far: tells a network that stopped finalizing from an observer that
// stopped hearing about it.
void LogObserver(const util::Logger& log, const std::string& name, const Runner& r) {
    const TrackerCounters t = r.tracker_counters();
    const PeerCounters p = r.peer_counters();
    log.Info(
        "[{}]   observer: final height {}, blocks final by votes {} / by sync {}, proposals {}, "
        "commit votes {}, txs in final blocks {}, tx sends failed {}",
        name, t.final_height, t.blocks_final_by_votes, t.blocks_final_by_sync, t.proposals,
        t.commit_votes, t.final_txs_all, p.tx_send_failed);
}

// The ceiling search of one scenario (ceiling.h): measured steps go to `sr.steps` with their
// verdicts, the peak to `sr.peak_sustainable_tps`.
util::Status SearchCeiling(Runner& r, const ScenarioSpec& spec, const std::string& stamp,
                           const util::Logger& log, ScenarioResult& sr) {
    CeilingSearch search(spec.ceiling);
    while (auto rate = search.NextRate()) {
        const StepSpec st{*rate, spec.ceiling.seconds, SendPath::kP2p, spec.ceiling.drain_s, 8,
                          false};
        log.Info("[{}] ceiling step {}: P2P {} tx/s for {} s", spec.name, search.steps() + 1,
                 st.rate, st.seconds);
        auto res = r.RunStep(st, fmt::format("{}-c{}-{}", spec.name, search.steps(), stamp));
        if (!res) return util::ErrOf(res.error());
        const StepVerdict v = JudgeStep(*res, spec.ceiling);
        res->verdict = std::string(VerdictName(v));
        LogStep(log, spec.name, *res);
        LogObserver(log, spec.name, r);
        search.Record(*rate, v);
        if (v == StepVerdict::kSustained && res->finalized_tps > 0 &&
            *rate >= sr.peak_sustainable_tps) {
            sr.peak_sustainable_tps = *rate;
            sr.peak_step = sr.steps.size();
        }
        sr.steps.push_back(std::move(*res));
        if (v != StepVerdict::kSustained) {
            // Let the backlog of an overloaded step finish before the next one is measured.
            const size_t left = r.Settle(60'000);
            if (left > 0) log.Warn("[{}]   {} transactions never became final", spec.name, left);
        }
    }
    log.Info("[{}] peak sustainable rate: {:.0f} tx/s ({} steps)", spec.name,
             sr.peak_sustainable_tps, search.steps());
    return util::Ok();
}

}  // namespace

std::vector<ScenarioSpec> QuickPlan() {
    const auto steps = Steps({150, 400}, {200}, 4, 10);
    return {ScenarioSpec{"pob", false, 4, 4, "0.1", {}, steps},
            ScenarioSpec{"fallback", true, 4, 4, "0.1", {}, steps}};
}

std::vector<ScenarioSpec> FullPlan() {
    CeilingSpec ceiling;
    ceiling.enabled = true;
    const auto http = Steps({}, {200, 700}, 10, 30);
    std::vector<ScenarioSpec> plan{ScenarioSpec{"pob", false, 4, 4, "0.1", ceiling, http},
                                   ScenarioSpec{"fallback", true, 4, 4, "0.1", ceiling, http}};
    const auto one = Steps({300}, {}, 10, 30);
    for (const char* p : {"0.05", "0.25", "0.5", "1"}) {
        plan.push_back(ScenarioSpec{std::string("sweep-p") + p, false, 4, 4, p, {}, one});
    }
    for (uint32_t n : {7u, 10u}) {
        plan.push_back(ScenarioSpec{"sweep-n" + std::to_string(n), false, 4, n, "0.1", {}, one});
        plan.push_back(
            ScenarioSpec{"sweep-fallback" + std::to_string(4 + n), true, 4, n, "0.1", {}, one});
    }
    return plan;
}

std::vector<ScenarioSpec> OverloadPlan(double rate, double seconds, double pob_recovery,
                                       double fallback_recovery) {
    auto steps = [&](double recovery) {
        return std::vector<StepSpec>{StepSpec{rate, seconds, SendPath::kP2p, 30, 8, true},
                                     StepSpec{recovery, 10, SendPath::kP2p, 20, 8, false}};
    };
    return {ScenarioSpec{"pob", false, 4, 4, "0.1", {}, steps(pob_recovery), true},
            ScenarioSpec{"fallback", true, 4, 4, "0.1", {}, steps(fallback_recovery), true}};
}

void OverrideRates(std::vector<ScenarioSpec>& plan, const std::vector<double>& rates,
                   double seconds) {
    for (auto& s : plan) {
        std::vector<StepSpec> out;
        for (const auto& st : s.steps) {
            if (st.path == SendPath::kHttp) out.push_back(st);
        }
        std::vector<StepSpec> p2p;
        const double drain = s.steps.empty() ? 20 : s.steps.front().max_drain_s;
        for (double r : rates) p2p.push_back(StepSpec{r, seconds, SendPath::kP2p, drain, 8, false});
        p2p.insert(p2p.end(), out.begin(), out.end());
        s.steps = std::move(p2p);
        s.ceiling.enabled = false;
    }
}

util::Result<int> RunProgram(const std::vector<std::string>& argv, const std::string& log_path) {
    if (argv.empty()) return util::Err("RunProgram: no program");
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    const pid_t pid = fork();
    if (pid < 0) return util::Err("fork failed");
    if (pid == 0) {
        const int fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
            close(fd);
        }
        execv(args[0], args.data());
        _exit(127);
    }
    int status = 0;
    if (waitpid(pid, &status, 0) < 0) return util::Err("waitpid failed");
    if (WIFEXITED(status)) {
        if (WEXITSTATUS(status) == 127) return util::Err("cannot execute " + argv[0]);
        return WEXITSTATUS(status);
    }
    return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

util::Result<RunReport> RunSession(const SessionOptions& o) {
    namespace fs = std::filesystem;
    const auto wall0 = std::chrono::steady_clock::now();
    RunReport report;
    report.command = o.command;
    report.quick = o.quick;
    report.machine = ProbeMachine();
    std::error_code ec;
    fs::create_directories(o.out_dir, ec);
    if (ec) return util::Err("cannot create " + o.out_dir + ": " + ec.message());
    const std::string work = o.work_dir.empty() ? o.out_dir + "/devnets" : o.work_dir;
    fs::create_directories(work, ec);
    if (ec) return util::Err("cannot create " + work + ": " + ec.message());

    o.log.Info("measuring Ed25519 verification rate for {} s", o.verify_seconds);
    report.verify = MeasureVerifyRate(o.verify_seconds);
    o.log.Info("Ed25519: {:.0f} verifications/s on one core", report.verify.per_second);

    std::vector<ScenarioSpec> plan = o.scenarios;
    if (!o.devnet_file.empty()) {
        // One scenario: the running network, whatever its shape.
        ScenarioSpec s = plan.empty() ? QuickPlan().front() : plan.front();
        s.name = "devnet";
        plan = {s};
    }
    size_t failures = 0;
    for (size_t k = 0; k < plan.size(); ++k) {
        const ScenarioSpec& spec = plan[k];
        ScenarioResult sr;
        sr.name = spec.name;
        sr.protocol = spec.fallback ? "fallback" : "pob";
        sr.believable = spec.believable;
        sr.normal = spec.normal;
        sr.sampling = std::stod(spec.sampling);
        sr.description = Describe(spec);
        sr.memory_table = spec.memory_table;
        DevnetGuard guard;
        std::string devnet_file = o.devnet_file;
        if (devnet_file.empty()) {
            const std::string dir = fs::absolute(work + "/" + spec.name).string();
            fs::create_directories(dir, ec);
            const std::string log = work + "/" + spec.name + ".devnet.log";
            const std::string host = fmt::format("{}.{}.1", o.host_prefix, k + 1);
            std::vector<std::string> argv{o.devnet_bin,
                                          "start",
                                          "--dir",
                                          dir,
                                          "--reset",
                                          "--host",
                                          host,
                                          "--believable",
                                          std::to_string(spec.believable),
                                          "--normal",
                                          std::to_string(spec.normal),
                                          "--sampling",
                                          spec.sampling};
            if (spec.fallback) argv.push_back("--fallback");
            if (o.micro_interval_ms > 0) {
                argv.push_back("--micro-interval-ms");
                argv.push_back(std::to_string(o.micro_interval_ms));
            }
            if (o.final_interval_ms > 0) {
                argv.push_back("--final-interval-ms");
                argv.push_back(std::to_string(o.final_interval_ms));
            }
            o.log.Info("[{}] starting devnet: {}", spec.name, sr.description);
            guard = DevnetGuard{o.devnet_bin, dir, log, true};
            auto rc = RunProgram(argv, log);
            if (!rc || *rc != 0) {
                sr.error = "iost-devnet start failed (" +
                           (rc ? "exit " + std::to_string(*rc) : rc.error().message) + "), see " +
                           log;
                o.log.Error("[{}] {}", spec.name, sr.error);
                report.scenarios.push_back(std::move(sr));
                ++failures;
                continue;
            }
            devnet_file = dir + "/devnet.json";
        }
        RunnerOptions ro;
        ro.devnet_file = devnet_file;
        ro.senders = o.senders;
        ro.log = o.log.WithCategory(spec.name);
        auto runner = Runner::Connect(ro);
        if (runner) {
            // What actually runs decides the physics, not what was asked for.
            auto& r = **runner;
            if (r.fallback()) {
                sr.protocol = "fallback";
                sr.verifications_per_tx = FallbackVerificationsPerTx(r.normal_group());
            } else {
                sr.protocol = "pob";
                sr.normal = r.genesis().pob.normal_size;
                sr.believable = r.genesis().pob.believable_size;
                sr.sampling = r.genesis().pob.sampling_probability_ppm / 1e6;
                sr.verifications_per_tx = PobVerificationsPerTx(sr.sampling, sr.normal);
            }
            ScenarioSpec actual = spec;
            actual.fallback = r.fallback();
            actual.believable = r.fallback() ? 0 : r.genesis().pob.believable_size;
            actual.normal = r.fallback() ? static_cast<uint32_t>(r.normal_group())
                                         : r.genesis().pob.normal_size;
            actual.sampling = fmt::format("{}", sr.sampling);
            sr.description = Describe(actual);
            sr.implied_tps_limit = ImpliedTpsLimit(report.verify.per_second, report.machine.cores,
                                                   sr.verifications_per_tx);
            auto prep = r.Prepare(60'000);
            if (!prep) {
                sr.error = "prepare: " + prep.error().message;
            } else {
                if (spec.ceiling.enabled) {
                    if (auto st = SearchCeiling(r, spec, report.machine.started_utc, o.log, sr);
                        !st)
                        sr.error = st.error().message;
                }
                for (size_t i = 0; i < spec.steps.size() && sr.error.empty(); ++i) {
                    const auto& st = spec.steps[i];
                    o.log.Info("[{}] step {}: {} {} tx/s for {} s", spec.name, i + 1,
                               PathName(st.path), st.rate, st.seconds);
                    auto res = r.RunStep(
                        st, fmt::format("{}-{}-{}", spec.name, i, report.machine.started_utc));
                    if (!res) {
                        sr.error = res.error().message;
                        break;
                    }
                    LogStep(o.log, spec.name, *res);
                    LogObserver(o.log, spec.name, r);
                    sr.steps.push_back(std::move(*res));
                    // As after a failed ceiling step: the next step must not be measured
                    // behind this one's backlog.
                    if (st.settle_after || sr.steps.back().finalized < sr.steps.back().sent) {
                        const size_t left =
                            st.settle_after ? r.Settle(180'000, 20'000) : r.Settle(90'000);
                        if (left > 0)
                            o.log.Info("[{}]   {} transactions were not final after settling",
                                       spec.name, left);
                    }
                }
            }
        } else {
            sr.error = runner.error().message;
        }
        if (!sr.error.empty()) {
            ++failures;
            o.log.Error("[{}] {}", spec.name, sr.error);
        }
        report.scenarios.push_back(std::move(sr));
    }
    if (auto l = ReadLoadAverage()) {
        for (int i = 0; i < 3; ++i) report.machine.load_after[i] = (*l)[static_cast<size_t>(i)];
    }
    report.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();

    std::string stamp = report.machine.started_utc;
    for (char& c : stamp) c = (c == ' ' || c == ':') ? '-' : c;
    const std::string json = ReportToJson(report), md = ReportToMarkdown(report);
    IOST_TRY(WriteText(o.out_dir + "/bench-" + stamp + ".json", json));
    IOST_TRY(WriteText(o.out_dir + "/bench-" + stamp + ".md", md));
    IOST_TRY(WriteText(o.out_dir + "/latest.json", json));
    IOST_TRY(WriteText(o.out_dir + "/latest.md", md));
    for (const auto& s : report.scenarios)
        IOST_TRY(WriteText(o.out_dir + "/" + s.name + ".dat", PlotData(s)));
    if (failures > 0)
        return util::Err(std::to_string(failures) + " scenario(s) failed; see the report");
    return report;
}

}  // namespace iost::loadgen
