// StateStore: read access to the ledger state as committed on disk, a map of
// the ledger's own byte keys to byte values (table 0x30 in schema.h). The
// node backs the ledger's state reader with it.
//
// There is deliberately no write method: state changes only through
// BlockStore::InitGenesis and BlockStore::CommitFinalized, in the same
// WriteBatch as the block that caused them, so the state on disk is always
// exactly the state after the head block (docs/architecture.md §1, docs/reliability.md #11).
//
// Thread contract: all methods are thread-safe (they only read the KvStore).
// Reads concurrent with a commit see the state before or after that block,
// per key; a caller that needs one consistent view across keys reads between
// commits (the node's event loop does). The KvStore must outlive this.
#pragma once

#include <storage/kv_store.h>
#include <util/bytes.h>
#include <util/result.h>

#include <optional>

namespace iost::storage {

class StateStore {
  public:
    explicit StateStore(const KvStore& kv) : m_kv(kv) {}

    util::Result<std::optional<util::Bytes>> Get(util::ByteView key) const;

    // Visits, in ascending key order, every state entry whose key starts with
    // `prefix` and is >= `start`; the visitor sees the ledger's key (without
    // the table byte).
    util::Status ScanFrom(util::ByteView prefix, util::ByteView start,
                          const ScanVisitor& visit) const;
    util::Status Scan(util::ByteView prefix, const ScanVisitor& visit) const {
        return ScanFrom(prefix, {}, visit);
    }

  private:
    const KvStore& m_kv;
};

}  // namespace iost::storage
