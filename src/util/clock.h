// Clock: the one place wall-clock time enters. Consensus never reads a clock
// (time is passed in); the node reads SystemClock, tests and the simulator a
// ManualClock. Times are unix nanoseconds, IOST's unit.
// Thread contract: SystemClock is thread-safe; ManualClock is not.
#pragma once

#include <cstdint>

namespace iost::util {

using UnixNanos = int64_t;
inline constexpr int64_t kNanosPerSecond = 1'000'000'000;
inline constexpr int64_t kNanosPerMilli = 1'000'000;

class Clock {
  public:
    virtual ~Clock() = default;
    virtual UnixNanos Now() const = 0;
};

class SystemClock final : public Clock {
  public:
    UnixNanos Now() const override;
};

class ManualClock final : public Clock {
  public:
    explicit ManualClock(UnixNanos start = 0) : m_now(start) {}
    UnixNanos Now() const override { return m_now; }
    void Set(UnixNanos t) { m_now = t; }
    void Advance(int64_t nanos) { m_now += nanos; }

  private:
    UnixNanos m_now;
};

}  // namespace iost::util
