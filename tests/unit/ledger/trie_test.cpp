// The state tree (src/ledger/trie.h): the root is independent of write
// order and history (a tree updated block by block equals one built from
// scratch over the same entries), the stored nodes are exactly the tree's,
// and proofs of presence and absence verify while any tampering fails.
#include <gtest/gtest.h>
#include <ledger/trie.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <map>
#include <random>

namespace iost::ledger {
namespace {

// Applies `ws` the way a block does: tree update, then the write set.
crypto::Hash256 Commit(MemState& state, WriteSet ws) {
    const auto root = CommitStateTree(state, ws);
    state.Apply(ws);
    return root;
}

// A fresh state holding only the tree entries of `state`, its tree built in
// one go.
crypto::Hash256 RebuiltRoot(const MemState& state) {
    WriteSet all;
    for (const auto& [k, v] : state.entries()) {
        if (IsTreeEntry(k)) all.emplace(k, v);
    }
    MemState fresh;
    return Commit(fresh, std::move(all));
}

size_t TreeNodeCount(const MemState& state) {
    size_t n = 0;
    for (const auto& [k, v] : state.entries()) n += k.starts_with(kTrieKeyPrefix) ? 1 : 0;
    return n;
}

TEST(StateTree, EmptyTreeHasZeroRootAndProvesAbsence) {
    MemState s;
    EXPECT_EQ(TreeRoot(s), crypto::Hash256{});
    const auto proof = ProveKey(s, "acc/alice");
    EXPECT_TRUE(proof.nodes.empty());
    EXPECT_TRUE(VerifyProof(crypto::Hash256{}, "acc/alice", std::nullopt, proof).ok());
    EXPECT_FALSE(VerifyProof(crypto::Hash256{}, "acc/alice", std::string("x"), proof).ok());
}

TEST(StateTree, RootCommitsToEveryValueAndStoredRootMatches) {
    MemState s;
    WriteSet ws;
    for (int i = 0; i < 300; ++i) ws.emplace("k" + std::to_string(i), "v" + std::to_string(i));
    const auto r1 = Commit(s, ws);
    EXPECT_EQ(r1, TreeRoot(s));
    EXPECT_EQ(s.Get(kStateRootKey), std::string(r1.begin(), r1.end()));
    // One changed value anywhere changes the root; writing it back restores it.
    const auto r2 = Commit(s, {{"k150", std::string("changed")}});
    EXPECT_NE(r2, r1);
    EXPECT_EQ(Commit(s, {{"k150", std::string("v150")}}), r1);
}

TEST(StateTree, DeletingEverythingLeavesNoNodes) {
    MemState s;
    WriteSet ws, del;
    for (int i = 0; i < 500; ++i) {
        ws.emplace("k" + std::to_string(i), "v");
        del.emplace("k" + std::to_string(i), std::nullopt);
    }
    Commit(s, ws);
    EXPECT_GT(TreeNodeCount(s), 500u);
    EXPECT_EQ(Commit(s, del), crypto::Hash256{});
    EXPECT_EQ(TreeNodeCount(s), 0u);
}

// The property snapshots and state sync rely on: the root (and the set of
// stored nodes) depends only on the entries, not on the blocks that wrote
// them. Random blocks of puts and deletes over a small key space (so keys
// collide, collapse and split often).
RC_GTEST_PROP(StateTree, IncrementalEqualsRebuiltFromScratch, ()) {
    const auto blocks = *rc::gen::container<std::vector<std::vector<std::pair<int, int>>>>(
        rc::gen::container<std::vector<std::pair<int, int>>>(
            rc::gen::pair(rc::gen::inRange(0, 60), rc::gen::inRange(-1, 4))));
    MemState s;
    for (const auto& block : blocks) {
        WriteSet ws;
        for (const auto& [k, v] : block) {
            ws.insert_or_assign(
                "key" + std::to_string(k),
                v < 0 ? std::nullopt : std::optional<std::string>(std::to_string(v)));
        }
        const auto root = Commit(s, ws);
        RC_ASSERT(root == TreeRoot(s));
    }
    RC_ASSERT(TreeRoot(s) == RebuiltRoot(s));
    MemState fresh;
    WriteSet all;
    for (const auto& [k, v] : s.entries()) {
        if (IsTreeEntry(k)) all.emplace(k, v);
    }
    Commit(fresh, all);
    RC_ASSERT(TreeNodeCount(fresh) == TreeNodeCount(s));
    // Every key, present or absent, has a verifying proof.
    for (int k = 0; k < 60; ++k) {
        const std::string key = "key" + std::to_string(k);
        RC_ASSERT(VerifyProof(TreeRoot(s), key, s.Get(key), ProveKey(s, key)).ok());
    }
}

class ProofTest : public ::testing::Test {
  protected:
    void SetUp() override {
        WriteSet ws;
        for (int i = 0; i < 2000; ++i) ws.emplace("tb/iost/u" + std::to_string(i), "balance");
        m_root = Commit(m_s, std::move(ws));
    }
    MemState m_s;
    crypto::Hash256 m_root{};
};

TEST_F(ProofTest, PresenceVerifiesOnlyWithTheRightValue) {
    const std::string key = "tb/iost/u1234";
    const auto proof = ProveKey(m_s, key);
    ASSERT_GE(proof.nodes.size(), 2u);
    EXPECT_TRUE(VerifyProof(m_root, key, std::string("balance"), proof).ok());
    auto bad = VerifyProof(m_root, key, std::string("balancf"), proof);
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().code, static_cast<int>(ProofError::kValueMismatch));
    EXPECT_FALSE(VerifyProof(m_root, key, std::nullopt, proof).ok());
    // The same proof does not prove another key.
    EXPECT_FALSE(VerifyProof(m_root, "tb/iost/u1235", std::string("balance"), proof).ok());
}

TEST_F(ProofTest, AbsenceVerifiesAndCannotHideAPresentKey) {
    const auto proof = ProveKey(m_s, "tb/iost/nobody");
    EXPECT_TRUE(VerifyProof(m_root, "tb/iost/nobody", std::nullopt, proof).ok());
    EXPECT_FALSE(VerifyProof(m_root, "tb/iost/nobody", std::string("balance"), proof).ok());
    // A present key's proof cannot be passed off as its absence.
    EXPECT_FALSE(VerifyProof(m_root, "tb/iost/u7", std::nullopt, ProveKey(m_s, "tb/iost/u7")).ok());
}

TEST_F(ProofTest, EveryTamperedByteFails) {
    const std::string key = "tb/iost/u42";
    const auto proof = ProveKey(m_s, key);
    ASSERT_TRUE(VerifyProof(m_root, key, std::string("balance"), proof).ok());
    for (size_t n = 0; n < proof.nodes.size(); ++n) {
        for (size_t i = 0; i < proof.nodes[n].size(); ++i) {
            StateProof t = proof;
            t.nodes[n][i] = static_cast<char>(t.nodes[n][i] ^ 0x01);
            EXPECT_FALSE(VerifyProof(m_root, key, std::string("balance"), t).ok())
                << "node " << n << " byte " << i;
        }
    }
    // A wrong root, a dropped node, an extra node.
    crypto::Hash256 other = m_root;
    other[31] ^= 1;
    EXPECT_FALSE(VerifyProof(other, key, std::string("balance"), proof).ok());
    StateProof shorter = proof;
    shorter.nodes.pop_back();
    EXPECT_FALSE(VerifyProof(m_root, key, std::string("balance"), shorter).ok());
    StateProof longer = proof;
    longer.nodes.push_back(proof.nodes.back());
    EXPECT_FALSE(VerifyProof(m_root, key, std::string("balance"), longer).ok());
}

TEST_F(ProofTest, ProofAgainstOldRootFailsAfterChange) {
    const std::string key = "tb/iost/u9";
    const auto old_proof = ProveKey(m_s, key);
    const auto new_root = Commit(m_s, {{key, std::string("spent")}});
    EXPECT_FALSE(VerifyProof(new_root, key, std::string("balance"), old_proof).ok());
    EXPECT_TRUE(VerifyProof(new_root, key, std::string("spent"), ProveKey(m_s, key)).ok());
    EXPECT_TRUE(VerifyProof(m_root, key, std::string("balance"), old_proof).ok());
}

TEST(StateTree, NodesAndStoredRootAreNotTreeEntries) {
    EXPECT_FALSE(IsTreeEntry(kStateRootKey));
    EXPECT_FALSE(IsTreeEntry(std::string(kTrieKeyPrefix) + "\x01"));
    EXPECT_TRUE(IsTreeEntry("acc/alice"));
    // Committing twice with the tree's own writes in the set does not change it.
    MemState s;
    const auto r = Commit(s, {{"a", std::string("1")}, {"b", std::string("2")}});
    WriteSet again;
    for (const auto& [k, v] : s.entries()) again.emplace(k, v);
    EXPECT_EQ(Commit(s, again), r);
}

}  // namespace
}  // namespace iost::ledger
