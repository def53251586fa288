// node::LoadStoredBlock, the one reader of stored final blocks (start-up
// replay, sync serving, the read API), over real RocksDB in a temp dir: a
// block comes back with its certificate and its MicroBlocks in reference
// order, and each way a store can fail is reported with its own
// LoadFailure (absent, MicroBlock absent, undecodable record).
#include <core/block.h>
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

}  // namespace
}  // namespace iost::node
