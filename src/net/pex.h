// Payloads of the net-internal messages other than the handshake: peer
// exchange (GetPeers / Peers) and Ping / Pong (docs/p2p.md "Peer exchange").
//
//   Peers = count (u16 BE, <= kMaxPeersPerMessage) |
//           count x { node key (32) | family (u8: 4 or 6) | ip (4 or 16) | port (u16 BE) }
//   Ping, Pong = nonce (u64 BE)
//
// A Peers list above the cap, a zero port, an unknown family or trailing
// bytes make the whole message malformed (the sender is penalized).
// Thread contract: pure functions.
#pragma once

#include <net/handshake.h>
#include <util/bytes.h>
#include <util/result.h>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace iost::net {

inline constexpr size_t kMaxPeersPerMessage = 64;

struct IpAddress {
    uint8_t family = 4;               // 4 or 6
    std::array<uint8_t, 16> bytes{};  // IPv4 uses the first 4
    friend bool operator==(const IpAddress&, const IpAddress&) = default;
    friend auto operator<=>(const IpAddress&, const IpAddress&) = default;
};
// Dotted IPv4 or RFC 5952 IPv6 text.
std::string IpToString(const IpAddress& ip);
util::Result<IpAddress> ParseIp(std::string_view text);
bool IsLoopback(const IpAddress& ip);

struct PeerAddress {
    NodeId id{};
    IpAddress ip;
    uint16_t port = 0;
    friend bool operator==(const PeerAddress&, const PeerAddress&) = default;
};

util::Bytes EncodePeers(const std::vector<PeerAddress>& peers);  // asserts size <= cap
util::Result<std::vector<PeerAddress>> DecodePeers(util::ByteView payload);

util::Bytes EncodePing(uint64_t nonce);
util::Result<uint64_t> DecodePing(util::ByteView payload);

}  // namespace iost::net
