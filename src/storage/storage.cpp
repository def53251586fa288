#include <storage/storage.h>

namespace iost::storage {

util::Result<NodeStorage> OpenStorage(std::unique_ptr<KvStore> kv,
                                      const BlockStoreOptions& blocks) {
    IOST_ASSERT(kv != nullptr, "OpenStorage needs a store");
    NodeStorage out;
    out.kv = std::move(kv);
    auto block_store = BlockStore::Open(*out.kv, blocks);
    IOST_TRY(block_store);
    out.blocks = std::move(*block_store);
    auto safety = SafetyStore::Open(*out.kv);
    IOST_TRY(safety);
    out.safety = std::move(*safety);
    return out;
}

util::Result<NodeStorage> OpenRocksStorage(const std::string& dir, const RocksOptions& rocks,
                                           const BlockStoreOptions& blocks) {
    auto kv = RocksKvStore::Open(dir, rocks);
    IOST_TRY(kv);
    return OpenStorage(std::move(*kv), blocks);
}

util::Result<NodeStorage> OpenMemStorage(const BlockStoreOptions& blocks) {
    return OpenStorage(std::make_unique<MemKvStore>(), blocks);
}

}  // namespace iost::storage
