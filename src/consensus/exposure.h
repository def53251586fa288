// Exposure accounting (docs/pob.md §7.5): how much value each believable
// producer's transactions took that no honest node is known to have verified,
// and the rule that switches a producer to full verification (p = 1 for its
// MicroBlocks) before that amount could exceed what a slash of it is sure to
// take. "Verified" must mean the same on every node, so it is defined by the
// final chain alone, never by local sampling or audit timing:
//
// - a transaction counts as verified if the block that made it final
//   required every normal validator to check all of its producer's
//   transactions in that block (the producer was over its bound there);
// - every other one counts as unverified for `window` final heights (the
//   audit window: the time the protocol gives auditors to prove a forgery;
//   after it, the transaction leaves the account).
//
// The bound: for each producer P and token k, the unverified debits of P's
// transactions final in the last `window` heights, plus those of the block
// being decided, must not exceed B_k(P) — P's bonded stake for IOST
// (Application::BondedStake), zero for every other token. A block that would
// break it has every transaction of P checked by every honest replica before
// it votes (Engine::FullyVerify), and those transactions are then recorded
// as verified. Integers only, ordered containers only.
// Thread contract: a value type; the engine's thread only.
#pragma once

#include <consensus/application.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace iost::consensus {

inline constexpr std::string_view kBondToken = "iost";

// token → raw units; 128 bits so that sums over a window are exact (one
// token's supply fits in 63 bits, a sum of many debits may not).
using TokenTotals = std::map<std::string, __int128>;

// Adds the positive amounts of `b` into `a`.
void AddTotals(TokenTotals& a, const TokenTotals& b);
void AddTotals(TokenTotals& a, const std::vector<TokenAmount>& b);

// True when some token of `totals` exceeds what `bonded_iost` backs: the IOST
// total exceeds it, or any other token is positive.
bool ExceedsBond(const TokenTotals& totals, int64_t bonded_iost);

class ExposureLedger {
  public:
    explicit ExposureLedger(uint64_t window) : m_window(window) {}

    // The unverified debits of `producer` still inside the window.
    const TokenTotals& Of(const std::string& producer) const;
    // pob.md §7.5: would `block` (the producer's debits in the block being
    // decided, at the next height) take its exposure past `bonded_iost`?
    bool WouldExceed(const std::string& producer, const TokenTotals& block,
                     int64_t bonded_iost) const;
    // Records the unverified debits of `producer` at final `height`.
    void Record(uint64_t height, const std::string& producer, const TokenTotals& debits);
    // Before deciding `next_height`: forgets heights at or below
    // next_height − window, so Of + the next block cover `window` heights.
    void Advance(uint64_t next_height);
    // Producers with a non-zero exposure, by name.
    const std::map<std::string, TokenTotals>& all() const { return m_total; }
    uint64_t window() const { return m_window; }

  private:
    uint64_t m_window;
    std::map<uint64_t, std::map<std::string, TokenTotals>> m_by_height;
    std::map<std::string, TokenTotals> m_total;
};

}  // namespace iost::consensus
