#include <core/merkle.h>

#include <vector>

namespace iost::core {
namespace {

crypto::Hash256 HashPair(const crypto::Hash256& l, const crypto::Hash256& r) {
    crypto::Sha3Hasher h;
    h.Update(crypto::View(l)).Update(crypto::View(r));
    return h.Final();
}

}  // namespace

crypto::Hash256 IostMerkleRoot(std::span<const crypto::Hash256> leaves) {
    if (leaves.empty()) return crypto::Hash256{};
    if (leaves.size() == 1) return HashPair(leaves[0], leaves[0]);
    // Level by level. A level of k present nodes (the rest of the padded
    // power-of-two level is missing) gives ceil(k/2) parents; a node whose
    // right sibling is missing pairs with itself. This equals IOST's array
    // walk: a missing right child only ever follows the last present node.
    std::vector<crypto::Hash256> level(leaves.begin(), leaves.end());
    while (level.size() > 1) {
        std::vector<crypto::Hash256> up;
        up.reserve((level.size() + 1) / 2);
        for (size_t i = 0; i < level.size(); i += 2) {
            const auto& right = i + 1 < level.size() ? level[i + 1] : level[i];
            up.push_back(HashPair(level[i], right));
        }
        level = std::move(up);
    }
    return level[0];
}

util::Bytes IostMerkleRootBytes(std::span<const crypto::Hash256> leaves) {
    if (leaves.empty()) return {};
    const auto root = IostMerkleRoot(leaves);
    return util::Bytes(root.begin(), root.end());
}

}  // namespace iost::core
