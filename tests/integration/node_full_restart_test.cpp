// A restart of EVERY node (docs/pob.md §9, docs/state.md "Restart in constant
// time"): a believable producer that stops with MicroBlocks no final block
// includes yet resumes its chain after them, so its next MicroBlocks link
// to blocks that only it signed. Peers held them in memory only, so after
// all nodes restarted nobody had them: no proposer could extend that
// producer's chain, its heartbeats kept it from being declared silent
// (docs/pob.md §5.4) and its transactions, seen PACKED, never became
// overdue (docs/pob.md §5.5), so its partition finalized nothing until the
// epoch ended (seen with
// `iost-devnet stop` + `start` under iost-bench, docs/benchmarks.md
// "Restart liveness"). The producer now keeps each MicroBlock it signs
// durable beside its producer record and serves the unincluded ones again.
#include <gtest/gtest.h>
#include <node/wire.h>
#include <storage/rocks_kv_store.h>
#include <storage/schema.h>

#include <string>

#include "node_test_cluster.h"

namespace iost::node {
namespace {

using namespace std::chrono_literals;

struct Roles {
    std::vector<int> believable, normal;
};

Roles RolesOf(Cluster& c) {
    Roles r;
    const auto st = c.nodes[0]->driver().Status();
    for (int i = 0; i < kValidators; ++i) {
        const std::string& id = c.nodes[i]->id();
        if (std::find(st.normal.begin(), st.normal.end(), id) != st.normal.end())
            r.normal.push_back(i);
        if (std::find(st.believable.begin(), st.believable.end(), id) != st.believable.end())
            r.believable.push_back(i);
    }
    return r;
}

uint64_t PackedOn(Cluster& c, const std::vector<int>& idx) {
    uint64_t n = 0;
    for (int i : idx) n += c.nodes[i]->driver().Metrics().txs_packed;
    return n;
}

// Stops the normal league first (nothing finalizes after that), has the
// owner of alice's partition pack `before` into a MicroBlock no block
// includes, stops the believable validators, optionally drops what they kept
// of their MicroBlocks (`forget_own_micros`: the node before the fix), and
// restarts every node on its data dir. Returns `before` and a transfer
// submitted after the restart.
std::pair<crypto::Hash256, crypto::Hash256> PackStopAllRestart(Cluster& c, bool forget_own_micros) {
    EXPECT_TRUE(WaitFor([&] { return c.MinHeight() >= 3; }, 60s)) << "min height " << c.MinHeight();
    const Roles roles = RolesOf(c);
    EXPECT_EQ(roles.believable.size(), 2u);
    EXPECT_EQ(roles.normal.size(), 4u);
    for (int i : roles.normal) c.nodes[i]->Stop();

    const uint64_t packed0 = PackedOn(c, roles.believable);
    const int64_t now = util::SystemClock().Now();
    auto before = c.nodes[roles.believable[0]]->driver().SubmitTx(
        testing::Transfer("alice", "bobby", "1", now - 1'000'000'000, "before"));
    EXPECT_TRUE(before.ok()) << before.error().message;
    // Packed by its owner (a MicroBlock, counted where it was produced and
    // where it arrived), so it sits in a MicroBlock no final block includes.
    EXPECT_TRUE(WaitFor([&] { return PackedOn(c, roles.believable) > packed0; }, 10s));
    std::this_thread::sleep_for(300ms);  // a heartbeat or two more after it
    for (int i : roles.believable) c.nodes[i]->Stop();
    c.nodes.clear();  // closes every data dir

    if (forget_own_micros) {
        for (int i = 0; i < kValidators; ++i) {
            auto kv = storage::RocksKvStore::Open(c.ConfigFor(i).data_dir + "/db");
            EXPECT_TRUE(kv.ok()) << kv.error().message;
            if (!kv.ok()) continue;
            storage::WriteBatch del;
            const std::string id = testing::ValidatorName(i);
            for (uint64_t s = 0; s < kProducerMicroSlots; ++s) {
                const std::string k = ProducerMicroKey(id, s);
                del.Delete(storage::PrefixedKey(storage::table::kSafety, util::AsBytes(k)));
            }
            EXPECT_TRUE((*kv)->Write(del, storage::Sync::kYes).ok());
        }
    }

    for (int i = 0; i < kValidators; ++i) c.nodes.push_back(c.Make(i));
    for (auto& n : c.nodes) EXPECT_NE(n, nullptr);
    for (int i = 0; i < kValidators; ++i) c.Connect(i);
    for (auto& n : c.nodes) EXPECT_TRUE(n->Start().ok());

    const int64_t later = util::SystemClock().Now();
    auto after = c.nodes[roles.normal[0]]->driver().SubmitTx(
        testing::Transfer("alice", "bobby", "1", later - 1'000'000'000, "after"));
    EXPECT_TRUE(after.ok()) << after.error().message;
    return {before.ok() ? *before : crypto::Hash256{}, after.ok() ? *after : crypto::Hash256{}};
}

bool FinalEverywhere(Cluster& c, const std::vector<crypto::Hash256>& txs) {
    for (auto& n : c.nodes) {
        for (const auto& h : txs) {
            if (!FinalOn(*n, h)) return false;
        }
    }
    return true;
}

TEST(NodeFullRestart, PackedTxsAndTheProducersNextTxsAreFinalAfterEveryNodeRestarts) {
    Cluster c;
    ASSERT_NO_FATAL_FAILURE(c.StartAll());
    const auto [before, after] = PackStopAllRestart(c, /*forget_own_micros=*/false);
    EXPECT_TRUE(WaitFor(
        [&] {
            return FinalEverywhere(c, {before, after});
        },
        60s))
        << "packed before the stop final: " << FinalOn(*c.nodes[0], before)
        << ", sent after the restart final: " << FinalOn(*c.nodes[0], after);
    ExpectSameChain(c, c.MinHeight());
    for (auto& n : c.nodes) n->Stop();
}

// Negative control: without the producer's own copies (what the node kept
// before this fix) the same restart starves alice's partition: neither the
// packed transaction nor the new one becomes final while the epoch lasts,
// although blocks keep finalizing.
TEST(NodeFullRestart, NegativeControlWithoutTheProducersCopiesThePartitionStarves) {
    Cluster c;
    ASSERT_NO_FATAL_FAILURE(c.StartAll());
    const auto [before, after] = PackStopAllRestart(c, /*forget_own_micros=*/true);
    const uint64_t h0 = c.MinHeight();
    EXPECT_TRUE(WaitFor([&] { return c.MinHeight() >= h0 + 10; }, 60s))
        << "the chain itself must go on: min height " << c.MinHeight();
    EXPECT_FALSE(FinalOn(*c.nodes[0], before));
    EXPECT_FALSE(FinalOn(*c.nodes[0], after));
    for (auto& n : c.nodes) n->Stop();
}

}  // namespace
}  // namespace iost::node
