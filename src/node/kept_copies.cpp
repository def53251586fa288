#include <node/kept_copies.h>

namespace iost::node {

bool UnverifiedCopies::TryAdd(const crypto::Hash256& hash, const std::string& publisher,
                              util::UnixNanos expiry) {
    if (m_by_hash.count(hash)) return false;
    auto per = m_per_publisher.find(publisher);
    const size_t held = per == m_per_publisher.end() ? 0 : per->second;
    if (m_by_hash.size() >= m_opt.max_total || held >= m_opt.max_per_publisher) {
        ++m_refused;
        return false;
    }
    m_by_hash.emplace(hash, Slot{publisher, expiry});
    m_by_expiry.emplace(expiry, hash);
    ++m_per_publisher[publisher];
    return true;
}

void UnverifiedCopies::Remove(std::map<crypto::Hash256, Slot>::iterator it) {
    auto per = m_per_publisher.find(it->second.publisher);
    if (per != m_per_publisher.end() && --per->second == 0) m_per_publisher.erase(per);
    for (auto [a, b] = m_by_expiry.equal_range(it->second.expiry); a != b; ++a) {
        if (a->second == it->first) {
            m_by_expiry.erase(a);
            break;
        }
    }
    m_by_hash.erase(it);
}

void UnverifiedCopies::Release(std::span<const crypto::Hash256> hashes) {
    if (m_by_hash.empty()) return;
    for (const auto& h : hashes) {
        auto it = m_by_hash.find(h);
        if (it != m_by_hash.end()) Remove(it);
    }
}

size_t UnverifiedCopies::ExpireBefore(util::UnixNanos now) {
    size_t n = 0;
    while (!m_by_expiry.empty() && m_by_expiry.begin()->first < now) {
        auto it = m_by_hash.find(m_by_expiry.begin()->second);
        if (it == m_by_hash.end()) {
            m_by_expiry.erase(m_by_expiry.begin());
            continue;
        }
        Remove(it);
        ++n;
    }
    return n;
}

size_t UnverifiedCopies::held_by(const std::string& publisher) const {
    auto it = m_per_publisher.find(publisher);
    return it == m_per_publisher.end() ? 0 : it->second;
}

}  // namespace iost::node
