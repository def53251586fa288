// kill -9 during snapshot file writing (docs/state.md "Snapshot files",
// issue #14.6): a child process (snapshot_crash_writer) commits blocks and
// writes the snapshot of every height into one directory as a node's
// snapshot writer does; the parent kill -9s it at a random moment while a
// write's files are being written (from the moment its `<H>.tmp` appears,
// within the time that took before) or, every third round, just after a
// write, while it deletes an old snapshot; ten rounds; after each kill it opens
// the directory as a restarting node does (SnapshotStore::Reload) and checks:
//  - no unfinished `.tmp` write survives the reload, and one existed in most
//    rounds (the kill did land inside writes);
//  - every snapshot the store lists is complete: every piece is served and
//    verifies against its manifest (VerifyPiece: hash, and each state chunk
//    against the manifest's state root);
//  - the newest snapshot acknowledged complete is still served (a torn newer
//    one never hides or replaces it), and at most `keep` (2) are kept.
// The next round's writer starts on the same directory and continues.
// Seed and rounds: IOST_CRASH_SEED, IOST_CRASH_ROUNDS (defaults 7, 10).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <node/snapshot.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <util/log.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <random>
#include <string>

#include "crash_child.h"
#include "node_test_util.h"

namespace iost::node {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

uint64_t EnvOr(const char* name, uint64_t fallback) {
    const char* v = std::getenv(name);
    return v ? std::strtoull(v, nullptr, 10) : fallback;
}

struct Acks {
    std::optional<uint64_t> started;  // last 'W': a write of this height began
    std::optional<uint64_t> done;     // last 'D': this height is complete
    std::optional<Clock::time_point> started_at, tmp_seen_at;
    // Of the last complete write: 'W' to 'D', and its `.tmp` appearing to 'D'
    // (guesses until one was measured).
    Clock::duration whole_write = std::chrono::milliseconds(300);
    Clock::duration files_phase = std::chrono::milliseconds(100);
    std::vector<uint8_t> partial;

    void Feed(const uint8_t* p, size_t n) {
        iost::crash::FeedAcks(partial, p, n, [&](char kind, uint64_t v) {
            if (kind == 'W') {
                started = v;
                started_at = Clock::now();
                tmp_seen_at.reset();
            } else if (kind == 'D') {
                EXPECT_EQ(started, v) << "'D' without its 'W'";
                done = v;
                if (started_at) whole_write = Clock::now() - *started_at;
                if (tmp_seen_at) files_phase = Clock::now() - *tmp_seen_at;
            } else {
                ADD_FAILURE() << "bad ack kind " << int(kind);
            }
        });
    }
};

// Where in a write the kill lands.
enum class KillIn {
    kFiles,      // while the pieces and the manifest are being written
    kAfterWrite  // just after the rename, where Reload deletes the oldest
};

// Starts the writer at `start`, lets it complete `complete_first` snapshots,
// then kill -9s it in the next write: with kFiles at `fraction` (0..1) of the
// time the previous write spent writing files, counted from the moment its
// `<H>.tmp` directory appears; with kAfterWrite at (1 + fraction / 4) times
// the previous write's whole duration. False if the child died by itself or
// did not get there within the limit.
bool RunAndKill(const std::string& dir, uint64_t start, int complete_first, KillIn where,
                double fraction, Acks& acks) {
    int fds[2];
    if (::pipe(fds) != 0) return false;
    ::fcntl(fds[0], F_SETFD, FD_CLOEXEC);
    const std::string start_s = std::to_string(start), fd_s = std::to_string(fds[1]);
    const char* args[] = {IOST_SNAPSHOT_CRASH_WRITER, dir.c_str(), start_s.c_str(), fd_s.c_str(),
                          nullptr};
    const pid_t pid = iost::crash::SpawnWriter(args, fds[1]);
    if (pid < 0) {
        ::close(fds[0]);
        return false;
    }
    const auto limit = Clock::now() + std::chrono::seconds(120);
    std::optional<Clock::time_point> kill_at;
    int completed = 0;
    bool ok = true;
    uint8_t buf[512];
    while (!kill_at || Clock::now() < *kill_at) {
        if (Clock::now() >= limit) {
            ok = false;
            break;
        }
        const bool writing = acks.started && acks.started != acks.done;
        // The first moment the write's files exist (polled every ms).
        if (writing && !acks.tmp_seen_at &&
            fs::exists(fs::path(dir) / (std::to_string(*acks.started) + ".tmp")))
            acks.tmp_seen_at = Clock::now();
        if (!kill_at && writing && completed >= complete_first) {
            if (where == KillIn::kFiles && acks.tmp_seen_at) {
                kill_at = *acks.tmp_seen_at +
                          std::chrono::duration_cast<Clock::duration>(acks.files_phase * fraction);
            } else if (where == KillIn::kAfterWrite) {
                kill_at = *acks.started_at + std::chrono::duration_cast<Clock::duration>(
                                                 acks.whole_write * (1 + fraction / 4));
            }
        }
        auto until = kill_at ? *kill_at : limit;
        if (writing && !acks.tmp_seen_at) until = std::min(until, Clock::now() + 1ms);
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now());
        pollfd p{fds[0], POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(std::max<int64_t>(left.count(), 0))) <= 0) continue;
        const ssize_t n = ::read(fds[0], buf, sizeof buf);
        if (n <= 0) {
            ok = false;  // the child is gone on its own
            break;
        }
        const auto before = acks.done;
        acks.Feed(buf, static_cast<size_t>(n));
        if (acks.done != before) ++completed;
    }
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    for (;;) {  // acks written before the kill are still in the pipe
        const ssize_t n = ::read(fds[0], buf, sizeof buf);
        if (n <= 0) break;
        acks.Feed(buf, static_cast<size_t>(n));
    }
    ::close(fds[0]);
    return ok;
}

bool TmpLeftover(const std::string& dir) {
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec)) {
        const std::string name = e.path().filename().string();
        if (name.size() > 4 && name.substr(name.size() - 4) == ".tmp") return true;
    }
    return false;
}

TEST(SnapshotCrash, KillDashNineWhileWritingSnapshotsLeavesOnlyCompleteOnesAndKeepsTheLast) {
    const uint64_t seed = EnvOr("IOST_CRASH_SEED", 7);
    const int rounds = static_cast<int>(EnvOr("IOST_CRASH_ROUNDS", 10));
    std::mt19937_64 rng(seed);
    testing::TempDir root;
    const std::string dir = root.str() + "/snapshots";
    Acks acks;
    uint64_t next_start = 1;
    int torn_writes = 0;
    for (int round = 0; round < rounds; ++round) {
        SCOPED_TRACE("round " + std::to_string(round) + ", seed " + std::to_string(seed));
        // Mostly amid the files; every third round just after the write,
        // where the writer reloads and deletes the snapshot beyond `keep`.
        const KillIn where = round % 3 == 2 ? KillIn::kAfterWrite : KillIn::kFiles;
        const double fraction = static_cast<double>(rng() % 1000) / 1000.0;
        const auto done_before = acks.done;
        ASSERT_TRUE(
            RunAndKill(dir, next_start, /*complete_first=*/1 + round % 2, where, fraction, acks))
            << "the writer died by itself or never wrote";
        ASSERT_TRUE(acks.done.has_value());
        ASSERT_NE(acks.done, done_before) << "no snapshot completed this round";
        if (TmpLeftover(dir)) ++torn_writes;

        // Open the directory as a restarting node does.
        SnapshotStore store(dir, 2, util::Logger::Null());
        store.Reload();
        EXPECT_FALSE(TmpLeftover(dir)) << "an unfinished write survived the reload";
        const auto heights = store.Heights();
        ASSERT_FALSE(heights.empty());
        EXPECT_LE(heights.size(), 2u);
        // The newest acknowledged snapshot is served: a kill in the next
        // write (or in its rename) never loses it.
        EXPECT_NE(std::find(heights.begin(), heights.end(), *acks.done), heights.end())
            << "snapshot " << *acks.done << " was acknowledged complete but is gone";
        for (const uint64_t h : heights) {
            EXPECT_LE(h, *acks.started) << "a snapshot that was never begun";
            const auto m = store.Manifest(h);
            ASSERT_TRUE(m.has_value());
            ASSERT_EQ(m->height, h);
            for (uint32_t i = 0; i < m->pieces(); ++i) {
                const auto piece = store.Piece(h, i);
                ASSERT_TRUE(piece.has_value()) << "snapshot " << h << " lacks piece " << i;
                EXPECT_TRUE(VerifyPiece(*m, i, *piece).ok())
                    << "snapshot " << h << " piece " << i << " does not verify";
            }
        }
        next_start = *acks.started + 1;
    }
    std::printf(
        "[snapshot_crash] %d rounds, %d killed amid a write's files (a .tmp left), last write "
        "%lld ms (files %lld ms), newest snapshot %llu\n",
        rounds, torn_writes,
        static_cast<long long>(
            std::chrono::duration_cast<std::chrono::milliseconds>(acks.whole_write).count()),
        static_cast<long long>(
            std::chrono::duration_cast<std::chrono::milliseconds>(acks.files_phase).count()),
        static_cast<unsigned long long>(acks.done.value_or(0)));
    // The kills did land inside writes (else this test would prove nothing).
    EXPECT_GE(torn_writes, rounds / 3);  // 7 of 10 rounds aim at the files
}

}  // namespace
}  // namespace iost::node
