// The P2P handshake (docs/p2p.md "Handshake"): pure logic, no sockets, so it
// is unit-tested without a network and reused by the transport.
//
//  1. Both sides send Hello{protocol version, chain id, genesis hash, node
//     public key (Ed25519), listen port, random nonce, time} right after
//     the TCP connection opens.
//  2. On the peer's Hello each side checks version, chain id, genesis hash,
//     key form, self-connection and clock skew; on success it signs
//     SHA3(domain || own nonce || peer nonce || own key || peer key ||
//     chain id || genesis) with its node key and sends the 64-byte signature
//     (HelloProof). That proves possession of the key for THIS session
//     (both fresh nonces are in it, so a recorded proof cannot be replayed).
//  3. On the peer's proof the handshake is complete.
// Any failure yields a typed RejectReason that the transport sends to the peer
// in a Reject message before it disconnects. A peer's key counts as proven
// only after step 3: bans by key apply only to proven keys, so an attacker
// cannot get an honest key banned by claiming it.
// Thread contract: value types and pure functions; a Handshake object is
// single-threaded.
#pragma once

#include <crypto/hash.h>
#include <crypto/keys.h>
#include <util/bytes.h>
#include <util/result.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string>

namespace iost::net {

inline constexpr uint16_t kProtocolVersion = 1;
inline constexpr size_t kHelloSize = 113;

using NodeId = std::array<uint8_t, 32>;  // the node's Ed25519 public key
using Nonce = std::array<uint8_t, 32>;
std::string ShortId(const NodeId& id);  // first 8 hex chars, for logs

struct Hello {
    uint16_t protocol_version = kProtocolVersion;
    uint32_t chain_id = 0;
    crypto::Hash256 genesis_hash{};
    NodeId node_key{};         // Ed25519 (algorithm byte 2 on the wire)
    uint16_t listen_port = 0;  // 0: does not accept connections
    Nonce nonce{};
    int64_t time_unix_ns = 0;
    friend bool operator==(const Hello&, const Hello&) = default;
};

// Wire ids: never renumber.
enum class RejectReason : uint16_t {
    kNone = 0,
    kMalformed = 1,           // a handshake message that does not parse
    kBadVersion = 2,          // incompatible protocol version
    kWrongChain = 3,          // different chain id
    kWrongGenesis = 4,        // same chain id, different genesis block
    kBadProof = 5,            // the signature does not prove the claimed key
    kSelfConnection = 6,      // we dialed ourselves
    kDuplicate = 7,           // another connection to this node is kept
    kBanned = 8,              // the peer is banned for a while
    kTooManyPeers = 9,        // no free connection slot
    kTimeout = 10,            // handshake took too long
    kProtocolViolation = 11,  // a non-handshake message before the handshake
    kClockSkew = 12,          // peer's clock too far from ours
    kBadKey = 13,             // node key is not a valid Ed25519 point
    kShuttingDown = 14,
    kMisbehaviour = 15,  // score above threshold (sent just before the ban)
};
const char* RejectReasonName(RejectReason r);

util::Bytes EncodeHello(const Hello& h);
util::Result<Hello, RejectReason> DecodeHello(util::ByteView payload);

// Reject payload: reason (u16 BE) | text length (u8) | text (<= 200 bytes).
inline constexpr size_t kMaxRejectText = 200;
util::Bytes EncodeReject(RejectReason r, std::string_view text);
struct RejectMessage {
    RejectReason reason = RejectReason::kNone;
    std::string text;
};
util::Result<RejectMessage, RejectReason> DecodeReject(util::ByteView payload);

// The 32-byte digest a side signs to prove its key (step 2).
crypto::Hash256 ProofDigest(const Hello& signer, const Hello& other);

struct HandshakeConfig {
    uint32_t chain_id = 0;
    crypto::Hash256 genesis_hash{};
    const crypto::KeyPair* node_key = nullptr;  // Ed25519; must outlive the Handshake
    uint16_t listen_port = 0;
    // |peer time - our time| above this is refused; 0 disables the check.
    int64_t max_clock_skew_ns = 600LL * 1'000'000'000;
};

class Handshake {
  public:
    Handshake(const HandshakeConfig& cfg, const Nonce& nonce, int64_t now_unix_ns);

    const Hello& ours() const { return m_ours; }
    util::Bytes HelloPayload() const { return EncodeHello(m_ours); }

    // The peer's Hello: on success returns our HelloProof payload to send.
    util::Result<util::Bytes, RejectReason> OnHello(util::ByteView payload, int64_t now_unix_ns);
    // The peer's HelloProof: success completes the handshake.
    util::Result<void, RejectReason> OnProof(util::ByteView payload);

    bool hello_received() const { return m_peer.has_value(); }
    bool complete() const { return m_complete; }
    // Valid once hello_received().
    const Hello& peer() const { return *m_peer; }

  private:
    HandshakeConfig m_cfg;
    Hello m_ours;
    std::optional<Hello> m_peer;
    bool m_complete = false;
};

// Two connections to one node (both sides dialed at once, or a reconnect
// while the old connection is half dead) are resolved the same way on both
// ends: keep the connection dialed by the node with the smaller key; if both
// were dialed by the same node, it dialed again because it considers the old
// one dead, so keep the new one.
enum class Direction : uint8_t { kInbound, kOutbound };
enum class KeepConnection : uint8_t { kExisting, kNew };
KeepConnection ResolveDuplicate(const NodeId& local, const NodeId& remote, Direction existing,
                                Direction fresh);

}  // namespace iost::net
