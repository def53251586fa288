// Tx: an IOST transaction, byte for byte (docs/formats.md §T, go-iost
// core/tx/tx.go v3). Fields, their SimpleEncoder bytes at the Base, Publish
// and Full levels, the SHA3-256 hashes over them, signing helpers, and the
// stateless validity check VerifySelf.
//
//   Base    = time | expiration | gas_ratio | gas_limit | delay | int32 chain_id |
//             bytes reserved | []string signers | [][]byte actions | [][]byte amount_limit
//   Publish = Base | [][]byte signatures
//   Full    = Publish | bytes referred_tx | string publisher | [][]byte publisher_sigs
//   action = string contract | string action_name | string data
//   amount_limit = string token | string value
//   signature = byte algorithm | bytes sig | bytes pubkey
// Signers sign SHA3(Base); the publisher signs SHA3(Publish); the
// transaction id is SHA3(Full), shown in base58.
//
// Hashes are NOT cached inside Tx: it is a plain value whose public fields
// callers (tests, builders) change freely, and a stale cache there would be a
// consensus bug. Compute Hash() once and keep it beside the Tx (the mempool
// entry, the block) where it is needed again; ComputeHashes() gives all three
// from one encoding. Full-hashing a ~300-byte transfer costs ~2 µs CPU and
// VerifySelf without the signature ~4 µs, against ~50-80 µs for one Ed25519
// verification (bench/core_bench.cpp, 2-vCPU EPYC).
//
// Thread contract: a value type; const methods are safe to call concurrently.
#pragma once

#include <crypto/hash.h>
#include <crypto/keys.h>
#include <util/bytes.h>
#include <util/clock.h>
#include <util/result.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace iost::core {

class Encoder;

// Chain ids (docs/formats.md §K): the SDK defaults to mainnet's 1024.
inline constexpr uint32_t kMainnetChainId = 1024;
inline constexpr uint32_t kTestnetChainId = 1023;
inline constexpr uint32_t kLocalChainId = 1020;

// Limits from go-iost core/tx/tx.go and core/txpool/type.go. Gas values are
// stored ×100 (the JSON doubles 1.00–100.00 and 6,000–4,000,000).
inline constexpr int64_t kMinGasRatio = 100;
inline constexpr int64_t kMaxGasRatio = 10'000;
inline constexpr int64_t kMinGasLimit = 600'000;
inline constexpr int64_t kMaxGasLimit = 400'000'000;
inline constexpr size_t kMaxTxBytes = 65'536;                               // Full-level encoding
inline constexpr int64_t kMaxTxLifetimeNanos = 90 * util::kNanosPerSecond;  // MaxExpiration
inline constexpr int64_t kMaxTxFutureNanos = 30 * util::kNanosPerSecond;    // maxTxTimeGap
// Every list element costs at least 4 bytes (its length prefix) in the Full
// encoding, so no valid transaction has more items in any list than this;
// decoders use it to refuse forged counts before allocating.
inline constexpr size_t kMaxTxListItems = kMaxTxBytes / 4;

struct Action {
    std::string contract;
    std::string action_name;
    std::string data;  // a JSON array of arguments, as text
    friend bool operator==(const Action&, const Action&) = default;
};

struct AmountLimit {
    std::string token;  // a token symbol or "*"
    std::string value;  // a decimal string or "unlimited"
    friend bool operator==(const AmountLimit&, const AmountLimit&) = default;
};

struct Signature {
    crypto::Algorithm algorithm = crypto::Algorithm::kEd25519;
    util::Bytes sig;
    util::Bytes pubkey;
    friend bool operator==(const Signature&, const Signature&) = default;
};

enum class TxLevel { kBase, kPublish, kFull };

// Why a transaction failed VerifySelf. The network layer maps these to peer
// penalties, the API to messages; they are stable (append only).
enum class TxError {
    kWrongChainId,          // chain_id differs from the node's
    kBadTime,               // not 0 < time < expiration
    kDelayNotSupported,     // delay != 0 (IOST v3 disabled deferred txs)
    kUnsupportedField,      // non-empty referred_tx or reserved (ours: see tx.cpp)
    kTooLarge,              // Full bytes > 65,536
    kBadGasRatio,           // outside 1.00–100.00
    kBadGasLimit,           // outside 6,000–4,000,000
    kBadSigner,             // a signer is not "name@perm"      (CheckNames only)
    kBadPublisher,          // publisher is not an account name (CheckNames only)
    kExpired,               // expiration <= now, or now - time > 90 s
    kFutureTime,            // time > now + 30 s
    kNoPublisherSignature,  // publisher_sigs empty
    kBadSignerSignature,    // a signature in `signatures` fails over the Base hash
    kBadPublisherSignature  // a publisher signature fails over the Publish hash
};
std::string_view TxErrorName(TxError e);

struct TxRejection {
    TxError reason = TxError::kBadTime;
    std::string message;
};
using TxStatus = util::Result<void, TxRejection>;

// All three hashes from one encoding (each level's bytes are a prefix of
// the Full bytes), plus the Full size VerifySelf's size rule needs.
struct TxHashes {
    crypto::Hash256 base{};
    crypto::Hash256 publish{};
    crypto::Hash256 full{};  // the tx id
    size_t full_size = 0;
};

struct Tx {
    using Level = TxLevel;

    int64_t time = 0;        // unix ns
    int64_t expiration = 0;  // unix ns
    int64_t gas_ratio = 0;   // ×100
    int64_t gas_limit = 0;   // ×100
    int64_t delay = 0;       // ns; must be 0
    uint32_t chain_id = kMainnetChainId;
    std::vector<std::string> signers;  // "name@perm"
    std::vector<Action> actions;
    std::vector<AmountLimit> amount_limit;
    std::vector<Signature> signatures;  // signers' signatures over BaseHash()
    std::string publisher;
    std::vector<Signature> publisher_sigs;  // over PublishHash()
    util::Bytes referred_tx;
    util::Bytes reserved;

    friend bool operator==(const Tx&, const Tx&) = default;

    util::Bytes ToBytes(TxLevel level) const;
    void EncodeTo(Encoder& enc, TxLevel level) const;
    crypto::Hash256 BaseHash() const;
    crypto::Hash256 PublishHash() const;
    crypto::Hash256 Hash() const;  // Full level: the transaction id
    std::string HashBase58() const { return crypto::HashToBase58(Hash()); }
    // Base, Publish and Full hashes for about the price of one encoding.
    TxHashes ComputeHashes() const;

    // Decodes a Full-level encoding (our wire and storage form: it holds every
    // field). Strict: trailing bytes, unknown algorithms, counts beyond
    // kMaxTxListItems and input over kMaxTxBytes are errors.
    static util::Result<Tx> FromBytes(util::ByteView full_bytes);

    // Appends a signer signature over BaseHash() (SDK: tx.addSign(kp)).
    void SignAsSigner(const crypto::Signer& signer);
    void SignAsSigner(const crypto::KeyPair& kp);
    // Appends a publisher signature over PublishHash() (SDK:
    // tx.addPublishSign(publisher, kp)); sign as every signer first, since
    // their signatures are part of the Publish bytes.
    void SignAsPublisher(const crypto::Signer& signer);
    void SignAsPublisher(const crypto::KeyPair& kp);
    void SignAsPublisher(std::string publisher_name, const crypto::KeyPair& kp) {
        publisher = std::move(publisher_name);
        SignAsPublisher(kp);
    }

    // Every stateless rule of docs/formats.md §T (go-iost Tx.VerifySelf plus
    // the txpool's clock rules): cheap form checks first, then the clock, then
    // every signature (one VerifyBatch). The first failing rule is reported.
    // Permission checks (does the publisher's key belong to its `active`
    // permission?) need state and belong to the ledger.
    TxStatus VerifySelf(util::UnixNanos now, uint32_t expected_chain_id,
                        const crypto::Verifier& verifier) const;
    // The same with hashes the caller already computed (ComputeHashes() of
    // this very tx; passing another tx's hashes is a caller bug).
    TxStatus VerifySelf(util::UnixNanos now, uint32_t expected_chain_id,
                        const crypto::Verifier& verifier, const TxHashes& hashes) const;
    // The same without the clock rules (kExpired, kFutureTime), for tools that
    // judge a transaction's form apart from when it is looked at.
    TxStatus VerifyForm(uint32_t expected_chain_id, const crypto::Verifier& verifier) const;
    // Account-name form of the signers ("name@perm") and the publisher.
    // Not part of VerifySelf, which is exactly go-iost's stateless check: IOST
    // finds a malformed name only when executing (no such account can exist,
    // so the auth check fails). The ledger/mempool may call this to refuse
    // such a tx early; iwallet reports it as a warning.
    TxStatus CheckNames() const;
    // Only the clock rules (go-iost Tx.IsExpired / IsCreatedBefore).
    TxStatus CheckTime(util::UnixNanos now) const;
    bool IsExpired(util::UnixNanos now) const;
};

// Encodes one signature (byte algorithm | bytes sig | bytes pubkey).
void EncodeSignature(Encoder& enc, const Signature& s);

}  // namespace iost::core
