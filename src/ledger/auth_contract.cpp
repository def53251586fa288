// auth.iost: accounts and permissions (go-iost config/genesis/contract/account.js):
// signUp, addPermission, dropPermission, assignPermission, revokePermission,
// addGroup, dropGroup, assignGroup, revokeGroup, assignPermissionToGroup,
// revokePermissionInGroup.
#include <core/account.h>
#include <core/genesis.h>
#include <ledger/auth.h>
#include <ledger/native.h>

#include <algorithm>

namespace iost::ledger::native {
namespace {

using util::Err;
using util::Result;

// signUp pledges this much of the referrer's IOST for the new account's gas
// (account.js defaultGasPledge).
constexpr std::string_view kDefaultGasPledge = "10";

Result<void> CheckId(std::string_view id) {
    if (id.size() < core::kMinAccountNameLength || id.size() > core::kMaxAccountNameLength) {
        return Err("id invalid. id length should be between 5,11 > " + std::string(id));
    }
    for (char c : id) {
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) {
            return Err("id invalid. id contains invalid character > " + std::string(1, c));
        }
    }
    return util::Ok();
}

Result<void> CheckPerm(std::string_view perm) {
    if (perm.empty() || perm.size() > core::kMaxPermissionNameLength) {
        return Err("id invalid. id length should be between 1,32 > " + std::string(perm));
    }
    for (char c : perm) {
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_')) {
            return Err("id invalid. id contains invalid character > " + std::string(1, c));
        }
    }
    return util::Ok();
}

Result<void> CheckKey(std::string_view key, const char* which) {
    auto k = core::ParsePublicKeyText(key);
    if (!k) return Err(std::string("invalid ") + which + " key: " + k.error().message);
    return util::Ok();
}

Result<Account> LoadForUpdate(ExecContext& ctx, const std::string& id) {
    if (!ctx.RequireAuth(id, core::kOwnerPermission)) return Err("require auth failed");
    // Metered like any state read; the decoded record comes from the cache.
    if (!ctx.Get(schema::AccountKey(id))) return Err("account not exists > " + id);
    auto a = LoadAccount(ctx.state(), id);
    IOST_ASSERT(a.has_value(), "the account read above exists");
    return std::move(*a);
}

void Save(ExecContext& ctx, const Account& a) { ctx.Put(schema::AccountKey(a.id), a.Encode()); }

// An item "key" or "account@perm" as account.js parses it.
Result<PermissionItem> ParseItem(std::string_view un, int64_t weight) {
    PermissionItem it;
    it.weight = weight;
    const size_t at = un.find('@');
    if (at == std::string_view::npos) {
        IOST_TRY(CheckKey(un, "permission item"));
        it.id = std::string(un);
        it.is_key_pair = true;
    } else if (at > 0) {
        it.id = std::string(un.substr(0, at));
        it.permission = std::string(un.substr(at + 1));
        it.is_key_pair = false;
        IOST_TRY(CheckId(it.id));
        IOST_TRY(CheckPerm(it.permission));
    } else {
        return Err("unexpected item");
    }
    return it;
}

bool SameItem(const PermissionItem& it, std::string_view un) {
    const size_t at = un.find('@');
    if (at == std::string_view::npos) return it.is_key_pair && it.id == un;
    return !it.is_key_pair && it.id == un.substr(0, at) && it.permission == un.substr(at + 1);
}

// Sets the weight of the first item `matches` accepts, or appends `un` as a
// new item (auth.iost assignPermission / assignGroup).
template <typename Match>
util::Status UpsertItem(std::vector<PermissionItem>& items, const std::string& un, int64_t weight,
                        Match matches) {
    auto found = std::find_if(items.begin(), items.end(), matches);
    if (found != items.end()) {
        found->weight = weight;
        return {};
    }
    auto item = ParseItem(un, weight);
    if (!item) return util::ErrOf(item.error());
    items.push_back(std::move(*item));
    return {};
}

// Removes the item `un` names (auth.iost revokePermission / revokeGroup).
util::Status RemoveItem(std::vector<PermissionItem>& items, std::string_view un) {
    auto found =
        std::find_if(items.begin(), items.end(), [&](const auto& it) { return SameItem(it, un); });
    if (found == items.end()) return Err("item not found");
    items.erase(found);
    return {};
}

Result<std::string> SignUp(ExecContext& ctx, Args& args) {
    const std::string& id = args.Str(0);
    const std::string& owner = args.Str(1);
    const std::string& active = args.Str(2);
    if (ctx.Get(schema::AccountKey(id))) return Err("id existed > " + id);
    IOST_TRY(CheckId(id));
    IOST_TRY(CheckKey(owner, "owner"));
    IOST_TRY(CheckKey(active, "active"));
    std::string referrer(ctx.caller());
    if (referrer.empty()) referrer = ctx.tx().publisher;
    Save(ctx, Account::New(id, referrer, owner, active));
    auto r = ctx.CallWithAuth("gas.iost", "pledge", JsonArray({referrer, id, kDefaultGasPledge}));
    if (!r) return util::ErrOf(r.error());
    ctx.Receipt("auth.iost/signUp", args.Dump());
    return std::string("[]");
}

Result<std::string> AddPermission(ExecContext& ctx, Args& args) {
    const std::string& id = args.Str(0);
    const std::string& perm = args.Str(1);
    const int64_t thres = args.Num(2);
    auto acc = LoadForUpdate(ctx, id);
    if (!acc) return util::ErrOf(acc.error());
    IOST_TRY(CheckPerm(perm));
    if (thres <= 0) return Err("threshold should be positive");
    if (acc->permissions.count(perm)) return Err("permission already exist");
    acc->permissions.emplace(perm, Permission{perm, {}, {}, thres});
    Save(ctx, *acc);
    ctx.Receipt("auth.iost/addPermission", args.Dump());
    return std::string("[]");
}

Result<std::string> DropPermission(ExecContext& ctx, Args& args) {
    const std::string& id = args.Str(0);
    const std::string& perm = args.Str(1);
    auto acc = LoadForUpdate(ctx, id);
    if (!acc) return util::ErrOf(acc.error());
    if (perm == core::kActivePermission || perm == core::kOwnerPermission) {
        return Err("drop active or owner is forbidden");
    }
    acc->permissions.erase(perm);
    Save(ctx, *acc);
    ctx.Receipt("auth.iost/dropPermission", args.Dump());
    return std::string("[]");
}

Result<std::string> AssignPermission(ExecContext& ctx, Args& args) {
    const std::string& id = args.Str(0);
    const std::string& perm = args.Str(1);
    const std::string& un = args.Str(2);
    const int64_t weight = args.Num(3);
    auto acc = LoadForUpdate(ctx, id);
    if (!acc) return util::ErrOf(acc.error());
    if (weight <= 0) return Err("weight less than zero");
    auto pit = acc->permissions.find(perm);
    if (pit == acc->permissions.end()) return Err("permission not exist > " + perm);
    // account.js _find matches on id only.
    const size_t at = un.find('@');
    const std::string un_id = at == std::string::npos ? un : un.substr(0, at);
    IOST_TRY(
        UpsertItem(pit->second.items, un, weight, [&](const auto& it) { return it.id == un_id; }));
    Save(ctx, *acc);
    ctx.Receipt("auth.iost/assignPermission", args.Dump());
    return std::string("[]");
}

Result<std::string> RevokePermission(ExecContext& ctx, Args& args) {
    const std::string& id = args.Str(0);
    const std::string& perm = args.Str(1);
    const std::string& un = args.Str(2);
    auto acc = LoadForUpdate(ctx, id);
    if (!acc) return util::ErrOf(acc.error());
    auto pit = acc->permissions.find(perm);
    if (pit == acc->permissions.end()) return Err("permission not exist > " + perm);
    IOST_TRY(RemoveItem(pit->second.items, un));
    Save(ctx, *acc);
    ctx.Receipt("auth.iost/revokePermission", args.Dump());
    return std::string("[]");
}

Result<std::string> AddGroup(ExecContext& ctx, Args& args) {
    const std::string& id = args.Str(0);
    const std::string& grp = args.Str(1);
    auto acc = LoadForUpdate(ctx, id);
    if (!acc) return util::ErrOf(acc.error());
    IOST_TRY(CheckPerm(grp));
    if (acc->groups.count(grp)) return Err("group already exist");
    acc->groups.emplace(grp, PermissionGroup{grp, {}});
    Save(ctx, *acc);
    ctx.Receipt("auth.iost/addGroup", args.Dump());
    return std::string("[]");
}

Result<std::string> DropGroup(ExecContext& ctx, Args& args) {
    const std::string& id = args.Str(0);
    const std::string& grp = args.Str(1);
    auto acc = LoadForUpdate(ctx, id);
    if (!acc) return util::ErrOf(acc.error());
    acc->groups.erase(grp);
    for (auto& [name, p] : acc->permissions) {
        std::erase(p.groups, grp);
    }
    Save(ctx, *acc);
    ctx.Receipt("auth.iost/dropGroup", args.Dump());
    return std::string("[]");
}

Result<std::string> AssignGroup(ExecContext& ctx, Args& args) {
    const std::string& id = args.Str(0);
    const std::string& grp = args.Str(1);
    const std::string& un = args.Str(2);
    const int64_t weight = args.Num(3);
    auto acc = LoadForUpdate(ctx, id);
    if (!acc) return util::ErrOf(acc.error());
    if (weight <= 0) return Err("weight less than zero");
    auto git = acc->groups.find(grp);
    if (git == acc->groups.end()) return Err("group not exist > " + grp);
    IOST_TRY(UpsertItem(git->second.items, un, weight,
                        [&](const auto& it) { return SameItem(it, un); }));
    Save(ctx, *acc);
    ctx.Receipt("auth.iost/assignGroup", args.Dump());
    return std::string("[]");
}

Result<std::string> RevokeGroup(ExecContext& ctx, Args& args) {
    const std::string& id = args.Str(0);
    const std::string& grp = args.Str(1);
    const std::string& un = args.Str(2);
    auto acc = LoadForUpdate(ctx, id);
    if (!acc) return util::ErrOf(acc.error());
    auto git = acc->groups.find(grp);
    if (git == acc->groups.end()) return Err("group not exist > " + grp);
    IOST_TRY(RemoveItem(git->second.items, un));
    Save(ctx, *acc);
    ctx.Receipt("auth.iost/revokeGroup", args.Dump());
    return std::string("[]");
}

Result<std::string> AssignPermissionToGroup(ExecContext& ctx, Args& args) {
    const std::string& id = args.Str(0);
    const std::string& perm = args.Str(1);
    const std::string& grp = args.Str(2);
    auto acc = LoadForUpdate(ctx, id);
    if (!acc) return util::ErrOf(acc.error());
    auto pit = acc->permissions.find(perm);
    if (pit == acc->permissions.end()) return Err("permission not exist > " + perm);
    if (!acc->groups.count(grp)) return Err("group not exist > " + grp);
    auto& gs = pit->second.groups;
    if (std::find(gs.begin(), gs.end(), grp) == gs.end()) gs.push_back(grp);
    Save(ctx, *acc);
    ctx.Receipt("auth.iost/assignPermissionToGroup", args.Dump());
    return std::string("[]");
}

Result<std::string> RevokePermissionInGroup(ExecContext& ctx, Args& args) {
    const std::string& id = args.Str(0);
    const std::string& perm = args.Str(1);
    const std::string& grp = args.Str(2);
    auto acc = LoadForUpdate(ctx, id);
    if (!acc) return util::ErrOf(acc.error());
    auto pit = acc->permissions.find(perm);
    if (pit == acc->permissions.end()) return Err("permission not exist > " + perm);
    std::erase(pit->second.groups, grp);
    Save(ctx, *acc);
    ctx.Receipt("auth.iost/revokePermissionInGroup", args.Dump());
    return std::string("[]");
}

}  // namespace

std::shared_ptr<const Contract> MakeAuthContract() {
    using A = Arg;
    std::map<std::string, ActionDef, std::less<>> t;
    t["signUp"] = {{A::kString, A::kString, A::kString}, SignUp};
    t["addPermission"] = {{A::kString, A::kString, A::kNumber}, AddPermission};
    t["dropPermission"] = {{A::kString, A::kString}, DropPermission};
    t["assignPermission"] = {{A::kString, A::kString, A::kString, A::kNumber}, AssignPermission};
    t["revokePermission"] = {{A::kString, A::kString, A::kString}, RevokePermission};
    t["addGroup"] = {{A::kString, A::kString}, AddGroup};
    t["dropGroup"] = {{A::kString, A::kString}, DropGroup};
    t["assignGroup"] = {{A::kString, A::kString, A::kString, A::kNumber}, AssignGroup};
    t["revokeGroup"] = {{A::kString, A::kString, A::kString}, RevokeGroup};
    t["assignPermissionToGroup"] = {{A::kString, A::kString, A::kString}, AssignPermissionToGroup};
    t["revokePermissionInGroup"] = {{A::kString, A::kString, A::kString}, RevokePermissionInGroup};
    return std::make_shared<NativeContract>("auth.iost", std::move(t), kGasPerJsCall);
}

}  // namespace iost::ledger::native
