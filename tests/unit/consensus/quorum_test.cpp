// Quorum arithmetic (docs/pob.md §6.1): f = ⌊(N−1)/3⌋, q = ⌈(N+f+1)/2⌉, and
// the property that makes it safe: any two quorums share at least f+1
// members (so at least one honest one), which 2f+1 does not give for N = 5, 8.
#include <consensus/params.h>
#include <gtest/gtest.h>

namespace iost::consensus {
namespace {

TEST(Quorum, KnownValues) {
    struct Row {
        size_t n, f, q;
    };
    const Row rows[] = {{1, 0, 1}, {2, 0, 2}, {3, 0, 2}, {4, 1, 3},  {5, 1, 4},  {6, 1, 4},
                        {7, 2, 5}, {8, 2, 6}, {9, 2, 6}, {10, 3, 7}, {13, 4, 9}, {21, 6, 14}};
    for (const auto& r : rows) {
        EXPECT_EQ(MaxFaulty(r.n), r.f) << "N=" << r.n;
        EXPECT_EQ(Quorum(r.n), r.q) << "N=" << r.n;
    }
}

TEST(Quorum, TwoQuorumsShareAnHonestMember) {
    for (size_t n = 1; n <= 200; ++n) {
        const size_t f = MaxFaulty(n), q = Quorum(n);
        EXPECT_GE(2 * q, n + f + 1) << "N=" << n;  // intersection ≥ f+1
        EXPECT_LE(q, n - f) << "N=" << n;          // the honest alone reach it (liveness)
        EXPECT_EQ(q, (n + f + 2) / 2) << "N=" << n;
    }
}

TEST(Quorum, TwoFPlusOneIsUnsafeForFiveAndEight) {
    // The trap docs/pob.md §6.1 warns about: with 2f+1, two quorums can meet in
    // only f nodes, all possibly Byzantine.
    for (size_t n : {5u, 8u}) {
        const size_t f = MaxFaulty(n);
        EXPECT_LT(2 * (2 * f + 1), n + f + 1) << "N=" << n;
        EXPECT_GT(Quorum(n), 2 * f + 1) << "N=" << n;
    }
}

}  // namespace
}  // namespace iost::consensus
