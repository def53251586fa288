// P2P wire framing (docs/p2p.md "Frames", docs/reliability.md #5).
//
//   magic (4) | type (u16 BE) | length (u32 BE) | checksum (4) | payload (length)
//
// Handshake frames (Hello, HelloProof and a Reject sent before them) carry a
// protocol-wide magic, so a node of another chain still gets a typed "wrong
// chain" Reject; each direction switches to a magic derived from the chain id
// right after its HelloProof, so after the handshake a stray byte stream from
// another chain fails on its first 4 bytes. The checksum is the first 4 bytes of SHA3-256 of
// the payload: the transport is plain TCP (no AEAD), and a corrupted frame
// must be caught before an application decoder sees it; the full hash is kept
// and reused as the gossip dedup key, so the check costs nothing extra there.
// FrameDecoder is a pure streaming decoder: it accepts arbitrary chunks
// (a header split across reads is fine), rejects a bad magic or an oversized
// length from the header alone, BEFORE allocating the body, and is fuzzed
// (tests/fuzz/fuzz_frame.cpp). Unknown types are passed up: the caller
// decides what to do with them.
// Thread contract: pure functions; a FrameDecoder is single-threaded.
#pragma once

#include <crypto/hash.h>
#include <util/bytes.h>
#include <util/result.h>

#include <array>
#include <cstdint>
#include <vector>

namespace iost::net {

inline constexpr size_t kFrameHeaderSize = 14;
using Magic = std::array<uint8_t, 4>;
using FrameHeaderBytes = std::array<uint8_t, kFrameHeaderSize>;

// First 4 bytes of SHA3-256("iost-pob-p2p" || chain_id as u32 BE).
Magic MagicForChain(uint32_t chain_id);
// First 4 bytes of SHA3-256("iost-pob-p2p-handshake").
Magic HandshakeMagic();

struct Frame {
    uint16_t type = 0;
    util::Bytes payload;
    crypto::Hash256 payload_hash{};  // SHA3-256(payload), already computed by the decoder
};

// The header for `payload` (whose SHA3 is `payload_hash`).
FrameHeaderBytes EncodeFrameHeader(const Magic& magic, uint16_t type, uint32_t length,
                                   const crypto::Hash256& payload_hash);
// Header and payload in one buffer (tests, fuzz corpus, small messages).
util::Bytes EncodeFrame(const Magic& magic, uint16_t type, util::ByteView payload);

enum class FrameError : uint8_t {
    kNone = 0,
    kBadMagic,     // not our chain (or not our protocol at all)
    kTooLarge,     // length above the global or per-type cap
    kBadChecksum,  // payload corrupted
};
const char* FrameErrorName(FrameError e);

// Caps a type's payload given the global maximum (MaxPayloadFor by default).
using TypeCapFn = uint32_t (*)(uint16_t type, uint32_t global_max);

class FrameDecoder {
  public:
    FrameDecoder(Magic magic, uint32_t max_payload, TypeCapFn type_cap = nullptr);

    // Raises or lowers the global cap (the transport allows big frames only
    // after the handshake). Takes effect from the next header.
    void SetMaxPayload(uint32_t max_payload) { m_max = max_payload; }
    // From the frame after the next frame of `type`, expect magic `next`
    // (the switch happens inside Feed, exactly at that frame boundary).
    void SwitchMagicAfter(uint16_t type, const Magic& next) {
        m_switch_type = type;
        m_next_magic = next;
        m_switch_pending = true;
    }
    const Magic& magic() const { return m_magic; }
    uint32_t max_payload() const { return m_max; }

    // Consumes every byte of `data`; each completed frame is appended to
    // `out`. On a framing error the decoder is poisoned (a byte stream that
    // lost sync cannot be trusted again) and every later call returns the
    // same error; frames completed before the error are still in `out`.
    util::Result<void, FrameError> Feed(util::ByteView data, std::vector<Frame>* out);

    // Bytes of the frame in progress held in memory (header or body).
    size_t buffered() const { return m_have_header ? m_body.size() : m_header_fill; }
    FrameError error() const { return m_error; }
    // Type and length of the last header parsed (for error messages).
    uint16_t last_type() const { return m_type; }
    uint32_t last_length() const { return m_length; }

  private:
    util::Result<void, FrameError> Fail(FrameError e);

    Magic m_magic;
    uint32_t m_max;
    TypeCapFn m_type_cap;
    FrameHeaderBytes m_header{};
    size_t m_header_fill = 0;
    bool m_have_header = false;
    uint16_t m_type = 0;
    uint32_t m_length = 0;
    std::array<uint8_t, 4> m_checksum{};
    util::Bytes m_body;
    FrameError m_error = FrameError::kNone;
    bool m_switch_pending = false;
    uint16_t m_switch_type = 0;
    Magic m_next_magic{};
};

}  // namespace iost::net
