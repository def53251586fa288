// Logger: a thin wrapper over spdlog with a category (consensus, net,
// storage, rpc, ...) and a node-id prefix on every line, so a simulation log
// of many nodes reads cleanly (docs/architecture.md §2). Loggers are
// injected (passed to components), never global. spdlog stays out of this
// header; formatting uses fmt.
// Thread contract: a Logger may be used from any thread; lines are written
// atomically by the sink.
#pragma once

#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace iost::util {

enum class LogLevel { kTrace, kDebug, kInfo, kWarn, kError, kOff };

// Parses "trace|debug|info|warn|error|off"; false on anything else.
bool ParseLogLevel(std::string_view s, LogLevel* out);

class LogSink;  // wraps a spdlog logger

class Logger {
  public:
    // A logger writing to stderr (the default sink) at `level`.
    static Logger Stderr(std::string node_id, LogLevel level = LogLevel::kInfo);
    // A logger writing to a file (appending); falls back to stderr if the file
    // cannot be opened.
    static Logger File(const std::string& path, std::string node_id, LogLevel level);
    // A logger that drops everything (tests, simulator by default).
    static Logger Null();

    // Same sink and node id, another category.
    Logger WithCategory(std::string category) const;
    Logger WithNode(std::string node_id) const;

    bool Enabled(LogLevel l) const;
    void SetLevel(LogLevel l);

    template <typename... A>
    void Trace(fmt::format_string<A...> f, A&&... a) const {
        Log(LogLevel::kTrace, f, std::forward<A>(a)...);
    }
    template <typename... A>
    void Debug(fmt::format_string<A...> f, A&&... a) const {
        Log(LogLevel::kDebug, f, std::forward<A>(a)...);
    }
    template <typename... A>
    void Info(fmt::format_string<A...> f, A&&... a) const {
        Log(LogLevel::kInfo, f, std::forward<A>(a)...);
    }
    template <typename... A>
    void Warn(fmt::format_string<A...> f, A&&... a) const {
        Log(LogLevel::kWarn, f, std::forward<A>(a)...);
    }
    template <typename... A>
    void Error(fmt::format_string<A...> f, A&&... a) const {
        Log(LogLevel::kError, f, std::forward<A>(a)...);
    }

    template <typename... A>
    void Log(LogLevel l, fmt::format_string<A...> f, A&&... a) const {
        if (Enabled(l)) Write(l, fmt::format(f, std::forward<A>(a)...));
    }
    void Write(LogLevel l, std::string_view msg) const;

  private:
    std::shared_ptr<LogSink> m_sink;
    std::string m_node;
    std::string m_category;
};

// At most `burst` events, then one per `interval`; for anything a peer can
// trigger (docs/architecture.md §2: never log peer-triggered events without a limit).
class RateLimit {
  public:
    RateLimit(int burst, std::chrono::milliseconds interval)
        : m_burst(burst), m_interval(interval) {}
    // True when this event may be logged at steady-clock time `now`.
    bool Allow(std::chrono::steady_clock::time_point now);
    uint64_t suppressed() const { return m_suppressed; }

  private:
    int m_burst;
    std::chrono::milliseconds m_interval;
    double m_tokens = -1;
    std::chrono::steady_clock::time_point m_last{};
    uint64_t m_suppressed = 0;
};

}  // namespace iost::util
