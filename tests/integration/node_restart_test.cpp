// Restart in constant time and pruning (docs/state.md "Restart in constant
// time", "Pruning"), with real nodes on RocksDB temp dirs. One validator
// (chain fallback: it finalizes alone, fast) builds a chain with
// transactions; copies of its stopped data dir restart from the head's
// consensus checkpoint and, with the checkpoint deleted, by replaying every
// block: the engine must come back in the same state both ways. A torn
// checkpoint falls back to the replay; a pruned data dir without one refuses
// to start with a clear message; pruning keeps the head's window and serves
// the pruned heights' headers only.
//
// IOST_RESTART_BENCH=1 turns the first test into the measurement of
// docs/state.md (100,000 genesis accounts, restart at 2,000 and 20,000
// blocks); `make restart-bench` runs it.
#include <gtest/gtest.h>
#include <ledger/state.h>
#include <node/stored_block.h>
#include <storage/rocks_kv_store.h>
#include <storage/schema.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "node_test_cluster.h"

namespace iost::node {
namespace {

using namespace std::chrono_literals;

bool BenchMode() { return std::getenv("IOST_RESTART_BENCH") != nullptr; }

core::Genesis SoloGenesis(size_t extra_accounts) {
    auto g = testing::TestGenesis(/*validators=*/1, /*B=*/1, /*N=*/1);
    g.pob.final_interval_ms = 2;
    g.pob.micro_interval_ms = 2;
    g.pob.epoch_length = 50;  // several epoch changes inside the window
    AddFillerAccounts(g, extra_accounts);
    return g;
}

NodeConfig SoloConfig(const std::string& data_dir) {
    NodeConfig c = LoopbackNodeConfig(data_dir);
    c.snapshot_interval = 0;  // the disk-use bench measures the chain, not snapshot files
    return c;
}

std::unique_ptr<Node> MakeSolo(const core::Genesis& g, const NodeConfig& c) {
    auto n = Node::Create(c, g, testing::ValidatorKeys(0), util::Logger::Null());
    EXPECT_TRUE(n.ok()) << n.error().message;
    return n.ok() ? std::move(*n) : nullptr;
}

uint64_t DirBytes(const std::string& dir) {
    uint64_t total = 0;
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
        if (e.is_regular_file()) total += e.file_size();
    }
    return total;
}

// Runs the node until its head reaches `target`, with `per_round` transfers
// every few blocks so the dedup window holds transactions.
void RunTo(Node& n, uint64_t target, int* sent, int per_round = 1) {
    uint64_t last_tx_height = 0;
    const auto limit = std::chrono::steady_clock::now() + (BenchMode() ? 3600s : 120s);
    while (n.driver().Status().height < target) {
        ASSERT_LT(std::chrono::steady_clock::now(), limit)
            << "stuck at height " << n.driver().Status().height;
        const uint64_t h = n.driver().Status().height;
        if (h >= last_tx_height + 5) {
            last_tx_height = h;
            const int64_t now = util::SystemClock().Now();
            for (int i = 0; i < per_round; ++i) {
                auto r = n.driver().SubmitTx(testing::Transfer(
                    "alice", "bobby", "0.01", now - 500'000'000, "t" + std::to_string((*sent)++)));
                ASSERT_TRUE(r.ok()) << r.error().message;
            }
        }
        std::this_thread::sleep_for(2ms);
    }
}

void CopyDir(const std::string& from, const std::string& to) {
    std::filesystem::copy(from, to, std::filesystem::copy_options::recursive);
}

// Rewrites (or deletes, value = nullopt) the stored checkpoint of a stopped node.
void SetCheckpointRecord(const std::string& data_dir, std::optional<util::Bytes> value) {
    auto kv = storage::RocksKvStore::Open(data_dir + "/db").value();
    storage::WriteBatch b;
    if (value) {
        b.Put(storage::CheckpointKey(), *value);
    } else {
        b.Delete(storage::CheckpointKey());
    }
    ASSERT_TRUE(kv->Write(b, storage::Sync::kYes).ok());
    ASSERT_TRUE(kv->Close().ok());
}

struct Restarted {
    RestoreReport report;
    uint64_t head = 0;
    double create_ms = 0;  // Node::Create: genesis state, RocksDB open, stores
    double start_ms = 0;   // Node::Start: the restore, then networking
};

// Starts a node on `dir`, reads how it restored, stops it.
Restarted StartAndStop(const core::Genesis& g, const std::string& dir) {
    Restarted out;
    using Ms = std::chrono::duration<double, std::milli>;
    const auto t0 = std::chrono::steady_clock::now();
    auto n = MakeSolo(g, SoloConfig(dir));
    if (!n) return out;
    const auto t1 = std::chrono::steady_clock::now();
    auto st = n->Start();
    out.create_ms = Ms(t1 - t0).count();
    out.start_ms = Ms(std::chrono::steady_clock::now() - t1).count();
    EXPECT_TRUE(st.ok()) << st.error().message;
    out.report = n->driver().LastRestore();
    n->Stop();
    out.head = n->blocks().GetHead()->height;
    return out;
}

void ExpectSameRestore(const Restarted& a, const Restarted& b) {
    EXPECT_EQ(a.report.height, b.report.height);
    EXPECT_TRUE(a.report.checkpoint == b.report.checkpoint)
        << "the engine's chain-derived state differs between the two restarts";
    EXPECT_EQ(a.report.final_txs, b.report.final_txs) << "dedup windows differ";
}

TEST(NodeRestart, CheckpointRestoreEqualsFullReplayAndIgnoresATornCheckpoint) {
    testing::TempDir root;
    const bool bench = BenchMode();
    const auto g = SoloGenesis(bench ? 100'000 : 300);
    // Past the dedup window (1,000 heights), so the restart's window is
    // really a window; the bench restarts at 2,000 and 20,000.
    const std::vector<uint64_t> stops =
        bench ? std::vector<uint64_t>{2'000, 20'000} : std::vector<uint64_t>{1'030};
    const std::string live = root.str() + "/live";
    int sent = 0;
    for (const uint64_t stop : stops) {
        {
            auto n = MakeSolo(g, SoloConfig(live));
            ASSERT_NE(n, nullptr);
            ASSERT_TRUE(n->Start().ok());
            ASSERT_NO_FATAL_FAILURE(RunTo(*n, stop, &sent));
            n->Stop();
        }
        const std::string a = root.str() + "/a" + std::to_string(stop);
        const std::string b = root.str() + "/b" + std::to_string(stop);
        CopyDir(live, a);
        CopyDir(live, b);
        ASSERT_NO_FATAL_FAILURE(SetCheckpointRecord(b, std::nullopt));
        const Restarted fast = StartAndStop(g, a);
        const Restarted slow = StartAndStop(g, b);
        EXPECT_EQ(fast.report.mode, RestoreReport::Mode::kCheckpoint);
        EXPECT_EQ(slow.report.mode, RestoreReport::Mode::kReplay);
        EXPECT_GE(fast.report.height, stop);
        ASSERT_NO_FATAL_FAILURE(ExpectSameRestore(fast, slow));
        EXPECT_GT(fast.report.final_txs, 0u);
        std::printf(
            "restart at height %llu (%zu genesis accounts, data dir %.0f MB): "
            "checkpoint: restore %llu ms, Node::Create %.0f ms, Node::Start %.0f ms; "
            "full replay: restore %llu ms, Node::Create %.0f ms, Node::Start %.0f ms\n",
            static_cast<unsigned long long>(fast.report.height), g.accounts.size(),
            static_cast<double>(DirBytes(a)) / 1e6, static_cast<unsigned long long>(fast.report.ms),
            fast.create_ms, fast.start_ms, static_cast<unsigned long long>(slow.report.ms),
            slow.create_ms, slow.start_ms);
        std::fflush(stdout);
        std::filesystem::remove_all(b);
        if (bench) {
            std::filesystem::remove_all(a);
            continue;
        }
        // A torn checkpoint record (cut short) is detected and ignored: the
        // node replays instead and reaches the same state.
        auto kv = storage::RocksKvStore::Open(a + "/db").value();
        util::Bytes rec = kv->Get(storage::CheckpointKey()).value().value();
        ASSERT_TRUE(kv->Close().ok());
        rec.resize(rec.size() / 2);
        ASSERT_NO_FATAL_FAILURE(SetCheckpointRecord(a, rec));
        const Restarted torn = StartAndStop(g, a);
        EXPECT_EQ(torn.report.mode, RestoreReport::Mode::kReplay);
        EXPECT_GE(torn.report.height, fast.head);
        // And the node writes a new one with its next block.
        const Restarted again = StartAndStop(g, a);
        EXPECT_EQ(again.report.mode, RestoreReport::Mode::kCheckpoint);
        // A state that is not the head's (its stored tree root differs) is
        // refused, not resumed from.
        {
            auto kv2 = storage::RocksKvStore::Open(a + "/db").value();
            storage::WriteBatch wb;
            const std::string root_key(ledger::kStateRootKey);
            wb.Put(storage::PrefixedKey(storage::table::kState, util::AsBytes(root_key)),
                   util::Bytes(32, 0x5a));
            ASSERT_TRUE(kv2->Write(wb, storage::Sync::kYes).ok());
            ASSERT_TRUE(kv2->Close().ok());
            auto bad = MakeSolo(g, SoloConfig(a));
            ASSERT_NE(bad, nullptr);
            auto st = bad->Start();
            ASSERT_FALSE(st.ok());
            EXPECT_NE(st.error().message.find("not the head block's"), std::string::npos)
                << st.error().message;
        }
    }
}

TEST(NodeRestart, PrunedNodeKeepsHeadersServesRecentBlocksAndRestartsFromItsCheckpoint) {
    testing::TempDir root;
    const auto g = SoloGenesis(50);
    const std::string dir = root.str() + "/pruned";
    NodeConfig c = SoloConfig(dir);
    c.prune_keep_blocks = kMinPruneKeepBlocks;
    int sent = 0;
    uint64_t floor = 0;
    {
        auto created = Node::Create(c, g, testing::ValidatorKeys(0), util::Logger::Null());
        ASSERT_TRUE(created.ok()) << created.error().message;
        auto n = std::move(*created);
        ASSERT_TRUE(n->Start().ok());
        ASSERT_NO_FATAL_FAILURE(RunTo(*n, kMinPruneKeepBlocks + 150, &sent));
        // Checked while it runs (the data dir closes on Stop): the floor
        // only moves up, so what is below it now stays pruned.
        const uint64_t head = n->blocks().GetHead()->height;
        floor = n->blocks().PrunedFloor();
        // Pruning runs behind by at most its per-block budget.
        EXPECT_GT(floor, 100u);
        EXPECT_LE(floor + kMinPruneKeepBlocks, head + 1);
        EXPECT_GE(n->driver().Metrics().pruned_blocks, floor - 1);
        // Below the floor: header and certificate only, a typed failure.
        auto pruned = LoadStoredBlock(n->blocks(), floor - 1);
        ASSERT_FALSE(pruned.ok());
        EXPECT_EQ(pruned.error().failure, LoadFailure::kPruned);
        EXPECT_NE(pruned.error().detail.find("pruned"), std::string::npos);
        EXPECT_TRUE(LoadStoredBlock(n->blocks(), floor - 1, WithMicros::kNo).ok());
        EXPECT_FALSE(n->blocks().GetBlockTxHashes(floor - 1).value().has_value());
        // The head's window is complete.
        EXPECT_TRUE(LoadStoredBlock(n->blocks(), head).ok());
        EXPECT_TRUE(LoadStoredBlock(n->blocks(), head - kMinPruneKeepBlocks + 200).ok());
        n->Stop();
    }
    // It restarts from its checkpoint (a replay is impossible now).
    auto r = StartAndStop(g, dir);
    EXPECT_EQ(r.report.mode, RestoreReport::Mode::kCheckpoint);
    // Without the checkpoint it refuses to start, saying why.
    ASSERT_NO_FATAL_FAILURE(SetCheckpointRecord(dir, std::nullopt));
    auto n = MakeSolo(g, c);
    ASSERT_NE(n, nullptr);
    auto st = n->Start();
    ASSERT_FALSE(st.ok());
    EXPECT_NE(st.error().message.find("pruned"), std::string::npos) << st.error().message;
}

// docs/state.md "Pruning": disk use of an archive and a pruning node under
// the same constant load, sampled every 1,000 blocks (bench mode only).
TEST(NodeRestart, DiskUseUnderConstantLoadBench) {
    if (!BenchMode()) GTEST_SKIP() << "IOST_RESTART_BENCH=1 only (make restart-bench)";
    testing::TempDir root;
    const auto g = SoloGenesis(1'000);
    for (const uint64_t keep : {uint64_t{0}, kMinPruneKeepBlocks}) {
        const std::string dir = root.str() + "/keep" + std::to_string(keep);
        NodeConfig c = SoloConfig(dir);
        c.prune_keep_blocks = keep;
        auto created = Node::Create(c, g, testing::ValidatorKeys(0), util::Logger::Null());
        ASSERT_TRUE(created.ok()) << created.error().message;
        auto n = std::move(*created);
        ASSERT_TRUE(n->Start().ok());
        int sent = 0;
        std::printf("keep_blocks %llu:", static_cast<unsigned long long>(keep));
        for (uint64_t h = 1'000; h <= 8'000; h += 1'000) {
            ASSERT_NO_FATAL_FAILURE(RunTo(*n, h, &sent, /*per_round=*/40));
            std::printf(" %llu:%.1fMB", static_cast<unsigned long long>(h),
                        static_cast<double>(DirBytes(dir)) / 1e6);
            std::fflush(stdout);
        }
        std::printf(" (%d transfers, floor %llu)\n", sent,
                    static_cast<unsigned long long>(n->blocks().PrunedFloor()));
        n->Stop();
    }
}

// docs/state.md "Pruning", the long run: does disk use stay flat? Two solo
// validators side by side in this process, one archive and one with
// `keep_blocks: 1024`, under the same heavier load (IOST_PRUNE_BENCH_TXS
// transfers per block from 20 senders to 1,000 filler accounts, default 40)
// for IOST_PRUNE_BENCH_BLOCKS final blocks (default 40,000), snapshots every
// 1,000 heights as a node writes them by default. After every 1,000 blocks
// one line per node splits its data dir into RocksDB's SST files, its
// write-ahead log (*.log), the snapshot files and the rest (MANIFEST,
// OPTIONS, LOCK), so that the chain's growth is not hidden by the WAL's and
// compaction's saw-tooth. `make prune-bench` runs it (IOST_RESTART_BENCH=1).
struct DiskSplit {
    uint64_t sst = 0, wal = 0, snapshots = 0, other = 0;
};

DiskSplit SplitDirBytes(const std::string& dir) {
    DiskSplit d;
    const std::filesystem::path snaps = std::filesystem::path(dir) / "snapshots";
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
        if (!e.is_regular_file()) continue;
        const auto& p = e.path();
        const uint64_t n = e.file_size();
        if (p.string().rfind(snaps.string(), 0) == 0) {
            d.snapshots += n;
        } else if (p.extension() == ".sst") {
            d.sst += n;
        } else if (p.extension() == ".log" && p.parent_path().filename() == "db") {
            d.wal += n;
        } else {
            d.other += n;
        }
    }
    return d;
}

TEST(NodeRestart, DiskUseLongRunBench) {
    if (!BenchMode()) GTEST_SKIP() << "IOST_RESTART_BENCH=1 only (make prune-bench)";
    const char* blocks_env = std::getenv("IOST_PRUNE_BENCH_BLOCKS");
    const char* txs_env = std::getenv("IOST_PRUNE_BENCH_TXS");
    const uint64_t blocks = blocks_env ? std::strtoull(blocks_env, nullptr, 10) : 40'000;
    const int per_block = txs_env ? std::atoi(txs_env) : 40;
    ASSERT_GE(blocks, 1'000u);
    ASSERT_GT(per_block, 0);
    testing::TempDir root;
    auto g = SoloGenesis(1'000);
    // Senders with enough pledged gas for millions of transfers (a transfer
    // costs ~7,300 gas; 10,000 IOST pledged give 1e9 gas at once).
    constexpr int kSenders = 20;
    auto sender = [](int i) {
        char name[32];
        std::snprintf(name, sizeof name, "sendr%02d", i);
        return std::string(name);
    };
    for (int i = 0; i < kSenders; ++i) {
        core::GenesisAccount a;
        a.name = sender(i);
        a.owner = testing::AccountKey(a.name + "-owner").public_key();
        a.active = testing::AccountKey(a.name).public_key();
        a.gas_pledge = testing::Iost(10'000);
        a.ram_bytes = 10'000;
        g.accounts.push_back(a);
        g.token.allocations.push_back({a.name, testing::Iost(1'000'000)});
    }
    struct Run {
        uint64_t keep = 0;
        std::string dir;
        std::unique_ptr<Node> node;
        uint64_t last_tx_height = 0;
        uint64_t next_sample = 1'000;
        int sent = 0;
        int refused = 0;
    };
    std::vector<Run> runs(2);
    runs[1].keep = kMinPruneKeepBlocks;
    for (auto& r : runs) {
        r.dir = root.str() + "/keep" + std::to_string(r.keep);
        NodeConfig c = SoloConfig(r.dir);
        c.prune_keep_blocks = r.keep;
        c.snapshot_interval = 1'000;  // what a node writes by default
        auto created = Node::Create(c, g, testing::ValidatorKeys(0), util::Logger::Null());
        ASSERT_TRUE(created.ok()) << created.error().message;
        r.node = std::move(*created);
        ASSERT_TRUE(r.node->Start().ok());
    }
    std::printf(
        "# blocks, node, SST MB, WAL MB, snapshots MB, other MB, total MB, floor, "
        "transfers sent, elapsed s\n");
    const auto t0 = std::chrono::steady_clock::now();
    uint64_t seq = 0;
    for (;;) {
        bool all_done = true;
        for (auto& r : runs) {
            const uint64_t h = r.node->driver().Status().height;
            if (h >= r.next_sample) {
                const DiskSplit d = SplitDirBytes(r.dir);
                const double s =
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
                std::printf(
                    "%llu, %s, %.1f, %.1f, %.1f, %.1f, %.1f, %llu, %d, %.0f\n",
                    static_cast<unsigned long long>(r.next_sample),
                    r.keep ? "keep_blocks 1024" : "archive", d.sst / 1e6, d.wal / 1e6,
                    d.snapshots / 1e6, d.other / 1e6, (d.sst + d.wal + d.snapshots + d.other) / 1e6,
                    static_cast<unsigned long long>(r.node->blocks().PrunedFloor()), r.sent, s);
                std::fflush(stdout);
                r.next_sample += 1'000;
            }
            if (r.next_sample <= blocks) all_done = false;
            if (h > r.last_tx_height && h < blocks) {
                r.last_tx_height = h;
                const int64_t now = util::SystemClock().Now();
                for (int i = 0; i < per_block; ++i, ++seq) {
                    char to[32];
                    std::snprintf(to, sizeof to, "u%07llu",
                                  static_cast<unsigned long long>((seq * 7919) % 1'000));
                    auto tx =
                        testing::Transfer(sender(static_cast<int>(seq % kSenders)), to, "0.01",
                                          now - 500'000'000, "p" + std::to_string(seq));
                    if (r.node->driver().SubmitTx(tx).ok()) {
                        ++r.sent;
                    } else {
                        ++r.refused;  // mempool full: the load is what the node takes
                    }
                }
            }
        }
        if (all_done) break;
        std::this_thread::sleep_for(2ms);
    }
    for (auto& r : runs) {
        std::printf("# %s: %d transfers accepted, %d refused by a full mempool, floor %llu\n",
                    r.keep ? "keep_blocks 1024" : "archive", r.sent, r.refused,
                    static_cast<unsigned long long>(r.node->blocks().PrunedFloor()));
        r.node->Stop();
    }
}

}  // namespace
}  // namespace iost::node
