// net::Host: the node's P2P transport (docs/node.md, docs/p2p.md). It owns a
// Boost.Asio io_context on one thread of its own, listens, dials seeds and
// addresses learned by peer exchange (reconnecting with bounded exponential
// backoff), runs the handshake (handshake.h) on every connection, and then
// moves opaque typed payloads (message_types.h) between the node and its
// peers, within limits:
//  - inbound: frame caps (frame.h), per-peer token buckets on bytes and
//    messages (over the limit: the peer is not read until its bucket refills,
//    and loses points), misbehaviour scores with a threshold that disconnects
//    and bans the peer (by proven node key and by IP) for a while;
//  - outbound: per-peer bounded queues in two priority classes (consensus
//    before tx gossip; overflow drops tx gossip and disconnects a peer too
//    slow for consensus traffic);
//  - gossip dedup: a bounded seen-cache, so each gossiped item is delivered
//    to the node once and forwarded at most once to each peer;
//  - max inbound / outbound connection counts; rate-limited logging of
//    anything a peer can trigger.
// Asio stays out of this header (Make() factory + hidden implementation).
//
// Thread contract: every public method is thread-safe and non-blocking, and
// may be called from inside a callback. Callbacks (HostCallbacks) run on the
// net thread, one at a time, in arrival order, with no lock held; they must
// be quick: the node posts them to its own event loop. No callback runs
// after Stop() returns.
#pragma once

#include <crypto/hash.h>
#include <crypto/keys.h>
#include <net/handshake.h>
#include <net/limits.h>
#include <net/message_types.h>
#include <util/bytes.h>
#include <util/log.h>
#include <util/result.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace iost::net {

struct Endpoint {
    std::string host;  // IP literal (hostnames are resolved when dialed)
    uint16_t port = 0;
    std::string ToString() const { return host + ":" + std::to_string(port); }
    friend bool operator==(const Endpoint&, const Endpoint&) = default;
};
// "host:port" or "[v6]:port".
util::Result<Endpoint> ParseEndpoint(std::string_view text);

struct HostOptions {
    // Identity and chain: the handshake refuses peers that differ.
    uint32_t chain_id = 0;
    crypto::Hash256 genesis_hash{};
    crypto::KeyPair node_key = crypto::KeyPair::Generate(crypto::Algorithm::kEd25519);

    // Listening. Port 0 picks an ephemeral port (Host::listen_port()).
    bool listen = true;
    std::string listen_address = "127.0.0.1";
    uint16_t listen_port = 0;
    // Port announced to peers (0: use the bound port).
    uint16_t advertised_port = 0;
    std::vector<Endpoint> seeds;

    size_t max_inbound = 32;
    // Inbound connections one source address may hold (0: no such cap), so
    // one host cannot take every inbound slot. Loopback is exempt unless
    // limit_loopback_ips (every local test node shares 127.0.0.1 as source).
    size_t max_inbound_per_ip = 8;
    bool limit_loopback_ips = false;
    size_t max_outbound = 8;
    size_t max_address_book = 1024;

    uint32_t max_frame_payload = kDefaultMaxFramePayload;

    // Per-peer outbound queues (bytes of payload waiting, not counting the
    // one batch being written).
    size_t send_queue_high_bytes = 32u << 20;
    size_t send_queue_low_bytes = 8u << 20;
    size_t send_queue_max_messages = 20000;  // per class

    // Per-peer inbound rate limits (token buckets).
    double recv_bytes_per_sec = 16.0 * (1 << 20);
    double recv_bytes_burst = 32.0 * (1 << 20);
    double recv_msgs_per_sec = 10000;
    double recv_msgs_burst = 20000;

    // Misbehaviour: a score reaching kBanThreshold disconnects and bans.
    // Scores decay by one point per `score_decay_interval`.
    std::chrono::milliseconds ban_duration{std::chrono::minutes(10)};
    std::chrono::milliseconds score_decay_interval{std::chrono::seconds(10)};
    // Loopback addresses are never banned by IP (every local test node, and
    // every process behind a local proxy, shares them); the node key ban
    // still applies. Tests turn this on to exercise IP bans.
    bool ban_loopback_ips = false;

    std::chrono::milliseconds handshake_timeout{std::chrono::seconds(5)};
    std::chrono::milliseconds ping_interval{std::chrono::seconds(15)};
    // No frame at all for this long: the peer is dead, disconnect.
    std::chrono::milliseconds idle_timeout{std::chrono::seconds(60)};
    std::chrono::milliseconds reconnect_initial{std::chrono::milliseconds(500)};
    std::chrono::milliseconds reconnect_max{std::chrono::seconds(60)};
    // How often to ask an outbound peer for addresses while below max_outbound.
    std::chrono::milliseconds peer_exchange_interval{std::chrono::seconds(30)};
    // A peer's GetPeers is answered at most once per this interval.
    std::chrono::milliseconds peer_exchange_min_reply{std::chrono::seconds(1)};
    // Forget a learned (non-seed) address after this many failed dials in a row.
    int max_dial_failures = 8;
    int64_t max_clock_skew_ns = 600LL * 1'000'000'000;

    size_t seen_cache_size = 65536;
    size_t known_per_peer = 16384;

    std::chrono::milliseconds tick_interval{std::chrono::milliseconds(50)};
    util::Logger logger = util::Logger::Null();
};

// Callbacks into the node (see the thread contract above).
struct HostCallbacks {
    // An application message (Tx .. SyncResponse). Gossip types arrive once
    // per distinct payload, whichever peer sends them first.
    std::function<void(const NodeId& from, uint16_t type, util::Bytes payload)> on_message;
    std::function<void(const NodeId& peer)> on_connected;
    std::function<void(const NodeId& peer)> on_disconnected;
};

struct PeerInfo {
    NodeId id{};
    Direction direction = Direction::kInbound;
    Endpoint remote;           // the socket's remote address
    uint16_t listen_port = 0;  // what the peer announced
    int score = 0;
    uint64_t bytes_in = 0, bytes_out = 0;
    uint64_t msgs_in = 0, msgs_out = 0;
    uint64_t dropped_out = 0;  // tx-class messages dropped on a full queue
    size_t queued_high_bytes = 0, queued_low_bytes = 0;
    size_t queued_high_msgs = 0, queued_low_msgs = 0;
    std::optional<std::chrono::microseconds> last_rtt;
    std::chrono::steady_clock::time_point connected_since{};
};

struct HostStats {
    uint64_t accepted = 0, dialed = 0, handshakes_ok = 0, handshakes_failed = 0;
    uint64_t banned = 0, frames_bad = 0, gossip_duplicates = 0, log_suppressed = 0;
    uint64_t rejected_per_ip = 0;  // inbound refused over max_inbound_per_ip
    size_t address_book = 0, ban_list = 0, pending_connections = 0;
};

enum class SendResult : uint8_t {
    kQueued,
    kNoSuchPeer,
    kDroppedQueueFull,  // low class: dropped
    kDisconnected,      // high class overflow: the peer was dropped
    kTooLarge,          // payload above the type's cap
    kNotApplicationType,
};

// An application message framed once (header with its checksum, payload)
// by Host::Prepare: every SendPrepared of it queues the same buffer, so a
// message for several peers is not copied and hashed per peer
// (docs/benchmarks.md "CPU per transaction, part 2"). Immutable.
class PreparedMessage {
  public:
    virtual ~PreparedMessage() = default;
    virtual uint16_t message_type() const = 0;
    virtual size_t payload_size() const = 0;
};
using PreparedMessagePtr = std::shared_ptr<const PreparedMessage>;

class Host {
  public:
    // Validates the options and binds the listening socket (so the port is
    // known before Start and a busy port is an error here, not later).
    static util::Result<std::unique_ptr<Host>> Make(HostOptions options);
    virtual ~Host() = default;

    // Must be called before Start.
    virtual void SetCallbacks(HostCallbacks callbacks) = 0;
    // Starts the net thread: accepts, dials seeds.
    virtual void Start() = 0;
    // Closes every connection and joins the thread. Idempotent; also run by
    // the destructor.
    virtual void Stop() = 0;

    virtual const NodeId& id() const = 0;
    virtual uint16_t listen_port() const = 0;

    // Queues an application message for one peer.
    virtual SendResult Send(const NodeId& peer, uint16_t type, util::Bytes payload) = 0;
    // Frames `payload` once for SendPrepared; nullptr if `type` is not an
    // application type or the payload is above the type's cap.
    virtual PreparedMessagePtr Prepare(uint16_t type, util::Bytes payload) const = 0;
    // Send() of a prepared message: the peer's queue shares its buffer.
    // kNotApplicationType for nullptr or a message another host prepared.
    virtual SendResult SendPrepared(const NodeId& peer, const PreparedMessagePtr& msg) = 0;
    // Queues it for every connected peer except `except`; for gossip types,
    // skips peers already known to have the item and marks it seen (so an
    // echo is not delivered back to the node). Returns how many peers it was
    // queued for.
    virtual size_t Broadcast(uint16_t type, util::Bytes payload,
                             const std::optional<NodeId>& except = std::nullopt) = 0;
    // The node found this peer's content invalid.
    virtual void Penalize(const NodeId& peer, Misbehaviour why, std::string_view detail = {}) = 0;
    // Adds an address to dial (like a seed, but may be forgotten after
    // repeated failures).
    virtual void AddAddress(const Endpoint& ep) = 0;
    // Disconnects a peer (no ban).
    virtual void Disconnect(const NodeId& peer) = 0;

    virtual std::vector<PeerInfo> Peers() const = 0;
    virtual bool IsBanned(const NodeId& peer) const = 0;
    virtual HostStats Stats() const = 0;
};

}  // namespace iost::net
