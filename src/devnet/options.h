// What a local network looks like (docs/devnet.md): how many believable,
// normal and observer nodes, the sampling probability, loopback addresses and
// ports, and PoB timing, with one validation step whose messages name the
// option and say what to do ("--normal 2: PoB needs ..."). `iost-devnet`,
// the functional tests and iost-bench fill a DevnetOptions; the launcher
// (devnet.h) turns it into files and processes.
//
// Fields that shape the network are optional so that a resumed devnet can
// tell "not given" (take it from DIR/devnet.json) from "given" (must match).
// Thread contract: value types and pure functions.
#pragma once

#include <util/result.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace iost::devnet {

inline constexpr uint32_t kDevnetChainId = 1024;  // the SDK's default chain id
// go-iost's local node (config/iserver.yml p2p.chainid since v3.1.0; the
// SDK's default 1024 is mainnet's). --iost-genesis uses it unless --chain-id.
inline constexpr uint32_t kIostLocalChainId = 1024;  // go-iost config/iserver.yml p2p.chainid
inline constexpr uint16_t kDefaultP2pPort = 30000;
inline constexpr uint16_t kDefaultHttpPort = 30001;
inline constexpr uint16_t kDefaultGrpcPort = 30002;  // IOST's gRPC port (docs/grpc.md)
inline constexpr uint32_t kDefaultBelievable = 4;
inline constexpr uint32_t kDefaultNormal = 4;
inline constexpr uint32_t kDefaultAccounts = 4;
inline constexpr const char* kDefaultSampling = "0.1";
inline constexpr const char* kDefaultHost = "127.0.0.1";
// PoB runs only with at least B+4 eligible validators (docs/pob.md §4);
// every devnet validator is eligible, so PoB needs normal >= 4.
inline constexpr uint32_t kMinNormalForPob = 4;
inline constexpr uint32_t kMaxNodes = 200;
inline constexpr uint32_t kMaxAccounts = 100'000;
// With --iost-genesis admin holds the rest of the 21e9 supply; keep it large.
inline constexpr uint32_t kMaxAccountsIostGenesis = 10'000;
// Every node writes a state snapshot at the multiples of this height
// (iserver.yml snapshot.interval, docs/state.md "Snapshot files"); the
// node's own default. 0 = none.
inline constexpr uint64_t kDefaultSnapshotInterval = 1'000;
inline constexpr uint64_t kMinSnapshotInterval = 10;

// The network's shape: fixed when the devnet is created, kept in devnet.json.
struct NetworkShape {
    uint32_t believable = kDefaultBelievable;
    uint32_t normal = kDefaultNormal;
    uint32_t observers = 0;
    uint32_t accounts = kDefaultAccounts;     // user1..userN besides admin
    std::string sampling = kDefaultSampling;  // decimal text, as in the genesis file
    bool fallback = false;                    // one-league PBFT (chain fallback)
    std::string host = kDefaultHost;          // node i binds host + i
    uint16_t p2p_port = kDefaultP2pPort;
    uint16_t http_port = kDefaultHttpPort;
    uint16_t grpc_port = kDefaultGrpcPort;
    // The consensus defaults (consensus/params.h, docs/benchmarks.md "Latency").
    uint32_t micro_interval_ms = 20;
    uint32_t final_interval_ms = 300;
    uint64_t epoch_length = 1000;
    uint64_t snapshot_interval = kDefaultSnapshotInterval;  // written into every iserver.yml
    // IOST's documented local-node genesis (go-iost config/genesis/genesis.yml,
    // config/dev_admin_key.json): `admin` and `foundation` with the published
    // development key, validators producer000 (its published key), producer001...
    bool iost_genesis = false;
    uint32_t chain_id = kDevnetChainId;

    uint32_t validators() const { return believable + normal; }
    uint32_t nodes() const { return believable + normal + observers; }
    friend bool operator==(const NetworkShape&, const NetworkShape&) = default;
};

// Command-line view: every shaping option optional (see the file comment).
struct DevnetOptions {
    std::string dir;  // required
    std::optional<uint32_t> believable, normal, observers, accounts;
    std::optional<std::string> sampling;
    std::optional<bool> fallback;
    std::optional<std::string> host;
    std::optional<uint16_t> p2p_port, http_port, grpc_port;
    std::optional<uint32_t> micro_interval_ms, final_interval_ms;
    std::optional<uint64_t> epoch_length;
    std::optional<uint64_t> snapshot_interval;
    std::optional<bool> iost_genesis;
    std::optional<uint32_t> chain_id;
    bool reset = false;
    std::string bin_dir;            // where iserver is; "" = caller decides
    uint32_t start_timeout_s = 90;  // until every node serves and height >= 1
    std::string log_level = "info";
    // node name → "KEY=VALUE" entries added to that node's iserver
    // environment, for the processes this start launches (not persisted):
    // the functional tests run one node under libfaketime this way.
    std::map<std::string, std::vector<std::string>> node_env;
};

// The shape for a new devnet: options over defaults, validated.
util::Result<NetworkShape> ShapeFromOptions(const DevnetOptions& o);
// The shape of a resumed devnet: `existing` (from devnet.json) with every
// given option checked against it; a difference is an error that names the
// option and suggests --reset.
util::Result<NetworkShape> ResumeShape(const NetworkShape& existing, const DevnetOptions& o);
util::Status ValidateShape(const NetworkShape& s);

// An IPv4 address as a 32-bit number (host order) and back.
util::Result<uint32_t> ParseIpv4(std::string_view text);
std::string FormatIpv4(uint32_t ip);
// The address of node i: host + i. Validation guarantees every node of the
// shape stays in host's /24 and avoids .0 and .255.
std::string NodeAddress(const NetworkShape& s, uint32_t index);

}  // namespace iost::devnet
