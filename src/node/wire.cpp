#include <core/block.h>
#include <core/codec.h>
#include <core/tx.h>
#include <net/message_types.h>
#include <node/wire.h>

namespace iost::node {

using consensus::Message;
using core::Decoder;
using core::Encoder;
using util::Err;
using util::Result;
using util::Status;

#define WIRE_TRY_ASSIGN(lhs, expr)                         \
    do {                                                   \
        auto wire_r_ = (expr);                             \
        if (!wire_r_) return util::ErrOf(wire_r_.error()); \
        lhs = std::move(*wire_r_);                         \
    } while (0)

namespace {

constexpr uint8_t kSafetyVersion = 1;
constexpr uint8_t kProducerVersion = 1;

void PutU64(Encoder& e, uint64_t v) { e.WriteInt64(static_cast<int64_t>(v)); }
Result<uint64_t> GetU64(Decoder& d) {
    auto v = d.ReadInt64();
    if (!v) return util::ErrOf(v.error());
    return static_cast<uint64_t>(*v);
}
void PutHash(Encoder& e, const crypto::Hash256& h) { e.WriteBytes(crypto::View(h)); }
Result<crypto::Hash256> GetHash(Decoder& d, const char* what) {
    auto v = d.ReadBytesView();
    if (!v) return util::ErrOf(v.error());
    if (v->size() != 32) return Err(std::string(what) + ": a hash must be 32 bytes");
    crypto::Hash256 h;
    std::copy(v->begin(), v->end(), h.begin());
    return h;
}
void PutBool(Encoder& e, bool b) { e.WriteByte(b ? 1 : 0); }
Result<bool> GetBool(Decoder& d, const char* what) {
    auto v = d.ReadByte();
    if (!v) return util::ErrOf(v.error());
    if (*v > 1) return Err(std::string(what) + ": a flag must be 0 or 1");
    return *v == 1;
}

// --- pieces -----------------------------------------------------------------

void PutVote(Encoder& e, const core::SignedVote& v) {
    e.WriteByte(v.kind);
    PutU64(e, v.height);
    PutU64(e, v.view);
    PutHash(e, v.block_hash);
    e.WriteString(v.voter);
    e.WriteBytes(v.sig);
}
Result<core::SignedVote> GetVote(Decoder& d) {
    core::SignedVote v;
    WIRE_TRY_ASSIGN(v.kind, d.ReadByte());
    if (v.kind != core::kVotePrepare && v.kind != core::kVoteCommit)
        return Err("vote: unknown kind");
    WIRE_TRY_ASSIGN(v.height, GetU64(d));
    WIRE_TRY_ASSIGN(v.view, GetU64(d));
    WIRE_TRY_ASSIGN(v.block_hash, GetHash(d, "vote.block_hash"));
    WIRE_TRY_ASSIGN(v.voter, d.ReadString());
    if (v.voter.empty() || v.voter.size() > 64) return Err("vote: bad voter id");
    WIRE_TRY_ASSIGN(v.sig, d.ReadBytes());
    if (v.sig.size() > 128) return Err("vote: signature too long");
    return v;
}

void PutFinalBlock(Encoder& e, const core::FinalBlock& b) { e.WriteBytes(b.ToBytes()); }
Result<std::shared_ptr<const core::FinalBlock>> GetFinalBlock(Decoder& d) {
    auto v = d.ReadBytesView();
    if (!v) return util::ErrOf(v.error());
    auto b = core::FinalBlock::FromBytes(*v);
    if (!b) return Err("final block: " + b.error().message);
    return std::make_shared<const core::FinalBlock>(std::move(*b));
}

void PutPrepared(Encoder& e, const consensus::PreparedCert& p) {
    PutU64(e, p.view);
    PutHash(e, p.hash);
    core::EncodeCertificate(e, p.cert);
    PutBool(e, p.block != nullptr);
    if (p.block) PutFinalBlock(e, *p.block);
}
Result<consensus::PreparedCert> GetPrepared(Decoder& d) {
    consensus::PreparedCert p;
    WIRE_TRY_ASSIGN(p.view, GetU64(d));
    WIRE_TRY_ASSIGN(p.hash, GetHash(d, "prepared.hash"));
    WIRE_TRY_ASSIGN(p.cert, core::DecodeCertificate(d));
    bool has_block = false;
    WIRE_TRY_ASSIGN(has_block, GetBool(d, "prepared.block"));
    if (has_block) WIRE_TRY_ASSIGN(p.block, GetFinalBlock(d));
    return p;
}

void PutViewChange(Encoder& e, const consensus::ViewChangeMsg& vc) {
    PutU64(e, vc.height);
    PutU64(e, vc.new_view);
    e.WriteString(vc.voter);
    PutBool(e, vc.prepared.has_value());
    if (vc.prepared) PutPrepared(e, *vc.prepared);
    e.WriteBytes(vc.sig);
}
Result<consensus::ViewChangeMsg> GetViewChange(Decoder& d) {
    consensus::ViewChangeMsg vc;
    WIRE_TRY_ASSIGN(vc.height, GetU64(d));
    WIRE_TRY_ASSIGN(vc.new_view, GetU64(d));
    WIRE_TRY_ASSIGN(vc.voter, d.ReadString());
    if (vc.voter.empty() || vc.voter.size() > 64) return Err("view change: bad voter id");
    bool has = false;
    WIRE_TRY_ASSIGN(has, GetBool(d, "view change.prepared"));
    if (has) WIRE_TRY_ASSIGN(vc.prepared, GetPrepared(d));
    WIRE_TRY_ASSIGN(vc.sig, d.ReadBytes());
    if (vc.sig.size() > 128) return Err("view change: signature too long");
    return vc;
}

void PutTx(Encoder& e, const core::Tx& tx) { e.WriteBytes(tx.ToBytes(core::TxLevel::kFull)); }
Result<std::shared_ptr<const core::Tx>> GetTx(Decoder& d) {
    auto v = d.ReadBytesView();
    if (!v) return util::ErrOf(v.error());
    if (v->size() > core::kMaxTxBytes) return Err("tx: larger than 64 KiB");
    auto tx = core::Tx::FromBytes(*v);
    if (!tx) return Err("tx: " + tx.error().message);
    return std::make_shared<const core::Tx>(std::move(*tx));
}

void PutMicro(Encoder& e, const core::MicroBlock& m) { e.WriteBytes(m.ToBytes()); }
Result<std::shared_ptr<const core::MicroBlock>> GetMicro(Decoder& d) {
    auto v = d.ReadBytesView();
    if (!v) return util::ErrOf(v.error());
    auto m = core::MicroBlock::FromBytes(*v);
    if (!m) return Err("micro-block: " + m.error().message);
    return std::make_shared<const core::MicroBlock>(std::move(*m));
}

void PutCertified(Encoder& e, const core::CertifiedBlock& cb) {
    e.WriteBytes(core::CertifiedBlockToBytes(cb));
}
Result<std::shared_ptr<const core::CertifiedBlock>> GetCertified(Decoder& d) {
    auto v = d.ReadBytesView();
    if (!v) return util::ErrOf(v.error());
    auto cb = core::CertifiedBlockFromBytes(*v);
    if (!cb) return Err("certified block: " + cb.error().message);
    return std::make_shared<const core::CertifiedBlock>(std::move(*cb));
}

// --- bodies -----------------------------------------------------------------

void EncodeBody(Encoder& e, const Message& m) {
    std::visit(
        [&](const auto& x) {
            using T = std::decay_t<decltype(x)>;
            if constexpr (std::is_same_v<T, consensus::TxMsg>) {
                IOST_ASSERT(x.tx != nullptr, "TxMsg without a tx");
                PutBool(e, x.from_client);
                PutTx(e, *x.tx);
            } else if constexpr (std::is_same_v<T, consensus::MicroMsg>) {
                IOST_ASSERT(x.micro != nullptr, "MicroMsg without a micro-block");
                PutMicro(e, *x.micro);
            } else if constexpr (std::is_same_v<T, consensus::ProposalMsg>) {
                IOST_ASSERT(x.block != nullptr, "ProposalMsg without a block");
                PutU64(e, x.height);
                PutU64(e, x.view);
                PutFinalBlock(e, *x.block);
                PutHash(e, x.block_hash);
                e.WriteString(x.proposer);
                e.WriteInt32(static_cast<int32_t>(x.justification.size()));
                for (const auto& vc : x.justification) PutViewChange(e, vc);
                e.WriteBytes(x.sig);
            } else if constexpr (std::is_same_v<T, consensus::VoteMsg>) {
                PutVote(e, x.vote);
            } else if constexpr (std::is_same_v<T, consensus::ViewChangeMsg>) {
                PutViewChange(e, x);
            } else if constexpr (std::is_same_v<T, consensus::EvidenceMsg>) {
                IOST_ASSERT(x.evidence != nullptr, "EvidenceMsg without evidence");
                e.WriteBytes(x.evidence->ToBytes());
            } else if constexpr (std::is_same_v<T, consensus::MicroRequest>) {
                e.WriteInt32(static_cast<int32_t>(x.hashes.size()));
                for (const auto& h : x.hashes) PutHash(e, h);
            } else if constexpr (std::is_same_v<T, consensus::SyncRequest>) {
                PutU64(e, x.from_height);
            } else if constexpr (std::is_same_v<T, consensus::SyncResponse>) {
                e.WriteInt32(static_cast<int32_t>(x.blocks.size()));
                for (const auto& b : x.blocks) {
                    IOST_ASSERT(b != nullptr, "SyncResponse with a null block");
                    PutCertified(e, *b);
                }
                e.WriteInt32(static_cast<int32_t>(x.micros.size()));
                for (const auto& mb : x.micros) {
                    IOST_ASSERT(mb != nullptr, "SyncResponse with a null micro-block");
                    PutMicro(e, *mb);
                }
            }
        },
        m);
}

Result<Message> DecodeBody(WireTag tag, Decoder& d) {
    switch (tag) {
        case WireTag::kTx: {
            consensus::TxMsg m;
            WIRE_TRY_ASSIGN(m.from_client, GetBool(d, "tx.from_client"));
            WIRE_TRY_ASSIGN(m.tx, GetTx(d));
            return Message{std::move(m)};
        }
        case WireTag::kMicro: {
            consensus::MicroMsg m;
            WIRE_TRY_ASSIGN(m.micro, GetMicro(d));
            m.sealed_from_bytes = true;  // MicroBlock::FromBytes derived and checked them
            return Message{std::move(m)};
        }
        case WireTag::kProposal: {
            consensus::ProposalMsg p;
            WIRE_TRY_ASSIGN(p.height, GetU64(d));
            WIRE_TRY_ASSIGN(p.view, GetU64(d));
            WIRE_TRY_ASSIGN(p.block, GetFinalBlock(d));
            WIRE_TRY_ASSIGN(p.block_hash, GetHash(d, "proposal.block_hash"));
            WIRE_TRY_ASSIGN(p.proposer, d.ReadString());
            if (p.proposer.empty() || p.proposer.size() > 64)
                return Err("proposal: bad proposer id");
            size_t n = 0;
            WIRE_TRY_ASSIGN(n, d.ReadCount(kMaxWireJustification, 8 + 8 + 4 + 1 + 4));
            p.justification.reserve(n);
            for (size_t i = 0; i < n; ++i) {
                consensus::ViewChangeMsg vc;
                WIRE_TRY_ASSIGN(vc, GetViewChange(d));
                p.justification.push_back(std::move(vc));
            }
            WIRE_TRY_ASSIGN(p.sig, d.ReadBytes());
            if (p.sig.size() > 128) return Err("proposal: signature too long");
            return Message{std::move(p)};
        }
        case WireTag::kVote: {
            consensus::VoteMsg m;
            WIRE_TRY_ASSIGN(m.vote, GetVote(d));
            return Message{std::move(m)};
        }
        case WireTag::kViewChange: {
            consensus::ViewChangeMsg vc;
            WIRE_TRY_ASSIGN(vc, GetViewChange(d));
            return Message{std::move(vc)};
        }
        case WireTag::kEvidence: {
            auto v = d.ReadBytesView();
            if (!v) return util::ErrOf(v.error());
            auto ev = core::Evidence::FromBytes(*v);
            if (!ev) return Err("evidence: " + ev.error().message);
            return Message{
                consensus::EvidenceMsg{std::make_shared<const core::Evidence>(std::move(*ev))}};
        }
        case WireTag::kMicroRequest: {
            consensus::MicroRequest r;
            size_t n = 0;
            WIRE_TRY_ASSIGN(n, d.ReadCount(kMaxWireMicroRequest, 4 + 32));
            r.hashes.reserve(n);
            for (size_t i = 0; i < n; ++i) {
                crypto::Hash256 h;
                WIRE_TRY_ASSIGN(h, GetHash(d, "micro request"));
                r.hashes.push_back(h);
            }
            return Message{std::move(r)};
        }
        case WireTag::kSyncRequest: {
            consensus::SyncRequest r;
            WIRE_TRY_ASSIGN(r.from_height, GetU64(d));
            return Message{r};
        }
        case WireTag::kSyncResponse: {
            consensus::SyncResponse r;
            size_t n = 0;
            WIRE_TRY_ASSIGN(n, d.ReadCount(kMaxWireSyncBlocks, 4));
            r.blocks.reserve(n);
            for (size_t i = 0; i < n; ++i) {
                std::shared_ptr<const core::CertifiedBlock> b;
                WIRE_TRY_ASSIGN(b, GetCertified(d));
                r.blocks.push_back(std::move(b));
            }
            WIRE_TRY_ASSIGN(n, d.ReadCount(kMaxWireSyncMicros, 4));
            r.micros.reserve(n);
            for (size_t i = 0; i < n; ++i) {
                std::shared_ptr<const core::MicroBlock> m;
                WIRE_TRY_ASSIGN(m, GetMicro(d));
                r.micros.push_back(std::move(m));
            }
            return Message{std::move(r)};
        }
    }
    return Err("unknown message tag " + std::to_string(static_cast<int>(tag)));
}

}  // namespace

WireTag TagOf(const Message& m) {
    return static_cast<WireTag>(m.index() + 1);  // variant order = tag order (asserted below)
}
static_assert(std::is_same_v<std::variant_alternative_t<0, Message>, consensus::TxMsg>);
static_assert(std::is_same_v<std::variant_alternative_t<2, Message>, consensus::ProposalMsg>);
static_assert(std::is_same_v<std::variant_alternative_t<8, Message>, consensus::SyncResponse>);

uint16_t NetTypeOf(WireTag tag) {
    using net::MessageType;
    switch (tag) {
        case WireTag::kTx:
            return net::ToWire(MessageType::kTx);
        case WireTag::kMicro:
            return net::ToWire(MessageType::kMicroBlock);
        case WireTag::kProposal:
        case WireTag::kVote:
        case WireTag::kViewChange:
            return net::ToWire(MessageType::kVote);
        case WireTag::kEvidence:
            return net::ToWire(MessageType::kEvidence);
        case WireTag::kMicroRequest:
        case WireTag::kSyncRequest:
            return net::ToWire(MessageType::kSyncRequest);
        case WireTag::kSyncResponse:
            return net::ToWire(MessageType::kSyncResponse);
    }
    return 0;
}

util::Bytes EncodeMessage(const Message& m) {
    Encoder e(256);
    e.WriteByte(static_cast<uint8_t>(TagOf(m)));
    EncodeBody(e, m);
    return e.Take();
}

Result<Message> DecodeMessage(util::ByteView payload, std::optional<uint16_t> net_type) {
    Decoder d(payload);
    auto t = d.ReadByte();
    if (!t) return Err("empty message");
    if (*t < 1 || *t > 9) return Err("unknown message tag " + std::to_string(*t));
    const auto tag = static_cast<WireTag>(*t);
    if (net_type && NetTypeOf(tag) != *net_type) {
        return Err("message tag " + std::to_string(*t) + " in a frame of type " +
                   std::string(net::TypeName(*net_type)));
    }
    auto m = DecodeBody(tag, d);
    if (!m) return m;
    IOST_TRY(d.ExpectEnd());
    return m;
}

std::vector<util::Bytes> EncodeForNetwork(const Message& m, size_t max_bytes, size_t* dropped) {
    std::vector<util::Bytes> out;
    auto push = [&](util::Bytes b) {
        if (b.size() <= max_bytes) {
            out.push_back(std::move(b));
        } else if (dropped) {
            ++*dropped;
        }
    };
    if (const auto* r = std::get_if<consensus::MicroRequest>(&m)) {
        for (size_t i = 0; i < r->hashes.size(); i += kMaxWireMicroRequest) {
            consensus::MicroRequest part;
            const size_t end = std::min(r->hashes.size(), i + kMaxWireMicroRequest);
            part.hashes.assign(r->hashes.begin() + static_cast<std::ptrdiff_t>(i),
                               r->hashes.begin() + static_cast<std::ptrdiff_t>(end));
            push(EncodeMessage(part));
        }
        return out;
    }
    if (const auto* r = std::get_if<consensus::SyncResponse>(&m)) {
        util::Bytes whole = EncodeMessage(m);
        if (whole.size() <= max_bytes && r->blocks.size() <= kMaxWireSyncBlocks &&
            r->micros.size() <= kMaxWireSyncMicros) {
            out.push_back(std::move(whole));
            return out;
        }
        // The engine stores micro-blocks of a response before it applies the
        // blocks, and a peer's messages arrive in order: micro-blocks first,
        // in chunks, then the blocks in chunks.
        const size_t budget = max_bytes - 64;
        consensus::SyncResponse part;
        size_t part_bytes = 0;
        auto flush = [&] {
            if (part.blocks.empty() && part.micros.empty()) return;
            push(EncodeMessage(part));
            part = {};
            part_bytes = 0;
        };
        for (const auto& mb : r->micros) {
            const size_t sz = mb->ToBytes().size() + 8;
            if (part_bytes + sz > budget || part.micros.size() >= kMaxWireSyncMicros) flush();
            part.micros.push_back(mb);
            part_bytes += sz;
        }
        flush();
        for (const auto& b : r->blocks) {
            const size_t sz = core::CertifiedBlockToBytes(*b).size() + 8;
            if (part_bytes + sz > budget || part.blocks.size() >= kMaxWireSyncBlocks) flush();
            part.blocks.push_back(b);
            part_bytes += sz;
        }
        flush();
        return out;
    }
    push(EncodeMessage(m));
    return out;
}

util::Bytes EncodeSafety(const consensus::SafetyState& s) {
    Encoder e(128);
    e.WriteByte(kSafetyVersion);
    PutU64(e, s.height);
    PutU64(e, s.view);
    for (const auto* r : {&s.prepare, &s.commit}) {
        PutBool(e, r->has_value());
        if (*r) {
            PutU64(e, (*r)->view);
            PutHash(e, (*r)->hash);
        }
    }
    PutBool(e, s.locked.has_value());
    if (s.locked) PutPrepared(e, *s.locked);
    return e.Take();
}

Result<consensus::SafetyState> DecodeSafety(util::ByteView b) {
    Decoder d(b);
    auto ver = d.ReadByte();
    if (!ver) return Err("safety record: empty");
    if (*ver != kSafetyVersion)
        return Err("safety record: unknown version " + std::to_string(*ver));
    consensus::SafetyState s;
    WIRE_TRY_ASSIGN(s.height, GetU64(d));
    WIRE_TRY_ASSIGN(s.view, GetU64(d));
    for (auto* r : {&s.prepare, &s.commit}) {
        bool has = false;
        WIRE_TRY_ASSIGN(has, GetBool(d, "safety vote"));
        if (has) {
            consensus::VoteRecord v;
            WIRE_TRY_ASSIGN(v.view, GetU64(d));
            WIRE_TRY_ASSIGN(v.hash, GetHash(d, "safety vote hash"));
            *r = v;
        }
    }
    bool has_locked = false;
    WIRE_TRY_ASSIGN(has_locked, GetBool(d, "safety locked"));
    if (has_locked) WIRE_TRY_ASSIGN(s.locked, GetPrepared(d));
    IOST_TRY(d.ExpectEnd());
    return s;
}

util::Bytes EncodeProducer(const consensus::ProducerState& s) {
    Encoder e(64);
    e.WriteByte(kProducerVersion);
    PutU64(e, s.epoch);
    PutU64(e, s.seq);
    PutHash(e, s.hash);
    return e.Take();
}

Result<consensus::ProducerState> DecodeProducer(util::ByteView b) {
    Decoder d(b);
    auto ver = d.ReadByte();
    if (!ver) return Err("producer record: empty");
    if (*ver != kProducerVersion)
        return Err("producer record: unknown version " + std::to_string(*ver));
    consensus::ProducerState s;
    WIRE_TRY_ASSIGN(s.epoch, GetU64(d));
    WIRE_TRY_ASSIGN(s.seq, GetU64(d));
    WIRE_TRY_ASSIGN(s.hash, GetHash(d, "producer record hash"));
    IOST_TRY(d.ExpectEnd());
    return s;
}

// A key no validator id can collide with (ids are IOST account names:
// [a-z0-9_], no '/').
std::string ProducerRecordKey(const std::string& validator_id) {
    return "producer/" + validator_id;
}

std::string ProducerMicroKey(const std::string& validator_id, uint64_t seq) {
    return "producer-micro/" + validator_id + "/" + std::to_string(seq % kProducerMicroSlots);
}

}  // namespace iost::node
