#include <core/tx_json.h>
#include <crypto/hash.h>
#include <util/bytes.h>
#include <util/text.h>

#include <charconv>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>
#include <vector>

namespace iost::core {
namespace {

using Json = nlohmann::json;

// The request shape nests at most: body{} > actions[] > action{} (depth 2 in
// nlohmann's counting); anything deeper is not a transaction.
constexpr int kMaxJsonDepth = 3;

struct JsonShapeError {
    std::string message;
};

std::string Shown(std::string_view s) { return util::Printable(s, 48); }

std::string TypeName(const Json& v) {
    switch (v.type()) {
        case Json::value_t::null:
            return "null";
        case Json::value_t::object:
            return "an object";
        case Json::value_t::array:
            return "an array";
        case Json::value_t::string:
            return "a string";
        case Json::value_t::boolean:
            return "a boolean";
        case Json::value_t::number_integer:
        case Json::value_t::number_unsigned:
            return "an integer";
        case Json::value_t::number_float:
            return "a fractional or exponent number";
        default:
            return "an unsupported value";
    }
}

util::Unexpected<util::Error> FieldErr(const std::string& field, const std::string& what) {
    return util::Err(field + ": " + what);
}

// Looks a field up under its snake_case and camelCase names. Null counts as
// absent (protojson's rule). Both spellings present is ambiguous: an error.
util::Result<const Json*> Lookup(const Json& obj, std::string_view snake, std::string_view camel) {
    const Json* found = nullptr;
    auto it = obj.find(std::string(snake));
    if (it != obj.end() && !it->is_null()) found = &*it;
    if (camel != snake) {
        auto it2 = obj.find(std::string(camel));
        if (it2 != obj.end() && !it2->is_null()) {
            if (found != nullptr) {
                return util::Err(std::string(snake) + ": given twice (as " + std::string(snake) +
                                 " and " + std::string(camel) + ")");
            }
            found = &*it2;
        }
    }
    return found;
}

util::Result<int64_t> ParseInt64Text(const std::string& field, std::string_view s) {
    int64_t v = 0;
    const char* b = s.data();
    const char* e = s.data() + s.size();
    if (s.empty()) return FieldErr(field, "empty string, expected integer digits");
    auto [p, ec] = std::from_chars(b, e, v);
    if (ec == std::errc::result_out_of_range) {
        return FieldErr(field, "\"" + Shown(s) + "\" is outside the int64 range");
    }
    if (ec != std::errc() || p != e) {
        return FieldErr(field, "\"" + Shown(s) + "\" is not a decimal integer");
    }
    return v;
}

util::Result<int64_t> GetInt64(const Json& v, const std::string& field) {
    switch (v.type()) {
        case Json::value_t::number_integer:
            return v.get<int64_t>();
        case Json::value_t::number_unsigned: {
            const auto u = v.get<uint64_t>();
            if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
                return FieldErr(field, std::to_string(u) + " is outside the int64 range");
            }
            return static_cast<int64_t>(u);
        }
        case Json::value_t::number_float:
            return FieldErr(field,
                            "must be an exact integer; got a number with a fraction or "
                            "exponent (or beyond 64 bits): send the integer's digits");
        case Json::value_t::string:
            return ParseInt64Text(field, v.get_ref<const std::string&>());
        default:
            return FieldErr(field, "must be an integer, got " + TypeName(v));
    }
}

util::Result<uint32_t> GetUint32(const Json& v, const std::string& field) {
    auto i = GetInt64(v, field);
    if (!i) return util::ErrOf(i.error());
    if (*i < 0 || *i > static_cast<int64_t>(std::numeric_limits<uint32_t>::max())) {
        return FieldErr(field, std::to_string(*i) + " is outside the uint32 range");
    }
    return static_cast<uint32_t>(*i);
}

util::Result<int64_t> GetGas(const Json& v, const std::string& field) {
    double d = 0;
    switch (v.type()) {
        case Json::value_t::number_integer:
            d = static_cast<double>(v.get<int64_t>());
            break;
        case Json::value_t::number_unsigned:
            d = static_cast<double>(v.get<uint64_t>());
            break;
        case Json::value_t::number_float:
            d = v.get<double>();
            break;
        case Json::value_t::string: {
            // protojson accepts a double as a string too. from_chars is
            // locale-independent and correctly rounded, like Go's ParseFloat.
            const auto& s = v.get_ref<const std::string&>();
            auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
            if (s.empty() || ec != std::errc() || p != s.data() + s.size()) {
                return FieldErr(field, "\"" + Shown(s) + "\" is not a number");
            }
            break;
        }
        default:
            return FieldErr(field, "must be a number, got " + TypeName(v));
    }
    auto r = GasX100FromDouble(d);
    if (!r) return FieldErr(field, r.error().message);
    return r;
}

util::Result<std::string> GetString(const Json& v, const std::string& field) {
    if (!v.is_string()) return FieldErr(field, "must be a string, got " + TypeName(v));
    return v.get<std::string>();
}

util::Result<util::Bytes> GetBase64(const Json& v, const std::string& field) {
    if (!v.is_string()) return FieldErr(field, "must be a base64 string, got " + TypeName(v));
    auto b = util::Base64Decode(v.get_ref<const std::string&>());
    if (!b) return FieldErr(field, "invalid base64: " + b.error().message);
    return b;
}

util::Result<const Json*> GetArray(const Json& obj, std::string_view snake, std::string_view camel,
                                   bool required) {
    auto f = Lookup(obj, snake, camel);
    if (!f) return util::ErrOf(f.error());
    const Json* v = *f;
    const std::string field(snake);
    if (v == nullptr) {
        if (required) return FieldErr(field, "missing");
        return v;
    }
    if (!v->is_array()) return FieldErr(field, "must be an array, got " + TypeName(*v));
    if (v->size() > kMaxTxListItems) {
        return FieldErr(field, std::to_string(v->size()) + " items exceed the limit of " +
                                   std::to_string(kMaxTxListItems));
    }
    return v;
}

util::Result<const Json*> Required(const Json& obj, std::string_view snake,
                                   std::string_view camel) {
    auto f = Lookup(obj, snake, camel);
    if (!f) return util::ErrOf(f.error());
    if (*f == nullptr) return FieldErr(std::string(snake), "missing");
    return f;
}

util::Result<crypto::Algorithm> GetAlgorithm(const Json& v, const std::string& field) {
    if (v.is_string()) {
        const auto& s = v.get_ref<const std::string&>();
        if (s == "ED25519" || s == "ed25519") return crypto::Algorithm::kEd25519;
        if (s == "SECP256K1" || s == "secp256k1") return crypto::Algorithm::kSecp256k1;
        return FieldErr(field, "unknown algorithm \"" + Shown(s) + "\" (ED25519 or SECP256K1)");
    }
    if (v.is_number_integer()) {
        // protojson also takes an enum's number: 1 = SECP256K1, 2 = ED25519.
        if (v.is_number_unsigned() || v.get<int64_t>() >= 0) {
            const auto n = v.get<uint64_t>();
            if (n == 1) return crypto::Algorithm::kSecp256k1;
            if (n == 2) return crypto::Algorithm::kEd25519;
        }
        return FieldErr(field, "unknown algorithm number " + v.dump() + " (1 or 2)");
    }
    return FieldErr(field, "must be \"ED25519\" or \"SECP256K1\", got " + TypeName(v));
}

util::Result<std::vector<Signature>> GetSignatures(const Json& obj, std::string_view snake,
                                                   std::string_view camel, bool required) {
    auto arr = GetArray(obj, snake, camel, required);
    if (!arr) return util::ErrOf(arr.error());
    std::vector<Signature> out;
    if (*arr == nullptr) return out;
    out.reserve((*arr)->size());
    size_t i = 0;
    for (const Json& item : **arr) {
        const std::string f = std::string(snake) + "[" + std::to_string(i++) + "]";
        if (!item.is_object()) return FieldErr(f, "must be an object, got " + TypeName(item));
        Signature s;
        auto algo = Required(item, "algorithm", "algorithm");
        if (!algo) return FieldErr(f, algo.error().message);
        auto a = GetAlgorithm(**algo, f + ".algorithm");
        if (!a) return util::ErrOf(a.error());
        s.algorithm = *a;
        auto pub = Required(item, "public_key", "publicKey");
        if (!pub) return FieldErr(f, pub.error().message);
        auto pb = GetBase64(**pub, f + ".public_key");
        if (!pb) return util::ErrOf(pb.error());
        s.pubkey = std::move(*pb);
        auto sig = Required(item, "signature", "signature");
        if (!sig) return FieldErr(f, sig.error().message);
        auto sb = GetBase64(**sig, f + ".signature");
        if (!sb) return util::ErrOf(sb.error());
        s.sig = std::move(*sb);
        out.push_back(std::move(s));
    }
    return out;
}

// Optional bytes fields IOST's request never carries (reserved, referred_tx):
// null/absent/"" mean empty; base64 is accepted so our own TxToJson output
// round-trips (VerifySelf refuses non-empty values, tx.cpp).
util::Result<util::Bytes> GetOptionalBytes(const Json& obj, std::string_view snake,
                                           std::string_view camel) {
    auto f = Lookup(obj, snake, camel);
    if (!f) return util::ErrOf(f.error());
    if (*f == nullptr) return util::Bytes{};
    return GetBase64(**f, std::string(snake));
}

util::Result<Tx> ParseTx(const Json& j) {
    if (!j.is_object()) return util::Err("transaction must be a JSON object, got " + TypeName(j));
    Tx tx;
#define IOST_FIELD(target, getter, snake, camel) \
    do {                                         \
        auto f_ = Required(j, snake, camel);     \
        if (!f_) return util::ErrOf(f_.error()); \
        auto v_ = getter(**f_, snake);           \
        if (!v_) return util::ErrOf(v_.error()); \
        target = std::move(*v_);                 \
    } while (0)
    IOST_FIELD(tx.time, GetInt64, "time", "time");
    IOST_FIELD(tx.expiration, GetInt64, "expiration", "expiration");
    IOST_FIELD(tx.gas_ratio, GetGas, "gas_ratio", "gasRatio");
    IOST_FIELD(tx.gas_limit, GetGas, "gas_limit", "gasLimit");
    IOST_FIELD(tx.chain_id, GetUint32, "chain_id", "chainId");
    IOST_FIELD(tx.publisher, GetString, "publisher", "publisher");
#undef IOST_FIELD
    {
        auto f = Lookup(j, "delay", "delay");
        if (!f) return util::ErrOf(f.error());
        if (*f != nullptr) {
            auto d = GetInt64(**f, "delay");
            if (!d) return util::ErrOf(d.error());
            tx.delay = *d;
        }
    }
    {
        auto arr = GetArray(j, "signers", "signers", false);
        if (!arr) return util::ErrOf(arr.error());
        if (*arr != nullptr) {
            tx.signers.reserve((*arr)->size());
            size_t i = 0;
            for (const Json& s : **arr) {
                auto v = GetString(s, "signers[" + std::to_string(i++) + "]");
                if (!v) return util::ErrOf(v.error());
                tx.signers.push_back(std::move(*v));
            }
        }
    }
    {
        auto arr = GetArray(j, "actions", "actions", true);
        if (!arr) return util::ErrOf(arr.error());
        tx.actions.reserve((*arr)->size());
        size_t i = 0;
        for (const Json& a : **arr) {
            const std::string f = "actions[" + std::to_string(i++) + "]";
            if (!a.is_object()) return FieldErr(f, "must be an object, got " + TypeName(a));
            Action act;
            struct Part {
                std::string* target;
                const char* snake;
                const char* camel;
            };
            for (const Part& p : {Part{&act.contract, "contract", "contract"},
                                  Part{&act.action_name, "action_name", "actionName"},
                                  Part{&act.data, "data", "data"}}) {
                auto v = Required(a, p.snake, p.camel);
                if (!v) return FieldErr(f, v.error().message);
                auto s = GetString(**v, f + "." + p.snake);
                if (!s) return util::ErrOf(s.error());
                *p.target = std::move(*s);
            }
            tx.actions.push_back(std::move(act));
        }
    }
    {
        auto arr = GetArray(j, "amount_limit", "amountLimit", false);
        if (!arr) return util::ErrOf(arr.error());
        if (*arr != nullptr) {
            tx.amount_limit.reserve((*arr)->size());
            size_t i = 0;
            for (const Json& a : **arr) {
                const std::string f = "amount_limit[" + std::to_string(i++) + "]";
                if (!a.is_object()) return FieldErr(f, "must be an object, got " + TypeName(a));
                AmountLimit lim;
                auto tok = Required(a, "token", "token");
                if (!tok) return FieldErr(f, tok.error().message);
                auto ts = GetString(**tok, f + ".token");
                if (!ts) return util::ErrOf(ts.error());
                lim.token = std::move(*ts);
                auto val = Required(a, "value", "value");
                if (!val) return FieldErr(f, val.error().message);
                auto vs = GetString(**val, f + ".value");
                if (!vs) return util::ErrOf(vs.error());
                lim.value = std::move(*vs);
                tx.amount_limit.push_back(std::move(lim));
            }
        }
    }
    {
        auto s = GetSignatures(j, "signatures", "signatures", false);
        if (!s) return util::ErrOf(s.error());
        tx.signatures = std::move(*s);
        auto p = GetSignatures(j, "publisher_sigs", "publisherSigs", false);
        if (!p) return util::ErrOf(p.error());
        tx.publisher_sigs = std::move(*p);
    }
    {
        auto r = GetOptionalBytes(j, "reserved", "reserved");
        if (!r) return util::ErrOf(r.error());
        tx.reserved = std::move(*r);
        auto rt = GetOptionalBytes(j, "referred_tx", "referredTx");
        if (!rt) return util::ErrOf(rt.error());
        tx.referred_tx = std::move(*rt);
    }
    return tx;
}

// The double, nearest x100/100, that go-iost's int64(d * 100) maps back to
// x100 (x100/100.0 alone does not always: 1.15 * 100 = 114.99999999999999).
double GasDoubleFor(int64_t x100) {
    const double start = static_cast<double>(x100) / 100.0;
    auto maps_back = [x100](double d) {
        auto r = GasX100FromDouble(d);
        return r.ok() && *r == x100;
    };
    if (maps_back(start)) return start;
    double up = start;
    double down = start;
    for (int i = 0; i < 64; ++i) {
        up = std::nextafter(up, std::numeric_limits<double>::infinity());
        if (maps_back(up)) return up;
        down = std::nextafter(down, -std::numeric_limits<double>::infinity());
        if (maps_back(down)) return down;
    }
    return start;  // unreachable for values that came from a double
}

Json SignaturesJson(const std::vector<Signature>& sigs) {
    Json arr = Json::array();
    for (const auto& s : sigs) {
        arr.push_back(Json{
            {"algorithm", s.algorithm == crypto::Algorithm::kEd25519 ? "ED25519" : "SECP256K1"},
            {"public_key", util::Base64Encode(s.pubkey)},
            {"signature", util::Base64Encode(s.sig)}});
    }
    return arr;
}

Json ActionsJson(const Tx& tx) {
    Json arr = Json::array();
    for (const auto& a : tx.actions) {
        arr.push_back(
            Json{{"contract", a.contract}, {"action_name", a.action_name}, {"data", a.data}});
    }
    return arr;
}

Json AmountLimitJson(const Tx& tx) {
    Json arr = Json::array();
    for (const auto& a : tx.amount_limit)
        arr.push_back(Json{{"token", a.token}, {"value", a.value}});
    return arr;
}

Json GasJson(int64_t x100) {
    // go-iost shows float64(x)/100; protojson writes an integral double
    // without a fraction ("1"), which an integer JSON value reproduces.
    if (x100 % 100 == 0) return Json(x100 / 100);
    return Json(GasX100ToDouble(x100));
}

std::string Dump(const Json& j) {
    // Strings from a binary-decoded tx may hold invalid UTF-8, which JSON
    // cannot carry; replace rather than throw (such a tx cannot have come
    // from JSON in the first place).
    return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace

util::Result<int64_t> GasX100FromDouble(double v) {
    if (!std::isfinite(v)) return util::Err("must be a finite number");
    const double p = v * 100.0;
    // int64(p) in Go (and a C++ cast) is undefined/garbage outside the range:
    // refuse instead of wrapping.
    if (!(p >= -9223372036854775808.0 && p < 9223372036854775808.0)) {
        return util::Err("value " + Json(v).dump() + " is out of range");
    }
    return static_cast<int64_t>(p);  // truncation toward zero, like Go
}

double GasX100ToDouble(int64_t x100) { return static_cast<double>(x100) / 100.0; }

util::Result<Tx> TxFromJson(std::string_view json) {
    if (json.size() > kMaxTxJsonBytes) {
        return util::Err("transaction JSON of " + std::to_string(json.size()) +
                         " bytes exceeds the limit of " + std::to_string(kMaxTxJsonBytes));
    }
    Json j;
    try {
        std::vector<std::set<std::string>> keys;
        Json::parser_callback_t cb = [&keys](int depth, Json::parse_event_t ev, Json& parsed) {
            switch (ev) {
                case Json::parse_event_t::object_start:
                case Json::parse_event_t::array_start:
                    if (depth > kMaxJsonDepth) {
                        throw JsonShapeError{"JSON nested deeper than a transaction can be"};
                    }
                    if (ev == Json::parse_event_t::object_start) keys.emplace_back();
                    break;
                case Json::parse_event_t::object_end:
                    if (!keys.empty()) keys.pop_back();
                    break;
                case Json::parse_event_t::key:
                    if (!keys.empty() && !keys.back().insert(parsed.get<std::string>()).second) {
                        throw JsonShapeError{"duplicate key \"" +
                                             Shown(parsed.get_ref<const std::string&>()) + "\""};
                    }
                    break;
                default:
                    break;
            }
            return true;
        };
        j = Json::parse(json.begin(), json.end(), cb);
    } catch (const JsonShapeError& e) {
        return util::Err("invalid transaction JSON: " + e.message);
    } catch (const Json::exception& e) {
        return util::Err(std::string("invalid JSON: ") + e.what());
    }
    return ParseTx(j);
}

std::string TxToJson(const Tx& tx) {
    Json j;
    j["time"] = std::to_string(tx.time);
    j["expiration"] = std::to_string(tx.expiration);
    j["gas_ratio"] = GasDoubleFor(tx.gas_ratio);
    j["gas_limit"] = GasDoubleFor(tx.gas_limit);
    j["delay"] = std::to_string(tx.delay);
    j["chain_id"] = tx.chain_id;
    j["signers"] = tx.signers;
    j["actions"] = ActionsJson(tx);
    j["amount_limit"] = AmountLimitJson(tx);
    j["signatures"] = SignaturesJson(tx.signatures);
    j["publisher"] = tx.publisher;
    j["publisher_sigs"] = SignaturesJson(tx.publisher_sigs);
    j["reserved"] = tx.reserved.empty() ? Json(nullptr) : Json(util::Base64Encode(tx.reserved));
    if (!tx.referred_tx.empty()) j["referred_tx"] = util::Base64Encode(tx.referred_tx);
    return Dump(j);
}

std::string TxToApiJson(const Tx& tx) {
    // Key order as rpcpb.Transaction declares its fields (nlohmann's ordered
    // map keeps insertion order).
    nlohmann::ordered_json j;
    j["hash"] = tx.HashBase58();
    j["time"] = std::to_string(tx.time);
    j["expiration"] = std::to_string(tx.expiration);
    j["gas_ratio"] = GasJson(tx.gas_ratio);
    j["gas_limit"] = GasJson(tx.gas_limit);
    j["delay"] = std::to_string(tx.delay);
    j["chain_id"] = tx.chain_id;
    j["actions"] = ActionsJson(tx);
    j["signers"] = tx.signers;
    j["publisher"] = tx.publisher;
    j["referred_tx"] = util::Base58Encode(tx.referred_tx);
    j["amount_limit"] = AmountLimitJson(tx);
    j["tx_receipt"] = nullptr;
    return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace iost::core
