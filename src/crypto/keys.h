// Keys and signatures as IOST has them (docs/formats.md §K):
//  - Ed25519 (algorithm 2): 32-byte public key; secret key in the 64-byte
//    form seed‖pub; signs the 32-byte SHA3 hash; 64-byte signature.
//    Verification is pinned to libsodium 1.0.18's
//    crypto_sign_verify_detached so every node agrees (docs/reliability.md #2):
//    S must be canonical (< L), R and A must not be of small order, A must be
//    a canonical encoding, and the check is the cofactorless equation
//    [S]B = R + [k]A (not ZIP-215). Go's crypto/ed25519 (go-iost's backend)
//    also refuses S >= L since Go 1.17 but accepts small-order R/A; no
//    honest signer ever produces those, so honest IOST signatures pass here.
//  - secp256k1 (algorithm 1): 32-byte secret (non-zero, below the order n),
//    33-byte compressed public key, 64-byte compact r‖s signature over the
//    32-byte hash (the hash is the ECDSA digest, no further hashing), no
//    recovery byte, RFC 6979 nonces (libsecp256k1 0.2). High-S signatures are
//    rejected, never normalized (malleability, docs/reliability.md #4), as
//    go-iost's go-ethereum/libsecp256k1 backend does.
// Signer/Verifier are interfaces so the simulator can swap in a fast fake.
// Thread contract: KeyPair and DefaultVerifier are safe to share across
// threads for const calls.
#pragma once

#include <util/bytes.h>
#include <util/result.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace iost::crypto {

enum class Algorithm : uint8_t { kSecp256k1 = 1, kEd25519 = 2 };

inline constexpr size_t kEd25519PublicKeySize = 32;
inline constexpr size_t kEd25519SecretKeySize = 64;  // seed ‖ public key
inline constexpr size_t kEd25519SeedSize = 32;
inline constexpr size_t kSecp256k1PublicKeySize = 33;
inline constexpr size_t kSecp256k1SecretKeySize = 32;
inline constexpr size_t kSignatureSize = 64;  // both algorithms
// secp256k1 signs and verifies exactly a 32-byte digest (IOST passes the SHA3
// hash itself as the ECDSA digest, as go-ethereum's secp256k1.Sign does).
inline constexpr size_t kSecp256k1MessageSize = 32;

// "ed25519" | "secp256k1" (also IOST's numeric 1/2 via AlgorithmFromByte).
util::Result<Algorithm> ParseAlgorithm(std::string_view name);
std::string_view AlgorithmName(Algorithm a);
util::Result<Algorithm> AlgorithmFromByte(uint8_t b);

struct PublicKey {
    Algorithm algorithm = Algorithm::kEd25519;
    util::Bytes bytes;
    friend bool operator==(const PublicKey&, const PublicKey&) = default;
    friend auto operator<=>(const PublicKey&, const PublicKey&) = default;
};

// A key pair. The secret never leaves except through SecretBytes() (for key
// files and iwallet's base58 export).
class KeyPair {
  public:
    static KeyPair Generate(Algorithm a);
    // Ed25519: 64-byte seed‖pub (the pub half must match the seed) or a
    // 32-byte seed. secp256k1: 32-byte secret in the curve order.
    static util::Result<KeyPair> FromSecret(Algorithm a, util::ByteView secret);
    // Deterministic key from a seed phrase (tests, simulator, devnet): the
    // 32-byte seed/secret is SHA3-256(phrase) (secp256k1: re-hashed in the
    // ~2^-128 case that it is not below n). Not a wallet KDF.
    static KeyPair FromSeed(Algorithm a, std::string_view seed);

    Algorithm algorithm() const { return m_pub.algorithm; }
    const PublicKey& public_key() const { return m_pub; }
    // IOST's secret form: 64 bytes for Ed25519, 32 for secp256k1.
    const util::Bytes& SecretBytes() const { return m_secret; }
    // Signs a message (IOST signs 32-byte hashes). Deterministic for both
    // algorithms (Ed25519 by construction, secp256k1 via RFC 6979), low-S.
    // secp256k1 requires msg.size() == 32 (IOST_ASSERT: callers sign
    // hashes); calling Sign on a default-constructed KeyPair is a bug.
    util::Bytes Sign(util::ByteView msg) const;

  private:
    // Assembles an already-validated pair.
    static KeyPair FromParts(PublicKey pub, util::Bytes secret);

    PublicKey m_pub;
    util::Bytes m_secret;
};

// Checks a public key's form. secp256k1: 33 bytes, 0x02/0x03 prefix, x on
// the curve. Ed25519: 32 bytes and crypto_core_ed25519_is_valid_point
// (canonical, on the curve, not small order, in the prime-order subgroup).
// For Ed25519 this is slightly stricter than Verify, which also accepts
// mixed-order keys: a key refused here can still never be forged for, and
// refusing it at the door keeps odd keys out of account state.
util::Status ValidatePublicKey(Algorithm a, util::ByteView pub);

// One signature check. Any malformed input (wrong lengths, bad point,
// high-S, a secp256k1 message that is not 32 bytes) is simply false.
bool Verify(Algorithm a, util::ByteView pub, util::ByteView msg, util::ByteView sig);

struct VerifyItem {
    Algorithm algorithm;
    util::ByteView pub;
    util::ByteView msg;
    util::ByteView sig;
};

class Signer {
  public:
    virtual ~Signer() = default;
    virtual const PublicKey& public_key() const = 0;
    virtual util::Bytes Sign(util::ByteView msg) const = 0;
};

class Verifier {
  public:
    virtual ~Verifier() = default;
    virtual bool Verify(const VerifyItem& item) const = 0;
    // Verifies every item; out[i] is the outcome of items[i]. out.size() must
    // equal items.size().
    virtual void VerifyBatch(std::span<const VerifyItem> items, std::span<bool> out) const;
};

// The real thing: libsodium and libsecp256k1.
class KeyPairSigner final : public Signer {
  public:
    explicit KeyPairSigner(KeyPair kp) : m_kp(std::move(kp)) {}
    const PublicKey& public_key() const override { return m_kp.public_key(); }
    util::Bytes Sign(util::ByteView msg) const override { return m_kp.Sign(msg); }
    const KeyPair& key_pair() const { return m_kp; }

  private:
    KeyPair m_kp;
};

// Batches at least this long per thread are split across
// std::thread::hardware_concurrency() threads; shorter ones run inline.
inline constexpr size_t kVerifyBatchMinPerThread = 32;

// VerifyBatch: neither libsodium 1.0.18 nor libsecp256k1 0.2 offers batch
// verification, so a batch is independent single checks. A batch of at
// least 2 * kVerifyBatchMinPerThread items is split into contiguous slices,
// one per hardware thread; each thread writes only its own slice of `out`,
// so the outcome is identical to the sequential loop whatever the
// scheduling. Measured with bench/crypto_bench.cpp on the 2-vCPU AMD EPYC
// build VM: one Ed25519 verify costs ~60-70 us of CPU and a std::jthread
// spawn+join ~40 us of CPU (~110 us wall under load), so 32-item slices
// (~2 ms of work) keep the overhead to a few percent. For 1024 Ed25519 items the calling thread did
// half the CPU work (45 ms vs 76 ms sequential): the split is even, so the wall-clock gain is up to
// 2x when a second core is idle (a node checking a block). On the shared, saturated VM (load
// average 11-15, several sessions in separate scheduler autogroups) threads could not get more CPU
// and wall time was equal within noise (325 ms threaded vs 310 ms sequential).
class DefaultVerifier final : public Verifier {
  public:
    bool Verify(const VerifyItem& item) const override;
    void VerifyBatch(std::span<const VerifyItem> items, std::span<bool> out) const override;
};

const Verifier& RealVerifier();

}  // namespace iost::crypto
