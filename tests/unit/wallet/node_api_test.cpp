// NodeApi and WaitForTx against a scripted node: the PENDING -> PACKED ->
// IRREVERSIBLE walk with its times, a failed receipt, a dropped tx, a
// timeout, a node that goes away, and /sendTx refusals and hash mismatches.
#include <gtest/gtest.h>
#include <util/clock.h>
#include <wallet/node_api.h>
#include <wallet/tx_builder.h>

#include <atomic>
#include <nlohmann/json.hpp>
#include <vector>

#include "script_server.h"

namespace iost::wallet {
namespace {

using namespace iost::wallet::testing;  // NOLINT: the scripted server helpers
using Json = nlohmann::json;

constexpr const char* kHash = "5DxBa5wyvknsuearcEL4zpE9FjsJv2UPnCz42xTjzMyC";

struct Reply {
    int status = 200;
    std::string body;
};
using Handler = std::function<Reply(const std::string& method, const std::string& path,
                                    const std::string& body)>;

// Serves keep-alive requests on one connection until the client leaves.
ScriptServer::Script Serve(Handler h) {
    return [h = std::move(h)](int fd, int) {
        for (;;) {
            const std::string req = ReadRequest(fd);
            if (req.empty()) return;
            const size_t sp1 = req.find(' '), sp2 = req.find(' ', sp1 + 1);
            const std::string method = req.substr(0, sp1),
                              path = req.substr(sp1 + 1, sp2 - sp1 - 1);
            const std::string body = req.substr(req.find("\r\n\r\n") + 4);
            Reply r = h(method, path, body);
            SendAll(fd, "HTTP/1.1 " + std::to_string(r.status) +
                            (r.status == 200 ? " OK" : " Bad Request") +
                            "\r\nContent-Type: application/json\r\nContent-Length: " +
                            std::to_string(r.body.size()) + "\r\n\r\n" + r.body);
        }
    };
}

Reply TxStatus(const std::string& status, const std::string& block = "-1") {
    return {200,
            Json{{"status", status}, {"transaction", {{"hash", kHash}}}, {"block_number", block}}
                .dump()};
}
Reply NotFound(const std::string& msg) { return {400, Json{{"code", 2}, {"message", msg}}.dump()}; }

WaitOptions Fast(int timeout_ms = 10'000) {
    WaitOptions o;
    o.timeout = Ms(timeout_ms);
    o.poll_interval = Ms(10);
    o.expiration_ns = util::SystemClock().Now() + 90 * util::kNanosPerSecond;
    return o;
}

TEST(WaitForTx, WalksPendingPackedIrreversibleAndReadsTheReceipt) {
    std::atomic<int> polls{0};
    ScriptServer srv(
        Serve([&](const std::string&, const std::string& path, const std::string&) -> Reply {
            if (path == std::string("/getTxByHash/") + kHash) {
                const int n = polls++;
                if (n < 2) return NotFound("tx not found");  // not yet admitted
                if (n < 4) return TxStatus("PENDING");
                if (n < 6) return TxStatus("PACKED");
                return TxStatus("IRREVERSIBLE", "7");
            }
            if (path == std::string("/getTxReceiptByTxHash/") + kHash) {
                return {200, Json{{"tx_hash", kHash},
                                  {"status_code", "SUCCESS"},
                                  {"message", ""},
                                  {"gas_usage", 3120}}
                                 .dump()};
            }
            return NotFound("unexpected " + path);
        }));
    auto api = NodeApi::Make(srv.url());
    ASSERT_TRUE(api.ok());
    std::vector<std::string> seen;
    auto r = WaitForTx(*api, kHash, Fast(), [&](std::string_view s, Ms) {
        if (seen.empty() || seen.back() != s) seen.emplace_back(s);
    });
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->outcome, WaitOutcome::kSuccess);
    EXPECT_EQ(r->status_code, "SUCCESS");
    EXPECT_EQ(r->block_number, "7");
    ASSERT_TRUE(r->packed_after.has_value());
    ASSERT_TRUE(r->irreversible_after.has_value());
    EXPECT_LE(*r->packed_after, *r->irreversible_after);
    EXPECT_EQ(seen, (std::vector<std::string>{"", "PENDING", "PACKED", "IRREVERSIBLE"}));
    EXPECT_EQ(Json::parse(r->receipt_json)["gas_usage"], 3120);
}

TEST(WaitForTx, FailedReceiptIsReportedAsFailed) {
    ScriptServer srv(
        Serve([&](const std::string&, const std::string& path, const std::string&) -> Reply {
            if (path.rfind("/getTxByHash/", 0) == 0) return TxStatus("IRREVERSIBLE", "3");
            return {200, Json{{"tx_hash", kHash},
                              {"status_code", "RUNTIME_ERROR"},
                              {"message", "balance not enough 1 < 2"}}
                             .dump()};
        }));
    auto api = NodeApi::Make(srv.url());
    auto r = WaitForTx(*api, kHash, Fast());
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->outcome, WaitOutcome::kFailed);
    EXPECT_EQ(r->status_code, "RUNTIME_ERROR");
    EXPECT_EQ(r->message, "balance not enough 1 < 2");
    EXPECT_FALSE(r->packed_after.has_value());  // final at the first look
    EXPECT_TRUE(r->irreversible_after.has_value());
}

TEST(WaitForTx, UnknownAfterExpirationIsDropped) {
    ScriptServer srv(Serve([&](const std::string&, const std::string&,
                               const std::string&) -> Reply { return NotFound("tx not found"); }));
    auto api = NodeApi::Make(srv.url());
    auto opts = Fast();
    opts.expiration_ns = util::SystemClock().Now() - 10 * util::kNanosPerSecond;
    auto r = WaitForTx(*api, kHash, opts);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->outcome, WaitOutcome::kDropped);
    EXPECT_NE(r->message.find("expired"), std::string::npos);
}

TEST(WaitForTx, StuckPendingTimesOut) {
    ScriptServer srv(Serve([&](const std::string&, const std::string&,
                               const std::string&) -> Reply { return TxStatus("PENDING"); }));
    auto api = NodeApi::Make(srv.url());
    auto r = WaitForTx(*api, kHash, Fast(300));
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->outcome, WaitOutcome::kTimeout);
    EXPECT_EQ(r->last_status, "PENDING");
    EXPECT_NE(r->message.find("PENDING"), std::string::npos);
}

TEST(WaitForTx, NodeThatGoesAwayIsAnError) {
    uint16_t port = 0;
    {
        ScriptServer srv(Serve(
            [](const std::string&, const std::string&, const std::string&) { return Reply{}; }));
        port = srv.port();
    }  // closed: connections are refused now
    auto api = NodeApi::Make("http://127.0.0.1:" + std::to_string(port));
    ASSERT_TRUE(api.ok());
    auto r = WaitForTx(*api, kHash, Fast());
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("refused"), std::string::npos) << r.error().message;
}

core::Tx SignedTx() {
    auto tx = BuildTx({TransferAction("iost", "alice", "bobby", "1", "")}, TxParams{},
                      util::SystemClock().Now());
    EXPECT_TRUE(tx.ok());
    SignAsPublisher(*tx, "alice", crypto::KeyPair::FromSeed(crypto::Algorithm::kEd25519, "alice"));
    return *tx;
}

TEST(NodeApi, SendTxPostsTheSdkShapeAndChecksTheHash) {
    const core::Tx tx = SignedTx();
    std::string posted;
    std::atomic<bool> lie{false};
    ScriptServer srv(Serve(
        [&](const std::string& method, const std::string& path, const std::string& body) -> Reply {
            if (method != "POST" || path != "/sendTx") return NotFound("no");
            posted = body;
            return {200, Json{{"hash", lie ? std::string(kHash) : tx.HashBase58()},
                              {"pre_tx_receipt", nullptr}}
                             .dump()};
        }));
    auto api = NodeApi::Make(srv.url());
    auto h = api->SendTx(tx);
    ASSERT_TRUE(h.ok()) << h.error().message;
    EXPECT_EQ(*h, tx.HashBase58());
    EXPECT_EQ(Json::parse(posted)["publisher"], "alice");
    lie = true;
    auto bad = api->SendTx(tx);
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.error().message.find("encoding mismatch"), std::string::npos);
}

TEST(NodeApi, RefusalCarriesTheNodesMessageAndStatus) {
    ScriptServer srv(
        Serve([&](const std::string&, const std::string&, const std::string&) -> Reply {
            return {400, Json{{"code", 3}, {"message", "tx expired"}}.dump()};
        }));
    auto api = NodeApi::Make(srv.url());
    auto h = api->SendTx(SignedTx());
    ASSERT_FALSE(h.ok());
    EXPECT_EQ(h.error().code, 400);
    EXPECT_NE(h.error().message.find("tx expired"), std::string::npos) << h.error().message;
    auto g = api->Get("/getChainInfo");
    ASSERT_FALSE(g.ok());
    EXPECT_GE(g.error().code, kNodeReplied);
}

TEST(NodeApi, BadServerUrlIsRefused) {
    EXPECT_FALSE(NodeApi::Make("https://node").ok());
    EXPECT_FALSE(NodeApi::Make("http://node/path").ok());
    EXPECT_EQ(NodeApi::Make("127.0.0.1")->server(), "http://127.0.0.1:30001");
}

}  // namespace
}  // namespace iost::wallet
