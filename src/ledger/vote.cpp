// vote_producer.iost: validator registration and stake (go-iost
// config/genesis/contract/vote_producer.js, reduced to what PoB needs):
//   applyRegister(account, pubkey, loc, url, netId, isProducer)
//   applyUnregister(account)
//   vote(voter, producer, amount) / unvote(voter, producer, amount)
//   stake(account, amount) / unstake(account, amount)  (ours: vote for self)
//   logInProducer(account) / logOutProducer(account)   (set is_producer)
// A validator's stake is the IOST voted for it. Voted IOST is held by
// vote_producer.iost; unvoted IOST comes back frozen for 7 days
// (vote_producer.js VOTE_LOCKTIME = 604800 s). Registration takes effect at
// once here (IOST waits for the admin's approveRegister); the consensus
// layer reads the validator set at epoch boundaries (docs/pob.md §4), so
// changes take effect at the next epoch.
#include <core/account.h>
#include <core/genesis.h>
#include <ledger/code.h>
#include <ledger/native.h>

#include <algorithm>

namespace iost::ledger::native {
namespace {

using util::Err;
using util::Result;

constexpr int64_t kVoteLockSeconds = 604'800;
constexpr std::string_view kVotePermission = "vote";
constexpr std::string_view kContract = "vote_producer.iost";

std::optional<schema::ValidatorRecord> LoadValidator(ExecContext& ctx, std::string_view name) {
    auto raw = ctx.Get(schema::ValidatorKey(name));
    if (!raw) return std::nullopt;
    auto v = schema::ValidatorRecord::Decode(*raw);
    IOST_ASSERT(v.ok(), "stored validator must decode");
    return std::move(*v);
}

int64_t LoadVote(ExecContext& ctx, std::string_view voter, std::string_view producer) {
    auto raw = ctx.Get(schema::VoteKey(voter, producer));
    if (!raw) return 0;
    auto v = schema::DecodeI64(*raw);
    IOST_ASSERT(v.ok(), "stored vote must decode");
    return *v;
}

Result<int64_t> FixAmount(const std::string& text) {
    auto a = core::Amount::Parse(text, 8, core::ExcessDecimals::kTruncate);
    if (!a || a->raw() <= 0) return Err("amount must be positive");
    return a->raw();
}

Result<std::string> ApplyRegister(ExecContext& ctx, Args& args) {
    const std::string& account = args.Str(0);
    const std::string& pubkey = args.Str(1);
    if (!ctx.RequireAuth(account, kVotePermission)) return Err("require auth failed.");
    if (!ctx.AccountExists(account)) return Err("invalid account " + account);
    if (ctx.Get(schema::ValidatorKey(account))) return Err("producer exists");
    auto key = core::ParsePublicKeyText(pubkey);
    if (!key) return Err("invalid pubkey: " + key.error().message);
    const std::string key_text = core::PublicKeyToText(*key);
    if (ctx.Get(schema::ValidatorPubkeyKey(key_text)))
        return Err("pubkey is used by another producer");
    schema::ValidatorRecord v;
    v.consensus_key = std::move(*key);
    v.loc = args.Str(2);
    v.url = args.Str(3);
    v.net_id = args.Str(4);
    v.is_producer = args.Bool(5);
    v.registered_time = ctx.block().time_ns;
    const std::string rec = v.Encode();
    ctx.ChargeRam(
        ctx.tx().publisher,
        static_cast<int64_t>(schema::ValidatorKey(account).size() + rec.size() +
                             schema::ValidatorPubkeyKey(key_text).size() + account.size()));
    ctx.Put(schema::ValidatorKey(account), rec);
    ctx.Put(schema::ValidatorPubkeyKey(key_text), account);
    std::string list = ctx.Get(schema::kValidatorListKey).value_or("");
    std::vector<std::string> names;
    size_t pos = 0;
    while (pos < list.size()) {
        const size_t nl = list.find('\n', pos);
        names.push_back(list.substr(pos, nl - pos));
        pos = nl == std::string::npos ? list.size() : nl + 1;
    }
    names.push_back(account);
    std::sort(names.begin(), names.end());
    std::string joined;
    for (size_t i = 0; i < names.size(); ++i) {
        if (i) joined.push_back('\n');
        joined += names[i];
    }
    ctx.Put(schema::kValidatorListKey, std::move(joined));
    ctx.Receipt("vote_producer.iost/applyRegister", args.Dump());
    return std::string("[]");
}

Result<std::string> ApplyUnregister(ExecContext& ctx, Args& args) {
    const std::string& account = args.Str(0);
    if (!ctx.RequireAuth(account, kVotePermission)) return Err("require auth failed.");
    auto v = LoadValidator(ctx, account);
    if (!v) return Err("producer not exists");
    if (v->status == schema::ValidatorStatus::kSlashed) return Err("producer is slashed");
    v->status = schema::ValidatorStatus::kUnregistered;
    ctx.Put(schema::ValidatorKey(account), v->Encode());
    ctx.Receipt("vote_producer.iost/applyUnregister", args.Dump());
    return std::string("[]");
}

Result<std::string> SetOnline(ExecContext& ctx, Args& args, bool online) {
    const std::string& account = args.Str(0);
    if (!ctx.RequireAuth(account, kVotePermission)) return Err("require auth failed.");
    auto v = LoadValidator(ctx, account);
    if (!v) return Err("producer not exists");
    v->is_producer = online;
    ctx.Put(schema::ValidatorKey(account), v->Encode());
    ctx.Receipt(std::string("vote_producer.iost/") + (online ? "logInProducer" : "logOutProducer"),
                args.Dump());
    return std::string("[]");
}

Result<std::string> DoVote(ExecContext& ctx, const std::string& voter, const std::string& producer,
                           const std::string& amount_text, std::string_view func) {
    if (!ctx.RequireAuth(voter, core::kActivePermission))
        return Err("require auth failed. ret = false");
    auto v = LoadValidator(ctx, producer);
    if (!v) return Err("producer not exists");
    if (v->status == schema::ValidatorStatus::kSlashed) return Err("producer is slashed");
    auto amount = FixAmount(amount_text);
    if (!amount) return util::ErrOf(amount.error());
    auto r = ctx.CallWithAuth("token.iost", "transfer",
                              JsonArray({"iost", voter, kContract, FormatAmount(*amount, 8), ""}));
    if (!r) return util::ErrOf(r.error());
    ctx.Put(schema::VoteKey(voter, producer),
            schema::EncodeI64(LoadVote(ctx, voter, producer) + *amount));
    v->votes += *amount;
    ctx.Put(schema::ValidatorKey(producer), v->Encode());
    ctx.Receipt(std::string(func), JsonArray({voter, producer, FormatAmount(*amount, 8)}));
    return std::string("[]");
}

Result<std::string> DoUnvote(ExecContext& ctx, const std::string& voter,
                             const std::string& producer, const std::string& amount_text,
                             std::string_view func) {
    if (!ctx.RequireAuth(voter, core::kActivePermission))
        return Err("require auth failed. ret = false");
    auto amount = FixAmount(amount_text);
    if (!amount) return util::ErrOf(amount.error());
    const int64_t voted = LoadVote(ctx, voter, producer);
    if (voted < *amount) return Err("vote amount less than expected");
    auto v = LoadValidator(ctx, producer);
    IOST_ASSERT(v.has_value(), "a vote implies a validator record");
    const int64_t ftime = ctx.block().time_ns + kVoteLockSeconds * 1'000'000'000;
    auto r = ctx.CallWithAuth(
        "token.iost", "transferFreeze",
        JsonArray({"iost", kContract, voter, FormatAmount(*amount, 8), ftime, ""}));
    if (!r) return util::ErrOf(r.error());
    if (voted == *amount) {
        ctx.Delete(schema::VoteKey(voter, producer));
    } else {
        ctx.Put(schema::VoteKey(voter, producer), schema::EncodeI64(voted - *amount));
    }
    v->votes -= std::min(v->votes, *amount);
    ctx.Put(schema::ValidatorKey(producer), v->Encode());
    ctx.Receipt(std::string(func), JsonArray({voter, producer, FormatAmount(*amount, 8)}));
    return std::string("[]");
}

}  // namespace

std::shared_ptr<const Contract> MakeVoteProducerContract() {
    using A = Arg;
    std::map<std::string, ActionDef, std::less<>> t;
    t["applyRegister"] = {{A::kString, A::kString, A::kString, A::kString, A::kString, A::kBool},
                          ApplyRegister};
    t["applyUnregister"] = {{A::kString}, ApplyUnregister};
    t["logInProducer"] = {{A::kString},
                          [](ExecContext& c, Args& a) { return SetOnline(c, a, true); }};
    t["logOutProducer"] = {{A::kString},
                           [](ExecContext& c, Args& a) { return SetOnline(c, a, false); }};
    t["vote"] = {{A::kString, A::kString, A::kString}, [](ExecContext& c, Args& a) {
                     return DoVote(c, a.Str(0), a.Str(1), a.Str(2), "vote_producer.iost/vote");
                 }};
    t["unvote"] = {{A::kString, A::kString, A::kString}, [](ExecContext& c, Args& a) {
                       return DoUnvote(c, a.Str(0), a.Str(1), a.Str(2),
                                       "vote_producer.iost/unvote");
                   }};
    t["stake"] = {{A::kString, A::kString}, [](ExecContext& c, Args& a) {
                      return DoVote(c, a.Str(0), a.Str(0), a.Str(1), "vote_producer.iost/stake");
                  }};
    t["unstake"] = {{A::kString, A::kString}, [](ExecContext& c, Args& a) {
                        return DoUnvote(c, a.Str(0), a.Str(0), a.Str(1),
                                        "vote_producer.iost/unstake");
                    }};
    return std::make_shared<NativeContract>(std::string(kContract), std::move(t), kGasPerJsCall);
}

std::shared_ptr<const Contract> MakeSystemContract() {
    using A = Arg;
    std::map<std::string, ActionDef, std::less<>> t;
    // system.iost/receipt: a user-defined receipt (IOST's blockchain.receipt).
    t["receipt"] = {{A::kString}, [](ExecContext& c, Args& a) -> Result<std::string> {
                        c.Receipt("system.iost/receipt", a.Str(0));
                        return std::string("[]");
                    }};
    t["requireAuth"] = {{A::kString, A::kString},
                        [](ExecContext& c, Args& a) -> Result<std::string> {
                            return JsonArray({c.RequireAuth(a.Str(0), a.Str(1))});
                        }};
    // Deployment of contracts as code (ledger/code.h): refused without an engine.
    t["setCode"] = {{A::kString}, [](ExecContext& c, Args& a) { return SetCode(c, a.Str(0)); }};
    t["updateCode"] = {{A::kString, A::kString},
                       [](ExecContext& c, Args& a) { return UpdateCode(c, a.Str(0), a.Str(1)); }};
    return std::make_shared<NativeContract>("system.iost", std::move(t), kGasPerNativeCall);
}

}  // namespace iost::ledger::native
