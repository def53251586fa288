// An in-process PoB network (docs/architecture.md §2, integration tier): six
// validators (2 believable + 4 normal), each a real node::Node with its
// driver, a RocksDB data dir in a temp dir and a P2P host on loopback. It
// must reach finality with every node holding the same block hashes and
// state roots, execute a client transaction everywhere, and a node stopped
// and restarted on its data dir must catch up to the same chain.
#include <core/receipt.h>
#include <gtest/gtest.h>

#include "node_test_cluster.h"

namespace iost::node {
namespace {

using namespace std::chrono_literals;

TEST(NodeCluster, FinalizesExecutesAndRestartedNodeCatchesUp) {
    Cluster c;
    ASSERT_NO_FATAL_FAILURE(c.StartAll());

    ASSERT_TRUE(WaitFor([&] { return c.MinHeight() >= 5; }, 60s)) << "min height " << c.MinHeight();
    const auto st = c.nodes[0]->driver().Status();
    EXPECT_EQ(st.believable.size(), 2u);
    EXPECT_EQ(st.normal.size(), 4u);
    EXPECT_FALSE(st.chain_fallback);
    ExpectSameChain(c, 5);

    // A client transaction entering at one node executes on all of them.
    const int64_t now = util::SystemClock().Now();
    auto h = c.nodes[3]->driver().SubmitTx(
        testing::Transfer("alice", "bobby", "7", now - 1'000'000'000));
    ASSERT_TRUE(h.ok()) << h.error().message;
    storage::Hash32 key;
    std::copy(h->begin(), h->end(), key.begin());
    ASSERT_TRUE(WaitFor(
        [&] {
            for (auto& n : c.nodes) {
                if (!n->blocks().GetReceipt(key).value()) return false;
            }
            return true;
        },
        30s));
    for (auto& n : c.nodes) {
        auto r = core::TxReceipt::Decode(*n->blocks().GetReceipt(key).value()).value();
        EXPECT_TRUE(r.ok()) << n->id() << ": " << r.status.message;
    }
    // Read API: the tx's MicroBlock is served (from the BlockStore once
    // final) by (producer, seq), the tx is no longer PACKED, and the metrics
    // saw MicroBlocks from peers and the finality.
    for (auto& n : c.nodes) {
        EXPECT_FALSE(n->driver().FindPacked(*h).has_value()) << n->id();
        std::shared_ptr<const core::MicroBlock> found;
        for (const auto& producer : st.believable) {
            for (uint64_t seq = 1; seq <= 10'000 && !found; ++seq) {
                auto mb = n->driver().GetMicroBlock(producer, seq);
                if (!mb) break;
                EXPECT_EQ(mb->header.producer, producer);
                EXPECT_EQ(mb->header.seq, seq);
                if (std::find(mb->tx_hashes.begin(), mb->tx_hashes.end(), *h) !=
                    mb->tx_hashes.end())
                    found = mb;
            }
        }
        EXPECT_NE(found, nullptr) << n->id() << " cannot serve the tx's MicroBlock";
        const NodeMetrics m = n->driver().Metrics();
        EXPECT_GE(m.txs_finalized, 1u) << n->id();
        EXPECT_GE(m.blocks_finalized, 5u) << n->id();
        EXPECT_GE(m.peers, 1u) << n->id();
        EXPECT_GE(m.micro_blocks_seen + m.micro_blocks_produced, 1u) << n->id();
        // Final MicroBlocks are forgotten by the engine: only the few not
        // yet final stay in memory.
        EXPECT_LT(m.engine_micros_in_memory, 200u) << n->id();
    }

    // Stop one node, let the others move on, restart it on its data dir.
    const int victim = kValidators - 1;
    c.nodes[victim]->Stop();
    const uint64_t stopped_at = c.nodes[victim]->blocks().GetHead()->height;
    c.nodes[victim].reset();
    ASSERT_TRUE(WaitFor([&] { return c.MinHeight() >= stopped_at + 3; }, 60s))
        << "the others stalled at " << c.MinHeight();
    c.nodes[victim] = c.Make(victim);
    ASSERT_NE(c.nodes[victim], nullptr);
    c.Connect(victim);
    ASSERT_TRUE(c.nodes[victim]->Start().ok());
    EXPECT_GE(c.nodes[victim]->driver().Status().height, stopped_at);  // restored from disk
    uint64_t target = 0;
    for (int i = 0; i < victim; ++i)
        target = std::max(target, c.nodes[i]->driver().Status().height);
    ASSERT_TRUE(WaitFor([&] { return c.nodes[victim]->driver().Status().height >= target; }, 60s))
        << "restarted node at " << c.nodes[victim]->driver().Status().height << ", others at "
        << target;
    ExpectSameChain(c, std::min(target, c.MinHeight()));
    for (auto& n : c.nodes) n->Stop();
}

}  // namespace
}  // namespace iost::node
