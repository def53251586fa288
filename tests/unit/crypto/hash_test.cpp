// SHA3-256 against the NIST FIPS-202 example values (cross-checked with
// Python's hashlib.sha3_256), incremental vs one-shot, and the base58 form;
// RIPEMD-160 against its published vectors.
#include <crypto/hash.h>
#include <crypto/ripemd160.h>
#include <gtest/gtest.h>

#include <string>

namespace iost::crypto {
namespace {

std::string Hex(const Hash256& h) { return util::ToHex(View(h)); }

TEST(Sha3, NistVectors) {
    EXPECT_EQ(Hex(Sha3_256(util::AsBytes(""))),
              "a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a");
    EXPECT_EQ(Hex(Sha3_256(util::AsBytes("abc"))),
              "3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532");
    EXPECT_EQ(
        Hex(Sha3_256(util::AsBytes("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"))),
        "41c0dba2a9d6240849100376a8235e2c82e1b9998a999e21db32dd97496d3376");
    EXPECT_EQ(Hex(Sha3_256(
                  util::AsBytes("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
                                "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu"))),
              "916f6061fe879741ca6469b43971dfdb28b1a32dc36cb3254e812be27aad1d18");
}

// RIPEMD-160 against the vectors of its authors' paper (Dobbertin, Bosselaers,
// Preneel; also Python's hashlib and `openssl dgst -ripemd160`).
TEST(Ripemd160, PublishedVectors) {
    auto hex = [](std::string_view s) {
        const auto h = Ripemd160(util::AsBytes(s));
        return util::ToHex(util::ByteView(h.data(), h.size()));
    };
    EXPECT_EQ(hex(""), "9c1185a5c5e9fc54612808977ee8f548b2258d31");
    EXPECT_EQ(hex("abc"), "8eb208f7e05d987a9b044a8e98c6b087f15a0bfc");
    EXPECT_EQ(hex("message digest"), "5d0689ef49d2fae572b881b123a85ffa21595f36");
    EXPECT_EQ(hex(std::string(1'000'000, 'a')), "52783243c1697bdbe16d37f97f68f08325dc1528");
}

TEST(Sha3, MillionA) {
    const std::string a(1'000'000, 'a');
    EXPECT_EQ(Hex(Sha3_256(util::AsBytes(a))),
              "5c8875ae474a3634ba4fd55ec85bffd661f32aca75c6d699d0cdcb6c115891c1");
    // Same through the incremental API in uneven pieces.
    Sha3Hasher h;
    size_t off = 0;
    for (size_t piece = 1; off < a.size(); piece = piece * 3 + 1) {
        const size_t n = std::min(piece, a.size() - off);
        h.Update(util::AsBytes(std::string_view(a).substr(off, n)));
        off += n;
    }
    EXPECT_EQ(Hex(h.Final()), "5c8875ae474a3634ba4fd55ec85bffd661f32aca75c6d699d0cdcb6c115891c1");
}

TEST(Sha3, NotKeccak) {
    // Keccak-256("") (Ethereum's hash) is c5d2460186f7...; IOST uses FIPS-202.
    EXPECT_NE(Hex(Sha3_256(util::AsBytes(""))).substr(0, 12), "c5d2460186f7");
}

TEST(Sha3, IncrementalEqualsOneShotAndResets) {
    std::string data;
    for (int i = 0; i < 1000; ++i) data.push_back(static_cast<char>(i * 7 + 3));
    const Hash256 one = Sha3_256(util::AsBytes(data));
    Sha3Hasher h;
    for (size_t split : {0u, 1u, 135u, 136u, 137u, 500u, 1000u}) {
        h.Update(util::AsBytes(std::string_view(data).substr(0, split)))
            .Update(util::AsBytes(std::string_view(data).substr(split)));
        EXPECT_EQ(h.Final(), one) << "split " << split;  // Final resets: reuse is clean
    }
    EXPECT_EQ(h.Final(), Sha3_256(util::AsBytes("")));  // nothing fed since the last Final
    h.Update({});
    EXPECT_EQ(h.Final(), Sha3_256(util::AsBytes("")));
}

TEST(Sha3, Base58RoundTrip) {
    const Hash256 h = Sha3_256(util::AsBytes("abc"));
    const std::string s = HashToBase58(h);
    auto back = HashFromBase58(s);
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(*back, h);

    Hash256 zero{};
    EXPECT_EQ(HashToBase58(zero), std::string(32, '1'));
    auto z = HashFromBase58(std::string(32, '1'));
    ASSERT_TRUE(z.ok());
    EXPECT_EQ(*z, zero);
}

TEST(Sha3, Base58RejectsWrongLengthAndBadChars) {
    EXPECT_FALSE(HashFromBase58("").ok());
    EXPECT_FALSE(HashFromBase58(std::string(31, '1')).ok());
    EXPECT_FALSE(HashFromBase58(std::string(33, '1')).ok());
    const Hash256 h = Sha3_256(util::AsBytes("abc"));
    std::string s = HashToBase58(h);
    EXPECT_FALSE(HashFromBase58(s + "2").ok());  // 33 bytes
    EXPECT_FALSE(HashFromBase58(util::Base58Encode(util::Bytes(31, 0xff))).ok());
    EXPECT_FALSE(HashFromBase58(util::Base58Encode(util::Bytes(33, 0x01))).ok());
    EXPECT_TRUE(HashFromBase58(util::Base58Encode(util::Bytes(32, 0xff))).ok());
    std::string bad = s;
    bad[3] = '0';  // not in the alphabet
    EXPECT_FALSE(HashFromBase58(bad).ok());
    EXPECT_FALSE(HashFromBase58(std::string(600, 'z')).ok());  // over kMaxBase58Chars
}

}  // namespace
}  // namespace iost::crypto
