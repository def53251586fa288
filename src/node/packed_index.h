// PackedIndex: the node's memory of recent signed MicroBlocks that are not
// final yet, for IOST's "PACKED" transaction status (docs/node.md "Read
// API"). A transaction is PACKED when it sits in a MicroBlock whose producer
// signature this node's engine accepted (or that this node produced) and the
// FinalBlock that includes it has not been persisted yet.
//
// Bounded: at most max_micros MicroBlocks and max_txs indexed transactions;
// beyond that the oldest MicroBlocks (by arrival) are forgotten first. When a
// final block is persisted its MicroBlocks leave the index (the BlockStore
// has them from then on) and so do their transactions.
//
// Receipts: MicroBlocks carry receipts_root = zero because producers do not
// execute at produce time (execution happens once, on the final block, over
// committed state; a producer-side result would be over a speculative state
// that the final block may reorder). PackedTx::receipt is therefore always
// nullopt for now; the final receipt is in the BlockStore, and the API
// derives the producer's speculative receipt on demand (docs/http.md
// /getTxByHash, receipt_source "PRODUCER_SPECULATIVE").
//
// (producer, seq) is unique within an epoch only (seq restarts each epoch):
// Get returns the most recently seen MicroBlock with that pair.
//
// Thread contract: all methods thread-safe (one internal mutex); the loop
// thread writes, the HTTP workers read.
#pragma once

#include <core/block.h>
#include <core/receipt.h>
#include <core/tx.h>
#include <crypto/hash.h>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <utility>

namespace iost::node {

// A transaction included in a signed MicroBlock that is not final yet (IOST "PACKED").
struct PackedTx {
    std::shared_ptr<const core::Tx> tx;
    std::string producer;
    uint64_t seq = 0;
    int64_t time = 0;                        // the MicroBlock's time (unix ns)
    std::optional<core::TxReceipt> receipt;  // the producer's execution result, if known
};

struct PackedIndexOptions {
    size_t max_micros = 20'000;
    size_t max_txs = 400'000;
};

class PackedIndex {
  public:
    explicit PackedIndex(PackedIndexOptions options = {}) : m_opt(options) {}

    // A MicroBlock whose signature was verified (or our own). Idempotent.
    void Add(const std::shared_ptr<const core::MicroBlock>& micro);
    // The MicroBlocks of a persisted final block: they and their
    // transactions stop being PACKED.
    void RemoveFinal(std::span<const crypto::Hash256> micro_hashes);

    std::optional<PackedTx> Find(const crypto::Hash256& tx_hash) const;
    std::shared_ptr<const core::MicroBlock> Get(const std::string& producer, uint64_t seq) const;
    std::shared_ptr<const core::MicroBlock> GetByHash(const crypto::Hash256& hash) const;

    size_t micro_count() const;
    size_t tx_count() const;
    // Transactions ever indexed (a counter for metrics).
    uint64_t txs_indexed() const;

  private:
    struct TxSlot {
        crypto::Hash256 micro;
        uint32_t index = 0;
    };
    void EraseLocked(const crypto::Hash256& micro_hash);

    PackedIndexOptions m_opt;
    mutable std::mutex m_mu;
    std::map<crypto::Hash256, std::shared_ptr<const core::MicroBlock>> m_micros;
    std::deque<crypto::Hash256> m_order;  // arrival order; may hold erased hashes
    std::map<std::pair<std::string, uint64_t>, crypto::Hash256> m_by_seq;
    std::map<crypto::Hash256, TxSlot> m_txs;
    uint64_t m_indexed = 0;
};

}  // namespace iost::node
