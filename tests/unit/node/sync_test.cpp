// SyncPlanner and SyncReorder: batches spread over peers, re-assigned on
// timeouts, empty answers and bad peers; responses applied in height order;
// the progress line.
#include <gtest/gtest.h>
#include <node/sync.h>

#include <set>

namespace iost::node {
namespace {

constexpr int64_t kSec = util::kNanosPerSecond;

std::shared_ptr<const core::CertifiedBlock> Block(uint64_t h) {
    auto cb = std::make_shared<core::CertifiedBlock>();
    cb->block.height = h;
    return cb;
}

consensus::SyncResponse Blocks(uint64_t from, uint64_t to) {
    consensus::SyncResponse r;
    for (uint64_t h = from; h <= to; ++h) r.blocks.push_back(Block(h));
    return r;
}

TEST(SyncPlanner, NotSyncingWithinTheLag) {
    SyncPlanner p;
    p.SetHeight(10);
    p.PeerHeight("a", 12);
    EXPECT_FALSE(p.syncing());
    EXPECT_TRUE(p.Plan({"a"}, 0).empty());
    p.PeerHeight("a", 13);
    EXPECT_TRUE(p.syncing());
    EXPECT_EQ(p.target(), 13u);
}

TEST(SyncPlanner, SpreadsBatchesOverPeersOneEach) {
    SyncPlanner p(SyncOptions{/*batch=*/10, /*window=*/8});
    p.SetHeight(0);
    for (const char* n : {"a", "b", "c"}) p.PeerHeight(n, 100);
    const auto reqs = p.Plan({"a", "b", "c"}, 0);
    ASSERT_EQ(reqs.size(), 3u);  // one in flight per peer
    std::set<std::string> peers;
    std::set<uint64_t> starts;
    for (const auto& r : reqs) {
        peers.insert(r.peer);
        starts.insert(r.from_height);
    }
    EXPECT_EQ(peers.size(), 3u);
    EXPECT_EQ(starts, (std::set<uint64_t>{1, 11, 21}));
    EXPECT_EQ(p.in_flight(), 3u);
    // Nothing more until someone answers.
    EXPECT_TRUE(p.Plan({"a", "b", "c"}, 1).empty());
    const std::string first = reqs[0].peer;
    p.Answered(first, reqs[0].from_height, reqs[0].from_height + 9);
    p.SetHeight(10);
    const auto next = p.Plan({"a", "b", "c"}, 2);
    ASSERT_EQ(next.size(), 1u);
    EXPECT_EQ(next[0].peer, first);
    EXPECT_EQ(next[0].from_height, 31u);
}

TEST(SyncPlanner, AnAnswerCannotClaimAFarTarget) {
    SyncPlanner p(SyncOptions{/*batch=*/10, /*window=*/2});
    p.SetHeight(5);
    p.Answered("liar", 1'000'000, 1'000'100);
    EXPECT_EQ(p.target(), 25u);  // at most batch * window ahead of us
    EXPECT_EQ(p.KnownHeight("liar"), 25u);
}

TEST(SyncPlanner, BatchesPlannedOneAtATimeRotateOverPeers) {
    SyncPlanner p(SyncOptions{/*batch=*/10, /*window=*/1});
    p.PeerHeight("a", 100);
    p.PeerHeight("b", 90);
    std::vector<std::string> asked;
    for (uint64_t h = 0; h < 40; h += 10) {
        // One batch in flight at a time (window 1): still alternating.
        auto r = p.Plan({"a", "b"}, static_cast<int64_t>(h));
        ASSERT_FALSE(r.empty());
        asked.push_back(r[0].peer);
        for (const auto& q : r) p.Answered(q.peer, q.from_height, q.from_height + 9);
        p.SetHeight(h + 20);
    }
    EXPECT_EQ(asked, (std::vector<std::string>{"a", "b", "a", "b"}));
}

TEST(SyncPlanner, OnlyAsksPeersThatHaveTheBatch) {
    SyncPlanner p(SyncOptions{/*batch=*/10, /*window=*/8});
    p.PeerHeight("short", 5);
    p.PeerHeight("long", 50);
    const auto reqs = p.Plan({"short", "long"}, 0);
    ASSERT_EQ(reqs.size(), 1u);
    EXPECT_EQ(reqs[0].peer, "long");
    EXPECT_EQ(reqs[0].from_height, 1u);
}

TEST(SyncPlanner, ReassignsAfterTimeoutEmptyAnswerAndBadPeer) {
    SyncOptions o;
    o.batch = 10;
    o.window = 1;
    o.timeout_ns = 5 * kSec;
    SyncPlanner p(o);
    p.PeerHeight("a", 100);
    p.PeerHeight("b", 90);
    auto r = p.Plan({"a", "b"}, 0);
    ASSERT_EQ(r.size(), 1u);
    EXPECT_EQ(r[0].peer, "a");  // furthest ahead first
    // Timed out: a is assumed not to have it; b gets the batch.
    r = p.Plan({"a", "b"}, 6 * kSec);
    ASSERT_EQ(r.size(), 1u);
    EXPECT_EQ(r[0].peer, "b");
    EXPECT_EQ(p.KnownHeight("a"), 0u);
    // b says it has nothing from there: no one is left who has it.
    p.Answered("b", std::nullopt, 0);
    EXPECT_EQ(p.KnownHeight("b"), 0u);
    EXPECT_FALSE(p.syncing());
    EXPECT_TRUE(p.Plan({"a", "b"}, 7 * kSec).empty());
    // A bad peer is not asked again for a while, and its claims do not count.
    p.PeerHeight("c", 1000);
    p.MarkBad("c", 8 * kSec);
    EXPECT_TRUE(p.IsBad("c", 9 * kSec));
    EXPECT_FALSE(p.syncing());
    p.PeerHeight("d", 200);
    r = p.Plan({"c", "d"}, 9 * kSec);
    ASSERT_EQ(r.size(), 1u);
    EXPECT_EQ(r[0].peer, "d");
    EXPECT_FALSE(p.IsBad("c", 9 * kSec + o.bad_peer_ns));
}

TEST(SyncReorder, AppliesInHeightOrderAndJoinsSplitResponses) {
    SyncReorder r;
    // Batch 2 arrives first, from b.
    ASSERT_TRUE(r.Add("b", Blocks(11, 20), 0));
    EXPECT_FALSE(r.Next(0).has_value());
    // a's response split: micro-blocks first, then two block chunks.
    consensus::SyncResponse micros;
    auto mb = std::make_shared<core::MicroBlock>();
    mb->header.producer = "p";
    micros.micros.push_back(mb);
    ASSERT_TRUE(r.Add("a", micros, 0));
    ASSERT_TRUE(r.Add("a", Blocks(1, 5), 0));
    ASSERT_TRUE(r.Add("a", Blocks(6, 10), 0));
    auto n = r.Next(0);
    ASSERT_TRUE(n.has_value());
    EXPECT_EQ(n->peer, "a");
    EXPECT_EQ(n->first, 1u);
    EXPECT_EQ(n->last, 5u);
    EXPECT_EQ(n->response.micros.size(), 1u);
    n = r.Next(5);
    ASSERT_TRUE(n.has_value());
    EXPECT_EQ(n->first, 6u);
    EXPECT_EQ(n->response.micros.size(), 1u);  // the micro-blocks sent before both chunks
    n = r.Next(10);
    ASSERT_TRUE(n.has_value());
    EXPECT_EQ(n->peer, "b");
    // Stale answers are dropped.
    ASSERT_TRUE(r.Add("c", Blocks(1, 20), 20));
    EXPECT_EQ(r.size(), 0u);
    ASSERT_TRUE(r.Add("c", Blocks(15, 25), 20));
    n = r.Next(20);
    ASSERT_TRUE(n.has_value());
    EXPECT_EQ(n->last, 25u);
    // Forget drops a peer's pending answers.
    ASSERT_TRUE(r.Add("d", Blocks(40, 50), 25));
    r.Forget("d");
    EXPECT_EQ(r.size(), 0u);
}

TEST(SyncReorder, BoundsMicroBlocksPerPeerAndBundles) {
    SyncReorder r(/*max_bundles=*/2, /*max_micros_per_peer=*/3);
    consensus::SyncResponse micros;
    for (int i = 0; i < 4; ++i) micros.micros.push_back(std::make_shared<core::MicroBlock>());
    EXPECT_FALSE(r.Add("x", micros, 0));
    for (uint64_t s = 10; s < 50; s += 10)
        ASSERT_TRUE(r.Add("y" + std::to_string(s), Blocks(s, s + 9), 0));
    EXPECT_EQ(r.size(), 2u);  // the lowest ones are kept
    EXPECT_FALSE(r.Next(0).has_value());
    EXPECT_TRUE(r.Next(9).has_value());
}

TEST(SyncProgress, LineAndBar) {
    EXPECT_EQ(SyncProgressLine(120, 400, 35.0), "height 120/400 (35.0 blocks/s, ETA 8 s)");
    EXPECT_EQ(SyncProgressLine(10, 400, 0), "height 10/400 (0.0 blocks/s, ETA ?)");
    const std::string bar = SyncProgressBar(50, 0, 100, 10, 10);
    EXPECT_EQ(bar.rfind("sync [#####.....]  50%", 0), 0u) << bar;
}

}  // namespace
}  // namespace iost::node
