#include <consensus/exposure.h>

#include <cstdint>

namespace iost::consensus {
namespace {

const TokenTotals kNone;

}  // namespace

void AddTotals(TokenTotals& a, const TokenTotals& b) {
    for (const auto& [token, amount] : b) {
        if (amount > 0) a[token] += amount;
    }
}

void AddTotals(TokenTotals& a, const std::vector<TokenAmount>& b) {
    for (const auto& t : b) {
        if (t.amount > 0) a[t.token] += t.amount;
    }
}

bool ExceedsBond(const TokenTotals& totals, int64_t bonded_iost) {
    for (const auto& [token, amount] : totals) {
        const __int128 bond = token == kBondToken ? bonded_iost : 0;
        if (amount > bond) return true;
    }
    return false;
}

const TokenTotals& ExposureLedger::Of(const std::string& producer) const {
    auto it = m_total.find(producer);
    return it == m_total.end() ? kNone : it->second;
}

bool ExposureLedger::WouldExceed(const std::string& producer, const TokenTotals& block,
                                 int64_t bonded_iost) const {
    TokenTotals t = Of(producer);
    AddTotals(t, block);
    return ExceedsBond(t, bonded_iost);
}

void ExposureLedger::Record(uint64_t height, const std::string& producer,
                            const TokenTotals& debits) {
    if (m_window == 0 || debits.empty()) return;
    AddTotals(m_by_height[height][producer], debits);
    AddTotals(m_total[producer], debits);
}

void ExposureLedger::Advance(uint64_t next_height) {
    while (!m_by_height.empty() && m_by_height.begin()->first + m_window <= next_height) {
        for (const auto& [producer, debits] : m_by_height.begin()->second) {
            auto it = m_total.find(producer);
            for (const auto& [token, amount] : debits) {
                auto& left = it->second[token];
                left -= amount;  // exact: it was added at Record
                if (left <= 0) it->second.erase(token);
            }
            if (it->second.empty()) m_total.erase(it);
        }
        m_by_height.erase(m_by_height.begin());
    }
}

}  // namespace iost::consensus
