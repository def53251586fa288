// net::Host implementation over Boost.Asio (see peer_manager.h for the
// contract and docs/p2p.md for the protocol).
//
// Concurrency design: one io thread runs every socket operation and timer.
// m_mu guards all host state (connections, queues, address book, bans);
// io handlers hold it while they work and release it before running the
// node's callbacks, which they collect in m_pending. Public methods called
// from other threads take the lock, change state, and never touch a socket
// themselves: socket work (start a write, close) is posted to the io thread,
// because an Asio socket must not be used from two threads at once.
#include <net/frame.h>
#include <net/peer_manager.h>
#include <net/pex.h>
#include <sodium.h>
#include <util/clock.h>

#include <algorithm>
#include <array>
#include <boost/asio.hpp>
#include <deque>
#include <map>
#include <mutex>
#include <random>
#include <thread>

namespace iost::net {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using boost::system::error_code;

util::Result<Endpoint> ParseEndpoint(std::string_view text) {
    const size_t colon = text.rfind(':');
    if (colon == std::string_view::npos || colon + 1 >= text.size()) {
        return util::Err("endpoint '" + std::string(text.substr(0, 80)) + "' is not host:port");
    }
    std::string host(text.substr(0, colon));
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    if (host.empty()) return util::Err("endpoint has an empty host");
    uint32_t port = 0;
    for (char ch : text.substr(colon + 1)) {
        if (ch < '0' || ch > '9') return util::Err("endpoint port is not a number");
        port = port * 10 + static_cast<uint32_t>(ch - '0');
        if (port > 65535) return util::Err("endpoint port above 65535");
    }
    if (port == 0) return util::Err("endpoint port must not be 0");
    return Endpoint{std::move(host), static_cast<uint16_t>(port)};
}

namespace {

struct OutFrame final : PreparedMessage {
    FrameHeaderBytes header{};
    util::Bytes payload;
    uint16_t type = 0;
    crypto::Hash256 hash{};       // of the payload (the frame's checksum, the gossip key)
    const void* owner = nullptr;  // the Host that made it (Prepare)
    uint16_t message_type() const override { return type; }
    size_t payload_size() const override { return payload.size(); }
};
using OutFramePtr = std::shared_ptr<const OutFrame>;

OutFramePtr MakeOutFrame(const Magic& magic, uint16_t type, util::Bytes payload,
                         crypto::Hash256* hash_out = nullptr) {
    auto f = std::make_shared<OutFrame>();
    const crypto::Hash256 h = crypto::Sha3_256(payload);
    f->header = EncodeFrameHeader(magic, type, static_cast<uint32_t>(payload.size()), h);
    f->payload = std::move(payload);
    f->type = type;
    f->hash = h;
    if (hash_out) *hash_out = h;
    return f;
}

constexpr size_t kReadChunk = 64 * 1024;
constexpr size_t kMaxWriteBatchFrames = 64;
constexpr size_t kMaxWriteBatchBytes = 1 << 20;
constexpr auto kCloseLinger = std::chrono::seconds(1);

enum class ConnState : uint8_t { kConnecting, kHandshake, kActive, kClosing, kClosed };

struct Conn {
    Conn(asio::io_context& io, uint64_t serial_, Direction dir_, const Magic& magic,
         const HostOptions& o, SteadyTime now)
        : serial(serial_),
          sock(io),
          dir(dir_),
          out_magic(HandshakeMagic()),
          decoder(HandshakeMagic(), kMaxHandshakePayload),
          bytes_bucket(o.recv_bytes_per_sec, o.recv_bytes_burst, now),
          msgs_bucket(o.recv_msgs_per_sec, o.recv_msgs_burst, now),
          known(o.known_per_peer),
          created(now),
          last_recv(now),
          last_decay(now) {
        decoder.SwitchMagicAfter(ToWire(MessageType::kHelloProof), magic);
    }

    uint64_t serial;
    tcp::socket sock;
    std::optional<tcp::resolver> resolver;
    Direction dir;
    ConnState state = ConnState::kConnecting;
    std::string addr_key;  // outbound: its address book entry
    Endpoint remote;
    IpAddress remote_ip;
    bool ip_known = false;
    std::optional<Handshake> hs;
    NodeId id{};
    uint16_t listen_port = 0;
    bool was_active = false;
    RejectReason reject_received = RejectReason::kNone;

    Magic out_magic;  // handshake magic until our HelloProof is queued
    FrameDecoder decoder;
    std::array<uint8_t, kReadChunk> rbuf{};
    bool reading = false;
    bool read_paused = false;

    std::deque<OutFramePtr> q_high, q_low;
    size_t qh_bytes = 0, ql_bytes = 0;
    std::vector<OutFramePtr> inflight;
    std::vector<asio::const_buffer> wbufs;
    bool writing = false;
    bool kick_posted = false;
    bool close_posted = false;

    TokenBucket bytes_bucket;
    TokenBucket msgs_bucket;
    KnownSet known;
    int score = 0;

    SteadyTime created;
    SteadyTime last_recv;
    SteadyTime last_decay;
    SteadyTime close_deadline{};
    SteadyTime connected_since{};
    SteadyTime last_ping_sent{};
    SteadyTime last_peers_reply{};
    SteadyTime last_flood_penalty{};
    uint64_t ping_nonce = 0;
    bool ping_outstanding = false;
    std::optional<std::chrono::microseconds> rtt;

    uint64_t bytes_in = 0, bytes_out = 0, msgs_in = 0, msgs_out = 0, dropped_out = 0;
};
using ConnPtr = std::shared_ptr<Conn>;

struct AddrEntry {
    Endpoint ep;
    std::optional<NodeId> id;
    bool seed = false;
    bool self = false;  // dialing it reached ourselves
    bool connecting = false;
    int failures = 0;
    SteadyTime next_attempt{};
};

class HostImpl final : public Host {
  public:
    HostImpl(HostOptions opt)
        : m_opt(std::move(opt)),
          m_log(m_opt.logger.WithCategory("net")),
          m_peer_log(20, std::chrono::milliseconds(1000)),
          m_acceptor(m_io),
          m_tick(m_io),
          m_accept_retry(m_io),
          m_magic(MagicForChain(m_opt.chain_id)),
          m_bans(),
          m_seen(m_opt.seen_cache_size),
          m_backoff(m_opt.reconnect_initial, m_opt.reconnect_max, RandomU64()),
          m_rng(RandomU64()) {
        std::copy_n(m_opt.node_key.public_key().bytes.begin(), 32, m_id.begin());
    }

    ~HostImpl() override { Stop(); }

    util::Status Bind() {
        if (!m_opt.listen) return util::Ok();
        error_code ec;
        const auto addr = asio::ip::make_address(m_opt.listen_address, ec);
        if (ec) return util::Err("listen address '" + m_opt.listen_address + "': " + ec.message());
        const tcp::endpoint ep(addr, m_opt.listen_port);
        m_acceptor.open(ep.protocol(), ec);
        if (!ec) m_acceptor.set_option(asio::socket_base::reuse_address(true), ec);
        if (!ec) m_acceptor.bind(ep, ec);
        if (!ec) m_acceptor.listen(asio::socket_base::max_listen_connections, ec);
        if (ec) {
            return util::Err("cannot listen on " + m_opt.listen_address + ":" +
                             std::to_string(m_opt.listen_port) + ": " + ec.message());
        }
        m_port = m_acceptor.local_endpoint().port();
        return util::Ok();
    }

    void SetCallbacks(HostCallbacks callbacks) override {
        std::lock_guard lk(m_mu);
        IOST_ASSERT(!m_started, "SetCallbacks after Start");
        m_cb = std::move(callbacks);
    }

    void Start() override {
        {
            std::lock_guard lk(m_mu);
            if (m_started || m_stopped) return;
            m_started = true;
            const auto now = Now();
            for (const auto& s : m_opt.seeds) {
                AddrEntry e;
                e.ep = s;
                e.seed = true;
                e.next_attempt = now;
                m_book[s.ToString()] = e;
            }
        }
        m_log.Info("p2p node {} listening on {}:{} (chain {}), {} seed(s)", ShortId(m_id),
                   m_opt.listen_address, m_port, m_opt.chain_id, m_opt.seeds.size());
        asio::post(m_io, [this] {
            std::unique_lock lk(m_mu);
            if (m_opt.listen) Accept();
            Tick();
        });
        m_thread = std::thread([this] { m_io.run(); });
    }

    void Stop() override {
        IOST_ASSERT(!OnIoThread(), "Host::Stop called from a net callback");
        {
            std::lock_guard lk(m_mu);
            if (m_stopped) return;
            m_stopped = true;
        }
        if (m_thread.joinable()) {
            asio::post(m_io, [this] {
                std::lock_guard lk(m_mu);
                Shutdown();
                m_io.stop();
            });
            m_thread.join();
        } else {
            std::lock_guard lk(m_mu);
            Shutdown();
        }
    }

    const NodeId& id() const override { return m_id; }
    uint16_t listen_port() const override { return m_port; }

    SendResult Send(const NodeId& peer, uint16_t type, util::Bytes payload) override {
        if (!IsApplicationType(type)) return SendResult::kNotApplicationType;
        if (payload.size() > MaxPayloadFor(type, m_opt.max_frame_payload))
            return SendResult::kTooLarge;
        crypto::Hash256 h;
        auto frame = MakeOutFrame(m_magic, type, std::move(payload), &h);
        std::lock_guard lk(m_mu);
        auto it = m_active.find(peer);
        if (it == m_active.end()) return SendResult::kNoSuchPeer;
        if (IsGossipType(type)) it->second->known.Insert(ShortKey(GossipKey{type, h}));
        return Enqueue(it->second, frame);
    }

    PreparedMessagePtr Prepare(uint16_t type, util::Bytes payload) const override {
        if (!IsApplicationType(type)) return nullptr;
        if (payload.size() > MaxPayloadFor(type, m_opt.max_frame_payload)) return nullptr;
        auto f = std::make_shared<OutFrame>();
        f->hash = crypto::Sha3_256(payload);
        f->header =
            EncodeFrameHeader(m_magic, type, static_cast<uint32_t>(payload.size()), f->hash);
        f->payload = std::move(payload);
        f->type = type;
        f->owner = this;
        return f;
    }

    SendResult SendPrepared(const NodeId& peer, const PreparedMessagePtr& msg) override {
        const auto* of = dynamic_cast<const OutFrame*>(msg.get());
        // Another host's frame carries that host's magic: never sent here.
        if (!of || of->owner != this) return SendResult::kNotApplicationType;
        const OutFramePtr frame(msg, of);
        std::lock_guard lk(m_mu);
        auto it = m_active.find(peer);
        if (it == m_active.end()) return SendResult::kNoSuchPeer;
        if (IsGossipType(of->type))
            it->second->known.Insert(ShortKey(GossipKey{of->type, of->hash}));
        return Enqueue(it->second, frame);
    }

    size_t Broadcast(uint16_t type, util::Bytes payload,
                     const std::optional<NodeId>& except) override {
        if (!IsApplicationType(type)) return 0;
        if (payload.size() > MaxPayloadFor(type, m_opt.max_frame_payload)) return 0;
        crypto::Hash256 h;
        auto frame = MakeOutFrame(m_magic, type, std::move(payload), &h);
        const GossipKey key{type, h};
        const uint64_t sk = ShortKey(key);
        const bool gossip = IsGossipType(type);
        std::lock_guard lk(m_mu);
        if (gossip) m_seen.Insert(key);
        size_t n = 0;
        for (auto& [id, c] : m_active) {
            if (except && *except == id) continue;
            if (gossip && !c->known.Insert(sk)) continue;  // it has it already
            if (Enqueue(c, frame) == SendResult::kQueued) ++n;
        }
        return n;
    }

    void Penalize(const NodeId& peer, Misbehaviour why, std::string_view detail) override {
        std::string d(detail.substr(0, 200));
        asio::post(m_io, [this, peer, why, d] {
            std::unique_lock lk(m_mu);
            auto it = m_active.find(peer);
            // A copy: Misbehave may erase the map entry it came from.
            if (it != m_active.end()) Misbehave(ConnPtr(it->second), why, d);
            Flush(lk);
        });
    }

    void AddAddress(const Endpoint& ep) override {
        std::lock_guard lk(m_mu);
        AddLearned(ep, std::nullopt);
    }

    void Disconnect(const NodeId& peer) override {
        std::lock_guard lk(m_mu);
        auto it = m_active.find(peer);
        if (it != m_active.end()) PostClose(it->second);
    }

    std::vector<PeerInfo> Peers() const override {
        std::lock_guard lk(m_mu);
        std::vector<PeerInfo> out;
        out.reserve(m_active.size());
        for (const auto& [id, c] : m_active) {
            PeerInfo p;
            p.id = id;
            p.direction = c->dir;
            p.remote = c->remote;
            p.listen_port = c->listen_port;
            p.score = c->score;
            p.bytes_in = c->bytes_in;
            p.bytes_out = c->bytes_out;
            p.msgs_in = c->msgs_in;
            p.msgs_out = c->msgs_out;
            p.dropped_out = c->dropped_out;
            p.queued_high_bytes = c->qh_bytes;
            p.queued_low_bytes = c->ql_bytes;
            p.queued_high_msgs = c->q_high.size();
            p.queued_low_msgs = c->q_low.size();
            p.last_rtt = c->rtt;
            p.connected_since = c->connected_since;
            out.push_back(std::move(p));
        }
        return out;
    }

    bool IsBanned(const NodeId& peer) const override {
        std::lock_guard lk(m_mu);
        return m_bans.IsKeyBanned(peer, Now());
    }

    HostStats Stats() const override {
        std::lock_guard lk(m_mu);
        HostStats s = m_stats;
        s.address_book = m_book.size();
        s.ban_list = m_bans.size();
        s.pending_connections = m_conns.size() - m_active.size();
        s.log_suppressed = m_peer_log.suppressed();
        return s;
    }

  private:
    static uint64_t RandomU64() {
        uint64_t v = 0;
        randombytes_buf(&v, sizeof(v));
        return v;
    }
    static SteadyTime Now() { return std::chrono::steady_clock::now(); }
    bool OnIoThread() { return m_io.get_executor().running_in_this_thread(); }

    // Runs the callbacks collected while the lock was held, without it.
    void Flush(std::unique_lock<std::mutex>& lk) {
        if (m_pending.empty() || m_stopped) {
            m_pending.clear();
            return;
        }
        auto ev = std::move(m_pending);
        m_pending.clear();
        lk.unlock();
        for (auto& f : ev) f();
        lk.lock();
    }

    bool LogAllowed() { return m_peer_log.Allow(Now()); }

    // ---- accept / dial ---------------------------------------------------

    void Accept() {
        m_acceptor.async_accept([this](error_code ec, tcp::socket sock) {
            std::unique_lock lk(m_mu);
            if (m_stopped) return;
            if (ec == asio::error::operation_aborted) return;
            if (ec) {
                if (LogAllowed()) m_log.Warn("accept failed: {}", ec.message());
                // E.g. out of file descriptors: retry later instead of spinning.
                m_accept_retry.expires_after(std::chrono::milliseconds(100));
                m_accept_retry.async_wait([this](error_code tec) {
                    if (tec) return;
                    std::unique_lock relk(m_mu);
                    if (!m_stopped) Accept();
                });
                return;
            }
            OnAccepted(std::move(sock));
            Accept();
            Flush(lk);
        });
    }

    void OnAccepted(tcp::socket sock) {
        const auto now = Now();
        ++m_stats.accepted;
        auto c = std::make_shared<Conn>(m_io, ++m_serial, Direction::kInbound, m_magic, m_opt, now);
        c->sock = std::move(sock);
        if (!FillRemote(c)) {
            error_code ignored;
            c->sock.close(ignored);
            return;
        }
        if (IpBanned(c->remote_ip, now)) {
            // No handshake for a banned address: close at once.
            error_code ignored;
            c->sock.close(ignored);
            return;
        }
        m_conns[c->serial] = c;
        size_t inbound = 0, same_ip = 0;
        for (const auto& [s, x] : m_conns) {
            if (x->dir != Direction::kInbound) continue;
            ++inbound;
            same_ip += c->ip_known && x->ip_known && x->remote_ip == c->remote_ip;
        }
        if (inbound > m_opt.max_inbound) {
            c->state = ConnState::kHandshake;
            CloseConn(c, RejectReason::kTooManyPeers, "inbound slots full");
            return;
        }
        const bool limited = c->ip_known && (m_opt.limit_loopback_ips || !IsLoopback(c->remote_ip));
        if (limited && m_opt.max_inbound_per_ip != 0 && same_ip > m_opt.max_inbound_per_ip) {
            ++m_stats.rejected_per_ip;
            c->state = ConnState::kHandshake;
            CloseConn(c, RejectReason::kTooManyPeers, "too many connections from this address");
            return;
        }
        BeginHandshake(c);
    }

    bool FillRemote(const ConnPtr& c) {
        error_code ec;
        const auto ep = c->sock.remote_endpoint(ec);
        if (ec) return false;
        c->remote = Endpoint{ep.address().to_string(), ep.port()};
        auto ip = ParseIp(c->remote.host);
        if (ip) {
            c->remote_ip = *ip;
            c->ip_known = true;
        }
        c->sock.set_option(tcp::no_delay(true), ec);
        return true;
    }

    bool IpBanned(const IpAddress& ip, SteadyTime now) const {
        return m_bans.IsIpBanned(IpToString(ip), now);
    }

    void Dial(AddrEntry& e) {
        const auto now = Now();
        ++m_stats.dialed;
        auto c =
            std::make_shared<Conn>(m_io, ++m_serial, Direction::kOutbound, m_magic, m_opt, now);
        c->addr_key = e.ep.ToString();
        e.connecting = true;
        m_conns[c->serial] = c;
        error_code ec;
        const auto addr = asio::ip::make_address(e.ep.host, ec);
        if (!ec) {
            Connect(c, tcp::endpoint(addr, e.ep.port));
            return;
        }
        c->resolver.emplace(m_io);
        c->resolver->async_resolve(e.ep.host, std::to_string(e.ep.port),
                                   [this, c](error_code rec, tcp::resolver::results_type results) {
                                       std::unique_lock lk(m_mu);
                                       if (c->state == ConnState::kClosed || m_stopped) return;
                                       if (rec || results.empty()) {
                                           FinalClose(c);
                                       } else {
                                           Connect(c, *results.begin());
                                       }
                                       Flush(lk);
                                   });
    }

    void Connect(const ConnPtr& c, const tcp::endpoint& ep) {
        c->sock.async_connect(ep, [this, c](error_code ec) {
            std::unique_lock lk(m_mu);
            if (c->state == ConnState::kClosed || m_stopped) return;
            if (ec || !FillRemote(c)) {
                FinalClose(c);
            } else {
                BeginHandshake(c);
            }
            Flush(lk);
        });
    }

    // ---- handshake -------------------------------------------------------

    void BeginHandshake(const ConnPtr& c) {
        c->state = ConnState::kHandshake;
        c->created = Now();
        HandshakeConfig cfg;
        cfg.chain_id = m_opt.chain_id;
        cfg.genesis_hash = m_opt.genesis_hash;
        cfg.node_key = &m_opt.node_key;
        cfg.listen_port =
            m_opt.listen ? (m_opt.advertised_port ? m_opt.advertised_port : m_port) : 0;
        cfg.max_clock_skew_ns = m_opt.max_clock_skew_ns;
        Nonce nonce;
        randombytes_buf(nonce.data(), nonce.size());
        c->hs.emplace(cfg, nonce, util::SystemClock().Now());
        EnqueueInternal(c, MessageType::kHello, c->hs->HelloPayload());
        StartRead(c);
    }

    void OnHandshakeFrame(const ConnPtr& c, Frame& f) {
        switch (static_cast<MessageType>(f.type)) {
            case MessageType::kHello: {
                auto proof = c->hs->OnHello(f.payload, util::SystemClock().Now());
                if (!proof) {
                    HandshakeFailed(c, proof.error());
                    return;
                }
                // Refusing a banned key as soon as it is claimed is safe
                // (whoever claims it, proven or not, is refused; nobody gets
                // banned by it) and spares the banned peer a moment of
                // believing it is connected.
                if (m_bans.IsKeyBanned(c->hs->peer().node_key, Now())) {
                    CloseConn(c, RejectReason::kBanned, "");
                    return;
                }
                EnqueueInternal(c, MessageType::kHelloProof, std::move(*proof));
                c->out_magic = m_magic;  // every later frame is chain traffic
                return;
            }
            case MessageType::kHelloProof: {
                auto ok = c->hs->OnProof(f.payload);
                if (!ok) {
                    HandshakeFailed(c, ok.error());
                    return;
                }
                Established(c);
                return;
            }
            case MessageType::kReject:
                OnReject(c, f);
                return;
            default:
                HandshakeFailed(c, RejectReason::kProtocolViolation);
                return;
        }
    }

    void HandshakeFailed(const ConnPtr& c, RejectReason r) {
        ++m_stats.handshakes_failed;
        if (LogAllowed()) {
            m_log.Info("handshake with {} failed: {}", c->remote.ToString(), RejectReasonName(r));
        }
        AddrEntry* e = BookEntry(c);
        if (e) ApplyReject(*e, r);
        switch (r) {
            case RejectReason::kBadProof:
            case RejectReason::kProtocolViolation:
            case RejectReason::kMalformed:
                // Deliberate or broken: the key is unproven, so only the
                // address can be punished.
                Misbehave(c, Misbehaviour::kProtocolViolation, RejectReasonName(r), r);
                return;
            default:
                CloseConn(c, r, RejectReasonName(r));
                return;
        }
    }

    void ApplyReject(AddrEntry& e, RejectReason r) {
        switch (r) {
            case RejectReason::kSelfConnection:
                e.self = true;
                break;
            case RejectReason::kWrongChain:
            case RejectReason::kWrongGenesis:
            case RejectReason::kBadVersion:
                // Not our network: try again rarely (a seed may be upgraded).
                e.failures = std::max(e.failures, m_opt.max_dial_failures);
                break;
            default:
                break;
        }
    }

    void OnReject(const ConnPtr& c, const Frame& f) {
        auto r = DecodeReject(f.payload);
        const RejectReason reason = r ? r->reason : RejectReason::kMalformed;
        c->reject_received = reason;
        if (LogAllowed()) {
            m_log.Info("peer {} rejected us: {} {}", c->remote.ToString(), RejectReasonName(reason),
                       r ? r->text : std::string());
        }
        AddrEntry* e = BookEntry(c);
        if (e) ApplyReject(*e, reason);
        FinalClose(c);
    }

    void Established(const ConnPtr& c) {
        const auto now = Now();
        const Hello& h = c->hs->peer();
        c->id = h.node_key;
        c->listen_port = h.listen_port;
        ++m_stats.handshakes_ok;
        if (m_bans.IsKeyBanned(c->id, now)) {
            CloseConn(c, RejectReason::kBanned, "");
            return;
        }
        auto it = m_active.find(c->id);
        if (it != m_active.end()) {
            const ConnPtr old = it->second;
            if (ResolveDuplicate(m_id, c->id, old->dir, c->dir) == KeepConnection::kExisting) {
                CloseConn(c, RejectReason::kDuplicate, "");
                return;
            }
            CloseConn(old, RejectReason::kDuplicate, "");
        }
        c->state = ConnState::kActive;
        c->was_active = true;
        c->connected_since = now;
        c->last_ping_sent = now;
        c->decoder.SetMaxPayload(m_opt.max_frame_payload);
        m_active[c->id] = c;
        if (AddrEntry* e = BookEntry(c)) {
            e->id = c->id;
            e->failures = 0;
        }
        if (c->dir == Direction::kInbound && c->listen_port != 0 && c->ip_known) {
            AddLearned(Endpoint{IpToString(c->remote_ip), c->listen_port}, c->id);
        }
        m_log.Debug("peer {} connected ({} {})", ShortId(c->id),
                    c->dir == Direction::kOutbound ? "outbound" : "inbound", c->remote.ToString());
        // Ask every new peer for addresses once; later asks come from Tick.
        EnqueueInternal(c, MessageType::kGetPeers, {});
        if (m_cb.on_connected) {
            const NodeId id = c->id;
            m_pending.push_back([cb = m_cb.on_connected, id] { cb(id); });
        }
    }

    // ---- reading ---------------------------------------------------------

    void StartRead(const ConnPtr& c) {
        if (c->reading || c->read_paused) return;
        if (c->state != ConnState::kHandshake && c->state != ConnState::kActive) return;
        c->reading = true;
        c->sock.async_read_some(asio::buffer(c->rbuf), [this, c](error_code ec, size_t n) {
            std::unique_lock lk(m_mu);
            c->reading = false;
            if (m_stopped || c->state == ConnState::kClosed) return;
            OnRead(c, ec, n);
            Flush(lk);
        });
    }

    void OnRead(const ConnPtr& c, error_code ec, size_t n) {
        if (c->state == ConnState::kClosing) return;  // draining our Reject; ignore input
        if (ec) {
            if (ec != asio::error::eof && ec != asio::error::operation_aborted && LogAllowed()) {
                m_log.Debug("read from {}: {}", c->remote.ToString(), ec.message());
            }
            FinalClose(c);
            return;
        }
        const auto now = Now();
        c->last_recv = now;
        c->bytes_in += n;
        std::vector<Frame> frames;
        auto fed = c->decoder.Feed(util::ByteView(c->rbuf.data(), n), &frames);
        for (auto& f : frames) {
            if (c->state != ConnState::kHandshake && c->state != ConnState::kActive) return;
            ++c->msgs_in;
            if (c->state == ConnState::kHandshake) {
                OnHandshakeFrame(c, f);
            } else {
                OnActiveFrame(c, f);
            }
        }
        if (c->state != ConnState::kHandshake && c->state != ConnState::kActive) return;
        if (!fed) {
            ++m_stats.frames_bad;
            const FrameError e = fed.error();
            const std::string detail = std::string(FrameErrorName(e)) + " (type " +
                                       std::to_string(c->decoder.last_type()) + ", length " +
                                       std::to_string(c->decoder.last_length()) + ")";
            // A broken stream cannot be resynchronized: this is final
            // whatever the score (the score decides the ban).
            Misbehave(c,
                      e == FrameError::kTooLarge ? Misbehaviour::kOversizedFrame
                                                 : Misbehaviour::kBadFrame,
                      detail, RejectReason::kMalformed);
            if (c->state == ConnState::kHandshake || c->state == ConnState::kActive) {
                CloseConn(c, RejectReason::kMalformed, detail);
            }
            return;
        }
        const bool bytes_ok = c->bytes_bucket.Take(static_cast<double>(n), now);
        const bool msgs_ok = c->msgs_bucket.Take(static_cast<double>(frames.size()), now);
        if (!bytes_ok || !msgs_ok) {
            // Points at most once a second: a sustained flood reaches the
            // ban threshold in a few seconds, a short burst only costs a pause.
            if (now - c->last_flood_penalty >= std::chrono::seconds(1)) {
                c->last_flood_penalty = now;
                Misbehave(c, Misbehaviour::kFlood, bytes_ok ? "message rate" : "byte rate");
            }
            if (c->state != ConnState::kHandshake && c->state != ConnState::kActive) return;
            // Stop reading until the buckets refill: TCP pushes back on the
            // sender and our thread stays free for the other peers.
            c->read_paused = true;
            return;
        }
        StartRead(c);
    }

    void OnActiveFrame(const ConnPtr& c, Frame& f) {
        const uint16_t type = f.type;
        if (IsApplicationType(type)) {
            if (IsGossipType(type)) {
                const GossipKey key{type, f.payload_hash};
                c->known.Insert(ShortKey(key));
                if (!m_seen.Insert(key)) {
                    ++m_stats.gossip_duplicates;
                    return;
                }
            }
            if (m_cb.on_message) {
                m_pending.push_back(
                    [cb = m_cb.on_message, id = c->id, type, p = std::move(f.payload)]() mutable {
                        cb(id, type, std::move(p));
                    });
            }
            return;
        }
        switch (static_cast<MessageType>(type)) {
            case MessageType::kPing: {
                auto nonce = DecodePing(f.payload);
                if (!nonce) {
                    Misbehave(c, Misbehaviour::kMalformedMessage, nonce.error().message);
                    return;
                }
                EnqueueInternal(c, MessageType::kPong, EncodePing(*nonce));
                return;
            }
            case MessageType::kPong: {
                auto nonce = DecodePing(f.payload);
                if (!nonce) {
                    Misbehave(c, Misbehaviour::kMalformedMessage, nonce.error().message);
                } else if (!c->ping_outstanding || *nonce != c->ping_nonce) {
                    Misbehave(c, Misbehaviour::kUnsolicited, "pong");
                } else {
                    c->ping_outstanding = false;
                    c->rtt = std::chrono::duration_cast<std::chrono::microseconds>(
                        Now() - c->last_ping_sent);
                }
                return;
            }
            case MessageType::kGetPeers:
                OnGetPeers(c);
                return;
            case MessageType::kPeers: {
                auto peers = DecodePeers(f.payload);
                if (!peers) {
                    Misbehave(c, Misbehaviour::kMalformedMessage, peers.error().message);
                    return;
                }
                for (const auto& p : *peers) {
                    if (p.id == m_id) continue;
                    AddLearned(Endpoint{IpToString(p.ip), p.port}, p.id);
                }
                return;
            }
            case MessageType::kReject:
                OnReject(c, f);
                return;
            case MessageType::kHello:
            case MessageType::kHelloProof:
                Misbehave(c, Misbehaviour::kProtocolViolation, "handshake message after handshake");
                return;
            default:
                Misbehave(c, Misbehaviour::kUnknownType, "type " + std::to_string(type));
                return;
        }
    }

    void OnGetPeers(const ConnPtr& c) {
        const auto now = Now();
        if (now - c->last_peers_reply < m_opt.peer_exchange_min_reply)
            return;  // not an error, just not now
        c->last_peers_reply = now;
        std::vector<PeerAddress> list;
        for (const auto& [id, p] : m_active) {
            if (p == c || p->listen_port == 0 || !p->ip_known) continue;
            list.push_back(PeerAddress{id, p->remote_ip, p->listen_port});
        }
        std::shuffle(list.begin(), list.end(), m_rng);
        if (list.size() > kMaxPeersPerMessage) list.resize(kMaxPeersPerMessage);
        EnqueueInternal(c, MessageType::kPeers, EncodePeers(list));
    }

    // ---- scoring ---------------------------------------------------------

    void Misbehave(ConnPtr c, Misbehaviour why, const std::string& detail,
                   RejectReason reason = RejectReason::kMisbehaviour) {
        if (c->state == ConnState::kClosed || c->state == ConnState::kClosing) return;
        c->score += PenaltyPoints(why);
        const bool proven = c->state == ConnState::kActive;
        if (LogAllowed()) {
            m_log.Warn("peer {} ({}) misbehaved: {} {} (score {})",
                       proven ? ShortId(c->id) : std::string("unauthenticated"),
                       c->remote.ToString(), MisbehaviourName(why), detail, c->score);
        }
        if (c->score < kBanThreshold) return;
        const auto until = Now() + m_opt.ban_duration;
        ++m_stats.banned;
        // Only a proven key is banned: an unauthenticated peer could claim
        // anyone's key.
        if (proven) m_bans.BanKey(c->id, until);
        if (c->ip_known && (m_opt.ban_loopback_ips || !IsLoopback(c->remote_ip))) {
            m_bans.BanIp(IpToString(c->remote_ip), until);
        }
        CloseConn(c, reason == RejectReason::kNone ? RejectReason::kMisbehaviour : reason,
                  MisbehaviourName(why));
    }

    // ---- writing ---------------------------------------------------------

    // Queues a net-internal message (bypasses the application caps: these
    // are small and few, and a Reject must get out even on a full queue).
    void EnqueueInternal(const ConnPtr& c, MessageType t, util::Bytes payload) {
        if (c->state == ConnState::kClosed) return;
        // A peer that pings without reading its pongs must not grow our
        // queue: beyond the caps, internal replies are dropped (a Reject is
        // the only exception; CloseConn empties the queue before it).
        if (t != MessageType::kReject &&
            (c->q_high.size() >= m_opt.send_queue_max_messages ||
             c->qh_bytes + payload.size() > m_opt.send_queue_high_bytes)) {
            return;
        }
        auto f = MakeOutFrame(c->out_magic, ToWire(t), std::move(payload));
        c->qh_bytes += f->payload.size();
        c->q_high.push_back(std::move(f));
        KickWrite(c);
    }

    SendResult Enqueue(const ConnPtr& c, const OutFramePtr& f) {
        if (c->state != ConnState::kActive || c->close_posted) return SendResult::kNoSuchPeer;
        const size_t sz = f->payload.size();
        if (PriorityOf(f->type) == Priority::kHigh) {
            if (c->qh_bytes + sz > m_opt.send_queue_high_bytes ||
                c->q_high.size() >= m_opt.send_queue_max_messages) {
                if (LogAllowed()) {
                    m_log.Warn("peer {} too slow: consensus queue full ({} bytes), disconnecting",
                               ShortId(c->id), c->qh_bytes);
                }
                PostClose(c);
                return SendResult::kDisconnected;
            }
            c->qh_bytes += sz;
            c->q_high.push_back(f);
        } else {
            if (c->ql_bytes + sz > m_opt.send_queue_low_bytes ||
                c->q_low.size() >= m_opt.send_queue_max_messages) {
                ++c->dropped_out;
                return SendResult::kDroppedQueueFull;
            }
            c->ql_bytes += sz;
            c->q_low.push_back(f);
        }
        KickWrite(c);
        return SendResult::kQueued;
    }

    void KickWrite(const ConnPtr& c) {
        if (OnIoThread()) {
            MaybeWrite(c);
            return;
        }
        if (c->kick_posted) return;
        c->kick_posted = true;
        asio::post(m_io, [this, c] {
            std::unique_lock lk(m_mu);
            c->kick_posted = false;
            if (m_stopped) return;
            MaybeWrite(c);
            Flush(lk);
        });
    }

    void PostClose(const ConnPtr& c) {
        if (c->close_posted) return;
        c->close_posted = true;
        asio::post(m_io, [this, c] {
            std::unique_lock lk(m_mu);
            if (m_stopped) return;
            FinalClose(c);
            Flush(lk);
        });
    }

    void MaybeWrite(const ConnPtr& c) {
        if (c->writing || c->state == ConnState::kClosed || c->state == ConnState::kConnecting)
            return;
        c->inflight.clear();
        c->wbufs.clear();
        size_t bytes = 0;
        auto take = [&](std::deque<OutFramePtr>& q, size_t& qbytes) {
            while (!q.empty() && c->inflight.size() < kMaxWriteBatchFrames &&
                   bytes < kMaxWriteBatchBytes) {
                OutFramePtr f = std::move(q.front());
                q.pop_front();
                qbytes -= f->payload.size();
                bytes += kFrameHeaderSize + f->payload.size();
                c->wbufs.push_back(asio::buffer(f->header));
                if (!f->payload.empty()) c->wbufs.push_back(asio::buffer(f->payload));
                c->inflight.push_back(std::move(f));
            }
        };
        take(c->q_high, c->qh_bytes);
        take(c->q_low, c->ql_bytes);
        if (c->inflight.empty()) {
            if (c->state == ConnState::kClosing) FinalClose(c);
            return;
        }
        c->writing = true;
        asio::async_write(c->sock, c->wbufs, [this, c](error_code ec, size_t n) {
            std::unique_lock lk(m_mu);
            c->writing = false;
            if (m_stopped || c->state == ConnState::kClosed) return;
            c->bytes_out += n;
            c->msgs_out += c->inflight.size();
            c->inflight.clear();
            c->wbufs.clear();
            if (ec) {
                FinalClose(c);
            } else {
                MaybeWrite(c);
            }
            Flush(lk);
        });
    }

    // ---- closing ---------------------------------------------------------

    // Sends a Reject (when the connection got far enough to speak) and closes
    // once it is written, or after kCloseLinger.
    void CloseConn(ConnPtr c, RejectReason reason, std::string_view text) {
        if (c->state == ConnState::kClosed || c->state == ConnState::kClosing) return;
        if (c->state == ConnState::kConnecting || reason == RejectReason::kNone) {
            FinalClose(c);
            return;
        }
        // Drop whatever was queued: only the Reject goes out.
        c->q_high.clear();
        c->q_low.clear();
        c->qh_bytes = c->ql_bytes = 0;
        EnqueueInternal(c, MessageType::kReject, EncodeReject(reason, text));
        DetachActive(c);
        c->state = ConnState::kClosing;
        c->close_deadline = Now() + kCloseLinger;
        MaybeWrite(c);
    }

    // Removes `c` from the active map (firing on_disconnected) if it is there.
    void DetachActive(ConnPtr c) {
        if (!c->was_active) return;
        auto it = m_active.find(c->id);
        if (it == m_active.end() || it->second != c) return;
        m_active.erase(it);
        m_log.Debug("peer {} disconnected", ShortId(c->id));
        if (m_cb.on_disconnected) {
            m_pending.push_back([cb = m_cb.on_disconnected, id = c->id] { cb(id); });
        }
    }

    // By value (here and in CloseConn, DetachActive, Misbehave): the caller's
    // pointer may live in a map entry these functions erase.
    void FinalClose(ConnPtr c) {
        if (c->state == ConnState::kClosed) return;
        DetachActive(c);
        c->state = ConnState::kClosed;
        error_code ignored;
        c->sock.shutdown(tcp::socket::shutdown_both, ignored);
        c->sock.close(ignored);
        if (c->resolver) c->resolver->cancel();
        c->q_high.clear();
        c->q_low.clear();
        c->qh_bytes = c->ql_bytes = 0;
        m_conns.erase(c->serial);
        if (c->dir == Direction::kOutbound) {
            auto it = m_book.find(c->addr_key);
            if (it != m_book.end()) {
                AddrEntry& e = it->second;
                e.connecting = false;
                if (c->was_active) {
                    e.failures = 0;  // it worked: come back quickly
                } else {
                    ++e.failures;
                }
                e.next_attempt = Now() + m_backoff.Delay(std::max(0, e.failures));
                if (!e.seed && e.failures >= m_opt.max_dial_failures) m_book.erase(it);
            }
        }
    }

    void Shutdown() {
        error_code ignored;
        m_acceptor.close(ignored);
        m_tick.cancel();
        m_accept_retry.cancel();
        for (auto& [s, c] : m_conns) {
            c->state = ConnState::kClosed;
            c->sock.close(ignored);
            if (c->resolver) c->resolver->cancel();
        }
        m_conns.clear();
        m_active.clear();
        m_pending.clear();
    }

    // ---- address book ----------------------------------------------------

    AddrEntry* BookEntry(const ConnPtr& c) {
        if (c->dir != Direction::kOutbound) return nullptr;
        auto it = m_book.find(c->addr_key);
        return it == m_book.end() ? nullptr : &it->second;
    }

    void AddLearned(const Endpoint& ep, const std::optional<NodeId>& id) {
        if (ep.port == 0 || ep.host.empty()) return;
        if (id && *id == m_id) return;
        const std::string key = ep.ToString();
        auto it = m_book.find(key);
        if (it != m_book.end()) {
            if (id) it->second.id = id;
            return;
        }
        if (m_book.size() >= m_opt.max_address_book) {
            // Evict the learned entry that failed most (never a seed).
            auto victim = m_book.end();
            for (auto i = m_book.begin(); i != m_book.end(); ++i) {
                if (i->second.seed || i->second.connecting) continue;
                if (victim == m_book.end() || i->second.failures > victim->second.failures)
                    victim = i;
            }
            if (victim == m_book.end()) return;
            m_book.erase(victim);
        }
        AddrEntry e;
        e.ep = ep;
        e.id = id;
        e.next_attempt = Now();
        m_book.emplace(key, std::move(e));
    }

    // ---- periodic work ---------------------------------------------------

    void Tick() {
        if (m_stopped) return;
        const auto now = Now();
        m_bans.Expire(now);
        std::vector<ConnPtr> conns;
        conns.reserve(m_conns.size());
        for (auto& [s, c] : m_conns) conns.push_back(c);
        size_t outbound = 0;
        for (auto& c : conns) {
            if (c->dir == Direction::kOutbound) ++outbound;
            switch (c->state) {
                case ConnState::kConnecting:
                    if (now - c->created > m_opt.handshake_timeout) FinalClose(c);
                    break;
                case ConnState::kHandshake:
                    if (now - c->created > m_opt.handshake_timeout) {
                        ++m_stats.handshakes_failed;
                        CloseConn(c, RejectReason::kTimeout, "");
                    }
                    break;
                case ConnState::kClosing:
                    if (now > c->close_deadline) FinalClose(c);
                    break;
                case ConnState::kActive:
                    if (now - c->last_recv > m_opt.idle_timeout) {
                        if (LogAllowed()) m_log.Info("peer {} idle, disconnecting", ShortId(c->id));
                        FinalClose(c);
                        break;
                    }
                    if (!c->ping_outstanding && now - c->last_ping_sent >= m_opt.ping_interval) {
                        c->ping_nonce = m_rng();
                        c->ping_outstanding = true;
                        c->last_ping_sent = now;
                        EnqueueInternal(c, MessageType::kPing, EncodePing(c->ping_nonce));
                    }
                    break;
                case ConnState::kClosed:
                    break;
            }
            if (c->state == ConnState::kClosed) continue;
            while (c->score > 0 && now - c->last_decay >= m_opt.score_decay_interval) {
                --c->score;
                c->last_decay += m_opt.score_decay_interval;
            }
            if (c->score == 0) c->last_decay = now;
            if (c->read_paused && c->bytes_bucket.Level(now) >= 0 &&
                c->msgs_bucket.Level(now) >= 0) {
                c->read_paused = false;
                StartRead(c);
            }
        }
        DialMore(now, outbound);
        if (m_active.size() < m_opt.max_outbound + m_opt.max_inbound &&
            now - m_last_pex >= m_opt.peer_exchange_interval && !m_active.empty()) {
            m_last_pex = now;
            size_t outbound_active = 0;
            for (auto& [id, c] : m_active) outbound_active += c->dir == Direction::kOutbound;
            if (outbound_active < m_opt.max_outbound) {
                auto it = m_active.begin();
                std::advance(it, static_cast<std::ptrdiff_t>(m_rng() % m_active.size()));
                EnqueueInternal(it->second, MessageType::kGetPeers, {});
            }
        }
        m_tick.expires_after(m_opt.tick_interval);
        m_tick.async_wait([this](error_code ec) {
            if (ec) return;
            std::unique_lock lk(m_mu);
            if (m_stopped) return;
            Tick();
            Flush(lk);
        });
    }

    void DialMore(SteadyTime now, size_t outbound) {
        if (outbound >= m_opt.max_outbound) return;
        std::vector<std::string> candidates;
        for (auto& [key, e] : m_book) {
            if (e.connecting || e.self || now < e.next_attempt) continue;
            if (e.id && (*e.id == m_id || m_active.count(*e.id) || m_bans.IsKeyBanned(*e.id, now)))
                continue;
            if (m_opt.listen && e.ep.port == m_port && e.ep.host == m_opt.listen_address) {
                e.self = true;
                continue;
            }
            auto ip = ParseIp(e.ep.host);
            if (ip && IpBanned(*ip, now)) continue;
            candidates.push_back(key);
        }
        std::shuffle(candidates.begin(), candidates.end(), m_rng);
        for (const auto& key : candidates) {
            if (outbound >= m_opt.max_outbound) break;
            auto it = m_book.find(key);
            if (it == m_book.end()) continue;
            Dial(it->second);
            ++outbound;
        }
    }

    HostOptions m_opt;
    util::Logger m_log;
    util::RateLimit m_peer_log;
    HostCallbacks m_cb;

    // Declared before every object holding a socket or timer so that it is
    // destroyed after them.
    asio::io_context m_io;
    tcp::acceptor m_acceptor;
    asio::steady_timer m_tick;
    asio::steady_timer m_accept_retry;
    std::thread m_thread;

    mutable std::mutex m_mu;
    bool m_started = false;
    bool m_stopped = false;
    NodeId m_id{};
    Magic m_magic;
    uint16_t m_port = 0;
    uint64_t m_serial = 0;
    std::map<uint64_t, ConnPtr> m_conns;  // every live connection
    std::map<NodeId, ConnPtr> m_active;   // handshaken, by node key
    std::map<std::string, AddrEntry> m_book;
    BanList m_bans;
    SeenCache m_seen;
    Backoff m_backoff;
    std::mt19937_64 m_rng;
    SteadyTime m_last_pex{};
    HostStats m_stats;
    std::vector<std::function<void()>> m_pending;
};

}  // namespace

util::Result<std::unique_ptr<Host>> Host::Make(HostOptions options) {
    if (options.node_key.algorithm() != crypto::Algorithm::kEd25519) {
        return util::Err("p2p node key must be Ed25519");
    }
    if (options.max_frame_payload < kMaxHandshakePayload) {
        return util::Err("max_frame_payload must be at least " +
                         std::to_string(kMaxHandshakePayload));
    }
    if (options.max_outbound == 0 && options.seeds.size() > 0) {
        return util::Err("seeds given but max_outbound is 0");
    }
    if (options.recv_bytes_burst < options.max_frame_payload + kFrameHeaderSize) {
        return util::Err("recv_bytes_burst must hold at least one maximum-size frame");
    }
    if (options.recv_bytes_per_sec <= 0 || options.recv_msgs_per_sec <= 0 ||
        options.recv_msgs_burst < 1) {
        return util::Err("receive rate limits must be positive");
    }
    if (options.tick_interval.count() <= 0 || options.handshake_timeout.count() <= 0) {
        return util::Err("tick_interval and handshake_timeout must be positive");
    }
    if (options.reconnect_initial.count() <= 0 ||
        options.reconnect_max < options.reconnect_initial) {
        return util::Err("reconnect backoff: need 0 < reconnect_initial <= reconnect_max");
    }
    for (const auto& s : options.seeds) {
        if (s.port == 0 || s.host.empty())
            return util::Err("seed '" + s.ToString() + "' is not host:port");
    }
    auto host = std::make_unique<HostImpl>(std::move(options));
    IOST_TRY(host->Bind());
    return std::unique_ptr<Host>(std::move(host));
}

}  // namespace iost::net
