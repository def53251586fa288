// The auditor (docs/pob.md §7.4): it verifies the bytes of every final
// transaction off the event loop and hands over a valid fraud proof for the
// first forged transaction of a MicroBlock; an honest MicroBlock yields
// nothing; bytes this node verified already are skipped; the backlog is
// bounded.
#include <consensus/evidence.h>
#include <gtest/gtest.h>
#include <node/auditor.h>

#include <mutex>
#include <vector>

#include "../ledger/ledger_fixture.h"

namespace iost::node {
namespace {

using ledger::testing::KeyOf;
using ledger::testing::kT0;
using ledger::testing::Transfer;

std::shared_ptr<const core::MicroBlock> Micro(std::vector<core::Tx> txs) {
    auto mb = std::make_shared<core::MicroBlock>();
    mb->header.epoch = 0;
    mb->header.producer = "node2";
    mb->header.seq = 1;
    mb->txs = std::move(txs);
    mb->Seal();
    mb->producer_sig = KeyOf("node2-consensus").Sign(crypto::View(mb->hash));
    return mb;
}

core::Tx Pay(int i) { return Transfer("alice", "bobby", "1", kT0 + i, std::to_string(i)); }
core::Tx Forged(int i) {
    core::Tx tx = Pay(i);
    tx.publisher_sigs.at(0).sig.at(3) ^= 1;
    return tx;
}

struct Collected {
    std::mutex mu;
    std::vector<std::shared_ptr<const core::Evidence>> proofs;
};

TEST(Auditor, ProvesTheFirstForgedTransactionOfAMicroBlock) {
    VerifiedCache cache;
    Collected got;
    Auditor a({core::kLocalChainId, 0, 1000}, crypto::RealVerifier(), cache,
              [&](std::shared_ptr<const core::Evidence> ev) {
                  std::lock_guard lk(got.mu);
                  got.proofs.push_back(std::move(ev));
              });
    auto honest = Micro({Pay(1), Pay(2)});
    auto forged = Micro({Pay(3), Forged(4), Forged(5)});
    a.Add({honest, forged});
    a.Drain();
    ASSERT_EQ(got.proofs.size(), 1u);
    const auto& ev = *got.proofs[0];
    EXPECT_EQ(ev.kind, core::EvidenceKind::kFraud);
    EXPECT_EQ(ev.fraud.index, 1u);
    EXPECT_EQ(ev.Accused(), "node2");
    // The proof validates against the producer's committee.
    consensus::Committee c;
    c.believable.push_back({"node2", KeyOf("node2-consensus").public_key(), 1, 1});
    struct BytesApp final : consensus::Application {
        util::Status CheckTx(const core::Tx& tx) override { return CheckTxBytes(tx); }
        util::Status CheckTxBytes(const core::Tx& tx) override {
            auto st = tx.VerifyForm(core::kLocalChainId, crypto::RealVerifier());
            return st ? util::Ok() : util::Err(st.error().message);
        }
        consensus::ExecResult Execute(const consensus::ExecInput&) override { return {}; }
        void Commit(const consensus::ExecInput&, const consensus::ExecResult&) override {}
        std::vector<consensus::Candidate> Candidates() override { return {}; }
        int64_t BondedStake(const std::string&) override { return 0; }
    } app;
    EXPECT_TRUE(consensus::ValidateEvidence(ev, c, app, crypto::RealVerifier()).ok());
    const AuditorStats s = a.stats();
    EXPECT_EQ(s.micros_audited, 2u);
    EXPECT_EQ(s.frauds_found, 1u);
    EXPECT_EQ(s.txs_verified, 4u);  // stops at the first forged one
    EXPECT_EQ(s.backlog_txs, 0u);
}

TEST(Auditor, SkipsBytesVerifiedBeforeAndBoundsItsBacklog) {
    VerifiedCache cache;
    const core::Tx t = Pay(7);
    cache.Insert(t.Hash());
    int proofs = 0;
    Auditor a({core::kLocalChainId, 0, 3}, crypto::RealVerifier(), cache,
              [&](std::shared_ptr<const core::Evidence>) { ++proofs; });
    a.Add({Micro({t})});
    a.Drain();
    EXPECT_EQ(a.stats().txs_cached, 1u);
    EXPECT_EQ(a.stats().txs_verified, 0u);
    a.Stop();  // nothing runs any more: what is added now stays queued or is dropped
    a.Add({Micro({Pay(8), Pay(9)}), Micro({Pay(10), Pay(11)})});
    EXPECT_EQ(a.stats().txs_dropped, 2u);  // 2 fit the backlog of 3, 2 do not
    EXPECT_EQ(proofs, 0);
}

}  // namespace
}  // namespace iost::node
