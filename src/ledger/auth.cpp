#include <core/account.h>
#include <core/amount.h>
#include <ledger/auth.h>
#include <ledger/schema.h>

#include <nlohmann/json.hpp>

namespace iost::ledger {
namespace {

using nlohmann::json;

json ItemToJson(const PermissionItem& it) {
    json j = {{"id", it.id}, {"is_key_pair", it.is_key_pair}, {"weight", it.weight}};
    if (!it.is_key_pair) j["permission"] = it.permission;
    return j;
}

util::Result<PermissionItem> ItemFromJson(const json& j) {
    if (!j.is_object() || !j.contains("id") || !j["id"].is_string()) {
        return util::Err("account item: missing id");
    }
    PermissionItem it;
    it.id = j["id"].get<std::string>();
    it.is_key_pair = j.value("is_key_pair", true);
    if (j.contains("permission") && j["permission"].is_string()) {
        it.permission = j["permission"].get<std::string>();
    }
    if (!j.contains("weight") || !j["weight"].is_number_integer()) {
        return util::Err("account item: missing weight");
    }
    it.weight = j["weight"].get<int64_t>();
    return it;
}

// go-iost authority.go auth(), with its recursion guard (`reenter`).
bool AuthRec(const StateReader& state, std::string_view id, std::string_view perm,
             const AuthInputs& in, AuthType type, std::set<std::string>& reenter) {
    std::string key = std::string(id) + "@" + std::string(perm);
    if (!reenter.insert(key).second) return false;
    if (type == AuthType::kNormal && in.signer_list && in.signer_list->count(key)) return true;

    const auto acc = LoadAccount(state, id);
    if (!acc) return false;

    auto pit = acc->permissions.find(std::string(perm));
    if (pit == acc->permissions.end()) {
        if (perm == core::kOwnerPermission || perm == core::kActivePermission) return false;
        return AuthRec(state, id, core::kActivePermission, in, type, reenter);
    }
    const Permission& p = pit->second;
    std::vector<const PermissionItem*> items;
    for (const auto& it : p.items) items.push_back(&it);
    for (const auto& g : p.groups) {
        auto git = acc->groups.find(g);
        if (git == acc->groups.end()) continue;
        for (const auto& it : git->second.items) items.push_back(&it);
    }
    const int atype = type == AuthType::kPublisher ? 1 : 0;
    int64_t weight = 0;
    for (const PermissionItem* it : items) {
        if (it->is_key_pair) {
            if (type == AuthType::kNormal) continue;
            if (!in.auth_list) continue;
            auto k = in.auth_list->find(it->id);
            if (k != in.auth_list->end() && k->second > atype) {
                weight += it->weight;
                if (weight >= p.threshold) return true;
            }
        } else if (AuthRec(state, it->id, it->permission, in, type, reenter)) {
            weight += it->weight;
            if (weight >= p.threshold) return true;
        }
    }
    if (weight >= p.threshold) return true;
    if (perm == core::kActivePermission) {
        return AuthRec(state, id, core::kOwnerPermission, in, type, reenter);
    }
    if (perm == core::kOwnerPermission) return false;
    return AuthRec(state, id, core::kActivePermission, in, type, reenter);
}

}  // namespace

std::string Account::ToJson() const {
    json j;
    j["id"] = id;
    j["referrer"] = referrer;
    json gs = json::object();
    for (const auto& [name, g] : groups) {
        json items = json::array();
        for (const auto& it : g.items) items.push_back(ItemToJson(it));
        gs[name] = {{"name", g.name}, {"items", std::move(items)}};
    }
    j["groups"] = std::move(gs);
    json ps = json::object();
    for (const auto& [name, p] : permissions) {
        json items = json::array();
        for (const auto& it : p.items) items.push_back(ItemToJson(it));
        ps[name] = {{"name", p.name},
                    {"groups", p.groups},
                    {"items", std::move(items)},
                    {"threshold", p.threshold}};
    }
    j["permissions"] = std::move(ps);
    return j.dump();  // nlohmann::json objects iterate in key order: canonical
}

util::Result<Account> Account::FromJson(std::string_view text) {
    json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object()) return util::Err("account: not a JSON object");
    Account a;
    if (!j.contains("id") || !j["id"].is_string()) return util::Err("account: missing id");
    a.id = j["id"].get<std::string>();
    if (j.contains("referrer") && j["referrer"].is_string())
        a.referrer = j["referrer"].get<std::string>();
    if (j.contains("groups") && j["groups"].is_object()) {
        for (const auto& [name, g] : j["groups"].items()) {
            PermissionGroup pg;
            pg.name = name;
            if (g.contains("items") && g["items"].is_array()) {
                for (const auto& it : g["items"]) {
                    auto item = ItemFromJson(it);
                    if (!item) return util::ErrOf(item.error());
                    pg.items.push_back(std::move(*item));
                }
            }
            a.groups.emplace(name, std::move(pg));
        }
    }
    if (!j.contains("permissions") || !j["permissions"].is_object()) {
        return util::Err("account: missing permissions");
    }
    for (const auto& [name, p] : j["permissions"].items()) {
        if (!p.is_object()) return util::Err("account: permission " + name + " is not an object");
        Permission perm;
        perm.name = name;
        if (p.contains("groups") && p["groups"].is_array()) {
            for (const auto& g : p["groups"]) {
                if (g.is_string()) perm.groups.push_back(g.get<std::string>());
            }
        }
        if (p.contains("items") && p["items"].is_array()) {
            for (const auto& it : p["items"]) {
                auto item = ItemFromJson(it);
                if (!item) return util::ErrOf(item.error());
                perm.items.push_back(std::move(*item));
            }
        }
        if (!p.contains("threshold") || !p["threshold"].is_number_integer()) {
            return util::Err("account: permission " + name + " has no threshold");
        }
        perm.threshold = p["threshold"].get<int64_t>();
        a.permissions.emplace(name, std::move(perm));
    }
    return a;
}

Account Account::New(std::string id, std::string referrer, std::string owner_key,
                     std::string active_key) {
    Account a;
    a.id = std::move(id);
    a.referrer = std::move(referrer);
    Permission active{"active", {}, {PermissionItem{std::move(active_key), "", true, 100}}, 100};
    Permission owner{"owner", {}, {PermissionItem{std::move(owner_key), "", true, 100}}, 100};
    a.permissions.emplace("active", std::move(active));
    a.permissions.emplace("owner", std::move(owner));
    return a;
}

std::optional<Account> LoadAccount(const StateReader& state, std::string_view name) {
    auto raw = state.Get(schema::AccountKey(name));
    if (!raw) return std::nullopt;
    auto a = Account::FromJson(*raw);
    // State is written only by this code; an unreadable account is a broken
    // invariant, not user input.
    IOST_ASSERT(a.ok(), "stored account JSON must parse");
    return std::move(*a);
}

void StoreAccount(Overlay& state, const Account& a) {
    state.Put(schema::AccountKey(a.id), a.ToJson());
}

bool CheckPermission(const StateReader& state, std::string_view id, std::string_view perm,
                     const AuthInputs& in, AuthType type) {
    std::set<std::string> reenter;
    return AuthRec(state, id, perm, in, type, reenter);
}

std::set<std::string, std::less<>> SignerList(const core::Tx& tx) {
    std::set<std::string, std::less<>> s;
    for (const auto& v : tx.signers) {
        if (std::count(v.begin(), v.end(), '@') == 1) s.insert(v);
    }
    s.insert(tx.publisher + "@active");
    return s;
}

std::map<std::string, int, std::less<>> AuthList(const core::Tx& tx) {
    std::map<std::string, int, std::less<>> m;
    for (const auto& s : tx.signatures) m[util::Base58Encode(s.pubkey)] = 1;
    for (const auto& s : tx.publisher_sigs) m[util::Base58Encode(s.pubkey)] = 2;
    return m;
}

util::Status CheckTxAuth(const StateReader& state, const core::Tx& tx) {
    const auto signers = SignerList(tx);
    const auto keys = AuthList(tx);
    const AuthInputs in{&keys, &signers};
    for (const auto& item : tx.signers) {
        const size_t at = item.find('@');
        if (at == std::string::npos || item.find('@', at + 1) != std::string::npos) {
            return util::Err("illegal signer: " + item);
        }
        if (!CheckPermission(state, item.substr(0, at), item.substr(at + 1), in,
                             AuthType::kSigner)) {
            return util::Err("unauthorized signer: " + item);
        }
    }
    if (!CheckPermission(state, tx.publisher, core::kActivePermission, in, AuthType::kPublisher)) {
        return util::Err("unauthorized publisher: " + tx.publisher);
    }
    std::set<std::string> seen;
    for (const auto& limit : tx.amount_limit) {
        if (!seen.insert(limit.token).second) {
            return util::Err("duplicated token in amountLimit: " + limit.token);
        }
        int decimals = 0;
        if (limit.token != "*") {
            auto raw = state.Get(schema::TokenInfoKey(limit.token));
            if (!raw) {
                return util::Err("token not exists in amountLimit, {" + limit.token + " " +
                                 limit.value + "}");
            }
            auto info = schema::TokenInfo::Decode(*raw);
            IOST_ASSERT(info.ok(), "stored token info must decode");
            decimals = info->decimal;
        }
        if (limit.value != "unlimited") {
            auto a = core::Amount::Parse(limit.value, decimals, core::ExcessDecimals::kTruncate);
            if (!a)
                return util::Err("invalid amountLimit " + limit.token + ": " + a.error().message);
        }
    }
    return util::Ok();
}

}  // namespace iost::ledger
