#include <core/codec.h>
#include <util/assert.h>

#include <limits>

namespace iost::core {
namespace {

void PutBe32(util::Bytes& buf, size_t at, uint32_t v) {
    buf[at] = static_cast<uint8_t>(v >> 24);
    buf[at + 1] = static_cast<uint8_t>(v >> 16);
    buf[at + 2] = static_cast<uint8_t>(v >> 8);
    buf[at + 3] = static_cast<uint8_t>(v);
}

int32_t CheckedLength(size_t n) {
    IOST_ASSERT(n <= static_cast<size_t>(std::numeric_limits<int32_t>::max()),
                "SimpleEncoder lengths fit in an int32");
    return static_cast<int32_t>(n);
}

}  // namespace

Encoder& Encoder::WriteByte(uint8_t b) {
    m_buf.push_back(b);
    return *this;
}

Encoder& Encoder::WriteInt32(int32_t v) {
    const auto u = static_cast<uint32_t>(v);
    const size_t at = m_buf.size();
    m_buf.resize(at + 4);
    PutBe32(m_buf, at, u);
    return *this;
}

Encoder& Encoder::WriteInt64(int64_t v) {
    const auto u = static_cast<uint64_t>(v);
    for (int shift = 56; shift >= 0; shift -= 8) m_buf.push_back(static_cast<uint8_t>(u >> shift));
    return *this;
}

Encoder& Encoder::WriteBytes(util::ByteView b) {
    WriteInt32(CheckedLength(b.size()));
    return WriteRaw(b);
}

Encoder& Encoder::WriteRaw(util::ByteView b) {
    m_buf.insert(m_buf.end(), b.begin(), b.end());
    return *this;
}

Encoder& Encoder::WriteStringList(std::span<const std::string> items) {
    WriteInt32(CheckedLength(items.size()));
    for (const auto& s : items) WriteString(s);
    return *this;
}

Encoder& Encoder::WriteBytesList(std::span<const util::Bytes> items) {
    WriteInt32(CheckedLength(items.size()));
    for (const auto& b : items) WriteBytes(b);
    return *this;
}

Encoder& Encoder::WriteMapStringInt64(const std::map<std::string, int64_t>& m) {
    // std::map<std::string> orders by char_traits<char>::lt, which compares as
    // unsigned char: the same byte order as Go's string comparison.
    WriteInt32(CheckedLength(m.size()));
    for (const auto& [k, v] : m) {
        WriteString(k);
        WriteInt64(v);
    }
    return *this;
}

size_t Encoder::BeginNested() {
    const size_t at = m_buf.size();
    m_buf.resize(at + 4);
    return at;
}

void Encoder::EndNested(size_t token) {
    IOST_ASSERT(token + 4 <= m_buf.size(), "EndNested matches a BeginNested");
    const size_t len = m_buf.size() - token - 4;
    PutBe32(m_buf, token, static_cast<uint32_t>(CheckedLength(len)));
}

util::Result<util::ByteView> Decoder::Take(size_t n, const char* what) {
    if (n > remaining()) {
        return util::Err("truncated input: " + std::string(what) + " needs " + std::to_string(n) +
                         " bytes at offset " + std::to_string(m_pos) + ", " +
                         std::to_string(remaining()) + " left");
    }
    util::ByteView v = m_in.subspan(m_pos, n);
    m_pos += n;
    return v;
}

util::Result<uint8_t> Decoder::ReadByte() {
    auto v = Take(1, "byte");
    if (!v) return util::ErrOf(v.error());
    return (*v)[0];
}

util::Result<int32_t> Decoder::ReadInt32() {
    auto v = Take(4, "int32");
    if (!v) return util::ErrOf(v.error());
    const auto& b = *v;
    const uint32_t u =
        (uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) | (uint32_t{b[2]} << 8) | uint32_t{b[3]};
    return static_cast<int32_t>(u);
}

util::Result<int64_t> Decoder::ReadInt64() {
    auto v = Take(8, "int64");
    if (!v) return util::ErrOf(v.error());
    uint64_t u = 0;
    for (uint8_t byte : *v) u = (u << 8) | byte;
    return static_cast<int64_t>(u);
}

util::Result<util::ByteView> Decoder::ReadBytesView() {
    const size_t at = m_pos;
    auto len = ReadInt32();
    if (!len) return util::ErrOf(len.error());
    if (*len < 0) {
        return util::Err("negative length " + std::to_string(*len) + " at offset " +
                         std::to_string(at));
    }
    return Take(static_cast<size_t>(*len), "byte string");
}

util::Result<util::Bytes> Decoder::ReadBytes() {
    auto v = ReadBytesView();
    if (!v) return util::ErrOf(v.error());
    return util::Bytes(v->begin(), v->end());
}

util::Result<std::string> Decoder::ReadString() {
    auto v = ReadBytesView();
    if (!v) return util::ErrOf(v.error());
    return std::string(util::AsString(*v));
}

util::Result<size_t> Decoder::ReadCount(size_t max_items, size_t min_item_size) {
    const size_t at = m_pos;
    auto n = ReadInt32();
    if (!n) return util::ErrOf(n.error());
    if (*n < 0) {
        return util::Err("negative list count " + std::to_string(*n) + " at offset " +
                         std::to_string(at));
    }
    const auto count = static_cast<size_t>(*n);
    if (count > max_items) {
        return util::Err("list of " + std::to_string(count) + " items at offset " +
                         std::to_string(at) + " exceeds the limit of " + std::to_string(max_items));
    }
    if (min_item_size > 0 && count > remaining() / min_item_size) {
        return util::Err("truncated input: list count " + std::to_string(count) + " at offset " +
                         std::to_string(at) + " cannot fit in the " + std::to_string(remaining()) +
                         " bytes left");
    }
    return count;
}

util::Result<std::vector<std::string>> Decoder::ReadStringList(size_t max_items) {
    auto n = ReadCount(max_items);
    if (!n) return util::ErrOf(n.error());
    std::vector<std::string> out;
    out.reserve(*n);
    for (size_t i = 0; i < *n; ++i) {
        auto s = ReadString();
        if (!s) return util::ErrOf(s.error());
        out.push_back(std::move(*s));
    }
    return out;
}

util::Result<std::vector<util::Bytes>> Decoder::ReadBytesList(size_t max_items) {
    auto n = ReadCount(max_items);
    if (!n) return util::ErrOf(n.error());
    std::vector<util::Bytes> out;
    out.reserve(*n);
    for (size_t i = 0; i < *n; ++i) {
        auto b = ReadBytes();
        if (!b) return util::ErrOf(b.error());
        out.push_back(std::move(*b));
    }
    return out;
}

util::Result<std::map<std::string, int64_t>> Decoder::ReadMapStringInt64(size_t max_items) {
    auto n = ReadCount(max_items, 4 + 8);
    if (!n) return util::ErrOf(n.error());
    std::map<std::string, int64_t> out;
    for (size_t i = 0; i < *n; ++i) {
        auto k = ReadString();
        if (!k) return util::ErrOf(k.error());
        auto v = ReadInt64();
        if (!v) return util::ErrOf(v.error());
        if (!out.empty() && !(out.rbegin()->first < *k)) {
            return util::Err("map keys not strictly ascending at item " + std::to_string(i));
        }
        out.emplace_hint(out.end(), std::move(*k), *v);
    }
    return out;
}

util::Status Decoder::ExpectEnd() const {
    if (!AtEnd()) {
        return util::Err(std::to_string(remaining()) + " trailing bytes at offset " +
                         std::to_string(m_pos));
    }
    return util::Ok();
}

}  // namespace iost::core
