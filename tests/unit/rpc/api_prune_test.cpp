// The HTTP API of a pruning node (docs/state.md "Pruning", docs/http.md):
// two real one-validator nodes on RocksDB temp dirs with the HTTP server on
// loopback, one with `prune.keep_blocks: 1024` (the least accepted) and one
// archive node (keep_blocks 0), build the same kind of chain past the pruned
// floor with a transfer in an early block. On the pruning node the early
// block's body answers 410 {"code":5} by number, by hash, raw, through
// /getBlockTxsByContract and /getPoBBlock; its header is still served with
// complete=false; the early transaction and its receipt answer 400 "not
// found" with the pruning hint; a recent block and its transaction are
// served in full. The archive node answers every one of those requests with
// 200 and the data (the negative control: the refusals come from pruning).
#include <gtest/gtest.h>
#include <node/config.h>
#include <node/stored_block.h>

#include <cstdlib>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "api_test_util.h"

namespace iost::rpc {
namespace {

using namespace std::chrono_literals;
using testing::ApiNode;
using testing::json;

// A fast chain: one validator finalizing alone every few milliseconds, so
// the pruned floor passes the early blocks in seconds.
core::Genesis FastGenesis() {
    auto g = node::testing::TestGenesis(/*validators=*/1, /*B=*/1, /*N=*/1);
    g.pob.final_interval_ms = 2;
    g.pob.micro_interval_ms = 2;
    return g;
}

std::unique_ptr<ApiNode> MakeNode(uint64_t keep_blocks) {
    return std::make_unique<ApiNode>(FastGenesis(), [keep_blocks](node::NodeConfig& c) {
        c.prune_keep_blocks = keep_blocks;
        c.snapshot_interval = 0;
        c.audit_txs_per_sec = -1;
    });
}

using Answer = std::pair<int, json>;

// What the test learnt about one node's chain, and that node's answers to
// the same requests, all asked at once right after `new_tx` was final (the
// chain keeps running: asked later, the recent block would be pruned too).
struct Chain {
    std::unique_ptr<ApiNode> node;
    std::string old_tx;  // final in an early block (pruned on the pruning node)
    uint64_t old_height = 0;
    json old_header;     // /getBlockByNumber/<old_height>/false before pruning
    std::string new_tx;  // final after the floor passed old_height
    uint64_t new_height = 0;
    uint64_t floor_after = 0;  // the pruned floor once the answers were in
    // The old block's record as stored once the answers were in: a one-
    // validator chain runs in chain fallback, so the old transaction is a
    // direct tx of the FinalBlock (docs/state.md "Pruning").
    std::optional<node::StoredFinal> old_record;
    std::map<std::string, Answer> answers;
};

uint64_t BlockNumberOf(ApiNode& n, const std::string& tx) {
    auto [st, j] = n.Get("/getTxByHash/" + tx);
    EXPECT_EQ(st, 200) << j.dump();
    if (st != 200) return 0;
    return std::stoull(j["block_number"].get<std::string>());
}

// Blocks from..to (go-iost wants to > from).
std::string ContractQuery(uint64_t from, uint64_t to) {
    return json{{"from_block", from},
                {"to_block", to},
                {"contract", "token.iost"},
                {"action_name", "transfer"}}
        .dump();
}

void Ask(Chain& c) {
    ApiNode& n = *c.node;
    const std::string old_n = std::to_string(c.old_height);
    const std::string new_n = std::to_string(c.new_height);
    const std::string old_hash = c.old_header["block"].value("hash", "");
    auto& a = c.answers;
    a["old/number/true"] = n.Get("/getBlockByNumber/" + old_n + "/true");
    a["old/hash/true"] = n.Get("/getBlockByHash/" + old_hash + "/true");
    a["old/raw/true"] = n.Get("/getRawBlockByNumber/" + old_n + "/true");
    a["old/contract"] =
        n.Post("/getBlockTxsByContract", ContractQuery(c.old_height, c.old_height + 1));
    a["old/pob"] = n.Get("/getPoBBlock/" + old_n);
    a["old/number/false"] = n.Get("/getBlockByNumber/" + old_n + "/false");
    a["old/hash/false"] = n.Get("/getBlockByHash/" + old_hash + "/false");
    a["old/raw/false"] = n.Get("/getRawBlockByNumber/" + old_n + "/false");
    a["old/tx"] = n.Get("/getTxByHash/" + c.old_tx);
    a["old/receipt"] = n.Get("/getTxReceiptByTxHash/" + c.old_tx);
    a["first/number/true"] = n.Get("/getBlockByNumber/1/true");
    a["new/number/true"] = n.Get("/getBlockByNumber/" + new_n + "/true");
    const json& nb = a["new/number/true"].second;
    const std::string new_hash =
        nb.is_object() && nb.contains("block") ? nb["block"].value("hash", "") : "";
    a["new/hash/true"] = n.Get("/getBlockByHash/" + new_hash + "/true");
    a["new/contract"] =
        n.Post("/getBlockTxsByContract", ContractQuery(c.new_height - 1, c.new_height));
    a["new/pob"] = n.Get("/getPoBBlock/" + new_n);
    a["new/tx"] = n.Get("/getTxByHash/" + c.new_tx);
    a["new/receipt"] = n.Get("/getTxReceiptByTxHash/" + c.new_tx);
    // A transaction nobody sent.
    a["unknown/tx"] =
        n.Get("/getTxByHash/" + n.Transfer("alice", "bobby", "9", "never sent").HashBase58());
    c.floor_after = n.node->blocks().PrunedFloor();
    auto raw = n.node->blocks().GetBlock(c.old_height);
    if (raw.ok() && raw->has_value()) {
        auto d = node::DecodeStoredFinal(**raw);
        if (d.ok()) c.old_record = std::move(*d);
    }
}

// The transaction hashes in a /getBlockByNumber answer.
std::vector<std::string> TxHashes(const json& answer) {
    std::vector<std::string> out;
    if (!answer.is_object() || !answer.contains("block")) return out;
    for (const auto& t : answer["block"].value("transactions", json::array()))
        out.push_back(t.value("hash", ""));
    return out;
}

std::string Message(const json& body) {
    return body.is_object() ? body.value("message", "") : body.dump();
}

// The F of "... from F on" in a message (0 when absent).
uint64_t FloorIn(const std::string& msg) {
    const std::string key = " from ";
    const size_t at = msg.find(key);
    if (at == std::string::npos) return 0;
    return std::strtoull(msg.c_str() + at + key.size(), nullptr, 10);
}

class ApiPruning : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        s_pruning = new Chain();
        s_pruning->node = MakeNode(node::kMinPruneKeepBlocks);
        s_archive = new Chain();
        s_archive->node = MakeNode(0);
        for (Chain* c : {s_pruning, s_archive}) {
            if (!c->node->ok()) return;
            ApiNode& n = *c->node;
            c->old_tx = n.Send(n.Transfer("alice", "bobby", "1.25", "old"));
            if (n.WaitReceipt(c->old_tx).is_null()) return;
            c->old_height = BlockNumberOf(n, c->old_tx);
            c->old_header =
                n.Get("/getBlockByNumber/" + std::to_string(c->old_height) + "/false").second;
            if (!c->old_header.is_object() || !c->old_header.contains("block")) return;
        }
        // Both chains run until the pruning node's floor is past the early
        // block (kMinPruneKeepBlocks and a few more blocks), the archive
        // node at least as far.
        const uint64_t target = s_pruning->old_height + node::kMinPruneKeepBlocks + 20;
        const bool ran = testing::WaitFor(
            [&] {
                return s_pruning->node->node->blocks().PrunedFloor() > s_pruning->old_height + 1 &&
                       s_archive->node->node->driver().Status().height >= target;
            },
            180s);
        if (!ran) return;
        for (Chain* c : {s_pruning, s_archive}) {
            ApiNode& n = *c->node;
            c->new_tx = n.Send(n.Transfer("bobby", "alice", "0.5", "new"));
            if (n.WaitReceipt(c->new_tx).is_null()) return;
            c->new_height = BlockNumberOf(n, c->new_tx);
            Ask(*c);
        }
        s_ready = true;
    }
    static void TearDownTestSuite() {
        delete s_pruning;
        delete s_archive;
        s_pruning = s_archive = nullptr;
    }
    void SetUp() override {
        ASSERT_TRUE(s_ready) << "the chains did not get past the pruned floor";
        ASSERT_GT(s_pruning->old_height, 0u);
        ASSERT_GT(s_archive->old_height, 0u);
        ASSERT_EQ(s_pruning->old_header["status"], "IRREVERSIBLE");
        ASSERT_EQ(s_archive->old_header["status"], "IRREVERSIBLE");
    }

    static const Answer& P(const std::string& what) { return s_pruning->answers.at(what); }
    static const Answer& A(const std::string& what) { return s_archive->answers.at(what); }

    // 410 {"code":5,"message":"block N's body was pruned: this node keeps
    // block bodies from F on ..."} with N < F <= the floor after the answers.
    static void ExpectGone(const Answer& r, uint64_t height) {
        EXPECT_EQ(r.first, 410) << r.second.dump();
        ASSERT_TRUE(r.second.is_object()) << r.second.dump();
        EXPECT_EQ(r.second.value("code", -1), 5) << r.second.dump();
        const std::string msg = Message(r.second);
        EXPECT_NE(msg.find("block " + std::to_string(height) + "'s body was pruned"),
                  std::string::npos)
            << msg;
        EXPECT_NE(msg.find("this node keeps block bodies from "), std::string::npos) << msg;
        const uint64_t f = FloorIn(msg);
        EXPECT_GT(f, height) << msg;
        EXPECT_LE(f, s_pruning->floor_after) << msg;
        EXPECT_NE(msg.find("complete=false"), std::string::npos) << msg;
        EXPECT_NE(msg.find("archive node"), std::string::npos) << msg;
    }
    // The usual 400 "not found", with the pruning hint or without it.
    static void ExpectNotFound(const Answer& r, const std::string& needle, bool hint) {
        EXPECT_EQ(r.first, 400) << r.second.dump();
        const std::string msg = Message(r.second);
        EXPECT_NE(msg.find(needle), std::string::npos) << msg;
        const size_t at = msg.find("(this node prunes: it keeps transactions of blocks from ");
        EXPECT_EQ(at != std::string::npos, hint) << msg;
        if (hint && at != std::string::npos) {
            const uint64_t f = FloorIn(msg.substr(at));
            EXPECT_GT(f, s_pruning->old_height) << msg;
            EXPECT_LE(f, s_pruning->floor_after) << msg;
        }
    }

    static inline Chain* s_pruning = nullptr;
    static inline Chain* s_archive = nullptr;
    static inline bool s_ready = false;
};

TEST_F(ApiPruning, APrunedBlockBodyIsGoneByNumberByHashRawByContractAndPoB) {
    const uint64_t h = s_pruning->old_height;
    EXPECT_LT(h, s_pruning->floor_after);
    ExpectGone(P("old/number/true"), h);
    ExpectGone(P("old/hash/true"), h);
    ExpectGone(P("old/raw/true"), h);
    ExpectGone(P("old/contract"), h);
    ExpectGone(P("old/pob"), h);
    ExpectGone(P("first/number/true"), 1);
}

TEST_F(ApiPruning, APrunedBlocksHeaderIsStillServedWithoutItsTransactions) {
    const json& before = s_pruning->old_header["block"];
    ASSERT_EQ(before.value("tx_count", ""), "1") << before.dump();
    for (const char* what : {"old/number/false", "old/hash/false"}) {
        const auto& [st, j] = P(what);
        ASSERT_EQ(st, 200) << what << ": " << j.dump();
        EXPECT_EQ(j.value("status", ""), "IRREVERSIBLE");
        const json b = j.value("block", json::object());
        // The header: the same block as before pruning.
        for (const char* k : {"hash", "parent_hash", "number", "witness", "time", "version"})
            EXPECT_EQ(b.value(k, json()), before.value(k, json())) << what << ": " << k;
        // A pruned header keeps the count and Merkle hash of its
        // transactions; their bodies are gone.
        EXPECT_EQ(b.value("tx_count", json()), "1") << what;
        EXPECT_EQ(b.value("tx_merkle_hash", json()), before.value("tx_merkle_hash", json()))
            << what;
        EXPECT_EQ(b.value("transactions", json()), json::array()) << what;
    }
    // The block was a chain-fallback block, and its stored record is now a
    // pruned header without the transaction (the archive node's record,
    // the control, still has it): the hash above is the kept original, not
    // one recomputed from the smaller record.
    const auto& rec = s_pruning->old_record;
    ASSERT_TRUE(rec.has_value());
    ASSERT_TRUE(rec->pruned.has_value());
    EXPECT_TRUE(rec->block.direct_txs.empty());
    EXPECT_EQ(rec->pruned->direct_txs, 1u);
    EXPECT_EQ(crypto::HashToBase58(rec->hash), before.value("hash", ""));
    EXPECT_NE(crypto::HashToBase58(rec->block.Hash()), before.value("hash", ""));
    const auto& arch = s_archive->old_record;
    ASSERT_TRUE(arch.has_value());
    EXPECT_FALSE(arch->pruned.has_value());
    ASSERT_EQ(arch->block.direct_txs.size(), 1u);
    EXPECT_EQ(arch->block.direct_txs[0].HashBase58(), s_archive->old_tx);
    EXPECT_EQ(P("old/raw/false").first, 200) << P("old/raw/false").second.dump();
}

TEST_F(ApiPruning, APrunedTransactionAndItsReceiptAreNotFoundWithTheHint) {
    ExpectNotFound(P("old/tx"), "tx not found", true);
    ExpectNotFound(P("old/receipt"), "receipt not found", true);
    // The hint is on every miss of a pruning node (it cannot tell a pruned
    // transaction from one it never saw).
    ExpectNotFound(P("unknown/tx"), "tx not found", true);
}

TEST_F(ApiPruning, ARecentBlockAndItsTransactionAreServedInFull) {
    EXPECT_GE(s_pruning->new_height, s_pruning->floor_after);
    const auto& [st, b] = P("new/number/true");
    ASSERT_EQ(st, 200) << b.dump();
    EXPECT_EQ(TxHashes(b), std::vector<std::string>{s_pruning->new_tx});
    EXPECT_EQ(P("new/hash/true").first, 200) << P("new/hash/true").second.dump();
    EXPECT_EQ(P("new/hash/true").second, b);
    EXPECT_EQ(P("new/tx").first, 200) << P("new/tx").second.dump();
    EXPECT_EQ(P("new/tx").second.value("status", ""), "IRREVERSIBLE");
    EXPECT_EQ(P("new/receipt").first, 200) << P("new/receipt").second.dump();
    EXPECT_EQ(P("new/receipt").second.value("status_code", ""), "SUCCESS");
    EXPECT_EQ(P("new/pob").first, 200) << P("new/pob").second.dump();
    // docs/pob.md §4.1: the block records the commit votes of the one before
    // it (the one validator, bitmap position 0).
    const json& lc = P("new/pob").second.value("last_commit", json());
    ASSERT_TRUE(lc.is_object()) << P("new/pob").second.dump();
    EXPECT_EQ(lc.value("height", ""), std::to_string(s_pruning->new_height - 1)) << lc.dump();
    EXPECT_EQ(lc.value("signer_indexes", json()), json::array({0})) << lc.dump();
    EXPECT_EQ(P("new/contract").first, 200) << P("new/contract").second.dump();
}

// Negative control: the same requests to the archive node, whose chain ran
// as far, succeed with the data, and no answer hints at pruning.
TEST_F(ApiPruning, AnArchiveNodeAnswersTheSameRequestsWithTheData) {
    EXPECT_EQ(s_archive->floor_after, 1u);
    const uint64_t h = s_archive->old_height;
    EXPECT_GT(s_archive->new_height, h + node::kMinPruneKeepBlocks);
    for (const char* what : {"old/number/true", "old/hash/true", "old/raw/true", "old/contract",
                             "old/pob", "old/number/false", "old/hash/false", "old/raw/false",
                             "old/tx", "old/receipt", "first/number/true", "new/number/true",
                             "new/hash/true", "new/contract", "new/pob", "new/tx", "new/receipt"}) {
        EXPECT_EQ(A(what).first, 200) << what << ": " << A(what).second.dump();
    }
    EXPECT_EQ(TxHashes(A("old/number/true").second), std::vector<std::string>{s_archive->old_tx});
    EXPECT_EQ(A("old/hash/true").second, A("old/number/true").second);
    EXPECT_EQ(A("old/contract").second.value("blocktx_list", json::array()).size(), 1u)
        << A("old/contract").second.dump();
    EXPECT_EQ(A("old/number/false").second, s_archive->old_header);
    EXPECT_EQ(A("old/tx").second.value("status", ""), "IRREVERSIBLE");
    EXPECT_EQ(A("old/receipt").second.value("status_code", ""), "SUCCESS");
    EXPECT_EQ(TxHashes(A("new/number/true").second), std::vector<std::string>{s_archive->new_tx});
    ExpectNotFound(A("unknown/tx"), "tx not found", false);
}

}  // namespace
}  // namespace iost::rpc
