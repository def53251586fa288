#include <util/text.h>

#include <algorithm>

namespace iost::util {

std::string Printable(std::string_view s, size_t max_chars) {
    const size_t n = std::min(s.size(), max_chars);
    std::string out;
    out.reserve(n + 3);
    for (size_t i = 0; i < n; ++i) {
        const char c = s[i];
        out += (c >= 0x20 && c < 0x7f) ? c : '?';
    }
    if (s.size() > n) out += "...";
    return out;
}

}  // namespace iost::util
