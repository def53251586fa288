// Latency percentiles and the per-process resource samples iost-bench
// reports (docs/benchmarks.md): nearest-rank percentiles over milliseconds, and
// CPU time / resident memory of a process read from Linux's /proc.
// The /proc parsers take the file text so they are tested without a process.
// Thread contract: pure functions and value types.
#pragma once

#include <util/result.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace iost::loadgen {

struct LatencySummary {
    size_t count = 0;
    double mean_ms = 0, p50_ms = 0, p90_ms = 0, p99_ms = 0, max_ms = 0;
};

// Nearest-rank percentile (q in [0, 1]) of an ascending-sorted sample;
// 0 for an empty one.
double PercentileSorted(const std::vector<double>& sorted, double q);
// Sorts `ms` and summarizes it.
LatencySummary Summarize(std::vector<double> ms);

// One reading of a process's counters.
struct ProcSample {
    int64_t pid = 0;
    uint64_t utime_ticks = 0;  // user CPU, clock ticks (sysconf(_SC_CLK_TCK))
    uint64_t stime_ticks = 0;  // system CPU
    uint64_t rss_bytes = 0;    // VmRSS
    // VmHWM: the most resident memory the process has held since it started (its peak RSS),
    // so a step's peak is seen without sampling inside the step.
    uint64_t peak_rss_bytes = 0;
    double cpu_seconds() const;
};

// /proc/<pid>/stat: fields 14 and 15 (utime, stime). The command name in
// parentheses may itself hold spaces and ')' so parsing starts after the LAST ')'.
util::Result<ProcSample> ParseProcStat(std::string_view stat_text);
// /proc/<pid>/status: the "VmRSS:  1234 kB" line, in bytes.
util::Result<uint64_t> ParseVmRss(std::string_view status_text);
// /proc/<pid>/status: the "VmHWM:  1234 kB" line (peak RSS), in bytes.
util::Result<uint64_t> ParseVmHwm(std::string_view status_text);
// Reads both files of a live process.
util::Result<ProcSample> ReadProcSample(int64_t pid);

// User + system CPU seconds this process (every thread) has used so far.
double SelfCpuSeconds();

// Load averages from /proc/loadavg ("0.52 0.58 0.59 ..."), for the report.
util::Result<std::vector<double>> ReadLoadAverage();

}  // namespace iost::loadgen
