// Fuzz target: util::Base58Decode / Base58Encode (ids, hashes and secret keys
// arrive as base58 from the API and wallet). Properties:
//  1. Decode never crashes and refuses input over kMaxBase58Chars.
//  2. Accepted text is canonical: Encode(Decode(s)) == s (no two strings
//     name the same bytes, so a hash or id cannot be malleated).
//  3. For any bytes b whose encoding is short enough, Decode(Encode(b)) == b
//     (checked for inputs up to kMaxRawForEncode bytes: encoding is
//     quadratic, and longer inputs only slow the fuzzer down, since their
//     encodings are all over the decode limit anyway).
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

    auto dec = Base58Decode(text);
    if (size > kMaxBase58Chars) FUZZ_CHECK(!dec.ok());
    if (dec.ok()) {
        FUZZ_CHECK(Base58Encode(*dec) == text);
        // Leading zero bytes are exactly the leading '1's.
        size_t ones = 0;
        while (ones < text.size() && text[ones] == '1') ++ones;
        size_t zeros = 0;
        while (zeros < dec->size() && (*dec)[zeros] == 0) ++zeros;
        FUZZ_CHECK(ones == zeros);
    }

    // 384 bytes encode to ~525 characters: just over kMaxBase58Chars, so
    // both sides of the limit are covered.
    constexpr size_t kMaxRawForEncode = 384;
    if (size > kMaxRawForEncode) return 0;
    const ByteView raw(data, size);
    const std::string enc = Base58Encode(raw);
    for (char c : enc) FUZZ_CHECK(c != '0' && c != 'O' && c != 'I' && c != 'l');
    auto back = Base58Decode(enc);
    if (enc.size() <= kMaxBase58Chars) {
        FUZZ_CHECK(back.ok());
        FUZZ_CHECK(Bytes(raw.begin(), raw.end()) == *back);
    } else {
        FUZZ_CHECK(!back.ok());
    }
    return 0;
}
