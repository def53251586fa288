// The state cache as the node wires it (node::AttachStateCache): a
// CachedState over RocksDB's state table in a temp dir, written through by
// BlockStore's commits. Blocks of transfers (one failing per block) run over
// the cache; after each commit, and after a restart of the store, every state
// key reads the same through the cache as from RocksDB directly and as in an
// in-memory model. Negative control: without the attachment the cache goes
// stale after the first commit.
#include <gtest/gtest.h>
#include <ledger/auth.h>
#include <ledger/ledger.h>
#include <ledger/state_cache.h>
#include <node/app_state.h>
#include <storage/block_store.h>
#include <storage/rocks_kv_store.h>
#include <storage/state_store.h>

#include <memory>
#include <string>
#include <vector>

#include "node_test_util.h"

namespace iost::node {
namespace {

using testing::kT0;
using testing::TempDir;
using testing::TestGenesis;
using testing::Transfer;

storage::FinalizedBlockRecord Record(uint64_t height, const ledger::WriteSet& writes,
                                     const crypto::Hash256& root) {
    storage::FinalizedBlockRecord r;
    r.height = height;
    r.hash.fill(0);
    r.hash[0] = static_cast<uint8_t>(height + 1);
    r.prev_hash.fill(0);
    r.prev_hash[0] = static_cast<uint8_t>(height);
    r.encoded_block = util::Bytes{1, 2, 3};
    if (height > 0) r.encoded_certificate = util::Bytes{4};
    std::copy(root.begin(), root.end(), r.state_root.begin());
    for (const auto& [k, v] : writes) {
        storage::StateWrite w;
        w.key = util::Bytes(k.begin(), k.end());
        if (v) w.value = util::Bytes(v->begin(), v->end());
        r.state_writes.push_back(std::move(w));
    }
    return r;
}

struct Store {
    explicit Store(const std::string& dir, bool attach, size_t budget = 4 << 20) {
        auto kv_r = storage::RocksKvStore::Open(dir);
        EXPECT_TRUE(kv_r.ok()) << kv_r.error().message;
        kv = std::move(*kv_r);
        auto bs = storage::BlockStore::Open(*kv);
        EXPECT_TRUE(bs.ok()) << bs.error().message;
        blocks = std::move(*bs);
        state = std::make_unique<storage::StateStore>(*kv);
        disk = std::make_unique<StoreStateReader>(*state);
        cache = std::make_unique<ledger::CachedState>(*disk, budget);
        if (attach) AttachStateCache(*blocks, *cache);
    }
    ~Store() {
        cache.reset();
        blocks.reset();
        if (kv) (void)kv->Close();
    }
    std::unique_ptr<storage::RocksKvStore> kv;
    std::unique_ptr<storage::BlockStore> blocks;
    std::unique_ptr<storage::StateStore> state;
    std::unique_ptr<StoreStateReader> disk;
    std::unique_ptr<ledger::CachedState> cache;
};

// Every key of the model reads the same through the cache and from disk.
void ExpectCoherent(const Store& s, const ledger::MemState& model) {
    size_t n = 0;
    for (const auto& [k, v] : model.entries()) {
        ASSERT_EQ(s.cache->Get(k), v) << k;
        ASSERT_EQ(s.disk->Get(k), v) << k;
        ++n;
    }
    EXPECT_GT(n, 50u);
}

// Runs `blocks` blocks of transfers over the store's cache, committing each
// through the BlockStore and into `model`.
void RunBlocks(Store& s, ledger::MemState& model, const ledger::Ledger& ledger, uint64_t& height,
               int blocks) {
    for (int b = 0; b < blocks; ++b) {
        ++height;
        const int64_t t = kT0 + static_cast<int64_t>(height) * 1'000'000'000;
        ledger::BlockExecutor ex(ledger, *s.cache, {t, height, "node0"});
        for (int i = 0; i < 6; ++i) {
            const bool a = i % 2 == 0;
            auto o = ex.ApplyTx(Transfer(a ? "alice" : "bobby", a ? "bobby" : "alice",
                                         std::to_string(i + 1), t - 1 - i));
            ASSERT_TRUE(o.receipt.ok()) << o.receipt.status.message;
        }
        // A failed transfer: its writes (but the gas) must not reach anything.
        auto bad = ex.ApplyTx(Transfer("alice", "bobby", "99999999", t - 50));
        ASSERT_FALSE(bad.receipt.ok());
        ledger::BlockResult r = ex.Finish();
        ASSERT_TRUE(s.blocks->CommitFinalized(Record(height, r.writes, r.state_root)).ok());
        model.Apply(r.writes);
    }
}

TEST(StateCacheStore, WriteThroughKeepsTheCacheEqualToDiskAcrossCommitsAndRestart) {
    TempDir dir;
    const core::Genesis g = TestGenesis(2);
    const ledger::Ledger ledger(ledger::LedgerOptions{g.chain_id});
    auto gs = ledger::BuildGenesisState(g);
    ASSERT_TRUE(gs.ok());
    ledger::MemState model;
    uint64_t height = 0;
    int64_t alice_before_restart = 0;
    {
        Store s(dir.str(), /*attach=*/true);
        ASSERT_TRUE(s.blocks->InitGenesis(Record(0, gs->writes, gs->state_root)).ok());
        model.Apply(gs->writes);
        ExpectCoherent(s, model);  // also warms the cache with every key
        RunBlocks(s, model, ledger, height, 5);
        ExpectCoherent(s, model);
        EXPECT_GT(s.cache->stats().hits, 0u);
        alice_before_restart = ledger::BalanceOf(*s.cache, "iost", "alice");
        // An aborted block (executed, never committed) changes nothing.
        ledger::BlockExecutor ex(ledger, *s.cache, {kT0 + 100'000'000'000, height + 1, "node0"});
        ASSERT_TRUE(ex.ApplyTx(Transfer("alice", "bobby", "3", kT0 + 99'000'000'000)).receipt.ok());
        (void)ex.Finish();
        ExpectCoherent(s, model);
    }
    // Restart: a new process starts with an empty cache over the same disk.
    Store s(dir.str(), /*attach=*/true);
    EXPECT_EQ(s.cache->stats().entries, 0u);
    EXPECT_EQ(ledger::BalanceOf(*s.cache, "iost", "alice"), alice_before_restart);
    ExpectCoherent(s, model);
    RunBlocks(s, model, ledger, height, 3);
    ExpectCoherent(s, model);
    EXPECT_EQ(ledger::StateRootOf(*s.cache), ledger::StateRootOf(model));
}

// Negative control: the same run with the cache not attached to the store's
// commits reads stale balances.
TEST(StateCacheStore, UnattachedCacheGoesStale) {
    TempDir dir;
    const core::Genesis g = TestGenesis(2);
    const ledger::Ledger ledger(ledger::LedgerOptions{g.chain_id});
    auto gs = ledger::BuildGenesisState(g);
    ASSERT_TRUE(gs.ok());
    ledger::MemState model;
    Store s(dir.str(), /*attach=*/false);
    ASSERT_TRUE(s.blocks->InitGenesis(Record(0, gs->writes, gs->state_root)).ok());
    model.Apply(gs->writes);
    const int64_t alice = ledger::BalanceOf(*s.cache, "iost", "alice");  // cached
    uint64_t height = 0;
    RunBlocks(s, model, ledger, height, 1);
    EXPECT_NE(ledger::BalanceOf(model, "iost", "alice"), alice);
    EXPECT_EQ(ledger::BalanceOf(*s.disk, "iost", "alice"),
              ledger::BalanceOf(model, "iost", "alice"));
    EXPECT_EQ(ledger::BalanceOf(*s.cache, "iost", "alice"), alice);  // stale
}

}  // namespace
}  // namespace iost::node
