#include <core/amount.h>
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <limits>

namespace iost::core {
namespace {

TEST(Amount, ParsesPlainDecimals) {
    auto a = Amount::ParseIost("10.5");
    ASSERT_TRUE(a.ok());
    EXPECT_EQ(a->raw(), 1'050'000'000);
    EXPECT_EQ(a->ToFixedString(), "10.50000000");
    EXPECT_EQ(a->ToString(), "10.5");
    EXPECT_EQ(Amount::ParseIost("0.00000001")->raw(), 1);
    EXPECT_EQ(Amount::ParseIost("007")->raw(), 700'000'000);
    EXPECT_EQ(Amount::ParseIost("0")->ToString(), "0");
    EXPECT_EQ(Amount::Parse("12", 0)->ToString(), "12");
    EXPECT_EQ(Amount::Parse("1.000", 3)->ToString(), "1");
}

TEST(Amount, RejectsWhatIostsRegexRejects) {
    // ^([0-9]+[.])?[0-9]+$ (go-iost token_v2.go refineAmount).
    for (const char* bad : {"", "1e5", "1E5", "NaN", "nan", "inf", "+1", " 1", "1 ", ".5", "5.",
                            "1.2.3", "0x10", "1,5", "-", "--1", "1_000", "１"}) {
        EXPECT_FALSE(Amount::ParseIost(bad).ok()) << bad;
    }
}

TEST(Amount, NegativeOnlyWhenAllowed) {
    EXPECT_FALSE(Amount::ParseIost("-1").ok());
    auto a = Amount::Parse("-1.5", 8, ExcessDecimals::kReject, Sign::kAllowNegative);
    ASSERT_TRUE(a.ok());
    EXPECT_EQ(a->raw(), -150'000'000);
    EXPECT_EQ(a->ToString(), "-1.5");
    EXPECT_EQ(a->ToFixedString(), "-1.50000000");
    EXPECT_TRUE(a->IsNegative());
}

TEST(Amount, TooManyDecimalsRejectOrTruncate) {
    auto r = Amount::ParseIost("1.123456789");
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("9 decimals"), std::string::npos);
    // IOST's token contract truncates (common.NewDecimalFromString).
    auto t = Amount::Parse("1.123456789", 8, ExcessDecimals::kTruncate);
    ASSERT_TRUE(t.ok());
    EXPECT_EQ(t->raw(), 112'345'678);
    // Truncation still validates the dropped digits.
    EXPECT_FALSE(Amount::Parse("1.12345678x", 8, ExcessDecimals::kTruncate).ok());
    EXPECT_EQ(Amount::Parse("0.9", 0, ExcessDecimals::kTruncate)->raw(), 0);
}

TEST(Amount, OverflowIsAnError) {
    // IOST's whole supply fits; 10x more with 8 decimals still fits, 10^11 does not.
    EXPECT_EQ(Amount::ParseIost("21000000000")->raw(), 2'100'000'000'000'000'000);
    EXPECT_TRUE(Amount::ParseIost("92233720368.54775807").ok());  // INT64_MAX raw
    EXPECT_FALSE(Amount::ParseIost("92233720368.54775808").ok());
    EXPECT_FALSE(Amount::ParseIost("100000000000").ok());
    EXPECT_FALSE(Amount::Parse("99999999999999999999", 0).ok());
    EXPECT_TRUE(Amount::Parse("9223372036854775807", 0).ok());
    EXPECT_FALSE(Amount::Parse("9223372036854775808", 0).ok());
    // Leading zeros never overflow.
    EXPECT_EQ(Amount::ParseIost(std::string(500, '0') + "1")->raw(), 100'000'000);
}

TEST(Amount, DecimalsRange) {
    EXPECT_TRUE(Amount::Parse("1", 18).ok());
    EXPECT_FALSE(Amount::Parse("1", 19).ok());
    EXPECT_FALSE(Amount::Parse("1", -1).ok());
    EXPECT_FALSE(Amount::FromRaw(1, 19).ok());
    EXPECT_EQ(Amount::Parse("9.223372036854775807", 18)->raw(),
              std::numeric_limits<int64_t>::max());
    EXPECT_FALSE(Amount::Parse("10", 18).ok());
}

TEST(Amount, CheckedArithmetic) {
    const auto max = Amount::FromRaw(std::numeric_limits<int64_t>::max(), 8).value();
    const auto one = Amount::FromRaw(1, 8).value();
    EXPECT_FALSE(max.Add(one).ok());
    EXPECT_EQ(max.Sub(one)->raw(), std::numeric_limits<int64_t>::max() - 1);
    const auto min = Amount::FromRaw(std::numeric_limits<int64_t>::min(), 8).value();
    EXPECT_FALSE(min.Sub(one).ok());
    EXPECT_FALSE(max.MulInt(2).ok());
    EXPECT_FALSE(min.MulInt(-1).ok());
    EXPECT_EQ(one.MulInt(-3)->raw(), -3);
    EXPECT_FALSE(one.Add(Amount::FromRaw(1, 2).value()).ok());
    EXPECT_FALSE(one.Sub(Amount::FromRaw(1, 2).value()).ok());
    EXPECT_EQ(min.ToFixedString(), "-92233720368.54775808");
    EXPECT_EQ(Amount::FromUnits(kIostTotalSupply, kIostDecimals)->raw(), 2'100'000'000'000'000'000);
    EXPECT_FALSE(Amount::FromUnits(100'000'000'000, kIostDecimals).ok());
    EXPECT_LT(one, max);
    EXPECT_EQ(one, Amount::ParseIost("0.00000001").value());
}

RC_GTEST_PROP(AmountProperty, FormatThenParseIsIdentity, (int64_t raw)) {
    const int decimals = *rc::gen::inRange(0, 19);
    const auto a = Amount::FromRaw(raw, decimals).value();
    const auto back =
        Amount::Parse(a.ToFixedString(), decimals, ExcessDecimals::kReject, Sign::kAllowNegative);
    RC_ASSERT(back.ok());
    RC_ASSERT(back->raw() == raw);
    const auto trimmed =
        Amount::Parse(a.ToString(), decimals, ExcessDecimals::kReject, Sign::kAllowNegative);
    RC_ASSERT(trimmed.ok());
    RC_ASSERT(trimmed->raw() == raw);
}

}  // namespace
}  // namespace iost::core
