#include <core/block.h>
#include <core/codec.h>
#include <crypto/certificate.h>
#include <gtest/gtest.h>
#include <net/message_types.h>
#include <node/wire.h>

#include <cstdlib>
#include <fstream>
#include <iterator>

#include "node_test_util.h"

namespace iost::node {
namespace {

using consensus::Message;
using testing::kT0;

crypto::Hash256 H(uint8_t b) {
    crypto::Hash256 h;
    h.fill(b);
    return h;
}

std::shared_ptr<const core::MicroBlock> Micro(uint64_t seq) {
    core::MicroBlock m;
    m.header.epoch = 0;
    m.header.producer = "node1";
    m.header.seq = seq;
    m.header.prev_micro_hash = seq == 1 ? crypto::Hash256{} : H(7);
    m.header.base_final_height = 3;
    m.header.time = kT0 + 5;
    m.txs.push_back(testing::Transfer("alice", "bobby", "1", kT0, "m" + std::to_string(seq)));
    m.txs.push_back(testing::Transfer("bobby", "alice", "2", kT0, "m" + std::to_string(seq)));
    m.Seal();
    m.producer_sig = testing::ConsensusKey("node1").Sign(crypto::View(m.header.Hash()));
    return std::make_shared<const core::MicroBlock>(std::move(m));
}

crypto::Certificate Cert(const crypto::Hash256& msg) {
    std::vector<crypto::PublicKey> keys;
    for (int i = 0; i < 4; ++i)
        keys.push_back(testing::ConsensusKey(testing::ValidatorName(i)).public_key());
    crypto::CertificateBuilder b(keys, msg, crypto::RealVerifier());
    for (size_t i = 0; i < 3; ++i) {
        auto kp = testing::ConsensusKey(testing::ValidatorName(static_cast<int>(i)));
        EXPECT_EQ(b.AddVoteAt(i, kp.Sign(crypto::View(msg))), crypto::VoteAdd::kAdded);
    }
    return b.Build();
}

std::shared_ptr<const core::FinalBlock> Block(uint64_t height) {
    core::FinalBlock b;
    b.height = height;
    b.prev_hash = H(1);
    b.epoch = 0;
    b.view = 2;
    b.time = kT0 + 100;
    b.proposer = "node2";
    auto m = Micro(1);
    b.micro_refs.push_back({"node1", 1, 1, m->hash});
    b.direct_txs.push_back(testing::Transfer("admin", "alice", "3", kT0));
    b.fallback.push_back("node0");
    b.excluded.push_back({H(3), H(4)});
    core::Evidence ev;
    ev.kind = core::EvidenceKind::kMicroEquivocation;
    ev.micro.a = Micro(2)->header;
    ev.micro.b = Micro(2)->header;
    ev.micro.b.time += 1;
    ev.micro.sig_a = util::Bytes(64, 1);
    ev.micro.sig_b = util::Bytes(64, 2);
    b.evidence.push_back(ev);
    b.tx_merkle_root = H(5);
    b.state_root = H(6);
    return std::make_shared<const core::FinalBlock>(std::move(b));
}

consensus::ViewChangeMsg ViewChange(bool prepared) {
    consensus::ViewChangeMsg vc;
    vc.height = 9;
    vc.new_view = 3;
    vc.voter = "node3";
    if (prepared) {
        consensus::PreparedCert pc;
        pc.view = 2;
        pc.block = Block(9);
        pc.hash = pc.block->Hash();
        pc.cert = Cert(core::VoteMessage(core::kVotePrepare, 9, 2, pc.hash));
        vc.prepared = pc;
    }
    vc.sig = util::Bytes(64, 9);
    return vc;
}

std::vector<Message> AllKinds() {
    std::vector<Message> out;
    out.push_back(consensus::TxMsg{
        std::make_shared<const core::Tx>(testing::Transfer("alice", "bobby", "1", kT0)), true});
    out.push_back(consensus::MicroMsg{Micro(2)});
    consensus::ProposalMsg p;
    p.height = 9;
    p.view = 3;
    p.block = Block(9);
    p.block_hash = p.block->Hash();
    p.proposer = "node0";
    p.justification = {ViewChange(true), ViewChange(false)};
    p.sig = util::Bytes(64, 4);
    out.push_back(p);
    core::SignedVote v{core::kVoteCommit, 9, 3, H(8), "node1", util::Bytes(64, 5)};
    out.push_back(consensus::VoteMsg{v});
    out.push_back(ViewChange(true));
    core::Evidence ev;
    ev.kind = core::EvidenceKind::kVoteEquivocation;
    ev.vote.a = v;
    ev.vote.b = v;
    ev.vote.b.block_hash = H(9);
    out.push_back(consensus::EvidenceMsg{std::make_shared<const core::Evidence>(ev)});
    out.push_back(consensus::MicroRequest{{H(1), H(2)}});
    out.push_back(consensus::SyncRequest{42});
    consensus::SyncResponse r;
    auto cb = std::make_shared<core::CertifiedBlock>();
    cb->block = *Block(10);
    cb->commit_view = 2;
    cb->cert = Cert(core::VoteMessage(core::kVoteCommit, 10, 2, cb->block.Hash()));
    r.blocks.push_back(cb);
    r.micros.push_back(Micro(1));
    out.push_back(r);
    return out;
}

TEST(Wire, EveryMessageRoundTripsByteForByte) {
    for (const auto& m : AllKinds()) {
        const util::Bytes b = EncodeMessage(m);
        const uint16_t type = NetTypeOf(TagOf(m));
        auto back = DecodeMessage(b, type);
        ASSERT_TRUE(back.ok()) << consensus::MessageName(m) << ": " << back.error().message;
        EXPECT_EQ(back->index(), m.index());
        EXPECT_EQ(EncodeMessage(*back), b) << consensus::MessageName(m);
    }
}

TEST(Wire, DecodedContentMatches) {
    auto msgs = AllKinds();
    auto p = DecodeMessage(EncodeMessage(msgs[2])).value();
    const auto& pp = std::get<consensus::ProposalMsg>(p);
    const auto& orig = std::get<consensus::ProposalMsg>(msgs[2]);
    EXPECT_EQ(pp.block->Hash(), orig.block->Hash());
    EXPECT_EQ(pp.block_hash, orig.block_hash);
    ASSERT_EQ(pp.justification.size(), 2u);
    ASSERT_TRUE(pp.justification[0].prepared.has_value());
    EXPECT_EQ(pp.justification[0].prepared->cert, orig.justification[0].prepared->cert);
    EXPECT_FALSE(pp.justification[1].prepared.has_value());
    auto t = DecodeMessage(EncodeMessage(msgs[0])).value();
    EXPECT_EQ(std::get<consensus::TxMsg>(t).tx->Hash(),
              std::get<consensus::TxMsg>(msgs[0]).tx->Hash());
    EXPECT_TRUE(std::get<consensus::TxMsg>(t).from_client);
    auto mb = DecodeMessage(EncodeMessage(msgs[1])).value();
    EXPECT_EQ(std::get<consensus::MicroMsg>(mb).micro->hash,
              std::get<consensus::MicroMsg>(msgs[1]).micro->hash);
}

TEST(Wire, TruncationsAndTrailingBytesAreRejected) {
    for (const auto& m : AllKinds()) {
        const util::Bytes b = EncodeMessage(m);
        // Every strict prefix fails (sampled for the long ones).
        const size_t step = std::max<size_t>(1, b.size() / 300);
        for (size_t n = 0; n < b.size(); n += step) {
            EXPECT_FALSE(DecodeMessage(util::ByteView(b.data(), n)).ok())
                << consensus::MessageName(m) << " prefix " << n;
        }
        util::Bytes longer = b;
        longer.push_back(0);
        EXPECT_FALSE(DecodeMessage(longer).ok()) << consensus::MessageName(m);
    }
}

TEST(Wire, TagsMustMatchTheFrameType) {
    const util::Bytes sync = EncodeMessage(consensus::SyncRequest{1});
    EXPECT_TRUE(DecodeMessage(sync, net::ToWire(net::MessageType::kSyncRequest)).ok());
    auto smuggled = DecodeMessage(sync, net::ToWire(net::MessageType::kVote));
    ASSERT_FALSE(smuggled.ok());
    EXPECT_NE(smuggled.error().message.find("frame"), std::string::npos);
    EXPECT_FALSE(DecodeMessage(util::Bytes{0}).ok());
    EXPECT_FALSE(DecodeMessage(util::Bytes{10, 0, 0}).ok());
    EXPECT_FALSE(DecodeMessage(util::Bytes{}).ok());
}

TEST(Wire, NonCanonicalFieldsAreRejected) {
    // from_client flag must be 0 or 1.
    util::Bytes tx = EncodeMessage(AllKinds()[0]);
    tx[1] = 2;
    EXPECT_FALSE(DecodeMessage(tx).ok());
    // A vote hash of 31 bytes.
    core::Encoder e;
    e.WriteByte(static_cast<uint8_t>(WireTag::kVote));
    e.WriteByte(core::kVotePrepare);
    e.WriteInt64(1).WriteInt64(0);
    e.WriteBytes(util::Bytes(31, 0));
    e.WriteString("node1");
    e.WriteBytes(util::Bytes(64, 0));
    auto r = DecodeMessage(e.bytes());
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("32 bytes"), std::string::npos);
    // Unknown vote kind.
    util::Bytes vote = EncodeMessage(AllKinds()[3]);
    vote[1] = 7;
    EXPECT_FALSE(DecodeMessage(vote).ok());
}

TEST(Wire, ListCapsHold) {
    consensus::MicroRequest big;
    for (size_t i = 0; i <= kMaxWireMicroRequest; ++i)
        big.hashes.push_back(H(static_cast<uint8_t>(i)));
    auto r = DecodeMessage(EncodeMessage(big));
    EXPECT_FALSE(r.ok());
    // A forged huge count with no bytes behind it fails before allocating.
    core::Encoder e;
    e.WriteByte(static_cast<uint8_t>(WireTag::kSyncResponse));
    e.WriteInt32(200);
    EXPECT_FALSE(DecodeMessage(e.bytes()).ok());
}

TEST(Wire, EncodeForNetworkSplitsWithinLimits) {
    consensus::MicroRequest big;
    for (int i = 0; i < 250; ++i) big.hashes.push_back(H(static_cast<uint8_t>(i)));
    auto parts = EncodeForNetwork(big, 1 << 20);
    ASSERT_EQ(parts.size(), 3u);
    size_t total = 0;
    for (const auto& p : parts) {
        EXPECT_LE(p.size(), 4096u);  // the SyncRequest frame cap
        total += std::get<consensus::MicroRequest>(DecodeMessage(p).value()).hashes.size();
    }
    EXPECT_EQ(total, 250u);

    consensus::SyncResponse r = std::get<consensus::SyncResponse>(AllKinds()[8]);
    for (int i = 2; i < 6; ++i) r.micros.push_back(Micro(static_cast<uint64_t>(i)));
    const size_t whole = EncodeMessage(r).size();
    size_t dropped = 0;
    auto pieces = EncodeForNetwork(r, whole / 2, &dropped);
    EXPECT_EQ(dropped, 0u);
    ASSERT_GE(pieces.size(), 2u);
    size_t blocks = 0, micros = 0;
    bool saw_block = false;
    for (const auto& p : pieces) {
        EXPECT_LE(p.size(), whole / 2);
        auto d = std::get<consensus::SyncResponse>(DecodeMessage(p).value());
        if (!d.micros.empty()) {
            EXPECT_FALSE(saw_block) << "micro-blocks must come before the blocks";
        }
        saw_block = saw_block || !d.blocks.empty();
        blocks += d.blocks.size();
        micros += d.micros.size();
    }
    EXPECT_EQ(blocks, r.blocks.size());
    EXPECT_EQ(micros, r.micros.size());
}

TEST(Wire, SafetyRecordRoundTrips) {
    consensus::SafetyState s;
    s.height = 12;
    s.view = 3;
    s.prepare = consensus::VoteRecord{3, H(1)};
    s.commit = consensus::VoteRecord{2, H(2)};
    auto vc = ViewChange(true);
    s.locked = vc.prepared;
    const util::Bytes b = EncodeSafety(s);
    auto back = DecodeSafety(b);
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(back->height, 12u);
    EXPECT_EQ(back->view, 3u);
    EXPECT_EQ(back->prepare, s.prepare);
    EXPECT_EQ(back->commit, s.commit);
    ASSERT_TRUE(back->locked.has_value());
    EXPECT_EQ(back->locked->hash, s.locked->hash);
    EXPECT_EQ(back->locked->cert, s.locked->cert);
    EXPECT_EQ(EncodeSafety(*back), b);
    consensus::SafetyState empty;
    EXPECT_EQ(EncodeSafety(DecodeSafety(EncodeSafety(empty)).value()), EncodeSafety(empty));
    util::Bytes bad = b;
    bad[0] = 9;
    EXPECT_FALSE(DecodeSafety(bad).ok());
    bad = b;
    bad.pop_back();
    EXPECT_FALSE(DecodeSafety(bad).ok());
}

}  // namespace
}  // namespace iost::node

namespace iost::node {
namespace {

// The seed corpus of tests/fuzz/fuzz_wire.cpp is exactly today's encoding of
// every message kind: a change of the wire format fails here until the corpus
// is rewritten on purpose with
//   IOST_WRITE_WIRE_CORPUS=tests/fuzz/corpus/wire unit_node --gtest_filter=Wire.Corpus
TEST(Wire, Corpus) {
    const char* out_dir = std::getenv("IOST_WRITE_WIRE_CORPUS");
    const std::string dir = out_dir ? out_dir : IOST_TEST_DATA_DIR "/fuzz/corpus/wire";
    int i = 0;
    auto check = [&](const std::string& name, const util::Bytes& b) {
        const std::string path = dir + "/" + name;
        if (out_dir) {
            std::ofstream(path, std::ios::binary)
                .write(reinterpret_cast<const char*>(b.data()),
                       static_cast<std::streamsize>(b.size()));
            return;
        }
        std::ifstream in(path, std::ios::binary);
        ASSERT_TRUE(in.good()) << "missing corpus file " << path;
        const util::Bytes committed((std::istreambuf_iterator<char>(in)),
                                    std::istreambuf_iterator<char>());
        EXPECT_EQ(committed, b) << path << " differs from the current wire encoding";
    };
    for (const auto& m : AllKinds())
        check(std::to_string(i++) + "_" + consensus::MessageName(m), EncodeMessage(m));
    consensus::SafetyState s;
    s.height = 3;
    s.prepare = consensus::VoteRecord{0, H(1)};
    check("safety", EncodeSafety(s));
    check("garbage", util::Bytes{9, 0, 0, 0, 200});
}

// docs/pob.md §9: the last signed MicroBlock's (epoch, seq, hash) survives
// encoding exactly; a truncated, extended or unknown-version record is refused.
TEST(Wire, ProducerRecordRoundTrip) {
    consensus::ProducerState p{7, 123, {}};
    p.hash[0] = 0xab;
    p.hash[31] = 0x01;
    const util::Bytes b = EncodeProducer(p);
    auto back = DecodeProducer(b);
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(*back, p);
    EXPECT_FALSE(DecodeProducer(util::Bytes(b.begin(), b.end() - 1)).ok());
    util::Bytes longer = b;
    longer.push_back(0);
    EXPECT_FALSE(DecodeProducer(longer).ok());
    util::Bytes other = b;
    other[0] = 9;
    EXPECT_FALSE(DecodeProducer(other).ok());
    EXPECT_FALSE(DecodeProducer({}).ok());
    EXPECT_NE(ProducerRecordKey("node0"), "node0");  // never the safety record's key
}

}  // namespace
}  // namespace iost::node
