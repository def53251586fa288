#include <core/codec.h>
#include <node/snapshot_wire.h>

namespace iost::node {

using core::Decoder;
using core::Encoder;
using util::Err;
using util::Result;

namespace {

Result<uint64_t> GetU64(Decoder& d) {
    auto v = d.ReadInt64();
    if (!v) return util::ErrOf(v.error());
    return static_cast<uint64_t>(*v);
}
Result<uint32_t> GetU32(Decoder& d) {
    auto v = d.ReadInt32();
    if (!v) return util::ErrOf(v.error());
    if (*v < 0) return Err("negative piece index");
    return static_cast<uint32_t>(*v);
}
Result<bool> GetFlag(Decoder& d) {
    auto v = d.ReadByte();
    if (!v) return util::ErrOf(v.error());
    if (*v > 1) return Err("a flag must be 0 or 1");
    return *v == 1;
}

}  // namespace

util::Bytes EncodeGetManifest(const GetSnapshotManifestMsg& m) {
    Encoder e(8);
    e.WriteInt64(static_cast<int64_t>(m.height));
    return e.Take();
}

Result<GetSnapshotManifestMsg> DecodeGetManifest(util::ByteView b) {
    Decoder d(b);
    GetSnapshotManifestMsg m;
    auto h = GetU64(d);
    if (!h) return util::ErrOf(h.error());
    m.height = *h;
    IOST_TRY(d.ExpectEnd());
    return m;
}

util::Bytes EncodeManifestMsg(const SnapshotManifestMsg& m) {
    Encoder e(64);
    e.WriteByte(m.manifest ? 1 : 0);
    if (m.manifest) e.WriteBytes(EncodeManifest(*m.manifest));
    return e.Take();
}

Result<SnapshotManifestMsg> DecodeManifestMsg(util::ByteView b) {
    Decoder d(b);
    SnapshotManifestMsg m;
    auto present = GetFlag(d);
    if (!present) return util::ErrOf(present.error());
    if (*present) {
        auto body = d.ReadBytesView();
        if (!body) return util::ErrOf(body.error());
        auto man = DecodeManifest(*body);
        if (!man) return util::ErrOf(man.error());
        m.manifest = std::move(*man);
    }
    IOST_TRY(d.ExpectEnd());
    return m;
}

util::Bytes EncodeGetChunk(const GetStateChunkMsg& m) {
    Encoder e(12);
    e.WriteInt64(static_cast<int64_t>(m.height));
    e.WriteInt32(static_cast<int32_t>(m.index));
    return e.Take();
}

Result<GetStateChunkMsg> DecodeGetChunk(util::ByteView b) {
    Decoder d(b);
    GetStateChunkMsg m;
    auto h = GetU64(d);
    if (!h) return util::ErrOf(h.error());
    auto i = GetU32(d);
    if (!i) return util::ErrOf(i.error());
    m.height = *h;
    m.index = *i;
    if (m.height == 0) return Err("chunk request: height 0");
    IOST_TRY(d.ExpectEnd());
    return m;
}

util::Bytes EncodeChunkMsg(const StateChunkMsg& m) {
    Encoder e(16 + (m.piece ? m.piece->size() : 0));
    e.WriteInt64(static_cast<int64_t>(m.height));
    e.WriteInt32(static_cast<int32_t>(m.index));
    e.WriteByte(m.piece ? 1 : 0);
    if (m.piece) e.WriteBytes(*m.piece);
    return e.Take();
}

Result<StateChunkMsg> DecodeChunkMsg(util::ByteView b) {
    Decoder d(b);
    StateChunkMsg m;
    auto h = GetU64(d);
    if (!h) return util::ErrOf(h.error());
    auto i = GetU32(d);
    if (!i) return util::ErrOf(i.error());
    m.height = *h;
    m.index = *i;
    auto present = GetFlag(d);
    if (!present) return util::ErrOf(present.error());
    if (*present) {
        auto body = d.ReadBytesView();
        if (!body) return util::ErrOf(body.error());
        if (body->size() > kMaxPieceBytes) return Err("state chunk: piece too large");
        m.piece = util::Bytes(body->begin(), body->end());
    }
    IOST_TRY(d.ExpectEnd());
    return m;
}

}  // namespace iost::node
