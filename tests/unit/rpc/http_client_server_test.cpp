// wallet::HttpClient against rpc::HttpServer: the pair iwallet and the node
// will use. Keep-alive across many requests, reconnection after the server's
// idle timeout, POST as text/plain (what the IOST SDK sends), error bodies,
// the body limit as seen by a client, and many clients at once.
// Needs unit_rpc to link iost_wallet (IOST_RPC_TEST_HAS_WALLET); without it
// the tests report themselves skipped rather than vanish.
#include <gtest/gtest.h>
#include <rpc/http_server.h>

#include <atomic>
#include <thread>

#ifdef IOST_RPC_TEST_HAS_WALLET
#include <wallet/http_client.h>
#endif

namespace iost::rpc {
namespace {

#ifdef IOST_RPC_TEST_HAS_WALLET

using wallet::HttpClient;
using wallet::HttpErrorKind;
using Ms = std::chrono::milliseconds;

class ClientServerTest : public ::testing::Test {
  protected:
    void SetUp() override { Start({}); }
    void Start(HttpServerOptions o) {
        server = std::make_unique<HttpServer>(std::move(o));
        server->Handle("GET", "/getNodeInfo", [](const Request&) {
            return Response::Json(200, R"({"server_time":"1700000000000000000"})");
        });
        server->Handle("GET", "/getTxByHash/{hash}", [](const Request& r) {
            if (r.params[0] == "missing") return Response::Error(400, 2, "tx not found");
            return Response::Json(200, "{\"hash\":" + JsonQuote(r.params[0]) + "}");
        });
        server->Handle("POST", "/sendTx", [](const Request& r) {
            const std::string* ct = r.Header("Content-Type");
            return Response::Json(200, "{\"type\":" + JsonQuote(ct ? *ct : "") +
                                           ",\"len\":" + std::to_string(r.body.size()) + "}");
        });
        ASSERT_TRUE(server->Start().ok());
        base = "http://127.0.0.1:" + std::to_string(server->port());
    }
    std::unique_ptr<HttpServer> server;
    std::string base;
};

TEST_F(ClientServerTest, KeepAliveManyRequestsOneConnection) {
    auto c = HttpClient::Make(base);
    ASSERT_TRUE(c.ok());
    for (int i = 0; i < 200; ++i) {
        auto r = c->Get("/getTxByHash/h" + std::to_string(i));
        ASSERT_TRUE(r.ok()) << r.error().message;
        ASSERT_EQ(r->status, 200);
        ASSERT_EQ(r->body, "{\"hash\":\"h" + std::to_string(i) + "\"}");
    }
    EXPECT_EQ(server->stats().connections_accepted, 1u);
    EXPECT_EQ(server->stats().requests, 200u);
}

TEST_F(ClientServerTest, PostAsTextPlainLikeTheSdk) {
    const std::string body = R"({"gasRatio":1,"reserved":null})";
    auto r = wallet::HttpPost(base + "/sendTx", body, "text/plain;charset=UTF-8");
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body,
              R"({"type":"text/plain;charset=UTF-8","len":)" + std::to_string(body.size()) + "}");
    EXPECT_EQ(r->Header("Access-Control-Allow-Origin"), "*");
}

TEST_F(ClientServerTest, ErrorBodiesComeThrough) {
    auto r = wallet::HttpGet(base + "/getTxByHash/missing");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->status, 400);
    EXPECT_EQ(r->body, R"({"code":2,"message":"tx not found"})");
    r = wallet::HttpGet(base + "/nope");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->status, 404);
    r = wallet::HttpGet(base + "/sendTx");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->status, 405);
}

TEST_F(ClientServerTest, OversizedPostGets413) {
    server.reset();
    HttpServerOptions o;
    o.max_body_bytes = 4096;
    Start(o);
    auto c = HttpClient::Make(base);
    ASSERT_TRUE(c.ok());
    auto r = c->Post("/sendTx", std::string(64 << 10, 'x'));
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->status, 413);
    // The client recovers on a new connection.
    r = c->Post("/sendTx", "{}");
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->status, 200);
}

TEST_F(ClientServerTest, ReconnectsAfterServerIdleTimeout) {
    server.reset();
    HttpServerOptions o;
    o.idle_timeout = Ms(200);
    Start(o);
    auto c = HttpClient::Make(base);
    ASSERT_TRUE(c.ok());
    ASSERT_TRUE(c->Get("/getNodeInfo").ok());
    std::this_thread::sleep_for(Ms(500));  // the server closes the idle connection
    for (int i = 0; i < 2; ++i) {
        auto r = i == 0 ? c->Get("/getNodeInfo") : c->Post("/sendTx", "{}");
        ASSERT_TRUE(r.ok()) << r.error().message;
        EXPECT_EQ(r->status, 200);
        std::this_thread::sleep_for(Ms(500));
    }
    EXPECT_EQ(server->stats().connections_accepted, 3u);
}

TEST_F(ClientServerTest, ClientSeesConnectionRefusedAfterStop) {
    auto c = HttpClient::Make(base);
    ASSERT_TRUE(c.ok());
    ASSERT_TRUE(c->Get("/getNodeInfo").ok());
    server->Stop();
    auto r = c->Get("/getNodeInfo");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, static_cast<int>(HttpErrorKind::kConnectionRefused))
        << r.error().message;
}

TEST_F(ClientServerTest, ManyClientsInParallel) {
    constexpr int kThreads = 16, kEach = 50;
    std::atomic<int> ok{0};
    std::vector<std::thread> ts;
    for (int t = 0; t < kThreads; ++t) {
        ts.emplace_back([&, t] {
            auto c = HttpClient::Make(base);
            if (!c.ok()) return;
            for (int i = 0; i < kEach; ++i) {
                std::string h = std::to_string(t) + "_" + std::to_string(i);
                auto r =
                    (i % 2) ? c->Get("/getTxByHash/" + h) : c->Post("/sendTx", h, "text/plain");
                if (r.ok() && r->status == 200) ++ok;
            }
        });
    }
    for (auto& t : ts) t.join();
    EXPECT_EQ(ok.load(), kThreads * kEach);
    EXPECT_EQ(server->stats().responses_5xx, 0u);
}

#else

TEST(ClientServer, NeedsWalletLinked) {
    GTEST_SKIP() << "unit_rpc is built without iost_wallet; add IOST_RPC_TEST_HAS_WALLET and link "
                    "iost_wallet";
}

#endif

}  // namespace
}  // namespace iost::rpc
