// The validators' audit by assignment (docs/pob.md §7.4 "Who audits what",
// issue #15.2) on a cluster of real nodes (RocksDB temp dirs, loopback P2P;
// B = 2, N = 4, so f = 1 and two normal validators audit each final
// transaction). With the default `audit` of a validator (a rate: assigned
// transactions only), each normal validator checks exactly the transactions
// the rule assigns to it and each believable validator those it produced;
// the rest are counted as not assigned. A forged transaction is proven by
// the normal validators it is assigned to, and by no other normal validator.
#include <consensus/audit_assign.h>
#include <gtest/gtest.h>

#include <mutex>

#include "node_test_cluster.h"

namespace iost::node {
namespace {

using namespace std::chrono_literals;

uint64_t Audited(const NodeMetrics& m) {
    return m.audit_txs_verified + m.audit_txs_cached + m.audit_txs_not_assigned;
}
uint64_t Checked(const NodeMetrics& m) { return m.audit_txs_verified + m.audit_txs_cached; }

TEST(NodeAudit, EachValidatorAuditsExactlyItsAssignedTransactions) {
    Cluster c;
    ASSERT_NO_FATAL_FAILURE(c.StartAll());
    ASSERT_TRUE(WaitFor([&] { return c.MinHeight() >= 3; }, 60s)) << c.MinHeight();
    const auto st = c.nodes[0]->driver().Status();
    ASSERT_FALSE(st.chain_fallback);
    ASSERT_EQ(st.normal.size(), 4u);
    ASSERT_EQ(st.believable.size(), 2u);
    int entry = -1;
    for (int i = 0; i < kValidators; ++i) {
        if (c.nodes[i]->id() == st.believable[0]) entry = i;
    }
    ASSERT_GE(entry, 0);
    constexpr int kTxs = 12;
    std::vector<crypto::Hash256> sent;
    const int64_t now = util::SystemClock().Now();
    for (int k = 0; k < kTxs; ++k) {
        auto h = c.nodes[entry]->driver().SubmitTx(
            testing::Transfer("alice", "bobby", "1", now - 1'000'000'000, std::to_string(k)));
        ASSERT_TRUE(h.ok()) << h.error().message;
        sent.push_back(*h);
    }
    // Every node has audited (or skipped) every one of them: the condition
    // asserted below, waited for on every node.
    ASSERT_TRUE(WaitFor(
        [&] {
            for (auto& n : c.nodes) {
                const NodeMetrics m = n->driver().Metrics();
                if (Audited(m) < kTxs || m.audit_backlog_txs != 0) return false;
            }
            return true;
        },
        60s))
        << "not every node audited the " << kTxs << " final transactions";
    const std::span<const std::string> league(st.normal);
    const size_t per_tx = consensus::AuditorsPerTx(league.size());
    ASSERT_EQ(per_tx, 2u);
    uint64_t normal_checked = 0, believable_checked = 0;
    for (auto& n : c.nodes) {
        const NodeMetrics m = n->driver().Metrics();
        EXPECT_EQ(Audited(m), static_cast<uint64_t>(kTxs)) << n->id() << ": only these were final";
        const bool normal = std::find(league.begin(), league.end(), n->id()) != league.end();
        if (normal) {
            // The producer is a believable validator, never in the league, so
            // it does not change the assignment.
            uint64_t want = 0;
            for (const auto& h : sent)
                want += consensus::IsAssignedAuditor(h, league, st.believable[0], per_tx, n->id());
            EXPECT_EQ(Checked(m), want) << n->id() << " checked other than its assigned txs";
            EXPECT_EQ(m.audit_txs_not_assigned, kTxs - want) << n->id();
            normal_checked += Checked(m);
        } else {
            // A believable validator checks only what it produced (alice's
            // partition has one owner).
            believable_checked += Checked(m);
        }
    }
    EXPECT_EQ(normal_checked, per_tx * kTxs) << "f + 1 normal auditors per transaction";
    EXPECT_EQ(believable_checked, static_cast<uint64_t>(kTxs)) << "each by its producer only";
    for (auto& n : c.nodes) n->Stop();
}

struct Forgery {
    std::mutex mu;
    bool packed = false;
    std::string producer;
    core::Tx tx;
};

TEST(NodeAudit, ForgeryIsProvenByTheNormalValidatorsItIsAssignedTo) {
    Cluster c;
    c.genesis.pob.sampling_probability_ppm = 1;  // samplers (almost) never check
    auto forgery = std::make_shared<Forgery>();
    c.configure = [forgery](int i, NodeConfig& cfg) {
        // Whichever believable validator produces first packs one forged
        // transfer (alice's key named, bytes made up: fraud, pob.md §7.1).
        cfg.test_only_alter_micro = [forgery, i](core::MicroBlock& mb) {
            std::lock_guard lk(forgery->mu);
            if (forgery->packed) return;
            forgery->packed = true;
            forgery->producer = testing::ValidatorName(i);
            core::Tx tx = testing::Transfer("alice", "admin", "1000",
                                            util::SystemClock().Now() - 1'000'000'000, "forged");
            tx.publisher_sigs.at(0).sig.assign(64, 0x5a);
            forgery->tx = tx;
            mb.txs.push_back(tx);
        };
    };
    ASSERT_NO_FATAL_FAILURE(c.StartAll());
    ASSERT_TRUE(WaitFor(
        [&] {
            std::lock_guard lk(forgery->mu);
            return forgery->packed;
        },
        30s));
    // The producer is slashed on every node (the proof is final).
    ASSERT_TRUE(WaitFor(
        [&] {
            for (auto& n : c.nodes) {
                if (n->driver().Status().punishments == 0) return false;
            }
            return true;
        },
        60s))
        << "the forgery was never proven";
    const auto st = c.nodes[0]->driver().Status();
    ASSERT_EQ(st.normal.size(), 4u);
    crypto::Hash256 h;
    std::string producer;
    {
        std::lock_guard lk(forgery->mu);
        h = forgery->tx.Hash();
        producer = forgery->producer;
    }
    const auto assigned = consensus::AuditorsOf(h, st.normal, producer, 2);
    ASSERT_EQ(assigned.size(), 2u);
    for (auto& n : c.nodes) {
        const NodeMetrics m = n->driver().Metrics();
        const bool is_assigned =
            std::find(assigned.begin(), assigned.end(), n->id()) != assigned.end();
        const bool normal =
            std::find(st.normal.begin(), st.normal.end(), n->id()) != st.normal.end();
        if (is_assigned) {
            EXPECT_GE(m.audit_frauds_found, 1u) << n->id() << " was assigned the forgery";
        } else if (normal) {
            EXPECT_EQ(m.audit_frauds_found, 0u) << n->id() << " audited a tx not assigned to it";
            EXPECT_GE(m.audit_txs_not_assigned, 1u) << n->id();
        } else if (n->id() != producer) {
            EXPECT_EQ(m.audit_frauds_found, 0u) << n->id() << " audited another's MicroBlock";
        }
    }
    for (auto& n : c.nodes) n->Stop();
}

}  // namespace
}  // namespace iost::node
