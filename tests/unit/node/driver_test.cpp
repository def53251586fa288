// The driver over a real RocksDB data dir, with one validator (a one-member
// normal league finalizes alone; no network): genesis, finality, a client
// transaction executed and indexed, and a restart that replays the chain from
// disk to the same head and state root.
#include <core/receipt.h>
#include <crypto/keys.h>
#include <gtest/gtest.h>
#include <ledger/ledger.h>
#include <node/app_state.h>
#include <node/config.h>
#include <node/driver.h>
#include <node/node.h>
#include <node/wire.h>
#include <storage/block_store.h>
#include <storage/rocks_kv_store.h>
#include <storage/safety_store.h>
#include <storage/state_store.h>

#include <chrono>
#include <thread>

#include "node_test_util.h"

namespace iost::node {
namespace {

using namespace std::chrono_literals;

// Everything a Driver borrows, opened on a data dir.
struct Env {
    core::Genesis genesis;
    ledger::GenesisState gs;
    ledger::Ledger ledger;
    std::unique_ptr<storage::RocksKvStore> kv;
    std::unique_ptr<storage::BlockStore> blocks;
    std::unique_ptr<storage::SafetyStore> safety;
    std::unique_ptr<storage::StateStore> state;
    std::unique_ptr<StoreStateReader> reader;
    crypto::KeyPairSigner signer;
    Mempool mempool;
    std::unique_ptr<Driver> driver;

    Env(const std::string& dir, const core::Genesis& g, int validator = 0,
        uint64_t chain_memory = 0,
        size_t max_loop_backlog_bytes = DriverOptions{}.max_loop_backlog_bytes)
        : genesis(g),
          gs(ledger::BuildGenesisState(g).value()),
          ledger(ledger::LedgerOptions{g.chain_id}),
          signer(testing::ConsensusKey(testing::ValidatorName(validator))) {
        kv = storage::RocksKvStore::Open(dir).value();
        blocks = storage::BlockStore::Open(*kv).value();
        safety = storage::SafetyStore::Open(*kv).value();
        state = std::make_unique<storage::StateStore>(*kv);
        reader = std::make_unique<StoreStateReader>(*state);
        NodeConfig cfg;
        cfg.view_timeout_ms = 500;
        DriverOptions o;
        o.engine.id = testing::ValidatorName(validator);
        o.engine.params = ParamsFrom(g, cfg);
        o.engine.genesis_hash = core::GenesisHash(g);
        o.engine.genesis_time = g.timestamp_ns;
        o.engine.chain_memory = chain_memory;
        o.chain_id = g.chain_id;
        o.genesis_hash = o.engine.genesis_hash;
        o.max_loop_backlog_bytes = max_loop_backlog_bytes;
        driver = std::make_unique<Driver>(o, signer, crypto::RealVerifier(), ledger, gs, *blocks,
                                          *safety, *reader, mempool, util::Logger::Null());
    }
    ~Env() {
        driver->Stop();
        (void)kv->Close();
    }
};

bool WaitFor(const std::function<bool()>& cond, std::chrono::milliseconds limit) {
    const auto end = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < end) {
        if (cond()) return true;
        std::this_thread::sleep_for(20ms);
    }
    return cond();
}

core::Genesis SoloGenesis() { return testing::TestGenesis(/*validators=*/1, /*B=*/1, /*N=*/1); }

TEST(Driver, SoloValidatorFinalizesExecutesAndRestarts) {
    testing::TempDir dir;
    const auto g = SoloGenesis();
    uint64_t height = 0;
    storage::Hash32 root{};
    crypto::Hash256 tx_hash{};
    {
        Env env(dir.str(), g);
        ASSERT_TRUE(env.driver->Start().ok());
        ASSERT_TRUE(WaitFor([&] { return env.driver->Status().height >= 3; }, 10s))
            << "height " << env.driver->Status().height;
        const int64_t now = util::SystemClock().Now();
        auto tx = testing::Transfer("alice", "bobby", "12.5", now - 1'000'000'000);
        auto h = env.driver->SubmitTx(tx);
        ASSERT_TRUE(h.ok()) << h.error().message;
        tx_hash = *h;
        EXPECT_EQ(env.mempool.State(tx_hash), TxPoolState::kPending);
        // The same transaction again is refused at the door.
        auto dup = env.driver->SubmitTx(tx);
        ASSERT_FALSE(dup.ok());
        storage::Hash32 key;
        std::copy(tx_hash.begin(), tx_hash.end(), key.begin());
        ASSERT_TRUE(WaitFor([&] { return env.blocks->GetReceipt(key).value().has_value(); }, 10s));
        auto receipt = core::TxReceipt::Decode(*env.blocks->GetReceipt(key).value()).value();
        EXPECT_TRUE(receipt.ok()) << receipt.status.message;
        EXPECT_EQ(env.mempool.State(tx_hash), TxPoolState::kFinal);
        EXPECT_EQ(ledger::BalanceOf(*env.reader, "iost", "bobby"),
                  testing::Iost(99'012).raw() + 50'000'000);
        // A bad signature is refused with a reason.
        auto forged = testing::Transfer("alice", "bobby", "1", now);
        forged.publisher_sigs[0].sig[3] ^= 1;
        auto bad = env.driver->SubmitTx(forged);
        ASSERT_FALSE(bad.ok());
        EXPECT_NE(bad.error().message.find("ignature"), std::string::npos) << bad.error().message;
        env.driver->Stop();
        auto head = env.blocks->GetHead();
        ASSERT_TRUE(head.has_value());
        height = head->height;
        root = head->state_root;
        EXPECT_GE(height, 4u);
        EXPECT_EQ(env.driver->Status().height, height);
    }
    {
        Env env(dir.str(), g);
        ASSERT_TRUE(env.driver->Start().ok());
        const auto s = env.driver->Status();
        EXPECT_GE(s.height, height);
        auto stored_root = env.blocks->GetStateRoot(height).value();
        ASSERT_TRUE(stored_root.has_value());
        EXPECT_EQ(*stored_root, root);
        // It keeps finalizing after the restart.
        ASSERT_TRUE(WaitFor([&] { return env.driver->Status().height >= height + 2; }, 10s));
        EXPECT_EQ(ledger::BalanceOf(*env.reader, "iost", "bobby"),
                  testing::Iost(99'012).raw() + 50'000'000);
    }
}

TEST(Driver, MetricsCountFinality) {
    testing::TempDir dir;
    Env env(dir.str(), SoloGenesis());
    ASSERT_TRUE(env.driver->Start().ok());
    const int64_t now = util::SystemClock().Now();
    auto h = env.driver->SubmitTx(testing::Transfer("alice", "bobby", "1", now - 1'000'000'000));
    ASSERT_TRUE(h.ok()) << h.error().message;
    ASSERT_TRUE(WaitFor([&] { return env.mempool.State(*h) == TxPoolState::kFinal; }, 10s));
    ASSERT_TRUE(WaitFor([&] { return env.driver->Metrics().txs_finalized >= 1; }, 5s));
    const NodeMetrics m = env.driver->Metrics();
    EXPECT_GE(m.final_height, 1u);
    EXPECT_GE(m.blocks_finalized, 1u);
    EXPECT_TRUE(m.chain_fallback);  // one validator: the normal league takes txs directly
    EXPECT_EQ(m.peers, 0u);
    EXPECT_EQ(m.mempool_admitted, 1u);
    EXPECT_EQ(m.sync_state, SyncState::kSynced);
    ASSERT_EQ(m.finalize_latency.cumulative.size(), m.finalize_latency.bounds_seconds.size());
    EXPECT_GE(m.finalize_latency.count, 1u);
    EXPECT_GT(m.finalize_latency.sum_seconds, 0.5);  // the tx was stamped a second ago
    EXPECT_LE(m.finalize_latency.cumulative.back(), m.finalize_latency.count);
    EXPECT_FALSE(env.driver->FindPacked(*h).has_value());
    EXPECT_EQ(env.driver->GetMicroBlock("nobody", 1), nullptr);
}

// A believable producer whose normal league is not running: its MicroBlocks
// are signed and broadcast but never final, so the tx stays PACKED.
TEST(Driver, ATxInAnUnfinalizedMicroBlockIsPacked) {
    // B + 4 eligible validators avoid the chain-wide fallback.
    const auto g = testing::TestGenesis(/*validators=*/5, /*B=*/1, /*N=*/1);
    int producer = -1;
    {
        testing::TempDir probe;
        Env env(probe.str(), g, 0);
        ASSERT_TRUE(env.driver->Start().ok());
        const auto s = env.driver->Status();
        ASSERT_EQ(s.believable.size(), 1u);
        for (int v = 0; v < 5; ++v) {
            if (s.believable[0] == testing::ValidatorName(v)) producer = v;
        }
    }
    ASSERT_GE(producer, 0);
    testing::TempDir dir;
    Env env(dir.str(), g, producer);
    ASSERT_TRUE(env.driver->Start().ok());
    const int64_t now = util::SystemClock().Now();
    auto h = env.driver->SubmitTx(testing::Transfer("alice", "bobby", "2", now));
    ASSERT_TRUE(h.ok()) << h.error().message;
    ASSERT_TRUE(WaitFor([&] { return env.driver->FindPacked(*h).has_value(); }, 10s));
    const auto p = env.driver->FindPacked(*h);
    EXPECT_EQ(p->producer, testing::ValidatorName(producer));
    EXPECT_GE(p->seq, 1u);
    EXPECT_GE(p->time, now);
    EXPECT_EQ(p->tx->Hash(), *h);
    auto mb = env.driver->GetMicroBlock(p->producer, p->seq);
    ASSERT_NE(mb, nullptr);
    EXPECT_NE(std::find(mb->tx_hashes.begin(), mb->tx_hashes.end(), *h), mb->tx_hashes.end());
    EXPECT_EQ(env.driver->Status().height, 0u);  // nothing final without the normal league
    const NodeMetrics m = env.driver->Metrics();
    EXPECT_GE(m.packed_now, 1u);
    EXPECT_EQ(m.txs_finalized, 0u);
    EXPECT_EQ(m.mempool_txs, 1u);
}

// The engine keeps only chain_memory final blocks; the rest is on disk,
// from where the restart replays and sync is served.
TEST(Driver, MemoryHeldBlocksStayBounded) {
    testing::TempDir dir;
    Env env(dir.str(), SoloGenesis(), 0, /*chain_memory=*/8);
    ASSERT_TRUE(env.driver->Start().ok());
    uint64_t max_held = 0;
    ASSERT_TRUE(WaitFor(
        [&] {
            const auto m = env.driver->Metrics();
            max_held = std::max(max_held, m.engine_blocks_in_memory);
            return m.final_height >= 25;
        },
        20s));
    EXPECT_LE(max_held, 8u);
    EXPECT_GE(max_held, 1u);
    EXPECT_EQ(env.driver->Metrics().engine_micros_in_memory, 0u);  // chain fallback: no MicroBlocks
    // Old blocks are still on disk.
    EXPECT_TRUE(env.blocks->GetBlock(1).value().has_value());
}

// The event loop's queue of peer messages is bounded (docs/node.md "Memory"):
// a message that would take it over max_loop_backlog_bytes is shed and
// counted. The control: under the default bound the same message is queued
// and handled.
uint64_t ShedOneMessageWithBound(size_t bound) {
    testing::TempDir dir;
    Env env(dir.str(), SoloGenesis(), 0, 0, bound);
    EXPECT_TRUE(env.driver->Start().ok());
    const consensus::MicroRequest req{{crypto::Hash256{}}};
    env.driver->OnNetMessage(net::NodeId{}, NetTypeOf(WireTag::kMicroRequest), EncodeMessage(req));
    WaitFor([&] { return env.driver->Metrics().loop_backlog_bytes == 0; }, 5s);
    EXPECT_EQ(env.driver->Metrics().loop_backlog_bytes, 0u);
    return env.driver->Metrics().loop_messages_shed;
}

TEST(Driver, PeerMessagesBeyondTheLoopBacklogBoundAreShed) {
    EXPECT_EQ(ShedOneMessageWithBound(1), 1u);  // every message is larger than one byte
    EXPECT_EQ(ShedOneMessageWithBound(DriverOptions{}.max_loop_backlog_bytes), 0u);
}

TEST(Driver, RefusesADataDirOfAnotherChain) {
    testing::TempDir dir;
    {
        Env env(dir.str(), SoloGenesis());
        ASSERT_TRUE(env.driver->Start().ok());
    }
    auto other = SoloGenesis();
    other.timestamp_ns += 1'000'000'000;
    Env env(dir.str(), other);
    auto st = env.driver->Start();
    ASSERT_FALSE(st.ok());
    EXPECT_NE(st.error().message.find("another chain"), std::string::npos) << st.error().message;
}

}  // namespace
}  // namespace iost::node
