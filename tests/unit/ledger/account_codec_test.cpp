// The binary account record (docs/formats.md "Account record") and the
// contract-argument fast path (native::ParseFlatArray): round trips,
// canonical form, malformed input refused with a message saying what is
// wrong, and the fast path checked against nlohmann::json.
#include <core/codec.h>
#include <gtest/gtest.h>
#include <ledger/auth.h>
#include <ledger/native.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <string>
#include <vector>

#include "ledger_fixture.h"

namespace iost::ledger {
namespace {

const std::string kKey = "GeWWiNLBSnQwuKJZxyU1aJEEhhFPYWjX2ZM8TCJVntRc";

Account Rich() {
    Account a = Account::New("bob12", "alice", kKey, kKey);
    a.groups.emplace("grp", PermissionGroup{"grp",
                                            {PermissionItem{"carol", "active", false, 50},
                                             PermissionItem{kKey, "", true, 1}}});
    a.permissions["active"].groups.push_back("grp");
    a.permissions["active"].items.push_back(PermissionItem{"alice", "owner", false, 30});
    a.permissions.emplace("trade", Permission{"trade", {}, {}, 1});
    return a;
}

bool Contains(const std::string& s, const std::string& part) {
    return s.find(part) != std::string::npos;
}

TEST(AccountRecord, RoundTripsAndAgreesWithTheJsonForm) {
    for (const Account& a : {Account::New("alice", "", kKey, kKey), Rich()}) {
        const std::string bytes = a.Encode();
        EXPECT_EQ(static_cast<uint8_t>(bytes[0]), kAccountFormatV1);
        auto back = Account::Decode(bytes);
        ASSERT_TRUE(back.ok()) << back.error().message;
        EXPECT_EQ(*back, a);
        EXPECT_EQ(back->Encode(), bytes);
        // The API's JSON is built from the decoded account: same as before.
        auto via_json = Account::FromJson(a.ToJson());
        ASSERT_TRUE(via_json.ok());
        EXPECT_EQ(*via_json, *back);
        EXPECT_EQ(back->ToJson(), a.ToJson());
        // Compact: well under the JSON form.
        EXPECT_LT(bytes.size(), a.ToJson().size() * 3 / 4);
    }
    // The sizes docs/formats.md §R quotes (44-character base58 key).
    const Account plain = Account::New("alice", "", kKey, kKey);
    EXPECT_EQ(plain.Encode().size(), 187u);
    EXPECT_EQ(plain.ToJson().size(), 356u);
}

TEST(AccountRecord, EveryTruncationAndTrailingByteIsRefused) {
    const std::string bytes = Rich().Encode();
    for (size_t n = 0; n < bytes.size(); ++n) {
        auto r = Account::Decode(bytes.substr(0, n));
        ASSERT_FALSE(r.ok()) << "prefix of " << n << " bytes decoded";
        EXPECT_TRUE(Contains(r.error().message, "account record")) << r.error().message;
    }
    auto r = Account::Decode(bytes + std::string(1, '\0'));
    ASSERT_FALSE(r.ok());
    EXPECT_TRUE(Contains(r.error().message, "trailing")) << r.error().message;
}

TEST(AccountRecord, UnknownFormatNamedInTheError) {
    std::string bytes = Rich().Encode();
    bytes[0] = 2;
    auto r = Account::Decode(bytes);
    ASSERT_FALSE(r.ok());
    EXPECT_TRUE(Contains(r.error().message, "unknown format 2")) << r.error().message;
    // The old JSON form is not a record either.
    auto j = Account::Decode(Rich().ToJson());
    ASSERT_FALSE(j.ok());
    EXPECT_TRUE(Contains(j.error().message, "unknown format")) << j.error().message;
}

TEST(AccountRecord, NonCanonicalOrderAndBadItemKindRefused) {
    // Permissions must ascend by name: swap "active" and "owner" by hand.
    core::Encoder e;
    e.WriteByte(kAccountFormatV1).WriteString("alice").WriteString("");
    e.WriteInt32(0);  // no groups
    e.WriteInt32(2);
    for (const char* name : {"owner", "active"}) {
        e.WriteString(name).WriteStringList(std::vector<std::string>{});
        e.WriteInt32(0).WriteInt64(1);
    }
    auto r = Account::Decode(std::string(e.bytes().begin(), e.bytes().end()));
    ASSERT_FALSE(r.ok());
    EXPECT_TRUE(Contains(r.error().message, "out of order or repeated")) << r.error().message;

    // An item kind other than 0 (account) / 1 (key).
    std::string bytes = Account::New("alice", "", kKey, kKey).Encode();
    const std::string needle = std::string("\x01\x00\x00\x00\x2c", 5) + kKey;  // kind, id
    const size_t at = bytes.find(needle);
    ASSERT_NE(at, std::string::npos);
    bytes[at] = 7;
    auto k = Account::Decode(bytes);
    ASSERT_FALSE(k.ok());
    EXPECT_TRUE(Contains(k.error().message, "unknown item kind 7")) << k.error().message;
}

TEST(AccountRecord, ForgedCountsDoNotAllocate) {
    core::Encoder e;
    e.WriteByte(kAccountFormatV1).WriteString("alice").WriteString("");
    e.WriteInt32(0x7fffffff);  // groups
    auto r = Account::Decode(std::string(e.bytes().begin(), e.bytes().end()));
    ASSERT_FALSE(r.ok());
    EXPECT_TRUE(Contains(r.error().message, "group count")) << r.error().message;
}

RC_GTEST_PROP(AccountRecord, RandomAccountsRoundTrip, ()) {
    const auto names = rc::gen::container<std::vector<std::string>>(
        rc::gen::container<std::string>(rc::gen::inRange('a', 'z')));
    Account a;
    a.id = *rc::gen::container<std::string>(rc::gen::arbitrary<char>());
    a.referrer = *rc::gen::arbitrary<std::string>();
    for (const auto& g : *names) {
        PermissionGroup pg{g, {}};
        const int n = *rc::gen::inRange(0, 3);
        for (int i = 0; i < n; ++i) {
            const bool key = *rc::gen::arbitrary<bool>();
            pg.items.push_back({*rc::gen::arbitrary<std::string>(),
                                key ? "" : *rc::gen::arbitrary<std::string>(), key,
                                *rc::gen::arbitrary<int64_t>()});
        }
        a.groups.emplace(g, std::move(pg));
    }
    for (const auto& p : *names) {
        Permission perm{p, *names, {}, *rc::gen::arbitrary<int64_t>()};
        if (*rc::gen::arbitrary<bool>()) perm.items.push_back({kKey, "", true, 100});
        a.permissions.emplace(p, std::move(perm));
    }
    const std::string bytes = a.Encode();
    auto back = Account::Decode(bytes);
    RC_ASSERT(back.ok());
    RC_ASSERT(*back == a);
    RC_ASSERT(back->Encode() == bytes);
}

// --- contract arguments: the fast path reproduces nlohmann exactly ---

TEST(FlatArgs, AcceptsPlainArraysAsNlohmannDoes) {
    for (const std::string text :
         {"[\"iost\",\"alice\",\"bobby\",\"1.5\",\"\"]", "[]", " [ 1 , -2 , true , false , null ] ",
          "[-0]", "[123456789012345678]", "[0]", "[\"a b ~\"]", "\t[\n\"x\"\r]\n"}) {
        auto fast = native::ParseFlatArray(text);
        ASSERT_TRUE(fast.has_value()) << text;
        auto slow = nlohmann::json::parse(text);
        EXPECT_EQ(*fast, slow) << text;
        EXPECT_EQ(fast->dump(), slow.dump()) << text;
        for (size_t i = 0; i < slow.size(); ++i) {
            EXPECT_EQ((*fast)[i].type(), slow[i].type()) << text << " item " << i;
        }
    }
}

TEST(FlatArgs, LeavesEverythingElseToNlohmann) {
    for (const std::string text :
         {"[\"a\\u00e9\"]", "[\"\\\"\"]", "[1.5]", "[1e3]", "[01]", "[1,]", "[,1]", "[[1]]",
          "{\"a\":1}", "[\"x\"] y", "[1234567890123456789]", "[\"\x7f\"]", "[\"\xc3\xa9\"]", "",
          "[", "[\"open", "[tru]", "[-]", "[1 2]"}) {
        EXPECT_FALSE(native::ParseFlatArray(text).has_value()) << text;
    }
}

// Random token soup: whenever the fast path accepts, nlohmann agrees.
RC_GTEST_PROP(FlatArgs, AgreesWithNlohmannOnRandomInput, ()) {
    const std::vector<std::string> tokens = {
        "[",    "]",     ",",    " ",  "\"",    "a",  "0", "1", "-",  "9", ".",        "e",
        "true", "false", "null", "\\", "\"s\"", "12", "{", "}", "\n", "x", "\xc3\xa9", "00"};
    const auto picks =
        *rc::gen::container<std::vector<size_t>>(rc::gen::inRange<size_t>(0, tokens.size()));
    std::string text = "[";
    for (size_t p : picks) text += tokens[p];
    auto fast = native::ParseFlatArray(text);
    auto slow = nlohmann::json::parse(text, nullptr, false);
    if (fast) {
        RC_ASSERT(!slow.is_discarded());
        RC_ASSERT(*fast == slow);
        RC_ASSERT(fast->dump() == slow.dump());
    }
}

TEST(FlatArgs, ArgumentErrorsAreUnchanged) {
    using native::Arg;
    auto r = native::ParseArgs("[\"a\",1]", {Arg::kString, Arg::kString});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().message, "prepare contract: arg 1 should be string, got 1");
    auto n = native::ParseArgs("[\"a\"]", {Arg::kString, Arg::kString});
    ASSERT_FALSE(n.ok());
    EXPECT_EQ(n.error().message, "prepare contract: args length mismatch: need 2, got 1");
    auto bad = native::ParseArgs("[1,]", {Arg::kNumber});
    ASSERT_FALSE(bad.ok());
    EXPECT_TRUE(Contains(bad.error().message, "args should be a JSON array"))
        << bad.error().message;
}

}  // namespace
}  // namespace iost::ledger
