// The node's configuration (iserver.yml, docs/node.md) and its keys file:
// every option with a default in place, one parser that validates every key
// and names it in its error message ("p2p.listen: ..."), and unknown keys
// refused so that a typo never silently falls back to a default. Relative
// paths in the file are resolved against the file's own directory, so a
// devnet directory can be moved as a whole. docs/node.md lists every key.
// yaml-cpp stays in config.cpp.
// Thread contract: value types and pure functions (the loaders read files).
#pragma once

#include <crypto/keys.h>
#include <util/log.h>
#include <util/result.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace iost::core {
struct MicroBlock;
}  // namespace iost::core

namespace iost::node {

inline constexpr uint16_t kDefaultP2pPort = 30000;
inline constexpr uint16_t kDefaultHttpPort = 30001;
// go-iost's gRPC port (config/iserver.yml rpc.grpc_addr), docs/grpc.md.
inline constexpr uint16_t kDefaultGrpcPort = 30002;

struct HostPort {
    std::string host;
    uint16_t port = 0;
    std::string ToString() const { return host + ":" + std::to_string(port); }
    friend bool operator==(const HostPort&, const HostPort&) = default;
};
// "1.2.3.4:30000", "[::1]:30000"; port 0 allowed only if allow_zero.
util::Result<HostPort> ParseHostPort(std::string_view text, bool allow_zero);

// std::thread::hardware_concurrency(), at least 1 and at most 64.
int DefaultVerifyThreads();

struct NodeConfig {
    std::string data_dir = "data";  // RocksDB lives in <data_dir>/db
    std::string genesis_file = "genesis.yml";
    std::string keys_file;  // empty: an observer with a fresh node key

    std::string log_level = "info";  // trace|debug|info|warn|error|off
    std::string log_file;            // empty: stderr

    HostPort p2p_listen{"0.0.0.0", kDefaultP2pPort};
    std::vector<HostPort> seeds;
    size_t max_inbound = 32;
    size_t max_inbound_per_ip = 8;  // 0: no per-address cap (loopback is never capped)
    size_t max_outbound = 16;
    // Re-broadcast gossip (MicroBlocks, consensus messages, evidence) received
    // from a peer to our other peers: needed only when validators are not
    // fully meshed; costs (peers-1)x bandwidth.
    bool relay_gossip = false;
    // docs/pob.md §5.5 "Kept copies": keep validators' copies this node does
    // not use now without checking their signatures (false: check on
    // receipt; tests use it as the negative control).
    bool keep_unverified = true;

    bool http_enabled = true;
    HostPort http_listen{"0.0.0.0", kDefaultHttpPort};
    int http_threads = 2;
    size_t http_max_connections = 128;
    size_t http_max_connections_per_ip = 32;  // 0: no per-address cap

    // IOST's ApiService over gRPC (docs/grpc.md), the same API as http.
    bool grpc_enabled = true;
    HostPort grpc_listen{"0.0.0.0", kDefaultGrpcPort};

    // Consensus timing not fixed by the genesis file (node-local).
    int64_t view_timeout_ms = 2000;
    int64_t silent_after_ms = 3000;
    int64_t max_clock_drift_ms = 2000;  // docs/pob.md §6.2: block time ≤ local now + this
    uint32_t max_txs_per_micro = 500;
    uint32_t max_direct_txs = 2000;

    size_t mempool_max_txs = 50'000;
    size_t mempool_max_bytes = 64u << 20;
    size_t mempool_max_per_publisher = 10'000;

    // Signature checks of incoming txs, off the event loop: the hardware
    // threads by default; 0 = on the net thread (config: 0..64).
    int verify_threads = DefaultVerifyThreads();
    // Audit of final transactions' signatures (docs/pob.md §7.4), in
    // transactions per second: "all" (as fast as possible), "off", or a
    // number. Unset: all on an observer, 2000 on a validator.
    std::optional<double> audit_txs_per_sec;  // < 0 = off, 0 = all
    bool storage_sync = true;                 // fsync each final block (off: benchmarks only)
    // TEST ONLY, never set from a config file: a believable validator alters
    // each MicroBlock it produces before signing it (an end-to-end fraud test
    // packs a forged transaction this way; consensus::EngineOptions).
    std::function<void(core::MicroBlock&)> test_only_alter_micro = nullptr;
    // Budget of the decoded state cache in front of RocksDB, MiB (0: off);
    // docs/state.md "Fast state layer".
    size_t state_cache_mb = 64;
    // prune.keep_blocks (docs/state.md "Pruning"): keep the bodies (micro-
    // blocks, receipts, tx index) of this many final blocks below the head;
    // headers and certificates are always kept. 0 = archive (the default).
    uint64_t prune_keep_blocks = 0;
    // State sync (docs/state.md "State sync"). sync.mode: snapshot makes a
    // node with an empty data dir fetch a verified snapshot from its peers
    // instead of replaying from genesis; snapshot_peers of them must offer
    // the same manifest. snapshot.interval: this node writes a snapshot
    // every that many final heights (0: none) and keeps `keep` of them.
    bool sync_snapshot = false;
    size_t sync_snapshot_peers = 2;
    int64_t sync_snapshot_timeout_s = 600;
    uint64_t snapshot_interval = 1'000;
    size_t snapshot_keep = 2;
    // TEST ONLY: this node serves damaged snapshot pieces (a lying peer in
    // the state sync tests). From a config file as
    // snapshot.test_only_corrupt_pieces, accepted only when p2p.listen is a
    // loopback address (the functional test's iserver processes).
    bool test_only_corrupt_snapshot_pieces = false;
};
// The least prune.keep_blocks accepted: a restart from the checkpoint reads
// the last dedup_window (1,000) blocks' tx lists (docs/state.md).
inline constexpr uint64_t kMinPruneKeepBlocks = 1'024;

// Parses YAML text; `base_dir` resolves relative paths ("" keeps them).
util::Result<NodeConfig> ParseNodeConfig(std::string_view yaml_text, std::string_view source,
                                         const std::string& base_dir);
util::Result<NodeConfig> LoadNodeConfig(const std::string& path);
// Cross-field rules (run by the parsers too).
util::Status ValidateNodeConfig(const NodeConfig& c);

// The keys file: the node's consensus key (Ed25519; it is also the P2P node
// key, so peers learn which validator is behind a connection from the
// handshake) and, for a validator, its account name.
//   validator: val0             # omit for an observer
//   secret_key: <base58>        # Ed25519: 64-byte seed‖pub or 32-byte seed
struct NodeKeys {
    std::optional<std::string> validator;
    crypto::KeyPair key;
};
util::Result<NodeKeys> ParseKeysYaml(std::string_view yaml_text, std::string_view source);
util::Result<NodeKeys> LoadKeysFile(const std::string& path);
std::string KeysToYaml(const NodeKeys& keys);

}  // namespace iost::node
