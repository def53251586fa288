// Joining FROM pruning nodes (docs/state.md "Pruning", "State sync"): a
// validator finalizing alone and an observer following it, both with
// `prune.keep_blocks` at its minimum (kMinPruneKeepBlocks) and writing
// snapshots, build a chain with transfers until both have pruned block
// bodies. Then:
//  - a node with `sync.mode: snapshot` whose only peers are the two pruning
//    nodes installs a snapshot they both offer, block-syncs the rest from
//    them and reaches the validator's state root; it never asked either of
//    them for a pruned block;
//  - a node that would replay from genesis (`sync.mode: full`) with only the
//    pruning nodes as peers gets no block (they hold no body below their
//    floor) but neither crashes nor halts, and the pruning nodes count and
//    log the refused requests ("below this node's pruned floor"). Negative
//    control: the same node syncs past that floor from an archive twin, a
//    validator with the same genesis, key and load but keep_blocks 0, on a
//    chain of its own (block sync asks validators only: they are the peers
//    whose heights a node learns, docs/node.md "Sync").
#include <gtest/gtest.h>
#include <node/stored_block.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <initializer_list>
#include <optional>
#include <sstream>
#include <string>
#include <thread>

#include "node_test_cluster.h"

namespace iost::node {
namespace {

using namespace std::chrono_literals;

constexpr uint64_t kSnapshotInterval = 200;
// What a pruning node logs when asked for a block below its floor.
constexpr const char* kRefusalLine = "below this node's pruned floor";

core::Genesis FastGenesis() {
    auto g = testing::TestGenesis(/*validators=*/1, /*B=*/1, /*N=*/1);
    // Fast enough to prune within seconds (kMinPruneKeepBlocks + 2 snapshot
    // intervals), slow enough that a joiner installing a snapshot on a loaded
    // machine keeps ahead of the peers' moving floor: at 2 ms (500 blocks/s)
    // the floor passed a joiner that had synced 24 blocks past its snapshot
    // (ctest -j2, 1 run in 4), and with every body below it pruned it could
    // not go on (a joiner does not state-sync a second time).
    g.pob.final_interval_ms = 6;
    g.pob.micro_interval_ms = 6;
    AddFillerAccounts(g, 500);  // a state worth syncing
    return g;
}

std::string ReadFile(const std::string& path) {
    std::ifstream f(path);
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
}

struct PruneCluster {
    testing::TempDir root;
    core::Genesis genesis = FastGenesis();
    std::unique_ptr<Node> validator, pruning_observer, archive_twin;

    std::string LogPath(const std::string& name) const { return root.str() + "/" + name + ".log"; }

    NodeConfig Config(const std::string& name, uint64_t keep) const {
        NodeConfig c = LoopbackNodeConfig(root.str() + "/" + name);
        c.prune_keep_blocks = keep;
        c.snapshot_interval = keep ? kSnapshotInterval : 0;
        c.snapshot_keep = 16;  // the chain is fast: a chosen snapshot stays served
        return c;
    }

    std::unique_ptr<Node> Make(const NodeConfig& c, std::optional<NodeKeys> keys,
                               util::Logger log) {
        auto n = Node::Create(c, genesis, std::move(keys), std::move(log));
        EXPECT_TRUE(n.ok()) << n.error().message;
        return n.ok() ? std::move(*n) : nullptr;
    }

    void Start() {
        validator =
            Make(Config("validator", kMinPruneKeepBlocks), testing::ValidatorKeys(0),
                 util::Logger::File(LogPath("validator"), "validator", util::LogLevel::kInfo));
        pruning_observer =
            Make(Config("pruning", kMinPruneKeepBlocks), std::nullopt,
                 util::Logger::File(LogPath("pruning"), "pruning", util::LogLevel::kInfo));
        ASSERT_NE(validator, nullptr);
        ASSERT_NE(pruning_observer, nullptr);
        pruning_observer->host().AddAddress({"127.0.0.1", validator->p2p_port()});
        // No address of it anywhere: no joiner of the pruning chain finds it.
        archive_twin = Make(Config("archive", 0), testing::ValidatorKeys(0), util::Logger::Null());
        ASSERT_NE(archive_twin, nullptr);
        ASSERT_TRUE(validator->Start().ok());
        ASSERT_TRUE(pruning_observer->Start().ok());
        ASSERT_TRUE(archive_twin->Start().ok());
    }

    // A node with an empty data dir whose only peers are `peers`.
    std::unique_ptr<Node> Joiner(const std::string& name, bool snapshot,
                                 std::initializer_list<Node*> peers) {
        NodeConfig c = Config(name, 0);
        c.sync_snapshot = snapshot;
        // One offer suffices: two peers asked once each may offer the two
        // sides of a snapshot height on this fast chain, and a peer that
        // offered is not asked again (the join would time out). The chosen
        // snapshot is the newest offered, a pruning node's either way.
        c.sync_snapshot_peers = 1;
        c.sync_snapshot_timeout_s = 60;
        auto n = Make(
            c, std::nullopt,
            std::getenv("IOST_PRUNE_JOIN_LOG") ? util::Logger::Stderr(name) : util::Logger::Null());
        if (!n) return nullptr;
        for (Node* p : peers) n->host().AddAddress({"127.0.0.1", p->p2p_port()});
        return n;
    }

    // Both pruning nodes' sync requests refused below their floor.
    uint64_t PrunedAsks() const {
        return validator->driver().Metrics().sync_pruned_asks +
               pruning_observer->driver().Metrics().sync_pruned_asks;
    }

    // The pruning nodes' logs so far.
    std::string Logs() const {
        return ReadFile(LogPath("validator")) + ReadFile(LogPath("pruning"));
    }

    void StopAll() {
        for (Node* n : {validator.get(), pruning_observer.get(), archive_twin.get()})
            if (n) n->Stop();
    }
};

// The highest snapshot height both nodes have written (0: none).
uint64_t CommonSnapshot(Node& a, Node& b) {
    auto ha = a.snapshots().store().Heights();
    auto hb = b.snapshots().store().Heights();
    uint64_t best = 0;
    for (uint64_t h : ha) {
        if (std::find(hb.begin(), hb.end(), h) != hb.end()) best = std::max(best, h);
    }
    return best;
}

void ExpectSameRootAt(Node& a, Node& b, uint64_t h) {
    auto ra = a.blocks().GetStateRoot(h).value();
    auto rb = b.blocks().GetStateRoot(h).value();
    ASSERT_TRUE(ra.has_value()) << a.id() << " lacks the state root of " << h;
    ASSERT_TRUE(rb.has_value()) << b.id() << " lacks the state root of " << h;
    EXPECT_EQ(*ra, *rb) << a.id() << " vs " << b.id() << " at height " << h;
}

TEST(NodePruneJoin, AJoinerStateSyncsFromPruningPeersAndAReplayerIsRefusedNotHung) {
    PruneCluster pc;
    ASSERT_NO_FATAL_FAILURE(pc.Start());
    Node& v = *pc.validator;
    Node& po = *pc.pruning_observer;
    Node& twin = *pc.archive_twin;

    // The chain, with a transfer every few blocks (the twin gets the same
    // load), until both pruning nodes have pruned a few hundred heights and
    // share a snapshot above their floor.
    const uint64_t want = kMinPruneKeepBlocks + 2 * kSnapshotInterval;
    uint64_t last_tx = 0;
    int sent = 0;
    ASSERT_TRUE(WaitFor(
        [&] {
            const uint64_t h = v.driver().Status().height;
            if (h >= last_tx + 5 && h < want) {
                last_tx = h;
                const auto tx = testing::Transfer("alice", "bobby", "0.01",
                                                  util::SystemClock().Now() - 500'000'000,
                                                  "t" + std::to_string(sent++));
                for (Node* n : {&v, &twin}) {
                    auto r = n->driver().SubmitTx(tx);
                    EXPECT_TRUE(r.ok()) << r.error().message;
                }
            }
            return po.driver().Status().height >= want && twin.driver().Status().height >= want &&
                   CommonSnapshot(v, po) >= kMinPruneKeepBlocks;
        },
        120s))
        << "validator " << v.driver().Status().height << ", pruning observer "
        << po.driver().Status().height << ", archive twin " << twin.driver().Status().height;
    const uint64_t snap = CommonSnapshot(v, po);
    const uint64_t floor_v = v.blocks().PrunedFloor();
    const uint64_t floor_po = po.blocks().PrunedFloor();
    // Both prune: below their floors a block is its header only.
    ASSERT_GT(floor_v, kSnapshotInterval) << "the validator did not prune";
    ASSERT_GT(floor_po, kSnapshotInterval) << "the pruning observer did not prune";
    for (Node* n : {&v, &po}) {
        auto b = LoadStoredBlock(n->blocks(), 1);
        ASSERT_FALSE(b.ok());
        EXPECT_EQ(b.error().failure, LoadFailure::kPruned);
    }
    EXPECT_TRUE(LoadStoredBlock(twin.blocks(), 1).ok());
    EXPECT_EQ(twin.blocks().PrunedFloor(), 1u);
    EXPECT_GT(sent, 50);

    // 1. State sync from the pruning nodes only.
    {
        auto joiner = pc.Joiner("snapshot-joiner", true, {&v, &po});
        ASSERT_NE(joiner, nullptr);
        auto st = joiner->Start();
        ASSERT_TRUE(st.ok()) << st.error().message;
        const auto& rep = joiner->state_sync_report();
        EXPECT_GE(rep.height, snap);
        EXPECT_EQ(rep.height % kSnapshotInterval, 0u);
        EXPECT_GT(rep.height, std::max(floor_v, floor_po) + 128);
        EXPECT_EQ(joiner->driver().LastRestore().mode, RestoreReport::Mode::kCheckpoint);
        const uint64_t target = v.driver().Status().height;
        ASSERT_TRUE(WaitFor(
            [&] {
                return joiner->driver().Status().height >= target &&
                       po.driver().Status().height >= target;
            },
            60s))
            << "joiner at " << joiner->driver().Status().height << ", pruning observer at "
            << po.driver().Status().height << ", target " << target;
        ExpectSameRootAt(*joiner, v, rep.height);
        ExpectSameRootAt(*joiner, v, target);
        ExpectSameRootAt(*joiner, po, target);
        EXPECT_GT(joiner->driver().Metrics().blocks_synced, 0u);
        EXPECT_FALSE(joiner->driver().halted());
        // It never needed a pruned body.
        EXPECT_EQ(pc.PrunedAsks(), 0u);
        EXPECT_EQ(pc.Logs().find(kRefusalLine), std::string::npos);
        joiner->Stop();
    }

    // 2. A replay from genesis with only pruning peers: refused (an empty
    // answer each time, counted and logged by the peers), not a crash.
    {
        auto replayer = pc.Joiner("replayer", false, {&v, &po});
        ASSERT_NE(replayer, nullptr);
        ASSERT_TRUE(replayer->Start().ok());
        ASSERT_TRUE(WaitFor([&] { return pc.PrunedAsks() >= 3; }, 30s))
            << "the pruning nodes were never asked below their floor";
        std::this_thread::sleep_for(1s);
        EXPECT_EQ(replayer->driver().Status().height, 0u);
        EXPECT_EQ(replayer->driver().Metrics().blocks_synced, 0u);
        EXPECT_FALSE(replayer->driver().halted());
        replayer->Stop();
        EXPECT_NE(pc.Logs().find(kRefusalLine), std::string::npos)
            << "no refusal line in the pruning nodes' logs";
    }

    // Negative control: the same replayer, with the archive twin as its only
    // peer, gets the blocks below the pruning nodes' floor.
    {
        auto replayer = pc.Joiner("replayer-archive", false, {&twin});
        ASSERT_NE(replayer, nullptr);
        ASSERT_TRUE(replayer->Start().ok());
        const uint64_t past = std::max(floor_v, floor_po) + 10;
        ASSERT_TRUE(WaitFor([&] { return replayer->driver().Status().height >= past; }, 60s))
            << "replayer at " << replayer->driver().Status().height << ", wanted " << past;
        ExpectSameRootAt(*replayer, twin, past);
        EXPECT_GT(replayer->driver().Metrics().blocks_synced, 0u);
        replayer->Stop();
    }
    pc.StopAll();
}

}  // namespace
}  // namespace iost::node
