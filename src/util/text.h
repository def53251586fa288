// Text helpers for error messages that quote untrusted input.
// Thread contract: pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace iost::util {

// At most `max_chars` of `s`, every byte outside printable ASCII replaced by
// '?', and "..." when cut: untrusted text can go into a log or an API error
// without flooding it or carrying control characters.
std::string Printable(std::string_view s, size_t max_chars);

// Printable(s, max_chars) between double quotes.
inline std::string Quoted(std::string_view s, size_t max_chars = 40) {
    return "\"" + Printable(s, max_chars) + "\"";
}

}  // namespace iost::util
