// Contracts deployed as code (docs/contracts.md "JavaScript contracts"):
// IOST's contract JSON ({"ID", "info": {"lang", "version", "abi": [{"name",
// "args", "amountLimit"}]}, "code"}), its validation, where deployed
// contracts and their storage live in state, and the Contract that runs them
// on the ledger's CodeEngine. system.iost/setCode and updateCode
// (MakeSystemContract) use this; the API reads the same keys.
// Thread contract: pure functions and an immutable Contract.
#pragma once

#include <ledger/exec.h>
#include <ledger/state.h>
#include <util/result.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace iost::ledger {

// go-iost core/contract codeSizeLimit: longest accepted source, bytes.
inline constexpr size_t kMaxCodeBytes = 49'152;
// Longest ABI list, ABI name, argument list (ours: bound the JSON we keep).
inline constexpr size_t kMaxAbis = 128;
inline constexpr size_t kMaxAbiNameBytes = 64;
inline constexpr size_t kMaxAbiArgs = 16;
// Storage limits per entry (ours; IOST bounds values by the RAM they cost).
inline constexpr size_t kMaxStorageKeyBytes = 256;
inline constexpr size_t kMaxStorageValueBytes = 65'536;

struct AmountLimit {
    std::string token;
    std::string val;
};

struct AbiEntry {
    std::string name;
    std::vector<std::string> args;  // "string" | "number" | "bool" | "json"
    std::vector<AmountLimit> amount_limit;
};

struct ContractCode {
    std::string id;
    std::string lang;  // "javascript"
    std::string version;
    std::vector<AbiEntry> abi;
    std::string code;
    const AbiEntry* FindAbi(std::string_view name) const;
    // The canonical JSON kept in state and returned by /getContract's
    // source: {"ID","info":{"lang","version","abi":[...]},"code"}.
    std::string ToJson() const;
};

// Parses and validates IOST's contract JSON: lang "javascript", ABI names
// ([A-Za-z0-9_$], not starting with '_', unique, not "constructor"), argument
// types, amountLimit entries, code non-empty and at most kMaxCodeBytes.
util::Result<ContractCode> ParseContractJson(std::string_view json);

// --- state layout (schema.h style) ---
std::string CodeKey(std::string_view id);       // js/c/<id>: ContractCode::ToJson
std::string CodeOwnerKey(std::string_view id);  // js/o/<id>: the deployer's account
// A contract's storage: key → value, map key/field → value, and the list of
// a map's fields (a JSON array, in insertion order). Keys are length-prefixed
// so that no (key, field) pair collides with another.
std::string StorageKey(std::string_view id, std::string_view key);
std::string StorageMapKey(std::string_view id, std::string_view key, std::string_view field);
std::string StorageMapFieldsKey(std::string_view id, std::string_view key);

// The deployed contract `id` as stored, if any (unmetered; for the API).
std::optional<ContractCode> LoadContract(const StateReader& state, std::string_view id);
// The contract id setCode gives a transaction: "Contract" + base58(tx hash).
std::string ContractIdForTx(const crypto::Hash256& tx_hash);

namespace native {
// The Contract that runs deployed code: it loads the code of the current
// contract id from state, checks the action against the ABI, charges the
// call and hands it to `engine`.
std::shared_ptr<const Contract> MakeCodeContract(std::shared_ptr<const CodeEngine> engine);
// system.iost/setCode [contract JSON]: validates, stores, runs init();
// returns ["Contract<hash>"]. The deployer (publisher) owns it and pays RAM.
util::Result<std::string> SetCode(ExecContext& ctx, std::string_view json);
// system.iost/updateCode [contract JSON, data]: replaces the code of the
// contract named by "ID" if its own can_update(data) returns true.
util::Result<std::string> UpdateCode(ExecContext& ctx, std::string_view json,
                                     std::string_view data);
}  // namespace native

}  // namespace iost::ledger
