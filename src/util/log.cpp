#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <util/log.h>

namespace iost::util {

class LogSink {
  public:
    explicit LogSink(std::shared_ptr<spdlog::logger> l, LogLevel initial)
        : logger(std::move(l)), level(static_cast<int>(initial)) {
        logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%L%$ %v");
        logger->set_level(spdlog::level::trace);
        // A node's warnings and errors must reach its log file at once (an
        // operator reads it while the node runs, or after a crash).
        logger->flush_on(spdlog::level::warn);
    }
    std::shared_ptr<spdlog::logger> logger;
    std::atomic<int> level;
};

namespace {
spdlog::level::level_enum ToSpd(LogLevel l) {
    switch (l) {
        case LogLevel::kTrace:
            return spdlog::level::trace;
        case LogLevel::kDebug:
            return spdlog::level::debug;
        case LogLevel::kInfo:
            return spdlog::level::info;
        case LogLevel::kWarn:
            return spdlog::level::warn;
        case LogLevel::kError:
            return spdlog::level::err;
        case LogLevel::kOff:
            return spdlog::level::off;
    }
    return spdlog::level::info;
}
}  // namespace

bool ParseLogLevel(std::string_view s, LogLevel* out) {
    static constexpr std::pair<std::string_view, LogLevel> kNames[] = {
        {"trace", LogLevel::kTrace}, {"debug", LogLevel::kDebug}, {"info", LogLevel::kInfo},
        {"warn", LogLevel::kWarn},   {"error", LogLevel::kError}, {"off", LogLevel::kOff}};
    for (const auto& [n, l] : kNames) {
        if (s == n) {
            *out = l;
            return true;
        }
    }
    return false;
}

Logger Logger::Stderr(std::string node_id, LogLevel level) {
    Logger l;
    l.m_sink = std::make_shared<LogSink>(
        std::make_shared<spdlog::logger>("iost",
                                         std::make_shared<spdlog::sinks::stderr_color_sink_mt>()),
        level);
    l.m_node = std::move(node_id);
    return l;
}

Logger Logger::File(const std::string& path, std::string node_id, LogLevel level) {
    try {
        Logger l;
        l.m_sink = std::make_shared<LogSink>(
            std::make_shared<spdlog::logger>(
                "iost", std::make_shared<spdlog::sinks::basic_file_sink_mt>(path, false)),
            level);
        // A node's log file is what an operator (or `tail -f devnet/*/`) reads
        // while it runs: info lines (progress, sync, start-up) must not sit in
        // a buffer until the next warning. A flush is a write(2), not fsync.
        l.m_sink->logger->flush_on(spdlog::level::info);
        l.m_node = std::move(node_id);
        return l;
    } catch (const spdlog::spdlog_ex& e) {
        Logger l = Stderr(std::move(node_id), level);
        l.Warn("cannot open log file {}: {}; logging to stderr", path, e.what());
        return l;
    }
}

Logger Logger::Null() {
    Logger l;
    l.m_sink = std::make_shared<LogSink>(
        std::make_shared<spdlog::logger>("null", std::make_shared<spdlog::sinks::null_sink_mt>()),
        LogLevel::kOff);
    return l;
}

Logger Logger::WithCategory(std::string category) const {
    Logger l = *this;
    l.m_category = std::move(category);
    return l;
}

Logger Logger::WithNode(std::string node_id) const {
    Logger l = *this;
    l.m_node = std::move(node_id);
    return l;
}

bool Logger::Enabled(LogLevel l) const {
    return m_sink && l != LogLevel::kOff &&
           static_cast<int>(l) >= m_sink->level.load(std::memory_order_relaxed);
}

void Logger::SetLevel(LogLevel l) {
    if (m_sink) m_sink->level.store(static_cast<int>(l));
}

void Logger::Write(LogLevel l, std::string_view msg) const {
    if (!m_sink) return;
    m_sink->logger->log(ToSpd(l), "[{}] {}: {}", m_node.empty() ? "-" : m_node,
                        m_category.empty() ? "main" : m_category, msg);
}

bool RateLimit::Allow(std::chrono::steady_clock::time_point now) {
    if (m_tokens < 0) {
        m_tokens = m_burst;
        m_last = now;
    }
    const double refill = std::chrono::duration<double>(now - m_last) / m_interval;
    m_tokens = std::min<double>(m_burst, m_tokens + refill);
    m_last = now;
    if (m_tokens >= 1) {
        m_tokens -= 1;
        return true;
    }
    ++m_suppressed;
    return false;
}

}  // namespace iost::util
