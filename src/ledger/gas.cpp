// gas.iost: pledge IOST for gas (go-iost vm/native/gas.go and
// vm/database/gas_handler.go). The economic model, with IOST's constants:
//  - each pledged IOST grants 100,000 gas at once (GasImmediateReward) and
//    raises the user's gas limit by 300,000 (GasLimit);
//  - gas regenerates linearly at (300,000 − 100,000) / 172,800 gas per IOST
//    per second (fills in 2 days, GasFulfillSeconds), never above the limit,
//    and one refresh counts at most 3 days (gasMaxIncreaseSeconds);
//  - unpledged IOST comes back frozen for 3 days (UnpledgeFreezeSeconds); a
//    user keeps at least 10 IOST pledged (GasMinPledgeOfUser) and each
//    (un)pledge moves at least 1 IOST (GasMinPledgePerAction).
// Gas values are kept ×100 (GasDecimal 2). Ours: regeneration is computed in
// exact integer arithmetic (floor), where go-iost multiplies by a float64
// duration; results can differ from IOST's by at most 0.01 gas.
#include <core/account.h>
#include <ledger/native.h>

namespace iost::ledger::native {
namespace {

using util::Err;
using util::Result;

constexpr int64_t kIostUnit = 100'000'000;  // raw units per IOST
// go-iost: GasImmediateReward = Fixed{100000 * 100, Decimal 2}, GasLimit =
// Fixed{300000 * 100, Decimal 2}, i.e. 100,000 and 300,000 gas per IOST.
constexpr int64_t kImmediatePerIost = 100'000 * 100;  // ×100 gas per IOST
constexpr int64_t kLimitPerIost = 300'000 * 100;      // ×100 gas per IOST
constexpr int64_t kFulfillSeconds = 2 * 24 * 3600;
constexpr int64_t kMaxIncreaseSeconds = 3 * 24 * 3600;
constexpr int64_t kUnpledgeFreezeSeconds = 3 * 24 * 3600;
constexpr int64_t kMinPledgeOfUserRaw = 10 * kIostUnit;
constexpr int64_t kMinPledgePerActionRaw = 1 * kIostUnit;
constexpr std::string_view kTransferPermission = "transfer";

int64_t MulDiv(int64_t a, int64_t b, int64_t c) {
    const __int128 r = static_cast<__int128>(a) * b / c;
    return r > std::numeric_limits<int64_t>::max() ? std::numeric_limits<int64_t>::max()
                                                   : static_cast<int64_t>(r);
}

schema::GasState Load(ExecContext& ctx, std::string_view user) {
    auto raw = ctx.Get(schema::GasKey(user));
    if (!raw) return {};
    auto g = schema::GasState::Decode(*raw);
    IOST_ASSERT(g.ok(), "stored gas state must decode");
    return *g;
}

int64_t LoadPledge(ExecContext& ctx, std::string_view pledger, std::string_view user) {
    auto raw = ctx.Get(schema::GasPledgeKey(pledger, user));
    if (!raw) return 0;
    auto v = schema::DecodeI64(*raw);
    IOST_ASSERT(v.ok(), "stored pledge must decode");
    return *v;
}

// gas.go pledge(): a positive amount pledges, a negative one unpledges.
Result<void> ApplyPledge(ExecContext& ctx, std::string_view pledger, std::string_view user,
                         int64_t delta_raw) {
    schema::GasState g = Load(ctx, user);
    const int64_t pledged = LoadPledge(ctx, pledger, user);
    if (delta_raw < 0) {
        const int64_t un = -delta_raw;
        if (g.pledge_total - un < kMinPledgeOfUserRaw) {
            return Err("unpledge too much (" + FormatAmount(g.pledge_total, 8) + " - " +
                       FormatAmount(un, 8) + ") less than 10");
        }
        if (pledged - un < 0) {
            return Err("you cannot unpledge more than your pledge " + FormatAmount(un, 8) + " > " +
                       FormatAmount(pledged, 8));
        }
    }
    const int64_t now = ctx.block().time_ns;
    const int64_t limit_delta = MulDiv(delta_raw, kLimitPerIost, kIostUnit);
    const int64_t gas_delta = delta_raw > 0 ? MulDiv(delta_raw, kImmediatePerIost, kIostUnit) : 0;
    if (g.update_time == 0) {
        if (delta_raw < 0) return Err("cannot unpledge! No pledge before");
        g = schema::GasState{delta_raw, limit_delta, gas_delta, now};
    } else {
        g = GasAt(g, now);
        g.pledge_total += delta_raw;
        if (g.pledge_total <= 0) return Err("change gasPledgeTotal failed!");
        g.limit += limit_delta;
        if (g.limit <= 0) return Err("change gasLimit failed!");
        g.stock = std::min(g.limit, g.stock + gas_delta);
    }
    ctx.Put(schema::GasKey(user), g.Encode());
    const int64_t new_pledge = pledged + delta_raw;
    if (new_pledge == 0) {
        ctx.Delete(schema::GasPledgeKey(pledger, user));
    } else {
        ctx.Put(schema::GasPledgeKey(pledger, user), schema::EncodeI64(new_pledge));
    }
    return util::Ok();
}

Result<int64_t> ParsePledgeAmount(const std::string& text, const char* what) {
    auto a = core::Amount::Parse(text, 8, core::ExcessDecimals::kTruncate);
    if (!a || a->raw() <= 0) return Err("invalid amount " + text);
    if (a->raw() < kMinPledgePerActionRaw) return Err(std::string("min ") + what + " num is 1");
    return a->raw();
}

bool ValidUser(ExecContext& ctx, const std::string& name) {
    return core::IsAccountName(name) && ctx.AccountExists(name);
}

Result<std::string> Pledge(ExecContext& ctx, Args& args) {
    const std::string& pledger = args.Str(0);
    const std::string& user = args.Str(1);
    if (!ValidUser(ctx, pledger)) return Err("invalid user name " + pledger);
    if (!ValidUser(ctx, user)) return Err("invalid user name " + user);
    if (!ctx.RequireAuth(pledger, kTransferPermission)) return Err("transaction has no permission");
    auto amount = ParsePledgeAmount(args.Str(2), "pledge");
    if (!amount) return util::ErrOf(amount.error());
    IOST_TRY(ApplyPledge(ctx, pledger, user, *amount));
    auto r = ctx.Call("token.iost", "transfer",
                      JsonArray({"iost", pledger, "gas.iost", args.Str(2), ""}));
    if (!r) return util::ErrOf(r.error());
    ctx.Receipt("gas.iost/pledge", args.Dump());
    return std::string("[]");
}

Result<std::string> Unpledge(ExecContext& ctx, Args& args) {
    const std::string& pledger = args.Str(0);
    const std::string& user = args.Str(1);
    if (!ValidUser(ctx, pledger)) return Err("invalid user name " + pledger);
    if (!ValidUser(ctx, user)) return Err("invalid user name " + user);
    if (!ctx.RequireAuth(pledger, kTransferPermission)) return Err("transaction has no permission");
    auto amount = ParsePledgeAmount(args.Str(2), "unpledge");
    if (!amount) return util::ErrOf(amount.error());
    if (LoadPledge(ctx, pledger, user) == 0) return Err(pledger + " did not pledge for " + user);
    IOST_TRY(ApplyPledge(ctx, pledger, user, -*amount));
    const int64_t ftime = ctx.block().time_ns + kUnpledgeFreezeSeconds * 1'000'000'000;
    auto r = ctx.CallWithAuth(
        "token.iost", "transferFreeze",
        JsonArray({"iost", "gas.iost", pledger, FormatAmount(*amount, 8), ftime, ""}));
    if (!r) return util::ErrOf(r.error());
    ctx.Receipt("gas.iost/unpledge", args.Dump());
    return std::string("[]");
}

}  // namespace

schema::GasState GasAt(const schema::GasState& g, int64_t t_ns) {
    schema::GasState out = g;
    if (g.update_time <= 0) return out;
    int64_t dt = t_ns - g.update_time;
    if (dt < 0) dt = 0;
    const int64_t max_dt = kMaxIncreaseSeconds * 1'000'000'000;
    if (dt > max_dt) dt = max_dt;
    // pledge_raw × (limit − immediate) ×100-gas per IOST over 2 days, per ns.
    const __int128 num =
        static_cast<__int128>(g.pledge_total) * (kLimitPerIost - kImmediatePerIost) * dt;
    const __int128 den = static_cast<__int128>(kIostUnit) * kFulfillSeconds * 1'000'000'000;
    const __int128 grown = static_cast<__int128>(g.stock) + num / den;
    out.stock = grown > g.limit ? g.limit : static_cast<int64_t>(grown);
    out.update_time = t_ns;
    return out;
}

std::shared_ptr<const Contract> MakeGasContract() {
    using A = Arg;
    std::map<std::string, ActionDef, std::less<>> t;
    t["pledge"] = {{A::kString, A::kString, A::kString}, Pledge};
    t["unpledge"] = {{A::kString, A::kString, A::kString}, Unpledge};
    return std::make_shared<NativeContract>("gas.iost", std::move(t), kGasPerNativeCall);
}

}  // namespace iost::ledger::native
