// A living validator set on a real devnet (docs/pob.md §4.1): a new iserver
// with a fresh consensus key joins a running devnet as an observer (its key
// names a validator account that is not registered yet), `iwallet` creates
// that account, registers the key with vote_producer.iost and stakes for it,
// and the newcomer is elected to the normal league at the next epoch (the
// reserved newcomer seat) and then works: it proposes final blocks (its
// Servi rises above 0), votes (its commit vote is in certificates another
// node stored, /getPoBInfo "certificates") and its node keeps finalizing.
// Epochs are 10 blocks of 500 ms so that the whole takes well under 90 s.
// Every wait is bounded.
#include <gtest/gtest.h>
#include <wallet/key_tool.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "functional_util.h"

namespace iost::functional {
namespace {

namespace fs = std::filesystem;

constexpr const char* kJoiner = "joiner";

// One member of /getPoBInfo's normal league, or an empty object.
json NormalMember(const json& pob, const std::string& id) {
    if (!pob.contains("normal")) return json::object();
    for (const auto& m : pob["normal"]) {
        if (m.value("id", "") == id) return m;
    }
    return json::object();
}

TEST(ValidatorJoin, IwalletRegistersANewValidatorThatIsElectedAndWorks) {
    auto net = TestDevnet::Start("join", "127.31.1.1",
                                 {"--believable", "2", "--normal", "4", "--observers", "1",
                                  "--accounts", "1", "--epoch-length", "10"});
    ASSERT_TRUE(net.ok()) << net.error().message;
    TestDevnet& d = **net;
    const auto observers = d.NodesWithRole(devnet::Role::kObserver);
    ASSERT_EQ(observers.size(), 1u);
    const std::string obs = observers.front();
    const std::string node0 = d.manifest().nodes.at(0).name;
    const std::string keys = (fs::path(d.dir()) / "iwallet-keys").string();
    auto iwallet = [&](std::vector<std::string> args) {
        std::vector<std::string> argv = {BinDir() + "/iwallet",
                                         "--server",
                                         d.Node(node0).http,
                                         "--chain-id",
                                         std::to_string(d.manifest().chain_id),
                                         "--keys-dir",
                                         keys,
                                         "--no-prompt"};
        argv.insert(argv.end(), args.begin(), args.end());
        return RunProgram(argv, 150s);
    };

    // The new node: the observer restarted with a fresh consensus key that
    // names the (not yet registered) validator account: until it is elected
    // it runs as an observer.
    const wallet::KeyText consensus = wallet::NewKey(crypto::Algorithm::kEd25519);
    ASSERT_TRUE(d.Kill9(obs).ok());
    {
        std::ofstream k(fs::path(d.Node(obs).config).parent_path() / "keys.yml", std::ios::trunc);
        k << "validator: " << kJoiner << "\nsecret_key: " << consensus.seckey << "\n";
        ASSERT_TRUE(k.good());
    }
    auto st = d.RestartStopped();
    ASSERT_TRUE(st.ok()) << st.error().message;

    // iwallet: the account (funded), the registration and the stake.
    CliResult r = iwallet({"account", "import", "admin", d.Account("admin").secret_key});
    ASSERT_EQ(r.code, 0) << r.output;
    r = iwallet({"account", "create", kJoiner, "--account", "admin", "--initial-gas-pledge", "100",
                 "--initial-balance", "5000"});
    ASSERT_EQ(r.code, 0) << r.output;
    r = iwallet({"sys", "producer-register", consensus.pubkey, "--account", kJoiner});
    ASSERT_EQ(r.code, 0) << r.output;
    r = iwallet({"sys", "producer-vote", kJoiner, "4000", "--account", kJoiner});
    ASSERT_EQ(r.code, 0) << r.output;
    auto info = d.Get(node0, "/getPoBInfo");
    ASSERT_TRUE(info.ok()) << info.error().message;
    const uint64_t registered_epoch = U64Of(*info, "epoch");

    // Elected within the bound: the next epoch (one newcomer, one seat),
    // allowing one more for the registration landing at an epoch's end.
    const uint64_t L = 10;
    const uint64_t by_height = (registered_epoch + 3) * L;
    uint64_t elected_epoch = 0;
    bool elected = false;
    const auto deadline = std::chrono::steady_clock::now() + 90s;
    while (!elected && std::chrono::steady_clock::now() < deadline) {
        auto pob = d.Get(node0, "/getPoBInfo");
        if (pob.ok() && !NormalMember(*pob, kJoiner).empty()) {
            elected = true;
            elected_epoch = U64Of(*pob, "epoch");
            break;
        }
        if (pob.ok() && U64Of(*pob, "height") > by_height) break;
        std::this_thread::sleep_for(250ms);
    }
    ASSERT_TRUE(elected) << "not in the normal league by height " << by_height;
    EXPECT_LE(elected_epoch, registered_epoch + 2);
    std::printf("[validator_join] registered in epoch %llu, in the normal league in epoch %llu\n",
                static_cast<unsigned long long>(registered_epoch),
                static_cast<unsigned long long>(elected_epoch));

    // It works: it proposes final blocks (Servi > 0, witness of a block) and
    // votes: its commit vote is in the certificate of a final block of the
    // epoch it serves in, as another node (node0) stored it (/getPoBInfo
    // "certificates", docs/http.md). A certificate is any q of N votes, so one
    // block may lack it; among the epoch's blocks (polled faster than they
    // come, 8 listed at a time, and counted in the member's "signed") it must
    // appear. Negative control of the view: a believable member, which casts
    // no commit vote, is never a signer.
    bool proposed = false, voted = false;
    std::string believable_signer;
    const auto deadline2 = std::chrono::steady_clock::now() + 60s;
    while (!(proposed && voted) && std::chrono::steady_clock::now() < deadline2) {
        auto pob = d.Get(node0, "/getPoBInfo");
        if (pob.ok() && pob->contains("validators") && !proposed) {
            for (const auto& m : (*pob)["validators"]) {
                // Servi is a decimal string (IOST's int64 convention).
                if (m.value("id", "") == kJoiner && m.value("servi", "0") != "0") {
                    proposed = true;
                    std::printf("[validator_join] %s: Servi %s at height %llu\n", kJoiner,
                                m.value("servi", "0").c_str(),
                                static_cast<unsigned long long>(U64Of(*pob, "height")));
                }
            }
        }
        // Its count of signed certificates covers the whole epoch (up to
        // 512 blocks), in case the polls missed the listed ones.
        if (pob.ok() && !voted) {
            const json me = NormalMember(*pob, kJoiner);
            if (me.value("signed", "0") != "0") {
                voted = true;
                std::printf("[validator_join] %s signed %s certificates of epoch %llu\n", kJoiner,
                            me.value("signed", "0").c_str(),
                            static_cast<unsigned long long>(U64Of(*pob, "epoch")));
            }
        }
        if (pob.ok() && pob->contains("certificates")) {
            std::set<std::string> believable;
            for (const auto& m : pob->value("believable", json::array()))
                believable.insert(m.value("id", ""));
            for (const auto& c : (*pob)["certificates"]) {
                for (const auto& signer : c.value("signers", json::array())) {
                    const std::string id = signer.get<std::string>();
                    if (believable.count(id)) believable_signer = id;
                    if (id != kJoiner || voted) continue;
                    voted = true;
                    std::printf(
                        "[validator_join] %s signed the commit certificate of height %s "
                        "(commit view %s) as node0 stored it\n",
                        kJoiner, c.value("height", "?").c_str(),
                        c.value("commit_view", "?").c_str());
                }
            }
        }
        std::this_thread::sleep_for(250ms);
    }
    EXPECT_TRUE(proposed) << "the newcomer earned no Servi (never proposed a final block)";
    EXPECT_TRUE(voted) << "the newcomer's commit vote is in no certificate node0 stored";
    EXPECT_EQ(believable_signer, "") << "a believable member listed as a commit signer";
    const uint64_t h = d.Height(node0);
    auto reached = d.WaitForHeight(h + 5, 60s, {node0, obs});
    EXPECT_TRUE(reached.ok()) << reached.error().message;
}

}  // namespace
}  // namespace iost::functional
