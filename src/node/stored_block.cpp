#include <core/codec.h>
#include <node/stored_block.h>

namespace iost::node {

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
    auto fb = core::FinalBlock::FromBytes(**raw);
    if (!fb) return fail(LoadFailure::kCorrupt, "stored block" + at + ": " + fb.error().message);
    StoredBlock out;
    out.bytes = (*raw)->size();
    out.certified = std::make_shared<core::CertifiedBlock>();
    out.certified->block = std::move(*fb);
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
    if (height > 0 && height < store.PrunedFloor()) {
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
