// The authenticated state tree (docs/state.md "State root"): a 16-ary radix
// tree over SHA3(key), Jellyfish-like, whose root hash commits to every
// state entry, so one value (or its absence) can be proven against a
// certified block's state_root.
//
// Shape (canonical, independent of the order in which keys were written):
//   - a leaf for key k sits at the shortest nibble prefix of SHA3(k) that no
//     other key shares; its bytes are 0x00 ‖ SHA3(k) ‖ SHA3(value);
//   - an internal node sits at every prefix that two or more keys share; its
//     bytes are 0x01 ‖ u16be child bitmap ‖ the present children's hashes in
//     nibble order;
//   - a node's hash is SHA3 of its bytes; the empty tree's root is all zero.
//
// The nodes are themselves kept in state, under kTrieKeyPrefix + one byte
// per nibble of their path (the root at the bare prefix), so they reach disk
// in the block's one WriteBatch together with the writes that changed them,
// and a node restarted from disk continues from exactly the tree it
// committed. Keys under kTrieKeyPrefix and kStateRootKey are not themselves
// entries of the tree.
//
// Thread contract: pure functions over a StateReader; they only read it.
#pragma once

#include <crypto/hash.h>
#include <ledger/state.h>
#include <util/result.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace iost::ledger {

inline constexpr std::string_view kTrieKeyPrefix = "trie/";

// Is `key` an entry of the tree (not a tree node, not the stored root)?
bool IsTreeEntry(std::string_view key);

// Applies the tree entries of `ws` to the tree stored in `base` and returns
// the new root; every node that changed is added to `out_nodes` (a put, or a
// deletion for a node that no longer exists). Work is proportional to the
// number of changed entries times the tree depth (~log16 of the state size);
// nodes shared by several changed keys are read and hashed once.
crypto::Hash256 UpdateTree(const StateReader& base, const WriteSet& ws, WriteSet& out_nodes);

// What a block (or genesis) does at its end: updates the tree stored in
// `base` with `writes`, adds the changed nodes and the new root (under
// kStateRootKey) to `writes`, and returns the root.
crypto::Hash256 CommitStateTree(const StateReader& base, WriteSet& writes);

// The root of the tree stored in `state` (zero when empty), read from the
// root node itself, not from kStateRootKey.
crypto::Hash256 TreeRoot(const StateReader& state);

// A proof for one key: the encoded nodes on the path from the root down to
// where the key's search ends (a leaf, or an internal node without the next
// child). The value itself is not part of the proof.
struct StateProof {
    std::vector<std::string> nodes;
};

StateProof ProveKey(const StateReader& state, std::string_view key);

enum class ProofError {
    kRootMismatch,   // a node's hash is not what its parent (or the root) says
    kMalformedNode,  // a node's bytes do not decode
    kValueMismatch,  // the proof shows another value (or absence, or presence)
    kIncomplete,     // the path ends before the key's search does
    kTrailingNodes,  // nodes after the search ended
    kForeignEntry,   // a chunk entry outside the chunk's prefix, or given twice
};
std::string_view ToString(ProofError e);

// Checks that `proof` shows `key` holding `value` (nullopt: absent) in the
// tree whose root is `root`. Only the proof, the key, the value and the root
// are used: this is what a light client runs.
util::Status VerifyProof(const crypto::Hash256& root, std::string_view key,
                         const std::optional<std::string>& value, const StateProof& proof);

// --- chunks (state sync, snapshots; docs/state.md "Chunks") ---
// A chunk is every tree entry whose key hash starts with a nibble prefix
// (`prefix`: one byte 0..15 per nibble, at most 63). The 16^d chunks of
// depth d partition the state, and each is checked alone: its entries
// rebuild the subtree at the prefix, whose hash must be the link that the
// upper nodes (root first, proven from the certified root) name.
using ChunkEntries = std::vector<std::pair<std::string, std::string>>;

// Does `key`'s hash start with `prefix`?
bool KeyInChunk(std::string_view key, std::string_view prefix);

// The stored nodes from the root along `prefix` (at most one per nibble),
// stopping early at a leaf or a missing child.
StateProof ProveChunk(const StateReader& state, std::string_view prefix);

// Checks that `entries` are exactly the chunk `prefix` of the tree with root
// `root`: nothing missing, nothing added, every value right.
util::Status VerifyChunk(const crypto::Hash256& root, std::string_view prefix,
                         const ChunkEntries& entries, const StateProof& upper);

}  // namespace iost::ledger
