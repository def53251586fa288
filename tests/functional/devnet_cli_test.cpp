// iost-devnet as users and scripts drive it (docs/devnet.md), with real
// iserver processes on 127.13.x.*: start/status/stop, resume keeping the
// chain, a pid in devnet.json reused by another program, an address in use
// (named in the error), options that contradict an existing devnet, --reset,
// and `run` without a terminal stopping its nodes on SIGTERM.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "functional_util.h"

namespace iost::functional {
namespace {

std::string ReadFile(const std::string& path) {
    std::ifstream in(path);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// The smallest real network: two validators in one PBFT league (both must
// vote, so a height proves they talk).
const std::vector<std::string> kTiny = {"--fallback", "--believable", "1", "--normal",
                                        "1",          "--accounts",   "1"};

TEST(DevnetCli, StartStatusStopResumeKeepsTheChain) {
    auto net = TestDevnet::Start("cli-resume", "127.13.1.1", kTiny);
    ASSERT_TRUE(net.ok()) << net.error().message;
    TestDevnet& d = **net;
    ASSERT_EQ(d.manifest().nodes.size(), 2u);
    EXPECT_TRUE(d.manifest().shape.fallback);
    for (const auto& n : d.manifest().nodes) {
        EXPECT_EQ(n.role, devnet::Role::kNormal) << "fallback: one league";
        EXPECT_TRUE(devnet::NodeRunning(n)) << n.name;
    }
    auto h = d.WaitForHeight(3, 60s);
    ASSERT_TRUE(h.ok()) << h.error().message;
    // --fallback really runs the chain in fallback: one league, no believable validators.
    auto pob = d.Get("node0", "/getPoBInfo");
    ASSERT_TRUE(pob.ok()) << pob.error().message;
    EXPECT_EQ((*pob)["chain_fallback"], true) << pob->dump();
    EXPECT_EQ((*pob)["believable"].size(), 0u) << pob->dump();
    EXPECT_EQ((*pob)["normal"].size(), 2u) << pob->dump();

    const CliResult st = RunDevnetCli({"status", "--dir", d.dir(), "--json"}, 30s);
    ASSERT_EQ(st.code, 0) << st.output;
    const json sj = json::parse(st.output, nullptr, false);
    ASSERT_FALSE(sj.is_discarded()) << st.output;
    EXPECT_EQ(sj["up"], 2);
    EXPECT_EQ(sj["chain_id"], 1024);

    // A second start while running changes nothing.
    const std::vector<int> pids = {d.manifest().nodes[0].pid, d.manifest().nodes[1].pid};
    const CliResult again = RunDevnetCli({"start", "--dir", d.dir()});
    ASSERT_EQ(again.code, 0) << again.output;
    ASSERT_TRUE(d.Reload().ok());
    EXPECT_EQ(d.manifest().nodes[0].pid, pids[0]);
    EXPECT_EQ(d.manifest().nodes[1].pid, pids[1]);

    // Stop: every node exits, pids recorded as 0, status reports them down.
    const std::string genesis = ReadFile(d.manifest().genesis);
    const uint64_t before = d.Height("node0");
    const CliResult stop = RunDevnetCli({"stop", "--dir", d.dir()}, 60s);
    ASSERT_EQ(stop.code, 0) << stop.output;
    ASSERT_TRUE(d.Reload().ok());
    for (const auto& n : d.manifest().nodes) EXPECT_EQ(n.pid, 0) << n.name;
    // (IsOurProcess, not kill(pid, 0): an exited node whose parent launcher
    // is gone may stay a zombie where PID 1 does not reap.)
    for (int pid : pids)
        EXPECT_FALSE(devnet::IsOurProcess(pid, {"iserver"})) << "pid " << pid << " still alive";
    const CliResult down = RunDevnetCli({"status", "--dir", d.dir()}, 30s);
    EXPECT_EQ(down.code, 1) << down.output;
    EXPECT_NE(down.output.find("down"), std::string::npos) << down.output;

    // Resume: same genesis, the chain continues from where it was.
    ASSERT_TRUE(d.RestartStopped().ok());
    EXPECT_EQ(ReadFile(d.manifest().genesis), genesis);
    auto h2 = d.WaitForHeight(before + 2, 60s);
    ASSERT_TRUE(h2.ok()) << h2.error().message;

    // Options must agree with the existing devnet (exit 2, names the option).
    const CliResult conflict = RunDevnetCli({"start", "--dir", d.dir(), "--normal", "5"});
    EXPECT_EQ(conflict.code, 2) << conflict.output;
    EXPECT_NE(conflict.output.find("--normal 5"), std::string::npos) << conflict.output;
    EXPECT_NE(conflict.output.find("--reset"), std::string::npos) << conflict.output;

    // --reset: a new chain (new keys, new genesis) that starts again from 1.
    std::vector<std::string> reset = {"start", "--dir", d.dir(), "--reset", "--host", "127.13.1.1"};
    reset.insert(reset.end(), kTiny.begin(), kTiny.end());
    const CliResult r = RunDevnetCli(reset);
    ASSERT_EQ(r.code, 0) << r.output;
    ASSERT_TRUE(d.Reload().ok());
    EXPECT_NE(ReadFile(d.manifest().genesis), genesis);
}

TEST(DevnetCli, StalePidIsNotKilledAndTheNodeIsStartedAgain) {
    auto net = TestDevnet::Start("cli-stale", "127.13.2.1", kTiny);
    ASSERT_TRUE(net.ok()) << net.error().message;
    TestDevnet& d = **net;
    ASSERT_EQ(RunDevnetCli({"stop", "--dir", d.dir()}, 60s).code, 0);

    // A pid that is alive but another program (a sleep we own) in node0's record.
    auto sleeper = devnet::Spawn({"/bin/sleep", "120"}, d.dir() + "/sleep.log", "");
    ASSERT_TRUE(sleeper.ok());
    std::string text = ReadFile(devnet::ManifestPath(d.dir()));
    const std::string from = "\"pid\": 0";
    text.replace(text.find(from), from.size(), "\"pid\": " + std::to_string(*sleeper));
    std::ofstream(devnet::ManifestPath(d.dir()), std::ios::trunc) << text;

    const CliResult r = RunDevnetCli({"start", "--dir", d.dir()});
    EXPECT_EQ(r.code, 0) << r.output;
    EXPECT_NE(r.output.find("is gone; starting it again"), std::string::npos) << r.output;
    EXPECT_TRUE(devnet::IsOurProcess(*sleeper, {"sleep"}))
        << "the launcher signalled a process it does not own";
    ASSERT_TRUE(d.Reload().ok());
    EXPECT_NE(d.manifest().nodes[0].pid, *sleeper);
    EXPECT_TRUE(devnet::NodeRunning(d.manifest().nodes[0]));
    devnet::TerminateAll({*sleeper}, 2000ms);
}

TEST(DevnetCli, AddressInUseNamesTheNodeAndAddress) {
    // Occupy what node1 of a devnet on 127.13.3.1 would use for HTTP.
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_GE(fd, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(30001);
    ::inet_pton(AF_INET, "127.13.3.2", &a.sin_addr);
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    ASSERT_EQ(::listen(fd, 4), 0);
    const std::string dir = (std::filesystem::temp_directory_path() /
                             ("iost-functional-cli-port-" + std::to_string(::getpid())))
                                .string();
    std::vector<std::string> args = {"start", "--dir", dir, "--reset", "--host", "127.13.3.1"};
    args.insert(args.end(), kTiny.begin(), kTiny.end());
    const CliResult r = RunDevnetCli(args);
    ::close(fd);
    EXPECT_EQ(r.code, 1) << r.output;
    EXPECT_NE(r.output.find("node node1"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("127.13.3.2:30001"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("in use"), std::string::npos) << r.output;
    // Nothing was left running.
    auto m = devnet::LoadManifest(devnet::ManifestPath(dir));
    ASSERT_TRUE(m.ok()) << m.error().message;
    for (const auto& n : m->nodes) EXPECT_FALSE(devnet::NodeRunning(n)) << n.name;
    std::filesystem::remove_all(dir);
}

TEST(DevnetCli, BadOptionsFailBeforeAnythingStarts) {
    const std::string dir = (std::filesystem::temp_directory_path() /
                             ("iost-functional-cli-bad-" + std::to_string(::getpid())))
                                .string();
    struct Case {
        std::vector<std::string> args;
        std::string expect;
    };
    const std::vector<Case> cases = {
        {{"--believable", "0"}, "--believable 0"},
        {{"--sampling", "2"}, "--sampling"},
        {{"--normal", "2"}, "--normal 2"},
        {{"--host", "127.13.4.250"}, "--host 127.13.4.250"},
        {{"--host", "localhost"}, "--host"},
        {{"--bin", "/nonexistent"}, "iserver not found"},
        {{"--believable", "-1"}, ""},
    };
    for (const auto& c : cases) {
        std::vector<std::string> args = {"start", "--dir", dir};
        args.insert(args.end(), c.args.begin(), c.args.end());
        const CliResult r = RunDevnetCli(args, 30s);
        EXPECT_EQ(r.code, 2) << c.args[0] << ": " << r.output;
        EXPECT_NE(r.output.find(c.expect), std::string::npos) << c.args[0] << ": " << r.output;
    }
    EXPECT_FALSE(std::filesystem::exists(devnet::ManifestPath(dir)))
        << "nothing written for bad options";
    // A directory with foreign content is never used (nor deleted).
    std::filesystem::create_directories(dir);
    std::ofstream(dir + "/precious.txt") << "keep me";
    std::vector<std::string> args = {"start", "--dir", dir, "--host", "127.13.4.1"};
    args.insert(args.end(), kTiny.begin(), kTiny.end());
    const CliResult r = RunDevnetCli(args, 30s);
    EXPECT_EQ(r.code, 1) << r.output;
    EXPECT_NE(r.output.find("not empty"), std::string::npos) << r.output;
    EXPECT_TRUE(std::filesystem::exists(dir + "/precious.txt"));
    const CliResult st = RunDevnetCli({"status", "--dir", dir}, 30s);
    EXPECT_EQ(st.code, 1);
    EXPECT_NE(st.output.find("devnet.json"), std::string::npos) << st.output;
    std::filesystem::remove_all(dir);
}

TEST(DevnetCli, RunWithoutTerminalPrintsStatusAndStopsItsNodesOnSigterm) {
    const std::string dir = (std::filesystem::temp_directory_path() /
                             ("iost-functional-cli-run-" + std::to_string(::getpid())))
                                .string();
    std::filesystem::remove_all(dir);
    const std::string out = dir + ".out";
    std::vector<std::string> args = {
        BinDir() + "/iost-devnet", "run", "--dir", dir, "--host", "127.13.5.1"};
    args.insert(args.end(), kTiny.begin(), kTiny.end());
    auto pid = devnet::Spawn(args, out, "");
    ASSERT_TRUE(pid.ok()) << pid.error().message;
    // Wait for two status lines ("height N (2/2 up").
    const auto deadline = std::chrono::steady_clock::now() + 120s;
    size_t lines = 0;
    std::string text;
    while (std::chrono::steady_clock::now() < deadline) {
        text = ReadFile(out);
        lines = 0;
        for (size_t p = text.find("(2/2 up"); p != std::string::npos;
             p = text.find("(2/2 up", p + 1))
            ++lines;
        if (lines >= 2 || devnet::ReapIfExited(*pid)) break;
        std::this_thread::sleep_for(200ms);
    }
    EXPECT_GE(lines, 2u) << text;
    auto m = devnet::LoadManifest(devnet::ManifestPath(dir));
    ASSERT_TRUE(m.ok()) << m.error().message;
    std::vector<int> node_pids;
    for (const auto& n : m->nodes) node_pids.push_back(n.pid);

    ::kill(*pid, SIGTERM);
    std::optional<std::string> how;
    const auto stop_deadline = std::chrono::steady_clock::now() + 60s;
    while (!(how = devnet::ReapIfExited(*pid)) &&
           std::chrono::steady_clock::now() < stop_deadline) {
        std::this_thread::sleep_for(50ms);
    }
    ASSERT_TRUE(how.has_value()) << "run did not exit on SIGTERM";
    EXPECT_EQ(*how, "exit code 0") << ReadFile(out);
    for (int p : node_pids)
        EXPECT_FALSE(devnet::IsOurProcess(p, {"iserver"}))
            << "node " << p << " survived the launcher";
    EXPECT_NE(ReadFile(out).find("stopped 2 node(s)"), std::string::npos) << ReadFile(out);
    if (!::testing::Test::HasFailure()) {
        std::filesystem::remove_all(dir);
        std::filesystem::remove(out);
    }
}

}  // namespace
}  // namespace iost::functional
