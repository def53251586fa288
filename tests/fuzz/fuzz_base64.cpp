// Fuzz target: util::Base64Decode / Base64Encode (signatures and keys inside
// transaction JSON). Properties:
//  1. Decode never crashes.
//  2. Accepted text is canonical: Encode(Decode(s)) == s (padding and unused
//     trailing bits are checked, so a signature field cannot be re-spelled).
//  3. Decode(Encode(b)) == b for all bytes.
#include <util/bytes.h>

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

    auto dec = Base64Decode(text);
    if (dec.ok()) {
        FUZZ_CHECK(text.size() % 4 == 0);
        FUZZ_CHECK(dec->size() == text.size() / 4 * 3 - (text.size() > 0 && text.back() == '=') -
                                      (text.size() > 1 && text[text.size() - 2] == '='));
        FUZZ_CHECK(Base64Encode(*dec) == text);
    }

    const ByteView raw(data, size);
    const std::string enc = Base64Encode(raw);
    FUZZ_CHECK(enc.size() == (size + 2) / 3 * 4);
    auto back = Base64Decode(enc);
    FUZZ_CHECK(back.ok());
    FUZZ_CHECK(Bytes(raw.begin(), raw.end()) == *back);
    return 0;
}
