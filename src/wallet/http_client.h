// HttpClient: the small HTTP/1.1 client iwallet and iost-bench use to talk
// to a node's JSON API (`http://host:port/path`, docs/formats.md §A). Every
// step (resolve+connect, and the whole request/response exchange) has a
// deadline, and failures come back as Result errors that say what went wrong
// (bad URL, connection refused, timeout, ...). A client keeps one
// connection open between requests (keep-alive) and reconnects when the
// server has closed it. Boost.Beast stays in http_client.cpp.
//
// Thread contract: an HttpClient is used by one thread at a time; use one
// per thread. The free functions HttpGet/HttpPost are thread-safe (each
// uses its own connection).
#pragma once

#include <util/result.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace iost::wallet {

// util::Error::code of a failed request.
enum class HttpErrorKind {
    kBadUrl = 1,
    kResolve = 2,            // host name does not resolve
    kConnectionRefused = 3,  // nothing listens there
    kTimeout = 4,            // connect or exchange deadline passed
    kConnection = 5,         // reset, closed mid-response, other socket errors
    kBadResponse = 6,        // not HTTP, or over the size limits
};

struct HttpUrl {
    std::string host;  // without brackets for IPv6
    uint16_t port = 80;
    std::string target = "/";  // path and query

    // "http://host[:port][/path][?query]". https and other schemes are
    // rejected (the node speaks plain HTTP, like go-iost's gateway).
    static util::Result<HttpUrl> Parse(std::string_view url);
};

struct HttpResponse {
    int status = 0;
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;

    // First header named `name` (case-insensitive), or "".
    std::string Header(std::string_view name) const;
};

struct HttpClientOptions {
    std::chrono::milliseconds connect_timeout{5'000};
    // From sending the request to the end of the response.
    std::chrono::milliseconds request_timeout{30'000};
    size_t max_response_bytes = 64 << 20;  // a full block with its transactions fits
};

class HttpClient {
  public:
    // `base_url` is "http://host:port" (a path, if given, prefixes every request).
    static util::Result<HttpClient> Make(std::string_view base_url, HttpClientOptions options = {});
    ~HttpClient();
    HttpClient(HttpClient&&) noexcept;
    HttpClient& operator=(HttpClient&&) noexcept;

    util::Result<HttpResponse> Get(std::string_view path);
    // The body is sent as is with `content_type` (the IOST SDK uses text/plain).
    util::Result<HttpResponse> Post(std::string_view path, std::string_view body,
                                    std::string_view content_type = "application/json");

    const HttpUrl& base() const;

    class Impl;

  private:
    explicit HttpClient(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

// One-shot requests on a fresh connection to a full URL.
util::Result<HttpResponse> HttpGet(std::string_view url, const HttpClientOptions& options = {});
util::Result<HttpResponse> HttpPost(std::string_view url, std::string_view body,
                                    std::string_view content_type = "application/json",
                                    const HttpClientOptions& options = {});

}  // namespace iost::wallet
