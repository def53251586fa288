// The four P2P messages of state sync (docs/state.md "State sync",
// net/message_types.h types 22..25), point to point:
//   GetSnapshotManifest  u64 height (0 = your newest)
//   SnapshotManifest     u8 present, then the manifest (node/snapshot.h)
//   GetStateChunk        u64 height, u32 piece index
//   StateChunk           u64 height, u32 piece index, u8 present, piece bytes
// Encoded with core::Encoder like every other message. Decoding treats the
// payload as hostile: exact sizes for requests, a bounded manifest and piece,
// no trailing bytes; the contents are checked by the receiver (VerifyPiece,
// manifest agreement) before any use.
// Thread contract: pure functions.
#pragma once

#include <node/snapshot.h>
#include <util/bytes.h>
#include <util/result.h>

#include <cstdint>
#include <optional>

namespace iost::node {

struct GetSnapshotManifestMsg {
    uint64_t height = 0;
};
struct SnapshotManifestMsg {
    std::optional<SnapshotManifest> manifest;
};
struct GetStateChunkMsg {
    uint64_t height = 0;
    uint32_t index = 0;
};
struct StateChunkMsg {
    uint64_t height = 0;
    uint32_t index = 0;
    std::optional<util::Bytes> piece;  // nullopt: the peer does not have it
};

util::Bytes EncodeGetManifest(const GetSnapshotManifestMsg& m);
util::Result<GetSnapshotManifestMsg> DecodeGetManifest(util::ByteView b);
util::Bytes EncodeManifestMsg(const SnapshotManifestMsg& m);
util::Result<SnapshotManifestMsg> DecodeManifestMsg(util::ByteView b);
util::Bytes EncodeGetChunk(const GetStateChunkMsg& m);
util::Result<GetStateChunkMsg> DecodeGetChunk(util::ByteView b);
util::Bytes EncodeChunkMsg(const StateChunkMsg& m);
util::Result<StateChunkMsg> DecodeChunkMsg(util::ByteView b);

}  // namespace iost::node
