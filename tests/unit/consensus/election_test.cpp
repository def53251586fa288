// Election (docs/pob.md §4): determinism, input-order independence, the
// B/N split, chain fallback below B+4 eligible, min_servi, that Servi
// weighting matters, and the newcomer seat (pob.md §4.1).
#include <consensus/election.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <map>

namespace iost::consensus {
namespace {

std::vector<Candidate> Cands(size_t n, uint64_t servi = 100) {
    std::vector<Candidate> out;
    for (size_t i = 0; i < n; ++i) {
        Candidate c;
        c.id = "val" + std::to_string(10 + i);
        c.key = crypto::KeyPair::FromSeed(crypto::Algorithm::kEd25519, c.id).public_key();
        c.servi = servi;
        c.stake = 1000;
        out.push_back(c);
    }
    return out;
}

std::vector<std::string> Ids(const std::vector<Candidate>& v) {
    std::vector<std::string> out;
    for (const auto& c : v) out.push_back(c.id);
    return out;
}

TEST(Election, DeterministicAndOrderIndependent) {
    Params p;
    p.believable_size = 3;
    p.normal_size = 4;
    auto c = Cands(12);
    const auto seed = EpochSeed(1, crypto::Sha3_256(util::AsBytes("x")));
    const Committee a = Elect(c, seed, 1, p);
    std::reverse(c.begin(), c.end());
    const Committee b = Elect(c, seed, 1, p);
    EXPECT_EQ(Ids(a.believable), Ids(b.believable));
    EXPECT_EQ(Ids(a.normal), Ids(b.normal));
    EXPECT_EQ(a.believable.size(), 3u);
    EXPECT_EQ(a.normal.size(), 4u);
    EXPECT_FALSE(a.chain_fallback);
    // Disjoint leagues.
    for (const auto& x : a.believable) EXPECT_FALSE(a.NormalIndex(x.id).has_value());
    // Another seed gives another committee (overwhelmingly likely with 12 candidates).
    const Committee d = Elect(c, EpochSeed(2, seed), 2, p);
    EXPECT_NE(Ids(a.believable), Ids(d.believable));
}

TEST(Election, FallbackBelowBPlusFour) {
    Params p;
    p.believable_size = 4;
    p.normal_size = 4;
    const auto seed = EpochSeed(0, {});
    const Committee full = Elect(Cands(8), seed, 0, p);
    EXPECT_FALSE(full.chain_fallback);
    const Committee few = Elect(Cands(7), seed, 0, p);
    EXPECT_TRUE(few.chain_fallback);
    EXPECT_TRUE(few.believable.empty());
    EXPECT_EQ(few.normal.size(), 4u);
}

TEST(Election, MinServiAndDuplicates) {
    Params p;
    p.believable_size = 1;
    p.normal_size = 4;
    p.min_servi = 50;
    p.newcomer_seats = 0;  // c[1] (Servi 0, staked) would be a newcomer (pob.md §4.1)
    auto c = Cands(6);
    c[0].servi = 49;    // below min_servi
    c[1].servi = 0;     // never eligible
    c.push_back(c[2]);  // same id twice
    c.push_back(c[3]);
    c.back().id = "sybil";  // another id with c[3]'s key
    const Committee k = Elect(c, EpochSeed(0, {}), 0, p);
    EXPECT_TRUE(k.chain_fallback);  // 4 eligible < B+4 = 5
    auto ids = Ids(k.normal);
    std::sort(ids.begin(), ids.end());
    // By id order "sybil" comes before val13, so it keeps the shared key and
    // val13 is dropped: one key, one vote.
    EXPECT_EQ(ids, (std::vector<std::string>{"sybil", c[2].id, c[4].id, c[5].id}));
}

TEST(Election, ServiWeighting) {
    // One candidate with 50x the Servi of the others is in the believable
    // league (first draws) far more often than 1 in 10.
    Params p;
    p.believable_size = 1;
    p.normal_size = 4;
    auto c = Cands(10);
    c[7].servi = 5'000;
    int first = 0;
    for (uint64_t e = 0; e < 400; ++e) {
        const Committee k = Elect(c, EpochSeed(e, {}), e, p);
        if (k.believable.front().id == c[7].id) ++first;
    }
    EXPECT_GT(first, 300);
    EXPECT_EQ(ElectionWeight(c[0], 0), 100u * (1 + 9));  // ⌊log2(1001)⌋ = 9
}

// pob.md §4.1: a newly registered validator (Servi 0, staked) has weight 0
// and is never drawn; the reserved seat elects it at the next election,
// earliest registration first. Negative control: without the seat it is
// never elected, over many seeds.
TEST(Election, NewcomerTakesTheReservedSeat) {
    Params p;
    p.believable_size = 4;
    p.normal_size = 4;
    auto c = Cands(9);
    Candidate late = Cands(1).front();
    late.id = "new-late";
    late.key = crypto::KeyPair::FromSeed(crypto::Algorithm::kEd25519, late.id).public_key();
    late.servi = 0;
    late.registered_time = 20;
    Candidate early = late;
    early.id = "new-early";
    early.key = crypto::KeyPair::FromSeed(crypto::Algorithm::kEd25519, early.id).public_key();
    early.registered_time = 10;
    Candidate unstaked = early;
    unstaked.id = "new-unstaked";
    unstaked.key = crypto::KeyPair::FromSeed(crypto::Algorithm::kEd25519, unstaked.id).public_key();
    unstaked.registered_time = 1;
    unstaked.stake = 0;  // Servi 0 and no stake: not a newcomer, weight 0
    c.push_back(late);
    c.push_back(early);
    c.push_back(unstaked);
    EXPECT_TRUE(IsNewcomer(early));
    EXPECT_FALSE(IsNewcomer(unstaked));
    EXPECT_FALSE(IsNewcomer(c.front()));
    for (uint64_t e = 0; e < 50; ++e) {
        const Committee k = Elect(c, EpochSeed(e, {}), e, p);
        ASSERT_EQ(k.normal.size(), 4u);
        ASSERT_EQ(k.believable.size(), 4u);
        EXPECT_EQ(k.normal.back().id, "new-early");  // the seat: earliest registration
        EXPECT_FALSE(k.NormalIndex("new-late").has_value());
        EXPECT_FALSE(k.KeyOf("new-unstaked"));
    }
    p.newcomer_seats = 0;
    for (uint64_t e = 0; e < 50; ++e) {
        const Committee k = Elect(c, EpochSeed(e, {}), e, p);
        EXPECT_FALSE(k.KeyOf("new-early")) << "epoch " << e;
        EXPECT_FALSE(k.KeyOf("new-late")) << "epoch " << e;
    }
    // Once credited (Servi 1) it is an ordinary candidate, drawn by weight.
    c[c.size() - 2].servi = 1;
    p.newcomer_seats = 1;
    const Committee k = Elect(c, EpochSeed(0, {}), 0, p);
    EXPECT_EQ(k.normal.back().id, "new-late");
}

// pob.md §4.1, the comeback path at the election: a validator logged out
// for idleness is no candidate (the ledger's ElectionCandidates leaves it
// out, tests/unit/ledger/contracts_test.cpp), so it is in neither league;
// once it has logged in again it is a candidate with the Servi it kept (the
// idle penalty and the decay stop at 1: not a newcomer, so the reserved
// seat is not its) and is drawn by weight like anyone. With a seat for
// every candidate it is elected every time; with more candidates than
// seats its chance is its weight's (measured and printed: a comeback at
// Servi 1 among candidates at 40 is rarely drawn, and it earns Servi only
// when elected).
TEST(Election, LoggedOutValidatorIsElectedAgainOnceItLogsIn) {
    Params p;
    p.believable_size = 2;
    p.normal_size = 5;
    auto all = Cands(7, 40);
    all[3].servi = 1;
    const std::string back = all[3].id;
    EXPECT_FALSE(IsNewcomer(all[3]));
    std::vector<Candidate> out = all;
    out.erase(out.begin() + 3);  // logged out: not a candidate
    for (uint64_t e = 1; e <= 50; ++e) {
        const auto seed = EpochSeed(e, {});
        const Committee down = Elect(out, seed, e, p);
        EXPECT_FALSE(down.chain_fallback);  // 6 = B + 4 eligible
        EXPECT_FALSE(down.KeyOf(back)) << "epoch " << e;
        EXPECT_EQ(down.believable.size() + down.normal.size(), 6u);
        const Committee again = Elect(all, seed, e, p);
        EXPECT_TRUE(again.KeyOf(back)) << "epoch " << e;  // 7 candidates, 7 seats
        EXPECT_EQ(again.believable.size() + again.normal.size(), 7u);
    }
    // More candidates than seats: 10 for 7, nine at Servi 40.
    auto crowd = Cands(10, 40);
    crowd[3].servi = 1;
    int elected = 0, peer = 0;
    const int elections = 2000;
    for (uint64_t e = 0; e < static_cast<uint64_t>(elections); ++e) {
        const Committee k = Elect(crowd, EpochSeed(e, {}), e, p);
        elected += k.KeyOf(crowd[3].id) != nullptr;
        peer += k.KeyOf(crowd[4].id) != nullptr;
    }
    std::printf("[election] comeback at Servi 1 elected in %d of %d elections (a peer at 40: %d)\n",
                elected, elections, peer);
    EXPECT_GT(elected, 0);
    EXPECT_LT(elected, peer);
}

}  // namespace
}  // namespace iost::consensus
