// Smoke test of iost-bench (docs/benchmarks.md): a short PoB run against a
// devnet of real iserver processes on 127.45.1.x must produce a JSON report
// in which transactions were offered, became PACKED and IRREVERSIBLE, and
// every node's CPU and memory were sampled; bad options must fail with a
// message. No timing is asserted: throughput is measured, never tested.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

namespace {

struct ExecResult {
    int status = -1;
    std::string output;
};

ExecResult Exec(const std::string& cmd) {
    ExecResult r;
    FILE* p = popen((cmd + " 2>&1").c_str(), "r");
    if (!p) return r;
    char buf[4096];
    while (size_t n = fread(buf, 1, sizeof buf, p)) r.output.append(buf, n);
    const int st = pclose(p);
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    return r;
}

std::string Bench() { return std::string(IOST_BIN_DIR) + "/iost-bench"; }

TEST(BenchSmoke, ShortPobRunWritesAConsistentReport) {
    namespace fs = std::filesystem;
    const fs::path out =
        fs::temp_directory_path() / ("iost-bench-smoke-" + std::to_string(getpid()));
    fs::remove_all(out);
    const ExecResult r =
        Exec(Bench() +
             " --quick --only pob --rates 60 --step-seconds 2 --senders 8 --verify-seconds 0.2" +
             " --host-prefix 127.45 --out " + out.string());
    ASSERT_EQ(r.status, 0) << r.output;
    std::ifstream in(out / "latest.json");
    ASSERT_TRUE(in.good()) << r.output;
    const auto j = nlohmann::json::parse(in);
    EXPECT_GT(j["ed25519_verify"]["per_second_one_core"].get<double>(), 0);
    ASSERT_EQ(j["scenarios"].size(), 1u);
    const auto& s = j["scenarios"][0];
    EXPECT_EQ(s["protocol"], "pob");
    EXPECT_EQ(s["error"], "");
    // 1 + (f + 1) + p·(N − f − 1) for 4 normal, p = 0.1 (loadgen/physics.h).
    EXPECT_DOUBLE_EQ(s["verifications_per_tx"].get<double>(), 1 + 2 + 0.1 * 2);
    ASSERT_GE(s["steps"].size(), 2u);  // the P2P step and the HTTP step
    for (const auto& st : s["steps"]) {
        const auto offered = st["offered"].get<size_t>();
        const auto finalized = st["finalized"].get<size_t>();
        EXPECT_GT(offered, 0u);
        EXPECT_LE(finalized, offered);
        EXPECT_GT(finalized, 0u) << st.dump();
        EXPECT_LE(st["packed_latency"]["p50_ms"].get<double>(),
                  st["irreversible_latency"]["p50_ms"].get<double>());
        ASSERT_EQ(st["nodes"].size(), 8u);
        for (const auto& n : st["nodes"]) EXPECT_GT(n["rss_mib"].get<double>(), 0) << n.dump();
    }
    EXPECT_TRUE(fs::exists(out / "latest.md"));
    EXPECT_TRUE(fs::exists(out / "pob.dat"));
    // The devnet was stopped again: no iserver of it is left.
    // "[i]server": the pattern does not match the shell running pgrep itself.
    const ExecResult ps =
        Exec("pgrep -f '[i]server.*" + (out / "devnets" / "pob").string() + "' || true");
    EXPECT_EQ(ps.output, "") << ps.output;
    fs::remove_all(out);
}

TEST(BenchSmoke, BadOptionsFailWithAMessage) {
    ExecResult r = Exec(
        Bench() +
        " --devnet /nonexistent/devnet.json --out /tmp/iost-bench-smoke-bad --verify-seconds 0.1");
    EXPECT_NE(r.status, 0);
    EXPECT_NE(r.output.find("/nonexistent/devnet.json"), std::string::npos) << r.output;
    r = Exec(Bench() + " --rates 0");
    EXPECT_EQ(r.status, 2) << r.output;
    r = Exec(Bench() + " --only nosuchscenario");
    EXPECT_EQ(r.status, 2) << r.output;
    EXPECT_NE(r.output.find("--only"), std::string::npos) << r.output;
    std::filesystem::remove_all("/tmp/iost-bench-smoke-bad");
}

}  // namespace
