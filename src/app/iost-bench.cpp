// iost-bench: the PoB-against-PBFT benchmark (docs/benchmarks.md, docs/benchmarks.md).
// Starts each scenario's devnet with iost-devnet (or uses --devnet FILE),
// offers pre-signed transfers open loop at stepped rates over P2P and
// HTTP, and writes <out>/bench-<utc>.json and .md (also latest.*) plus
// gnuplot data files. Exit status: 0 all scenarios ran, 1 one failed
// (the report is still written), 2 bad options.
#include <loadgen/session.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>
#include <sstream>

namespace {

std::string SelfDir() {
    std::error_code ec;
    auto p = std::filesystem::read_symlink("/proc/self/exe", ec);
    return ec ? std::string(".") : p.parent_path().string();
}

}  // namespace

int main(int argc, char** argv) {
    using namespace iost::loadgen;
    CLI::App app{
        "iost-bench: Proof of Believability against its one-league PBFT fallback, measured"};
    SessionOptions o;
    std::string devnet_bin;
    std::vector<double> rates;
    double step_seconds = 0;
    bool no_sweep = false;
    double ceiling_start = 0;
    int ceiling_steps = 0;
    std::vector<std::string> only;
    std::string log_level = "info";
    bool overload = false;
    double overload_rate = 4000, overload_seconds = 60, recovery_rate = 0;
    app.add_flag("--quick", o.quick, "the under-two-minutes plan (make bench-quick)");
    app.add_option("--out", o.out_dir, "directory for the JSON/Markdown reports and plot data")
        ->capture_default_str();
    app.add_option("--work", o.work_dir, "directory for the devnets (default <out>/devnets)");
    app.add_option("--devnet", o.devnet_file,
                   "use this running devnet (DIR/devnet.json) instead of starting ones");
    app.add_option("--devnet-bin", devnet_bin,
                   "the iost-devnet executable (default: next to iost-bench)");
    app.add_option("--host-prefix", o.host_prefix, "scenario k binds <prefix>.<k+1>.1..")
        ->capture_default_str();
    app.add_option("--senders", o.senders, "sender accounts (publishers)")
        ->capture_default_str()
        ->check(CLI::Range(1, 5000));
    app.add_option("--micro-interval-ms", o.micro_interval_ms,
                   "the devnets' MicroBlock spacing (iost-devnet --micro-interval-ms)")
        ->check(CLI::Range(10, 60'000));
    app.add_option("--final-interval-ms", o.final_interval_ms,
                   "the devnets' FinalBlock interval (iost-devnet --final-interval-ms)")
        ->check(CLI::Range(10, 60'000));
    app.add_option("--rates", rates,
                   "P2P offered rates (tx/s) for every scenario, e.g. --rates 100,300")
        ->delimiter(',')
        ->check(CLI::Range(1.0, 100000.0));
    app.add_option("--step-seconds", step_seconds, "sending window of each --rates step")
        ->check(CLI::Range(0.5, 600.0));
    app.add_option("--only", only, "run only these scenarios (pob, fallback, sweep-p0.25, ...)")
        ->delimiter(',');
    app.add_option("--ceiling-start", ceiling_start,
                   "first offered rate (tx/s) of the full plan's ceiling search")
        ->check(CLI::Range(1.0, 100000.0));
    app.add_option("--ceiling-steps", ceiling_steps,
                   "at most this many measured steps per ceiling search")
        ->check(CLI::Range(1, 50));
    app.add_flag("--overload", overload,
                 "the overload plan: PoB and the fallback at --overload-rate for "
                 "--overload-seconds, then a recovery step; reports every node's RSS and peak");
    app.add_option("--overload-rate", overload_rate, "offered tx/s of the overload step")
        ->capture_default_str()
        ->check(CLI::Range(1.0, 100000.0));
    app.add_option("--overload-seconds", overload_seconds, "sending window of the overload step")
        ->capture_default_str()
        ->check(CLI::Range(1.0, 600.0));
    app.add_option("--recovery-rate", recovery_rate,
                   "offered tx/s of the step after the overload (default: 1000 for PoB, 400 for "
                   "the fallback, below their measured peaks)")
        ->check(CLI::Range(1.0, 100000.0));
    app.add_flag("--no-sweep", no_sweep, "skip the p and N sweeps of the full plan");
    app.add_option("--verify-seconds", o.verify_seconds, "time spent measuring Ed25519 verify")
        ->check(CLI::Range(0.1, 60.0));
    app.add_option("--log-level", log_level, "trace|debug|info|warn|error")->capture_default_str();
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int rc = app.exit(e);  // prints help or the error
        return rc == 0 ? 0 : 2;      // one exit status for every bad option
    }

    iost::util::LogLevel level;
    if (!iost::util::ParseLogLevel(log_level, &level)) {
        std::cerr << "--log-level: unknown level '" << log_level << "'\n";
        return 2;
    }
    o.log = iost::util::Logger::Stderr("bench", level);
    std::ostringstream cmd;
    for (int i = 0; i < argc; ++i) cmd << (i ? " " : "") << argv[i];
    o.command = cmd.str();
    o.devnet_bin = devnet_bin.empty() ? SelfDir() + "/iost-devnet" : devnet_bin;
    if (o.devnet_file.empty() && access(o.devnet_bin.c_str(), X_OK) != 0) {
        std::cerr << "iost-devnet not found at " << o.devnet_bin
                  << " (build it, or pass --devnet-bin or --devnet)\n";
        return 2;
    }
    if (overload && o.quick) {
        std::cerr << "--overload and --quick are different plans: pick one\n";
        return 2;
    }
    o.scenarios = overload ? OverloadPlan(overload_rate, overload_seconds,
                                          recovery_rate > 0 ? recovery_rate : 1000,
                                          recovery_rate > 0 ? recovery_rate : 400)
                           : (o.quick ? QuickPlan() : FullPlan());
    if (o.quick) o.verify_seconds = std::min(o.verify_seconds, 1.0);
    if (no_sweep) {
        std::erase_if(o.scenarios,
                      [](const ScenarioSpec& s) { return s.name.rfind("sweep", 0) == 0; });
    }
    if (!only.empty()) {
        std::erase_if(o.scenarios, [&](const ScenarioSpec& s) {
            return std::find(only.begin(), only.end(), s.name) == only.end();
        });
        if (o.scenarios.empty()) {
            std::cerr << "--only: no scenario of this plan has those names\n";
            return 2;
        }
    }
    for (auto& s : o.scenarios) {
        if (ceiling_start > 0) s.ceiling.start_rate = ceiling_start;
        if (ceiling_steps > 0) s.ceiling.max_steps = ceiling_steps;
    }
    if (!rates.empty())
        OverrideRates(o.scenarios, rates, step_seconds > 0 ? step_seconds : (o.quick ? 4 : 10));
    auto r = RunSession(o);
    if (!r) {
        std::cerr << "iost-bench: " << r.error().message << "\n";
        return 1;
    }
    std::cout << ReportToMarkdown(*r);
    std::cout << "\nwritten to " << o.out_dir << "/latest.json and latest.md\n";
    return 0;
}
