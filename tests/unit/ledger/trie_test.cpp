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

namespace iost::ledger {
namespace {

std::string Prefix(std::initializer_list<int> nibbles) {
    std::string p;
    for (int n : nibbles) p.push_back(static_cast<char>(n));
    return p;
}

ChunkEntries EntriesOf(const MemState& s, std::string_view prefix) {
    ChunkEntries out;
    for (const auto& [k, v] : s.entries()) {
        if (IsTreeEntry(k) && KeyInChunk(k, prefix)) out.emplace_back(k, v);
    }
    return out;
}

// All 16^d prefixes of depth d.
std::vector<std::string> AllPrefixes(int depth) {
    std::vector<std::string> out{""};
    for (int d = 0; d < depth; ++d) {
        std::vector<std::string> next;
        for (const auto& p : out) {
            for (int n = 0; n < 16; ++n) next.push_back(p + static_cast<char>(n));
        }
        out = std::move(next);
    }
    return out;
}

class ChunkTest : public ::testing::Test {
  protected:
    void SetUp() override {
        WriteSet ws;
        for (int i = 0; i < 1500; ++i) ws.emplace("tb/iost/u" + std::to_string(i), "v");
        m_root = Commit(m_s, std::move(ws));
    }
    MemState m_s;
    crypto::Hash256 m_root{};
};

// Depth 1 and 2 chunks are full subtrees; at depth 3 and 4 most are one leaf
// met above the prefix or an absent child: every shape verifies, and the
// chunks of one depth together hold every entry exactly once.
TEST_F(ChunkTest, EveryChunkOfEveryDepthVerifiesAndTheyPartitionTheState) {
    // Entries bucketed by the first four nibbles of their key hash, once.
    std::map<std::string, ChunkEntries> by4;
    size_t total_entries = 0;
    for (const auto& [k, v] : m_s.entries()) {
        if (!IsTreeEntry(k)) continue;
        ++total_entries;
        const auto h = crypto::Sha3_256(util::AsBytes(k));
        by4[Prefix({h[0] >> 4, h[0] & 15, h[1] >> 4, h[1] & 15})].emplace_back(k, v);
    }
    for (int depth = 0; depth <= 4; ++depth) {
        size_t seen = 0;
        for (const auto& p : AllPrefixes(depth)) {
            ChunkEntries entries;
            for (auto it = by4.lower_bound(p); it != by4.end() && it->first.starts_with(p); ++it) {
                entries.insert(entries.end(), it->second.begin(), it->second.end());
            }
            for (const auto& [k, v] : entries) ASSERT_TRUE(KeyInChunk(k, p));
            seen += entries.size();
            auto st = VerifyChunk(m_root, p, entries, ProveChunk(m_s, p));
            ASSERT_TRUE(st.ok()) << "depth " << depth << ": " << st.error().message;
        }
        EXPECT_EQ(seen, total_entries) << "depth " << depth;
    }
}

TEST_F(ChunkTest, MissingExtraWrongOrForeignEntriesFail) {
    const std::string p = Prefix({3, 9});
    auto entries = EntriesOf(m_s, p);
    ASSERT_GE(entries.size(), 2u);
    const auto upper = ProveChunk(m_s, p);
    ASSERT_TRUE(VerifyChunk(m_root, p, entries, upper).ok());

    auto missing = entries;
    missing.pop_back();
    EXPECT_FALSE(VerifyChunk(m_root, p, missing, upper).ok());
    auto wrong = entries;
    wrong[0].second = "w";
    EXPECT_FALSE(VerifyChunk(m_root, p, wrong, upper).ok());
    auto repeated = entries;
    repeated.push_back(entries[0]);
    EXPECT_EQ(VerifyChunk(m_root, p, repeated, upper).error().code,
              static_cast<int>(ProofError::kForeignEntry));
    // An invented key that happens to fall into the chunk.
    auto extra = entries;
    for (int i = 0;; ++i) {
        const std::string k = "invented" + std::to_string(i);
        if (!KeyInChunk(k, p)) continue;
        extra.emplace_back(k, "v");
        break;
    }
    EXPECT_FALSE(VerifyChunk(m_root, p, extra, upper).ok());
    // A real entry of another chunk.
    auto foreign = entries;
    foreign.push_back(EntriesOf(m_s, Prefix({3, 10}))[0]);
    EXPECT_EQ(VerifyChunk(m_root, p, foreign, upper).error().code,
              static_cast<int>(ProofError::kForeignEntry));
    // An empty answer for a non-empty chunk, and a wrong or shortened proof.
    EXPECT_FALSE(VerifyChunk(m_root, p, {}, upper).ok());
    StateProof shorter = upper;
    shorter.nodes.pop_back();
    EXPECT_FALSE(VerifyChunk(m_root, p, entries, shorter).ok());
    StateProof tampered = upper;
    tampered.nodes[1][5] = static_cast<char>(tampered.nodes[1][5] ^ 1);
    EXPECT_FALSE(VerifyChunk(m_root, p, entries, tampered).ok());
    auto other_root = m_root;
    other_root[0] ^= 1;
    EXPECT_FALSE(VerifyChunk(other_root, p, entries, upper).ok());
}

TEST(Chunk, EmptyTreeAndBadPrefixes) {
    MemState s;
    EXPECT_TRUE(VerifyChunk(crypto::Hash256{}, Prefix({1}), {}, ProveChunk(s, Prefix({1}))).ok());
    EXPECT_FALSE(VerifyChunk(crypto::Hash256{}, Prefix({1}), {{"a", "b"}}, {}).ok());
    const auto root = Commit(s, {{"a", std::string("b")}});
    EXPECT_FALSE(VerifyChunk(root, Prefix({16}), {}, {}).ok());
    EXPECT_FALSE(VerifyChunk(root, std::string(64, '\0'), {}, {}).ok());
    // One key: its leaf is the root; every chunk but its own is empty.
    for (const auto& p : AllPrefixes(2)) {
        const auto entries = EntriesOf(s, p);
        EXPECT_TRUE(VerifyChunk(root, p, entries, ProveChunk(s, p)).ok());
        if (entries.empty()) {
            EXPECT_FALSE(VerifyChunk(root, p, {{"a", "b"}}, ProveChunk(s, p)).ok());
        }
    }
}

}  // namespace
}  // namespace iost::ledger
