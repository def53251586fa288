#include <sodium.h>
#include <util/bytes.h>

#include <array>

namespace iost::util {
namespace {

constexpr std::string_view kB58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

constexpr std::array<int8_t, 128> MakeB58Index() {
    std::array<int8_t, 128> t{};
    for (auto& v : t) v = -1;
    for (size_t i = 0; i < kB58.size(); ++i)
        t[static_cast<uint8_t>(kB58[i])] = static_cast<int8_t>(i);
    return t;
}
constexpr auto kB58Index = MakeB58Index();

struct SodiumInit {
    SodiumInit() {
        if (sodium_init() < 0)
            AssertFail("sodium_init() >= 0", "libsodium initialises", __FILE__, __LINE__);
    }
};
void EnsureSodium() { static SodiumInit init; }

}  // namespace

std::string ToHex(ByteView b) {
    std::string out(b.size() * 2 + 1, '\0');
    sodium_bin2hex(out.data(), out.size(), b.data(), b.size());
    out.pop_back();
    return out;
}

Result<Bytes> FromHex(std::string_view hex) {
    if (hex.size() % 2 != 0) return Err("hex: odd number of digits");
    Bytes out(hex.size() / 2);
    size_t len = 0;
    const char* end = nullptr;
    if (sodium_hex2bin(out.data(), out.size(), hex.data(), hex.size(), nullptr, &len, &end) != 0 ||
        end != hex.data() + hex.size()) {
        return Err("hex: invalid digit");
    }
    out.resize(len);
    return out;
}

std::string Base58Encode(ByteView b) {
    size_t zeros = 0;
    while (zeros < b.size() && b[zeros] == 0) ++zeros;
    // log(256)/log(58) ~ 1.3658
    std::vector<uint8_t> digits((b.size() - zeros) * 138 / 100 + 1, 0);
    size_t used = 0;
    for (size_t i = zeros; i < b.size(); ++i) {
        uint32_t carry = b[i];
        size_t j = 0;
        for (auto it = digits.rbegin(); (carry != 0 || j < used) && it != digits.rend();
             ++it, ++j) {
            carry += 256u * *it;
            *it = static_cast<uint8_t>(carry % 58);
            carry /= 58;
        }
        used = j;
    }
    auto it = digits.begin() + static_cast<std::ptrdiff_t>(digits.size() - used);
    while (it != digits.end() && *it == 0) ++it;
    std::string out(zeros, '1');
    for (; it != digits.end(); ++it) out.push_back(kB58[*it]);
    return out;
}

Result<Bytes> Base58Decode(std::string_view s) {
    if (s.size() > kMaxBase58Chars) return Err("base58: input too long");
    size_t zeros = 0;
    while (zeros < s.size() && s[zeros] == '1') ++zeros;
    // log(58)/log(256) ~ 0.733
    std::vector<uint8_t> b256((s.size() - zeros) * 733 / 1000 + 1, 0);
    size_t used = 0;
    for (size_t i = zeros; i < s.size(); ++i) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        int v = c < 128 ? kB58Index[c] : -1;
        if (v < 0) return Err("base58: invalid character");
        uint32_t carry = static_cast<uint32_t>(v);
        size_t j = 0;
        for (auto it = b256.rbegin(); (carry != 0 || j < used) && it != b256.rend(); ++it, ++j) {
            carry += 58u * *it;
            *it = static_cast<uint8_t>(carry & 0xff);
            carry >>= 8;
        }
        used = j;
    }
    auto it = b256.begin() + static_cast<std::ptrdiff_t>(b256.size() - used);
    while (it != b256.end() && *it == 0) ++it;
    Bytes out(zeros, 0);
    out.insert(out.end(), it, b256.end());
    return out;
}

std::string Base64Encode(ByteView b) {
    EnsureSodium();
    const size_t n = sodium_base64_ENCODED_LEN(b.size(), sodium_base64_VARIANT_ORIGINAL);
    std::string out(n, '\0');
    sodium_bin2base64(out.data(), n, b.data(), b.size(), sodium_base64_VARIANT_ORIGINAL);
    out.resize(n - 1);
    return out;
}

Result<Bytes> Base64Decode(std::string_view s) {
    // libsodium 1.0.18 decodes any byte >= 0x80 as '/', which would give one
    // value many spellings (found by fuzz_base64). Go, and so IOST, refuses them.
    for (const char ch : s) {
        const bool ok = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
                        (ch >= '0' && ch <= '9') || ch == '+' || ch == '/' || ch == '=';
        if (!ok) return Err("base64: invalid character");
    }
    EnsureSodium();
    Bytes out(s.size() / 4 * 3 + 3);
    size_t len = 0;
    const char* end = nullptr;
    if (sodium_base642bin(out.data(), out.size(), s.data(), s.size(), nullptr, &len, &end,
                          sodium_base64_VARIANT_ORIGINAL) != 0 ||
        end != s.data() + s.size()) {
        return Err("base64: invalid encoding");
    }
    out.resize(len);
    return out;
}

}  // namespace iost::util
