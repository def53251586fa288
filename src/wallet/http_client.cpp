// HttpClient on Boost.Beast. Beast's synchronous calls have no timeouts, so
// each call runs async operations on a private io_context until they finish
// or their deadline closes the socket.
#include <sys/socket.h>
#include <wallet/http_client.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cerrno>
#include <optional>

namespace iost::wallet {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

// ASCII case-insensitive equality (HTTP header names, schemes): Beast's.
bool EqualsNoCase(std::string_view a, std::string_view b) {
    return boost::beast::iequals(boost::beast::string_view(a.data(), a.size()),
                                 boost::beast::string_view(b.data(), b.size()));
}

util::Unexpected<util::Error> Fail(HttpErrorKind kind, std::string message) {
    return util::Err(std::move(message), static_cast<int>(kind));
}

HttpErrorKind KindOf(const beast::error_code& ec) {
    if (ec == beast::error::timeout) return HttpErrorKind::kTimeout;
    if (ec == net::error::connection_refused) return HttpErrorKind::kConnectionRefused;
    if (ec == net::error::host_not_found || ec == net::error::host_not_found_try_again ||
        ec == net::error::no_data) {
        return HttpErrorKind::kResolve;
    }
    if (&ec.category() == &http::make_error_code(http::error::partial_message).category() &&
        ec != http::error::end_of_stream && ec != http::error::partial_message) {
        return HttpErrorKind::kBadResponse;
    }
    return HttpErrorKind::kConnection;
}

std::string Describe(const beast::error_code& ec) {
    switch (KindOf(ec)) {
        case HttpErrorKind::kTimeout:
            return "timed out";
        case HttpErrorKind::kConnectionRefused:
            return "connection refused (is the node running?)";
        case HttpErrorKind::kResolve:
            return "cannot resolve host: " + ec.message();
        case HttpErrorKind::kBadResponse:
            return "bad HTTP response: " + ec.message();
        default:
            return ec.message();
    }
}

}  // namespace

// ---------------------------------------------------------------- URL

util::Result<HttpUrl> HttpUrl::Parse(std::string_view url) {
    auto bad = [&](std::string why) {
        std::string shown(url.substr(0, 200));
        return Fail(HttpErrorKind::kBadUrl, "bad URL '" + shown + "': " + why);
    };
    if (url.empty()) return bad("empty");
    for (char c : url) {
        auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u == 0x7f) return bad("contains a space or control character");
    }
    std::string_view rest = url;
    size_t scheme_end = rest.find("://");
    if (scheme_end != std::string_view::npos) {
        std::string_view scheme = rest.substr(0, scheme_end);
        if (!EqualsNoCase(scheme, "http")) {
            return bad("scheme '" + std::string(scheme) + "' is not supported (use http://)");
        }
        rest.remove_prefix(scheme_end + 3);
    }
    size_t auth_end = rest.find_first_of("/?#");
    std::string_view authority = rest.substr(0, auth_end);
    std::string_view target =
        auth_end == std::string_view::npos ? std::string_view() : rest.substr(auth_end);
    if (authority.find('@') != std::string_view::npos) return bad("user info is not supported");
    HttpUrl out;
    std::string_view port_text;
    bool has_port = false;
    if (!authority.empty() && authority.front() == '[') {
        size_t close = authority.find(']');
        if (close == std::string_view::npos) return bad("unterminated IPv6 address");
        out.host = std::string(authority.substr(1, close - 1));
        std::string_view after = authority.substr(close + 1);
        if (!after.empty()) {
            if (after.front() != ':') return bad("junk after IPv6 address");
            port_text = after.substr(1);
            has_port = true;
        }
    } else {
        size_t colon = authority.rfind(':');
        if (colon != std::string_view::npos) {
            out.host = std::string(authority.substr(0, colon));
            port_text = authority.substr(colon + 1);
            has_port = true;
        } else {
            out.host = std::string(authority);
        }
        if (out.host.find(':') != std::string::npos) return bad("IPv6 addresses need brackets");
    }
    if (out.host.empty()) return bad("no host");
    if (has_port) {
        if (port_text.empty() || port_text.size() > 5) return bad("bad port");
        unsigned port = 0;
        for (char c : port_text) {
            if (c < '0' || c > '9') return bad("bad port");
            port = port * 10 + static_cast<unsigned>(c - '0');
        }
        if (port == 0 || port > 65535) return bad("port out of range");
        out.port = static_cast<uint16_t>(port);
    }
    size_t hash = target.find('#');
    if (hash != std::string_view::npos) target = target.substr(0, hash);  // never sent
    if (target.empty())
        out.target = "/";
    else if (target.front() == '?')
        out.target = "/" + std::string(target);
    else
        out.target = std::string(target);
    return out;
}

std::string HttpResponse::Header(std::string_view name) const {
    for (const auto& [k, v] : headers) {
        if (EqualsNoCase(k, name)) return v;
    }
    return "";
}

// ---------------------------------------------------------------- Impl

class HttpClient::Impl {
  public:
    Impl(HttpUrl url, HttpClientOptions o) : base(std::move(url)), opts(o) {
        prefix = base.target;
        while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
        size_t q = prefix.find('?');
        if (q != std::string::npos) prefix.resize(q);
    }

    HttpUrl base;
    HttpClientOptions opts;
    std::string prefix;
    net::io_context ioc;
    std::optional<beast::tcp_stream> stream;
    beast::flat_buffer buffer;

    std::string Where(std::string_view method, std::string_view target) const {
        std::string host =
            base.host.find(':') != std::string::npos ? "[" + base.host + "]" : base.host;
        return std::string(method) + " http://" + host + ":" + std::to_string(base.port) +
               std::string(target);
    }

    void Close() {
        if (stream) {
            beast::error_code ec;
            stream->socket().shutdown(tcp::socket::shutdown_both, ec);
            stream->close();
            stream.reset();
        }
        buffer.clear();
    }

    // True if a kept-alive connection has been closed (or written to) by the
    // server since the last response: reusing it would fail.
    bool Stale() {
        if (!stream || !stream->socket().is_open()) return true;
        char c;
        ssize_t n = ::recv(stream->socket().native_handle(), &c, 1, MSG_PEEK | MSG_DONTWAIT);
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return false;
        return true;  // EOF, error, or unexpected bytes
    }

    util::Status Connect(std::string_view where) {
        Close();
        ioc.restart();
        beast::error_code result = net::error::would_block;
        stream.emplace(ioc);
        beast::error_code ec;
        auto addr = net::ip::make_address(base.host, ec);
        if (!ec) {
            stream->expires_after(opts.connect_timeout);
            stream->async_connect(tcp::endpoint(addr, base.port),
                                  [&](beast::error_code e) { result = e; });
            ioc.run();
        } else {
            // The resolver has no deadline of its own: a timer cancels it.
            tcp::resolver resolver(ioc);
            net::steady_timer timer(ioc, opts.connect_timeout);
            bool timed_out = false;
            timer.async_wait([&](beast::error_code e) {
                if (!e) {
                    timed_out = true;
                    resolver.cancel();
                }
            });
            resolver.async_resolve(
                base.host, std::to_string(base.port),
                [&](beast::error_code e, tcp::resolver::results_type results) {
                    if (e) {
                        timer.cancel();
                        result = timed_out ? beast::error_code(beast::error::timeout) : e;
                        return;
                    }
                    stream->expires_at(timer.expiry());
                    stream->async_connect(results, [&](beast::error_code ce, const tcp::endpoint&) {
                        timer.cancel();
                        result = ce;
                    });
                });
            ioc.run();
        }
        if (result) {
            std::string msg = std::string(where) + ": " + Describe(result);
            HttpErrorKind kind = KindOf(result);
            Close();
            return Fail(kind, msg);
        }
        return util::Ok();
    }

    util::Result<HttpResponse> Exchange(http::verb verb, std::string_view path,
                                        std::string_view body, std::string_view content_type) {
        std::string target = prefix;
        if (path.empty() || path.front() != '/') target += "/";
        target += path;
        for (char c : target) {
            auto u = static_cast<unsigned char>(c);
            if (u <= 0x20 || u == 0x7f) {
                return Fail(HttpErrorKind::kBadUrl, "bad path '" + target.substr(0, 200) +
                                                        "': contains a space or control character");
            }
        }
        if (content_type.find_first_of("\r\n") != std::string_view::npos) {
            return Fail(HttpErrorKind::kBadUrl, "bad content type: contains CR or LF");
        }
        std::string where = Where(http::to_string(verb).to_string(), target);
        bool reused = stream.has_value();
        if (reused && Stale()) {
            Close();
            reused = false;
        }
        if (!stream) IOST_TRY(Connect(where));
        bool got_bytes = false;
        auto r = Once(verb, target, body, content_type, where, &got_bytes);
        // A kept-alive connection the server closed just as we reused it:
        // retry once on a new one, but only when repeating is harmless.
        if (!r.ok() && reused && !got_bytes && verb == http::verb::get &&
            r.error().code == static_cast<int>(HttpErrorKind::kConnection)) {
            IOST_TRY(Connect(where));
            r = Once(verb, target, body, content_type, where, &got_bytes);
        }
        return r;
    }

    util::Result<HttpResponse> Once(http::verb verb, const std::string& target,
                                    std::string_view body, std::string_view content_type,
                                    const std::string& where, bool* got_bytes) {
        http::request<http::string_body> req{verb, target, 11};
        std::string host =
            base.host.find(':') != std::string::npos ? "[" + base.host + "]" : base.host;
        req.set(http::field::host, host + ":" + std::to_string(base.port));
        req.set(http::field::user_agent, "iost-pob-wallet");
        req.set(http::field::accept, "application/json");
        if (verb != http::verb::get || !body.empty()) {
            req.set(http::field::content_type,
                    beast::string_view(content_type.data(), content_type.size()));
            req.body() = std::string(body);
        }
        req.keep_alive(true);
        req.prepare_payload();

        http::response_parser<http::string_body> parser;
        parser.header_limit(64 << 10);
        parser.body_limit(opts.max_response_bytes);
        ioc.restart();
        beast::error_code result;
        stream->expires_after(opts.request_timeout);
        http::async_write(*stream, req, [&](beast::error_code ec, size_t) {
            if (ec) {
                result = ec;
                return;
            }
            http::async_read(*stream, buffer, parser,
                             [&](beast::error_code rec, size_t) { result = rec; });
        });
        ioc.run();
        *got_bytes = parser.got_some();
        if (result) {
            Close();
            if (result == http::error::body_limit || result == http::error::header_limit ||
                result == http::error::buffer_overflow) {
                return Fail(HttpErrorKind::kBadResponse,
                            where + ": response larger than " +
                                std::to_string(opts.max_response_bytes) + " bytes");
            }
            std::string msg = where + ": " + Describe(result);
            if (result == http::error::end_of_stream)
                msg = where + ": server closed the connection";
            return Fail(KindOf(result), msg);
        }
        auto& msg = parser.get();
        HttpResponse out;
        out.status = static_cast<int>(msg.result_int());
        for (const auto& f : msg)
            out.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
        bool keep = msg.keep_alive();
        out.body = std::move(msg.body());
        if (!keep) Close();
        return out;
    }
};

// ---------------------------------------------------------------- HttpClient

HttpClient::HttpClient(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
HttpClient::~HttpClient() = default;
HttpClient::HttpClient(HttpClient&&) noexcept = default;
HttpClient& HttpClient::operator=(HttpClient&&) noexcept = default;

util::Result<HttpClient> HttpClient::Make(std::string_view base_url, HttpClientOptions options) {
    auto url = HttpUrl::Parse(base_url);
    IOST_TRY(url);
    if (url->target.find('?') != std::string::npos) {
        return Fail(HttpErrorKind::kBadUrl, "bad URL '" + std::string(base_url.substr(0, 200)) +
                                                "': a base URL cannot have a query");
    }
    return HttpClient(std::make_unique<Impl>(std::move(*url), options));
}

util::Result<HttpResponse> HttpClient::Get(std::string_view path) {
    return m_impl->Exchange(http::verb::get, path, {}, {});
}

util::Result<HttpResponse> HttpClient::Post(std::string_view path, std::string_view body,
                                            std::string_view content_type) {
    return m_impl->Exchange(http::verb::post, path, body, content_type);
}

const HttpUrl& HttpClient::base() const { return m_impl->base; }

namespace {
util::Result<HttpResponse> OneShot(http::verb verb, std::string_view url, std::string_view body,
                                   std::string_view content_type,
                                   const HttpClientOptions& options) {
    auto parsed = HttpUrl::Parse(url);
    IOST_TRY(parsed);
    std::string target = parsed->target;
    parsed->target = "/";
    HttpClient::Impl impl(std::move(*parsed), options);
    auto r = impl.Exchange(verb, target, body, content_type);
    impl.Close();
    return r;
}
}  // namespace

util::Result<HttpResponse> HttpGet(std::string_view url, const HttpClientOptions& options) {
    return OneShot(http::verb::get, url, {}, {}, options);
}

util::Result<HttpResponse> HttpPost(std::string_view url, std::string_view body,
                                    std::string_view content_type,
                                    const HttpClientOptions& options) {
    return OneShot(http::verb::post, url, body, content_type, options);
}

}  // namespace iost::wallet
