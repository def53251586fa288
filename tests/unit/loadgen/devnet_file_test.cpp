#include <gtest/gtest.h>
#include <loadgen/devnet_file.h>
#include <util/bytes.h>

namespace iost::loadgen {
namespace {

std::string Good() {
    const auto node_key = crypto::KeyPair::FromSeed(crypto::Algorithm::kEd25519, "node0");
    const auto acct = crypto::KeyPair::FromSeed(crypto::Algorithm::kEd25519, "admin");
    return R"({"chain_id": 1024, "dir": "/tmp/x", "sampling": 0.1, "fallback": false,
      "nodes": [{"name": "node0", "role": "believable", "pid": 77, "p2p": "127.41.0.1:30000",
                 "http": "http://127.41.0.1:30001", "config": "/tmp/x/node0/iserver.yml",
                 "public_key": ")" +
           util::Base58Encode(node_key.public_key().bytes) + R"("}],
      "accounts": [{"name": "admin", "algorithm": "ed25519", "public_key": "x",
                    "secret_key": ")" +
           util::Base58Encode(acct.SecretBytes()) + R"(", "balance": "1"}]})";
}

TEST(DevnetFile, ParsesTheContract) {
    auto d = ParseDevnetJson(Good());
    ASSERT_TRUE(d.ok()) << d.error().message;
    EXPECT_EQ(d->chain_id, 1024u);
    ASSERT_EQ(d->nodes.size(), 1u);
    EXPECT_EQ(d->nodes[0].role, NodeRole::kBelievable);
    EXPECT_EQ(d->nodes[0].pid, 77);
    EXPECT_EQ(d->nodes[0].public_key.size(), 32u);
    EXPECT_EQ(d->CountRole(NodeRole::kBelievable), 1u);
    ASSERT_NE(d->Account("admin"), nullptr);
    EXPECT_EQ(d->Account("admin")->key.public_key(),
              crypto::KeyPair::FromSeed(crypto::Algorithm::kEd25519, "admin").public_key());
    EXPECT_EQ(d->Account("nobody"), nullptr);
}

TEST(DevnetFile, BadInputSaysWhere) {
    auto expect_error = [](std::string text, const std::string& from, const std::string& to,
                           const char* needle) {
        const auto at = text.find(from);
        ASSERT_NE(at, std::string::npos) << from;
        text.replace(at, from.size(), to);
        auto d = ParseDevnetJson(text);
        ASSERT_FALSE(d.ok()) << needle;
        EXPECT_NE(d.error().message.find(needle), std::string::npos) << d.error().message;
    };
    const std::string g = Good();
    expect_error(g, "\"role\": \"believable\"", "\"role\": \"king\"", "nodes[0].role");
    expect_error(g, "\"pid\": 77", "\"pid\": -1", "nodes[0].pid");
    expect_error(g, "\"chain_id\": 1024", "\"chain_id\": \"x\"", "chain_id");
    expect_error(g, "\"p2p\"", "\"p3p\"", "nodes[0].p2p");
    expect_error(g, "\"public_key\": \"", "\"public_key\": \"0OIl", "nodes[0].public_key");
    expect_error(g, "\"algorithm\": \"ed25519\"", "\"algorithm\": \"rsa\"",
                 "accounts[0].algorithm");
    expect_error(g, "\"secret_key\": \"", "\"secret_key\": \"11", "accounts[0].secret_key");
    EXPECT_FALSE(ParseDevnetJson("[]").ok());
    EXPECT_FALSE(ParseDevnetJson("{").ok());
    EXPECT_FALSE(ParseDevnetJson(R"({"chain_id": 1, "nodes": []})").ok());
    EXPECT_FALSE(LoadDevnetFile("/nonexistent/devnet.json").ok());
}

}  // namespace
}  // namespace iost::loadgen
