#include <core/amount.h>
#include <util/assert.h>
#include <util/text.h>

#include <limits>

namespace iost::core {
namespace {

util::Status CheckDecimals(int decimals) {
    if (decimals < 0 || decimals > kMaxDecimals) {
        return util::Err("token decimals " + std::to_string(decimals) + " outside 0.." +
                         std::to_string(kMaxDecimals));
    }
    return util::Ok();
}

// Untrusted text goes into error messages: cap its length and keep it printable.
std::string Quote(std::string_view s) { return util::Quoted(s, 40); }

}  // namespace

int64_t Pow10(int n) {
    IOST_ASSERT(n >= 0 && n <= kMaxDecimals, "Pow10 argument in 0..18");
    int64_t v = 1;
    for (int i = 0; i < n; ++i) v *= 10;
    return v;
}

util::Result<Amount> Amount::FromRaw(int64_t raw, int decimals) {
    IOST_TRY(CheckDecimals(decimals));
    return Amount(raw, decimals);
}

util::Result<Amount> Amount::FromUnits(int64_t units, int decimals) {
    IOST_TRY(CheckDecimals(decimals));
    int64_t raw = 0;
    if (__builtin_mul_overflow(units, Pow10(decimals), &raw)) {
        return util::Err("amount " + std::to_string(units) + " overflows with " +
                         std::to_string(decimals) + " decimals");
    }
    return Amount(raw, decimals);
}

util::Result<Amount> Amount::Parse(std::string_view text, int decimals, ExcessDecimals excess,
                                   Sign sign) {
    IOST_TRY(CheckDecimals(decimals));
    std::string_view s = text;
    bool negative = false;
    if (!s.empty() && s[0] == '-') {
        if (sign == Sign::kNonNegative) {
            return util::Err("amount " + Quote(text) + " must not be negative");
        }
        negative = true;
        s.remove_prefix(1);
    }
    if (s.empty()) return util::Err("amount " + Quote(text) + " is empty");

    // Grammar ^[0-9]+([.][0-9]+)?$ (IOST's regex, written the other way round).
    const size_t dot = s.find('.');
    const std::string_view int_part = s.substr(0, dot);
    const std::string_view frac_part =
        dot == std::string_view::npos ? std::string_view{} : s.substr(dot + 1);
    auto all_digits = [](std::string_view p) {
        for (char c : p) {
            if (c < '0' || c > '9') return false;
        }
        return true;
    };
    if (int_part.empty() || !all_digits(int_part) ||
        (dot != std::string_view::npos && (frac_part.empty() || !all_digits(frac_part)))) {
        return util::Err("amount " + Quote(text) +
                         " is not a plain decimal number (digits with an optional fraction, "
                         "like 12 or 0.5)");
    }
    if (frac_part.size() > static_cast<size_t>(decimals) && excess == ExcessDecimals::kReject) {
        return util::Err("amount " + Quote(text) + " has " + std::to_string(frac_part.size()) +
                         " decimals; the token allows " + std::to_string(decimals));
    }

    // Accumulate the magnitude unsigned so that INT64_MIN (magnitude 2^63)
    // parses when negatives are allowed; anything larger overflows.
    const uint64_t limit = negative ? (uint64_t{1} << 63) : (uint64_t{1} << 63) - 1;
    uint64_t mag = 0;
    bool ok = true;
    auto push_digit = [&](char c) {
        const auto d = static_cast<uint64_t>(c - '0');
        if (!ok || mag > (limit - d) / 10) {
            ok = false;
            return;
        }
        mag = mag * 10 + d;
    };
    for (char c : int_part) push_digit(c);
    for (int i = 0; i < decimals; ++i) {
        push_digit(static_cast<size_t>(i) < frac_part.size() ? frac_part[i] : '0');
    }
    if (!ok) {
        return util::Err("amount " + Quote(text) + " overflows a 64-bit count of 10^-" +
                         std::to_string(decimals) + " units");
    }
    const int64_t raw = negative ? static_cast<int64_t>(~mag + 1) : static_cast<int64_t>(mag);
    return Amount(raw, decimals);
}

std::string Amount::ToFixedString() const {
    // Work on the unsigned magnitude so INT64_MIN formats correctly.
    const bool neg = m_raw < 0;
    uint64_t mag = neg ? (~static_cast<uint64_t>(m_raw) + 1) : static_cast<uint64_t>(m_raw);
    std::string digits;
    do {
        digits.insert(digits.begin(), static_cast<char>('0' + mag % 10));
        mag /= 10;
    } while (mag > 0);
    if (m_decimals > 0) {
        const auto d = static_cast<size_t>(m_decimals);
        if (digits.size() <= d) digits.insert(0, d + 1 - digits.size(), '0');
        digits.insert(digits.size() - d, 1, '.');
    }
    return neg ? "-" + digits : digits;
}

std::string Amount::ToString() const {
    std::string s = ToFixedString();
    if (m_decimals == 0) return s;
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
    if (s == "-0") s = "0";
    return s;
}

util::Result<Amount> Amount::Add(const Amount& o) const {
    if (m_decimals != o.m_decimals) return util::Err("adding amounts with different decimals");
    int64_t r = 0;
    if (__builtin_add_overflow(m_raw, o.m_raw, &r)) return util::Err("amount addition overflows");
    return Amount(r, m_decimals);
}

util::Result<Amount> Amount::Sub(const Amount& o) const {
    if (m_decimals != o.m_decimals) {
        return util::Err("subtracting amounts with different decimals");
    }
    int64_t r = 0;
    if (__builtin_sub_overflow(m_raw, o.m_raw, &r)) {
        return util::Err("amount subtraction overflows");
    }
    return Amount(r, m_decimals);
}

util::Result<Amount> Amount::MulInt(int64_t k) const {
    int64_t r = 0;
    if (__builtin_mul_overflow(m_raw, k, &r)) return util::Err("amount multiplication overflows");
    return Amount(r, m_decimals);
}

std::strong_ordering Amount::operator<=>(const Amount& o) const {
    IOST_ASSERT(m_decimals == o.m_decimals, "compared amounts have the same decimals");
    return m_raw <=> o.m_raw;
}

bool Amount::operator==(const Amount& o) const {
    return m_decimals == o.m_decimals && m_raw == o.m_raw;
}

}  // namespace iost::core
