// Load through an in-process cluster (docs/node.md "Performance"): N signed
// transfers from several publishers submitted at one normal validator must
// all become final on every node. The count comes from IOST_NODE_LOAD_TXS
// (default 600, so make test stays quick); it prints the final throughput
// for the profiling notes in docs/node.md but asserts nothing about time.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>

#include "node_test_cluster.h"

namespace iost::node {
namespace {

using namespace std::chrono_literals;

TEST(NodeLoad, AllTransfersBecomeFinalEverywhere) {
    size_t n_txs = 600;
    if (const char* e = std::getenv("IOST_NODE_LOAD_TXS")) n_txs = std::strtoul(e, nullptr, 10);
    ASSERT_GT(n_txs, 0u);
    ASSERT_LE(n_txs, 200'000u);
    Cluster c;
    ASSERT_NO_FATAL_FAILURE(c.StartAll());
    ASSERT_TRUE(WaitFor([&] { return c.MinHeight() >= 2; }, 60s));

    // Publishers alternate so that both believable validators produce.
    const std::vector<std::string> from = {"alice", "bobby", "admin"};
    const int64_t now = util::SystemClock().Now();
    std::vector<core::Tx> txs;
    txs.reserve(n_txs);
    for (size_t i = 0; i < n_txs; ++i) {
        const std::string& f = from[i % from.size()];
        txs.push_back(testing::Transfer(f, f == "alice" ? "bobby" : "alice", "0.001", now,
                                        "load-" + std::to_string(i)));
    }
    std::vector<uint64_t> base;
    for (auto& n : c.nodes) base.push_back(n->driver().Metrics().txs_finalized);
    const auto t0 = std::chrono::steady_clock::now();
    size_t accepted = 0;
    for (size_t i = 0; i < txs.size(); ++i) {
        auto r = c.nodes[i % c.nodes.size()]->driver().SubmitTx(txs[i]);
        if (r.ok())
            ++accepted;
        else
            ADD_FAILURE() << "tx " << i << ": " << r.error().message;
    }
    const auto t_submit = std::chrono::steady_clock::now();
    ASSERT_TRUE(WaitFor(
        [&] {
            for (size_t i = 0; i < c.nodes.size(); ++i) {
                if (c.nodes[i]->driver().Metrics().txs_finalized < base[i] + accepted) return false;
            }
            return true;
        },
        300s))
        << "final on node0: " << c.nodes[0]->driver().Metrics().txs_finalized - base[0] << " of "
        << accepted;
    const auto t_final = std::chrono::steady_clock::now();
    const double submit_s = std::chrono::duration<double>(t_submit - t0).count();
    const double final_s = std::chrono::duration<double>(t_final - t0).count();
    const auto m = c.nodes[0]->driver().Metrics();
    std::printf(
        "load: %zu txs, submitted in %.2f s (%.0f tx/s), final everywhere in %.2f s (%.0f tx/s); "
        "node0 height %llu, latency mean %.3f s, view changes %llu, rejected proposals %llu\n",
        accepted, submit_s, static_cast<double>(accepted) / submit_s, final_s,
        static_cast<double>(accepted) / final_s, static_cast<unsigned long long>(m.final_height),
        m.finalize_latency.count
            ? m.finalize_latency.sum_seconds / static_cast<double>(m.finalize_latency.count)
            : 0.0,
        static_cast<unsigned long long>(m.view_changes),
        static_cast<unsigned long long>(m.proposals_rejected));
    for (auto& n : c.nodes) n->Stop();
}

}  // namespace
}  // namespace iost::node
