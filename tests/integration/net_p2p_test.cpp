// P2P transport on real loopback sockets (127.0.0.1, ephemeral ports only):
// mesh formation by peer exchange, exactly-once gossip, typed handshake
// rejections, garbage / oversized / flooding peers dropped and banned while
// an honest peer's ping is answered (docs/reliability.md #5, #6), reconnect after
// a restart, bounded send queues. Every wait is bounded in time.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <net/frame.h>
#include <net/handshake.h>
#include <net/message_types.h>
#include <net/peer_manager.h>
#include <net/pex.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>
#include <util/clock.h>

#include <atomic>
#include <chrono>
#include <deque>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <thread>

using namespace iost;
using namespace iost::net;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

constexpr uint32_t kChain = 1024;

crypto::Hash256 Genesis() {
    crypto::Hash256 g{};
    g.fill(0x42);
    return g;
}

template <typename Pred>
bool WaitFor(Pred pred, std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline) {
        if (pred()) return true;
        std::this_thread::sleep_for(10ms);
    }
    return pred();
}

HostOptions FastOptions(std::string_view seed) {
    HostOptions o;
    o.chain_id = kChain;
    o.genesis_hash = Genesis();
    o.node_key = crypto::KeyPair::FromSeed(crypto::Algorithm::kEd25519, seed);
    o.listen_address = "127.0.0.1";
    o.listen_port = 0;
    o.tick_interval = 10ms;
    o.handshake_timeout = 2s;
    o.reconnect_initial = 50ms;
    o.reconnect_max = 500ms;
    o.peer_exchange_interval = 100ms;
    o.peer_exchange_min_reply = 50ms;
    o.ban_duration = 60s;
    // A log for failures: set IOST_TEST_NET_LOG=1 to see it.
    if (std::getenv("IOST_TEST_NET_LOG")) {
        o.logger = util::Logger::Stderr(std::string(seed), util::LogLevel::kDebug);
    }
    return o;
}

NodeId IdOf(std::string_view seed) {
    NodeId id{};
    auto kp = crypto::KeyPair::FromSeed(crypto::Algorithm::kEd25519, seed);
    std::copy_n(kp.public_key().bytes.begin(), 32, id.begin());
    return id;
}

// A Host plus a record of what its callbacks saw.
struct TestNode {
    std::unique_ptr<Host> host;
    std::mutex mu;
    std::map<util::Bytes, int> received;  // payload -> times delivered
    std::vector<NodeId> connects, disconnects;
    bool relay = false;  // re-broadcast gossip like a node that validated it

    // The host goes first: its callbacks use the members below.
    ~TestNode() { host.reset(); }

    static std::unique_ptr<TestNode> Make(HostOptions o, bool relay = false) {
        auto n = std::make_unique<TestNode>();
        n->relay = relay;
        auto h = Host::Make(std::move(o));
        EXPECT_TRUE(h.ok()) << h.error().message;
        if (!h.ok()) return nullptr;
        n->host = std::move(*h);
        TestNode* self = n.get();
        HostCallbacks cb;
        cb.on_message = [self](const NodeId& from, uint16_t type, util::Bytes payload) {
            {
                std::lock_guard lk(self->mu);
                ++self->received[payload];
            }
            if (self->relay && IsGossipType(type))
                self->host->Broadcast(type, std::move(payload), from);
        };
        cb.on_connected = [self](const NodeId& id) {
            std::lock_guard lk(self->mu);
            self->connects.push_back(id);
        };
        cb.on_disconnected = [self](const NodeId& id) {
            std::lock_guard lk(self->mu);
            self->disconnects.push_back(id);
        };
        n->host->SetCallbacks(cb);
        n->host->Start();
        return n;
    }
    int Count(const util::Bytes& p) {
        std::lock_guard lk(mu);
        auto it = received.find(p);
        return it == received.end() ? 0 : it->second;
    }
    size_t PeerCount() { return host->Peers().size(); }
    bool HasPeer(const NodeId& id) {
        for (const auto& p : host->Peers()) {
            if (p.id == id) return true;
        }
        return false;
    }
    Endpoint Addr() const { return Endpoint{"127.0.0.1", host->listen_port()}; }
};

// A hand-driven peer on a blocking socket: speaks the protocol with the
// library's own codec pieces, or sends whatever bytes a test wants.
class RawPeer {
  public:
    explicit RawPeer(uint16_t port, uint32_t chain = kChain, const char* source_ip = nullptr)
        : m_magic(MagicForChain(chain)),
          m_out_magic(HandshakeMagic()),
          m_decoder(HandshakeMagic(), kDefaultMaxFramePayload) {
        m_decoder.SwitchMagicAfter(ToWire(MessageType::kHelloProof), m_magic);
        m_fd = ::socket(AF_INET, SOCK_STREAM, 0);
        if (source_ip) {  // as another host would connect
            sockaddr_in src{};
            src.sin_family = AF_INET;
            ::inet_pton(AF_INET, source_ip, &src.sin_addr);
            ::bind(m_fd, reinterpret_cast<sockaddr*>(&src), sizeof(src));
        }
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(port);
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        m_connected = ::connect(m_fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
        timeval tv{0, 20'000};
        ::setsockopt(m_fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
        ::setsockopt(m_fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
        int one = 1;
        ::setsockopt(m_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    }
    ~RawPeer() { ::close(m_fd); }
    RawPeer(const RawPeer&) = delete;
    RawPeer& operator=(const RawPeer&) = delete;

    bool connected() const { return m_connected; }
    bool closed() const { return m_closed; }

    void SetRecvBuffer(int bytes) {
        ::setsockopt(m_fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof(bytes));
    }

    // Sends everything or gives up at the deadline / on error.
    bool SendAll(util::ByteView b, std::chrono::milliseconds timeout = 2s) {
        const auto deadline = Clock::now() + timeout;
        size_t pos = 0;
        while (pos < b.size()) {
            if (Clock::now() > deadline) return false;
            const ssize_t n = ::send(m_fd, b.data() + pos, b.size() - pos, MSG_NOSIGNAL);
            if (n > 0) {
                pos += static_cast<size_t>(n);
            } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
                continue;
            } else {
                m_closed = true;
                return false;
            }
        }
        return true;
    }
    bool SendFrame(uint16_t type, util::ByteView payload) {
        return SendAll(EncodeFrame(m_out_magic, type, payload));
    }
    bool SendFrame(MessageType type, util::ByteView payload) {
        return SendFrame(ToWire(type), payload);
    }

    // Next frame (of `type` if given, skipping others) within `timeout`.
    std::optional<Frame> Read(std::optional<MessageType> type, std::chrono::milliseconds timeout) {
        const auto deadline = Clock::now() + timeout;
        while (true) {
            while (!m_frames.empty()) {
                Frame f = std::move(m_frames.front());
                m_frames.pop_front();
                if (!type || f.type == ToWire(*type)) return f;
                if (f.type == ToWire(MessageType::kPing)) SendFrame(MessageType::kPong, f.payload);
                if (f.type == ToWire(MessageType::kReject))
                    m_last_reject = DecodeReject(f.payload)->reason;
            }
            if (m_closed || Clock::now() > deadline) return std::nullopt;
            Pump();
        }
    }

    // True once the host closed the connection (EOF or reset) within `timeout`.
    bool WaitClosed(std::chrono::milliseconds timeout) {
        const auto deadline = Clock::now() + timeout;
        while (!m_closed && Clock::now() < deadline) {
            Pump();
            while (!m_frames.empty()) {
                if (m_frames.front().type == ToWire(MessageType::kReject)) {
                    m_last_reject = DecodeReject(m_frames.front().payload)->reason;
                }
                m_frames.pop_front();
            }
        }
        return m_closed;
    }

    // Runs our half of the handshake; returns the Reject reason if the host
    // refused (kNone on success).
    RejectReason Handshake(std::string_view key_seed, crypto::Hash256 genesis = Genesis(),
                           uint32_t chain = kChain) {
        m_key = crypto::KeyPair::FromSeed(crypto::Algorithm::kEd25519, key_seed);
        HandshakeConfig cfg;
        cfg.chain_id = chain;
        cfg.genesis_hash = genesis;
        cfg.node_key = &*m_key;
        cfg.listen_port = 0;
        Nonce nonce{};
        nonce.fill(static_cast<uint8_t>(key_seed.size()));
        net::Handshake hs(cfg, nonce, util::SystemClock().Now());
        if (!SendFrame(MessageType::kHello, hs.HelloPayload())) return RejectReason::kShuttingDown;
        while (true) {
            auto f = Read(std::nullopt, 3s);
            if (!f)
                return m_last_reject != RejectReason::kNone ? m_last_reject
                                                            : RejectReason::kTimeout;
            if (f->type == ToWire(MessageType::kReject)) return DecodeReject(f->payload)->reason;
            if (f->type == ToWire(MessageType::kHello)) {
                auto proof = hs.OnHello(f->payload, util::SystemClock().Now());
                if (!proof) return proof.error();
                SendFrame(MessageType::kHelloProof, *proof);
                m_out_magic = m_magic;
            } else if (f->type == ToWire(MessageType::kHelloProof)) {
                auto ok = hs.OnProof(f->payload);
                return ok ? RejectReason::kNone : ok.error();
            }
        }
    }
    RejectReason last_reject() const { return m_last_reject; }
    const Magic& magic() const { return m_magic; }  // the chain magic
    // After sending a HelloProof by hand.
    void SwitchToChainMagic() { m_out_magic = m_magic; }

  private:
    void Pump() {
        uint8_t buf[65536];
        const ssize_t n = ::recv(m_fd, buf, sizeof(buf), 0);
        if (n > 0) {
            std::vector<Frame> out;
            auto r = m_decoder.Feed(util::ByteView(buf, static_cast<size_t>(n)), &out);
            for (auto& f : out) m_frames.push_back(std::move(f));
            if (!r) m_closed = true;
        } else if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
            m_closed = true;
        }
    }

    int m_fd = -1;
    bool m_connected = false;
    bool m_closed = false;
    Magic m_magic;
    Magic m_out_magic;
    FrameDecoder m_decoder;
    std::deque<Frame> m_frames;
    std::optional<crypto::KeyPair> m_key;
    RejectReason m_last_reject = RejectReason::kNone;
};

size_t RssBytes() {
    std::ifstream f("/proc/self/statm");
    size_t pages = 0, resident = 0;
    f >> pages >> resident;
    return resident * static_cast<size_t>(::sysconf(_SC_PAGESIZE));
}

util::Bytes Item(int i, size_t size = 100) {
    util::Bytes b(size, static_cast<uint8_t>(i));
    b[0] = static_cast<uint8_t>(i >> 8);
    b[1] = static_cast<uint8_t>(i);
    return b;
}

}  // namespace

TEST(NetP2P, MeshFromOneSeedAndBroadcastExactlyOnce) {
    constexpr int kNodes = 5;
    std::vector<std::unique_ptr<TestNode>> nodes;
    nodes.push_back(TestNode::Make(FastOptions("mesh-0"), /*relay=*/true));
    ASSERT_TRUE(nodes[0]);
    for (int i = 1; i < kNodes; ++i) {
        auto o = FastOptions("mesh-" + std::to_string(i));
        o.seeds = {nodes[0]->Addr()};  // only the first node is known
        nodes.push_back(TestNode::Make(std::move(o), /*relay=*/true));
        ASSERT_TRUE(nodes.back());
    }
    // Peer exchange completes the mesh: everyone ends up with everyone.
    ASSERT_TRUE(WaitFor(
        [&] {
            for (auto& n : nodes) {
                if (n->PeerCount() != kNodes - 1) return false;
            }
            return true;
        },
        15s))
        << "peer counts: " << nodes[0]->PeerCount() << " " << nodes[1]->PeerCount() << " "
        << nodes[2]->PeerCount() << " " << nodes[3]->PeerCount() << " " << nodes[4]->PeerCount();
    for (int i = 0; i < kNodes; ++i) {
        for (int j = 0; j < kNodes; ++j) {
            if (i != j) {
                EXPECT_TRUE(nodes[i]->HasPeer(nodes[j]->host->id())) << i << "->" << j;
            }
        }
    }

    // Each item is delivered exactly once on every other node even though
    // every node relays it to all of its peers; the origin never gets it back.
    constexpr int kItems = 30;
    for (int i = 0; i < kItems; ++i) {
        const auto type = i % 3 == 0 ? MessageType::kTx
                                     : (i % 3 == 1 ? MessageType::kVote : MessageType::kMicroBlock);
        const size_t n =
            nodes[static_cast<size_t>(i % kNodes)]->host->Broadcast(ToWire(type), Item(i));
        EXPECT_EQ(n, static_cast<size_t>(kNodes - 1));
    }
    ASSERT_TRUE(WaitFor(
        [&] {
            for (int i = 0; i < kItems; ++i) {
                for (int k = 0; k < kNodes; ++k) {
                    if (k != i % kNodes && nodes[static_cast<size_t>(k)]->Count(Item(i)) < 1)
                        return false;
                }
            }
            return true;
        },
        10s));
    std::this_thread::sleep_for(300ms);  // let any duplicate arrive
    for (int i = 0; i < kItems; ++i) {
        for (int k = 0; k < kNodes; ++k) {
            EXPECT_EQ(nodes[static_cast<size_t>(k)]->Count(Item(i)), k == i % kNodes ? 0 : 1)
                << "item " << i << " node " << k;
        }
    }
    uint64_t dups = 0;
    for (auto& n : nodes) dups += n->host->Stats().gossip_duplicates;
    EXPECT_GT(dups, 0u) << "relays should have produced duplicates that dedup absorbed";

    // Point-to-point send of a non-gossip type arrives once too.
    const util::Bytes req = util::ToBytes("sync from 10");
    EXPECT_EQ(nodes[1]->host->Send(nodes[2]->host->id(), ToWire(MessageType::kSyncRequest), req),
              SendResult::kQueued);
    EXPECT_TRUE(WaitFor([&] { return nodes[2]->Count(req) == 1; }, 5s));
    // Net-internal types are not for the node to send.
    EXPECT_EQ(nodes[1]->host->Send(nodes[2]->host->id(), ToWire(MessageType::kPing), EncodePing(1)),
              SendResult::kNotApplicationType);
    EXPECT_EQ(nodes[1]->host->Send(nodes[2]->host->id(), ToWire(MessageType::kTx),
                                   util::Bytes(300 * 1024)),
              SendResult::kTooLarge);
}

TEST(NetP2P, HandshakeRejectionsOverSockets) {
    auto a = TestNode::Make(FastOptions("hs-a"));
    ASSERT_TRUE(a);
    {
        RawPeer p(a->host->listen_port());
        ASSERT_TRUE(p.connected());
        EXPECT_EQ(p.Handshake("hs-raw", Genesis(), kChain + 1), RejectReason::kWrongChain);
        EXPECT_TRUE(p.WaitClosed(3s));
    }
    {
        crypto::Hash256 other = Genesis();
        other[0] ^= 1;
        RawPeer p(a->host->listen_port());
        EXPECT_EQ(p.Handshake("hs-raw", other), RejectReason::kWrongGenesis);
        EXPECT_TRUE(p.WaitClosed(3s));
    }
    {
        // Claims a's own key: a sees a connection to itself.
        RawPeer p(a->host->listen_port());
        EXPECT_EQ(p.Handshake("hs-a"), RejectReason::kSelfConnection);
        EXPECT_TRUE(p.WaitClosed(3s));
    }
    {
        // A proof that does not verify.
        RawPeer p(a->host->listen_port());
        auto key = crypto::KeyPair::FromSeed(crypto::Algorithm::kEd25519, "hs-liar");
        HandshakeConfig cfg;
        cfg.chain_id = kChain;
        cfg.genesis_hash = Genesis();
        cfg.node_key = &key;
        Nonce nonce{};
        Handshake hs(cfg, nonce, util::SystemClock().Now());
        ASSERT_TRUE(p.SendFrame(MessageType::kHello, hs.HelloPayload()));
        auto hello = p.Read(MessageType::kHello, 3s);
        ASSERT_TRUE(hello);
        auto proof = hs.OnHello(hello->payload, util::SystemClock().Now());
        ASSERT_TRUE(proof.ok());
        util::Bytes bad = *proof;
        bad[0] ^= 1;
        ASSERT_TRUE(p.SendFrame(MessageType::kHelloProof, bad));
        EXPECT_TRUE(p.WaitClosed(3s));
        EXPECT_EQ(p.last_reject(), RejectReason::kBadProof);
        // The claimed key was never proven, so it is not banned.
        EXPECT_FALSE(a->host->IsBanned(IdOf("hs-liar")));
    }
    {
        // Silence: the handshake times out.
        RawPeer p(a->host->listen_port());
        EXPECT_TRUE(p.WaitClosed(5s));
        EXPECT_EQ(p.last_reject(), RejectReason::kTimeout);
    }
    {
        // An application message before the handshake.
        RawPeer p(a->host->listen_port());
        ASSERT_TRUE(p.SendFrame(MessageType::kTx, Item(1)));
        EXPECT_TRUE(p.WaitClosed(3s));
    }
    // A good one still works afterwards.
    RawPeer ok(a->host->listen_port());
    EXPECT_EQ(ok.Handshake("hs-good"), RejectReason::kNone);
    EXPECT_TRUE(WaitFor([&] { return a->HasPeer(IdOf("hs-good")); }, 3s));

    // Two Hosts on different chains never connect; the dialer keeps running.
    auto o = FastOptions("hs-other-chain");
    o.chain_id = kChain + 7;
    o.seeds = {a->Addr()};
    auto other = TestNode::Make(std::move(o));
    ASSERT_TRUE(other);
    std::this_thread::sleep_for(500ms);
    EXPECT_EQ(other->PeerCount(), 0u);
    EXPECT_FALSE(a->HasPeer(other->host->id()));
    EXPECT_GT(other->host->Stats().dialed, 0u);
}

TEST(NetP2P, SelfConnectionViaSeedIsDropped) {
    auto o = FastOptions("self");
    auto n = TestNode::Make(std::move(o));
    ASSERT_TRUE(n);
    // "localhost" resolves to our own listener: the handshake sees our key.
    n->host->AddAddress(Endpoint{"localhost", n->host->listen_port()});
    ASSERT_TRUE(WaitFor([&] { return n->host->Stats().dialed >= 1; }, 3s));
    std::this_thread::sleep_for(500ms);
    EXPECT_EQ(n->PeerCount(), 0u);
    const auto dialed = n->host->Stats().dialed;
    std::this_thread::sleep_for(500ms);
    EXPECT_EQ(n->host->Stats().dialed, dialed) << "the self address must not be dialed again";
}

TEST(NetP2P, GarbageAndOversizedFramesGetPeerDroppedAndBanned) {
    auto o = FastOptions("victim");
    o.max_frame_payload = 64 * 1024;
    o.recv_bytes_burst = 1 << 20;
    auto a = TestNode::Make(std::move(o));
    ASSERT_TRUE(a);
    {
        RawPeer p(a->host->listen_port());
        ASSERT_EQ(p.Handshake("garbage-sender"), RejectReason::kNone);
        ASSERT_TRUE(WaitFor([&] { return a->HasPeer(IdOf("garbage-sender")); }, 3s));
        ASSERT_TRUE(p.SendAll(util::ToBytes("\x01\x02 this is not a frame at all \xff\xfe")));
        EXPECT_TRUE(p.WaitClosed(3s));
        EXPECT_TRUE(WaitFor([&] { return !a->HasPeer(IdOf("garbage-sender")); }, 3s));
        EXPECT_TRUE(a->host->IsBanned(IdOf("garbage-sender")));
    }
    {
        // The banned key cannot come back.
        RawPeer p(a->host->listen_port());
        EXPECT_EQ(p.Handshake("garbage-sender"), RejectReason::kBanned);
        EXPECT_TRUE(p.WaitClosed(3s));
    }
    {
        // Length = MAX + 1 on an application type: dropped and banned
        // without sending the body.
        RawPeer p(a->host->listen_port());
        ASSERT_EQ(p.Handshake("oversize-sender"), RejectReason::kNone);
        ASSERT_TRUE(WaitFor([&] { return a->HasPeer(IdOf("oversize-sender")); }, 3s));
        const auto hdr = EncodeFrameHeader(p.magic(), ToWire(MessageType::kMicroBlock),
                                           64 * 1024 + 1, crypto::Sha3_256({}));
        ASSERT_TRUE(p.SendAll(util::ByteView(hdr.data(), hdr.size())));
        EXPECT_TRUE(p.WaitClosed(3s));
        EXPECT_EQ(p.last_reject(), RejectReason::kMalformed);
        EXPECT_TRUE(WaitFor([&] { return a->host->IsBanned(IdOf("oversize-sender")); }, 3s));
    }
    {
        // Bad checksum.
        RawPeer p(a->host->listen_port());
        ASSERT_EQ(p.Handshake("checksum-sender"), RejectReason::kNone);
        auto f = EncodeFrame(p.magic(), ToWire(MessageType::kTx), Item(5));
        f.back() ^= 0x10;
        ASSERT_TRUE(p.SendAll(f));
        EXPECT_TRUE(p.WaitClosed(3s));
        EXPECT_TRUE(WaitFor([&] { return a->host->IsBanned(IdOf("checksum-sender")); }, 3s));
    }
    {
        // A Peers list of MAX + 1 entries is malformed (50 points): twice is a ban.
        RawPeer p(a->host->listen_port());
        ASSERT_EQ(p.Handshake("pex-liar"), RejectReason::kNone);
        util::Bytes over = {0, static_cast<uint8_t>(kMaxPeersPerMessage + 1)};
        ASSERT_TRUE(p.SendFrame(MessageType::kPeers, over));
        ASSERT_TRUE(p.SendFrame(MessageType::kPeers, over));
        EXPECT_TRUE(p.WaitClosed(3s));
        EXPECT_TRUE(WaitFor([&] { return a->host->IsBanned(IdOf("pex-liar")); }, 3s));
    }
    // The node keeps serving others.
    RawPeer good(a->host->listen_port());
    EXPECT_EQ(good.Handshake("well-behaved"), RejectReason::kNone);
    ASSERT_TRUE(good.SendFrame(MessageType::kPing, EncodePing(99)));
    auto pong = good.Read(MessageType::kPong, 2s);
    ASSERT_TRUE(pong);
    EXPECT_EQ(*DecodePing(pong->payload), 99u);
    EXPECT_GE(a->host->Stats().banned, 4u);
}

TEST(NetP2P, UnknownTypesAreIgnoredNotBannedAtFirst) {
    auto a = TestNode::Make(FastOptions("tolerant"));
    ASSERT_TRUE(a);
    RawPeer p(a->host->listen_port());
    ASSERT_EQ(p.Handshake("newer-peer"), RejectReason::kNone);
    for (int i = 0; i < 5; ++i) ASSERT_TRUE(p.SendFrame(uint16_t{900}, Item(i)));
    ASSERT_TRUE(p.SendFrame(MessageType::kPing, EncodePing(5)));
    EXPECT_TRUE(p.Read(MessageType::kPong, 2s));
    EXPECT_TRUE(a->HasPeer(IdOf("newer-peer")));
    EXPECT_FALSE(a->host->IsBanned(IdOf("newer-peer")));
    int score = -1;
    for (const auto& pi : a->host->Peers()) {
        if (pi.id == IdOf("newer-peer")) score = pi.score;
    }
    EXPECT_EQ(score, 5 * PenaltyPoints(Misbehaviour::kUnknownType));
}

TEST(NetP2P, FloodingPeerBannedWhileHonestPingAnsweredWithin2s) {
    auto o = FastOptions("flood-victim");
    o.max_frame_payload = 1 << 20;
    o.recv_bytes_per_sec = 4.0 * (1 << 20);
    o.recv_bytes_burst = 8.0 * (1 << 20);
    o.recv_msgs_per_sec = 2000;
    o.recv_msgs_burst = 4000;
    auto a = TestNode::Make(std::move(o));
    ASSERT_TRUE(a);

    RawPeer honest(a->host->listen_port());
    ASSERT_EQ(honest.Handshake("honest"), RejectReason::kNone);
    RawPeer flooder(a->host->listen_port());
    ASSERT_EQ(flooder.Handshake("flooder"), RejectReason::kNone);
    ASSERT_TRUE(WaitFor([&] { return a->PeerCount() == 2; }, 3s));

    // Maximum-size junk frames of an unknown type (Bitcoin's
    // test_resource_exhaustion), as fast as the socket takes them.
    std::atomic<bool> stop{false};
    std::atomic<uint64_t> sent_bytes{0};
    std::thread flood([&] {
        const util::Bytes junk = EncodeFrame(flooder.magic(), 777, util::Bytes(1 << 20, 'b'));
        const auto deadline = Clock::now() + 20s;
        while (!stop && Clock::now() < deadline) {
            if (!flooder.SendAll(junk, 500ms)) {
                if (flooder.closed()) break;
                continue;
            }
            sent_bytes += junk.size();
        }
    });
    std::vector<double> rtts_ms;
    for (int i = 0; i < 20 && !a->host->IsBanned(IdOf("flooder")); ++i) {
        const auto t0 = Clock::now();
        ASSERT_TRUE(honest.SendFrame(MessageType::kPing, EncodePing(static_cast<uint64_t>(i))));
        auto pong = honest.Read(MessageType::kPong, 2s);
        ASSERT_TRUE(pong) << "ping " << i << " not answered within 2 s during the flood";
        EXPECT_EQ(*DecodePing(pong->payload), static_cast<uint64_t>(i));
        rtts_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
        std::this_thread::sleep_for(100ms);
    }
    EXPECT_TRUE(WaitFor([&] { return a->host->IsBanned(IdOf("flooder")); }, 15s));
    stop = true;
    flood.join();
    EXPECT_FALSE(a->HasPeer(IdOf("flooder")));
    EXPECT_TRUE(a->HasPeer(IdOf("honest")));
    EXPECT_FALSE(a->host->IsBanned(IdOf("honest")));
    // And after the flood too.
    ASSERT_TRUE(honest.SendFrame(MessageType::kPing, EncodePing(1000)));
    EXPECT_TRUE(honest.Read(MessageType::kPong, 2s));
    double worst = 0;
    for (double r : rtts_ms) worst = std::max(worst, r);
    std::printf("flood: %.1f MiB sent by the flooder, %zu pings, worst RTT %.1f ms\n",
                static_cast<double>(sent_bytes.load()) / (1 << 20), rtts_ms.size(), worst);
}

TEST(NetP2P, MessageRateFloodOfTinyFramesIsThrottledAndBanned) {
    auto o = FastOptions("tiny-victim");
    o.recv_msgs_per_sec = 2000;
    o.recv_msgs_burst = 1000;
    auto a = TestNode::Make(std::move(o));
    ASSERT_TRUE(a);
    RawPeer p(a->host->listen_port());
    ASSERT_EQ(p.Handshake("tiny-flooder"), RejectReason::kNone);
    util::Bytes burst;
    for (int i = 0; i < 2000; ++i) {
        auto f = EncodeFrame(p.magic(), ToWire(MessageType::kPing),
                             EncodePing(static_cast<uint64_t>(i)));
        burst.insert(burst.end(), f.begin(), f.end());
    }
    const auto deadline = Clock::now() + 15s;
    while (!a->host->IsBanned(IdOf("tiny-flooder")) && Clock::now() < deadline) {
        if (!p.SendAll(burst, 500ms) && p.closed()) break;
        p.Read(MessageType::kReject, 1ms);  // drain pongs
    }
    EXPECT_TRUE(a->host->IsBanned(IdOf("tiny-flooder")));
}

TEST(NetP2P, PenalizeFromTheNodeBansAndBlocksReconnect) {
    auto a = TestNode::Make(FastOptions("judge"));
    ASSERT_TRUE(a);
    auto o = FastOptions("cheater");
    o.seeds = {a->Addr()};
    auto b = TestNode::Make(std::move(o));
    ASSERT_TRUE(b);
    ASSERT_TRUE(WaitFor([&] { return a->HasPeer(b->host->id()); }, 5s));
    a->host->Penalize(b->host->id(), Misbehaviour::kInvalidMessage, "bad tx");
    std::this_thread::sleep_for(100ms);
    EXPECT_TRUE(a->HasPeer(b->host->id())) << "one invalid message is not a ban";
    a->host->Penalize(b->host->id(), Misbehaviour::kInvalidSignature, "forged microblock");
    ASSERT_TRUE(WaitFor([&] { return !a->HasPeer(b->host->id()); }, 3s));
    EXPECT_TRUE(a->host->IsBanned(b->host->id()));
    // The callback runs just after the peer table changes (no lock held).
    ASSERT_TRUE(WaitFor(
        [&] {
            std::lock_guard lk(a->mu);
            return !a->disconnects.empty();
        },
        2s));
    {
        std::lock_guard lk(a->mu);
        EXPECT_EQ(a->disconnects.back(), b->host->id());
    }
    // b keeps redialing its seed with backoff, and is refused every time.
    std::this_thread::sleep_for(1s);
    EXPECT_FALSE(a->HasPeer(b->host->id()));
    // Refused at its Hello, b never even believes it is connected.
    EXPECT_FALSE(b->HasPeer(a->host->id()));
    EXPECT_GT(b->host->Stats().dialed, 1u);
}

TEST(NetP2P, CrossedDialsLeaveExactlyOneConnection) {
    auto oa = FastOptions("cross-a");
    auto ob = FastOptions("cross-b");
    auto ha = Host::Make(oa);
    auto hb = Host::Make(ob);
    ASSERT_TRUE(ha.ok() && hb.ok());
    const uint16_t pa = (*ha)->listen_port(), pb = (*hb)->listen_port();
    (*ha)->AddAddress(Endpoint{"127.0.0.1", pb});
    (*hb)->AddAddress(Endpoint{"127.0.0.1", pa});
    (*ha)->Start();
    (*hb)->Start();
    ASSERT_TRUE(
        WaitFor([&] { return (*ha)->Peers().size() == 1 && (*hb)->Peers().size() == 1; }, 5s));
    std::this_thread::sleep_for(500ms);
    auto pa_list = (*ha)->Peers();
    auto pb_list = (*hb)->Peers();
    ASSERT_EQ(pa_list.size(), 1u);
    ASSERT_EQ(pb_list.size(), 1u);
    // Both ends agree on which connection survived.
    EXPECT_NE(pa_list[0].direction, pb_list[0].direction);
    EXPECT_EQ(pa_list[0].id, (*hb)->id());
}

// A message prepared once is queued for several peers (one shared frame,
// docs/benchmarks.md "CPU per transaction, part 2") and each receives it once
// with the payload intact; a frame another host prepared (another magic
// could be in its header) and net-internal or oversized payloads are refused.
TEST(NetP2P, PreparedMessageReachesEveryPeerItIsSentTo) {
    auto hub = TestNode::Make(FastOptions("prep-hub"));
    ASSERT_TRUE(hub);
    std::vector<std::unique_ptr<TestNode>> spokes;
    for (int i = 0; i < 2; ++i) {
        auto o = FastOptions("prep-spoke-" + std::to_string(i));
        o.seeds = {hub->Addr()};
        spokes.push_back(TestNode::Make(std::move(o)));
        ASSERT_TRUE(spokes.back());
    }
    ASSERT_TRUE(WaitFor([&] { return hub->PeerCount() == 2; }, 10s));

    const util::Bytes payload = Item(7, 300);
    const PreparedMessagePtr msg = hub->host->Prepare(ToWire(MessageType::kTx), payload);
    ASSERT_TRUE(msg);
    EXPECT_EQ(msg->message_type(), ToWire(MessageType::kTx));
    EXPECT_EQ(msg->payload_size(), payload.size());
    for (auto& s : spokes) {
        EXPECT_EQ(hub->host->SendPrepared(s->host->id(), msg), SendResult::kQueued);
    }
    EXPECT_TRUE(WaitFor(
        [&] { return spokes[0]->Count(payload) == 1 && spokes[1]->Count(payload) == 1; }, 5s));
    EXPECT_EQ(hub->host->SendPrepared(IdOf("prep-nobody"), msg), SendResult::kNoSuchPeer);

    // Negative controls.
    const PreparedMessagePtr foreign =
        spokes[0]->host->Prepare(ToWire(MessageType::kTx), Item(8, 300));
    ASSERT_TRUE(foreign);
    EXPECT_EQ(hub->host->SendPrepared(spokes[1]->host->id(), foreign),
              SendResult::kNotApplicationType);
    EXPECT_EQ(hub->host->SendPrepared(spokes[1]->host->id(), nullptr),
              SendResult::kNotApplicationType);
    EXPECT_FALSE(hub->host->Prepare(ToWire(MessageType::kPing), EncodePing(1)));
    EXPECT_FALSE(hub->host->Prepare(ToWire(MessageType::kTx), util::Bytes(300 * 1024)));
    std::this_thread::sleep_for(200ms);
    EXPECT_EQ(spokes[1]->Count(Item(8, 300)), 0);
    EXPECT_EQ(spokes[0]->Count(payload), 1);
}

TEST(NetP2P, ReconnectAfterPeerRestart) {
    auto ob = FastOptions("restarting");
    auto b = TestNode::Make(ob);
    ASSERT_TRUE(b);
    const uint16_t port = b->host->listen_port();
    auto oa = FastOptions("stayer");
    oa.seeds = {b->Addr()};
    auto a = TestNode::Make(std::move(oa));
    ASSERT_TRUE(a);
    ASSERT_TRUE(WaitFor([&] { return a->HasPeer(IdOf("restarting")); }, 5s));

    b.reset();  // stop: a sees it go and keeps redialing with backoff
    ASSERT_TRUE(WaitFor([&] { return a->PeerCount() == 0; }, 5s));
    std::this_thread::sleep_for(700ms);  // a few failed dials
    auto ob2 = FastOptions("restarting");
    ob2.listen_port = port;  // same key, same port, no seeds of its own
    auto b2 = TestNode::Make(std::move(ob2));
    ASSERT_TRUE(b2);
    EXPECT_TRUE(WaitFor(
        [&] { return a->HasPeer(IdOf("restarting")) && b2->HasPeer(IdOf("stayer")); }, 10s));
    EXPECT_TRUE(WaitFor(
        [&] {
            std::lock_guard lk(a->mu);
            return a->connects.size() == 2 && a->disconnects.size() == 1;
        },
        2s));
    std::lock_guard lk(a->mu);
    EXPECT_EQ(a->connects.size(), 2u);
    EXPECT_EQ(a->disconnects.size(), 1u);
}

TEST(NetP2P, SendQueueOverflowKeepsMemoryBounded) {
    auto o = FastOptions("sender");
    o.send_queue_low_bytes = 2u << 20;
    o.send_queue_high_bytes = 4u << 20;
    auto a = TestNode::Make(std::move(o));
    ASSERT_TRUE(a);
    RawPeer sink(a->host->listen_port());
    sink.SetRecvBuffer(64 * 1024);
    ASSERT_EQ(sink.Handshake("sink"), RejectReason::kNone);
    const NodeId sink_id = IdOf("sink");
    ASSERT_TRUE(WaitFor([&] { return a->HasPeer(sink_id); }, 3s));
    // The sink never reads again. Offer 256 MiB of tx gossip.
    const size_t rss0 = RssBytes();
    size_t queued = 0, dropped = 0;
    for (int i = 0; i < 2048; ++i) {
        auto r = a->host->Send(sink_id, ToWire(MessageType::kTx),
                               util::Bytes(128 * 1024, static_cast<uint8_t>(i)));
        if (r == SendResult::kQueued) ++queued;
        if (r == SendResult::kDroppedQueueFull) ++dropped;
    }
    const size_t rss1 = RssBytes();
    EXPECT_GT(dropped, 1800u);
    EXPECT_GT(queued, 0u);
    PeerInfo info;
    for (const auto& p : a->host->Peers()) {
        if (p.id == sink_id) info = p;
    }
    EXPECT_LE(info.queued_low_bytes, 2u << 20);
    EXPECT_EQ(info.dropped_out, dropped);
    EXPECT_LT(rss1, rss0 + (64u << 20)) << "rss grew from " << rss0 << " to " << rss1;
    std::printf("queue overflow: %zu queued, %zu dropped, RSS %+.1f MiB for 256 MiB offered\n",
                queued, dropped,
                (static_cast<double>(rss1) - static_cast<double>(rss0)) / (1 << 20));
    // Consensus traffic to a peer that does not read: the peer is dropped.
    bool disconnected = false;
    for (int i = 0; i < 1000 && !disconnected; ++i) {
        auto r = a->host->Send(sink_id, ToWire(MessageType::kVote),
                               util::Bytes(64 * 1024, static_cast<uint8_t>(i)));
        disconnected = r == SendResult::kDisconnected || r == SendResult::kNoSuchPeer;
    }
    EXPECT_TRUE(disconnected);
    EXPECT_TRUE(WaitFor([&] { return !a->HasPeer(sink_id); }, 3s));
    EXPECT_FALSE(a->host->IsBanned(sink_id)) << "slow is not malicious";
}

TEST(NetP2P, InboundSlotsAreLimited) {
    auto o = FastOptions("small-host");
    o.max_inbound = 1;
    auto a = TestNode::Make(std::move(o));
    ASSERT_TRUE(a);
    RawPeer first(a->host->listen_port());
    ASSERT_EQ(first.Handshake("first"), RejectReason::kNone);
    RawPeer second(a->host->listen_port());
    EXPECT_EQ(second.Handshake("second"), RejectReason::kTooManyPeers);
    EXPECT_TRUE(second.WaitClosed(3s));
    EXPECT_TRUE(a->HasPeer(IdOf("first")));
}

// One source address may hold at most max_inbound_per_ip inbound connections,
// so one host cannot take every inbound slot; another address still gets in.
// The negative control (cap off) admits the same flood.
size_t AdmittedFromOneAddress(size_t per_ip) {
    auto o = FastOptions("per-ip-host");
    o.max_inbound = 16;
    o.max_inbound_per_ip = per_ip;
    o.limit_loopback_ips = true;  // loopback is exempt by default
    auto a = TestNode::Make(std::move(o));
    EXPECT_TRUE(a);
    if (!a) return 0;
    std::vector<std::unique_ptr<RawPeer>> flood;
    size_t admitted = 0;
    for (int i = 0; i < 5; ++i) {
        flood.push_back(std::make_unique<RawPeer>(a->host->listen_port()));
        admitted += flood.back()->Handshake("flood" + std::to_string(i)) == RejectReason::kNone;
    }
    RawPeer other(a->host->listen_port(), kChain, "127.0.0.2");
    EXPECT_EQ(other.Handshake("other"), RejectReason::kNone);
    EXPECT_TRUE(WaitFor([&] { return a->HasPeer(IdOf("other")); }, 3s));
    EXPECT_EQ(a->host->Stats().rejected_per_ip, 5 - admitted);
    return admitted;
}

TEST(NetP2P, OneAddressHoldsAtMostItsShareOfInboundSlots) {
    EXPECT_EQ(AdmittedFromOneAddress(2), 2u);
}

TEST(NetP2P, WithoutThePerAddressCapOneAddressTakesMoreSlots) {
    EXPECT_EQ(AdmittedFromOneAddress(0), 5u);
}

TEST(NetP2P, IpBanRefusesNewConnectionsWhenEnabled) {
    auto o = FastOptions("ip-banner");
    o.ban_loopback_ips = true;  // loopback is exempt by default
    auto a = TestNode::Make(std::move(o));
    ASSERT_TRUE(a);
    {
        RawPeer p(a->host->listen_port());
        ASSERT_TRUE(p.SendAll(util::ToBytes("garbage before any handshake")));
        EXPECT_TRUE(p.WaitClosed(3s));
    }
    // Any new connection from the banned address is closed without a Hello.
    RawPeer q(a->host->listen_port());
    EXPECT_FALSE(q.Read(MessageType::kHello, 500ms).has_value());
    EXPECT_TRUE(q.WaitClosed(2s));
    EXPECT_GE(a->host->Stats().banned, 1u);
}
