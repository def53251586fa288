#include <storage/schema.h>

#include <cstring>

namespace iost::storage {

using util::Bytes;
using util::ByteView;

void AppendU32(Bytes& out, uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<uint8_t>(v >> shift));
}

void AppendU64(Bytes& out, uint64_t v) {
    for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<uint8_t>(v >> shift));
}

uint32_t ReadU32(const uint8_t* p) {
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v = (v << 8) | p[i];
    return v;
}

uint64_t ReadU64(const uint8_t* p) {
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = (v << 8) | p[i];
    return v;
}

namespace {
// Keys are built by size-then-copy: g++ 12 misreports -Warray-bounds on
// vector::insert into a vector built from a one-element initializer list.
Bytes TableKey(uint8_t t, const uint8_t* rest, size_t n, size_t reserve_extra = 0) {
    Bytes k(1 + n);
    k.reserve(1 + n + reserve_extra);
    k[0] = t;
    if (n) std::memcpy(k.data() + 1, rest, n);
    return k;
}

Bytes MetaKey(std::string_view name) {
    return TableKey(table::kMeta, reinterpret_cast<const uint8_t*>(name.data()), name.size());
}
}  // namespace

Bytes SchemaKey() { return MetaKey("schema"); }
Bytes HeadKey() { return MetaKey("head"); }
Bytes CheckpointKey() { return MetaKey("checkpoint"); }
Bytes PrunedKey() { return MetaKey("pruned"); }
Bytes StateSyncKey() { return MetaKey("statesync"); }

Bytes HeightKey(uint8_t t, uint64_t height) {
    Bytes k = TableKey(t, nullptr, 0, 8);
    AppendU64(k, height);
    return k;
}

Bytes HashKey(uint8_t t, const Hash32& hash) { return TableKey(t, hash.data(), hash.size()); }

Bytes MicroProducerSeqKey(ByteView producer, uint64_t seq) {
    IOST_ASSERT(producer.size() <= kMaxProducerBytes, "producer id validated by the caller");
    Bytes k(2 + producer.size());
    k.reserve(2 + producer.size() + 8);
    k[0] = table::kMicroByProducerSeq;
    k[1] = static_cast<uint8_t>(producer.size());
    if (!producer.empty()) std::memcpy(k.data() + 2, producer.data(), producer.size());
    AppendU64(k, seq);
    return k;
}

Bytes PrefixedKey(uint8_t t, ByteView rest) { return TableKey(t, rest.data(), rest.size()); }

util::Status ExpectSize(const Bytes& value, size_t size, const char* what, ByteView key) {
    if (value.size() == size) return util::Ok();
    return util::Err("storage: corrupt " + std::string(what) + " under key " + util::ToHex(key) +
                     ": expected " + std::to_string(size) + " bytes, found " +
                     std::to_string(value.size()));
}

util::Status EnsureSchema(KvStore& kv) {
    const Bytes key = SchemaKey();
    auto got = kv.Get(key);
    IOST_TRY(got);
    if (got->has_value()) {
        const Bytes& v = **got;
        IOST_TRY(ExpectSize(v, 4, "schema version", key));
        const uint32_t version = ReadU32(v.data());
        if (version < kSchemaVersion) {
            return util::Err(
                "storage: data dir has schema version " + std::to_string(version) +
                " (written by an older build) but this build reads only version " +
                std::to_string(kSchemaVersion) +
                "; refusing to open: the chain it holds follows older rules (version 3: blocks "
                "carried no last_commit; version 2: the epoch seed was the last block's hash; "
                "version 1: the state encoding) and "
                "there is no in-place upgrade. Move the data dir away and let the node resync from "
                "its peers (or "
                "replay from genesis), or keep running the older binary (docs/node.md "
                "\"Upgrading a data dir\")");
        }
        if (version != kSchemaVersion) {
            return util::Err("storage: data dir has schema version " + std::to_string(version) +
                             " but this build reads only version " +
                             std::to_string(kSchemaVersion) +
                             "; refusing to open (use a matching binary or resync into a new dir)");
        }
        return util::Ok();
    }
    bool empty = true;
    IOST_TRY(kv.Scan({}, [&](ByteView, ByteView) {
        empty = false;
        return false;
    }));
    if (!empty) {
        return util::Err(
            "storage: data dir holds data but no schema version; refusing to open (not an iost "
            "data dir, or written by an incompatible tool)");
    }
    WriteBatch batch;
    Bytes v;
    AppendU32(v, kSchemaVersion);
    batch.Put(key, v);
    return kv.Write(batch, Sync::kYes);
}

}  // namespace iost::storage
