#include <ledger/state_cache.h>

namespace iost::ledger {

CachedState::CachedState(const StateReader& base, size_t max_bytes)
    : m_base(base), m_max_bytes(max_bytes) {}

size_t CachedState::ChargeOf(const Entry& e) {
    const size_t value = e.value ? e.value->size() : 0;
    // A decoded record holds the same strings again plus its containers.
    return kEntryOverhead + e.key.size() + value + (e.decoded ? 2 * value : 0);
}

void CachedState::Recharge(List::iterator it) const {
    m_bytes -= it->charge;
    it->charge = ChargeOf(*it);
    m_bytes += it->charge;
}

void CachedState::EvictToBudget() const {
    while (m_bytes > m_max_bytes && !m_lru.empty()) {
        auto last = std::prev(m_lru.end());
        m_bytes -= last->charge;
        m_index.erase(std::string_view(last->key));
        m_lru.erase(last);
        ++m_stats.evictions;
    }
}

void CachedState::Insert(std::string_view key, std::optional<std::string> value,
                         std::shared_ptr<const void> decoded, Decoder decoder) const {
    auto found = m_index.find(key);
    if (found != m_index.end()) {
        // Filled by a concurrent reader of the same epoch: same value.
        m_lru.splice(m_lru.begin(), m_lru, found->second);
        if (decoded && !found->second->decoded) {
            found->second->decoded = std::move(decoded);
            found->second->decoder = decoder;
            Recharge(found->second);
            EvictToBudget();
        }
        return;
    }
    Entry e{std::string(key), std::move(value), std::move(decoded), decoder, 0};
    e.charge = ChargeOf(e);
    // A value larger than a sixteenth of the budget would flush the cache
    // for one read; it is served but not kept.
    if (e.charge > m_max_bytes / 16) return;
    m_lru.push_front(std::move(e));
    m_index.emplace(std::string_view(m_lru.front().key), m_lru.begin());
    m_bytes += m_lru.front().charge;
    EvictToBudget();
}

std::optional<std::string> CachedState::Get(std::string_view key) const {
    if (m_max_bytes == 0) return m_base.Get(key);
    uint64_t epoch = 0;
    {
        std::lock_guard lk(m_mu);
        auto it = m_index.find(key);
        if (it != m_index.end()) {
            ++m_stats.hits;
            m_lru.splice(m_lru.begin(), m_lru, it->second);
            return it->second->value;
        }
        ++m_stats.misses;
        epoch = m_epoch;
    }
    std::optional<std::string> v = m_base.Get(key);
    std::lock_guard lk(m_mu);
    if (epoch != m_epoch) {
        ++m_stats.dropped_fills;
    } else {
        Insert(key, v, nullptr, nullptr);
    }
    return v;
}

std::shared_ptr<const void> CachedState::GetDecoded(std::string_view key, Decoder decode) const {
    if (m_max_bytes == 0) return StateReader::GetDecoded(key, decode);
    uint64_t epoch = 0;
    std::optional<std::string> value;
    bool have_value = false;
    {
        std::lock_guard lk(m_mu);
        auto it = m_index.find(key);
        if (it != m_index.end()) {
            ++m_stats.hits;
            m_lru.splice(m_lru.begin(), m_lru, it->second);
            const Entry& e = *it->second;
            if (!e.value) return nullptr;
            if (e.decoded && e.decoder == decode) return e.decoded;
            value = e.value;  // cached bytes, not yet decoded (or by another decoder)
            have_value = true;
        } else {
            ++m_stats.misses;
        }
        epoch = m_epoch;
    }
    if (!have_value) value = m_base.Get(key);
    std::shared_ptr<const void> decoded = value ? decode(*value) : nullptr;
    std::lock_guard lk(m_mu);
    if (value) ++m_stats.decodes;
    if (epoch != m_epoch) {
        ++m_stats.dropped_fills;
        return decoded;
    }
    auto it = m_index.find(key);
    if (it != m_index.end()) {
        Entry& e = *it->second;
        // Same epoch, so the entry still holds the value decoded above. A
        // record decoded by another decoder keeps its first decoded form.
        if (e.value && (!e.decoded || e.decoder == decode)) {
            e.decoded = decoded;
            e.decoder = decode;
            Recharge(it->second);
            EvictToBudget();
        }
        return decoded;
    }
    Insert(key, std::move(value), decoded, decode);
    return decoded;
}

void CachedState::ApplyCommitted(const WriteSet& writes) {
    std::lock_guard lk(m_mu);
    ++m_epoch;
    if (m_index.empty()) return;
    for (const auto& [key, value] : writes) {
        auto it = m_index.find(std::string_view(key));
        if (it == m_index.end()) continue;
        Entry& e = *it->second;
        e.value = value;
        e.decoded.reset();
        e.decoder = nullptr;
        Recharge(it->second);
    }
    EvictToBudget();
}

void CachedState::ApplyCommitted(const std::vector<WriteView>& writes) {
    std::lock_guard lk(m_mu);
    ++m_epoch;
    if (m_index.empty()) return;
    for (const auto& [key, value] : writes) {
        auto it = m_index.find(key);
        if (it == m_index.end()) continue;
        Entry& e = *it->second;
        if (value) {
            e.value = std::string(*value);
        } else {
            e.value.reset();
        }
        e.decoded.reset();
        e.decoder = nullptr;
        Recharge(it->second);
    }
    EvictToBudget();
}

void CachedState::Clear() {
    std::lock_guard lk(m_mu);
    ++m_epoch;
    m_index.clear();
    m_lru.clear();
    m_bytes = 0;
}

StateCacheStats CachedState::stats() const {
    std::lock_guard lk(m_mu);
    StateCacheStats s = m_stats;
    s.entries = m_lru.size();
    s.bytes = m_bytes;
    return s;
}

}  // namespace iost::ledger
