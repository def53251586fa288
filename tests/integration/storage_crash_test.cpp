// Crash test for storage atomicity (docs/reliability.md #11; after bitcoin's
// feature_dbcrash): a child process commits final blocks to RocksDB in a loop
// and acknowledges each one through a pipe; the parent kill -9s it at a
// seeded random moment (during start-up, recovery, a commit or its fsync),
// restarts it on the same data dir, and in between reopens the dir itself and
// checks:
//  - it opens cleanly (no corruption) with the head at a block boundary;
//  - every acknowledged block is there (head >= last ack);
//  - each of the last blocks, with its tx index, receipts, micro-blocks and
//    state root, is entirely present, and the next heights entirely absent;
//  - the state equals a recomputation from the deterministic write sets;
//  - the synced safety record is at least the last acknowledged one and at
//    least the head (it is saved before each block, as before a vote).
// A second test does the same while the writer also prunes old bodies after
// every block (the kill then lands amid pruning batches too).
// Seed and rounds: IOST_CRASH_SEED, IOST_CRASH_ROUNDS (defaults 7, 30).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <storage/block_store.h>
#include <storage/rocks_kv_store.h>
#include <storage/safety_store.h>
#include <storage/state_store.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <random>
#include <string>
#include <thread>

#include "chain_gen.h"
#include "crash_child.h"

namespace iost::storage {
namespace {

using Clock = std::chrono::steady_clock;

uint64_t EnvOr(const char* name, uint64_t fallback) {
    const char* v = std::getenv(name);
    return v ? std::strtoull(v, nullptr, 10) : fallback;
}

struct Acks {
    std::optional<uint64_t> block;   // highest acknowledged committed block
    std::optional<uint64_t> safety;  // highest acknowledged safety record
    uint64_t blocks_this_round = 0;
    // State sync install mode.
    uint64_t install_batches = 0;
    uint64_t install_aborts = 0;
    std::optional<uint64_t> installed;
    std::vector<uint8_t> partial;  // bytes of an incomplete record

    void Feed(const uint8_t* p, size_t n) {
        iost::crash::FeedAcks(partial, p, n, [&](char kind, uint64_t v) {
            if (kind == 'B') {
                EXPECT_TRUE(!block || v == *block + 1) << "acks out of order";
                block = v;
                ++blocks_this_round;
            } else if (kind == 'S') {
                safety = v;
            } else if (kind == 'W') {
                ++install_batches;
            } else if (kind == 'A') {
                ++install_aborts;
            } else if (kind == 'F') {
                installed = v;
            } else {
                ADD_FAILURE() << "bad ack kind " << int(kind);
            }
        });
    }
};

// Runs the writer on `dir` until `run_for` has passed, then kill -9s it and
// collects every ack it managed to write. With `after_first_ack` the clock
// starts at the writer's first ack (so on a loaded machine the kill still
// lands among commits, not always in start-up); the writer gets at most
// kStartupLimit to send it. Returns false if the child died by itself (an
// error it printed to stderr) or never started.
constexpr auto kStartupLimit = std::chrono::seconds(20);
bool RunAndKill(const std::string& dir, uint64_t seed, bool sync, std::chrono::microseconds run_for,
                bool after_first_ack, Acks& acks, uint64_t prune_keep = 0,
                const char* mode = nullptr) {
    int fds[2];
    if (::pipe(fds) != 0) return false;
    ::fcntl(fds[0], F_SETFD, FD_CLOEXEC);
    const std::string seed_s = std::to_string(seed), sync_s = sync ? "1" : "0",
                      fd_s = std::to_string(fds[1]), keep_s = std::to_string(prune_keep);
    const char* args[] = {IOST_CRASH_WRITER,
                          dir.c_str(),
                          seed_s.c_str(),
                          sync_s.c_str(),
                          fd_s.c_str(),
                          mode ? mode : (prune_keep ? keep_s.c_str() : nullptr),
                          nullptr};
    const pid_t pid = iost::crash::SpawnWriter(args, fds[1]);
    if (pid < 0) {
        ::close(fds[0]);
        return false;
    }
    acks.blocks_this_round = 0;
    const auto spawned = Clock::now();
    auto deadline = after_first_ack ? spawned + kStartupLimit : spawned + run_for;
    bool waiting_first = after_first_ack;
    uint8_t buf[4096];
    bool child_exited = false;
    while (Clock::now() < deadline) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        pollfd p{fds[0], POLLIN, 0};
        const int ready = ::poll(&p, 1, static_cast<int>(std::max<int64_t>(left.count(), 0)));
        if (ready <= 0) continue;
        const ssize_t n = ::read(fds[0], buf, sizeof buf);
        if (n <= 0) {  // EOF: the child is gone on its own
            child_exited = true;
            break;
        }
        acks.Feed(buf, static_cast<size_t>(n));
        if (waiting_first) {
            waiting_first = false;
            deadline = Clock::now() + run_for;
        }
    }
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    // Acks written before the kill are still in the pipe.
    for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;)
        acks.Feed(buf, static_cast<size_t>(n));
    ::close(fds[0]);
    if (waiting_first) {
        ADD_FAILURE() << "writer sent no ack within " << kStartupLimit.count() << " s";
        return false;
    }
    if (child_exited || !WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL) {
        ADD_FAILURE() << "writer ended by itself, status " << status
                      << (WIFEXITED(status) ? " exit code " + std::to_string(WEXITSTATUS(status))
                                            : "");
        return false;
    }
    return true;
}

TEST(StorageCrash, KillDashNineNeverLosesAnAcknowledgedBlockNorShowsAPartialOne) {
    const uint64_t seed = EnvOr("IOST_CRASH_SEED", 7);
    const uint64_t rounds = EnvOr("IOST_CRASH_ROUNDS", 30);
    SCOPED_TRACE("IOST_CRASH_SEED=" + std::to_string(seed) +
                 " IOST_CRASH_ROUNDS=" + std::to_string(rounds));
    testing::ChainGenOptions go;
    go.seed = seed;
    go.max_txs = 200;
    go.max_padding = 64 * 1024;
    const testing::ChainGen gen(go);
    testing::TempDir tmp;
    const std::string dir = tmp.Sub("db");
    std::mt19937_64 rng(seed);
    Acks acks;
    const auto started = Clock::now();
    uint64_t unacked_survivors = 0, rounds_with_progress = 0;

    for (uint64_t round = 0; round < rounds; ++round) {
        SCOPED_TRACE("round " + std::to_string(round));
        const bool sync = round == 0 || rng() % 2 == 0;
        // Mostly a random moment after the writer's first ack (amid commits
        // and their fsyncs); one round in five a moment right after spawn, so
        // the kill lands in start-up or WAL recovery.
        const bool early = rng() % 5 == 0;
        const auto run_for = early ? std::chrono::microseconds(rng() % 20000)
                                   : std::chrono::microseconds(rng() % 250000);
        ASSERT_TRUE(RunAndKill(dir, seed, sync, run_for, /*after_first_ack=*/!early, acks));
        if (acks.blocks_this_round > 0) ++rounds_with_progress;

        auto kv = RocksKvStore::Open(dir);
        ASSERT_TRUE(kv.ok()) << kv.error().message;
        auto store = BlockStore::Open(**kv);
        ASSERT_TRUE(store.ok()) << store.error().message;
        auto head = (*store)->GetHead();
        if (!acks.block) {
            if (!head) continue;  // killed before genesis was acknowledged
        }
        ASSERT_TRUE(head.has_value()) << "genesis was acknowledged but there is no head";
        ASSERT_GE(head->height, *acks.block) << "an acknowledged block was lost";
        // The child may be killed after a commit but before its ack.
        ASSERT_LE(head->height, *acks.block + 1);
        if (head->height > *acks.block) ++unacked_survivors;
        testing::ExpectConsistentAt(**store, StateStore(**kv), gen, head->height, /*check_last=*/6);

        auto safety = SafetyStore::Open(**kv);
        ASSERT_TRUE(safety.ok());
        auto record = (*safety)->Load(testing::B("validator-0"));
        ASSERT_TRUE(record.ok() && record->has_value());
        const uint64_t saved = std::stoull(std::string((*record)->begin(), (*record)->end()));
        EXPECT_GE(saved, head->height) << "a block was committed before its safety record";
        if (acks.safety) {
            EXPECT_GE(saved, *acks.safety) << "an acknowledged safety record was lost";
        }
        // Continue the chain from what survived, like a restarted node.
        acks.block = head->height;
        store->reset();
        ASSERT_TRUE((*kv)->Close().ok());
        if (::testing::Test::HasFailure()) return;
    }

    // Final full audit of the whole chain.
    auto kv = RocksKvStore::Open(dir);
    ASSERT_TRUE(kv.ok()) << kv.error().message;
    auto store = BlockStore::Open(**kv);
    ASSERT_TRUE(store.ok()) << store.error().message;
    ASSERT_TRUE((*store)->GetHead().has_value());
    const uint64_t final_height = (*store)->GetHead()->height;
    testing::ExpectConsistentAt(**store, StateStore(**kv), gen, final_height);

    const double secs = std::chrono::duration<double>(Clock::now() - started).count();
    std::printf(
        "crash test: seed %llu, %llu rounds, final height %llu, %llu rounds made progress, "
        "%llu commits survived without their ack, %.1f s\n",
        static_cast<unsigned long long>(seed), static_cast<unsigned long long>(rounds),
        static_cast<unsigned long long>(final_height),
        static_cast<unsigned long long>(rounds_with_progress),
        static_cast<unsigned long long>(unacked_survivors), secs);
    // The test proves nothing if the writer never got to commit.
    EXPECT_GE(rounds_with_progress, rounds / 2);
    EXPECT_GE(final_height, rounds);
}

// The same with pruning after every block (docs/state.md "Pruning"): a kill
// amid a commit or a pruning batch leaves the pruned floor and every block
// consistent: below the floor exactly the headers (each rewritten by the
// writer's HeaderPruner, in the pruning batch) and certificates, from it to
// the head every block complete and never rewritten, the checkpoint the head's, the state
// the recomputed one; and the floor never passes the kept window.
TEST(StorageCrash, KillDashNineDuringPruningKeepsTheWindowAndTheCheckpoint) {
    const uint64_t seed = EnvOr("IOST_CRASH_SEED", 11);
    const uint64_t rounds = EnvOr("IOST_CRASH_ROUNDS", 30) / 2;
    constexpr uint64_t kKeep = 12;
    SCOPED_TRACE("IOST_CRASH_SEED=" + std::to_string(seed));
    testing::ChainGenOptions go;
    go.seed = seed;
    go.max_txs = 200;
    go.max_padding = 64 * 1024;
    const testing::ChainGen gen(go);
    testing::TempDir tmp;
    const std::string dir = tmp.Sub("db");
    std::mt19937_64 rng(seed);
    Acks acks;
    uint64_t rounds_pruned = 0;
    for (uint64_t round = 0; round < rounds; ++round) {
        SCOPED_TRACE("round " + std::to_string(round));
        const bool sync = rng() % 2 == 0;
        const auto run_for = std::chrono::microseconds(rng() % 250000);
        ASSERT_TRUE(RunAndKill(dir, seed, sync, run_for, /*after_first_ack=*/true, acks, kKeep));
        auto kv = RocksKvStore::Open(dir);
        ASSERT_TRUE(kv.ok()) << kv.error().message;
        auto store = BlockStore::Open(**kv);
        ASSERT_TRUE(store.ok()) << store.error().message;
        auto head = (*store)->GetHead();
        ASSERT_TRUE(head.has_value());
        ASSERT_TRUE(acks.block.has_value());
        ASSERT_GE(head->height, *acks.block) << "an acknowledged block was lost";
        const uint64_t floor = (*store)->PrunedFloor();
        if (floor > 1) ++rounds_pruned;
        ASSERT_LE(floor + kKeep, head->height + 1) << "pruned into the kept window";
        // Pruning lags the head by at most a few batches of 3.
        const uint64_t check = head->height - floor + 1;
        testing::ExpectConsistentAt(**store, StateStore(**kv), gen, head->height, check);
        for (uint64_t h = floor > 4 ? floor - 4 : 1; h < floor; ++h) {
            testing::ExpectBlockPruned(**store, gen, h, /*rewritten=*/true);
        }
        acks.block = head->height;
        store->reset();
        ASSERT_TRUE((*kv)->Close().ok());
        if (::testing::Test::HasFailure()) return;
    }
    EXPECT_GE(rounds_pruned, rounds / 2) << "the kills never landed after pruning started";
}

// State sync install (docs/state.md "State sync", issue #14.6): the writer
// installs a 100,000-entry state in 100 unsynced batches and then the head
// in one synced batch, aborting first whatever the last kill left; it is
// killed at random points. After every kill the data dir must open, and be
// either the finished install (head at 40, the whole state, the checkpoint,
// no marker) or no head at all, with the marker (a partial state the next
// start removes) or with an empty state. Never a half-installed head.
TEST(StorageCrash, KillDashNineDuringAStateSyncInstallLeavesADirThatStarts) {
    const uint64_t seed = EnvOr("IOST_CRASH_SEED", 13);
    const uint64_t rounds = std::max<uint64_t>(EnvOr("IOST_CRASH_ROUNDS", 30) / 3, 2);
    SCOPED_TRACE("IOST_CRASH_SEED=" + std::to_string(seed));
    testing::TempDir tmp;
    const std::string dir = tmp.Sub("db");
    std::mt19937_64 rng(seed);
    Acks acks;
    uint64_t killed_mid_install = 0;
    for (uint64_t round = 0; round <= rounds; ++round) {
        SCOPED_TRACE("round " + std::to_string(round));
        // The last round runs long enough to finish (~0.1-1 s of writes).
        const auto run_for = round == rounds ? std::chrono::microseconds(4'000'000)
                                             : std::chrono::microseconds(rng() % 150'000);
        const uint64_t batches_before = acks.install_batches;
        const bool finished_before = acks.installed.has_value();
        ASSERT_TRUE(RunAndKill(dir, seed, true, run_for, true, acks, 0, "install"));
        if (acks.install_batches > batches_before && !acks.installed) ++killed_mid_install;
        auto kv = RocksKvStore::Open(dir);
        ASSERT_TRUE(kv.ok()) << kv.error().message;
        auto store = BlockStore::Open(**kv);
        ASSERT_TRUE(store.ok()) << store.error().message;
        const auto head = (*store)->GetHead();
        const auto pending = (*store)->PendingStateInstall();
        ASSERT_TRUE(pending.ok());
        uint64_t entries = 0;
        ASSERT_TRUE(StateStore(**kv)
                        .Scan({},
                              [&](util::ByteView, util::ByteView) {
                                  ++entries;
                                  return true;
                              })
                        .ok());
        if (head) {
            EXPECT_EQ(head->height, 40u);
            EXPECT_FALSE(pending->has_value()) << "the marker outlived the install";
            EXPECT_EQ(entries, 100'000u) << "a finished install lost state";
            auto cp = (*store)->GetCheckpoint();
            ASSERT_TRUE(cp.ok() && cp->has_value());
            EXPECT_EQ((*cp)->height, 40u);
            EXPECT_EQ((*store)->PrunedFloor(), 33u);
        } else {
            EXPECT_FALSE(acks.installed.has_value() && !finished_before)
                << "an acknowledged install was lost";
            if (!pending->has_value()) {
                EXPECT_EQ(entries, 0u) << "state without a marker";
            }
        }
        store->reset();
        ASSERT_TRUE((*kv)->Close().ok());
        if (::testing::Test::HasFailure()) return;
    }
    EXPECT_TRUE(acks.installed.has_value()) << "the install never finished";
    EXPECT_GE(killed_mid_install, 1u) << "no kill landed amid the install's batches";
}

}  // namespace
}  // namespace iost::storage
