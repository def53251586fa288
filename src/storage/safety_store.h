// SafetyStore: the consensus safety record of each validator key hosted by
// this node (last voted height, view, phase, locked block... encoded by the
// consensus module; opaque here). docs/architecture.md §1: node::Driver makes it durable
// BEFORE a vote leaves the process, so a validator that crashes and restarts
// can never sign two conflicting votes (docs/pob.md §6.3, docs/reliability.md #11).
// Save therefore always writes with Sync::kYes and reports any error; a node
// that cannot save its safety record must not send the vote. After one failed
// Save every later Save fails too (the record's durability is unknown; only a
// restart, which reads it back, may continue).
//
// Thread contract: all methods are thread-safe. The KvStore must outlive
// this object.
#pragma once

#include <storage/kv_store.h>
#include <util/bytes.h>
#include <util/result.h>

#include <atomic>
#include <memory>
#include <optional>

namespace iost::storage {

class SafetyStore {
  public:
    // Checks (or writes, on an empty store) the schema version.
    static util::Result<std::unique_ptr<SafetyStore>> Open(KvStore& kv);

    // Durably replaces the record of `validator_key` (1..255 bytes).
    util::Status Save(util::ByteView validator_key, util::ByteView record);
    // The same, and in the same durable write `blob` under `blob_key` (same
    // key rules): the producer record and the MicroBlock it names
    // (docs/pob.md §9), so neither is ever on disk without the other.
    util::Status SaveWith(util::ByteView validator_key, util::ByteView record,
                          util::ByteView blob_key, util::ByteView blob);
    // The last saved record, nullopt if none was ever saved.
    util::Result<std::optional<util::Bytes>> Load(util::ByteView validator_key) const;

  private:
    explicit SafetyStore(KvStore& kv) : m_kv(kv) {}
    KvStore& m_kv;
    std::atomic<bool> m_failed{false};
};

}  // namespace iost::storage
