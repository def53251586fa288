// Fuzz target: signature verification and key parsing for both algorithms
// (docs/reliability.md #2 and #4: every peer- or client-supplied signature passes
// through Verify). Input layout:
//   byte 0  : bit 7 = mode (0 verify, 1 sign); bits 0-6 = algorithm byte
//   byte 1  : public key length (verify) / secret length (sign), mod 80
//   byte 2  : signature length (verify), mod 80
//   then    : public key (or secret) bytes, signature bytes, message = rest
// Verify mode: Verify and ValidatePublicKey must not crash for either
// algorithm, must be deterministic, a secp256k1 key that verifies must
// validate, and a verifying secp256k1 signature must be low-S.
// Sign mode: a secret that FromSecret accepts yields a key whose signature
// verifies, and a flipped signature bit or message byte makes it fail.
#include <crypto/hash.h>
#include <crypto/keys.h>

#include <cstddef>
#include <cstdint>

#define FUZZ_CHECK(cond)               \
    do {                               \
        if (!(cond)) __builtin_trap(); \
    } while (0)

namespace {

using namespace iost;
using crypto::Algorithm;

util::ByteView Take(util::ByteView& in, size_t n) {
    n = std::min(n, in.size());
    util::ByteView out = in.first(n);
    in = in.subspan(n);
    return out;
}

void VerifyMode(util::ByteView in, uint8_t algo_byte) {
    const size_t pub_len = in.size() > 0 ? in[0] % 80 : 0;
    const size_t sig_len = in.size() > 1 ? in[1] % 80 : 0;
    in = in.subspan(std::min<size_t>(2, in.size()));
    const util::ByteView pub = Take(in, pub_len);
    const util::ByteView sig = Take(in, sig_len);
    const util::ByteView msg = in;

    (void)crypto::AlgorithmFromByte(algo_byte);
    for (Algorithm a : {Algorithm::kEd25519, Algorithm::kSecp256k1}) {
        const bool ok = crypto::Verify(a, pub, msg, sig);
        FUZZ_CHECK(ok == crypto::Verify(a, pub, msg, sig));
        const crypto::VerifyItem item{a, pub, msg, sig};
        bool batch_out = !ok;
        crypto::RealVerifier().VerifyBatch({&item, 1}, {&batch_out, 1});
        FUZZ_CHECK(batch_out == ok);
        const bool valid = crypto::ValidatePublicKey(a, pub).ok();
        if (ok) {
            FUZZ_CHECK(sig.size() == crypto::kSignatureSize);
            if (a == Algorithm::kSecp256k1) {
                FUZZ_CHECK(valid);
                FUZZ_CHECK((sig[32] & 0x80) == 0);  // s <= n/2 < 2^255
            }
        }
    }
}

void SignMode(util::ByteView in, uint8_t algo_byte) {
    auto algo = crypto::AlgorithmFromByte(algo_byte);
    if (!algo.ok()) return;
    const size_t secret_len = in.size() > 0 ? in[0] % 80 : 0;
    in = in.subspan(std::min<size_t>(2, in.size()));
    const util::ByteView secret = Take(in, secret_len);
    auto kp = crypto::KeyPair::FromSecret(*algo, secret);
    if (!kp.ok()) return;
    // secp256k1 signs a 32-byte digest; Ed25519 signs the bytes themselves.
    util::Bytes msg(in.begin(), in.end());
    if (*algo == Algorithm::kSecp256k1) {
        const crypto::Hash256 h = crypto::Sha3_256(in);
        msg.assign(h.begin(), h.end());
    }
    const util::Bytes& pub = kp->public_key().bytes;
    FUZZ_CHECK(crypto::ValidatePublicKey(*algo, pub).ok());
    const util::Bytes sig = kp->Sign(msg);
    FUZZ_CHECK(sig.size() == crypto::kSignatureSize);
    FUZZ_CHECK(crypto::Verify(*algo, pub, msg, sig));
    FUZZ_CHECK(kp->Sign(msg) == sig);  // deterministic
    util::Bytes bad = sig;
    bad[secret.empty() ? 0 : secret[0] % bad.size()] ^= 0x01;
    FUZZ_CHECK(!crypto::Verify(*algo, pub, msg, bad));
    if (!msg.empty()) {
        util::Bytes m2 = msg;
        m2[m2.size() - 1] ^= 0x80;
        FUZZ_CHECK(!crypto::Verify(*algo, pub, m2, sig));
    }
    // The exported secret loads back to the same key.
    auto again = crypto::KeyPair::FromSecret(*algo, kp->SecretBytes());
    FUZZ_CHECK(again.ok() && again->public_key() == kp->public_key());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    const uint8_t mode_algo = data[0];
    const util::ByteView rest(data + 1, size - 1);
    if (mode_algo & 0x80) {
        SignMode(rest, mode_algo & 0x7f);
    } else {
        VerifyMode(rest, mode_algo & 0x7f);
    }
    return 0;
}
