// RocksKvStore: the KvStore iserver keeps its chain in (docs/node.md "Data
// dir with RocksDB"). RocksDB stays inside rocks_kv_store.cpp; this header
// exposes only the options a node operator may tune.
//
// Durability: the write-ahead log is always on. Write(batch, Sync::kYes)
// returns only after the WAL is fsync'd, so an acknowledged final block
// survives power loss; Sync::kNo writes survive a process crash (kill -9) but
// not power loss. On open RocksDB replays the WAL up to the last complete
// batch (point-in-time recovery), so a torn tail loses only batches that were
// never acknowledged with sync. Any I/O error, including a failed fsync, is
// returned and also puts RocksDB itself into read-only mode: the process must
// stop and restart (docs/reliability.md #11).
//
// Thread contract: as KvStore (all methods thread-safe), except Close, which
// must not run concurrently with any other call. One process may hold
// a data dir at a time; a second Open fails with "locked by another process".
#pragma once

#include <storage/kv_store.h>

#include <memory>
#include <string>

namespace iost::storage {

struct RocksOptions {
    bool create_if_missing = true;
    // Memory: RocksDB's defaults assume one big database per machine; a
    // devnet runs eight nodes on one laptop, so the budgets are modest.
    size_t write_buffer_bytes = 32u << 20;
    size_t block_cache_bytes = 64u << 20;
    int max_open_files = 512;
    int background_jobs = 2;
    // RocksDB's own info LOG in the data dir, rotated and capped.
    size_t max_info_log_bytes = 16u << 20;
    size_t keep_info_log_files = 3;
};

class RocksKvStore final : public KvStore {
  public:
    // Opens (creating it if allowed) the database in directory `dir`. Errors
    // say what went wrong in operator terms: lock held by another process,
    // missing dir, not a database, corruption.
    static util::Result<std::unique_ptr<RocksKvStore>> Open(const std::string& dir,
                                                            const RocksOptions& options = {});
    ~RocksKvStore() override;
    RocksKvStore(const RocksKvStore&) = delete;
    RocksKvStore& operator=(const RocksKvStore&) = delete;

    util::Result<std::optional<util::Bytes>> Get(util::ByteView key) const override;
    util::Status Write(const WriteBatch& batch, Sync sync) override;
    util::Status ScanFrom(util::ByteView prefix, util::ByteView start,
                          const ScanVisitor& visit) const override;
    util::Status Flush() override;
    // A RocksDB snapshot (db->GetSnapshot): released when the view is
    // destroyed, which must happen before Close.
    util::Result<std::unique_ptr<KvStore>> Snapshot() const override;

    // Syncs the WAL and closes the database, reporting any error; the
    // destructor does the same but can only log. Further calls fail.
    util::Status Close();

    const std::string& dir() const { return m_dir; }

  private:
    struct Impl;
    RocksKvStore(std::string dir, std::unique_ptr<Impl> impl);
    std::string m_dir;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace iost::storage
