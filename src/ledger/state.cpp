#include <ledger/state.h>

namespace iost::ledger {
namespace {

void AppendI32(std::string& out, uint32_t v) {
    out.push_back(static_cast<char>(v >> 24));
    out.push_back(static_cast<char>(v >> 16));
    out.push_back(static_cast<char>(v >> 8));
    out.push_back(static_cast<char>(v));
}

void AppendString(std::string& out, std::string_view s) {
    AppendI32(out, static_cast<uint32_t>(s.size()));
    out.append(s);
}

}  // namespace

std::string EncodeWriteSet(const WriteSet& ws) {
    std::string out;
    uint32_t count = 0;
    for (const auto& [k, v] : ws) {
        if (k != kStateRootKey) ++count;
    }
    AppendI32(out, count);
    for (const auto& [k, v] : ws) {
        if (k == kStateRootKey) continue;
        AppendString(out, k);
        out.push_back(v ? 1 : 0);
        AppendString(out, v ? std::string_view(*v) : std::string_view());
    }
    return out;
}

crypto::Hash256 WriteSetHash(const WriteSet& ws) {
    return crypto::Sha3_256(util::AsBytes(EncodeWriteSet(ws)));
}

crypto::Hash256 NextStateRoot(const crypto::Hash256& prev_root, const WriteSet& ws) {
    static constexpr std::string_view kDomain = "iost-state-v1";
    const crypto::Hash256 ws_hash = WriteSetHash(ws);
    crypto::Sha3Hasher h;
    h.Update(util::AsBytes(kDomain));
    h.Update(crypto::View(prev_root));
    h.Update(crypto::View(ws_hash));
    return h.Final();
}

std::optional<std::string> MemState::Get(std::string_view key) const {
    auto it = m_kv.find(key);
    if (it == m_kv.end()) return std::nullopt;
    return it->second;
}

void MemState::Apply(const WriteSet& ws) {
    for (const auto& [k, v] : ws) {
        if (v) {
            m_kv.insert_or_assign(k, *v);
        } else {
            auto it = m_kv.find(k);
            if (it != m_kv.end()) m_kv.erase(it);
        }
    }
}

std::optional<std::string> Overlay::Get(std::string_view key) const {
    auto it = m_writes.find(key);
    if (it != m_writes.end()) return it->second;
    return m_base->Get(key);
}

void Overlay::Put(std::string_view key, std::string value) {
    auto it = m_writes.find(key);
    if (it != m_writes.end()) {
        it->second = std::move(value);
    } else {
        m_writes.emplace(std::string(key), std::move(value));
    }
}

void Overlay::Delete(std::string_view key) {
    auto it = m_writes.find(key);
    if (it != m_writes.end()) {
        it->second = std::nullopt;
    } else {
        m_writes.emplace(std::string(key), std::nullopt);
    }
}

void Overlay::MergeInto(Overlay& parent) {
    for (auto& [k, v] : m_writes) {
        auto it = parent.m_writes.find(k);
        if (it != parent.m_writes.end()) {
            it->second = std::move(v);
        } else {
            parent.m_writes.emplace(k, std::move(v));
        }
    }
    m_writes.clear();
}

}  // namespace iost::ledger
