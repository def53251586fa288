// Fuzz target for the node's wire decoders (node/wire.h, docs/reliability.md #4,
// #5): every accepted payload must re-encode to exactly the same bytes (one
// encoding per message: no malleability), and nothing may crash or read out
// of bounds. Same for the persisted safety record.
// fuzz-link: iost_net iost_node
#include <node/wire.h>

#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const iost::util::ByteView in(data, size);
    auto m = iost::node::DecodeMessage(in);
    if (m.ok()) {
        const iost::util::Bytes again = iost::node::EncodeMessage(*m);
        if (again.size() != size || !std::equal(again.begin(), again.end(), data)) std::abort();
    }
    auto s = iost::node::DecodeSafety(in);
    if (s.ok()) {
        const iost::util::Bytes again = iost::node::EncodeSafety(*s);
        if (again.size() != size || !std::equal(again.begin(), again.end(), data)) std::abort();
    }
    return 0;
}
