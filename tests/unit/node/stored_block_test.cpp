// node::LoadStoredBlock, the one reader of stored final blocks (start-up
// replay, sync serving, the read API), over real RocksDB in a temp dir: a
// block comes back with its certificate and its MicroBlocks in reference
// order, and each way a store can fail is reported with its own
// LoadFailure (absent, MicroBlock absent, undecodable record).
#include <core/block.h>
#include <core/merkle.h>
#include <gtest/gtest.h>
#include <node/stored_block.h>
#include <storage/block_store.h>
#include <storage/rocks_kv_store.h>
#include <storage/schema.h>

#include "node_test_util.h"

namespace iost::node {
namespace {

storage::Hash32 H32(const crypto::Hash256& h) {
    storage::Hash32 out{};
    std::copy(h.begin(), h.end(), out.begin());
    return out;
}

struct StoredBlockTest : ::testing::Test {
    testing::TempDir dir;
    std::unique_ptr<storage::RocksKvStore> kv;
    std::unique_ptr<storage::BlockStore> store;
    core::FinalBlock genesis;
    std::vector<core::MicroBlock> micros;
    core::CertifiedBlock one;

    void SetUp() override {
        kv = storage::RocksKvStore::Open(dir.path().string()).value();
        store = storage::BlockStore::Open(*kv).value();
        genesis.time = 1;
        storage::FinalizedBlockRecord g;
        g.height = 0;
        g.hash = H32(genesis.Hash());
        g.encoded_block = genesis.ToBytes();
        ASSERT_TRUE(store->InitGenesis(g).ok());
        for (uint64_t seq = 1; seq <= 2; ++seq) {
            core::MicroBlock m;
            m.header.producer = "node0";
            m.header.seq = seq;
            m.header.prev_micro_hash = micros.empty() ? crypto::Hash256{} : micros.back().hash;
            m.producer_sig = util::Bytes(64, static_cast<uint8_t>(seq));
            m.Seal();
            micros.push_back(m);
        }
        one.block.height = 1;
        one.block.prev_hash = genesis.Hash();
        one.block.time = 2;
        one.block.proposer = "node1";
        one.block.micro_refs.push_back({"node0", 1, 2, micros.back().hash});
        one.commit_view = 3;
        one.cert.bitmap = {0x07};
        one.cert.signatures = {util::Bytes(64, 9), util::Bytes(64, 8), util::Bytes(64, 7)};
        storage::FinalizedBlockRecord r;
        r.height = 1;
        r.hash = H32(one.block.Hash());
        r.prev_hash = g.hash;
        r.encoded_block = one.block.ToBytes();
        r.encoded_certificate = EncodeCertificateRecord(one.commit_view, one.cert);
        for (const auto& m : micros) {
            r.micro_blocks.push_back(
                {util::Bytes{'n', 'o', 'd', 'e', '0'}, m.header.seq, H32(m.hash), m.ToBytes()});
        }
        ASSERT_TRUE(store->CommitFinalized(r).ok());
    }

    // Overwrites one record behind the store's back (a damaged data dir).
    void Put(util::Bytes key, std::optional<util::Bytes> value) {
        storage::WriteBatch b;
        if (value) {
            b.Put(std::move(key), std::move(*value));
        } else {
            b.Delete(key);
        }
        ASSERT_TRUE(kv->Write(b, storage::Sync::kYes).ok());
    }
};

TEST_F(StoredBlockTest, ABlockComesBackWithItsCertificateAndMicroBlocksInOrder) {
    auto s = LoadStoredBlock(*store, 1);
    ASSERT_TRUE(s.ok()) << s.error().detail;
    EXPECT_EQ(s->certified->block.Hash(), one.block.Hash());
    EXPECT_EQ(s->certified->commit_view, 3u);
    EXPECT_EQ(s->certified->cert.signatures, one.cert.signatures);
    ASSERT_EQ(s->micros.size(), 2u);
    EXPECT_EQ(s->micros[0]->hash, micros[0].hash);
    EXPECT_EQ(s->micros[1]->hash, micros[1].hash);
    EXPECT_GT(s->bytes, 0u);
    auto bare = LoadStoredBlock(*store, 1, WithMicros::kNo);
    ASSERT_TRUE(bare.ok());
    EXPECT_TRUE(bare->micros.empty());
    EXPECT_LT(bare->bytes, s->bytes);
    auto g = LoadStoredBlock(*store, 0);  // genesis: no certificate
    ASSERT_TRUE(g.ok()) << g.error().detail;
    EXPECT_EQ(g->certified->block.Hash(), genesis.Hash());
}

TEST_F(StoredBlockTest, AHeightAboveTheHeadIsMissing) {
    auto s = LoadStoredBlock(*store, 2);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().failure, LoadFailure::kBlockMissing);
}

TEST_F(StoredBlockTest, AMissingCertificateIsAMissingBlock) {
    Put(storage::HeightKey(storage::table::kCertificate, 1), std::nullopt);
    auto s = LoadStoredBlock(*store, 1);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().failure, LoadFailure::kBlockMissing);
}

TEST_F(StoredBlockTest, AMissingMicroBlockIsReported) {
    Put(storage::HashKey(storage::table::kMicro, H32(micros[1].hash)), std::nullopt);
    auto s = LoadStoredBlock(*store, 1);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().failure, LoadFailure::kMicroMissing);
    EXPECT_TRUE(LoadStoredBlock(*store, 1, WithMicros::kNo).ok());  // the API's bare read
}

TEST_F(StoredBlockTest, UndecodableRecordsAreCorrupt) {
    Put(storage::HashKey(storage::table::kMicro, H32(micros[0].hash)), util::Bytes{1, 2, 3});
    auto s = LoadStoredBlock(*store, 1);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().failure, LoadFailure::kCorrupt);
    Put(storage::HeightKey(storage::table::kCertificate, 1), util::Bytes{1});
    s = LoadStoredBlock(*store, 1, WithMicros::kNo);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().failure, LoadFailure::kCorrupt);
    EXPECT_NE(s.error().detail.find("block 1"), std::string::npos) << s.error().detail;
}

// Pruning a chain-fallback block (docs/state.md "Pruning"): its FinalBlock
// record carries the transactions themselves (direct_txs), so PruneBodies
// with the node's HeaderPruner replaces it, in the prune batch, by a pruned
// header: no transactions, the original hash, certificate and roots kept,
// and readable as a header (never as a whole block). With the rewrite off
// (no pruner: the old behaviour), the negative control, the record keeps
// every transaction. Over the in-memory store and RocksDB.
struct FallbackPruneRun {
    core::CertifiedBlock one;  // height 1, 16 direct txs
    std::vector<crypto::Hash256> tx_hashes;
    size_t tx_bytes = 0;  // the direct txs' encoded size
    util::Bytes before, after;
    storage::PruneStats stats;
};

// Genesis (time 1) into an empty store; returns it.
core::FinalBlock InitTestGenesis(storage::BlockStore& store) {
    core::FinalBlock genesis;
    genesis.time = 1;
    storage::FinalizedBlockRecord g;
    g.hash = H32(genesis.Hash());
    g.encoded_block = genesis.ToBytes();
    EXPECT_TRUE(store.InitGenesis(g).ok());
    return genesis;
}

void RunFallbackPrune(storage::KvStore& kv, bool rewrite, FallbackPruneRun& run) {
    auto store = storage::BlockStore::Open(kv).value();
    const core::FinalBlock genesis = InitTestGenesis(*store);
    core::FinalBlock& b = run.one.block;
    b.height = 1;
    b.prev_hash = genesis.Hash();
    b.time = 2;
    b.proposer = "node0";
    for (int i = 0; i < 16; ++i) {
        b.direct_txs.push_back(
            testing::Transfer("alice", "bobby", std::to_string(i + 1), 1'000 + i, "fallback"));
        run.tx_hashes.push_back(b.direct_txs.back().Hash());
        run.tx_bytes += b.direct_txs.back().ToBytes(core::TxLevel::kFull).size();
    }
    b.tx_merkle_root = crypto::Sha3_256(util::Bytes{1});
    b.receipt_merkle_root = crypto::Sha3_256(util::Bytes{2});
    b.state_root = crypto::Sha3_256(util::Bytes{3});
    run.one.commit_view = 4;
    run.one.cert.bitmap = {0x01};
    run.one.cert.signatures = {util::Bytes(64, 5)};
    storage::FinalizedBlockRecord r;
    r.height = 1;
    r.hash = H32(b.Hash());
    r.prev_hash = H32(genesis.Hash());
    r.encoded_block = b.ToBytes();
    r.encoded_certificate = EncodeCertificateRecord(run.one.commit_view, run.one.cert);
    for (const auto& h : run.tx_hashes) r.txs.push_back({H32(h), util::Bytes{7, 7}});
    ASSERT_TRUE(store->CommitFinalized(r).ok());
    core::FinalBlock two;  // the head (never pruned)
    two.height = 2;
    two.prev_hash = b.Hash();
    storage::FinalizedBlockRecord r2;
    r2.height = 2;
    r2.hash = H32(two.Hash());
    r2.prev_hash = r.hash;
    r2.encoded_block = two.ToBytes();
    r2.encoded_certificate = r.encoded_certificate;
    ASSERT_TRUE(store->CommitFinalized(r2).ok());
    run.before = store->GetBlock(1).value().value();
    auto pruned = rewrite ? store->PruneBodies(2, 64, PruneStoredHeader) : store->PruneBodies(2);
    ASSERT_TRUE(pruned.ok()) << pruned.error().message;
    run.stats = *pruned;
    EXPECT_EQ(run.stats.blocks, 1u);
    EXPECT_EQ(run.stats.txs, 16u);
    // The head's record, without direct txs, is never rewritten.
    auto keep = PruneStoredHeader(*store, 2, store->GetBlock(2).value().value());
    ASSERT_TRUE(keep.ok());
    EXPECT_FALSE(keep->has_value());
    store.reset();
    // Reopened: the rewrite is on disk (it went in the prune batch).
    store = storage::BlockStore::Open(kv).value();
    EXPECT_EQ(store->PrunedFloor(), 2u);
    run.after = store->GetBlock(1).value().value();
    // Hash index, certificate and state root stay either way.
    EXPECT_EQ(store->GetBlockHash(1).value(), std::optional<storage::Hash32>(r.hash));
    EXPECT_EQ(store->GetHeightByHash(r.hash).value(), std::optional<uint64_t>(1));
    EXPECT_EQ(store->GetCertificate(1).value(), std::optional<util::Bytes>(r.encoded_certificate));
    EXPECT_TRUE(store->GetStateRoot(1).value().has_value());
    // Read back as a header: the original hash and certificate, never the body.
    auto header = LoadStoredBlock(*store, 1, WithMicros::kNo);
    ASSERT_TRUE(header.ok()) << header.error().detail;
    EXPECT_EQ(header->hash, b.Hash());
    EXPECT_EQ(header->certified->commit_view, 4u);
    EXPECT_EQ(header->certified->cert.signatures, run.one.cert.signatures);
    EXPECT_EQ(header->certified->block.tx_merkle_root, b.tx_merkle_root);
    EXPECT_EQ(header->certified->block.state_root, b.state_root);
    auto whole = LoadStoredBlock(*store, 1, WithMicros::kYes);
    ASSERT_FALSE(whole.ok());
    EXPECT_EQ(whole.error().failure, LoadFailure::kPruned);
    if (rewrite) {
        // A pruned header is kept as it is when pruned again.
        auto again = PruneStoredHeader(*store, 1, run.after);
        ASSERT_TRUE(again.ok());
        EXPECT_FALSE(again->has_value());
    }
}

void ExpectFallbackPruned(storage::KvStore& kv) {
    FallbackPruneRun run;
    RunFallbackPrune(kv, /*rewrite=*/true, run);
    EXPECT_EQ(run.stats.headers_rewritten, 1u);
    // The transactions' bytes left the record; it gained at most the pruned
    // header's fixed fields (tag 4+24, hash 4+32, two counts 8+8, Merkle
    // root 4+32, the inner block's length 4: 120 bytes).
    EXPECT_LE(run.after.size() + run.tx_bytes, run.before.size() + 120)
        << run.after.size() << " + " << run.tx_bytes << " vs " << run.before.size();
    // Not readable as a FinalBlock (a distinct tag): no reader can take it
    // for the whole block and recompute a wrong hash from it.
    EXPECT_FALSE(core::FinalBlock::FromBytes(run.after).ok());
    auto d = DecodeStoredFinal(run.after);
    ASSERT_TRUE(d.ok()) << d.error().message;
    ASSERT_TRUE(d->pruned.has_value());
    EXPECT_TRUE(d->block.direct_txs.empty());
    EXPECT_EQ(d->hash, run.one.block.Hash());
    EXPECT_EQ(d->pruned->tx_count, 16u);
    EXPECT_EQ(d->pruned->direct_txs, 16u);
    EXPECT_EQ(d->pruned->iost_tx_merkle, core::IostMerkleRootBytes(run.tx_hashes));
    EXPECT_EQ(d->block.tx_merkle_root, run.one.block.tx_merkle_root);
    EXPECT_EQ(d->block.receipt_merkle_root, run.one.block.receipt_merkle_root);
    EXPECT_EQ(d->block.state_root, run.one.block.state_root);
    EXPECT_EQ(d->block.prev_hash, run.one.block.prev_hash);
    EXPECT_NE(d->block.Hash(), run.one.block.Hash());  // why the hash is kept
}

// Negative control: the same prune without the rewrite keeps every direct
// transaction in the record (the bug of issue #14.5).
void ExpectFallbackKept(storage::KvStore& kv) {
    FallbackPruneRun run;
    RunFallbackPrune(kv, /*rewrite=*/false, run);
    EXPECT_EQ(run.stats.headers_rewritten, 0u);
    EXPECT_EQ(run.after, run.before);
    // So ExpectFallbackPruned's size check fails on the old path.
    EXPECT_GT(run.after.size() + run.tx_bytes, run.before.size() + 120);
    auto d = DecodeStoredFinal(run.after);
    ASSERT_TRUE(d.ok());
    EXPECT_FALSE(d->pruned.has_value());
    EXPECT_EQ(d->block.direct_txs.size(), 16u);
}

TEST(FallbackPrune, APrunedFallbackBlockKeepsItsHeaderAndHashWithoutItsTransactionsMem) {
    storage::MemKvStore kv;
    ExpectFallbackPruned(kv);
    storage::MemKvStore control;
    ExpectFallbackKept(control);
}

TEST(FallbackPrune, APrunedFallbackBlockKeepsItsHeaderAndHashWithoutItsTransactionsRocks) {
    testing::TempDir dir, dir2;
    {
        auto kv = storage::RocksKvStore::Open((dir.path() / "db").string()).value();
        ExpectFallbackPruned(*kv);
    }
    auto control = storage::RocksKvStore::Open((dir2.path() / "db").string()).value();
    ExpectFallbackKept(*control);
}

// A PoB block has no direct transactions: its tx list (from its MicroBlocks)
// is what pruning deletes, and with it the tx count and IOST Merkle hash the
// API shows. The pruner keeps them in a pruned header with direct_txs 0 and
// the block itself unchanged (its hash recomputes); an empty block is kept
// as it is. Negative control: without the pruner the record keeps neither.
struct PobPruneRun {
    core::FinalBlock one;  // height 1, 5 txs in its tx list, no direct txs
    std::vector<crypto::Hash256> tx_hashes;
    util::Bytes before, after, empty_before, empty_after;  // heights 1 and 2
    storage::PruneStats stats;
};

void RunPobPrune(bool rewrite, PobPruneRun& run) {
    storage::MemKvStore kv;
    auto store = storage::BlockStore::Open(kv).value();
    const core::FinalBlock genesis = InitTestGenesis(*store);
    crypto::Hash256 prev = genesis.Hash();
    for (uint64_t h = 1; h <= 3; ++h) {
        core::FinalBlock b;
        b.height = h;
        b.prev_hash = prev;
        b.time = static_cast<int64_t>(h) + 1;
        b.proposer = "node0";
        b.micro_refs.push_back(
            {"node1", h, h, crypto::Sha3_256(util::Bytes{static_cast<uint8_t>(h)})});
        b.state_root = crypto::Sha3_256(util::Bytes{3});
        storage::FinalizedBlockRecord r;
        r.height = h;
        r.hash = H32(b.Hash());
        r.prev_hash = H32(prev);
        r.encoded_block = b.ToBytes();
        r.encoded_certificate = EncodeCertificateRecord(4, crypto::Certificate{});
        if (h == 1) {  // height 2 is empty, height 3 the head (never pruned)
            for (int i = 0; i < 5; ++i) {
                run.tx_hashes.push_back(crypto::Sha3_256(util::Bytes{9, static_cast<uint8_t>(i)}));
                r.txs.push_back({H32(run.tx_hashes.back()), util::Bytes{7, 7}});
            }
            run.one = b;
        }
        ASSERT_TRUE(store->CommitFinalized(r).ok());
        prev = b.Hash();
    }
    run.before = store->GetBlock(1).value().value();
    run.empty_before = store->GetBlock(2).value().value();
    auto pruned = rewrite ? store->PruneBodies(3, 64, PruneStoredHeader) : store->PruneBodies(3);
    ASSERT_TRUE(pruned.ok()) << pruned.error().message;
    run.stats = *pruned;
    EXPECT_EQ(run.stats.blocks, 2u);
    EXPECT_EQ(run.stats.txs, 5u);
    run.after = store->GetBlock(1).value().value();
    run.empty_after = store->GetBlock(2).value().value();
    auto header = LoadStoredBlock(*store, 1, WithMicros::kNo);
    ASSERT_TRUE(header.ok()) << header.error().detail;
    EXPECT_EQ(header->hash, run.one.Hash());
    EXPECT_EQ(header->certified->block.micro_refs.size(), 1u);
}

TEST(PobPrune, APrunedPobBlockKeepsItsTxCountAndMerkleHash) {
    PobPruneRun run;
    ASSERT_NO_FATAL_FAILURE(RunPobPrune(/*rewrite=*/true, run));
    EXPECT_EQ(run.stats.headers_rewritten, 1u);
    auto d = DecodeStoredFinal(run.after);
    ASSERT_TRUE(d.ok()) << d.error().message;
    ASSERT_TRUE(d->pruned.has_value());
    EXPECT_EQ(d->pruned->tx_count, 5u);
    EXPECT_EQ(d->pruned->direct_txs, 0u);
    EXPECT_EQ(d->pruned->iost_tx_merkle, core::IostMerkleRootBytes(run.tx_hashes));
    EXPECT_FALSE(d->pruned->iost_tx_merkle.empty());
    EXPECT_EQ(d->hash, run.one.Hash());
    EXPECT_EQ(d->block.Hash(), run.one.Hash());  // nothing was taken out of it
    // At most the pruned header's fixed fields were added (see above).
    EXPECT_LE(run.after.size(), run.before.size() + 120);
    // The empty block is kept byte for byte.
    EXPECT_EQ(run.empty_after, run.empty_before);
}

TEST(PobPrune, NegativeControlWithoutThePrunerTheTxCountIsLost) {
    PobPruneRun run;
    ASSERT_NO_FATAL_FAILURE(RunPobPrune(/*rewrite=*/false, run));
    EXPECT_EQ(run.stats.headers_rewritten, 0u);
    EXPECT_EQ(run.after, run.before);
    auto d = DecodeStoredFinal(run.after);
    ASSERT_TRUE(d.ok());
    EXPECT_FALSE(d->pruned.has_value());
}

TEST(FallbackPrune, ACorruptPrunedHeaderIsRefused) {
    core::FinalBlock b;
    b.height = 3;
    PrunedHeader p;
    p.tx_count = 1;
    p.direct_txs = 1;
    util::Bytes ok = EncodePrunedHeader(b, p);
    ASSERT_TRUE(DecodeStoredFinal(ok).ok());
    util::Bytes trailing = ok;
    trailing.push_back(0);
    EXPECT_FALSE(DecodeStoredFinal(trailing).ok());
    EXPECT_FALSE(DecodeStoredFinal(util::ByteView(ok.data(), ok.size() - 1)).ok());
    p.direct_txs = 0;  // a PoB block's header: valid
    ASSERT_TRUE(DecodeStoredFinal(EncodePrunedHeader(b, p)).ok());
    p.tx_count = 0;  // nothing to keep: never written, so corrupt
    EXPECT_FALSE(DecodeStoredFinal(EncodePrunedHeader(b, p)).ok());
    p.tx_count = 1;
    b.direct_txs.push_back(testing::Transfer("alice", "bobby", "1", 5));
    EXPECT_FALSE(DecodeStoredFinal(EncodePrunedHeader(b, p)).ok());  // still has txs
}

}  // namespace
}  // namespace iost::node
