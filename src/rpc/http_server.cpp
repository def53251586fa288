// HttpServer on Boost.Beast: one io_context, N threads, a strand per
// connection. Limits and why: see the header and docs/http.md.
#include <rpc/http_server.h>
#include <util/assert.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <exception>
#include <map>
#include <mutex>
#include <thread>
#include <unordered_map>

namespace iost::rpc {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

// After the last response on a connection we half-close and read (and drop)
// what the client still sends, so that our close does not turn into a RST
// that destroys the response in the client's receive buffer (e.g. a 413 sent
// while the client is still uploading).
constexpr std::chrono::milliseconds kDrainTimeout{1000};
constexpr size_t kDrainMaxBytes = 1 << 20;
// Connections over the cap are answered with a 503 by at most this many
// sockets at once; beyond that they are closed without a word.
constexpr int kMaxRejecting = 64;

// ASCII case-insensitive equality (HTTP header names, schemes): Beast's.
bool EqualsNoCase(std::string_view a, std::string_view b) {
    return boost::beast::iequals(boost::beast::string_view(a.data(), a.size()),
                                 boost::beast::string_view(b.data(), b.size()));
}

int HexDigit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// Percent-decodes one path segment; '+' stays '+' (it is only special in forms).
util::Result<std::string> PercentDecode(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '%') {
            out.push_back(s[i]);
            continue;
        }
        if (i + 2 >= s.size()) return util::Err("bad percent-encoding in path");
        int hi = HexDigit(s[i + 1]), lo = HexDigit(s[i + 2]);
        if (hi < 0 || lo < 0) return util::Err("bad percent-encoding in path");
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
    }
    return out;
}

std::vector<std::string_view> SplitPath(std::string_view path) {
    // path starts with '/'; "/" has no segments, "/a/" has "a" and "".
    std::vector<std::string_view> segs;
    if (path.size() <= 1) return segs;
    size_t start = 1;
    for (;;) {
        size_t slash = path.find('/', start);
        if (slash == std::string_view::npos) {
            segs.push_back(path.substr(start));
            break;
        }
        segs.push_back(path.substr(start, slash - start));
        start = slash + 1;
    }
    return segs;
}

struct Segment {
    bool param = false;
    std::string text;  // the literal, or the parameter's name
};

struct Route {
    std::string method;
    std::string pattern;
    std::vector<Segment> segments;
    Handler handler;
    StreamHandler stream;
};

std::vector<Segment> ParsePattern(const std::string& pattern) {
    IOST_ASSERT(!pattern.empty() && pattern[0] == '/', "route pattern must start with '/'");
    std::vector<Segment> out;
    const std::vector<std::string_view> segs = SplitPath(pattern);
    for (size_t i = 0; i < segs.size(); ++i) {
        const std::string_view s = segs[i];
        // Only a trailing slash ("/explorer/") may leave an empty segment;
        // it matches a request path with that trailing slash, literally.
        if (s.empty() && i + 1 == segs.size()) {
            out.push_back({false, std::string()});
            continue;
        }
        IOST_ASSERT(!s.empty(), "route pattern has an empty segment");
        if (s.front() == '{') {
            IOST_ASSERT(s.size() > 2 && s.back() == '}', "route parameter must be {name}");
            out.push_back({true, std::string(s.substr(1, s.size() - 2))});
        } else {
            IOST_ASSERT(s.find_first_of("{}") == std::string_view::npos,
                        "stray brace in route pattern");
            out.push_back({false, std::string(s)});
        }
    }
    return out;
}

bool SamePattern(const std::vector<Segment>& a, const std::vector<Segment>& b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
        if (a[i].param != b[i].param) return false;
        if (!a[i].param && a[i].text != b[i].text) return false;
    }
    return true;
}

std::string_view Sv(beast::string_view s) { return {s.data(), s.size()}; }

bool HasCrLf(std::string_view s) { return s.find_first_of("\r\n") != std::string_view::npos; }

}  // namespace

// ---------------------------------------------------------------- helpers

const std::string* Request::Header(std::string_view name) const {
    for (const auto& [k, v] : headers) {
        if (EqualsNoCase(k, name)) return &v;
    }
    return nullptr;
}

Response Response::Json(int status, std::string body) {
    Response r;
    r.status = status;
    r.body = std::move(body);
    return r;
}

Response Response::Error(int status, int code, std::string_view message) {
    return Json(status, JsonError(code, message));
}

std::string JsonQuote(std::string_view s) {
    std::string out;
    out.reserve(s.size() + 2);
    out.push_back('"');
    auto u = [&](unsigned cp) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", cp);
        out += buf;
    };
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    size_t n = s.size();
    for (size_t i = 0; i < n;) {
        unsigned char c = p[i];
        if (c < 0x80) {
            switch (c) {
                case '"':
                    out += "\\\"";
                    break;
                case '\\':
                    out += "\\\\";
                    break;
                case '\n':
                    out += "\\n";
                    break;
                case '\r':
                    out += "\\r";
                    break;
                case '\t':
                    out += "\\t";
                    break;
                default:
                    if (c < 0x20 || c == 0x7f)
                        u(c);
                    else
                        out.push_back(static_cast<char>(c));
            }
            ++i;
            continue;
        }
        // Validate one UTF-8 sequence (RFC 3629: no overlongs, no surrogates, <= U+10FFFF).
        size_t len = 0;
        unsigned cp = 0;
        if (c >= 0xc2 && c <= 0xdf) {
            len = 2;
            cp = c & 0x1f;
        } else if (c >= 0xe0 && c <= 0xef) {
            len = 3;
            cp = c & 0x0f;
        } else if (c >= 0xf0 && c <= 0xf4) {
            len = 4;
            cp = c & 0x07;
        }
        bool ok = len != 0 && i + len <= n;
        for (size_t k = 1; ok && k < len; ++k) {
            if ((p[i + k] & 0xc0) != 0x80)
                ok = false;
            else
                cp = (cp << 6) | (p[i + k] & 0x3f);
        }
        if (ok) {
            if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
                (cp >= 0xd800 && cp <= 0xdfff)) {
                ok = false;
            }
        }
        if (!ok) {
            out += "\\ufffd";
            ++i;
            continue;
        }
        out.append(s.data() + i, len);
        i += len;
    }
    out.push_back('"');
    return out;
}

std::string JsonError(int code, std::string_view message) {
    return "{\"code\":" + std::to_string(code) + ",\"message\":" + JsonQuote(message) + "}";
}

util::Result<bool> ParsePathBool(std::string_view s) {
    // go-iost's gateway parses path booleans with Go's strconv.ParseBool
    // (grpc-gateway runtime.Bool), which accepts exactly these spellings.
    static constexpr std::string_view kTrue[] = {"1", "t", "T", "true", "TRUE", "True"};
    static constexpr std::string_view kFalse[] = {"0", "f", "F", "false", "FALSE", "False"};
    for (auto t : kTrue) {
        if (s == t) return true;
    }
    for (auto f : kFalse) {
        if (s == f) return false;
    }
    std::string shown(s.substr(0, 32));
    return util::Err("invalid boolean in path: '" + shown + "' (expected true, false, 1 or 0)",
                     grpc_code::kInvalidArgument);
}

// ---------------------------------------------------------------- Impl

class Session;
class SubscriptionImpl;

class HttpServer::Impl {
  public:
    explicit Impl(HttpServerOptions o) : opts(std::move(o)), log(opts.logger.WithCategory("rpc")) {}

    HttpServerOptions opts;
    util::Logger log;
    std::vector<Route> routes;
    bool started = false;
    bool stopped = false;
    std::atomic<bool> stopping{false};
    uint16_t bound_port = 0;

    // Stats.
    std::atomic<uint64_t> accepted{0}, rejected{0}, rejected_per_ip{0}, requests{0}, r4xx{0},
        r5xx{0}, timeouts{0}, dropped_streams{0}, accept_errors{0};

    // Live connections (sessions and 503 rejecters), for the cap and for Stop().
    std::mutex sessions_mu;
    std::condition_variable sessions_cv;
    std::unordered_map<Session*, std::weak_ptr<Session>> sessions;
    std::atomic<size_t> open{0};                // counted against max_connections
    std::map<std::string, size_t> open_per_ip;  // counted sessions by source address; sessions_mu
    std::atomic<int> rejecting{0};              // 503 senders, not counted

    // Subscriptions may outlive the server (a producer holds them); Stop()
    // ends each one before the io_context goes away.
    std::mutex subs_mu;
    std::vector<std::weak_ptr<SubscriptionImpl>> subs;

    std::mutex log_mu;
    util::RateLimit log_limit{20, std::chrono::milliseconds(1000)};

    // Declared last: destroyed first, so handlers it still holds (and the
    // sessions they keep alive) go away while the members above exist.
    std::optional<net::io_context> ioc;
    std::optional<tcp::acceptor> acceptor;
    std::vector<std::thread> threads;

    // Logs something a client can trigger, rate-limited (docs/architecture.md §2).
    template <typename... A>
    void LogLimited(util::LogLevel l, fmt::format_string<A...> f, A&&... a) {
        if (!log.Enabled(l)) return;
        {
            std::lock_guard lk(log_mu);
            if (!log_limit.Allow(std::chrono::steady_clock::now())) return;
        }
        log.Log(l, f, std::forward<A>(a)...);
    }

    void CountStatus(int status) {
        if (status >= 500)
            ++r5xx;
        else if (status >= 400)
            ++r4xx;
    }

    void DoAccept();
    void OnAccept(beast::error_code ec, tcp::socket socket);
    void Register(const std::shared_ptr<Session>& s);
    void Unregister(Session* s, bool counted, const std::string& ip);
    // Takes a slot for a connection from `ip`; false when over max_connections_per_ip.
    bool AdmitFrom(const std::string& ip);
    void RegisterSub(const std::shared_ptr<SubscriptionImpl>& s);
    std::vector<std::shared_ptr<Session>> LiveSessions();

    // Route lookup. `path_known` tells a 405 from a 404.
    const Route* Match(std::string_view method, const std::vector<std::string>& segs,
                       std::vector<std::string>* params, std::string* allow) const;
};

// ---------------------------------------------------------------- Subscription

class SubscriptionImpl final : public Subscription,
                               public std::enable_shared_from_this<SubscriptionImpl> {
  public:
    enum class State { kOpen, kClosing, kEnded };

    explicit SubscriptionImpl(size_t limit) : m_limit(limit) {}

    bool Push(std::string event) override {
        std::vector<std::function<void()>> cbs;
        {
            std::lock_guard lk(m_mu);
            if (m_state != State::kOpen) return false;
            size_t need = event.size() + 1;
            if (m_queued_bytes + need > m_limit) {
                // The client cannot keep up: drop it rather than buffer without bound.
                m_dropped = true;
                EndLocked(&cbs);
            } else {
                m_queued_bytes += need;
                m_queue.push_back(std::move(event));
                WakeLocked();
                return true;
            }
        }
        for (auto& cb : cbs) cb();
        return false;
    }

    void Close() override {
        std::lock_guard lk(m_mu);
        if (m_state != State::kOpen) return;
        m_state = State::kClosing;
        WakeLocked();
    }

    bool IsOpen() const override {
        std::lock_guard lk(m_mu);
        return m_state == State::kOpen;
    }

    void OnClose(std::function<void()> cb) override {
        {
            std::lock_guard lk(m_mu);
            if (m_state != State::kEnded) {
                m_callbacks.push_back(std::move(cb));
                return;
            }
        }
        cb();
    }

    bool Dropped() const override {
        std::lock_guard lk(m_mu);
        return m_dropped;
    }

    // Server side. Ends the stream now (client gone, write stalled, server stop).
    void Abort(bool dropped) {
        std::vector<std::function<void()>> cbs;
        {
            std::lock_guard lk(m_mu);
            if (m_state == State::kEnded) return;
            if (dropped) m_dropped = true;
            EndLocked(&cbs);
        }
        for (auto& cb : cbs) cb();
    }

    // The session to wake when there is something to write; `wake` posts to its strand.
    void Attach(std::function<void()> wake) {
        std::lock_guard lk(m_mu);
        m_wake = std::move(wake);
        if (!m_queue.empty() || m_state != State::kOpen) WakeLocked();
    }

    struct Snapshot {
        State state;
        bool dropped;
    };
    Snapshot Peek() const {
        std::lock_guard lk(m_mu);
        return {m_state, m_dropped};
    }

    struct Batch {
        std::string data;  // events, each followed by '\n'
        State state = State::kOpen;
        bool dropped = false;
    };
    // Takes everything queued (on the session's strand).
    Batch Take() {
        std::lock_guard lk(m_mu);
        Batch b;
        m_wake_pending = false;
        b.data.reserve(m_queued_bytes);
        for (auto& e : m_queue) {
            b.data += e;
            b.data.push_back('\n');
        }
        m_queue.clear();
        m_queued_bytes = 0;
        b.state = m_state;
        b.dropped = m_dropped;
        return b;
    }

  private:
    void WakeLocked() {
        if (m_wake && !m_wake_pending) {
            m_wake_pending = true;
            m_wake();
        }
    }
    void EndLocked(std::vector<std::function<void()>>* cbs) {
        m_state = State::kEnded;
        m_queue.clear();
        m_queued_bytes = 0;
        cbs->swap(m_callbacks);
        // Always wake (even if a wake is pending behind a stuck write): the
        // session must cut the connection now, not at the write deadline.
        if (m_wake) m_wake();
        // After the end the session must not be woken again: the io_context may be gone.
        m_wake = nullptr;
    }

    mutable std::mutex m_mu;
    const size_t m_limit;
    State m_state = State::kOpen;
    bool m_dropped = false;
    std::deque<std::string> m_queue;
    size_t m_queued_bytes = 0;
    std::function<void()> m_wake;
    bool m_wake_pending = false;
    std::vector<std::function<void()>> m_callbacks;
};

// ---------------------------------------------------------------- Session

class Session : public std::enable_shared_from_this<Session> {
  public:
    enum class Phase { kIdle, kReading, kWriting, kStreaming, kDraining, kClosed };

    Session(HttpServer::Impl& srv, tcp::socket socket, bool counted, std::string ip)
        : m_srv(srv),
          m_stream(std::move(socket)),
          m_counted(counted),
          m_ip(std::move(ip)),
          m_buffer(srv.opts.max_header_bytes + 4096) {
        beast::error_code ec;
        auto ep = m_stream.socket().remote_endpoint(ec);
        if (!ec) m_remote = ep.address().to_string() + ":" + std::to_string(ep.port());
    }

    ~Session() {
        if (m_sub) m_sub->Abort(false);
        m_srv.Unregister(this, m_counted, m_ip);
    }

    void Start() {
        m_srv.Register(shared_from_this());
        net::dispatch(m_stream.get_executor(), [self = shared_from_this()] { self->DoIdle(); });
    }

    // Over the connection cap: a 503, then close.
    void StartReject() {
        m_srv.Register(shared_from_this());
        net::dispatch(m_stream.get_executor(), [self = shared_from_this()] {
            auto res = Response::Error(503, grpc_code::kUnavailable, "too many connections");
            res.headers.emplace_back("Retry-After", "1");
            self->Send(std::move(res), 11, false, false);
        });
    }

    // Stop(): graceful lets the current request finish and ends streams with
    // their final chunk; otherwise the socket is cut now.
    void Shutdown(bool graceful) {
        m_shutdown = true;
        if (!graceful) {
            CloseSocket();
            return;
        }
        switch (m_phase) {
            case Phase::kIdle:
                CloseSocket();
                break;
            case Phase::kStreaming:
                if (m_sub) m_sub->Close();
                break;
            default:
                break;  // reading/writing: closes after the response
        }
    }

    net::any_io_executor Executor() { return m_stream.get_executor(); }

  private:
    void DoIdle() {
        if (m_phase == Phase::kClosed) return;
        if (m_shutdown || m_srv.stopping) {
            CloseSocket();
            return;
        }
        if (m_buffer.size() > 0) {  // a pipelined request is already here
            DoReadHeader();
            return;
        }
        m_phase = Phase::kIdle;
        // A connection that has not sent a request yet gets the shorter
        // first-request timeout: a half-open or silent connection holds a
        // slot, and a flood of them must not hold slots for long.
        m_stream.expires_after(
            m_served ? m_srv.opts.idle_timeout
                     : std::min(m_srv.opts.idle_timeout, m_srv.opts.first_request_timeout));
        m_stream.async_read_some(m_buffer.prepare(4096),
                                 [self = shared_from_this()](beast::error_code ec, size_t n) {
                                     self->OnIdleRead(ec, n);
                                 });
    }

    void OnIdleRead(beast::error_code ec, size_t n) {
        if (ec) {
            if (ec == beast::error::timeout) ++m_srv.timeouts;
            CloseSocket();
            return;
        }
        m_buffer.commit(n);
        DoReadHeader();
    }

    void DoReadHeader() {
        if (m_phase == Phase::kClosed) return;
        m_phase = Phase::kReading;
        m_parser.emplace();
        m_parser->header_limit(static_cast<uint32_t>(m_srv.opts.max_header_bytes));
        m_parser->body_limit(m_srv.opts.max_body_bytes);
        m_deadline = std::chrono::steady_clock::now() + m_srv.opts.request_timeout;
        m_stream.expires_at(m_deadline);
        http::async_read_header(
            m_stream, m_buffer, *m_parser,
            [self = shared_from_this()](beast::error_code ec, size_t) { self->OnHeader(ec); });
    }

    void OnHeader(beast::error_code ec) {
        if (ec) {
            OnReadError(ec);
            return;
        }
        auto& req = m_parser->get();
        unsigned version = req.version();
        if (version != 10 && version != 11) {
            // Not a 505: nothing a client sends may produce a 5xx (docs/reliability.md #15).
            SendError(400, "unsupported HTTP version");
            return;
        }
        // RFC 7230 §3.3.3: a request whose Transfer-Encoding does not end in
        // chunked has no knowable length.
        if (req.find(http::field::transfer_encoding) != req.end() && !m_parser->chunked()) {
            SendError(400, "unsupported Transfer-Encoding");
            return;
        }
        if (m_parser->is_done()) {
            OnRequest();
            return;
        }
        auto expect = req.find(http::field::expect);
        if (expect != req.end() && EqualsNoCase(Sv(expect->value()), "100-continue") &&
            version == 11) {
            // curl and others wait for this before sending a body; the
            // length was already checked against the limit.
            static const std::string kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
            m_stream.expires_at(m_deadline);
            net::async_write(m_stream, net::buffer(kContinue),
                             [self = shared_from_this()](beast::error_code wec, size_t) {
                                 if (wec) {
                                     self->CloseSocket();
                                     return;
                                 }
                                 self->DoReadBody();
                             });
            return;
        }
        DoReadBody();
    }

    void DoReadBody() {
        if (m_phase == Phase::kClosed) return;
        m_stream.expires_at(m_deadline);
        http::async_read(m_stream, m_buffer, *m_parser,
                         [self = shared_from_this()](beast::error_code ec, size_t) {
                             if (ec) {
                                 self->OnReadError(ec);
                                 return;
                             }
                             self->OnRequest();
                         });
    }

    void OnReadError(beast::error_code ec) {
        if (m_phase == Phase::kClosed || ec == net::error::operation_aborted) {
            CloseSocket();
            return;
        }
        if (ec == beast::error::timeout) {
            // A client too slow to send one request (slowloris): cut it.
            ++m_srv.timeouts;
            m_srv.LogLimited(util::LogLevel::kDebug, "http: request timeout from {}", m_remote);
            CloseSocket();
            return;
        }
        if (ec == http::error::end_of_stream || ec == net::error::eof ||
            ec == net::error::connection_reset || ec == net::error::broken_pipe) {
            if (ec != http::error::end_of_stream || m_buffer.size() == 0) {
                CloseSocket();
                return;
            }
        }
        if (ec == http::error::header_limit || ec == http::error::buffer_overflow) {
            SendError(431, "request header fields too large");
        } else if (ec == http::error::body_limit) {
            SendError(413, "request body larger than " + std::to_string(m_srv.opts.max_body_bytes) +
                               " bytes");
        } else if (&ec.category() ==
                   &http::make_error_code(http::error::partial_message).category()) {
            m_srv.LogLimited(util::LogLevel::kDebug, "http: bad request from {}: {}", m_remote,
                             ec.message());
            SendError(400, "malformed HTTP request: " + ec.message());
        } else {
            CloseSocket();
        }
    }

    void SendError(int status, std::string message) {
        int code = status == 413 || status == 431 ? grpc_code::kResourceExhausted
                                                  : grpc_code::kInvalidArgument;
        Send(Response::Error(status, code, message), 11, false, false);
    }

    // ------------------------------------------------------------ routing

    void OnRequest() {
        ++m_srv.requests;
        m_served = true;
        auto& msg = m_parser->get();
        Request req;
        req.method = std::string(msg.method_string());
        req.target = std::string(msg.target());
        req.remote = m_remote;
        for (const auto& f : msg)
            req.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
        req.body = std::move(msg.body());
        unsigned version = msg.version();
        bool keep_alive = msg.keep_alive();
        bool head = req.method == "HEAD";
        m_parser.reset();

        // The target: origin-form "/p?q", absolute-form "http://h/p?q", or "*" (OPTIONS).
        std::string_view target = req.target;
        for (std::string_view scheme : {"http://", "https://"}) {
            if (target.size() >= scheme.size() &&
                EqualsNoCase(target.substr(0, scheme.size()), scheme)) {
                size_t slash = target.find('/', scheme.size());
                target =
                    slash == std::string_view::npos ? std::string_view("/") : target.substr(slash);
            }
        }
        // CORS preflight is answered before routing, as rs/cors wraps go-iost's mux.
        if (req.method == "OPTIONS" && req.Header("Access-Control-Request-Method")) {
            Send(Preflight(req, "GET, HEAD, POST, OPTIONS"), version, keep_alive, false);
            return;
        }
        if (target == "*" && req.method == "OPTIONS") {
            Send(Preflight(req, "GET, HEAD, POST, OPTIONS"), version, keep_alive, false);
            return;
        }
        if (target.empty() || target[0] != '/') {
            Send(Response::Error(400, grpc_code::kInvalidArgument, "bad request target"), version,
                 false, false);
            return;
        }
        size_t q = target.find('?');
        std::string_view raw_path = target.substr(0, q);
        if (q != std::string_view::npos) req.query = std::string(target.substr(q + 1));
        std::vector<std::string> segs;
        for (std::string_view s : SplitPath(raw_path)) {
            auto d = PercentDecode(s);
            if (!d.ok()) {
                Send(Response::Error(400, grpc_code::kInvalidArgument, d.error().message), version,
                     keep_alive, head);
                return;
            }
            req.path += "/";
            req.path += *d;
            segs.push_back(std::move(*d));
        }
        if (req.path.empty()) req.path = "/";

        std::string allow;
        std::string_view lookup = head ? std::string_view("GET") : std::string_view(req.method);
        const Route* route = m_srv.Match(lookup, segs, &req.params, &allow);
        if (!route && head) route = m_srv.Match("HEAD", segs, &req.params, &allow);
        if (!route) {
            if (req.method == "OPTIONS" && !allow.empty()) {
                Send(Preflight(req, allow + ", OPTIONS"), version, keep_alive, false);
            } else if (!allow.empty()) {
                auto res = Response::Error(405, grpc_code::kUnimplemented,
                                           "method " + req.method + " not allowed on " + req.path);
                res.headers.emplace_back("Allow", allow);
                Send(std::move(res), version, keep_alive, head);
            } else {
                // go-iost answers an unknown path with gRPC code 12 (rpc/server.go errorHandler).
                Send(Response::Error(404, grpc_code::kUnimplemented,
                                     "no such endpoint: " + req.path),
                     version, keep_alive, head);
            }
            return;
        }
        if (route->stream) {
            StartStream(*route, req, version);
            return;
        }
        Send(Call(*route, req), version, keep_alive, head);
    }

    Response Call(const Route& route, const Request& req) {
        try {
            return route.handler(req);
        } catch (const std::exception& e) {
            m_srv.LogLimited(util::LogLevel::kError, "http: handler for {} {} threw: {}",
                             req.method, route.pattern, e.what());
        } catch (...) {
            m_srv.LogLimited(util::LogLevel::kError,
                             "http: handler for {} {} threw a non-exception", req.method,
                             route.pattern);
        }
        return Response::Error(500, grpc_code::kInternal, "internal error");
    }

    // CORS preflight the way go-iost's gateway answers it (rs/cors with
    // AllowedHeaders Content-Type, Accept; methods GET HEAD POST PUT DELETE).
    Response Preflight(const Request& req, const std::string& allow) {
        Response res;
        res.status = 204;
        res.content_type.clear();
        res.headers.emplace_back("Allow", allow);
        const std::string* want_method = req.Header("Access-Control-Request-Method");
        if (!want_method || m_srv.opts.cors_allow_origin.empty()) return res;
        res.headers.emplace_back(
            "Vary", "Origin, Access-Control-Request-Method, Access-Control-Request-Headers");
        static constexpr std::string_view kMethods[] = {"GET", "HEAD", "POST", "PUT", "DELETE"};
        bool method_ok = false;
        for (auto m : kMethods) method_ok = method_ok || EqualsNoCase(*want_method, m);
        if (!method_ok) return res;
        std::string allowed_headers;
        if (const std::string* want_headers = req.Header("Access-Control-Request-Headers")) {
            std::string_view rest = *want_headers;
            while (!rest.empty()) {
                size_t comma = rest.find(',');
                std::string_view h = rest.substr(0, comma);
                while (!h.empty() && (h.front() == ' ' || h.front() == '\t')) h.remove_prefix(1);
                while (!h.empty() && (h.back() == ' ' || h.back() == '\t')) h.remove_suffix(1);
                if (!h.empty()) {
                    if (!EqualsNoCase(h, "content-type") && !EqualsNoCase(h, "accept") &&
                        !EqualsNoCase(h, "origin")) {
                        return res;  // like rs/cors: one unknown header fails the preflight
                    }
                    if (!allowed_headers.empty()) allowed_headers += ", ";
                    allowed_headers += h;
                }
                if (comma == std::string_view::npos) break;
                rest.remove_prefix(comma + 1);
            }
        }
        std::string method(*want_method);
        std::transform(method.begin(), method.end(), method.begin(),
                       [](char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 32) : c; });
        res.headers.emplace_back("Access-Control-Allow-Methods", method);
        if (!allowed_headers.empty())
            res.headers.emplace_back("Access-Control-Allow-Headers", allowed_headers);
        return res;
    }

    // ------------------------------------------------------------ responses

    void Send(Response r, unsigned version, bool keep_alive, bool head) {
        if (m_phase == Phase::kClosed) return;
        if (r.status < 200 || r.status > 599) {
            m_srv.LogLimited(util::LogLevel::kError, "http: handler returned status {}", r.status);
            r = Response::Error(500, grpc_code::kInternal, "internal error");
        }
        m_srv.CountStatus(r.status);
        bool keep = keep_alive && !m_shutdown && !m_srv.stopping;
        auto res = std::make_shared<http::response<http::string_body>>();
        res->version(version);
        res->result(static_cast<unsigned>(r.status));
        for (auto& [k, v] : r.headers) {
            if (HasCrLf(k) || HasCrLf(v) || k.empty()) {
                m_srv.LogLimited(util::LogLevel::kError,
                                 "http: dropped a header with CR/LF from a handler");
                continue;
            }
            res->insert(k, v);
        }
        if (!m_srv.opts.cors_allow_origin.empty()) {
            res->set(http::field::access_control_allow_origin, m_srv.opts.cors_allow_origin);
        }
        bool no_body = r.status == 204 || r.status == 304;
        if (!r.content_type.empty() && !no_body)
            res->set(http::field::content_type, r.content_type);
        if (no_body) r.body.clear();
        size_t len = r.body.size();
        res->body() = std::move(r.body);
        res->keep_alive(keep);
        res->prepare_payload();
        if (head) {
            // HEAD: the headers of the GET, no body.
            res->body().clear();
            res->content_length(len);
        }
        m_res = res;
        m_phase = Phase::kWriting;
        m_stream.expires_after(m_srv.opts.write_timeout);
        http::async_write(m_stream, *m_res,
                          [self = shared_from_this(), keep](beast::error_code ec, size_t) {
                              self->m_res.reset();
                              if (ec) {
                                  if (ec == beast::error::timeout) ++self->m_srv.timeouts;
                                  self->CloseSocket();
                                  return;
                              }
                              if (keep && !self->m_shutdown)
                                  self->DoIdle();
                              else
                                  self->GracefulClose();
                          });
    }

    // ------------------------------------------------------------ streaming

    void StartStream(const Route& route, const Request& req, unsigned version) {
        auto sub = std::make_shared<SubscriptionImpl>(m_srv.opts.max_stream_buffer_bytes);
        m_srv.RegisterSub(sub);
        std::optional<Response> refused;
        try {
            refused = route.stream(req, sub);
        } catch (const std::exception& e) {
            m_srv.LogLimited(util::LogLevel::kError, "http: stream handler for {} threw: {}",
                             route.pattern, e.what());
            refused = Response::Error(500, grpc_code::kInternal, "internal error");
        } catch (...) {
            refused = Response::Error(500, grpc_code::kInternal, "internal error");
        }
        if (refused) {
            sub->Abort(false);
            Send(std::move(*refused), version, false, false);
            return;
        }
        if (m_shutdown || m_srv.stopping) sub->Close();
        m_srv.CountStatus(200);
        m_sub = sub;
        m_chunked = version == 11;
        m_phase = Phase::kStreaming;
        // Rendered by hand: the body is written chunk by chunk as events come.
        std::string head = version == 11 ? "HTTP/1.1 200 OK\r\n" : "HTTP/1.0 200 OK\r\n";
        head +=
            "Content-Type: application/json\r\nCache-Control: no-cache\r\nConnection: close\r\n";
        if (!m_srv.opts.cors_allow_origin.empty()) {
            head += "Access-Control-Allow-Origin: " + m_srv.opts.cors_allow_origin + "\r\n";
        }
        if (m_chunked) head += "Transfer-Encoding: chunked\r\n";
        head += "\r\n";
        m_out_pending = std::move(head);
        // Watch for the client going away: any read result ends the stream.
        m_stream.expires_never();
        DoStreamRead();
        std::weak_ptr<Session> weak = weak_from_this();
        auto ex = m_stream.get_executor();
        sub->Attach([weak, ex] {
            net::post(ex, [weak] {
                if (auto s = weak.lock()) s->Pump();
            });
        });
        Pump();
    }

    void DoStreamRead() {
        m_stream.async_read_some(net::buffer(m_discard),
                                 [self = shared_from_this()](beast::error_code ec, size_t) {
                                     if (self->m_phase != Phase::kStreaming) return;
                                     // Aborted: whoever closed the socket ends the stream.
                                     if (ec == net::error::operation_aborted) return;
                                     if (ec) {  // client gone (or half-closed): end the stream
                                         if (self->m_sub) self->m_sub->Abort(false);
                                         self->CloseSocket();
                                         return;
                                     }
                                     self->DoStreamRead();  // ignore what it sends
                                 });
    }

    void Pump() {
        if (m_phase != Phase::kStreaming || !m_sub) return;
        auto ended = [&](bool dropped) {
            if (dropped) CountDrop();
            CloseSocket();
        };
        // An ended stream is cut at once, even mid-write: a dropped client
        // must not hold its socket until the write deadline.
        if (auto st = m_sub->Peek(); st.state == SubscriptionImpl::State::kEnded) {
            ended(st.dropped);
            return;
        }
        if (m_writing) return;  // the write's completion pumps again
        auto batch = m_sub->Take();
        if (batch.state == SubscriptionImpl::State::kEnded) {
            ended(batch.dropped);
            return;
        }
        std::string out = std::move(m_out_pending);
        m_out_pending.clear();
        if (!batch.data.empty()) {
            if (m_chunked) {
                char size[24];
                std::snprintf(size, sizeof size, "%zx\r\n", batch.data.size());
                out += size;
                out += batch.data;
                out += "\r\n";
            } else {
                out += batch.data;
            }
        }
        bool finish = batch.state == SubscriptionImpl::State::kClosing;
        if (finish && m_chunked) out += "0\r\n\r\n";
        if (out.empty()) {
            if (finish) CloseSocket();
            return;
        }
        m_writing = true;
        m_out = std::move(out);
        m_stream.expires_after(m_srv.opts.write_timeout);
        net::async_write(m_stream, net::buffer(m_out),
                         [self = shared_from_this(), finish](beast::error_code ec, size_t) {
                             self->m_writing = false;
                             self->m_out.clear();
                             if (ec) {
                                 bool slow = ec == beast::error::timeout;
                                 if (self->m_sub) self->m_sub->Abort(slow);
                                 if (slow) {
                                     ++self->m_srv.timeouts;
                                     if (self->m_sub && self->m_sub->Dropped()) self->CountDrop();
                                 }
                                 self->CloseSocket();
                                 return;
                             }
                             // The final chunk is out. Closing now cannot reset the
                             // connection: the stream reader has consumed all input.
                             if (finish) {
                                 self->CloseSocket();
                                 return;
                             }
                             self->Pump();
                         });
    }

    void CountDrop() {
        if (m_drop_counted) return;
        m_drop_counted = true;
        ++m_srv.dropped_streams;
        m_srv.LogLimited(util::LogLevel::kInfo, "http: dropped slow subscriber {}", m_remote);
    }

    // ------------------------------------------------------------ closing

    void GracefulClose() {
        if (m_phase == Phase::kClosed) return;
        beast::error_code ec;
        m_stream.socket().shutdown(tcp::socket::shutdown_send, ec);
        if (ec) {
            CloseSocket();
            return;
        }
        m_phase = Phase::kDraining;
        m_drained = 0;
        m_stream.expires_after(kDrainTimeout);
        DoDrain();
    }

    void DoDrain() {
        m_stream.async_read_some(
            net::buffer(m_discard), [self = shared_from_this()](beast::error_code ec, size_t n) {
                self->m_drained += n;
                if (ec || self->m_drained > kDrainMaxBytes || self->m_phase != Phase::kDraining) {
                    self->CloseSocket();
                    return;
                }
                self->DoDrain();
            });
    }

    void CloseSocket() {
        if (m_phase == Phase::kClosed) return;
        m_phase = Phase::kClosed;
        if (m_sub) m_sub->Abort(false);
        beast::error_code ec;
        m_stream.socket().shutdown(tcp::socket::shutdown_both, ec);
        m_stream.close();
    }

    HttpServer::Impl& m_srv;
    beast::tcp_stream m_stream;
    const bool m_counted;
    const std::string m_ip;  // source address, the key of open_per_ip
    beast::flat_buffer m_buffer;
    std::optional<http::request_parser<http::string_body>> m_parser;
    std::shared_ptr<http::response<http::string_body>> m_res;
    std::chrono::steady_clock::time_point m_deadline;
    std::string m_remote = "?";
    Phase m_phase = Phase::kIdle;
    bool m_shutdown = false;
    bool m_served = false;  // a request was read on this connection
    // Streaming.
    std::shared_ptr<SubscriptionImpl> m_sub;
    bool m_chunked = false;
    bool m_writing = false;
    std::string m_out_pending;  // the response head, until the first write
    std::string m_out;          // in flight
    std::array<char, 4096> m_discard{};
    size_t m_drained = 0;
    bool m_drop_counted = false;
};

// ---------------------------------------------------------------- Impl methods

void HttpServer::Impl::Register(const std::shared_ptr<Session>& s) {
    std::lock_guard lk(sessions_mu);
    sessions[s.get()] = s;
}

void HttpServer::Impl::Unregister(Session* s, bool counted, const std::string& ip) {
    std::lock_guard lk(sessions_mu);
    sessions.erase(s);
    if (counted) {
        --open;
        auto it = open_per_ip.find(ip);
        if (it != open_per_ip.end() && --it->second == 0) open_per_ip.erase(it);
    } else {
        --rejecting;
    }
    sessions_cv.notify_all();
}

bool HttpServer::Impl::AdmitFrom(const std::string& ip) {
    std::lock_guard lk(sessions_mu);
    size_t& n = open_per_ip[ip];
    if (opts.max_connections_per_ip != 0 && n >= opts.max_connections_per_ip) {
        return false;
    }
    ++n;
    return true;
}

void HttpServer::Impl::RegisterSub(const std::shared_ptr<SubscriptionImpl>& s) {
    std::lock_guard lk(subs_mu);
    subs.erase(std::remove_if(subs.begin(), subs.end(), [](const auto& w) { return w.expired(); }),
               subs.end());
    subs.push_back(s);
}

std::vector<std::shared_ptr<Session>> HttpServer::Impl::LiveSessions() {
    std::vector<std::shared_ptr<Session>> out;
    std::lock_guard lk(sessions_mu);
    for (auto& [p, w] : sessions) {
        if (auto s = w.lock()) out.push_back(std::move(s));
    }
    return out;
}

const Route* HttpServer::Impl::Match(std::string_view method, const std::vector<std::string>& segs,
                                     std::vector<std::string>* params, std::string* allow) const {
    for (const auto& r : routes) {
        if (r.segments.size() != segs.size()) continue;
        bool ok = true;
        for (size_t i = 0; i < segs.size() && ok; ++i) {
            if (r.segments[i].param)
                ok = !segs[i].empty();
            else
                ok = r.segments[i].text == segs[i];
        }
        if (!ok) continue;
        if (r.method == method) {
            params->clear();
            for (size_t i = 0; i < segs.size(); ++i) {
                if (r.segments[i].param) params->push_back(segs[i]);
            }
            return &r;
        }
        std::string m = r.method == "GET" ? "GET, HEAD" : r.method;
        if (allow->find(m) == std::string::npos) {
            if (!allow->empty()) *allow += ", ";
            *allow += m;
        }
    }
    return nullptr;
}

void HttpServer::Impl::DoAccept() {
    acceptor->async_accept(
        net::make_strand(*ioc),
        [this](beast::error_code ec, tcp::socket socket) { OnAccept(ec, std::move(socket)); });
}

void HttpServer::Impl::OnAccept(beast::error_code ec, tcp::socket socket) {
    if (stopping || ec == net::error::operation_aborted || !acceptor->is_open()) return;
    if (ec) {
        // EMFILE and friends: back off briefly instead of spinning.
        ++accept_errors;
        LogLimited(util::LogLevel::kWarn, "http: accept failed: {}", ec.message());
        auto timer = std::make_shared<net::steady_timer>(acceptor->get_executor(),
                                                         std::chrono::milliseconds(50));
        timer->async_wait([this, timer](beast::error_code) {
            if (!stopping) DoAccept();
        });
        return;
    }
    ++accepted;
    beast::error_code ep_ec;
    const auto remote = socket.remote_endpoint(ep_ec);
    std::string ip = ep_ec ? std::string() : remote.address().to_string();
    bool admit = open.load() < opts.max_connections;
    if (admit && !AdmitFrom(ip)) {
        admit = false;
        ++rejected_per_ip;
        LogLimited(util::LogLevel::kWarn, "http: {} holds {} connections, refusing more", ip,
                   opts.max_connections_per_ip);
    }
    if (!admit) {
        ++rejected;
        if (rejecting.load() >= kMaxRejecting) {
            beast::error_code ignore;
            socket.close(ignore);
        } else {
            ++rejecting;
            std::make_shared<Session>(*this, std::move(socket), false, std::move(ip))
                ->StartReject();
        }
    } else {
        ++open;
        std::make_shared<Session>(*this, std::move(socket), true, std::move(ip))->Start();
    }
    DoAccept();
}

// ---------------------------------------------------------------- HttpServer

HttpServer::HttpServer(HttpServerOptions options)
    : m_impl(std::make_unique<Impl>(std::move(options))) {}

HttpServer::~HttpServer() { Stop(); }

void HttpServer::Handle(std::string method, std::string pattern, Handler handler) {
    IOST_ASSERT(!m_impl->started, "HttpServer::Handle after Start");
    IOST_ASSERT(handler != nullptr, "HttpServer::Handle without a handler");
    Route r{std::move(method), pattern, ParsePattern(pattern), std::move(handler), nullptr};
    for (const auto& o : m_impl->routes) {
        IOST_ASSERT(!(o.method == r.method && SamePattern(o.segments, r.segments)),
                    "duplicate route");
    }
    m_impl->routes.push_back(std::move(r));
}

void HttpServer::HandleStream(std::string method, std::string pattern, StreamHandler handler) {
    IOST_ASSERT(!m_impl->started, "HttpServer::HandleStream after Start");
    IOST_ASSERT(handler != nullptr, "HttpServer::HandleStream without a handler");
    Route r{std::move(method), pattern, ParsePattern(pattern), nullptr, std::move(handler)};
    for (const auto& o : m_impl->routes) {
        IOST_ASSERT(!(o.method == r.method && SamePattern(o.segments, r.segments)),
                    "duplicate route");
    }
    m_impl->routes.push_back(std::move(r));
}

util::Status HttpServer::Start() {
    auto& d = *m_impl;
    if (d.started) return util::Err("http server: already started");
    if (d.opts.threads < 1 || d.opts.threads > 256)
        return util::Err("http server: threads must be 1..256");
    if (d.opts.max_connections < 1) return util::Err("http server: max_connections must be >= 1");
    if (d.opts.max_header_bytes < 256 || d.opts.max_header_bytes > (64u << 20)) {
        return util::Err("http server: max_header_bytes must be 256..64 MiB");
    }
    beast::error_code ec;
    auto addr = net::ip::make_address(d.opts.address, ec);
    if (ec) return util::Err("http server: bad listen address '" + d.opts.address + "'");
    tcp::endpoint ep(addr, d.opts.port);
    d.ioc.emplace(d.opts.threads);
    d.acceptor.emplace(net::make_strand(*d.ioc));
    auto fail = [&](const char* what) {
        std::string msg = std::string("http server: ") + what + " " + d.opts.address + ":" +
                          std::to_string(d.opts.port) + ": " + ec.message();
        d.acceptor.reset();
        d.ioc.reset();
        return util::Err(msg);
    };
    d.acceptor->open(ep.protocol(), ec);
    if (ec) return fail("open");
    d.acceptor->set_option(net::socket_base::reuse_address(true), ec);
    if (ec) return fail("setsockopt");
    d.acceptor->bind(ep, ec);
    if (ec) return fail("bind");
    d.acceptor->listen(net::socket_base::max_listen_connections, ec);
    if (ec) return fail("listen");
    d.bound_port = d.acceptor->local_endpoint(ec).port();
    d.started = true;
    d.DoAccept();
    for (int i = 0; i < d.opts.threads; ++i) {
        d.threads.emplace_back([&d] {
            for (;;) {
                try {
                    d.ioc->run();
                    return;
                } catch (const std::exception& e) {
                    d.log.Error("http: worker caught: {}", e.what());
                }
            }
        });
    }
    d.log.Info("http: listening on {}:{}", d.opts.address, d.bound_port);
    return util::Ok();
}

void HttpServer::Stop() {
    auto& d = *m_impl;
    if (!d.started || d.stopped) return;
    d.stopped = true;
    d.stopping = true;
    net::post(d.acceptor->get_executor(), [&d] {
        beast::error_code ec;
        d.acceptor->close(ec);
    });
    auto wait_closed = [&](std::chrono::milliseconds limit) {
        std::unique_lock lk(d.sessions_mu);
        // system_clock, not wait_for: libstdc++ maps steady waits to
        // pthread_cond_clockwait, which g++ 12's TSan does not intercept (it
        // then reports a bogus "unlock of an unlocked mutex"). A clock jump
        // only shortens or lengthens a 2 s grace period.
        return d.sessions_cv.wait_until(lk, std::chrono::system_clock::now() + limit,
                                        [&] { return d.sessions.empty(); });
    };
    for (auto& s : d.LiveSessions()) {
        net::post(s->Executor(), [s] { s->Shutdown(true); });
    }
    if (!wait_closed(d.opts.stop_grace)) {
        for (auto& s : d.LiveSessions()) {
            net::post(s->Executor(), [s] { s->Shutdown(false); });
        }
        wait_closed(std::chrono::milliseconds(1000));
    }
    // Normally run() has returned by now (no work left); stop() covers the rest.
    d.ioc->stop();
    for (auto& t : d.threads) t.join();
    d.threads.clear();
    {
        std::lock_guard lk(d.subs_mu);
        for (auto& w : d.subs) {
            if (auto s = w.lock()) s->Abort(false);
        }
        d.subs.clear();
    }
    d.acceptor.reset();
    d.ioc.reset();  // destroys handlers never run, and the sessions they held
    d.log.Info("http: stopped");
}

uint16_t HttpServer::port() const { return m_impl->bound_port; }

HttpServerStats HttpServer::stats() const {
    auto& d = *m_impl;
    HttpServerStats s;
    s.connections_accepted = d.accepted;
    s.connections_rejected = d.rejected;
    s.connections_rejected_per_ip = d.rejected_per_ip;
    s.requests = d.requests;
    s.responses_4xx = d.r4xx;
    s.responses_5xx = d.r5xx;
    s.timeouts = d.timeouts;
    s.accept_errors = d.accept_errors;
    s.streams_dropped = d.dropped_streams;
    s.open_connections = d.open;
    return s;
}

}  // namespace iost::rpc
