// DirectBudget (src/consensus/direct_budget.h): the primary's adaptive number
// of direct transactions per proposal.
#include <consensus/direct_budget.h>
#include <consensus/params.h>
#include <gtest/gtest.h>

namespace iost::consensus {
namespace {

TEST(DirectBudget, StartsAtTheCapAndHalvesPerFailedView) {
    DirectBudget b(2000);
    EXPECT_EQ(b.ForView(0), 2000u);
    EXPECT_EQ(b.ForView(1), 1000u);
    EXPECT_EQ(b.ForView(2), 500u);
    // Bounded like the view timeout's doublings, and never below the floor.
    EXPECT_EQ(b.ForView(100), 2000u >> kMaxTimeoutDoublings);
    DirectBudget small(400);
    EXPECT_EQ(small.ForView(4), DirectBudget::kFloor);
    DirectBudget tiny(10);  // a cap below the floor is kept
    EXPECT_EQ(tiny.ForView(3), 10u);
}

// The overload case: view 0's proposal timed out, view 1's smaller one
// committed. Without the adaptation every height would start again at the
// cap and time out again (the fallback's stall at 1,400 tx/s).
TEST(DirectBudget, AHeightThatNeededAViewChangeStartsTheNextOneSmaller) {
    DirectBudget b(2000);
    b.OnCommitted(1);
    EXPECT_EQ(b.current(), 1000u);
    EXPECT_EQ(b.ForView(0), 1000u);
    b.OnCommitted(2);  // view 0 (1000) and view 1 (500) failed, view 2 (250) worked
    EXPECT_EQ(b.ForView(0), 250u);
}

TEST(DirectBudget, GrowsBackToTheCapWhileViewsCommit) {
    DirectBudget b(2000);
    b.OnCommitted(3);
    EXPECT_EQ(b.current(), 250u);
    int heights = 0;
    while (b.current() < 2000u) {
        b.OnCommitted(0);
        ++heights;
    }
    EXPECT_EQ(heights, 7);  // +250 per height: 250 → 2000
    b.OnCommitted(0);
    EXPECT_EQ(b.current(), 2000u);  // never above the rule's cap
}

}  // namespace
}  // namespace iost::consensus
