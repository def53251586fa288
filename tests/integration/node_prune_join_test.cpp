// Joining FROM pruning nodes (docs/state.md "Pruning", "State sync"): a
// validator finalizing alone and an observer following it, both with
// `prune.keep_blocks` at its minimum (kMinPruneKeepBlocks) and writing
// snapshots, build a chain with transfers until both have pruned block
// bodies; an archive observer (keep_blocks 0) follows too and is stopped
// before the joiners start (peer exchange would lead them to it). Then:
//  - a node with `sync.mode: snapshot` whose only peers are the two pruning
//    nodes installs a snapshot they both offer, block-syncs the rest from
//    them and reaches the validator's state root; it never asked either of
//    them for a pruned block;
//  - a node that would replay from genesis (`sync.mode: full`) with only the
//    pruning nodes as peers gets no block (they hold no body below their
//    floor) but neither crashes nor halts, and the pruning nodes count and
//    log the refused requests ("below this node's pruned floor"); the same
//    node with the archive observer (restarted) as its peer does sync past
//    the pruning nodes' floor (the negative control: the refusal comes from
//    pruning).
#include <gtest/gtest.h>

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

core::Genesis FastGenesis() {
    auto g = testing::TestGenesis(/*validators=*/1, /*B=*/1, /*N=*/1);
    g.pob.final_interval_ms = 2;
    g.pob.micro_interval_ms = 2;
    AddFillerAccounts(g, 500);  // a state of several chunks
    return g;
}

struct PruneCluster {
    testing::TempDir root;
    core::Genesis genesis = FastGenesis();
    std::unique_ptr<Node> validator, pruning_observer, archive_observer;

    std::string LogPath(const std::string& name) const { return root.str() + "/" + name + ".log"; }

    NodeConfig Config(const std::string& name, uint64_t keep) const {
        NodeConfig c;
        c.data_dir = root.str() + "/" + name;
        c.p2p_listen = {"127.0.0.1", 0};
        c.http_enabled = false;
        c.grpc_enabled = false;
        c.verify_threads = 1;
        c.storage_sync = false;
        c.audit_txs_per_sec = -1;
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
        ASSERT_TRUE(validator->Start().ok());
        ASSERT_TRUE(pruning_observer->Start().ok());
        ASSERT_NO_FATAL_FAILURE(StartArchive());
    }

    // (Re)starts the archive observer on its data dir, following the validator.
    void StartArchive() {
        archive_observer = Make(Config("archive", 0), std::nullopt, util::Logger::Null());
        ASSERT_NE(archive_observer, nullptr);
        archive_observer->host().AddAddress({"127.0.0.1", validator->p2p_port()});
        ASSERT_TRUE(archive_observer->Start().ok());
    }
    void StopArchive() {
        archive_observer->Stop();
        archive_observer.reset();
    }

    // A node with an empty data dir whose only peers are `peers`.
    std::unique_ptr<Node> Joiner(const std::string& name, bool snapshot,
                                 std::initializer_list<Node*> peers) {
        NodeConfig c = Config(name, 0);
        c.sync_snapshot = snapshot;
        c.sync_snapshot_peers = 2;
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

    void StopAll() {
        for (Node* n : {validator.get(), pruning_observer.get(), archive_observer.get()})
            if (n) n->Stop();
    }
};

std::string ReadFile(const std::string& path) {
    std::ifstream f(path);
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
}

bool HasSnapshot(Node& n, uint64_t h) {
    auto hs = n.snapshots().store().Heights();
    return std::find(hs.begin(), hs.end(), h) != hs.end();
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

    // The chain, with a transfer every few blocks, until both pruning nodes
    // have pruned past a few hundred heights and share a snapshot above it.
    const uint64_t want = kMinPruneKeepBlocks + 2 * kSnapshotInterval;
    const uint64_t snap = (want / kSnapshotInterval) * kSnapshotInterval;
    uint64_t last_tx = 0;
    int sent = 0;
    ASSERT_TRUE(WaitFor(
        [&] {
            const uint64_t h = v.driver().Status().height;
            if (h >= last_tx + 5 && h < want) {
                last_tx = h;
                auto r = v.driver().SubmitTx(testing::Transfer(
                    "alice", "bobby", "0.01", util::SystemClock().Now() - 500'000'000,
                    "t" + std::to_string(sent++)));
                EXPECT_TRUE(r.ok()) << r.error().message;
            }
            return po.driver().Status().height >= want &&
                   pc.archive_observer->driver().Status().height >= want && HasSnapshot(v, snap) &&
                   HasSnapshot(po, snap);
        },
        120s))
        << "validator " << v.driver().Status().height << ", pruning observer "
        << po.driver().Status().height << ", archive observer "
        << pc.archive_observer->driver().Status().height;
    const uint64_t floor_v = v.blocks().PrunedFloor();
    const uint64_t floor_po = po.blocks().PrunedFloor();
    // Both prune, and below their floors block 1 is headers only.
    ASSERT_GT(floor_v, kSnapshotInterval) << "the validator did not prune";
    ASSERT_GT(floor_po, kSnapshotInterval) << "the pruning observer did not prune";
    EXPECT_FALSE(v.blocks().GetBlockTxHashes(1).value().has_value());
    EXPECT_FALSE(po.blocks().GetBlockTxHashes(1).value().has_value());
    EXPECT_TRUE(pc.archive_observer->blocks().GetBlockTxHashes(1).value().has_value());
    EXPECT_EQ(pc.archive_observer->blocks().PrunedFloor(), 1u);
    EXPECT_GT(sent, 50);
    // From here on the pruning nodes are the only ones a joiner can find.
    pc.StopArchive();

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
        ASSERT_TRUE(WaitFor([&] { return joiner->driver().Status().height >= target; }, 60s))
            << "joiner at " << joiner->driver().Status().height << ", target " << target;
        ExpectSameRootAt(*joiner, v, rep.height);
        ExpectSameRootAt(*joiner, v, target);
        ExpectSameRootAt(*joiner, po, target);
        EXPECT_GT(joiner->driver().Metrics().blocks_synced, 0u);
        EXPECT_FALSE(joiner->driver().halted());
        // It never needed a pruned body.
        EXPECT_EQ(pc.PrunedAsks(), 0u);
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
        EXPECT_EQ(replayer->driver().Metrics().sync_state, SyncState::kSyncing);
        EXPECT_FALSE(replayer->driver().halted());
        replayer->Stop();
        const std::string logs =
            ReadFile(pc.LogPath("validator")) + ReadFile(pc.LogPath("pruning"));
        EXPECT_NE(logs.find("below this node's pruned floor"), std::string::npos)
            << "no refusal line in the pruning nodes' logs";
    }

    // Negative control: the same replayer with the archive observer as its
    // peer gets the blocks below the pruning nodes' floor.
    {
        ASSERT_NO_FATAL_FAILURE(pc.StartArchive());
        Node& ao = *pc.archive_observer;
        auto replayer = pc.Joiner("replayer-archive", false, {&ao});
        ASSERT_NE(replayer, nullptr);
        ASSERT_TRUE(replayer->Start().ok());
        const uint64_t past = std::max(floor_v, floor_po) + 10;
        ASSERT_TRUE(WaitFor([&] { return replayer->driver().Status().height >= past; }, 60s))
            << "replayer at " << replayer->driver().Status().height << ", wanted " << past;
        ExpectSameRootAt(*replayer, ao, past);
        ExpectSameRootAt(*replayer, v, past);
        EXPECT_GT(replayer->driver().Metrics().blocks_synced, 0u);
        replayer->Stop();
    }
    pc.StopAll();
}

}  // namespace
}  // namespace iost::node
