// DirectBudget: how many direct (fallback) transactions a primary puts in
// its proposal (docs/pob.md §5.4, docs/benchmarks.md "Overload"). The rule
// caps a block at Params::max_direct_txs; what a league can validate within
// the view timeout is usually far less: every replica checks and executes
// every direct transaction before it votes. Under overload a primary that
// always proposes the cap builds blocks that time out the view, the next
// primary proposes the same-sized block again, and the league spends its CPU
// on proposals it throws away (the fallback stalled at 1,400 tx/s offered).
//
// So the proposer adapts, as TCP does: the budget halves whenever a height
// needed a view change (the proposal that committed in view v > 0 is the
// size that worked), and grows by an eighth of the cap for each height
// committed in view 0; within a height, view v proposes budget / 2^v. This
// is a proposer-local choice, not a validity rule: replicas still accept any
// block up to max_direct_txs, so nodes with different budgets agree, and a
// network without view changes always proposes up to the cap.
//
// Thread contract: a value type, owned by the engine's thread; pure.
#pragma once

#include <cstdint>

namespace iost::consensus {

class DirectBudget {
  public:
    // `cap`: Params::max_direct_txs.
    explicit DirectBudget(uint32_t cap);

    // Direct transactions a proposal of view `view` of the next height may carry.
    uint32_t ForView(uint64_t view) const;
    // A height was committed in `commit_view`.
    void OnCommitted(uint64_t commit_view);
    uint32_t current() const { return m_current; }

    // Never below this (or the cap, if smaller): a budget of zero would stop
    // the fallback altogether.
    static constexpr uint32_t kFloor = 50;

  private:
    uint32_t m_cap;
    uint32_t m_current;
};

}  // namespace iost::consensus
