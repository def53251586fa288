#include <core/account.h>
#include <core/amount.h>
#include <core/codec.h>
#include <ledger/auth.h>
#include <ledger/native.h>
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

    const auto acc = LoadAccountShared(state, id);
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
    json j = native::ParseJson(text);
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

namespace {

// Upper bounds a decoder accepts (far above what auth.iost lets anyone build:
// they only keep a forged length from allocating much).
constexpr size_t kMaxRecordEntries = 100'000;
constexpr size_t kMinItemBytes = 1 + 4 + 8;  // kind, empty id, weight

void EncodeItems(core::Encoder& e, const std::vector<PermissionItem>& items) {
    e.WriteInt32(static_cast<int32_t>(items.size()));
    for (const auto& it : items) {
        e.WriteByte(it.is_key_pair ? 1 : 0).WriteString(it.id);
        if (!it.is_key_pair) e.WriteString(it.permission);
        e.WriteInt64(it.weight);
    }
}

util::Result<std::vector<PermissionItem>> DecodeItems(core::Decoder& d, const std::string& where) {
    auto n = d.ReadCount(kMaxRecordEntries, kMinItemBytes);
    if (!n) return util::Err("account record: " + where + " item count: " + n.error().message);
    std::vector<PermissionItem> items;
    items.reserve(*n);
    for (size_t i = 0; i < *n; ++i) {
        const std::string at = where + " item " + std::to_string(i);
        auto kind = d.ReadByte();
        if (!kind) return util::Err("account record: " + at + ": " + kind.error().message);
        if (*kind > 1) {
            return util::Err("account record: " + at + ": unknown item kind " +
                             std::to_string(*kind));
        }
        PermissionItem it;
        it.is_key_pair = *kind == 1;
        auto id = d.ReadString();
        if (!id) return util::Err("account record: " + at + " id: " + id.error().message);
        it.id = std::move(*id);
        if (!it.is_key_pair) {
            auto perm = d.ReadString();
            if (!perm) {
                return util::Err("account record: " + at + " permission: " + perm.error().message);
            }
            it.permission = std::move(*perm);
        }
        auto w = d.ReadInt64();
        if (!w) return util::Err("account record: " + at + " weight: " + w.error().message);
        it.weight = *w;
        items.push_back(std::move(it));
    }
    return items;
}

// A map key of the record: read, and strictly after the previous one.
util::Result<std::string> DecodeName(core::Decoder& d, const std::string& what,
                                     const std::string* prev) {
    auto name = d.ReadString();
    if (!name) return util::Err("account record: " + what + " name: " + name.error().message);
    if (prev && !(*prev < *name)) {
        return util::Err("account record: " + what + " '" + *name +
                         "' out of order or repeated (names must ascend)");
    }
    return std::move(*name);
}

}  // namespace

std::string Account::Encode() const {
    core::Encoder e(256);
    e.WriteByte(kAccountFormatV1).WriteString(id).WriteString(referrer);
    e.WriteInt32(static_cast<int32_t>(groups.size()));
    for (const auto& [name, g] : groups) {
        e.WriteString(name);
        EncodeItems(e, g.items);
    }
    e.WriteInt32(static_cast<int32_t>(permissions.size()));
    for (const auto& [name, p] : permissions) {
        e.WriteString(name).WriteStringList(p.groups);
        EncodeItems(e, p.items);
        e.WriteInt64(p.threshold);
    }
    return std::string(e.bytes().begin(), e.bytes().end());
}

util::Result<Account> Account::Decode(std::string_view bytes) {
    core::Decoder d(util::AsBytes(bytes));
    auto format = d.ReadByte();
    if (!format) return util::Err("account record: empty");
    if (*format != kAccountFormatV1) {
        return util::Err("account record: unknown format " + std::to_string(*format) +
                         " (this build reads format " + std::to_string(kAccountFormatV1) + ")");
    }
    Account a;
    auto id = d.ReadString();
    if (!id) return util::Err("account record: id: " + id.error().message);
    a.id = std::move(*id);
    auto ref = d.ReadString();
    if (!ref) return util::Err("account record: referrer: " + ref.error().message);
    a.referrer = std::move(*ref);

    auto ng = d.ReadCount(kMaxRecordEntries, 8);
    if (!ng) return util::Err("account record: group count: " + ng.error().message);
    const std::string* prev = nullptr;
    for (size_t i = 0; i < *ng; ++i) {
        auto name = DecodeName(d, "group", prev);
        if (!name) return util::ErrOf(name.error());
        auto items = DecodeItems(d, "group " + *name);
        if (!items) return util::ErrOf(items.error());
        auto [it, _] = a.groups.emplace(*name, PermissionGroup{*name, std::move(*items)});
        prev = &it->first;
    }

    auto np = d.ReadCount(kMaxRecordEntries, 4 + 4 + 4 + 8);
    if (!np) return util::Err("account record: permission count: " + np.error().message);
    prev = nullptr;
    for (size_t i = 0; i < *np; ++i) {
        auto name = DecodeName(d, "permission", prev);
        if (!name) return util::ErrOf(name.error());
        Permission p;
        p.name = *name;
        auto groups = d.ReadStringList(kMaxRecordEntries);
        if (!groups) {
            return util::Err("account record: permission " + *name +
                             " groups: " + groups.error().message);
        }
        p.groups = std::move(*groups);
        auto items = DecodeItems(d, "permission " + *name);
        if (!items) return util::ErrOf(items.error());
        p.items = std::move(*items);
        auto th = d.ReadInt64();
        if (!th) {
            return util::Err("account record: permission " + *name +
                             " threshold: " + th.error().message);
        }
        p.threshold = *th;
        auto [it, _] = a.permissions.emplace(*name, std::move(p));
        prev = &it->first;
    }
    auto end = d.ExpectEnd();
    if (!end) return util::Err("account record: " + end.error().message);
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

namespace {
std::shared_ptr<const void> DecodeAccountRecord(std::string_view bytes) {
    auto a = Account::Decode(bytes);
    // State is written only by this code; an unreadable account is a broken
    // invariant, not user input.
    IOST_ASSERT(a.ok(), "stored account record must decode");
    return std::make_shared<const Account>(std::move(*a));
}
}  // namespace

std::shared_ptr<const Account> LoadAccountShared(const StateReader& state, std::string_view name) {
    return std::static_pointer_cast<const Account>(
        state.GetDecoded(schema::AccountKey(name), &DecodeAccountRecord));
}

std::optional<Account> LoadAccount(const StateReader& state, std::string_view name) {
    auto a = LoadAccountShared(state, name);
    if (!a) return std::nullopt;
    return *a;
}

void StoreAccount(Overlay& state, const Account& a) {
    state.Put(schema::AccountKey(a.id), a.Encode());
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
    return CheckTxAuth(state, tx, SignerList(tx), AuthList(tx));
}

util::Status CheckTxAuth(const StateReader& state, const core::Tx& tx,
                         const std::set<std::string, std::less<>>& signers,
                         const std::map<std::string, int, std::less<>>& keys) {
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
