// Property tests (rapidcheck): for arbitrary seeds and messages, signatures
// from either algorithm verify, are deterministic, and any single-bit change
// to the signature or the signed hash makes them fail; secret keys survive a
// base58 round trip; SHA3 incremental hashing equals one-shot for any split.
#include <crypto/hash.h>
#include <crypto/keys.h>
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <string>
#include <vector>

namespace iost::crypto {
namespace {

rc::Gen<Algorithm> GenAlgorithm() {
    return rc::gen::element(Algorithm::kEd25519, Algorithm::kSecp256k1);
}

RC_GTEST_PROP(CryptoProperties, SignVerifyAndTamper, ()) {
    const Algorithm a = *GenAlgorithm();
    const auto seed = *rc::gen::arbitrary<std::string>();
    const auto payload = *rc::gen::arbitrary<std::vector<uint8_t>>();
    const KeyPair kp = KeyPair::FromSeed(a, seed);
    const Hash256 h = Sha3_256(payload);
    const util::Bytes sig = kp.Sign(View(h));
    RC_ASSERT(sig.size() == kSignatureSize);
    RC_ASSERT(Verify(a, kp.public_key().bytes, View(h), sig));
    RC_ASSERT(kp.Sign(View(h)) == sig);

    const size_t sig_bit = *rc::gen::inRange<size_t>(0, kSignatureSize * 8);
    util::Bytes bad = sig;
    bad[sig_bit / 8] ^= static_cast<uint8_t>(1u << (sig_bit % 8));
    RC_ASSERT(!Verify(a, kp.public_key().bytes, View(h), bad));

    const size_t msg_bit = *rc::gen::inRange<size_t>(0, 256);
    Hash256 h2 = h;
    h2[msg_bit / 8] ^= static_cast<uint8_t>(1u << (msg_bit % 8));
    RC_ASSERT(!Verify(a, kp.public_key().bytes, View(h2), sig));
}

RC_GTEST_PROP(CryptoProperties, SecretBase58RoundTrip, ()) {
    const Algorithm a = *GenAlgorithm();
    const KeyPair kp = KeyPair::FromSeed(a, *rc::gen::arbitrary<std::string>());
    auto raw = util::Base58Decode(util::Base58Encode(kp.SecretBytes()));
    RC_ASSERT(raw.ok());
    auto back = KeyPair::FromSecret(a, *raw);
    RC_ASSERT(back.ok());
    RC_ASSERT(back->public_key() == kp.public_key());
    RC_ASSERT(ValidatePublicKey(a, kp.public_key().bytes).ok());
}

RC_GTEST_PROP(CryptoProperties, IncrementalHashEqualsOneShot, (const std::vector<uint8_t>& data)) {
    const size_t cut1 = *rc::gen::inRange<size_t>(0, data.size() + 1);
    const size_t cut2 = *rc::gen::inRange<size_t>(cut1, data.size() + 1);
    const util::ByteView v(data);
    Sha3Hasher h;
    h.Update(v.first(cut1)).Update(v.subspan(cut1, cut2 - cut1)).Update(v.subspan(cut2));
    RC_ASSERT(h.Final() == Sha3_256(v));
}

}  // namespace
}  // namespace iost::crypto
