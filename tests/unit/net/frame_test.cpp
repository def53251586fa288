// Frame codec: round trips, arbitrary chunking, and the Bitcoin
// p2p_invalid_messages cases ported to our framing (docs/reliability.md #5).
#include <gtest/gtest.h>
#include <net/frame.h>
#include <net/message_types.h>

#include <random>

using namespace iost;
using namespace iost::net;

namespace {

const Magic kMagic = MagicForChain(1024);

util::Bytes Payload(size_t n, uint8_t seed) {
    util::Bytes b(n);
    for (size_t i = 0; i < n; ++i) b[i] = static_cast<uint8_t>(seed + i * 7);
    return b;
}

util::Bytes Header(const Magic& m, uint16_t type, uint32_t len, util::ByteView payload) {
    auto h = EncodeFrameHeader(m, type, len, crypto::Sha3_256(payload));
    return util::Bytes(h.begin(), h.end());
}

}  // namespace

TEST(Frame, MagicDependsOnChainId) {
    EXPECT_EQ(MagicForChain(1024), MagicForChain(1024));
    EXPECT_NE(MagicForChain(1024), MagicForChain(1025));
}

TEST(Frame, HeaderLayoutIsBigEndian) {
    const util::Bytes p = util::ToBytes("abc");
    const util::Bytes f = EncodeFrame(kMagic, 0x0102, p);
    ASSERT_EQ(f.size(), kFrameHeaderSize + 3);
    EXPECT_TRUE(std::equal(kMagic.begin(), kMagic.end(), f.begin()));
    EXPECT_EQ(f[4], 0x01);
    EXPECT_EQ(f[5], 0x02);
    EXPECT_EQ(f[6], 0);
    EXPECT_EQ(f[7], 0);
    EXPECT_EQ(f[8], 0);
    EXPECT_EQ(f[9], 3);
    const auto h = crypto::Sha3_256(p);
    EXPECT_TRUE(std::equal(h.begin(), h.begin() + 4, f.begin() + 10));
}

TEST(Frame, RoundTripSeveralFramesInOneChunk) {
    util::Bytes stream;
    std::vector<std::pair<uint16_t, util::Bytes>> sent = {
        {ToWire(MessageType::kTx), Payload(100, 1)},
        {ToWire(MessageType::kGetPeers), {}},  // empty payload
        {ToWire(MessageType::kMicroBlock), Payload(70000, 3)},
        {999, Payload(5, 4)},  // unknown type: passed up, not the decoder's business
    };
    for (auto& [t, p] : sent) {
        auto f = EncodeFrame(kMagic, t, p);
        stream.insert(stream.end(), f.begin(), f.end());
    }
    FrameDecoder dec(kMagic, kDefaultMaxFramePayload);
    std::vector<Frame> out;
    ASSERT_TRUE(dec.Feed(stream, &out).ok());
    ASSERT_EQ(out.size(), sent.size());
    for (size_t i = 0; i < sent.size(); ++i) {
        EXPECT_EQ(out[i].type, sent[i].first);
        EXPECT_EQ(out[i].payload, sent[i].second);
        EXPECT_EQ(out[i].payload_hash, crypto::Sha3_256(sent[i].second));
    }
    EXPECT_EQ(dec.buffered(), 0u);
}

TEST(Frame, ByteByByteAndRandomChunks) {
    util::Bytes stream;
    std::vector<util::Bytes> payloads;
    for (int i = 0; i < 20; ++i) {
        payloads.push_back(Payload(static_cast<size_t>(i * 37), static_cast<uint8_t>(i)));
        auto f = EncodeFrame(kMagic, ToWire(MessageType::kVote), payloads.back());
        stream.insert(stream.end(), f.begin(), f.end());
    }
    {  // one byte at a time: the header is split across 14 reads
        FrameDecoder dec(kMagic, kDefaultMaxFramePayload);
        std::vector<Frame> out;
        for (uint8_t b : stream) ASSERT_TRUE(dec.Feed(util::ByteView(&b, 1), &out).ok());
        ASSERT_EQ(out.size(), payloads.size());
        for (size_t i = 0; i < payloads.size(); ++i) EXPECT_EQ(out[i].payload, payloads[i]);
    }
    std::mt19937 rng(7);
    for (int round = 0; round < 50; ++round) {
        FrameDecoder dec(kMagic, kDefaultMaxFramePayload);
        std::vector<Frame> out;
        size_t pos = 0;
        while (pos < stream.size()) {
            const size_t n = std::min<size_t>(stream.size() - pos, 1 + rng() % 60);
            ASSERT_TRUE(dec.Feed(util::ByteView(stream.data() + pos, n), &out).ok());
            pos += n;
        }
        ASSERT_EQ(out.size(), payloads.size()) << "round " << round;
        for (size_t i = 0; i < payloads.size(); ++i) EXPECT_EQ(out[i].payload, payloads[i]);
    }
}

TEST(Frame, BadMagicRejectedAfterFourBytes) {
    FrameDecoder dec(kMagic, kDefaultMaxFramePayload);
    std::vector<Frame> out;
    const Magic other = MagicForChain(1);
    auto r = dec.Feed(util::ByteView(other.data(), 4), &out);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error(), FrameError::kBadMagic);
    // Poisoned: even a valid frame afterwards is refused.
    auto good = EncodeFrame(kMagic, ToWire(MessageType::kTx), Payload(3, 0));
    auto r2 = dec.Feed(good, &out);
    ASSERT_FALSE(r2.ok());
    EXPECT_EQ(r2.error(), FrameError::kBadMagic);
    EXPECT_TRUE(out.empty());
}

TEST(Frame, GarbageIsBadMagic) {
    FrameDecoder dec(kMagic, kDefaultMaxFramePayload);
    std::vector<Frame> out;
    const util::Bytes junk = util::ToBytes("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    auto r = dec.Feed(junk, &out);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error(), FrameError::kBadMagic);
}

TEST(Frame, LengthMaxPlusOneRejectedBeforeAllocation) {
    const uint32_t max = 1000;
    FrameDecoder dec(kMagic, max);
    std::vector<Frame> out;
    // Exactly max is fine (a MicroBlock has no per-type cap below the global one).
    auto ok = EncodeFrame(kMagic, ToWire(MessageType::kMicroBlock), Payload(max, 1));
    ASSERT_TRUE(dec.Feed(ok, &out).ok());
    ASSERT_EQ(out.size(), 1u);
    // max + 1: refused from the header alone; no body byte is needed and
    // nothing is buffered beyond the header.
    auto hdr = Header(kMagic, ToWire(MessageType::kMicroBlock), max + 1, {});
    auto r = dec.Feed(hdr, &out);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error(), FrameError::kTooLarge);
    EXPECT_EQ(dec.buffered(), 0u);
    EXPECT_EQ(dec.last_length(), max + 1);
}

TEST(Frame, HugeLengthNeverAllocates) {
    FrameDecoder dec(kMagic, kDefaultMaxFramePayload);
    std::vector<Frame> out;
    auto hdr = Header(kMagic, ToWire(MessageType::kMicroBlock), 0xFFFFFFFFu, {});
    auto r = dec.Feed(hdr, &out);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error(), FrameError::kTooLarge);
}

TEST(Frame, PerTypeCapsApply) {
    FrameDecoder dec(kMagic, kDefaultMaxFramePayload);
    std::vector<Frame> out;
    // A Ping carries exactly 8 bytes; 9 is over its cap although far below the global one.
    auto hdr = Header(kMagic, ToWire(MessageType::kPing), 9, {});
    auto r = dec.Feed(hdr, &out);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error(), FrameError::kTooLarge);

    FrameDecoder dec2(kMagic, kDefaultMaxFramePayload);
    const uint32_t tx_cap = MaxPayloadFor(ToWire(MessageType::kTx), kDefaultMaxFramePayload);
    auto hdr2 = Header(kMagic, ToWire(MessageType::kTx), tx_cap + 1, {});
    auto r2 = dec2.Feed(hdr2, &out);
    ASSERT_FALSE(r2.ok());
    EXPECT_EQ(r2.error(), FrameError::kTooLarge);
}

TEST(Frame, SetMaxPayloadRaisesTheCapAfterHandshake) {
    FrameDecoder dec(kMagic, kMaxHandshakePayload);
    std::vector<Frame> out;
    auto big = EncodeFrame(kMagic, ToWire(MessageType::kMicroBlock), Payload(5000, 1));
    {
        FrameDecoder strict(kMagic, kMaxHandshakePayload);
        auto r = strict.Feed(big, &out);
        ASSERT_FALSE(r.ok());
        EXPECT_EQ(r.error(), FrameError::kTooLarge);
    }
    dec.SetMaxPayload(kDefaultMaxFramePayload);
    ASSERT_TRUE(dec.Feed(big, &out).ok());
    EXPECT_EQ(out.size(), 1u);
}

TEST(Frame, ChecksumMismatchRejected) {
    auto f = EncodeFrame(kMagic, ToWire(MessageType::kTx), Payload(50, 9));
    f.back() ^= 0x01;  // flip one payload bit
    FrameDecoder dec(kMagic, kDefaultMaxFramePayload);
    std::vector<Frame> out;
    auto r = dec.Feed(f, &out);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error(), FrameError::kBadChecksum);
    EXPECT_TRUE(out.empty());

    auto g = EncodeFrame(kMagic, ToWire(MessageType::kTx), Payload(50, 9));
    g[10] ^= 0x80;  // flip a checksum bit
    FrameDecoder dec2(kMagic, kDefaultMaxFramePayload);
    auto r2 = dec2.Feed(g, &out);
    ASSERT_FALSE(r2.ok());
    EXPECT_EQ(r2.error(), FrameError::kBadChecksum);
}

TEST(Frame, FramesBeforeAnErrorAreDelivered) {
    auto a = EncodeFrame(kMagic, ToWire(MessageType::kTx), Payload(10, 1));
    util::Bytes stream = a;
    stream.insert(stream.end(), {'j', 'u', 'n', 'k', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
    FrameDecoder dec(kMagic, kDefaultMaxFramePayload);
    std::vector<Frame> out;
    auto r = dec.Feed(stream, &out);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error(), FrameError::kBadMagic);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].payload, Payload(10, 1));
}

TEST(MessageTypes, Classes) {
    EXPECT_TRUE(IsGossipType(ToWire(MessageType::kTx)));
    EXPECT_TRUE(IsGossipType(ToWire(MessageType::kVote)));
    EXPECT_FALSE(IsGossipType(ToWire(MessageType::kSyncResponse)));
    EXPECT_FALSE(IsGossipType(ToWire(MessageType::kPing)));
    EXPECT_EQ(PriorityOf(ToWire(MessageType::kTx)), Priority::kLow);
    EXPECT_EQ(PriorityOf(ToWire(MessageType::kVote)), Priority::kHigh);
    EXPECT_EQ(PriorityOf(ToWire(MessageType::kMicroBlock)), Priority::kHigh);
    EXPECT_TRUE(IsInternalType(ToWire(MessageType::kPeers)));
    EXPECT_FALSE(IsApplicationType(ToWire(MessageType::kPeers)));
    EXPECT_TRUE(IsApplicationType(ToWire(MessageType::kStateChunk)));
    EXPECT_FALSE(IsGossipType(ToWire(MessageType::kStateChunk)));
    EXPECT_EQ(PriorityOf(ToWire(MessageType::kStateChunk)), Priority::kLow);
    EXPECT_EQ(MaxPayloadFor(ToWire(MessageType::kGetStateChunk), 1u << 22), 12u);
    EXPECT_EQ(MaxPayloadFor(ToWire(MessageType::kGetSnapshotManifest), 1u << 22), 8u);
    EXPECT_FALSE(IsKnownType(26));
    EXPECT_FALSE(IsKnownType(0));
    EXPECT_EQ(MaxPayloadFor(999, 12345), 12345u);
    EXPECT_LE(MaxPayloadFor(ToWire(MessageType::kMicroBlock), 100), 100u);
}

TEST(Frame, MagicSwitchesExactlyAfterTheProofFrame) {
    const Magic hs = HandshakeMagic();
    EXPECT_NE(hs, kMagic);
    util::Bytes stream;
    auto add = [&](const Magic& m, MessageType t, util::Bytes p) {
        auto f = EncodeFrame(m, ToWire(t), p);
        stream.insert(stream.end(), f.begin(), f.end());
    };
    add(hs, MessageType::kHello, Payload(20, 1));
    add(hs, MessageType::kHelloProof, Payload(64, 2));
    add(kMagic, MessageType::kTx, Payload(30, 3));  // same chunk, new magic
    FrameDecoder dec(hs, kDefaultMaxFramePayload);
    dec.SwitchMagicAfter(ToWire(MessageType::kHelloProof), kMagic);
    std::vector<Frame> out;
    ASSERT_TRUE(dec.Feed(stream, &out).ok());
    EXPECT_EQ(out.size(), 3u);
    EXPECT_EQ(dec.magic(), kMagic);
    // The handshake magic is no longer accepted.
    auto late = EncodeFrame(hs, ToWire(MessageType::kTx), Payload(3, 3));
    auto r = dec.Feed(late, &out);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error(), FrameError::kBadMagic);
}
