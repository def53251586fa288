// Raw loopback sockets for the HTTP server tests: they send exactly the
// bytes a test wants (malformed, trickled, pipelined) and read what comes
// back, with a deadline on every read so no test can hang.
// Thread contract: one RawConn per thread.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace iost::rpc::testing {

using Clock = std::chrono::steady_clock;
using Ms = std::chrono::milliseconds;

struct ParsedResponse {
    int status = 0;
    std::string status_line;
    std::map<std::string, std::string> headers;  // lower-case names
    std::string body;
    bool chunked = false;

    std::string Get(const std::string& lower_name) const {
        auto it = headers.find(lower_name);
        return it == headers.end() ? "" : it->second;
    }
};

class RawConn {
  public:
    RawConn() = default;
    explicit RawConn(uint16_t port, int rcvbuf = 0) { Connect(port, rcvbuf); }
    // From a chosen loopback source address (e.g. "127.0.0.2"), as another host would.
    RawConn(uint16_t port, const char* source_ip) { Connect(port, 0, source_ip); }
    ~RawConn() { Close(); }
    RawConn(const RawConn&) = delete;
    RawConn& operator=(const RawConn&) = delete;
    RawConn(RawConn&& o) noexcept : m_fd(o.m_fd), m_pending(std::move(o.m_pending)) { o.m_fd = -1; }

    bool Connect(uint16_t port, int rcvbuf = 0, const char* source_ip = nullptr) {
        Close();
        m_fd = ::socket(AF_INET, SOCK_STREAM, 0);
        if (m_fd < 0) return false;
        if (source_ip) {
            sockaddr_in src{};
            src.sin_family = AF_INET;
            if (::inet_pton(AF_INET, source_ip, &src.sin_addr) != 1 ||
                ::bind(m_fd, reinterpret_cast<sockaddr*>(&src), sizeof src) != 0) {
                Close();
                return false;
            }
        }
        if (rcvbuf > 0) ::setsockopt(m_fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
        int one = 1;
        ::setsockopt(m_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(port);
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(m_fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
            Close();
            return false;
        }
        return true;
    }

    bool ok() const { return m_fd >= 0; }
    int fd() const { return m_fd; }

    // False if the peer has closed (EPIPE/ECONNRESET) before all was sent.
    bool Send(std::string_view data) {
        while (!data.empty()) {
            ssize_t n = ::send(m_fd, data.data(), data.size(), MSG_NOSIGNAL);
            if (n <= 0) {
                if (n < 0 && errno == EINTR) continue;
                return false;
            }
            data.remove_prefix(static_cast<size_t>(n));
        }
        return true;
    }

    void ShutdownWrite() { ::shutdown(m_fd, SHUT_WR); }

    void Close() {
        if (m_fd >= 0) ::close(m_fd);
        m_fd = -1;
        m_pending.clear();
    }

    // Reads some bytes (appended to the internal buffer) within `timeout`.
    // Returns >0 bytes read, 0 on EOF, -1 on timeout, -2 on error (e.g. reset).
    int ReadSome(Ms timeout) {
        pollfd p{m_fd, POLLIN, 0};
        int r = ::poll(&p, 1, static_cast<int>(timeout.count()));
        if (r == 0) return -1;
        if (r < 0) return -2;
        char buf[16384];
        ssize_t n = ::recv(m_fd, buf, sizeof buf, 0);
        if (n < 0) return -2;
        m_pending.append(buf, static_cast<size_t>(n));
        return static_cast<int>(n);
    }

    // Bytes read but not consumed yet (streams read with ReadSome).
    const std::string& pending() const { return m_pending; }

    // Everything until EOF (or error); nullopt if `timeout` passes first.
    std::optional<std::string> ReadToEof(Ms timeout) {
        auto end = Clock::now() + timeout;
        for (;;) {
            auto left = std::chrono::duration_cast<Ms>(end - Clock::now());
            if (left.count() <= 0) return std::nullopt;
            int n = ReadSome(left);
            if (n == -1) return std::nullopt;
            if (n <= 0) {
                std::string out = std::move(m_pending);
                m_pending.clear();
                return out;
            }
        }
    }

    // True if the peer closes (EOF or reset) within `timeout`; data is discarded.
    bool WaitClosed(Ms timeout) {
        auto end = Clock::now() + timeout;
        for (;;) {
            auto left = std::chrono::duration_cast<Ms>(end - Clock::now());
            if (left.count() <= 0) return false;
            int n = ReadSome(left);
            if (n == -1) return false;
            if (n <= 0) return true;
            m_pending.clear();
        }
    }

    // One response with a Content-Length body (or none). nullopt on timeout/EOF.
    std::optional<ParsedResponse> ReadResponse(Ms timeout, bool head_request = false) {
        auto end = Clock::now() + timeout;
        auto fill = [&](size_t want_end) -> bool {
            while (m_pending.size() < want_end) {
                auto left = std::chrono::duration_cast<Ms>(end - Clock::now());
                if (left.count() <= 0 || ReadSome(left) <= 0) return false;
            }
            return true;
        };
        size_t hdr_end;
        while ((hdr_end = m_pending.find("\r\n\r\n")) == std::string::npos) {
            auto left = std::chrono::duration_cast<Ms>(end - Clock::now());
            if (left.count() <= 0 || ReadSome(left) <= 0) return std::nullopt;
        }
        ParsedResponse r;
        std::string head = m_pending.substr(0, hdr_end);
        m_pending.erase(0, hdr_end + 4);
        size_t line_end = head.find("\r\n");
        r.status_line = head.substr(0, line_end);
        if (r.status_line.size() < 12 || r.status_line.compare(0, 5, "HTTP/") != 0)
            return std::nullopt;
        r.status = std::atoi(r.status_line.c_str() + 9);
        size_t pos = line_end == std::string::npos ? head.size() : line_end + 2;
        while (pos < head.size()) {
            size_t e = head.find("\r\n", pos);
            if (e == std::string::npos) e = head.size();
            std::string line = head.substr(pos, e - pos);
            size_t colon = line.find(':');
            if (colon != std::string::npos) {
                std::string k = line.substr(0, colon);
                for (auto& c : k)
                    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
                size_t v = colon + 1;
                while (v < line.size() && line[v] == ' ') ++v;
                r.headers[k] = line.substr(v);
            }
            pos = e + 2;
        }
        r.chunked = r.Get("transfer-encoding").find("chunked") != std::string::npos;
        if (head_request || r.chunked) return r;
        size_t len =
            static_cast<size_t>(std::strtoull(r.Get("content-length").c_str(), nullptr, 10));
        if (!fill(len)) return std::nullopt;
        r.body = m_pending.substr(0, len);
        m_pending.erase(0, len);
        return r;
    }

    // One chunk of a chunked body: its data, "" for the last chunk, nullopt on timeout/EOF.
    std::optional<std::string> ReadChunk(Ms timeout) {
        auto end = Clock::now() + timeout;
        size_t le;
        while ((le = m_pending.find("\r\n")) == std::string::npos) {
            auto left = std::chrono::duration_cast<Ms>(end - Clock::now());
            if (left.count() <= 0 || ReadSome(left) <= 0) return std::nullopt;
        }
        size_t size =
            static_cast<size_t>(std::strtoull(m_pending.substr(0, le).c_str(), nullptr, 16));
        size_t need = le + 2 + size + 2;
        while (m_pending.size() < need) {
            auto left = std::chrono::duration_cast<Ms>(end - Clock::now());
            if (left.count() <= 0 || ReadSome(left) <= 0) return std::nullopt;
        }
        std::string data = m_pending.substr(le + 2, size);
        m_pending.erase(0, need);
        return data;
    }

  private:
    int m_fd = -1;
    std::string m_pending;
};

}  // namespace iost::rpc::testing
