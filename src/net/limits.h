// The small policy pieces of the transport, kept pure (time is passed in) so
// they are unit-tested without sockets: token buckets for inbound rate
// limits, exponential reconnect backoff, the ban list, misbehaviour points,
// and the bounded seen-caches used for gossip dedup (docs/p2p.md "Limits").
// Thread contract: value types, single-threaded; the transport guards them
// with its own lock.
#pragma once

#include <crypto/hash.h>
#include <net/handshake.h>

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <random>
#include <string>
#include <unordered_set>

namespace iost::net {

using SteadyTime = std::chrono::steady_clock::time_point;
using Millis = std::chrono::milliseconds;

// Refills `rate` tokens per second up to `burst`. Take() may drive the level
// negative (a 4 MiB frame is accounted even if it exceeds what is left); the
// debt is paid back by refilling before the peer is read again.
class TokenBucket {
  public:
    TokenBucket(double rate_per_sec, double burst, SteadyTime now)
        : m_rate(rate_per_sec), m_burst(burst), m_level(burst), m_last(now) {}
    // Takes `n` tokens; false when the level is now negative (over the limit).
    bool Take(double n, SteadyTime now);
    double Level(SteadyTime now);
    // Time until the level is back to >= 0 (zero if it already is).
    Millis TimeUntilPositive(SteadyTime now);

  private:
    void Refill(SteadyTime now);
    double m_rate;
    double m_burst;
    double m_level;
    SteadyTime m_last;
};

// Exponential backoff with +-20% jitter, bounded by `max`.
class Backoff {
  public:
    Backoff(Millis initial, Millis max, uint64_t seed)
        : m_initial(initial), m_max(max), m_rng(seed) {}
    // The delay before the next attempt after `failures` consecutive failures
    // (failures = 0: the initial delay).
    Millis Delay(int failures);

  private:
    Millis m_initial;
    Millis m_max;
    std::mt19937_64 m_rng;
};

// Why a peer loses points. The transport uses the first group itself; the
// node reports content it finds invalid after decoding with Host::Penalize.
enum class Misbehaviour : uint8_t {
    kBadFrame,           // bad magic or checksum: garbage on the wire
    kOversizedFrame,     // length above the cap
    kProtocolViolation,  // handshake broken, message before handshake, ...
    kMalformedMessage,   // a net-internal payload (Peers, Ping...) that does not parse or is over
                         // its list cap
    kUnknownType,        // a type this version does not know (small: could be a newer peer)
    kFlood,              // over its inbound rate limit
    kUnsolicited,        // e.g. a Pong nobody asked for
    // reported by the node:
    kInvalidMessage,    // an application payload that does not decode or is invalid
    kInvalidSignature,  // a forged or bad signature in content
    kUseless,           // stale or duplicate content beyond what honest gossip produces
};
int PenaltyPoints(Misbehaviour m);
const char* MisbehaviourName(Misbehaviour m);
// A score at or above this disconnects and bans the peer.
inline constexpr int kBanThreshold = 100;

// Bans by proven node key and by IP address, each until a deadline.
class BanList {
  public:
    void BanKey(const NodeId& id, SteadyTime until);
    void BanIp(const std::string& ip, SteadyTime until);
    bool IsKeyBanned(const NodeId& id, SteadyTime now) const;
    bool IsIpBanned(const std::string& ip, SteadyTime now) const;
    void Expire(SteadyTime now);
    size_t size() const { return m_keys.size() + m_ips.size(); }

  private:
    std::map<NodeId, SteadyTime> m_keys;
    std::map<std::string, SteadyTime> m_ips;
};

// A bounded FIFO set: inserting beyond `capacity` evicts the oldest entry.
// Memory is O(capacity) whatever the input.
template <typename K, typename Hash = std::hash<K>>
class BoundedSet {
  public:
    explicit BoundedSet(size_t capacity) : m_cap(capacity == 0 ? 1 : capacity) {}
    // True if `k` was new.
    bool Insert(const K& k) {
        if (!m_set.insert(k).second) return false;
        m_order.push_back(k);
        if (m_order.size() > m_cap) {
            m_set.erase(m_order.front());
            m_order.pop_front();
        }
        return true;
    }
    bool Contains(const K& k) const { return m_set.count(k) != 0; }
    size_t size() const { return m_set.size(); }
    size_t capacity() const { return m_cap; }

  private:
    size_t m_cap;
    std::unordered_set<K, Hash> m_set;
    std::deque<K> m_order;
};

// Gossip item key: the message type and the SHA3 of its payload.
struct GossipKey {
    uint16_t type = 0;
    crypto::Hash256 hash{};
    friend bool operator==(const GossipKey&, const GossipKey&) = default;
};
struct GossipKeyHash {
    size_t operator()(const GossipKey& k) const;
};
using SeenCache = BoundedSet<GossipKey, GossipKeyHash>;
// Per-peer "already has it" sets hold 64-bit digests of the key (1/4 of the
// memory); a false hit only means one peer is not sent an item it will get
// from another, and forging one needs a 2^64 second preimage.
uint64_t ShortKey(const GossipKey& k);
using KnownSet = BoundedSet<uint64_t>;

}  // namespace iost::net
