// Ed25519 (RFC 8032 vectors, libsodium's pinned verification rules) and
// secp256k1 (known answers cross-checked with Node's crypto, RFC 6979
// determinism, high-S rejection), key round trips, and malformed input.
#include <crypto/hash.h>
#include <crypto/keys.h>
#include <gtest/gtest.h>

#include <array>
#include <string>
#include <thread>
#include <vector>

namespace iost::crypto {
namespace {

util::Bytes FromHex(std::string_view h) {
    auto r = util::FromHex(h);
    EXPECT_TRUE(r.ok()) << h;
    return r.ok() ? *r : util::Bytes{};
}
std::string Hex(util::ByteView b) { return util::ToHex(b); }

// ---------------------------------------------------------------- algorithms

TEST(Algorithm, ParseNameAndByte) {
    EXPECT_EQ(*ParseAlgorithm("ed25519"), Algorithm::kEd25519);
    EXPECT_EQ(*ParseAlgorithm("secp256k1"), Algorithm::kSecp256k1);
    EXPECT_FALSE(ParseAlgorithm("Ed25519").ok());
    EXPECT_FALSE(ParseAlgorithm("").ok());
    EXPECT_FALSE(ParseAlgorithm("rsa").ok());
    EXPECT_EQ(AlgorithmName(Algorithm::kEd25519), "ed25519");
    EXPECT_EQ(AlgorithmName(Algorithm::kSecp256k1), "secp256k1");
    EXPECT_EQ(*AlgorithmFromByte(1), Algorithm::kSecp256k1);
    EXPECT_EQ(*AlgorithmFromByte(2), Algorithm::kEd25519);
    for (int b : {0, 3, 255}) EXPECT_FALSE(AlgorithmFromByte(static_cast<uint8_t>(b)).ok()) << b;
}

// ------------------------------------------------------------------- Ed25519

struct Rfc8032Vector {
    const char* seed;
    const char* pub;
    const char* msg;
    const char* sig;
};
// RFC 8032 §7.1 TEST 1-3 (also reproduced with Node's crypto.sign).
constexpr Rfc8032Vector kRfc8032[] = {
    {"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
     "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
     "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b"
     "46bd25bf5f0595bbe24655141438e7a100b"},
    {"4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
     "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
     "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11"
     "d8c387b2eaeb4302aeeb00d291612bb0c00"},
    {"c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
     "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
     "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc"
     "6594a7c15e9716ed28dc027beceea1ec40a"},
};

TEST(Ed25519, Rfc8032SignAndVerify) {
    for (const auto& v : kRfc8032) {
        auto kp = KeyPair::FromSecret(Algorithm::kEd25519, FromHex(v.seed));
        ASSERT_TRUE(kp.ok()) << kp.error().message;
        EXPECT_EQ(Hex(kp->public_key().bytes), v.pub);
        EXPECT_EQ(Hex(kp->SecretBytes()), std::string(v.seed) + v.pub);  // IOST form seed‖pub
        const util::Bytes msg = FromHex(v.msg);
        EXPECT_EQ(Hex(kp->Sign(msg)), v.sig);
        EXPECT_TRUE(Verify(Algorithm::kEd25519, FromHex(v.pub), msg, FromHex(v.sig)));
        // The 64-byte form loads to the same key.
        auto kp64 = KeyPair::FromSecret(Algorithm::kEd25519, kp->SecretBytes());
        ASSERT_TRUE(kp64.ok());
        EXPECT_EQ(kp64->public_key(), kp->public_key());
    }
}

TEST(Ed25519, FlippedBitsFail) {
    const auto& v = kRfc8032[2];
    const util::Bytes pub = FromHex(v.pub), msg = FromHex(v.msg), sig = FromHex(v.sig);
    for (size_t bit = 0; bit < sig.size() * 8; ++bit) {
        util::Bytes s = sig;
        s[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
        EXPECT_FALSE(Verify(Algorithm::kEd25519, pub, msg, s)) << "sig bit " << bit;
    }
    for (size_t bit = 0; bit < msg.size() * 8; ++bit) {
        util::Bytes m = msg;
        m[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
        EXPECT_FALSE(Verify(Algorithm::kEd25519, pub, m, sig)) << "msg bit " << bit;
    }
    for (size_t bit = 0; bit < pub.size() * 8; ++bit) {
        util::Bytes p = pub;
        p[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
        EXPECT_FALSE(Verify(Algorithm::kEd25519, p, msg, sig)) << "pub bit " << bit;
    }
}

// S + L encodes the same scalar mod L, so the cofactorless equation still
// holds: only the canonical-S rule (pinned from libsodium 1.0.18) rejects it.
TEST(Ed25519, NonCanonicalSRejected) {
    // L = 2^252 + 27742317777372353535851937790883648493, little-endian.
    const util::Bytes l =
        FromHex("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010");
    const auto& v = kRfc8032[1];
    const util::Bytes pub = FromHex(v.pub), msg = FromHex(v.msg), sig = FromHex(v.sig);
    ASSERT_TRUE(Verify(Algorithm::kEd25519, pub, msg, sig));
    util::Bytes mall = sig;
    unsigned carry = 0;
    for (size_t i = 0; i < 32; ++i) {
        const unsigned sum = mall[32 + i] + l[i] + carry;
        mall[32 + i] = static_cast<uint8_t>(sum);
        carry = sum >> 8;
    }
    ASSERT_EQ(carry, 0u);  // S < L < 2^253, so S + L < 2^254 fits
    EXPECT_NE(mall, sig);
    EXPECT_FALSE(Verify(Algorithm::kEd25519, pub, msg, mall));
}

// With A = identity and R = identity, S = 0 satisfies [S]B = R + [k]A for any
// message; libsodium refuses small-order A and R, and so must we.
TEST(Ed25519, SmallOrderKeyRejected) {
    util::Bytes identity(32, 0);
    identity[0] = 1;
    util::Bytes sig(64, 0);
    sig[0] = 1;  // R = identity, S = 0
    EXPECT_FALSE(Verify(Algorithm::kEd25519, identity, util::AsBytes("anything"), sig));
    EXPECT_FALSE(ValidatePublicKey(Algorithm::kEd25519, identity).ok());
}

TEST(Ed25519, SecretFormsAndMismatch) {
    const KeyPair kp = KeyPair::Generate(Algorithm::kEd25519);
    ASSERT_EQ(kp.SecretBytes().size(), kEd25519SecretKeySize);
    // Pub half that does not belong to the seed: refused.
    util::Bytes bad = kp.SecretBytes();
    bad[40] ^= 1;
    EXPECT_FALSE(KeyPair::FromSecret(Algorithm::kEd25519, bad).ok());
    for (size_t n : {0u, 31u, 33u, 63u, 65u}) {
        EXPECT_FALSE(KeyPair::FromSecret(Algorithm::kEd25519, util::Bytes(n, 7)).ok()) << n;
    }
}

TEST(Ed25519, PublicKeyValidation) {
    EXPECT_TRUE(ValidatePublicKey(Algorithm::kEd25519, FromHex(kRfc8032[0].pub)).ok());
    EXPECT_FALSE(ValidatePublicKey(Algorithm::kEd25519, util::Bytes(31, 1)).ok());
    EXPECT_FALSE(ValidatePublicKey(Algorithm::kEd25519, util::Bytes(33, 1)).ok());
    EXPECT_FALSE(ValidatePublicKey(Algorithm::kEd25519, {}).ok());
    // y = p (non-canonical encoding of y = 0).
    util::Bytes p = FromHex("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");
    EXPECT_FALSE(ValidatePublicKey(Algorithm::kEd25519, p).ok());
}

// ----------------------------------------------------------------- secp256k1

// Compressed public keys computed independently with Node's
// crypto.createECDH('secp256k1').getPublicKey('hex', 'compressed').
TEST(Secp256k1, KnownPublicKeys) {
    struct {
        const char* secret;
        const char* pub;
    } const cases[] = {
        {"0000000000000000000000000000000000000000000000000000000000000001",
         "0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"},
        {"e8f32e723decf4051aefac8e2c93c9c5b214313817cdb01a1494b917c8436b35",
         "0339a36013301597daef41fbe593a02cc513d0b55527ec2df1050e2e8ff49c85c2"},
        {"fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140",  // n - 1
         "0379be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"},
    };
    for (const auto& c : cases) {
        auto kp = KeyPair::FromSecret(Algorithm::kSecp256k1, FromHex(c.secret));
        ASSERT_TRUE(kp.ok()) << kp.error().message;
        EXPECT_EQ(Hex(kp->public_key().bytes), c.pub);
        EXPECT_EQ(Hex(kp->SecretBytes()), c.secret);
        EXPECT_TRUE(ValidatePublicKey(Algorithm::kSecp256k1, kp->public_key().bytes).ok());
    }
}

// RFC 6979 known answer: key 1, digest SHA-256("Satoshi Nakamoto") (the
// widely published Trezor/python-ecdsa vector; Node's crypto.verify accepts
// this r‖s for that key and message).
TEST(Secp256k1, Rfc6979KnownAnswer) {
    auto kp = KeyPair::FromSecret(
        Algorithm::kSecp256k1,
        FromHex("0000000000000000000000000000000000000000000000000000000000000001"));
    ASSERT_TRUE(kp.ok());
    const util::Bytes digest =
        FromHex("a0dc65ffca799873cbea0ac274015b9526505daaaed385155425f7337704883e");
    const util::Bytes sig = kp->Sign(digest);
    EXPECT_EQ(Hex(sig),
              "934b1ea10a4b3c1757e2b0c017d0b6143ce3c9a7e6a4a49860d7a6ab210ee3d8"
              "2442ce9d2b916064108014783e923ec36b49743e2ffa1c4496f01a512aafd9e5");
    EXPECT_TRUE(Verify(Algorithm::kSecp256k1, kp->public_key().bytes, digest, sig));
    EXPECT_EQ(kp->Sign(digest), sig);  // deterministic
}

// s' = n - s (big-endian 32 bytes).
util::Bytes NegateS(const util::Bytes& sig) {
    const util::Bytes n =
        FromHex("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141");
    util::Bytes out = sig;
    int borrow = 0;
    for (int i = 31; i >= 0; --i) {
        int d = n[static_cast<size_t>(i)] - sig[32 + static_cast<size_t>(i)] - borrow;
        borrow = d < 0;
        out[32 + static_cast<size_t>(i)] = static_cast<uint8_t>(d + (borrow ? 256 : 0));
    }
    return out;
}

TEST(Secp256k1, HighSRejected) {
    for (int i = 0; i < 16; ++i) {
        const KeyPair kp = KeyPair::FromSeed(Algorithm::kSecp256k1, "high-s " + std::to_string(i));
        const Hash256 h = Sha3_256(util::AsBytes("message " + std::to_string(i)));
        const util::Bytes sig = kp.Sign(View(h));
        ASSERT_TRUE(Verify(Algorithm::kSecp256k1, kp.public_key().bytes, View(h), sig));
        // libsecp256k1 signs low-S: top bit of s is clear (s <= n/2 < 2^255).
        EXPECT_EQ(sig[32] & 0x80, 0);
        const util::Bytes high = NegateS(sig);
        EXPECT_NE(high, sig);
        EXPECT_FALSE(Verify(Algorithm::kSecp256k1, kp.public_key().bytes, View(h), high));
    }
}

TEST(Secp256k1, WrongKeyMessageAndFlippedBitsFail) {
    const KeyPair a = KeyPair::FromSeed(Algorithm::kSecp256k1, "alice");
    const KeyPair b = KeyPair::FromSeed(Algorithm::kSecp256k1, "bob");
    const Hash256 h = Sha3_256(util::AsBytes("pay bob 10 iost"));
    const util::Bytes sig = a.Sign(View(h));
    EXPECT_TRUE(Verify(Algorithm::kSecp256k1, a.public_key().bytes, View(h), sig));
    EXPECT_FALSE(Verify(Algorithm::kSecp256k1, b.public_key().bytes, View(h), sig));
    EXPECT_FALSE(Verify(Algorithm::kSecp256k1, a.public_key().bytes,
                        View(Sha3_256(util::AsBytes("pay bob 11 iost"))), sig));
    // Same bytes under the other algorithm: false.
    EXPECT_FALSE(Verify(Algorithm::kEd25519, a.public_key().bytes, View(h), sig));
    for (size_t bit = 0; bit < 512; ++bit) {
        util::Bytes s = sig;
        s[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
        EXPECT_FALSE(Verify(Algorithm::kSecp256k1, a.public_key().bytes, View(h), s))
            << "sig bit " << bit;
    }
    for (size_t bit = 0; bit < 256; ++bit) {
        Hash256 m = h;
        m[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
        EXPECT_FALSE(Verify(Algorithm::kSecp256k1, a.public_key().bytes, View(m), sig))
            << "msg bit " << bit;
    }
    // Zero r or s.
    util::Bytes zr = sig;
    std::fill(zr.begin(), zr.begin() + 32, 0);
    EXPECT_FALSE(Verify(Algorithm::kSecp256k1, a.public_key().bytes, View(h), zr));
    util::Bytes zs = sig;
    std::fill(zs.begin() + 32, zs.end(), 0);
    EXPECT_FALSE(Verify(Algorithm::kSecp256k1, a.public_key().bytes, View(h), zs));
}

TEST(Secp256k1, InvalidSecretsRefused) {
    const char* bad[] = {
        "0000000000000000000000000000000000000000000000000000000000000000",  // zero
        "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141",  // n
        "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364142",  // n + 1
        "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
    };
    for (const char* s : bad)
        EXPECT_FALSE(KeyPair::FromSecret(Algorithm::kSecp256k1, FromHex(s)).ok()) << s;
    for (size_t n : {0u, 31u, 33u, 64u}) {
        EXPECT_FALSE(KeyPair::FromSecret(Algorithm::kSecp256k1, util::Bytes(n, 7)).ok()) << n;
    }
}

TEST(Secp256k1, PublicKeyValidation) {
    const KeyPair kp = KeyPair::FromSeed(Algorithm::kSecp256k1, "validate");
    EXPECT_TRUE(ValidatePublicKey(Algorithm::kSecp256k1, kp.public_key().bytes).ok());
    util::Bytes p = kp.public_key().bytes;
    p[0] = 0x04;  // uncompressed prefix on a 33-byte key
    EXPECT_FALSE(ValidatePublicKey(Algorithm::kSecp256k1, p).ok());
    // x = 5 has no y on secp256k1 (5^3 + 7 = 132 is not a square mod p).
    util::Bytes off(33, 0);
    off[0] = 0x02;
    off[32] = 5;
    EXPECT_FALSE(ValidatePublicKey(Algorithm::kSecp256k1, off).ok());
    // x >= p.
    util::Bytes big(33, 0xff);
    big[0] = 0x03;
    EXPECT_FALSE(ValidatePublicKey(Algorithm::kSecp256k1, big).ok());
    EXPECT_FALSE(ValidatePublicKey(Algorithm::kSecp256k1, util::Bytes(65, 4)).ok());
    EXPECT_FALSE(ValidatePublicKey(Algorithm::kSecp256k1, {}).ok());
    // The same 33 bytes are not an Ed25519 key.
    EXPECT_FALSE(ValidatePublicKey(Algorithm::kEd25519, kp.public_key().bytes).ok());
}

// ----------------------------------------------------------- both algorithms

class BothAlgorithms : public ::testing::TestWithParam<Algorithm> {};

TEST_P(BothAlgorithms, Base58SecretRoundTrip) {
    for (int i = 0; i < 8; ++i) {
        const KeyPair kp = KeyPair::Generate(GetParam());
        const std::string b58 = util::Base58Encode(kp.SecretBytes());
        auto raw = util::Base58Decode(b58);
        ASSERT_TRUE(raw.ok());
        auto back = KeyPair::FromSecret(GetParam(), *raw);
        ASSERT_TRUE(back.ok()) << back.error().message;
        EXPECT_EQ(back->public_key(), kp.public_key());
        EXPECT_EQ(back->SecretBytes(), kp.SecretBytes());
        const Hash256 h = Sha3_256(util::AsBytes(b58));
        EXPECT_TRUE(Verify(GetParam(), kp.public_key().bytes, View(h), back->Sign(View(h))));
    }
}

TEST_P(BothAlgorithms, FromSeedIsDeterministicAndDistinct) {
    const KeyPair a1 = KeyPair::FromSeed(GetParam(), "producer-0");
    const KeyPair a2 = KeyPair::FromSeed(GetParam(), "producer-0");
    const KeyPair b = KeyPair::FromSeed(GetParam(), "producer-1");
    EXPECT_EQ(a1.public_key(), a2.public_key());
    EXPECT_EQ(a1.SecretBytes(), a2.SecretBytes());
    EXPECT_NE(a1.public_key(), b.public_key());
    EXPECT_EQ(a1.algorithm(), GetParam());
    // The seed is SHA3(phrase): the secret's first 32 bytes are that hash.
    const Hash256 h = Sha3_256(util::AsBytes("producer-0"));
    EXPECT_TRUE(std::equal(h.begin(), h.end(), a1.SecretBytes().begin()));
}

TEST_P(BothAlgorithms, SignIsDeterministic) {
    const KeyPair kp = KeyPair::FromSeed(GetParam(), "det");
    const Hash256 h = Sha3_256(util::AsBytes("x"));
    EXPECT_EQ(kp.Sign(View(h)), kp.Sign(View(h)));
    EXPECT_EQ(kp.Sign(View(h)).size(), kSignatureSize);
}

TEST_P(BothAlgorithms, WrongLengthsAreFalseNotCrash) {
    const KeyPair kp = KeyPair::FromSeed(GetParam(), "lengths");
    const Hash256 h = Sha3_256(util::AsBytes("m"));
    const util::Bytes sig = kp.Sign(View(h));
    const util::Bytes& pub = kp.public_key().bytes;
    ASSERT_TRUE(Verify(GetParam(), pub, View(h), sig));
    for (size_t n : {0u, 1u, 31u, 32u, 33u, 34u, 63u, 65u, 128u}) {
        if (n != sig.size()) {
            util::Bytes s(sig);
            s.resize(n, 0);
            EXPECT_FALSE(Verify(GetParam(), pub, View(h), s)) << "sig len " << n;
        }
        if (n != pub.size()) {
            util::Bytes p(pub);
            p.resize(n, 0);
            EXPECT_FALSE(Verify(GetParam(), p, View(h), sig)) << "pub len " << n;
        }
    }
    EXPECT_FALSE(Verify(GetParam(), {}, {}, {}));
    if (GetParam() == Algorithm::kSecp256k1) {
        // secp256k1 signs exactly a 32-byte digest; other lengths are false.
        util::Bytes m(h.begin(), h.end());
        m.push_back(0);
        EXPECT_FALSE(Verify(GetParam(), pub, m, sig));
        m.resize(31);
        EXPECT_FALSE(Verify(GetParam(), pub, m, sig));
    }
}

TEST_P(BothAlgorithms, GenerateGivesDistinctValidKeys) {
    const KeyPair a = KeyPair::Generate(GetParam());
    const KeyPair b = KeyPair::Generate(GetParam());
    EXPECT_NE(a.public_key(), b.public_key());
    EXPECT_TRUE(ValidatePublicKey(GetParam(), a.public_key().bytes).ok());
    auto again = KeyPair::FromSecret(GetParam(), a.SecretBytes());
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->public_key(), a.public_key());
}

INSTANTIATE_TEST_SUITE_P(Crypto, BothAlgorithms,
                         ::testing::Values(Algorithm::kEd25519, Algorithm::kSecp256k1),
                         [](const auto& param_info) {
                             return std::string(AlgorithmName(param_info.param));
                         });

// ---------------------------------------------------------------- VerifyBatch

struct BatchData {
    std::vector<util::Bytes> pubs, msgs, sigs;
    std::vector<VerifyItem> items;
    std::vector<char> expected;
};

// Mixed algorithms, every 3rd item corrupted (sig, msg or key in turn).
BatchData MakeBatch(size_t n) {
    BatchData d;
    d.pubs.resize(n);
    d.msgs.resize(n);
    d.sigs.resize(n);
    const KeyPair ed = KeyPair::FromSeed(Algorithm::kEd25519, "batch-ed");
    const KeyPair k1 = KeyPair::FromSeed(Algorithm::kSecp256k1, "batch-k1");
    for (size_t i = 0; i < n; ++i) {
        const KeyPair& kp = i % 2 ? k1 : ed;
        const Hash256 h = Sha3_256(util::AsBytes("batch " + std::to_string(i)));
        d.msgs[i].assign(h.begin(), h.end());
        d.sigs[i] = kp.Sign(d.msgs[i]);
        d.pubs[i] = kp.public_key().bytes;
        bool ok = true;
        if (i % 3 == 0) {
            ok = false;
            switch ((i / 3) % 3) {
                case 0:
                    d.sigs[i][5] ^= 0x10;
                    break;
                case 1:
                    d.msgs[i][0] ^= 1;
                    break;
                case 2:
                    d.pubs[i] = (i % 2 ? ed : k1).public_key().bytes;
                    break;
            }
        }
        d.expected.push_back(ok);
    }
    for (size_t i = 0; i < n; ++i) {
        d.items.push_back(
            {i % 2 ? Algorithm::kSecp256k1 : Algorithm::kEd25519, d.pubs[i], d.msgs[i], d.sigs[i]});
    }
    return d;
}

TEST(VerifyBatch, MatchesSingleChecksAtEverySize) {
    for (size_t n : {0u, 1u, 2u, 63u, 64u, 127u, 128u, 129u, 500u, 1031u}) {
        BatchData d = MakeBatch(n);
        std::unique_ptr<bool[]> out(new bool[n + 1]);
        for (size_t i = 0; i < n; ++i)
            out[i] = !d.expected[i];  // poison: every slot must be written
        RealVerifier().VerifyBatch(d.items, std::span<bool>(out.get(), n));
        for (size_t i = 0; i < n; ++i) {
            ASSERT_EQ(out[i], static_cast<bool>(d.expected[i])) << "n=" << n << " i=" << i;
            ASSERT_EQ(out[i], RealVerifier().Verify(d.items[i])) << "n=" << n << " i=" << i;
        }
    }
}

// The base-class (sequential) VerifyBatch gives the same outcomes.
class CountingVerifier final : public Verifier {
  public:
    bool Verify(const VerifyItem& item) const override {
        ++m_calls;
        return crypto::Verify(item.algorithm, item.pub, item.msg, item.sig);
    }
    mutable size_t m_calls = 0;
};

TEST(VerifyBatch, BaseClassIsSequentialAndEquivalent) {
    BatchData d = MakeBatch(200);
    CountingVerifier v;
    std::unique_ptr<bool[]> a(new bool[200]), b(new bool[200]);
    v.VerifyBatch(d.items, std::span<bool>(a.get(), 200));
    EXPECT_EQ(v.m_calls, 200u);
    DefaultVerifier().VerifyBatch(d.items, std::span<bool>(b.get(), 200));
    for (size_t i = 0; i < 200; ++i) EXPECT_EQ(a[i], b[i]) << i;
}

}  // namespace
}  // namespace iost::crypto

namespace iost::crypto {
namespace {

// The shared libsodium/libsecp256k1 state (one-time init, one secp256k1
// context) is used from many threads at once; run under TSan to check.
TEST(Concurrency, SignVerifyGenerateFromManyThreads) {
    constexpr int kThreads = 4;
    std::vector<int> failures(kThreads, 0);
    {
        std::vector<std::jthread> threads;
        for (int t = 0; t < kThreads; ++t) {
            threads.emplace_back([t, &failures] {
                for (int i = 0; i < 50; ++i) {
                    const Algorithm a = (i + t) % 2 ? Algorithm::kSecp256k1 : Algorithm::kEd25519;
                    const KeyPair kp =
                        i % 5 == 0 ? KeyPair::Generate(a)
                                   : KeyPair::FromSeed(a, "t" + std::to_string(t * 1000 + i));
                    const Hash256 h = Sha3_256(util::AsBytes(std::to_string(i)));
                    const util::Bytes sig = kp.Sign(View(h));
                    if (!Verify(a, kp.public_key().bytes, View(h), sig))
                        ++failures[static_cast<size_t>(t)];
                    if (!ValidatePublicKey(a, kp.public_key().bytes).ok())
                        ++failures[static_cast<size_t>(t)];
                }
            });
        }
    }
    for (int f : failures) EXPECT_EQ(f, 0);
}

}  // namespace
}  // namespace iost::crypto
