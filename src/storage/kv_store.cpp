#include <storage/kv_store.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <shared_mutex>

namespace iost::storage {

using util::Bytes;
using util::ByteView;

void WriteBatch::Put(ByteView key, ByteView value) {
    Put(Bytes(key.begin(), key.end()), Bytes(value.begin(), value.end()));
}

void WriteBatch::Put(Bytes key, Bytes value) {
    m_bytes += key.size() + value.size();
    m_ops.push_back(Op{std::move(key), std::move(value)});
}

void WriteBatch::Delete(ByteView key) {
    m_bytes += key.size();
    m_ops.push_back(Op{Bytes(key.begin(), key.end()), std::nullopt});
}

void WriteBatch::Append(const WriteBatch& other) {
    m_ops.insert(m_ops.end(), other.m_ops.begin(), other.m_ops.end());
    m_bytes += other.m_bytes;
}

void WriteBatch::Clear() {
    m_ops.clear();
    m_bytes = 0;
}

std::optional<Bytes> PrefixUpperBound(ByteView prefix) {
    Bytes bound(prefix.begin(), prefix.end());
    while (!bound.empty()) {
        if (bound.back() != 0xff) {
            ++bound.back();
            return bound;
        }
        bound.pop_back();
    }
    return std::nullopt;
}

namespace {
bool StartsWith(ByteView s, ByteView prefix) {
    return s.size() >= prefix.size() && std::equal(prefix.begin(), prefix.end(), s.begin());
}
}  // namespace

// Bytes compare lexicographically as unsigned bytes through std::vector's
// operator<, which is the same order RocksDB's default comparator uses, so
// both stores iterate identically.
struct MemKvStore::Impl {
    mutable std::shared_mutex mu;
    std::map<Bytes, Bytes, std::less<>> map;
};

MemKvStore::MemKvStore() : m_impl(std::make_unique<Impl>()) {}
MemKvStore::~MemKvStore() = default;

util::Result<std::optional<Bytes>> MemKvStore::Get(ByteView key) const {
    std::shared_lock lock(m_impl->mu);
    auto it = m_impl->map.find(Bytes(key.begin(), key.end()));
    if (it == m_impl->map.end()) return std::optional<Bytes>{};
    return std::optional<Bytes>{it->second};
}

util::Status MemKvStore::Write(const WriteBatch& batch, Sync /*sync*/) {
    std::unique_lock lock(m_impl->mu);
    for (const auto& op : batch.ops()) {
        if (op.value) {
            m_impl->map.insert_or_assign(op.key, *op.value);
        } else {
            m_impl->map.erase(op.key);
        }
    }
    return util::Ok();
}

util::Status MemKvStore::ScanFrom(ByteView prefix, ByteView start, const ScanVisitor& visit) const {
    std::shared_lock lock(m_impl->mu);
    Bytes from(prefix.begin(), prefix.end());
    if (Bytes s(start.begin(), start.end()); s > from) from = std::move(s);
    for (auto it = m_impl->map.lower_bound(from); it != m_impl->map.end(); ++it) {
        if (!StartsWith(it->first, prefix)) break;
        if (!visit(it->first, it->second)) break;
    }
    return util::Ok();
}

util::Status MemKvStore::Flush() { return util::Ok(); }

namespace {
// The frozen copy a MemKvStore snapshot returns: reads like a MemKvStore,
// refuses writes.
class FrozenMemKvStore final : public KvStore {
  public:
    explicit FrozenMemKvStore(std::map<Bytes, Bytes, std::less<>> map) : m_map(std::move(map)) {}
    util::Result<std::optional<Bytes>> Get(ByteView key) const override {
        auto it = m_map.find(Bytes(key.begin(), key.end()));
        if (it == m_map.end()) return std::optional<Bytes>{};
        return std::optional<Bytes>{it->second};
    }
    util::Status Write(const WriteBatch&, Sync) override {
        return util::Err("storage: a snapshot is read-only");
    }
    util::Status ScanFrom(ByteView prefix, ByteView start,
                          const ScanVisitor& visit) const override {
        Bytes from(prefix.begin(), prefix.end());
        if (Bytes s(start.begin(), start.end()); s > from) from = std::move(s);
        for (auto it = m_map.lower_bound(from); it != m_map.end(); ++it) {
            if (!StartsWith(it->first, prefix)) break;
            if (!visit(it->first, it->second)) break;
        }
        return util::Ok();
    }
    util::Status Flush() override { return util::Err("storage: a snapshot is read-only"); }
    util::Result<std::unique_ptr<KvStore>> Snapshot() const override {
        return std::unique_ptr<KvStore>(std::make_unique<FrozenMemKvStore>(m_map));
    }

  private:
    const std::map<Bytes, Bytes, std::less<>> m_map;
};
}  // namespace

util::Result<std::unique_ptr<KvStore>> MemKvStore::Snapshot() const {
    std::shared_lock lock(m_impl->mu);
    return std::unique_ptr<KvStore>(std::make_unique<FrozenMemKvStore>(m_impl->map));
}

size_t MemKvStore::KeyCount() const {
    std::shared_lock lock(m_impl->mu);
    return m_impl->map.size();
}

}  // namespace iost::storage
