// The epoch seed's commit–reveal (docs/pob.md §4.2, consensus/seed.h): the
// windows, the secret (deterministic for an honest Ed25519 signer, so a
// restart recomputes it), every refusal of CheckSeedFields, the next seed
// (independent of the last block's hash, of the order reveals arrived in,
// moved by every reveal), withholders left out of the election, the bias
// bound (k withholders choose among at most 2^k seeds), and the old
// last-block-hash seed when commit–reveal is off (the negative control).
#include <consensus/seed.h>
#include <gtest/gtest.h>

#include <set>

namespace iost::consensus {
namespace {

crypto::Hash256 H(const std::string& s) { return crypto::Sha3_256(util::AsBytes(s)); }

core::FinalBlock Block(uint64_t height, const std::string& proposer) {
    core::FinalBlock b;
    b.height = height;
    b.epoch = 0;
    b.proposer = proposer;
    return b;
}

TEST(Seed, WindowsSplitTheEpochInHalves) {
    // L = 10: heights 1..5 commit, 6..10 reveal; then again for the next epoch.
    for (uint64_t h = 1; h <= 5; ++h) EXPECT_EQ(WindowOf(h, 10), SeedWindow::kCommit) << h;
    for (uint64_t h = 6; h <= 10; ++h) EXPECT_EQ(WindowOf(h, 10), SeedWindow::kReveal) << h;
    EXPECT_EQ(WindowOf(11, 10), SeedWindow::kCommit);
    EXPECT_EQ(WindowOf(16, 10), SeedWindow::kReveal);
    // Odd lengths give the reveal window the extra height.
    EXPECT_EQ(WindowOf(2, 5), SeedWindow::kCommit);
    EXPECT_EQ(WindowOf(3, 5), SeedWindow::kReveal);
    // Too short for two windows: nobody contributes.
    EXPECT_EQ(WindowOf(1, 1), SeedWindow::kNone);
    EXPECT_EQ(WindowOf(0, 10), SeedWindow::kNone);
}

TEST(Seed, TheSecretIsDeterministicPerSignerAndEpoch) {
    const auto kp = crypto::KeyPair::FromSeed(crypto::Algorithm::kEd25519, "val00");
    const crypto::KeyPairSigner signer(kp);
    auto secret = [&](uint32_t chain, uint64_t epoch) {
        return SeedSecret(signer.Sign(SeedSecretMessage(chain, epoch)));
    };
    // A restarted validator signs again and gets the value it committed to.
    EXPECT_EQ(secret(1020, 3), secret(1020, 3));
    EXPECT_EQ(SeedCommitment(secret(1020, 3)), SeedCommitment(secret(1020, 3)));
    // Other epoch, other chain, other key: other secrets.
    EXPECT_NE(secret(1020, 3), secret(1020, 4));
    EXPECT_NE(secret(1020, 3), secret(1024, 3));
    const crypto::KeyPairSigner other(
        crypto::KeyPair::FromSeed(crypto::Algorithm::kEd25519, "val01"));
    EXPECT_NE(secret(1020, 3), SeedSecret(other.Sign(SeedSecretMessage(1020, 3))));
    // The commitment hides the secret and differs from it.
    EXPECT_NE(SeedCommitment(secret(1020, 3)), secret(1020, 3));
}

TEST(Seed, CheckSeedFieldsRefusesEachWayOut) {
    Params p;
    p.epoch_length = 10;
    SeedBook book;
    const crypto::Hash256 s = H("secret");
    auto check = [&](const core::FinalBlock& b) { return CheckSeedFields(p, book, b); };

    core::FinalBlock c = Block(2, "n1");  // commit window
    EXPECT_TRUE(check(c).ok());           // no fields: always fine
    c.seed_commit = SeedCommitment(s);
    EXPECT_TRUE(check(c).ok());
    core::FinalBlock late = Block(7, "n1");
    late.seed_commit = SeedCommitment(s);
    EXPECT_EQ(check(late).error(), SeedReject::kCommitOutsideWindow);
    RecordSeedFields(book, c);
    EXPECT_EQ(check(c).error(), SeedReject::kCommitRepeated);

    core::FinalBlock early = Block(3, "n1");
    early.seed_reveal = s;
    EXPECT_EQ(check(early).error(), SeedReject::kRevealOutsideWindow);
    core::FinalBlock r = Block(7, "n2");
    r.seed_reveal = s;
    EXPECT_EQ(check(r).error(), SeedReject::kRevealWithoutCommit);
    r.proposer = "n1";
    r.seed_reveal = H("another secret");
    EXPECT_EQ(check(r).error(), SeedReject::kRevealDoesNotMatch);
    r.seed_reveal = s;
    EXPECT_TRUE(check(r).ok());
    RecordSeedFields(book, r);
    EXPECT_EQ(check(r).error(), SeedReject::kRevealRepeated);
    EXPECT_EQ(book.reveals.at("n1"), s);

    // Negative control: with commit–reveal off any seed field is refused.
    p.seed_commit_reveal = false;
    book = {};
    EXPECT_EQ(check(c).error(), SeedReject::kFieldsWhenOff);
    EXPECT_STRNE(SeedRejectName(SeedReject::kFieldsWhenOff), "unknown");
}

TEST(Seed, NextSeedDependsOnRevealsOnlyNotOnTheLastBlock) {
    Params p;
    const crypto::Hash256 seed = H("seed of e");
    SeedBook book;
    book.commits = {{"a", SeedCommitment(H("a"))}, {"b", SeedCommitment(H("b"))}};
    book.reveals = {{"a", H("a")}, {"b", H("b")}};
    const auto s1 = NextEpochSeed(p, 5, seed, book, H("last block 1"));
    // The last block's proposer cannot move it: any hash gives the same seed.
    EXPECT_EQ(s1, NextEpochSeed(p, 5, seed, book, H("last block 2")));
    // The order reveals were recorded in does not matter (validator-id order).
    SeedBook rev;
    rev.reveals.emplace("b", H("b"));
    rev.reveals.emplace("a", H("a"));
    rev.commits = book.commits;
    EXPECT_EQ(s1, NextEpochSeed(p, 5, seed, rev, H("x")));
    // Every reveal, the previous seed and the epoch move it.
    SeedBook less = book;
    less.reveals.erase("b");
    EXPECT_NE(s1, NextEpochSeed(p, 5, seed, less, H("x")));
    EXPECT_NE(s1, NextEpochSeed(p, 5, H("other seed"), book, H("x")));
    EXPECT_NE(s1, NextEpochSeed(p, 6, seed, book, H("x")));
    // With no contribution at all it is still a fresh value per epoch.
    EXPECT_NE(NextEpochSeed(p, 5, seed, {}, H("x")), NextEpochSeed(p, 6, seed, {}, H("x")));

    // Negative control (off): the old rule, the last block's hash decides.
    p.seed_commit_reveal = false;
    EXPECT_EQ(NextEpochSeed(p, 5, seed, book, H("last block 1")), EpochSeed(5, H("last block 1")));
    EXPECT_NE(NextEpochSeed(p, 5, seed, book, H("last block 1")),
              NextEpochSeed(p, 5, seed, book, H("last block 2")));
}

TEST(Seed, WithholdersAreLeftOutOfTheElection) {
    Params p;
    SeedBook book;
    book.commits = {{"a", {}}, {"b", {}}, {"c", {}}};
    book.reveals = {{"b", {}}};
    EXPECT_EQ(Withholders(book), (std::vector<std::string>{"a", "c"}));
    std::vector<Candidate> cands;
    for (const char* id : {"a", "b", "c", "d"}) cands.push_back({id, {}, 10, 10});
    std::vector<std::string> ids;
    for (const auto& c : SeedEligible(p, cands, book)) ids.push_back(c.id);
    // b revealed; d never committed (no turn in the window): both stay.
    EXPECT_EQ(ids, (std::vector<std::string>{"b", "d"}));
    // Negative control: off, nobody is left out.
    p.seed_commit_reveal = false;
    EXPECT_EQ(SeedEligible(p, cands, book).size(), 4u);
}

// pob.md §4.2's residual bias: a coalition of k committed validators that
// reveal last can choose among the 2^k subsets of their reveals — at most
// 2^k seeds — and every seed but the all-revealed one leaves some of them
// out of the election it decides.
TEST(Seed, KWithholdersChooseAmongAtMostTwoToTheKSeeds) {
    Params p;
    const crypto::Hash256 seed = H("seed");
    SeedBook honest;
    for (const char* id : {"h1", "h2", "h3"}) {
        honest.commits[id] = SeedCommitment(H(id));
        honest.reveals[id] = H(id);
    }
    for (size_t k : {1u, 2u, 3u}) {
        std::set<crypto::Hash256> seeds;
        size_t keep_all = 0;
        for (uint32_t mask = 0; mask < (1u << k); ++mask) {
            SeedBook b = honest;
            for (size_t i = 0; i < k; ++i) {
                const std::string id = "x" + std::to_string(i);
                b.commits[id] = SeedCommitment(H(id));
                if (mask & (1u << i)) b.reveals[id] = H(id);
            }
            seeds.insert(NextEpochSeed(p, 1, seed, b, H("any")));
            if (Withholders(b).empty()) ++keep_all;
        }
        EXPECT_EQ(seeds.size(), size_t{1} << k);
        EXPECT_EQ(keep_all, 1u);  // only revealing everything keeps all k seats
    }
}

}  // namespace
}  // namespace iost::consensus
