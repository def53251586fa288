// Pure policy pieces: token bucket, backoff, bans, bounded seen-caches,
// peer-exchange and ping codecs, endpoint parsing.
#include <gtest/gtest.h>
#include <net/limits.h>
#include <net/peer_manager.h>
#include <net/pex.h>

using namespace iost;
using namespace iost::net;
using namespace std::chrono_literals;

TEST(TokenBucket, BurstThenRate) {
    const SteadyTime t0{};
    TokenBucket b(100, 200, t0);
    EXPECT_TRUE(b.Take(200, t0));
    EXPECT_FALSE(b.Take(1, t0));
    EXPECT_EQ(b.TimeUntilPositive(t0), Millis(0 + 10));  // 1 token at 100/s
    EXPECT_FALSE(b.Take(0, t0 + 5ms));
    EXPECT_TRUE(b.Take(0, t0 + 10ms));
    EXPECT_NEAR(b.Level(t0 + 1s), 99, 1e-6);
    EXPECT_NEAR(b.Level(t0 + 100s), 200, 1e-6);  // capped at burst
    // One big take can drive the level deeply negative; it takes time to pay back.
    EXPECT_FALSE(b.Take(500, t0 + 100s));
    EXPECT_EQ(b.TimeUntilPositive(t0 + 100s), Millis(3000));
}

TEST(Backoff, GrowsAndIsBounded) {
    Backoff b(100ms, 5s, 42);
    for (int f = 0; f < 40; ++f) {
        const Millis d = b.Delay(f);
        const double ideal = std::min(100.0 * std::pow(2.0, f), 5000.0);
        EXPECT_GE(d.count(), static_cast<int64_t>(ideal * 0.8) - 1) << f;
        EXPECT_LE(d.count(), 5000) << f;
    }
    EXPECT_LE(b.Delay(1000000).count(), 5000);
}

TEST(BanList, KeysAndIpsExpire) {
    BanList bans;
    NodeId a{}, b{};
    a.fill(1);
    b.fill(2);
    const SteadyTime t0{};
    bans.BanKey(a, t0 + 10s);
    bans.BanIp("10.0.0.1", t0 + 5s);
    EXPECT_TRUE(bans.IsKeyBanned(a, t0));
    EXPECT_FALSE(bans.IsKeyBanned(b, t0));
    EXPECT_TRUE(bans.IsIpBanned("10.0.0.1", t0 + 4s));
    EXPECT_FALSE(bans.IsIpBanned("10.0.0.1", t0 + 5s));
    EXPECT_FALSE(bans.IsIpBanned("10.0.0.2", t0));
    bans.BanKey(a, t0 + 1s);  // a shorter ban never shortens a longer one
    EXPECT_TRUE(bans.IsKeyBanned(a, t0 + 9s));
    bans.Expire(t0 + 6s);
    EXPECT_EQ(bans.size(), 1u);
    bans.Expire(t0 + 11s);
    EXPECT_EQ(bans.size(), 0u);
}

TEST(Misbehaviour, GarbageBansAtOnceUnknownTypeDoesNot) {
    EXPECT_GE(PenaltyPoints(Misbehaviour::kBadFrame), kBanThreshold);
    EXPECT_GE(PenaltyPoints(Misbehaviour::kOversizedFrame), kBanThreshold);
    EXPECT_GE(PenaltyPoints(Misbehaviour::kInvalidSignature), kBanThreshold);
    EXPECT_LT(PenaltyPoints(Misbehaviour::kUnknownType) * 10, kBanThreshold);
    EXPECT_LT(PenaltyPoints(Misbehaviour::kFlood), kBanThreshold);
}

TEST(SeenCache, BoundedAndFifo) {
    SeenCache seen(100);
    auto key = [](int i) {
        GossipKey k;
        k.type = 16;
        k.hash = crypto::Sha3_256(util::AsBytes(std::to_string(i)));
        return k;
    };
    for (int i = 0; i < 1000; ++i) EXPECT_TRUE(seen.Insert(key(i)));
    EXPECT_EQ(seen.size(), 100u);
    EXPECT_FALSE(seen.Insert(key(999)));  // recent: still there
    EXPECT_TRUE(seen.Contains(key(900)));
    EXPECT_FALSE(seen.Contains(key(0)));  // evicted
    GossipKey other_type = key(999);
    other_type.type = 17;
    EXPECT_FALSE(seen.Contains(other_type));
    EXPECT_NE(ShortKey(key(1)), ShortKey(key(2)));
}

TEST(Pex, PeersRoundTripAndLimits) {
    std::vector<PeerAddress> list;
    for (int i = 0; i < 3; ++i) {
        PeerAddress p;
        p.id.fill(static_cast<uint8_t>(i + 1));
        p.ip = *ParseIp(i == 2 ? "::1" : "127.0.0." + std::to_string(i + 1));
        p.port = static_cast<uint16_t>(30000 + i);
        list.push_back(p);
    }
    auto enc = EncodePeers(list);
    auto dec = DecodePeers(enc);
    ASSERT_TRUE(dec.ok()) << dec.error().message;
    EXPECT_EQ(*dec, list);
    EXPECT_EQ(IpToString((*dec)[2].ip), "::1");
    EXPECT_TRUE(DecodePeers(EncodePeers({})).ok());

    // count = cap + 1 is refused from the count alone.
    util::Bytes over = {0, static_cast<uint8_t>(kMaxPeersPerMessage + 1)};
    EXPECT_FALSE(DecodePeers(over).ok());
    std::vector<PeerAddress> full(kMaxPeersPerMessage, list[0]);
    EXPECT_TRUE(DecodePeers(EncodePeers(full)).ok());
    // Truncated, trailing bytes, bad family, zero port.
    util::Bytes trunc(enc.begin(), enc.end() - 1);
    EXPECT_FALSE(DecodePeers(trunc).ok());
    util::Bytes trailing = enc;
    trailing.push_back(0);
    EXPECT_FALSE(DecodePeers(trailing).ok());
    util::Bytes fam = enc;
    fam[2 + 32] = 5;
    EXPECT_FALSE(DecodePeers(fam).ok());
    std::vector<PeerAddress> zero = {list[0]};
    zero[0].port = 1;
    util::Bytes zp = EncodePeers(zero);
    zp[zp.size() - 1] = 0;
    EXPECT_FALSE(DecodePeers(zp).ok());
    EXPECT_FALSE(DecodePeers({}).ok());
}

TEST(Pex, PingAndIps) {
    EXPECT_EQ(*DecodePing(EncodePing(0x0102030405060708ULL)), 0x0102030405060708ULL);
    EXPECT_FALSE(DecodePing(util::Bytes(7)).ok());
    EXPECT_TRUE(IsLoopback(*ParseIp("127.0.0.1")));
    EXPECT_TRUE(IsLoopback(*ParseIp("127.8.9.10")));
    EXPECT_TRUE(IsLoopback(*ParseIp("::1")));
    EXPECT_FALSE(IsLoopback(*ParseIp("10.0.0.1")));
    EXPECT_FALSE(ParseIp("localhost").ok());
    EXPECT_FALSE(ParseIp("1.2.3.256").ok());
}

TEST(Endpoint, Parse) {
    auto e = ParseEndpoint("127.0.0.1:30000");
    ASSERT_TRUE(e.ok());
    EXPECT_EQ(e->host, "127.0.0.1");
    EXPECT_EQ(e->port, 30000);
    auto v6 = ParseEndpoint("[::1]:1");
    ASSERT_TRUE(v6.ok());
    EXPECT_EQ(v6->host, "::1");
    EXPECT_FALSE(ParseEndpoint("127.0.0.1").ok());
    EXPECT_FALSE(ParseEndpoint("127.0.0.1:").ok());
    EXPECT_FALSE(ParseEndpoint(":80").ok());
    EXPECT_FALSE(ParseEndpoint("h:0").ok());
    EXPECT_FALSE(ParseEndpoint("h:65536").ok());
    EXPECT_FALSE(ParseEndpoint("h:12a").ok());
}

TEST(HostOptions, MakeValidates) {
    HostOptions o;
    o.node_key = crypto::KeyPair::FromSeed(crypto::Algorithm::kSecp256k1, "x");
    EXPECT_FALSE(Host::Make(std::move(o)).ok());
    HostOptions o2;
    o2.recv_bytes_burst = 10;
    EXPECT_FALSE(Host::Make(std::move(o2)).ok());
    HostOptions o3;
    o3.listen_address = "not-an-ip";
    EXPECT_FALSE(Host::Make(std::move(o3)).ok());
    HostOptions o4;
    o4.seeds = {Endpoint{"127.0.0.1", 0}};
    EXPECT_FALSE(Host::Make(std::move(o4)).ok());
    HostOptions ok;  // defaults + ephemeral port on loopback
    auto h = Host::Make(std::move(ok));
    ASSERT_TRUE(h.ok()) << h.error().message;
    EXPECT_NE((*h)->listen_port(), 0);
    // The port is taken: a second host on it fails with a clear error.
    HostOptions busy;
    busy.listen_port = (*h)->listen_port();
    auto h2 = Host::Make(std::move(busy));
    // SO_REUSEADDR does not allow two listeners on one port on Linux.
    EXPECT_FALSE(h2.ok());
}
