// docs/reliability.md #15 over raw sockets: thousands of malformed requests
// (garbage request lines, bad chunked encoding, invalid Content-Length, huge
// numbers, binary junk, truncations, random mutations of good requests).
// Every one must get a 4xx or a clean close - never a 5xx, a hang or a
// crash - and the server must still answer a good request afterwards.
// The corpus comes from a fixed seed, so a failure names a reproducible case.
#include <gtest/gtest.h>
#include <rpc/http_server.h>

#include <random>

#include "test_socket.h"

namespace iost::rpc {
namespace {

using testing::Ms;
using testing::RawConn;

struct Case {
    std::string bytes;
    bool must_be_4xx;  // false: a mutation that may still be a valid request
    std::string kind;
};

std::string Printable(const std::string& s) {
    std::string out;
    for (unsigned char c : s.substr(0, 160)) {
        if (c >= 0x20 && c < 0x7f)
            out.push_back(static_cast<char>(c));
        else {
            char b[8];
            std::snprintf(b, sizeof b, "\\x%02x", c);
            out += b;
        }
    }
    return out;
}

std::vector<Case> BuildCorpus(uint32_t seed) {
    std::mt19937 rng(seed);
    auto pick = [&](size_t n) { return static_cast<size_t>(rng() % n); };
    std::vector<Case> out;
    auto add = [&](std::string b, bool strict, std::string kind) {
        out.push_back({std::move(b), strict, std::move(kind)});
    };
    const std::string good_get = "GET /getTxByHash/abc HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    const std::string good_post =
        "POST /sendTx HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\nContent-Length: "
        "11\r\n\r\n"
        "{\"a\":\"bcd\"}";

    // 1. Hand-written classics.
    const char* fixed[] = {
        "GET\r\n\r\n",
        "GET /\r\n\r\n",
        "GET / HTTP/1.1 extra\r\n\r\n",
        " GET / HTTP/1.1\r\n\r\n",
        "GET  / HTTP/1.1\r\n\r\n",
        "GET / HTTP/9.9\r\n\r\n",
        "GET / HTTP/2.0\r\n\r\n",
        "GET / HTTX/1.1\r\n\r\n",
        "GET / HTTP/1.1x\r\n\r\n",
        "GET / HTTP/11\r\n\r\n",
        "G\x01T / HTTP/1.1\r\n\r\n",
        "GET /\x7f HTTP/1.1\r\n\r\n",
        "GET getNodeInfo HTTP/1.1\r\nHost: x\r\n\r\n",
        "CONNECT 127.0.0.1:443 HTTP/1.1\r\nHost: x\r\n\r\n",
        "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
        "GET / HTTP/1.1\r\nNoColon\r\n\r\n",
        "GET / HTTP/1.1\r\n: empty-name\r\n\r\n",
        "GET / HTTP/1.1\r\nBad Name: v\r\n\r\n",
        "GET / HTTP/1.1\r\nHost : x\r\n\r\n",
        "GET / HTTP/1.1\r\nX: a\x00b\r\n\r\n",
        "GET / HTTP/1.1\r\nX: a\rb\r\n\r\n",
        "GET / HTTP/1.1\n\n",
        "GET /getNodeInfo HTTP/1.1\r\nHost: x\r\n",  // never finished: client half-closes
        "GET /getNodeInfo%zz HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /getTxByHash/%4 HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /getTxByHash/% HTTP/1.1\r\nHost: x\r\n\r\n",
    };
    for (const char* f : fixed)
        add(std::string(f, std::char_traits<char>::length(f)), true, "fixed");
    add(std::string("GET / HTTP/1.1\r\nX: a\0b\r\n\r\n", 26), true, "nul-in-header");

    // 2. Invalid Content-Length values.
    const char* lengths[] = {"abc",
                             "-1",
                             "+5",
                             "1,2",
                             "5, 6",
                             " ",
                             "0x10",
                             "1e3",
                             "5 5",
                             "18446744073709551616",
                             "99999999999999999999999999999",
                             "-0",
                             "3.0",
                             "\x01",
                             ""};
    for (const char* l : lengths) {
        add("POST /sendTx HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::string(l) + "\r\n\r\nabc",
            true, "bad-content-length");
    }
    add("POST /sendTx HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
        true, "duplicate-content-length");
    add("POST /sendTx HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: "
        "chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
        true, "cl-and-te");
    add("POST /sendTx HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: "
        "3\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
        true, "te-and-cl");
    add("POST /sendTx HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\nabc", true, "te-gzip");
    add("POST /sendTx HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, "
        "gzip\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
        true, "te-chunked-not-last");
    add("POST /sendTx HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc", true, "short-body");
    // Huge lengths that parse but exceed the limit.
    for (const char* l :
         {"1048577", "2147483648", "4294967296", "9223372036854775807", "18446744073709551615"}) {
        add("POST /sendTx HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::string(l) + "\r\n\r\nabc",
            true, "huge-content-length");
    }

    // 3. Bad chunked encodings.
    const char* chunked[] = {
        "zz\r\nabc\r\n0\r\n\r\n",
        "3\r\nabcdef\r\n0\r\n\r\n",
        "3\r\nab",
        "3abc\r\n0\r\n\r\n",
        "-3\r\nabc\r\n0\r\n\r\n",
        "ffffffffffffffffff\r\nabc\r\n0\r\n\r\n",
        "fffffffffffffff\r\nabc\r\n0\r\n\r\n",
        "100001\r\nabc\r\n",
        "3;\x01\r\nabc\r\n0\r\n\r\n",
        "3\r\nabc\r\n0\r\nTrailer\r\n\r\n",
        "3\r\nabc\r\n",
        "\r\n\r\n",
        "3\nabc\n0\n\n",
        "0x3\r\nabc\r\n0\r\n\r\n",
        " 3\r\nabc\r\n0\r\n\r\n",
    };
    for (const char* c : chunked) {
        add("POST /sendTx HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" +
                std::string(c),
            true, "bad-chunked");
    }

    // 4. Random garbage request lines (printable), then binary junk.
    const std::string alphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 /?%:.-_~\t";
    for (int i = 0; i < 400; ++i) {
        std::string line;
        size_t n = 1 + pick(120);
        for (size_t k = 0; k < n; ++k) line.push_back(alphabet[pick(alphabet.size())]);
        // Avoid accidentally well-formed lines: no " HTTP/1." suffix is ever generated.
        add(line + "\r\n\r\n", true, "garbage-line");
    }
    for (int i = 0; i < 400; ++i) {
        std::string junk;
        size_t n = 1 + pick(600);
        for (size_t k = 0; k < n; ++k) junk.push_back(static_cast<char>(rng() & 0xff));
        add(junk, true, "binary");
    }

    // 5. Good requests cut short at every kind of point (client half-closes).
    for (int i = 0; i < 200; ++i) {
        const std::string& base = (i % 2) ? good_post : good_get;
        size_t cut = 1 + pick(base.size() - 1);
        add(base.substr(0, cut), true, "truncated");
    }

    // 6. Mutations of good requests: flips, inserts, deletes. Some stay valid.
    for (int i = 0; i < 900; ++i) {
        std::string b = (i % 2) ? good_post : good_get;
        int edits = 1 + static_cast<int>(pick(4));
        for (int e = 0; e < edits && !b.empty(); ++e) {
            size_t at = pick(b.size());
            switch (pick(3)) {
                case 0:
                    b[at] = static_cast<char>(rng() & 0xff);
                    break;
                case 1:
                    b.insert(b.begin() + static_cast<long>(at), static_cast<char>(rng() & 0xff));
                    break;
                default:
                    b.erase(at, 1 + pick(3));
                    break;
            }
        }
        add(b, false, "mutation");
    }

    // 7. Bad paths inside otherwise valid requests.
    for (int i = 0; i < 100; ++i) {
        std::string path = "/getTxByHash/";
        size_t n = 1 + pick(40);
        for (size_t k = 0; k < n; ++k) {
            char c = static_cast<char>(0x21 + pick(0x5e));
            if (c == '?' || c == '#' || c == '%')
                c = '_';  // keep the bad escape in the path proper
            path.push_back(c);
        }
        path += "%" + std::string(1, "gxyz"[pick(4)]);  // always a bad escape at the end
        add("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n", true, "bad-escape");
    }
    return out;
}

TEST(HttpMalformed, ThousandsOfBadRequestsNever5xx) {
    HttpServerOptions o;
    o.max_body_bytes = 1 << 20;
    o.request_timeout = Ms(3000);
    HttpServer server(o);
    server.Handle("GET", "/getNodeInfo", [](const Request&) { return Response::Json(200, "{}"); });
    server.Handle("GET", "/getTxByHash/{hash}",
                  [](const Request&) { return Response::Json(200, "{}"); });
    server.Handle("POST", "/sendTx", [](const Request& r) {
        // What the API layer will do: validate, and answer 400 on bad input.
        if (r.body.empty() || r.body.front() != '{') return Response::Error(400, 3, "bad json");
        return Response::Json(200, "{}");
    });
    ASSERT_TRUE(server.Start().ok());
    const uint16_t port = server.port();

    auto corpus = BuildCorpus(20261124);
    ASSERT_GE(corpus.size(), 2000u);
    size_t answered_4xx = 0, clean_close = 0, other_ok = 0;
    for (size_t i = 0; i < corpus.size(); ++i) {
        const Case& c = corpus[i];
        RawConn conn(port);
        ASSERT_TRUE(conn.ok()) << "server stopped accepting at case " << i;
        conn.Send(c.bytes);  // may fail if the server already closed: fine
        conn.ShutdownWrite();
        auto all = conn.ReadToEof(Ms(8000));
        ASSERT_TRUE(all) << "no answer and no close for case " << i << " (" << c.kind
                         << "): " << Printable(c.bytes);
        // Every response on the connection (a mutation can leave a valid
        // request followed by junk) must be well-formed and not a 5xx.
        std::string_view rest = *all;
        if (rest.empty()) {
            ++clean_close;
            continue;
        }
        bool saw_4xx = false;
        size_t pos = 0;
        while ((pos = rest.find("HTTP/1.", pos)) != std::string_view::npos) {
            if (pos + 12 > rest.size()) break;
            char cls = rest[pos + 9];
            ASSERT_NE(cls, '5') << "5xx for case " << i << " (" << c.kind
                                << "): " << Printable(c.bytes)
                                << "\nresponse: " << Printable(std::string(rest.substr(pos, 80)));
            if (cls == '4') saw_4xx = true;
            pos += 12;
        }
        ASSERT_EQ(rest.substr(0, 7), "HTTP/1.") << "case " << i << " got non-HTTP bytes";
        if (c.must_be_4xx) {
            ASSERT_TRUE(saw_4xx) << "case " << i << " (" << c.kind
                                 << ") was accepted: " << Printable(c.bytes)
                                 << "\nresponse: " << Printable(std::string(rest.substr(0, 120)));
            ++answered_4xx;
        } else {
            ++other_ok;
        }
    }
    EXPECT_EQ(server.stats().responses_5xx, 0u);
    EXPECT_GT(answered_4xx, 1000u);
    std::printf(
        "malformed corpus: %zu cases, %zu answered 4xx, %zu closed cleanly, %zu mutations "
        "answered\n",
        corpus.size(), answered_4xx, clean_close, other_ok);

    // Still healthy.
    RawConn good(port);
    ASSERT_TRUE(good.Send("GET /getNodeInfo HTTP/1.1\r\nHost: x\r\n\r\n"));
    auto r = good.ReadResponse(Ms(5000));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
}

// The same corpus sent by 8 clients at once, over kept-alive connections
// where each bad request follows a good one: the good one is answered, the
// bad one gets its 4xx or a close, and no state leaks between connections.
TEST(HttpMalformed, ConcurrentMixedGoodAndBad) {
    HttpServer server;
    server.Handle("GET", "/getTxByHash/{hash}", [](const Request& r) {
        return Response::Json(200, "{\"hash\":" + JsonQuote(r.params[0]) + "}");
    });
    ASSERT_TRUE(server.Start().ok());
    auto corpus = BuildCorpus(7);
    std::atomic<int> failures{0};
    std::vector<std::thread> ts;
    for (int t = 0; t < 8; ++t) {
        ts.emplace_back([&, t] {
            for (size_t i = static_cast<size_t>(t); i < corpus.size(); i += 32) {
                RawConn conn(server.port());
                std::string h = "t" + std::to_string(t) + "i" + std::to_string(i);
                conn.Send("GET /getTxByHash/" + h + " HTTP/1.1\r\nHost: x\r\n\r\n");
                auto r = conn.ReadResponse(Ms(8000));
                if (!r || r->status != 200 || r->body != "{\"hash\":\"" + h + "\"}") ++failures;
                conn.Send(corpus[i].bytes);
                conn.ShutdownWrite();
                auto rest = conn.ReadToEof(Ms(8000));
                if (!rest || rest->find("HTTP/1.1 5") != std::string::npos) ++failures;
            }
        });
    }
    for (auto& t : ts) t.join();
    EXPECT_EQ(failures.load(), 0);
    EXPECT_EQ(server.stats().responses_5xx, 0u);
}

}  // namespace
}  // namespace iost::rpc
