// KvStore: the ordered byte key-value store under everything the node keeps
// on disk (docs/architecture.md §1 storage, docs/reliability.md #11). Three implementations:
//  - MemKvStore: a std::map, for the simulator and unit tests;
//  - RocksKvStore (rocks_kv_store.h): RocksDB with its WAL, for iserver;
//  - FaultInjectingKvStore (fault_injection.h): wraps another store, keeps
//    track of writes not yet synced so a test can drop them (power loss) and
//    can fail the Nth write (I/O error), after leveldb's fault_injection_test.
//
// Every change goes through a WriteBatch applied atomically by Write(): all of
// its operations become visible (and durable, with Sync::kYes) together or
// none does. This is what lets a finalized block and its state change commit
// as one unit (block_store.h). Write errors are returned, never swallowed: a
// failed fsync leaves the durability of that batch unknown, so callers treat
// any write error as fatal for the process (docs/reliability.md #11).
//
// Thread contract: every KvStore method may be called from any thread
// concurrently. A Scan visitor runs while the store may hold a read lock: it
// must not call Write on the same store.
#pragma once

#include <util/bytes.h>
#include <util/result.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace iost::storage {

// Whether a write must be on stable storage (fsync'd) before Write returns.
// kYes for anything acknowledged to others: a final block, a safety record.
enum class Sync { kNo, kYes };

// An ordered list of puts and deletes, applied atomically in order (a later
// operation on the same key wins). A plain value type; it does not touch any
// store until passed to KvStore::Write.
class WriteBatch {
  public:
    struct Op {
        util::Bytes key;
        std::optional<util::Bytes> value;  // nullopt: delete
    };

    void Put(util::ByteView key, util::ByteView value);
    void Put(util::Bytes key, util::Bytes value);
    void Delete(util::ByteView key);
    // Appends every operation of `other` after this batch's operations.
    void Append(const WriteBatch& other);
    void Clear();

    const std::vector<Op>& ops() const { return m_ops; }
    size_t size() const { return m_ops.size(); }
    bool empty() const { return m_ops.empty(); }
    // Total key and value bytes, for limits and metrics.
    size_t ByteSize() const { return m_bytes; }

  private:
    std::vector<Op> m_ops;
    size_t m_bytes = 0;
};

// Called for each key/value of a scan in ascending key order; return false to
// stop. The views are valid only during the call.
using ScanVisitor = std::function<bool(util::ByteView key, util::ByteView value)>;

class KvStore {
  public:
    virtual ~KvStore() = default;

    // The value under `key`, nullopt if absent; an error only for I/O or
    // corruption.
    virtual util::Result<std::optional<util::Bytes>> Get(util::ByteView key) const = 0;

    // Applies `batch` atomically. With Sync::kYes the batch (and everything
    // written before it) is on stable storage when this returns ok.
    virtual util::Status Write(const WriteBatch& batch, Sync sync) = 0;

    // Visits, in ascending byte order, every key that starts with `prefix` and
    // is >= `start` (an empty `start` means from the first key of the prefix).
    virtual util::Status ScanFrom(util::ByteView prefix, util::ByteView start,
                                  const ScanVisitor& visit) const = 0;

    // Makes every write so far durable (syncs the log). Used at shutdown and
    // by callers that batch several Sync::kNo writes.
    virtual util::Status Flush() = 0;

    util::Status Scan(util::ByteView prefix, const ScanVisitor& visit) const {
        return ScanFrom(prefix, {}, visit);
    }

    // A read-only, consistent view of the store as of this call: later
    // writes are invisible to it (docs/state.md "Snapshot files": the writer
    // of a state snapshot reads a certified height's state while the node
    // commits the next blocks). Its Write and Flush fail. It must not
    // outlive this store. RocksDB pins the files the view needs until it is
    // destroyed, so holders keep it briefly.
    virtual util::Result<std::unique_ptr<KvStore>> Snapshot() const = 0;
};

// The smallest key greater than every key starting with `prefix`, or nullopt
// when no such bound exists (empty prefix or all 0xff bytes).
std::optional<util::Bytes> PrefixUpperBound(util::ByteView prefix);

// In-memory store: a std::map under a shared mutex. Write and Flush never
// fail. Sync is meaningless here; durability across a simulated crash is the
// job of FaultInjectingKvStore.
class MemKvStore final : public KvStore {
  public:
    MemKvStore();
    ~MemKvStore() override;

    util::Result<std::optional<util::Bytes>> Get(util::ByteView key) const override;
    util::Status Write(const WriteBatch& batch, Sync sync) override;
    util::Status ScanFrom(util::ByteView prefix, util::ByteView start,
                          const ScanVisitor& visit) const override;
    util::Status Flush() override;
    // A copy of the map (tests and the simulator only: O(size)).
    util::Result<std::unique_ptr<KvStore>> Snapshot() const override;

    size_t KeyCount() const;

  private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace iost::storage
