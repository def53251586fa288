#include <crypto/hash.h>
#include <crypto/keys.h>
#include <secp256k1.h>
#include <sodium.h>
#include <util/assert.h>

#include <algorithm>
#include <cstring>
#include <system_error>
#include <thread>
#include <vector>

namespace iost::crypto {
namespace {

// libsodium: sodium_init() is itself thread-safe and idempotent, but calling
// it from a function-local static keeps the cost to one check per call.
void EnsureSodium() {
    static const bool ok = sodium_init() >= 0;
    IOST_ASSERT(ok, "libsodium initialises");
}

// libsecp256k1: one context for the process. Per secp256k1.h, a context may
// be used from many threads at once by every API function that takes it as
// const (sign, verify, pubkey create/parse/serialize); only
// secp256k1_context_randomize mutates it, and we call that exactly once,
// here, before the context is published (magic static = happens-before).
// Randomization blinds the signing/keygen scalar multiplication against
// side channels; it does not change any output.
const secp256k1_context* Secp() {
    static const secp256k1_context* ctx = [] {
        EnsureSodium();
        secp256k1_context* c = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
        IOST_ASSERT(c != nullptr, "secp256k1_context_create succeeds");
        unsigned char seed[32];
        randombytes_buf(seed, sizeof seed);
        IOST_ASSERT(secp256k1_context_randomize(c, seed) == 1, "secp256k1 context randomizes");
        sodium_memzero(seed, sizeof seed);
        return c;
    }();
    return ctx;
}

bool Ed25519Verify(util::ByteView pub, util::ByteView msg, util::ByteView sig) {
    if (pub.size() != kEd25519PublicKeySize || sig.size() != kSignatureSize) return false;
    EnsureSodium();
    return crypto_sign_verify_detached(sig.data(), msg.data(), msg.size(), pub.data()) == 0;
}

bool Secp256k1Verify(util::ByteView pub, util::ByteView msg, util::ByteView sig) {
    if (pub.size() != kSecp256k1PublicKeySize || sig.size() != kSignatureSize ||
        msg.size() != kSecp256k1MessageSize) {
        return false;
    }
    secp256k1_pubkey pk;
    if (secp256k1_ec_pubkey_parse(Secp(), &pk, pub.data(), pub.size()) != 1) return false;
    secp256k1_ecdsa_signature s;
    // parse_compact refuses r or s >= n; r == 0 or s == 0 then fail verify.
    if (secp256k1_ecdsa_signature_parse_compact(Secp(), &s, sig.data()) != 1) return false;
    // No normalization: secp256k1_ecdsa_verify returns 0 for a high-S
    // signature, which is exactly the malleability rule we want.
    return secp256k1_ecdsa_verify(Secp(), &s, msg.data(), &pk) == 1;
}

// A validated (public key, IOST secret form) pair; KeyPair wraps it.
using Parts = std::pair<PublicKey, util::Bytes>;

util::Result<Parts> MakeEd25519(util::ByteView seed) {
    EnsureSodium();
    unsigned char pk[crypto_sign_PUBLICKEYBYTES];
    util::Bytes sk(crypto_sign_SECRETKEYBYTES);
    crypto_sign_seed_keypair(pk, sk.data(), seed.data());
    return Parts{PublicKey{Algorithm::kEd25519, util::Bytes(pk, pk + sizeof pk)}, std::move(sk)};
}

util::Result<Parts> MakeSecp256k1(util::ByteView secret) {
    if (secp256k1_ec_seckey_verify(Secp(), secret.data()) != 1) {
        return util::Err("secp256k1: secret key is zero or not below the curve order");
    }
    secp256k1_pubkey pk;
    if (secp256k1_ec_pubkey_create(Secp(), &pk, secret.data()) != 1) {
        return util::Err("secp256k1: cannot derive public key");
    }
    util::Bytes pub(kSecp256k1PublicKeySize);
    size_t len = pub.size();
    IOST_ASSERT(secp256k1_ec_pubkey_serialize(Secp(), pub.data(), &len, &pk,
                                              SECP256K1_EC_COMPRESSED) == 1 &&
                    len == kSecp256k1PublicKeySize,
                "compressed serialization is 33 bytes");
    return Parts{PublicKey{Algorithm::kSecp256k1, std::move(pub)},
                 util::Bytes(secret.begin(), secret.end())};
}

}  // namespace

util::Result<Algorithm> ParseAlgorithm(std::string_view name) {
    if (name == "ed25519") return Algorithm::kEd25519;
    if (name == "secp256k1") return Algorithm::kSecp256k1;
    return util::Err("unknown signature algorithm \"" + std::string(name.substr(0, 32)) +
                     "\" (want ed25519 or secp256k1)");
}

std::string_view AlgorithmName(Algorithm a) {
    switch (a) {
        case Algorithm::kEd25519:
            return "ed25519";
        case Algorithm::kSecp256k1:
            return "secp256k1";
    }
    return "unknown";
}

util::Result<Algorithm> AlgorithmFromByte(uint8_t b) {
    if (b == static_cast<uint8_t>(Algorithm::kSecp256k1)) return Algorithm::kSecp256k1;
    if (b == static_cast<uint8_t>(Algorithm::kEd25519)) return Algorithm::kEd25519;
    return util::Err("unknown signature algorithm byte " + std::to_string(b) +
                     " (want 1 = secp256k1 or 2 = ed25519)");
}

KeyPair KeyPair::FromParts(PublicKey pub, util::Bytes secret) {
    KeyPair kp;
    kp.m_pub = std::move(pub);
    kp.m_secret = std::move(secret);
    return kp;
}

KeyPair KeyPair::Generate(Algorithm a) {
    EnsureSodium();
    std::array<uint8_t, 32> seed{};
    for (;;) {
        randombytes_buf(seed.data(), seed.size());
        auto kp = a == Algorithm::kEd25519 ? MakeEd25519(seed) : MakeSecp256k1(seed);
        // secp256k1: a random 32-byte string is out of range with
        // probability ~2^-128; draw again rather than fail.
        if (kp.ok()) {
            sodium_memzero(seed.data(), seed.size());
            return FromParts(std::move(kp->first), std::move(kp->second));
        }
    }
}

util::Result<KeyPair> KeyPair::FromSecret(Algorithm a, util::ByteView secret) {
    switch (a) {
        case Algorithm::kEd25519: {
            if (secret.size() == kEd25519SeedSize) {
                auto parts = MakeEd25519(secret);
                if (!parts.ok()) return util::ErrOf(parts.error());
                return FromParts(std::move(parts->first), std::move(parts->second));
            }
            if (secret.size() != kEd25519SecretKeySize) {
                return util::Err(
                    "ed25519: secret key must be 64 bytes (seed+pub) or a 32-byte seed, got " +
                    std::to_string(secret.size()));
            }
            auto parts = MakeEd25519(secret.first(kEd25519SeedSize));
            if (!parts.ok()) return util::ErrOf(parts.error());
            // IOST's CheckSeckey rule: the stored pub half must be the one the
            // seed derives, or signatures would name the wrong key.
            if (sodium_memcmp(parts->second.data(), secret.data(), kEd25519SecretKeySize) != 0) {
                return util::Err("ed25519: public half of the secret key does not match its seed");
            }
            return FromParts(std::move(parts->first), std::move(parts->second));
        }
        case Algorithm::kSecp256k1:
            if (secret.size() != kSecp256k1SecretKeySize) {
                return util::Err("secp256k1: secret key must be 32 bytes, got " +
                                 std::to_string(secret.size()));
            }
            {
                auto parts = MakeSecp256k1(secret);
                if (!parts.ok()) return util::ErrOf(parts.error());
                return FromParts(std::move(parts->first), std::move(parts->second));
            }
    }
    return util::Err("unknown signature algorithm");
}

KeyPair KeyPair::FromSeed(Algorithm a, std::string_view seed) {
    Hash256 h = Sha3_256(util::AsBytes(seed));
    for (;;) {
        auto kp = a == Algorithm::kEd25519 ? MakeEd25519(h) : MakeSecp256k1(h);
        if (kp.ok()) return FromParts(std::move(kp->first), std::move(kp->second));
        // Out of the secp256k1 range (probability ~2^-128): rehash, still
        // deterministic.
        h = Sha3_256(View(h));
    }
}

util::Bytes KeyPair::Sign(util::ByteView msg) const {
    util::Bytes sig(kSignatureSize);
    switch (m_pub.algorithm) {
        case Algorithm::kEd25519:
            IOST_ASSERT(m_secret.size() == kEd25519SecretKeySize,
                        "Sign on a KeyPair made by Generate/FromSecret/FromSeed");
            EnsureSodium();
            IOST_ASSERT(crypto_sign_detached(sig.data(), nullptr, msg.data(), msg.size(),
                                             m_secret.data()) == 0,
                        "ed25519 signing succeeds");
            return sig;
        case Algorithm::kSecp256k1: {
            IOST_ASSERT(m_secret.size() == kSecp256k1SecretKeySize,
                        "Sign on a KeyPair made by Generate/FromSecret/FromSeed");
            IOST_ASSERT(msg.size() == kSecp256k1MessageSize, "secp256k1 signs a 32-byte hash");
            secp256k1_ecdsa_signature s;
            // nullptr nonce function = RFC 6979; libsecp256k1 always emits low-S.
            IOST_ASSERT(secp256k1_ecdsa_sign(Secp(), &s, msg.data(), m_secret.data(), nullptr,
                                             nullptr) == 1,
                        "secp256k1 signing succeeds with a validated key");
            IOST_ASSERT(secp256k1_ecdsa_signature_serialize_compact(Secp(), sig.data(), &s) == 1,
                        "compact serialization succeeds");
            return sig;
        }
    }
    IOST_ASSERT(false, "known algorithm");
    return sig;
}

util::Status ValidatePublicKey(Algorithm a, util::ByteView pub) {
    switch (a) {
        case Algorithm::kEd25519:
            if (pub.size() != kEd25519PublicKeySize) {
                return util::Err("ed25519: public key must be 32 bytes, got " +
                                 std::to_string(pub.size()));
            }
            EnsureSodium();
            if (crypto_core_ed25519_is_valid_point(pub.data()) != 1) {
                return util::Err("ed25519: public key is not a canonical prime-order curve point");
            }
            return util::Ok();
        case Algorithm::kSecp256k1: {
            if (pub.size() != kSecp256k1PublicKeySize) {
                return util::Err("secp256k1: public key must be 33 bytes (compressed), got " +
                                 std::to_string(pub.size()));
            }
            if (pub[0] != 0x02 && pub[0] != 0x03) {
                return util::Err("secp256k1: public key must start with 0x02 or 0x03 (compressed)");
            }
            secp256k1_pubkey pk;
            if (secp256k1_ec_pubkey_parse(Secp(), &pk, pub.data(), pub.size()) != 1) {
                return util::Err("secp256k1: public key is not a point on the curve");
            }
            return util::Ok();
        }
    }
    return util::Err("unknown signature algorithm");
}

bool Verify(Algorithm a, util::ByteView pub, util::ByteView msg, util::ByteView sig) {
    switch (a) {
        case Algorithm::kEd25519:
            return Ed25519Verify(pub, msg, sig);
        case Algorithm::kSecp256k1:
            return Secp256k1Verify(pub, msg, sig);
    }
    return false;
}

void Verifier::VerifyBatch(std::span<const VerifyItem> items, std::span<bool> out) const {
    IOST_ASSERT(items.size() == out.size(), "VerifyBatch: one outcome per item");
    for (size_t i = 0; i < items.size(); ++i) out[i] = Verify(items[i]);
}

bool DefaultVerifier::Verify(const VerifyItem& item) const {
    return crypto::Verify(item.algorithm, item.pub, item.msg, item.sig);
}

void DefaultVerifier::VerifyBatch(std::span<const VerifyItem> items, std::span<bool> out) const {
    IOST_ASSERT(items.size() == out.size(), "VerifyBatch: one outcome per item");
    const size_t hw = std::max(1u, std::thread::hardware_concurrency());
    const size_t workers = std::min(hw, items.size() / kVerifyBatchMinPerThread);
    if (workers <= 1) {
        for (size_t i = 0; i < items.size(); ++i) out[i] = Verify(items[i]);
        return;
    }
    // Each worker owns a contiguous slice of `out`: no shared writes, and the
    // outcome of item i never depends on scheduling.
    const size_t chunk = (items.size() + workers - 1) / workers;
    std::vector<std::jthread> threads;
    threads.reserve(workers - 1);
    auto run = [this, items, out](size_t begin, size_t end) {
        for (size_t i = begin; i < end; ++i) out[i] = Verify(items[i]);
    };
    for (size_t w = 1; w < workers; ++w) {
        const size_t begin = std::min(items.size(), w * chunk);
        const size_t end = std::min(items.size(), begin + chunk);
        try {
            threads.emplace_back(run, begin, end);
        } catch (const std::system_error&) {
            run(begin, end);  // no thread available: same result, just slower
        }
    }
    run(0, std::min(items.size(), chunk));
}  // jthreads join here

const Verifier& RealVerifier() {
    static const DefaultVerifier verifier;
    return verifier;
}

}  // namespace iost::crypto
