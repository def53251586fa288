// A torn or truncated RocksDB write-ahead log (power loss mid-append,
// docs/reliability.md #11 "truncate the WAL at every offset"): whatever the cut,
// the store must open cleanly at a block boundary, holding a prefix of the
// committed chain, and more WAL never means fewer blocks.
#include <gtest/gtest.h>
#include <storage/block_store.h>
#include <storage/rocks_kv_store.h>
#include <storage/state_store.h>

#include <filesystem>

#include "chain_gen.h"

namespace iost::storage {
namespace {

namespace fs = std::filesystem;
using testing::ChainGen;
using testing::TempDir;

// The numbered WAL file ("000004.log"; the info log is "LOG").
fs::path FindWal(const fs::path& db) {
    fs::path found;
    for (const auto& e : fs::directory_iterator(db)) {
        if (e.path().extension() == ".log" && fs::file_size(e.path()) > 0) found = e.path();
    }
    return found;
}

TEST(WalTruncation, EveryCutOpensAtABlockBoundary) {
    TempDir tmp;
    const fs::path db = tmp.Sub("db");
    testing::ChainGenOptions go;
    go.max_padding = 2000;
    const ChainGen gen(go);
    constexpr uint64_t kBlocks = 12;
    {
        auto kv = RocksKvStore::Open(db.string());
        ASSERT_TRUE(kv.ok()) << kv.error().message;
        auto store = BlockStore::Open(**kv, BlockStoreOptions{Sync::kNo, true});
        ASSERT_TRUE(store.ok());
        ASSERT_TRUE((*store)->InitGenesis(gen.Record(0)).ok());
        for (uint64_t h = 1; h <= kBlocks; ++h)
            ASSERT_TRUE((*store)->CommitFinalized(gen.Record(h)).ok());
        // Closing syncs the WAL but does not flush the memtable to a table
        // file: the whole chain lives in the log.
        store->reset();
        ASSERT_TRUE((*kv)->Close().ok());
    }
    const fs::path wal = FindWal(db);
    ASSERT_FALSE(wal.empty()) << "no WAL in " << db;
    const uint64_t wal_size = fs::file_size(wal);

    // Cut points: every 1/20 of the file and a few bytes past it, and the
    // ends (each cut costs a RocksDB open, so not literally every offset).
    std::vector<uint64_t> cuts{0, 1, 7, wal_size - 1, wal_size};
    for (uint64_t i = 1; i < 20; ++i) {
        const uint64_t c = wal_size * i / 20;
        for (uint64_t d : {0, 5}) cuts.push_back(c + d);
    }
    std::sort(cuts.begin(), cuts.end());
    std::optional<uint64_t> last_head;
    uint64_t distinct_heads = 0;
    for (uint64_t cut : cuts) {
        SCOPED_TRACE("WAL cut at " + std::to_string(cut) + " of " + std::to_string(wal_size));
        const fs::path copy = tmp.Sub("cut");
        fs::remove_all(copy);
        fs::copy(db, copy, fs::copy_options::recursive);
        fs::resize_file(copy / wal.filename(), cut);

        auto kv = RocksKvStore::Open(copy.string());
        ASSERT_TRUE(kv.ok()) << kv.error().message;
        // The schema key is the first batch: with it cut, the store is empty.
        auto store = BlockStore::Open(**kv);
        ASSERT_TRUE(store.ok()) << store.error().message;
        auto head = (*store)->GetHead();
        if (!head) {
            EXPECT_FALSE(last_head.has_value()) << "a longer WAL lost the whole chain";
            testing::ExpectBlockAbsent(**store, gen, 0);
            continue;
        }
        ASSERT_LE(head->height, kBlocks);
        if (last_head) {
            ASSERT_GE(head->height, *last_head) << "a longer WAL recovered fewer blocks";
        }
        if (!last_head || head->height != *last_head) ++distinct_heads;
        last_head = head->height;
        testing::ExpectConsistentAt(**store, StateStore(**kv), gen, head->height, 3);
        if (::testing::Test::HasFailure()) return;
    }
    EXPECT_EQ(last_head, kBlocks) << "the untouched WAL must recover every block";
    EXPECT_GE(distinct_heads, kBlocks / 2) << "cuts should land inside many different blocks";
}

}  // namespace
}  // namespace iost::storage
