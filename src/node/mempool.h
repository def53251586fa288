// Mempool: the admission gate in front of the consensus engine (docs/pob.md
// §5.1, docs/reliability.md #3, #6, #13). The engine itself routes a transaction
// to the believable validator that owns its publisher (or to the normal
// league in fallback) and keeps the producer's queue; the mempool decides
// what may enter at all and remembers what is in flight:
//  - bounded by count and by bytes, and per publisher (one account cannot
//    fill the pool), refusing rather than evicting when full;
//  - deduplicated by transaction hash, both against transactions in flight
//    and against those already final within their expiry window (a replay
//    of a committed transaction is refused at the door);
//  - expiry-aware: refuses expired transactions and those whose time is
//    more than 30 s ahead (IOST maxTxTimeGap), and drops entries as they
//    expire (ExpireUntil), so memory never holds a dead transaction.
// Every refusal has a reason (enum + message) that the API maps to HTTP 400.
// Signatures are not checked here: the caller verifies them off the event
// loop before Admit.
// Thread contract: all methods are thread-safe (one internal mutex).
#pragma once

#include <core/tx.h>
#include <crypto/hash.h>
#include <util/clock.h>
#include <util/result.h>

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>

namespace iost::node {

enum class Refusal {
    kDuplicate,      // already in the pool
    kAlreadyFinal,   // already in a final block
    kPoolFull,       // count or byte bound reached
    kPublisherFull,  // this publisher's share reached
    kExpired,
    kFutureTime,
    kTooLarge,
};
const char* RefusalName(Refusal r);

struct MempoolRefusal {
    Refusal reason = Refusal::kDuplicate;
    std::string message;
};

struct MempoolOptions {
    size_t max_txs = 50'000;
    size_t max_bytes = 64u << 20;
    size_t max_per_publisher = 10'000;
    // Final hashes remembered for dedup (each until its tx would expire).
    size_t max_final_remembered = 1'000'000;
};

struct MempoolStats {
    size_t txs = 0;
    size_t bytes = 0;
    size_t final_remembered = 0;
    uint64_t admitted = 0;
    uint64_t refused = 0;
    uint64_t expired = 0;
    uint64_t finalized = 0;
};

enum class TxPoolState { kUnknown, kPending, kFinal };

class Mempool {
  public:
    explicit Mempool(MempoolOptions options = {}) : m_opt(options) {}

    // `bytes` is the Full encoding's size.
    util::Result<void, MempoolRefusal> Admit(const std::shared_ptr<const core::Tx>& tx,
                                             const crypto::Hash256& hash, size_t bytes,
                                             util::UnixNanos now);
    // Transactions of a final block: leave the pool, remembered as final.
    void MarkFinal(std::span<const crypto::Hash256> hashes, util::UnixNanos now);
    // Drops entries (pending and remembered final) whose expiry is <= now;
    // returns how many pending ones expired.
    size_t ExpireUntil(util::UnixNanos now);

    TxPoolState State(const crypto::Hash256& hash) const;
    std::shared_ptr<const core::Tx> Get(const crypto::Hash256& hash) const;
    MempoolStats stats() const;

    // When a transaction stops mattering: min(expiration, time + 90 s).
    static util::UnixNanos ExpiryOf(const core::Tx& tx);

  private:
    struct Entry {
        std::shared_ptr<const core::Tx> tx;
        size_t bytes = 0;
        util::UnixNanos expiry = 0;
    };
    void RemoveLocked(std::map<crypto::Hash256, Entry>::iterator it);

    MempoolOptions m_opt;
    mutable std::mutex m_mu;
    std::map<crypto::Hash256, Entry> m_txs;
    std::multimap<util::UnixNanos, crypto::Hash256> m_by_expiry;
    std::map<std::string, size_t> m_per_publisher;
    std::map<crypto::Hash256, util::UnixNanos> m_final;  // hash → expiry
    std::multimap<util::UnixNanos, crypto::Hash256> m_final_by_expiry;
    size_t m_bytes = 0;
    MempoolStats m_stats;
};

}  // namespace iost::node
