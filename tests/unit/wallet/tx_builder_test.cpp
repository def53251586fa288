// Transaction building and input validation: iwallet's transfer and account
// creation reproduce the official SDK's vectors byte for byte (same hash,
// same signature), and every bad input is refused with a message.
#include <core/tx_json.h>
#include <gtest/gtest.h>
#include <util/bytes.h>
#include <wallet/key_tool.h>
#include <wallet/tx_builder.h>

#include <cmath>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>

namespace iost::wallet {
namespace {

using Json = nlohmann::json;

Json Vector(const std::string& name) {
    std::ifstream in(std::string(IOST_TEST_DATA_DIR) + "/vectors/tx_vectors.json");
    std::stringstream ss;
    ss << in.rdbuf();
    const Json all = Json::parse(ss.str());
    for (const auto& v : all["vectors"]) {
        if (v["name"] == name) return v;
    }
    ADD_FAILURE() << "no vector " << name;
    return {};
}

crypto::KeyPair VectorKey(const Json& v, const std::string& name) {
    for (const auto& k : v["keys"]) {
        if (k["name"] == name)
            return *KeyFromBase58Secret(crypto::Algorithm::kEd25519,
                                        k["secret_base58"].get<std::string>());
    }
    ADD_FAILURE() << "no key " << name;
    return crypto::KeyPair::FromSeed(crypto::Algorithm::kEd25519, "missing");
}

int64_t I64(const Json& v, const char* field) {
    return std::stoll(v["encoded_ints"][field].get<std::string>());
}

TEST(TxBuilder, TransferMatchesTheSdkVector) {
    const Json v = Vector("ed25519_transfer");
    TxParams p;
    p.amount_limit = "iost:10.5";  // the SDK's transfer approves the amount
    p.expiration_s = 90;
    auto tx =
        BuildTx({TransferAction("iost", "alice", "bob", "10.5", "vector 1")}, p, I64(v, "time"));
    ASSERT_TRUE(tx.ok()) << tx.error().message;
    EXPECT_EQ(tx->expiration, I64(v, "expiration"));
    SignAsPublisher(*tx, "alice", VectorKey(v, "alice"));
    EXPECT_EQ(tx->HashBase58(), v["hash"]);
    const Json body = Json::parse(v["sendtx_body"].get<std::string>());
    EXPECT_EQ(util::Base64Encode(tx->publisher_sigs.at(0).sig),
              body["publisher_sigs"][0]["signature"]);
    // The JSON iwallet sends parses back to the same transaction.
    auto back = core::TxFromJson(core::TxToJson(*tx));
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(back->HashBase58(), v["hash"]);
}

TEST(TxBuilder, AccountCreationMatchesTheSdkVector) {
    const Json v = Vector("ed25519_signup_ram_pledge");
    const Json body = Json::parse(v["sendtx_body"].get<std::string>());
    const Json signup = Json::parse(body["actions"][0]["data"].get<std::string>());
    CreateAccountSpec s;
    s.name = signup[0];
    s.owner_key = signup[1];
    s.active_key = signup[2];
    s.initial_ram = 1024;
    s.initial_gas_pledge = 20;  // go-iost iwallet: signUp pledges 10, the action pledges the rest
    auto acts = CreateAccountActions("alice", s);
    ASSERT_TRUE(acts.ok()) << acts.error().message;
    ASSERT_EQ(acts->size(), 3u);
    for (size_t i = 0; i < 3; ++i) {
        EXPECT_EQ((*acts)[i].contract, body["actions"][i]["contract"]);
        EXPECT_EQ((*acts)[i].action_name, body["actions"][i]["actionName"]);
        EXPECT_EQ((*acts)[i].data, body["actions"][i]["data"]);
    }
    TxParams p;  // defaults: gas 1 / 1,000,000, * unlimited, as the vector
    auto tx = BuildTx(std::move(*acts), p, I64(v, "time"));
    ASSERT_TRUE(tx.ok());
    SignAsPublisher(*tx, "alice", VectorKey(v, "alice"));
    EXPECT_EQ(tx->HashBase58(), v["hash"]);
}

TEST(TxBuilder, AccountCreationOptions) {
    CreateAccountSpec s;
    s.name = "newbie_01";
    s.owner_key = s.active_key = util::Base58Encode(
        crypto::KeyPair::FromSeed(crypto::Algorithm::kEd25519, "n").public_key().bytes);
    s.initial_ram = 0;
    s.initial_gas_pledge = 10;
    s.initial_balance = "2.5";
    auto acts = CreateAccountActions("alice", s);
    ASSERT_TRUE(acts.ok());
    ASSERT_EQ(acts->size(), 2u);  // signUp + transfer; no ram, no extra pledge
    EXPECT_EQ((*acts)[1].data, R"(["iost","alice","newbie_01","2.5",""])");

    auto bad = s;
    bad.initial_gas_pledge = 9;
    EXPECT_FALSE(CreateAccountActions("alice", bad).ok());
    bad = s;
    bad.initial_ram = 5;
    EXPECT_FALSE(CreateAccountActions("alice", bad).ok());
    bad = s;
    bad.owner_key = "not-base58-0OIl";
    EXPECT_FALSE(CreateAccountActions("alice", bad).ok());
    bad = s;
    bad.active_key = util::Base58Encode(util::Bytes(32, 0));  // not a curve point
    EXPECT_FALSE(CreateAccountActions("alice", bad).ok());
    bad = s;
    bad.initial_balance = "1.123456789";
    EXPECT_FALSE(CreateAccountActions("alice", bad).ok());
    bad = s;
    bad.name = "Bad";
    EXPECT_FALSE(CreateAccountActions("alice", bad).ok());
    EXPECT_FALSE(CreateAccountActions("x", s).ok());
}

TEST(TxBuilder, MemoAndArgumentsAreEscapedAsJson) {
    auto a = TransferAction("iost", "alice", "bob", "1", "say \"hi\"\n\\ 中文");
    Json data = Json::parse(a.data);
    EXPECT_EQ(data[4], "say \"hi\"\n\\ 中文");
    EXPECT_TRUE(CheckMemo(std::string(512, 'm')).ok());
    EXPECT_FALSE(CheckMemo(std::string(513, 'm')).ok());
}

TEST(TxBuilder, BadTxParamsAreRefused) {
    const auto check = [](auto mutate, const char* expect) {
        TxParams p;
        mutate(p);
        auto st = ValidateTxParams(p);
        ASSERT_FALSE(st.ok()) << expect;
        EXPECT_NE(st.error().message.find(expect), std::string::npos) << st.error().message;
        EXPECT_FALSE(BuildTx({MakeAction("token.iost", "transfer", "[]")}, p, 1).ok());
    };
    check([](TxParams& p) { p.gas_ratio = 0.5; }, "--gas-ratio");
    check([](TxParams& p) { p.gas_ratio = 100.5; }, "--gas-ratio");
    check([](TxParams& p) { p.gas_ratio = std::nan(""); }, "--gas-ratio");
    check([](TxParams& p) { p.gas_limit = 5999; }, "--gas-limit");
    check([](TxParams& p) { p.gas_limit = std::numeric_limits<double>::infinity(); },
          "--gas-limit");
    check([](TxParams& p) { p.expiration_s = 0; }, "--expiration");
    check([](TxParams& p) { p.expiration_s = 91; }, "--expiration");
    check([](TxParams& p) { p.amount_limit = "iost"; }, "--amount-limit");
    check([](TxParams& p) { p.amount_limit = "iost:abc"; }, "--amount-limit");
    check([](TxParams& p) { p.amount_limit = "iost:1:2"; }, "--amount-limit");
    check([](TxParams& p) { p.amount_limit = "iost:1|"; }, "--amount-limit");
    check([](TxParams& p) { p.amount_limit = "IOST:1"; }, "--amount-limit");
    check([](TxParams& p) { p.signers = {"bob"}; }, "--signers");
    check([](TxParams& p) { p.signers = {"bobby@"}; }, "--signers");
    EXPECT_FALSE(BuildTx({}, TxParams{}, 1).ok());
}

TEST(TxBuilder, AmountLimitParses) {
    auto l = ParseAmountLimit("iost:300.5|ram:2000|*:unlimited");
    ASSERT_TRUE(l.ok());
    ASSERT_EQ(l->size(), 3u);
    EXPECT_EQ((*l)[0].token, "iost");
    EXPECT_EQ((*l)[0].value, "300.5");
    EXPECT_EQ((*l)[2].token, "*");
    EXPECT_EQ((*l)[2].value, "unlimited");
    EXPECT_TRUE(ParseAmountLimit("")->empty());
}

TEST(TxBuilder, Amounts) {
    EXPECT_EQ(*CheckIostAmount("10", "amount"), "10");
    EXPECT_EQ(*CheckIostAmount("0.50000000", "amount"), "0.5");
    EXPECT_EQ(*CheckIostAmount("007", "amount"), "7");
    for (const char* bad : {"", "0", "0.000", "-1", "+1", "1.123456789", "1e5", "abc", "1.", ".5",
                            " 1", "99999999999999999999", "1,5", "0x10"}) {
        auto r = CheckIostAmount(bad, "amount");
        EXPECT_FALSE(r.ok()) << bad;
        if (!r.ok()) {
            EXPECT_EQ(r.error().message.rfind("amount", 0), 0u) << r.error().message;
        }
    }
    EXPECT_EQ(*CheckCount("1024", "--initial-ram"), 1024);
    EXPECT_FALSE(CheckCount("1.5", "--initial-ram").ok());
    EXPECT_FALSE(CheckCount("-3", "--initial-ram").ok());
}

TEST(TxBuilder, NamesContractsAndJsonArgs) {
    EXPECT_TRUE(CheckAccountName("admin", "receiver").ok());
    for (const char* bad : {"bob", "Admin", "a-b-c-d", "abcdefghijkl", "", "admin@active"}) {
        auto st = CheckAccountName(bad, "receiver");
        EXPECT_FALSE(st.ok()) << bad;
        if (!st.ok()) {
            EXPECT_EQ(st.error().message.rfind("receiver: ", 0), 0u);
        }
    }
    EXPECT_TRUE(CheckContract("token.iost", "transfer").ok());
    EXPECT_TRUE(
        CheckContract("Contract7SBZUQyh25ggTQdqrHEZqwnYKFWvfETsvLJHKqJeEodi", "hello").ok());
    EXPECT_FALSE(CheckContract("token", "transfer").ok());
    EXPECT_FALSE(CheckContract("token.iost", "").ok());
    EXPECT_FALSE(CheckContract("token.iost", "trans fer").ok());

    EXPECT_EQ(*CheckJsonArgs(R"(["iost", 1, true, null, {"a": [1]}])"),
              R"(["iost", 1, true, null, {"a": [1]}])");
    EXPECT_TRUE(CheckJsonArgs("[]").ok());
    for (const char* bad : {"", "{}", "null", "\"x\"", "[1,", "[1]]", "iost", "[\"a\" \"b\"]"}) {
        EXPECT_FALSE(CheckJsonArgs(bad).ok()) << bad;
    }
    EXPECT_FALSE(CheckJsonArgs("[" + std::string(core::kMaxTxBytes, ' ') + "]").ok());
}

TEST(TxBuilder, ServerUrls) {
    EXPECT_EQ(*NormalizeServerUrl("http://127.0.0.1:30001"), "http://127.0.0.1:30001");
    EXPECT_EQ(*NormalizeServerUrl("127.0.0.5:31001"), "http://127.0.0.5:31001");
    EXPECT_EQ(*NormalizeServerUrl("http://localhost"), "http://localhost:30001");
    EXPECT_EQ(*NormalizeServerUrl("localhost"), "http://localhost:30001");
    EXPECT_EQ(*NormalizeServerUrl("http://[::1]:8080"), "http://[::1]:8080");
    EXPECT_EQ(*NormalizeServerUrl("http://[::1]"), "http://[::1]:30001");
    // go-iost iwallet's habit: host:30002 (its gRPC port) means host:30001;
    // an explicit http:// URL is taken as given.
    EXPECT_EQ(*NormalizeServerUrl("127.0.0.1:30002"), "http://127.0.0.1:30001");
    EXPECT_EQ(*NormalizeServerUrl("localhost:30002"), "http://localhost:30001");
    EXPECT_EQ(*NormalizeServerUrl("http://127.0.0.1:30002"), "http://127.0.0.1:30002");
    for (const char* bad : {"", "https://node:443", "ftp://x", "http://h:1/path", "http://h:99999",
                            "http://:30001", "http://h:port"}) {
        auto r = NormalizeServerUrl(bad);
        EXPECT_FALSE(r.ok()) << bad;
        if (!r.ok()) {
            EXPECT_EQ(r.error().message.rfind("--server", 0), 0u) << r.error().message;
        }
    }
}

}  // namespace
}  // namespace iost::wallet
