// MicroBlock (PoB phase 1) and FinalBlock (phase 2), docs/pob.md §3 and
// docs/pob.md §3: their fields, canonical encodings (IOST's SimpleEncoder
// from core/codec.h, each object prefixed by a domain tag so that no two kinds
// of object ever share bytes), hashes (SHA3-256 over the encoding) and the
// evidence a FinalBlock carries (fraud proofs, equivocations). Decoders treat
// their input as hostile (bounded counts, trailing bytes rejected).
// Semantics (who signs what, what is valid) live in consensus/; this file only
// defines the bytes.
// Thread contract: value types and pure functions.
#pragma once

#include <core/tx.h>
#include <crypto/certificate.h>
#include <crypto/hash.h>
#include <util/bytes.h>
#include <util/result.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace iost::core {

class Encoder;
class Decoder;

// Caps for decoders (also enforced by the engine when it builds blocks).
inline constexpr size_t kMaxMicroTxs = 10'000;
inline constexpr size_t kMaxFinalRefs = 1'024;
inline constexpr size_t kMaxFinalDirectTxs = 10'000;
inline constexpr size_t kMaxFinalEvidence = 64;
inline constexpr size_t kMaxListSmall = 4'096;
inline constexpr size_t kMaxCertMembers = 4'096;

// Binary Merkle root over hashes: leaves as given, a lone last node is
// promoted unchanged, inner = SHA3(0x01 ‖ left ‖ right); empty list → zero.
crypto::Hash256 MerkleRoot(std::span<const crypto::Hash256> leaves);

struct MicroBlockHeader {
    uint64_t epoch = 0;
    std::string producer;               // validator id (account name)
    uint64_t seq = 0;                   // 1, 2, ... within (epoch, producer)
    crypto::Hash256 prev_micro_hash{};  // zero for seq 1
    uint64_t base_final_height = 0;     // producer's last final height when it built this
    crypto::Hash256 tx_root{};          // MerkleRoot of the transactions' hashes
    crypto::Hash256 receipts_root{};    // producer's PACKED receipts (zero if none computed)
    int64_t time = 0;                   // unix ns
    uint32_t tx_count = 0;

    void EncodeTo(Encoder& enc) const;
    static util::Result<MicroBlockHeader> DecodeFrom(Decoder& dec);
    crypto::Hash256 Hash() const;  // what the producer signs
    friend bool operator==(const MicroBlockHeader&, const MicroBlockHeader&) = default;
};

struct MicroBlock {
    MicroBlockHeader header;
    std::vector<Tx> txs;
    util::Bytes producer_sig;  // over header.Hash()
    // Derived (not encoded): filled by Seal()/FromBytes().
    crypto::Hash256 hash{};
    std::vector<crypto::Hash256> tx_hashes;

    // Computes tx_hashes, header.tx_root/tx_count and hash. Call after
    // changing txs or header, before signing.
    void Seal();
    util::Bytes ToBytes() const;
    // Decodes and Seals; error if header.tx_root/tx_count do not match txs.
    static util::Result<MicroBlock> FromBytes(util::ByteView b);
};

struct MicroRef {
    std::string producer;
    uint64_t seq_from = 0;        // inclusive
    uint64_t seq_to = 0;          // inclusive
    crypto::Hash256 last_hash{};  // hash of the MicroBlock with seq_to
    friend bool operator==(const MicroRef&, const MicroRef&) = default;
};

// A signed consensus vote (docs/pob.md §6). kind: 1 prepare, 2 commit.
struct SignedVote {
    uint8_t kind = 0;
    uint64_t height = 0;
    uint64_t view = 0;
    crypto::Hash256 block_hash{};
    std::string voter;
    util::Bytes sig;  // over VoteMessage(kind, height, view, block_hash)
    friend bool operator==(const SignedVote&, const SignedVote&) = default;
};
inline constexpr uint8_t kVotePrepare = 1;
inline constexpr uint8_t kVoteCommit = 2;
crypto::Hash256 VoteMessage(uint8_t kind, uint64_t height, uint64_t view,
                            const crypto::Hash256& block_hash);

// Why a sampled transaction failed (docs/pob.md §7).
enum class FraudReason : uint8_t { kBadTransaction = 1 };

// Evidence (docs/pob.md §7). Exactly one of the three kinds is set.
struct FraudProof {
    MicroBlockHeader header;
    util::Bytes producer_sig;
    std::vector<crypto::Hash256> tx_hashes;  // all of the MicroBlock's, to check tx_root
    uint32_t index = 0;                      // which one is bad
    Tx tx;
    FraudReason reason = FraudReason::kBadTransaction;
};
struct MicroEquivocation {
    MicroBlockHeader a, b;
    util::Bytes sig_a, sig_b;
};
struct VoteEquivocation {
    SignedVote a, b;
};
enum class EvidenceKind : uint8_t { kFraud = 1, kMicroEquivocation = 2, kVoteEquivocation = 3 };
struct Evidence {
    EvidenceKind kind = EvidenceKind::kFraud;
    FraudProof fraud;
    MicroEquivocation micro;
    VoteEquivocation vote;

    // The accused validator id.
    const std::string& Accused() const;
    util::Bytes ToBytes() const;
    static util::Result<Evidence> FromBytes(util::ByteView b);
    crypto::Hash256 Id() const;  // SHA3 of ToBytes()
};

struct TxRef {
    crypto::Hash256 tx_hash{};
    crypto::Hash256 evidence_id{};
    friend bool operator==(const TxRef&, const TxRef&) = default;
};

struct FinalBlock {
    uint64_t height = 0;
    crypto::Hash256 prev_hash{};
    uint64_t epoch = 0;
    uint64_t view = 0;  // the view it was built in (a re-proposal keeps it)
    int64_t time = 0;
    std::string proposer;
    std::vector<MicroRef> micro_refs;
    std::vector<Tx> direct_txs;  // fallback (pob.md §5.4): txs put straight in by the primary
    std::vector<std::string> fallback;  // believable producers declared silent from here on
    std::vector<TxRef> excluded;        // txs of referenced MicroBlocks not executed (fraud)
    std::vector<TxRef> compensated;     // earlier final txs found forged (pob.md §7)
    std::vector<Evidence> evidence;
    crypto::Hash256 tx_merkle_root{};  // over the executed txs, in order
    crypto::Hash256 receipt_merkle_root{};
    crypto::Hash256 state_root{};
    // The epoch seed's commit–reveal (pob.md §4.2): the proposer's own
    // commitment (commit window) or secret (reveal window), at most one of
    // each per validator and epoch. A block with neither encodes exactly as
    // before (tag v1); one with either uses tag v2 (docs/formats.md), or v3
    // when it also carries a last_commit.
    std::optional<crypto::Hash256> seed_commit;
    std::optional<crypto::Hash256> seed_reveal;
    // Vote accounting (pob.md §4.1, Tendermint's LastCommit): the commit
    // view and every commit vote the proposer held for the block at
    // height − 1 (at least a quorum of that block's normal committee), so
    // who voted is a fact of the final chain. Absent at height 1 and when
    // Params::vote_accounting is off; a block with it uses tag v3
    // (docs/formats.md), one without keeps its v1/v2 bytes.
    struct LastCommit {
        uint64_t view = 0;
        crypto::Certificate cert;
        friend bool operator==(const LastCommit&, const LastCommit&) = default;
    };
    std::optional<LastCommit> last_commit;

    util::Bytes ToBytes() const;
    static util::Result<FinalBlock> FromBytes(util::ByteView b);
    crypto::Hash256 Hash() const;
};

// A FinalBlock with its commit certificate: q commit votes of the normal
// group for (height, commit_view, hash).
struct CertifiedBlock {
    FinalBlock block;
    uint64_t commit_view = 0;
    crypto::Certificate cert;
};

void EncodeCertificate(Encoder& enc, const crypto::Certificate& c);
util::Result<crypto::Certificate> DecodeCertificate(Decoder& dec);
util::Bytes CertifiedBlockToBytes(const CertifiedBlock& cb);
util::Result<CertifiedBlock> CertifiedBlockFromBytes(util::ByteView b);

}  // namespace iost::core
