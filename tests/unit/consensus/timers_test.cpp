// The timer rule (consensus/timers.h, docs/pob.md §1) that the driver and the
// simulator share: a SetTimer replaces the pending timer with the same id
// only, an expiry fires once, and an expiry armed before a restart (Reset)
// never passes for one armed after it.
#include <consensus/timers.h>
#include <gtest/gtest.h>

namespace iost::consensus {
namespace {

const TimerId kView{TimerKind::kView, 5, 0};
const TimerId kViewNext{TimerKind::kView, 5, 1};
const TimerId kMicro{TimerKind::kMicro, 0, 0};

TEST(TimerBook, ASetTimerReplacesOnlyTheSameId) {
    TimerBook b;
    const uint64_t first = b.Arm(kView);
    const uint64_t other = b.Arm(kViewNext);
    const uint64_t micro = b.Arm(kMicro);
    const uint64_t second = b.Arm(kView);
    EXPECT_EQ(b.pending(), 3u);
    EXPECT_FALSE(b.Fire(kView, first));  // replaced
    EXPECT_TRUE(b.Fire(kViewNext, other));
    EXPECT_TRUE(b.Fire(kMicro, micro));
    EXPECT_TRUE(b.Fire(kView, second));
    EXPECT_EQ(b.pending(), 0u);
}

TEST(TimerBook, AnExpiryFiresOnceAndOnlyForItsId) {
    TimerBook b;
    const uint64_t t = b.Arm(kView);
    EXPECT_FALSE(b.Fire(kViewNext, t));
    EXPECT_TRUE(b.Fire(kView, t));
    EXPECT_FALSE(b.Fire(kView, t));
    const uint64_t again = b.Arm(kView);  // re-armed after firing
    EXPECT_NE(again, t);
    EXPECT_TRUE(b.Fire(kView, again));
}

// Regression (the simulator's crash-restart): per-id counters that restart
// at 1 with the node let an expiry of the previous life match the first
// one of the new life, so a restarted node took a timeout nobody armed.
TEST(TimerBook, AnExpiryFromBeforeAResetNeverMatchesOneAfter) {
    TimerBook b;
    std::vector<uint64_t> old;
    for (int i = 0; i < 3; ++i) old.push_back(b.Arm(kMicro));
    b.Reset();
    EXPECT_EQ(b.pending(), 0u);
    const uint64_t fresh = b.Arm(kMicro);
    for (uint64_t t : old) EXPECT_FALSE(b.Fire(kMicro, t));
    EXPECT_TRUE(b.Fire(kMicro, fresh));
}

}  // namespace
}  // namespace iost::consensus
