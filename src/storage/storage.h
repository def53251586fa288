// NodeStorage: everything a node keeps on disk, opened together over one
// KvStore: the chain (BlockStore), read access to the state (StateStore) and
// the consensus safety records (SafetyStore). One RocksDB for all three, so a
// synced safety write also makes earlier block writes durable and there is a
// single data dir lock. The simulator opens the same bundle in memory.
//
// Thread contract: as the member stores. Members are declared so that the
// KvStore is destroyed last (the stores hold references to it).
#pragma once

#include <storage/block_store.h>
#include <storage/kv_store.h>
#include <storage/rocks_kv_store.h>
#include <storage/safety_store.h>
#include <storage/state_store.h>

#include <memory>
#include <string>

namespace iost::storage {

struct NodeStorage {
    std::unique_ptr<KvStore> kv;  // first: destroyed last
    std::unique_ptr<BlockStore> blocks;
    std::unique_ptr<SafetyStore> safety;

    StateStore State() const { return StateStore(*kv); }
};

// Opens (creating if allowed) the node's data in `dir`; errors name the
// problem (lock held, schema version, corruption).
util::Result<NodeStorage> OpenRocksStorage(const std::string& dir, const RocksOptions& rocks = {},
                                           const BlockStoreOptions& blocks = {});
// A fresh in-memory store (simulator, tests).
util::Result<NodeStorage> OpenMemStorage(const BlockStoreOptions& blocks = {});
// Over an existing store (e.g. a FaultInjectingKvStore in tests), owned.
util::Result<NodeStorage> OpenStorage(std::unique_ptr<KvStore> kv,
                                      const BlockStoreOptions& blocks = {});

}  // namespace iost::storage
