// The fraud rule on the node's own Application (docs/pob.md §7.1, §7.3):
// fraud is a fact about a transaction's bytes, never about state. The
// key-swap attack — a user gets T packed and final, then changes its active
// key so that T "fails" a state-based check — must not yield a valid fraud
// proof against the honest producer (and so never a refund of T). A forged
// transaction (a signature that does not verify against the key it names)
// does; it is paid back exactly what execution recorded it took, and a
// forged transaction that failed is owed nothing.
#include <consensus/evidence.h>
#include <gtest/gtest.h>
#include <node/app_state.h>
#include <util/log.h>

#include "../ledger/ledger_fixture.h"

namespace iost::node {
namespace {

using ledger::testing::KeyOf;
using ledger::testing::kIost;
using ledger::testing::kT0;
using ledger::testing::MakeTx;
using ledger::testing::TestGenesis;

// The old, state-based rule: CheckTxBytes answered by the full CheckTx.
// Only here to show the key-swap test fails when the protection is off.
class StateBasedRule final : public consensus::Application {
  public:
    explicit StateBasedRule(consensus::Application& inner) : m_inner(inner) {}
    util::Status CheckTx(const core::Tx& tx) override { return m_inner.CheckTx(tx); }
    util::Status CheckTxBytes(const core::Tx& tx) override { return m_inner.CheckTx(tx); }
    consensus::ExecResult Execute(const consensus::ExecInput& in) override {
        return m_inner.Execute(in);
    }
    void Commit(const consensus::ExecInput& in, const consensus::ExecResult& r) override {
        m_inner.Commit(in, r);
    }
    std::vector<consensus::Candidate> Candidates() override { return m_inner.Candidates(); }
    int64_t BondedStake(const std::string& v) override { return m_inner.BondedStake(v); }

  private:
    consensus::Application& m_inner;
};

class FraudRuleTest : public ::testing::Test {
  protected:
    void SetUp() override {
        auto gs = ledger::BuildGenesisState(m_genesis);
        ASSERT_TRUE(gs.ok());
        m_disk.Apply(gs->writes);
        m_app = std::make_unique<LedgerApp>(m_ledger, m_disk,
                                            LedgerAppOptions{m_genesis.chain_id, 0, 0, false},
                                            m_verifier, m_cache, util::Logger::Null());
        m_committee.epoch = 0;
        m_committee.believable.push_back({"node2", KeyOf("node2-consensus").public_key(), 10, 10});
    }
    // Executes and commits one block, then persists it as the driver would.
    const CommittedBlock& Block(std::vector<const core::Tx*> txs,
                                std::vector<consensus::Slash> slashes = {},
                                std::vector<consensus::Compensation> comps = {}) {
        consensus::ExecInput in;
        in.height = ++m_height;
        in.time = kT0 + static_cast<int64_t>(m_height) * 1'000'000'000 + 500'000'000;
        in.proposer = "node1";
        for (const auto* t : txs) {
            in.txs.push_back(t);
            in.tx_hashes.push_back(t->Hash());
        }
        in.slashes = std::move(slashes);
        in.compensations = std::move(comps);
        const auto r = m_app->Execute(in);
        m_app->Commit(in, r);
        m_last = *m_app->Pending(m_height);
        m_disk.Apply(m_last.writes);
        m_app->MarkPersisted(m_height);
        return m_last;
    }
    int64_t Time() const { return kT0 + static_cast<int64_t>(m_height + 1) * 1'000'000'000; }
    core::Tx Pay(const std::string& amount, const std::string& memo) const {
        return MakeTx("alice",
                      {{"token.iost", "transfer",
                        R"(["iost","alice","node2",")" + amount + R"(",")" + memo + R"("])"}},
                      Time());
    }
    // Same bytes, but the signature does not verify against the key it names.
    static core::Tx Forge(core::Tx tx) {
        tx.publisher_sigs.at(0).sig.at(7) ^= 0x40;
        return tx;
    }
    core::MicroBlock Micro(std::vector<core::Tx> txs) const {
        core::MicroBlock mb;
        mb.header.epoch = 0;
        mb.header.producer = "node2";
        mb.header.seq = 1;
        mb.txs = std::move(txs);
        mb.Seal();
        mb.producer_sig = KeyOf("node2-consensus").Sign(crypto::View(mb.hash));
        return mb;
    }
    int64_t Alice() const { return ledger::BalanceOf(m_app->committed(), "iost", "alice"); }

    core::Genesis m_genesis = TestGenesis();
    ledger::Ledger m_ledger{ledger::LedgerOptions{m_genesis.chain_id}};
    ledger::MemState m_disk;
    const crypto::Verifier& m_verifier = crypto::RealVerifier();
    VerifiedCache m_cache;
    std::unique_ptr<LedgerApp> m_app;
    consensus::Committee m_committee;
    uint64_t m_height = 0;
    CommittedBlock m_last;
};

TEST_F(FraudRuleTest, KeySwapAfterPackingDoesNotFrameTheHonestProducer) {
    // T is packed by node2 and becomes final: it succeeds.
    const core::Tx t = Pay("5", "T");
    const int64_t before = Alice();
    ASSERT_TRUE(Block({&t}).outcomes.at(0).receipt.ok());
    EXPECT_EQ(Alice(), before - 5 * kIost);
    // Then alice replaces her active key (her owner key signs as signer).
    const auto next = KeyOf("alice-next");
    core::Tx swap;
    swap.time = Time();
    swap.expiration = swap.time + 60'000'000'000;
    swap.gas_ratio = 100;
    swap.gas_limit = 10'000'000;  // 100,000 gas: two auth.iost calls at go-iost prices
    swap.chain_id = m_genesis.chain_id;
    swap.actions = {
        {"auth.iost", "assignPermission",
         R"(["alice","active",")" + core::PublicKeyToText(next.public_key()) + R"(",100])"},
        {"auth.iost", "revokePermission",
         R"(["alice","active",")" + core::PublicKeyToText(KeyOf("alice").public_key()) + R"("])"}};
    swap.amount_limit = {{"*", "unlimited"}};
    swap.signers = {"alice@owner"};
    swap.SignAsSigner(KeyOf("alice-owner"));
    swap.SignAsPublisher("alice", KeyOf("alice"));
    ASSERT_TRUE(Block({&swap}).outcomes.at(0).receipt.ok())
        << m_last.outcomes.at(0).receipt.status.message;
    // A state-based check now calls T invalid; its bytes still verify.
    EXPECT_FALSE(m_app->CheckTx(t).ok());
    EXPECT_TRUE(m_app->CheckTxBytes(t).ok());

    const core::Evidence frame = consensus::MakeFraudProof(Micro({t}), 0);
    auto st = consensus::ValidateEvidence(frame, m_committee, *m_app, m_verifier);
    ASSERT_FALSE(st.ok()) << "the honest producer would be slashed";
    EXPECT_NE(st.error().message.find("bytes are valid"), std::string::npos) << st.error().message;
    // Negative control: under the state-based rule the same proof frames node2.
    StateBasedRule old_rule(*m_app);
    EXPECT_TRUE(consensus::ValidateEvidence(frame, m_committee, old_rule, m_verifier).ok());
    // The user gains nothing: T stays paid.
    EXPECT_EQ(Alice(), before - 5 * kIost);
}

TEST_F(FraudRuleTest, ForgedSignatureIsFraudAndIsRepaidExactlyFailedForgeryIsOwedNothing) {
    const core::Tx honest = Pay("1", "honest");
    const core::Tx forged = Forge(Pay("9", "forged"));
    const core::Tx failed = Forge(Pay("99999999", "forged-too-big"));
    ASSERT_FALSE(m_app->CheckTxBytes(forged).ok());
    const int64_t before = Alice();
    // Execution does not verify signatures (the believable league is trusted
    // for them, pob.md §5): the forgery executes, the too-big one fails.
    const auto& b = Block({&honest, &forged, &failed});
    ASSERT_TRUE(b.outcomes.at(1).receipt.ok());
    ASSERT_FALSE(b.outcomes.at(2).receipt.ok());
    EXPECT_EQ(Alice(), before - 10 * kIost);

    const core::MicroBlock mb = Micro({honest, forged, failed});
    EXPECT_TRUE(consensus::ValidateEvidence(consensus::MakeFraudProof(mb, 1), m_committee, *m_app,
                                            m_verifier)
                    .ok());
    EXPECT_FALSE(consensus::ValidateEvidence(consensus::MakeFraudProof(mb, 0), m_committee, *m_app,
                                             m_verifier)
                     .ok());

    // The block carrying the proof slashes node2 and compensates both forged
    // transactions: alice gets exactly 9 back, nothing for the failed one.
    Block({}, {{"node2", {}}},
          {{&forged, forged.Hash(), "node2"}, {&failed, failed.Hash(), "node2"}});
    EXPECT_EQ(Alice(), before - 1 * kIost);
    const auto paid = ledger::TxCompensation(m_app->committed(), forged.Hash());
    ASSERT_TRUE(paid.has_value());
    ASSERT_EQ(paid->size(), 1u);
    EXPECT_EQ(paid->at(0), (ledger::schema::TokenDebit{"alice", "iost", 9 * kIost}));
    EXPECT_TRUE(ledger::TxCompensation(m_app->committed(), failed.Hash())->empty());
    // Never twice, even if a later block lists it again.
    Block({}, {}, {{&forged, forged.Hash(), "node2"}});
    EXPECT_EQ(Alice(), before - 1 * kIost);
}

}  // namespace
}  // namespace iost::node
