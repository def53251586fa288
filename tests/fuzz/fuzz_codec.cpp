// Fuzz target: the SimpleEncoder decoder (core/codec.h) and Tx::FromBytes,
// which read our own wire and storage forms from untrusted peers and disks.
// The first input byte picks the mode:
//  - even: Tx::FromBytes(rest). Accepted input must be canonical: encoding
//    the decoded tx gives back exactly the input bytes (one encoding per tx,
//    so an id cannot be malleated), and it never exceeds kMaxTxBytes.
//  - odd: an interpreter runs Decoder reads chosen by the bytes themselves
//    (ints, byte strings, lists, maps) until the input is used up; every
//    read must stay in bounds, and a successful list/map read re-encodes to
//    the bytes it consumed.
#include <core/codec.h>
#include <core/tx.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>

#define FUZZ_CHECK(cond)               \
    do {                               \
        if (!(cond)) __builtin_trap(); \
    } while (0)

namespace {

using iost::core::Decoder;
using iost::core::Encoder;

void Interpret(iost::util::ByteView in) {
    Decoder d(in);
    for (int step = 0; step < 64 && !d.AtEnd(); ++step) {
        const auto op = d.ReadByte();
        if (!op.ok()) return;
        const size_t before = d.position();
        switch (*op % 8) {
            case 0:
                (void)d.ReadInt32();
                break;
            case 1:
                (void)d.ReadInt64();
                break;
            case 2: {
                auto b = d.ReadBytes();
                if (b.ok()) FUZZ_CHECK(d.position() - before == 4 + b->size());
                break;
            }
            case 3: {
                auto l = d.ReadStringList(1 << 16);
                if (l.ok()) {
                    Encoder e;
                    e.WriteStringList(*l);
                    FUZZ_CHECK(e.size() == d.position() - before);
                    FUZZ_CHECK(std::equal(e.bytes().begin(), e.bytes().end(), in.begin() + before));
                }
                break;
            }
            case 4: {
                auto m = d.ReadMapStringInt64(1 << 16);
                if (m.ok()) {
                    Encoder e;
                    e.WriteMapStringInt64(*m);
                    FUZZ_CHECK(e.size() == d.position() - before);
                    FUZZ_CHECK(std::equal(e.bytes().begin(), e.bytes().end(), in.begin() + before));
                }
                break;
            }
            case 5:
                (void)d.ReadBytesList(4);
                break;
            case 6:
                (void)d.ReadCount(1000, 1);
                break;
            default:
                (void)d.ExpectEnd();
                break;
        }
        FUZZ_CHECK(d.position() <= in.size());
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    const iost::util::ByteView rest(data + 1, size - 1);
    if (data[0] % 2 == 0) {
        auto tx = iost::core::Tx::FromBytes(rest);
        if (tx.ok()) {
            FUZZ_CHECK(rest.size() <= iost::core::kMaxTxBytes);
            const auto again = tx->ToBytes(iost::core::TxLevel::kFull);
            FUZZ_CHECK(again.size() == rest.size());
            FUZZ_CHECK(std::equal(again.begin(), again.end(), rest.begin()));
        }
    } else {
        Interpret(rest);
    }
    return 0;
}
