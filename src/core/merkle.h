// IOST's Merkle root (go-iost core/merkletree/merkle_tree.go Build, used by
// Block.CalculateTxMerkleHash over tx hashes and CalculateTxReceiptMerkleHash
// over receipt hashes).
//
// Construction, exactly as IOST builds it:
//  - leaves are the given 32-byte hashes themselves (not re-hashed);
//  - the leaf count is padded up to a power of two n with "missing" nodes;
//  - a parent is SHA3-256(left ‖ right); when the right child is missing it
//    is SHA3-256(left ‖ left) (the left child duplicated);
//  - one leaf: the root is SHA3-256(leaf ‖ leaf) (IOST's loop runs once on
//    the lone leaf);
//  - no leaves: IOST's root is the EMPTY byte string (nil). IostMerkleRootBytes
//    returns exactly that; IostMerkleRoot returns the all-zero hash for a
//    fixed-size field and says so.
// IOST's proofs (MerklePath) are not reproduced: nothing here needs them.
// Named Iost* because core/block.h has its own, domain-separated MerkleRoot
// for our MicroBlock/FinalBlock; this one is for IOST-compatible views
// (e.g. tx_merkle_hash in IOST-shaped block JSON).
// Thread contract: pure functions.
#pragma once

#include <crypto/hash.h>
#include <util/bytes.h>

#include <span>

namespace iost::core {

// IOST's exact root: empty for no leaves, else 32 bytes.
util::Bytes IostMerkleRootBytes(std::span<const crypto::Hash256> leaves);
// The same root as a fixed-size hash; all zero for no leaves.
crypto::Hash256 IostMerkleRoot(std::span<const crypto::Hash256> leaves);

}  // namespace iost::core
