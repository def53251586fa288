// Message type ids carried in every P2P frame header (docs/p2p.md), with the
// per-type payload caps and send-priority classes the transport applies.
// Payloads of the application types (Tx .. StateChunk) are opaque to net:
// their encoding is the node's business, so net never depends on consensus.
// The net-internal types (Hello, HelloProof, Reject, Ping, Pong, GetPeers,
// Peers) are encoded and consumed by net itself and never reach the node.
// Thread contract: constants and pure functions.
#pragma once

#include <cstdint>
#include <string_view>

namespace iost::net {

// Ids are part of the wire protocol: never renumber, only add.
enum class MessageType : uint16_t {
    // net-internal, 1..15
    kHello = 1,       // handshake step 1 (handshake.h)
    kHelloProof = 2,  // handshake step 2: signature proving the node key
    kReject = 3,      // typed reason, then the sender disconnects
    kPing = 4,        // 8-byte nonce
    kPong = 5,        // echoes the ping's nonce
    kGetPeers = 6,    // empty payload
    kPeers = 7,       // capped list of (node key, ip, port)
    // application (opaque to net), 16..63
    kTx = 16,            // a transaction (gossip)
    kMicroBlock = 17,    // a signed MicroBlock (gossip)
    kVote = 18,          // PBFT messages: pre-prepare, prepare, commit, view change (gossip)
    kEvidence = 19,      // fraud proofs, equivocations (gossip)
    kSyncRequest = 20,   // catch-up sync request (point to point)
    kSyncResponse = 21,  // final blocks with certificates (point to point)
    // State sync (docs/state.md "State sync"), point to point.
    kGetSnapshotManifest = 22,  // u64 height (0 = newest)
    kSnapshotManifest = 23,     // a snapshot's manifest, or none
    kGetStateChunk = 24,        // u64 height, u32 piece index
    kStateChunk = 25,           // one piece of a snapshot
};

inline constexpr uint16_t ToWire(MessageType t) { return static_cast<uint16_t>(t); }

// The largest payload any frame may carry (Options can lower it).
inline constexpr uint32_t kDefaultMaxFramePayload = 4u << 20;  // 4 MiB
// Before the handshake completes a peer is anonymous: it may only send
// handshake frames, and those are small, so an unauthenticated connection
// can never make us allocate more than this.
inline constexpr uint32_t kMaxHandshakePayload = 1024;

// Send priority. A peer's writer drains kHigh before kLow, so transaction
// gossip can never starve consensus traffic. Overflow policy differs too: a
// full kLow queue drops the message (gossip is best effort, the item comes
// again from another peer); a full kHigh queue disconnects the peer (it is
// too slow to follow consensus; it will reconnect and sync).
enum class Priority : uint8_t { kHigh, kLow };

// Known to this protocol version (others are ignored with a small penalty,
// so a newer peer can add types without being banned).
bool IsKnownType(uint16_t type);
bool IsInternalType(uint16_t type);     // handled inside net, never delivered
bool IsApplicationType(uint16_t type);  // delivered to the node
// Gossip types are deduplicated: each distinct payload is delivered to the
// node once and forwarded at most once to each peer.
bool IsGossipType(uint16_t type);
Priority PriorityOf(uint16_t type);
// Per-type cap on the payload (never above `global_max`). Unknown types get
// `global_max` so that the caller, not the decoder, decides what to do.
uint32_t MaxPayloadFor(uint16_t type, uint32_t global_max);
std::string_view TypeName(uint16_t type);

}  // namespace iost::net
