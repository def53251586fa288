// Kept copies without a signature check on receipt (docs/pob.md §5.5 "Kept
// copies", issue #15.2) and the verify pool's inline mode (verify_threads 0).
// A client transaction entering at a believable validator is handed to every
// normal validator as a kept copy; a normal validator does not pack or
// propose it while its owner is live, so it keeps the copy unchecked.
#include <gtest/gtest.h>

#include "node_test_cluster.h"

namespace iost::node {
namespace {

using namespace std::chrono_literals;

// Submits `count` transfers at a believable validator, waits until they are
// final everywhere; returns the index of the normal validators.
std::vector<int> RunTransfers(Cluster& c, int count) {
    std::vector<int> normals;
    EXPECT_TRUE(WaitFor([&] { return c.MinHeight() >= 3; }, 60s)) << "min height " << c.MinHeight();
    const auto st = c.nodes[0]->driver().Status();
    EXPECT_FALSE(st.chain_fallback);
    int entry = -1;
    for (int i = 0; i < kValidators; ++i) {
        const std::string& id = c.nodes[i]->id();
        if (std::find(st.normal.begin(), st.normal.end(), id) != st.normal.end())
            normals.push_back(i);
        if (!st.believable.empty() && id == st.believable[0]) entry = i;
    }
    EXPECT_GE(entry, 0);
    if (entry < 0) return normals;
    std::vector<crypto::Hash256> sent;
    const int64_t now = util::SystemClock().Now();
    for (int k = 0; k < count; ++k) {
        auto h = c.nodes[entry]->driver().SubmitTx(
            testing::Transfer("alice", "bobby", "1", now - 1'000'000'000, std::to_string(k)));
        EXPECT_TRUE(h.ok()) << h.error().message;
        if (h.ok()) sent.push_back(*h);
    }
    EXPECT_TRUE(WaitFor(
        [&] {
            for (auto& n : c.nodes) {
                for (const auto& h : sent) {
                    if (!FinalOn(*n, h)) return false;
                }
            }
            return true;
        },
        60s));
    return normals;
}

TEST(NodeKeptCopies, NormalValidatorsKeepCopiesUncheckedAndFreeTheSlots) {
    Cluster c;
    // Half the nodes check signatures inline (verify_threads 0), half on a
    // pool: both must accept the same transactions and build one chain.
    c.configure = [](int i, NodeConfig& cfg) { cfg.verify_threads = i % 2 == 0 ? 0 : 2; };
    ASSERT_NO_FATAL_FAILURE(c.StartAll());
    constexpr int kTxs = 6;
    const std::vector<int> normals = RunTransfers(c, kTxs);
    ASSERT_EQ(normals.size(), 4u);
    for (int i : normals) {
        const NodeMetrics m = c.nodes[i]->driver().Metrics();
        EXPECT_GE(m.copies_kept_unverified, static_cast<uint64_t>(kTxs)) << c.nodes[i]->id();
        // Final: the unverified slots are free again.
        EXPECT_TRUE(
            WaitFor([&] { return c.nodes[i]->driver().Metrics().unverified_held == 0; }, 10s))
            << c.nodes[i]->id() << " holds " << c.nodes[i]->driver().Metrics().unverified_held;
    }
    ExpectSameChain(c, c.MinHeight());
    for (auto& n : c.nodes) n->Stop();
}

TEST(NodeKeptCopies, NegativeControlChecksEveryCopyOnReceipt) {
    Cluster c;
    c.configure = [](int, NodeConfig& cfg) { cfg.keep_unverified = false; };
    ASSERT_NO_FATAL_FAILURE(c.StartAll());
    const std::vector<int> normals = RunTransfers(c, 3);
    ASSERT_EQ(normals.size(), 4u);
    for (int i : normals) {
        EXPECT_EQ(c.nodes[i]->driver().Metrics().copies_kept_unverified, 0u) << c.nodes[i]->id();
    }
    for (auto& n : c.nodes) n->Stop();
}

}  // namespace
}  // namespace iost::node
