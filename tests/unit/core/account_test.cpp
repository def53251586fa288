#include <core/account.h>
#include <gtest/gtest.h>

namespace iost::core {
namespace {

TEST(AccountName, IostRule) {
    for (const char* ok : {"alice", "bob_1", "a1234567890", "_____", "12345", "admin"}) {
        EXPECT_TRUE(ValidateAccountName(ok).ok()) << ok;
    }
    for (const char* bad : {"", "abcd", "abcdefghijkl", "Alice", "al.ce", "al@ce", "al ce",
                            "alice\n", "Contract1", "token.iost", "al-ce", "\xc3\xa9lice"}) {
        EXPECT_FALSE(ValidateAccountName(bad).ok()) << bad;
    }
    auto e = ValidateAccountName("abc");
    ASSERT_FALSE(e.ok());
    EXPECT_NE(e.error().message.find("5 to 11"), std::string::npos);
    auto c = ValidateAccountName("Alice");
    ASSERT_FALSE(c.ok());
    EXPECT_NE(c.error().message.find("lower-case"), std::string::npos);
}

TEST(PermissionName, IostRule) {
    EXPECT_TRUE(ValidatePermissionName("active").ok());
    EXPECT_TRUE(ValidatePermissionName("Owner_2").ok());
    EXPECT_FALSE(ValidatePermissionName("").ok());
    EXPECT_FALSE(ValidatePermissionName(std::string(33, 'a')).ok());
    EXPECT_TRUE(ValidatePermissionName(std::string(32, 'a')).ok());
    EXPECT_FALSE(ValidatePermissionName("act-ive").ok());
}

TEST(Signer, ParsesNameAtPerm) {
    auto s = ParseSigner("alice@active");
    ASSERT_TRUE(s.ok());
    EXPECT_EQ(s->account, "alice");
    EXPECT_EQ(s->permission, "active");
    EXPECT_EQ(s->ToString(), "alice@active");
    for (const char* bad :
         {"alice", "alice@", "@active", "alice@act@ive", "ali@active", "alice@act ive", ""}) {
        EXPECT_FALSE(ParseSigner(bad).ok()) << bad;
    }
}

TEST(ContractId, SystemAndDeployed) {
    EXPECT_TRUE(IsContractId("token.iost"));
    EXPECT_TRUE(IsContractId("vote_producer.iost"));
    EXPECT_TRUE(IsContractId("Contract5b2MbmHc7WS6bsGQeHpFjBw1aZr8Fq3Wvk1EjzZtLq8n"));
    EXPECT_FALSE(IsContractId(".iost"));
    EXPECT_FALSE(IsContractId("alice"));
    EXPECT_FALSE(IsContractId("Contract"));
    EXPECT_FALSE(IsContractId("Contract-x"));
    EXPECT_FALSE(IsContractId(std::string(100, 'a') + ".iost"));
}

}  // namespace
}  // namespace iost::core
