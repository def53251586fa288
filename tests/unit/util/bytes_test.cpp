#include <gtest/gtest.h>
#include <util/bytes.h>

using namespace iost::util;

TEST(Hex, RoundTrip) {
    Bytes b = {0x00, 0x01, 0xab, 0xff};
    EXPECT_EQ(ToHex(b), "0001abff");
    auto r = FromHex("0001ABff");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(*r, b);
}

TEST(Hex, RejectsBadInput) {
    EXPECT_FALSE(FromHex("abc").ok());
    EXPECT_FALSE(FromHex("zz").ok());
    EXPECT_FALSE(FromHex("00 1").ok());
    EXPECT_EQ(FromHex("abc").error().message, "hex: odd number of digits");
}

// Vectors from Bitcoin's base58_encode_decode.json.
TEST(Base58, BitcoinVectors) {
    const std::pair<const char*, const char*> kVectors[] = {
        {"", ""},
        {"61", "2g"},
        {"626262", "a3gV"},
        {"636363", "aPEr"},
        {"73696d706c792061206c6f6e6720737472696e67", "2cFupjhnEsSn59qHXstmK2ffpLv2"},
        {"00eb15231dfceb60925886b67d065299925915aeb172c06647",
         "1NS17iag9jJgTHD1VXjvLCEnZuQ3rJDE9L"},
        {"516b6fcd0f", "ABnLTmg"},
        {"bf4f89001e670274dd", "3SEo3LWLoPntC"},
        {"572e4794", "3EFU7m"},
        {"ecac89cad93923c02321", "EJDM8drfXA6uyA"},
        {"10c8511e", "Rt5zm"},
        {"00000000000000000000", "1111111111"},
    };
    for (const auto& [hex, b58] : kVectors) {
        Bytes raw = FromHex(hex).value();
        EXPECT_EQ(Base58Encode(raw), b58) << hex;
        auto dec = Base58Decode(b58);
        ASSERT_TRUE(dec.ok()) << b58;
        EXPECT_EQ(*dec, raw) << b58;
    }
}

TEST(Base58, RejectsBadInput) {
    EXPECT_FALSE(Base58Decode("0OIl").ok());
    EXPECT_FALSE(Base58Decode("abc\xff").ok());
    EXPECT_FALSE(Base58Decode(std::string(kMaxBase58Chars + 1, '2')).ok());
    EXPECT_TRUE(Base58Decode(std::string(kMaxBase58Chars, '2')).ok());
}

TEST(Base58, RandomRoundTrip) {
    uint32_t x = 12345;
    for (int n = 0; n < 200; ++n) {
        Bytes b(static_cast<size_t>(n % 70));
        for (auto& v : b) {
            x = x * 1103515245 + 12345;
            v = static_cast<uint8_t>((x >> 16) % 4 == 0 ? 0 : x >> 8);
        }
        auto d = Base58Decode(Base58Encode(b));
        ASSERT_TRUE(d.ok());
        EXPECT_EQ(*d, b);
    }
}

TEST(Base64, RoundTripAndStrictness) {
    EXPECT_EQ(Base64Encode(AsBytes("foobar")), "Zm9vYmFy");
    EXPECT_EQ(Base64Encode(AsBytes("fo")), "Zm8=");
    EXPECT_EQ(AsString(Base64Decode("Zm8=").value()), "fo");
    EXPECT_EQ(Base64Decode("").value().size(), 0u);
    EXPECT_FALSE(Base64Decode("Zm8").ok());    // missing padding
    EXPECT_FALSE(Base64Decode("Zm8=x").ok());  // trailing garbage
    EXPECT_FALSE(Base64Decode("Z m8=").ok());
    EXPECT_FALSE(Base64Decode("Zm_-").ok());         // URL alphabet is not IOST's
    EXPECT_FALSE(Base64Decode("AAAAAAA\xff").ok());  // libsodium reads high bytes as /
}
