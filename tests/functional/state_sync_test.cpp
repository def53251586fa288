// State sync with real processes (docs/state.md "State sync", "Tests and
// numbers"): a devnet of six iserver validators with 10,000 funded accounts
// in its genesis writes a state snapshot every 20 final blocks
// (`iost-devnet --snapshot-interval 20`) while transfers through HTTP change
// the state; one validator is restarted with the loopback-only test hook
// `snapshot.test_only_corrupt_pieces` and serves damaged pieces. Then a new
// iserver process with an empty data dir and `sync.mode: snapshot` joins:
// it installs a snapshot (not height 0: it did not replay), refuses every
// damaged piece, restores from the snapshot's checkpoint, catches up, and
// its own state root (GET /getStateRoot/{n}) equals every validator's at
// the snapshot's height, at the height it caught up to and 5 blocks later.
// Every wait is bounded; the test asserts no timing.
#include <devnet/layout.h>
#include <devnet/process.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include "functional_util.h"

namespace iost::functional {
namespace {

namespace fs = std::filesystem;

constexpr uint64_t kInterval = 20;
constexpr const char* kLiar = "node5";

std::string ReadText(const std::string& path) {
    std::ifstream in(path);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

util::Status WriteText(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::trunc);
    out << text;
    out.close();
    if (!out) return util::Err("cannot write " + path);
    return {};
}

// The hex state root a node recorded at height h, or an error (not there yet).
util::Result<std::string> StateRootAt(const std::string& http, uint64_t h) {
    auto j = GetJson(http, "/getStateRoot/" + std::to_string(h));
    if (!j) return util::ErrOf(j.error());
    if (!j->contains("state_root") || !(*j)["state_root"].is_string())
        return util::Err("getStateRoot: no state_root in " + j->dump());
    return (*j)["state_root"].get<std::string>();
}

uint64_t HeightOf(const std::string& http) {
    auto j = GetJson(http, "/getChainInfo", 1500ms);
    return j ? U64Of(*j, "lib_block") : 0;
}

// Waits until `http` serves a state root at h and returns it.
util::Result<std::string> WaitStateRoot(const std::string& http, uint64_t h,
                                        std::chrono::seconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    for (;;) {
        auto r = StateRootAt(http, h);
        if (r || std::chrono::steady_clock::now() >= deadline) return r;
        std::this_thread::sleep_for(200ms);
    }
}

// Peak resident memory of a process (VmHWM in /proc/<pid>/status), in MB; 0
// if unreadable. Printed for docs/state.md ("What remains": the writer and
// the joiner hold one snapshot's entries in memory).
double PeakRssMb(int pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("VmHWM:", 0) == 0) return std::strtod(line.c_str() + 6, nullptr) / 1024.0;
    }
    return 0;
}

// The joining iserver: started by the test, stopped (SIGTERM, then SIGKILL)
// whatever happens.
struct Joiner {
    int pid = 0;
    ~Joiner() {
        if (pid > 0) devnet::TerminateAll({pid}, 10'000ms);
    }
};

TEST(StateSyncDevnet, AJoinerCatchesUpViaASnapshotDespiteALiarAndMatchesTheStateRoot) {
    auto net = TestDevnet::Start(
        "statesync", "127.32.1.1",
        {"--believable", "2", "--normal", "4", "--accounts", "10000", "--snapshot-interval",
         std::to_string(kInterval), "--micro-interval-ms", "100", "--final-interval-ms", "250"});
    ASSERT_TRUE(net.ok()) << net.error().message;
    TestDevnet& d = **net;
    std::vector<std::string> validators;
    for (const auto& n : d.manifest().nodes) validators.push_back(n.name);
    ASSERT_EQ(validators.size(), 6u);

    // The liar: one validator restarted with the test hook.
    {
        const std::string cfg = d.Node(kLiar).config;
        std::string text = ReadText(cfg);
        const std::string line = "snapshot: {interval: " + std::to_string(kInterval) + "}";
        const size_t at = text.find(line);
        ASSERT_NE(at, std::string::npos) << text;
        text.replace(at, line.size(),
                     "snapshot: {interval: " + std::to_string(kInterval) +
                         ", test_only_corrupt_pieces: true}");
        ASSERT_TRUE(d.Kill9(kLiar).ok());
        ASSERT_TRUE(WriteText(cfg, text).ok());
        auto st = d.RestartStopped();
        ASSERT_TRUE(st.ok()) << st.error().message;
    }

    // Load: transfers between the genesis accounts through every validator's
    // HTTP API, so that the snapshot's state is not the genesis state.
    const uint32_t chain_id = d.manifest().chain_id;
    int sent = 0;
    for (int i = 1; i <= 300; ++i) {
        const auto& from = d.Account("user" + std::to_string(i));
        const auto tx = MakeTransfer(from, "user" + std::to_string(i + 1000), "1.5",
                                     "s" + std::to_string(i), chain_id, util::SystemClock().Now());
        if (d.SendTx(validators[i % validators.size()], tx).ok()) ++sent;
    }
    EXPECT_GE(sent, 250) << "most transfers must be accepted";

    // Every validator has written a snapshot of height >= 2 × interval (its
    // files are on disk, manifest last) and is 5 blocks past 2 × interval.
    // (It keeps the newest 2, so older heights come and go.)
    const uint64_t want = 2 * kInterval;
    auto snapshot_on_disk = [&](const std::string& node) {
        std::error_code ec;
        for (const auto& e :
             fs::directory_iterator(fs::path(d.Node(node).data_dir) / "snapshots", ec)) {
            const std::string name = e.path().filename().string();
            if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
            if (std::stoull(name) >= want && fs::exists(e.path() / "MANIFEST", ec)) return true;
        }
        return false;
    };
    {
        auto reached = d.WaitForHeight(want + 5, 120s);
        ASSERT_TRUE(reached.ok()) << reached.error().message;
        const auto deadline = std::chrono::steady_clock::now() + 60s;
        bool all = false;
        while (!all && std::chrono::steady_clock::now() < deadline) {
            all = true;
            for (const auto& v : validators) all = all && snapshot_on_disk(v);
            if (!all) std::this_thread::sleep_for(200ms);
        }
        ASSERT_TRUE(all) << "not every validator wrote a snapshot of height >= " << want;
    }

    // The joiner: a new node (index 6 of the devnet's /24) with an empty data
    // dir, dialing the validators.
    const devnet::NetworkShape& shape = d.manifest().shape;
    const fs::path jdir = fs::path(d.dir()) / "joiner";
    fs::create_directories(jdir);
    const std::string address = devnet::NodeAddress(shape, shape.nodes());
    std::vector<std::string> seeds;
    for (const auto& v : validators) seeds.push_back(d.Node(v).p2p);
    ASSERT_TRUE(
        WriteText((jdir / "keys.yml").string(), devnet::KeysYaml("", devnet::NewKey().seckey))
            .ok());
    ASSERT_TRUE(WriteText((jdir / "iserver.yml").string(),
                          devnet::NodeConfigYaml(shape, address, seeds, true, "info") +
                              "sync: {mode: snapshot, snapshot_peers: 2, snapshot_timeout_s: "
                              "120}\n")
                    .ok());
    const std::string jhttp = "http://" + address + ":" + std::to_string(shape.http_port);
    Joiner joiner;
    {
        auto pid =
            devnet::Spawn({BinDir() + "/iserver", "--config", (jdir / "iserver.yml").string()},
                          (jdir / "console.log").string(), jdir.string());
        ASSERT_TRUE(pid.ok()) << pid.error().message;
        joiner.pid = *pid;
    }
    const auto t0 = std::chrono::steady_clock::now();
    auto joiner_alive = [&] {
        const auto how = devnet::ReapIfExited(joiner.pid);
        if (how) joiner.pid = 0;
        return !how.has_value();
    };
    // Up: its API serves a height (after the state sync, which runs first).
    {
        const auto deadline = std::chrono::steady_clock::now() + 180s;
        while (HeightOf(jhttp) == 0 && std::chrono::steady_clock::now() < deadline) {
            ASSERT_TRUE(joiner_alive()) << "the joiner exited:\n"
                                        << devnet::TailFile((jdir / "console.log").string(), 30)
                                        << devnet::TailFile((jdir / "iserver.log").string(), 30);
            std::this_thread::sleep_for(250ms);
        }
        ASSERT_GT(HeightOf(jhttp), 0u) << devnet::TailFile((jdir / "iserver.log").string(), 40);
    }
    // Caught up: it serves the height every validator has now.
    uint64_t target = UINT64_MAX;
    for (const auto& v : validators) target = std::min(target, d.Height(v));
    ASSERT_GE(target, want + 5);
    {
        const auto deadline = std::chrono::steady_clock::now() + 120s;
        while (HeightOf(jhttp) < target && std::chrono::steady_clock::now() < deadline) {
            ASSERT_TRUE(joiner_alive()) << devnet::TailFile((jdir / "iserver.log").string(), 30);
            std::this_thread::sleep_for(250ms);
        }
        ASSERT_GE(HeightOf(jhttp), target) << devnet::TailFile((jdir / "iserver.log").string(), 40);
    }
    const double join_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

    // Its log: the snapshot it installed (a multiple of the interval, at
    // least `want`: it did not replay from genesis), the liar's pieces
    // refused, and the restore from the snapshot's checkpoint.
    const std::string log = ReadText((jdir / "iserver.log").string());
    std::smatch m;
    ASSERT_TRUE(
        std::regex_search(log, m,
                          std::regex(R"(state sync: installed height (\d+) \((\d+) state )"
                                     R"(entries, \d+ MB verified, (\d+) bad pieces refused)")))
        << log;
    const uint64_t installed = std::stoull(m[1].str());
    const uint64_t entries = std::stoull(m[2].str());
    const uint64_t bad = std::stoull(m[3].str());
    EXPECT_GE(installed, want);
    EXPECT_EQ(installed % kInterval, 0u);
    EXPECT_GT(entries, 10'000u * 3) << "the genesis alone holds several entries per account";
    EXPECT_GE(bad, 1u) << "the liar's damaged pieces must have been refused";
    EXPECT_NE(log.find("sent a bad piece"), std::string::npos);
    EXPECT_NE(log.find("restored to height " + std::to_string(installed) + " from its checkpoint"),
              std::string::npos)
        << log;
    std::printf(
        "[state_sync] peak RSS: joiner %.0f MB, %s (snapshot writer and liar) %.0f MB, "
        "%s %.0f MB\n",
        PeakRssMb(joiner.pid), kLiar, PeakRssMb(d.Node(kLiar).pid), validators[0].c_str(),
        PeakRssMb(d.Node(validators[0]).pid));
    std::printf(
        "[state_sync] %d transfers; joiner installed snapshot %llu (%llu entries, %llu bad "
        "pieces refused) and caught up to %llu in %.1f s\n",
        sent, static_cast<unsigned long long>(installed), static_cast<unsigned long long>(entries),
        static_cast<unsigned long long>(bad), static_cast<unsigned long long>(target), join_s);

    // The same state root as every validator at the snapshot's height, at
    // the height it caught up to, and 5 blocks later (each compared once
    // every node has that height).
    for (const uint64_t h : {installed, target, target + 5}) {
        auto mine = WaitStateRoot(jhttp, h, 60s);
        ASSERT_TRUE(mine.ok()) << "joiner at " << h << ": " << mine.error().message;
        for (const auto& v : validators) {
            auto theirs = WaitStateRoot(d.Node(v).http, h, 60s);
            ASSERT_TRUE(theirs.ok()) << v << " at " << h << ": " << theirs.error().message;
            EXPECT_EQ(*mine, *theirs) << v << " at height " << h;
        }
    }
}

}  // namespace
}  // namespace iost::functional
