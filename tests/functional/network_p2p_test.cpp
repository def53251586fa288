// The P2P port of a real iserver under hostile bytes from a raw socket
// (docs/reliability.md #5, bitcoin p2p_invalid_messages.py): garbage, a bad
// checksum, frames over the pre-handshake cap (1 KiB) and over 2 GiB, a
// malformed Hello, a Hello of another chain and of another genesis. Each is
// refused — a typed Reject where the protocol has one, else the connection
// is closed without the node waiting for the announced body — and the node
// keeps finalizing with its real peer and serving HTTP throughout.
//
// The frames are written here byte by byte from docs/p2p.md ("Frames",
// "Handshake"), not with src/net, so a change of the wire format that the
// docs do not follow fails this test. Devnet on 127.12.1.*.
#include <arpa/inet.h>
#include <crypto/hash.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "functional_util.h"

namespace iost::functional {
namespace {

constexpr uint16_t kHello = 1;
constexpr uint16_t kReject = 3;
constexpr uint16_t kRejectMalformed = 1;
constexpr uint16_t kRejectWrongChain = 3;
constexpr uint16_t kRejectWrongGenesis = 4;

void PutU16(util::Bytes& b, uint16_t v) {
    b.push_back(static_cast<uint8_t>(v >> 8));
    b.push_back(static_cast<uint8_t>(v));
}
void PutU32(util::Bytes& b, uint32_t v) {
    for (int s = 24; s >= 0; s -= 8) b.push_back(static_cast<uint8_t>(v >> s));
}
void PutU64(util::Bytes& b, uint64_t v) {
    for (int s = 56; s >= 0; s -= 8) b.push_back(static_cast<uint8_t>(v >> s));
}

// p2p.md: the handshake magic is SHA3-256("iost-pob-p2p-handshake")[0..4].
util::Bytes HandshakeMagic() {
    const auto h = crypto::Sha3_256(util::AsBytes("iost-pob-p2p-handshake"));
    return util::Bytes(h.begin(), h.begin() + 4);
}

// magic | type u16 BE | length u32 BE | SHA3(payload)[0..4] | payload
util::Bytes Frame(uint16_t type, const util::Bytes& payload, uint32_t length_field,
                  bool good_checksum = true) {
    util::Bytes f = HandshakeMagic();
    PutU16(f, type);
    PutU32(f, length_field);
    const auto h = crypto::Sha3_256(payload);
    for (int i = 0; i < 4; ++i)
        f.push_back(good_checksum ? h[static_cast<size_t>(i)]
                                  : static_cast<uint8_t>(~h[static_cast<size_t>(i)]));
    f.insert(f.end(), payload.begin(), payload.end());
    return f;
}
util::Bytes Frame(uint16_t type, const util::Bytes& payload) {
    return Frame(type, payload, static_cast<uint32_t>(payload.size()));
}

// p2p.md Hello: version u16 | chain_id u32 | genesis 32 | key_alg u8 (2) |
// node_key 32 | listen_port u16 | nonce 32 | time_unix_ns u64 (113 bytes).
util::Bytes Hello(uint32_t chain_id, const util::Bytes& genesis) {
    util::Bytes p;
    PutU16(p, 1);
    PutU32(p, chain_id);
    p.insert(p.end(), genesis.begin(), genesis.end());
    p.push_back(2);
    const auto key = crypto::KeyPair::Generate(crypto::Algorithm::kEd25519).public_key().bytes;
    p.insert(p.end(), key.begin(), key.end());
    PutU16(p, 0);
    const auto nonce = crypto::Sha3_256(key);
    p.insert(p.end(), nonce.begin(), nonce.end());
    PutU64(p, static_cast<uint64_t>(util::SystemClock().Now()));
    return p;
}

class RawPeer {
  public:
    explicit RawPeer(const std::string& hostport) {
        const size_t c = hostport.rfind(':');
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(static_cast<uint16_t>(std::stoi(hostport.substr(c + 1))));
        ::inet_pton(AF_INET, hostport.substr(0, c).c_str(), &a.sin_addr);
        m_fd = ::socket(AF_INET, SOCK_STREAM, 0);
        timeval tv{1, 0};
        ::setsockopt(m_fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        m_connected = ::connect(m_fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    }
    ~RawPeer() { ::close(m_fd); }
    bool connected() const { return m_connected; }
    void Send(const util::Bytes& b) {
        size_t off = 0;
        while (off < b.size()) {
            const ssize_t n = ::send(m_fd, b.data() + off, b.size() - off, MSG_NOSIGNAL);
            if (n <= 0) return;  // the node may close before we finish: that is fine
            off += static_cast<size_t>(n);
        }
    }

    struct Outcome {
        bool closed = false;             // EOF or reset within the time limit
        std::optional<uint16_t> reject;  // reason of a Reject frame received
        std::vector<uint16_t> types;     // frame types received
    };
    // Reads frames until the node closes or `limit` passes.
    Outcome ReadUntilClosed(std::chrono::seconds limit) {
        Outcome o;
        util::Bytes buf;
        const auto deadline = std::chrono::steady_clock::now() + limit;
        while (std::chrono::steady_clock::now() < deadline) {
            uint8_t tmp[4096];
            const ssize_t n = ::recv(m_fd, tmp, sizeof tmp, 0);
            if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
                o.closed = true;
                break;
            }
            if (n > 0) buf.insert(buf.end(), tmp, tmp + n);
            // Parse whole frames from the front.
            while (buf.size() >= 14) {
                const uint16_t type = static_cast<uint16_t>((buf[4] << 8) | buf[5]);
                const uint32_t len = (uint32_t{buf[6]} << 24) | (uint32_t{buf[7]} << 16) |
                                     (uint32_t{buf[8]} << 8) | buf[9];
                if (len > 4096 || buf.size() < 14 + len) break;
                o.types.push_back(type);
                if (type == kReject && len >= 2)
                    o.reject = static_cast<uint16_t>((buf[14] << 8) | buf[15]);
                buf.erase(buf.begin(), buf.begin() + 14 + len);
            }
        }
        return o;
    }

  private:
    int m_fd = -1;
    bool m_connected = false;
};

// One devnet for every case: CTest runs each TEST of a binary as its own
// process, possibly in parallel, and they would collide on 127.12.1.*.
TEST(NetworkP2p, HostileBytesAreRefusedAndTheNodeKeepsServing) {
    auto started =
        TestDevnet::Start("p2p-raw", "127.12.1.1",
                          {"--fallback", "--believable", "1", "--normal", "1", "--accounts", "1"});
    ASSERT_TRUE(started.ok()) << started.error().message;
    TestDevnet& net = **started;
    const std::string target = net.Node("node0").p2p;

    // The node keeps finalizing with its one real peer (both must vote) and serving HTTP.
    auto expect_still_serves = [&](const char* after) {
        const uint64_t h = net.Height("node0");
        auto w = net.WaitForHeight(h + 2, 60s);
        EXPECT_TRUE(w.ok()) << after << ": " << w.error().message;
        const auto st = net.Status("node0");
        EXPECT_TRUE(st.up) << after;
        EXPECT_EQ(st.peers, 1) << after << ": node0 lost its real peer";
    };

    {
        SCOPED_TRACE("garbage");
        RawPeer p(target);
        ASSERT_TRUE(p.connected());
        util::Bytes junk(200);
        for (size_t i = 0; i < junk.size(); ++i) junk[i] = static_cast<uint8_t>(i * 37 + 11);
        p.Send(junk);
        EXPECT_TRUE(p.ReadUntilClosed(15s).closed)
            << "the node kept a connection that sent garbage";
    }
    {
        SCOPED_TRACE("bad checksum");
        RawPeer p(target);
        ASSERT_TRUE(p.connected());
        const util::Bytes hello = Hello(1024, util::Bytes(32, 7));
        p.Send(Frame(kHello, hello, static_cast<uint32_t>(hello.size()), /*good_checksum=*/false));
        const auto o = p.ReadUntilClosed(15s);
        EXPECT_TRUE(o.closed) << "the node kept a connection whose frame failed its checksum";
    }
    expect_still_serves("garbage and a bad checksum");

    // Over the 1 KiB pre-handshake cap by one byte, and 2-4 GiB claims: the
    // node must close without waiting for a body we never send.
    for (const uint32_t len : {1025u, 0x7fffffffu, 0xffffffffu}) {
        SCOPED_TRACE("oversized " + std::to_string(len));
        RawPeer p(target);
        ASSERT_TRUE(p.connected());
        p.Send(Frame(kHello, util::Bytes{}, len));
        EXPECT_TRUE(p.ReadUntilClosed(15s).closed) << "the node waited for the body";
    }
    expect_still_serves("oversized frames");

    // A Hello the node can parse far enough to answer: a typed Reject, then close.
    auto expect_reject = [&](const util::Bytes& hello, uint16_t reason, const char* what) {
        SCOPED_TRACE(what);
        RawPeer p(target);
        ASSERT_TRUE(p.connected());
        p.Send(Frame(kHello, hello));
        const auto o = p.ReadUntilClosed(15s);
        EXPECT_TRUE(o.closed);
        ASSERT_TRUE(o.reject.has_value()) << "no Reject received";
        EXPECT_EQ(*o.reject, reason);
        ASSERT_FALSE(o.types.empty());
        EXPECT_EQ(o.types.front(), kHello) << "the node greets first, on the handshake magic";
    };
    util::Bytes short_hello = Hello(1024, util::Bytes(32, 1));
    short_hello.resize(50);
    expect_reject(short_hello, kRejectMalformed, "malformed hello");
    expect_reject(Hello(1023, util::Bytes(32, 0)), kRejectWrongChain, "wrong chain id");
    // Same chain id, a genesis hash that is not this chain's (all 0x5a).
    expect_reject(Hello(1024, util::Bytes(32, 0x5a)), kRejectWrongGenesis, "wrong genesis");
    expect_still_serves("malformed hello, wrong chain, wrong genesis");

    {
        SCOPED_TRACE("burst");
        // 40 hostile connections at once (half of them announcing a 256 MiB frame).
        std::vector<std::unique_ptr<RawPeer>> peers;
        for (int i = 0; i < 40; ++i) {
            peers.push_back(std::make_unique<RawPeer>(target));
            if (i % 2 == 0) peers.back()->Send(Frame(kHello, util::Bytes{}, 0x10000000u));
        }
        expect_still_serves("40 hostile connections");
    }
    expect_still_serves("after the hostile connections closed");
}

}  // namespace
}  // namespace iost::functional
