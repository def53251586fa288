// Account, permission and signer names as IOST has them (docs/formats.md §K).
//
// Rules, from go-iost (rpc/util.go checkIDValid and the genesis auth.iost
// contract config/genesis/contract/account.js _checkIdValid/_checkPermValid):
//  - account name: 5..11 characters, each of [a-z0-9_] (no upper case, no
//    '.', no '@'); IOST also refuses names starting with "Contract", which the
//    character rule already excludes. IOST's "0x…" Ethereum-address accounts
//    are not supported here.
//  - contract id: "<name>.iost" for system contracts or "Contract<base58>" for
//    deployed ones, shorter than 100 characters (rpc/util.go).
//  - permission name: 1..32 characters of [a-zA-Z0-9_] ("owner", "active").
//  - a transaction signer is written "name@perm".
// Thread contract: pure functions.
#pragma once

#include <util/result.h>

#include <string>
#include <string_view>

namespace iost::core {

inline constexpr size_t kMinAccountNameLength = 5;
inline constexpr size_t kMaxAccountNameLength = 11;
inline constexpr size_t kMaxPermissionNameLength = 32;
inline constexpr size_t kMaxContractIdLength = 99;
inline constexpr std::string_view kOwnerPermission = "owner";
inline constexpr std::string_view kActivePermission = "active";

util::Status ValidateAccountName(std::string_view name);
util::Status ValidatePermissionName(std::string_view perm);
bool IsAccountName(std::string_view name);
// "token.iost"-style system contract or "Contract…" deployed contract id.
bool IsContractId(std::string_view id);

struct SignerRef {
    std::string account;
    std::string permission;
    std::string ToString() const { return account + "@" + permission; }
    friend bool operator==(const SignerRef&, const SignerRef&) = default;
};

// "name@perm" -> {name, perm}; both parts validated, exactly one '@'.
util::Result<SignerRef> ParseSigner(std::string_view text);

}  // namespace iost::core
