#include <arpa/inet.h>
#include <net/pex.h>

#include <cstring>

namespace iost::net {

std::string IpToString(const IpAddress& ip) {
    char buf[INET6_ADDRSTRLEN] = {};
    const int af = ip.family == 6 ? AF_INET6 : AF_INET;
    if (!inet_ntop(af, ip.bytes.data(), buf, sizeof(buf))) return "?";
    return buf;
}

util::Result<IpAddress> ParseIp(std::string_view text) {
    const std::string s(text);
    IpAddress ip;
    if (inet_pton(AF_INET, s.c_str(), ip.bytes.data()) == 1) {
        ip.family = 4;
        return ip;
    }
    if (inet_pton(AF_INET6, s.c_str(), ip.bytes.data()) == 1) {
        ip.family = 6;
        return ip;
    }
    return util::Err("not an IP address: '" + s.substr(0, 64) + "'");
}

bool IsLoopback(const IpAddress& ip) {
    if (ip.family == 4) return ip.bytes[0] == 127;
    static constexpr std::array<uint8_t, 16> kV6Loopback = {0, 0, 0, 0, 0, 0, 0, 0,
                                                            0, 0, 0, 0, 0, 0, 0, 1};
    return ip.bytes == kV6Loopback;
}

util::Bytes EncodePeers(const std::vector<PeerAddress>& peers) {
    IOST_ASSERT(peers.size() <= kMaxPeersPerMessage, "Peers list above its cap");
    util::Bytes b;
    b.push_back(static_cast<uint8_t>(peers.size() >> 8));
    b.push_back(static_cast<uint8_t>(peers.size()));
    for (const auto& p : peers) {
        b.insert(b.end(), p.id.begin(), p.id.end());
        b.push_back(p.ip.family);
        const size_t n = p.ip.family == 6 ? 16 : 4;
        b.insert(b.end(), p.ip.bytes.begin(), p.ip.bytes.begin() + static_cast<std::ptrdiff_t>(n));
        b.push_back(static_cast<uint8_t>(p.port >> 8));
        b.push_back(static_cast<uint8_t>(p.port));
    }
    return b;
}

util::Result<std::vector<PeerAddress>> DecodePeers(util::ByteView payload) {
    if (payload.size() < 2) return util::Err("Peers: truncated count");
    const size_t count = (size_t{payload[0]} << 8) | payload[1];
    if (count > kMaxPeersPerMessage) {
        return util::Err("Peers: " + std::to_string(count) + " entries, cap " +
                         std::to_string(kMaxPeersPerMessage));
    }
    std::vector<PeerAddress> out;
    out.reserve(count);
    size_t pos = 2;
    for (size_t i = 0; i < count; ++i) {
        PeerAddress p;
        if (payload.size() - pos < 33) return util::Err("Peers: truncated entry");
        std::memcpy(p.id.data(), payload.data() + pos, 32);
        pos += 32;
        p.ip.family = payload[pos++];
        if (p.ip.family != 4 && p.ip.family != 6) return util::Err("Peers: bad address family");
        const size_t n = p.ip.family == 6 ? 16 : 4;
        if (payload.size() - pos < n + 2) return util::Err("Peers: truncated entry");
        std::memcpy(p.ip.bytes.data(), payload.data() + pos, n);
        pos += n;
        p.port = static_cast<uint16_t>((payload[pos] << 8) | payload[pos + 1]);
        pos += 2;
        if (p.port == 0) return util::Err("Peers: zero port");
        out.push_back(p);
    }
    if (pos != payload.size()) return util::Err("Peers: trailing bytes");
    return out;
}

util::Bytes EncodePing(uint64_t nonce) {
    util::Bytes b(8);
    for (int i = 0; i < 8; ++i)
        b[static_cast<size_t>(i)] = static_cast<uint8_t>(nonce >> (56 - 8 * i));
    return b;
}

util::Result<uint64_t> DecodePing(util::ByteView payload) {
    if (payload.size() != 8) return util::Err("Ping/Pong: payload must be 8 bytes");
    uint64_t v = 0;
    for (uint8_t c : payload) v = (v << 8) | c;
    return v;
}

}  // namespace iost::net
