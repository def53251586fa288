#include <crypto/sampling.h>

#include <algorithm>
#include <cstring>
#include <string_view>

namespace iost::crypto {

Hash256 SampleMessage(const Hash256& micro_hash) {
    static constexpr std::string_view kDomain = "iost-pob-sample";
    Sha3Hasher h;
    h.Update(util::AsBytes(kDomain));
    h.Update(View(micro_hash));
    return h.Final();
}

Hash256 SampleThreshold(uint32_t p_ppm) {
    // Long division of (p_ppm · 2^256) by 10^6, one byte at a time, in
    // exact integer arithmetic: the remainder stays below 10^6 so
    // remainder·256 + digit fits easily in 64 bits.
    Hash256 out{};
    const uint64_t num = std::min<uint32_t>(p_ppm, kPpmOne);
    if (num >= kPpmOne) {
        out.fill(0xff);
        return out;
    }
    // p_ppm · 2^256 = num followed by 32 zero bytes in base 256.
    uint64_t rem = num;  // the integer part num / 10^6 is 0 (num < 10^6)
    for (size_t i = 0; i < out.size(); ++i) {
        rem *= 256;
        out[i] = static_cast<uint8_t>(rem / kPpmOne);
        rem %= kPpmOne;
    }
    return out;
}

bool IsSampled(util::ByteView sample_sig, const Hash256& tx_hash, uint32_t p_ppm) {
    if (p_ppm == 0) return false;
    if (p_ppm >= kPpmOne) return true;
    Sha3Hasher h;
    h.Update(sample_sig);
    h.Update(View(tx_hash));
    const Hash256 v = h.Final();
    const Hash256 t = SampleThreshold(p_ppm);
    return std::memcmp(v.data(), t.data(), v.size()) < 0;
}

}  // namespace iost::crypto
