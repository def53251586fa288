// The vote-decision rule (docs/pob.md §6.3), table-driven like Tendermint's
// signing rules: never two different votes of one kind at one (height,
// view), never a vote in a view already left, never a commit without the
// lock on exactly that prepare certificate.
#include <consensus/safety.h>
#include <gtest/gtest.h>

namespace iost::consensus {
namespace {

crypto::Hash256 H(uint8_t b) {
    crypto::Hash256 h{};
    h.fill(b);
    return h;
}

TEST(Safety, PrepareTable) {
    SafetyState s = AtHeight(10);
    s.view = 2;
    s.prepare = VoteRecord{2, H(1)};
    struct Row {
        uint64_t height, view;
        uint8_t hash;
        VoteDecision want;
    };
    const Row rows[] = {
        {9, 5, 1, VoteDecision::kOldHeight},  // a decided height
        {10, 1, 1, VoteDecision::kOldView},   // a view we left
        {10, 2, 1, VoteDecision::kResend},    // the same vote again
        {10, 2, 2, VoteDecision::kConflict},  // equivocation
        {10, 3, 2, VoteDecision::kSign},      // a later view may vote anew
        {11, 0, 7, VoteDecision::kSign},      // the next height
    };
    for (const auto& r : rows) {
        EXPECT_EQ(DecideVote(s, VoteKind::kPrepare, r.height, r.view, H(r.hash)), r.want)
            << r.height << "/" << r.view << " " << VoteDecisionName(r.want);
    }
}

TEST(Safety, PrepareAfterLaterViewVoteIsRefused) {
    SafetyState s = AtHeight(5);
    s.prepare = VoteRecord{4, H(1)};
    s.view = 3;  // cannot happen with an honest engine, but the rule must hold alone
    EXPECT_EQ(DecideVote(s, VoteKind::kPrepare, 5, 3, H(2)), VoteDecision::kViewPassed);
}

TEST(Safety, CommitNeedsTheLock) {
    SafetyState s = AtHeight(7);
    s.view = 1;
    EXPECT_EQ(DecideVote(s, VoteKind::kCommit, 7, 1, H(3)), VoteDecision::kNotLocked);
    s.locked = PreparedCert{1, H(3), {}, nullptr};
    EXPECT_EQ(DecideVote(s, VoteKind::kCommit, 7, 1, H(3)), VoteDecision::kSign);
    EXPECT_EQ(DecideVote(s, VoteKind::kCommit, 7, 1, H(4)), VoteDecision::kNotLocked);
    s.locked = PreparedCert{0, H(3), {}, nullptr};  // lock from another view
    EXPECT_EQ(DecideVote(s, VoteKind::kCommit, 7, 1, H(3)), VoteDecision::kNotLocked);
    // A commit for a future height cannot use this height's lock.
    EXPECT_EQ(DecideVote(s, VoteKind::kCommit, 8, 0, H(3)), VoteDecision::kNotLocked);
}

TEST(Safety, AfterVoteRecordsAndNeverGoesBack) {
    SafetyState s = AtHeight(3);
    s = AfterVote(s, VoteKind::kPrepare, 3, 0, H(1));
    EXPECT_EQ(s.prepare, (VoteRecord{0, H(1)}));
    EXPECT_EQ(DecideVote(s, VoteKind::kPrepare, 3, 0, H(2)), VoteDecision::kConflict);
    s = AfterVote(s, VoteKind::kPrepare, 3, 2, H(2));
    EXPECT_EQ(s.view, 2u);
    EXPECT_EQ(DecideVote(s, VoteKind::kPrepare, 3, 1, H(9)), VoteDecision::kOldView);
    // Moving to a new height resets the per-height records.
    s = AfterVote(s, VoteKind::kPrepare, 4, 0, H(5));
    EXPECT_EQ(s.height, 4u);
    EXPECT_EQ(s.view, 0u);
    EXPECT_FALSE(s.locked.has_value());
}

TEST(Safety, ViewChangesOnlyForward) {
    SafetyState s = AtHeight(2);
    s.view = 3;
    EXPECT_FALSE(MayEnterView(s, 2, 3));
    EXPECT_FALSE(MayEnterView(s, 2, 1));
    EXPECT_TRUE(MayEnterView(s, 2, 4));
    EXPECT_FALSE(MayEnterView(s, 1, 9));
    EXPECT_TRUE(MayEnterView(s, 3, 0));
}

}  // namespace
}  // namespace iost::consensus
