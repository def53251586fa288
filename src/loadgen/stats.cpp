#include <fmt/format.h>
#include <loadgen/stats.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

namespace iost::loadgen {
namespace {

util::Result<std::string> ReadWhole(const std::string& path) {
    std::ifstream in(path);
    if (!in) return util::Err("cannot read " + path);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

bool ParseU64(std::string_view s, uint64_t* out) {
    if (s.empty() || s.size() > 20) return false;
    uint64_t v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return false;
        const uint64_t d = static_cast<uint64_t>(c - '0');
        if (v > (UINT64_MAX - d) / 10) return false;
        v = v * 10 + d;
    }
    *out = v;
    return true;
}

}  // namespace

double PercentileSorted(const std::vector<double>& sorted, double q) {
    if (sorted.empty()) return 0;
    q = std::clamp(q, 0.0, 1.0);
    // Nearest rank: the smallest value with at least q of the sample at or below it.
    size_t rank = static_cast<size_t>(std::ceil(q * static_cast<double>(sorted.size())));
    if (rank == 0) rank = 1;
    return sorted[rank - 1];
}

LatencySummary Summarize(std::vector<double> ms) {
    LatencySummary s;
    if (ms.empty()) return s;
    std::sort(ms.begin(), ms.end());
    s.count = ms.size();
    double sum = 0;
    for (double v : ms) sum += v;
    s.mean_ms = sum / static_cast<double>(ms.size());
    s.p50_ms = PercentileSorted(ms, 0.50);
    s.p90_ms = PercentileSorted(ms, 0.90);
    s.p99_ms = PercentileSorted(ms, 0.99);
    s.max_ms = ms.back();
    return s;
}

double ProcSample::cpu_seconds() const {
    static const long ticks = sysconf(_SC_CLK_TCK);
    return static_cast<double>(utime_ticks + stime_ticks) /
           static_cast<double>(ticks > 0 ? ticks : 100);
}

util::Result<ProcSample> ParseProcStat(std::string_view text) {
    const size_t close = text.rfind(')');
    const size_t open = text.find('(');
    if (close == std::string_view::npos || open == std::string_view::npos || open > close) {
        return util::Err("/proc stat: no command name in parentheses");
    }
    ProcSample s;
    uint64_t pid = 0;
    if (open == 0 || !ParseU64(text.substr(0, open - 1), &pid))
        return util::Err("/proc stat: bad pid field");
    s.pid = static_cast<int64_t>(pid);
    // After ") ": field 3 (state) is index 0, so utime (field 14) is index 11.
    std::vector<std::string_view> fields;
    size_t i = close + 1;
    while (i < text.size() && fields.size() < 13) {
        while (i < text.size() && (text[i] == ' ' || text[i] == '\n')) ++i;
        const size_t start = i;
        while (i < text.size() && text[i] != ' ' && text[i] != '\n') ++i;
        if (i > start) fields.push_back(text.substr(start, i - start));
    }
    if (fields.size() < 13) return util::Err("/proc stat: too few fields");
    if (!ParseU64(fields[11], &s.utime_ticks) || !ParseU64(fields[12], &s.stime_ticks)) {
        return util::Err("/proc stat: utime/stime are not numbers");
    }
    return s;
}

namespace {

// The "<key>:  1234 kB" line of /proc/<pid>/status, in bytes.
util::Result<uint64_t> ParseStatusKb(std::string_view text, std::string_view key) {
    const std::string prefix = std::string(key) + ":";
    size_t pos = 0;
    while (pos < text.size()) {
        size_t end = text.find('\n', pos);
        if (end == std::string_view::npos) end = text.size();
        std::string_view line = text.substr(pos, end - pos);
        pos = end + 1;
        if (line.rfind(prefix, 0) != 0) continue;
        line.remove_prefix(prefix.size());
        while (!line.empty() && (line.front() == ' ' || line.front() == '\t'))
            line.remove_prefix(1);
        const size_t sp = line.find(' ');
        if (sp == std::string_view::npos || line.substr(sp + 1) != "kB") {
            return util::Err(fmt::format("/proc status: {} is not '<n> kB'", key));
        }
        uint64_t kb = 0;
        if (!ParseU64(line.substr(0, sp), &kb))
            return util::Err(fmt::format("/proc status: {} is not a number", key));
        return kb * 1024;
    }
    return util::Err(fmt::format("/proc status: no {} line (kernel thread or zombie?)", key));
}

}  // namespace

util::Result<uint64_t> ParseVmRss(std::string_view text) { return ParseStatusKb(text, "VmRSS"); }

util::Result<uint64_t> ParseVmHwm(std::string_view text) { return ParseStatusKb(text, "VmHWM"); }

util::Result<ProcSample> ReadProcSample(int64_t pid) {
    if (pid <= 0) return util::Err("bad pid " + std::to_string(pid));
    const std::string base = "/proc/" + std::to_string(pid);
    auto stat = ReadWhole(base + "/stat");
    if (!stat)
        return util::Err("process " + std::to_string(pid) + " is gone: " + stat.error().message);
    auto s = ParseProcStat(*stat);
    if (!s) return util::ErrOf(s.error());
    auto status = ReadWhole(base + "/status");
    if (!status)
        return util::Err("process " + std::to_string(pid) + " is gone: " + status.error().message);
    auto rss = ParseVmRss(*status);
    if (!rss) return util::ErrOf(rss.error());
    s->rss_bytes = *rss;
    auto hwm = ParseVmHwm(*status);
    if (!hwm) return util::ErrOf(hwm.error());
    s->peak_rss_bytes = *hwm;
    return s;
}

double SelfCpuSeconds() {
    rusage u{};
    if (getrusage(RUSAGE_SELF, &u) != 0) return 0;
    auto secs = [](const timeval& t) {
        return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
    };
    return secs(u.ru_utime) + secs(u.ru_stime);
}

util::Result<std::vector<double>> ReadLoadAverage() {
    auto text = ReadWhole("/proc/loadavg");
    if (!text) return util::ErrOf(text.error());
    std::istringstream in(*text);
    std::vector<double> out(3);
    if (!(in >> out[0] >> out[1] >> out[2])) return util::Err("/proc/loadavg: unexpected format");
    return out;
}

}  // namespace iost::loadgen
