// The contract endpoints on a real node with a deployed JavaScript contract
// (docs/http.md, docs/contracts.md "Events", "Storage and RAM"):
// CONTRACT_EVENT on /subscribe with topic and contract filters,
// /listContractStorage (KV and MAP, go-iost's key order, prefix/from/to/
// limit, every input checked), /getContractStorageFields,
// /getBatchContractStorage of a contract's values and map fields, and
// /execTx as a dry run that commits nothing.
#include <core/tx_json.h>
#include <crypto/hash.h>
#include <util/clock.h>

#include <string>
#include <vector>

#include "api_test_util.h"
#include "test_socket.h"

namespace iost::rpc {
namespace {

using testing::ApiNode;
using testing::json;

const char* kCode = R"(class Store {
  init() {}
  put(k, v) { storage.put(k, v); }
  mput(k, f, v) { storage.mapPut(k, f, v); }
  emit(data) { blockchain.event(data); }
  rcpt(data) { blockchain.receipt(data); }
  echo(x) { return x; }
  spin() { for (;;) {} }
}
module.exports = Store;)";

std::string ContractJson() {
    json abi = json::array();
    for (auto [name, n] : {std::pair{"put", 2}, std::pair{"mput", 3}, std::pair{"emit", 1},
                           std::pair{"rcpt", 1}, std::pair{"echo", 1}, std::pair{"spin", 0}}) {
        abi.push_back({{"name", name},
                       {"args", std::vector<std::string>(static_cast<size_t>(n), "string")},
                       {"amountLimit", json::array()}});
    }
    json c = {{"ID", ""},
              {"info", {{"lang", "javascript"}, {"version", "1.0.0"}, {"abi", abi}}},
              {"code", kCode}};
    return c.dump();
}

class ApiContracts : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        s_node = new ApiNode();
        ASSERT_TRUE(s_node->ok());
        s_a = Deploy();
        s_b = Deploy();
        ASSERT_FALSE(s_a.empty());
        ASSERT_FALSE(s_b.empty());
    }
    static void TearDownTestSuite() {
        delete s_node;
        s_node = nullptr;
    }
    static ApiNode& N() { return *s_node; }

    // A transaction of alice's, stamped now (a second back, never "future").
    static core::Tx Tx(std::vector<core::Action> actions, int64_t gas_limit = 100'000'000) {
        const int64_t now = util::SystemClock().Now() - 1'000'000'000;
        core::Tx tx;
        tx.time = now;
        tx.expiration = now + 60'000'000'000;
        tx.gas_ratio = 100;
        tx.gas_limit = gas_limit;
        tx.chain_id = core::kLocalChainId;
        tx.actions = std::move(actions);
        tx.amount_limit.push_back({"*", "unlimited"});
        tx.SignAsPublisher("alice", node::testing::AccountKey("alice"));
        return tx;
    }
    // Sends and waits for the final receipt.
    static json Run(std::vector<core::Action> actions) {
        const std::string h = N().Send(Tx(std::move(actions)));
        EXPECT_FALSE(h.empty());
        json r = N().WaitReceipt(h);
        EXPECT_EQ(r.value("status_code", ""), "SUCCESS") << r.dump();
        return r;
    }
    static std::string Deploy() {
        json r = Run({{"system.iost", "setCode", json::array({ContractJson()}).dump()}});
        if (!r.contains("returns") || r["returns"].empty()) return "";
        return json::parse(r["returns"][0].get<std::string>())[0].get<std::string>();
    }
    static core::Action Act(const std::string& id, const std::string& fn, const json& args) {
        return {id, fn, args.dump()};
    }
    static void ExpectError(const std::pair<int, json>& r, const std::string& needle) {
        EXPECT_EQ(r.first, 400) << r.second.dump();
        EXPECT_NE(r.second.value("message", "").find(needle), std::string::npos)
            << "expected '" << needle << "' in " << r.second.dump();
    }
    // The (key, value) pairs of a /listContractStorage answer.
    static std::vector<std::pair<std::string, std::string>> List(const json& body) {
        auto [st, j] = N().Post("/listContractStorage", body.dump());
        EXPECT_EQ(st, 200) << j.dump();
        std::vector<std::pair<std::string, std::string>> out;
        for (const auto& d : j.value("datas", json::array())) {
            out.emplace_back(d.value("key", ""), d.value("value", ""));
        }
        return out;
    }

    static inline ApiNode* s_node = nullptr;
    static inline std::string s_a, s_b;
};

// Opens POST /subscribe with `body` and waits until it is registered.
std::unique_ptr<testing::RawConn> Subscribe(ApiNode& n, const std::string& body) {
    auto c = std::make_unique<testing::RawConn>(n.server->port());
    EXPECT_TRUE(c->ok());
    EXPECT_TRUE(c->Send("POST /subscribe HTTP/1.1\r\nHost: x\r\nContent-Length: " +
                        std::to_string(body.size()) + "\r\n\r\n" + body));
    EXPECT_TRUE(
        testing::WaitFor([&] { return c->ReadSome(testing::Ms(50)) > 0 || !c->pending().empty(); },
                         std::chrono::seconds(5)));
    return c;
}

bool WaitText(testing::RawConn& c, const std::string& needle) {
    return testing::WaitFor(
        [&] {
            c.ReadSome(testing::Ms(50));
            return c.pending().find(needle) != std::string::npos;
        },
        std::chrono::seconds(20));
}

TEST_F(ApiContracts, SubscribeCarriesContractEventsWithTopicAndContractFilters) {
    auto events_of_a = Subscribe(
        N(), R"({"topics":["CONTRACT_EVENT"],"filter":{"contract_id":")" + s_a + R"("}})");
    auto all_events = Subscribe(N(), R"({"topics":[1]})");
    auto receipts_of_a = Subscribe(
        N(), R"({"topics":["CONTRACT_RECEIPT"],"filter":{"contractId":")" + s_a + R"("}})");
    // One transaction: within it, receipts are served before events, each in
    // execution order.
    Run({Act(s_a, "emit", {"ev-a-1"}), Act(s_b, "emit", {"ev-b-1"}), Act(s_a, "rcpt", {"rc-a-1"}),
         Act(s_a, "emit", {"ev-a-end"})});
    Run({Act(s_a, "rcpt", {"rc-a-2"}), Act(s_a, "emit", {"ev-a-2"})});

    ASSERT_TRUE(WaitText(*events_of_a, "ev-a-2")) << events_of_a->pending();
    const std::string a = events_of_a->pending();
    EXPECT_NE(a.find(R"({"result":{"event":{"topic":"CONTRACT_EVENT","data":"ev-a-1","time":")"),
              std::string::npos)
        << a;
    EXPECT_LT(a.find("ev-a-1"), a.find("ev-a-end"));
    EXPECT_EQ(a.find("ev-b-1"), std::string::npos) << "contract filter: " << a;
    EXPECT_EQ(a.find("rc-a"), std::string::npos) << "topic filter: " << a;

    ASSERT_TRUE(WaitText(*all_events, "ev-a-2")) << all_events->pending();
    const std::string all = all_events->pending();
    EXPECT_LT(all.find("ev-a-1"), all.find("ev-b-1"));
    EXPECT_LT(all.find("ev-b-1"), all.find("ev-a-end"));
    EXPECT_EQ(all.find("rc-a"), std::string::npos) << all;
    EXPECT_EQ(all.find("CONTRACT_RECEIPT"), std::string::npos) << all;

    ASSERT_TRUE(WaitText(*receipts_of_a, "rc-a-2")) << receipts_of_a->pending();
    const std::string rc = receipts_of_a->pending();
    EXPECT_NE(rc.find(R"({"topic":"CONTRACT_RECEIPT","data":"rc-a-1")"), std::string::npos) << rc;
    EXPECT_EQ(rc.find("ev-a"), std::string::npos) << "events are not receipts: " << rc;

    // The events are not in the receipt IOST's API shows.
    const std::string h = N().Send(Tx({Act(s_a, "emit", {"not-a-receipt"})}));
    json r = N().WaitReceipt(h);
    EXPECT_EQ(r["receipts"], json::array()) << r.dump();
}

TEST_F(ApiContracts, ListContractStorageInGoIostKeyOrder) {
    Run({Act(s_a, "put", {"c", "vc"}), Act(s_a, "put", {"ab", "vab"}), Act(s_a, "put", {"a", "va"}),
         Act(s_a, "put", {"b2", "vb2"}), Act(s_a, "put", {"b", "vb"}),
         Act(s_a, "mput", {"m", "y", "2"}), Act(s_a, "mput", {"m", "x", "1"}),
         Act(s_a, "mput", {"n", "f", "4"})});
    using KV = std::vector<std::pair<std::string, std::string>>;
    // Byte order of the keys, not our length-prefixed layout's order.
    EXPECT_EQ(List({{"id", s_a}}),
              (KV{{"a", "va"}, {"ab", "vab"}, {"b", "vb"}, {"b2", "vb2"}, {"c", "vc"}}));
    EXPECT_EQ(List({{"id", s_a}, {"storageType", "KV"}, {"limit", 2}}),
              (KV{{"a", "va"}, {"ab", "vab"}}));
    EXPECT_EQ(List({{"id", s_a}, {"limit", "2"}, {"from", "ab"}}),
              (KV{{"ab", "vab"}, {"b", "vb"}}));
    EXPECT_EQ(List({{"id", s_a}, {"prefix", "b"}}), (KV{{"b", "vb"}, {"b2", "vb2"}}));
    EXPECT_EQ(List({{"id", s_a}, {"from", "ab"}, {"to", "b2"}}), (KV{{"ab", "vab"}, {"b", "vb"}}));
    EXPECT_EQ(List({{"id", s_a}, {"limit", 0}, {"prefix", "zz"}}), KV{});
    // MAP: go-iost's m-<id>-K (the field list) and m-<id>-K-F entries.
    EXPECT_EQ(
        List({{"id", s_a}, {"storageType", "MAP"}}),
        (KV{{"m", R"(["y","x"])"}, {"m-x", "1"}, {"m-y", "2"}, {"n", R"(["f"])"}, {"n-f", "4"}}));
    EXPECT_EQ(List({{"id", s_a}, {"storageType", 1}, {"prefix", "m-"}}),
              (KV{{"m-x", "1"}, {"m-y", "2"}}));
    EXPECT_EQ(List({{"id", s_a}, {"storage_type", "MAP"}, {"from", "m-y"}, {"limit", 2}}),
              (KV{{"m-y", "2"}, {"n", R"(["f"])"}}));
    // Another contract's storage is its own; an unknown contract has none.
    EXPECT_EQ(List({{"id", s_b}}), KV{});
    crypto::Hash256 h{};
    h[0] = 1;
    EXPECT_EQ(List({{"id", "Contract" + crypto::HashToBase58(h)}}), KV{});

    auto [st, j] = N().Post("/listContractStorage", json{{"id", s_a}}.dump());
    ASSERT_EQ(st, 200);
    EXPECT_TRUE(j["block_hash"].is_string() && !j["block_hash"].get<std::string>().empty());
    EXPECT_TRUE(j["block_number"].is_string()) << j.dump();

    // Every input is checked.
    ExpectError(N().Post("/listContractStorage", "{}"), "id");
    ExpectError(N().Post("/listContractStorage", R"({"id":"token.iost"})"), "not a JavaScript");
    ExpectError(N().Post("/listContractStorage", R"({"id":"bad id!"})"), "id");
    ExpectError(N().Post("/listContractStorage", json{{"id", s_a}, {"limit", 101}}.dump()),
                "limit");
    ExpectError(N().Post("/listContractStorage", json{{"id", s_a}, {"limit", -1}}.dump()), "limit");
    ExpectError(N().Post("/listContractStorage", json{{"id", s_a}, {"limit", "x"}}.dump()),
                "limit");
    ExpectError(N().Post("/listContractStorage", json{{"id", s_a}, {"limit", 1.5}}.dump()),
                "limit");
    ExpectError(N().Post("/listContractStorage", json{{"id", s_a}, {"storageType", "X"}}.dump()),
                "storageType");
    ExpectError(N().Post("/listContractStorage", json{{"id", s_a}, {"storageType", 2}}.dump()),
                "storageType");
    ExpectError(N().Post("/listContractStorage",
                         json{{"id", s_a}, {"prefix", std::string(600, 'p')}}.dump()),
                "prefix");
    ExpectError(N().Post("/listContractStorage", json{{"id", s_a}, {"from", 3}}.dump()), "from");
    ExpectError(N().Post("/listContractStorage", json{{"id", s_a}, {"to", json::array()}}.dump()),
                "to");
    ExpectError(
        N().Post("/listContractStorage", json{{"id", s_a}, {"by_longest_chain", "yes"}}.dump()),
        "by_longest_chain");
    ExpectError(N().Post("/listContractStorage", "["), "JSON");

    // Fields of a map key, and a batch of values and map fields.
    auto [fst, fields] =
        N().Post("/getContractStorageFields", json{{"id", s_a}, {"key", "m"}}.dump());
    ASSERT_EQ(fst, 200) << fields.dump();
    EXPECT_EQ(fields["fields"], json::array({"y", "x"}));
    EXPECT_TRUE(fields["block_number"].is_string());
    auto [nst, none] =
        N().Post("/getContractStorageFields", json{{"id", s_a}, {"key", "nope"}}.dump());
    ASSERT_EQ(nst, 200);
    EXPECT_EQ(none["fields"], json::array());
    ExpectError(N().Post("/getContractStorageFields", R"({"key":"m"})"), "id");
    ExpectError(N().Post("/getContractStorageFields", R"({"id":"bad id!","key":"m"})"), "id");
    ExpectError(N().Post("/getContractStorageFields",
                         json{{"id", s_a}, {"key", std::string(300, 'k')}}.dump()),
                "key");
    auto [bst, batch] = N().Post(
        "/getBatchContractStorage",
        json{{"id", s_a},
             {"key_fields", {{{"key", "a"}}, {{"key", "m"}, {"field", "y"}}, {{"key", "nope"}}}}}
            .dump());
    ASSERT_EQ(bst, 200) << batch.dump();
    EXPECT_EQ(batch["datas"], json::array({"va", "2", "null"}));
    ExpectError(N().Post("/getBatchContractStorage", R"({"id":"bad id!","key_fields":[]})"), "id");
}

TEST_F(ApiContracts, ExecTxIsADryRunThatCommitsNothing) {
    const core::Tx dry = Tx({Act(s_a, "put", {"dry", "run"}), Act(s_a, "echo", {"hi"}),
                             Act(s_a, "emit", {"dry-event"})});
    const std::string hash = crypto::HashToBase58(dry.Hash());
    auto [st, r] = N().Post("/execTx", core::TxToJson(dry));
    ASSERT_EQ(st, 200) << r.dump();
    EXPECT_EQ(r["status_code"], "SUCCESS") << r.dump();
    EXPECT_EQ(r["returns"], json::array({"[]", R"(["hi"])", "[]"})) << r.dump();
    EXPECT_GT(r["gas_usage"].get<double>(), 30'000.0) << r.dump();  // three JS calls' fares
    EXPECT_EQ(r["tx_hash"], hash);

    // Nothing was written, kept or charged: the storage does not have the
    // value, the node does not know the transaction, alice's gas is whole.
    auto [gst, got] = N().Post("/getContractStorage", json{{"id", s_a}, {"key", "dry"}}.dump());
    ASSERT_EQ(gst, 200);
    EXPECT_EQ(got["data"], "null");
    auto [tst, unknown] = N().Get("/getTxByHash/" + hash);
    EXPECT_EQ(tst, 400);  // go-iost's plain error
    EXPECT_NE(unknown.value("message", "").find("tx not found"), std::string::npos)
        << unknown.dump();
    // The same transaction then goes on chain normally (not a duplicate).
    EXPECT_EQ(N().Send(dry), hash);
    json rec = N().WaitReceipt(hash);
    EXPECT_EQ(rec.value("status_code", ""), "SUCCESS") << rec.dump();
    auto [gst2, got2] = N().Post("/getContractStorage", json{{"id", s_a}, {"key", "dry"}}.dump());
    ASSERT_EQ(gst2, 200);
    EXPECT_EQ(got2["data"], "run");

    // A runaway contract ends at its gas limit, as a receipt, and the node
    // goes on finalizing.
    const uint64_t before = N().node->driver().Status().height;
    auto [sst, spin] = N().Post("/execTx", core::TxToJson(Tx({Act(s_a, "spin", json::array())},
                                                             /*gas_limit=*/1'000'000)));
    ASSERT_EQ(sst, 200) << spin.dump();
    EXPECT_NE(spin["status_code"], "SUCCESS");
    EXPECT_NE(spin["message"].get<std::string>().find("out of gas"), std::string::npos)
        << spin.dump();
    EXPECT_TRUE(testing::WaitFor([&] { return N().node->driver().Status().height > before + 1; },
                                 std::chrono::seconds(10)));
    // A malformed transaction is refused before anything runs.
    core::Tx bad = Tx({Act(s_a, "echo", {"x"})});
    bad.chain_id = 7;
    ExpectError(N().Post("/execTx", core::TxToJson(bad)), "chain");
}

}  // namespace
}  // namespace iost::rpc
