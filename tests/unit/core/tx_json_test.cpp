#include <core/tx.h>
#include <core/tx_json.h>
#include <crypto/keys.h>
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <nlohmann/json.hpp>

namespace iost::core {
namespace {

using Json = nlohmann::json;

// A signed transfer in the SDK's camelCase shape.
Json SdkBody() {
    Tx tx;
    tx.time = 1'763'942'401'246'456'800;
    tx.expiration = tx.time + 90 * util::kNanosPerSecond;
    tx.gas_ratio = 100;
    tx.gas_limit = 100'000'000;
    tx.chain_id = kMainnetChainId;
    tx.actions.push_back({"token.iost", "transfer", R"(["iost","alice","bobby","1",""])"});
    tx.amount_limit.push_back({"iost", "1"});
    tx.publisher = "alice";
    tx.SignAsPublisher(crypto::KeyPair::FromSeed(crypto::Algorithm::kEd25519, "json/alice"));
    Json j = Json::parse(TxToJson(tx));
    // Rename to the SDK's spellings.
    Json b;
    b["gasRatio"] = 1;
    b["gasLimit"] = 1000000;
    b["actions"] = Json::array(
        {{{"contract", "token.iost"}, {"actionName", "transfer"}, {"data", tx.actions[0].data}}});
    b["signers"] = Json::array();
    b["signatures"] = Json::array();
    b["publisher"] = "alice";
    b["publisher_sigs"] = j["publisher_sigs"];
    b["amount_limit"] = j["amount_limit"];
    b["chain_id"] = 1024;
    b["reserved"] = nullptr;
    b["time"] = static_cast<uint64_t>(tx.time);
    b["expiration"] = static_cast<uint64_t>(tx.expiration);
    b["delay"] = 0;
    return b;
}

Tx Parse(const Json& j) {
    auto r = TxFromJson(j.dump());
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? std::move(r).value() : Tx{};
}

std::string ErrorOf(const std::string& body) {
    auto r = TxFromJson(body);
    EXPECT_FALSE(r.ok()) << body;
    return r.ok() ? "" : r.error().message;
}
std::string ErrorOfJson(const Json& j) { return ErrorOf(j.dump()); }

TEST(TxJson, SdkShapeParsesAndVerifies) {
    const Tx tx = Parse(SdkBody());
    EXPECT_EQ(tx.gas_ratio, 100);
    EXPECT_EQ(tx.gas_limit, 100'000'000);
    EXPECT_EQ(tx.time, 1'763'942'401'246'456'800);
    EXPECT_EQ(tx.actions[0].action_name, "transfer");
    EXPECT_TRUE(tx.VerifyForm(kMainnetChainId, crypto::RealVerifier()).ok());
}

TEST(TxJson, SnakeCaseAliasesGiveTheSameTx) {
    Json s = SdkBody();
    s["gas_ratio"] = s["gasRatio"];
    s.erase("gasRatio");
    s["gas_limit"] = s["gasLimit"];
    s.erase("gasLimit");
    s["actions"][0]["action_name"] = s["actions"][0]["actionName"];
    s["actions"][0].erase("actionName");
    EXPECT_EQ(Parse(s), Parse(SdkBody()));
    Json c = SdkBody();
    c["chainId"] = c["chain_id"];
    c.erase("chain_id");
    c["amountLimit"] = c["amount_limit"];
    c.erase("amount_limit");
    c["publisherSigs"] = c["publisher_sigs"];
    c.erase("publisher_sigs");
    c["publisherSigs"][0]["publicKey"] = c["publisherSigs"][0]["public_key"];
    c["publisherSigs"][0].erase("public_key");
    EXPECT_EQ(Parse(c), Parse(SdkBody()));
}

TEST(TxJson, BothSpellingsAtOnceIsAnError) {
    Json j = SdkBody();
    j["gas_ratio"] = 2;
    EXPECT_NE(ErrorOfJson(j).find("gas_ratio: given twice"), std::string::npos);
}

TEST(TxJson, UnknownFieldsIgnoredNullIsAbsent) {
    Json j = SdkBody();
    j["hash"] = "whatever";
    j["somethingElse"] = {{"deep", 1}};
    j["signers"] = nullptr;
    j["delay"] = nullptr;
    EXPECT_EQ(Parse(j), Parse(SdkBody()));
}

TEST(TxJson, Int64AsStringOrNumberExactDigits) {
    Json j = SdkBody();
    j["time"] = "1763942401246456800";
    EXPECT_EQ(Parse(j).time, 1'763'942'401'246'456'800);
    j["time"] = "9223372036854775807";
    EXPECT_EQ(Parse(j).time, INT64_MAX);
    j["time"] = -5;
    EXPECT_EQ(Parse(j).time, -5);
    j["time"] = "-9223372036854775808";
    EXPECT_EQ(Parse(j).time, INT64_MIN);
}

TEST(TxJson, Int64RejectsRoundedOrOutOfRangeNumbers) {
    auto body_with_time = [](const std::string& raw) {
        std::string b = SdkBody().dump();
        const std::string key = "\"time\":";
        const size_t at = b.find(key) + key.size();
        const size_t end = b.find_first_of(",}", at);
        return b.substr(0, at) + raw + b.substr(end);
    };
    for (const char* bad : {"1.5e18", "1763942401246456800.0", "9223372036854775808",
                            "18446744073709551616", "1e3", "\"1.5\"", "\"+1\"", "\" 1\"",
                            "\"9223372036854775808\"", "\"0x10\"", "\"\"", "true", "[1]", "{}"}) {
        const std::string msg = ErrorOf(body_with_time(bad));
        EXPECT_EQ(msg.rfind("time", 0), 0u) << bad << " -> " << msg;
    }
    EXPECT_NE(ErrorOf(body_with_time("1.5e18")).find("exact integer"), std::string::npos);
    EXPECT_NE(ErrorOf(body_with_time("9223372036854775808")).find("int64"), std::string::npos);
}

TEST(TxJson, GasIsTruncatedTimes100LikeGoAndTheSdk) {
    struct Case {
        Json in;
        int64_t x100;
    };
    for (const Case& c : {Case{1.15, 114}, Case{2.5, 250}, Case{123456.78, 12'345'678},
                          Case{1, 100}, Case{0.29, 28}, Case{"1.15", 114}, Case{"100", 10'000},
                          Case{1.005, 100}, Case{-1.5, -150}}) {
        Json j = SdkBody();
        j["gasRatio"] = c.in;
        EXPECT_EQ(Parse(j).gas_ratio, c.x100) << c.in.dump();
    }
    for (const Json& bad : {Json("abc"), Json("1e999"), Json("nan"), Json("inf"), Json(1e300),
                            Json(true), Json::array()}) {
        Json j = SdkBody();
        j["gasLimit"] = bad;
        EXPECT_EQ(ErrorOfJson(j).rfind("gas_limit", 0), 0u) << bad.dump();
    }
}

// Every ×100 value that a JSON double can produce is written back as a
// double that produces it again (2^53+1 cannot come from a double at all).
TEST(TxJson, GasWrittenSoItReadsBack) {
    for (int64_t x100 :
         {int64_t{114}, int64_t{115}, int64_t{28}, int64_t{29}, int64_t{12'345'678}, int64_t{1},
          int64_t{10'000}, int64_t{400'000'000}, int64_t{-115}, int64_t{9'007'199'254'740'994}}) {
        Tx tx = Parse(SdkBody());
        tx.gas_ratio = x100;
        tx.gas_limit = x100;
        const Tx back = Parse(Json::parse(TxToJson(tx)));
        EXPECT_EQ(back.gas_ratio, x100);
        EXPECT_EQ(back.gas_limit, x100);
    }
    EXPECT_DOUBLE_EQ(GasX100ToDouble(115), 1.15);
}

TEST(TxJson, AlgorithmsByNameOrNumber) {
    Json j = SdkBody();
    const Tx ref = Parse(j);
    for (const Json& a : {Json("ED25519"), Json("ed25519"), Json(2)}) {
        j["publisher_sigs"][0]["algorithm"] = a;
        EXPECT_EQ(Parse(j), ref) << a.dump();
    }
    for (const Json& a : {Json("SECP256K1"), Json(1)}) {
        j["publisher_sigs"][0]["algorithm"] = a;
        EXPECT_EQ(Parse(j).publisher_sigs[0].algorithm, crypto::Algorithm::kSecp256k1);
    }
    for (const Json& a : {Json("RSA"), Json(0), Json(3), Json(-1), Json(2.0), Json::object()}) {
        j["publisher_sigs"][0]["algorithm"] = a;
        EXPECT_EQ(ErrorOfJson(j).rfind("publisher_sigs[0].algorithm", 0), 0u) << a.dump();
    }
}

TEST(TxJson, MissingAndMistypedFieldsAreNamed) {
    for (const char* field :
         {"time", "expiration", "gasRatio", "gasLimit", "chain_id", "actions", "publisher"}) {
        Json j = SdkBody();
        j.erase(field);
        const std::string msg = ErrorOfJson(j);
        EXPECT_NE(msg.find("missing"), std::string::npos) << field << ": " << msg;
    }
    struct Case {
        const char* path;
        Json value;
        const char* expect;
    };
    auto set = [](Json& j, const std::string& path, const Json& v) {
        j[Json::json_pointer(path)] = v;
    };
    for (const Case& c :
         {Case{"/actions/0/data", 5, "actions[0].data"}, Case{"/actions/0", "x", "actions[0]"},
          Case{"/actions", Json::object(), "actions"},
          Case{"/signers", Json::array({1}), "signers[0]"}, Case{"/publisher", 7, "publisher"},
          Case{"/chain_id", -1, "chain_id"}, Case{"/chain_id", 4294967296LL, "chain_id"},
          Case{"/amount_limit/0/value", 1.5, "amount_limit[0].value"},
          Case{"/publisher_sigs/0/signature", "***", "publisher_sigs[0].signature"},
          Case{"/publisher_sigs/0/public_key", nullptr, "publisher_sigs[0]"},
          Case{"/reserved", "@@", "reserved"}, Case{"/reserved", 5, "reserved"}}) {
        Json j = SdkBody();
        set(j, c.path, c.value);
        const std::string msg = ErrorOfJson(j);
        EXPECT_EQ(msg.rfind(c.expect, 0), 0u) << c.path << ": " << msg;
    }
}

TEST(TxJson, MalformedDocumentsAreRejected) {
    for (const std::string& bad : std::vector<std::string>{
             "", "null", "[]", "\"tx\"", "{", "{\"time\":1,}", std::string(70, '['),
             "{\"time\":1,\"time\":2}", "{\"a\":\"\xff\"}", "{\"actions\":[[[[1]]]]}"}) {
        EXPECT_FALSE(TxFromJson(bad).ok()) << bad;
    }
    EXPECT_NE(ErrorOf("{\"time\":1,\"time\":2}").find("duplicate key \"time\""), std::string::npos);
    // Oversized bodies are refused before parsing.
    EXPECT_NE(ErrorOf(std::string(kMaxTxJsonBytes + 1, ' ')).find("exceeds"), std::string::npos);
}

TEST(TxJson, HugeArraysAreRejected) {
    Json j = SdkBody();
    j["signers"] = Json::array();
    for (size_t i = 0; i <= kMaxTxListItems; ++i) j["signers"].push_back("");
    EXPECT_EQ(ErrorOfJson(j).rfind("signers", 0), 0u);
}

TEST(TxJson, UnsignedDraftParsesAndFailsVerification) {
    Json j = SdkBody();
    j.erase("publisher_sigs");
    const Tx tx = Parse(j);
    EXPECT_TRUE(tx.publisher_sigs.empty());
    auto st = tx.VerifyForm(kMainnetChainId, crypto::RealVerifier());
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().reason, TxError::kNoPublisherSignature);
}

TEST(TxJson, ReservedNullEmptyOrBase64) {
    Json j = SdkBody();
    j["reserved"] = "";
    EXPECT_TRUE(Parse(j).reserved.empty());
    j["reserved"] = "AQI=";
    const Tx tx = Parse(j);
    EXPECT_EQ(tx.reserved, (util::Bytes{1, 2}));
    // Carried into the hash, and refused by VerifySelf.
    auto st = tx.VerifyForm(kMainnetChainId, crypto::RealVerifier());
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().reason, TxError::kUnsupportedField);
}

TEST(TxJson, ApiShapeFollowsGoIost) {
    const Tx tx = Parse(SdkBody());
    const Json api = Json::parse(TxToApiJson(tx));
    EXPECT_EQ(api["hash"], tx.HashBase58());
    EXPECT_EQ(api["time"], "1763942401246456800");
    EXPECT_EQ(api["delay"], "0");
    EXPECT_EQ(api["gas_ratio"], 1);
    EXPECT_EQ(api["gas_limit"], 1000000);
    EXPECT_EQ(api["chain_id"], 1024);
    EXPECT_EQ(api["actions"][0]["action_name"], "transfer");
    EXPECT_EQ(api["amount_limit"][0]["value"], "1");
    Tx t = tx;
    t.gas_ratio = 115;
    EXPECT_DOUBLE_EQ(Json::parse(TxToApiJson(t))["gas_ratio"].get<double>(), 1.15);
}

// Strings of printable ASCII, control characters, quotes, backslashes and
// multi-byte UTF-8: everything JSON can carry.
rc::Gen<std::string> JsonSafeString() {
    return rc::gen::map(rc::gen::container<std::vector<int>>(rc::gen::inRange(0, 8)),
                        [](const std::vector<int>& parts) {
                            static const char* kPieces[] = {
                                "a",  "\"", "\\", "\n", "\x01", "\xe4\xb8\xad", "\xf0\x9f\x9a\x80",
                                "Z9 "};
                            std::string out;
                            for (int p : parts) out += kPieces[p];
                            return out;
                        });
}

RC_GTEST_PROP(TxJsonProperty, RoundTripKeepsTheFullHash, ()) {
    Tx tx;
    tx.time = *rc::gen::arbitrary<int64_t>();
    tx.expiration = *rc::gen::arbitrary<int64_t>();
    tx.delay = *rc::gen::arbitrary<int64_t>();
    tx.gas_ratio = *rc::gen::inRange<int64_t>(-1'000'000'000'000, 1'000'000'000'000);
    tx.gas_limit = *rc::gen::inRange<int64_t>(-4'000'000'000'000'000, 4'000'000'000'000'000);
    tx.chain_id = *rc::gen::arbitrary<uint32_t>();
    tx.signers = *rc::gen::container<std::vector<std::string>>(JsonSafeString());
    tx.actions.push_back({*JsonSafeString(), *JsonSafeString(), *JsonSafeString()});
    tx.amount_limit.push_back({*JsonSafeString(), *JsonSafeString()});
    tx.publisher = *JsonSafeString();
    tx.reserved = *rc::gen::arbitrary<std::vector<uint8_t>>();
    tx.SignAsSigner(crypto::KeyPair::FromSeed(crypto::Algorithm::kSecp256k1, "rc/s"));
    tx.SignAsPublisher(crypto::KeyPair::FromSeed(crypto::Algorithm::kEd25519, "rc/p"));
    const auto parsed = TxFromJson(TxToJson(tx));
    RC_ASSERT(parsed.ok());
    RC_ASSERT(*parsed == tx);
    RC_ASSERT(parsed->Hash() == tx.Hash());
}

}  // namespace
}  // namespace iost::core
