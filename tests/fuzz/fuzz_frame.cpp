// Fuzz target: the P2P frame decoder and the net-internal message decoders
// (docs/reliability.md #5; Bitcoin's p2p_transport_serialization target).
// Input: byte 0 picks how the rest is split into reads, the rest is a byte
// stream as a peer would send it (chain magic of chain 1024, 64 KiB cap).
// Properties:
//  1. Nothing crashes, and nothing is buffered beyond header + cap.
//  2. Chunking does not matter: any split into reads gives the same frames
//     and the same error as one big read.
//  3. Decoded frames are exact: re-encoding them reproduces the input prefix
//     they came from, and each payload is within its type's cap.
//  4. Each net-internal payload that decodes re-encodes to the same bytes
//     (Hello, Reject, Peers, Ping), so those decoders accept one form only.
//
// fuzz-link: iost_net
#include <net/frame.h>
#include <net/handshake.h>
#include <net/message_types.h>
#include <net/pex.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#define FUZZ_CHECK(cond)               \
    do {                               \
        if (!(cond)) __builtin_trap(); \
    } while (0)

namespace {

using namespace iost;
using namespace iost::net;

constexpr uint32_t kCap = 64 * 1024;

struct Outcome {
    std::vector<Frame> frames;
    bool ok = true;
    FrameError error = FrameError::kNone;
};

Outcome Decode(util::ByteView stream, uint8_t split_seed) {
    static const Magic magic = MagicForChain(1024);
    FrameDecoder dec(magic, kCap);
    Outcome o;
    size_t pos = 0;
    uint32_t x = split_seed;
    while (pos < stream.size()) {
        size_t n = stream.size() - pos;
        if (split_seed != 0) {
            x = x * 1103515245u + 12345u;
            n = std::min<size_t>(n, 1 + (x >> 16) % 23);
        }
        auto r = dec.Feed(stream.subspan(pos, n), &o.frames);
        FUZZ_CHECK(dec.buffered() <= kCap + kFrameHeaderSize);
        pos += n;
        if (!r) {
            o.ok = false;
            o.error = r.error();
            break;
        }
    }
    return o;
}

void CheckInternalPayload(const Frame& f) {
    switch (static_cast<MessageType>(f.type)) {
        case MessageType::kHello: {
            auto h = DecodeHello(f.payload);
            if (h) FUZZ_CHECK(EncodeHello(*h) == f.payload);
            break;
        }
        case MessageType::kReject: {
            auto r = DecodeReject(f.payload);
            if (r) FUZZ_CHECK(EncodeReject(r->reason, r->text) == f.payload);
            break;
        }
        case MessageType::kPeers: {
            auto p = DecodePeers(f.payload);
            if (p) {
                FUZZ_CHECK(p->size() <= kMaxPeersPerMessage);
                FUZZ_CHECK(EncodePeers(*p) == f.payload);
            }
            break;
        }
        case MessageType::kPing:
        case MessageType::kPong: {
            auto n = DecodePing(f.payload);
            if (n) FUZZ_CHECK(EncodePing(*n) == f.payload);
            break;
        }
        default:
            break;
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    const uint8_t split = data[0];
    const util::ByteView stream(data + 1, size - 1);

    const Outcome whole = Decode(stream, 0);
    const Outcome split_up = Decode(stream, split == 0 ? 1 : split);
    FUZZ_CHECK(whole.ok == split_up.ok);
    FUZZ_CHECK(whole.error == split_up.error);
    FUZZ_CHECK(whole.frames.size() == split_up.frames.size());

    static const Magic magic = MagicForChain(1024);
    size_t pos = 0;
    for (size_t i = 0; i < whole.frames.size(); ++i) {
        const Frame& f = whole.frames[i];
        FUZZ_CHECK(f.type == split_up.frames[i].type && f.payload == split_up.frames[i].payload);
        FUZZ_CHECK(f.payload.size() <= MaxPayloadFor(f.type, kCap));
        FUZZ_CHECK(f.payload_hash == crypto::Sha3_256(f.payload));
        const util::Bytes enc = EncodeFrame(magic, f.type, f.payload);
        FUZZ_CHECK(pos + enc.size() <= stream.size());
        FUZZ_CHECK(
            std::equal(enc.begin(), enc.end(), stream.begin() + static_cast<std::ptrdiff_t>(pos)));
        pos += enc.size();
        CheckInternalPayload(f);
    }
    // A clean decode consumed everything except an unfinished frame.
    if (whole.ok) FUZZ_CHECK(stream.size() - pos < kFrameHeaderSize + kCap + 1);
    return 0;
}
