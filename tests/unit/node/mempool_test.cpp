#include <gtest/gtest.h>
#include <node/mempool.h>

#include "node_test_util.h"

namespace iost::node {
namespace {

using testing::kT0;
using testing::Transfer;

constexpr int64_t kSec = 1'000'000'000;

std::shared_ptr<const core::Tx> Tx(const std::string& from, int i, int64_t time) {
    return std::make_shared<const core::Tx>(Transfer(from, "bobby", "1", time, std::to_string(i)));
}

util::Result<void, MempoolRefusal> Add(Mempool& m, const std::shared_ptr<const core::Tx>& tx,
                                       int64_t now, size_t bytes = 300) {
    return m.Admit(tx, tx->Hash(), bytes, now);
}

TEST(Mempool, AdmitsAndDeduplicates) {
    Mempool m;
    auto tx = Tx("alice", 1, kT0);
    ASSERT_TRUE(Add(m, tx, kT0).ok());
    EXPECT_EQ(m.State(tx->Hash()), TxPoolState::kPending);
    EXPECT_EQ(m.Get(tx->Hash()), tx);
    auto again = Add(m, tx, kT0);
    ASSERT_FALSE(again.ok());
    EXPECT_EQ(again.error().reason, Refusal::kDuplicate);
    EXPECT_EQ(m.stats().txs, 1u);
    EXPECT_EQ(m.stats().refused, 1u);
}

TEST(Mempool, CountByteAndPublisherBounds) {
    MempoolOptions o;
    o.max_txs = 3;
    o.max_bytes = 1000;
    o.max_per_publisher = 2;
    Mempool m(o);
    ASSERT_TRUE(Add(m, Tx("alice", 1, kT0), kT0).ok());
    ASSERT_TRUE(Add(m, Tx("alice", 2, kT0), kT0).ok());
    auto third = Add(m, Tx("alice", 3, kT0), kT0);
    ASSERT_FALSE(third.ok());
    EXPECT_EQ(third.error().reason, Refusal::kPublisherFull);
    EXPECT_NE(third.error().message.find("alice"), std::string::npos);
    ASSERT_TRUE(Add(m, Tx("bobby", 1, kT0), kT0).ok());
    auto full = Add(m, Tx("admin", 1, kT0), kT0);
    ASSERT_FALSE(full.ok());
    EXPECT_EQ(full.error().reason, Refusal::kPoolFull);

    Mempool small(MempoolOptions{10, 1000, 10, 100});
    ASSERT_TRUE(Add(small, Tx("alice", 1, kT0), kT0, 600).ok());
    auto bytes = Add(small, Tx("alice", 2, kT0), kT0, 600);
    ASSERT_FALSE(bytes.ok());
    EXPECT_EQ(bytes.error().reason, Refusal::kPoolFull);
    auto huge = Add(small, Tx("bobby", 2, kT0), kT0, core::kMaxTxBytes + 1);
    ASSERT_FALSE(huge.ok());
    EXPECT_EQ(huge.error().reason, Refusal::kTooLarge);
}

TEST(Mempool, ClockRules) {
    Mempool m;
    // Expired: older than 90 s, or past its expiration (60 s after time here).
    auto old = Add(m, Tx("alice", 1, kT0), kT0 + 61 * kSec);
    ASSERT_FALSE(old.ok());
    EXPECT_EQ(old.error().reason, Refusal::kExpired);
    auto future = Add(m, Tx("alice", 2, kT0 + 31 * kSec), kT0);
    ASSERT_FALSE(future.ok());
    EXPECT_EQ(future.error().reason, Refusal::kFutureTime);
    EXPECT_TRUE(Add(m, Tx("alice", 3, kT0 + 29 * kSec), kT0).ok());
}

TEST(Mempool, ExpiryDropsEntriesAndFreesPublisherShare) {
    MempoolOptions o;
    o.max_per_publisher = 1;
    Mempool m(o);
    auto a = Tx("alice", 1, kT0);
    ASSERT_TRUE(Add(m, a, kT0).ok());
    EXPECT_EQ(m.ExpireUntil(kT0 + 59 * kSec), 0u);
    EXPECT_EQ(m.ExpireUntil(kT0 + 60 * kSec), 1u);
    EXPECT_EQ(m.State(a->Hash()), TxPoolState::kUnknown);
    EXPECT_EQ(m.stats().txs, 0u);
    EXPECT_EQ(m.stats().bytes, 0u);
    EXPECT_TRUE(Add(m, Tx("alice", 2, kT0 + 60 * kSec), kT0 + 60 * kSec).ok());
}

TEST(Mempool, FinalTransactionsAreRefusedUntilTheyExpire) {
    Mempool m;
    auto a = Tx("alice", 1, kT0);
    ASSERT_TRUE(Add(m, a, kT0).ok());
    const crypto::Hash256 h = a->Hash();
    m.MarkFinal(std::span<const crypto::Hash256>(&h, 1), kT0 + kSec);
    EXPECT_EQ(m.State(h), TxPoolState::kFinal);
    EXPECT_EQ(m.stats().txs, 0u);
    EXPECT_EQ(m.stats().finalized, 1u);
    auto replay = Add(m, a, kT0 + 2 * kSec);
    ASSERT_FALSE(replay.ok());
    EXPECT_EQ(replay.error().reason, Refusal::kAlreadyFinal);
    m.ExpireUntil(kT0 + 60 * kSec);
    EXPECT_EQ(m.State(h), TxPoolState::kUnknown);
    EXPECT_EQ(m.stats().final_remembered, 0u);
}

TEST(Mempool, FinalMemoryIsBounded) {
    MempoolOptions o;
    o.max_final_remembered = 2;
    Mempool m(o);
    std::vector<crypto::Hash256> hs;
    for (int i = 0; i < 5; ++i) hs.push_back(Tx("alice", i, kT0)->Hash());
    m.MarkFinal(hs, kT0);
    EXPECT_EQ(m.stats().final_remembered, 2u);
}

}  // namespace
}  // namespace iost::node
