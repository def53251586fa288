// A whole iost-bench run (docs/benchmarks.md, issue #7): measure the Ed25519
// verification rate, then for each scenario start a fresh devnet of
// separate iserver processes with the `iost-devnet` CLI (the devnet
// contract: start --dir --reset --host --believable --normal --sampling
// [--fallback]), run its load steps with a Runner, and stop it again
// whatever happened; or run the steps once against a devnet that is
// already running (--devnet FILE). The plans are data (QuickPlan/FullPlan)
// so the smoke test and docs/benchmarks.md name exactly what ran.
// Thread contract: RunSession is called from one thread.
#pragma once

#include <loadgen/ceiling.h>
#include <loadgen/report.h>
#include <loadgen/runner.h>
#include <util/log.h>
#include <util/result.h>

#include <functional>
#include <string>
#include <vector>

namespace iost::loadgen {

struct ScenarioSpec {
    std::string name;  // also the devnet directory name under the work dir
    bool fallback = false;
    uint32_t believable = 4, normal = 4;
    std::string sampling = "0.1";
    CeilingSpec ceiling;          // enabled: search the peak over P2P before `steps`
    std::vector<StepSpec> steps;  // fixed steps (HTTP, sweeps, the quick plan)
    // Report every node's RSS before, after each step and its peak (the overload plan).
    bool memory_table = false;
};

struct SessionOptions {
    std::string command;  // for the report
    bool quick = false;
    std::string out_dir = "bench-results";
    std::string work_dir;                // devnet dirs; default <out_dir>/devnets
    std::string devnet_file;             // non-empty: use this running devnet, start nothing
    std::string devnet_bin;              // the iost-devnet executable
    std::string host_prefix = "127.42";  // scenario k's devnet binds <prefix>.<k+1>.1 ...
    std::vector<ScenarioSpec> scenarios;
    size_t senders = 64;
    // Passed to `iost-devnet start` when non-zero (docs/benchmarks.md "Latency"):
    // the protocol intervals of every devnet this session starts.
    uint32_t micro_interval_ms = 0;
    uint32_t final_interval_ms = 0;
    double verify_seconds = 2;
    util::Logger log = util::Logger::Null();
};

// The under-two-minutes plan: PoB and its fallback, three short steps each.
std::vector<ScenarioSpec> QuickPlan();
// The full plan: PoB and fallback each search their peak sustainable rate
// over P2P (CeilingSearch), then two HTTP steps; then the sweeps over p and
// over N (one steady step each).
std::vector<ScenarioSpec> FullPlan();
// The overload plan (docs/benchmarks.md "Overload"): PoB and the fallback each
// take `rate` tx/s over P2P for `seconds` (far above their peaks), settle, then
// one `*_recovery` tx/s step for 10 s shows whether the chain finalizes at its
// normal rate again; the report adds every node's RSS and peak RSS.
std::vector<ScenarioSpec> OverloadPlan(double rate, double seconds, double pob_recovery,
                                       double fallback_recovery);
// Replaces every scenario's P2P rates by `rates` (the --rates option); this
// turns the ceiling search off.
void OverrideRates(std::vector<ScenarioSpec>& plan, const std::vector<double>& rates,
                   double seconds);

// Runs the plan and writes <out>/bench-<utc>.json, .md, <scenario>.dat and
// copies as latest.json / latest.md. Scenario failures are recorded in the
// report (and make the result an error after everything is written).
util::Result<RunReport> RunSession(const SessionOptions& o);

// Runs argv[0] with arguments, output appended to `log_path`; returns its
// exit status (or an error if it could not be started).
util::Result<int> RunProgram(const std::vector<std::string>& argv, const std::string& log_path);

}  // namespace iost::loadgen
