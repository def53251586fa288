#include <core/account.h>
#include <gtest/gtest.h>
#include <loadgen/physics.h>
#include <loadgen/session.h>
#include <loadgen/workload.h>

#include <set>

namespace iost::loadgen {
namespace {

constexpr int64_t kNow = 1'700'000'000'000'000'000;

TEST(Workload, SendersAreValidAccountsAndDeterministic) {
    auto a = MakeSenders(120, "bench", "s");
    auto b = MakeSenders(120, "bench", "s");
    auto c = MakeSenders(1, "bench", "other seed");
    ASSERT_EQ(a.size(), 120u);
    EXPECT_EQ(a[7].key.public_key(), b[7].key.public_key());
    EXPECT_NE(a[0].key.public_key(), c[0].key.public_key());
    for (const auto& s : a) EXPECT_TRUE(core::ValidateAccountName(s.name).ok()) << s.name;
}

TEST(Workload, PresignedTransfersVerifyAndAreDistinct) {
    auto senders = MakeSenders(5, "bench", "s");
    TxParams p;
    p.chain_id = 1024;
    auto txs = Presign(senders, "admin", 40, "step1", kNow, p, 3);
    ASSERT_EQ(txs.size(), 40u);
    std::set<crypto::Hash256> seen;
    for (size_t i = 0; i < txs.size(); ++i) {
        const auto& t = txs[i];
        ASSERT_TRUE(t.tx);
        EXPECT_EQ(t.sender, i % senders.size());
        EXPECT_EQ(t.tx->publisher, senders[t.sender].name);
        EXPECT_EQ(t.hash, t.tx->Hash());
        EXPECT_TRUE(t.tx->VerifySelf(kNow + 1, 1024, crypto::RealVerifier()).ok());
        EXPECT_TRUE(seen.insert(t.hash).second);
    }
    // Wrong chain: refused by the node's stateless check.
    EXPECT_FALSE(txs[0].tx->VerifySelf(kNow + 1, 1023, crypto::RealVerifier()).ok());
    // Expired after the lifetime: pre-signing too early is caught, not sent.
    EXPECT_FALSE(
        txs[0].tx->VerifySelf(kNow + p.lifetime_ns + 1, 1024, crypto::RealVerifier()).ok());
}

TEST(Workload, AccountSetupIsSignedByAdmin) {
    auto admin = crypto::KeyPair::FromSeed(crypto::Algorithm::kEd25519, "admin");
    auto s = MakeSenders(1, "bench", "s");
    auto tx = MakeAccountSetupTx("admin", admin, s[0], "2000", "100", kNow, TxParams{});
    ASSERT_EQ(tx.actions.size(), 3u);
    EXPECT_EQ(tx.actions[0].action_name, "signUp");
    EXPECT_NE(tx.actions[0].data.find(s[0].name), std::string::npos);
    EXPECT_EQ(tx.publisher, "admin");
    EXPECT_TRUE(tx.VerifySelf(kNow, core::kMainnetChainId, crypto::RealVerifier()).ok());
}

TEST(Workload, OpenLoopScheduleIgnoresReplies) {
    EXPECT_EQ(DueOffsetNs(0, 100), 0);
    EXPECT_EQ(DueOffsetNs(100, 100), 1'000'000'000);
    EXPECT_EQ(DueOffsetNs(3, 1000), 3'000'000);
}

TEST(Physics, VerificationCounts) {
    // 1 (owner) + f + 1 assigned auditors + p of the other normal validators.
    EXPECT_DOUBLE_EQ(PobVerificationsPerTx(0.1, 4), 1 + 2 + 0.1 * 2);   // f = 1
    EXPECT_DOUBLE_EQ(PobVerificationsPerTx(0.1, 10), 1 + 4 + 0.1 * 6);  // f = 3
    EXPECT_DOUBLE_EQ(PobVerificationsPerTx(1.0, 10), 11);               // p = 1: everyone
    EXPECT_DOUBLE_EQ(PobVerificationsPerTx(0.5, 1), 2);                 // f = 0: the one member
    EXPECT_DOUBLE_EQ(FallbackVerificationsPerTx(8), 8);
    EXPECT_DOUBLE_EQ(ImpliedTpsLimit(14000, 2, 1.4), 20000);
    EXPECT_EQ(ImpliedTpsLimit(14000, 2, 0), 0);
    auto r = MeasureVerifyRate(0.05);
    EXPECT_GT(r.verifications, 0u);
    EXPECT_GT(r.per_second, 0);
}

TEST(Plan, QuickFitsItsBudgetAndBothProtocolsGetTheSameLoad) {
    auto plan = QuickPlan();
    ASSERT_EQ(plan.size(), 2u);
    EXPECT_FALSE(plan[0].fallback);
    EXPECT_TRUE(plan[1].fallback);
    EXPECT_EQ(plan[0].believable + plan[0].normal, plan[1].believable + plan[1].normal);
    double worst = 0;
    for (const auto& s : plan) {
        ASSERT_EQ(s.steps.size(), plan[0].steps.size());
        for (size_t i = 0; i < s.steps.size(); ++i) {
            EXPECT_EQ(s.steps[i].rate, plan[0].steps[i].rate);
            worst += s.steps[i].seconds + s.steps[i].max_drain_s;
        }
    }
    // Sending plus the longest possible drains stays well inside two minutes
    // minus devnet start-up (the drains end early once everything is final).
    EXPECT_LE(worst, 90);
    auto full = FullPlan();
    bool has_p = false, has_n = false;
    for (const auto& s : full) {
        has_p |= s.name.rfind("sweep-p", 0) == 0;
        has_n |= s.name.rfind("sweep-n", 0) == 0;
    }
    EXPECT_TRUE(has_p && has_n);
    OverrideRates(full, {50, 60}, 2);
    EXPECT_EQ(full[0].steps[0].rate, 50);
    EXPECT_EQ(full[0].steps[1].seconds, 2);
}

TEST(Session, RunProgramReportsExitStatusAndMissingBinaries) {
    auto ok = RunProgram({"/bin/sh", "-c", "exit 3"}, "/dev/null");
    ASSERT_TRUE(ok.ok());
    EXPECT_EQ(*ok, 3);
    EXPECT_FALSE(RunProgram({"/nonexistent/iost-devnet", "start"}, "/dev/null").ok());
    EXPECT_FALSE(RunProgram({}, "/dev/null").ok());
}

}  // namespace
}  // namespace iost::loadgen
