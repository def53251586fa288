// UnverifiedCopies: the budget of transaction copies a node keeps WITHOUT
// checking their signatures (docs/pob.md §5.5 "Kept copies", issue #15.2).
//
// The first hop of a transaction hands a copy to every normal validator,
// which keeps it in case the owner does not pack it (per-transaction
// fallback) or dies. Checking each copy's signatures on receipt cost every
// normal validator one Ed25519 check per transaction of the whole network,
// though a copy matters only when the node proposes it directly or routes
// it on; so copies sent by validators are kept unverified and checked when
// used (LedgerApp::CheckTx, once: the verdict is cached either way).
//
// Unchecked copies are the cheap way to fill the keep store: a byzantine
// validator could send garbage under a victim publisher's name until the
// per-publisher share is full, so that the victim's real copies are no
// longer kept. This ledger bounds them: at most half of keep_max_txs and
// half of keep_max_per_publisher are held unverified at any time (counted
// until the copy's transaction is final or its expiration passes, the
// engine's own rule for dropping a kept copy). Beyond that a copy is checked
// on receipt as before, so the verified half of every share stays reachable
// and the worst a sender can do is restore today's cost.
//
// Thread contract: the driver's event-loop thread only.
#pragma once

#include <crypto/hash.h>
#include <util/clock.h>

#include <cstddef>
#include <cstdint>
#include <map>
#include <span>
#include <string>

namespace iost::node {

struct UnverifiedCopiesOptions {
    size_t max_total = 10'000;       // keep_max_txs / 2
    size_t max_per_publisher = 128;  // keep_max_per_publisher / 2
};

class UnverifiedCopies {
  public:
    explicit UnverifiedCopies(UnverifiedCopiesOptions options = {}) : m_opt(options) {}

    // Takes a slot for a copy kept unverified until `expiry` (unix ns).
    // false: no room (the caller checks the copy's signatures first) or the
    // copy holds a slot already.
    bool TryAdd(const crypto::Hash256& hash, const std::string& publisher, util::UnixNanos expiry);
    // Transactions of a final block: their slots are free again.
    void Release(std::span<const crypto::Hash256> hashes);
    // Frees the slots whose expiry is < now; returns how many.
    size_t ExpireBefore(util::UnixNanos now);

    size_t size() const { return m_by_hash.size(); }
    size_t held_by(const std::string& publisher) const;
    uint64_t refused() const { return m_refused; }

  private:
    struct Slot {
        std::string publisher;
        util::UnixNanos expiry = 0;
    };
    void Remove(std::map<crypto::Hash256, Slot>::iterator it);

    UnverifiedCopiesOptions m_opt;
    std::map<crypto::Hash256, Slot> m_by_hash;
    std::multimap<util::UnixNanos, crypto::Hash256> m_by_expiry;
    std::map<std::string, size_t> m_per_publisher;
    uint64_t m_refused = 0;
};

}  // namespace iost::node
