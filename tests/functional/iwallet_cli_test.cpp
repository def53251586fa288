// The real iwallet binary against a real devnet (iost-devnet, separate
// iserver processes on 127.30.1.x): import admin, create an account on
// chain, transfer both ways (the second with the new account's own key),
// balance, receipt, tx, block, offline sign + send, an encrypted key store,
// and the failures a user meets: a failed receipt, a refused duplicate, a
// wrong password, a bad argument. Every command is bounded by a timeout.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include "functional_util.h"

namespace iost::functional {
namespace {

namespace fs = std::filesystem;

// Each test starts its own devnet on its own /24 (ctest runs every test of
// this binary as a separate process, possibly side by side).
class IwalletDevnet : public ::testing::Test {
  protected:
    void StartDevnet(const std::string& name, const std::string& host) {
        auto net = TestDevnet::Start(name, host,
                                     {"--believable", "2", "--normal", "4", "--accounts", "1"});
        ASSERT_TRUE(net.ok()) << net.error().message;
        m_net = std::move(*net);
        m_keys = (fs::path(m_net->dir()) / "iwallet-keys").string();
    }

    // iwallet with the devnet's server, chain id and key store.
    CliResult Iwallet(std::vector<std::string> args, std::chrono::seconds timeout = 150s) const {
        std::vector<std::string> argv = {BinDir() + "/iwallet",
                                         "--server",
                                         m_net->manifest().nodes.at(0).http,
                                         "--chain-id",
                                         std::to_string(m_net->manifest().chain_id),
                                         "--keys-dir",
                                         m_keys,
                                         "--no-prompt"};
        argv.insert(argv.end(), args.begin(), args.end());
        return RunProgram(argv, timeout);
    }
    static std::string HashIn(const std::string& out) {
        std::smatch m;
        if (std::regex_search(out, m,
                              std::regex("The transaction hash is: ([1-9A-HJ-NP-Za-km-z]+)")))
            return m[1];
        return "";
    }
    static json JsonIn(const CliResult& r) {
        // --format json prints one document on stdout; stderr lines (progress)
        // come before or after it in the captured output.
        const size_t open = r.output.find("{\n");
        const size_t close = r.output.rfind("\n}");
        if (open == std::string::npos || close == std::string::npos) return json();
        return json::parse(r.output.substr(open, close + 2 - open), nullptr, false);
    }
    std::string Balance(const std::string& name) const {
        const CliResult r = Iwallet({"balance", name, "--format", "json"});
        EXPECT_EQ(r.code, 0) << r.output;
        const json j = JsonIn(r);
        return j.is_object() && j.contains("balance_string")
                   ? j["balance_string"].get<std::string>()
                   : "?";
    }

    std::unique_ptr<TestDevnet> m_net;
    std::string m_keys;
};

TEST_F(IwalletDevnet, AccountTransferQueryAndOfflineSigning) {
    StartDevnet("iwallet1", "127.30.1.1");
    ASSERT_TRUE(m_net);
    const auto& admin = m_net->Account("admin");

    CliResult r = Iwallet({"account", "import", "admin", admin.secret_key});
    ASSERT_EQ(r.code, 0) << r.output;
    EXPECT_NE(r.output.find(admin.public_key), std::string::npos) << r.output;

    r = Iwallet({"state"});
    ASSERT_EQ(r.code, 0) << r.output;
    EXPECT_NE(r.output.find("chain id " + std::to_string(m_net->manifest().chain_id)),
              std::string::npos)
        << r.output;

    // account create: a new key in the store (0600) and signUp + ram + pledge + transfer on chain.
    r = Iwallet({"account", "create", "wallet1", "--account", "admin", "--initial-gas-pledge",
                 "100", "--initial-balance", "50"});
    ASSERT_EQ(r.code, 0) << r.output;
    EXPECT_NE(r.output.find("IRREVERSIBLE after"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("SUCCESS"), std::string::npos) << r.output;
    struct stat st {};
    ASSERT_EQ(::stat((m_keys + "/wallet1.json").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    EXPECT_EQ(Balance("wallet1"), "50");

    // admin -> wallet1, then wallet1 -> admin signed with wallet1's new key
    // (gas limit sized from wallet1's own gas).
    r = Iwallet(
        {"transfer", "wallet1", "10", "--account", "admin", "--memo", "from the functional test"});
    ASSERT_EQ(r.code, 0) << r.output;
    r = Iwallet({"transfer", "admin", "1.5", "--account", "wallet1"});
    ASSERT_EQ(r.code, 0) << r.output;
    const std::string back_hash = HashIn(r.output);
    ASSERT_FALSE(back_hash.empty()) << r.output;
    EXPECT_EQ(Balance("wallet1"), "58.5");

    r = Iwallet({"receipt", back_hash, "--format", "json"});
    ASSERT_EQ(r.code, 0) << r.output;
    EXPECT_EQ(JsonIn(r).value("status_code", ""), "SUCCESS") << r.output;

    r = Iwallet({"tx", back_hash, "--format", "json"});
    ASSERT_EQ(r.code, 0) << r.output;
    const json tx = JsonIn(r);
    ASSERT_EQ(tx.value("status", ""), "IRREVERSIBLE") << r.output;
    const std::string block_number = tx.value("block_number", "");

    r = Iwallet({"block", block_number, "--complete", "--format", "json"});
    ASSERT_EQ(r.code, 0) << r.output;
    bool found = false;
    const json block = JsonIn(r);
    for (const auto& t : block["block"]["transactions"])
        found = found || t.value("hash", "") == back_hash;
    EXPECT_TRUE(found) << "tx " << back_hash << " not in block " << block_number << ":\n"
                       << r.output;
    r = Iwallet({"block", block_number});
    ASSERT_EQ(r.code, 0) << r.output;
    EXPECT_NE(r.output.find("block " + block_number), std::string::npos) << r.output;

    // Offline: sign with an unreachable --server (proves no node is needed), then send.
    const std::string signed_file = m_net->dir() + "/signed.json";
    r = RunProgram({BinDir() + "/iwallet", "--server", "http://127.0.0.1:1", "--chain-id",
                    std::to_string(m_net->manifest().chain_id), "--keys-dir", m_keys, "sign-tx",
                    "token.iost", "transfer", R"(["iost","admin","wallet1","2",""])", "--account",
                    "admin", "--out", signed_file},
                   30s);
    ASSERT_EQ(r.code, 0) << r.output;
    r = Iwallet({"send", signed_file});
    ASSERT_EQ(r.code, 0) << r.output;
    EXPECT_EQ(Balance("wallet1"), "60.5");

    // The same signed tx again: the node refuses the duplicate, exit 1.
    r = Iwallet({"send", signed_file});
    EXPECT_EQ(r.code, 1) << r.output;
    EXPECT_NE(r.output.find("refused"), std::string::npos) << r.output;

    // More than wallet1 has: executed and failed (gas charged), exit 1.
    r = Iwallet({"transfer", "admin", "1000", "--account", "wallet1"});
    EXPECT_EQ(r.code, 1) << r.output;
    EXPECT_NE(r.output.find("RUNTIME_ERROR"), std::string::npos) << r.output;
    EXPECT_EQ(Balance("wallet1"), "60.5");

    // A bad argument never reaches the node: exit 2.
    r = Iwallet({"transfer", "admin", "1.000000001", "--account", "wallet1"});
    EXPECT_EQ(r.code, 2) << r.output;

    // PoB view.
    r = Iwallet({"pob"});
    ASSERT_EQ(r.code, 0) << r.output;
    EXPECT_NE(r.output.find("believable"), std::string::npos) << r.output;
}

TEST_F(IwalletDevnet, EncryptedKeyStoreSignsWithThePasswordFile) {
    StartDevnet("iwallet2", "127.30.2.1");
    ASSERT_TRUE(m_net);
    const auto& user = m_net->Account("user1");
    const std::string pw = m_net->dir() + "/pw.txt", bad = m_net->dir() + "/bad.txt";
    std::ofstream(pw) << "s3cret-pass\n";
    std::ofstream(bad) << "not-it\n";
    CliResult r = Iwallet(
        {"account", "import", "user1", user.secret_key, "--encrypt", "--password-file", pw});
    ASSERT_EQ(r.code, 0) << r.output;
    std::ifstream in(m_keys + "/user1.json");
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(text.find(user.secret_key), std::string::npos) << "secret stored in the clear";

    r = Iwallet({"transfer", "admin", "1", "--account", "user1", "--password-file", bad});
    EXPECT_EQ(r.code, 2) << r.output;
    EXPECT_NE(r.output.find("wrong password"), std::string::npos) << r.output;
    r = Iwallet({"transfer", "admin", "1", "--account", "user1"});  // --no-prompt, no password
    EXPECT_EQ(r.code, 2) << r.output;
    r = Iwallet({"transfer", "admin", "1", "--account", "user1", "--password-file", pw, "--format",
                 "json"});
    ASSERT_EQ(r.code, 0) << r.output;
    const json j = JsonIn(r);
    EXPECT_EQ(j.value("outcome", ""), "SUCCESS") << r.output;
    EXPECT_TRUE(j["irreversible_ms"].is_number()) << r.output;

    r = Iwallet({"account", "list"});
    ASSERT_EQ(r.code, 0) << r.output;
    EXPECT_NE(r.output.find("user1"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("(encrypted)"), std::string::npos) << r.output;
    r = Iwallet({"account", "delete", "user1"});
    ASSERT_EQ(r.code, 0) << r.output;
    EXPECT_FALSE(fs::exists(m_keys + "/user1.json"));
}

}  // namespace
}  // namespace iost::functional
