// Collective certificates (docs/pob.md §6.2): AddVote outcomes, quorum,
// bitmap form, bad signatures and non-members, and the encoding round trip.
#include <core/block.h>
#include <core/codec.h>
#include <crypto/certificate.h>
#include <gtest/gtest.h>

namespace iost::crypto {
namespace {

struct Group {
    std::vector<KeyPair> keys;
    std::vector<PublicKey> pubs;
    explicit Group(size_t n) {
        for (size_t i = 0; i < n; ++i) {
            keys.push_back(KeyPair::FromSeed(Algorithm::kEd25519, "cert-" + std::to_string(i)));
            pubs.push_back(keys.back().public_key());
        }
    }
};

Hash256 Msg() { return Sha3_256(util::AsBytes("block")); }

TEST(Certificate, AddVoteOutcomes) {
    Group g(4);
    CertificateBuilder b(g.pubs, Msg(), RealVerifier());
    const auto sig0 = g.keys[0].Sign(View(Msg()));
    EXPECT_EQ(b.AddVote(g.pubs[0], sig0), VoteAdd::kAdded);
    EXPECT_EQ(b.AddVote(g.pubs[0], sig0), VoteAdd::kDuplicate);
    auto bad = g.keys[1].Sign(View(Msg()));
    bad[5] ^= 1;
    EXPECT_EQ(b.AddVote(g.pubs[1], bad), VoteAdd::kBadSignature);
    // A signature by member 2 presented as member 1's.
    EXPECT_EQ(b.AddVote(g.pubs[1], g.keys[2].Sign(View(Msg()))), VoteAdd::kBadSignature);
    const auto outsider = KeyPair::FromSeed(Algorithm::kEd25519, "outsider");
    EXPECT_EQ(b.AddVote(outsider.public_key(), outsider.Sign(View(Msg()))), VoteAdd::kNotMember);
    EXPECT_EQ(b.AddVoteAt(9, sig0), VoteAdd::kNotMember);
    EXPECT_EQ(b.count(), 1u);
}

TEST(Certificate, QuorumAndVerify) {
    Group g(5);
    CertificateBuilder b(g.pubs, Msg(), RealVerifier());
    for (size_t i : {4u, 1u, 3u})
        EXPECT_EQ(b.AddVoteAt(i, g.keys[i].Sign(View(Msg()))), VoteAdd::kAdded);
    Certificate c = b.Build();
    EXPECT_EQ(c.SignerCount(), 3u);
    EXPECT_EQ(c.Signers(), (std::vector<size_t>{1, 3, 4}));
    EXPECT_TRUE(VerifyCertificate(c, g.pubs, Msg(), 3, RealVerifier()).ok());
    EXPECT_FALSE(VerifyCertificate(c, g.pubs, Msg(), 4, RealVerifier()).ok());  // below quorum
    EXPECT_FALSE(
        VerifyCertificate(c, g.pubs, Sha3_256(util::AsBytes("other")), 3, RealVerifier()).ok());

    Certificate flipped = c;
    flipped.signatures[1][0] ^= 1;
    EXPECT_FALSE(VerifyCertificate(flipped, g.pubs, Msg(), 3, RealVerifier()).ok());
    Certificate extra_bit = c;
    extra_bit.bitmap[0] |= 1;  // claims member 0 without a signature
    EXPECT_FALSE(VerifyCertificate(extra_bit, g.pubs, Msg(), 3, RealVerifier()).ok());
    Certificate past_end = c;
    past_end.bitmap[0] |= 0x80;  // member 7 of a group of 5
    EXPECT_FALSE(VerifyCertificate(past_end, g.pubs, Msg(), 3, RealVerifier()).ok());
    Certificate short_map = c;
    short_map.bitmap.push_back(0);
    EXPECT_FALSE(VerifyCertificate(short_map, g.pubs, Msg(), 3, RealVerifier()).ok());
    // Swapping two signatures breaks the member ↔ signature pairing.
    Certificate swapped = c;
    std::swap(swapped.signatures[0], swapped.signatures[1]);
    EXPECT_FALSE(VerifyCertificate(swapped, g.pubs, Msg(), 3, RealVerifier()).ok());
}

TEST(Certificate, EncodingRoundTripAndHostileInput) {
    Group g(9);
    CertificateBuilder b(g.pubs, Msg(), RealVerifier());
    for (size_t i = 0; i < 9; i += 2) (void)b.AddVoteAt(i, g.keys[i].Sign(View(Msg())));
    core::CertifiedBlock cb;
    cb.block.height = 3;
    cb.block.proposer = "val01";
    cb.commit_view = 2;
    cb.cert = b.Build();
    const auto bytes = core::CertifiedBlockToBytes(cb);
    auto back = core::CertifiedBlockFromBytes(bytes);
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(back->cert, cb.cert);
    EXPECT_EQ(back->commit_view, 2u);
    EXPECT_EQ(back->block.Hash(), cb.block.Hash());
    for (size_t cut = 0; cut < bytes.size(); cut += 7) {
        EXPECT_FALSE(core::CertifiedBlockFromBytes(util::ByteView(bytes.data(), cut)).ok());
    }
    auto trailing = bytes;
    trailing.push_back(0);
    EXPECT_FALSE(core::CertifiedBlockFromBytes(trailing).ok());
}

}  // namespace
}  // namespace iost::crypto
