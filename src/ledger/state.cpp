#include <ledger/state.h>

namespace iost::ledger {
std::shared_ptr<const void> StateReader::GetDecoded(std::string_view key, Decoder decode) const {
    auto raw = Get(key);
    if (!raw) return nullptr;
    return decode(*raw);
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

std::shared_ptr<const void> Overlay::GetDecoded(std::string_view key, Decoder decode) const {
    auto it = m_writes.find(key);
    if (it != m_writes.end()) return it->second ? decode(*it->second) : nullptr;
    return m_base->GetDecoded(key, decode);
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
