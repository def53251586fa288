// Byte strings and their text forms: hex, base58 (Bitcoin alphabet, IOST's
// form for ids, hashes and secret keys) and base64 (IOST's form for
// signature and key bytes inside JSON). Hex and base64 use libsodium's
// constant-time codecs; base58 is written here (no Debian library).
// Thread contract: pure functions.
#pragma once

#include <util/result.h>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace iost::util {

using Bytes = std::vector<uint8_t>;
using ByteView = std::span<const uint8_t>;

inline ByteView AsBytes(std::string_view s) {
    return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}
inline std::string_view AsString(ByteView b) {
    return {reinterpret_cast<const char*>(b.data()), b.size()};
}
inline Bytes ToBytes(std::string_view s) { return Bytes(s.begin(), s.end()); }

std::string ToHex(ByteView b);
Result<Bytes> FromHex(std::string_view hex);

// Base58 input longer than this is refused: decoding is quadratic and no IOST
// value (keys, hashes, signatures) comes close.
inline constexpr size_t kMaxBase58Chars = 512;
std::string Base58Encode(ByteView b);
Result<Bytes> Base58Decode(std::string_view s);

// Standard alphabet with padding (RFC 4648 §4), as Go's encoding/json writes
// []byte and as the IOST SDK sends signatures.
std::string Base64Encode(ByteView b);
Result<Bytes> Base64Decode(std::string_view s);

}  // namespace iost::util
