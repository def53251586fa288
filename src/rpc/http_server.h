// HttpServer: the HTTP/1.1 server under the IOST-compatible JSON API
// (docs/formats.md §A, docs/node.md). It owns sockets, parsing, limits and
// timeouts; the API layer only registers routes. Limits follow
// docs/reliability.md #6/#15: a connection cap, a body limit checked before the
// body is read (413), a header limit (431), a deadline on every read and
// write (slowloris), bounded buffering per streaming subscriber. Nothing a
// client sends may produce a 5xx: a 500 means a handler threw, and is logged.
// Details and numbers: docs/http.md.
//
// Boost.Beast/Asio stay in http_server.cpp (pimpl).
//
// Thread contract: register routes (Handle/HandleStream) before Start();
// the route table is read-only afterwards. Handlers run on the server's
// worker threads, several at once (one per connection at a time), so they
// must be thread-safe and must return; a handler that blocks forever blocks
// Stop(). Start/Stop/port are for the owning thread; Stop() must not be
// called from a handler. Subscription is fully thread-safe.
#pragma once

#include <util/log.h>
#include <util/result.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace iost::rpc {

// Error codes in the JSON error body `{"code": <int>, "message": "..."}`.
// go-iost's gateway puts a gRPC status code there (rpc/server.go
// errorHandler), so the server's own errors use the same numbering.
namespace grpc_code {
inline constexpr int kUnknown = 2;
inline constexpr int kInvalidArgument = 3;
inline constexpr int kDeadlineExceeded = 4;
inline constexpr int kNotFound = 5;
inline constexpr int kResourceExhausted = 8;
inline constexpr int kUnimplemented = 12;
inline constexpr int kInternal = 13;
inline constexpr int kUnavailable = 14;
}  // namespace grpc_code

using Headers = std::vector<std::pair<std::string, std::string>>;

struct Request {
    std::string method;               // "GET", "POST", ... as sent (upper case)
    std::string target;               // the raw request-target
    std::string path;                 // target without the query, percent-decoded per segment
    std::string query;                // after '?', raw (may be empty)
    std::vector<std::string> params;  // the route's {placeholders}, in order, percent-decoded
    std::string body;
    Headers headers;     // as received, in order
    std::string remote;  // "ip:port" of the client

    // First header named `name` (case-insensitive), or nullptr.
    const std::string* Header(std::string_view name) const;
};

struct Response {
    int status = 200;
    std::string body;
    std::string content_type = "application/json";
    Headers headers;  // extra headers (Content-Type/-Length and CORS are set by the server)

    static Response Json(int status, std::string body);
    // `{"code": code, "message": message}` with HTTP status `status`.
    static Response Error(int status, int code, std::string_view message);
};

// The error body IOST's gateway sends: `{"code":<code>,"message":"<escaped>"}`.
std::string JsonError(int code, std::string_view message);
// `s` as a JSON string literal (quotes included); invalid UTF-8 bytes become U+FFFD
// so the output is always valid JSON.
std::string JsonQuote(std::string_view s);

// Path booleans (docs/formats.md §A): "true", "false", "1", "0"; anything else is an error.
util::Result<bool> ParsePathBool(std::string_view s);

// A live /subscribe-style stream: the handler accepts it, then a producer
// (any thread) pushes events, each written as one line (`event` + '\n') in
// its own HTTP chunk. Buffering is bounded: a Push that would exceed the
// subscriber's limit drops the subscriber (its connection is closed) rather
// than grow memory, as does a write that makes no progress within the write
// timeout. The producer should forget the subscription once Push returns
// false or on the close callback.
class Subscription {
  public:
    virtual ~Subscription() = default;
    // Queues one event; false if the stream is closed (client gone, dropped as
    // too slow, server stopping, or Close()d), in which case nothing is queued.
    virtual bool Push(std::string event) = 0;
    // Ends the stream: what is queued is still written, then the final chunk.
    virtual void Close() = 0;
    virtual bool IsOpen() const = 0;
    // `cb` runs once, on a server thread or inside this call if already closed,
    // when the stream ends for any reason. Keep it short and non-blocking.
    virtual void OnClose(std::function<void()> cb) = 0;
    // True if the stream ended because the client could not keep up.
    virtual bool Dropped() const = 0;
};

using Handler = std::function<Response(const Request&)>;
// Returns nullopt to accept the stream (events follow via `sub`), or a
// Response to refuse it (e.g. 400 for a malformed subscribe body).
using StreamHandler = std::function<std::optional<Response>(
    const Request&, const std::shared_ptr<Subscription>& sub)>;

struct HttpServerOptions {
    std::string address = "127.0.0.1";
    uint16_t port = 0;  // 0: an ephemeral port, see HttpServer::port()
    int threads = 2;
    // Beyond this many open connections a new one gets a 503 and is closed.
    // 128 is go-iost's gRPC connection limit (rpc/server.go connectionLimit).
    size_t max_connections = 128;
    // Open connections one source address may hold (0: no such cap), so that
    // one client that opens and holds connections (half-open, idle, slowloris)
    // cannot take every slot from the others. Over it: the same 503.
    size_t max_connections_per_ip = 32;
    size_t max_body_bytes = 1 << 20;     // 413 beyond; CometBFT max_body_bytes
    size_t max_header_bytes = 64 << 10;  // request line + headers; 431 beyond
    // From the first byte of a request to its last; a client that trickles
    // bytes (slowloris) is disconnected when it expires.
    std::chrono::milliseconds request_timeout{10'000};
    // How long a new connection may stay silent before its first byte (then
    // request_timeout runs): a half-open or idle connection holds a slot, so
    // it is closed sooner than a client between requests. go's net/http
    // ReadHeaderTimeout plays this role.
    std::chrono::milliseconds first_request_timeout{5'000};
    // How long an open connection may sit between requests.
    std::chrono::milliseconds idle_timeout{30'000};
    // A response or stream write that makes no progress for this long drops the client.
    std::chrono::milliseconds write_timeout{10'000};
    // Per subscriber: queued but unwritten event bytes before it is dropped.
    size_t max_stream_buffer_bytes = 1 << 20;
    // Stop(): in-flight requests get this long to finish before sockets are cut.
    std::chrono::milliseconds stop_grace{2'000};
    // Access-Control-Allow-Origin on every response; empty disables CORS.
    // go-iost's default allowOrigins is ["*"] (config/iserver.yml).
    std::string cors_allow_origin = "*";
    util::Logger logger = util::Logger::Null();
};

struct HttpServerStats {
    uint64_t connections_accepted = 0;
    uint64_t connections_rejected = 0;         // over max_connections or max_connections_per_ip
    uint64_t connections_rejected_per_ip = 0;  // of those, over max_connections_per_ip
    uint64_t requests = 0;
    uint64_t responses_4xx = 0;
    uint64_t responses_5xx = 0;
    uint64_t timeouts = 0;         // connections cut by a read or write deadline
    uint64_t streams_dropped = 0;  // subscribers dropped for being slow
    // accept() failures (e.g. EMFILE: out of file descriptors); each is
    // retried after a short pause, the waiting connections stay queued.
    uint64_t accept_errors = 0;
    size_t open_connections = 0;
};

class HttpServer {
  public:
    explicit HttpServer(HttpServerOptions options = {});
    ~HttpServer();  // Stop()s
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    // `pattern` is a path like "/getBlockByNumber/{n}/{complete}": literal
    // segments must match exactly; each {name} matches one non-empty segment
    // and becomes Request::params[i]. A GET route also answers HEAD.
    // IOST_ASSERTs on a malformed pattern or a duplicate (programming errors).
    void Handle(std::string method, std::string pattern, Handler handler);
    void HandleStream(std::string method, std::string pattern, StreamHandler handler);

    // Binds, listens and starts the worker threads. Errors: bad address,
    // port in use, already started.
    util::Status Start();
    // Stops accepting, lets in-flight requests finish (up to stop_grace),
    // ends streams, closes every connection and joins the threads. Idempotent.
    void Stop();

    // The bound port (useful with port 0); 0 before Start().
    uint16_t port() const;
    HttpServerStats stats() const;

    class Impl;

  private:
    std::unique_ptr<Impl> m_impl;
};

}  // namespace iost::rpc
