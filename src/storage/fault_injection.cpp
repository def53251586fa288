#include <storage/fault_injection.h>

#include <set>

namespace iost::storage {

using util::Bytes;
using util::ByteView;

util::Result<std::optional<Bytes>> FaultInjectingKvStore::Get(ByteView key) const {
    {
        std::lock_guard lock(m_mu);
        if (m_fail_reads) return util::Err("storage: injected I/O error on read");
    }
    return m_base.Get(key);
}

util::Status FaultInjectingKvStore::ScanFrom(ByteView prefix, ByteView start,
                                             const ScanVisitor& visit) const {
    {
        std::lock_guard lock(m_mu);
        if (m_fail_reads) return util::Err("storage: injected I/O error on scan");
    }
    return m_base.ScanFrom(prefix, start, visit);
}

util::Status FaultInjectingKvStore::Write(const WriteBatch& batch, Sync sync) {
    std::lock_guard lock(m_mu);
    if (m_failed) {
        return util::Err("storage: store is failed after an earlier write error; restart required");
    }
    ++m_writes;
    const bool inject = m_fail_at && *m_fail_at == m_writes;
    if (inject) m_fail_at.reset();
    if (inject && m_fail_kind == FaultKind::kBeforeApply) {
        m_failed = true;
        return util::Err("storage: injected I/O error on write #" + std::to_string(m_writes));
    }

    // Remember what the batch overwrites so power loss can undo it.
    Undo undo;
    std::set<Bytes> seen;
    for (const auto& op : batch.ops()) {
        if (!seen.insert(op.key).second) continue;
        auto old = m_base.Get(op.key);
        if (!old.ok()) return util::ErrOf(old.error());
        undo.before.emplace_back(op.key, std::move(*old));
    }

    const bool durable = sync == Sync::kYes && !inject;
    IOST_TRY(m_base.Write(batch, durable ? Sync::kYes : Sync::kNo));
    if (durable) {
        // A synced write makes the whole log up to here durable.
        m_unsynced.clear();
        return util::Ok();
    }
    m_unsynced.push_back(std::move(undo));
    if (inject) {  // kSyncFails: applied, durability unknown
        m_failed = true;
        return util::Err("storage: injected fsync failure on write #" + std::to_string(m_writes));
    }
    return util::Ok();
}

util::Status FaultInjectingKvStore::Flush() {
    std::lock_guard lock(m_mu);
    if (m_failed) {
        return util::Err("storage: store is failed after an earlier write error; restart required");
    }
    IOST_TRY(m_base.Flush());
    m_unsynced.clear();
    return util::Ok();
}

util::Status FaultInjectingKvStore::DropUnsyncedWrites(size_t keep) {
    std::lock_guard lock(m_mu);
    while (m_unsynced.size() > keep) {
        WriteBatch restore;
        for (const auto& [key, value] : m_unsynced.back().before) {
            if (value) {
                restore.Put(key, *value);
            } else {
                restore.Delete(key);
            }
        }
        IOST_TRY(m_base.Write(restore, Sync::kYes));
        m_unsynced.pop_back();
    }
    // What survived is now on disk; the restarted process starts clean.
    IOST_TRY(m_base.Flush());
    m_unsynced.clear();
    m_failed = false;
    return util::Ok();
}

void FaultInjectingKvStore::FailNthWrite(uint64_t n, FaultKind kind) {
    std::lock_guard lock(m_mu);
    IOST_ASSERT(n >= 1, "FailNthWrite counts from 1");
    m_fail_at = m_writes + n;
    m_fail_kind = kind;
}

void FaultInjectingKvStore::FailReads(bool fail) {
    std::lock_guard lock(m_mu);
    m_fail_reads = fail;
}

size_t FaultInjectingKvStore::UnsyncedBatches() const {
    std::lock_guard lock(m_mu);
    return m_unsynced.size();
}

uint64_t FaultInjectingKvStore::WritesSeen() const {
    std::lock_guard lock(m_mu);
    return m_writes;
}

bool FaultInjectingKvStore::Failed() const {
    std::lock_guard lock(m_mu);
    return m_failed;
}

}  // namespace iost::storage
