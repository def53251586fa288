// Fuzz target: util::FromHex / ToHex. Properties:
//  1. FromHex never crashes; it accepts only an even number of hex digits
//     (either case) and nothing else.
//  2. The canonical form is lowercase: ToHex(FromHex(s)) == lowercase(s).
//  3. FromHex(ToHex(b)) == b for all bytes.
#include <util/bytes.h>

#include <cctype>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#define FUZZ_CHECK(cond)               \
    do {                               \
        if (!(cond)) __builtin_trap(); \
    } while (0)

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace iost::util;
    const std::string_view text(reinterpret_cast<const char*>(data), size);

    bool all_hex = size % 2 == 0;
    for (unsigned char c : text) all_hex = all_hex && std::isxdigit(c);
    auto dec = FromHex(text);
    FUZZ_CHECK(dec.ok() == all_hex);
    if (dec.ok()) {
        FUZZ_CHECK(dec->size() == size / 2);
        std::string lower(text);
        for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        FUZZ_CHECK(ToHex(*dec) == lower);
    }

    const ByteView raw(data, size);
    const std::string enc = ToHex(raw);
    FUZZ_CHECK(enc.size() == 2 * size);
    auto back = FromHex(enc);
    FUZZ_CHECK(back.ok());
    FUZZ_CHECK(Bytes(raw.begin(), raw.end()) == *back);
    return 0;
}
