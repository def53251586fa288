// The HTTP API of real iserver processes on a 4+4 PoB devnet (docs/http.md):
// a transfer's life through /getTxByHash (PENDING / PACKED / IRREVERSIBLE),
// the believable league's micro-blocks through /getMicroBlock, the leagues
// through /getPoBInfo, /metrics of a running node, and a burst of malformed
// requests (bad paths, JSON, numbers, transactions for another chain,
// expired, tampered, replayed, oversized bodies) that every node answers
// with a 4xx while balances stay as they were.
#include <gtest/gtest.h>

#include <random>
#include <set>

#include "functional_util.h"

namespace iost::functional {
namespace {

using namespace std::chrono_literals;

util::Result<wallet::HttpResponse> Raw(const std::string& base, const std::string& method,
                                       const std::string& path, const std::string& body = "") {
    wallet::HttpClientOptions o;
    o.request_timeout = 5000ms;
    return method == "GET" ? wallet::HttpGet(base + path, o)
                           : wallet::HttpPost(base + path, body, "text/plain", o);
}

TEST(ApiDevnet, TransactionsMicroBlocksLeaguesMetricsAndBadInput) {
    auto started = TestDevnet::Start("api", "127.20.1.1");
    ASSERT_TRUE(started.ok()) << started.error().message;
    TestDevnet& net = **started;
    ASSERT_TRUE(net.WaitForHeight(3, 90s).ok());
    const std::string node = net.manifest().nodes.front().name;
    const std::string base = net.Node(node).http;
    const uint32_t chain = net.manifest().chain_id;

    // Leagues: B believable and N normal validators, each with Servi and stake.
    auto pob = net.Get(node, "/getPoBInfo");
    ASSERT_TRUE(pob.ok()) << pob.error().message;
    EXPECT_EQ((*pob)["chain_fallback"], false);
    ASSERT_EQ((*pob)["believable"].size(), 4u) << pob->dump();
    EXPECT_EQ((*pob)["normal"].size(), 4u);
    std::vector<std::string> producers;
    for (const auto& m : (*pob)["believable"]) producers.push_back(m["id"].get<std::string>());

    // A transfer: watch its status until IRREVERSIBLE (statuses only move forward).
    const auto& user1 = net.Account("user1");
    const auto tx =
        MakeTransfer(user1, "user2", "1.25", "api-devnet", chain, util::SystemClock().Now());
    auto hash = net.SendTx(node, tx);
    ASSERT_TRUE(hash.ok()) << hash.error().message;
    EXPECT_EQ(*hash, tx.HashBase58());
    const std::vector<std::string> order = {"PENDING", "PACKED", "IRREVERSIBLE"};
    std::vector<std::string> seen;
    json final_tx, packed_tx;
    const auto deadline = std::chrono::steady_clock::now() + 60s;
    while (std::chrono::steady_clock::now() < deadline) {
        auto t = net.Get(node, "/getTxByHash/" + *hash);
        if (t.ok()) {
            const std::string st = (*t)["status"].get<std::string>();
            if (seen.empty() || seen.back() != st) seen.push_back(st);
            if (st == "PACKED" && packed_tx.is_null()) packed_tx = *t;
            if (st == "IRREVERSIBLE") {
                final_tx = *t;
                break;
            }
        }
        std::this_thread::sleep_for(2ms);
    }
    ASSERT_FALSE(final_tx.is_null()) << "never IRREVERSIBLE";
    for (size_t i = 1; i < seen.size(); ++i) {
        const auto a = std::find(order.begin(), order.end(), seen[i - 1]);
        const auto b = std::find(order.begin(), order.end(), seen[i]);
        EXPECT_LT(a, b) << "status went from " << seen[i - 1] << " to " << seen[i];
    }
    std::string trail;
    for (const auto& s : seen) trail += s + " ";
    std::printf("[api_devnet] statuses seen: %s\n", trail.c_str());
    EXPECT_EQ(final_tx["transaction"]["tx_receipt"]["status_code"], "SUCCESS");
    EXPECT_EQ(final_tx["receipt_source"], "FINAL");
    // PACKED (seen unless the poll missed the window): the producer's
    // receipt, marked as such, agreeing with the final one for a lone transfer.
    if (!packed_tx.is_null()) {
        const json& pr = packed_tx["transaction"]["tx_receipt"];
        EXPECT_EQ(packed_tx["receipt_source"], "PRODUCER_SPECULATIVE") << packed_tx.dump();
        ASSERT_TRUE(pr.is_object()) << packed_tx.dump();
        EXPECT_EQ(pr["tx_hash"], *hash);
        EXPECT_EQ(pr["status_code"], "SUCCESS") << pr.dump();
        EXPECT_EQ(pr["receipts"], final_tx["transaction"]["tx_receipt"]["receipts"]);
        EXPECT_EQ(pr["gas_usage"], final_tx["transaction"]["tx_receipt"]["gas_usage"]);
    }
    const uint64_t height = U64Of(final_tx, "block_number");

    // The micro-block that carried it, found through /getMicroBlock: final,
    // included at the transaction's height.
    bool found = false;
    for (const auto& p : producers) {
        for (uint64_t seq = 1; seq <= 4000 && !found; ++seq) {
            auto m = net.Get(node, "/getMicroBlock/" + p + "/" + std::to_string(seq));
            if (!m.ok()) break;  // past this producer's last micro-block
            for (const auto& h : (*m)["micro_block"]["tx_hashes"]) {
                if (h == *hash) {
                    found = true;
                    EXPECT_EQ((*m)["status"], "IRREVERSIBLE");
                    EXPECT_EQ(U64Of(*m, "final_height"), height);
                    EXPECT_EQ((*m)["micro_block"]["producer"], p);
                }
            }
        }
        if (found) break;
    }
    EXPECT_TRUE(found) << "no believable producer's micro-block holds " << *hash;

    // The same transaction and block on another node.
    // Nodes finalize a height at slightly different moments: wait until the
    // other node has it, then it must show the same block and hash.
    const std::string other = net.manifest().nodes.back().name;
    auto caught_up = net.WaitForHeight(height, 60s, {other});
    ASSERT_TRUE(caught_up.ok()) << caught_up.error().message;
    auto t2 = net.Get(other, "/getTxByHash/" + *hash);
    ASSERT_TRUE(t2.ok()) << t2.error().message;
    EXPECT_EQ((*t2)["block_number"], final_tx["block_number"]);
    EXPECT_EQ(BlockHashAt(net, other, height).value(), BlockHashAt(net, node, height).value());

    // Metrics of a running process.
    auto metrics = Raw(base, "GET", "/metrics");
    ASSERT_TRUE(metrics.ok());
    EXPECT_EQ(metrics->status, 200);
    for (const char* needle : {"iost_final_height ", "iost_txs_finalized_total ", "iost_peers ",
                               "iost_finalize_latency_seconds_count ",
                               "iost_api_requests_total{endpoint=\"getTxByHash\"} "}) {
        EXPECT_NE(metrics->body.find(needle), std::string::npos) << needle;
    }

    // Bad input to every node: a 4xx with a message, never a 5xx; nothing executes.
    auto balances = [&] {
        std::vector<std::string> out;
        for (const auto& a : net.manifest().accounts) {
            auto b = net.Get(node, "/getTokenBalance/" + a.name + "/iost/true");
            out.push_back(b.ok() ? b->dump() : b.error().message);
        }
        return out;
    };
    const auto before = balances();
    std::mt19937 rng(7);
    std::vector<std::tuple<std::string, std::string, std::string>> bad;  // method, path, body
    for (const char* p :
         {"/getTxByHash/0OIl", "/getTxByHash/abc", "/getBlockByNumber/-1/true",
          "/getBlockByNumber/99999999999999999999/true", "/getBlockByNumber/1/maybe",
          "/getAccount/A/true", "/getAccount/nobody99/true", "/getTokenInfo/nosuch/true",
          "/getMicroBlock/node0/0", "/getEvidence/9/1", "/nosuch", "/getNodeInfo/x"}) {
        bad.emplace_back("GET", p, "");
    }
    for (const char* b :
         {"", "{", "[]", "{\"time\":\"x\"}", "{\"time\":99999999999999999999999}"}) {
        bad.emplace_back("POST", "/sendTx", b);
        bad.emplace_back("POST", "/getContractStorage", b);
    }
    const auto& user3 = net.Account("user3");
    const int64_t now = util::SystemClock().Now();
    for (int i = 0; i < 20; ++i) {
        core::Tx t = MakeTransfer(user3, "user4", "3", "bad-" + std::to_string(i), chain, now);
        switch (i % 4) {
            case 0:
                t = MakeTransfer(user3, "user4", "3", "bad", chain + 1, now);
                break;  // wrong chain
            case 1:
                t = MakeTransfer(user3, "user4", "3", "bad", chain, now - 200'000'000'000);
                break;  // expired
            case 2:
                t.actions[0].data = "[\"iost\",\"user3\",\"user4\",\"300\",\"bad\"]";
                break;  // tampered
            default:
                t.publisher_sigs[0].sig[rng() % 64] ^= 1;
                break;  // bad signature
        }
        bad.emplace_back("POST", "/sendTx", core::TxToJson(t));
    }
    bad.emplace_back("POST", "/sendTx", core::TxToJson(tx));  // replay of the final transfer
    // Every node must have finalized the transfer before its replay is sent there (a node a
    // block behind would still see a new transaction: a race in this test, seen in CI).
    ASSERT_TRUE(net.WaitForHeight(height, 60s).ok());
    int answered = 0;
    for (const auto& n : net.manifest().nodes) {
        for (const auto& [method, path, body] : bad) {
            auto r = Raw(n.http, method, path, body);
            ASSERT_TRUE(r.ok()) << n.name << " " << path << ": " << r.error().message;
            EXPECT_GE(r->status, 400)
                << n.name << " " << method << " " << path << " " << body.substr(0, 80);
            EXPECT_LT(r->status, 500) << n.name << " " << path << ": " << r->body;
            const json e = json::parse(r->body, nullptr, false);
            EXPECT_TRUE(e.is_object() && e.contains("code") && !e.value("message", "").empty())
                << r->body;
            ++answered;
        }
        // An oversized body: 413 before it is read.
        std::string huge(2u << 20, 'x');
        auto r = Raw(n.http, "POST", "/sendTx", huge);
        if (r.ok()) {
            EXPECT_EQ(r->status, 413) << n.name;  // (a reset while sending is also a refusal)
        }
    }
    std::printf("[api_devnet] %d malformed requests answered 4xx by %zu nodes\n", answered,
                net.manifest().nodes.size());
    const uint64_t h0 = net.Height(node);
    ASSERT_TRUE(net.WaitForHeight(h0 + 3, 60s).ok()) << "the network stopped finalizing";
    EXPECT_EQ(balances(), before) << "a malformed request changed a balance";
}

}  // namespace
}  // namespace iost::functional
