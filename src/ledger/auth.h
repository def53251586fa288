// Accounts and permissions as IOST keeps them (go-iost account/account.go,
// config/genesis/contract/account.js) and the permission algorithm of
// vm/host/authority.go: which keys and accounts, with which weights, satisfy
// `id@perm`.
//
// Three modes, as IOST has them:
//  - kPublisher: the publisher's `active` permission; only keys that signed
//    as the publisher (publisher_sigs) count.
//  - kSigner: a declared signer `name@perm`; keys from `signatures` or
//    `publisher_sigs` count.
//  - kNormal: what a contract asks during execution (RequireAuth); true at
//    once if `id@perm` is in the signer list (declared signers plus
//    publisher@active), keys do not count, and account items recurse.
// A permission other than owner/active that is missing or unsatisfied falls
// back to `active`, and `active` falls back to `owner`.
// Signature validity is NOT checked here: the caller has checked signatures
// (core::Tx::VerifySelf) or deliberately skipped them (PoB sampling,
// docs/pob.md §5.3); only the public keys of the signatures are used.
// Thread contract: pure functions over a StateReader.
#pragma once

#include <core/tx.h>
#include <ledger/state.h>
#include <util/result.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace iost::ledger {

struct PermissionItem {
    std::string id;          // base58 public key, or an account name
    std::string permission;  // for an account item
    bool is_key_pair = true;
    int64_t weight = 1;
    friend bool operator==(const PermissionItem&, const PermissionItem&) = default;
};

struct Permission {
    std::string name;
    std::vector<std::string> groups;
    std::vector<PermissionItem> items;
    int64_t threshold = 1;
    friend bool operator==(const Permission&, const Permission&) = default;
};

struct PermissionGroup {
    std::string name;
    std::vector<PermissionItem> items;
    friend bool operator==(const PermissionGroup&, const PermissionGroup&) = default;
};

struct Account {
    std::string id;
    std::string referrer;
    std::map<std::string, PermissionGroup> groups;
    std::map<std::string, Permission> permissions;
    friend bool operator==(const Account&, const Account&) = default;

    // IOST's JSON form (what /getAccount shows under "permissions"). Only
    // the API and tools use it; state holds the binary form below.
    std::string ToJson() const;
    static util::Result<Account> FromJson(std::string_view json);
    // The state record under acc/<id> (docs/formats.md "Account record"):
    // a format byte, then the fields in the core codec's encoding, groups and
    // permissions in name order, so each account has exactly one encoding.
    // Decode refuses any other format byte, truncated or trailing bytes,
    // names out of order or repeated, and unknown item kinds, saying which.
    std::string Encode() const;
    static util::Result<Account> Decode(std::string_view bytes);
    // A new account as auth.iost/signUp makes it: owner and active each hold
    // one key with weight 100 and threshold 100.
    static Account New(std::string id, std::string referrer, std::string owner_key,
                       std::string active_key);
};

inline constexpr uint8_t kAccountFormatV1 = 1;

// The account as decoded once and shared (StateReader::GetDecoded: a cached
// reader hands out the same object until the record changes); nullptr when
// there is no such account.
std::shared_ptr<const Account> LoadAccountShared(const StateReader& state, std::string_view name);
// A copy, for callers that change it or keep it.
std::optional<Account> LoadAccount(const StateReader& state, std::string_view name);
void StoreAccount(Overlay& state, const Account& a);

enum class AuthType { kNormal, kSigner, kPublisher };

struct AuthInputs {
    // base58 public key → 1 (signed as a signer) or 2 (as the publisher).
    const std::map<std::string, int, std::less<>>* auth_list = nullptr;
    // "name@perm" strings (declared signers plus publisher@active).
    const std::set<std::string, std::less<>>* signer_list = nullptr;
};

// IOST's auth(): is `id@perm` satisfied?
bool CheckPermission(const StateReader& state, std::string_view id, std::string_view perm,
                     const AuthInputs& in, AuthType type);

// The signer list and key list of a transaction (IOST loadTxInfo).
std::set<std::string, std::less<>> SignerList(const core::Tx& tx);
std::map<std::string, int, std::less<>> AuthList(const core::Tx& tx);

// IOST's Isolator.checkAuth: every declared signer is satisfied, the
// publisher's active permission is satisfied by publisher keys, and the
// amount_limit list is well formed (no duplicates, known tokens, decimals).
// Errors carry IOST's messages ("unauthorized publisher: alice").
util::Status CheckTxAuth(const StateReader& state, const core::Tx& tx);
// The same with the transaction's SignerList and AuthList already built
// (the runner needs them anyway; building them base58-encodes every key).
util::Status CheckTxAuth(const StateReader& state, const core::Tx& tx,
                         const std::set<std::string, std::less<>>& signers,
                         const std::map<std::string, int, std::less<>>& keys);

}  // namespace iost::ledger
