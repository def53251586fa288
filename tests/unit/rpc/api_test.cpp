// The HTTP API endpoint by endpoint against a real one-validator node
// (docs/http.md): IOST's shapes (field names, int64 as strings, enum names),
// values checked against the node's own stores, and each endpoint's bad
// input answered with HTTP 400 {"code","message"}.
#include <core/merkle.h>
#include <gtest/gtest.h>
#include <ledger/ledger.h>
#include <ledger/trie.h>
#include <util/bytes.h>

#include <set>

#include "api_test_util.h"
#include "test_socket.h"

namespace iost::rpc {
namespace {

using testing::ApiNode;
using testing::json;

class Api : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        s_node = new ApiNode();
        if (!s_node->ok()) return;
        // One final transfer for the transaction and block endpoints.
        s_tx = s_node->Transfer("alice", "bobby", "3.5", "api-test");
        s_hash = s_node->Send(s_tx);
        s_receipt = s_node->WaitReceipt(s_hash);
    }
    static void TearDownTestSuite() {
        delete s_node;
        s_node = nullptr;
    }
    void SetUp() override { ASSERT_TRUE(s_node && s_node->ok()); }

    static ApiNode& N() { return *s_node; }
    static void ExpectError(const std::pair<int, json>& r, const std::string& needle) {
        EXPECT_EQ(r.first, 400) << r.second.dump();
        ASSERT_TRUE(r.second.is_object()) << r.second.dump();
        EXPECT_TRUE(r.second.contains("code")) << r.second.dump();
        const std::string msg = r.second.value("message", "");
        EXPECT_NE(msg.find(needle), std::string::npos)
            << "message: " << msg << ", wanted: " << needle;
    }
    static bool IsInt64String(const json& v) {
        if (!v.is_string()) return false;
        const std::string s = v.get<std::string>();
        if (s.empty()) return false;
        size_t i = s[0] == '-' ? 1 : 0;
        if (i == s.size()) return false;
        for (; i < s.size(); ++i) {
            if (s[i] < '0' || s[i] > '9') return false;
        }
        return true;
    }

    static inline ApiNode* s_node = nullptr;
    static inline core::Tx s_tx;
    static inline std::string s_hash;
    static inline json s_receipt;
};

TEST_F(Api, NodeInfoHasIostFieldsAndServerTime) {
    auto [st, j] = N().Get("/getNodeInfo");
    ASSERT_EQ(st, 200);
    for (const char* k : {"build_time", "git_hash", "mode", "network", "code_version",
                          "server_time", "tx_pool_size"}) {
        EXPECT_TRUE(j.contains(k)) << k;
    }
    for (const char* k : {"id", "peer_count", "peer_count_inbound", "peer_count_outbound"}) {
        EXPECT_TRUE(j["network"].contains(k)) << k;
    }
    EXPECT_FALSE(j["network"].contains("peer_info")) << "rpc.proto v3 has no peer_info";
    ASSERT_TRUE(IsInt64String(j["server_time"]));
    const int64_t t = std::stoll(j["server_time"].get<std::string>());
    EXPECT_LT(std::llabs(t - util::SystemClock().Now()), 60'000'000'000LL);
    EXPECT_TRUE(IsInt64String(j["tx_pool_size"]));
    EXPECT_EQ(j["network"]["id"], N().node->NetworkId());
}

TEST_F(Api, ChainInfoMatchesTheDriver) {
    auto [st, j] = N().Get("/getChainInfo");
    ASSERT_EQ(st, 200);
    EXPECT_EQ(j["chain_id"], core::kLocalChainId);
    EXPECT_EQ(j["net_name"], "local");
    ASSERT_TRUE(IsInt64String(j["head_block"]));
    ASSERT_TRUE(IsInt64String(j["lib_block"]));
    ASSERT_TRUE(IsInt64String(j["head_block_time"]));
    const uint64_t head = std::stoull(j["head_block"].get<std::string>());
    EXPECT_GE(head, 2u);
    auto stored = N().node->blocks().GetBlockHash(head).value();
    ASSERT_TRUE(stored.has_value());
    EXPECT_EQ(j["head_block_hash"],
              util::Base58Encode(util::ByteView(stored->data(), stored->size())));
    EXPECT_EQ(j["witness_list"], json::array({"node0"}));
    EXPECT_TRUE(j["pending_witness_list"].is_array());
}

TEST_F(Api, SentTransferIsIrreversibleWithItsReceipt) {
    ASSERT_FALSE(s_hash.empty());
    EXPECT_EQ(s_hash, s_tx.HashBase58()) << "the node's hash must be the Full hash";
    ASSERT_TRUE(s_receipt.is_object()) << "no receipt";
    EXPECT_EQ(s_receipt["tx_hash"], s_hash);
    EXPECT_EQ(s_receipt["status_code"], "SUCCESS") << s_receipt.dump();
    EXPECT_TRUE(s_receipt["gas_usage"].is_number());
    EXPECT_TRUE(s_receipt["ram_usage"].is_object());
    bool saw_transfer = false;
    for (const auto& r : s_receipt["receipts"])
        saw_transfer |= r["func_name"] == "token.iost/transfer";
    EXPECT_TRUE(saw_transfer) << s_receipt.dump();

    auto [st, j] = N().Get("/getTxByHash/" + s_hash);
    ASSERT_EQ(st, 200) << j.dump();
    EXPECT_EQ(j["status"], "IRREVERSIBLE");
    ASSERT_TRUE(IsInt64String(j["block_number"]));
    const auto& t = j["transaction"];
    EXPECT_EQ(t["hash"], s_hash);
    EXPECT_EQ(t["publisher"], "alice");
    EXPECT_EQ(t["time"], std::to_string(s_tx.time));
    EXPECT_EQ(t["expiration"], std::to_string(s_tx.expiration));
    EXPECT_EQ(t["gas_ratio"], 1);
    EXPECT_EQ(t["gas_limit"], 20000);
    EXPECT_EQ(t["chain_id"], core::kLocalChainId);
    EXPECT_EQ(t["actions"][0]["contract"], "token.iost");
    EXPECT_EQ(t["actions"][0]["action_name"], "transfer");
    EXPECT_EQ(t["amount_limit"][0]["token"], "iost");
    EXPECT_EQ(t["amount_limit"][0]["value"], "3.5");
    EXPECT_EQ(t["tx_receipt"]["status_code"], "SUCCESS");
    // The tx index agrees with the block it names.
    auto [bst, b] = N().Get("/getBlockByNumber/" + j["block_number"].get<std::string>() + "/true");
    ASSERT_EQ(bst, 200);
    bool found = false;
    for (const auto& bt : b["block"]["transactions"]) found |= bt["hash"] == s_hash;
    EXPECT_TRUE(found) << b.dump();
}

TEST_F(Api, TxStatusesAndUnknownTx) {
    // Right after sendTx a transaction is PENDING, PACKED or already final;
    // whichever it is, the node knows it.
    const auto tx = N().Transfer("bobby", "alice", "0.01");
    const std::string h = N().Send(tx);
    ASSERT_FALSE(h.empty());
    auto [st, j] = N().Get("/getTxByHash/" + h);
    ASSERT_EQ(st, 200) << j.dump();
    const std::set<std::string> statuses = {"PENDING", "PACKED", "IRREVERSIBLE"};
    EXPECT_TRUE(statuses.count(j["status"].get<std::string>())) << j.dump();
    if (j["status"] != "IRREVERSIBLE") {
        EXPECT_EQ(j["block_number"], "-1");
    }
    N().WaitReceipt(h);
    EXPECT_EQ(N().Get("/getTxByHash/" + h).second["status"], "IRREVERSIBLE");

    const std::string unknown = util::Base58Encode(util::Bytes(32, 7));
    ExpectError(N().Get("/getTxByHash/" + unknown), "tx not found");
    ExpectError(N().Get("/getTxReceiptByTxHash/" + unknown), "not final");
    ExpectError(N().Get("/getTxByHash/0OIl"), "base58");
    ExpectError(N().Get("/getTxByHash/abc"), "32");
    ExpectError(N().Get("/getTxByHash/" + std::string(120, '1')), "length");
}

TEST_F(Api, BlocksShowIostShapeAndMerkleRoots) {
    auto [st0, r0] = N().Get("/getTxByHash/" + s_hash);
    ASSERT_EQ(st0, 200);
    const uint64_t height = std::stoull(r0["block_number"].get<std::string>());
    for (const char* complete : {"true", "1", "false", "0"}) {
        auto [st, j] = N().Get("/getBlockByNumber/" + std::to_string(height) + "/" + complete);
        ASSERT_EQ(st, 200) << complete;
        EXPECT_EQ(j["status"], "IRREVERSIBLE");
        const auto& b = j["block"];
        for (const char* k : {"hash", "version", "parent_hash", "tx_merkle_hash",
                              "tx_receipt_merkle_hash", "number", "witness", "time", "gas_usage",
                              "tx_count", "info", "orig_info", "transactions"}) {
            EXPECT_TRUE(b.contains(k)) << k;
        }
        EXPECT_EQ(b["number"], std::to_string(height));
        EXPECT_EQ(b["witness"], "node0");
        const bool is_complete = std::string(complete) == "true" || std::string(complete) == "1";
        if (is_complete) {
            EXPECT_EQ(b["transactions"].size(), std::stoull(b["tx_count"].get<std::string>()));
        } else {
            EXPECT_TRUE(b["transactions"].empty());
        }
        // tx_merkle_hash is IOST's Merkle root over the block's tx hashes.
        auto hashes = N().node->blocks().GetBlockTxHashes(height).value();
        ASSERT_TRUE(hashes.has_value());
        std::vector<crypto::Hash256> leaves;
        for (const auto& h : *hashes) {
            crypto::Hash256 x{};
            std::copy(h.begin(), h.end(), x.begin());
            leaves.push_back(x);
        }
        EXPECT_EQ(b["tx_merkle_hash"], util::Base58Encode(core::IostMerkleRootBytes(leaves)));
        // The same block by its hash.
        auto [st2, j2] =
            N().Get("/getBlockByHash/" + b["hash"].get<std::string>() + "/" + complete);
        ASSERT_EQ(st2, 200);
        EXPECT_EQ(j2, j);
    }
    // Parent links.
    auto [stp, parent] = N().Get("/getBlockByNumber/" + std::to_string(height - 1) + "/false");
    ASSERT_EQ(stp, 200);
    EXPECT_EQ(N().Get("/getBlockByNumber/" + std::to_string(height) + "/false")
                  .second["block"]["parent_hash"],
              parent["block"]["hash"]);

    ExpectError(N().Get("/getBlockByNumber/1/maybe"), "complete");
    ExpectError(N().Get("/getBlockByNumber/-1/true"), "number");
    ExpectError(N().Get("/getBlockByNumber/99999999999999999999999/true"), "number");
    ExpectError(N().Get("/getBlockByNumber/9223372036854775807/true"), "not found");
    ExpectError(N().Get("/getBlockByHash/" + util::Base58Encode(util::Bytes(32, 1)) + "/true"),
                "not found");
}

TEST_F(Api, RawBlocksHeaderRangesAndBlockTxsByContract) {
    auto [st0, r0] = N().Get("/getTxByHash/" + s_hash);
    ASSERT_EQ(st0, 200);
    const std::string hs = r0["block_number"].get<std::string>();
    const uint64_t height = std::stoull(hs);
    auto [st, raw] = N().Get("/getRawBlockByNumber/" + hs + "/true");
    ASSERT_EQ(st, 200) << raw.dump();
    EXPECT_EQ(raw["status"], "IRREVERSIBLE");
    const json& b = raw["block"];
    EXPECT_EQ(b["head"]["number"], hs);
    EXPECT_EQ(b["blockType"], "NORMAL");
    EXPECT_TRUE(b["sign"].is_null());
    ASSERT_EQ(b["txs"].size(), b["receipts"].size());
    ASSERT_EQ(b["txHashes"].size(), b["txs"].size());
    // The transfer, with its raw gas (×100) and its publisher signature.
    bool found = false;
    for (size_t i = 0; i < b["txs"].size(); ++i) {
        const json& t = b["txs"][i];
        if (t["publisher"] != "alice" || t["time"] != std::to_string(s_tx.time)) continue;
        found = true;
        EXPECT_EQ(t["gasLimit"], std::to_string(s_tx.gas_limit));
        EXPECT_EQ(t["actions"][0]["actionName"], "transfer");
        ASSERT_EQ(t["publishSigns"].size(), 1u);
        EXPECT_EQ(t["publishSigns"][0]["algorithm"], 2);
        EXPECT_EQ(b["receipts"][i]["status"]["code"], 0);
        EXPECT_EQ(b["txHashes"][i], util::Base64Encode(util::Base58Decode(s_hash).value()));
    }
    EXPECT_TRUE(found) << b.dump();
    auto [st2, onlyhash] = N().Get("/getRawBlockByNumber/" + hs + "/false");
    ASSERT_EQ(st2, 200);
    EXPECT_EQ(onlyhash["block"]["blockType"], "ONLYHASH");
    EXPECT_TRUE(onlyhash["block"]["txs"].empty());
    EXPECT_EQ(onlyhash["block"]["txHashes"], b["txHashes"]);
    ExpectError(N().Get("/getRawBlockByNumber/999999999/true"), "not found");

    // Heads of [start, end): stops at the first block not yet final.
    auto [st3, hdr] = N().Post("/getBlockHeaderByRange",
                               R"({"start":"1","end":)" + std::to_string(height + 1) + "}");
    ASSERT_EQ(st3, 200) << hdr.dump();
    ASSERT_EQ(hdr["block_list"].size(), height);
    EXPECT_EQ(hdr["block_list"][0]["head"]["number"], "1");
    EXPECT_TRUE(hdr["block_list"][0]["txHashes"].empty());
    ExpectError(N().Post("/getBlockHeaderByRange", R"({"start":5,"end":5})"),
                "invalid range 5 to 5");
    ExpectError(N().Post("/getBlockHeaderByRange", R"({"start":5,"end":116})"),
                "invalid range 5 to 116");
    ExpectError(N().Post("/getBlockHeaderByRange", R"({"start":"x","end":6})"), "start");

    // Transactions by contract and action in a block range.
    const std::string range =
        R"({"from_block":)" + std::to_string(height > 1 ? height - 1 : 1) + R"(,"to_block":)" + hs;
    auto [st4, bt] = N().Post("/getBlockTxsByContract",
                              range + R"(,"contract":"token.iost","action_name":"transfer"})");
    ASSERT_EQ(st4, 200) << bt.dump();
    bool listed = false;
    for (const auto& e : bt["blocktx_list"]) {
        for (const auto& t : e["tx_list"]) listed |= t["hash"] == s_hash;
    }
    EXPECT_TRUE(listed) << bt.dump();
    // A filter nothing matches: no blocks (negative control of the filter).
    auto [st5, none] = N().Post("/getBlockTxsByContract", range + R"(,"contract":"ram.iost"})");
    ASSERT_EQ(st5, 200);
    EXPECT_TRUE(none["blocktx_list"].empty()) << none.dump();
    ExpectError(N().Post("/getBlockTxsByContract", R"({"from_block":1,"to_block":102})"),
                "invalid range");
}

TEST_F(Api, Token721BalanceMetadataAndOwner) {
    core::Tx tx = N().Transfer("alice", "bobby", "0.01");
    tx.actions = {{"token721.iost", "create", R"(["apinft","alice",5])"},
                  {"token721.iost", "issue", R"(["apinft","bobby","{\"color\":\"red\"}"])"},
                  {"token721.iost", "issue", R"(["apinft","bobby","second"])"}};
    tx.amount_limit.clear();
    tx.publisher_sigs.clear();
    tx.SignAsPublisher("alice", node::testing::AccountKey("alice"));
    const std::string h = N().Send(tx);
    ASSERT_FALSE(h.empty());
    const json rc = N().WaitReceipt(h);
    ASSERT_EQ(rc["status_code"], "SUCCESS") << rc.dump();

    auto [st, bal] = N().Get("/getToken721Balance/bobby/apinft/true");
    ASSERT_EQ(st, 200) << bal.dump();
    EXPECT_EQ(bal, json::parse(R"({"balance":"2","tokenIDs":["0","1"]})"));
    auto [st2, none] = N().Get("/getToken721Balance/alice/apinft/true");
    ASSERT_EQ(st2, 200);
    EXPECT_EQ(none, json::parse(R"({"balance":"0","tokenIDs":[]})"));
    auto [st3, meta] = N().Get("/getToken721Metadata/apinft/0/false");
    ASSERT_EQ(st3, 200) << meta.dump();
    EXPECT_EQ(meta["metadata"], R"({"color":"red"})");
    auto [st4, owner] = N().Get("/getToken721Owner/apinft/1/false");
    ASSERT_EQ(st4, 200) << owner.dump();
    EXPECT_EQ(owner["owner"], "bobby");
    ExpectError(N().Get("/getToken721Owner/apinft/9/false"), "error tokenID not exists. apinft 9");
    ExpectError(N().Get("/getToken721Metadata/nosuch/0/false"), "token not exists");
    ExpectError(N().Get("/getToken721Balance/nobody/apinft/false"), "account not found");
}

TEST_F(Api, ContractVoteAndBonuses) {
    auto [st, cv] = N().Get("/getContractVote/alice/true");
    ASSERT_EQ(st, 200) << cv.dump();
    EXPECT_TRUE(cv["vote_infos"].is_array());
    auto [st2, vb] = N().Get("/getVoterBonus/alice/false");
    ASSERT_EQ(st2, 200);
    EXPECT_EQ(vb, json::parse(R"({"bonus":0,"detail":{}})"));
    auto [st3, cb] = N().Get("/getCandidateBonus/alice/false");
    ASSERT_EQ(st3, 200);
    EXPECT_EQ(cb, json::parse(R"({"bonus":0})"));
    ExpectError(N().Get("/getVoterBonus/A/false"), "id invalid");
    ExpectError(N().Get("/getContractVote/alice/maybe"), "by_longest_chain");
}

TEST_F(Api, AccountShowsBalancePermissionsGasAndRam) {
    for (const char* lc : {"true", "false", "1", "0"}) {
        auto [st, j] = N().Get(std::string("/getAccount/alice/") + lc);
        ASSERT_EQ(st, 200) << j.dump();
        EXPECT_EQ(j["name"], "alice");
        const int64_t raw = ledger::BalanceOf(N().node->state(), "iost", "alice",
                                              N().node->driver().Status().head_time);
        EXPECT_DOUBLE_EQ(j["balance"].get<double>(), static_cast<double>(raw) / 1e8);
        EXPECT_EQ(j["balance_string"].get<std::string>().substr(0, 5),
                  std::to_string(raw / 100'000'000).substr(0, 5));
        const auto& active = j["permissions"]["active"];
        EXPECT_EQ(active["name"], "active");
        EXPECT_EQ(active["threshold"], "100");
        ASSERT_EQ(active["items"].size(), 1u);
        EXPECT_EQ(active["items"][0]["id"],
                  util::Base58Encode(node::testing::AccountKey("alice").public_key().bytes));
        EXPECT_EQ(active["items"][0]["weight"], "100");
        EXPECT_EQ(active["items"][0]["is_key_pair"], true);
        for (const char* k : {"current_total", "transferable_gas", "pledge_gas", "increase_speed",
                              "limit", "pledged_info"}) {
            EXPECT_TRUE(j["gas_info"].contains(k)) << k;
        }
        EXPECT_GT(j["gas_info"]["limit"].get<double>(), 0);
        EXPECT_GT(j["gas_info"]["increase_speed"].get<double>(), 0);
        EXPECT_EQ(j["gas_info"]["pledged_info"][0]["pledger"], "alice");
        EXPECT_TRUE(IsInt64String(j["ram_info"]["available"]));
        EXPECT_TRUE(j["frozen_balances"].is_array());
        EXPECT_TRUE(j["vote_infos"].is_array());
        EXPECT_TRUE(j["groups"].is_object());
    }
    ExpectError(N().Get("/getAccount/nobody1/true"), "account not found");
    ExpectError(N().Get("/getAccount/ab/true"), "length");
    ExpectError(N().Get("/getAccount/Alice/true"), "");
    ExpectError(N().Get("/getAccount/alice/yes"), "by_longest_chain");
}

TEST_F(Api, TokenBalanceAndInfo) {
    auto [st, j] = N().Get("/getTokenBalance/bobby/iost/true");
    ASSERT_EQ(st, 200) << j.dump();
    const int64_t raw = ledger::BalanceOf(N().node->state(), "iost", "bobby",
                                          N().node->driver().Status().head_time);
    EXPECT_DOUBLE_EQ(j["balance"].get<double>(), static_cast<double>(raw) / 1e8);
    EXPECT_TRUE(j["frozen_balances"].is_array());
    ExpectError(N().Get("/getTokenBalance/bobby/nosuchtoken/true"), "token not found");
    ExpectError(N().Get("/getTokenBalance/x/iost/true"), "length");

    auto [st2, info] = N().Get("/getTokenInfo/iost/false");
    ASSERT_EQ(st2, 200) << info.dump();
    EXPECT_EQ(info["symbol"], "iost");
    EXPECT_EQ(info["decimal"], 8);
    EXPECT_EQ(info["issuer"], "admin");
    EXPECT_TRUE(IsInt64String(info["total_supply"]));
    EXPECT_TRUE(IsInt64String(info["current_supply"]));
    EXPECT_EQ(info["can_transfer"], true);
    EXPECT_DOUBLE_EQ(info["total_supply_float"].get<double>(),
                     std::stod(info["total_supply"].get<std::string>()) / 1e8);
    ExpectError(N().Get("/getTokenInfo/nosuch/true"), "token not found");
}

TEST_F(Api, GasRatioRamAndProducer) {
    auto [st, g] = N().Get("/getGasRatio");
    ASSERT_EQ(st, 200);
    EXPECT_GE(g["lowest_gas_ratio"].get<double>(), 1.0);
    EXPECT_GE(g["median_gas_ratio"].get<double>(), g["lowest_gas_ratio"].get<double>());

    auto [st2, ram] = N().Get("/getRAMInfo");
    ASSERT_EQ(st2, 200);
    const auto pool = ledger::RamInfo(N().node->state()).value();
    EXPECT_EQ(ram["available_ram"], std::to_string(pool.left_space));
    EXPECT_EQ(ram["used_ram"], std::to_string(pool.used_space));
    EXPECT_GT(ram["buy_price"].get<double>(), ram["sell_price"].get<double>());

    auto [st3, p] = N().Get("/getProducerVoteInfo/node0/true");
    ASSERT_EQ(st3, 200) << p.dump();
    EXPECT_EQ(p["pubkey"],
              util::Base58Encode(node::testing::ConsensusKey("node0").public_key().bytes));
    EXPECT_EQ(p["status"], "APPROVED");
    EXPECT_EQ(p["is_producer"], true);
    EXPECT_GT(p["votes"].get<double>(), 0);
    ExpectError(N().Get("/getProducerVoteInfo/alice/true"), "producer");
}

// /getProof: the value with the state-tree nodes that prove it against the
// state_root the store recorded for that final block; a client-side check
// (ledger::VerifyProof) accepts it and rejects it after any one byte changes.
TEST_F(Api, ProofVerifiesAgainstTheBlocksStateRootAndTamperingFails) {
    auto decode = [](const json& hex) {
        auto b = util::FromHex(hex.get<std::string>());
        EXPECT_TRUE(b.ok());
        return b.ok() ? std::string(b->begin(), b->end()) : std::string();
    };
    auto [st, j] = N().Post("/getProof", R"({"key":"tb/iost/alice"})");
    ASSERT_EQ(st, 200) << j.dump();
    ASSERT_EQ(j["exists"], true);
    const uint64_t height = std::stoull(j["height"].get<std::string>());
    auto stored = N().node->blocks().GetStateRoot(height);
    ASSERT_TRUE(stored.ok() && stored->has_value());
    crypto::Hash256 root{};
    std::copy((*stored)->begin(), (*stored)->end(), root.begin());
    EXPECT_EQ(j["state_root"], util::ToHex(crypto::View(root)));
    ledger::StateProof proof;
    for (const auto& n : j["proof"]) proof.nodes.push_back(decode(n));
    ASSERT_FALSE(proof.nodes.empty());
    const std::string value = decode(j["value"]);
    EXPECT_EQ(ledger::schema::DecodeI64(value).value(),
              ledger::BalanceOf(N().node->state(), "iost", "alice"));
    EXPECT_TRUE(ledger::VerifyProof(root, "tb/iost/alice", value, proof).ok());
    std::string forged = value;
    forged[7] = static_cast<char>(forged[7] ^ 1);
    EXPECT_FALSE(ledger::VerifyProof(root, "tb/iost/alice", forged, proof).ok());
    ledger::StateProof tampered = proof;
    tampered.nodes.back()[40] = static_cast<char>(tampered.nodes.back()[40] ^ 1);
    EXPECT_FALSE(ledger::VerifyProof(root, "tb/iost/alice", value, tampered).ok());

    // Absence is proven too, by key_hex as well as key.
    auto [st2, none] = N().Post("/getProof", R"({"key_hex":"74622f696f73742f6e6f626f6479"})");
    ASSERT_EQ(st2, 200) << none.dump();
    EXPECT_EQ(none["exists"], false);
    EXPECT_TRUE(none["value"].is_null());
    ledger::StateProof absent;
    for (const auto& n : none["proof"]) absent.nodes.push_back(decode(n));
    auto root2 = N().node->blocks().GetStateRoot(std::stoull(none["height"].get<std::string>()));
    ASSERT_TRUE(root2.ok() && root2->has_value());
    std::copy((*root2)->begin(), (*root2)->end(), root.begin());
    EXPECT_TRUE(ledger::VerifyProof(root, "tb/iost/nobody", std::nullopt, absent).ok());
    EXPECT_FALSE(ledger::VerifyProof(root, "tb/iost/nobody", std::string("x"), absent).ok());

    ExpectError(N().Post("/getProof", R"({})"), "exactly one of key");
    ExpectError(N().Post("/getProof", R"({"key":"a","key_hex":"61"})"), "exactly one of key");
    ExpectError(N().Post("/getProof", R"({"key":5})"), "key: must be a string");
    ExpectError(N().Post("/getProof", R"({"key_hex":"zz"})"), "key_hex");
    ExpectError(N().Post("/getProof", R"({"key":""})"), "bytes");
    ExpectError(N().Post("/getProof", R"({"key":"trie/"})"), "not state entries");
    ExpectError(N().Post("/getProof", "not json"), "");

    // /getStateRoot/{number}: the root the store recorded at that height.
    auto [st3, at] = N().Get("/getStateRoot/" + std::to_string(height));
    ASSERT_EQ(st3, 200) << at.dump();
    EXPECT_EQ(at["number"], std::to_string(height));
    std::copy((*stored)->begin(), (*stored)->end(), root.begin());
    EXPECT_EQ(at["state_root"], util::ToHex(crypto::View(root)));
    // Not found is go-iost's 400 with code 2, as for a missing block.
    ExpectError(N().Get("/getStateRoot/999999999"), "no state root for height 999999999");
    ExpectError(N().Get("/getStateRoot/x"), "number");
}

TEST_F(Api, ContractStorageViews) {
    auto [st, j] =
        N().Post("/getContractStorage", R"({"id":"token.iost","key":"TIiost","field":"decimal"})");
    ASSERT_EQ(st, 200) << j.dump();
    EXPECT_EQ(j["data"], "8");
    EXPECT_TRUE(IsInt64String(j["block_number"]));
    auto [st2, a] =
        N().Post("/getContractStorage",
                 R"({"id":"auth.iost","key":"auth","field":"alice","by_longest_chain":true})");
    ASSERT_EQ(st2, 200);
    EXPECT_NE(a["data"].get<std::string>().find("alice"), std::string::npos);
    auto [st3, none] = N().Post("/getContractStorage", R"({"id":"token.iost","key":"nothing"})");
    ASSERT_EQ(st3, 200);
    EXPECT_EQ(none["data"], "null");
    auto [st4, batch] =
        N().Post("/getBatchContractStorage",
                 R"({"id":"token.iost","key_fields":[{"key":"TIiost","field":"issuer"},)"
                 R"({"key":"TBalice","field":"iost"},{"key":"x"}]})");
    ASSERT_EQ(st4, 200) << batch.dump();
    ASSERT_EQ(batch["datas"].size(), 3u);
    EXPECT_EQ(batch["datas"][0], "admin");
    EXPECT_EQ(batch["datas"][1],
              std::to_string(ledger::BalanceOf(N().node->state(), "iost", "alice")));
    EXPECT_EQ(batch["datas"][2], "null");
    ExpectError(N().Post("/getContractStorage", "{"), "JSON");
    ExpectError(N().Post("/getContractStorage", "[]"), "object");
    ExpectError(N().Post("/getContractStorage", R"({"id":5})"), "string");
    ExpectError(N().Post("/getContractStorage", R"({"key":"a"})"), "id");
    ExpectError(N().Post("/getContractStorage", R"({"id":"a.iost","by_longest_chain":"yes"})"),
                "by_longest_chain");
    std::string many = R"({"id":"token.iost","key_fields":[)";
    for (int i = 0; i < 51; ++i) many += std::string(i ? "," : "") + R"({"key":"k"})";
    ExpectError(N().Post("/getBatchContractStorage", many + "]}"), "at most 50");
}

// docs/pob.md §7.4: a report that is not fraud gets a clear refusal, cheap
// checks first, and one address cannot flood the node with them.
TEST_F(Api, SubmitEvidenceRefusesWhatIsNotFraudAndRateLimits) {
    ASSERT_FALSE(s_hash.empty());
    // An honest final transaction: its signatures verify (or, on a one-league
    // chain, it was never packed by a believable producer).
    auto [st, j] = N().Post("/submitEvidence", R"({"tx_hash":")" + s_hash + R"("})");
    EXPECT_EQ(st, 400) << j.dump();
    const std::string msg = j.value("message", "");
    EXPECT_TRUE(msg.find("not fraud") != std::string::npos ||
                msg.find("not packed by a believable producer") != std::string::npos)
        << msg;
    ExpectError(N().Post("/submitEvidence", "{}"), "exactly one");
    ExpectError(N().Post("/submitEvidence", R"({"evidence":"***"})"), "base64");
    ExpectError(N().Post("/submitEvidence", R"({"evidence":"AAAA"})"), "evidence:");
    ExpectError(N().Post("/submitEvidence", R"({"tx_hash":"11111111111111111111111111111111"})"),
                "neither packed nor final");
    int limited = 0;
    for (int i = 0; i < 12; ++i) limited += N().Post("/submitEvidence", "{}").first == 429;
    EXPECT_GT(limited, 0) << "no per-address limit";
}

TEST_F(Api, SendTxRefusalsSayWhy) {
    auto tx = N().Transfer("alice", "bobby", "1");
    tx.chain_id = core::kMainnetChainId;
    tx.SignAsPublisher("alice", node::testing::AccountKey("alice"));
    ExpectError(N().Post("/sendTx", core::TxToJson(tx)), "chain_id");
    auto stranger = N().Transfer("alice", "bobby", "1");
    stranger.publisher_sigs.clear();
    stranger.SignAsPublisher("alice", node::testing::AccountKey("mallory"));
    ExpectError(N().Post("/sendTx", core::TxToJson(stranger)), "unauthorized");
    auto ghost = N().Transfer("alice", "bobby", "1");
    ghost.SignAsPublisher("ghost12", node::testing::AccountKey("ghost12"));
    ExpectError(N().Post("/sendTx", core::TxToJson(ghost)), "does not exist");
    auto tampered = N().Transfer("alice", "bobby", "1");
    tampered.actions[0].data = R"(["iost","alice","bobby","100","x"])";
    ExpectError(N().Post("/sendTx", core::TxToJson(tampered)), "ignature");
    ExpectError(N().Post("/sendTx", "{}"), "");
    // The same transaction twice: the second is a duplicate.
    auto once = N().Transfer("alice", "bobby", "0.02", "once");
    ASSERT_FALSE(N().Send(once).empty());
    auto again = N().Post("/sendTx", core::TxToJson(once));
    EXPECT_EQ(again.first, 400) << again.second.dump();
}

TEST_F(Api, PobViews) {
    auto [st, p] = N().Get("/getPoBInfo");
    ASSERT_EQ(st, 200) << p.dump();
    EXPECT_TRUE(IsInt64String(p["epoch"]));
    EXPECT_EQ(util::Base58Decode(p["seed"].get<std::string>()).value().size(), 32u);
    // One validator is fewer than B+4 eligible: the chain runs one league
    // (docs/pob.md §5.4), so there is no believable league.
    EXPECT_EQ(p["chain_fallback"], true);
    EXPECT_TRUE(p["believable"].empty());
    ASSERT_EQ(p["normal"].size(), 1u);
    EXPECT_EQ(p["normal"][0]["id"], "node0");
    EXPECT_TRUE(IsInt64String(p["normal"][0]["servi"]));
    EXPECT_GT(p["normal"][0]["stake"].get<double>(), 0);
    EXPECT_EQ(p["normal"][0]["status"], "ACTIVE");
    EXPECT_EQ(p["params"]["believable_size"], 1);
    EXPECT_DOUBLE_EQ(p["params"]["sampling_probability"].get<double>(), 0.5);
    EXPECT_EQ(p["params"]["quorum"], 1);
    EXPECT_TRUE(p["chain_fallback"].is_boolean());
    // Who signed this epoch's final blocks, as this node stored their commit
    // certificates (docs/http.md /getPoBInfo): the solo validator is the
    // quorum of 1, so it is the one signer of each, newest first.
    const json& certs = p["certificates"];
    ASSERT_TRUE(certs.is_array()) << p.dump();
    ASSERT_FALSE(certs.empty()) << p.dump();  // a transfer was made final before
    EXPECT_LE(certs.size(), 8u);
    uint64_t above = UINT64_MAX;
    for (const auto& c : certs) {
        ASSERT_TRUE(IsInt64String(c["height"])) << c.dump();
        const uint64_t h = std::stoull(c["height"].get<std::string>());
        EXPECT_LT(h, above);
        above = h;
        EXPECT_TRUE(IsInt64String(c["commit_view"])) << c.dump();
        EXPECT_EQ(c["signers"], json::array({"node0"})) << c.dump();
    }
    ASSERT_TRUE(IsInt64String(p["normal"][0]["signed"])) << p.dump();
    EXPECT_GE(std::stoull(p["normal"][0]["signed"].get<std::string>()), certs.size());

    // In fallback the normal league puts transactions straight into final
    // blocks: no micro-block exists (the devnet's functional test sees real
    // ones).
    ExpectError(N().Get("/getMicroBlock/node0/1"), "not found");
    ExpectError(N().Get("/getMicroBlock/node0/0"), "seq");
    ExpectError(N().Get("/getMicroBlock/node0/abc"), "seq");
    ExpectError(N().Get("/getMicroBlock/node0/99999999"), "not found");

    auto [st3, e] = N().Get("/getEvidence");
    ASSERT_EQ(st3, 200) << e.dump();
    EXPECT_TRUE(e["evidence"].empty());  // an honest solo validator
    EXPECT_TRUE(e["slashed"].empty());
    EXPECT_EQ(e["compensation_pool"], 0);
    auto [st4, e2] = N().Get("/getEvidence/0/5");
    ASSERT_EQ(st4, 200);
    EXPECT_EQ(e2["from"], "0");
    ExpectError(N().Get("/getEvidence/5/1"), "range");
    ExpectError(N().Get("/getEvidence/0/5000"), "at most");
}

TEST_F(Api, MetricsInPrometheusTextFormat) {
    N().Get("/getNodeInfo");
    auto r = N().client->Get("/metrics");
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(r->status, 200);
    const std::string& t = r->body;
    for (const char* needle :
         {"# TYPE iost_final_height gauge\niost_final_height ", "iost_txs_finalized_total ",
          "iost_finalize_latency_seconds_bucket{le=\"+Inf\"} ", "iost_mempool_txs ", "iost_peers ",
          "iost_http_requests_total ", "iost_tps ",
          "iost_api_requests_total{endpoint=\"getNodeInfo\"} "}) {
        EXPECT_NE(t.find(needle), std::string::npos) << needle;
    }
    // Every sample line is "name[{labels}] value".
    size_t pos = 0;
    while (pos < t.size()) {
        const size_t end = t.find('\n', pos);
        ASSERT_NE(end, std::string::npos) << "last line must end with a newline";
        const std::string line = t.substr(pos, end - pos);
        pos = end + 1;
        if (line.empty() || line[0] == '#') continue;
        const size_t sp = line.rfind(' ');
        ASSERT_NE(sp, std::string::npos) << line;
        size_t used = 0;
        (void)std::stod(line.substr(sp + 1), &used);
        EXPECT_EQ(used, line.size() - sp - 1) << line;
    }
}

TEST_F(Api, SubscribeStreamsReceiptsOfFinalTransfers) {
    testing::RawConn c(N().server->port());
    ASSERT_TRUE(c.ok());
    const std::string body =
        R"({"topics":["CONTRACT_RECEIPT"],"filter":{"contract_id":"token.iost"}})";
    ASSERT_TRUE(c.Send("POST /subscribe HTTP/1.1\r\nHost: x\r\nContent-Length: " +
                       std::to_string(body.size()) + "\r\n\r\n" + body));
    // Let the subscription register before the transfer is final.
    ASSERT_TRUE(
        testing::WaitFor([&] { return c.ReadSome(testing::Ms(50)) > 0 || !c.pending().empty(); },
                         std::chrono::seconds(5)));
    const std::string h = N().Send(N().Transfer("alice", "bobby", "0.07", "subscribed"));
    ASSERT_FALSE(h.empty());
    ASSERT_TRUE(testing::WaitFor(
        [&] {
            c.ReadSome(testing::Ms(50));
            return c.pending().find("subscribed") != std::string::npos;
        },
        std::chrono::seconds(20)))
        << c.pending();
    const std::string& got = c.pending();
    EXPECT_NE(got.find("{\"result\":{\"event\":{\"topic\":\"CONTRACT_RECEIPT\""), std::string::npos)
        << got;

    ExpectError(N().Post("/subscribe", "{}"), "topics");
    ExpectError(N().Post("/subscribe", R"({"topics":["NOPE"]})"), "unknown topic");
    ExpectError(N().Post("/subscribe", R"({"topics":[0],"filter":{"contract_id":7}})"),
                "contract_id");
}

}  // namespace
}  // namespace iost::rpc
