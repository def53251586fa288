// BlockStore, StateStore and SafetyStore against the in-memory store and
// RocksDB: commit and read back every index, refuse bad records without
// changing anything, keep everything across reopen, refuse unknown schema
// versions and corrupt heads with clear messages.
#include <gtest/gtest.h>
#include <storage/block_store.h>
#include <storage/safety_store.h>
#include <storage/schema.h>
#include <storage/state_store.h>

#include "store_env.h"

namespace iost::storage {
namespace {

using testing::B;
using testing::ChainGen;
using util::Bytes;

bool Contains(const std::string& s, const std::string& needle) {
    return s.find(needle) != std::string::npos;
}

template <typename Env>
class BlockStoreTest : public ::testing::Test {
  protected:
    Env env;
    ChainGen gen;
    std::unique_ptr<BlockStore> store;

    void SetUp() override { OpenStore(); }
    void OpenStore() {
        store.reset();
        auto r = BlockStore::Open(env.kv());
        ASSERT_TRUE(r.ok()) << r.error().message;
        store = std::move(*r);
    }
    void Reopen() {
        store.reset();
        env.Reopen();
        OpenStore();
    }
    StateStore State() { return StateStore(env.kv()); }
    void CommitUpTo(uint64_t h) {
        uint64_t next = store->GetHead() ? store->GetHead()->height + 1 : 0;
        for (; next <= h; ++next) {
            auto s = next == 0 ? store->InitGenesis(gen.Record(0))
                               : store->CommitFinalized(gen.Record(next));
            ASSERT_TRUE(s.ok()) << s.error().message;
        }
    }
    // Commits `bad` expecting an error containing `why`, then checks the
    // store is unchanged at head `h`.
    void ExpectRefused(const FinalizedBlockRecord& bad, const std::string& why, uint64_t h) {
        auto s = bad.height == 0 && !store->GetHead() ? store->InitGenesis(bad)
                                                      : store->CommitFinalized(bad);
        ASSERT_FALSE(s.ok()) << "expected refusal: " << why;
        EXPECT_TRUE(Contains(s.error().message, why)) << s.error().message;
        EXPECT_FALSE(store->Failed()) << "a refused record is not a storage failure";
        testing::ExpectConsistentAt(*store, State(), gen, h, 2);
    }
};

using Envs = ::testing::Types<testing::MemEnv, testing::RocksEnv>;
TYPED_TEST_SUITE(BlockStoreTest, Envs);

TYPED_TEST(BlockStoreTest, FreshStoreHasNoHeadAndNeedsGenesis) {
    EXPECT_FALSE(this->store->GetHead().has_value());
    auto s = this->store->CommitFinalized(this->gen.Record(1));
    ASSERT_FALSE(s.ok());
    EXPECT_TRUE(Contains(s.error().message, "no genesis")) << s.error().message;
    auto g = this->gen.Record(0);
    g.height = 5;
    auto s2 = this->store->InitGenesis(g);
    ASSERT_FALSE(s2.ok());
    EXPECT_TRUE(Contains(s2.error().message, "height 0")) << s2.error().message;
}

TYPED_TEST(BlockStoreTest, CommitAndReadEveryIndex) {
    this->CommitUpTo(12);
    testing::ExpectConsistentAt(*this->store, this->State(), this->gen, 12);
    auto by_hash = this->store->GetBlockByHash(this->gen.BlockHash(7));
    ASSERT_TRUE(by_hash.ok() && by_hash->has_value());
    EXPECT_EQ(**by_hash, this->gen.Block(7));
    auto unknown = this->store->GetBlockByHash(testing::MakeHash(99, 99));
    ASSERT_TRUE(unknown.ok());
    EXPECT_FALSE(unknown->has_value());
    auto g = this->store->GetCertificate(0);
    ASSERT_TRUE(g.ok() && g->has_value());
    EXPECT_TRUE((*g)->empty()) << "genesis has no certificate";
}

TYPED_TEST(BlockStoreTest, ReopenKeepsEverything) {
    this->CommitUpTo(9);
    this->Reopen();
    testing::ExpectConsistentAt(*this->store, this->State(), this->gen, 9);
    this->CommitUpTo(15);
    this->Reopen();
    testing::ExpectConsistentAt(*this->store, this->State(), this->gen, 15);
}

TYPED_TEST(BlockStoreTest, StateScanAndDeletes) {
    this->CommitUpTo(0);
    auto state = this->State();
    size_t n = 0;
    Bytes last;
    ASSERT_TRUE(state
                    .Scan(B("acct/"),
                          [&](util::ByteView k, util::ByteView) {
                              Bytes key(k.begin(), k.end());
                              EXPECT_LT(last, key);
                              EXPECT_EQ(std::string(key.begin(), key.begin() + 5), "acct/");
                              last = key;
                              ++n;
                              return true;
                          })
                    .ok());
    EXPECT_EQ(n, this->gen.options().accounts);
    // A block that deletes one account and sets another.
    auto r = this->gen.Record(1);
    r.state_writes = {{ChainGen::AccountKey(3), std::nullopt}, {ChainGen::AccountKey(4), B("42")}};
    ASSERT_TRUE(this->store->CommitFinalized(r).ok());
    auto gone = state.Get(ChainGen::AccountKey(3));
    ASSERT_TRUE(gone.ok());
    EXPECT_FALSE(gone->has_value());
    EXPECT_EQ(*state.Get(ChainGen::AccountKey(4)), B("42"));
    std::vector<Bytes> from;
    ASSERT_TRUE(state
                    .ScanFrom(B("acct/"), ChainGen::AccountKey(60),
                              [&](util::ByteView k, util::ByteView) {
                                  from.emplace_back(k.begin(), k.end());
                                  return true;
                              })
                    .ok());
    ASSERT_EQ(from.size(), 4u);
    EXPECT_EQ(from.front(), ChainGen::AccountKey(60));
}

TYPED_TEST(BlockStoreTest, RefusesOutOfOrderAndForeignBlocks) {
    this->CommitUpTo(3);
    this->ExpectRefused(this->gen.Record(5), "blocks must be committed in order", 3);
    this->ExpectRefused(this->gen.Record(3), "blocks must be committed in order", 3);
    auto wrong_prev = this->gen.Record(4);
    wrong_prev.prev_hash = testing::MakeHash(1, 2, 3);
    this->ExpectRefused(wrong_prev, "is not the head's hash", 3);
    // InitGenesis on a store with a head is refused too.
    auto s = this->store->InitGenesis(this->gen.Record(0));
    ASSERT_FALSE(s.ok());
    EXPECT_TRUE(Contains(s.error().message, "genesis already committed"));
    auto same_hash = this->gen.Record(4);
    same_hash.hash = this->gen.BlockHash(2);
    this->ExpectRefused(same_hash, "already stored at height 2", 3);
}

TYPED_TEST(BlockStoreTest, RefusesMalformedRecords) {
    this->CommitUpTo(2);
    auto base = this->gen.Record(3);
    {
        auto r = base;
        r.encoded_certificate.clear();
        this->ExpectRefused(r, "without a certificate", 2);
    }
    {
        auto r = base;
        r.encoded_block.clear();
        this->ExpectRefused(r, "empty encoded block", 2);
    }
    {
        auto r = base;
        r.txs.push_back(r.txs.front());
        this->ExpectRefused(r, "transaction is listed twice", 2);
    }
    {
        auto r = base;
        r.txs.push_back({this->gen.TxHash(1, 0), B("replayed")});
        this->ExpectRefused(r, "is already in block 1", 2);
    }
    {
        auto r = base;
        r.micro_blocks.push_back(this->gen.Record(2).micro_blocks.front());
        this->ExpectRefused(r, "already finalized at height 2", 2);
    }
    {
        auto r = base;
        r.micro_blocks.push_back(r.micro_blocks.front());
        this->ExpectRefused(r, "listed twice", 2);
    }
    {
        auto r = base;
        auto m = r.micro_blocks.front();
        m.hash = testing::MakeHash(5, 5, 5);
        r.micro_blocks.push_back(m);
        this->ExpectRefused(r, "same producer and seq", 2);
    }
    {
        auto r = base;
        r.micro_blocks.front().producer = Bytes(256, 'p');
        this->ExpectRefused(r, "producer id must be 1..255 bytes, got 256", 2);
    }
    {
        auto r = base;
        r.micro_blocks.front().producer.clear();
        this->ExpectRefused(r, "producer id must be", 2);
    }
    {
        auto r = base;
        r.micro_blocks.front().encoded.clear();
        this->ExpectRefused(r, "empty encoded micro-block", 2);
    }
    {
        auto r = base;
        r.state_writes.push_back({Bytes{}, B("x")});
        this->ExpectRefused(r, "state key must be 1..4096 bytes, got 0", 2);
    }
    {
        auto r = base;
        r.state_writes.push_back({Bytes(kMaxStateKeyBytes + 1, 'k'), B("x")});
        this->ExpectRefused(r, "got 4097", 2);
    }
    {
        auto r = base;
        r.state_writes.push_back({r.state_writes.front().key, std::nullopt});
        this->ExpectRefused(r, "names a key twice", 2);
    }
    // The well-formed record still commits afterwards.
    ASSERT_TRUE(this->store->CommitFinalized(base).ok());
    testing::ExpectConsistentAt(*this->store, this->State(), this->gen, 3);
}

TYPED_TEST(BlockStoreTest, DuplicateCheckCanBeDisabledForTrustedCallers) {
    this->CommitUpTo(1);
    this->store.reset();
    auto opened = BlockStore::Open(this->env.kv(), BlockStoreOptions{Sync::kYes, false});
    ASSERT_TRUE(opened.ok());
    auto r = this->gen.Record(2);
    r.txs.push_back({this->gen.TxHash(1, 0), B("replayed")});
    EXPECT_TRUE((*opened)->CommitFinalized(r).ok());
}

TYPED_TEST(BlockStoreTest, MicroBlockStoredBeforeFinality) {
    this->CommitUpTo(1);
    MicroBlockRecord m{B("producer9"), 77, testing::MakeHash(7, 7), B("pending micro")};
    ASSERT_TRUE(this->store->StoreMicroBlock(m, Sync::kYes).ok());
    EXPECT_EQ(**this->store->GetMicroBlock(m.hash), m.encoded);
    EXPECT_EQ(**this->store->GetMicroBlockHash(m.producer, 77), m.hash);
    EXPECT_FALSE(this->store->GetMicroBlockFinalHeight(m.hash)->has_value());
    auto r = this->gen.Record(2);
    r.micro_blocks.push_back(m);
    ASSERT_TRUE(this->store->CommitFinalized(r).ok());
    EXPECT_EQ(**this->store->GetMicroBlockFinalHeight(m.hash), 2u);
    MicroBlockRecord bad = m;
    bad.producer.clear();
    EXPECT_FALSE(this->store->StoreMicroBlock(bad).ok());
    EXPECT_FALSE(this->store->GetMicroBlockHash(Bytes{}, 1).ok());
}

TYPED_TEST(BlockStoreTest, RefusesUnknownSchemaVersion) {
    this->CommitUpTo(1);
    this->store.reset();
    WriteBatch b;
    Bytes v;
    AppendU32(v, kSchemaVersion + 98);
    b.Put(SchemaKey(), v);
    ASSERT_TRUE(this->env.kv().Write(b, Sync::kYes).ok());
    this->env.Reopen();
    auto r = BlockStore::Open(this->env.kv());
    ASSERT_FALSE(r.ok());
    EXPECT_TRUE(
        Contains(r.error().message, "schema version " + std::to_string(kSchemaVersion + 98)))
        << r.error().message;
    EXPECT_TRUE(Contains(r.error().message, "refusing to open")) << r.error().message;
    EXPECT_FALSE(SafetyStore::Open(this->env.kv()).ok());
    // A truncated version value is corruption, also refused.
    WriteBatch t;
    t.Put(SchemaKey(), Bytes{0, 1});
    ASSERT_TRUE(this->env.kv().Write(t, Sync::kYes).ok());
    auto r2 = BlockStore::Open(this->env.kv());
    ASSERT_FALSE(r2.ok());
    EXPECT_TRUE(Contains(r2.error().message, "expected 4 bytes, found 2")) << r2.error().message;
}

// A data dir of the previous schema (version 2: committees elected with the
// last block's hash as seed; version 1: accounts as JSON) is refused
// with the reason and the way out, not misread (docs/node.md "Upgrading a
// data dir").
TYPED_TEST(BlockStoreTest, RefusesOlderSchemaVersionSayingHowToUpgrade) {
    static_assert(kSchemaVersion >= 3, "version 2 is the last-block-hash seed's schema");
    this->CommitUpTo(1);
    this->store.reset();
    WriteBatch b;
    Bytes v;
    AppendU32(v, kSchemaVersion - 1);
    b.Put(SchemaKey(), v);
    ASSERT_TRUE(this->env.kv().Write(b, Sync::kYes).ok());
    this->env.Reopen();
    auto r = BlockStore::Open(this->env.kv());
    ASSERT_FALSE(r.ok());
    const std::string& m = r.error().message;
    EXPECT_TRUE(Contains(
        m, "schema version " + std::to_string(kSchemaVersion - 1) + " (written by an older build)"))
        << m;
    EXPECT_TRUE(Contains(m, "reads only version " + std::to_string(kSchemaVersion))) << m;
    EXPECT_TRUE(Contains(m, "resync")) << m;
    EXPECT_TRUE(Contains(m, "epoch seed")) << m;
    EXPECT_TRUE(Contains(m, "docs/node.md")) << m;
    EXPECT_FALSE(SafetyStore::Open(this->env.kv()).ok());
    // Negative control: the same store with the current version opens.
    WriteBatch ok;
    Bytes cur;
    AppendU32(cur, kSchemaVersion);
    ok.Put(SchemaKey(), cur);
    ASSERT_TRUE(this->env.kv().Write(ok, Sync::kYes).ok());
    EXPECT_TRUE(BlockStore::Open(this->env.kv()).ok());
}

TYPED_TEST(BlockStoreTest, RefusesNonEmptyStoreWithoutSchema) {
    this->store.reset();
    WriteBatch b;
    b.Delete(SchemaKey());
    b.Put(B("some foreign key"), B("v"));
    ASSERT_TRUE(this->env.kv().Write(b, Sync::kYes).ok());
    auto r = BlockStore::Open(this->env.kv());
    ASSERT_FALSE(r.ok());
    EXPECT_TRUE(Contains(r.error().message, "no schema version")) << r.error().message;
}

TYPED_TEST(BlockStoreTest, DetectsMissingHeadBlockOnOpen) {
    this->CommitUpTo(4);
    this->store.reset();
    WriteBatch b;
    b.Delete(HeightKey(table::kBlock, 4));
    ASSERT_TRUE(this->env.kv().Write(b, Sync::kYes).ok());
    this->env.Reopen();
    auto r = BlockStore::Open(this->env.kv());
    ASSERT_FALSE(r.ok());
    EXPECT_TRUE(Contains(r.error().message, "corrupt")) << r.error().message;
    EXPECT_TRUE(Contains(r.error().message, "head names block 4")) << r.error().message;
}

TYPED_TEST(BlockStoreTest, DetectsBlockAboveHeadAndBadHeadOnOpen) {
    this->CommitUpTo(4);
    this->store.reset();
    WriteBatch above;
    above.Put(HeightKey(table::kBlock, 5), B("stray"));
    ASSERT_TRUE(this->env.kv().Write(above, Sync::kYes).ok());
    auto r = BlockStore::Open(this->env.kv());
    ASSERT_FALSE(r.ok());
    EXPECT_TRUE(Contains(r.error().message, "above the head")) << r.error().message;

    WriteBatch bad_head;
    bad_head.Delete(HeightKey(table::kBlock, 5));
    bad_head.Put(HeadKey(), B("short"));
    ASSERT_TRUE(this->env.kv().Write(bad_head, Sync::kYes).ok());
    auto r2 = BlockStore::Open(this->env.kv());
    ASSERT_FALSE(r2.ok());
    EXPECT_TRUE(Contains(r2.error().message, "corrupt head pointer")) << r2.error().message;

    WriteBatch no_head;
    no_head.Delete(HeadKey());
    ASSERT_TRUE(this->env.kv().Write(no_head, Sync::kYes).ok());
    auto r3 = BlockStore::Open(this->env.kv());
    ASSERT_FALSE(r3.ok());
    EXPECT_TRUE(Contains(r3.error().message, "no head pointer")) << r3.error().message;
}

TYPED_TEST(BlockStoreTest, CorruptIndexValueIsAnErrorNotGarbage) {
    this->CommitUpTo(1);
    const Hash32 tx = this->gen.TxHash(1, 0);
    WriteBatch b;
    b.Put(HashKey(table::kTxLocation, tx), Bytes{1, 2, 3});
    ASSERT_TRUE(this->env.kv().Write(b, Sync::kYes).ok());
    auto loc = this->store->GetTxLocation(tx);
    ASSERT_FALSE(loc.ok());
    EXPECT_TRUE(Contains(loc.error().message, "corrupt tx location")) << loc.error().message;
}

TYPED_TEST(BlockStoreTest, SafetyRecordsSaveLoadAndSurviveReopen) {
    auto safety = SafetyStore::Open(this->env.kv());
    ASSERT_TRUE(safety.ok()) << safety.error().message;
    const Bytes v1 = B("validator-1"), v2 = B("validator-2");
    EXPECT_FALSE((*safety)->Load(v1)->has_value());
    ASSERT_TRUE((*safety)->Save(v1, B("h=5 view=0 prepare")).ok());
    ASSERT_TRUE((*safety)->Save(v1, B("h=5 view=1 commit")).ok());
    ASSERT_TRUE((*safety)->Save(v2, B("h=2")).ok());
    EXPECT_FALSE((*safety)->Save(Bytes{}, B("x")).ok());
    EXPECT_FALSE((*safety)->Save(Bytes(256, 'k'), B("x")).ok());
    EXPECT_FALSE((*safety)->Save(v1, Bytes{}).ok());
    EXPECT_FALSE((*safety)->Load(Bytes{}).ok());
    safety->reset();
    this->Reopen();
    auto again = SafetyStore::Open(this->env.kv());
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(*(*again)->Load(v1), B("h=5 view=1 commit"));
    EXPECT_EQ(*(*again)->Load(v2), B("h=2"));
    // Safety records live beside the chain without disturbing it.
    this->CommitUpTo(2);
    testing::ExpectConsistentAt(*this->store, this->State(), this->gen, 2);
}

}  // namespace
}  // namespace iost::storage

namespace iost::storage {
namespace {

// Pruning (docs/state.md "Pruning"): bodies below the floor go, headers and
// certificates stay, the floor survives a reopen, the head is never pruned,
// and committing goes on above it.
TYPED_TEST(BlockStoreTest, PruneBodiesKeepsHeadersAndMovesTheFloor) {
    this->CommitUpTo(30);
    EXPECT_EQ(this->store->PrunedFloor(), 1u);
    auto r = this->store->PruneBodies(/*below=*/11, /*max_blocks=*/4);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->blocks, 4u);  // the per-call budget
    EXPECT_EQ(this->store->PrunedFloor(), 5u);
    r = this->store->PruneBodies(11, 100);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->blocks, 6u);
    EXPECT_GT(r->txs, 0u);
    EXPECT_GT(r->micro_blocks, 0u);
    EXPECT_EQ(this->store->PrunedFloor(), 11u);
    for (uint64_t h = 1; h < 11; ++h) testing::ExpectBlockPruned(*this->store, this->gen, h);
    for (uint64_t h = 11; h <= 30; ++h) testing::ExpectBlockPresent(*this->store, this->gen, h);
    // Pruning again below the floor does nothing; the head itself is kept.
    r = this->store->PruneBodies(5);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->blocks, 0u);
    r = this->store->PruneBodies(1'000, 1'000);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(this->store->PrunedFloor(), 30u);
    testing::ExpectBlockPresent(*this->store, this->gen, 30);
    this->Reopen();
    EXPECT_EQ(this->store->PrunedFloor(), 30u);
    this->CommitUpTo(33);
    testing::ExpectConsistentAt(*this->store, this->State(), this->gen, 33, /*check_last=*/4);
    testing::ExpectBlockPruned(*this->store, this->gen, 29);
}

// PruneBodies' HeaderPruner (docs/state.md "Pruning": the node drops a
// chain-fallback block's direct transactions this way): a record it returns
// replaces the block record in the prune batch, nullopt keeps the record, it
// still reads the height's tx list, and an error aborts the prune with
// nothing written. Without a pruner (the negative control, heights 1..4) the
// records stay byte for byte.
TYPED_TEST(BlockStoreTest, PruneBodiesWritesTheHeaderPrunersRecordsInThePruneBatch) {
    this->CommitUpTo(12);
    auto r = this->store->PruneBodies(/*below=*/5);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->headers_rewritten, 0u);
    for (uint64_t h = 1; h < 5; ++h) testing::ExpectBlockPruned(*this->store, this->gen, h);
    auto header_of = [this](uint64_t h) {
        return Bytes{'h', static_cast<uint8_t>(h),
                     static_cast<uint8_t>(this->gen.Record(h).txs.size())};
    };
    std::vector<uint64_t> asked;
    BlockStore::HeaderPruner fails = [&](const BlockStore&, uint64_t h,
                                         util::ByteView) -> util::Result<std::optional<Bytes>> {
        asked.push_back(h);
        if (h == 7) return util::Err("undecodable");
        return std::optional<Bytes>{Bytes{'x'}};
    };
    r = this->store->PruneBodies(11, 64, fails);
    ASSERT_FALSE(r.ok());
    EXPECT_TRUE(Contains(r.error().message, "pruning block 7: undecodable")) << r.error().message;
    EXPECT_FALSE(this->store->Failed());
    EXPECT_EQ(this->store->PrunedFloor(), 5u);
    for (uint64_t h = 5; h <= 12; ++h) testing::ExpectBlockPresent(*this->store, this->gen, h);
    BlockStore::HeaderPruner even =
        [&](const BlockStore& s, uint64_t h,
            util::ByteView encoded) -> util::Result<std::optional<Bytes>> {
        EXPECT_EQ(Bytes(encoded.begin(), encoded.end()), this->gen.Record(h).encoded_block);
        auto txs = s.GetBlockTxHashes(h);  // not deleted yet
        EXPECT_TRUE(txs.ok() && txs->has_value() &&
                    (*txs)->size() == this->gen.Record(h).txs.size());
        if (h % 2 != 0) return std::optional<Bytes>{};
        return std::optional<Bytes>{header_of(h)};
    };
    r = this->store->PruneBodies(11, 64, even);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->blocks, 6u);
    EXPECT_EQ(r->headers_rewritten, 3u);  // 6, 8, 10
    this->Reopen();
    EXPECT_EQ(this->store->PrunedFloor(), 11u);
    for (uint64_t h = 1; h <= 10; ++h) {
        SCOPED_TRACE("block " + std::to_string(h));
        const FinalizedBlockRecord rec = this->gen.Record(h);
        auto block = this->store->GetBlock(h);
        ASSERT_TRUE(block.ok() && block->has_value());
        EXPECT_EQ(**block, h >= 5 && h % 2 == 0 ? header_of(h) : rec.encoded_block);
        // Hash index, hash, certificate and state root stay.
        auto by_hash = this->store->GetBlockByHash(rec.hash);
        ASSERT_TRUE(by_hash.ok() && by_hash->has_value());
        EXPECT_EQ(**by_hash, **block);
        EXPECT_EQ(this->store->GetBlockHash(h).value(), std::optional<Hash32>(rec.hash));
        EXPECT_EQ(this->store->GetCertificate(h).value(),
                  std::optional<Bytes>(rec.encoded_certificate));
        EXPECT_EQ(this->store->GetStateRoot(h).value(), std::optional<Hash32>(rec.state_root));
        EXPECT_FALSE(this->store->GetBlockTxHashes(h).value().has_value());
    }
    for (uint64_t h = 11; h <= 12; ++h) testing::ExpectBlockPresent(*this->store, this->gen, h);
}

TYPED_TEST(BlockStoreTest, CheckpointIsTheNewestBlocksThatCarriedOne) {
    this->CommitUpTo(3);
    auto ck = this->store->GetCheckpoint();
    ASSERT_TRUE(ck.ok() && ck->has_value());
    EXPECT_EQ((*ck)->height, 3u);
    EXPECT_EQ((*ck)->bytes, this->gen.Checkpoint(3));
    // A block without one leaves the older record, which names its height.
    auto rec = this->gen.Record(4);
    rec.checkpoint.clear();
    ASSERT_TRUE(this->store->CommitFinalized(rec).ok());
    ck = this->store->GetCheckpoint();
    ASSERT_TRUE(ck.ok() && ck->has_value());
    EXPECT_EQ((*ck)->height, 3u);
}

TYPED_TEST(BlockStoreTest, CorruptPrunedFloorIsRefusedOnOpen) {
    this->CommitUpTo(5);
    WriteBatch b;
    Bytes v;
    AppendU64(v, 99);  // above the head
    b.Put(PrunedKey(), v);
    ASSERT_TRUE(this->env.kv().Write(b, Sync::kYes).ok());
    this->store.reset();
    auto r = BlockStore::Open(this->env.kv());
    ASSERT_FALSE(r.ok());
    EXPECT_TRUE(Contains(r.error().message, "pruned floor")) << r.error().message;
}

}  // namespace
}  // namespace iost::storage
