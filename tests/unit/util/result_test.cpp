#include <gtest/gtest.h>
#include <util/log.h>
#include <util/result.h>

using namespace iost::util;

namespace {
Result<int> Half(int x) {
    if (x % 2) return Err("odd", 7);
    return x / 2;
}
Result<int> Quarter(int x) {
    auto h = Half(x);
    IOST_TRY(h);
    return Half(*h);
}
enum class Why { kNone, kBad };
Result<void, Why> Check(bool good) {
    if (!good) return ErrOf(Why::kBad);
    return {};
}
}  // namespace

TEST(Result, ValueAndError) {
    EXPECT_EQ(*Half(4), 2);
    EXPECT_FALSE(Half(3).ok());
    EXPECT_EQ(Half(3).error().message, "odd");
    EXPECT_EQ(Half(3).error().code, 7);
    EXPECT_EQ(*Quarter(8), 2);
    EXPECT_EQ(Quarter(6).error().message, "odd");
    EXPECT_TRUE(Check(true).ok());
    EXPECT_EQ(Check(false).error(), Why::kBad);
}

TEST(ResultDeath, ValueOfErrorAborts) {
    EXPECT_DEATH({ (void)Half(3).value(); }, "IOST_ASSERT failed");
}

TEST(Log, LevelsAndRateLimit) {
    LogLevel l;
    EXPECT_TRUE(ParseLogLevel("debug", &l));
    EXPECT_EQ(l, LogLevel::kDebug);
    EXPECT_FALSE(ParseLogLevel("loud", &l));
    Logger n = Logger::Null();
    EXPECT_FALSE(n.Enabled(LogLevel::kError));
    Logger s = Logger::Stderr("node1", LogLevel::kWarn).WithCategory("test");
    EXPECT_FALSE(s.Enabled(LogLevel::kInfo));
    EXPECT_TRUE(s.Enabled(LogLevel::kError));

    RateLimit rl(3, std::chrono::milliseconds(1000));
    auto t = std::chrono::steady_clock::time_point{} + std::chrono::hours(1);
    int allowed = 0;
    for (int i = 0; i < 10; ++i) allowed += rl.Allow(t);
    EXPECT_EQ(allowed, 3);
    EXPECT_EQ(rl.suppressed(), 7u);
    EXPECT_TRUE(rl.Allow(t + std::chrono::milliseconds(1000)));
    EXPECT_FALSE(rl.Allow(t + std::chrono::milliseconds(1001)));
}
