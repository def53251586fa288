// Handshake logic without sockets: success both ways and each typed
// rejection (wrong chain, wrong genesis, bad proof, self connection, ...).
#include <gtest/gtest.h>
#include <net/handshake.h>

using namespace iost;
using namespace iost::net;

namespace {

constexpr int64_t kNow = 1'700'000'000LL * 1'000'000'000;

Nonce N(uint8_t v) {
    Nonce n{};
    n.fill(v);
    return n;
}

crypto::Hash256 Genesis(uint8_t v) {
    crypto::Hash256 h{};
    h.fill(v);
    return h;
}

struct Side {
    crypto::KeyPair key;
    HandshakeConfig cfg;
    explicit Side(std::string_view seed, uint32_t chain = 1024, uint8_t genesis = 7)
        : key(crypto::KeyPair::FromSeed(crypto::Algorithm::kEd25519, seed)) {
        cfg.chain_id = chain;
        cfg.genesis_hash = Genesis(genesis);
        cfg.node_key = &key;
        cfg.listen_port = 30000;
    }
};

}  // namespace

TEST(Handshake, HelloRoundTrip) {
    Side a("a");
    Handshake h(a.cfg, N(1), kNow);
    const util::Bytes p = h.HelloPayload();
    EXPECT_EQ(p.size(), kHelloSize);
    auto d = DecodeHello(p);
    ASSERT_TRUE(d.ok());
    EXPECT_EQ(*d, h.ours());
    EXPECT_EQ(d->listen_port, 30000);
    EXPECT_EQ(d->chain_id, 1024u);
}

TEST(Handshake, MalformedHello) {
    EXPECT_EQ(DecodeHello({}).error(), RejectReason::kMalformed);
    Side a("a");
    util::Bytes p = Handshake(a.cfg, N(1), kNow).HelloPayload();
    util::Bytes shorter(p.begin(), p.end() - 1);
    EXPECT_EQ(DecodeHello(shorter).error(), RejectReason::kMalformed);
    util::Bytes longer = p;
    longer.push_back(0);
    EXPECT_EQ(DecodeHello(longer).error(), RejectReason::kMalformed);
    util::Bytes v2 = p;
    v2[1] = 2;  // version 2
    EXPECT_EQ(DecodeHello(v2).error(), RejectReason::kBadVersion);
    util::Bytes secp = p;
    secp[2 + 4 + 32] = 1;  // algorithm byte: secp256k1 is not a node key
    EXPECT_EQ(DecodeHello(secp).error(), RejectReason::kBadKey);
}

TEST(Handshake, SuccessBothWays) {
    Side a("node-a"), b("node-b");
    Handshake ha(a.cfg, N(1), kNow), hb(b.cfg, N(2), kNow + 1000);
    auto pa = ha.OnHello(hb.HelloPayload(), kNow);
    auto pb = hb.OnHello(ha.HelloPayload(), kNow);
    ASSERT_TRUE(pa.ok());
    ASSERT_TRUE(pb.ok());
    EXPECT_FALSE(ha.complete());
    ASSERT_TRUE(ha.OnProof(*pb).ok());
    ASSERT_TRUE(hb.OnProof(*pa).ok());
    EXPECT_TRUE(ha.complete());
    EXPECT_TRUE(hb.complete());
    EXPECT_EQ(ha.peer().node_key, hb.ours().node_key);
    EXPECT_EQ(hb.peer().node_key, ha.ours().node_key);
    // A second proof or hello is a protocol violation.
    EXPECT_EQ(ha.OnProof(*pb).error(), RejectReason::kProtocolViolation);
    EXPECT_EQ(ha.OnHello(hb.HelloPayload(), kNow).error(), RejectReason::kProtocolViolation);
}

TEST(Handshake, WrongChainAndGenesis) {
    Side a("a"), other_chain("b", 1025), other_genesis("c", 1024, 8);
    Handshake ha(a.cfg, N(1), kNow);
    Handshake hc(other_chain.cfg, N(2), kNow), hg(other_genesis.cfg, N(3), kNow);
    EXPECT_EQ(ha.OnHello(hc.HelloPayload(), kNow).error(), RejectReason::kWrongChain);
    Handshake ha2(a.cfg, N(1), kNow);
    EXPECT_EQ(ha2.OnHello(hg.HelloPayload(), kNow).error(), RejectReason::kWrongGenesis);
}

TEST(Handshake, SelfConnection) {
    Side a("a");
    Handshake h1(a.cfg, N(1), kNow), h2(a.cfg, N(2), kNow);
    EXPECT_EQ(h1.OnHello(h2.HelloPayload(), kNow).error(), RejectReason::kSelfConnection);
}

TEST(Handshake, BadProofSignature) {
    Side a("a"), b("b"), mallory("mallory");
    Handshake ha(a.cfg, N(1), kNow), hb(b.cfg, N(2), kNow);
    ASSERT_TRUE(ha.OnHello(hb.HelloPayload(), kNow).ok());
    auto pb = hb.OnHello(ha.HelloPayload(), kNow);
    ASSERT_TRUE(pb.ok());
    util::Bytes flipped = *pb;
    flipped[5] ^= 1;
    EXPECT_EQ(ha.OnProof(flipped).error(), RejectReason::kBadProof);
    EXPECT_EQ(ha.OnProof(util::Bytes(10, 0)).error(), RejectReason::kMalformed);
    // Someone claiming b's key but signing with another key.
    const crypto::Hash256 d = ProofDigest(hb.ours(), ha.ours());
    EXPECT_EQ(ha.OnProof(mallory.key.Sign(crypto::View(d))).error(), RejectReason::kBadProof);
    EXPECT_FALSE(ha.complete());
    // The real proof still works.
    EXPECT_TRUE(ha.OnProof(*pb).ok());
}

TEST(Handshake, ProofFromAnotherSessionIsRefused) {
    // A proof recorded in one session (other nonces) must not complete another.
    Side a("a"), b("b");
    Handshake ha1(a.cfg, N(1), kNow), hb1(b.cfg, N(2), kNow);
    ASSERT_TRUE(ha1.OnHello(hb1.HelloPayload(), kNow).ok());
    auto old_proof = hb1.OnHello(ha1.HelloPayload(), kNow);
    ASSERT_TRUE(old_proof.ok());
    Handshake ha2(a.cfg, N(9), kNow);  // fresh nonce on our side
    ASSERT_TRUE(ha2.OnHello(hb1.HelloPayload(), kNow).ok());
    EXPECT_EQ(ha2.OnProof(*old_proof).error(), RejectReason::kBadProof);
}

TEST(Handshake, ProofBindsChainAndRoles) {
    Side a("a"), b("b");
    Hello ha = Handshake(a.cfg, N(1), kNow).ours();
    Hello hb = Handshake(b.cfg, N(2), kNow).ours();
    EXPECT_NE(ProofDigest(ha, hb), ProofDigest(hb, ha));
    Hello ha_other = ha;
    ha_other.chain_id = 1;
    EXPECT_NE(ProofDigest(ha, hb), ProofDigest(ha_other, hb));
}

TEST(Handshake, InvalidKeyAndClockSkew) {
    Side a("a"), b("b");
    Handshake ha(a.cfg, N(1), kNow);
    Hello bad = Handshake(b.cfg, N(2), kNow).ours();
    bad.node_key.fill(0);  // small-order point, not a valid key
    EXPECT_EQ(ha.OnHello(EncodeHello(bad), kNow).error(), RejectReason::kBadKey);
    Handshake ha2(a.cfg, N(1), kNow);
    Hello skewed = Handshake(b.cfg, N(2), kNow + 3600LL * 1'000'000'000).ours();
    EXPECT_EQ(ha2.OnHello(EncodeHello(skewed), kNow).error(), RejectReason::kClockSkew);
    Handshake ha3(a.cfg, N(1), kNow);
    Hello extreme = skewed;
    extreme.time_unix_ns = INT64_MIN;
    EXPECT_EQ(ha3.OnHello(EncodeHello(extreme), kNow).error(), RejectReason::kClockSkew);
}

TEST(Handshake, RejectRoundTrip) {
    auto r = DecodeReject(EncodeReject(RejectReason::kWrongGenesis, "genesis abc"));
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->reason, RejectReason::kWrongGenesis);
    EXPECT_EQ(r->text, "genesis abc");
    auto longtext = DecodeReject(EncodeReject(RejectReason::kBanned, std::string(500, 'x')));
    ASSERT_TRUE(longtext.ok());
    EXPECT_EQ(longtext->text.size(), kMaxRejectText);
    util::Bytes bad = EncodeReject(RejectReason::kBanned, "abc");
    bad.push_back(0);
    EXPECT_FALSE(DecodeReject(bad).ok());
    EXPECT_FALSE(DecodeReject(util::Bytes{0}).ok());
}

TEST(Handshake, DuplicateResolutionAgreesOnBothEnds) {
    NodeId small{}, big{};
    small.fill(1);
    big.fill(2);
    // Crossed dials: both ends keep the connection dialed by the smaller key.
    // On `small`: outbound = dialed by small.
    EXPECT_EQ(ResolveDuplicate(small, big, Direction::kInbound, Direction::kOutbound),
              KeepConnection::kNew);
    EXPECT_EQ(ResolveDuplicate(small, big, Direction::kOutbound, Direction::kInbound),
              KeepConnection::kExisting);
    // On `big`: inbound = dialed by small.
    EXPECT_EQ(ResolveDuplicate(big, small, Direction::kOutbound, Direction::kInbound),
              KeepConnection::kNew);
    EXPECT_EQ(ResolveDuplicate(big, small, Direction::kInbound, Direction::kOutbound),
              KeepConnection::kExisting);
    // Same dialer twice: the newer one wins.
    EXPECT_EQ(ResolveDuplicate(small, big, Direction::kInbound, Direction::kInbound),
              KeepConnection::kNew);
    EXPECT_EQ(ResolveDuplicate(big, small, Direction::kOutbound, Direction::kOutbound),
              KeepConnection::kNew);
}
