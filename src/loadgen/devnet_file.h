// The parts of a devnet's DIR/devnet.json (the iost-devnet contract,
// docs/devnet.md) that iost-bench needs: every node's role, pid, P2P and HTTP
// endpoints and consensus key, and the funded accounts with their keys.
// Parsing is strict about what the benchmark uses (a missing pid or a bad
// key is an error naming the field) and ignores fields it does not use.
// Thread contract: value types and pure functions (LoadDevnetFile reads a file).
#pragma once

#include <crypto/keys.h>
#include <util/result.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace iost::loadgen {

enum class NodeRole { kBelievable, kNormal, kObserver };
std::string_view RoleName(NodeRole r);

struct DevnetNode {
    std::string name;
    NodeRole role = NodeRole::kNormal;
    int64_t pid = 0;
    std::string p2p;         // "ip:port"
    std::string http;        // "http://ip:port"
    std::string config;      // its iserver.yml (names the genesis file)
    util::Bytes public_key;  // 32-byte Ed25519 consensus (= P2P) key
};

struct DevnetAccount {
    std::string name;
    crypto::KeyPair key;
};

struct DevnetInfo {
    uint32_t chain_id = 0;
    std::string dir;
    double sampling = 0;
    bool fallback = false;
    std::vector<DevnetNode> nodes;
    std::vector<DevnetAccount> accounts;

    size_t CountRole(NodeRole r) const;
    // The account named `name`, or nullptr.
    const DevnetAccount* Account(std::string_view name) const;
};

util::Result<DevnetInfo> ParseDevnetJson(std::string_view text);
util::Result<DevnetInfo> LoadDevnetFile(const std::string& path);

}  // namespace iost::loadgen
