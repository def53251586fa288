// Fuzz target for the state sync decoders (node/snapshot.h,
// node/snapshot_wire.h; docs/state.md "State sync"): the four P2P messages,
// the manifest and a snapshot piece come from peers; every accepted input
// must re-encode to exactly the same bytes (one encoding each), and nothing
// may crash, read out of bounds or allocate beyond the input's own bounds.
// fuzz-link: iost_net iost_node
#include <node/snapshot.h>
#include <node/snapshot_wire.h>

#include <cstdint>
#include <cstdlib>

namespace {

void Same(const iost::util::Bytes& again, const uint8_t* data, size_t size) {
    if (again.size() != size || !std::equal(again.begin(), again.end(), data)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace iost::node;
    const iost::util::ByteView in(data, size);
    if (auto m = DecodeGetManifest(in); m.ok()) Same(EncodeGetManifest(*m), data, size);
    if (auto m = DecodeManifestMsg(in); m.ok()) Same(EncodeManifestMsg(*m), data, size);
    if (auto m = DecodeGetChunk(in); m.ok()) Same(EncodeGetChunk(*m), data, size);
    if (auto m = DecodeChunkMsg(in); m.ok()) Same(EncodeChunkMsg(*m), data, size);
    if (auto m = DecodeManifest(in); m.ok()) Same(EncodeManifest(*m), data, size);
    if (auto p = DecodePiece(in); p.ok()) Same(EncodePiece(*p), data, size);
    return 0;
}
