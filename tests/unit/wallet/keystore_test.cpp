// KeyStore: file modes, plain and encrypted round trips, wrong passwords,
// every kind of damaged file, overwrite protection, names that could escape
// the directory, listing and deleting, and where passwords come from.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <util/bytes.h>
#include <wallet/keystore.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace iost::wallet {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

class KeyStoreTest : public ::testing::Test {
  protected:
    void SetUp() override {
        m_dir = fs::path(::testing::TempDir()) /
                ("iwallet_ks_" + std::to_string(::getpid()) + "_" +
                 ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(m_dir);
    }
    void TearDown() override { fs::remove_all(m_dir); }

    std::string Dir() const { return (m_dir / "keys").string(); }
    KeyStore Store() const { return KeyStore(Dir()); }
    std::string Read(const std::string& name) const {
        std::ifstream in(Store().PathOf(name));
        std::stringstream ss;
        ss << in.rdbuf();
        return ss.str();
    }
    void Write(const std::string& name, const std::string& text) const {
        fs::create_directories(Dir());
        std::ofstream(Store().PathOf(name), std::ios::binary | std::ios::trunc) << text;
    }

    fs::path m_dir;
};

crypto::KeyPair Key(const char* seed = "keystore-test") {
    return crypto::KeyPair::FromSeed(crypto::Algorithm::kEd25519, seed);
}

TEST_F(KeyStoreTest, SavedFileIs0600InA0700Directory) {
    ASSERT_TRUE(Store().Save("alice", Key(), std::nullopt).ok());
    struct stat st {};
    ASSERT_EQ(::stat(Store().PathOf("alice").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    ASSERT_EQ(::stat(Dir().c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0700u);
    // No temp file left behind.
    size_t files = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(Dir())) ++files;
    EXPECT_EQ(files, 1u);
}

TEST_F(KeyStoreTest, PlainRoundTripInGoIostShape) {
    const auto kp = Key();
    ASSERT_TRUE(Store().Save("alice", kp, std::nullopt).ok());
    Json j = Json::parse(Read("alice"));
    EXPECT_EQ(j["name"], "alice");
    EXPECT_EQ(j["keypairs"]["active"]["key_type"], "ed25519");
    EXPECT_EQ(j["keypairs"]["active"]["raw_key"], util::Base58Encode(kp.SecretBytes()));
    EXPECT_EQ(j["keypairs"]["owner"]["public_key"], util::Base58Encode(kp.public_key().bytes));
    auto loaded = Store().Load("alice", std::nullopt);
    ASSERT_TRUE(loaded.ok()) << loaded.error().message;
    EXPECT_EQ(loaded->Find("active")->SecretBytes(), kp.SecretBytes());
    EXPECT_EQ(loaded->Find("owner")->public_key(), kp.public_key());
    EXPECT_TRUE(loaded->warnings.empty());
    EXPECT_FALSE(Store().IsEncrypted("alice"));
}

TEST_F(KeyStoreTest, EncryptedRoundTripHidesTheSecret) {
    const auto kp = Key();
    ASSERT_TRUE(
        Store()
            .Save("alice", kp, std::string("correct horse"), Overwrite::kNo, KdfLimits::Minimal())
            .ok());
    const std::string text = Read("alice");
    EXPECT_EQ(text.find(util::Base58Encode(kp.SecretBytes())), std::string::npos);
    EXPECT_EQ(text.find("raw_key"), std::string::npos);
    Json j = Json::parse(text);
    EXPECT_EQ(j["keypairs"]["active"]["encrypt_method"], kEncryptMethod);
    // Each entry has its own salt and nonce.
    EXPECT_NE(j["keypairs"]["active"]["nonce"], j["keypairs"]["owner"]["nonce"]);
    EXPECT_TRUE(Store().IsEncrypted("alice"));
    auto loaded = Store().Load("alice", std::string("correct horse"));
    ASSERT_TRUE(loaded.ok()) << loaded.error().message;
    EXPECT_EQ(loaded->Find("active")->SecretBytes(), kp.SecretBytes());
}

TEST_F(KeyStoreTest, WrongOrMissingPasswordFails) {
    ASSERT_TRUE(
        Store()
            .Save("alice", Key(), std::string("right"), Overwrite::kNo, KdfLimits::Minimal())
            .ok());
    auto wrong = Store().Load("alice", std::string("wrong"));
    ASSERT_FALSE(wrong.ok());
    EXPECT_NE(wrong.error().message.find("wrong password"), std::string::npos)
        << wrong.error().message;
    auto none = Store().Load("alice", std::nullopt);
    ASSERT_FALSE(none.ok());
    EXPECT_NE(none.error().message.find("password is needed"), std::string::npos)
        << none.error().message;
    EXPECT_FALSE(
        Store().Save("bobby", Key(), std::string(""), Overwrite::kNo, KdfLimits::Minimal()).ok());
}

TEST_F(KeyStoreTest, DamagedFilesAreRefusedWithAReason) {
    const auto kp = Key();
    ASSERT_TRUE(
        Store().Save("alice", kp, std::string("pw"), Overwrite::kNo, KdfLimits::Minimal()).ok());
    const Json good = Json::parse(Read("alice"));
    const std::string pub = util::Base58Encode(kp.public_key().bytes);
    const std::string other_secret = util::Base58Encode(Key("other").SecretBytes());

    struct Case {
        const char* what;
        std::string text;
        const char* expect;
    };
    auto mutate = [&](auto f) {
        Json j = good;
        f(j);
        return j.dump();
    };
    auto flip = [](std::string s) {
        s[s.size() / 2] = s[s.size() / 2] == 'A' ? 'B' : 'A';
        return s;
    };
    const std::vector<Case> cases = {
        {"empty", "", "not JSON"},
        {"truncated", Read("alice").substr(0, 100), "not JSON"},
        {"array", "[1,2]", "not JSON"},
        {"no keypairs", R"({"name":"alice"})", "keypairs"},
        {"bad name", mutate([](Json& j) { j["name"] = "../../etc"; }), "account name"},
        {"tampered ciphertext", mutate([&](Json& j) {
             j["keypairs"]["active"]["encrypted_key"] =
                 flip(j["keypairs"]["active"]["encrypted_key"]);
         }),
         "wrong password or corrupted"},
        {"tampered salt", mutate([&](Json& j) {
             j["keypairs"]["active"]["salt"] = flip(j["keypairs"]["active"]["salt"]);
         }),
         ""},
        {"short nonce", mutate([](Json& j) { j["keypairs"]["active"]["nonce"] = "abc"; }), "nonce"},
        {"huge memlimit",
         mutate([](Json& j) { j["keypairs"]["active"]["memlimit"] = uint64_t{1} << 40; }),
         "memlimit"},
        {"huge opslimit", mutate([](Json& j) { j["keypairs"]["active"]["opslimit"] = 1'000'000; }),
         "opslimit"},
        {"go-iost v0", mutate([](Json& j) { j["keypairs"]["active"]["encrypt_method"] = "v0"; }),
         "unsupported encrypt_method"},
        {"bad key type", mutate([](Json& j) { j["keypairs"]["active"]["key_type"] = "rsa"; }),
         "key_type"},
        {"public key mismatch",
         Json{{"name", "alice"},
              {"keypairs",
               {{"active",
                 {{"raw_key", other_secret}, {"key_type", "ed25519"}, {"public_key", pub}}}}}}
             .dump(),
         "does not match"},
        {"raw key not base58",
         Json{{"name", "alice"},
              {"keypairs",
               {{"active", {{"raw_key", "0OIl"}, {"key_type", "ed25519"}, {"public_key", pub}}}}}}
             .dump(),
         "base58"},
        {"no active",
         Json{{"name", "alice"},
              {"keypairs",
               {{"owner",
                 {{"raw_key", other_secret},
                  {"key_type", "ed25519"},
                  {"public_key", util::Base58Encode(Key("other").public_key().bytes)}}}}}}
             .dump(),
         "no \"active\""},
        {"too large", std::string(kMaxKeyFileBytes + 10, ' '), "too large"},
    };
    for (const auto& c : cases) {
        Write("alice", c.text);
        auto r = Store().Load("alice", std::string("pw"));
        ASSERT_FALSE(r.ok()) << c.what;
        EXPECT_NE(r.error().message.find(c.expect), std::string::npos)
            << c.what << ": " << r.error().message;
    }
}

TEST_F(KeyStoreTest, FileForAnotherAccountIsRefused) {
    ASSERT_TRUE(Store().Save("alice", Key(), std::nullopt).ok());
    fs::copy_file(Store().PathOf("alice"), Store().PathOf("bobby"));
    auto r = Store().Load("bobby", std::nullopt);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("for account \"alice\""), std::string::npos)
        << r.error().message;
}

TEST_F(KeyStoreTest, RefusesOverwriteUnlessAsked) {
    ASSERT_TRUE(Store().Save("alice", Key("one"), std::nullopt).ok());
    auto again = Store().Save("alice", Key("two"), std::nullopt);
    ASSERT_FALSE(again.ok());
    EXPECT_NE(again.error().message.find("already exists"), std::string::npos);
    EXPECT_EQ(Store().Load("alice", std::nullopt)->Find("active")->public_key(),
              Key("one").public_key());
    ASSERT_TRUE(Store().Save("alice", Key("two"), std::nullopt, Overwrite::kYes).ok());
    EXPECT_EQ(Store().Load("alice", std::nullopt)->Find("active")->public_key(),
              Key("two").public_key());
}

TEST_F(KeyStoreTest, NamesThatAreNotAccountsAreRefused) {
    for (const char* bad : {"../x1234", "ALICE", "ab", "abcdefghijkl", "a/b/cde", ""}) {
        EXPECT_FALSE(Store().Save(bad, Key(), std::nullopt).ok()) << bad;
        EXPECT_FALSE(Store().Load(bad, std::nullopt).ok()) << bad;
        EXPECT_FALSE(Store().Delete(bad).ok()) << bad;
    }
    EXPECT_FALSE(fs::exists(m_dir / "x1234.json"));
}

TEST_F(KeyStoreTest, ListShowsAccountsAndUnreadableFiles) {
    auto empty = Store().List();
    ASSERT_TRUE(empty.ok());
    EXPECT_TRUE(empty->empty());
    ASSERT_TRUE(Store().Save("carol", Key("c"), std::nullopt).ok());
    ASSERT_TRUE(
        Store()
            .Save("alice", Key("a"), std::string("pw"), Overwrite::kNo, KdfLimits::Minimal())
            .ok());
    Write("broken", "{oops");
    Write("NotAnAccount", "{}");  // not an account name: ignored
    auto list = Store().List();
    ASSERT_TRUE(list.ok());
    ASSERT_EQ(list->size(), 3u);
    EXPECT_EQ((*list)[0].name, "alice");
    EXPECT_TRUE((*list)[0].encrypted);
    EXPECT_EQ((*list)[0].active_public_key, util::Base58Encode(Key("a").public_key().bytes));
    EXPECT_EQ((*list)[1].name, "broken");
    EXPECT_FALSE((*list)[1].error.empty());
    EXPECT_EQ((*list)[2].name, "carol");
    EXPECT_FALSE((*list)[2].encrypted);
}

TEST_F(KeyStoreTest, DeleteRemovesTheFileAndReportsMissingOnes) {
    ASSERT_TRUE(Store().Save("alice", Key(), std::nullopt).ok());
    ASSERT_TRUE(Store().Delete("alice").ok());
    EXPECT_FALSE(Store().Exists("alice"));
    auto again = Store().Delete("alice");
    ASSERT_FALSE(again.ok());
    EXPECT_NE(again.error().message.find("not in"), std::string::npos);
    auto load = Store().Load("alice", std::nullopt);
    ASSERT_FALSE(load.ok());
    EXPECT_NE(load.error().message.find("account import"), std::string::npos);
}

TEST_F(KeyStoreTest, GroupReadableFileLoadsWithAWarning) {
    ASSERT_TRUE(Store().Save("alice", Key(), std::nullopt).ok());
    ASSERT_EQ(::chmod(Store().PathOf("alice").c_str(), 0644), 0);
    auto r = Store().Load("alice", std::nullopt);
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(r->warnings.size(), 1u);
    EXPECT_NE(r->warnings[0].find("chmod 600"), std::string::npos);
}

TEST_F(KeyStoreTest, PasswordSources) {
    fs::create_directories(m_dir);
    const std::string file = (m_dir / "pw.txt").string();
    std::ofstream(file) << "from-file\r\nsecond line\n";
    PasswordSource src;
    src.file = file;
    src.allow_prompt = false;
    auto pw = ReadPassword(src, "", false);
    ASSERT_TRUE(pw.ok());
    EXPECT_EQ(*pw, "from-file");

    std::ofstream(file, std::ios::trunc) << "\n";
    EXPECT_FALSE(ReadPassword(src, "", false).ok());
    src.file = (m_dir / "missing.txt").string();
    EXPECT_FALSE(ReadPassword(src, "", false).ok());

    src.file.clear();
    ::setenv(kPasswordEnv, "from-env", 1);
    pw = ReadPassword(src, "", false);
    ::unsetenv(kPasswordEnv);
    ASSERT_TRUE(pw.ok());
    EXPECT_EQ(*pw, "from-env");

    auto none = ReadPassword(src, "", false);
    ASSERT_FALSE(none.ok());
    EXPECT_NE(none.error().message.find(kPasswordEnv), std::string::npos);
}

TEST_F(KeyStoreTest, DefaultDirFollowsEnvThenHome) {
    ::setenv(kKeysDirEnv, "/tmp/some-keys", 1);
    EXPECT_EQ(*DefaultKeysDir(), "/tmp/some-keys");
    ::unsetenv(kKeysDirEnv);
    const char* home = std::getenv("HOME");
    if (home != nullptr) {
        EXPECT_EQ(*DefaultKeysDir(), std::string(home) + "/.iwallet");
    }
}

}  // namespace
}  // namespace iost::wallet
