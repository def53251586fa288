#include <core/merkle.h>
#include <crypto/hash.h>
#include <gtest/gtest.h>

#include <cmath>
#include <optional>

namespace iost::core {
namespace {

// A literal transcription of go-iost core/merkletree/merkle_tree.go Build
// (array of 2n slots, nil = missing, Go's truncating (i-1)/2), kept here as
// an independent reference for the level-by-level implementation.
util::Bytes IostReferenceRoot(const std::vector<crypto::Hash256>& data) {
    if (data.empty()) return {};
    const auto len = static_cast<int32_t>(data.size());
    const auto n = static_cast<int32_t>(std::exp2(std::ceil(std::log2(static_cast<double>(len)))));
    std::vector<std::optional<crypto::Hash256>> list(2 * n);
    for (int32_t i = 0; i < len; ++i) list[n - 1 + i] = data[i];
    int32_t start = n - 1;
    int32_t end = n + len - 2;
    auto sha_pair = [](const crypto::Hash256& a, const crypto::Hash256& b) {
        util::Bytes cat(a.begin(), a.end());
        cat.insert(cat.end(), b.begin(), b.end());
        return crypto::Sha3_256(cat);
    };
    for (;;) {
        for (int32_t i = start; i <= end; i += 2) {
            const int32_t p = (i - 1) / 2;  // C++ truncates toward zero like Go
            if (!list[i + 1]) {
                list[p] = sha_pair(*list[i], *list[i]);
            } else {
                list[p] = sha_pair(*list[i], *list[i + 1]);
            }
        }
        start = (start - 1) / 2;
        end = (end - 1) / 2;
        if (start == end) break;
    }
    return util::Bytes(list[0]->begin(), list[0]->end());
}

std::vector<crypto::Hash256> Leaves(size_t n) {
    std::vector<crypto::Hash256> out;
    for (size_t i = 0; i < n; ++i)
        out.push_back(crypto::Sha3_256(util::AsBytes(std::to_string(i))));
    return out;
}

TEST(Merkle, EmptyIsIostsNil) {
    EXPECT_TRUE(IostMerkleRootBytes({}).empty());
    EXPECT_EQ(IostMerkleRoot({}), crypto::Hash256{});
}

TEST(Merkle, SmallTreesByHand) {
    const auto l = Leaves(3);
    auto h2 = [](const crypto::Hash256& a, const crypto::Hash256& b) {
        crypto::Sha3Hasher s;
        s.Update(crypto::View(a)).Update(crypto::View(b));
        return s.Final();
    };
    EXPECT_EQ(IostMerkleRoot(std::span(l.data(), 1)), h2(l[0], l[0]));
    EXPECT_EQ(IostMerkleRoot(std::span(l.data(), 2)), h2(l[0], l[1]));
    EXPECT_EQ(IostMerkleRoot(l), h2(h2(l[0], l[1]), h2(l[2], l[2])));
}

TEST(Merkle, MatchesIostsArrayConstructionUpTo70Leaves) {
    for (size_t n = 0; n <= 70; ++n) {
        const auto l = Leaves(n);
        EXPECT_EQ(IostMerkleRootBytes(l), IostReferenceRoot(l)) << n;
    }
}

TEST(Merkle, OrderAndContentMatter) {
    auto l = Leaves(5);
    const auto root = IostMerkleRoot(l);
    std::swap(l[1], l[2]);
    EXPECT_NE(IostMerkleRoot(l), root);
    std::swap(l[1], l[2]);
    l[4][0] ^= 1;
    EXPECT_NE(IostMerkleRoot(l), root);
}

}  // namespace
}  // namespace iost::core
