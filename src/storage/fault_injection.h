// FaultInjectingKvStore: a KvStore wrapper that lets tests play the disk
// failures of docs/reliability.md #11, in the spirit of leveldb's
// fault_injection_test:
//  - power loss: every batch written with Sync::kNo since the last synced
//    write or Flush is remembered (with the values it overwrote);
//    DropUnsyncedWrites(keep) rolls back all but the oldest `keep` of them,
//    newest first, as a machine that lost power would after replaying its
//    log up to some point. A batch is dropped whole or kept whole, like a
//    checksummed WAL record.
//  - I/O errors: FailNthWrite(n, kind) makes the n-th Write from now fail,
//    either before anything is applied (kBeforeApply: a write() error) or
//    after the batch is applied but not made durable (kSyncFails: an fsync
//    error, after which durability of that batch is unknown). After an
//    injected error the store refuses every further write until
//    DropUnsyncedWrites is called, as RocksDB does after a background error
//    and as a node must after a failed fsync (it cannot trust a retry).
//  - read errors: FailReads(true) makes Get and Scan return an I/O error.
//
// Writes pass straight through to the wrapped store, so reads see them at
// once, exactly like the OS page cache before power loss.
//
// Thread contract: all methods are thread-safe (one mutex); the wrapped store
// must outlive this object and must not be written to behind its back.
#pragma once

#include <storage/kv_store.h>

#include <cstdint>
#include <mutex>
#include <optional>
#include <vector>

namespace iost::storage {

class FaultInjectingKvStore final : public KvStore {
  public:
    enum class FaultKind { kBeforeApply, kSyncFails };

    explicit FaultInjectingKvStore(KvStore& base) : m_base(base) {}

    util::Result<std::optional<util::Bytes>> Get(util::ByteView key) const override;
    util::Status Write(const WriteBatch& batch, Sync sync) override;
    util::Status ScanFrom(util::ByteView prefix, util::ByteView start,
                          const ScanVisitor& visit) const override;
    util::Status Flush() override;
    // The base store's snapshot (unsynced writes included, as reads see them).
    util::Result<std::unique_ptr<KvStore>> Snapshot() const override { return m_base.Snapshot(); }

    // Simulates power loss followed by restart: rolls back every unsynced
    // batch except the oldest `keep`, makes the surviving state durable, and
    // clears any injected-error state. Returns the wrapped store's error if
    // the rollback itself fails.
    util::Status DropUnsyncedWrites(size_t keep = 0);

    // Makes the n-th Write from now (n >= 1) fail with `kind`.
    void FailNthWrite(uint64_t n, FaultKind kind);
    void FailReads(bool fail);

    size_t UnsyncedBatches() const;
    uint64_t WritesSeen() const;
    bool Failed() const;

  private:
    struct Undo {
        // Pre-image of every key the batch touched, in first-touch order.
        std::vector<std::pair<util::Bytes, std::optional<util::Bytes>>> before;
    };

    KvStore& m_base;
    mutable std::mutex m_mu;
    std::vector<Undo> m_unsynced;  // oldest first
    uint64_t m_writes = 0;
    std::optional<uint64_t> m_fail_at;  // value of m_writes that fails
    FaultKind m_fail_kind = FaultKind::kBeforeApply;
    bool m_failed = false;
    bool m_fail_reads = false;
};

}  // namespace iost::storage
