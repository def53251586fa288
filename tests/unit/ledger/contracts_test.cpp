// The system contracts through whole transactions: receipts, state effects
// and IOST's error messages.
#include <core/genesis.h>
#include <gtest/gtest.h>

#include <cstdio>

#include "ledger_fixture.h"

namespace iost::ledger {
namespace {

using namespace testing;  // NOLINT

class ContractsTest : public ::testing::Test {
  protected:
    core::TxReceipt Run(const std::string& publisher, std::vector<core::Action> actions,
                        std::vector<core::AmountLimit> limits = {{"*", "unlimited"}}) {
        m_t += 1'000'000'000;
        auto r =
            m_chain.Apply({MakeTx(publisher, std::move(actions), m_t, std::move(limits))}, m_t);
        EXPECT_TRUE(r.outcomes[0].executed) << r.outcomes[0].receipt.status.message;
        return r.outcomes[0].receipt;
    }
    core::TxReceipt Ok(const std::string& publisher, std::vector<core::Action> actions) {
        auto rc = Run(publisher, std::move(actions));
        EXPECT_EQ(rc.status.code, core::StatusCode::kSuccess) << rc.status.message;
        return rc;
    }
    std::string Fail(const std::string& publisher, std::vector<core::Action> actions) {
        auto rc = Run(publisher, std::move(actions));
        EXPECT_NE(rc.status.code, core::StatusCode::kSuccess);
        return rc.status.message;
    }
    // auth.iost changes need the account's owner permission (account.js _ra):
    // the owner key signs as the declared signer name@owner.
    core::TxReceipt OwnerOk(const std::string& who, core::Action action) {
        m_t += 1'000'000'000;
        core::Tx tx;
        tx.time = m_t;
        tx.expiration = m_t + 60'000'000'000;
        tx.gas_ratio = 100;
        tx.gas_limit = 200'000'000;  // the SDK's default 2,000,000 gas
        tx.chain_id = core::kLocalChainId;
        tx.actions = {std::move(action)};
        tx.signers = {who + "@owner"};
        tx.SignAsSigner(KeyOf(who + "-owner"));
        tx.SignAsPublisher(who, KeyOf(who));
        auto r = m_chain.Apply({tx}, m_t);
        EXPECT_TRUE(r.outcomes[0].executed) << r.outcomes[0].receipt.status.message;
        EXPECT_EQ(r.outcomes[0].receipt.status.code, core::StatusCode::kSuccess)
            << r.outcomes[0].receipt.status.message;
        return r.outcomes[0].receipt;
    }
    static std::string Key(const std::string& seed) {
        return util::Base58Encode(KeyOf(seed).public_key().bytes);
    }

    Chain m_chain;
    int64_t m_t = kT0;
};

TEST_F(ContractsTest, SignUpCreatesAccountAndPledgesGas) {
    const std::string owner = Key("dave-owner"), active = Key("dave");
    auto rc = Ok("alice",
                 {{"auth.iost", "signUp", R"(["dave1",")" + owner + R"(",")" + active + R"("])"}});
    // auth.iost is account.js in IOST: its call pays go-iost's JSCost flag-down fare.
    std::printf("[gas] signUp: %.2f gas\n", static_cast<double>(rc.gas_usage) / 100);
    EXPECT_GT(rc.gas_usage, kGasPerJsCall * 100);
    auto acc = GetAccount(m_chain.state(), "dave1");
    ASSERT_TRUE(acc.has_value());
    EXPECT_EQ(acc->referrer, "alice");
    EXPECT_EQ(acc->permissions.at("active").items.at(0).id, active);
    EXPECT_EQ(acc->permissions.at("owner").threshold, 100);
    // Receipts: the nested pledge transfer, the pledge, then signUp.
    ASSERT_EQ(rc.receipts.size(), 3u);
    EXPECT_EQ(rc.receipts[0].func_name, "token.iost/transfer");
    EXPECT_EQ(rc.receipts[0].content, R"(["iost","alice","gas.iost","10",""])");
    EXPECT_EQ(rc.receipts[1].func_name, "gas.iost/pledge");
    EXPECT_EQ(rc.receipts[2].func_name, "auth.iost/signUp");
    // go-iost GasImmediateReward / GasLimit: 100,000 and 300,000 gas per IOST (×100 here).
    EXPECT_EQ(GasInfo(m_chain.state(), "dave1", m_t).stock, 10 * 100'000 * 100);
    EXPECT_EQ(GasInfo(m_chain.state(), "dave1", m_t).limit, 10 * 300'000 * 100);

    EXPECT_NE(Fail("alice",
                   {{"auth.iost", "signUp", R"(["dave1",")" + owner + R"(",")" + active + R"("])"}})
                  .find("id existed > dave1"),
              std::string::npos);
    EXPECT_NE(Fail("alice",
                   {{"auth.iost", "signUp", R"(["Dave1",")" + owner + R"(",")" + active + R"("])"}})
                  .find("id invalid. id contains invalid character > D"),
              std::string::npos);
    EXPECT_NE(Fail("alice", {{"auth.iost", "signUp", R"(["dave2","nokey",")" + active + R"("])"}})
                  .find("invalid owner key"),
              std::string::npos);
    EXPECT_NE(
        Fail("alice", {{"auth.iost", "signUp", R"(["dave2", 5])"}}).find("args length mismatch"),
        std::string::npos);
}

TEST_F(ContractsTest, PermissionsAddAssignRevokeDrop) {
    // The active key alone may not change permissions.
    EXPECT_NE(Fail("alice", {{"auth.iost", "addPermission", R"(["alice","spend",60])"}})
                  .find("require auth failed"),
              std::string::npos);
    OwnerOk("alice", {"auth.iost", "addPermission", R"(["alice","spend",60])"});
    OwnerOk("alice",
            {"auth.iost", "assignPermission", R"(["alice","spend",")" + Key("k1") + R"(",30])"});
    OwnerOk("alice", {"auth.iost", "assignPermission", R"(["alice","spend","bobby@active",30])"});
    auto acc = GetAccount(m_chain.state(), "alice");
    ASSERT_TRUE(acc.has_value());
    const auto& p = acc->permissions.at("spend");
    EXPECT_EQ(p.threshold, 60);
    ASSERT_EQ(p.items.size(), 2u);
    EXPECT_FALSE(p.items[1].is_key_pair);
    EXPECT_EQ(p.items[1].permission, "active");

    // alice@spend as a signer: k1 (30) alone is not enough; k1 + bobby@active (30) is.
    auto signer_tx = [&](std::vector<std::string> seeds, int64_t t) {
        core::Tx tx;
        tx.time = t;
        tx.expiration = t + 60'000'000'000;
        tx.gas_ratio = 100;
        tx.gas_limit = 200'000'000;  // the SDK's default 2,000,000 gas
        tx.chain_id = core::kLocalChainId;
        tx.actions = {{"token.iost", "transfer", R"(["iost","alice","carol","1",""])"}};
        tx.signers = {"alice@spend"};
        tx.amount_limit = {{"iost", "1"}};
        for (const auto& s : seeds) tx.SignAsSigner(KeyOf(s));
        tx.SignAsPublisher("carol", KeyOf("carol"));
        return tx;
    };
    EXPECT_EQ(m_chain.ledger().CheckAuth(m_chain.state(), signer_tx({"k1"}, m_t)).error().message,
              "unauthorized signer: alice@spend");
    EXPECT_TRUE(m_chain.ledger().CheckAuth(m_chain.state(), signer_tx({"k1", "bobby"}, m_t)).ok());

    // Only the owner permission may change permissions.
    EXPECT_NE(Fail("bobby", {{"auth.iost", "addPermission", R"(["alice","x",1])"}})
                  .find("require auth failed"),
              std::string::npos);
    OwnerOk("alice", {"auth.iost", "revokePermission", R"(["alice","spend","bobby@active"])"});
    EXPECT_EQ(GetAccount(m_chain.state(), "alice")->permissions.at("spend").items.size(), 1u);
    OwnerOk("alice", {"auth.iost", "dropPermission", R"(["alice","spend"])"});
    EXPECT_EQ(GetAccount(m_chain.state(), "alice")->permissions.count("spend"), 0u);
}

TEST_F(ContractsTest, TokenCreateIssueTransferDestroy) {
    Ok("alice",
       {{"token.iost", "create", R"(["gold","alice",1000,{"decimal":2,"fullName":"Gold"}])"}});
    auto info = GetTokenInfo(m_chain.state(), "gold");
    ASSERT_TRUE(info.has_value());
    EXPECT_EQ(info->total_supply, 100'000);
    EXPECT_EQ(info->decimal, 2);
    EXPECT_NE(Fail("alice", {{"token.iost", "create", R"(["gold","alice",1000,{}])"}})
                  .find("token exists"),
              std::string::npos);
    EXPECT_NE(Fail("alice", {{"token.iost", "create", R"(["G","alice",1000,{}])"}})
                  .find("token symbol invalid"),
              std::string::npos);

    auto rc = Ok("alice", {{"token.iost", "issue", R"(["gold","bobby","12.345"])"}});
    EXPECT_EQ(rc.receipts[0].content, R"(["gold","bobby","12.34"])");  // truncated to 2 decimals
    EXPECT_EQ(BalanceOf(m_chain.state(), "gold", "bobby"), 1234);
    EXPECT_EQ(Supply(m_chain.state(), "gold"), 1234);
    EXPECT_NE(Fail("bobby", {{"token.iost", "issue", R"(["gold","bobby","1"])"}})
                  .find("transaction has no permission"),
              std::string::npos);
    EXPECT_NE(Fail("alice", {{"token.iost", "issue", R"(["gold","bobby","1000"])"}})
                  .find("supply too much"),
              std::string::npos);
    Ok("bobby", {{"token.iost", "transfer", R"(["gold","bobby","carol","2.34",""])"}});
    EXPECT_EQ(BalanceOf(m_chain.state(), "gold", "carol"), 234);
    Ok("carol", {{"token.iost", "destroy", R"(["gold","carol","1"])"}});
    EXPECT_EQ(BalanceOf(m_chain.state(), "gold", "carol"), 134);
    EXPECT_EQ(Supply(m_chain.state(), "gold"), 1134);
    auto bal = Ok("carol", {{"token.iost", "balanceOf", R"(["gold","carol"])"}});
    EXPECT_EQ(bal.returns[0], R"(["1.34"])");
    auto sup = Ok("carol", {{"token.iost", "supply", R"(["gold"])"}});
    EXPECT_EQ(sup.returns[0], R"(["11.34"])");
    auto tot = Ok("carol", {{"token.iost", "totalSupply", R"(["gold"])"}});
    EXPECT_EQ(tot.returns[0], R"(["1000"])");
    EXPECT_NE(Fail("carol", {{"token.iost", "transfer", R"(["gold","carol","nobody1","1",""])"}})
                  .find("invalid account nobody1"),
              std::string::npos);
    EXPECT_NE(Fail("carol", {{"token.iost", "transfer", R"(["gold","carol","alice","-1",""])"}})
                  .find("invalid amount -1"),
              std::string::npos);
    EXPECT_NE(Fail("carol", {{"token.iost", "transfer", R"(["gold","carol","alice","0",""])"}})
                  .find("invalid amount"),
              std::string::npos);
    const std::string memo(513, 'm');
    EXPECT_NE(Fail("carol", {{"token.iost", "transfer",
                              R"(["gold","carol","alice","1",")" + memo + R"("])"}})
                  .find("memo too large"),
              std::string::npos);
}

TEST_F(ContractsTest, TransferFreezeReleasesAtItsTime) {
    const int64_t ftime = m_t + 10'000'000'000;
    Ok("alice", {{"token.iost", "transferFreeze",
                  R"(["iost","alice","carol","7",)" + std::to_string(ftime) + R"(,""])"}});
    const int64_t carol = 99'000 * kIost;
    EXPECT_EQ(m_chain.Balance("carol"), carol);
    EXPECT_EQ(FrozenBalanceOf(m_chain.state(), "iost", "carol"), 7 * kIost);
    // Not yet spendable.
    EXPECT_NE(
        Fail("carol", {{"token.iost", "transfer", R"(["iost","carol","alice","99000.5",""])"}})
            .find("balance not enough"),
        std::string::npos);
    m_t = ftime;
    Ok("carol", {{"token.iost", "transfer", R"(["iost","carol","alice","99000.5",""])"}});
    EXPECT_EQ(m_chain.Balance("carol"), 6 * kIost + kIost / 2);
    EXPECT_EQ(FrozenBalanceOf(m_chain.state(), "iost", "carol"), 0);
}

TEST_F(ContractsTest, GasPledgeAndUnpledge) {
    const auto before = GasInfo(m_chain.state(), "carol", m_t + 1'000'000'000);
    Ok("alice", {{"gas.iost", "pledge", R"(["alice","carol","100"])"}});
    const auto after = GasInfo(m_chain.state(), "carol", m_t);
    EXPECT_EQ(after.pledge_total, before.pledge_total + 100 * kIost);
    EXPECT_EQ(after.limit, before.limit + int64_t{100} * 300'000 * 100);
    EXPECT_EQ(m_chain.Balance("gas.iost"), (8 * 1000 + 100) * kIost);
    EXPECT_NE(Fail("alice", {{"gas.iost", "pledge", R"(["alice","carol","0.5"])"}})
                  .find("min pledge num is 1"),
              std::string::npos);
    EXPECT_NE(Fail("bobby", {{"gas.iost", "unpledge", R"(["bobby","carol","1"])"}})
                  .find("bobby did not pledge for carol"),
              std::string::npos);
    Ok("alice", {{"gas.iost", "unpledge", R"(["alice","carol","100"])"}});
    EXPECT_NE(Fail("carol", {{"gas.iost", "unpledge", R"(["carol","carol","995"])"}})
                  .find("unpledge too much (1000 - 995) less than 10"),
              std::string::npos);
    EXPECT_EQ(FrozenBalanceOf(m_chain.state(), "iost", "alice"), 100 * kIost);
    EXPECT_EQ(m_chain.Balance("gas.iost"), 8 * 1000 * kIost);
}

TEST_F(ContractsTest, GasRegeneratesOverTime) {
    // Spend some gas, then wait: the stock grows back linearly up to the limit.
    Ok("alice", {{"token.iost", "transfer", R"(["iost","alice","bobby","1",""])"}});
    const auto g0 = GasInfo(m_chain.state(), "alice", m_t);
    EXPECT_LT(g0.stock, g0.limit);
    // 1000 IOST pledged regenerate 200,000 gas/IOST over 172800 s: 1000*20,000,000/172800
    // ×100-units per second.
    const auto g1 = GasInfo(m_chain.state(), "alice", m_t + 1'000'000'000);
    EXPECT_EQ(g1.stock - g0.stock,
              std::min<int64_t>(g0.limit - g0.stock, 1000LL * 20'000'000 / 172'800));
    const auto g2 = GasInfo(m_chain.state(), "alice", m_t + 10LL * 24 * 3600 * 1'000'000'000);
    EXPECT_EQ(g2.stock, g2.limit);
}

TEST_F(ContractsTest, TxWithoutGasIsRefused) {
    // dave1 has 10 IOST pledged by signUp (1,000,000 gas), less than a 4,000,000 gas limit.
    Ok("alice",
       {{"auth.iost", "signUp", R"(["dave1",")" + Key("d-o") + R"(",")" + Key("dave1") + R"("])"}});
    m_t += 1'000'000'000;
    core::Tx tx =
        MakeTx("alice", {{"token.iost", "transfer", R"(["iost","alice","dave1","5",""])"}}, m_t);
    m_chain.Apply({tx}, m_t);
    m_t += 1'000'000'000;
    core::Tx t2;
    t2.time = m_t;
    t2.expiration = m_t + 60'000'000'000;
    t2.gas_ratio = 100;
    t2.gas_limit = 400'000'000;
    t2.chain_id = core::kLocalChainId;
    t2.actions = {{"token.iost", "transfer", R"(["iost","dave1","alice","1",""])"}};
    t2.amount_limit = {{"iost", "1"}};
    t2.SignAsPublisher("dave1", KeyOf("dave1"));
    auto r = m_chain.Apply({t2}, m_t);
    EXPECT_FALSE(r.outcomes[0].executed);
    EXPECT_TRUE(
        r.outcomes[0].receipt.status.message.starts_with("gas not enough: user dave1 has 10000"))
        << r.outcomes[0].receipt.status.message;
    EXPECT_TRUE(r.outcomes[0].receipt.status.message.ends_with(" < 4000000"))
        << r.outcomes[0].receipt.status.message;
    // A self-pledge is allowed without gas.
    m_t += 1'000'000'000;
    core::Tx t3 = t2;
    t3.time = m_t;
    t3.expiration = m_t + 60'000'000'000;
    t3.actions = {{"gas.iost", "pledge", R"(["dave1","dave1","3"])"}};
    t3.amount_limit = {{"iost", "3"}};
    t3.publisher_sigs.clear();
    t3.SignAsPublisher("dave1", KeyOf("dave1"));
    auto r3 = m_chain.Apply({t3}, m_t);
    EXPECT_TRUE(r3.outcomes[0].executed) << r3.outcomes[0].receipt.status.message;
}

// The SDK's documented path (iost.js newAccount(name, creator, owner, active,
// 1024, 10), then transactions with its default gasLimit 2,000,000): signUp
// pledges 10 IOST and newAccount 10 more, 20 IOST give 2,000,000 gas at once
// (go-iost GasImmediateReward 100,000 per IOST), enough for the SDK's limit.
// With 1,000 gas per IOST (the old constant) the tx is refused.
TEST_F(ContractsTest, SdkNewAccountDefaultsCoverTheSdkGasLimit) {
    Ok("alice",
       {{"auth.iost", "signUp", R"(["erin1",")" + Key("e-o") + R"(",")" + Key("erin1") + R"("])"},
        {"ram.iost", "buy", R"(["alice","erin1",1024])"},
        {"gas.iost", "pledge", R"(["alice","erin1","10"])"}});
    m_t += 1'000'000'000;
    Ok("alice", {{"token.iost", "transfer", R"(["iost","alice","erin1","5",""])"}});
    m_t += 1'000'000'000;
    core::Tx tx;
    tx.time = m_t;
    tx.expiration = m_t + 60'000'000'000;
    tx.gas_ratio = 100;              // the SDK's gasRatio 1
    tx.gas_limit = 2'000'000 * 100;  // the SDK's gasLimit 2,000,000
    tx.chain_id = core::kLocalChainId;
    tx.actions = {{"token.iost", "transfer", R"(["iost","erin1","alice","1",""])"}};
    tx.amount_limit = {{"iost", "1"}};
    tx.SignAsPublisher("erin1", KeyOf("erin1"));
    auto r = m_chain.Apply({tx}, m_t);
    ASSERT_TRUE(r.outcomes[0].executed) << r.outcomes[0].receipt.status.message;
    EXPECT_EQ(r.outcomes[0].receipt.status.code, core::StatusCode::kSuccess)
        << r.outcomes[0].receipt.status.message;
    EXPECT_EQ(GasInfo(m_chain.state(), "erin1", m_t).pledge_total, 20 * kIost);
}

// token721.iost (go-iost vm/native/token721.go): ids issued in order,
// owners, metadata, per-owner lists, and the refusals.
TEST_F(ContractsTest, Token721CreateIssueTransferAndQueries) {
    Ok("alice", {{"token721.iost", "create", R"(["art","alice",2])"}});
    EXPECT_NE(
        Fail("alice", {{"token721.iost", "create", R"(["art","alice",2])"}}).find("token exists"),
        std::string::npos);
    EXPECT_NE(Fail("bobby", {{"token721.iost", "create", R"(["pix","alice",2])"}})
                  .find("transaction has no permission"),
              std::string::npos);
    auto i0 = Ok("alice", {{"token721.iost", "issue", R"(["art","bobby","{\"n\":0}"])"}});
    EXPECT_EQ(i0.returns[0], R"(["0"])");
    EXPECT_EQ(i0.receipts.back().func_name, "token721.iost/issue");
    auto i1 = Ok("alice", {{"token721.iost", "issue", R"(["art","bobby","meta1"])"}});
    EXPECT_EQ(i1.returns[0], R"(["1"])");
    EXPECT_GT(i1.ram_usage.at("alice"), 0);  // new records cost the publisher RAM
    EXPECT_NE(Fail("alice", {{"token721.iost", "issue", R"(["art","bobby","x"])"}})
                  .find("supply too much"),
              std::string::npos);
    EXPECT_NE(Fail("bobby", {{"token721.iost", "issue", R"(["nope","bobby","x"])"}})
                  .find("token not exists"),
              std::string::npos);

    EXPECT_EQ(Ok("carol", {{"token721.iost", "balanceOf", R"(["art","bobby"])"}}).returns[0],
              "[2]");
    // Only the owner may transfer, and only its own id.
    EXPECT_NE(Fail("carol", {{"token721.iost", "transfer", R"(["art","bobby","carol","0"])"}})
                  .find("transaction has no permission"),
              std::string::npos);
    EXPECT_NE(Fail("carol", {{"token721.iost", "transfer", R"(["art","carol","alice","0"])"}})
                  .find("error token owner isn't from. owner: bobby, from: carol"),
              std::string::npos);
    EXPECT_NE(Fail("bobby", {{"token721.iost", "transfer", R"(["art","bobby","carol","7"])"}})
                  .find("error tokenID not exists. art 7"),
              std::string::npos);
    Ok("bobby", {{"token721.iost", "transfer", R"(["art","bobby","carol","0"])"}});

    EXPECT_EQ(Ok("carol", {{"token721.iost", "ownerOf", R"(["art","0"])"}}).returns[0],
              R"(["carol"])");
    EXPECT_EQ(Ok("carol", {{"token721.iost", "balanceOf", R"(["art","bobby"])"}}).returns[0],
              "[1]");
    EXPECT_EQ(
        Ok("carol", {{"token721.iost", "tokenOfOwnerByIndex", R"(["art","bobby",0])"}}).returns[0],
        R"(["1"])");
    EXPECT_NE(Fail("carol", {{"token721.iost", "tokenOfOwnerByIndex", R"(["art","bobby",1])"}})
                  .find("out of range"),
              std::string::npos);
    EXPECT_EQ(Ok("carol", {{"token721.iost", "tokenMetadata", R"(["art","0"])"}}).returns[0],
              R"(["{\"n\":0}"])");
    // State: the list of each owner, as the API reads it.
    auto raw = m_chain.state().Get(schema::Token721ListKey("art", "carol"));
    ASSERT_TRUE(raw.has_value());
    EXPECT_EQ(schema::DecodeStringList(*raw).value(), std::vector<std::string>{"0"});
}

TEST_F(ContractsTest, OutOfGasFailsAndChargesTheLimit) {
    m_t += 1'000'000'000;
    core::Tx tx =
        MakeTx("alice", {{"token.iost", "transfer", R"(["iost","alice","bobby","1",""])"}}, m_t);
    tx.gas_limit = 600'000;  // 6000 gas: enough for the bytes, not for the work... make it tight
    tx.gas_ratio = 10'000;   // 100.00: 6000/100 = 60 gas units available
    tx.publisher_sigs.clear();
    tx.SignAsPublisher("alice", KeyOf("alice"));
    const int64_t before = m_chain.Balance("alice");
    auto r = m_chain.Apply({tx}, m_t);
    ASSERT_TRUE(r.outcomes[0].executed);
    EXPECT_EQ(r.outcomes[0].receipt.status.code, core::StatusCode::kRuntimeError);
    EXPECT_EQ(r.outcomes[0].receipt.status.message, "out of gas");
    EXPECT_EQ(r.outcomes[0].receipt.gas_usage, 60 * 10'000);
    EXPECT_EQ(m_chain.Balance("alice"), before);
}

TEST_F(ContractsTest, RamBuyAndSell) {
    const auto pool0 = *RamInfo(m_chain.state());
    auto rc = Ok("alice", {{"ram.iost", "buy", R"(["alice","alice",1024])"}});
    EXPECT_EQ(BalanceOf(m_chain.state(), "ram", "alice"), 10'000 + 1024);
    const auto pool1 = *RamInfo(m_chain.state());
    EXPECT_EQ(pool1.left_space, pool0.left_space - 1024);
    // price = reserve * n / (left - n), rounded to 0.01, plus a 2% fee (min 0.01).
    const __int128 raw = static_cast<__int128>(pool0.balance) * 1024 / (pool0.left_space - 1024);
    const int64_t raw_cents = static_cast<int64_t>((raw + 500'000) / 1'000'000 * 1'000'000);
    EXPECT_EQ(pool1.balance - pool0.balance, raw_cents);
    EXPECT_EQ(raw_cents, 512'000'000);  // 1024 bytes at 0.005 IOST
    const int64_t fee = 10'000'000;     // 2 % of 5.12 = 0.1024, rounded to 0.10
    EXPECT_EQ(m_chain.Balance("deadaddr"), fee);
    EXPECT_EQ(rc.returns[0], R"(["5.22"])");
    EXPECT_NE(Fail("alice", {{"ram.iost", "buy", R"(["alice","alice",5])"}})
                  .find("minimum ram amount for trading is 10 byte"),
              std::string::npos);
    EXPECT_NE(Fail("bobby", {{"ram.iost", "sell", R"(["bobby","bobby",100])"}})
                  .find("self ram amount 0, not enough for sell"),
              std::string::npos);
    const int64_t alice = m_chain.Balance("alice");
    Ok("alice", {{"ram.iost", "sell", R"(["alice","alice",1024])"}});
    EXPECT_EQ(BalanceOf(m_chain.state(), "ram", "alice"), 10'000);
    EXPECT_EQ(m_chain.Balance("alice"), alice + 512'000'000);
    EXPECT_EQ(RamInfo(m_chain.state())->left_space, pool0.left_space);
}

TEST_F(ContractsTest, VoteProducerRegisterStakeUnstake) {
    const std::string ck = Key("carol-consensus");
    Ok("carol", {{"vote_producer.iost", "applyRegister",
                  R"(["carol",")" + ck + R"(","loc","url","net",true])"}});
    auto v = GetValidator(m_chain.state(), "carol");
    ASSERT_TRUE(v.has_value());
    EXPECT_EQ(v->consensus_key, KeyOf("carol-consensus").public_key());
    EXPECT_EQ(GetValidators(m_chain.state()).size(), 5u);
    EXPECT_NE(Fail("bobby", {{"vote_producer.iost", "applyRegister",
                              R"(["bobby",")" + ck + R"(","loc","url","net",true])"}})
                  .find("pubkey is used by another producer"),
              std::string::npos);
    EXPECT_NE(Fail("bobby", {{"vote_producer.iost", "applyRegister",
                              R"(["carol",")" + Key("x") + R"(","loc","url","net",true])"}})
                  .find("require auth failed"),
              std::string::npos);
    Ok("carol", {{"vote_producer.iost", "stake", R"(["carol","500"])"}});
    Ok("alice", {{"vote_producer.iost", "vote", R"(["alice","carol","250.5"])"}});
    EXPECT_EQ(GetValidator(m_chain.state(), "carol")->stake, 750 * kIost + kIost / 2);
    Ok("carol", {{"vote_producer.iost", "unstake", R"(["carol","100"])"}});
    EXPECT_EQ(GetValidator(m_chain.state(), "carol")->stake, 650 * kIost + kIost / 2);
    EXPECT_EQ(FrozenBalanceOf(m_chain.state(), "iost", "carol"), 100 * kIost);
    EXPECT_NE(Fail("alice", {{"vote_producer.iost", "unvote", R"(["alice","carol","300"])"}})
                  .find("vote amount less than expected"),
              std::string::npos);
    Ok("carol", {{"vote_producer.iost", "applyUnregister", R"(["carol"])"}});
    EXPECT_EQ(ElectionCandidates(m_chain.state(), 0).size(), 4u);
}

// docs/pob.md §4.1, the comeback path at the ledger: an idle member, logged
// out by an epoch's last block as LedgerApp::Run does it (the idle penalty,
// the logout, then the decay), is no election candidate and keeps Servi 1
// (not 0: it is no newcomer). Only its own logInProducer (its vote
// permission, as `iwallet sys producer-login` sends it) makes it a candidate
// again, with the Servi it kept. Negative controls: other blocks, and
// someone else's login, leave it out.
TEST_F(ContractsTest, IdleLoggedOutValidatorIsACandidateAgainOnlyAfterItsLogin) {
    auto candidate = [&](const std::string& id) {
        for (const auto& v : ElectionCandidates(m_chain.state(), 0)) {
            if (v.account == id) return true;
        }
        return false;
    };
    ASSERT_TRUE(candidate("node3"));
    ASSERT_EQ(GetValidator(m_chain.state(), "node3")->servi, 30);
    {
        BlockExecutor ex(m_chain.ledger(), m_chain.state(), {m_t + 1'000'000'000, 100, "node1"});
        ASSERT_TRUE(ex.PenalizeServi("node3", 50).ok());  // servi_idle
        ASSERT_TRUE(ex.LogOutProducer("node3").ok());
        ex.DecayServi(10);
        auto r = ex.Finish();
        m_chain.mutable_state().Apply(r.writes);
    }
    auto out = GetValidator(m_chain.state(), "node3");
    EXPECT_FALSE(out->is_producer);
    EXPECT_EQ(out->status, schema::ValidatorStatus::kActive);
    EXPECT_EQ(out->servi, 1);
    EXPECT_FALSE(candidate("node3"));
    EXPECT_EQ(ElectionCandidates(m_chain.state(), 0).size(), 3u);
    Ok("alice", {{"token.iost", "transfer", R"(["iost","alice","bobby","1",""])"}});
    EXPECT_FALSE(candidate("node3"));
    EXPECT_NE(Fail("alice", {{"vote_producer.iost", "logInProducer", R"(["node3"])"}})
                  .find("require auth failed"),
              std::string::npos);
    EXPECT_FALSE(candidate("node3"));
    auto rc = Ok("node3", {{"vote_producer.iost", "logInProducer", R"(["node3"])"}});
    ASSERT_FALSE(rc.receipts.empty());
    EXPECT_EQ(rc.receipts.back().func_name, "vote_producer.iost/logInProducer");
    EXPECT_TRUE(candidate("node3"));
    EXPECT_EQ(GetValidator(m_chain.state(), "node3")->servi, 1);
    // Its own logout takes it out again (vote_producer.iost logOutProducer).
    Ok("node3", {{"vote_producer.iost", "logOutProducer", R"(["node3"])"}});
    EXPECT_FALSE(candidate("node3"));
}

TEST_F(ContractsTest, SystemContract) {
    auto rc = Ok("alice", {{"system.iost", "receipt", R"(["hello"])"}});
    EXPECT_EQ(rc.receipts[0].func_name, "system.iost/receipt");
    EXPECT_EQ(rc.receipts[0].content, "hello");
    auto ra = Ok("alice", {{"system.iost", "requireAuth", R"(["alice","active"])"}});
    EXPECT_EQ(ra.returns[0], "[true]");
    auto rb = Ok("alice", {{"system.iost", "requireAuth", R"(["bobby","active"])"}});
    EXPECT_EQ(rb.returns[0], "[false]");
    EXPECT_NE(Fail("alice", {{"system.iost", "setCode", R"(["code"])"}}).find("not supported"),
              std::string::npos);
    EXPECT_NE(Fail("alice", {{"nothing.iost", "x", R"([])"}}).find("contract not exists"),
              std::string::npos);
    EXPECT_NE(Fail("alice", {{"token.iost", "nope", R"([])"}}).find("abi nope not found"),
              std::string::npos);
    EXPECT_NE(
        Fail("alice", {{"token.iost", "transfer", "not json"}}).find("args should be a JSON array"),
        std::string::npos);
}

TEST_F(ContractsTest, FailedActionRollsBackEarlierActionsOfTheTx) {
    const int64_t a0 = m_chain.Balance("alice"), b0 = m_chain.Balance("bobby");
    auto rc =
        Run("alice", {{"token.iost", "transfer", R"(["iost","alice","bobby","1",""])"},
                      {"token.iost", "transfer", R"(["iost","alice","bobby","999999999",""])"}});
    EXPECT_EQ(rc.status.code, core::StatusCode::kRuntimeError);
    EXPECT_TRUE(rc.returns.empty());
    EXPECT_EQ(m_chain.Balance("alice"), a0);
    EXPECT_EQ(m_chain.Balance("bobby"), b0);
}

TEST_F(ContractsTest, SlashMovesEverythingToPoolAndCompensationPaysOut) {
    // node2 has a frozen amount too.
    Ok("alice", {{"token.iost", "transferFreeze",
                  R"(["iost","alice","node2","3",)" + std::to_string(m_t + 10'000'000'000'000) +
                      R"(,""])"}});
    const int64_t supply = Supply(m_chain.state(), "iost");
    const int64_t bal = m_chain.Balance("node2");
    BlockExecutor ex(m_chain.ledger(), m_chain.state(), {m_t + 1'000'000'000, 99, "node1"});
    auto s = ex.Slash("node2");
    ASSERT_TRUE(s.ok()) << s.error().message;
    EXPECT_EQ(s->tokens, bal + 3 * kIost);
    EXPECT_EQ(s->stake, 2'000'000 * kIost);
    EXPECT_EQ(s->servi, 20);
    EXPECT_FALSE(ex.Slash("node2").ok());
    EXPECT_FALSE(ex.Compensate("carol", s->total() + 1).ok());
    ASSERT_TRUE(ex.Compensate("carol", 5 * kIost).ok());
    EXPECT_FALSE(ex.Compensate("nobody1", 1).ok());
    EXPECT_FALSE(ex.Compensate("carol", 0).ok());
    ASSERT_TRUE(ex.AddServi("node1", 5).ok());
    ASSERT_TRUE(ex.AddServi("node3", -1000).ok());
    EXPECT_FALSE(ex.AddServi("nobody1", 1).ok());
    auto r = ex.Finish();
    m_chain.mutable_state().Apply(r.writes);
    const auto& st = m_chain.state();
    EXPECT_EQ(BalanceOf(st, "iost", "node2"), 0);
    EXPECT_EQ(FrozenBalanceOf(st, "iost", "node2"), 0);
    EXPECT_EQ(CompensationPoolBalance(st), s->total() - 5 * kIost);
    EXPECT_EQ(BalanceOf(st, "iost", "carol"), 99'000 * kIost + 5 * kIost);
    EXPECT_EQ(Supply(st, "iost"), supply);  // slashing moves, never burns
    auto v2 = GetValidator(st, "node2");
    EXPECT_EQ(v2->status, schema::ValidatorStatus::kSlashed);
    EXPECT_EQ(v2->servi, 0);
    EXPECT_EQ(v2->stake, 0);
    EXPECT_EQ(GetValidator(st, "node1")->servi, 15);
    EXPECT_EQ(GetValidator(st, "node3")->servi, 0);
    auto cands = ElectionCandidates(st, 0);
    ASSERT_EQ(cands.size(), 3u);
    EXPECT_EQ(cands[1].account, "node3");
    EXPECT_EQ(ElectionCandidates(st, 10).size(), 2u);  // node3's Servi fell to 0
    // A slashed validator can no longer receive votes.
    EXPECT_NE(
        Fail("alice", {{"vote_producer.iost", "vote", R"(["alice","node2","1"])"}}).find("slashed"),
        std::string::npos);
}

TEST(Receipt, EncodeDecodeRoundTripAndJson) {
    core::TxReceipt r;
    r.tx_hash[0] = 7;
    r.gas_usage = 123456;
    r.ram_usage = {{"alice", 10}, {"bobby", -3}};
    r.status = {core::StatusCode::kRuntimeError, "boom"};
    r.returns = {"[]", R"(["1"])"};
    r.receipts = {{"token.iost/transfer", R"(["iost","a","b","1",""])"}};
    auto d = core::TxReceipt::Decode(r.Encode());
    ASSERT_TRUE(d.ok()) << d.error().message;
    EXPECT_EQ(*d, r);
    EXPECT_EQ(d->Hash(), r.Hash());
    auto bytes = r.Encode();
    bytes.push_back(0);
    EXPECT_FALSE(core::TxReceipt::Decode(bytes).ok());
    bytes.resize(10);
    EXPECT_FALSE(core::TxReceipt::Decode(bytes).ok());
    const std::string j = r.ToJson();
    EXPECT_NE(j.find(R"("status_code":"RUNTIME_ERROR")"), std::string::npos) << j;
    EXPECT_NE(j.find(R"("gas_usage":1234.56)"), std::string::npos) << j;
    EXPECT_EQ(j.find("events"), std::string::npos) << j;  // not in IOST's JSON
    EXPECT_EQ(*core::StatusCodeFromName("BALANCE_NOT_ENOUGH"), core::StatusCode::kBalanceNotEnough);

    // Events (docs/contracts.md "Events") follow the receipts only when
    // there are some: a receipt without events keeps IOST's bytes.
    const auto plain = r.Encode();
    r.events = {{"ContractX", R"({"a":1})"}, {"ContractY", ""}};
    const auto with = r.Encode();
    ASSERT_GT(with.size(), plain.size());
    EXPECT_TRUE(std::equal(plain.begin(), plain.end(), with.begin()));
    d = core::TxReceipt::Decode(with);
    ASSERT_TRUE(d.ok()) << d.error().message;
    EXPECT_EQ(*d, r);
    EXPECT_NE(r.Hash(), core::TxReceipt::Decode(plain)->Hash());
    // An explicit empty events list is not canonical: refused.
    auto empty_list = plain;
    for (int i = 0; i < 4; ++i) empty_list.push_back(0);
    EXPECT_FALSE(core::TxReceipt::Decode(empty_list).ok());
    auto truncated = with;
    truncated.pop_back();
    EXPECT_FALSE(core::TxReceipt::Decode(truncated).ok());
    EXPECT_FALSE(core::StatusCodeFromInt(9).ok());
}

}  // namespace
}  // namespace iost::ledger
