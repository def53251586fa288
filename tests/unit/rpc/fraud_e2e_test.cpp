// Fraud handled end to end (docs/pob.md §7, issue #12 point 3): a PoB
// cluster of five real nodes (RocksDB temp dirs, loopback P2P; B = 1, N = 4)
// whose believable producer packs a forged transfer (the test-only hook
// EngineOptions::test_only_alter_micro, the producer's own signing code) that
// no sampler checks (p = 1 ppm) and no auditor sees (audit off). The forgery
// becomes final and takes 1,000 IOST from alice. Then, over real HTTP on a
// normal validator: `iwallet evidence` refuses a bogus proof and an honest
// transaction with clear messages; `POST /submitEvidence {"tx_hash"}` is
// accepted; the next block slashes the producer and repays alice exactly
// (visible in /getEvidence and /getTokenBalance); a second submission is
// refused as a duplicate.
#include <core/tx_json.h>
#include <gtest/gtest.h>
#include <node/node.h>
#include <rpc/api.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <mutex>

#include "../iwallet_run.h"
#include "api_test_util.h"

namespace iost::rpc {
namespace {

using testing::json;
using testing::WaitFor;
namespace nt = node::testing;
using namespace std::chrono_literals;

constexpr int kNodes = 5;

struct Forgery {
    std::mutex mu;
    bool packed = false;
    core::Tx tx;
};

// alice → admin, 1,000 IOST, "signed" with alice's key but bytes the forger
// made up: the bytes rule (docs/pob.md §7.1) calls it fraud.
core::Tx Forged() {
    const int64_t now = util::SystemClock().Now() - 1'000'000'000;
    core::Tx tx = nt::Transfer("alice", "admin", "1000", now, "forged");
    tx.publisher_sigs.clear();
    core::Signature s;
    s.algorithm = crypto::Algorithm::kEd25519;
    s.pubkey = nt::AccountKey("alice").public_key().bytes;
    s.sig.assign(64, 0x5a);
    tx.publisher_sigs.push_back(s);
    return tx;
}

using test::CliRun;

CliRun Iwallet(const std::string& args) { return test::RunIwallet(args, true); }

TEST(FraudEndToEnd, ForgedTxProvenOverHttpSlashesAndRepaysExactly) {
    nt::TempDir dir;
    core::Genesis genesis = nt::TestGenesis(kNodes, /*B=*/1, /*N=*/4);
    genesis.pob.sampling_probability_ppm = 1;  // samplers (almost) never check
    auto forgery = std::make_shared<Forgery>();
    std::vector<std::unique_ptr<node::Node>> nodes;
    for (int i = 0; i < kNodes; ++i) {
        node::NodeConfig c;
        c.data_dir = dir.str() + "/node" + std::to_string(i);
        c.p2p_listen = {"127.0.0.1", 0};
        c.http_enabled = false;
        c.grpc_enabled = false;
        c.view_timeout_ms = 1000;
        c.silent_after_ms = 2000;
        c.verify_threads = 1;
        c.storage_sync = false;
        c.audit_txs_per_sec = -1.0;  // nobody audits: only the user's proof catches it
        c.test_only_alter_micro = [forgery](core::MicroBlock& mb) {
            std::lock_guard lk(forgery->mu);
            if (forgery->packed) return;
            forgery->packed = true;
            forgery->tx = Forged();
            mb.txs.push_back(forgery->tx);
        };
        auto n = node::Node::Create(c, genesis, nt::ValidatorKeys(i), util::Logger::Null());
        ASSERT_TRUE(n.ok()) << n.error().message;
        nodes.push_back(std::move(*n));
    }
    for (int i = 0; i < kNodes; ++i) {
        for (int j = 0; j < kNodes; ++j) {
            if (j != i) nodes[i]->host().AddAddress({"127.0.0.1", nodes[j]->p2p_port()});
        }
    }
    for (auto& n : nodes) ASSERT_TRUE(n->Start().ok());

    // HTTP on one node; which one does not matter (all hold the same chain).
    HttpServerOptions o;
    o.address = "127.0.0.1";
    o.port = 0;
    HttpServer server(o);
    MountApi(server, BuildApi(*nodes[0]));
    ASSERT_TRUE(server.Start().ok());
    const std::string url = "http://127.0.0.1:" + std::to_string(server.port());
    auto client = wallet::HttpClient::Make(url).value();
    auto get = [&](const std::string& path) {
        auto r = client.Get(path);
        return r.ok() ? std::make_pair(r->status, json::parse(r->body, nullptr, false))
                      : std::make_pair(0, json());
    };
    auto balance = [&](const std::string& who) {
        auto [st, j] = get("/getTokenBalance/" + who + "/iost/false");
        return st == 200 ? j["balance"].get<double>() : -1.0;
    };
    struct Stop {
        HttpServer& s;
        std::vector<std::unique_ptr<node::Node>>& n;
        ~Stop() {
            s.Stop();
            for (auto& x : n) x->Stop();
        }
    } stop{server, nodes};

    // The forgery becomes final: alice lost 1,000 IOST.
    std::string forged_hash;
    ASSERT_TRUE(WaitFor(
        [&] {
            std::lock_guard lk(forgery->mu);
            if (forgery->packed) forged_hash = forgery->tx.HashBase58();
            return forgery->packed;
        },
        20s))
        << "no believable producer produced a MicroBlock";
    ASSERT_TRUE(
        WaitFor([&] { return get("/getTxReceiptByTxHash/" + forged_hash).first == 200; }, 20s))
        << "the forged transaction never became final (sampled?)";
    // Genesis: alice holds 100,000 IOST of which 1,000 went to her gas pledge.
    constexpr double kAliceBefore = 99'000.0;
    EXPECT_EQ(balance("alice"), kAliceBefore - 1'000.0);
    const std::string producer = [&] {
        auto [st, j] = get("/getPoBInfo");
        return st == 200 && !j["believable"].empty() ? j["believable"][0].value("id", "") : "";
    }();
    ASSERT_FALSE(producer.empty());

    // iwallet refuses what is not fraud, saying why.
    const std::string bogus = ::testing::TempDir() + "fraud_e2e_bogus_proof";
    std::ofstream(bogus) << "AAAA\n";
    auto r1 = Iwallet("-s " + url + " evidence --proof " + bogus);
    EXPECT_NE(r1.code, 0) << r1.out;
    EXPECT_NE(r1.out.find("evidence"), std::string::npos) << r1.out;
    // An honest final transfer: its signatures verify.
    auto honest =
        nt::Transfer("bobby", "admin", "1", util::SystemClock().Now() - 1'000'000'000, "honest");
    auto sent = client.Post("/sendTx", core::TxToJson(honest), "text/plain");
    ASSERT_TRUE(sent.ok() && sent->status == 200);
    ASSERT_TRUE(WaitFor(
        [&] { return get("/getTxReceiptByTxHash/" + honest.HashBase58()).first == 200; }, 20s));
    auto r2 = Iwallet("-s " + url + " evidence --tx " + honest.HashBase58());
    EXPECT_NE(r2.code, 0) << r2.out;
    EXPECT_NE(r2.out.find("not fraud"), std::string::npos) << r2.out;

    // The user proves the forgery over HTTP.
    auto acc = client.Post("/submitEvidence", R"({"tx_hash":")" + forged_hash + R"("})",
                           "application/json");
    ASSERT_TRUE(acc.ok());
    ASSERT_EQ(acc->status, 200) << acc->body;
    const json aj = json::parse(acc->body, nullptr, false);
    EXPECT_EQ(aj.value("accused", ""), producer) << acc->body;
    EXPECT_EQ(aj.value("kind", ""), "FRAUD_PROOF") << acc->body;

    // The next block slashes the producer and repays alice exactly.
    json ev;
    ASSERT_TRUE(WaitFor(
        [&] {
            auto [st, j] = get("/getEvidence");
            if (st != 200) return false;
            ev = j;
            for (const auto& c : j["compensated"]) {
                if (c.value("tx_hash", "") == forged_hash) return true;
            }
            return false;
        },
        20s))
        << ev.dump();
    EXPECT_NE(std::find(ev["slashed"].begin(), ev["slashed"].end(), producer), ev["slashed"].end())
        << ev.dump();
    EXPECT_EQ(balance("alice"), kAliceBefore);  // exactly what the forgery took, once
    EXPECT_EQ(balance(producer), 0.0);          // everything it held went to the pool

    // The same proof again is refused, with the reason, by iwallet too.
    auto r3 = Iwallet("-s " + url + " evidence --tx " + forged_hash);
    EXPECT_NE(r3.code, 0) << r3.out;
    EXPECT_NE(r3.out.find("already"), std::string::npos) << r3.out;
}

}  // namespace
}  // namespace iost::rpc
