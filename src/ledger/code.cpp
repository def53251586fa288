#include <core/amount.h>
#include <ledger/code.h>
#include <ledger/ledger.h>
#include <ledger/native.h>
#include <util/bytes.h>

#include <algorithm>
#include <nlohmann/json.hpp>

namespace iost::ledger {
namespace {

using nlohmann::json;

bool ValidAbiName(std::string_view n) {
    if (n.empty() || n.size() > kMaxAbiNameBytes || n[0] == '_') return false;
    if (n == "constructor") return false;
    if (n[0] >= '0' && n[0] <= '9') return false;
    for (char c : n) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '_' || c == '$';
        if (!ok) return false;
    }
    return true;
}

// An ABI amountLimit value: "unlimited" or a plain decimal number (go-iost
// common.NewFixed refuses anything else with "abnormal char in amount").
bool ValidLimitValue(std::string_view v) {
    if (v == "unlimited") return true;
    bool digit = false, dot = false;
    for (char ch : v) {
        if (ch >= '0' && ch <= '9') {
            digit = true;
        } else if (ch == '.' && !dot) {
            dot = true;
        } else {
            return false;
        }
    }
    return digit;
}

bool ValidArgType(std::string_view t) {
    return t == "string" || t == "number" || t == "bool" || t == "json";
}

std::string LenPrefixed(std::string_view s) {
    return std::to_string(s.size()) + ":" + std::string(s);
}

util::Result<std::string> Str(const json& j, const char* name, bool required) {
    auto it = j.find(name);
    if (it == j.end() || it->is_null()) {
        if (required) return util::Err(std::string("contract json: ") + name + " is required");
        return std::string();
    }
    if (!it->is_string())
        return util::Err(std::string("contract json: ") + name + " must be a string");
    return it->get<std::string>();
}

}  // namespace

const AbiEntry* ContractCode::FindAbi(std::string_view name) const {
    for (const auto& a : abi) {
        if (a.name == name) return &a;
    }
    return nullptr;
}

std::string ContractCode::ToJson() const {
    json abis = json::array();
    for (const auto& a : abi) {
        json lim = json::array();
        for (const auto& l : a.amount_limit) lim.push_back({{"token", l.token}, {"val", l.val}});
        abis.push_back({{"name", a.name}, {"args", a.args}, {"amountLimit", lim}});
    }
    json j = {{"ID", id},
              {"info", {{"lang", lang}, {"version", version}, {"abi", abis}}},
              {"code", code}};
    return j.dump();
}

util::Result<ContractCode> ParseContractJson(std::string_view text) {
    json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object()) return util::Err("contract json: not a JSON object");
    ContractCode c;
    auto id = Str(j, "ID", false);
    if (!id) return util::ErrOf(id.error());
    c.id = *id;
    auto code = Str(j, "code", true);
    if (!code) return util::ErrOf(code.error());
    c.code = *code;
    if (c.code.empty()) return util::Err("contract json: code is empty");
    if (c.code.size() > kMaxCodeBytes) {
        return util::Err("code size invalid: " + std::to_string(c.code.size()) +
                         " bytes, at most " + std::to_string(kMaxCodeBytes));
    }
    auto info_it = j.find("info");
    if (info_it == j.end() || !info_it->is_object()) return util::Err("invalid code info");
    const json& info = *info_it;
    auto lang = Str(info, "lang", true);
    if (!lang) return util::ErrOf(lang.error());
    if (*lang != "javascript")
        return util::Err("contract json: lang must be javascript, got " + *lang);
    c.lang = *lang;
    auto ver = Str(info, "version", false);
    if (!ver) return util::ErrOf(ver.error());
    c.version = *ver;
    auto abi_it = info.find("abi");
    if (abi_it == info.end() || abi_it->is_null()) abi_it = info.find("abis");
    if (abi_it != info.end() && !abi_it->is_null()) {
        if (!abi_it->is_array()) return util::Err("contract json: info.abi must be an array");
        if (abi_it->size() > kMaxAbis) {
            return util::Err("contract json: " + std::to_string(abi_it->size()) +
                             " abi entries, at most " + std::to_string(kMaxAbis));
        }
        for (size_t i = 0; i < abi_it->size(); ++i) {
            const json& a = (*abi_it)[i];
            const std::string where = "contract json: abi[" + std::to_string(i) + "]";
            if (!a.is_object()) return util::Err(where + " must be an object");
            AbiEntry e;
            auto name = Str(a, "name", true);
            if (!name) return util::Err(where + ": " + name.error().message);
            if (!ValidAbiName(*name)) {
                return util::Err(where + ": invalid abi name '" + *name +
                                 "' (letters, digits, _ or $, not starting with _ or a digit)");
            }
            if (c.FindAbi(*name)) return util::Err(where + ": duplicate abi name " + *name);
            e.name = *name;
            if (auto args = a.find("args"); args != a.end() && !args->is_null()) {
                if (!args->is_array() || args->size() > kMaxAbiArgs) {
                    return util::Err(where + ": args must be an array of at most " +
                                     std::to_string(kMaxAbiArgs) + " types");
                }
                for (const auto& t : *args) {
                    if (!t.is_string() || !ValidArgType(t.get<std::string>())) {
                        return util::Err(where + ": invalid arg type " + t.dump() +
                                         " (string, number, bool or json)");
                    }
                    e.args.push_back(t.get<std::string>());
                }
            }
            for (const char* lname : {"amountLimit", "amount_limit"}) {
                auto lim = a.find(lname);
                if (lim == a.end() || lim->is_null()) continue;
                if (!lim->is_array()) return util::Err(where + ": amountLimit must be an array");
                for (const auto& l : *lim) {
                    if (!l.is_object() || !l.contains("token") || !l["token"].is_string() ||
                        !l.contains("val") || !l["val"].is_string()) {
                        return util::Err(where + ": amountLimit entries are {token, val} strings");
                    }
                    const std::string val = l["val"].get<std::string>();
                    if (!ValidLimitValue(val)) {
                        return util::Err(where + ": invalid amountLimit " + l["token"].dump() +
                                         " " + json(val).dump() + ": abnormal char in amount");
                    }
                    e.amount_limit.push_back({l["token"].get<std::string>(), val});
                }
            }
            c.abi.push_back(std::move(e));
        }
    }
    return c;
}

std::string CodeKey(std::string_view id) { return "js/c/" + std::string(id); }
std::string CodeOwnerKey(std::string_view id) { return "js/o/" + std::string(id); }
std::string StorageKey(std::string_view id, std::string_view key) {
    return "js/s/" + std::string(id) + "/" + LenPrefixed(key);
}
std::string StorageMapKey(std::string_view id, std::string_view key, std::string_view field) {
    return "js/m/" + std::string(id) + "/" + LenPrefixed(key) + "/" + std::string(field);
}
std::string StorageMapFieldsKey(std::string_view id, std::string_view key) {
    return "js/f/" + std::string(id) + "/" + LenPrefixed(key);
}

std::optional<ContractCode> LoadContract(const StateReader& state, std::string_view id) {
    auto raw = state.Get(CodeKey(id));
    if (!raw) return std::nullopt;
    auto c = ParseContractJson(*raw);
    IOST_ASSERT(c.ok(), "stored contract must parse");
    return std::move(*c);
}

std::string ContractIdForTx(const crypto::Hash256& tx_hash) {
    return "Contract" + util::Base58Encode(util::ByteView(tx_hash.data(), tx_hash.size()));
}

namespace {

// go-iost vm/monitor.go: after a top-level action on a contract, what that
// action took out of accounts (transfers to others, transferFreezes,
// destroys; contracts' own tokens excluded), summed per token, must fit the
// method's ABI amountLimit: a {token, val} entry for that token, else "*"
// (whole tokens, the need rounded up), "unlimited" for no bound; a token not
// covered may not be spent at all. Error "token T exceed amountLimit in abi.
// need X". `spends_before` is ctx.spends().size() when the action started.
util::Status CheckAbiAmountLimit(ExecContext& ctx, const AbiEntry& abi, size_t spends_before) {
    ctx.ChargeCpu(kGasPerNativeCall * static_cast<int64_t>(abi.amount_limit.size()));
    // Raw units per token taken out of accounts (not contracts) by this
    // action's transfers, transferFreezes and destroys (token.iost notes
    // them; a transfer to oneself is not noted), in first-spent order.
    std::vector<std::pair<std::string, int64_t>> need;
    const auto& spends = ctx.spends();
    for (size_t i = spends_before; i < spends.size(); ++i) {
        ctx.ChargeCpu(kGasPerNativeCall);  // go-iost: CommonOpCost(1) per receipt read
        const auto& sp = spends[i];
        if (ctx.IsContractId(sp.from)) continue;
        auto it = std::find_if(need.begin(), need.end(),
                               [&](const auto& n) { return n.first == sp.token; });
        if (it == need.end()) {
            need.emplace_back(sp.token, sp.raw);
        } else {
            it->second += sp.raw;
        }
    }
    for (const auto& [token, raw] : need) {
        if (raw <= 0) continue;
        auto info = GetTokenInfo(ctx.state(), token);
        const int dec = info ? info->decimal : 0;
        const AmountLimit* exact = nullptr;
        const AmountLimit* star = nullptr;
        for (const auto& l : abi.amount_limit) {
            if (l.token == token && !exact) exact = &l;
            if (l.token == "*" && !star) star = &l;
        }
        bool ok = false;
        if (exact) {
            if (exact->val == "unlimited") {
                ok = true;
            } else {
                auto lim = core::Amount::Parse(exact->val, dec, core::ExcessDecimals::kTruncate);
                ok = lim.ok() && raw <= lim->raw();
            }
        } else if (star) {
            // "*" is in whole tokens: the need is rounded up to whole units.
            if (star->val == "unlimited") {
                ok = true;
            } else {
                auto lim = core::Amount::Parse(star->val, 0, core::ExcessDecimals::kTruncate);
                int64_t scale = 1;
                for (int d = 0; d < dec; ++d) scale *= 10;
                const int64_t whole = raw / scale + (raw % scale > 0 ? 1 : 0);
                ok = lim.ok() && whole <= lim->raw();
            }
        }
        if (!ok) {
            return util::Err("token " + token + " exceed amountLimit in abi. need " +
                             native::FormatAmount(raw, dec));
        }
    }
    return util::Ok();
}

}  // namespace

namespace native {
namespace {

class CodeContract final : public Contract {
  public:
    explicit CodeContract(std::shared_ptr<const CodeEngine> engine) : m_engine(std::move(engine)) {}
    std::string_view id() const override { return "<code>"; }
    // go-iost charges JSCost for every call of a JavaScript contract.
    int64_t CallCost() const override { return kGasPerJsCall; }
    util::Result<std::string> Call(ExecContext& ctx, std::string_view action,
                                   std::string_view data) const override {
        const std::string id(ctx.current_contract());
        auto raw = ctx.Get(CodeKey(id));
        if (!raw) return util::Err("prepare contract: contract not exists");
        auto c = ParseContractJson(*raw);
        IOST_ASSERT(c.ok(), "stored contract must parse");
        // init() and can_update() are the host's to call (setCode,
        // updateCode); anything else must be in the ABI.
        const bool internal =
            (action == "init" || action == "can_update") && ctx.caller() == "system.iost";
        const AbiEntry* abi = c->FindAbi(action);
        if (!abi && !internal) {
            return util::Err("prepare contract: abi " + std::string(action) + " not found");
        }
        if (abi) {
            std::vector<Arg> types;
            for (const auto& t : abi->args) {
                types.push_back(t == "string"   ? Arg::kString
                                : t == "number" ? Arg::kNumber
                                : t == "bool"   ? Arg::kBool
                                                : Arg::kJson);
            }
            auto args = ParseArgs(data, types);
            if (!args) return util::ErrOf(args.error());
        }
        const size_t spends_before = ctx.spends().size();
        auto r = m_engine->Run(ctx, id, c->code, action, data);
        // go-iost checks a method's ABI amountLimit for the top-level action
        // only (a contract called by another contract is bounded by the
        // outer method's limit).
        if (r && abi && ctx.call_depth() == 1) {
            if (auto st = CheckAbiAmountLimit(ctx, *abi, spends_before); !st) {
                return util::ErrOf(st.error());
            }
        }
        return r;
    }

  private:
    std::shared_ptr<const CodeEngine> m_engine;
};

}  // namespace

std::shared_ptr<const Contract> MakeCodeContract(std::shared_ptr<const CodeEngine> engine) {
    return std::make_shared<CodeContract>(std::move(engine));
}

util::Result<std::string> SetCode(ExecContext& ctx, std::string_view text) {
    const CodeEngine* engine = ctx.contracts().code_engine();
    if (!engine) {
        return util::Err("contract deployment is not supported: this node runs no contract engine");
    }
    auto c = ParseContractJson(text);
    if (!c) return util::ErrOf(c.error());
    if (auto st = engine->CheckCode(c->code); !st) return util::ErrOf(st.error());
    c->id = ContractIdForTx(ctx.tx().tx_hash);
    if (ctx.Get(CodeKey(c->id))) return util::Err("contract exists: " + c->id);
    std::string stored = c->ToJson();
    ctx.ChargeRam(ctx.tx().publisher, static_cast<int64_t>(stored.size()));
    ctx.Put(CodeKey(c->id), std::move(stored));
    ctx.Put(CodeOwnerKey(c->id), ctx.tx().publisher);
    auto r = ctx.Call(c->id, "init", "[]");
    if (!r) return util::ErrOf(r.error());
    return JsonArray({c->id});
}

util::Result<std::string> UpdateCode(ExecContext& ctx, std::string_view text,
                                     std::string_view data) {
    const CodeEngine* engine = ctx.contracts().code_engine();
    if (!engine) {
        return util::Err("contract deployment is not supported: this node runs no contract engine");
    }
    auto c = ParseContractJson(text);
    if (!c) return util::ErrOf(c.error());
    auto old_raw = ctx.Get(CodeKey(c->id));
    if (c->id.empty() || !old_raw) return util::Err("contract not exists: " + c->id);
    auto old = ParseContractJson(*old_raw);
    IOST_ASSERT(old.ok(), "stored contract must parse");
    if (!old->FindAbi("can_update")) return util::Err("update refused");
    if (auto st = engine->CheckCode(c->code); !st) return util::ErrOf(st.error());
    auto r = ctx.Call(c->id, "can_update", JsonArray({std::string(data)}));
    if (!r) return util::ErrOf(r.error());
    if (*r != "[true]") return util::Err("update refused");
    std::string stored = c->ToJson();
    ctx.ChargeRam(ctx.tx().publisher,
                  static_cast<int64_t>(stored.size()) - static_cast<int64_t>(old_raw->size()));
    ctx.Put(CodeKey(c->id), std::move(stored));
    return std::string("[]");
}

}  // namespace native
}  // namespace iost::ledger
