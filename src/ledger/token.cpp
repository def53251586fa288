// token.iost: IOST's native token contract (go-iost vm/native/token_v1..v6.go,
// latest behaviour): create, issue, transfer, transferFreeze, destroy,
// balanceOf, supply, totalSupply. Messages follow go-iost so users see the
// same errors.
#include <core/account.h>
#include <ledger/native.h>

#include <algorithm>

namespace iost::ledger::native {
namespace {

using util::Err;
using util::Result;

constexpr std::string_view kTokenPermission = "token";
constexpr std::string_view kTransferPermission = "transfer";
constexpr size_t kMaxMemo = 512;

Result<void> CheckSymbol(std::string_view sym) { return CheckTokenSymbol(sym); }

bool IsValidAccount(ExecContext& ctx, std::string_view id) {
    if (ctx.IsContractId(id)) return ctx.ContractExists(id);
    return ctx.AccountExists(id);
}

// IOST refineAmount + parseAmount: the text must be a plain decimal; extra
// decimals are truncated (as IOST's contract does); must be positive.
Result<core::Amount> ParsePositive(std::string_view text, int decimals) {
    auto a = core::Amount::Parse(text, decimals, core::ExcessDecimals::kTruncate);
    if (!a) return Err("invalid amount " + std::string(text) + " " + a.error().message);
    if (a->raw() <= 0) return Err("invalid amount");
    return a;
}

// A credit to a holder. Balances of iost and ram for accounts are free of
// RAM (go-iost setBalance); other tokens' new balance entries cost the
// publisher RAM.
void Credit(ExecContext& ctx, std::string_view sym, std::string_view holder, int64_t amount) {
    const int64_t before = ReadBalance(ctx, sym, holder);
    if (!(sym == kIost || sym == kRam) &&
        !ctx.state().Get(schema::BalanceKey(sym, holder)).has_value()) {
        ctx.ChargeRam(ctx.tx().publisher,
                      static_cast<int64_t>(schema::BalanceKey(sym, holder).size() + 8));
    }
    WriteBalance(ctx, sym, holder, before + amount);
}

Result<void> Debit(ExecContext& ctx, std::string_view sym, std::string_view holder, int64_t amount,
                   int decimals) {
    const int64_t bal = ReadBalance(ctx, sym, holder);
    if (bal < amount) {
        return Err("balance not enough " + FormatAmount(bal, decimals) + " < " +
                   FormatAmount(amount, decimals));
    }
    WriteBalance(ctx, sym, holder, bal - amount);
    return util::Ok();
}

// Shared checks of transfer and transferFreeze (go-iost transferTokenABIV3).
Result<core::Amount> PrepareTransfer(ExecContext& ctx, Args& args,
                                     const schema::TokenInfo*& info_out, schema::TokenInfo& info) {
    const std::string& sym = args.Str(0);
    const std::string& from = args.Str(1);
    const std::string& to = args.Str(2);
    if (!IsValidAccount(ctx, from)) return Err("invalid account " + from);
    if (!IsValidAccount(ctx, to)) return Err("invalid account " + to);
    auto ti = ReadTokenInfo(ctx, sym);
    if (!ti) return Err("token not exists");
    info = std::move(*ti);
    info_out = &info;
    auto amount = ParsePositive(args.Str(3), info.decimal);
    if (!amount) return util::ErrOf(amount.error());
    args.raw()[3] = amount->ToString();  // refined, as IOST records it
    if (!info.can_transfer) return Err("token can't transfer");
    if (info.only_issuer_can_transfer && !ctx.RequireAuth(info.issuer, kTransferPermission)) {
        return Err("transfer need issuer permission");
    }
    if (!ctx.RequireAuth(from, kTransferPermission)) return Err("transaction has no permission");
    return amount;
}

Result<std::string> Create(ExecContext& ctx, Args& args) {
    const std::string& sym = args.Str(0);
    const std::string& issuer = args.Str(1);
    const int64_t total_units = args.Num(2);
    const nlohmann::json& config = args.Json(3);
    IOST_TRY(CheckSymbol(sym));
    if (!config.is_object()) return Err("config should be a JSON object");
    schema::TokenInfo info;
    info.issuer = issuer;
    info.full_name = sym;
    int64_t decimal = 8;
    if (config.contains("decimal")) {
        if (!config["decimal"].is_number()) return Err("decimal in config should be number");
        if (!config["decimal"].is_number_integer()) return Err("invalid decimal");
        decimal = config["decimal"].get<int64_t>();
    }
    if (config.contains("canTransfer")) {
        if (!config["canTransfer"].is_boolean()) return Err("canTransfer in config should be bool");
        info.can_transfer = config["canTransfer"].get<bool>();
    }
    if (config.contains("onlyIssuerCanTransfer")) {
        if (!config["onlyIssuerCanTransfer"].is_boolean()) {
            return Err("onlyIssuerCanTransfer in config should be bool");
        }
        info.only_issuer_can_transfer = config["onlyIssuerCanTransfer"].get<bool>();
    }
    if (config.contains("defaultRate")) {
        if (!config["defaultRate"].is_string())
            return Err("defaultRate in config should be string");
        info.default_rate = config["defaultRate"].get<std::string>();
    }
    if (config.contains("fullName")) {
        if (!config["fullName"].is_string()) return Err("fullName in config should be string");
        info.full_name = config["fullName"].get<std::string>();
        if (info.full_name.size() > 50) return Err("fullName is too long");
    }
    if (!ctx.RequireAuth(issuer, kTokenPermission)) return Err("transaction has no permission");
    if (ReadTokenInfo(ctx, sym)) return Err("token exists");
    if (decimal < 0 || decimal >= 19) return Err("invalid decimal");
    info.decimal = static_cast<int32_t>(decimal);
    const int64_t scale = core::Pow10(info.decimal);
    if (total_units <= 0 || total_units > std::numeric_limits<int64_t>::max() / scale) {
        return Err("invalid totalSupply");
    }
    info.total_supply = total_units * scale;
    info.supply = 0;
    const std::string encoded = info.Encode();
    ctx.ChargeRam(ctx.tx().publisher,
                  static_cast<int64_t>(schema::TokenInfoKey(sym).size() + encoded.size()));
    WriteTokenInfo(ctx, sym, info);
    ctx.Receipt("token.iost/create", args.Dump());
    return std::string("[]");
}

Result<std::string> Issue(ExecContext& ctx, Args& args) {
    const std::string& sym = args.Str(0);
    const std::string& to = args.Str(1);
    auto info = ReadTokenInfo(ctx, sym);
    if (!info) return Err("token not exists");
    if (!ctx.RequireAuth(info->issuer, kTokenPermission))
        return Err("transaction has no permission");
    if (!IsValidAccount(ctx, to)) return Err("invalid account " + to);
    auto amount = ParsePositive(args.Str(2), info->decimal);
    if (!amount) return util::ErrOf(amount.error());
    args.raw()[2] = amount->ToString();
    if (info->total_supply - info->supply < amount->raw()) return Err("supply too much");
    info->supply += amount->raw();
    WriteTokenInfo(ctx, sym, *info);
    Credit(ctx, sym, to, amount->raw());
    ctx.Receipt("token.iost/issue", args.Dump());
    return std::string("[]");
}

Result<std::string> Transfer(ExecContext& ctx, Args& args) {
    if (args.Str(4).size() > kMaxMemo) return Err("memo too large");
    schema::TokenInfo info;
    const schema::TokenInfo* ip = nullptr;
    auto amount = PrepareTransfer(ctx, args, ip, info);
    if (!amount) return util::ErrOf(amount.error());
    const std::string& sym = args.Str(0);
    IOST_TRY(Debit(ctx, sym, args.Str(1), amount->raw(), info.decimal));
    Credit(ctx, sym, args.Str(2), amount->raw());
    // A transfer to oneself spends nothing (go-iost's amount-limit checks
    // skip from == to).
    if (args.Str(1) != args.Str(2)) ctx.NoteSpend(sym, args.Str(1), amount->raw());
    ctx.Receipt("token.iost/transfer", args.Dump());
    return std::string("[]");
}

Result<std::string> TransferFreeze(ExecContext& ctx, Args& args) {
    if (args.Str(5).size() > kMaxMemo) return Err("memo too large");
    schema::TokenInfo info;
    const schema::TokenInfo* ip = nullptr;
    auto amount = PrepareTransfer(ctx, args, ip, info);
    if (!amount) return util::ErrOf(amount.error());
    const std::string& sym = args.Str(0);
    const std::string& to = args.Str(2);
    const int64_t ftime = args.Num(4);
    IOST_TRY(Debit(ctx, sym, args.Str(1), amount->raw(), info.decimal));
    const std::string fkey = schema::FreezeKey(sym, to);
    std::vector<schema::FreezeItem> list;
    if (auto raw = ctx.Get(fkey)) {
        auto l = schema::DecodeFreezeList(*raw);
        IOST_ASSERT(l.ok(), "stored freeze list must decode");
        list = std::move(*l);
    } else {
        ctx.ChargeRam(ctx.tx().publisher, static_cast<int64_t>(fkey.size()));
    }
    // Sorted by (time, amount) as go-iost freezeBalance keeps it.
    list.push_back({ftime, amount->raw()});
    std::sort(list.begin(), list.end(), [](const auto& a, const auto& b) {
        return a.ftime < b.ftime || (a.ftime == b.ftime && a.amount < b.amount);
    });
    ctx.ChargeRam(ctx.tx().publisher, 16);
    ctx.Put(fkey, schema::EncodeFreezeList(list));
    if (args.Str(1) != to) ctx.NoteSpend(sym, args.Str(1), amount->raw());
    ctx.Receipt("token.iost/transferFreeze", args.Dump());
    return std::string("[]");
}

Result<std::string> Destroy(ExecContext& ctx, Args& args) {
    const std::string& sym = args.Str(0);
    const std::string& from = args.Str(1);
    auto info = ReadTokenInfo(ctx, sym);
    if (!info) return Err("token not exists");
    auto amount = ParsePositive(args.Str(2), info->decimal);
    if (!amount) return util::ErrOf(amount.error());
    args.raw()[2] = amount->ToString();
    if (!ctx.RequireAuth(from, kTransferPermission)) return Err("transaction has no permission");
    IOST_TRY(Debit(ctx, sym, from, amount->raw(), info->decimal));
    info->supply -= amount->raw();
    WriteTokenInfo(ctx, sym, *info);
    ctx.NoteSpend(sym, from, amount->raw());
    ctx.Receipt("token.iost/destroy", args.Dump());
    return std::string("[]");
}

Result<std::string> BalanceOf(ExecContext& ctx, Args& args) {
    auto info = ReadTokenInfo(ctx, args.Str(0));
    if (!info) return Err("token not exists");
    return JsonArray({FormatAmount(ReadBalance(ctx, args.Str(0), args.Str(1)), info->decimal)});
}

Result<std::string> Supply(ExecContext& ctx, Args& args) {
    auto info = ReadTokenInfo(ctx, args.Str(0));
    if (!info) return Err("token not exists");
    return JsonArray({FormatAmount(info->supply, info->decimal)});
}

Result<std::string> TotalSupply(ExecContext& ctx, Args& args) {
    auto info = ReadTokenInfo(ctx, args.Str(0));
    if (!info) return Err("token not exists");
    return JsonArray({FormatAmount(info->total_supply, info->decimal)});
}

}  // namespace

util::Status CheckTokenSymbol(std::string_view sym) {
    if (sym.size() < 2 || sym.size() > 16) {
        return Err("token symbol invalid. token symbol length should be between 2,16 got " +
                   std::string(sym));
    }
    for (char c : sym) {
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) {
            return Err("token symbol invalid. token symbol contains invalid character " +
                       std::string(1, c));
        }
    }
    return util::Ok();
}

std::shared_ptr<const Contract> MakeTokenContract() {
    using A = Arg;
    std::map<std::string, ActionDef, std::less<>> t;
    t["create"] = {{A::kString, A::kString, A::kNumber, A::kJson}, Create};
    t["issue"] = {{A::kString, A::kString, A::kString}, Issue};
    t["transfer"] = {{A::kString, A::kString, A::kString, A::kString, A::kString}, Transfer};
    t["transferFreeze"] = {{A::kString, A::kString, A::kString, A::kString, A::kNumber, A::kString},
                           TransferFreeze};
    t["destroy"] = {{A::kString, A::kString, A::kString}, Destroy};
    t["balanceOf"] = {{A::kString, A::kString}, BalanceOf};
    t["supply"] = {{A::kString}, Supply};
    t["totalSupply"] = {{A::kString}, TotalSupply};
    return std::make_shared<NativeContract>("token.iost", std::move(t), kGasPerNativeCall);
}

}  // namespace iost::ledger::native
