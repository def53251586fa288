// IOST's SimpleEncoder (go-iost common/serialize.go) and a matching decoder.
//
// Encoding, all big-endian (docs/formats.md §T):
//   byte = 1 byte; int32 = 4 bytes; int64 = 8 bytes (two's complement);
//   bytes/string = int32 length + raw bytes;
//   list of strings / byte strings = int32 count + each length-prefixed;
//   map<string,int64> = int32 count + (string key, int64 value), keys ascending
//   by byte value (Go string order = std::string order).
// These bytes are what transactions are hashed and signed over, so the encoder
// must match IOST byte for byte. The decoder is ours (IOST never decodes this
// form): it is used for our own wire formats and treats its input as hostile —
// every read is bounds-checked, every length is checked against the bytes that
// remain before anything is allocated, and lists carry a caller-given item cap.
// Thread contract: Encoder and Decoder are single-threaded value types.
#pragma once

#include <util/bytes.h>
#include <util/result.h>

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace iost::core {

class Encoder {
  public:
    Encoder() = default;
    explicit Encoder(size_t reserve) { m_buf.reserve(reserve); }

    Encoder& WriteByte(uint8_t b);
    Encoder& WriteInt32(int32_t v);
    Encoder& WriteInt64(int64_t v);
    // A length-prefixed byte string. IOST writes the length as an int32; a
    // value of 2 GiB or more cannot occur in a valid IOST object (transactions
    // are capped at 64 KiB), so it is an invariant violation here.
    Encoder& WriteBytes(util::ByteView b);
    Encoder& WriteString(std::string_view s) { return WriteBytes(util::AsBytes(s)); }
    Encoder& WriteStringList(std::span<const std::string> items);
    Encoder& WriteBytesList(std::span<const util::Bytes> items);
    Encoder& WriteMapStringInt64(const std::map<std::string, int64_t>& m);
    // Raw bytes with no length prefix (for composing already-encoded parts).
    Encoder& WriteRaw(util::ByteView b);

    // Nested, length-prefixed element written in place (avoids building a
    // temporary buffer for each list element): call BeginNested(), write the
    // element's fields, then EndNested(token) patches the int32 length.
    size_t BeginNested();
    void EndNested(size_t token);

    const util::Bytes& bytes() const { return m_buf; }
    util::Bytes Take() { return std::move(m_buf); }
    size_t size() const { return m_buf.size(); }

  private:
    util::Bytes m_buf;
};

// Reads the Encoder's format from an untrusted buffer. Every method returns an
// error (never reads out of bounds) on truncated or malformed input; after an
// error the decoder's position is unspecified and it should be discarded.
class Decoder {
  public:
    explicit Decoder(util::ByteView in) : m_in(in) {}

    util::Result<uint8_t> ReadByte();
    util::Result<int32_t> ReadInt32();
    util::Result<int64_t> ReadInt64();
    // A length-prefixed byte string; the view points into the input buffer.
    util::Result<util::ByteView> ReadBytesView();
    util::Result<util::Bytes> ReadBytes();
    util::Result<std::string> ReadString();
    // A list count: non-negative, at most max_items, and at most the number
    // of elements the remaining input could hold (each is >= min_item_size
    // bytes), so a forged count cannot make the caller reserve huge vectors.
    util::Result<size_t> ReadCount(size_t max_items, size_t min_item_size = 4);
    util::Result<std::vector<std::string>> ReadStringList(size_t max_items);
    util::Result<std::vector<util::Bytes>> ReadBytesList(size_t max_items);
    // Keys must be strictly ascending (the only form the encoder produces),
    // so every map has exactly one encoding.
    util::Result<std::map<std::string, int64_t>> ReadMapStringInt64(size_t max_items);

    size_t remaining() const { return m_in.size() - m_pos; }
    size_t position() const { return m_pos; }
    bool AtEnd() const { return m_pos == m_in.size(); }
    // Error unless every byte was consumed (trailing garbage is an error).
    util::Status ExpectEnd() const;

  private:
    util::Result<util::ByteView> Take(size_t n, const char* what);

    util::ByteView m_in;
    size_t m_pos = 0;
};

}  // namespace iost::core
