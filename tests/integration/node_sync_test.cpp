// Sync (docs/node.md "Sync"): an observer that starts late catches up with a
// running six-validator cluster from its peers, refuses and bans a peer
// that serves blocks with forged certificates, then follows consensus.
#include <core/codec.h>
#include <gtest/gtest.h>
#include <net/message_types.h>
#include <node/wire.h>

#include <atomic>
#include <cstdio>

#include "node_test_cluster.h"

namespace iost::node {
namespace {

using namespace std::chrono_literals;

// A peer that answers every SyncRequest with the real chain (read from a
// cluster node's BlockStore) whose certificates it has tampered with.
class ForgingPeer {
  public:
    ForgingPeer(const Cluster& c, Node& source) : m_source(source) {
        net::HostOptions o;
        o.chain_id = c.genesis.chain_id;
        o.genesis_hash = core::GenesisHash(c.genesis);
        o.listen_address = "127.0.0.1";
        o.listen_port = 0;
        m_host = net::Host::Make(o).value();
        net::HostCallbacks cb;
        cb.on_message = [this](const net::NodeId& from, uint16_t type, util::Bytes payload) {
            auto msg = DecodeMessage(payload, type);
            if (!msg) return;
            const auto* req = std::get_if<consensus::SyncRequest>(&*msg);
            if (!req) return;
            ++requests;
            consensus::SyncResponse resp;
            auto& store = m_source.blocks();
            const uint64_t head = store.GetHead()->height;
            for (uint64_t h = std::max<uint64_t>(req->from_height, 1);
                 h <= head && h < req->from_height + 32; ++h) {
                auto fb = core::FinalBlock::FromBytes(*store.GetBlock(h).value()).value();
                const util::Bytes raw_cert = *store.GetCertificate(h).value();
                core::Decoder d(raw_cert);
                auto cb2 = std::make_shared<core::CertifiedBlock>();
                cb2->commit_view = static_cast<uint64_t>(d.ReadInt64().value());
                cb2->cert = core::DecodeCertificate(d).value();
                cb2->block = std::move(fb);
                for (auto& sig : cb2->cert.signatures) sig[5] ^= 0x40;  // forged
                resp.blocks.push_back(cb2);
            }
            for (auto& p : EncodeForNetwork(consensus::Message{resp}, 1u << 20)) {
                m_host->Send(from, NetTypeOf(WireTag::kSyncResponse), std::move(p));
            }
        };
        m_host->SetCallbacks(cb);
        m_host->Start();
    }
    ~ForgingPeer() { m_host->Stop(); }
    uint16_t port() const { return m_host->listen_port(); }
    const net::NodeId& id() const { return m_host->id(); }
    std::atomic<int> requests{0};

  private:
    Node& m_source;
    std::unique_ptr<net::Host> m_host;
};

TEST(NodeSync, LateObserverCatchesUpFromSeveralPeersAndBansAForger) {
    Cluster c;
    ASSERT_NO_FATAL_FAILURE(c.StartAll());
    // More than two sync batches (32 blocks each) behind.
    ASSERT_TRUE(WaitFor([&] { return c.MinHeight() >= 80; }, 120s))
        << "min height " << c.MinHeight();

    ForgingPeer forger(c, *c.nodes[0]);
    NodeConfig oc = c.ConfigFor(99);
    auto created = Node::Create(oc, c.genesis, std::nullopt, util::Logger::Null());
    ASSERT_TRUE(created.ok()) << created.error().message;
    auto observer = std::move(*created);
    EXPECT_FALSE(observer->is_validator());
    // The forger is its only peer at first, so its blocks are the ones tried.
    observer->host().AddAddress({"127.0.0.1", forger.port()});
    ASSERT_TRUE(observer->Start().ok());
    ASSERT_TRUE(WaitFor([&] { return observer->host().IsBanned(forger.id()); }, 30s))
        << "forger not banned; it got " << forger.requests.load() << " requests";
    EXPECT_EQ(observer->driver().Status().height, 0u);  // nothing forged was applied
    EXPECT_GE(observer->driver().Metrics().bad_sync_peers, 1u);

    // Now the honest validators.
    for (const auto& n : c.nodes) observer->host().AddAddress({"127.0.0.1", n->p2p_port()});
    const uint64_t target = c.MinHeight();
    ASSERT_TRUE(WaitFor([&] { return observer->driver().Status().height >= target; }, 60s))
        << "observer at " << observer->driver().Status().height << ", target " << target;
    const NodeMetrics m = observer->driver().Metrics();
    EXPECT_GE(m.blocks_synced, 32u);
    // How many peers' blocks were applied depends on which answers arrive
    // first (all six answer the connection probe); the spreading itself is
    // tested in unit_node (SyncPlanner).
    std::printf("sync: %llu blocks from %llu peers\n",
                static_cast<unsigned long long>(m.blocks_synced),
                static_cast<unsigned long long>(m.sync_sources));
    EXPECT_GE(m.sync_sources, 1u);
    // It follows consensus after catching up: the cluster moves on, so does it.
    const uint64_t later = c.MinHeight() + 5;
    ASSERT_TRUE(WaitFor([&] { return observer->driver().Status().height >= later; }, 60s))
        << "observer stuck at " << observer->driver().Status().height;
    ASSERT_TRUE(WaitFor(
        [&] { return observer->driver().Metrics().sync_state == SyncState::kSynced; }, 10s));
    // Compare only what every validator has too.
    ASSERT_TRUE(WaitFor([&] { return c.MinHeight() >= later; }, 60s));
    // Same chain and state as the validators.
    for (uint64_t h = 0; h <= later; ++h) {
        EXPECT_EQ(observer->blocks().GetBlockHash(h).value(),
                  c.nodes[0]->blocks().GetBlockHash(h).value())
            << h;
        EXPECT_EQ(observer->blocks().GetStateRoot(h).value(),
                  c.nodes[0]->blocks().GetStateRoot(h).value())
            << h;
    }
    // The engine keeps a bounded window of final blocks in memory.
    EXPECT_LE(observer->driver().Metrics().engine_blocks_in_memory, 128u);
    observer->Stop();
    for (auto& n : c.nodes) n->Stop();
}

}  // namespace
}  // namespace iost::node
