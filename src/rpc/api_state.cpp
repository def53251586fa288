// State endpoints: accounts, token balances and info, RAM, producers, and
// contract storage, read from final state through the ledger's queries
// (go-iost rpc/api_service.go semantics, rpc.proto shapes). PoB shows only
// final state, so `by_longest_chain` is validated and otherwise changes
// nothing: the longest chain and the irreversible chain are the same.
#include <core/account.h>
#include <ledger/code.h>
#include <ledger/ledger.h>
#include <ledger/native.h>
#include <rpc/api_internal.h>
#include <util/text.h>

#include <algorithm>
#include <climits>
#include <map>

namespace iost::rpc {
namespace {

// The checks every `/{id}/{by_longest_chain}` endpoint makes first: the id
// is a valid name and the flag a go-style bool (params[1]); a 400 otherwise.
std::optional<Response> RefuseIdOrChainFlag(const std::string& id, const Request& r) {
    if (auto st = CheckId(id); !st) return BadRequest(st.error().message);
    if (auto b = ParseBoolParam(r.params[1], "by_longest_chain"); !b) {
        return BadRequest(b.error().message);
    }
    return std::nullopt;
}

using ledger::StateReader;

constexpr size_t kMaxStorageBody = 64 << 10;
constexpr size_t kMaxBatchKeys = 50;  // go-iost reads at most 50 key fields

json ItemJson(const ledger::PermissionItem& it) {
    return {{"id", it.id},
            {"is_key_pair", it.is_key_pair},
            {"weight", I64(it.weight)},
            {"permission", it.permission}};
}

// Gas per second a pledge of `pledge_raw` IOST earns (gas.iost's rate, taken
// from the ledger's own GasAt rather than restated here).
double GasIncreasePerSecond(int64_t pledge_raw) {
    ledger::schema::GasState g;
    g.pledge_total = pledge_raw;
    g.limit = INT64_MAX;
    g.stock = 0;
    g.update_time = 1;
    return static_cast<double>(ledger::native::GasAt(g, 1 + 1'000'000'000).stock) / 100.0;
}

json FrozenJson(const StateReader& st, std::string_view token, std::string_view holder, int64_t now,
                int decimals) {
    json out = json::array();
    auto raw = st.Get(ledger::schema::FreezeKey(token, holder));
    if (!raw) return out;
    auto list = ledger::schema::DecodeFreezeList(*raw);
    if (!list) return out;
    for (const auto& f : *list) {
        if (f.ftime > now)
            out.push_back(
                {{"amount", Double(RawToDouble(f.amount, decimals))}, {"time", I64(f.ftime)}});
    }
    return out;
}

// What `voter` has voted, per candidate (rpcpb.VoteInfo). Our votes are
// never cleared by IOST's vote.iost clearing rounds: cleared_votes is 0.
json VoteInfos(const StateReader& st, std::string_view voter) {
    json votes = json::array();
    for (const auto& v : ledger::GetValidators(st)) {
        auto raw = st.Get(ledger::schema::VoteKey(voter, v.account));
        if (!raw) continue;
        auto amount = ledger::schema::DecodeI64(*raw);
        if (amount && *amount > 0) {
            votes.push_back({{"option", v.account},
                             {"votes", Double(RawToDouble(*amount, 8))},
                             {"cleared_votes", 0}});
        }
    }
    return votes;
}

// go-iost GetContractVote: the votes an account or contract has cast
// (database.Visitor GetAccountVoteInfo). Our native contracts never vote,
// so a contract id answers an empty list.
Response ContractVote(node::Node& n, const Request& r) {
    const std::string& id = r.params[0];
    if (auto bad = RefuseIdOrChainFlag(id, r)) return *bad;
    json j;
    j["vote_infos"] = VoteInfos(n.state(), id);
    return JsonOk(j);
}

// go-iost GetVoterBonus / GetCandidateBonus read vote_producer.iost's bonus
// bookkeeping (voterCoef/voterMask, candCoef/candMask). PoB pays no vote
// bonus (validators earn Servi, docs/pob.md; docs/contracts.md
// vote_producer.iost), so the bonus is 0 — the answer go-iost gives an
// account with nothing to claim — after the same id check.
Response VoterBonus(node::Node& n, const Request& r) {
    (void)n;
    if (auto bad = RefuseIdOrChainFlag(r.params[0], r)) return *bad;
    json j;
    j["bonus"] = 0;
    j["detail"] = json::object();
    return JsonOk(j);
}

Response CandidateBonus(node::Node& n, const Request& r) {
    (void)n;
    if (auto bad = RefuseIdOrChainFlag(r.params[0], r)) return *bad;
    json j;
    j["bonus"] = 0;
    return JsonOk(j);
}

// go-iost GetContract: a deployed contract's source and ABI (system
// contracts are native here and have none: 404 like an unknown id).
Response Contract(node::Node& n, const Request& r) {
    const std::string& id = r.params[0];
    if (auto bad = RefuseIdOrChainFlag(id, r)) return *bad;
    auto c = ledger::LoadContract(n.state(), id);
    if (!c) return NotFound("contract not found: " + id);
    json abis = json::array();
    for (const auto& a : c->abi) {
        json lim = json::array();
        for (const auto& l : a.amount_limit) lim.push_back({{"token", l.token}, {"value", l.val}});
        abis.push_back({{"name", a.name}, {"args", a.args}, {"amount_limit", lim}});
    }
    json j = {{"id", c->id},           {"code", c->code}, {"language", c->lang},
              {"version", c->version}, {"abis", abis},    {"orig_code", ""}};
    return JsonOk(j);
}

Response Account(node::Node& n, const Request& r) {
    const std::string& name = r.params[0];
    if (auto bad = RefuseIdOrChainFlag(name, r)) return *bad;
    const StateReader& st = n.state();
    auto acc = ledger::GetAccount(st, name);
    if (!acc) return NotFound("account not found");
    const int64_t now = n.driver().Status().head_time;

    json j;
    j["name"] = acc->id;
    const int64_t balance = ledger::BalanceOf(st, "iost", name, now);
    j["balance"] = Double(RawToDouble(balance, 8));

    const auto gas = ledger::GasInfo(st, name, now);
    json pledged = json::array();
    // IOST lists every pledger of the account; our state indexes pledges by
    // pledger first, so the ones shown are the account itself and its
    // referrer (who pledged when creating it, as the SDK's newAccount does).
    std::vector<std::string> pledgers = {name};
    if (!acc->referrer.empty() && acc->referrer != name) pledgers.push_back(acc->referrer);
    for (const auto& p : pledgers) {
        auto v = st.Get(ledger::schema::GasPledgeKey(p, name));
        if (!v) continue;
        auto amount = ledger::schema::DecodeI64(*v);
        if (amount && *amount > 0)
            pledged.push_back({{"pledger", p}, {"amount", Double(RawToDouble(*amount, 8))}});
    }
    j["gas_info"] = {{"current_total", Double(static_cast<double>(gas.stock) / 100.0)},
                     {"transferable_gas", 0},
                     {"pledge_gas", Double(static_cast<double>(gas.stock) / 100.0)},
                     {"increase_speed", Double(GasIncreasePerSecond(gas.pledge_total))},
                     {"limit", Double(static_cast<double>(gas.limit) / 100.0)},
                     {"pledged_info", std::move(pledged)}};

    // RAM: available is the account's "ram" token balance as in IOST; total
    // is what it holds plus what it has spent on data. Our ledger does not
    // keep IOST's per-account "used" counter, so used = bought − available
    // when positive (bytes the account bought and wrote).
    const int64_t ram_available = ledger::BalanceOf(st, "ram", name);
    int64_t ram_bought = 0;
    if (auto v = st.Get(ledger::schema::RamSelfKey(name))) {
        if (auto d = ledger::schema::DecodeI64(*v)) ram_bought = *d;
    }
    const int64_t ram_used = std::max<int64_t>(0, ram_bought - ram_available);
    j["ram_info"] = {{"available", I64(ram_available)},
                     {"used", I64(ram_used)},
                     {"total", I64(ram_available + ram_used)}};

    json perms = json::object();
    for (const auto& [pname, p] : acc->permissions) {
        json items = json::array();
        for (const auto& it : p.items) items.push_back(ItemJson(it));
        perms[pname] = {{"name", p.name},
                        {"group_names", p.groups},
                        {"items", std::move(items)},
                        {"threshold", I64(p.threshold)}};
    }
    j["permissions"] = std::move(perms);
    json groups = json::object();
    for (const auto& [gname, g] : acc->groups) {
        json items = json::array();
        for (const auto& it : g.items) items.push_back(ItemJson(it));
        groups[gname] = {{"name", g.name}, {"items", std::move(items)}};
    }
    j["groups"] = std::move(groups);
    j["frozen_balances"] = FrozenJson(st, "iost", name, now, 8);
    j["vote_infos"] = VoteInfos(st, name);
    j["balance_string"] = RawToDecimal(balance, 8);
    return JsonOk(j);
}

Response TokenBalance(node::Node& n, const Request& r) {
    const std::string& account = r.params[0];
    const std::string& token = r.params[1];
    if (auto st = CheckId(account); !st) return BadRequest(st.error().message);
    if (auto b = ParseBoolParam(r.params[2], "by_longest_chain"); !b)
        return BadRequest(b.error().message);
    auto info = ledger::GetTokenInfo(n.state(), token);
    if (!info) return NotFound("token not found: " + util::Quoted(token));
    const int64_t now = n.driver().Status().head_time;
    json j;
    j["balance"] =
        Double(RawToDouble(ledger::BalanceOf(n.state(), token, account, now), info->decimal));
    j["frozen_balances"] = FrozenJson(n.state(), token, account, now, info->decimal);
    return JsonOk(j);
}

// token721.iost (go-iost GetToken721Balance/Metadata/Owner): read straight
// from the contract's state (ledger/schema.h Token721*).
std::vector<std::string> Token721Ids(const StateReader& st, std::string_view sym,
                                     std::string_view owner) {
    auto raw = st.Get(ledger::schema::Token721ListKey(sym, owner));
    if (!raw) return {};
    auto ids = ledger::schema::DecodeStringList(*raw);
    return ids ? std::move(*ids) : std::vector<std::string>{};
}

Response Token721Balance(node::Node& n, const Request& r) {
    const std::string& account = r.params[0];
    const std::string& token = r.params[1];
    if (auto st = CheckId(account); !st) return BadRequest(st.error().message);
    if (auto b = ParseBoolParam(r.params[2], "by_longest_chain"); !b)
        return BadRequest(b.error().message);
    if (!ledger::GetAccount(n.state(), account)) return NotFound("account not found");
    const auto ids = Token721Ids(n.state(), token, account);
    json j;
    j["balance"] = I64(static_cast<int64_t>(ids.size()));
    j["tokenIDs"] = ids;
    return JsonOk(j);
}

// /getToken721Metadata and /getToken721Owner: one stored value per token id.
Response Token721Value(node::Node& n, const Request& r, bool metadata) {
    const std::string& token = r.params[0];
    const std::string& id = r.params[1];
    if (auto b = ParseBoolParam(r.params[2], "by_longest_chain"); !b)
        return BadRequest(b.error().message);
    if (!n.state().Get(ledger::schema::Token721InfoKey(token))) return NotFound("token not exists");
    auto v = n.state().Get(metadata ? ledger::schema::Token721MetadataKey(token, id)
                                    : ledger::schema::Token721OwnerKey(token, id));
    if (!v) return NotFound("error tokenID not exists. " + token + " " + id);
    json j;
    j[metadata ? "metadata" : "owner"] = *v;
    return JsonOk(j);
}

Response TokenInfo(node::Node& n, const Request& r) {
    const std::string& symbol = r.params[0];
    if (auto b = ParseBoolParam(r.params[1], "by_longest_chain"); !b)
        return BadRequest(b.error().message);
    auto info = ledger::GetTokenInfo(n.state(), symbol);
    if (!info) return NotFound("token not found");
    json j;
    j["symbol"] = symbol;
    j["full_name"] = info->full_name;
    j["issuer"] = info->issuer;
    j["total_supply"] = I64(info->total_supply);
    j["current_supply"] = I64(info->supply);
    j["decimal"] = info->decimal;
    j["can_transfer"] = info->can_transfer;
    j["only_issuer_can_transfer"] = info->only_issuer_can_transfer;
    j["total_supply_float"] = Double(RawToDouble(info->total_supply, info->decimal));
    j["current_supply_float"] = Double(RawToDouble(info->supply, info->decimal));
    return JsonOk(j);
}

Response RamInfo(node::Node& n) {
    auto pool = ledger::RamInfo(n.state());
    if (!pool) return NotFound("RAM pool not initialized");
    // go-iost RAMHandler: sell = F·balance/left with F = 1, buy = (1 + 2 % fee)·sell.
    const double left = static_cast<double>(std::max<int64_t>(1, pool->left_space));
    const double sell = RawToDouble(pool->balance, 8) / left;
    json j;
    j["used_ram"] = I64(pool->used_space);
    j["available_ram"] = I64(pool->left_space);
    j["total_ram"] = I64(pool->used_space + pool->left_space);
    j["sell_price"] = Double(sell);
    j["buy_price"] = Double(sell * 1.02);
    return JsonOk(j);
}

const char* ValidatorStatusName(ledger::schema::ValidatorStatus s) {
    // go-iost's statusList: APPLY, APPROVED, UNAPPLY, UNAPPLY_APPROVED. Our
    // registration is approved at once; slashing is PoB's own.
    switch (s) {
        case ledger::schema::ValidatorStatus::kActive:
            return "APPROVED";
        case ledger::schema::ValidatorStatus::kUnregistered:
            return "UNAPPLY_APPROVED";
        case ledger::schema::ValidatorStatus::kSlashed:
            return "SLASHED";
    }
    return "UNKNOWN";
}

std::optional<ledger::schema::ValidatorRecord> LoadValidator(const StateReader& st,
                                                             std::string_view name) {
    auto raw = st.Get(ledger::schema::ValidatorKey(name));
    if (!raw) return std::nullopt;
    auto v = ledger::schema::ValidatorRecord::Decode(*raw);
    if (!v) return std::nullopt;
    return *v;
}

Response ProducerVoteInfo(node::Node& n, const Request& r) {
    const std::string& account = r.params[0];
    if (auto bad = RefuseIdOrChainFlag(account, r)) return *bad;
    auto v = LoadValidator(n.state(), account);
    if (!v) return NotFound("can't get producer info");
    json j;
    j["pubkey"] = util::Base58Encode(v->consensus_key.bytes);
    j["loc"] = v->loc;
    j["url"] = v->url;
    j["net_id"] = v->net_id;
    j["is_producer"] = v->is_producer;
    j["status"] = ValidatorStatusName(v->status);
    j["online"] = v->is_producer && v->status == ledger::schema::ValidatorStatus::kActive;
    j["votes"] = Double(RawToDouble(v->votes, 8));
    return JsonOk(j);
}

// go-iost formatInternalValue: a string as is, anything else as JSON, a
// missing value as "null".
json StorageValue(const StateReader& st, std::string_view id, std::string_view key,
                  std::string_view field) {
    const auto null = json("null");
    // A contract deployed as code (docs/contracts.md "JavaScript contracts"):
    // its storage as the contract wrote it (storage.put / mapPut).
    if (id.starts_with("Contract")) {
        auto raw = field.empty() ? st.Get(ledger::StorageKey(id, key))
                                 : st.Get(ledger::StorageMapKey(id, key, field));
        return raw ? json(*raw) : null;
    }
    if (id == "token.iost" && key.size() > 2 && key.substr(0, 2) == "TI") {
        auto info = ledger::GetTokenInfo(st, key.substr(2));
        if (!info) return null;
        if (field == "fullName") return info->full_name;
        if (field == "issuer") return info->issuer;
        if (field == "supply") return std::to_string(info->supply);
        if (field == "totalSupply") return std::to_string(info->total_supply);
        if (field == "decimal") return std::to_string(info->decimal);
        if (field == "canTransfer") return info->can_transfer ? "true" : "false";
        if (field == "onlyIssuerCanTransfer")
            return info->only_issuer_can_transfer ? "true" : "false";
        if (field == "defaultRate") return info->default_rate;
        return null;
    }
    if (id == "token.iost" && key.size() > 2 && key.substr(0, 2) == "TB" && !field.empty()) {
        if (!ledger::GetTokenInfo(st, field)) return null;
        auto raw = st.Get(ledger::schema::BalanceKey(field, key.substr(2)));
        if (!raw) return null;
        auto d = ledger::schema::DecodeI64(*raw);
        return d ? json(std::to_string(*d)) : null;
    }
    if (id == "auth.iost" && key == "auth" && !field.empty()) {
        auto acc = ledger::GetAccount(st, field);
        return acc ? json(acc->ToJson()) : null;
    }
    if (id == "vote_producer.iost" && key == "producerTable" && !field.empty()) {
        auto v = LoadValidator(st, field);
        if (!v) return null;
        json p = {{"pubkey", util::Base58Encode(v->consensus_key.bytes)},
                  {"loc", v->loc},
                  {"url", v->url},
                  {"netId", v->net_id},
                  {"isProducer", v->is_producer},
                  {"status",
                   static_cast<int>(v->status == ledger::schema::ValidatorStatus::kActive ? 1 : 3)},
                  {"online", v->is_producer}};
        return p.dump();
    }
    if (id == "vote_producer.iost" && key == "producerKeyToId" && !field.empty()) {
        auto raw = st.Get(ledger::schema::ValidatorPubkeyKey(field));
        return raw ? json(*raw) : null;
    }
    return null;
}

// A string member under its proto name or its lowerCamel JSON name (both
// accepted by go-iost's gateway); absent or null gives "".
util::Result<std::string> StrField(const json& j, const char* proto, const char* camel) {
    const json* v = nullptr;
    if (auto it = j.find(proto); it != j.end()) v = &*it;
    if (auto it = j.find(camel); it != j.end() && camel != std::string_view(proto)) {
        if (v) return util::Err(std::string("both ") + proto + " and " + camel + " given");
        v = &*it;
    }
    if (!v || v->is_null()) return std::string();
    if (!v->is_string()) return util::Err(std::string(proto) + ": must be a string");
    return v->get<std::string>();
}

util::Status BoolField(const json& j) {
    for (const char* name : {"by_longest_chain", "byLongestChain"}) {
        auto it = j.find(name);
        if (it != j.end() && !it->is_null() && !it->is_boolean()) {
            return util::Err(std::string(name) + ": must be true or false");
        }
    }
    return util::Ok();
}

// The storage endpoints' id: required, and a contract or account name.
util::Status CheckContractId(std::string_view id) {
    if (id.empty()) return util::Err("id: a contract id is required");
    if (auto st = CheckId(id); !st) return util::Err("id: " + st.error().message);
    return util::Ok();
}

// The block the storage was read at (go-iost: block_hash, block_number).
void AddStorageEnvelope(json& j, node::Node& n) {
    const auto s = n.driver().Status();
    j["block_hash"] = crypto::HashToBase58(s.head_hash);
    j["block_number"] = U64(s.height);
}

Response ContractStorage(node::Node& n, const Request& r) {
    auto body = ParseBodyObject(r.body, kMaxStorageBody);
    if (!body) return BadRequest(body.error().message);
    auto id = StrField(*body, "id", "id");
    if (!id) return BadRequest(id.error().message);
    auto key = StrField(*body, "key", "key");
    if (!key) return BadRequest(key.error().message);
    auto field = StrField(*body, "field", "field");
    if (!field) return BadRequest(field.error().message);
    if (auto st = BoolField(*body); !st) return BadRequest(st.error().message);
    if (auto st = CheckContractId(*id); !st) return BadRequest(st.error().message);
    json j;
    j["data"] = StorageValue(n.state(), *id, *key, *field);
    AddStorageEnvelope(j, n);
    return JsonOk(j);
}

Response BatchContractStorage(node::Node& n, const Request& r) {
    auto body = ParseBodyObject(r.body, kMaxStorageBody);
    if (!body) return BadRequest(body.error().message);
    auto id = StrField(*body, "id", "id");
    if (!id) return BadRequest(id.error().message);
    if (auto st = CheckContractId(*id); !st) return BadRequest(st.error().message);
    if (auto st = BoolField(*body); !st) return BadRequest(st.error().message);
    const json* kf = nullptr;
    for (const char* name : {"key_fields", "keyFields"}) {
        auto it = body->find(name);
        if (it == body->end() || it->is_null()) continue;
        if (kf) return BadRequest("both key_fields and keyFields given");
        kf = &*it;
    }
    json datas = json::array();
    if (kf) {
        if (!kf->is_array()) return BadRequest("key_fields: must be an array of {key, field}");
        if (kf->size() > kMaxBatchKeys) {
            return BadRequest("key_fields: " + std::to_string(kf->size()) + " entries, at most " +
                              std::to_string(kMaxBatchKeys));
        }
        for (size_t i = 0; i < kf->size(); ++i) {
            const json& e = (*kf)[i];
            const std::string where = "key_fields[" + std::to_string(i) + "]";
            if (!e.is_object()) return BadRequest(where + ": must be an object {key, field}");
            auto key = StrField(e, "key", "key");
            if (!key) return BadRequest(where + "." + key.error().message);
            auto field = StrField(e, "field", "field");
            if (!field) return BadRequest(where + "." + field.error().message);
            datas.push_back(StorageValue(n.state(), *id, *key, *field));
        }
    }
    json j;
    j["datas"] = std::move(datas);
    AddStorageEnvelope(j, n);
    return JsonOk(j);
}

// go-iost GetContractStorageFields: the fields of map `key` of a
// JavaScript contract, in insertion order (storage.mapKeys).
Response ContractStorageFields(node::Node& n, const Request& r) {
    auto body = ParseBodyObject(r.body, kMaxStorageBody);
    if (!body) return BadRequest(body.error().message);
    auto id = StrField(*body, "id", "id");
    if (!id) return BadRequest(id.error().message);
    auto key = StrField(*body, "key", "key");
    if (!key) return BadRequest(key.error().message);
    if (auto st = BoolField(*body); !st) return BadRequest(st.error().message);
    if (auto st = CheckContractId(*id); !st) return BadRequest(st.error().message);
    if (key->size() > ledger::kMaxStorageKeyBytes) {
        return BadRequest("key: " + std::to_string(key->size()) + " bytes, at most " +
                          std::to_string(ledger::kMaxStorageKeyBytes));
    }
    json fields = json::array();
    if (id->starts_with("Contract")) {
        if (auto raw = n.state().Get(ledger::StorageMapFieldsKey(*id, *key))) {
            auto list = json::parse(*raw, nullptr, false);
            if (list.is_array()) fields = std::move(list);
        }
    }
    json j;
    j["fields"] = std::move(fields);
    AddStorageEnvelope(j, n);
    return JsonOk(j);
}

// go-iost ListContractStorage (docs/http.md): a JavaScript contract's
// storage in go-iost's key order. KV lists storage.put keys; MAP lists, per
// map key K, "K" (its field list, a JSON array) and "K-F" for each field F,
// as go-iost's state keys m-<id>-K and m-<id>-K-F read. Our keys are
// length-prefixed (js/s/<id>/<len>:<key>, ledger/code.h), so one ordered
// scan per key length is merged, each starting at the first key that can
// match and stopping as soon as nothing later can enter the first `limit`:
// at most kMaxStorageKeyBytes + 1 seeks and about `limit` entries each,
// however large the contract's storage.
struct StorageListQuery {
    std::string id, from, to, prefix;
    bool map = false;
    size_t limit = 100;
};

struct StorageListEntry {
    std::string key;    // K (KV, or a map's field list)
    std::string field;  // F of "K-F"
    bool fields_list = false;
    std::string fields_json;  // the field list itself (fields_list)
};

util::Result<std::vector<std::pair<std::string, std::string>>> ListStorage(
    node::Node& n, const StorageListQuery& q) {
    std::map<std::string, StorageListEntry> best;  // name → entry, the `limit` smallest
    auto full = [&] { return best.size() >= q.limit; };
    auto consider = [&](std::string name, StorageListEntry e) {
        if (!name.starts_with(q.prefix) || name < q.from) return;
        if (!q.to.empty() && name >= q.to) return;
        if (full() && name >= best.rbegin()->first) return;
        best.emplace(std::move(name), std::move(e));
        if (best.size() > q.limit) best.erase(std::prev(best.end()));
    };
    const std::string family = q.map ? "js/f/" : "js/s/";
    for (size_t len = 0; len <= ledger::kMaxStorageKeyBytes; ++len) {
        // Every name from a key K of this length starts with K; a name with
        // prefix P needs K to start with P's first `len` bytes (and, for a
        // key shorter than P, P to go on with "-": only map names do).
        const std::string pl = q.prefix.substr(0, std::min(len, q.prefix.size()));
        if (len < q.prefix.size() && (!q.map || q.prefix[len] != '-')) continue;
        const std::string seek = std::max(pl, q.from.substr(0, std::min(len, q.from.size())));
        const std::string base = family + q.id + "/" + std::to_string(len) + ":";
        const std::string start = base + seek;
        std::string bad;
        auto st = n.state_store().ScanFrom(
            util::ByteView(reinterpret_cast<const uint8_t*>(base.data()), base.size()),
            util::ByteView(reinterpret_cast<const uint8_t*>(start.data()), start.size()),
            [&](util::ByteView k, util::ByteView v) {
                const std::string key(reinterpret_cast<const char*>(k.data()) + base.size(),
                                      k.size() - base.size());
                // Nothing from this key on can match or enter the result.
                if (!key.starts_with(pl)) return false;
                if (!q.to.empty() && key >= q.to) return false;
                if (full() && key >= best.rbegin()->first) return false;
                if (!q.map) {
                    consider(key, {key, "", false, ""});
                    return true;
                }
                std::string list(reinterpret_cast<const char*>(v.data()), v.size());
                auto fields = json::parse(list, nullptr, false);
                if (!fields.is_array()) {
                    bad = "storage: the field list of " + util::Quoted(key) + " is not a list";
                    return false;
                }
                consider(key, {key, "", true, list});
                std::vector<std::string> sorted;
                for (const auto& f : fields) {
                    if (f.is_string()) sorted.push_back(f.get<std::string>());
                }
                std::sort(sorted.begin(), sorted.end());
                for (auto& f : sorted) {
                    std::string name = key + "-" + f;
                    if (full() && name >= best.rbegin()->first) break;
                    consider(std::move(name), {key, std::move(f), false, ""});
                }
                return true;
            });
        if (!st) return util::Err("storage: " + st.error().message);
        if (!bad.empty()) return util::Err(bad);
    }
    std::vector<std::pair<std::string, std::string>> out;
    out.reserve(best.size());
    for (auto& [name, e] : best) {
        std::string value = "null";
        if (e.fields_list) {
            value = std::move(e.fields_json);
        } else if (auto raw = n.state().Get(q.map ? ledger::StorageMapKey(q.id, e.key, e.field)
                                                  : ledger::StorageKey(q.id, e.key))) {
            value = std::move(*raw);
        }
        out.emplace_back(name, std::move(value));
    }
    return out;
}

constexpr int64_t kMaxListLimit = 100;  // go-iost ListContractStorage: "up to 100"
constexpr size_t kMaxListBound = 2 * ledger::kMaxStorageKeyBytes + 1;  // longest "K-F"

Response ListContractStorage(node::Node& n, const Request& r) {
    auto body = ParseBodyObject(r.body, kMaxStorageBody);
    if (!body) return BadRequest(body.error().message);
    StorageListQuery q;
    auto id = StrField(*body, "id", "id");
    if (!id) return BadRequest(id.error().message);
    if (auto st = CheckContractId(*id); !st) return BadRequest(st.error().message);
    if (!core::IsContractId(*id) || !id->starts_with("Contract")) {
        return BadRequest("id: " + util::Quoted(*id) +
                          " is not a JavaScript contract (Contract...); native contracts' storage "
                          "is read with /getContractStorage");
    }
    q.id = *id;
    for (auto [proto, out] :
         {std::pair{"from", &q.from}, std::pair{"to", &q.to}, std::pair{"prefix", &q.prefix}}) {
        auto v = StrField(*body, proto, proto);
        if (!v) return BadRequest(v.error().message);
        if (v->size() > kMaxListBound) {
            return BadRequest(std::string(proto) + ": " + std::to_string(v->size()) +
                              " bytes, at most " + std::to_string(kMaxListBound));
        }
        *out = std::move(*v);
    }
    if (auto st = BoolField(*body); !st) return BadRequest(st.error().message);
    const json* type = nullptr;
    for (const char* name : {"storageType", "storage_type"}) {
        auto it = body->find(name);
        if (it == body->end() || it->is_null()) continue;
        if (type) return BadRequest("both storageType and storage_type given");
        type = &*it;
    }
    if (type) {
        if (*type == "KV" || *type == 0) {
            q.map = false;
        } else if (*type == "MAP" || *type == 1) {
            q.map = true;
        } else {
            return BadRequest("storageType: " + util::Quoted(type->dump()) +
                              " is not KV (0) or MAP (1)");
        }
    }
    if (auto it = body->find("limit"); it != body->end() && !it->is_null()) {
        // int64 in proto JSON: a number or a decimal string.
        int64_t limit = -1;
        if (it->is_number_integer()) {
            limit = it->get<int64_t>();
        } else if (it->is_string()) {
            auto u = ParseU64(it->get<std::string>(), "limit");
            if (!u) return BadRequest(u.error().message);
            limit = *u > static_cast<uint64_t>(kMaxListLimit) ? kMaxListLimit + 1
                                                              : static_cast<int64_t>(*u);
        } else {
            return BadRequest("limit: must be an integer");
        }
        if (limit < 0 || limit > kMaxListLimit) {
            return BadRequest("limit: " + it->dump() + " is out of range 0.." +
                              std::to_string(kMaxListLimit) + " (0 means " +
                              std::to_string(kMaxListLimit) + ")");
        }
        q.limit = limit == 0 ? kMaxListLimit : static_cast<size_t>(limit);
    }
    auto list = ListStorage(n, q);
    if (!list) return Response::Error(500, grpc_code::kInternal, list.error().message);
    json datas = json::array();
    for (auto& [key, value] : *list) datas.push_back({{"key", key}, {"value", value}});
    json j;
    j["datas"] = std::move(datas);
    AddStorageEnvelope(j, n);
    return JsonOk(j);
}

}  // namespace

void RegisterStateApi(ApiContext& ctx) {
    node::Node* n = ctx.node;
    ctx.Get("/getAccount/{name}/{by_longest_chain}",
            [n](const Request& r) { return Account(*n, r); });
    ctx.Get("/getTokenBalance/{account}/{token}/{by_longest_chain}",
            [n](const Request& r) { return TokenBalance(*n, r); });
    ctx.Get("/getToken721Balance/{account}/{token}/{by_longest_chain}",
            [n](const Request& r) { return Token721Balance(*n, r); });
    ctx.Get("/getToken721Metadata/{token}/{token_id}/{by_longest_chain}",
            [n](const Request& r) { return Token721Value(*n, r, true); });
    ctx.Get("/getToken721Owner/{token}/{token_id}/{by_longest_chain}",
            [n](const Request& r) { return Token721Value(*n, r, false); });
    ctx.Get("/getTokenInfo/{symbol}/{by_longest_chain}",
            [n](const Request& r) { return TokenInfo(*n, r); });
    ctx.Get("/getRAMInfo", [n](const Request&) { return RamInfo(*n); });
    ctx.Get("/getProducerVoteInfo/{account}/{by_longest_chain}",
            [n](const Request& r) { return ProducerVoteInfo(*n, r); });
    ctx.Get("/getContractVote/{id}/{by_longest_chain}",
            [n](const Request& r) { return ContractVote(*n, r); });
    ctx.Get("/getVoterBonus/{name}/{by_longest_chain}",
            [n](const Request& r) { return VoterBonus(*n, r); });
    ctx.Get("/getCandidateBonus/{name}/{by_longest_chain}",
            [n](const Request& r) { return CandidateBonus(*n, r); });
    ctx.Get("/getContract/{id}/{by_longest_chain}",
            [n](const Request& r) { return Contract(*n, r); });
    ctx.Post("/getContractStorage", [n](const Request& r) { return ContractStorage(*n, r); });
    ctx.Post("/getBatchContractStorage",
             [n](const Request& r) { return BatchContractStorage(*n, r); });
    ctx.Post("/getContractStorageFields",
             [n](const Request& r) { return ContractStorageFields(*n, r); });
    ctx.Post("/listContractStorage", [n](const Request& r) { return ListContractStorage(*n, r); });
}

}  // namespace iost::rpc
