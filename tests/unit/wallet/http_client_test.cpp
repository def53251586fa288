// HttpClient against scripted loopback servers (raw sockets, so each test
// controls exactly what the "node" does: answer, stall, send junk, close):
// URL parsing, every error kind, keep-alive reuse and reconnection.
// The client against the real rpc::HttpServer is in
// tests/unit/rpc/http_client_server_test.cpp.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <wallet/http_client.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <thread>

#include "script_server.h"

namespace iost::wallet {
namespace {

using namespace iost::wallet::testing;  // NOLINT: the scripted server helpers

using Ms = std::chrono::milliseconds;

int Kind(HttpErrorKind k) { return static_cast<int>(k); }

// ------------------------------------------------------------------ URLs

TEST(HttpUrl, ParsesHostPortAndTarget) {
    auto u = HttpUrl::Parse("http://127.0.0.1:30001/getTxByHash/abc?x=1");
    ASSERT_TRUE(u.ok());
    EXPECT_EQ(u->host, "127.0.0.1");
    EXPECT_EQ(u->port, 30001);
    EXPECT_EQ(u->target, "/getTxByHash/abc?x=1");
    u = HttpUrl::Parse("HTTP://node.example");
    ASSERT_TRUE(u.ok());
    EXPECT_EQ(u->host, "node.example");
    EXPECT_EQ(u->port, 80);
    EXPECT_EQ(u->target, "/");
    u = HttpUrl::Parse("http://[::1]:8080?q");
    ASSERT_TRUE(u.ok());
    EXPECT_EQ(u->host, "::1");
    EXPECT_EQ(u->port, 8080);
    EXPECT_EQ(u->target, "/?q");
    u = HttpUrl::Parse("localhost:30001");  // iwallet users often omit the scheme
    ASSERT_TRUE(u.ok());
    EXPECT_EQ(u->host, "localhost");
    EXPECT_EQ(u->port, 30001);
    u = HttpUrl::Parse("http://h:1/p#frag");
    ASSERT_TRUE(u.ok());
    EXPECT_EQ(u->target, "/p");
}

TEST(HttpUrl, RejectsBadUrlsClearly) {
    for (const char* bad :
         {"", "https://h:1/", "ftp://h/", "http://", "http://:80/", "http://h:/", "http://h:0/",
          "http://h:65536/", "http://h:12a/", "http://h:123456/", "http://u@h/", "http://h /x",
          "http://h/x y", "http://h/\r\nX: y", "http://[::1/", "http://[::1]x/", "http://::1/"}) {
        auto u = HttpUrl::Parse(bad);
        ASSERT_FALSE(u.ok()) << bad;
        EXPECT_EQ(u.error().code, Kind(HttpErrorKind::kBadUrl)) << bad;
        EXPECT_NE(u.error().message.find("bad URL"), std::string::npos) << u.error().message;
    }
    auto h = HttpUrl::Parse("https://node:443/");
    ASSERT_FALSE(h.ok());
    EXPECT_NE(h.error().message.find("scheme 'https' is not supported"), std::string::npos);
    EXPECT_FALSE(HttpClient::Make("http://h:1/?q=1").ok());
    auto g = HttpGet("not a url");
    ASSERT_FALSE(g.ok());
    EXPECT_EQ(g.error().code, Kind(HttpErrorKind::kBadUrl));
}

// ------------------------------------------------------------------ errors

TEST(HttpClient, ConnectionRefused) {
    // A port that was just free: bind, read it, close.
    int s = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    socklen_t len = sizeof a;
    ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
    uint16_t port = ntohs(a.sin_port);
    ::close(s);
    auto r = HttpGet("http://127.0.0.1:" + std::to_string(port) + "/getNodeInfo");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Kind(HttpErrorKind::kConnectionRefused));
    EXPECT_NE(r.error().message.find("connection refused"), std::string::npos) << r.error().message;
    EXPECT_NE(
        r.error().message.find("GET http://127.0.0.1:" + std::to_string(port) + "/getNodeInfo"),
        std::string::npos)
        << r.error().message;
}

TEST(HttpClient, TimeoutWhenServerNeverAnswers) {
    ScriptServer srv([](int fd, int) {
        ReadRequest(fd);
        std::this_thread::sleep_for(Ms(1500));  // say nothing
    });
    HttpClientOptions o;
    o.request_timeout = Ms(300);
    auto t0 = std::chrono::steady_clock::now();
    auto r = HttpGet(srv.url() + "/getNodeInfo", o);
    auto took = std::chrono::steady_clock::now() - t0;
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Kind(HttpErrorKind::kTimeout));
    EXPECT_NE(r.error().message.find("timed out"), std::string::npos);
    EXPECT_GE(took, Ms(250));
    EXPECT_LT(took, Ms(1400));
}

TEST(HttpClient, UnresolvableHost) {
    HttpClientOptions o;
    o.connect_timeout = Ms(3000);
    auto r = HttpGet("http://no-such-host.invalid:30001/", o);  // RFC 6761: never resolves
    ASSERT_FALSE(r.ok());
    // Without any DNS server the resolver may instead run out of time.
    EXPECT_TRUE(r.error().code == Kind(HttpErrorKind::kResolve) ||
                r.error().code == Kind(HttpErrorKind::kTimeout))
        << r.error().message;
}

TEST(HttpClient, JunkAndTruncatedResponses) {
    ScriptServer srv([](int fd, int n) {
        ReadRequest(fd);
        if (n == 0) SendAll(fd, "SSH-2.0-OpenSSH\r\n\r\n");
        if (n == 1) SendAll(fd, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort");
        // n == 2: close without a word
        if (n == 3) SendAll(fd, "HTTP/1.1 200 OK\r\nContent-Length: 104857600\r\n\r\n");
    });
    auto r = HttpGet(srv.url() + "/a");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Kind(HttpErrorKind::kBadResponse)) << r.error().message;
    r = HttpGet(srv.url() + "/b");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Kind(HttpErrorKind::kConnection)) << r.error().message;
    r = HttpGet(srv.url() + "/c");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Kind(HttpErrorKind::kConnection));
    EXPECT_NE(r.error().message.find("server closed the connection"), std::string::npos)
        << r.error().message;
    HttpClientOptions small;
    small.max_response_bytes = 1 << 20;
    r = HttpGet(srv.url() + "/d", small);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Kind(HttpErrorKind::kBadResponse));
    EXPECT_NE(r.error().message.find("larger than"), std::string::npos) << r.error().message;
}

// ------------------------------------------------------------------ success paths

TEST(HttpClient, PostSendsBodyAndContentTypeAndReadsChunked) {
    ScriptServer* self = nullptr;
    ScriptServer srv([&self](int fd, int) {
        std::string req = ReadRequest(fd);
        while (!self) std::this_thread::sleep_for(Ms(1));
        self->set_last(req);
        SendAll(fd,
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-Id: 7\r\n\r\n"
                "5\r\n{\"a\":\r\n2\r\n1}\r\n0\r\n\r\n");
    });
    self = &srv;
    auto r = HttpPost(srv.url() + "/sendTx", R"({"gasRatio":1})", "text/plain;charset=UTF-8");
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, R"({"a":1})");
    EXPECT_EQ(r->Header("x-id"), "7");
    std::string req = srv.last_request();
    EXPECT_EQ(req.rfind("POST /sendTx HTTP/1.1\r\n", 0), 0u) << req;
    EXPECT_NE(req.find("Content-Type: text/plain;charset=UTF-8\r\n"), std::string::npos);
    EXPECT_NE(req.find("Content-Length: 14\r\n"), std::string::npos);
    EXPECT_NE(req.find("Host: 127.0.0.1:" + std::to_string(srv.port())), std::string::npos);
    EXPECT_EQ(req.substr(req.size() - 14), R"({"gasRatio":1})");
}

TEST(HttpClient, NonSuccessStatusIsAResponseNotAnError) {
    ScriptServer srv([](int fd, int) {
        ReadRequest(fd);
        std::string body = R"({"code":2,"message":"tx not found"})";
        SendAll(fd, "HTTP/1.1 400 Bad Request\r\nContent-Length: " + std::to_string(body.size()) +
                        "\r\n\r\n" + body);
    });
    auto r = HttpGet(srv.url() + "/getTxByHash/x");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->status, 400);
    EXPECT_EQ(r->body, R"({"code":2,"message":"tx not found"})");
}

TEST(HttpClient, KeepAliveReusesOneConnection) {
    ScriptServer srv([](int fd, int) {
        for (int i = 0; i < 3; ++i) {
            std::string req = ReadRequest(fd);
            if (req.empty()) return;
            SendAll(fd, Ok("{\"i\":" + std::to_string(i) + "}"));
        }
    });
    auto c = HttpClient::Make(srv.url());
    ASSERT_TRUE(c.ok());
    for (int i = 0; i < 3; ++i) {
        auto r = c->Get("/getNodeInfo");
        ASSERT_TRUE(r.ok()) << r.error().message;
        EXPECT_EQ(r->body, "{\"i\":" + std::to_string(i) + "}");
    }
    EXPECT_EQ(srv.accepted(), 1);
}

TEST(HttpClient, ReconnectsWhenTheServerClosedAnIdleConnection) {
    ScriptServer srv([](int fd, int n) {
        ReadRequest(fd);
        SendAll(fd, Ok("{\"conn\":" + std::to_string(n) + "}"));
        // then close, as a server's idle timeout would
    });
    auto c = HttpClient::Make(srv.url() + "/");
    ASSERT_TRUE(c.ok());
    auto r = c->Get("getNodeInfo");  // a path without '/' is joined with one
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->body, "{\"conn\":0}");
    std::this_thread::sleep_for(Ms(100));  // let the close arrive
    r = c->Post("/sendTx", "{}");
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->body, "{\"conn\":1}");
    EXPECT_EQ(srv.accepted(), 2);
}

TEST(HttpClient, ConnectionCloseFromServerIsHonoured) {
    ScriptServer srv([](int fd, int n) {
        ReadRequest(fd);
        SendAll(fd, Ok("{\"conn\":" + std::to_string(n) + "}", "Connection: close\r\n"));
        std::this_thread::sleep_for(Ms(50));
    });
    auto c = HttpClient::Make(srv.url());
    ASSERT_TRUE(c.ok());
    for (int i = 0; i < 3; ++i) {
        auto r = c->Get("/x");
        ASSERT_TRUE(r.ok()) << r.error().message;
        EXPECT_EQ(r->body, "{\"conn\":" + std::to_string(i) + "}");
    }
}

TEST(HttpClient, PrefixFromBaseUrlAndBadPaths) {
    ScriptServer* self = nullptr;
    ScriptServer srv([&self](int fd, int) {
        std::string req = ReadRequest(fd);
        while (!self) std::this_thread::sleep_for(Ms(1));
        self->set_last(req);
        SendAll(fd, Ok("{}"));
    });
    self = &srv;
    auto c = HttpClient::Make(srv.url() + "/api/");
    ASSERT_TRUE(c.ok());
    auto r = c->Get("/getNodeInfo");
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(srv.last_request().rfind("GET /api/getNodeInfo HTTP/1.1\r\n", 0), 0u)
        << srv.last_request();
    auto bad = c->Get("/a b");
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().code, Kind(HttpErrorKind::kBadUrl));
    bad = c->Get("/a\r\nX-Injected: 1");
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().code, Kind(HttpErrorKind::kBadUrl));
}

}  // namespace
}  // namespace iost::wallet
