// UnverifiedCopies (docs/pob.md §5.5 "Kept copies", issue #15.2) and the
// verdict cache in front of every signature check (VerifiedCache).
#include <gtest/gtest.h>
#include <node/app_state.h>
#include <node/kept_copies.h>

namespace iost::node {
namespace {

crypto::Hash256 H(uint8_t i, uint8_t j = 0) {
    crypto::Hash256 h{};
    h[0] = i;
    h[1] = j;
    return h;
}

TEST(UnverifiedCopies, PerPublisherShareIsBounded) {
    // A sender filling a victim publisher's share with garbage stops at the
    // unverified half: the next copy of that publisher must be checked.
    UnverifiedCopies u(UnverifiedCopiesOptions{100, 3});
    EXPECT_TRUE(u.TryAdd(H(1), "victim", 50));
    EXPECT_TRUE(u.TryAdd(H(2), "victim", 50));
    EXPECT_TRUE(u.TryAdd(H(3), "victim", 50));
    EXPECT_FALSE(u.TryAdd(H(4), "victim", 50));
    EXPECT_EQ(u.refused(), 1u);
    EXPECT_EQ(u.held_by("victim"), 3u);
    // Other publishers are not affected.
    EXPECT_TRUE(u.TryAdd(H(5), "other", 50));
    EXPECT_EQ(u.size(), 4u);
}

TEST(UnverifiedCopies, TotalIsBounded) {
    UnverifiedCopies u(UnverifiedCopiesOptions{4, 100});
    for (uint8_t i = 0; i < 4; ++i) EXPECT_TRUE(u.TryAdd(H(i), "p" + std::to_string(i), 10));
    EXPECT_FALSE(u.TryAdd(H(9), "fresh", 10));
    EXPECT_EQ(u.size(), 4u);
}

TEST(UnverifiedCopies, ADuplicateTakesNoSecondSlot) {
    UnverifiedCopies u(UnverifiedCopiesOptions{10, 10});
    EXPECT_TRUE(u.TryAdd(H(1), "a", 10));
    EXPECT_FALSE(u.TryAdd(H(1), "a", 10));
    EXPECT_EQ(u.held_by("a"), 1u);
    EXPECT_EQ(u.refused(), 0u);  // a duplicate is not a refusal for lack of room
}

TEST(UnverifiedCopies, FinalAndExpiredCopiesFreeTheirSlots) {
    UnverifiedCopies u(UnverifiedCopiesOptions{10, 2});
    ASSERT_TRUE(u.TryAdd(H(1), "a", 100));
    ASSERT_TRUE(u.TryAdd(H(2), "a", 200));
    ASSERT_FALSE(u.TryAdd(H(3), "a", 300));
    const std::vector<crypto::Hash256> final_txs{H(1), H(7)};  // H(7) never held
    u.Release(final_txs);
    EXPECT_EQ(u.held_by("a"), 1u);
    EXPECT_TRUE(u.TryAdd(H(3), "a", 300));
    // The engine's rule: dropped when the expiration is below the final
    // block's time (equal stays).
    EXPECT_EQ(u.ExpireBefore(200), 0u);
    EXPECT_EQ(u.ExpireBefore(201), 1u);
    EXPECT_EQ(u.held_by("a"), 1u);
    EXPECT_EQ(u.ExpireBefore(1000), 1u);
    EXPECT_EQ(u.size(), 0u);
    EXPECT_EQ(u.held_by("a"), 0u);
    EXPECT_TRUE(u.TryAdd(H(1), "a", 100));
}

TEST(VerifiedCache, RemembersBothVerdictsWithinBounds) {
    VerifiedCache c(2, 2);
    c.Insert(H(1));
    c.InsertFailed(H(2));
    EXPECT_TRUE(c.Contains(H(1)));
    EXPECT_FALSE(c.Failed(H(1)));
    EXPECT_TRUE(c.Failed(H(2)));
    EXPECT_FALSE(c.Contains(H(2)));
    c.InsertFailed(H(3));
    c.InsertFailed(H(4));  // evicts H(2), the oldest failure
    EXPECT_FALSE(c.Failed(H(2)));
    EXPECT_TRUE(c.Failed(H(4)));
    c.Insert(H(5));
    c.Insert(H(6));  // evicts H(1)
    EXPECT_FALSE(c.Contains(H(1)));
    EXPECT_EQ(c.size(), 2u);
}

// The sets bucket by the first 8 bytes only: a hash that shares them with a
// cached one but differs later (the signatures differ) must not be taken for it.
TEST(VerifiedCache, ComparesTheWholeHashNotTheBucketKey) {
    VerifiedCache c(8, 8);
    crypto::Hash256 a = H(7, 7);
    crypto::Hash256 b = a;
    b[31] = 1;
    c.Insert(a);
    c.InsertFailed(a);
    EXPECT_TRUE(c.Contains(a));
    EXPECT_FALSE(c.Contains(b));
    EXPECT_FALSE(c.Failed(b));
    c.Insert(b);
    EXPECT_TRUE(c.Contains(b));
    EXPECT_EQ(c.size(), 2u);
}

// The bucket depends on a per-process seed, not only on the hash (a peer
// cannot grind transactions into one bucket); the same seed is a function.
TEST(VerifiedCache, BucketHashDependsOnTheSeed) {
    const crypto::Hash256 h = H(3, 9);
    EXPECT_EQ(VerifiedCache::SeededHash{1}(h), VerifiedCache::SeededHash{1}(h));
    EXPECT_NE(VerifiedCache::SeededHash{1}(h), VerifiedCache::SeededHash{2}(h));
    EXPECT_NE(VerifiedCache::SeededHash{1}(h), VerifiedCache::SeededHash{1}(H(3, 8)));
}

}  // namespace
}  // namespace iost::node
