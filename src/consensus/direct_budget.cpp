#include <consensus/direct_budget.h>
#include <consensus/params.h>

#include <algorithm>

namespace iost::consensus {

DirectBudget::DirectBudget(uint32_t cap) : m_cap(cap), m_current(cap) {}

uint32_t DirectBudget::ForView(uint64_t view) const {
    const uint32_t floor = std::min(kFloor, m_cap);
    const int shift = static_cast<int>(std::min<uint64_t>(view, kMaxTimeoutDoublings));
    return std::max(floor, m_current >> shift);
}

void DirectBudget::OnCommitted(uint64_t commit_view) {
    if (commit_view == 0) {
        // Additive increase: back to the cap in at most eight good heights.
        m_current = std::min(m_cap, m_current + std::max<uint32_t>(1, m_cap / 8));
    } else {
        // What committed was proposed with ForView(commit_view) (or was a
        // re-proposal of a prepared block): start the next height from there.
        m_current = ForView(commit_view);
    }
}

}  // namespace iost::consensus
