// The PoB sampling rule (docs/pob.md §5.3, docs/pob.md §5): a normal validator
// samples transaction t of MicroBlock m iff
//     H(sig_i(SampleMessage(m)) || tx_hash) < p · 2^256,
// where sig_i is the validator's own deterministic signature (Ed25519 is
// deterministic) over a domain-separated message derived from the MicroBlock
// hash. The producer signs m before anyone reveals sig_i and cannot compute
// sig_i without the validator's secret key, so it cannot choose which of its
// transactions escape. p is given in parts per million so that every node
// derives the same integer threshold (no floating point in consensus).
// Thread contract: pure functions.
#pragma once

#include <crypto/hash.h>
#include <util/bytes.h>

#include <cstdint>

namespace iost::crypto {

inline constexpr uint32_t kPpmOne = 1'000'000;

// The message a validator signs to obtain its sampling randomness for one
// MicroBlock: SHA3-256("iost-pob-sample" || micro_hash). Domain separation
// keeps this signature from ever being a valid vote or block signature.
Hash256 SampleMessage(const Hash256& micro_hash);

// The 256-bit threshold floor(p_ppm · 2^256 / 10^6), big-endian. p_ppm is
// clamped to [0, 10^6]; 10^6 yields the all-ones value plus the "always" flag
// handled by IsSampled.
Hash256 SampleThreshold(uint32_t p_ppm);

// True iff SHA3-256(sample_sig || tx_hash) < threshold(p_ppm), compared as
// big-endian 256-bit integers. p_ppm >= 10^6 samples everything, 0 nothing.
bool IsSampled(util::ByteView sample_sig, const Hash256& tx_hash, uint32_t p_ppm);

}  // namespace iost::crypto
