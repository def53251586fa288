// Transaction routing (docs/pob.md §5.1, docs/node.md "Transactions"): a
// client transaction entering at a node that does not own its publisher —
// a normal validator, or an observer connected only to a normal validator —
// reaches the believable owner and becomes final everywhere.
#include <core/receipt.h>
#include <gtest/gtest.h>

#include "node_test_cluster.h"

namespace iost::node {
namespace {

using namespace std::chrono_literals;

TEST(NodeForward, TxsFromANormalValidatorAndAnObserverReachTheirOwner) {
    Cluster c;
    ASSERT_NO_FATAL_FAILURE(c.StartAll());
    ASSERT_TRUE(WaitFor([&] { return c.MinHeight() >= 3; }, 60s)) << "min height " << c.MinHeight();
    const auto st = c.nodes[0]->driver().Status();
    ASSERT_FALSE(st.chain_fallback);
    ASSERT_EQ(st.normal.size(), 4u);
    // A normal validator never owns publishers: it must forward.
    int normal = -1;
    for (int i = 0; i < kValidators; ++i) {
        if (c.nodes[i]->id() == st.normal[0]) normal = i;
    }
    ASSERT_GE(normal, 0);
    const int64_t now = util::SystemClock().Now();
    auto h1 = c.nodes[normal]->driver().SubmitTx(
        testing::Transfer("alice", "bobby", "3", now - 1'000'000'000));
    ASSERT_TRUE(h1.ok()) << h1.error().message;
    ASSERT_TRUE(WaitFor([&] { return FinalOn(*c.nodes[0], *h1); }, 30s));
    EXPECT_GE(c.nodes[normal]->driver().Metrics().txs_forwarded, 1u);

    // An observer whose only peer is that normal validator.
    NodeConfig oc = c.ConfigFor(77);
    oc.max_outbound = 1;
    oc.max_inbound = 0;
    auto created = Node::Create(oc, c.genesis, std::nullopt, util::Logger::Null());
    ASSERT_TRUE(created.ok()) << created.error().message;
    auto observer = std::move(*created);
    observer->host().AddAddress({"127.0.0.1", c.nodes[normal]->p2p_port()});
    ASSERT_TRUE(observer->Start().ok());
    ASSERT_TRUE(WaitFor([&] { return observer->Peers().size() == 1; }, 20s));
    ASSERT_TRUE(WaitFor([&] { return observer->driver().Status().height >= c.MinHeight(); }, 30s));
    const uint64_t relayed_before = c.nodes[normal]->driver().Metrics().txs_relayed;
    auto h2 = observer->driver().SubmitTx(
        testing::Transfer("bobby", "alice", "4", util::SystemClock().Now()));
    ASSERT_TRUE(h2.ok()) << h2.error().message;
    ASSERT_TRUE(WaitFor([&] { return FinalOn(*c.nodes[0], *h2) && FinalOn(*observer, *h2); }, 30s))
        << "forwarded " << observer->driver().Metrics().txs_forwarded << ", relayed "
        << c.nodes[normal]->driver().Metrics().txs_relayed << ", final on node0 "
        << FinalOn(*c.nodes[0], *h2) << ", observer height " << observer->driver().Status().height
        << ", cluster " << c.MinHeight();
    EXPECT_EQ(observer->Peers().size(), 1u);
    EXPECT_GE(observer->driver().Metrics().txs_forwarded, 1u);
    EXPECT_GE(c.nodes[normal]->driver().Metrics().txs_relayed, relayed_before + 1);
    // Final: it left the observer's mempool.
    EXPECT_EQ(observer->mempool().State(*h2), TxPoolState::kFinal);
    observer->Stop();
    for (auto& n : c.nodes) n->Stop();
}

}  // namespace
}  // namespace iost::node
