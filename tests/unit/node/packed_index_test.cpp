// PackedIndex: PACKED lookup by tx hash, (producer, seq) lookup, removal when
// final, and the memory bounds (oldest MicroBlocks forgotten first).
#include <gtest/gtest.h>
#include <node/packed_index.h>

#include "node_test_util.h"

namespace iost::node {
namespace {

std::shared_ptr<const core::MicroBlock> Micro(const std::string& producer, uint64_t seq, int txs,
                                              const std::string& tag) {
    auto m = std::make_shared<core::MicroBlock>();
    m->header.producer = producer;
    m->header.seq = seq;
    m->header.time = testing::kT0 + static_cast<int64_t>(seq);
    for (int i = 0; i < txs; ++i) {
        m->txs.push_back(testing::Transfer("alice", "bobby", "1", testing::kT0,
                                           tag + std::to_string(seq) + "-" + std::to_string(i)));
    }
    m->Seal();
    return m;
}

TEST(PackedIndex, FindsTxsOfAMicroBlockUntilItIsFinal) {
    PackedIndex idx;
    auto m = Micro("node0", 1, 3, "a");
    idx.Add(m);
    idx.Add(m);  // idempotent
    EXPECT_EQ(idx.micro_count(), 1u);
    EXPECT_EQ(idx.tx_count(), 3u);
    EXPECT_EQ(idx.txs_indexed(), 3u);
    for (size_t i = 0; i < 3; ++i) {
        auto p = idx.Find(m->tx_hashes[i]);
        ASSERT_TRUE(p.has_value());
        EXPECT_EQ(p->producer, "node0");
        EXPECT_EQ(p->seq, 1u);
        EXPECT_EQ(p->time, m->header.time);
        EXPECT_EQ(p->tx->Hash(), m->tx_hashes[i]);
        EXPECT_FALSE(p->receipt.has_value());
    }
    EXPECT_EQ(idx.Get("node0", 1), m);
    EXPECT_EQ(idx.Get("node0", 2), nullptr);
    EXPECT_EQ(idx.Get("node1", 1), nullptr);
    EXPECT_FALSE(idx.Find(crypto::Hash256{}).has_value());

    const std::vector<crypto::Hash256> final_micros{m->hash};
    idx.RemoveFinal(final_micros);
    EXPECT_FALSE(idx.Find(m->tx_hashes[0]).has_value());
    EXPECT_EQ(idx.Get("node0", 1), nullptr);
    EXPECT_EQ(idx.micro_count(), 0u);
    EXPECT_EQ(idx.tx_count(), 0u);
    EXPECT_EQ(idx.txs_indexed(), 3u);  // a counter
}

TEST(PackedIndex, ATxRepeatedInALaterMicroKeepsItsFirstSlot) {
    PackedIndex idx;
    auto a = Micro("node0", 1, 1, "same");
    auto b = std::make_shared<core::MicroBlock>(*a);
    b->header.producer = "node1";
    b->Seal();
    idx.Add(a);
    idx.Add(b);
    EXPECT_EQ(idx.Find(a->tx_hashes[0])->producer, "node0");
    // When the first one is forgotten, the tx is no longer attributed to it.
    const std::vector<crypto::Hash256> gone{a->hash};
    idx.RemoveFinal(gone);
    EXPECT_FALSE(idx.Find(a->tx_hashes[0]).has_value());
    EXPECT_EQ(idx.Get("node1", 1), b);
}

TEST(PackedIndex, BoundedByMicroCountAndTxCountOldestFirst) {
    PackedIndex idx(PackedIndexOptions{/*max_micros=*/4, /*max_txs=*/10});
    std::vector<std::shared_ptr<const core::MicroBlock>> ms;
    for (uint64_t s = 1; s <= 6; ++s) {
        ms.push_back(Micro("node0", s, 1, "b"));
        idx.Add(ms.back());
        EXPECT_LE(idx.micro_count(), 4u);
    }
    EXPECT_EQ(idx.Get("node0", 1), nullptr);
    EXPECT_EQ(idx.Get("node0", 2), nullptr);
    EXPECT_EQ(idx.Get("node0", 6), ms.back());
    EXPECT_FALSE(idx.Find(ms[0]->tx_hashes[0]).has_value());
    EXPECT_TRUE(idx.Find(ms[5]->tx_hashes[0]).has_value());
    // A big one pushes out older ones to stay within max_txs.
    auto big = Micro("node1", 1, 8, "c");
    idx.Add(big);
    EXPECT_LE(idx.tx_count(), 10u);
    EXPECT_TRUE(idx.Find(big->tx_hashes[7]).has_value());
    EXPECT_EQ(idx.Get("node0", 3), nullptr);
    // Many adds and removals: the index stays within its bounds.
    for (uint64_t s = 10; s < 200; ++s) {
        auto m = Micro("node2", s, 1, "d");
        idx.Add(m);
        if (s % 2) {
            const std::vector<crypto::Hash256> f{m->hash};
            idx.RemoveFinal(f);
        }
        EXPECT_LE(idx.micro_count(), 4u);
        EXPECT_LE(idx.tx_count(), 10u);
    }
}

}  // namespace
}  // namespace iost::node
