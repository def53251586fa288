// The auditor (docs/pob.md §7.4): it verifies the bytes of every final
// transaction off the event loop and hands over a valid fraud proof for the
// first forged transaction of a MicroBlock; an honest MicroBlock yields
// nothing; bytes this node verified already are skipped; the backlog is
// bounded. A validator's auditor checks exactly the transactions assigned to
// it (consensus/audit_assign.h) and those of its own MicroBlocks, proves a
// forgery assigned to it, and leaves one assigned elsewhere to the others.
#include <consensus/audit_assign.h>
#include <consensus/evidence.h>
#include <gtest/gtest.h>
#include <node/auditor.h>

#include <algorithm>
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
    Auditor a({core::kLocalChainId, 0, 1000, false, ""}, crypto::RealVerifier(), cache,
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
    Auditor a({core::kLocalChainId, 0, 3, false, ""}, crypto::RealVerifier(), cache,
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

const AuditLeague kLeague = std::make_shared<const std::vector<std::string>>(
    std::vector<std::string>{"node4", "node5", "node6", "node7"});  // N = 4, f + 1 = 2

AuditorOptions Validator(const std::string& self) {
    AuditorOptions o;
    o.chain_id = core::kLocalChainId;
    o.assigned_only = true;
    o.self = self;
    return o;
}

bool AssignedTo(const crypto::Hash256& h, const std::string& id) {
    return consensus::IsAssignedAuditor(h, *kLeague, "node2", 2, id);
}

TEST(Auditor, AValidatorChecksExactlyItsAssignedTransactions) {
    std::vector<core::Tx> txs;
    for (int i = 0; i < 40; ++i) txs.push_back(Pay(100 + i));
    const auto mb = Micro(txs);
    size_t total_checked = 0;
    for (const auto& self : *kLeague) {
        VerifiedCache cache;
        Auditor a(Validator(self), crypto::RealVerifier(), cache, nullptr);
        a.Add({mb}, kLeague);
        a.Drain();
        size_t want = 0;
        for (size_t i = 0; i < mb->txs.size(); ++i) {
            const bool assigned = AssignedTo(mb->tx_hashes[i], self);
            want += assigned;
            // What it verified is what it now remembers: the assigned ones only.
            EXPECT_EQ(cache.Contains(mb->tx_hashes[i]), assigned) << self << " tx " << i;
        }
        const AuditorStats s = a.stats();
        EXPECT_EQ(s.txs_verified, want) << self;
        EXPECT_EQ(s.txs_not_assigned, mb->txs.size() - want) << self;
        EXPECT_EQ(s.txs_cached, 0u);
        EXPECT_GT(want, 0u) << self << ": 40 transactions, none assigned";
        EXPECT_LT(want, mb->txs.size()) << self << ": every transaction assigned";
        total_checked += want;
    }
    EXPECT_EQ(total_checked, 2 * mb->txs.size()) << "f + 1 = 2 auditors per transaction";
}

TEST(Auditor, AProducerChecksItsOwnMicroBlocksAndAnObserverEverything) {
    const auto mb = Micro({Pay(200), Pay(201), Pay(202)});
    {
        VerifiedCache cache;  // node2 produced it; it is not in the league
        Auditor a(Validator("node2"), crypto::RealVerifier(), cache, nullptr);
        a.Add({mb}, kLeague);
        a.Drain();
        EXPECT_EQ(a.stats().txs_verified, 3u);
        EXPECT_EQ(a.stats().txs_not_assigned, 0u);
    }
    {
        VerifiedCache cache;  // another believable validator: nothing assigned
        Auditor a(Validator("node3"), crypto::RealVerifier(), cache, nullptr);
        a.Add({mb}, kLeague);
        a.Drain();
        EXPECT_EQ(a.stats().txs_verified, 0u);
        EXPECT_EQ(a.stats().txs_not_assigned, 3u);
    }
    {
        VerifiedCache cache;  // `audit: all` (or an observer): every one
        AuditorOptions o = Validator("node3");
        o.assigned_only = false;
        Auditor a(o, crypto::RealVerifier(), cache, nullptr);
        a.Add({mb}, kLeague);
        a.Drain();
        EXPECT_EQ(a.stats().txs_verified, 3u);
    }
    {
        VerifiedCache cache;  // a block whose league is unknown: every one
        Auditor a(Validator("node3"), crypto::RealVerifier(), cache, nullptr);
        a.Add({mb}, nullptr);
        a.Drain();
        EXPECT_EQ(a.stats().txs_verified, 3u);
    }
}

TEST(Auditor, AForgeryIsProvenByTheValidatorsItIsAssignedToOnly) {
    // A MicroBlock of honest transfers with one forged one in the middle.
    std::vector<core::Tx> txs;
    for (int i = 0; i < 9; ++i) txs.push_back(Pay(300 + i));
    txs.insert(txs.begin() + 4, Forged(399));
    const auto mb = Micro(txs);
    const crypto::Hash256 forged = mb->tx_hashes[4];
    const auto assigned = consensus::AuditorsOf(forged, *kLeague, "node2", 2);
    ASSERT_EQ(assigned.size(), 2u);
    for (const auto& self : *kLeague) {
        VerifiedCache cache;
        Collected got;
        Auditor a(Validator(self), crypto::RealVerifier(), cache,
                  [&](std::shared_ptr<const core::Evidence> ev) {
                      std::lock_guard lk(got.mu);
                      got.proofs.push_back(std::move(ev));
                  });
        a.Add({mb}, kLeague);
        a.Drain();
        const bool is_assigned =
            std::find(assigned.begin(), assigned.end(), self) != assigned.end();
        if (is_assigned) {
            ASSERT_EQ(got.proofs.size(), 1u) << self << " was assigned the forgery";
            EXPECT_EQ(got.proofs[0]->fraud.index, 4u);
            EXPECT_EQ(got.proofs[0]->fraud.tx.Hash(), forged);
            EXPECT_EQ(a.stats().frauds_found, 1u);
        } else {
            EXPECT_TRUE(got.proofs.empty()) << self << " checked a tx not assigned to it";
            EXPECT_EQ(a.stats().frauds_found, 0u);
        }
    }
}

}  // namespace
}  // namespace iost::node
