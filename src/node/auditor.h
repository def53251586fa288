// Auditor: every full node may verify the signatures of final transactions
// off the critical path and prove what fails (docs/pob.md §7.4). Sampling by
// the normal league catches a forging believable validator with probability
// 1 − (1−p)^k per forged transaction; the auditor closes the rest: a forged
// transaction that became final is found as soon as one auditing node gets to
// it, within the fraud_window, and its producer is slashed and its victims
// repaid.
//
// The driver hands it the MicroBlocks of each final block with the normal
// league of that block's epoch (Add, from the loop thread). A validator's
// auditor (assigned_only) checks only the transactions assigned to it
// (consensus/audit_assign.h: f + 1 normal validators per transaction, chosen
// by its hash, pob.md §7.4) and those of its own MicroBlocks, and skips the
// rest (counted); a full node that is not a validator, or a validator with
// `audit: all`, checks every one. A worker thread verifies each transaction's
// bytes (form, chain id, every signature against the key it names — the
// fraud rule, pob.md §7.1) at a configurable rate (transactions per second
// of those it checks, token bucket; 0 = as fast as it can, the default for
// non-validator nodes), skipping those this node already verified
// (VerifiedCache: same full hash, same bytes). On the first
// failing transaction of a MicroBlock it builds the fraud proof and calls
// on_fraud (from the worker thread: the callee posts it to the loop). The
// backlog is bounded; what does not fit is dropped and counted (another
// auditor, or this one after a restart, may still find it).
//
// Thread contract: Add, stats and Stop from any thread; on_fraud runs on the
// worker thread.
#pragma once

#include <core/block.h>
#include <crypto/keys.h>
#include <node/app_state.h>
#include <util/clock.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace iost::node {

// The normal league (ids in election order) of a final block's epoch: who
// the assignment chooses from (pob.md §7.4).
using AuditLeague = std::shared_ptr<const std::vector<std::string>>;

struct AuditorOptions {
    uint32_t chain_id = 0;
    // Transactions verified per second; 0 = unlimited.
    double txs_per_sec = 0;
    // Transactions waiting beyond this are dropped (counted).
    size_t max_backlog_txs = 2'000'000;
    // A validator's auditor: only the transactions assigned to `self` (and
    // those `self` produced) are checked; false = every one (an observer, or
    // `audit: all`). A block whose league the driver does not know is
    // audited in full.
    bool assigned_only = false;
    std::string self;
};

struct AuditorStats {
    uint64_t micros_audited = 0;
    uint64_t txs_verified = 0;      // signatures checked here
    uint64_t txs_cached = 0;        // skipped: this node had verified the same bytes
    uint64_t txs_not_assigned = 0;  // skipped: assigned to other validators (pob.md §7.4)
    uint64_t frauds_found = 0;      // fraud proofs handed to the node
    uint64_t txs_dropped = 0;       // backlog overflow
    uint64_t backlog_txs = 0;       // waiting now
    int64_t last_detect_ns = 0;     // last fraud: time from Add to proof
    // Audit lag: from a block's finality (Add) to the end of the audit of
    // one of its MicroBlocks; bounds how long a forgery stays unproven here.
    int64_t last_lag_ns = 0;
    int64_t max_lag_ns = 0;
};

class Auditor {
  public:
    using OnFraud = std::function<void(std::shared_ptr<const core::Evidence>)>;
    Auditor(AuditorOptions options, const crypto::Verifier& verifier, VerifiedCache& verified,
            OnFraud on_fraud);
    ~Auditor();
    Auditor(const Auditor&) = delete;
    Auditor& operator=(const Auditor&) = delete;

    // The MicroBlocks of one final block, and the normal league of its epoch
    // (null: unknown, audit everything).
    void Add(const std::vector<std::shared_ptr<const core::MicroBlock>>& micros,
             AuditLeague league = nullptr);
    AuditorStats stats() const;
    // Waits until every queued MicroBlock was audited (tests).
    void Drain();
    void Stop();

  private:
    struct Item {
        std::shared_ptr<const core::MicroBlock> micro;
        AuditLeague league;
        int64_t added_ns = 0;
    };
    void Run();
    // The indexes of the item's transactions this node checks.
    std::vector<uint32_t> Assigned(const Item& item) const;
    void Audit(const Item& item, const std::vector<uint32_t>& todo);

    AuditorOptions m_opt;
    const crypto::Verifier& m_verifier;
    VerifiedCache& m_verified;
    OnFraud m_on_fraud;
    mutable std::mutex m_mu;
    std::condition_variable m_cv;
    std::condition_variable m_idle_cv;
    std::deque<Item> m_queue;
    bool m_busy = false;
    bool m_stop = false;
    AuditorStats m_stats;
    std::thread m_thread;
};

}  // namespace iost::node
