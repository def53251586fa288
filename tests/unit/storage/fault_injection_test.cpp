// Power loss and I/O errors under the block store (docs/reliability.md #11):
// dropping unsynced writes leaves the last synced block, never part of one;
// a failed write is surfaced, leaves nothing partial, and stops further
// commits until restart.
#include <gtest/gtest.h>
#include <storage/block_store.h>
#include <storage/fault_injection.h>
#include <storage/safety_store.h>
#include <storage/state_store.h>

#include <random>

#include "store_env.h"

namespace iost::storage {
namespace {

using FaultKind = FaultInjectingKvStore::FaultKind;
using testing::B;
using testing::ChainGen;
using util::Bytes;

bool Contains(const std::string& s, const std::string& needle) {
    return s.find(needle) != std::string::npos;
}

// ---- the fault store itself ----

TEST(FaultInjectingKvStore, DropsOnlyUnsyncedBatchesNewestFirst) {
    MemKvStore base;
    FaultInjectingKvStore kv(base);
    auto put = [&](const char* k, const char* v, Sync sync) {
        WriteBatch b;
        b.Put(B(k), B(v));
        ASSERT_TRUE(kv.Write(b, sync).ok());
    };
    put("a", "1", Sync::kYes);
    put("a", "2", Sync::kNo);
    put("b", "1", Sync::kNo);
    WriteBatch del;
    del.Delete(B("a"));
    del.Put(B("c"), B("1"));
    del.Put(B("c"), B("2"));
    ASSERT_TRUE(kv.Write(del, Sync::kNo).ok());
    EXPECT_EQ(kv.UnsyncedBatches(), 3u);
    // Visible before the power loss, like the page cache.
    EXPECT_FALSE(kv.Get(B("a"))->has_value());
    EXPECT_EQ(*kv.Get(B("c")), B("2"));

    ASSERT_TRUE(kv.DropUnsyncedWrites(/*keep=*/1).ok());
    EXPECT_EQ(*kv.Get(B("a")), B("2"));
    EXPECT_FALSE(kv.Get(B("b"))->has_value());
    EXPECT_FALSE(kv.Get(B("c"))->has_value());
    EXPECT_EQ(kv.UnsyncedBatches(), 0u);
    // What was kept is now durable: a second power loss keeps it.
    ASSERT_TRUE(kv.DropUnsyncedWrites().ok());
    EXPECT_EQ(*kv.Get(B("a")), B("2"));
}

TEST(FaultInjectingKvStore, SyncedWriteAndFlushMakeEarlierWritesDurable) {
    MemKvStore base;
    FaultInjectingKvStore kv(base);
    WriteBatch b1, b2, b3;
    b1.Put(B("x"), B("1"));
    b2.Put(B("y"), B("1"));
    b3.Put(B("z"), B("1"));
    ASSERT_TRUE(kv.Write(b1, Sync::kNo).ok());
    ASSERT_TRUE(kv.Write(b2, Sync::kYes).ok());
    ASSERT_TRUE(kv.Write(b3, Sync::kNo).ok());
    ASSERT_TRUE(kv.Flush().ok());
    ASSERT_TRUE(kv.DropUnsyncedWrites().ok());
    EXPECT_TRUE(kv.Get(B("x"))->has_value());
    EXPECT_TRUE(kv.Get(B("y"))->has_value());
    EXPECT_TRUE(kv.Get(B("z"))->has_value());
}

TEST(FaultInjectingKvStore, FailedWriteAppliesNothingAndPoisonsUntilRestart) {
    MemKvStore base;
    FaultInjectingKvStore kv(base);
    kv.FailNthWrite(2, FaultKind::kBeforeApply);
    WriteBatch b;
    b.Put(B("k1"), B("v"));
    ASSERT_TRUE(kv.Write(b, Sync::kYes).ok());
    WriteBatch b2;
    b2.Put(B("k2"), B("v"));
    b2.Put(B("k3"), B("v"));
    auto s = kv.Write(b2, Sync::kYes);
    ASSERT_FALSE(s.ok());
    EXPECT_TRUE(Contains(s.error().message, "injected I/O error on write #2")) << s.error().message;
    EXPECT_FALSE(kv.Get(B("k2"))->has_value());
    EXPECT_FALSE(kv.Get(B("k3"))->has_value());
    EXPECT_TRUE(kv.Failed());
    EXPECT_FALSE(kv.Write(b2, Sync::kYes).ok()) << "no silent retry after an I/O error";
    EXPECT_FALSE(kv.Flush().ok());
    ASSERT_TRUE(kv.DropUnsyncedWrites().ok());
    EXPECT_TRUE(kv.Write(b2, Sync::kYes).ok());
}

TEST(FaultInjectingKvStore, FailedSyncLeavesDurabilityUnknown) {
    MemKvStore base;
    FaultInjectingKvStore kv(base);
    kv.FailNthWrite(1, FaultKind::kSyncFails);
    WriteBatch b;
    b.Put(B("k"), B("v"));
    auto s = kv.Write(b, Sync::kYes);
    ASSERT_FALSE(s.ok());
    EXPECT_TRUE(Contains(s.error().message, "fsync")) << s.error().message;
    // Applied in memory but not durable: power loss takes it away.
    EXPECT_TRUE(kv.Get(B("k"))->has_value());
    ASSERT_TRUE(kv.DropUnsyncedWrites().ok());
    EXPECT_FALSE(kv.Get(B("k"))->has_value());
}

TEST(FaultInjectingKvStore, ReadErrorsAreSurfaced) {
    MemKvStore base;
    FaultInjectingKvStore kv(base);
    kv.FailReads(true);
    EXPECT_FALSE(kv.Get(B("k")).ok());
    EXPECT_FALSE(kv.Scan({}, [](util::ByteView, util::ByteView) { return true; }).ok());
    auto store = BlockStore::Open(kv);
    ASSERT_FALSE(store.ok());
    EXPECT_TRUE(Contains(store.error().message, "injected I/O error")) << store.error().message;
    kv.FailReads(false);
    EXPECT_TRUE(BlockStore::Open(kv).ok());
}

// ---- the block store over a faulty disk, with both base stores ----

template <typename Env>
class BlockStoreFaultTest : public ::testing::Test {
  protected:
    Env env;
    std::unique_ptr<FaultInjectingKvStore> fault =
        std::make_unique<FaultInjectingKvStore>(env.kv());
    ChainGen gen;
    std::unique_ptr<BlockStore> store;

    void Open(Sync sync = Sync::kYes) {
        store.reset();
        auto r = BlockStore::Open(*fault, BlockStoreOptions{sync, true});
        ASSERT_TRUE(r.ok()) << r.error().message;
        store = std::move(*r);
    }
    // Power loss keeping `keep` unsynced batches, then a restart of the
    // process (and, for RocksDB, of the database itself).
    void PowerLossAndRestart(size_t keep = 0, Sync sync = Sync::kYes) {
        store.reset();
        auto s = fault->DropUnsyncedWrites(keep);
        ASSERT_TRUE(s.ok()) << s.error().message;
        fault.reset();
        env.Reopen();
        fault = std::make_unique<FaultInjectingKvStore>(env.kv());
        Open(sync);
    }
    void Commit(uint64_t h) {
        auto s = h == 0 ? store->InitGenesis(gen.Record(0)) : store->CommitFinalized(gen.Record(h));
        ASSERT_TRUE(s.ok()) << s.error().message;
    }
    void Check(uint64_t h) { testing::ExpectConsistentAt(*store, StateStore(*fault), gen, h, 4); }
};

using Envs = ::testing::Types<testing::MemEnv, testing::RocksEnv>;
TYPED_TEST_SUITE(BlockStoreFaultTest, Envs);

TYPED_TEST(BlockStoreFaultTest, PowerLossDropsUnsyncedBlocksWhole) {
    this->Open(Sync::kYes);
    for (uint64_t h = 0; h <= 3; ++h) this->Commit(h);
    this->Open(Sync::kNo);
    for (uint64_t h = 4; h <= 6; ++h) this->Commit(h);
    EXPECT_EQ(this->fault->UnsyncedBatches(), 3u);
    this->PowerLossAndRestart(0);
    this->Check(3);
    // The chain continues from the surviving head.
    for (uint64_t h = 4; h <= 5; ++h) this->Commit(h);
    this->Check(5);
}

TYPED_TEST(BlockStoreFaultTest, PowerLossMayKeepAPrefixOfUnsyncedBlocks) {
    this->Open(Sync::kYes);
    for (uint64_t h = 0; h <= 2; ++h) this->Commit(h);
    this->Open(Sync::kNo);
    for (uint64_t h = 3; h <= 7; ++h) this->Commit(h);
    this->PowerLossAndRestart(/*keep=*/2);
    this->Check(4);
}

TYPED_TEST(BlockStoreFaultTest, FailedCommitIsSurfacedAndLeavesNothingPartial) {
    this->Open();
    for (uint64_t h = 0; h <= 3; ++h) this->Commit(h);
    this->fault->FailNthWrite(1, FaultKind::kBeforeApply);
    auto s = this->store->CommitFinalized(this->gen.Record(4));
    ASSERT_FALSE(s.ok());
    EXPECT_TRUE(Contains(s.error().message, "commit of block 4 failed")) << s.error().message;
    EXPECT_TRUE(Contains(s.error().message, "must stop and restart")) << s.error().message;
    EXPECT_TRUE(this->store->Failed());
    EXPECT_EQ(this->store->GetHead()->height, 3u);
    testing::ExpectBlockAbsent(*this->store, this->gen, 4);
    // No commit on top of an unknown state, even if the disk recovered.
    auto again = this->store->CommitFinalized(this->gen.Record(4));
    ASSERT_FALSE(again.ok());
    EXPECT_TRUE(Contains(again.error().message, "earlier commit failed")) << again.error().message;
    EXPECT_FALSE(this->store->StoreMicroBlock(this->gen.Record(4).micro_blocks.front()).ok());
    this->PowerLossAndRestart();
    this->Check(3);
    this->Commit(4);
    this->Check(4);
}

TYPED_TEST(BlockStoreFaultTest, FailedFsyncEitherOutcomeIsABlockBoundary) {
    this->Open();
    for (uint64_t h = 0; h <= 2; ++h) this->Commit(h);
    this->fault->FailNthWrite(1, FaultKind::kSyncFails);
    auto s = this->store->CommitFinalized(this->gen.Record(3));
    ASSERT_FALSE(s.ok());
    EXPECT_TRUE(Contains(s.error().message, "fsync")) << s.error().message;
    EXPECT_TRUE(this->store->Failed());
    // Outcome 1: the data did not reach the disk.
    this->PowerLossAndRestart(0);
    this->Check(2);
    // Outcome 2: it did (keep the unsynced batch).
    this->fault->FailNthWrite(1, FaultKind::kSyncFails);
    ASSERT_FALSE(this->store->CommitFinalized(this->gen.Record(3)).ok());
    this->PowerLossAndRestart(1);
    this->Check(3);
}

TYPED_TEST(BlockStoreFaultTest, FailedSafetySaveIsSurfaced) {
    this->Open();
    auto safety = SafetyStore::Open(*this->fault);
    ASSERT_TRUE(safety.ok());
    ASSERT_TRUE((*safety)->Save(B("v"), B("h=1")).ok());
    this->fault->FailNthWrite(1, FaultKind::kSyncFails);
    auto s = (*safety)->Save(B("v"), B("h=2"));
    ASSERT_FALSE(s.ok());
    EXPECT_TRUE(Contains(s.error().message, "vote must not be sent")) << s.error().message;
    this->PowerLossAndRestart();
    auto again = SafetyStore::Open(*this->fault);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(*(*again)->Load(B("v")), B("h=1"));
}

// Random interleavings of synced and unsynced commits, injected write and
// fsync failures, and power losses keeping a random prefix: after every
// restart the store must sit exactly on a block boundary at or above the last
// block acknowledged with sync, and equal the recomputed chain.
TYPED_TEST(BlockStoreFaultTest, RandomFaultScheduleAlwaysLandsOnABlockBoundary) {
    const uint64_t seed = 20261124;
    std::mt19937_64 rng(seed);
    this->Open();
    this->Commit(0);
    uint64_t durable = 0;  // highest block acknowledged with sync
    uint64_t applied = 0;  // highest block acknowledged at all
    Sync mode = Sync::kYes;
    for (int step = 0; step < 150; ++step) {
        SCOPED_TRACE("seed " + std::to_string(seed) + " step " + std::to_string(step));
        const uint64_t r = rng() % 100;
        if (r < 8) {
            const size_t unsynced = this->fault->UnsyncedBatches();
            const size_t keep = unsynced ? rng() % (unsynced + 1) : 0;
            mode = rng() % 2 ? Sync::kYes : Sync::kNo;
            this->PowerLossAndRestart(keep, mode);
            const uint64_t head = this->store->GetHead()->height;
            ASSERT_GE(head, durable);
            ASSERT_LE(head, applied + 1) << "at most a block whose sync failed may survive";
            durable = applied = head;
            this->Check(head);
        } else if (r < 14 && !this->fault->Failed()) {
            this->fault->FailNthWrite(1,
                                      rng() % 2 ? FaultKind::kBeforeApply : FaultKind::kSyncFails);
            ASSERT_FALSE(this->store->CommitFinalized(this->gen.Record(applied + 1)).ok());
        } else if (!this->store->Failed()) {
            this->Commit(applied + 1);
            ++applied;
            if (mode == Sync::kYes) durable = applied;
        }
    }
}

}  // namespace
}  // namespace iost::storage
