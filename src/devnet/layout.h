// The files of a devnet directory (docs/devnet.md "Layout"):
//
//   DIR/devnet.json            the manifest (manifest.h)
//   DIR/genesis.yml            shared by every node (chain id 1024)
//   DIR/<node>/iserver.yml     node config (docs/node.md), relative paths
//   DIR/<node>/keys.yml        consensus = P2P key (validators name their account)
//   DIR/<node>/data/           RocksDB
//   DIR/<node>/iserver.log     the node's log; console.log: its stdout/stderr
//
// Validators are accounts node0..node{B+N-1} (5-11 characters, as IOST
// account names must be); observers are obs0.. (no account). Funded
// accounts: admin and user1..userK. Every key is a fresh random Ed25519 key
// (crypto::KeyPair::Generate), kept in devnet.json as base58. The genesis
// text is parsed back with core::ParseGenesisYaml before anything starts, so
// a layout the node would refuse fails here with the node's own message.
//
// PoB vs --fallback (docs/pob.md §4, consensus/election.cpp): every devnet
// validator is eligible, so B+N validators with N >= 4 run PoB with B
// believable and N normal. --fallback writes believable_size = B+N and
// normal_size = B+N: fewer than believable_size+4 are eligible, so the
// election puts every validator in the one normal league (chain fallback),
// which is plain PBFT over the same machines.
// Thread contract: pure functions except CreateLayout (writes files).
#pragma once

#include <devnet/manifest.h>
#include <devnet/options.h>
#include <util/result.h>
#include <wallet/key_tool.h>

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace iost::devnet {

// Genesis amounts (IOST). Sized so that kMaxAccounts users, admin and
// kMaxNodes validators fit in the 21e9 supply.
inline constexpr int64_t kAdminAllocation = 5'000'000'000;
inline constexpr int64_t kAdminGasPledge = 1'000'000;
inline constexpr int64_t kUserAllocation = 1'000'000;
inline constexpr int64_t kUserGasPledge = 100'000;  // 100,000 gas per IOST: 1e10 gas
inline constexpr int64_t kValidatorAllocation = 2'000'000;
inline constexpr int64_t kValidatorStake = 1'000'000;
inline constexpr int64_t kValidatorGasPledge = 1'000;
inline constexpr int64_t kValidatorServi = 10;

// --iost-genesis (go-iost config/genesis/genesis.yml, config/dev_admin_key.json,
// config/iserver.yml): admin holds what the other accounts do not of the
// 21e9 supply (go-iost: 21e9 of 90e9; the node fixes mainnet's 21e9); `foundation` 0;
// admin/foundation share the published development key Gcv8c2tH...; the
// first validator is producer000 with its published key 6sNQa7PV...
inline constexpr int64_t kIostSupply = 21'000'000'000;
inline constexpr int64_t kFoundationGasPledge = 10;  // signUp's own pledge in IOST
inline constexpr const char* kIostAdminSecret =
    "2yquS3ySrGWPEKywCPzX4RTJugqRh7kJSo5aehsLYPEWkUxBWA39oMrZ7ZxuM4fgyXYs2cPwh5n8aNNpH5x2VyK1";
inline constexpr const char* kIostAdminPublic = "Gcv8c2tH8qZrUYnKdEEdTtASsxivic2834MQW6mgxqto";
inline constexpr const char* kIostProducer000Secret =
    "1rANSfcRzr4HkhbUFZ7L1Zp69JZZHiDDq5v7dNSbbEqeU4jxy3fszV4HGiaLQEyqVpS1dKT9g7zCVRxBVzuiUzB";
inline constexpr const char* kIostProducer000Public =
    "6sNQa7PV2SFzqCBtQUcQYJGGoU7XaB6R4xuCQVXNZe6b";

std::string ValidatorName(uint32_t i);  // node<i>
// producer000, producer001, ... (IOST's names) with --iost-genesis, else node<i>.
std::string ValidatorName(const NetworkShape& s, uint32_t i);
// IOST allocated to a genesis account of this devnet.
int64_t AllocationOf(const NetworkShape& s, const std::string& account);
std::string ObserverName(uint32_t i);  // obs<i>
std::string UserName(uint32_t i);      // user<i>, i >= 1

// A fresh Ed25519 key in IOST's text form (wallet::NewKey: base58 pubkey
// and 64-byte seed‖pub secret, as the SDK's KeyPair takes it).
wallet::KeyText NewKey();

// genesis.yml for these validators (name → consensus key) and accounts.
std::string GenesisYaml(const NetworkShape& s,
                        const std::vector<std::pair<std::string, wallet::KeyText>>& validators,
                        const std::vector<AccountEntry>& accounts, int64_t timestamp_ns);
// DIR/<node>/iserver.yml. `seeds` are "ip:port" of the other nodes.
std::string NodeConfigYaml(const NetworkShape& s, const std::string& address,
                           const std::vector<std::string>& seeds, bool has_keys,
                           const std::string& log_level);
// The keys file (node/config.h format): validator account (may be empty) and secret.
std::string KeysYaml(const std::string& validator, const std::string& secret_key);

// Initial roles from the genesis file: validator name → believable/normal.
// The library cannot run the election itself (layering: devnet sits below
// consensus/ledger), so a caller that links them may supply it. Without one
// the roles written first are provisional and the launcher corrects them
// from a running node (RolesFromGroups) before `start` returns.
using RoleResolver =
    std::function<util::Result<std::map<std::string, Role>>(const std::string& genesis_path)>;

// Sets the validators' roles from the groups a running node reports
// (status.h QueryGroups). False (and nothing changed) if the groups do not
// name exactly the devnet's validators, e.g. in a later epoch without some.
bool RolesFromGroups(const std::vector<std::string>& believable,
                     const std::vector<std::string>& normal, Manifest* m);

// Writes a fresh devnet into `dir` (which must not hold one: the caller
// deletes it first on --reset) and returns its manifest, pids all 0.
util::Result<Manifest> CreateLayout(const NetworkShape& s, const std::string& dir,
                                    const RoleResolver& roles, const std::string& log_level);

}  // namespace iost::devnet
