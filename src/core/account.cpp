#include <core/account.h>
#include <util/text.h>

#include <algorithm>

namespace iost::core {
namespace {

std::string Shown(std::string_view s) { return util::Quoted(s, 40); }

bool IsNameChar(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; }
bool IsPermChar(char c) { return IsNameChar(c) || (c >= 'A' && c <= 'Z'); }

}  // namespace

util::Status ValidateAccountName(std::string_view name) {
    if (name.size() < kMinAccountNameLength || name.size() > kMaxAccountNameLength) {
        return util::Err("account name " + Shown(name) + " has " + std::to_string(name.size()) +
                         " characters; it must have 5 to 11");
    }
    for (char c : name) {
        if (!IsNameChar(c)) {
            return util::Err("account name " + Shown(name) +
                             " may only contain lower-case letters, digits and '_'");
        }
    }
    return util::Ok();
}

bool IsAccountName(std::string_view name) { return ValidateAccountName(name).ok(); }

util::Status ValidatePermissionName(std::string_view perm) {
    if (perm.empty() || perm.size() > kMaxPermissionNameLength) {
        return util::Err("permission name " + Shown(perm) + " must have 1 to 32 characters");
    }
    for (char c : perm) {
        if (!IsPermChar(c)) {
            return util::Err("permission name " + Shown(perm) +
                             " may only contain letters, digits and '_'");
        }
    }
    return util::Ok();
}

bool IsContractId(std::string_view id) {
    if (id.empty() || id.size() > kMaxContractIdLength) return false;
    constexpr std::string_view kSuffix = ".iost";
    constexpr std::string_view kPrefix = "Contract";
    if (id.size() > kSuffix.size() && id.ends_with(kSuffix)) {
        const auto stem = id.substr(0, id.size() - kSuffix.size());
        return std::all_of(stem.begin(), stem.end(), IsNameChar);
    }
    if (id.size() > kPrefix.size() && id.starts_with(kPrefix)) {
        const auto rest = id.substr(kPrefix.size());
        return std::all_of(rest.begin(), rest.end(), [](char c) {
            return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        });
    }
    return false;
}

util::Result<SignerRef> ParseSigner(std::string_view text) {
    const size_t at = text.find('@');
    if (at == std::string_view::npos || text.find('@', at + 1) != std::string_view::npos) {
        return util::Err("signer " + Shown(text) + " must have the form name@permission");
    }
    SignerRef s{std::string(text.substr(0, at)), std::string(text.substr(at + 1))};
    if (auto st = ValidateAccountName(s.account); !st) {
        return util::Err("signer " + Shown(text) + ": " + st.error().message);
    }
    if (auto st = ValidatePermissionName(s.permission); !st) {
        return util::Err("signer " + Shown(text) + ": " + st.error().message);
    }
    return s;
}

}  // namespace iost::core
