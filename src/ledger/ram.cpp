// ram.iost: buy and sell RAM (go-iost config/genesis/contract/ram.js). The
// price rule is ram.js's Bancor curve with F = 1, which is exact in integers:
//   buy  n bytes: raw = reserve · n / (left − n)
//   sell n bytes: raw = reserve · n / (left + n)
// where `left` is the RAM still for sale and `reserve` the IOST held against
// sold RAM; amounts are rounded to 0.01 IOST half-up (ram.js _round). A buy
// also pays a 2 % fee (at least 0.01 IOST) that goes to `deadaddr`, as in
// IOST. At genesis the pool holds 128 GiB priced at 0.005 IOST per byte
// (reserve = 128 GiB × 0.005 IOST). ram.js's periodic issue of more RAM is
// not implemented (docs/contracts.md).
#include <core/account.h>
#include <ledger/native.h>

namespace iost::ledger::native {
namespace {

using util::Err;
using util::Result;

constexpr int64_t kMinTrade = 10;
constexpr int64_t kCent = 1'000'000;  // 0.01 IOST in raw units
constexpr std::string_view kTransferPermission = "transfer";

schema::RamPool LoadPool(ExecContext& ctx) {
    auto raw = ctx.Get(schema::kRamPoolKey);
    IOST_ASSERT(raw.has_value(), "the RAM pool exists from genesis");
    auto p = schema::RamPool::Decode(*raw);
    IOST_ASSERT(p.ok(), "stored RAM pool must decode");
    return *p;
}

int64_t RoundCents(__int128 num, __int128 den) {
    // round(num/den) to a multiple of kCent, half up.
    const __int128 cents = (num * 2 + den * kCent) / (den * kCent * 2);
    return static_cast<int64_t>(cents * kCent);
}

// ram.js returns price.toFixed(2).
std::string Cents(int64_t raw) {
    const std::string fixed = FormatAmount(raw, 8).find('.') == std::string::npos
                                  ? FormatAmount(raw, 8) + ".00"
                                  : core::Amount::FromRaw(raw, 8)->ToFixedString();
    const size_t dot = fixed.find('.');
    return fixed.substr(0, dot + 3);
}

int64_t SelfRam(ExecContext& ctx, std::string_view acc) {
    auto raw = ctx.Get(schema::RamSelfKey(acc));
    if (!raw) return 0;
    auto v = schema::DecodeI64(*raw);
    IOST_ASSERT(v.ok(), "stored self RAM must decode");
    return *v;
}

Result<std::string> Buy(ExecContext& ctx, Args& args) {
    const std::string& payer = args.Str(0);
    const std::string& account = args.Str(1);
    const int64_t amount = args.Num(2);
    if (amount < kMinTrade) return Err("minimum ram amount for trading is 10 byte");
    if (!ctx.RequireAuth(payer, kTransferPermission))
        return Err("require auth failed. ret = false");
    if (!ctx.AccountExists(account)) return Err("invalid account " + account);
    schema::RamPool pool = LoadPool(ctx);
    if (pool.left_space <= amount) {
        return Err("buy amount is too much. left space is not enough " +
                   std::to_string(pool.left_space) + " is less than " + std::to_string(amount));
    }
    const int64_t raw_price =
        RoundCents(static_cast<__int128>(pool.balance) * amount, pool.left_space - amount);
    int64_t fee = RoundCents(static_cast<__int128>(raw_price) * 2, 100);
    if (fee < kCent) fee = kCent;
    const int64_t price = raw_price + fee;
    auto r = ctx.CallWithAuth("token.iost", "transfer",
                              JsonArray({"iost", payer, "ram.iost", FormatAmount(price, 8), ""}));
    if (!r) return util::ErrOf(r.error());
    r = ctx.CallWithAuth("token.iost", "transfer",
                         JsonArray({"iost", "ram.iost", "deadaddr", FormatAmount(fee, 8), ""}));
    if (!r) return util::ErrOf(r.error());
    r = ctx.CallWithAuth("token.iost", "transfer",
                         JsonArray({"ram", "ram.iost", account, std::to_string(amount), ""}));
    if (!r) return util::ErrOf(r.error());
    pool.left_space -= amount;
    pool.used_space += amount;
    pool.balance += raw_price;
    ctx.Put(schema::kRamPoolKey, pool.Encode());
    ctx.Put(schema::RamSelfKey(account), schema::EncodeI64(SelfRam(ctx, account) + amount));
    return JsonArray({Cents(price)});
}

Result<std::string> Sell(ExecContext& ctx, Args& args) {
    const std::string& account = args.Str(0);
    const std::string& receiver = args.Str(1);
    const int64_t amount = args.Num(2);
    if (amount < kMinTrade) return Err("minimum ram amount for trading is 10 byte");
    if (!ctx.RequireAuth(account, kTransferPermission))
        return Err("require auth failed. ret = false");
    const int64_t self = SelfRam(ctx, account);
    if (self < amount) {
        return Err("self ram amount " + std::to_string(self) + ", not enough for sell");
    }
    auto r = ctx.CallWithAuth("token.iost", "transfer",
                              JsonArray({"ram", account, "ram.iost", std::to_string(amount), ""}));
    if (!r) return util::ErrOf(r.error());
    schema::RamPool pool = LoadPool(ctx);
    const int64_t price =
        RoundCents(static_cast<__int128>(pool.balance) * amount, pool.left_space + amount);
    if (price > 0) {
        r = ctx.CallWithAuth("token.iost", "transfer",
                             JsonArray({"iost", "ram.iost", receiver, FormatAmount(price, 8), ""}));
        if (!r) return util::ErrOf(r.error());
    }
    pool.left_space += amount;
    pool.used_space -= amount;
    pool.balance -= price;
    ctx.Put(schema::kRamPoolKey, pool.Encode());
    ctx.Put(schema::RamSelfKey(account), schema::EncodeI64(self - amount));
    return JsonArray({Cents(price)});
}

// ram.js lend: gives `to` RAM out of `from`'s self RAM (what `from` bought);
// `to` may use it but not sell it (it does not join `to`'s self RAM).
Result<std::string> Lend(ExecContext& ctx, Args& args) {
    const std::string& from = args.Str(0);
    const std::string& to = args.Str(1);
    const int64_t amount = args.Num(2);
    if (amount < kMinTrade) return Err("minimum ram amount for trading is 10 byte");
    if (!ctx.RequireAuth(from, kTransferPermission)) return Err("require auth failed. ret = false");
    if (!ctx.AccountExists(to)) return Err("invalid account " + to);
    const int64_t self = SelfRam(ctx, from);
    if (self < amount) {
        return Err("self ram amount " + std::to_string(self) + ", not enough for lend");
    }
    auto r = ctx.CallWithAuth("token.iost", "transfer",
                              JsonArray({"ram", from, to, std::to_string(amount), ""}));
    if (!r) return util::ErrOf(r.error());
    ctx.Put(schema::RamSelfKey(from), schema::EncodeI64(self - amount));
    return std::string("[]");
}

}  // namespace

std::shared_ptr<const Contract> MakeRamContract() {
    using A = Arg;
    std::map<std::string, ActionDef, std::less<>> t;
    t["buy"] = {{A::kString, A::kString, A::kNumber}, Buy};
    t["sell"] = {{A::kString, A::kString, A::kNumber}, Sell};
    t["lend"] = {{A::kString, A::kString, A::kNumber}, Lend};
    return std::make_shared<NativeContract>("ram.iost", std::move(t), kGasPerJsCall);
}

}  // namespace iost::ledger::native
