#include <net/limits.h>

#include <algorithm>
#include <cmath>
#include <cstring>

namespace iost::net {

void TokenBucket::Refill(SteadyTime now) {
    if (now <= m_last) return;
    const double secs = std::chrono::duration<double>(now - m_last).count();
    m_level = std::min(m_burst, m_level + secs * m_rate);
    m_last = now;
}

bool TokenBucket::Take(double n, SteadyTime now) {
    Refill(now);
    m_level -= n;
    return m_level >= 0;
}

double TokenBucket::Level(SteadyTime now) {
    Refill(now);
    return m_level;
}

Millis TokenBucket::TimeUntilPositive(SteadyTime now) {
    Refill(now);
    if (m_level >= 0 || m_rate <= 0) return Millis(0);
    return Millis(static_cast<int64_t>(std::ceil(-m_level / m_rate * 1000.0)));
}

Millis Backoff::Delay(int failures) {
    double d = static_cast<double>(m_initial.count());
    const double max = static_cast<double>(m_max.count());
    for (int i = 0; i < failures && d < max; ++i) d *= 2;
    d = std::min(d, max);
    std::uniform_real_distribution<double> jitter(0.8, 1.2);
    d *= jitter(m_rng);
    return Millis(static_cast<int64_t>(std::min(d, max)));
}

int PenaltyPoints(Misbehaviour m) {
    switch (m) {
        case Misbehaviour::kBadFrame:
            return 100;
        case Misbehaviour::kOversizedFrame:
            return 100;
        case Misbehaviour::kProtocolViolation:
            return 100;
        case Misbehaviour::kMalformedMessage:
            return 50;
        case Misbehaviour::kUnknownType:
            return 2;
        case Misbehaviour::kFlood:
            return 25;
        case Misbehaviour::kUnsolicited:
            return 5;
        case Misbehaviour::kInvalidMessage:
            return 20;
        case Misbehaviour::kInvalidSignature:
            return 100;
        case Misbehaviour::kUseless:
            return 2;
    }
    return 0;
}

const char* MisbehaviourName(Misbehaviour m) {
    switch (m) {
        case Misbehaviour::kBadFrame:
            return "bad frame";
        case Misbehaviour::kOversizedFrame:
            return "oversized frame";
        case Misbehaviour::kProtocolViolation:
            return "protocol violation";
        case Misbehaviour::kMalformedMessage:
            return "malformed message";
        case Misbehaviour::kUnknownType:
            return "unknown message type";
        case Misbehaviour::kFlood:
            return "flood";
        case Misbehaviour::kUnsolicited:
            return "unsolicited message";
        case Misbehaviour::kInvalidMessage:
            return "invalid message";
        case Misbehaviour::kInvalidSignature:
            return "invalid signature";
        case Misbehaviour::kUseless:
            return "useless message";
    }
    return "?";
}

void BanList::BanKey(const NodeId& id, SteadyTime until) {
    auto& t = m_keys[id];
    t = std::max(t, until);
}

void BanList::BanIp(const std::string& ip, SteadyTime until) {
    auto& t = m_ips[ip];
    t = std::max(t, until);
}

bool BanList::IsKeyBanned(const NodeId& id, SteadyTime now) const {
    auto it = m_keys.find(id);
    return it != m_keys.end() && it->second > now;
}

bool BanList::IsIpBanned(const std::string& ip, SteadyTime now) const {
    auto it = m_ips.find(ip);
    return it != m_ips.end() && it->second > now;
}

void BanList::Expire(SteadyTime now) {
    std::erase_if(m_keys, [&](const auto& kv) { return kv.second <= now; });
    std::erase_if(m_ips, [&](const auto& kv) { return kv.second <= now; });
}

size_t GossipKeyHash::operator()(const GossipKey& k) const {
    // The key is already a cryptographic hash: its first bytes are uniform.
    size_t v = 0;
    std::memcpy(&v, k.hash.data(), sizeof(v));
    return v ^ k.type;
}

uint64_t ShortKey(const GossipKey& k) {
    uint64_t v = 0;
    std::memcpy(&v, k.hash.data() + 8, sizeof(v));
    return v ^ (uint64_t{k.type} << 48);
}

}  // namespace iost::net
