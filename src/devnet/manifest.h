// DIR/devnet.json: the description of a local network that everything else
// reads (iost-bench, iwallet tests, the SDK tests, `iost-devnet status`):
// chain id, each node's name, role, pid, P2P and HTTP endpoints, files and
// public key, and the funded accounts with their base58 secret keys (the
// form the npm `iost` SDK's KeyPair takes). Format: /tmp/contracts.md and
// docs/devnet.md. Parsing validates every field it uses, so a hand-edited or
// truncated file gives a clear error instead of a crash.
// Thread contract: value types and pure functions (Load/Save touch files).
#pragma once

#include <devnet/options.h>
#include <util/result.h>

#include <string>
#include <string_view>
#include <vector>

namespace iost::devnet {

enum class Role { kBelievable, kNormal, kObserver };
const char* RoleName(Role r);
util::Result<Role> ParseRole(std::string_view text);

struct NodeEntry {
    std::string name;           // node0.. (validators; also their account) or obs0..
    Role role = Role::kNormal;  // initial role (epoch 0 election); roles change per epoch
    int pid = 0;                // 0: not running as far as the launcher knows
    std::string p2p;            // "ip:port"
    std::string http;           // "http://ip:port"
    std::string grpc;           // "ip:port" (IOST's ApiService, docs/grpc.md)
    std::string data_dir;       // absolute
    std::string log;            // iserver's log file (absolute)
    std::string console;        // iserver's stdout/stderr (absolute)
    std::string config;         // iserver.yml (absolute)
    std::string public_key;     // base58 Ed25519 node/consensus key
    bool validator() const { return role != Role::kObserver; }
};

struct AccountEntry {
    std::string name;
    std::string algorithm = "ed25519";
    std::string public_key;  // base58 of the 32-byte key
    std::string secret_key;  // base58 of the 64-byte seed‖pub
    std::string balance;     // liquid IOST at genesis (after the gas pledge), decimal text
    std::string gas_pledge;  // IOST pledged for gas at genesis, decimal text
};

struct Manifest {
    uint32_t chain_id = kDevnetChainId;
    std::string dir;      // absolute
    std::string genesis;  // absolute path of genesis.yml
    NetworkShape shape;
    std::vector<NodeEntry> nodes;
    std::vector<AccountEntry> accounts;
};

std::string ManifestToJson(const Manifest& m);
util::Result<Manifest> ParseManifest(std::string_view json_text, std::string_view source);
util::Result<Manifest> LoadManifest(const std::string& path);
// Write-temp-then-rename, so a reader never sees half a file.
util::Status SaveManifest(const Manifest& m, const std::string& path);

}  // namespace iost::devnet
