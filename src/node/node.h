// Node: wires one iserver together (docs/node.md): config → genesis → keys →
// RocksDB data dir (block, state and safety stores) → ledger → consensus
// driver → P2P host. The HTTP API lives in rpc/ (above node) and reads the
// node through this class.
//
// Data dir layout (docs/node.md): <data_dir>/db is the RocksDB database
// (blocks, certificates, micro-blocks, receipts, tx index, state, safety
// records); <data_dir>/node_key.yml holds an observer's generated P2P key so
// its identity survives restarts.
//
// Thread contract: Create/Start/Stop from one owning thread; the accessors
// return thread-safe components (Driver's read API, Host).
#pragma once

#include <core/genesis.h>
#include <crypto/keys.h>
#include <ledger/ledger.h>
#include <ledger/state_cache.h>
#include <net/peer_manager.h>
#include <node/config.h>
#include <node/driver.h>
#include <node/mempool.h>
#include <node/snapshot_service.h>
#include <node/state_sync.h>
#include <storage/block_store.h>
#include <storage/rocks_kv_store.h>
#include <storage/safety_store.h>
#include <storage/state_store.h>
#include <util/log.h>
#include <util/result.h>

#include <atomic>
#include <functional>
#include <memory>
#include <string>

namespace iost::node {

// A connected peer as the API shows it (IOST rpcpb.PeerInfo).
struct PeerSummary {
    std::string id;    // its consensus name (validator id or peer:<hex key>)
    std::string addr;  // remote ip:port
};

// Consensus parameters: the genesis file's PoB section plus node-local timing.
consensus::Params ParamsFrom(const core::Genesis& g, const NodeConfig& c);

class Node {
  public:
    // Loads the genesis and keys files, opens the data dir, builds the
    // driver and binds the P2P port. Every failure is a clear message.
    static util::Result<std::unique_ptr<Node>> Create(const NodeConfig& config, util::Logger log);
    // Same with the genesis and keys given directly (tests).
    static util::Result<std::unique_ptr<Node>> Create(const NodeConfig& config,
                                                      const core::Genesis& genesis,
                                                      std::optional<NodeKeys> keys,
                                                      util::Logger log);
    ~Node();
    Node(const Node&) = delete;
    Node& operator=(const Node&) = delete;

    // Restores from disk (or initializes genesis), then starts networking.
    util::Status Start();
    // Stops networking, then the driver, then closes the database. Idempotent.
    void Stop();
    // Called (from the driver's loop) if the node halts on a storage error.
    void SetFatalHandler(std::function<void(const std::string&)> cb);

    Driver& driver() { return *m_driver; }
    // How this start's state sync went (zeros when the node did not sync).
    const StateSyncReport& state_sync_report() const { return m_sync_report; }
    SnapshotService& snapshots() { return *m_snapshots; }
    const Driver& driver() const { return *m_driver; }
    net::Host& host() { return *m_host; }
    const core::Genesis& genesis() const { return m_genesis; }
    const NodeConfig& config() const { return m_config; }
    const crypto::Hash256& genesis_hash() const { return m_genesis_hash; }
    uint16_t p2p_port() const { return m_host->listen_port(); }
    const std::string& id() const { return m_driver->id(); }
    bool is_validator() const { return m_keys.validator.has_value(); }
    storage::BlockStore& blocks() { return *m_blocks; }
    // Read side for the API (thread-safe: final state, through the state
    // cache in front of RocksDB; docs/state.md "Fast state layer").
    const ledger::Ledger& ledger() const { return *m_ledger; }
    const ledger::StateReader& state() const { return *m_state_cache; }
    const ledger::CachedState& state_cache() const { return *m_state_cache; }
    // The committed state on disk, for ordered scans (/listContractStorage);
    // thread-safe, per key as consistent as state() (storage/state_store.h).
    const storage::StateStore& state_store() const { return *m_state; }
    const Mempool& mempool() const { return *m_mempool; }
    const NodeKeys& keys() const { return m_keys; }
    std::vector<PeerSummary> Peers() const;
    // base58 of the node's P2P (= consensus) public key.
    std::string NetworkId() const;

  private:
    Node() = default;

    NodeConfig m_config;
    core::Genesis m_genesis;
    crypto::Hash256 m_genesis_hash{};
    NodeKeys m_keys;
    util::Logger m_log = util::Logger::Null();
    std::unique_ptr<ledger::GenesisState> m_genesis_state;
    std::unique_ptr<ledger::Ledger> m_ledger;
    std::unique_ptr<storage::RocksKvStore> m_kv;
    std::unique_ptr<storage::BlockStore> m_blocks;
    std::unique_ptr<storage::SafetyStore> m_safety;
    std::unique_ptr<storage::StateStore> m_state;
    std::unique_ptr<StoreStateReader> m_state_reader;
    std::unique_ptr<ledger::CachedState> m_state_cache;  // over m_state_reader
    std::unique_ptr<crypto::KeyPairSigner> m_signer;
    std::unique_ptr<Mempool> m_mempool;
    std::unique_ptr<Driver> m_driver;
    std::unique_ptr<net::Host> m_host;
    // State sync (docs/state.md): the serving side, and the joiner while it
    // runs (Start); the net callbacks route snapshot traffic by these.
    std::unique_ptr<SnapshotService> m_snapshots;
    std::atomic<StateSync*> m_state_sync{nullptr};
    std::atomic<bool> m_joining{false};
    StateSyncReport m_sync_report;
    util::Status RunStateSync();
    bool m_started = false;
    bool m_stopped = false;
};

}  // namespace iost::node
