// Fraud records and the PoB money operations (docs/pob.md §7.3): execution
// records per transaction the token debits it caused; a compensation pays
// back exactly those, once, in every token, and a failed transaction is owed
// nothing; slashing takes every token, frozen amounts, the own gas pledge,
// the own stake and Servi; records expire after fraud_window.
#include <gtest/gtest.h>
#include <ledger/schema.h>

#include <algorithm>
#include <functional>
#include <tuple>

#include "ledger_fixture.h"

namespace iost::ledger::testing {
namespace {

using schema::TokenDebit;

int64_t DebitOf(const std::vector<TokenDebit>& ds, const std::string& who,
                const std::string& token) {
    for (const auto& d : ds) {
        if (d.account == who && d.token == token) return d.amount;
    }
    return 0;
}

class FraudRecordsTest : public ::testing::Test {
  protected:
    // One block with fraud records on; `pre` runs ledger operations first
    // (slash, compensate) as consensus orders them (pob.md §3.3).
    std::vector<TxOutcome> Block(const std::vector<core::Tx>& txs,
                                 const std::function<void(BlockExecutor&)>& pre = {},
                                 uint64_t window = 0) {
        m_t += 1'000'000'000;
        BlockContext ctx{m_t, ++m_height, "node1"};
        ctx.fraud_records = true;
        ctx.fraud_window = window;
        BlockExecutor ex(m_chain.ledger(), m_chain.state(), ctx);
        if (pre) pre(ex);
        std::vector<TxOutcome> out;
        for (const auto& tx : txs) out.push_back(ex.ApplyTx(tx));
        auto r = ex.Finish();
        m_chain.mutable_state().Apply(r.writes);
        return out;
    }
    core::Tx Tx(const std::string& publisher, std::vector<core::Action> actions) {
        return MakeTx(publisher, std::move(actions), m_t + 500'000'000);
    }
    const StateReader& st() const { return m_chain.state(); }
    int64_t Held(const std::string& token, const std::string& who) const {
        return BalanceOf(st(), token, who) + FrozenBalanceOf(st(), token, who);
    }
    // A second token "abc" (issuer admin) with `amount` given to `to`.
    void CreateAbc(const std::string& to, const std::string& amount) {
        std::vector<core::Action> a;
        if (!m_abc) a.push_back({"token.iost", "create", R"(["abc","admin",1000000,{}])"});
        a.push_back({"token.iost", "issue", R"(["abc",")" + to + R"(",")" + amount + R"("])"});
        auto o = Block({Tx("admin", std::move(a))});
        ASSERT_TRUE(o[0].receipt.ok()) << o[0].receipt.status.message;
        m_abc = true;
    }
    bool m_abc = false;

    Chain m_chain;
    int64_t m_t = kT0 + 1'000'000'000;
    uint64_t m_height = 0;
};

TEST_F(FraudRecordsTest, ExecutionRecordsEveryTokenDebitOfASuccessfulTx) {
    CreateAbc("alice", "50");
    const core::Tx tx = Tx(
        "alice",
        {{"token.iost", "transfer", R"(["iost","alice","bobby","7",""])"},
         {"token.iost", "transferFreeze",
          R"(["iost","alice","carol","3",)" + std::to_string(m_t + 10'000'000'000'000) + R"(,""])"},
         {"token.iost", "transfer", R"(["abc","alice","bobby","20",""])"}});
    auto o = Block({tx});
    ASSERT_TRUE(o[0].receipt.ok()) << o[0].receipt.status.message;
    // Every token: iost (transfer + transferFreeze), abc, and the RAM its
    // writes bought; in (account, token) order.
    const auto& d = o[0].debits;
    EXPECT_EQ(DebitOf(d, "alice", "iost"), 10 * kIost);
    EXPECT_EQ(DebitOf(d, "alice", "abc"), 20 * kIost);
    EXPECT_GT(DebitOf(d, "alice", "ram"), 0);
    for (const auto& x : d) EXPECT_EQ(x.account, "alice") << "only the payer was debited";
    EXPECT_TRUE(std::is_sorted(d.begin(), d.end(), [](const TokenDebit& a, const TokenDebit& b) {
        return std::tie(a.account, a.token) < std::tie(b.account, b.token);
    }));
    EXPECT_EQ(TxDebits(st(), tx.Hash()), d);
    // Receivers were credited, not debited; the registry knows abc.
    const auto tokens = TokenSymbols(st());
    EXPECT_NE(std::find(tokens.begin(), tokens.end(), "abc"), tokens.end());
}

TEST_F(FraudRecordsTest, AFailedTxIsOwedNothing) {
    const core::Tx tx =
        Tx("alice", {{"token.iost", "transfer", R"(["iost","alice","bobby","99999999",""])"}});
    auto o = Block({tx});
    ASSERT_TRUE(o[0].executed);
    ASSERT_FALSE(o[0].receipt.ok());
    EXPECT_TRUE(o[0].debits.empty());
    EXPECT_TRUE(TxDebits(st(), tx.Hash()).empty());
    const int64_t alice = Held("iost", "alice");
    Block({}, [&](BlockExecutor& ex) {
        ASSERT_TRUE(ex.Slash("node2").ok());
        const auto c = ex.CompensateTx(tx.Hash());
        EXPECT_TRUE(c.paid.empty());
        EXPECT_TRUE(c.shortfall.empty());
    });
    EXPECT_EQ(Held("iost", "alice"), alice);
}

TEST_F(FraudRecordsTest, CompensationPaysExactlyTheDebitsOnceInEveryToken) {
    CreateAbc("node2", "40");  // the culprit holds abc: the pool will too
    CreateAbc("alice", "30");
    const core::Tx tx =
        Tx("alice", {{"token.iost", "transfer", R"(["iost","alice","node2","5",""])"},
                     {"token.iost", "transfer", R"(["abc","alice","node2","12",""])"}});
    ASSERT_TRUE(Block({tx})[0].receipt.ok());
    const int64_t alice_iost = Held("iost", "alice"), alice_abc = Held("abc", "alice");
    const int64_t bobby = Held("iost", "bobby");
    SlashOutcome slashed;
    Block({}, [&](BlockExecutor& ex) {
        auto s = ex.Slash("node2");
        ASSERT_TRUE(s.ok());
        slashed = *s;
        const auto c = ex.CompensateTx(tx.Hash());
        EXPECT_FALSE(c.already_paid);
        EXPECT_TRUE(c.shortfall.empty());
        EXPECT_EQ(c.paid, TxDebits(ex.view(), tx.Hash()));  // exactly the record
        EXPECT_EQ(DebitOf(c.paid, "alice", "abc"), 12 * kIost);
        EXPECT_EQ(DebitOf(c.paid, "alice", "iost"), 5 * kIost);
        // Once: a second judgement in the same block pays nothing.
        EXPECT_TRUE(ex.CompensateTx(tx.Hash()).already_paid);
    });
    EXPECT_EQ(slashed.other_tokens.at("abc"), 52 * kIost);
    EXPECT_EQ(Held("iost", "alice"), alice_iost + 5 * kIost);
    EXPECT_EQ(Held("abc", "alice"), alice_abc + 12 * kIost);
    EXPECT_EQ(Held("iost", "bobby"), bobby);  // nobody else is paid
    EXPECT_EQ(CompensationPoolBalance(st(), "abc"), 40 * kIost);
    EXPECT_EQ(CompensationPoolBalance(st(), "iost"), slashed.total() - 5 * kIost);
    // And in a later block too.
    Block({}, [&](BlockExecutor& ex) { EXPECT_TRUE(ex.CompensateTx(tx.Hash()).already_paid); });
    EXPECT_EQ(Held("iost", "alice"), alice_iost + 5 * kIost);
    ASSERT_TRUE(TxCompensation(st(), tx.Hash()).has_value());
    EXPECT_EQ(*TxCompensation(st(), tx.Hash()), TxDebits(st(), tx.Hash()));
}

TEST_F(FraudRecordsTest, AnEmptyPoolReportsAShortfallAndInventsNothing) {
    const core::Tx tx =
        Tx("alice", {{"token.iost", "transfer", R"(["iost","alice","bobby","5",""])"}});
    ASSERT_TRUE(Block({tx})[0].receipt.ok());
    const int64_t alice = Held("iost", "alice");
    Block({}, [&](BlockExecutor& ex) {
        const auto c = ex.CompensateTx(tx.Hash());
        EXPECT_TRUE(c.paid.empty());
        ASSERT_EQ(c.shortfall.size(), 1u);
        EXPECT_EQ(c.shortfall[0].amount, 5 * kIost);
    });
    EXPECT_EQ(Held("iost", "alice"), alice);
}

TEST_F(FraudRecordsTest, SlashingTakesEveryTokenFrozenAmountPledgeStakeAndServi) {
    CreateAbc("node2", "8");
    Block({Tx("alice", {{"token.iost", "transferFreeze",
                         R"(["iost","alice","node2","3",)" +
                             std::to_string(m_t + 10'000'000'000'000) + R"(,""])"}})});
    const int64_t iost = Held("iost", "node2");
    const int64_t gas_iost = BalanceOf(st(), "iost", "gas.iost");
    const int64_t vp = BalanceOf(st(), "iost", "vote_producer.iost");
    const int64_t held_before =
        Held("iost", "node2") + gas_iost + vp + CompensationPoolBalance(st(), "iost");
    SlashOutcome s;
    Block({}, [&](BlockExecutor& ex) { s = *ex.Slash("node2"); });
    EXPECT_EQ(s.tokens, iost);
    EXPECT_EQ(s.other_tokens.at("abc"), 8 * kIost);
    EXPECT_EQ(s.pledge, 1000 * kIost);
    EXPECT_EQ(s.stake, 2'000'000 * kIost);
    EXPECT_EQ(s.servi, 20);
    for (const char* t : {"iost", "abc"}) EXPECT_EQ(Held(t, "node2"), 0) << t;
    EXPECT_EQ(BalanceOf(st(), "iost", "gas.iost"), gas_iost - 1000 * kIost);
    EXPECT_EQ(GasInfo(st(), "node2", m_t).pledge_total, 0);
    EXPECT_EQ(GetValidator(st(), "node2")->servi, 0);
    EXPECT_EQ(CompensationPoolBalance(st(), "abc"), 8 * kIost);
    // Moved, never burnt.
    EXPECT_EQ(Held("iost", "node2") + BalanceOf(st(), "iost", "gas.iost") +
                  BalanceOf(st(), "iost", "vote_producer.iost") +
                  CompensationPoolBalance(st(), "iost"),
              held_before);
}

TEST_F(FraudRecordsTest, RecordsExpireAfterTheFraudWindow) {
    const core::Tx tx =
        Tx("alice", {{"token.iost", "transfer", R"(["iost","alice","bobby","1",""])"}});
    Block({tx}, {}, /*window=*/3);
    EXPECT_FALSE(TxDebits(st(), tx.Hash()).empty());
    Block({}, {}, 3);
    Block({}, {}, 3);
    EXPECT_FALSE(TxDebits(st(), tx.Hash()).empty());
    Block({}, {}, 3);  // height + 3
    EXPECT_TRUE(TxDebits(st(), tx.Hash()).empty());
}

TEST_F(FraudRecordsTest, WithoutFraudRecordsTheStateIsUnchanged) {
    // Plain ledger use (vectors, tools) writes no fraud records.
    const core::Tx tx =
        Tx("alice", {{"token.iost", "transfer", R"(["iost","alice","bobby","1",""])"}});
    auto r = m_chain.Apply({tx}, m_t + 1'000'000'000);
    ASSERT_TRUE(r.outcomes[0].receipt.ok());
    EXPECT_TRUE(r.outcomes[0].debits.empty());
    EXPECT_TRUE(TxDebits(st(), tx.Hash()).empty());
}

}  // namespace
}  // namespace iost::ledger::testing
