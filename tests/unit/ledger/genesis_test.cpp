// The genesis file: the example loads, every bad file under genesis/ is
// refused with the message its first line expects, the hash is
// deterministic and covers every field.
#include <core/genesis.h>
#include <gtest/gtest.h>
#include <ledger/ledger.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace iost::core {
namespace {

namespace fs = std::filesystem;

std::string ReadFile(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

fs::path GenesisDir() { return fs::path(IOST_TEST_DATA_DIR) / "unit" / "ledger" / "genesis"; }

TEST(Genesis, ExampleFileLoadsAndBuildsState) {
    const fs::path example =
        fs::path(IOST_TEST_DATA_DIR).parent_path() / "config" / "genesis.example.yml";
    auto g = LoadGenesisFile(example.string());
    ASSERT_TRUE(g.ok()) << g.error().message;
    EXPECT_EQ(g->chain_id, 1020u);
    EXPECT_EQ(g->timestamp_ns, 1'767'225'600'000'000'000);
    EXPECT_EQ(g->accounts.size(), 6u);
    EXPECT_EQ(g->validators.size(), 4u);
    EXPECT_EQ(g->pob.sampling_probability_ppm, 100'000u);
    EXPECT_EQ(g->pob.believable_size, 2u);
    EXPECT_EQ(g->accounts[0].ram_bytes, 100'000);
    EXPECT_EQ(g->token.allocations[0].amount.raw(), 20'000'000'000 * Pow10(8));
    auto st = ledger::BuildGenesisState(*g);
    ASSERT_TRUE(st.ok()) << st.error().message;
    ledger::MemState s;
    s.Apply(st->writes);
    EXPECT_EQ(ledger::BalanceOf(s, "iost", "node1"), 1'000'000 * Pow10(8) - 1000 * Pow10(8));
    EXPECT_EQ(ledger::BalanceOf(s, "ram", "admin"), 100'000);
    EXPECT_EQ(ledger::ElectionCandidates(s, 0).size(), 4u);
}

TEST(Genesis, GoodMinimalFileParses) {
    auto g = LoadGenesisFile((GenesisDir() / "good_minimal.yml").string());
    ASSERT_TRUE(g.ok()) << g.error().message;
    EXPECT_EQ(g->pob.sampling_probability_ppm, 250'000u);
}

TEST(Genesis, EveryBadFileIsRefusedWithItsMessage) {
    size_t checked = 0;
    for (const auto& entry : fs::directory_iterator(GenesisDir())) {
        const std::string name = entry.path().filename().string();
        if (!name.starts_with("bad_")) continue;
        const std::string text = ReadFile(entry.path());
        const std::string prefix = "# expect: ";
        ASSERT_TRUE(text.starts_with(prefix)) << name << " must start with '# expect: '";
        const std::string expect = text.substr(prefix.size(), text.find('\n') - prefix.size());
        auto g = LoadGenesisFile(entry.path().string());
        ASSERT_FALSE(g.ok()) << name << " was accepted";
        EXPECT_NE(g.error().message.find(expect), std::string::npos)
            << name << ": got '" << g.error().message << "', expected it to contain '" << expect
            << "'";
        // The message names the file.
        EXPECT_NE(g.error().message.find(name), std::string::npos) << g.error().message;
        ++checked;
    }
    EXPECT_GE(checked, 30u);
}

TEST(Genesis, MissingFileIsAClearError) {
    auto g = LoadGenesisFile("/nonexistent/genesis.yml");
    ASSERT_FALSE(g.ok());
    EXPECT_EQ(g.error().message, "cannot open genesis file '/nonexistent/genesis.yml'");
}

TEST(Genesis, HashIsDeterministicAndCoversFields) {
    const std::string text = ReadFile(GenesisDir() / "good_minimal.yml");
    auto a = ParseGenesisYaml(text);
    auto b = ParseGenesisYaml("# a comment changes nothing\n" + text);
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_EQ(GenesisHash(*a), GenesisHash(*b));
    Genesis c = *a;
    c.pob.sampling_probability_ppm += 1;
    EXPECT_NE(GenesisHash(c), GenesisHash(*a));
    Genesis d = *a;
    d.chain_id = 1024;
    EXPECT_NE(GenesisHash(d), GenesisHash(*a));
    Genesis e = *a;
    e.token.allocations[0].amount =
        Amount::FromRaw(e.token.allocations[0].amount.raw() + 1, 8).value();
    EXPECT_NE(GenesisHash(e), GenesisHash(*a));
}

TEST(Genesis, ProbabilityIsParsedExactly) {
    EXPECT_EQ(*ParseProbabilityPpm("1"), 1'000'000u);
    EXPECT_EQ(*ParseProbabilityPpm("1.0"), 1'000'000u);
    EXPECT_EQ(*ParseProbabilityPpm("0.000001"), 1u);
    EXPECT_EQ(*ParseProbabilityPpm("0.1"), 100'000u);
    for (const char* bad : {"", "0", "0.0", ".5", "5.", "-0.1", "1.000001", "2", "0.1x", "1e-1"}) {
        EXPECT_FALSE(ParseProbabilityPpm(bad).ok()) << bad;
    }
}

TEST(Genesis, PublicKeyText) {
    auto kp = crypto::KeyPair::FromSeed(crypto::Algorithm::kSecp256k1, "k");
    const std::string b58 = util::Base58Encode(kp.public_key().bytes);
    auto k = ParsePublicKeyText(b58);
    ASSERT_TRUE(k.ok()) << k.error().message;
    EXPECT_EQ(*k, kp.public_key());
    EXPECT_TRUE(ParsePublicKeyText("secp256k1:" + b58).ok());
    EXPECT_FALSE(ParsePublicKeyText("ed25519:" + b58).ok());
    EXPECT_FALSE(ParsePublicKeyText("").ok());
    // 33 bytes that are not a curve point.
    util::Bytes junk(33, 0x05);
    EXPECT_FALSE(ParsePublicKeyText(util::Base58Encode(junk)).ok());
}

}  // namespace
}  // namespace iost::core
