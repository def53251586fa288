// The engine checkpoint's encoding (consensus/checkpoint.h): every field
// round-trips, and truncated, extended or mangled records are refused
// rather than misread (a torn record must make the node replay instead).
#include <consensus/checkpoint.h>
#include <gtest/gtest.h>

namespace iost::consensus {
namespace {

crypto::Hash256 H(uint8_t b) {
    crypto::Hash256 h{};
    h.fill(b);
    return h;
}

Candidate C(const std::string& id, uint8_t k) {
    Candidate c;
    c.id = id;
    c.key.algorithm = crypto::Algorithm::kEd25519;
    c.key.bytes = util::Bytes(32, k);
    c.servi = 7 + k;
    c.stake = 1'000'000 + k;
    c.registered_time = 1'767'225'600'000'000'000 + k;
    return c;
}

Committee Com(uint64_t epoch) {
    Committee c;
    c.epoch = epoch;
    c.seed = H(static_cast<uint8_t>(epoch));
    c.believable = {C("val1", 1), C("val2", 2)};
    c.normal = {C("val3", 3), C("val4", 4), C("val5", 5), C("val6", 6)};
    return c;
}

EngineCheckpoint Sample() {
    EngineCheckpoint c;
    c.height = 12'345;
    c.last_hash = H(0xab);
    c.last_time = 1'767'225'600'000'000'000;
    c.committee = Com(123);
    c.prev_committee = Com(122);
    c.prev_committee->chain_fallback = true;
    c.past_committees = {{120, Com(120)}, {121, Com(121)}};
    c.slashed = {"val9", "valx"};
    c.compensated = {H(1), H(2), H(3)};
    c.fallback = {"val2"};
    c.included = {{"val1", {17, H(4)}}, {"val2", {3, H(5)}}};
    c.worked = {"val1", "val3"};
    c.seed.commits = {{"val3", H(6)}, {"val4", H(7)}};
    c.seed.reveals = {{"val3", H(8)}};
    c.votes.certificates = 7;
    c.votes.absent = {{"val2", 7}, {"val4", 1}};
    return c;
}

TEST(Checkpoint, EveryFieldRoundTrips) {
    const EngineCheckpoint c = Sample();
    auto d = DecodeCheckpoint(EncodeCheckpoint(c));
    ASSERT_TRUE(d.ok()) << d.error().message;
    EXPECT_TRUE(*d == c);
    EngineCheckpoint minimal;
    minimal.height = 1;
    auto m = DecodeCheckpoint(EncodeCheckpoint(minimal));
    ASSERT_TRUE(m.ok()) << m.error().message;
    EXPECT_TRUE(*m == minimal);
    EXPECT_FALSE(m->prev_committee.has_value());
}

TEST(Checkpoint, TruncatedExtendedOrUnknownFormatIsRefused) {
    const util::Bytes enc = EncodeCheckpoint(Sample());
    for (size_t n = 0; n < enc.size(); ++n) {
        util::Bytes cut(enc.begin(), enc.begin() + static_cast<long>(n));
        EXPECT_FALSE(DecodeCheckpoint(cut).ok()) << "cut at " << n << " of " << enc.size();
    }
    util::Bytes longer = enc;
    longer.push_back(0);
    EXPECT_FALSE(DecodeCheckpoint(longer).ok());
    util::Bytes format = enc;
    format[0] = 9;
    auto r = DecodeCheckpoint(format);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("format"), std::string::npos) << r.error().message;
}

// Format 3 (before the vote tally, pob.md §4.1) and format 2 (before the
// epoch seed's book, pob.md §4.2) still decode, with an empty tally and
// book; a book whose reveal has no commitment, or a tally that counts an
// absence more often than there are certificates, is refused.
TEST(Checkpoint, TheFormatsBeforeTheTallyAndTheSeedBookStillDecode) {
    EngineCheckpoint c = Sample();
    c.seed = {};
    c.votes = {};
    util::Bytes enc = EncodeCheckpoint(c);
    ASSERT_EQ(enc[0], 4);
    // Format 4 ends with the tally (8-byte count, 4-byte list length, both
    // 0 here), format 3 with the book's two counts (4 bytes each).
    util::Bytes v3(enc.begin(), enc.end() - 12);
    v3[0] = 3;
    auto d3 = DecodeCheckpoint(v3);
    ASSERT_TRUE(d3.ok()) << d3.error().message;
    EXPECT_TRUE(*d3 == c);
    util::Bytes v2(v3.begin(), v3.end() - 8);
    v2[0] = 2;
    auto d = DecodeCheckpoint(v2);
    ASSERT_TRUE(d.ok()) << d.error().message;
    EXPECT_TRUE(*d == c);
    // Negative controls: the same bytes under the later formats lack fields.
    v3[0] = 4;
    EXPECT_FALSE(DecodeCheckpoint(v3).ok());
    v2[0] = 3;
    EXPECT_FALSE(DecodeCheckpoint(v2).ok());

    EngineCheckpoint bad = Sample();
    bad.seed.reveals["val9"] = H(9);
    auto r = DecodeCheckpoint(EncodeCheckpoint(bad));
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("seed"), std::string::npos) << r.error().message;
    EngineCheckpoint over = Sample();
    over.votes.absent["val5"] = 8;  // of 7 certificates
    auto o = DecodeCheckpoint(EncodeCheckpoint(over));
    ASSERT_FALSE(o.ok());
    EXPECT_NE(o.error().message.find("absence"), std::string::npos) << o.error().message;
}

TEST(Checkpoint, AFlippedByteNeverDecodesToTheSameCheckpoint) {
    const EngineCheckpoint c = Sample();
    const util::Bytes enc = EncodeCheckpoint(c);
    for (size_t i = 0; i < enc.size(); ++i) {
        util::Bytes bad = enc;
        bad[i] ^= 0x01;
        auto d = DecodeCheckpoint(bad);
        if (d.ok()) {
            EXPECT_FALSE(*d == c) << "byte " << i << " is not covered";
        }
    }
}

}  // namespace
}  // namespace iost::consensus
