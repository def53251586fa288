#include <util/clock.h>

#include <chrono>

namespace iost::util {
UnixNanos SystemClock::Now() const {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}
}  // namespace iost::util
