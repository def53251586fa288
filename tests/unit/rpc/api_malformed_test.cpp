// Issue #6.5 over real sockets against a real node: thousands of malformed
// API requests (unknown paths and methods, bad path parameters, broken and
// mistyped JSON bodies, huge numbers, missing fields, oversized bodies, and
// transactions that are expired, from the future, for another chain,
// replayed, tampered with, or wrongly signed). Every one must be answered
// with a 4xx and a JSON {"code","message"} whose message is not empty, never
// a 5xx; the node must keep serving; and nothing may execute: no block made
// during the run carries a transaction and every account's state is as it
// was (the state root itself moves with every block, so it is compared
// through what it commits to).
// The corpus is generated from a fixed seed and bounded, so a failure names
// a reproducible case.
#include <core/tx_json.h>
#include <gtest/gtest.h>
#include <ledger/ledger.h>
#include <util/bytes.h>
#include <util/text.h>

#include <random>

#include "api_test_util.h"
#include "test_socket.h"

namespace iost::rpc {
namespace {

using testing::ApiNode;
using testing::json;

struct Case {
    std::string method;  // GET or POST
    std::string path;
    std::string body;
    std::string kind;
    int want = 400;  // expected status (400, 404, 405)
};

const char* kBase58Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

std::string RandomFrom(std::mt19937& rng, std::string_view alphabet, size_t len) {
    std::string s;
    for (size_t i = 0; i < len; ++i) s.push_back(alphabet[rng() % alphabet.size()]);
    return s;
}

// Path parameter values that must be refused, per parameter type.
std::vector<std::string> BadHashes(std::mt19937& rng) {
    std::vector<std::string> v = {"0",
                                  "O",
                                  "I",
                                  "l",
                                  "0OIl",
                                  "abc",
                                  "%2F",
                                  "%00",
                                  "..",
                                  "-",
                                  "++",
                                  std::string(100, '1'),
                                  std::string(300, 'z'),
                                  "1111111111111111111111111111111O"};
    for (int i = 0; i < 40; ++i)
        v.push_back(RandomFrom(rng, kBase58Alphabet, 1 + rng() % 40));  // wrong lengths
    for (int i = 0; i < 20; ++i) {
        std::string s = RandomFrom(rng, kBase58Alphabet, 44);
        s[rng() % s.size()] = "0OIl+=_."[rng() % 8];  // one character outside base58
        v.push_back(s);
    }
    // 33..64 bytes: valid base58, wrong size.
    for (int n : {1, 16, 31, 33, 48, 64})
        v.push_back(util::Base58Encode(util::Bytes(static_cast<size_t>(n), 0x5a)));
    return v;
}
std::vector<std::string> BadNumbers() {
    return {"-1",
            "+1",
            "1.5",
            "1e3",
            "0x10",
            "ten",
            "99999999999999999999999",
            "18446744073709551616",
            "9223372036854775808",
            "%201",
            "1%20",
            "1%00",
            "--1",
            "00x",
            "NaN",
            "Infinity",
            "٣"};
}
std::vector<std::string> BadBools() {
    return {"yes", "no",  "2",         "-1",      "truee", "nil", "null",
            "on",  "off", "%74rue%20", "true%00", "01",    "10",  "tru"};
}
std::vector<std::string> BadNames(std::mt19937& rng) {
    std::vector<std::string> v = {"a",          "abcd",     "abcdefghijkl", "Alice",
                                  "ALICE",      "al%20ice", "al-ice",       "al.ice",
                                  "alice!",     "%00alice", "alice%0a",     std::string(200, 'a'),
                                  "ali\xc3\xa9"};
    for (int i = 0; i < 20; ++i)
        v.push_back(RandomFrom(rng, "ABCDEFGHIJ-!@$^*()[]", 5 + rng() % 6));
    return v;
}

// Sets the member at `path` (object keys) in a copy of `j`.
json With(json j, const std::string& key, json value) {
    j[key] = std::move(value);
    return j;
}

class ApiMalformed : public ::testing::Test {
  protected:
    static void SetUpTestSuite() { s_node = new ApiNode(); }
    static void TearDownTestSuite() {
        delete s_node;
        s_node = nullptr;
    }
    static inline ApiNode* s_node = nullptr;
};

TEST_F(ApiMalformed, TwoThousandBadRequestsGetA4xxAndChangeNothing) {
    ASSERT_TRUE(s_node && s_node->ok());
    ApiNode& n = *s_node;
    std::mt19937 rng(20261124);
    std::vector<Case> cases;
    auto get = [&](std::string path, std::string kind, int want = 400) {
        cases.push_back({"GET", std::move(path), "", std::move(kind), want});
    };
    auto post = [&](std::string path, std::string body, std::string kind, int want = 400) {
        cases.push_back({"POST", std::move(path), std::move(body), std::move(kind), want});
    };

    // A transfer accepted once before the run: replaying it must be refused.
    const core::Tx replayed = n.Transfer("alice", "bobby", "0.5", "replay-me");
    const std::string replayed_hash = n.Send(replayed);
    ASSERT_FALSE(replayed_hash.empty());
    ASSERT_TRUE(n.WaitReceipt(replayed_hash).is_object());

    // 1. Unknown paths and wrong methods.
    for (int i = 0; i < 150; ++i)
        get("/" + RandomFrom(rng, "abcdefghijklmnopqrstuvwxyzABCDEFG", 3 + rng() % 20),
            "unknown path", 404);
    for (const char* p :
         {"/getNodeInfo/x", "/getChainInfo/", "/getTxByHash", "/getTxByHash/a/b",
          "/getBlockByNumber/1", "/getAccount/alice", "/getTokenBalance/alice/iost", "/sendTx/x",
          "/getMicroBlock/node0", "/getEvidence/1", "/metrics/x", "/GETNODEINFO", "/getnodeinfo"}) {
        get(p, "unknown path", 404);
    }
    for (const char* p : {"/getNodeInfo", "/getChainInfo", "/getGasRatio", "/getRAMInfo",
                          "/getPoBInfo", "/metrics"}) {
        post(p, "{}", "wrong method", 405);
    }
    for (const char* p : {"/sendTx", "/getContractStorage", "/getBatchContractStorage", "/getProof",
                          "/subscribe"}) {
        get(p, "wrong method", 405);
    }

    // 2. Bad path parameters, every GET endpoint with parameters.
    const std::string good_hash = replayed_hash;
    for (const auto& h : BadHashes(rng)) {
        get("/getTxByHash/" + h, "bad hash");
        get("/getTxReceiptByTxHash/" + h, "bad hash");
        get("/getBlockByHash/" + h + "/true", "bad hash");
    }
    for (const auto& b : BadBools()) {
        get("/getBlockByHash/" + good_hash + "/" + b, "bad bool");
        get("/getBlockByNumber/1/" + b, "bad bool");
        get("/getAccount/alice/" + b, "bad bool");
        get("/getTokenBalance/alice/iost/" + b, "bad bool");
        get("/getTokenInfo/iost/" + b, "bad bool");
        get("/getProducerVoteInfo/node0/" + b, "bad bool");
    }
    for (const auto& num : BadNumbers()) {
        get("/getBlockByNumber/" + num + "/true", "bad number");
        get("/getMicroBlock/node0/" + num, "bad number");
        get("/getEvidence/" + num + "/1", "bad number");
        get("/getEvidence/0/" + num, "bad number");
    }
    for (const auto& name : BadNames(rng)) {
        get("/getAccount/" + name + "/true", "bad name");
        get("/getTokenBalance/" + name + "/iost/true", "bad name");
        get("/getProducerVoteInfo/" + name + "/true", "bad name");
        get("/getMicroBlock/" + name + "/1", "bad name");
    }
    // Well-formed but absent.
    for (int i = 0; i < 20; ++i) {
        const std::string h = util::Base58Encode(util::Bytes(32, static_cast<uint8_t>(i + 1)));
        get("/getTxByHash/" + h, "unknown tx");
        get("/getTxReceiptByTxHash/" + h, "unknown receipt");
        get("/getBlockByHash/" + h + "/false", "unknown block");
        get("/getBlockByNumber/" + std::to_string(1'000'000 + i) + "/false", "unknown block");
        get("/getAccount/nouser" + std::to_string(100 + i) + "/true", "unknown account");
        get("/getTokenInfo/tok" + std::to_string(i) + "/true", "unknown token");
    }
    get("/getEvidence/10/2", "bad range");
    get("/getEvidence/0/100000", "range too large");

    // 3. sendTx bodies: broken JSON, wrong types, huge numbers, missing fields.
    // The base of the mutations is signed by a key that is not alice's, so
    // that no mutation can ever turn into an acceptable transfer (a null in
    // place of an empty optional list, for instance, leaves the bytes as they
    // were).
    core::Tx base = n.Transfer("alice", "bobby", "1", "never-sent");
    base.publisher_sigs.clear();
    base.SignAsPublisher("alice", node::testing::AccountKey("eve"));
    const json good = json::parse(core::TxToJson(base));
    const std::string good_text = good.dump();
    for (int i = 0; i < 450; ++i) {
        post("/sendTx", good_text.substr(0, rng() % good_text.size()), "truncated JSON");
    }
    for (int i = 0; i < 300; ++i) {
        std::string s = good_text;
        s[rng() % s.size()] = "{}[]\",:\\\x01"[rng() % 9];  // structural damage
        if (json::parse(s, nullptr, false).is_discarded()) post("/sendTx", s, "broken JSON");
    }
    for (const char* s :
         {"", " ", "null", "true", "1", "\"tx\"", "[]", "[{}]", "{", "}", "{\"time\":}", "\xff\xfe",
          "{\"time\":1,\"time\":2}", "{'time':1}", "{\"a\":NaN}", "{}"}) {
        post("/sendTx", s, "not a transaction");
    }
    const std::vector<json> wrong_values = {nullptr,
                                            true,
                                            "x",
                                            -1,
                                            1.5,
                                            json::array(),
                                            json::object(),
                                            "1e30",
                                            "99999999999999999999999",
                                            1e300,
                                            json::array({1, 2})};
    for (const auto& [key, value] : good.items()) {
        // Missing field (only the required ones must fail; the optional ones
        // may be absent, so they are not counted as malformed).
        static const std::set<std::string> required = {
            "time", "expiration", "gas_ratio", "gas_limit", "chain_id", "actions", "publisher"};
        if (required.count(key)) {
            json missing = good;
            missing.erase(key);
            post("/sendTx", missing.dump(), "missing " + key);
        }
        for (const auto& w : wrong_values) {
            if (w == value) continue;
            post("/sendTx", With(good, key, w).dump(), "wrong type " + key);
        }
    }
    for (const auto& huge : {json("99999999999999999999999"), json(1e19), json(-5), json("1.5e18"),
                             json("18446744073709551615"), json(0), json("-1"), json("0x10")}) {
        post("/sendTx", With(good, "time", huge).dump(), "huge/odd time");
        post("/sendTx", With(good, "expiration", huge).dump(), "huge/odd expiration");
    }
    for (const auto& g : {json(0), json(0.5), json(100.01), json(1e9), json(-1), json("abc")}) {
        post("/sendTx", With(good, "gas_ratio", g).dump(), "bad gas_ratio");
    }
    for (const auto& g : {json(0), json(100), json(5999), json(4000001), json(1e12), json(-1)}) {
        post("/sendTx", With(good, "gas_limit", g).dump(), "bad gas_limit");
    }
    for (const auto& a :
         {json::array(), json::array({json::object()}), json::array({{{"contract", 1}}}),
          json::array({{{"contract", "token.iost"}, {"action_name", "transfer"}, {"data", 5}}})}) {
        post("/sendTx", With(good, "actions", a).dump(), "bad actions");
    }
    for (const auto& sig :
         {json::array({{{"algorithm", "RSA"}, {"public_key", "AA=="}, {"signature", "AA=="}}}),
          json::array({{{"algorithm", "ED25519"}, {"public_key", "***"}, {"signature", "AA=="}}}),
          json::array({{{"algorithm", 9}, {"public_key", "AA=="}, {"signature", "AA=="}}}),
          json::array({"sig"})}) {
        post("/sendTx", With(good, "publisher_sigs", sig).dump(), "bad signature form");
    }
    // Deep nesting and oversized (but under the server's body cap) bodies.
    post("/sendTx", std::string(5000, '[') + std::string(5000, ']'), "deep nesting");
    post("/sendTx", With(good, "publisher", std::string(300'000, 'a')).dump(),
         "body over the tx size");

    // 4. Transactions that parse but must be refused.
    const auto& alice = node::testing::AccountKey("alice");
    for (int i = 0; i < 400; ++i) {
        const std::string memo = "bad-" + std::to_string(i);
        core::Tx t = n.Transfer("alice", "bobby", "1", memo);
        std::string kind;
        switch (i % 10) {
            case 0:
                t.chain_id = 1024 + static_cast<uint32_t>(i);
                t.SignAsPublisher("alice", alice);
                kind = "wrong chain id";
                break;
            case 1:
                t.time -= 200'000'000'000;
                t.expiration = t.time + 60'000'000'000;
                t.SignAsPublisher("alice", alice);
                kind = "expired";
                break;
            case 2:
                t.time += 120'000'000'000;
                t.expiration = t.time + 60'000'000'000;
                t.SignAsPublisher("alice", alice);
                kind = "from the future";
                break;
            case 3:
                t.actions[0].data = R"(["iost","alice","bobby","1000","x"])";
                kind = "tampered data";
                break;
            case 4:
                t.gas_limit += 100;
                kind = "tampered gas";
                break;
            case 5:
                t.publisher_sigs[0].sig[rng() % t.publisher_sigs[0].sig.size()] ^= 0x40;
                kind = "flipped signature bit";
                break;
            case 6:
                t.publisher_sigs.clear();
                t.SignAsPublisher("alice", node::testing::AccountKey("eve" + std::to_string(i)));
                kind = "signed by another key";
                break;
            case 7:
                t.publisher_sigs.clear();
                kind = "unsigned";
                break;
            case 8:
                t.publisher_sigs[0].algorithm = crypto::Algorithm::kSecp256k1;
                kind = "wrong algorithm";
                break;
            default:
                t.SignAsPublisher("nobody" + std::to_string(i % 10),
                                  node::testing::AccountKey("x"));
                kind = "unknown publisher";
                break;
        }
        post("/sendTx", core::TxToJson(t), kind);
    }
    for (int i = 0; i < 30; ++i) post("/sendTx", core::TxToJson(replayed), "replayed");

    // 5. Storage and subscribe bodies.
    const json storage_good = {{"id", "token.iost"}, {"key", "TIiost"}, {"field", "decimal"}};
    for (const auto& [key, value] : storage_good.items()) {
        for (const auto& w : {json(1), json(true), json::array(), json::object()}) {
            post("/getContractStorage", With(storage_good, key, w).dump(), "storage wrong type");
        }
        (void)value;
    }
    for (const char* s :
         {"", "{", "[]", "null", "{\"id\":\"\"}", "{\"by_longest_chain\":\"x\",\"id\":\"a.iost\"}",
          "{\"id\":\"a.iost\",\"byLongestChain\":1}",
          "{\"id\":\"a.iost\",\"key\":\"k\",\"Key\":1,\"key\":2}"}) {
        post("/getContractStorage", s, "storage body");
        post("/getBatchContractStorage", s, "batch body");
        post("/getContractStorageFields", s, "fields body");
        post("/listContractStorage", s, "list body");
    }
    const std::string js_id = "Contract" + std::string(44, '1');
    for (const auto& [k, w] :
         std::vector<std::pair<std::string, json>>{{"limit", json(101)},
                                                   {"limit", json(-1)},
                                                   {"limit", json(2.5)},
                                                   {"limit", json("1e3")},
                                                   {"limit", json(true)},
                                                   {"storageType", json("Map")},
                                                   {"storageType", json(7)},
                                                   {"prefix", json(1)},
                                                   {"from", json::array()},
                                                   {"to", json::object()},
                                                   {"prefix", json(std::string(514, 'x'))}}) {
        post("/listContractStorage", json{{"id", js_id}, {k, w}}.dump(), "list " + k);
    }
    post("/listContractStorage", R"({"id":"token.iost"})", "list a native contract");
    for (const auto& kf : {json(1), json("k"), json::array({1}), json::array({{{"key", 1}}}),
                           json::array({{{"key", "k"}, {"field", json::array()}}})}) {
        post("/getBatchContractStorage", json{{"id", "token.iost"}, {"key_fields", kf}}.dump(),
             "batch key_fields");
    }
    for (const char* s :
         {"", "{", "[]", "{}", "{\"topics\":[]}", "{\"topics\":\"CONTRACT_RECEIPT\"}",
          "{\"topics\":[7]}", "{\"topics\":[\"X\"]}", "{\"topics\":[0],\"filter\":1}",
          "{\"topics\":[0],\"filter\":{\"contract_id\":[]}}",
          "{\"topics\":[0],\"filter\":{\"contract_id\":\"A B\"}}"}) {
        post("/subscribe", s, "subscribe body");
    }

    ASSERT_GE(cases.size(), 2000u) << "the corpus must hold at least 2,000 requests";

    // State before: every genesis account's balance, gas and account record.
    std::vector<std::string> accounts;
    for (const auto& a : n.genesis.accounts) accounts.push_back(a.name);
    auto snapshot = [&] {
        std::vector<std::string> s;
        for (const auto& a : accounts) {
            s.push_back(std::to_string(ledger::BalanceOf(n.node->state(), "iost", a)) + "/" +
                        std::to_string(ledger::BalanceOf(n.node->state(), "ram", a)) + "/" +
                        std::to_string(ledger::GasInfo(n.node->state(), a, 0).pledge_total) + "/" +
                        (ledger::GetAccount(n.node->state(), a)
                             ? ledger::GetAccount(n.node->state(), a)->ToJson()
                             : ""));
        }
        return s;
    };
    const auto before = snapshot();
    const uint64_t height_before = n.node->driver().Status().height;

    int checked = 0;
    for (size_t i = 0; i < cases.size(); ++i) {
        const Case& c = cases[i];
        auto r = c.method == "GET" ? n.client->Get(c.path)
                                   : n.client->Post(c.path, c.body, "text/plain");
        ASSERT_TRUE(r.ok()) << "case " << i << " (" << c.kind << "): " << r.error().message;
        ASSERT_GE(r->status, 400) << "case " << i << " (" << c.kind << ") " << c.method << " "
                                  << c.path.substr(0, 120) << " body " << util::Quoted(c.body, 160)
                                  << " -> " << r->body.substr(0, 300);
        ASSERT_LT(r->status, 500) << "case " << i << " (" << c.kind
                                  << "): " << r->body.substr(0, 300);
        EXPECT_EQ(r->status, c.want)
            << "case " << i << " (" << c.kind << ") " << c.path.substr(0, 120) << " "
            << util::Quoted(c.body, 160) << " -> " << r->body.substr(0, 300);
        const json e = json::parse(r->body, nullptr, false);
        ASSERT_TRUE(e.is_object() && e.contains("code") && e["message"].is_string())
            << "case " << i << ": " << r->body;
        EXPECT_FALSE(e["message"].get<std::string>().empty())
            << "case " << i << " (" << c.kind << ")";
        ++checked;
    }
    EXPECT_EQ(checked, static_cast<int>(cases.size()));
    std::printf("%d malformed API requests, each answered 4xx\n", checked);

    // Oversized bodies over the server's 1 MiB cap: 413, before the body is read.
    for (size_t size : {size_t{(1 << 20) + 1}, size_t{4 << 20}}) {
        testing::RawConn c(n.server->port());
        ASSERT_TRUE(c.Send(
            "POST /sendTx HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: " +
            std::to_string(size) + "\r\n\r\n"));
        auto resp = c.ReadResponse(testing::Ms(5000));
        ASSERT_TRUE(resp.has_value());
        EXPECT_EQ(resp->status, 413);
        EXPECT_NE(resp->body.find("\"code\""), std::string::npos) << resp->body;
    }

    // The node keeps serving and finalizing, and nothing executed: no block
    // made during the run carries a transaction, state is unchanged.
    auto [st, info] = n.Get("/getNodeInfo");
    EXPECT_EQ(st, 200);
    ASSERT_TRUE(
        testing::WaitFor([&] { return n.node->driver().Status().height >= height_before + 3; },
                         std::chrono::seconds(20)));
    const uint64_t height_after = n.node->driver().Status().height;
    for (uint64_t h = height_before + 1; h <= height_after; ++h) {
        auto txs = n.node->blocks().GetBlockTxHashes(h).value();
        EXPECT_TRUE(!txs || txs->empty())
            << "block " << h << " executed " << txs->size() << " transactions";
    }
    EXPECT_EQ(snapshot(), before);
    EXPECT_EQ(n.node->mempool().stats().txs, 0u);
    EXPECT_EQ(n.server->stats().responses_5xx, 0u);
}

}  // namespace
}  // namespace iost::rpc
