#include <core/tx.h>
#include <core/tx_json.h>
#include <crypto/keys.h>
#include <gtest/gtest.h>
#include <util/bytes.h>
#include <wallet/inspect.h>
#include <wallet/key_tool.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace iost::wallet {
namespace {

using Json = nlohmann::json;

Json Vector(size_t i) {
    std::ifstream in(std::string(IOST_TEST_DATA_DIR) + "/vectors/tx_vectors.json");
    std::stringstream ss;
    ss << in.rdbuf();
    return Json::parse(ss.str())["vectors"].at(i);
}

TEST(Inspect, ValidVectorReportsItsHashes) {
    const Json v = Vector(0);
    const int64_t time = std::stoll(v["encoded_ints"]["time"].get<std::string>());
    auto r = InspectTx(v["sendtx_body"].get<std::string>(), {time + util::kNanosPerSecond, {}});
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->hash, v["hash"].get<std::string>());
    EXPECT_EQ(r->base_hash, v["base_hash"]["base58"].get<std::string>());
    EXPECT_EQ(r->publish_hash, v["publish_hash"]["base58"].get<std::string>());
    EXPECT_TRUE(r->valid);
    EXPECT_FALSE(r->expired);
    EXPECT_EQ(r->time_status, "ok");
    EXPECT_TRUE(r->reason.empty());
    const Json out = Json::parse(InspectReportJson(*r));
    EXPECT_EQ(out["hash"], v["hash"]);
    EXPECT_EQ(out["valid"], true);
}

TEST(Inspect, ClockRulesAreReportedApartFromValidity) {
    const Json v = Vector(0);
    const int64_t time = std::stoll(v["encoded_ints"]["time"].get<std::string>());
    auto late =
        InspectTx(v["sendtx_body"].get<std::string>(), {time + 100 * util::kNanosPerSecond, {}});
    ASSERT_TRUE(late.ok());
    EXPECT_TRUE(late->valid);
    EXPECT_TRUE(late->expired);
    EXPECT_EQ(late->time_status, "expired");
    auto early =
        InspectTx(v["sendtx_body"].get<std::string>(), {time - 60 * util::kNanosPerSecond, {}});
    ASSERT_TRUE(early.ok());
    EXPECT_TRUE(early->valid);
    EXPECT_FALSE(early->expired);
    EXPECT_EQ(early->time_status, "future");
}

TEST(Inspect, InvalidTxIsAReportNotAnError) {
    Json body = Json::parse(Vector(0)["sendtx_body"].get<std::string>());
    body["gasRatio"] = 0.5;
    auto r = InspectTx(body.dump(), {0, {}});
    ASSERT_TRUE(r.ok());
    EXPECT_FALSE(r->valid);
    EXPECT_EQ(r->reason_code, "bad_gas_ratio");
    EXPECT_FALSE(r->reason.empty());
}

TEST(Inspect, ChainIdOption) {
    const std::string body = Vector(0)["sendtx_body"].get<std::string>();
    auto ok = InspectTx(body, {0, core::kMainnetChainId});
    ASSERT_TRUE(ok.ok());
    EXPECT_TRUE(ok->valid);
    auto wrong = InspectTx(body, {0, core::kLocalChainId});
    ASSERT_TRUE(wrong.ok());
    EXPECT_FALSE(wrong->valid);
    EXPECT_EQ(wrong->reason_code, "wrong_chain_id");
}

TEST(Inspect, NameProblemsAreWarnings) {
    // Vector 1's publisher "carl" has 4 characters: valid for go-iost's
    // VerifySelf, but no such IOST account can exist.
    const Json v = Vector(1);
    auto r = InspectTx(v["sendtx_body"].get<std::string>(), {0, {}});
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(r->valid);
    bool named = false;
    for (const auto& w : r->warnings) named = named || w.find("carl") != std::string::npos;
    EXPECT_TRUE(named);
}

TEST(Inspect, UnparsableInputIsAnError) {
    EXPECT_FALSE(InspectTx("garbage", {0, {}}).ok());
    EXPECT_FALSE(InspectTx("{}", {0, {}}).ok());
    EXPECT_FALSE(InspectTx("", {0, {}}).ok());
}

TEST(KeyTool, NewKeysRoundTripThroughBase58) {
    for (auto algo : {crypto::Algorithm::kEd25519, crypto::Algorithm::kSecp256k1}) {
        const KeyText k = NewKey(algo);
        EXPECT_EQ(k.algorithm, crypto::AlgorithmName(algo));
        auto kp = KeyFromBase58Secret(algo, k.seckey);
        ASSERT_TRUE(kp.ok()) << kp.error().message;
        EXPECT_EQ(util::Base58Encode(kp->public_key().bytes), k.pubkey);
        EXPECT_EQ(util::Base58Decode(k.seckey)->size(),
                  algo == crypto::Algorithm::kEd25519 ? 64u : 32u);
        EXPECT_EQ(util::Base58Decode(k.pubkey)->size(),
                  algo == crypto::Algorithm::kEd25519 ? 32u : 33u);
    }
    EXPECT_NE(NewKey(crypto::Algorithm::kEd25519).seckey,
              NewKey(crypto::Algorithm::kEd25519).seckey);
}

TEST(KeyTool, MatchesTheSdkKeyForms) {
    // The SDK's (and go-iost iwallet's) base58 forms of a vector key.
    const Json k = Vector(0)["keys"][0];
    auto kp =
        KeyFromBase58Secret(crypto::Algorithm::kEd25519, k["secret_base58"].get<std::string>());
    ASSERT_TRUE(kp.ok());
    const KeyText t = DescribeKey(*kp);
    EXPECT_EQ(t.pubkey, k["public_base58"].get<std::string>());
    EXPECT_EQ(t.seckey, k["secret_base58"].get<std::string>());
    const Json j = Json::parse(KeyTextJson(t));
    EXPECT_EQ(j["Algorithm"], "ed25519");
    EXPECT_EQ(j["Pubkey"], t.pubkey);
    EXPECT_EQ(j["Seckey"], t.seckey);
    EXPECT_FALSE(KeyFromBase58Secret(crypto::Algorithm::kEd25519, "0OIl").ok());
    EXPECT_FALSE(KeyFromBase58Secret(crypto::Algorithm::kSecp256k1, "abc").ok());
}

}  // namespace
}  // namespace iost::wallet
