// A default devnet (4 believable + 4 normal validators, PoB, not fallback)
// plus one observer, as separate iserver processes on 127.10.1.*: signed
// IOST transfers sent to every node (observer included) become IRREVERSIBLE
// with SUCCESS receipts; a replay is refused; every node ends with the same
// final blocks (hash by hash — a FinalBlock's hash commits to its state root,
// core/block.cpp, so equal hashes mean equal state roots) and the same
// balances; then the observer loses its data dir and syncs the chain from
// scratch (issue #5 points 3, 6, 7).
#include <cmath>

#include "functional_util.h"

namespace iost::functional {
namespace {

constexpr int kTxs = 40;

double Balance(const TestDevnet& net, const std::string& node, const std::string& account) {
    auto b = net.Get(node, "/getTokenBalance/" + account + "/iost/true");
    if (!b.ok() || !(*b).contains("balance") || !(*b)["balance"].is_number()) return -1;
    return (*b)["balance"].get<double>();
}

// Every node in `nodes` holds the same block hash at every height in [from, to].
void ExpectSameBlocks(const TestDevnet& net, const std::vector<std::string>& nodes, uint64_t from,
                      uint64_t to) {
    for (uint64_t h = from; h <= to; ++h) {
        auto ref = BlockHashAt(net, nodes.front(), h);
        ASSERT_TRUE(ref.ok()) << nodes.front() << " block " << h << ": " << ref.error().message;
        for (size_t i = 1; i < nodes.size(); ++i) {
            auto other = BlockHashAt(net, nodes[i], h);
            ASSERT_TRUE(other.ok()) << nodes[i] << " block " << h << ": " << other.error().message;
            ASSERT_EQ(*other, *ref)
                << "fork at height " << h << " between " << nodes.front() << " and " << nodes[i];
        }
    }
}

TEST(DevnetCluster, TransfersFinalizeIdenticallyEverywhereAndAnObserverSyncsFromScratch) {
    auto started =
        TestDevnet::Start("cluster", "127.10.1.1", {"--observers", "1", "--accounts", "4"});
    ASSERT_TRUE(started.ok()) << started.error().message;
    TestDevnet& net = **started;
    const auto& m = net.manifest();
    ASSERT_EQ(m.nodes.size(), 9u);
    std::vector<std::string> all;
    for (const auto& n : m.nodes) all.push_back(n.name);

    // Really PoB: two leagues of 4, no chain fallback, and devnet.json agrees.
    auto pob = net.Get("node0", "/getPoBInfo");
    ASSERT_TRUE(pob.ok()) << pob.error().message;
    EXPECT_EQ((*pob)["chain_fallback"], false) << pob->dump();
    ASSERT_EQ((*pob)["believable"].size(), 4u) << pob->dump();
    ASSERT_EQ((*pob)["normal"].size(), 4u) << pob->dump();
    for (const auto& b : (*pob)["believable"]) {
        EXPECT_EQ(net.Node(b["id"].get<std::string>()).role, devnet::Role::kBelievable) << b.dump();
    }
    EXPECT_EQ(net.NodesWithRole(devnet::Role::kObserver), std::vector<std::string>{"obs0"});

    // Transfers user1..user4 → admin, 1 IOST each, spread over every node.
    const double user_before = Balance(net, "node0", "user1");
    const double admin_before = Balance(net, "node0", "admin");
    ASSERT_GT(user_before, 0);
    std::vector<core::Tx> txs;
    std::vector<std::string> hashes;
    const int64_t now = util::SystemClock().Now();
    for (int k = 0; k < kTxs; ++k) {
        const auto& from = net.Account("user" + std::to_string(1 + k % 4));
        txs.push_back(
            MakeTransfer(from, "admin", "1", "cluster-" + std::to_string(k), m.chain_id, now + k));
        const std::string via = all[static_cast<size_t>(k) % all.size()];
        auto h = net.SendTx(via, txs.back());
        ASSERT_TRUE(h.ok()) << "via " << via << ": " << h.error().message;
        EXPECT_EQ(*h, txs.back().HashBase58());
        hashes.push_back(*h);
    }

    // Each becomes IRREVERSIBLE with a SUCCESS receipt.
    uint64_t last_block = 0;
    const auto deadline = std::chrono::steady_clock::now() + 90s;
    for (size_t i = 0; i < hashes.size(); ++i) {
        json tx;
        for (;;) {
            auto r = net.Get("node0", "/getTxByHash/" + hashes[i]);
            if (r.ok() && (*r)["status"] == "IRREVERSIBLE") {
                tx = *r;
                break;
            }
            ASSERT_LT(std::chrono::steady_clock::now(), deadline)
                << "tx " << i << " not final: " << (r.ok() ? r->dump() : r.error().message);
            std::this_thread::sleep_for(200ms);
        }
        last_block = std::max(last_block, U64Of(tx, "block_number"));
        auto rec = net.Get("node0", "/getTxReceiptByTxHash/" + hashes[i]);
        ASSERT_TRUE(rec.ok()) << rec.error().message;
        EXPECT_EQ((*rec)["status_code"], "SUCCESS") << rec->dump();
    }

    // Every node, observer included, reaches the block of the last transfer
    // and holds the same blocks and balances.
    auto w = net.WaitForHeight(last_block, 60s);
    ASSERT_TRUE(w.ok()) << w.error().message;

    // A replay of a final transaction is refused on any node -- once that node
    // has finalized it (asked earlier, a node a block behind node0 still saw
    // a new transaction: a race in this test, seen in CI).
    auto replay = net.SendTx("node5", txs[0]);
    EXPECT_FALSE(replay.ok()) << "a final transaction was accepted again";
    ExpectSameBlocks(net, all, 1, last_block);
    uint64_t counted = 0;
    for (uint64_t h = 1; h <= last_block; ++h) {
        auto b = net.Get("obs0", "/getBlockByNumber/" + std::to_string(h) + "/false");
        ASSERT_TRUE(b.ok()) << b.error().message;
        counted += U64Of((*b)["block"], "tx_count");
    }
    EXPECT_EQ(counted, static_cast<uint64_t>(kTxs)) << "exactly our transfers, each once";
    for (const auto& node : all) {
        // Gas comes from the genesis pledge, so each transfer costs exactly 1 IOST.
        EXPECT_EQ(Balance(net, node, "user1"), user_before - kTxs / 4) << node;
        EXPECT_EQ(Balance(net, node, "user4"), user_before - kTxs / 4) << node;
        EXPECT_EQ(Balance(net, node, "admin"), admin_before + kTxs) << node;
    }

    // The observer loses everything and syncs from scratch.
    const auto& obs = net.Node("obs0");
    ASSERT_TRUE(net.Kill9("obs0").ok());
    std::filesystem::remove_all(obs.data_dir);
    const uint64_t target = net.Height("node0") + 5;
    auto moved = net.WaitForHeight(target, 60s, {"node0", "node4"});
    ASSERT_TRUE(moved.ok()) << moved.error().message;
    auto restarted = net.RestartStopped();
    ASSERT_TRUE(restarted.ok()) << restarted.error().message;
    auto synced = net.WaitForHeight(target, 90s, {"obs0"});
    ASSERT_TRUE(synced.ok()) << synced.error().message;
    ExpectSameBlocks(net, {"node0", "obs0"}, 1, target);
    EXPECT_EQ(Balance(net, "obs0", "admin"), admin_before + kTxs);
}

}  // namespace
}  // namespace iost::functional
