// Amount: an exact fixed-point token quantity — an int64 count of the
// token's smallest unit plus the token's number of decimals (0..18, IOST's
// range: token.iost/create refuses decimal >= 19). No floating point anywhere.
//
// Text form follows IOST's token contract (go-iost vm/native/token_v2.go
// refineAmount): the string must match ^([0-9]+[.])?[0-9]+$ — no sign, no
// exponent, no spaces, no leading or trailing '.', leading zeros allowed.
// Too many decimals: IOST's contract TRUNCATES them (common.NewDecimalFromString
// with a scale stops reading digits), while IOST's /sendTx pre-check
// (core/tx/utils.go checkAmount) REJECTS an `iost` amount with more than 8
// decimals. Callers choose with ExcessDecimals; rejecting is the default
// because silently dropping part of an amount a user typed is a trap.
// Overflow of the int64 raw value is always an error (IOST: errOverflow).
//
// The IOST token: 8 decimals, total supply 21,000,000,000, i.e. a raw
// maximum of 2.1e18 < INT64_MAX ≈ 9.22e18.
// Thread contract: immutable value type.
#pragma once

#include <util/result.h>

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

namespace iost::core {

inline constexpr int kMaxDecimals = 18;
inline constexpr int kIostDecimals = 8;
inline constexpr int64_t kIostTotalSupply = 21'000'000'000;  // whole tokens

enum class ExcessDecimals { kReject, kTruncate };
enum class Sign { kNonNegative, kAllowNegative };

class Amount {
  public:
    Amount() = default;  // zero with 0 decimals

    static util::Result<Amount> FromRaw(int64_t raw, int decimals);
    // Whole tokens (raw = units * 10^decimals), checked for overflow.
    static util::Result<Amount> FromUnits(int64_t units, int decimals);
    static util::Result<Amount> Parse(std::string_view text, int decimals,
                                      ExcessDecimals excess = ExcessDecimals::kReject,
                                      Sign sign = Sign::kNonNegative);
    static util::Result<Amount> ParseIost(std::string_view text) {
        return Parse(text, kIostDecimals);
    }

    int64_t raw() const { return m_raw; }
    int decimals() const { return m_decimals; }
    bool IsZero() const { return m_raw == 0; }
    bool IsNegative() const { return m_raw < 0; }

    // Full scale: "1.50000000" for 1.5 with 8 decimals; "15" with 0.
    std::string ToFixedString() const;
    // IOST's Decimal.String(): trailing zeros (and a bare '.') removed: "1.5".
    std::string ToString() const;

    // Checked arithmetic: an error on overflow or on mixing decimals.
    util::Result<Amount> Add(const Amount& o) const;
    util::Result<Amount> Sub(const Amount& o) const;
    util::Result<Amount> MulInt(int64_t k) const;

    // Ordering is only meaningful between amounts of the same token; mixing
    // decimals here is a programming error (asserted).
    std::strong_ordering operator<=>(const Amount& o) const;
    bool operator==(const Amount& o) const;

  private:
    Amount(int64_t raw, int decimals) : m_raw(raw), m_decimals(decimals) {}

    int64_t m_raw = 0;
    int m_decimals = 0;
};

// 10^n for 0 <= n <= 18.
int64_t Pow10(int n);

}  // namespace iost::core
