#include <core/block.h>
#include <core/codec.h>

namespace iost::core {
namespace {

constexpr std::string_view kMicroTag = "iost-pob-micro-v1";
constexpr std::string_view kFinalTag = "iost-pob-final-v1";
// v1 followed by the epoch seed's commit–reveal fields (pob.md §4.2): two
// byte strings, each empty (absent) or 32 bytes, not both empty, so that
// every block has exactly one encoding.
constexpr std::string_view kFinalTagV2 = "iost-pob-final-v2";
// v2's fields (both seed fields may be empty here) followed by the
// last_commit (pob.md §4.1): the commit view and a certificate. Used exactly
// when a block carries a last_commit, so v1/v2 blocks keep their bytes.
constexpr std::string_view kFinalTagV3 = "iost-pob-final-v3";
constexpr std::string_view kVoteTag = "iost-pob-vote-v1";
constexpr std::string_view kEvidenceTag = "iost-pob-evidence-v1";

void WriteU64(Encoder& e, uint64_t v) { e.WriteInt64(static_cast<int64_t>(v)); }
void WriteHash(Encoder& e, const crypto::Hash256& h) { e.WriteBytes(crypto::View(h)); }

util::Result<uint64_t> ReadU64(Decoder& d) {
    auto v = d.ReadInt64();
    if (!v) return util::ErrOf(v.error());
    return static_cast<uint64_t>(*v);
}

util::Result<crypto::Hash256> ReadHash(Decoder& d) {
    auto v = d.ReadBytesView();
    if (!v) return util::ErrOf(v.error());
    if (v->size() != 32) return util::Err("hash: expected 32 bytes");
    crypto::Hash256 h{};
    std::copy(v->begin(), v->end(), h.begin());
    return h;
}

util::Status ExpectTag(Decoder& d, std::string_view tag) {
    auto t = d.ReadBytesView();
    if (!t) return util::ErrOf(t.error());
    if (util::AsString(*t) != tag) return util::Err("unexpected object tag");
    return util::Ok();
}

#define IOST_READ(var, expr)                           \
    auto var##_r = (expr);                             \
    if (!var##_r) return util::ErrOf(var##_r.error()); \
    auto var = std::move(*var##_r)

void EncodeTx(Encoder& e, const Tx& tx) {
    const size_t t = e.BeginNested();
    tx.EncodeTo(e, TxLevel::kFull);
    e.EndNested(t);
}

util::Result<Tx> DecodeTx(Decoder& d) {
    IOST_READ(b, d.ReadBytesView());
    return Tx::FromBytes(b);
}

void EncodeVote(Encoder& e, const SignedVote& v) {
    e.WriteByte(v.kind);
    WriteU64(e, v.height);
    WriteU64(e, v.view);
    WriteHash(e, v.block_hash);
    e.WriteString(v.voter);
    e.WriteBytes(v.sig);
}

util::Result<SignedVote> DecodeVote(Decoder& d) {
    SignedVote v;
    IOST_READ(kind, d.ReadByte());
    IOST_READ(h, ReadU64(d));
    IOST_READ(view, ReadU64(d));
    IOST_READ(hash, ReadHash(d));
    IOST_READ(voter, d.ReadString());
    IOST_READ(sig, d.ReadBytes());
    v.kind = kind;
    v.height = h;
    v.view = view;
    v.block_hash = hash;
    v.voter = std::move(voter);
    v.sig = std::move(sig);
    return v;
}

void EncodeEvidenceBody(Encoder& e, const Evidence& ev) {
    e.WriteString(kEvidenceTag);
    e.WriteByte(static_cast<uint8_t>(ev.kind));
    switch (ev.kind) {
        case EvidenceKind::kFraud: {
            ev.fraud.header.EncodeTo(e);
            e.WriteBytes(ev.fraud.producer_sig);
            e.WriteInt32(static_cast<int32_t>(ev.fraud.tx_hashes.size()));
            for (const auto& h : ev.fraud.tx_hashes) WriteHash(e, h);
            e.WriteInt32(static_cast<int32_t>(ev.fraud.index));
            EncodeTx(e, ev.fraud.tx);
            e.WriteByte(static_cast<uint8_t>(ev.fraud.reason));
            break;
        }
        case EvidenceKind::kMicroEquivocation:
            ev.micro.a.EncodeTo(e);
            e.WriteBytes(ev.micro.sig_a);
            ev.micro.b.EncodeTo(e);
            e.WriteBytes(ev.micro.sig_b);
            break;
        case EvidenceKind::kVoteEquivocation:
            EncodeVote(e, ev.vote.a);
            EncodeVote(e, ev.vote.b);
            break;
    }
}

util::Result<Evidence> DecodeEvidenceBody(Decoder& d) {
    IOST_TRY(ExpectTag(d, kEvidenceTag));
    Evidence ev;
    IOST_READ(kind, d.ReadByte());
    switch (kind) {
        case static_cast<uint8_t>(EvidenceKind::kFraud): {
            ev.kind = EvidenceKind::kFraud;
            IOST_READ(hdr, MicroBlockHeader::DecodeFrom(d));
            IOST_READ(sig, d.ReadBytes());
            IOST_READ(n, d.ReadCount(kMaxMicroTxs, 36));
            ev.fraud.header = std::move(hdr);
            ev.fraud.producer_sig = std::move(sig);
            for (size_t i = 0; i < n; ++i) {
                IOST_READ(h, ReadHash(d));
                ev.fraud.tx_hashes.push_back(h);
            }
            IOST_READ(idx, d.ReadInt32());
            if (idx < 0) return util::Err("evidence: negative index");
            ev.fraud.index = static_cast<uint32_t>(idx);
            IOST_READ(tx, DecodeTx(d));
            ev.fraud.tx = std::move(tx);
            IOST_READ(reason, d.ReadByte());
            if (reason != static_cast<uint8_t>(FraudReason::kBadTransaction)) {
                return util::Err("evidence: unknown fraud reason");
            }
            ev.fraud.reason = FraudReason::kBadTransaction;
            break;
        }
        case static_cast<uint8_t>(EvidenceKind::kMicroEquivocation): {
            ev.kind = EvidenceKind::kMicroEquivocation;
            IOST_READ(a, MicroBlockHeader::DecodeFrom(d));
            IOST_READ(sa, d.ReadBytes());
            IOST_READ(b, MicroBlockHeader::DecodeFrom(d));
            IOST_READ(sb, d.ReadBytes());
            ev.micro = {std::move(a), std::move(b), std::move(sa), std::move(sb)};
            break;
        }
        case static_cast<uint8_t>(EvidenceKind::kVoteEquivocation): {
            ev.kind = EvidenceKind::kVoteEquivocation;
            IOST_READ(a, DecodeVote(d));
            IOST_READ(b, DecodeVote(d));
            ev.vote = {std::move(a), std::move(b)};
            break;
        }
        default:
            return util::Err("evidence: unknown kind");
    }
    return ev;
}

}  // namespace

crypto::Hash256 MerkleRoot(std::span<const crypto::Hash256> leaves) {
    if (leaves.empty()) return crypto::Hash256{};
    std::vector<crypto::Hash256> level(leaves.begin(), leaves.end());
    while (level.size() > 1) {
        std::vector<crypto::Hash256> next;
        next.reserve((level.size() + 1) / 2);
        for (size_t i = 0; i < level.size(); i += 2) {
            if (i + 1 == level.size()) {
                next.push_back(level[i]);
                continue;
            }
            crypto::Sha3Hasher h;
            const uint8_t one = 1;
            h.Update(util::ByteView(&one, 1));
            h.Update(crypto::View(level[i]));
            h.Update(crypto::View(level[i + 1]));
            next.push_back(h.Final());
        }
        level.swap(next);
    }
    return level[0];
}

void MicroBlockHeader::EncodeTo(Encoder& e) const {
    e.WriteString(kMicroTag);
    WriteU64(e, epoch);
    e.WriteString(producer);
    WriteU64(e, seq);
    WriteHash(e, prev_micro_hash);
    WriteU64(e, base_final_height);
    WriteHash(e, tx_root);
    WriteHash(e, receipts_root);
    e.WriteInt64(time);
    e.WriteInt32(static_cast<int32_t>(tx_count));
}

util::Result<MicroBlockHeader> MicroBlockHeader::DecodeFrom(Decoder& d) {
    IOST_TRY(ExpectTag(d, kMicroTag));
    MicroBlockHeader h;
    IOST_READ(epoch, ReadU64(d));
    IOST_READ(producer, d.ReadString());
    IOST_READ(seq, ReadU64(d));
    IOST_READ(prev, ReadHash(d));
    IOST_READ(base, ReadU64(d));
    IOST_READ(txr, ReadHash(d));
    IOST_READ(rr, ReadHash(d));
    IOST_READ(time, d.ReadInt64());
    IOST_READ(count, d.ReadInt32());
    if (count < 0 || static_cast<size_t>(count) > kMaxMicroTxs) {
        return util::Err("micro header: bad tx count");
    }
    h.epoch = epoch;
    h.producer = std::move(producer);
    h.seq = seq;
    h.prev_micro_hash = prev;
    h.base_final_height = base;
    h.tx_root = txr;
    h.receipts_root = rr;
    h.time = time;
    h.tx_count = static_cast<uint32_t>(count);
    return h;
}

crypto::Hash256 MicroBlockHeader::Hash() const {
    Encoder e(256);
    EncodeTo(e);
    return crypto::Sha3_256(e.bytes());
}

void MicroBlock::Seal() {
    tx_hashes.clear();
    tx_hashes.reserve(txs.size());
    for (const auto& tx : txs) tx_hashes.push_back(tx.Hash());
    header.tx_root = MerkleRoot(tx_hashes);
    header.tx_count = static_cast<uint32_t>(txs.size());
    hash = header.Hash();
}

util::Bytes MicroBlock::ToBytes() const {
    Encoder e(512);
    header.EncodeTo(e);
    e.WriteInt32(static_cast<int32_t>(txs.size()));
    for (const auto& tx : txs) EncodeTx(e, tx);
    e.WriteBytes(producer_sig);
    return e.Take();
}

util::Result<MicroBlock> MicroBlock::FromBytes(util::ByteView b) {
    Decoder d(b);
    MicroBlock m;
    IOST_READ(hdr, MicroBlockHeader::DecodeFrom(d));
    IOST_READ(n, d.ReadCount(kMaxMicroTxs));
    m.header = std::move(hdr);
    m.txs.reserve(n);
    m.tx_hashes.reserve(n);
    for (size_t i = 0; i < n; ++i) {
        // Each tx is hashed from its own bytes: Tx::FromBytes accepts only
        // canonical encodings (fuzz_codec checks re-encoding gives the input
        // back), so SHA3 of the slice IS Tx::Hash(), without encoding the
        // decoded tx again (docs/benchmarks.md "CPU per transaction").
        IOST_READ(bytes, d.ReadBytesView());
        IOST_READ(tx, Tx::FromBytes(bytes));
        m.txs.push_back(std::move(tx));
        m.tx_hashes.push_back(crypto::Sha3_256(bytes));
    }
    IOST_READ(sig, d.ReadBytes());
    m.producer_sig = std::move(sig);
    IOST_TRY(d.ExpectEnd());
    if (m.header.tx_count != m.txs.size() || m.header.tx_root != MerkleRoot(m.tx_hashes)) {
        return util::Err("micro block: tx_root or tx_count does not match the transactions");
    }
    m.hash = m.header.Hash();
    return m;
}

crypto::Hash256 VoteMessage(uint8_t kind, uint64_t height, uint64_t view,
                            const crypto::Hash256& block_hash) {
    Encoder e(96);
    e.WriteString(kVoteTag);
    e.WriteByte(kind);
    WriteU64(e, height);
    WriteU64(e, view);
    WriteHash(e, block_hash);
    return crypto::Sha3_256(e.bytes());
}

const std::string& Evidence::Accused() const {
    switch (kind) {
        case EvidenceKind::kFraud:
            return fraud.header.producer;
        case EvidenceKind::kMicroEquivocation:
            return micro.a.producer;
        case EvidenceKind::kVoteEquivocation:
            return vote.a.voter;
    }
    return fraud.header.producer;
}

util::Bytes Evidence::ToBytes() const {
    Encoder e(256);
    EncodeEvidenceBody(e, *this);
    return e.Take();
}

util::Result<Evidence> Evidence::FromBytes(util::ByteView b) {
    Decoder d(b);
    IOST_READ(ev, DecodeEvidenceBody(d));
    IOST_TRY(d.ExpectEnd());
    return ev;
}

crypto::Hash256 Evidence::Id() const { return crypto::Sha3_256(ToBytes()); }

namespace {

void WriteOptionalHash(Encoder& e, const std::optional<crypto::Hash256>& h) {
    if (h) {
        WriteHash(e, *h);
    } else {
        e.WriteBytes({});
    }
}

util::Result<std::optional<crypto::Hash256>> ReadOptionalHash(Decoder& d) {
    auto v = d.ReadBytesView();
    if (!v) return util::ErrOf(v.error());
    if (v->empty()) return std::optional<crypto::Hash256>{};
    if (v->size() != 32) return util::Err("seed field: expected 0 or 32 bytes");
    crypto::Hash256 h{};
    std::copy(v->begin(), v->end(), h.begin());
    return std::optional<crypto::Hash256>{h};
}

void EncodeFinal(Encoder& e, const FinalBlock& b) {
    const bool v3 = b.last_commit.has_value();
    const bool v2 = !v3 && (b.seed_commit.has_value() || b.seed_reveal.has_value());
    e.WriteString(v3 ? kFinalTagV3 : v2 ? kFinalTagV2 : kFinalTag);
    WriteU64(e, b.height);
    WriteHash(e, b.prev_hash);
    WriteU64(e, b.epoch);
    WriteU64(e, b.view);
    e.WriteInt64(b.time);
    e.WriteString(b.proposer);
    e.WriteInt32(static_cast<int32_t>(b.micro_refs.size()));
    for (const auto& r : b.micro_refs) {
        e.WriteString(r.producer);
        WriteU64(e, r.seq_from);
        WriteU64(e, r.seq_to);
        WriteHash(e, r.last_hash);
    }
    e.WriteInt32(static_cast<int32_t>(b.direct_txs.size()));
    for (const auto& tx : b.direct_txs) EncodeTx(e, tx);
    e.WriteStringList(b.fallback);
    for (const auto* list : {&b.excluded, &b.compensated}) {
        e.WriteInt32(static_cast<int32_t>(list->size()));
        for (const auto& r : *list) {
            WriteHash(e, r.tx_hash);
            WriteHash(e, r.evidence_id);
        }
    }
    e.WriteInt32(static_cast<int32_t>(b.evidence.size()));
    for (const auto& ev : b.evidence) {
        const size_t t = e.BeginNested();
        EncodeEvidenceBody(e, ev);
        e.EndNested(t);
    }
    WriteHash(e, b.tx_merkle_root);
    WriteHash(e, b.receipt_merkle_root);
    WriteHash(e, b.state_root);
    if (v2 || v3) {
        WriteOptionalHash(e, b.seed_commit);
        WriteOptionalHash(e, b.seed_reveal);
    }
    if (v3) {
        WriteU64(e, b.last_commit->view);
        EncodeCertificate(e, b.last_commit->cert);
    }
}

util::Result<FinalBlock> DecodeFinal(Decoder& d) {
    IOST_READ(tag, d.ReadBytesView());
    const bool v2 = util::AsString(tag) == kFinalTagV2;
    const bool v3 = util::AsString(tag) == kFinalTagV3;
    if (!v2 && !v3 && util::AsString(tag) != kFinalTag) return util::Err("unexpected object tag");
    FinalBlock b;
    IOST_READ(height, ReadU64(d));
    IOST_READ(prev, ReadHash(d));
    IOST_READ(epoch, ReadU64(d));
    IOST_READ(view, ReadU64(d));
    IOST_READ(time, d.ReadInt64());
    IOST_READ(proposer, d.ReadString());
    b.height = height;
    b.prev_hash = prev;
    b.epoch = epoch;
    b.view = view;
    b.time = time;
    b.proposer = std::move(proposer);
    IOST_READ(nrefs, d.ReadCount(kMaxFinalRefs, 56));
    for (size_t i = 0; i < nrefs; ++i) {
        MicroRef r;
        IOST_READ(p, d.ReadString());
        IOST_READ(from, ReadU64(d));
        IOST_READ(to, ReadU64(d));
        IOST_READ(last, ReadHash(d));
        r.producer = std::move(p);
        r.seq_from = from;
        r.seq_to = to;
        r.last_hash = last;
        b.micro_refs.push_back(std::move(r));
    }
    IOST_READ(ntx, d.ReadCount(kMaxFinalDirectTxs));
    for (size_t i = 0; i < ntx; ++i) {
        IOST_READ(tx, DecodeTx(d));
        b.direct_txs.push_back(std::move(tx));
    }
    IOST_READ(fb, d.ReadStringList(kMaxListSmall));
    b.fallback = std::move(fb);
    for (auto* list : {&b.excluded, &b.compensated}) {
        IOST_READ(n, d.ReadCount(kMaxMicroTxs, 72));
        for (size_t i = 0; i < n; ++i) {
            IOST_READ(th, ReadHash(d));
            IOST_READ(eid, ReadHash(d));
            list->push_back({th, eid});
        }
    }
    IOST_READ(nev, d.ReadCount(kMaxFinalEvidence));
    for (size_t i = 0; i < nev; ++i) {
        IOST_READ(body, d.ReadBytesView());
        Decoder sub(body);
        IOST_READ(ev, DecodeEvidenceBody(sub));
        IOST_TRY(sub.ExpectEnd());
        b.evidence.push_back(std::move(ev));
    }
    IOST_READ(txr, ReadHash(d));
    IOST_READ(rr, ReadHash(d));
    IOST_READ(sr, ReadHash(d));
    b.tx_merkle_root = txr;
    b.receipt_merkle_root = rr;
    b.state_root = sr;
    if (v2 || v3) {
        IOST_READ(commit, ReadOptionalHash(d));
        IOST_READ(reveal, ReadOptionalHash(d));
        if (v2 && !commit && !reveal) {
            return util::Err("final block v2 without seed fields (must be encoded as v1)");
        }
        b.seed_commit = commit;
        b.seed_reveal = reveal;
    }
    if (v3) {
        IOST_READ(lc_view, ReadU64(d));
        IOST_READ(lc_cert, DecodeCertificate(d));
        b.last_commit = FinalBlock::LastCommit{lc_view, std::move(lc_cert)};
    }
    return b;
}

}  // namespace

util::Bytes FinalBlock::ToBytes() const {
    Encoder e(512);
    EncodeFinal(e, *this);
    return e.Take();
}

util::Result<FinalBlock> FinalBlock::FromBytes(util::ByteView b) {
    Decoder d(b);
    IOST_READ(fb, DecodeFinal(d));
    IOST_TRY(d.ExpectEnd());
    return fb;
}

crypto::Hash256 FinalBlock::Hash() const { return crypto::Sha3_256(ToBytes()); }

void EncodeCertificate(Encoder& e, const crypto::Certificate& c) {
    e.WriteBytes(c.bitmap);
    e.WriteBytesList(c.signatures);
}

util::Result<crypto::Certificate> DecodeCertificate(Decoder& d) {
    crypto::Certificate c;
    IOST_READ(bm, d.ReadBytes());
    if (bm.size() > kMaxCertMembers / 8) return util::Err("certificate: bitmap too long");
    IOST_READ(sigs, d.ReadBytesList(kMaxCertMembers));
    c.bitmap = std::move(bm);
    c.signatures = std::move(sigs);
    return c;
}

util::Bytes CertifiedBlockToBytes(const CertifiedBlock& cb) {
    Encoder e(1024);
    EncodeFinal(e, cb.block);
    WriteU64(e, cb.commit_view);
    EncodeCertificate(e, cb.cert);
    return e.Take();
}

util::Result<CertifiedBlock> CertifiedBlockFromBytes(util::ByteView b) {
    Decoder d(b);
    CertifiedBlock cb;
    IOST_READ(fb, DecodeFinal(d));
    IOST_READ(view, ReadU64(d));
    IOST_READ(cert, DecodeCertificate(d));
    IOST_TRY(d.ExpectEnd());
    cb.block = std::move(fb);
    cb.commit_view = view;
    cb.cert = std::move(cert);
    return cb;
}

}  // namespace iost::core
