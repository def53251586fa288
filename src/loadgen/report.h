// The benchmark's output: one JSON document per run (every step of every
// scenario with its latencies, throughput, CPU and memory per node, the
// machine and the verification physics) and a Markdown rendering of the
// same numbers for docs/benchmarks.md, plus the whitespace-separated data
// files scripts/bench-plot.sh feeds to gnuplot.
// Thread contract: pure functions (WriteText writes one file).
#pragma once

#include <loadgen/physics.h>
#include <loadgen/runner.h>
#include <util/result.h>

#include <string>
#include <vector>

namespace iost::loadgen {

struct ScenarioResult {
    std::string name;         // "pob", "fallback", "sweep-p0.25", ...
    std::string description;  // "PoB 4 believable + 4 normal, p=0.1"
    std::string protocol;     // "pob" | "fallback"
    size_t believable = 0, normal = 0;
    double sampling = 0;
    double verifications_per_tx = 0;  // from the protocol (physics.h)
    double implied_tps_limit = 0;
    std::vector<StepResult> steps;
    // The ceiling search's result (0 when the scenario had none or nothing was sustained) and
    // the index in `steps` of the step that sustained it.
    double peak_sustainable_tps = 0;
    size_t peak_step = 0;
    std::string error;          // non-empty: the scenario failed with this message
    bool memory_table = false;  // the Markdown report lists every node's RSS per step
    // Best finalized TPS of any step, and that as a fraction of the limit.
    double best_tps() const;
};

struct MachineInfo {
    std::string cpu_model;
    unsigned cores = 0;
    double load_before[3] = {0, 0, 0};
    double load_after[3] = {0, 0, 0};
    std::string started_utc;
};

struct RunReport {
    std::string command;
    bool quick = false;
    MachineInfo machine;
    VerifyRate verify;
    std::vector<ScenarioResult> scenarios;
    double wall_s = 0;
};

std::string ReportToJson(const RunReport& r);
std::string ReportToMarkdown(const RunReport& r);
// One line per step: "offered finalized_tps packed_p50 packed_p99 final_p50 final_p99" for a
// scenario.
std::string PlotData(const ScenarioResult& s);
util::Status WriteText(const std::string& path, const std::string& text);
// "model name" from /proc/cpuinfo and the online core count.
MachineInfo ProbeMachine();

}  // namespace iost::loadgen
