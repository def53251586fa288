// HttpServer on 127.0.0.1 with ephemeral ports, driven over raw sockets:
// routing and parameters, error shapes, limits (413, 431, connection cap),
// keep-alive and pipelining, timeouts (slowloris), streaming with a slow
// consumer, CORS, and a clean Stop() with clients connected.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <rpc/http_server.h>
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <sstream>
#include <thread>

#include "test_socket.h"

namespace iost::rpc {
namespace {

using testing::Clock;
using testing::Ms;
using testing::RawConn;

constexpr Ms kWait{5000};  // upper bound for anything that should be immediate

// Polls `cond` every 10 ms for at most `limit`.
template <typename F>
bool WaitFor(F cond, Ms limit = kWait) {
    auto end = Clock::now() + limit;
    while (Clock::now() < end) {
        if (cond()) return true;
        std::this_thread::sleep_for(Ms(10));
    }
    return cond();
}

std::string Get(const std::string& target, const std::string& extra = "") {
    return "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra + "\r\n";
}

std::string Post(const std::string& target, const std::string& body,
                 const std::string& type = "text/plain;charset=UTF-8") {
    return "POST " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + type +
           "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

// The event source behind /subscribe in the tests.
struct Producer {
    std::mutex mu;
    std::vector<std::shared_ptr<Subscription>> subs;
    std::atomic<int> closed{0};

    StreamHandler Handler() {
        return [this](const Request& r,
                      const std::shared_ptr<Subscription>& sub) -> std::optional<Response> {
            if (r.body.find("topics") == std::string::npos) {
                return Response::Error(400, grpc_code::kInvalidArgument, "missing topics");
            }
            sub->OnClose([this] { ++closed; });
            std::lock_guard lk(mu);
            subs.push_back(sub);
            return std::nullopt;
        };
    }
    std::shared_ptr<Subscription> Wait(size_t i) {
        std::shared_ptr<Subscription> s;
        WaitFor([&] {
            std::lock_guard lk(mu);
            if (subs.size() > i) s = subs[i];
            return s != nullptr;
        });
        return s;
    }
};

// A server with a few routes in the shape of IOST's API.
class ServerTest : public ::testing::Test {
  protected:
    void StartServer(HttpServerOptions o = {}) {
        server = std::make_unique<HttpServer>(std::move(o));
        server->Handle("GET", "/getNodeInfo", [](const Request&) {
            return Response::Json(200, R"({"server_time":"1"})");
        });
        server->Handle("GET", "/getTxByHash/{hash}", [](const Request& r) {
            return Response::Json(200, "{\"hash\":" + JsonQuote(r.params.at(0)) + "}");
        });
        server->Handle("GET", "/getBlockByNumber/{n}/{complete}", [](const Request& r) {
            auto complete = ParsePathBool(r.params.at(1));
            if (!complete.ok())
                return Response::Error(400, grpc_code::kInvalidArgument, complete.error().message);
            return Response::Json(200, "{\"n\":" + JsonQuote(r.params.at(0)) +
                                           ",\"complete\":" + (*complete ? "true" : "false") + "}");
        });
        server->Handle("POST", "/sendTx", [](const Request& r) {
            const std::string* ct = r.Header("content-type");
            return Response::Json(200, "{\"len\":" + std::to_string(r.body.size()) +
                                           ",\"type\":" + JsonQuote(ct ? *ct : "") +
                                           ",\"echo\":" + JsonQuote(r.body) + "}");
        });
        server->Handle("GET", "/echoQuery", [](const Request& r) {
            return Response::Json(
                200, "{\"path\":" + JsonQuote(r.path) + ",\"query\":" + JsonQuote(r.query) + "}");
        });
        server->Handle("GET", "/throw",
                       [](const Request&) -> Response { throw std::runtime_error("boom-7731"); });
        server->Handle("GET", "/badStatus",
                       [](const Request&) { return Response::Json(1000, "{}"); });
        server->Handle("GET", "/sleep", [](const Request&) {
            std::this_thread::sleep_for(Ms(300));
            return Response::Json(200, "{}");
        });
        for (auto& [m, p, h] : extra_routes) server->Handle(m, p, h);
        for (auto& [m, p, h] : extra_streams) server->HandleStream(m, p, h);
        auto st = server->Start();
        ASSERT_TRUE(st.ok()) << st.error().message;
        port = server->port();
        ASSERT_NE(port, 0);
    }

    std::optional<testing::ParsedResponse> RoundTrip(const std::string& raw, bool head = false) {
        RawConn c(port);
        if (!c.Send(raw)) return std::nullopt;
        return c.ReadResponse(kWait, head);
    }

    Producer prod;  // declared before the server: its callbacks must outlive it
    std::unique_ptr<HttpServer> server;
    uint16_t port = 0;
    std::vector<std::tuple<std::string, std::string, Handler>> extra_routes;
    std::vector<std::tuple<std::string, std::string, StreamHandler>> extra_streams;
};

// ------------------------------------------------------------------ routing

TEST_F(ServerTest, RoutesExactPathsAndParameters) {
    StartServer();
    auto r = RoundTrip(Get("/getNodeInfo"));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, R"({"server_time":"1"})");
    EXPECT_EQ(r->Get("content-type"), "application/json");

    r = RoundTrip(Get("/getTxByHash/5Yf3kLmN"));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->body, R"({"hash":"5Yf3kLmN"})");

    r = RoundTrip(Get("/getBlockByNumber/16041/true"));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->body, R"({"n":"16041","complete":true})");
    r = RoundTrip(Get("/getBlockByNumber/7/0"));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->body, R"({"n":"7","complete":false})");

    // Parameters are percent-decoded; the query is kept apart from the path.
    r = RoundTrip(Get("/getTxByHash/a%20b%2Fc"));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->body, R"({"hash":"a b/c"})");
    r = RoundTrip(Get("/echoQuery?x=1&y=%41"));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->body, R"({"path":"/echoQuery","query":"x=1&y=%41"})");
    // Absolute-form targets route like origin-form ones (RFC 7230 §5.3.2).
    r = RoundTrip(Get("http://127.0.0.1/getTxByHash/abs"));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->body, R"({"hash":"abs"})");
}

TEST_F(ServerTest, UnknownPathsAre404WithIostErrorShape) {
    StartServer();
    for (std::string target : {"/nope", "/getNodeInfo/", "/getTxByHash", "/getTxByHash/",
                               "/getTxByHash/a/b", "/", "//getNodeInfo", "/getBlockByNumber/1"}) {
        auto r = RoundTrip(Get(target));
        ASSERT_TRUE(r) << target;
        EXPECT_EQ(r->status, 404) << target;
        EXPECT_EQ(r->Get("content-type"), "application/json");
        EXPECT_NE(r->body.find("\"code\":12,\"message\":\"no such endpoint"), std::string::npos)
            << r->body;
    }
}

TEST_F(ServerTest, WrongMethodIs405WithAllow) {
    StartServer();
    auto r = RoundTrip(Post("/getNodeInfo", "{}"));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 405);
    EXPECT_EQ(r->Get("allow"), "GET, HEAD");
    EXPECT_EQ(r->body, R"({"code":12,"message":"method POST not allowed on /getNodeInfo"})");
    r = RoundTrip(Get("/sendTx"));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 405);
    EXPECT_EQ(r->Get("allow"), "POST");
    r = RoundTrip("DELETE /sendTx HTTP/1.1\r\nHost: x\r\n\r\n");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 405);
}

TEST_F(ServerTest, PostBodiesAcceptedWithAnyContentType) {
    StartServer();
    std::string body = R"({"gasRatio":1,"actions":[],"reserved":null})";
    for (std::string type : {"text/plain;charset=UTF-8", "application/json",
                             "application/x-www-form-urlencoded", "application/octet-stream"}) {
        auto r = RoundTrip(Post("/sendTx", body, type));
        ASSERT_TRUE(r);
        EXPECT_EQ(r->status, 200);
        EXPECT_NE(r->body.find("\"len\":" + std::to_string(body.size())), std::string::npos);
        EXPECT_NE(r->body.find(JsonQuote(type)), std::string::npos);
    }
    // No Content-Type at all, and a chunked body.
    auto r = RoundTrip("POST /sendTx HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    r = RoundTrip(
        "POST /sendTx HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: "
        "chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_NE(r->body.find("\"echo\":\"abcde\""), std::string::npos) << r->body;
}

TEST_F(ServerTest, HeadAnswersWithGetHeadersAndNoBody) {
    StartServer();
    RawConn c(port);
    ASSERT_TRUE(c.Send("HEAD /getNodeInfo HTTP/1.1\r\nHost: x\r\n\r\n"));
    auto r = c.ReadResponse(kWait, /*head_request=*/true);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->Get("content-length"),
              std::to_string(std::string(R"({"server_time":"1"})").size()));
    // The connection stays usable: no stray body bytes precede the next response.
    ASSERT_TRUE(c.Send(Get("/getTxByHash/h2")));
    auto r2 = c.ReadResponse(kWait);
    ASSERT_TRUE(r2);
    EXPECT_EQ(r2->body, R"({"hash":"h2"})");
}

TEST_F(ServerTest, CorsHeaderAndPreflightLikeGoIostGateway) {
    StartServer();
    auto r = RoundTrip(Get("/getNodeInfo", "Origin: http://example.com\r\n"));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->Get("access-control-allow-origin"), "*");
    r = RoundTrip(Get("/missing"));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->Get("access-control-allow-origin"), "*");  // errors too, or browsers hide them

    r = RoundTrip(
        "OPTIONS /sendTx HTTP/1.1\r\nHost: x\r\nOrigin: http://a.b\r\n"
        "Access-Control-Request-Method: POST\r\nAccess-Control-Request-Headers: "
        "content-type\r\n\r\n");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 204);
    EXPECT_EQ(r->Get("access-control-allow-origin"), "*");
    EXPECT_EQ(r->Get("access-control-allow-methods"), "POST");
    EXPECT_EQ(r->Get("access-control-allow-headers"), "content-type");
    EXPECT_EQ(r->body, "");

    // A header outside go-iost's AllowedHeaders fails the preflight (no allow-methods).
    r = RoundTrip(
        "OPTIONS /sendTx HTTP/1.1\r\nHost: x\r\nOrigin: http://a.b\r\n"
        "Access-Control-Request-Method: POST\r\nAccess-Control-Request-Headers: x-evil\r\n\r\n");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 204);
    EXPECT_EQ(r->Get("access-control-allow-methods"), "");

    // Plain OPTIONS: Allow for a known path, 404 for an unknown one.
    r = RoundTrip("OPTIONS /getNodeInfo HTTP/1.1\r\nHost: x\r\n\r\n");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 204);
    EXPECT_EQ(r->Get("allow"), "GET, HEAD, OPTIONS");
    r = RoundTrip("OPTIONS /nope HTTP/1.1\r\nHost: x\r\n\r\n");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 404);
}

TEST_F(ServerTest, CorsCanBeDisabled) {
    HttpServerOptions o;
    o.cors_allow_origin = "";
    StartServer(o);
    auto r = RoundTrip(Get("/getNodeInfo"));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->Get("access-control-allow-origin"), "");
}

TEST_F(ServerTest, HandlerExceptionIs500JsonAndLogged) {
    auto log_path = std::filesystem::temp_directory_path() /
                    ("http_server_test_" + std::to_string(::getpid()) + ".log");
    std::filesystem::remove(log_path);
    HttpServerOptions o;
    o.logger = util::Logger::File(log_path.string(), "n1", util::LogLevel::kInfo);
    StartServer(o);
    auto r = RoundTrip(Get("/throw"));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 500);
    EXPECT_EQ(r->body, R"({"code":13,"message":"internal error"})");  // no internals leak
    r = RoundTrip(Get("/badStatus"));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 500);
    EXPECT_EQ(server->stats().responses_5xx, 2u);
    // The file sink flushes when the last Logger copy goes away.
    server.reset();
    o.logger = util::Logger::Null();
    bool found = WaitFor([&] {
        std::ifstream f(log_path);
        std::stringstream ss;
        ss << f.rdbuf();
        return ss.str().find("boom-7731") != std::string::npos &&
               ss.str().find("handler returned status 1000") != std::string::npos;
    });
    EXPECT_TRUE(found) << "handler failures must be logged";
    std::filesystem::remove(log_path);
}

// ------------------------------------------------------------------ limits

TEST_F(ServerTest, OversizedBodyIs413BeforeTheBodyIsSent) {
    HttpServerOptions o;
    o.max_body_bytes = 1 << 20;
    StartServer(o);
    // Only the head is sent, announcing 100 MiB: the 413 must come back at
    // once, which proves the server did not wait for (or buffer) the body.
    RawConn c(port);
    ASSERT_TRUE(c.Send("POST /sendTx HTTP/1.1\r\nHost: x\r\nContent-Length: 104857600\r\n\r\n"));
    auto r = c.ReadResponse(kWait);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 413);
    EXPECT_NE(r->body.find("\"code\":8"), std::string::npos) << r->body;
    EXPECT_EQ(r->Get("connection"), "close");
    EXPECT_TRUE(c.WaitClosed(kWait));

    // Exactly at the limit is fine; one byte more is not.
    std::string at_limit(o.max_body_bytes, 'x');
    r = RoundTrip(Post("/sendTx", at_limit));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    r = RoundTrip(Post("/sendTx", at_limit + "y"));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 413);
}

TEST_F(ServerTest, OversizedChunkedBodyIs413WhileStreaming) {
    HttpServerOptions o;
    o.max_body_bytes = 64 << 10;
    StartServer(o);
    RawConn c(port);
    ASSERT_TRUE(c.Send("POST /sendTx HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"));
    // Send 16 KiB chunks until the server answers; it must answer within the
    // first few chunks past the limit, not after everything we could send.
    std::string chunk = "4000\r\n" + std::string(16 << 10, 'z') + "\r\n";
    size_t sent = 0;
    std::optional<testing::ParsedResponse> r;
    for (int i = 0; i < 256 && !r; ++i) {
        if (!c.Send(chunk)) break;
        sent += 16 << 10;
        pollfd p{c.fd(), POLLIN, 0};
        if (::poll(&p, 1, 20) > 0) r = c.ReadResponse(kWait);
    }
    if (!r) r = c.ReadResponse(kWait);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 413);
    EXPECT_LT(sent, size_t{4} << 20) << "server kept reading far past the limit";
}

TEST_F(ServerTest, HugeHeadersAre431) {
    HttpServerOptions o;
    o.max_header_bytes = 16 << 10;
    StartServer(o);
    auto r = RoundTrip(Get("/getNodeInfo", "X-Big: " + std::string(64 << 10, 'a') + "\r\n"));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 431);
    EXPECT_NE(r->body.find("\"code\":8"), std::string::npos);
    // Many small headers add up the same way.
    std::string many;
    for (int i = 0; i < 2000; ++i) many += "X-H" + std::to_string(i) + ": v\r\n";
    r = RoundTrip(Get("/getNodeInfo", many));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 431);
    // A huge request line too.
    r = RoundTrip(Get("/getTxByHash/" + std::string(64 << 10, 'h')));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 431);
    // Just under the limit works.
    r = RoundTrip(Get("/getNodeInfo", "X-Big: " + std::string(8 << 10, 'a') + "\r\n"));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
}

// ------------------------------------------------------------------ connections

TEST_F(ServerTest, KeepAliveServesManyRequestsOnOneConnection) {
    StartServer();
    RawConn c(port);
    for (int i = 0; i < 20; ++i) {
        ASSERT_TRUE(c.Send(Get("/getTxByHash/k" + std::to_string(i))));
        auto r = c.ReadResponse(kWait);
        ASSERT_TRUE(r) << i;
        EXPECT_EQ(r->body, "{\"hash\":\"k" + std::to_string(i) + "\"}");
        EXPECT_NE(r->Get("connection"), "close");
    }
    // Pipelined: three requests in one write, three responses in order.
    ASSERT_TRUE(c.Send(Get("/getTxByHash/p1") + Post("/sendTx", "abc") + Get("/getTxByHash/p3")));
    auto r1 = c.ReadResponse(kWait);
    auto r2 = c.ReadResponse(kWait);
    auto r3 = c.ReadResponse(kWait);
    ASSERT_TRUE(r1 && r2 && r3);
    EXPECT_EQ(r1->body, R"({"hash":"p1"})");
    EXPECT_NE(r2->body.find("\"echo\":\"abc\""), std::string::npos);
    EXPECT_EQ(r3->body, R"({"hash":"p3"})");
    EXPECT_EQ(server->stats().connections_accepted, 1u);

    // "Connection: close" is honoured, and HTTP/1.0 closes by default.
    ASSERT_TRUE(c.Send(Get("/getNodeInfo", "Connection: close\r\n")));
    auto last = c.ReadResponse(kWait);
    ASSERT_TRUE(last);
    EXPECT_EQ(last->Get("connection"), "close");
    EXPECT_TRUE(c.WaitClosed(kWait));
    RawConn c10(port);
    ASSERT_TRUE(c10.Send("GET /getNodeInfo HTTP/1.0\r\n\r\n"));
    auto r10 = c10.ReadResponse(kWait);
    ASSERT_TRUE(r10);
    EXPECT_EQ(r10->status_line.substr(0, 8), "HTTP/1.0");
    EXPECT_TRUE(c10.WaitClosed(kWait));
}

TEST_F(ServerTest, FiftyConcurrentClients) {
    HttpServerOptions o;
    o.threads = 2;
    o.max_connections_per_ip = 0;  // 50 clients, all from 127.0.0.1
    StartServer(o);
    constexpr int kClients = 50, kEach = 20;
    std::atomic<int> ok{0}, bad{0};
    std::vector<std::thread> ts;
    for (int t = 0; t < kClients; ++t) {
        ts.emplace_back([&, t] {
            RawConn c(port);
            for (int i = 0; i < kEach; ++i) {
                std::string h = "c" + std::to_string(t) + "r" + std::to_string(i);
                if (!c.Send(Get("/getTxByHash/" + h))) {
                    ++bad;
                    return;
                }
                auto r = c.ReadResponse(Ms(20000));
                if (r && r->status == 200 && r->body == "{\"hash\":\"" + h + "\"}")
                    ++ok;
                else
                    ++bad;
            }
        });
    }
    for (auto& t : ts) t.join();
    EXPECT_EQ(ok.load(), kClients * kEach);
    EXPECT_EQ(bad.load(), 0);
    EXPECT_EQ(server->stats().connections_accepted, static_cast<uint64_t>(kClients));
}

TEST_F(ServerTest, ConnectionCapRejectsExcessWith503) {
    HttpServerOptions o;
    o.max_connections = 4;
    StartServer(o);
    std::vector<RawConn> held;
    for (int i = 0; i < 4; ++i) {
        held.emplace_back(port);
        ASSERT_TRUE(held.back().ok());
    }
    ASSERT_TRUE(WaitFor([&] { return server->stats().open_connections == 4; }));
    // The fifth is told to come back later, and closed.
    RawConn extra(port);
    ASSERT_TRUE(extra.Send(Get("/getNodeInfo")));
    auto r = extra.ReadResponse(kWait);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 503);
    EXPECT_EQ(r->Get("retry-after"), "1");
    EXPECT_NE(r->body.find("\"code\":14"), std::string::npos);
    EXPECT_TRUE(extra.WaitClosed(kWait));
    EXPECT_EQ(server->stats().connections_rejected, 1u);
    // The held connections still work.
    ASSERT_TRUE(held[0].Send(Get("/getNodeInfo")));
    auto ok = held[0].ReadResponse(kWait);
    ASSERT_TRUE(ok);
    EXPECT_EQ(ok->status, 200);
    // Freeing a slot admits a new client.
    held.pop_back();
    ASSERT_TRUE(WaitFor([&] { return server->stats().open_connections == 3; }));
    auto again = RoundTrip(Get("/getNodeInfo"));
    ASSERT_TRUE(again);
    EXPECT_EQ(again->status, 200);
}

// One address holding idle (half-open from the server's view: connected, nothing
// sent) connections may take at most max_connections_per_ip slots, so a client
// from another address is still served. The negative control (cap off) shows
// that the same flood takes every slot and the other client gets a 503.
void FloodFromOneAddressThenAskFromAnother(HttpServer& server, uint16_t port, int* other_status,
                                           uint64_t* rejected_per_ip) {
    std::vector<RawConn> flood;
    for (int i = 0; i < 12; ++i) flood.emplace_back(port);  // from 127.0.0.1
    WaitFor([&] { return server.stats().connections_accepted >= 12; });
    std::this_thread::sleep_for(Ms(100));
    RawConn other(port, "127.0.0.2");
    ASSERT_TRUE(other.ok()) << "cannot bind 127.0.0.2";
    ASSERT_TRUE(other.Send(Get("/getNodeInfo")));
    auto r = other.ReadResponse(kWait);
    ASSERT_TRUE(r);
    *other_status = r->status;
    *rejected_per_ip = server.stats().connections_rejected_per_ip;
}

// The issue's case (#15.5) at its size: 1,500 half-open connections from one
// address (127.0.0.2) against the default limits; a client from 127.0.0.3 is
// still answered. Negative control: with the per-address cap off the same
// flood takes all 128 slots and the other client is refused (503 or reset).
// Returns the other client's status, 0 if it got no response at all.
int HalfOpenFloodThenAsk(HttpServer& server, uint16_t port, size_t* flood_size) {
    // 1,500 client sockets plus the server's side of the admitted ones: raise
    // the soft descriptor limit to the hard one if needed, and use fewer
    // connections if even that is too low (the count is reported).
    rlimit rl{};
    getrlimit(RLIMIT_NOFILE, &rl);
    if (rl.rlim_cur < 2048 && rl.rlim_max > rl.rlim_cur) {
        rl.rlim_cur = std::min<rlim_t>(rl.rlim_max, 4096);
        setrlimit(RLIMIT_NOFILE, &rl);
        getrlimit(RLIMIT_NOFILE, &rl);
    }
    const size_t n = std::min<size_t>(1500, rl.rlim_cur > 700 ? rl.rlim_cur - 400 : 300);
    *flood_size = n;
    std::vector<RawConn> flood;
    flood.reserve(n);
    for (size_t i = 0; i < n; ++i) {
        flood.emplace_back(port, "127.0.0.2");
        if (!flood.back().ok()) {
            ADD_FAILURE() << "connection " << i << " from 127.0.0.2 failed";
            return -1;
        }
    }
    WaitFor([&] { return server.stats().connections_accepted >= n; }, Ms(20'000));
    RawConn other(port, "127.0.0.3");
    if (!other.ok()) {
        ADD_FAILURE() << "cannot bind 127.0.0.3";
        return -1;
    }
    if (!other.Send(Get("/getNodeInfo"))) return 0;
    auto r = other.ReadResponse(kWait);
    return r ? r->status : 0;
}

TEST_F(ServerTest, FifteenHundredHalfOpenConnectionsFromOneAddressLeaveOthersServed) {
    HttpServerOptions o;  // the defaults: 128 connections, 32 per address
    // Timers long enough that no flood connection is closed by one during the
    // test: the cap alone must make the difference.
    o.first_request_timeout = o.idle_timeout = Ms(60'000);
    StartServer(o);
    size_t n = 0;
    EXPECT_EQ(HalfOpenFloodThenAsk(*server, port, &n), 200);
    std::cout << "flood of " << n << " connections from 127.0.0.2\n";
    const auto st = server->stats();
    EXPECT_GE(st.connections_rejected_per_ip, n - 32);
    EXPECT_LE(st.open_connections, 32u + 1u + 64u);  // held + the other + 503 senders
}

TEST_F(ServerTest, WithoutThePerAddressCapFifteenHundredHalfOpenConnectionsDenyService) {
    HttpServerOptions o;
    o.max_connections_per_ip = 0;  // negative control: the protection off
    o.first_request_timeout = o.idle_timeout = Ms(60'000);
    StartServer(o);
    size_t n = 0;
    const int status = HalfOpenFloodThenAsk(*server, port, &n);
    EXPECT_NE(status, 200);  // 503, or closed without a word
    EXPECT_EQ(server->stats().connections_rejected_per_ip, 0u);
}

TEST_F(ServerTest, OneAddressCannotTakeEverySlot) {
    HttpServerOptions o;
    o.max_connections = 8;
    o.max_connections_per_ip = 4;
    StartServer(o);
    int status = 0;
    uint64_t rejected_per_ip = 0;
    FloodFromOneAddressThenAskFromAnother(*server, port, &status, &rejected_per_ip);
    EXPECT_EQ(status, 200);
    EXPECT_EQ(rejected_per_ip, 8u);  // 12 tried, 4 admitted
    EXPECT_LE(server->stats().open_connections, 5u);
}

TEST_F(ServerTest, WithoutThePerAddressCapOneAddressTakesEverySlot) {
    HttpServerOptions o;
    o.max_connections = 8;
    o.max_connections_per_ip = 0;  // negative control: the protection off
    StartServer(o);
    int status = 0;
    uint64_t rejected_per_ip = 0;
    FloodFromOneAddressThenAskFromAnother(*server, port, &status, &rejected_per_ip);
    EXPECT_EQ(status, 503);
    EXPECT_EQ(rejected_per_ip, 0u);
}

TEST_F(ServerTest, SlowlorisIsDroppedWhileOthersAreServed) {
    HttpServerOptions o;
    o.request_timeout = Ms(1500);
    StartServer(o);
    std::string req = Get("/getNodeInfo", "X-Padding: " + std::string(64, 'p') + "\r\n");
    RawConn slow(port);
    auto start = Clock::now();
    std::atomic<bool> closed{false};
    std::string received;  // must stay empty: a timeout is cut, not answered
    std::thread trickler([&] {
        // One byte per 250 ms (a slowloris sends even less); bounded by the request length.
        for (size_t i = 0; i < req.size(); ++i) {
            if (!slow.Send(std::string_view(&req[i], 1))) break;
            pollfd p{slow.fd(), POLLIN, 0};
            if (::poll(&p, 1, 250) > 0) {
                char b[256];
                ssize_t n = ::recv(slow.fd(), b, sizeof b, 0);
                if (n <= 0) {
                    closed = true;
                    break;
                }
                received.append(b, static_cast<size_t>(n));
            }
        }
    });
    // Meanwhile others are served promptly.
    for (int i = 0; i < 10; ++i) {
        auto t0 = Clock::now();
        auto r = RoundTrip(Get("/getNodeInfo"));
        ASSERT_TRUE(r);
        EXPECT_EQ(r->status, 200);
        EXPECT_LT(Clock::now() - t0, Ms(1000));
        std::this_thread::sleep_for(Ms(50));
    }
    trickler.join();
    auto elapsed = Clock::now() - start;
    EXPECT_TRUE(closed.load()) << "slow client was never disconnected";
    EXPECT_EQ(received, "");
    EXPECT_GE(elapsed, Ms(1400));
    EXPECT_LT(elapsed, Ms(4000));
    // The counter is bumped by the read's completion, which may run just after the close.
    EXPECT_TRUE(WaitFor([&] { return server->stats().timeouts >= 1; }));
}

TEST_F(ServerTest, IdleKeepAliveConnectionsAreClosed) {
    HttpServerOptions o;
    o.idle_timeout = Ms(300);
    StartServer(o);
    RawConn c(port);
    ASSERT_TRUE(c.Send(Get("/getNodeInfo")));
    ASSERT_TRUE(c.ReadResponse(kWait));
    auto t0 = Clock::now();
    EXPECT_TRUE(c.WaitClosed(kWait));
    EXPECT_GE(Clock::now() - t0, Ms(250));
    // A connection that never sends anything is closed as well.
    RawConn silent(port);
    EXPECT_TRUE(silent.WaitClosed(kWait));
}

// A new connection that sends nothing (half-open from the server's view) is
// closed after first_request_timeout, well before idle_timeout; a client that
// has been served keeps its connection for the idle timeout (the control: the
// short timer is for silent newcomers only).
TEST_F(ServerTest, SilentNewConnectionsAreClosedSoonerThanIdleOnes) {
    HttpServerOptions o;
    o.first_request_timeout = Ms(200);
    o.idle_timeout = Ms(10'000);
    StartServer(o);
    RawConn served(port);
    ASSERT_TRUE(served.Send(Get("/getNodeInfo")));
    ASSERT_TRUE(served.ReadResponse(kWait));
    auto t0 = Clock::now();
    RawConn silent(port);
    EXPECT_TRUE(silent.WaitClosed(Ms(3000)));
    EXPECT_GE(Clock::now() - t0, Ms(150));
    EXPECT_FALSE(served.WaitClosed(Ms(300)));  // still open after the short timer
    ASSERT_TRUE(served.Send(Get("/getNodeInfo")));
    auto again = served.ReadResponse(kWait);
    ASSERT_TRUE(again);
    EXPECT_EQ(again->status, 200);
}

// Out of file descriptors (EMFILE), accept fails: the server must neither
// crash nor stop accepting. The test takes every descriptor but the one its
// client needs, so the server's accept of that client fails (accept_errors
// shows it really did: the case is exercised, not assumed); once descriptors
// are free again the waiting client is accepted and answered.
TEST_F(ServerTest, RunningOutOfFileDescriptorsIsSurvived) {
    StartServer();
    rlimit saved{};
    ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &saved), 0);
    size_t open_fds = 0;
    for (const auto& e : std::filesystem::directory_iterator("/proc/self/fd")) {
        (void)e;
        ++open_fds;
    }
    rlimit low = saved;
    low.rlim_cur = open_fds + 32;
    ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &low), 0);
    const int base = ::open("/dev/null", O_RDONLY);
    ASSERT_GE(base, 0);
    std::vector<int> filler{base};
    for (int fd; (fd = ::dup(base)) >= 0;) filler.push_back(fd);
    ASSERT_FALSE(filler.empty());
    ::close(filler.back());  // exactly one free descriptor: the client's socket
    filler.pop_back();
    RawConn c(port);
    const bool connected = c.ok();
    const bool failed = WaitFor([&] { return server->stats().accept_errors >= 1; }, Ms(2000));
    for (int fd : filler) ::close(fd);
    ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &saved), 0);
    ASSERT_TRUE(connected);
    EXPECT_TRUE(failed) << "accept never failed: the case was not exercised";
    ASSERT_TRUE(c.Send(Get("/getNodeInfo")));
    auto r = c.ReadResponse(kWait);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
}

// ------------------------------------------------------------------ streaming

TEST_F(ServerTest, SubscribeStreamsNewlineDelimitedEvents) {
    extra_streams.emplace_back("POST", "/subscribe", prod.Handler());
    StartServer();
    RawConn c(port);
    ASSERT_TRUE(c.Send(Post("/subscribe", R"({"topics":["CONTRACT_RECEIPT"]})")));
    auto head = c.ReadResponse(kWait);
    ASSERT_TRUE(head);
    EXPECT_EQ(head->status, 200);
    EXPECT_TRUE(head->chunked);
    EXPECT_EQ(head->Get("access-control-allow-origin"), "*");
    auto sub = prod.Wait(0);
    ASSERT_TRUE(sub);
    std::string got;
    for (int i = 0; i < 5; ++i) {
        ASSERT_TRUE(sub->Push("{\"result\":{\"event\":" + std::to_string(i) + "}}"));
    }
    while (got.size() < 5 * std::string("{\"result\":{\"event\":0}}\n").size()) {
        auto chunk = c.ReadChunk(kWait);
        ASSERT_TRUE(chunk && !chunk->empty());
        got += *chunk;
    }
    std::string want;
    for (int i = 0; i < 5; ++i) want += "{\"result\":{\"event\":" + std::to_string(i) + "}}\n";
    EXPECT_EQ(got, want);

    // Producer ends the stream: the final chunk, then close.
    sub->Close();
    EXPECT_FALSE(sub->Push("late"));
    auto last = c.ReadChunk(kWait);
    ASSERT_TRUE(last);
    EXPECT_EQ(*last, "");
    EXPECT_TRUE(c.WaitClosed(kWait));
    EXPECT_TRUE(WaitFor([&] { return prod.closed.load() == 1; }));
    EXPECT_FALSE(sub->Dropped());
}

TEST_F(ServerTest, SubscribeRefusedAndClientDisconnect) {
    extra_streams.emplace_back("POST", "/subscribe", prod.Handler());
    StartServer();
    auto r = RoundTrip(Post("/subscribe", "{}"));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400);
    EXPECT_EQ(r->body, R"({"code":3,"message":"missing topics"})");

    auto c = std::make_unique<RawConn>(port);
    ASSERT_TRUE(c->Send(Post("/subscribe", R"({"topics":[]})")));
    ASSERT_TRUE(c->ReadResponse(kWait));
    auto sub = prod.Wait(0);
    ASSERT_TRUE(sub);
    EXPECT_TRUE(sub->IsOpen());
    c.reset();  // the client goes away
    EXPECT_TRUE(WaitFor([&] { return !sub->IsOpen(); }));
    EXPECT_FALSE(sub->Push("x"));
    EXPECT_EQ(prod.closed.load(), 1);
    EXPECT_FALSE(sub->Dropped());
    // OnClose after the end runs at once.
    bool ran = false;
    sub->OnClose([&] { ran = true; });
    EXPECT_TRUE(ran);
}

TEST_F(ServerTest, SlowSubscriberIsDroppedNotBuffered) {
    extra_streams.emplace_back("POST", "/subscribe", prod.Handler());
    HttpServerOptions o;
    o.max_stream_buffer_bytes = 64 << 10;
    o.write_timeout = Ms(2000);
    StartServer(o);
    // A small receive window and a client that never reads.
    RawConn c(port, /*rcvbuf=*/4096);
    ASSERT_TRUE(c.Send(Post("/subscribe", R"({"topics":["x"]})")));
    auto sub = prod.Wait(0);
    ASSERT_TRUE(sub);
    // A healthy subscriber on the side keeps receiving.
    RawConn fast(port);
    ASSERT_TRUE(fast.Send(Post("/subscribe", R"({"topics":["y"]})")));
    ASSERT_TRUE(fast.ReadResponse(kWait));
    auto fast_sub = prod.Wait(1);
    ASSERT_TRUE(fast_sub);

    std::string event = "{\"result\":\"" + std::string(1000, 'e') + "\"}";
    size_t pushed = 0;
    bool refused = false;
    // Bounded: 100k events would be 100 MB; the drop must come long before.
    auto end = Clock::now() + Ms(10000);
    for (int i = 0; i < 100000 && Clock::now() < end; ++i) {
        if (!sub->Push(event)) {
            refused = true;
            break;
        }
        pushed += event.size() + 1;
        if (i % 50 == 0) std::this_thread::sleep_for(Ms(1));
    }
    ASSERT_TRUE(refused) << "a subscriber that never reads must be dropped";
    EXPECT_TRUE(sub->Dropped());
    EXPECT_FALSE(sub->IsOpen());
    // Memory bound: what was accepted fits the socket buffers plus the queue limit.
    EXPECT_LT(pushed, size_t{16} << 20);
    EXPECT_TRUE(WaitFor([&] { return server->stats().streams_dropped >= 1; }));
    EXPECT_TRUE(c.WaitClosed(kWait));

    // The healthy subscriber is unaffected.
    ASSERT_TRUE(fast_sub->Push("{\"ok\":1}"));
    auto chunk = fast.ReadChunk(kWait);
    ASSERT_TRUE(chunk);
    EXPECT_EQ(*chunk, "{\"ok\":1}\n");
}

TEST_F(ServerTest, Http10SubscriberGetsARawStream) {
    extra_streams.emplace_back("POST", "/subscribe", prod.Handler());
    StartServer();
    RawConn c(port);
    ASSERT_TRUE(c.Send("POST /subscribe HTTP/1.0\r\nContent-Length: 13\r\n\r\n{\"topics\":[]}"));
    auto head = c.ReadResponse(kWait, /*head_request=*/true);
    ASSERT_TRUE(head);
    EXPECT_FALSE(head->chunked);
    auto sub = prod.Wait(0);
    ASSERT_TRUE(sub);
    ASSERT_TRUE(sub->Push("a"));
    ASSERT_TRUE(sub->Push("b"));
    sub->Close();
    auto rest = c.ReadToEof(kWait);
    ASSERT_TRUE(rest);
    EXPECT_EQ(*rest, "a\nb\n");
}

// ------------------------------------------------------------------ stop

TEST_F(ServerTest, StopWithClientsConnectedIsCleanAndBounded) {
    extra_streams.emplace_back("POST", "/subscribe", prod.Handler());
    HttpServerOptions o;
    o.stop_grace = Ms(1000);
    StartServer(o);
    RawConn idle(port);  // keep-alive, between requests
    ASSERT_TRUE(idle.Send(Get("/getNodeInfo")));
    ASSERT_TRUE(idle.ReadResponse(kWait));
    RawConn streaming(port);
    ASSERT_TRUE(streaming.Send(Post("/subscribe", R"({"topics":[]})")));
    ASSERT_TRUE(streaming.ReadResponse(kWait));
    auto sub = prod.Wait(0);
    ASSERT_TRUE(sub);
    ASSERT_TRUE(sub->Push("{\"before\":\"stop\"}"));
    RawConn partial(port);  // half a request, never finished
    ASSERT_TRUE(partial.Send("GET /getNodeInfo HTTP/1.1\r\nHost:"));
    RawConn busy(port);  // a request whose handler is running
    ASSERT_TRUE(busy.Send(Get("/sleep")));
    std::this_thread::sleep_for(Ms(100));

    auto t0 = Clock::now();
    server->Stop();
    auto took = Clock::now() - t0;
    EXPECT_LT(took, Ms(4000));
    // The in-flight request completed, marked as the last on its connection.
    auto br = busy.ReadResponse(kWait);
    ASSERT_TRUE(br);
    EXPECT_EQ(br->status, 200);
    EXPECT_EQ(br->Get("connection"), "close");
    // The stream delivered what was queued and its final chunk.
    auto c1 = streaming.ReadChunk(kWait);
    ASSERT_TRUE(c1);
    EXPECT_EQ(*c1, "{\"before\":\"stop\"}\n");
    auto c2 = streaming.ReadChunk(kWait);
    ASSERT_TRUE(c2);
    EXPECT_EQ(*c2, "");
    EXPECT_FALSE(sub->IsOpen());
    EXPECT_FALSE(sub->Push("after"));
    EXPECT_TRUE(idle.WaitClosed(kWait));
    EXPECT_TRUE(partial.WaitClosed(kWait));
    EXPECT_TRUE(streaming.WaitClosed(kWait));
    EXPECT_EQ(server->stats().open_connections, 0u);
    // Nothing listens any more; Stop is idempotent.
    RawConn after;
    EXPECT_FALSE(after.Connect(port));
    server->Stop();
    server.reset();
    // The subscription outlives the server safely.
    EXPECT_FALSE(sub->Push("x"));
}

TEST_F(ServerTest, StartErrors) {
    StartServer();
    HttpServerOptions o;
    o.port = port;  // taken
    HttpServer second(o);
    auto st = second.Start();
    ASSERT_FALSE(st.ok());
    EXPECT_NE(st.error().message.find("bind"), std::string::npos) << st.error().message;
    HttpServerOptions bad;
    bad.address = "not-an-ip";
    HttpServer third(bad);
    auto st3 = third.Start();
    ASSERT_FALSE(st3.ok());
    EXPECT_NE(st3.error().message.find("bad listen address"), std::string::npos);
    EXPECT_FALSE(server->Start().ok());  // already started
    HttpServerOptions zero;
    zero.threads = 0;
    EXPECT_FALSE(HttpServer(zero).Start().ok());
}

// ------------------------------------------------------------------ helpers

TEST(ParsePathBool, AcceptsGoParseBoolSpellingsOnly) {
    for (const char* t : {"true", "1", "True", "TRUE", "t", "T"}) {
        auto r = ParsePathBool(t);
        ASSERT_TRUE(r.ok()) << t;
        EXPECT_TRUE(*r) << t;
    }
    for (const char* f : {"false", "0", "False", "FALSE", "f", "F"}) {
        auto r = ParsePathBool(f);
        ASSERT_TRUE(r.ok()) << f;
        EXPECT_FALSE(*r) << f;
    }
    for (const char* bad : {"", "yes", "no", "2", "-1", "tRUE", "true ", " 1", "01", "truex"}) {
        auto r = ParsePathBool(bad);
        ASSERT_FALSE(r.ok()) << bad;
        EXPECT_EQ(r.error().code, grpc_code::kInvalidArgument);
    }
}

TEST(JsonError, EscapesAndAlwaysProducesValidJson) {
    EXPECT_EQ(JsonError(3, "bad \"x\"\n\\"), R"({"code":3,"message":"bad \"x\"\n\\"})");
    EXPECT_EQ(JsonQuote(std::string("a\0b", 3)), "\"a\\u0000b\"");
    EXPECT_EQ(JsonQuote("\x01\x1f\x7f"), "\"\\u0001\\u001f\\u007f\"");
    EXPECT_EQ(JsonQuote("h\xc3\xa9llo \xe2\x82\xac \xf0\x9f\x98\x80"),
              "\"h\xc3\xa9llo \xe2\x82\xac \xf0\x9f\x98\x80\"");
    // Invalid UTF-8: lone continuation, truncated sequence, overlong, surrogate, > U+10FFFF.
    EXPECT_EQ(JsonQuote("\x80"), "\"\\ufffd\"");
    EXPECT_EQ(JsonQuote("\xe2\x82"), "\"\\ufffd\\ufffd\"");
    EXPECT_EQ(JsonQuote("\xc0\xaf"), "\"\\ufffd\\ufffd\"");
    EXPECT_EQ(JsonQuote("\xed\xa0\x80"), "\"\\ufffd\\ufffd\\ufffd\"");
    EXPECT_EQ(JsonQuote("\xf4\x90\x80\x80"), "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");
    auto r = Response::Error(404, 12, "x");
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(r.body, R"({"code":12,"message":"x"})");
    EXPECT_EQ(r.content_type, "application/json");
}

TEST(RequestHeader, CaseInsensitiveFirstMatch) {
    Request r;
    r.headers = {{"Content-Type", "text/plain"}, {"content-type", "second"}};
    ASSERT_NE(r.Header("CONTENT-TYPE"), nullptr);
    EXPECT_EQ(*r.Header("content-type"), "text/plain");
    EXPECT_EQ(r.Header("accept"), nullptr);
}

}  // namespace
}  // namespace iost::rpc
