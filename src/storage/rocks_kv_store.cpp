#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/options.h>
#include <rocksdb/slice.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>
#include <storage/rocks_kv_store.h>

#include <algorithm>
#include <cstdio>
#include <vector>

namespace iost::storage {

using util::Bytes;
using util::ByteView;

namespace {

rocksdb::Slice ToSlice(ByteView b) { return {reinterpret_cast<const char*>(b.data()), b.size()}; }
ByteView FromSlice(const rocksdb::Slice& s) {
    return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

bool Contains(const std::string& haystack, const char* needle) {
    return haystack.find(needle) != std::string::npos;
}

// Turns a RocksDB open failure into a sentence an operator can act on.
util::Unexpected<util::Error> OpenError(const std::string& dir, const rocksdb::Status& s) {
    const std::string text = s.ToString();
    if (s.IsIOError() && (Contains(text, "lock") || Contains(text, "LOCK"))) {
        return util::Err(
            "storage: data dir '" + dir +
            "' is locked by another process (is another node running on it?): " + text);
    }
    if (s.IsInvalidArgument() && Contains(text, "does not exist")) {
        return util::Err("storage: no database in '" + dir +
                         "' and creating one is not allowed: " + text);
    }
    if (s.IsCorruption()) {
        return util::Err("storage: database in '" + dir +
                         "' is corrupt (restore it from a backup or resync the chain): " + text);
    }
    return util::Err("storage: cannot open RocksDB in '" + dir + "': " + text);
}

}  // namespace

struct RocksKvStore::Impl {
    std::unique_ptr<rocksdb::DB> db;
};

RocksKvStore::RocksKvStore(std::string dir, std::unique_ptr<Impl> impl)
    : m_dir(std::move(dir)), m_impl(std::move(impl)) {}

util::Result<std::unique_ptr<RocksKvStore>> RocksKvStore::Open(const std::string& dir,
                                                               const RocksOptions& options) {
    if (dir.empty()) return util::Err("storage: empty data dir path");

    rocksdb::Options o;
    o.create_if_missing = options.create_if_missing;
    // Refuse to open on any sign of corruption in the files (checksums, the
    // manifest), and recover the WAL up to the last complete batch: a torn
    // tail can only hold batches that were never acknowledged with sync.
    o.paranoid_checks = true;
    o.wal_recovery_mode = rocksdb::WALRecoveryMode::kPointInTimeRecovery;
    o.manual_wal_flush = false;
    o.write_buffer_size = options.write_buffer_bytes;
    o.max_write_buffer_number = 3;
    o.max_open_files = options.max_open_files;
    o.max_background_jobs = std::max(1, options.background_jobs);
    o.max_log_file_size = options.max_info_log_bytes;
    o.keep_log_file_num = std::max<size_t>(1, options.keep_info_log_files);
    // Point lookups by tx hash and block hash dominate reads (and the
    // duplicate-tx check on commit looks up keys that are mostly absent):
    // a Bloom filter answers "absent" without touching a data block.
    rocksdb::BlockBasedTableOptions table;
    table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
    table.block_cache = rocksdb::NewLRUCache(options.block_cache_bytes);
    o.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));

    rocksdb::DB* raw = nullptr;
    rocksdb::Status s = rocksdb::DB::Open(o, dir, &raw);
    if (!s.ok()) return OpenError(dir, s);
    auto impl = std::make_unique<Impl>();
    impl->db.reset(raw);
    return std::unique_ptr<RocksKvStore>(new RocksKvStore(dir, std::move(impl)));
}

RocksKvStore::~RocksKvStore() {
    if (m_impl && m_impl->db) {
        util::Status s = Close();
        if (!s.ok()) std::fprintf(stderr, "%s\n", s.error().message.c_str());
    }
}

util::Status RocksKvStore::Close() {
    if (!m_impl->db) return util::Err("storage: '" + m_dir + "' is already closed");
    rocksdb::Status s = m_impl->db->SyncWAL();
    rocksdb::Status c = m_impl->db->Close();
    m_impl->db.reset();
    if (!s.ok())
        return util::Err("storage: syncing the WAL of '" + m_dir +
                         "' on close failed: " + s.ToString());
    if (!c.ok()) return util::Err("storage: closing '" + m_dir + "' failed: " + c.ToString());
    return util::Ok();
}

util::Result<std::optional<Bytes>> RocksKvStore::Get(ByteView key) const {
    if (!m_impl->db) return util::Err("storage: get on closed store '" + m_dir + "'");
    std::string value;
    rocksdb::Status s = m_impl->db->Get(rocksdb::ReadOptions(), ToSlice(key), &value);
    if (s.IsNotFound()) return std::optional<Bytes>{};
    if (!s.ok()) return util::Err("storage: read from '" + m_dir + "' failed: " + s.ToString());
    return std::optional<Bytes>{Bytes(value.begin(), value.end())};
}

util::Status RocksKvStore::Write(const WriteBatch& batch, Sync sync) {
    if (!m_impl->db) return util::Err("storage: write on closed store '" + m_dir + "'");
    // Inserted in key order: RocksDB's memtable skip list keeps the place of
    // the previous insert (its "splice"), so ascending keys skip most of the
    // search from the top, which was 40 % of a block commit with the random
    // hash keys of the tx index in block order (docs/benchmarks.md "CPU per
    // transaction, part 2"). A stable sort keeps the batch's meaning: the
    // batch is applied atomically, and two ops on one key keep their order.
    const auto& ops = batch.ops();
    std::vector<uint32_t> order(ops.size());
    for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&ops](uint32_t a, uint32_t b) {
        return std::lexicographical_compare(ops[a].key.begin(), ops[a].key.end(),
                                            ops[b].key.begin(), ops[b].key.end());
    });
    // The batch's record is one string: reserved once instead of grown per op
    // (per op: a tag byte, two varint lengths and the column family at most).
    rocksdb::WriteBatch wb(batch.ByteSize() + 16 * ops.size() + 16);
    for (const uint32_t i : order) {
        const auto& op = ops[i];
        rocksdb::Status s =
            op.value ? wb.Put(ToSlice(op.key), ToSlice(*op.value)) : wb.Delete(ToSlice(op.key));
        if (!s.ok()) return util::Err("storage: building write batch failed: " + s.ToString());
    }
    rocksdb::WriteOptions wo;
    wo.sync = sync == Sync::kYes;
    wo.disableWAL = false;
    rocksdb::Status s = m_impl->db->Write(wo, &wb);
    if (!s.ok()) {
        return util::Err(std::string("storage: ") + (wo.sync ? "synced " : "") + "write of " +
                         std::to_string(batch.size()) + " ops to '" + m_dir +
                         "' failed: " + s.ToString());
    }
    return util::Ok();
}

util::Status RocksKvStore::ScanFrom(ByteView prefix, ByteView start,
                                    const ScanVisitor& visit) const {
    if (!m_impl->db) return util::Err("storage: scan on closed store '" + m_dir + "'");
    rocksdb::ReadOptions ro;
    std::optional<Bytes> upper = PrefixUpperBound(prefix);
    rocksdb::Slice upper_slice;
    if (upper) {
        upper_slice = ToSlice(*upper);
        ro.iterate_upper_bound = &upper_slice;
    }
    std::unique_ptr<rocksdb::Iterator> it(m_impl->db->NewIterator(ro));
    ByteView from = prefix;
    if (std::lexicographical_compare(prefix.begin(), prefix.end(), start.begin(), start.end())) {
        from = start;
    }
    for (it->Seek(ToSlice(from)); it->Valid(); it->Next()) {
        ByteView key = FromSlice(it->key());
        if (key.size() < prefix.size() || !std::equal(prefix.begin(), prefix.end(), key.begin()))
            break;
        if (!visit(key, FromSlice(it->value()))) break;
    }
    if (!it->status().ok()) {
        return util::Err("storage: scan of '" + m_dir + "' failed: " + it->status().ToString());
    }
    return util::Ok();
}

namespace {

// Reads through one RocksDB snapshot; released on destruction.
class RocksSnapshotView final : public KvStore {
  public:
    RocksSnapshotView(rocksdb::DB* db, const std::string& dir)
        : m_db(db), m_snap(db->GetSnapshot()), m_dir(dir) {}
    ~RocksSnapshotView() override { m_db->ReleaseSnapshot(m_snap); }
    RocksSnapshotView(const RocksSnapshotView&) = delete;
    RocksSnapshotView& operator=(const RocksSnapshotView&) = delete;

    util::Result<std::optional<Bytes>> Get(ByteView key) const override {
        rocksdb::ReadOptions ro;
        ro.snapshot = m_snap;
        std::string value;
        rocksdb::Status s = m_db->Get(ro, ToSlice(key), &value);
        if (s.IsNotFound()) return std::optional<Bytes>{};
        if (!s.ok())
            return util::Err("storage: snapshot read from '" + m_dir + "' failed: " + s.ToString());
        return std::optional<Bytes>{Bytes(value.begin(), value.end())};
    }
    util::Status Write(const WriteBatch&, Sync) override {
        return util::Err("storage: a snapshot is read-only");
    }
    util::Status ScanFrom(ByteView prefix, ByteView start,
                          const ScanVisitor& visit) const override {
        rocksdb::ReadOptions ro;
        ro.snapshot = m_snap;
        std::optional<Bytes> upper = PrefixUpperBound(prefix);
        rocksdb::Slice upper_slice;
        if (upper) {
            upper_slice = ToSlice(*upper);
            ro.iterate_upper_bound = &upper_slice;
        }
        std::unique_ptr<rocksdb::Iterator> it(m_db->NewIterator(ro));
        ByteView from = prefix;
        if (std::lexicographical_compare(prefix.begin(), prefix.end(), start.begin(),
                                         start.end())) {
            from = start;
        }
        for (it->Seek(ToSlice(from)); it->Valid(); it->Next()) {
            ByteView key = FromSlice(it->key());
            if (key.size() < prefix.size() ||
                !std::equal(prefix.begin(), prefix.end(), key.begin()))
                break;
            if (!visit(key, FromSlice(it->value()))) break;
        }
        if (!it->status().ok()) {
            return util::Err("storage: snapshot scan of '" + m_dir +
                             "' failed: " + it->status().ToString());
        }
        return util::Ok();
    }
    util::Status Flush() override { return util::Err("storage: a snapshot is read-only"); }
    util::Result<std::unique_ptr<KvStore>> Snapshot() const override {
        return util::Err("storage: a snapshot of a snapshot is not supported");
    }

  private:
    rocksdb::DB* m_db;
    const rocksdb::Snapshot* m_snap;
    std::string m_dir;
};

}  // namespace

util::Result<std::unique_ptr<KvStore>> RocksKvStore::Snapshot() const {
    if (!m_impl->db) return util::Err("storage: snapshot of closed store '" + m_dir + "'");
    return std::unique_ptr<KvStore>(std::make_unique<RocksSnapshotView>(m_impl->db.get(), m_dir));
}

util::Status RocksKvStore::Flush() {
    if (!m_impl->db) return util::Err("storage: flush on closed store '" + m_dir + "'");
    rocksdb::Status s = m_impl->db->SyncWAL();
    if (!s.ok())
        return util::Err("storage: syncing the WAL of '" + m_dir + "' failed: " + s.ToString());
    return util::Ok();
}

}  // namespace iost::storage
