#include <gtest/gtest.h>
#include <loadgen/tracker.h>
#include <loadgen/workload.h>

namespace iost::loadgen {
namespace {

TEST(Quorum, MatchesDesign) {
    // docs/pob.md §6.1: q = ceil((N + f + 1) / 2), f = floor((N-1)/3).
    EXPECT_EQ(QuorumOf(4), 3u);
    EXPECT_EQ(QuorumOf(5), 4u);   // f=1: ceil(7/2)
    EXPECT_EQ(QuorumOf(7), 5u);   // f=2: ceil(10/2)
    EXPECT_EQ(QuorumOf(8), 6u);   // f=2: ceil(11/2)
    EXPECT_EQ(QuorumOf(10), 7u);  // f=3: ceil(14/2)
    EXPECT_EQ(QuorumOf(1), 1u);
}

struct Fixture {
    std::vector<Sender> senders = MakeSenders(3, "user", "t");
    std::vector<SignedTx> txs = Presign(senders, "sink1", 6, "t", 1'000'000'000, TxParams{}, 1);
    std::vector<crypto::Hash256> Hashes() const {
        std::vector<crypto::Hash256> h;
        for (const auto& t : txs) h.push_back(t.hash);
        return h;
    }
    std::shared_ptr<const core::MicroBlock> Micro(const std::string& producer, uint64_t seq,
                                                  const crypto::Hash256& prev,
                                                  std::vector<size_t> which) const {
        auto m = std::make_shared<core::MicroBlock>();
        m->header.producer = producer;
        m->header.seq = seq;
        m->header.prev_micro_hash = prev;
        for (size_t i : which) m->txs.push_back(*txs[i].tx);
        m->Seal();
        return m;
    }
};

TEST(Tracker, PackedThenFinalByCommitQuorum) {
    Fixture f;
    TxTracker t(QuorumOf(4));
    const size_t first = t.Expect(f.Hashes());
    for (size_t i = 0; i < f.txs.size(); ++i) t.MarkSubmitted(first + i, 100);
    auto m1 = f.Micro("v0", 1, {}, {0, 1});
    auto m2 = f.Micro("v0", 2, m1->hash, {2});
    t.OnMicro(m1, 200);
    t.OnMicro(m2, 250);
    EXPECT_EQ(t.Get(first + 0).packed, 200);
    EXPECT_EQ(t.Get(first + 2).packed, 250);
    EXPECT_EQ(t.Get(first + 3).packed, 0);

    auto b = std::make_shared<core::FinalBlock>();
    b->height = 5;
    b->micro_refs.push_back(core::MicroRef{"v0", 1, 2, m2->hash});
    const auto bh = b->Hash();
    t.OnProposal(b, bh, 300);
    t.OnCommitVote(bh, 5, "n1", 400);
    t.OnCommitVote(bh, 5, "n1", 410);  // the same voter twice counts once
    t.OnCommitVote(bh, 5, "n2", 420);
    EXPECT_EQ(t.Get(first + 0).final, 0);
    t.OnCommitVote(bh, 5, "n3", 500);
    EXPECT_EQ(t.Get(first + 0).final, 500);
    EXPECT_EQ(t.Get(first + 1).final, 500);
    EXPECT_EQ(t.Get(first + 2).final, 500);
    EXPECT_EQ(t.Get(first + 3).final, 0);
    auto c = t.counters();
    EXPECT_EQ(c.blocks_final_by_votes, 1u);
    EXPECT_EQ(c.final_txs_all, 3u);
    EXPECT_EQ(c.final_height, 5u);
    // A late certified copy of the same height changes nothing.
    t.OnCertified(b, bh, 900);
    EXPECT_EQ(t.Get(first + 0).final, 500);
    EXPECT_EQ(t.counters().blocks_final_by_sync, 0u);
}

TEST(Tracker, VotesBeforeProposalAndDirectTxs) {
    Fixture f;
    TxTracker t(QuorumOf(4));
    const size_t first = t.Expect(f.Hashes());
    auto b = std::make_shared<core::FinalBlock>();
    b->height = 1;
    b->direct_txs.push_back(*f.txs[4].tx);  // the fallback: txs straight in the block
    const auto bh = b->Hash();
    for (const char* v : {"a", "b", "c"}) t.OnCommitVote(bh, 1, v, 50);
    EXPECT_EQ(t.Get(first + 4).final, 0);  // no block content yet
    t.OnProposal(b, bh, 60);
    EXPECT_EQ(t.Get(first + 4).packed, 60);
    EXPECT_EQ(t.Get(first + 4).final, 60);
}

TEST(Tracker, SyncCoversMissedVotesAndCountsMissingMicros) {
    Fixture f;
    TxTracker t(3);
    const size_t first = t.Expect(f.Hashes());
    auto m1 = f.Micro("v1", 1, {}, {5});
    auto m2 = f.Micro("v1", 2, m1->hash, {3});
    t.OnMicro(m2, 10);  // m1 never arrives
    auto b = std::make_shared<core::FinalBlock>();
    b->height = 2;
    b->micro_refs.push_back(core::MicroRef{"v1", 1, 2, m2->hash});
    t.OnCertified(b, b->Hash(), 70);
    EXPECT_EQ(t.Get(first + 3).final, 70);
    EXPECT_EQ(t.Get(first + 5).final, 0);
    EXPECT_EQ(t.counters().missing_micros, 1u);
    EXPECT_EQ(t.counters().blocks_final_by_sync, 1u);
}

TEST(Tracker, ForeignTransactionsAreCountedNotTracked) {
    Fixture f;
    TxTracker t(1);
    t.Expect({f.txs[0].hash});
    auto m = f.Micro("v0", 1, {}, {0, 1, 2});
    t.OnMicro(m, 5);
    auto b = std::make_shared<core::FinalBlock>();
    b->height = 1;
    b->micro_refs.push_back(core::MicroRef{"v0", 1, 1, m->hash});
    t.OnProposal(b, b->Hash(), 6);
    t.OnCommitVote(b->Hash(), 1, "x", 7);
    EXPECT_EQ(t.counters().final_txs_all, 3u);
    EXPECT_EQ(t.Get(0).final, 7);
    EXPECT_EQ(t.Get(99).final, 0);  // out of range is empty, not a crash
}

}  // namespace
}  // namespace iost::loadgen
