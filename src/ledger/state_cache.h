// CachedState: a bounded cache of committed state, raw and decoded, in front
// of a slower StateReader (in the node: RocksDB through storage::StateStore).
// docs/state.md "Fast state layer" argues its correctness; in short:
//
//  - It caches only *committed* state. Execution writes into Overlays over
//    it (a transaction's overlay over the block's), so a failed transaction
//    or an aborted block never reaches the cache: their writes are dropped
//    with the overlay.
//  - Write-through on commit: whoever commits a block to the base calls
//    ApplyCommitted(writes) right after the base holds them (the node: from
//    BlockStore's commit observer, inside the commit). Keys the cache holds
//    are updated to the committed value; other keys stay uncached.
//  - A miss reads the base outside the lock and fills the cache only if no
//    commit happened meanwhile (a commit epoch), so a value read before a
//    commit is never installed after it.
//  - Restart starts with an empty cache; anything else that changes the base
//    (e.g. loading a snapshot into the store) must call Clear().
//
// Entries are values (or the absence of one) by key, plus, for records read
// through GetDecoded (accounts), the decoded object. Eviction is LRU under a
// byte budget (key + value + a fixed per-entry overhead, doubled value size
// when a decoded form is held). A budget of 0 disables caching entirely.
//
// Thread contract: all methods are thread-safe (one mutex; the base is read
// and decoders run outside it). The base must be safe for concurrent reads
// if the cache is read from several threads, and must outlive the cache.
#pragma once

#include <ledger/state.h>

#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace iost::ledger {

struct StateCacheStats {
    uint64_t hits = 0;           // Get/GetDecoded answered from the cache
    uint64_t misses = 0;         // read from the base
    uint64_t decodes = 0;        // decoder runs (a decoded hit runs none)
    uint64_t evictions = 0;      // entries dropped for the byte budget
    uint64_t dropped_fills = 0;  // miss results not cached because a commit raced
    size_t entries = 0;
    size_t bytes = 0;  // charged bytes (see above), <= the budget
};

class CachedState final : public StateReader {
  public:
    // Charged per entry on top of key and value (list node, index slot,
    // strings' headers); an estimate, documented in docs/state.md.
    static constexpr size_t kEntryOverhead = 160;

    CachedState(const StateReader& base, size_t max_bytes);
    CachedState(const CachedState&) = delete;
    CachedState& operator=(const CachedState&) = delete;

    std::optional<std::string> Get(std::string_view key) const override;
    std::shared_ptr<const void> GetDecoded(std::string_view key, Decoder decode) const override;

    // Write-through: `writes` are now committed in the base. Call in commit
    // order, after the base holds them.
    void ApplyCommitted(const WriteSet& writes);
    // The same for writes the caller holds in its own buffers (the node's
    // storage record): only the entries already cached copy their value, the
    // rest costs one index lookup (docs/benchmarks.md "CPU per transaction,
    // part 2": building a WriteSet of every write copied each key and value).
    using WriteView = std::pair<std::string_view, std::optional<std::string_view>>;
    void ApplyCommitted(const std::vector<WriteView>& writes);
    // Forgets everything (the base changed in a way the cache was not told).
    void Clear();

    StateCacheStats stats() const;
    size_t max_bytes() const { return m_max_bytes; }
    const StateReader& base() const { return m_base; }

  private:
    struct Entry {
        std::string key;
        std::optional<std::string> value;
        std::shared_ptr<const void> decoded;
        Decoder decoder = nullptr;
        size_t charge = 0;
    };
    using List = std::list<Entry>;

    // All with m_mu held (const: they change only the mutable cache).
    static size_t ChargeOf(const Entry& e);
    void Recharge(List::iterator it) const;
    void Insert(std::string_view key, std::optional<std::string> value,
                std::shared_ptr<const void> decoded, Decoder decoder) const;
    void EvictToBudget() const;

    const StateReader& m_base;
    const size_t m_max_bytes;
    mutable std::mutex m_mu;
    mutable List m_lru;  // front = most recently used
    // Keys view the strings owned by the list nodes (stable: list nodes
    // never move).
    mutable std::unordered_map<std::string_view, List::iterator> m_index;
    mutable size_t m_bytes = 0;
    uint64_t m_epoch = 0;  // bumped by every ApplyCommitted / Clear
    mutable StateCacheStats m_stats;
};

}  // namespace iost::ledger
