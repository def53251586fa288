// The exposure ledger of docs/pob.md §7.5: per producer, the unverified
// debits of the last audit_window final heights, and the rule "past the bond,
// verify in full". Boundaries: equal to the bond is within it; any debit of a
// token other than IOST exceeds (nothing bonded backs it); heights leave the
// window exactly after `window` heights; sums do not wrap.
#include <consensus/exposure.h>
#include <gtest/gtest.h>

#include <cstdint>

namespace iost::consensus {
namespace {

TokenTotals Iost(int64_t raw) { return {{"iost", raw}}; }

TEST(Exposure, BondBoundaryAndOtherTokens) {
    EXPECT_FALSE(ExceedsBond({}, 0));
    EXPECT_FALSE(ExceedsBond(Iost(100), 100));  // equal: still backed
    EXPECT_TRUE(ExceedsBond(Iost(101), 100));
    EXPECT_TRUE(ExceedsBond({{"abc", 1}}, 1'000'000));  // no bond backs another token
    EXPECT_FALSE(ExceedsBond({{"abc", 0}, {"iost", 5}}, 5));
}

TEST(Exposure, WindowKeepsExactlyTheLastHeights) {
    ExposureLedger x(3);
    x.Record(1, "p", Iost(10));
    x.Advance(2);
    x.Record(2, "p", Iost(20));
    x.Advance(3);
    x.Record(3, "p", Iost(40));
    // Deciding height 4: the window is heights 2, 3 (+ the block at 4).
    x.Advance(4);
    EXPECT_EQ(x.Of("p"), Iost(60));
    EXPECT_FALSE(x.WouldExceed("p", Iost(40), 100));  // 60 + 40 = 100: within
    EXPECT_TRUE(x.WouldExceed("p", Iost(41), 100));
    x.Record(4, "p", Iost(40));
    x.Advance(5);
    EXPECT_EQ(x.Of("p"), Iost(80));  // heights 3, 4
    x.Advance(7);
    EXPECT_TRUE(x.Of("p").empty());  // everything left the window
    EXPECT_TRUE(x.all().empty());
}

TEST(Exposure, ProducersAndTokensAreSeparate) {
    ExposureLedger x(10);
    x.Record(1, "a", Iost(5));
    x.Record(1, "b", {{"abc", 7}, {"iost", 1}});
    x.Record(2, "a", {{"abc", 2}});
    EXPECT_EQ(x.Of("a"), (TokenTotals{{"abc", 2}, {"iost", 5}}));
    EXPECT_EQ(x.Of("b"), (TokenTotals{{"abc", 7}, {"iost", 1}}));
    EXPECT_TRUE(x.Of("c").empty());
    EXPECT_TRUE(x.WouldExceed("a", {}, 1'000));  // its abc debit is unbacked
}

TEST(Exposure, SumsDoNotWrap) {
    ExposureLedger x(5);
    for (uint64_t h = 1; h <= 4; ++h) x.Record(h, "p", Iost(INT64_MAX));
    // Four times the largest amount: far above any bond, never negative.
    EXPECT_TRUE(x.WouldExceed("p", {}, INT64_MAX));
    EXPECT_EQ(x.Of("p").at("iost"), static_cast<__int128>(INT64_MAX) * 4);
    x.Advance(6);  // drops height 1
    EXPECT_EQ(x.Of("p").at("iost"), static_cast<__int128>(INT64_MAX) * 3);
}

TEST(Exposure, WindowZeroRecordsNothing) {
    ExposureLedger x(0);
    x.Record(1, "p", Iost(1'000));
    EXPECT_TRUE(x.Of("p").empty());
}

TEST(Exposure, AmountsAddUpFromExecution) {
    TokenTotals t;
    AddTotals(t, std::vector<TokenAmount>{{"iost", 3}, {"abc", 0}, {"iost", 4}});
    EXPECT_EQ(t, Iost(7));  // zero amounts add no entry
}

}  // namespace
}  // namespace iost::consensus
