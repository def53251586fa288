// A scripted HTTP "node" for the wallet tests: accepts loopback connections
// on an ephemeral port and runs a test's script on each (answer, stall, send
// junk, close), so a test controls exactly what the client sees.
// Thread contract: the script runs on the server's one thread.
#pragma once

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace iost::wallet::testing {

using Ms = std::chrono::milliseconds;

// Reads one request head (and a Content-Length body) from `fd`; "" on EOF/timeout.
inline std::string ReadRequest(int fd, int timeout_ms = 3000) {
    std::string data;
    auto deadline = std::chrono::steady_clock::now() + Ms(timeout_ms);
    size_t head_end = std::string::npos;
    size_t need = 0;
    for (;;) {
        if (head_end == std::string::npos) {
            head_end = data.find("\r\n\r\n");
            if (head_end != std::string::npos) {
                need = head_end + 4;
                auto cl = data.find("Content-Length: ");
                if (cl != std::string::npos && cl < head_end)
                    need += std::stoul(data.substr(cl + 16));
            }
        }
        if (head_end != std::string::npos && data.size() >= need) return data;
        auto left =
            std::chrono::duration_cast<Ms>(deadline - std::chrono::steady_clock::now()).count();
        if (left <= 0) return "";
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(left)) <= 0) return "";
        char buf[4096];
        ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) return "";
        data.append(buf, static_cast<size_t>(n));
    }
}

inline void SendAll(int fd, const std::string& s) {
    size_t off = 0;
    while (off < s.size()) {
        ssize_t n = ::send(fd, s.data() + off, s.size() - off, MSG_NOSIGNAL);
        if (n <= 0) return;
        off += static_cast<size_t>(n);
    }
}

inline std::string Ok(const std::string& body, const std::string& extra = "") {
    return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
           std::to_string(body.size()) + "\r\n" + extra + "\r\n" + body;
}

// Accepts connections on 127.0.0.1:<ephemeral> and runs `script(fd, n)` for
// the n-th one (sequentially, on one thread). Stops within 100 ms.
class ScriptServer {
  public:
    using Script = std::function<void(int fd, int n)>;
    explicit ScriptServer(Script script) : m_script(std::move(script)) {
        m_fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        a.sin_port = 0;
        int one = 1;
        ::setsockopt(m_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        EXPECT_EQ(::bind(m_fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
        EXPECT_EQ(::listen(m_fd, 16), 0);
        socklen_t len = sizeof a;
        ::getsockname(m_fd, reinterpret_cast<sockaddr*>(&a), &len);
        m_port = ntohs(a.sin_port);
        m_thread = std::thread([this] { Loop(); });
    }
    ~ScriptServer() {
        m_stop = true;
        m_thread.join();
        ::close(m_fd);
    }
    uint16_t port() const { return m_port; }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(m_port); }
    int accepted() const { return m_accepted; }
    std::string last_request() {
        std::lock_guard lk(m_mu);
        return m_last;
    }
    void set_last(std::string s) {
        std::lock_guard lk(m_mu);
        m_last = std::move(s);
    }

  private:
    void Loop() {
        while (!m_stop) {
            pollfd p{m_fd, POLLIN, 0};
            if (::poll(&p, 1, 100) <= 0) continue;
            int c = ::accept(m_fd, nullptr, nullptr);
            if (c < 0) continue;
            int n = m_accepted++;
            m_script(c, n);
            ::close(c);
        }
    }
    Script m_script;
    int m_fd = -1;
    uint16_t m_port = 0;
    std::atomic<bool> m_stop{false};
    std::atomic<int> m_accepted{0};
    std::mutex m_mu;
    std::string m_last;
    std::thread m_thread;
};

}  // namespace iost::wallet::testing
