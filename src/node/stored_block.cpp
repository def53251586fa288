#include <core/codec.h>
#include <core/merkle.h>
#include <node/stored_block.h>

#include <algorithm>

namespace iost::node {

namespace {
// Distinct from the FinalBlock tags (iost-pob-final-v1/-v2), which lead a
// full record the same way, so neither can be read as the other.
constexpr std::string_view kPrunedTag = "iost-pob-final-pruned-v1";
}  // namespace

util::Bytes EncodePrunedHeader(const core::FinalBlock& without_direct_txs, const PrunedHeader& p) {
    core::Encoder e(512);
    e.WriteString(kPrunedTag);
    e.WriteBytes(util::ByteView(p.hash.data(), p.hash.size()));
    e.WriteInt64(static_cast<int64_t>(p.tx_count));
    e.WriteInt64(static_cast<int64_t>(p.direct_txs));
    e.WriteBytes(p.iost_tx_merkle);
    e.WriteBytes(without_direct_txs.ToBytes());
    return e.Take();
}

util::Result<StoredFinal> DecodeStoredFinal(util::ByteView record) {
    core::Decoder d(record);
    auto tag = d.ReadBytesView();
    if (!tag) return util::ErrOf(tag.error());
    if (util::AsString(*tag) != kPrunedTag) {
        auto fb = core::FinalBlock::FromBytes(record);
        if (!fb) return util::ErrOf(fb.error());
        StoredFinal out;
        out.hash = fb->Hash();
        out.block = std::move(*fb);
        return out;
    }
    auto hash = d.ReadBytesView();
    if (!hash) return util::ErrOf(hash.error());
    if (hash->size() != 32) return util::Err("pruned header: the hash is not 32 bytes");
    auto tx_count = d.ReadInt64();
    if (!tx_count) return util::ErrOf(tx_count.error());
    auto direct = d.ReadInt64();
    if (!direct) return util::ErrOf(direct.error());
    // A record with nothing to keep (no transactions at all) is never
    // rewritten, so such a header is corrupt.
    if (*tx_count < 0 || *direct < 0 || (*tx_count == 0 && *direct == 0)) {
        return util::Err("pruned header: bad transaction counts");
    }
    auto merkle = d.ReadBytes();
    if (!merkle) return util::ErrOf(merkle.error());
    auto inner = d.ReadBytesView();
    if (!inner) return util::ErrOf(inner.error());
    IOST_TRY(d.ExpectEnd());
    auto fb = core::FinalBlock::FromBytes(*inner);
    if (!fb) return util::Err("pruned header: " + fb.error().message);
    if (!fb->direct_txs.empty()) return util::Err("pruned header: it still has direct txs");
    StoredFinal out;
    out.block = std::move(*fb);
    PrunedHeader p;
    std::copy(hash->begin(), hash->end(), p.hash.begin());
    p.tx_count = static_cast<uint64_t>(*tx_count);
    p.direct_txs = static_cast<uint64_t>(*direct);
    p.iost_tx_merkle = std::move(*merkle);
    out.hash = p.hash;
    out.pruned = std::move(p);
    return out;
}

util::Result<std::optional<util::Bytes>> PruneStoredHeader(const storage::BlockStore& store,
                                                           uint64_t height,
                                                           util::ByteView encoded_block) {
    auto stored = DecodeStoredFinal(encoded_block);
    if (!stored) {
        return util::Err("stored block " + std::to_string(height) + ": " + stored.error().message);
    }
    if (stored->pruned) return std::optional<util::Bytes>{};
    PrunedHeader p;
    p.hash = stored->hash;
    p.direct_txs = stored->block.direct_txs.size();
    auto txs = store.GetBlockTxHashes(height);
    IOST_TRY(txs);
    // An empty block loses nothing to pruning: kept as it is.
    if (p.direct_txs == 0 && (!*txs || (*txs)->empty())) return std::optional<util::Bytes>{};
    std::vector<crypto::Hash256> leaves;
    if (*txs) {
        for (const auto& t : **txs) {
            crypto::Hash256 h{};
            std::copy(t.begin(), t.end(), h.begin());
            leaves.push_back(h);
        }
    }
    p.tx_count = leaves.size();
    p.iost_tx_merkle = core::IostMerkleRootBytes(leaves);
    stored->block.direct_txs.clear();
    return std::optional<util::Bytes>{EncodePrunedHeader(stored->block, p)};
}

util::Bytes EncodeCertificateRecord(uint64_t commit_view, const crypto::Certificate& cert) {
    core::Encoder e(128);
    e.WriteInt64(static_cast<int64_t>(commit_view));
    core::EncodeCertificate(e, cert);
    return e.Take();
}

util::Result<std::pair<uint64_t, crypto::Certificate>> DecodeCertificateRecord(util::ByteView b) {
    core::Decoder d(b);
    auto v = d.ReadInt64();
    if (!v) return util::ErrOf(v.error());
    auto c = core::DecodeCertificate(d);
    if (!c) return util::ErrOf(c.error());
    IOST_TRY(d.ExpectEnd());
    return std::make_pair(static_cast<uint64_t>(*v), std::move(*c));
}

util::Result<StoredBlock, LoadError> LoadStoredBlock(const storage::BlockStore& store,
                                                     uint64_t height, WithMicros with) {
    const std::string at = " of block " + std::to_string(height);
    auto fail = [](LoadFailure f, std::string detail) {
        return util::ErrOf(LoadError{f, std::move(detail)});
    };
    auto raw = store.GetBlock(height);
    if (!raw) return fail(LoadFailure::kStorage, "reading block" + at + ": " + raw.error().message);
    if (!*raw) {
        return fail(LoadFailure::kBlockMissing,
                    "block " + std::to_string(height) + " is missing from the data dir");
    }
    auto fb = DecodeStoredFinal(**raw);
    if (!fb) return fail(LoadFailure::kCorrupt, "stored block" + at + ": " + fb.error().message);
    StoredBlock out;
    out.bytes = (*raw)->size();
    out.certified = std::make_shared<core::CertifiedBlock>();
    out.certified->block = std::move(fb->block);
    out.hash = fb->hash;
    out.pruned = std::move(fb->pruned);
    if (height > 0) {  // genesis has no certificate
        auto rawc = store.GetCertificate(height);
        if (!rawc) {
            return fail(LoadFailure::kStorage,
                        "reading the certificate" + at + ": " + rawc.error().message);
        }
        if (!*rawc) {
            return fail(LoadFailure::kBlockMissing,
                        "the certificate" + at + " is missing from the data dir");
        }
        auto cert = DecodeCertificateRecord(**rawc);
        if (!cert) {
            return fail(LoadFailure::kCorrupt,
                        "stored certificate" + at + ": " + cert.error().message);
        }
        out.bytes += (*rawc)->size();
        out.certified->commit_view = cert->first;
        out.certified->cert = std::move(cert->second);
    }
    if (with == WithMicros::kNo) return out;
    // A pruned header is never returned as a whole block (its direct
    // transactions are gone), whatever the floor says.
    if (out.pruned || (height > 0 && height < store.PrunedFloor())) {
        return fail(LoadFailure::kPruned, "the body of block " + std::to_string(height) +
                                              " was pruned (this node keeps blocks from " +
                                              std::to_string(store.PrunedFloor()) + " on)");
    }
    auto mh = store.GetBlockMicroHashes(height);
    if (!mh) {
        return fail(LoadFailure::kStorage,
                    "reading the micro-block list" + at + ": " + mh.error().message);
    }
    if (!*mh) return out;
    for (const auto& hash : **mh) {
        auto rm = store.GetMicroBlock(hash);
        if (!rm) {
            return fail(LoadFailure::kStorage,
                        "reading a micro-block" + at + ": " + rm.error().message);
        }
        if (!*rm) return fail(LoadFailure::kMicroMissing, "a micro-block" + at + " is missing");
        auto m = core::MicroBlock::FromBytes(**rm);
        if (!m) {
            return fail(LoadFailure::kCorrupt,
                        "stored micro-block" + at + ": " + m.error().message);
        }
        out.bytes += (*rm)->size();
        out.micros.push_back(std::make_shared<const core::MicroBlock>(std::move(*m)));
    }
    return out;
}

}  // namespace iost::node
