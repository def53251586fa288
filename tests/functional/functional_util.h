// Shared helpers for the functional tier (tests/functional/*_test.cpp): start
// a real devnet with the real `iost-devnet` binary in a temp dir on the
// test's own loopback /24, read nodes over their HTTP API, sign and send
// IOST transfers, kill -9 and restart nodes. Everything waits with a bound
// (no test can hang), and nothing asserts on timing.
//
//   auto net = functional::TestDevnet::Start("mytest", "127.10.1.1", {"--normal", "4"});
//   ASSERT_TRUE(net.ok()) << net.error().message;
//   (*net)->WaitForHeight(5, 60s);
//
// On a failed test the devnet directory (configs, logs) is kept and its path
// printed; otherwise it is deleted. Header-only: the functional CMake builds
// each *_test.cpp alone.
// Thread contract: a TestDevnet is used from the test's thread.
#pragma once

#include <core/tx.h>
#include <core/tx_json.h>
#include <crypto/keys.h>
#include <devnet/devnet.h>
#include <devnet/manifest.h>
#include <devnet/process.h>
#include <devnet/status.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <util/bytes.h>
#include <util/clock.h>
#include <util/result.h>
#include <wallet/http_client.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace iost::functional {

using json = nlohmann::json;
using namespace std::chrono_literals;

inline std::string BinDir() { return IOST_BIN_DIR; }

struct CliResult {
    int code = -1;  // exit code; -1 timed out or killed
    std::string output;
};

// Runs a program to completion with a bound, output (stdout+stderr) captured.
inline CliResult RunProgram(const std::vector<std::string>& argv, std::chrono::seconds timeout) {
    CliResult r;
    const std::string out =
        (std::filesystem::temp_directory_path() /
         ("iost-cli-" + std::to_string(::getpid()) + "-" +
          std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()) + ".log"))
            .string();
    auto pid = devnet::Spawn(argv, out, "");
    if (!pid) {
        r.output = pid.error().message;
        return r;
    }
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::optional<std::string> how;
    while (!(how = devnet::ReapIfExited(*pid)) && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(50ms);
    }
    if (!how) {
        ::kill(*pid, SIGKILL);
        int st = 0;
        ::waitpid(*pid, &st, 0);
        r.output = "timed out after " + std::to_string(timeout.count()) + " s\n";
    } else if (how->rfind("exit code ", 0) == 0) {
        r.code = std::stoi(how->substr(10));
    }
    std::ifstream in(out);
    std::ostringstream ss;
    ss << in.rdbuf();
    r.output += ss.str();
    std::filesystem::remove(out);
    return r;
}

inline CliResult RunDevnetCli(std::vector<std::string> args, std::chrono::seconds timeout = 150s) {
    args.insert(args.begin(), BinDir() + "/iost-devnet");
    return RunProgram(args, timeout);
}

// GET a JSON document; an HTTP error status is an error whose code is that status.
inline util::Result<json> GetJson(const std::string& base_url, const std::string& path,
                                  std::chrono::milliseconds timeout = 3000ms) {
    wallet::HttpClientOptions o;
    o.connect_timeout = timeout;
    o.request_timeout = timeout;
    auto r = wallet::HttpGet(base_url + path, o);
    if (!r) return util::ErrOf(r.error());
    if (r->status != 200)
        return util::Err(path + ": HTTP " + std::to_string(r->status) + " " + r->body, r->status);
    json j = json::parse(r->body, nullptr, false);
    if (j.is_discarded()) return util::Err(path + ": not JSON: " + r->body.substr(0, 200));
    return j;
}

// IOST's int64-as-string fields.
inline uint64_t U64Of(const json& j, const char* key) {
    if (!j.contains(key)) return 0;
    const json& v = j[key];
    if (v.is_number_unsigned()) return v.get<uint64_t>();
    if (v.is_string()) return std::stoull(v.get<std::string>());
    return 0;
}

// A signed IOST transfer (token.iost/transfer) from a devnet account, as the
// SDK builds one: publisher = from, one Ed25519 publisher signature.
inline core::Tx MakeTransfer(const devnet::AccountEntry& from, const std::string& to,
                             const std::string& amount, const std::string& memo, uint32_t chain_id,
                             int64_t now_ns) {
    auto secret = util::Base58Decode(from.secret_key);
    IOST_ASSERT(secret.ok(), "devnet.json holds base58 secrets");
    auto kp = crypto::KeyPair::FromSecret(crypto::Algorithm::kEd25519, *secret);
    IOST_ASSERT(kp.ok(), "devnet.json holds valid Ed25519 secrets");
    core::Tx tx;
    tx.time = now_ns;
    tx.expiration = now_ns + 80LL * 1'000'000'000;
    tx.gas_ratio = 100;        // 1.00
    tx.gas_limit = 5'000'000;  // 50,000 gas
    tx.chain_id = chain_id;
    tx.actions.push_back(
        {"token.iost", "transfer",
         "[\"iost\",\"" + from.name + "\",\"" + to + "\",\"" + amount + "\",\"" + memo + "\"]"});
    tx.amount_limit.push_back({"iost", amount});
    tx.SignAsPublisher(from.name, *kp);
    return tx;
}

class TestDevnet {
  public:
    // Starts `iost-devnet start --dir <tmp> --reset --host <host> <extra...>`.
    static util::Result<std::unique_ptr<TestDevnet>> Start(
        const std::string& name, const std::string& host,
        const std::vector<std::string>& extra = {}) {
        const std::string dir = (std::filesystem::temp_directory_path() /
                                 ("iost-functional-" + name + "-" + std::to_string(::getpid())))
                                    .string();
        std::error_code ec;
        std::filesystem::remove_all(dir, ec);
        std::unique_ptr<TestDevnet> net(new TestDevnet(dir));
        std::vector<std::string> args = {"start",  "--dir", dir,         "--reset",
                                         "--host", host,    "--timeout", "120"};
        args.insert(args.end(), extra.begin(), extra.end());
        const CliResult r = RunDevnetCli(args);
        net->m_started =
            true;  // even a failed start may have left processes: stop them in the destructor
        if (r.code != 0)
            return util::Err("iost-devnet start failed (" + std::to_string(r.code) + "):\n" +
                             r.output);
        IOST_TRY(net->Reload());
        return net;
    }

    ~TestDevnet() {
        if (!m_started) return;
        (void)RunDevnetCli({"stop", "--dir", m_dir}, 60s);
        if (::testing::Test::HasFailure()) {
            std::printf("[functional] keeping %s for inspection (logs: <node>/iserver.log)\n",
                        m_dir.c_str());
        } else {
            std::error_code ec;
            std::filesystem::remove_all(m_dir, ec);
        }
    }
    TestDevnet(const TestDevnet&) = delete;
    TestDevnet& operator=(const TestDevnet&) = delete;

    const std::string& dir() const { return m_dir; }
    const devnet::Manifest& manifest() const { return m_manifest; }
    util::Status Reload() {
        auto m = devnet::LoadManifest(devnet::ManifestPath(m_dir));
        if (!m) return util::ErrOf(m.error());
        m_manifest = std::move(*m);
        return {};
    }

    const devnet::NodeEntry& Node(const std::string& name) const {
        for (const auto& n : m_manifest.nodes) {
            if (n.name == name) return n;
        }
        IOST_ASSERT(false, "no such node in the devnet");
        return m_manifest.nodes.front();
    }
    std::vector<std::string> NodesWithRole(devnet::Role r) const {
        std::vector<std::string> out;
        for (const auto& n : m_manifest.nodes) {
            if (n.role == r) out.push_back(n.name);
        }
        return out;
    }
    const devnet::AccountEntry& Account(const std::string& name) const {
        for (const auto& a : m_manifest.accounts) {
            if (a.name == name) return a;
        }
        IOST_ASSERT(false, "no such account in the devnet");
        return m_manifest.accounts.front();
    }

    devnet::NodeStatus Status(const std::string& node) const {
        return devnet::QueryNode(Node(node), std::chrono::milliseconds(1500));
    }

    // Waits until every node in `nodes` (all when empty) serves a final
    // height >= h. Returns the last statuses, or an error naming the laggards.
    util::Result<std::map<std::string, devnet::NodeStatus>> WaitForHeight(
        uint64_t h, std::chrono::seconds timeout, std::vector<std::string> nodes = {}) const {
        if (nodes.empty()) {
            for (const auto& n : m_manifest.nodes) nodes.push_back(n.name);
        }
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        std::map<std::string, devnet::NodeStatus> last;
        for (;;) {
            bool all = true;
            for (const auto& name : nodes) {
                last[name] = Status(name);
                all = all && last[name].up && last[name].height >= h;
            }
            if (all) return last;
            if (std::chrono::steady_clock::now() >= deadline) {
                std::string why = "not every node reached height " + std::to_string(h) +
                                  " within " + std::to_string(timeout.count()) + " s:";
                for (const auto& [name, st] : last) {
                    why += " " + name + "=" +
                           (st.up ? std::to_string(st.height) : "down(" + st.error + ")");
                }
                return util::Err(why + " (logs in " + m_dir + ")");
            }
            std::this_thread::sleep_for(250ms);
        }
    }

    // Height of node `name` (0 if down).
    uint64_t Height(const std::string& name) const {
        const auto st = Status(name);
        return st.up ? st.height : 0;
    }

    util::Result<json> Get(const std::string& node, const std::string& path) const {
        return GetJson(Node(node).http, path);
    }

    // POST /sendTx; returns the tx hash the node reports.
    util::Result<std::string> SendTx(const std::string& node, const core::Tx& tx) const {
        wallet::HttpClientOptions o;
        o.request_timeout = 5000ms;
        auto r = wallet::HttpPost(Node(node).http + "/sendTx", core::TxToJson(tx), "text/plain", o);
        if (!r) return util::ErrOf(r.error());
        if (r->status != 200)
            return util::Err("sendTx: HTTP " + std::to_string(r->status) + " " + r->body,
                             r->status);
        json j = json::parse(r->body, nullptr, false);
        if (j.is_discarded() || !j.contains("hash") || !j["hash"].is_string()) {
            return util::Err("sendTx: unexpected reply " + r->body);
        }
        return j["hash"].get<std::string>();
    }

    // kill -9 (no clean shutdown): the node must recover from its data dir.
    util::Status Kill9(const std::string& name) {
        const auto& n = Node(name);
        if (!devnet::NodeRunning(n)) return util::Err("node " + name + " is not running");
        if (::kill(n.pid, SIGKILL) != 0)
            return util::Err("kill -9 " + std::to_string(n.pid) + " failed");
        const auto deadline = std::chrono::steady_clock::now() + 10s;
        while (devnet::NodeRunning(n) && std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(20ms);
        if (devnet::NodeRunning(n)) return util::Err("node " + name + " survived SIGKILL");
        return {};
    }

    // `iost-devnet start --dir` again: restarts every node that is not
    // running from its data dir and waits until all serve height >= 1.
    // `extra`: more options for this start (e.g. --node-env NODE:KEY=VALUE).
    util::Status RestartStopped(const std::vector<std::string>& extra = {}) {
        std::vector<std::string> args = {"start", "--dir", m_dir, "--timeout", "120"};
        args.insert(args.end(), extra.begin(), extra.end());
        const CliResult r = RunDevnetCli(args);
        if (r.code != 0) return util::Err("iost-devnet start (resume) failed:\n" + r.output);
        return Reload();
    }

  private:
    explicit TestDevnet(std::string dir) : m_dir(std::move(dir)) {}
    std::string m_dir;
    devnet::Manifest m_manifest;
    bool m_started = false;
};

// Block hash at `height` on `node` via IOST's /getBlockByNumber/{n}/false, if served.
inline util::Result<std::string> BlockHashAt(const TestDevnet& net, const std::string& node,
                                             uint64_t height) {
    auto b = net.Get(node, "/getBlockByNumber/" + std::to_string(height) + "/false");
    if (!b) return util::ErrOf(b.error());
    const json& blk = b->contains("block") ? (*b)["block"] : *b;
    if (!blk.contains("hash") || !blk["hash"].is_string()) return util::Err("block without a hash");
    return blk["hash"].get<std::string>();
}

}  // namespace iost::functional
