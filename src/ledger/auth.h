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

#include <map>
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

    // IOST's JSON form (what /getAccount shows under "permissions").
    std::string ToJson() const;
    static util::Result<Account> FromJson(std::string_view json);
    // A new account as auth.iost/signUp makes it: owner and active each hold
    // one key with weight 100 and threshold 100.
    static Account New(std::string id, std::string referrer, std::string owner_key,
                       std::string active_key);
};

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

}  // namespace iost::ledger
