// A real one-validator node (RocksDB in a temp dir, its driver finalizing
// alone, P2P bound to loopback) with the full HTTP API on an ephemeral
// loopback port, for the API tests. One per test suite: starting a node
// costs a second or so.
// Thread contract: the owning test thread creates and destroys it; the
// helpers may be called from that thread.
#pragma once

#include <core/tx_json.h>
#include <gtest/gtest.h>
#include <node/node.h>
#include <rpc/api.h>
#include <rpc/http_server.h>
#include <wallet/http_client.h>

#include <chrono>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>
#include <utility>

#include "../node/node_test_util.h"

namespace iost::rpc::testing {

using nlohmann::json;
namespace nt = node::testing;

inline bool WaitFor(const std::function<bool()>& cond, std::chrono::milliseconds limit) {
    const auto end = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < end) {
        if (cond()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return cond();
}

class ApiNode {
  public:
    ApiNode() : ApiNode(nt::TestGenesis(/*validators=*/1, /*B=*/1, /*N=*/1)) {}
    // A test's own genesis and config changes (the pruning tests: a fast
    // chain, prune.keep_blocks).
    explicit ApiNode(core::Genesis g, const std::function<void(node::NodeConfig&)>& configure = {})
        : genesis(std::move(g)) {
        node::NodeConfig c;
        c.data_dir = dir.str() + "/data";
        c.p2p_listen = {"127.0.0.1", 0};
        c.http_enabled = false;  // the test runs its own server below
        c.view_timeout_ms = 500;
        c.verify_threads = 1;
        c.storage_sync = false;
        if (configure) configure(c);
        auto n = node::Node::Create(c, genesis, nt::ValidatorKeys(0), util::Logger::Null());
        if (!n.ok()) {
            ADD_FAILURE() << n.error().message;
            return;
        }
        node = std::move(*n);
        if (auto st = node->Start(); !st.ok()) {
            ADD_FAILURE() << st.error().message;
            node.reset();
            return;
        }
        HttpServerOptions o;
        o.address = "127.0.0.1";
        o.port = 0;
        server = std::make_unique<HttpServer>(o);
        api = BuildApi(*node);
        MountApi(*server, api);
        if (auto st = server->Start(); !st.ok()) {
            ADD_FAILURE() << st.error().message;
            return;
        }
        base_url = "http://127.0.0.1:" + std::to_string(server->port());
        client = std::make_unique<wallet::HttpClient>(wallet::HttpClient::Make(base_url).value());
        EXPECT_TRUE(
            WaitFor([&] { return node->driver().Status().height >= 2; }, std::chrono::seconds(20)));
    }
    ~ApiNode() {
        client.reset();
        if (server) server->Stop();
        if (node) node->Stop();
    }

    bool ok() const { return node && server && client; }

    // GET/POST returning (status, parsed JSON body or null when not JSON).
    std::pair<int, json> Get(const std::string& path) {
        auto r = client->Get(path);
        if (!r.ok()) return {0, json(r.error().message)};
        return {r->status, json::parse(r->body, nullptr, false)};
    }
    std::pair<int, json> Post(const std::string& path, const std::string& body) {
        auto r = client->Post(path, body, "text/plain");
        if (!r.ok()) return {0, json(r.error().message)};
        return {r->status, json::parse(r->body, nullptr, false)};
    }

    // A signed transfer stamped now (minus a little so it is never "future").
    core::Tx Transfer(const std::string& from, const std::string& to, const std::string& amount,
                      const std::string& memo = "") const {
        const int64_t now = util::SystemClock().Now() - 1'000'000'000;
        return nt::Transfer(from, to, amount, now, memo);
    }

    // Sends `tx` via /sendTx; returns the hash the node answered ("" on refusal).
    std::string Send(const core::Tx& tx) {
        auto [st, body] = Post("/sendTx", core::TxToJson(tx));
        EXPECT_EQ(st, 200) << body.dump();
        return st == 200 ? body.value("hash", "") : "";
    }

    // Waits until the transaction's receipt is there (IRREVERSIBLE).
    json WaitReceipt(const std::string& hash) {
        json out;
        WaitFor(
            [&] {
                auto [st, body] = Get("/getTxReceiptByTxHash/" + hash);
                if (st == 200) out = body;
                return st == 200;
            },
            std::chrono::seconds(20));
        return out;
    }

    nt::TempDir dir;
    core::Genesis genesis;
    std::unique_ptr<node::Node> node;
    std::shared_ptr<ApiContext> api;  // the endpoint table HTTP serves (gRPC tests reuse it)
    std::unique_ptr<HttpServer> server;
    std::unique_ptr<wallet::HttpClient> client;
    std::string base_url;
};

}  // namespace iost::rpc::testing
