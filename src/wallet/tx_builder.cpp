#include <core/account.h>
#include <core/amount.h>
#include <core/tx_json.h>
#include <util/text.h>
#include <wallet/http_client.h>
#include <wallet/tx_builder.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

namespace iost::wallet {
namespace {

using Json = nlohmann::json;

constexpr size_t kMaxMemoBytes = 512;  // token.iost refuses longer memos
constexpr int64_t kSignUpPledge = 10;  // auth.iost/signUp pledges this much itself

}  // namespace

util::Result<std::vector<core::AmountLimit>> ParseAmountLimit(std::string_view text) {
    std::vector<core::AmountLimit> out;
    if (text.empty()) return out;
    size_t start = 0;
    while (start <= text.size()) {
        const size_t bar = text.find('|', start);
        const std::string_view item =
            text.substr(start, bar == std::string_view::npos ? bar : bar - start);
        const size_t colon = item.find(':');
        if (colon == std::string_view::npos ||
            item.find(':', colon + 1) != std::string_view::npos) {
            return util::Err("--amount-limit: " + util::Quoted(item) +
                             " is not TOKEN:VALUE (e.g. iost:300|ram:2000)");
        }
        const std::string_view token = item.substr(0, colon), value = item.substr(colon + 1);
        if (token.empty() || token.size() > 16)
            return util::Err("--amount-limit: bad token " + util::Quoted(token));
        for (char c : token) {
            if (!(c == '*' || c == '_' || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
                return util::Err("--amount-limit: bad token " + util::Quoted(token));
            }
        }
        if (value != "unlimited") {
            // Syntax only: the token's decimals are not known here.
            const size_t dot = value.find('.');
            const int frac =
                dot == std::string_view::npos ? 0 : static_cast<int>(value.size() - dot - 1);
            auto a = core::Amount::Parse(value, std::min(frac, core::kMaxDecimals));
            if (!a)
                return util::Err("--amount-limit: bad value " + util::Quoted(value) + ": " +
                                 a.error().message);
        }
        if (out.size() >= 64) return util::Err("--amount-limit: too many entries");
        out.push_back({std::string(token), std::string(value)});
        if (bar == std::string_view::npos) break;
        start = bar + 1;
    }
    return out;
}

util::Status ValidateTxParams(const TxParams& p) {
    if (!std::isfinite(p.gas_ratio) || p.gas_ratio < 1.0 || p.gas_ratio > 100.0) {
        return util::Err("--gas-ratio must be between 1 and 100 (got " +
                         std::to_string(p.gas_ratio) + ")");
    }
    if (!std::isfinite(p.gas_limit) || p.gas_limit < 6'000 || p.gas_limit > 4'000'000) {
        return util::Err("--gas-limit must be between 6000 and 4000000 (got " +
                         std::to_string(p.gas_limit) + ")");
    }
    if (p.expiration_s < 1 || p.expiration_s > 90) {
        return util::Err(
            "--expiration must be 1..90 seconds (a node refuses a transaction older than 90 s); "
            "got " +
            std::to_string(p.expiration_s));
    }
    IOST_TRY(ParseAmountLimit(p.amount_limit));
    for (const auto& s : p.signers) {
        auto r = core::ParseSigner(s);
        if (!r) return util::Err("--signers: " + util::Quoted(s) + ": " + r.error().message);
    }
    return util::Ok();
}

util::Status CheckAccountName(std::string_view name, std::string_view what) {
    auto st = core::ValidateAccountName(name);
    if (!st) return util::Err(std::string(what) + ": " + st.error().message);
    return util::Ok();
}

util::Result<std::string> CheckIostAmount(std::string_view text, std::string_view what) {
    auto a = core::Amount::ParseIost(text);
    if (!a) return util::Err(std::string(what) + ": " + a.error().message);
    if (a->IsZero()) return util::Err(std::string(what) + " must be positive");
    return a->ToString();
}

util::Result<int64_t> CheckCount(std::string_view text, std::string_view what) {
    auto a = core::Amount::Parse(text, 0);
    if (!a)
        return util::Err(std::string(what) + " " + util::Quoted(text) +
                         ": not a whole number: " + a.error().message);
    return a->raw();
}

util::Status CheckContract(std::string_view contract, std::string_view action) {
    if (!core::IsContractId(contract)) {
        return util::Err("contract " + util::Quoted(contract) +
                         " is not a contract id (token.iost, Contract<base58>)");
    }
    if (action.empty() || action.size() > 64)
        return util::Err("action name must be 1..64 characters");
    for (char c : action) {
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_')) {
            return util::Err("action name " + util::Quoted(action) +
                             " may hold only letters, digits and _");
        }
    }
    return util::Ok();
}

util::Result<std::string> CheckJsonArgs(std::string_view text) {
    if (text.size() > core::kMaxTxBytes)
        return util::Err("arguments are larger than a transaction may be");
    Json j = Json::parse(text, nullptr, false);
    if (j.is_discarded())
        return util::Err("arguments are not valid JSON: " + util::Quoted(text.substr(0, 80)));
    if (!j.is_array()) {
        return util::Err("arguments must be a JSON array, e.g. '[\"iost\", \"admin\"]'; got " +
                         util::Quoted(text.substr(0, 80)));
    }
    return std::string(text);
}

util::Result<std::string> NormalizeServerUrl(std::string_view url) {
    std::string u(url);
    if (u.find("://") == std::string::npos) u = "http://" + u;  // go-iost took host:port
    auto parsed = HttpUrl::Parse(u);
    if (!parsed) return util::Err("--server: " + parsed.error().message);
    if (parsed->target != "/")
        return util::Err("--server: give only http://host:port, no path (" + util::Quoted(url) +
                         ")");
    const size_t authority = u.find("://") + 3;
    const std::string host_part = u.substr(authority);
    const bool has_port = host_part.rfind(']') != std::string::npos
                              ? host_part.find("]:") != std::string::npos
                              : host_part.find(':') != std::string::npos;
    std::string host =
        parsed->host.find(':') != std::string::npos ? "[" + parsed->host + "]" : parsed->host;
    // A bare host:30002 is go-iost iwallet's habit (its gRPC port, the
    // default of its --server); this iwallet speaks HTTP, which IOST serves
    // on 30001 beside it (go-iost config/iserver.yml), so it goes there.
    // An explicit http://host:30002 is taken as given.
    const bool grpc_habit =
        has_port && parsed->port == 30002 && std::string(url).find("://") == std::string::npos;
    return "http://" + host + ":" + std::to_string(!has_port || grpc_habit ? 30001 : parsed->port);
}

util::Status CheckMemo(std::string_view memo) {
    if (memo.size() > kMaxMemoBytes) {
        return util::Err("--memo is " + std::to_string(memo.size()) + " bytes; token.iost allows " +
                         std::to_string(kMaxMemoBytes));
    }
    return util::Ok();
}

core::Action MakeAction(std::string contract, std::string action, std::string data) {
    return core::Action{std::move(contract), std::move(action), std::move(data)};
}

core::Action TransferAction(std::string_view token, std::string_view from, std::string_view to,
                            std::string_view amount, std::string_view memo) {
    Json args = Json::array({token, from, to, amount, memo});
    return MakeAction("token.iost", "transfer", args.dump());
}

util::Result<std::vector<core::Action>> CreateAccountActions(std::string_view creator,
                                                             const CreateAccountSpec& s) {
    IOST_TRY(CheckAccountName(creator, "creator (--account)"));
    IOST_TRY(CheckAccountName(s.name, "new account name"));
    for (const auto* k : {&s.owner_key, &s.active_key}) {
        auto b = util::Base58Decode(*k);
        if (!b) return util::Err("public key " + util::Quoted(*k) + " is not base58");
        auto st = crypto::ValidatePublicKey(b->size() == crypto::kSecp256k1PublicKeySize
                                                ? crypto::Algorithm::kSecp256k1
                                                : crypto::Algorithm::kEd25519,
                                            *b);
        if (!st) return util::Err("public key " + util::Quoted(*k) + ": " + st.error().message);
    }
    if (s.initial_gas_pledge < kSignUpPledge) {
        return util::Err(
            "--initial-gas-pledge must be at least 10 (signUp pledges 10 IOST itself)");
    }
    if (s.initial_ram < 0) return util::Err("--initial-ram must not be negative");
    if (s.initial_ram > 0 && s.initial_ram < 10)
        return util::Err("--initial-ram: ram.iost sells at least 10 bytes");
    std::vector<core::Action> acts;
    acts.push_back(
        MakeAction("auth.iost", "signUp", Json::array({s.name, s.owner_key, s.active_key}).dump()));
    if (s.initial_ram > 0) {
        acts.push_back(
            MakeAction("ram.iost", "buy", Json::array({creator, s.name, s.initial_ram}).dump()));
    }
    if (s.initial_gas_pledge > kSignUpPledge) {
        acts.push_back(MakeAction(
            "gas.iost", "pledge",
            Json::array({creator, s.name, std::to_string(s.initial_gas_pledge - kSignUpPledge)})
                .dump()));
    }
    auto bal = core::Amount::ParseIost(s.initial_balance);
    if (!bal)
        return util::Err("--initial-balance " + util::Quoted(s.initial_balance) + ": " +
                         bal.error().message);
    if (!bal->IsZero())
        acts.push_back(TransferAction("iost", creator, s.name, bal->ToString(), ""));
    return acts;
}

util::Result<core::Tx> BuildTx(std::vector<core::Action> actions, const TxParams& p,
                               util::UnixNanos now) {
    IOST_TRY(ValidateTxParams(p));
    if (actions.empty()) return util::Err("a transaction needs at least one action");
    auto ratio = core::GasX100FromDouble(p.gas_ratio);
    if (!ratio) return util::Err("--gas-ratio: " + ratio.error().message);
    auto limit = core::GasX100FromDouble(p.gas_limit);
    if (!limit) return util::Err("--gas-limit: " + limit.error().message);
    auto amount_limit = ParseAmountLimit(p.amount_limit);
    if (!amount_limit) return util::ErrOf(amount_limit.error());
    core::Tx tx;
    tx.time = now;
    tx.expiration = now + p.expiration_s * util::kNanosPerSecond;
    tx.gas_ratio = *ratio;
    tx.gas_limit = *limit;
    tx.chain_id = p.chain_id;
    tx.signers = p.signers;
    tx.actions = std::move(actions);
    tx.amount_limit = std::move(*amount_limit);
    return tx;
}

void SignAsPublisher(core::Tx& tx, std::string_view publisher, const crypto::KeyPair& kp) {
    tx.publisher_sigs.clear();
    tx.SignAsPublisher(std::string(publisher), kp);
}

}  // namespace iost::wallet
