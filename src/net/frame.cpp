#include <net/frame.h>
#include <net/message_types.h>

#include <algorithm>
#include <cstring>

namespace iost::net {

namespace {
void PutU16(uint8_t* p, uint16_t v) {
    p[0] = static_cast<uint8_t>(v >> 8);
    p[1] = static_cast<uint8_t>(v);
}
void PutU32(uint8_t* p, uint32_t v) {
    p[0] = static_cast<uint8_t>(v >> 24);
    p[1] = static_cast<uint8_t>(v >> 16);
    p[2] = static_cast<uint8_t>(v >> 8);
    p[3] = static_cast<uint8_t>(v);
}
uint16_t GetU16(const uint8_t* p) { return static_cast<uint16_t>((p[0] << 8) | p[1]); }
uint32_t GetU32(const uint8_t* p) {
    return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}
}  // namespace

Magic MagicForChain(uint32_t chain_id) {
    static constexpr char kTag[] = "iost-pob-p2p";
    util::Bytes in(kTag, kTag + sizeof(kTag) - 1);
    uint8_t id[4];
    PutU32(id, chain_id);
    in.insert(in.end(), id, id + 4);
    const crypto::Hash256 h = crypto::Sha3_256(in);
    return {h[0], h[1], h[2], h[3]};
}

Magic HandshakeMagic() {
    const crypto::Hash256 h = crypto::Sha3_256(util::AsBytes("iost-pob-p2p-handshake"));
    return {h[0], h[1], h[2], h[3]};
}

FrameHeaderBytes EncodeFrameHeader(const Magic& magic, uint16_t type, uint32_t length,
                                   const crypto::Hash256& payload_hash) {
    FrameHeaderBytes h{};
    std::memcpy(h.data(), magic.data(), 4);
    PutU16(h.data() + 4, type);
    PutU32(h.data() + 6, length);
    std::memcpy(h.data() + 10, payload_hash.data(), 4);
    return h;
}

util::Bytes EncodeFrame(const Magic& magic, uint16_t type, util::ByteView payload) {
    const auto header = EncodeFrameHeader(magic, type, static_cast<uint32_t>(payload.size()),
                                          crypto::Sha3_256(payload));
    // resize + memcpy rather than insert: g++ 12 emits a false
    // -Wstringop-overflow on the two-insert form.
    util::Bytes out(kFrameHeaderSize + payload.size());
    std::memcpy(out.data(), header.data(), kFrameHeaderSize);
    if (!payload.empty())
        std::memcpy(out.data() + kFrameHeaderSize, payload.data(), payload.size());
    return out;
}

const char* FrameErrorName(FrameError e) {
    switch (e) {
        case FrameError::kNone:
            return "none";
        case FrameError::kBadMagic:
            return "bad magic";
        case FrameError::kTooLarge:
            return "frame too large";
        case FrameError::kBadChecksum:
            return "bad checksum";
    }
    return "?";
}

FrameDecoder::FrameDecoder(Magic magic, uint32_t max_payload, TypeCapFn type_cap)
    : m_magic(magic), m_max(max_payload), m_type_cap(type_cap ? type_cap : &MaxPayloadFor) {}

util::Result<void, FrameError> FrameDecoder::Fail(FrameError e) {
    m_error = e;
    m_header_fill = 0;
    m_have_header = false;
    m_body.clear();
    m_body.shrink_to_fit();
    return util::ErrOf(e);
}

util::Result<void, FrameError> FrameDecoder::Feed(util::ByteView data, std::vector<Frame>* out) {
    if (m_error != FrameError::kNone) return util::ErrOf(m_error);
    size_t pos = 0;
    while (pos < data.size()) {
        if (!m_have_header) {
            const size_t take = std::min(kFrameHeaderSize - m_header_fill, data.size() - pos);
            std::memcpy(m_header.data() + m_header_fill, data.data() + pos, take);
            m_header_fill += take;
            pos += take;
            // Check the magic as soon as its 4 bytes are here: garbage is
            // refused without waiting for a full header.
            if (m_header_fill >= 4 && std::memcmp(m_header.data(), m_magic.data(), 4) != 0) {
                return Fail(FrameError::kBadMagic);
            }
            if (m_header_fill < kFrameHeaderSize) continue;
            m_type = GetU16(m_header.data() + 4);
            m_length = GetU32(m_header.data() + 6);
            std::memcpy(m_checksum.data(), m_header.data() + 10, 4);
            // The size check happens here, from the header alone: the body
            // buffer is allocated only for a length we accept.
            if (m_length > m_type_cap(m_type, m_max)) return Fail(FrameError::kTooLarge);
            m_have_header = true;
            m_header_fill = 0;
            m_body.clear();
            m_body.reserve(m_length);
        }
        const size_t want = m_length - m_body.size();
        const size_t take = std::min(want, data.size() - pos);
        m_body.insert(m_body.end(), data.begin() + static_cast<std::ptrdiff_t>(pos),
                      data.begin() + static_cast<std::ptrdiff_t>(pos + take));
        pos += take;
        if (m_body.size() < m_length) continue;
        Frame f;
        f.type = m_type;
        f.payload_hash = crypto::Sha3_256(m_body);
        if (std::memcmp(f.payload_hash.data(), m_checksum.data(), 4) != 0) {
            return Fail(FrameError::kBadChecksum);
        }
        f.payload = std::move(m_body);
        m_body = util::Bytes();
        m_have_header = false;
        if (m_switch_pending && f.type == m_switch_type) {
            m_magic = m_next_magic;
            m_switch_pending = false;
        }
        out->push_back(std::move(f));
    }
    return {};
}

}  // namespace iost::net
