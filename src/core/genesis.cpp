#include <core/codec.h>
#include <core/genesis.h>
#include <yaml-cpp/yaml.h>

#include <charconv>
#include <fstream>
#include <limits>
#include <map>
#include <set>
#include <sstream>

namespace iost::core {
namespace {

using util::Err;
using util::Result;
using util::Status;

// Account names as IOST's auth.iost checks them (5–11 of [a-z0-9_]).
Status CheckAccountName(std::string_view name) {
    if (name.size() < 5 || name.size() > 11) {
        return Err("account name '" + std::string(name) + "' must be 5 to 11 characters");
    }
    for (char c : name) {
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) {
            return Err("account name '" + std::string(name) + "' may contain only [a-z0-9_]");
        }
    }
    return util::Ok();
}

std::string Field(std::string_view parent, std::string_view name) {
    if (parent.empty()) return std::string(name);
    return std::string(parent) + "." + std::string(name);
}
std::string Index(std::string_view parent, size_t i) {
    return std::string(parent) + "[" + std::to_string(i) + "]";
}

// Every mapping is checked for keys we do not know: a typo in a genesis file
// ("believeable_size") must not silently fall back to a default.
Status CheckKeys(const YAML::Node& map, std::string_view where,
                 std::initializer_list<std::string_view> known) {
    if (!map.IsMap())
        return Err(std::string(where.empty() ? "genesis" : where) + ": must be a mapping");
    for (const auto& kv : map) {
        const std::string key = kv.first.as<std::string>();
        bool ok = false;
        for (auto k : known) ok = ok || (k == key);
        if (!ok) return Err(Field(where, key) + ": unknown field");
    }
    return util::Ok();
}

Result<std::string> ReqScalar(const YAML::Node& map, std::string_view where, std::string_view key) {
    const YAML::Node n = map[std::string(key)];
    if (!n) return Err(Field(where, key) + ": missing");
    if (!n.IsScalar()) return Err(Field(where, key) + ": must be a scalar");
    return n.Scalar();
}

template <typename T>
Result<T> ParseInt(std::string_view text, std::string_view what, T min, T max) {
    T v{};
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || p != text.data() + text.size() || text.empty()) {
        return Err(std::string(what) + ": '" + std::string(text) + "' is not an integer");
    }
    if (v < min || v > max) {
        return Err(std::string(what) + ": " + std::string(text) + " is out of range [" +
                   std::to_string(min) + ", " + std::to_string(max) + "]");
    }
    return v;
}

template <typename T>
Result<T> ReqInt(const YAML::Node& map, std::string_view where, std::string_view key, T min,
                 T max) {
    auto s = ReqScalar(map, where, key);
    if (!s) return util::ErrOf(s.error());
    return ParseInt<T>(*s, Field(where, key), min, max);
}

template <typename T>
Result<T> OptInt(const YAML::Node& map, std::string_view where, std::string_view key, T dflt, T min,
                 T max) {
    if (!map[std::string(key)]) return dflt;
    return ReqInt<T>(map, where, key, min, max);
}

Result<Amount> ParseIostAmount(std::string_view text, std::string_view what) {
    auto a = Amount::Parse(text, kIostDecimals);
    if (!a) return Err(std::string(what) + ": '" + std::string(text) + "': " + a.error().message);
    return a;
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

// "YYYY-MM-DDTHH:MM:SSZ" (UTC only; IOST's genesis uses this form).
Result<int64_t> ParseUtcTimestamp(std::string_view s, std::string_view what) {
    auto bad = [&] {
        return Err(std::string(what) + ": '" + std::string(s) +
                   "' is not a UTC time of the form 2026-01-01T00:00:00Z");
    };
    if (s.size() != 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
        s[16] != ':' || s[19] != 'Z') {
        return bad();
    }
    auto num = [&](size_t pos, size_t len, int* out) {
        auto [p, ec] = std::from_chars(s.data() + pos, s.data() + pos + len, *out);
        return ec == std::errc() && p == s.data() + pos + len;
    };
    int y, mo, d, h, mi, se;
    if (!num(0, 4, &y) || !num(5, 2, &mo) || !num(8, 2, &d) || !num(11, 2, &h) ||
        !num(14, 2, &mi) || !num(17, 2, &se)) {
        return bad();
    }
    static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1970 || y > 2200 || mo < 1 || mo > 12 || d < 1 || d > kDays[mo - 1] || h > 23 ||
        mi > 59 || se > 59) {
        return bad();
    }
    const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (mo == 2 && d == 29 && !leap) return bad();
    const int64_t days = DaysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
    return ((days * 24 + h) * 60 + mi) * 60 * int64_t{1'000'000'000} + int64_t{se} * 1'000'000'000;
}

Result<crypto::PublicKey> ReqKey(const YAML::Node& map, std::string_view where,
                                 std::string_view key) {
    auto s = ReqScalar(map, where, key);
    if (!s) return util::ErrOf(s.error());
    auto k = ParsePublicKeyText(*s);
    if (!k) return Err(Field(where, key) + ": " + k.error().message);
    return k;
}

#define GEN_TRY_ASSIGN(lhs, expr)                        \
    do {                                                 \
        auto gen_r_ = (expr);                            \
        if (!gen_r_) return util::ErrOf(gen_r_.error()); \
        lhs = std::move(*gen_r_);                        \
    } while (0)

Result<Genesis> FromYaml(const YAML::Node& root) {
    Genesis g;
    IOST_TRY(
        CheckKeys(root, "", {"chain_id", "timestamp", "accounts", "token", "validators", "pob"}));
    GEN_TRY_ASSIGN(g.chain_id, ReqInt<uint32_t>(root, "", "chain_id", 1, 0xFFFFFFFFu));
    {
        std::string ts;
        GEN_TRY_ASSIGN(ts, ReqScalar(root, "", "timestamp"));
        GEN_TRY_ASSIGN(g.timestamp_ns, ParseUtcTimestamp(ts, "timestamp"));
    }

    const YAML::Node accounts = root["accounts"];
    if (!accounts) return Err("accounts: missing");
    if (!accounts.IsSequence() || accounts.size() == 0) {
        return Err("accounts: must be a non-empty list");
    }
    for (size_t i = 0; i < accounts.size(); ++i) {
        const std::string where = Index("accounts", i);
        const YAML::Node a = accounts[i];
        IOST_TRY(CheckKeys(a, where, {"name", "owner", "active", "gas_pledge", "ram"}));
        GenesisAccount acc;
        GEN_TRY_ASSIGN(acc.name, ReqScalar(a, where, "name"));
        GEN_TRY_ASSIGN(acc.owner, ReqKey(a, where, "owner"));
        GEN_TRY_ASSIGN(acc.active, ReqKey(a, where, "active"));
        acc.gas_pledge = Amount::FromRaw(0, kIostDecimals).value();
        if (a["gas_pledge"]) {
            std::string s;
            GEN_TRY_ASSIGN(s, ReqScalar(a, where, "gas_pledge"));
            GEN_TRY_ASSIGN(acc.gas_pledge, ParseIostAmount(s, Field(where, "gas_pledge")));
        }
        GEN_TRY_ASSIGN(acc.ram_bytes, OptInt<int64_t>(a, where, "ram", 0, 0, int64_t{1} << 40));
        g.accounts.push_back(std::move(acc));
    }

    const YAML::Node token = root["token"];
    if (!token) return Err("token: missing");
    IOST_TRY(
        CheckKeys(token, "token", {"symbol", "decimals", "total_supply", "issuer", "allocations"}));
    GEN_TRY_ASSIGN(g.token.symbol, ReqScalar(token, "token", "symbol"));
    GEN_TRY_ASSIGN(g.token.decimals, ReqInt<int>(token, "token", "decimals", 0, kMaxDecimals));
    GEN_TRY_ASSIGN(
        g.token.total_supply_units,
        ReqInt<int64_t>(token, "token", "total_supply", 1, std::numeric_limits<int64_t>::max()));
    GEN_TRY_ASSIGN(g.token.issuer, ReqScalar(token, "token", "issuer"));
    const YAML::Node allocs = token["allocations"];
    if (!allocs) return Err("token.allocations: missing");
    if (!allocs.IsSequence()) return Err("token.allocations: must be a list");
    for (size_t i = 0; i < allocs.size(); ++i) {
        const std::string where = Index("token.allocations", i);
        const YAML::Node a = allocs[i];
        IOST_TRY(CheckKeys(a, where, {"account", "amount"}));
        GenesisAllocation al;
        GEN_TRY_ASSIGN(al.account, ReqScalar(a, where, "account"));
        std::string s;
        GEN_TRY_ASSIGN(s, ReqScalar(a, where, "amount"));
        GEN_TRY_ASSIGN(al.amount, ParseIostAmount(s, Field(where, "amount")));
        g.token.allocations.push_back(std::move(al));
    }

    const YAML::Node vals = root["validators"];
    if (!vals) return Err("validators: missing");
    if (!vals.IsSequence() || vals.size() == 0) return Err("validators: must be a non-empty list");
    for (size_t i = 0; i < vals.size(); ++i) {
        const std::string where = Index("validators", i);
        const YAML::Node v = vals[i];
        IOST_TRY(CheckKeys(v, where, {"account", "consensus_key", "stake", "servi"}));
        GenesisValidator gv;
        GEN_TRY_ASSIGN(gv.account, ReqScalar(v, where, "account"));
        GEN_TRY_ASSIGN(gv.consensus_key, ReqKey(v, where, "consensus_key"));
        std::string s;
        GEN_TRY_ASSIGN(s, ReqScalar(v, where, "stake"));
        GEN_TRY_ASSIGN(gv.stake, ParseIostAmount(s, Field(where, "stake")));
        GEN_TRY_ASSIGN(gv.servi, OptInt<int64_t>(v, where, "servi", 0, 0, int64_t{1} << 50));
        g.validators.push_back(std::move(gv));
    }

    const YAML::Node pob = root["pob"];
    if (!pob) return Err("pob: missing");
    IOST_TRY(CheckKeys(
        pob, "pob",
        {"believable_size", "normal_size", "sampling_probability", "epoch_length",
         "micro_interval_ms", "final_interval_ms", "min_servi", "recheck_window", "fraud_window"}));
    GEN_TRY_ASSIGN(g.pob.believable_size, ReqInt<uint32_t>(pob, "pob", "believable_size", 1, 1000));
    GEN_TRY_ASSIGN(g.pob.normal_size, ReqInt<uint32_t>(pob, "pob", "normal_size", 1, 1000));
    {
        std::string s;
        GEN_TRY_ASSIGN(s, ReqScalar(pob, "pob", "sampling_probability"));
        auto p = ParseProbabilityPpm(s);
        if (!p) return Err("pob.sampling_probability: " + p.error().message);
        g.pob.sampling_probability_ppm = *p;
    }
    GEN_TRY_ASSIGN(g.pob.epoch_length,
                   ReqInt<uint64_t>(pob, "pob", "epoch_length", 1, 1'000'000'000));
    GEN_TRY_ASSIGN(g.pob.micro_interval_ms,
                   ReqInt<uint32_t>(pob, "pob", "micro_interval_ms", 1, 3'600'000));
    GEN_TRY_ASSIGN(g.pob.final_interval_ms,
                   ReqInt<uint32_t>(pob, "pob", "final_interval_ms", 1, 3'600'000));
    GEN_TRY_ASSIGN(g.pob.min_servi, ReqInt<int64_t>(pob, "pob", "min_servi", 0, int64_t{1} << 50));
    GEN_TRY_ASSIGN(g.pob.recheck_window,
                   ReqInt<uint64_t>(pob, "pob", "recheck_window", 0, 1'000'000'000));
    GEN_TRY_ASSIGN(g.pob.fraud_window,
                   OptInt<uint64_t>(pob, "pob", "fraud_window", 0, 0, 1'000'000'000'000));

    IOST_TRY(ValidateGenesis(g));
    return g;
}

void EncodeKey(Encoder& e, const crypto::PublicKey& k) {
    e.WriteByte(static_cast<uint8_t>(k.algorithm));
    e.WriteBytes(k.bytes);
}

}  // namespace

uint64_t FraudWindowBlocks(const PobParams& p) {
    if (p.fraud_window != 0) return p.fraud_window;
    const uint64_t f = p.final_interval_ms == 0 ? 1 : p.final_interval_ms;
    return (static_cast<uint64_t>(kUnbondingDelayMs) + f - 1) / f;
}

Result<crypto::PublicKey> ParsePublicKeyText(std::string_view text) {
    std::optional<crypto::Algorithm> want;
    if (text.starts_with("ed25519:")) {
        want = crypto::Algorithm::kEd25519;
        text.remove_prefix(8);
    } else if (text.starts_with("secp256k1:")) {
        want = crypto::Algorithm::kSecp256k1;
        text.remove_prefix(10);
    }
    if (text.empty()) return Err("public key is empty");
    auto raw = util::Base58Decode(text);
    if (!raw)
        return Err("public key '" + std::string(text) + "' is not base58: " + raw.error().message);
    crypto::PublicKey k;
    if (raw->size() == crypto::kEd25519PublicKeySize) {
        k.algorithm = crypto::Algorithm::kEd25519;
    } else if (raw->size() == crypto::kSecp256k1PublicKeySize) {
        k.algorithm = crypto::Algorithm::kSecp256k1;
    } else {
        return Err("public key '" + std::string(text) + "' decodes to " +
                   std::to_string(raw->size()) + " bytes; expected 32 (ed25519) or 33 (secp256k1)");
    }
    if (want && *want != k.algorithm) {
        return Err("public key '" + std::string(text) +
                   "' has the wrong length for its algorithm prefix");
    }
    auto st = crypto::ValidatePublicKey(k.algorithm, *raw);
    if (!st) return Err("public key '" + std::string(text) + "' is invalid: " + st.error().message);
    k.bytes = std::move(*raw);
    return k;
}

std::string PublicKeyToText(const crypto::PublicKey& k) { return util::Base58Encode(k.bytes); }

Result<uint32_t> ParseProbabilityPpm(std::string_view text) {
    auto bad = [&](std::string why) { return Err("'" + std::string(text) + "' " + why); };
    if (text.empty()) return bad("is empty");
    const size_t dot = text.find('.');
    std::string_view whole = text.substr(0, dot);
    std::string_view frac =
        dot == std::string_view::npos ? std::string_view() : text.substr(dot + 1);
    if (whole.empty() || (dot != std::string_view::npos && frac.empty())) {
        return bad("is not a decimal like 0.1");
    }
    if (frac.size() > 6) return bad("has more than 6 decimal places");
    uint64_t w = 0;
    for (char c : whole) {
        if (c < '0' || c > '9') return bad("is not a decimal like 0.1");
        w = w * 10 + static_cast<uint64_t>(c - '0');
        if (w > 1) return bad("must be in (0, 1]");
    }
    uint64_t f = 0;
    for (size_t i = 0; i < 6; ++i) {
        f *= 10;
        if (i < frac.size()) {
            const char c = frac[i];
            if (c < '0' || c > '9') return bad("is not a decimal like 0.1");
            f += static_cast<uint64_t>(c - '0');
        }
    }
    const uint64_t ppm = w * 1'000'000 + f;
    if (ppm == 0 || ppm > 1'000'000) return bad("must be in (0, 1]");
    return static_cast<uint32_t>(ppm);
}

Status ValidateGenesis(const Genesis& g) {
    if (g.chain_id == 0) return Err("chain_id: must be positive");
    if (g.timestamp_ns <= 0) return Err("timestamp: must be after 1970-01-01");
    if (g.accounts.empty()) return Err("accounts: must be a non-empty list");

    std::map<std::string, size_t> index;
    std::set<crypto::PublicKey> keys_seen;
    for (size_t i = 0; i < g.accounts.size(); ++i) {
        const auto& a = g.accounts[i];
        const std::string where = Index("accounts", i);
        auto st = CheckAccountName(a.name);
        if (!st) return Err(Field(where, "name") + ": " + st.error().message);
        if (!index.emplace(a.name, i).second) {
            return Err(Field(where, "name") + ": account '" + a.name + "' is listed twice");
        }
        if (a.gas_pledge.decimals() != kIostDecimals || a.gas_pledge.IsNegative()) {
            return Err(Field(where, "gas_pledge") + ": must be a non-negative iost amount");
        }
        if (a.ram_bytes < 0) return Err(Field(where, "ram") + ": must be non-negative");
    }

    const auto& t = g.token;
    if (t.symbol != "iost") {
        return Err("token.symbol: must be 'iost' (got '" + t.symbol + "')");
    }
    if (t.decimals != kIostDecimals) {
        return Err("token.decimals: the iost token has " + std::to_string(kIostDecimals) +
                   " decimals (got " + std::to_string(t.decimals) + ")");
    }
    if (t.total_supply_units != kIostTotalSupply) {
        return Err("token.total_supply: the iost total supply is " +
                   std::to_string(kIostTotalSupply) + " (got " +
                   std::to_string(t.total_supply_units) + ")");
    }
    if (!index.count(t.issuer)) {
        return Err("token.issuer: '" + t.issuer + "' is not a genesis account");
    }
    const int64_t total_raw = t.total_supply_units * Pow10(kIostDecimals);
    std::map<std::string, int64_t> balance;  // raw, per account, after allocation
    int64_t sum = 0;
    for (size_t i = 0; i < t.allocations.size(); ++i) {
        const auto& al = t.allocations[i];
        const std::string where = Index("token.allocations", i);
        if (!index.count(al.account)) {
            return Err(Field(where, "account") + ": '" + al.account + "' is not a genesis account");
        }
        if (al.amount.decimals() != kIostDecimals || al.amount.raw() <= 0) {
            return Err(Field(where, "amount") + ": must be a positive iost amount");
        }
        if (al.amount.raw() > total_raw - sum) {
            return Err(Field(where, "amount") + ": allocations exceed the total supply of " +
                       std::to_string(kIostTotalSupply) + " iost");
        }
        sum += al.amount.raw();
        balance[al.account] += al.amount.raw();
    }
    for (size_t i = 0; i < g.accounts.size(); ++i) {
        const auto& a = g.accounts[i];
        if (a.gas_pledge.raw() > balance[a.name]) {
            return Err(Field(Index("accounts", i), "gas_pledge") + ": " + a.gas_pledge.ToString() +
                       " iost exceeds the account's allocation");
        }
        balance[a.name] -= a.gas_pledge.raw();
    }

    if (g.validators.empty()) return Err("validators: must be a non-empty list");
    std::set<std::string> val_accounts;
    for (size_t i = 0; i < g.validators.size(); ++i) {
        const auto& v = g.validators[i];
        const std::string where = Index("validators", i);
        if (!index.count(v.account)) {
            return Err(Field(where, "account") + ": '" + v.account + "' is not a genesis account");
        }
        if (!val_accounts.insert(v.account).second) {
            return Err(Field(where, "account") + ": '" + v.account + "' is a validator twice");
        }
        if (!keys_seen.insert(v.consensus_key).second) {
            return Err(Field(where, "consensus_key") + ": used by another validator");
        }
        if (v.stake.decimals() != kIostDecimals || v.stake.IsNegative()) {
            return Err(Field(where, "stake") + ": must be a non-negative iost amount");
        }
        if (v.stake.raw() > balance[v.account]) {
            return Err(Field(where, "stake") + ": " + v.stake.ToString() + " iost exceeds what '" +
                       v.account + "' has left of its allocation after its gas pledge");
        }
        balance[v.account] -= v.stake.raw();
        if (v.servi < 0) return Err(Field(where, "servi") + ": must be non-negative");
    }

    const auto& p = g.pob;
    if (p.believable_size == 0) return Err("pob.believable_size: must be at least 1");
    if (p.normal_size == 0) return Err("pob.normal_size: must be at least 1");
    if (p.sampling_probability_ppm == 0 || p.sampling_probability_ppm > 1'000'000) {
        return Err("pob.sampling_probability: must be in (0, 1]");
    }
    if (p.epoch_length == 0) return Err("pob.epoch_length: must be at least 1");
    if (p.micro_interval_ms == 0) return Err("pob.micro_interval_ms: must be positive");
    if (p.final_interval_ms == 0) return Err("pob.final_interval_ms: must be positive");
    if (p.fraud_window != 0 &&
        p.fraud_window * p.final_interval_ms < static_cast<uint64_t>(kUnbondingDelayMs)) {
        return Err("pob.fraud_window: " + std::to_string(p.fraud_window) + " blocks of " +
                   std::to_string(p.final_interval_ms) +
                   " ms is shorter than the stake's unbonding delay (7 days): a slashable "
                   "validator could withdraw before its fraud window closes");
    }
    if (p.final_interval_ms < p.micro_interval_ms) {
        return Err("pob.final_interval_ms: must be at least micro_interval_ms (" +
                   std::to_string(p.micro_interval_ms) + ")");
    }
    if (p.min_servi < 0) return Err("pob.min_servi: must be non-negative");
    return util::Ok();
}

Result<Genesis> ParseGenesisYaml(std::string_view yaml_text, std::string_view source) {
    YAML::Node root;
    try {
        root = YAML::Load(std::string(yaml_text));
    } catch (const YAML::Exception& e) {
        return Err(std::string(source) + ": not valid YAML: " + e.what());
    }
    if (!root || root.IsNull()) return Err(std::string(source) + ": empty document");
    try {
        auto g = FromYaml(root);
        if (!g) return Err(std::string(source) + ": " + g.error().message);
        return g;
    } catch (const YAML::Exception& e) {
        // yaml-cpp throws on type conversions of odd nodes (e.g. a map key
        // that is itself a map); report rather than crash.
        return Err(std::string(source) + ": " + e.what());
    }
}

Result<Genesis> LoadGenesisFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return Err("cannot open genesis file '" + path + "'");
    std::ostringstream ss;
    ss << in.rdbuf();
    if (in.bad()) return Err("cannot read genesis file '" + path + "'");
    return ParseGenesisYaml(ss.str(), path);
}

crypto::Hash256 GenesisHash(const Genesis& g) {
    Encoder e;
    e.WriteString("iost-genesis-v1");
    e.WriteInt64(g.chain_id);
    e.WriteInt64(g.timestamp_ns);
    e.WriteInt32(static_cast<int32_t>(g.accounts.size()));
    for (const auto& a : g.accounts) {
        e.WriteString(a.name);
        EncodeKey(e, a.owner);
        EncodeKey(e, a.active);
        e.WriteInt64(a.gas_pledge.raw());
        e.WriteInt64(a.ram_bytes);
    }
    e.WriteString(g.token.symbol);
    e.WriteInt32(g.token.decimals);
    e.WriteInt64(g.token.total_supply_units);
    e.WriteString(g.token.issuer);
    e.WriteInt32(static_cast<int32_t>(g.token.allocations.size()));
    for (const auto& al : g.token.allocations) {
        e.WriteString(al.account);
        e.WriteInt64(al.amount.raw());
    }
    e.WriteInt32(static_cast<int32_t>(g.validators.size()));
    for (const auto& v : g.validators) {
        e.WriteString(v.account);
        EncodeKey(e, v.consensus_key);
        e.WriteInt64(v.stake.raw());
        e.WriteInt64(v.servi);
    }
    const auto& p = g.pob;
    e.WriteInt64(p.believable_size);
    e.WriteInt64(p.normal_size);
    e.WriteInt64(p.sampling_probability_ppm);
    e.WriteInt64(static_cast<int64_t>(p.epoch_length));
    e.WriteInt64(p.micro_interval_ms);
    e.WriteInt64(p.final_interval_ms);
    e.WriteInt64(p.min_servi);
    e.WriteInt64(static_cast<int64_t>(p.recheck_window));
    // Committed only when set, so that genesis files without it keep their hash.
    if (p.fraud_window != 0) e.WriteInt64(static_cast<int64_t>(p.fraud_window));
    return crypto::Sha3_256(e.bytes());
}

}  // namespace iost::core
