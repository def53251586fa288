// The in-process cluster the node integration tests share: N validators,
// each a real node::Node with a RocksDB temp dir and a loopback P2P host.
#pragma once

#include <gtest/gtest.h>
#include <node/node.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "../unit/node/node_test_util.h"

namespace iost::node {

using namespace std::chrono_literals;
constexpr int kValidators = 6;

// Adds `n` funded accounts (u0000000, u0000001, ...; one shared key) to a
// genesis, so that a test's state is large: the restart and state-sync tests.
inline void AddFillerAccounts(core::Genesis& g, size_t n) {
    const auto key = testing::AccountKey("filler").public_key();
    for (size_t i = 0; i < n; ++i) {
        char name[32];
        std::snprintf(name, sizeof name, "u%07zu", i);
        core::GenesisAccount a;
        a.name = name;
        a.owner = key;
        a.active = key;
        a.gas_pledge = testing::Iost(10);
        a.ram_bytes = 1'000;
        g.accounts.push_back(a);
        g.token.allocations.push_back({a.name, testing::Iost(11)});
    }
}

// A node config for a test node outside a Cluster: loopback P2P on any
// port, no HTTP/gRPC, one verify thread, no fsync, no background audit.
inline NodeConfig LoopbackNodeConfig(const std::string& data_dir) {
    NodeConfig c;
    c.data_dir = data_dir;
    c.p2p_listen = {"127.0.0.1", 0};
    c.http_enabled = false;
    c.grpc_enabled = false;
    c.verify_threads = 1;
    c.storage_sync = false;
    c.audit_txs_per_sec = -1;
    return c;
}

struct Cluster {
    testing::TempDir root;
    core::Genesis genesis = testing::TestGenesis(kValidators, 2, 4);
    std::vector<std::unique_ptr<Node>> nodes;
    // Per-node changes to the config below (a test's variant).
    std::function<void(int, NodeConfig&)> configure;

    NodeConfig ConfigFor(int i) const {
        NodeConfig c;
        c.data_dir = root.str() + "/node" + std::to_string(i);
        c.p2p_listen = {"127.0.0.1", 0};
        c.http_enabled = false;
        c.view_timeout_ms = 1000;
        c.silent_after_ms = 2000;
        c.verify_threads = 1;
        c.storage_sync = false;  // the test is about consensus, not fsync latency
        if (configure) configure(i, c);
        return c;
    }

    std::unique_ptr<Node> Make(int i) {
        auto n =
            Node::Create(ConfigFor(i), genesis, testing::ValidatorKeys(i), util::Logger::Null());
        EXPECT_TRUE(n.ok()) << n.error().message;
        return n.ok() ? std::move(*n) : nullptr;
    }

    // kValidators nodes, fully connected, started.
    void StartAll() {
        for (int i = 0; i < kValidators; ++i) nodes.push_back(Make(i));
        for (auto& n : nodes) ASSERT_NE(n, nullptr);
        for (int i = 0; i < kValidators; ++i) Connect(i);
        for (auto& n : nodes) ASSERT_TRUE(n->Start().ok());
    }

    void Connect(int i) {
        for (int j = 0; j < static_cast<int>(nodes.size()); ++j) {
            if (j != i && nodes[j])
                nodes[i]->host().AddAddress({"127.0.0.1", nodes[j]->p2p_port()});
        }
    }

    uint64_t MinHeight() const {
        uint64_t h = UINT64_MAX;
        for (const auto& n : nodes) {
            if (n) h = std::min(h, n->driver().Status().height);
        }
        return h;
    }
};

// The tx has a receipt (it executed in a final block) on that node.
inline bool FinalOn(Node& n, const crypto::Hash256& h) {
    storage::Hash32 key;
    std::copy(h.begin(), h.end(), key.begin());
    return n.blocks().GetReceipt(key).value().has_value();
}

inline bool WaitFor(const std::function<bool()>& cond, std::chrono::milliseconds limit) {
    const auto end = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < end) {
        if (cond()) return true;
        std::this_thread::sleep_for(50ms);
    }
    return cond();
}

// Same block hash and state root at every height up to `upto` on every node.
inline void ExpectSameChain(Cluster& c, uint64_t upto) {
    for (uint64_t h = 0; h <= upto; ++h) {
        std::optional<storage::Hash32> hash, root;
        for (auto& n : c.nodes) {
            auto bh = n->blocks().GetBlockHash(h).value();
            auto sr = n->blocks().GetStateRoot(h).value();
            ASSERT_TRUE(bh.has_value()) << n->id() << " lacks block " << h;
            ASSERT_TRUE(sr.has_value()) << n->id() << " lacks state root " << h;
            if (!hash) {
                hash = bh;
                root = sr;
            }
            EXPECT_EQ(*bh, *hash) << n->id() << " differs at height " << h;
            EXPECT_EQ(*sr, *root) << n->id() << " state root differs at height " << h;
        }
    }
}

}  // namespace iost::node
