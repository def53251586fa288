#include <core/codec.h>
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>
#include <util/bytes.h>

#include <limits>

namespace iost::core {
namespace {

std::string Hex(const util::Bytes& b) { return util::ToHex(b); }

TEST(Encoder, BigEndianIntegers) {
    Encoder e;
    e.WriteInt64(1).WriteInt64(-1).WriteInt32(0x01020304).WriteInt32(-2).WriteByte(0xab);
    EXPECT_EQ(Hex(e.bytes()),
              "0000000000000001"
              "ffffffffffffffff"
              "01020304"
              "fffffffe"
              "ab");
}

TEST(Encoder, LengthPrefixedAndLists) {
    Encoder e;
    e.WriteString("ab")
        .WriteBytes(util::Bytes{})
        .WriteStringList(std::vector<std::string>{"x", ""});
    EXPECT_EQ(Hex(e.bytes()),
              "000000026162"
              "00000000"
              "00000002"
              "0000000178"
              "00000000");
}

TEST(Encoder, MapKeysSortedByByteValue) {
    // Go sorts map keys by byte value: "B" (0x42) < "a" (0x61) < "\xc3" (UTF-8 lead).
    Encoder e;
    e.WriteMapStringInt64({{"a", 1}, {"B", 2}, {"\xc3\xa9", 3}});
    EXPECT_EQ(Hex(e.bytes()),
              "00000003"
              "0000000142"
              "0000000000000002"
              "0000000161"
              "0000000000000001"
              "00000002c3a9"
              "0000000000000003");
}

TEST(Encoder, NestedMatchesAWrittenByteString) {
    Encoder inner;
    inner.WriteString("token").WriteInt64(7);
    Encoder a;
    a.WriteBytes(inner.bytes());
    Encoder b;
    const size_t tok = b.BeginNested();
    b.WriteString("token").WriteInt64(7);
    b.EndNested(tok);
    EXPECT_EQ(a.bytes(), b.bytes());
}

TEST(Decoder, ReadsWhatTheEncoderWrote) {
    Encoder e;
    e.WriteByte(9)
        .WriteInt32(std::numeric_limits<int32_t>::min())
        .WriteInt64(std::numeric_limits<int64_t>::max());
    e.WriteString("hello").WriteBytesList(std::vector<util::Bytes>{{1, 2}, {}});
    e.WriteMapStringInt64({{"x", -5}, {"y", 6}});
    Decoder d(e.bytes());
    EXPECT_EQ(*d.ReadByte(), 9);
    EXPECT_EQ(*d.ReadInt32(), std::numeric_limits<int32_t>::min());
    EXPECT_EQ(*d.ReadInt64(), std::numeric_limits<int64_t>::max());
    EXPECT_EQ(*d.ReadString(), "hello");
    auto list = d.ReadBytesList(10);
    ASSERT_TRUE(list.ok());
    EXPECT_EQ(list->size(), 2u);
    EXPECT_EQ((*list)[0], (util::Bytes{1, 2}));
    auto m = d.ReadMapStringInt64(10);
    ASSERT_TRUE(m.ok());
    EXPECT_EQ(m->at("x"), -5);
    EXPECT_TRUE(d.ExpectEnd().ok());
}

TEST(Decoder, TruncatedInputIsAnErrorAtEveryCut) {
    Encoder e;
    e.WriteInt64(5).WriteString("abcdef").WriteStringList(std::vector<std::string>{"q", "rs"});
    const util::Bytes full = e.bytes();
    for (size_t cut = 0; cut < full.size(); ++cut) {
        Decoder d(util::ByteView(full.data(), cut));
        bool ok = d.ReadInt64().ok() && d.ReadString().ok() && d.ReadStringList(10).ok();
        EXPECT_FALSE(ok) << "cut " << cut;
    }
}

TEST(Decoder, NegativeAndOversizedLengthsAreRefused) {
    const util::Bytes neg = {0xff, 0xff, 0xff, 0xff};
    EXPECT_FALSE(Decoder(neg).ReadBytes().ok());
    EXPECT_FALSE(Decoder(neg).ReadCount(100).ok());
    // Claims 2 GiB with 3 bytes behind it: refused, nothing allocated.
    const util::Bytes huge = {0x7f, 0xff, 0xff, 0xff, 1, 2, 3};
    auto r = Decoder(huge).ReadBytes();
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("truncated"), std::string::npos);
    // A list count beyond what the remaining bytes could hold.
    const util::Bytes many = {0x00, 0x10, 0x00, 0x00, 0, 0, 0, 0};
    EXPECT_FALSE(Decoder(many).ReadStringList(1'000'000).ok());
    // A list count beyond the caller's cap.
    Encoder e;
    e.WriteStringList(std::vector<std::string>(5, "a"));
    EXPECT_FALSE(Decoder(e.bytes()).ReadStringList(4).ok());
    EXPECT_TRUE(Decoder(e.bytes()).ReadStringList(5).ok());
}

TEST(Decoder, UnsortedOrDuplicateMapKeysAreRefused) {
    Encoder e;
    e.WriteInt32(2).WriteString("b").WriteInt64(1).WriteString("a").WriteInt64(2);
    EXPECT_FALSE(Decoder(e.bytes()).ReadMapStringInt64(10).ok());
    Encoder d;
    d.WriteInt32(2).WriteString("a").WriteInt64(1).WriteString("a").WriteInt64(2);
    EXPECT_FALSE(Decoder(d.bytes()).ReadMapStringInt64(10).ok());
}

TEST(Decoder, TrailingBytesFailExpectEnd) {
    const util::Bytes b = {0, 0, 0, 0, 7};
    Decoder d(b);
    EXPECT_TRUE(d.ReadInt32().ok());
    EXPECT_FALSE(d.ExpectEnd().ok());
}

RC_GTEST_PROP(CodecProperty, RoundTrip,
              (int64_t a, int32_t b, std::string s, std::vector<std::string> list,
               std::map<std::string, int64_t> m)) {
    Encoder e;
    e.WriteInt64(a).WriteInt32(b).WriteString(s).WriteStringList(list).WriteMapStringInt64(m);
    Decoder d(e.bytes());
    RC_ASSERT(*d.ReadInt64() == a);
    RC_ASSERT(*d.ReadInt32() == b);
    RC_ASSERT(*d.ReadString() == s);
    RC_ASSERT(*d.ReadStringList(1 << 20) == list);
    RC_ASSERT(*d.ReadMapStringInt64(1 << 20) == m);
    RC_ASSERT(d.AtEnd());
}

RC_GTEST_PROP(CodecProperty, ArbitraryBytesNeverCrash, (std::vector<uint8_t> junk)) {
    Decoder d(junk);
    // Whatever the input, every read returns (value or error) in bounds.
    (void)d.ReadStringList(1000);
    (void)d.ReadMapStringInt64(1000);
    (void)d.ReadBytesList(1000);
    RC_ASSERT(d.position() <= junk.size());
}

}  // namespace
}  // namespace iost::core
