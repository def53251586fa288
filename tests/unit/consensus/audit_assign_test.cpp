// Audit assignment (docs/pob.md §7.4 "Who audits what"): f + 1 distinct
// normal validators per final transaction, chosen from its hash,
// deterministic, never the producer, spread evenly over the league; and the
// property the exposure bound rests on: whatever hash a forger grinds, the
// set holds an honest member when at most f of the league are Byzantine —
// with f auditors per transaction it does not (the negative control).
#include <consensus/audit_assign.h>
#include <consensus/params.h>
#include <crypto/hash.h>
#include <gtest/gtest.h>
#include <util/bytes.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace iost::consensus {
namespace {

std::vector<std::string> League(size_t n) {
    std::vector<std::string> out;
    for (size_t i = 0; i < n; ++i) out.push_back("val" + std::to_string(i));
    return out;
}

// Fixed, reproducible hashes: SHA3 of the index.
crypto::Hash256 HashOf(uint64_t i) {
    const std::string s = "audit-assign-test-" + std::to_string(i);
    return crypto::Sha3_256(util::AsBytes(s));
}

TEST(AuditAssign, PerTxIsFPlusOne) {
    EXPECT_EQ(AuditorsPerTx(0), 0u);
    for (size_t n = 1; n <= 100; ++n) EXPECT_EQ(AuditorsPerTx(n), MaxFaulty(n) + 1) << n;
    EXPECT_EQ(AuditorsPerTx(4), 2u);
    EXPECT_EQ(AuditorsPerTx(8), 3u);
    EXPECT_EQ(AuditorsPerTx(21), 7u);
}

TEST(AuditAssign, DistinctMembersDeterministicAndAgreeingWithIsAssigned) {
    for (size_t n = 1; n <= 22; ++n) {
        const auto normal = League(n);
        const size_t k = AuditorsPerTx(n);
        for (uint64_t i = 0; i < 200; ++i) {
            const auto h = HashOf(i);
            const auto got = AuditorsOf(h, normal, "producer", k);
            ASSERT_EQ(got.size(), k) << "n=" << n;
            EXPECT_EQ(got, AuditorsOf(h, normal, "producer", k));  // deterministic
            EXPECT_EQ(std::set<std::string>(got.begin(), got.end()).size(), k) << "distinct";
            for (const auto& id : normal) {
                const bool in = std::find(got.begin(), got.end(), id) != got.end();
                EXPECT_EQ(IsAssignedAuditor(h, normal, "producer", k, id), in) << id;
                EXPECT_EQ(ShouldAudit(h, normal, "producer", k, id), in) << id;
            }
            EXPECT_FALSE(IsAssignedAuditor(h, normal, "producer", k, "outsider"));
        }
    }
    // Consecutive in election order, wrapping around.
    const auto normal = League(8);
    for (uint64_t i = 0; i < 50; ++i) {
        const auto got = AuditorsOf(HashOf(i), normal, "p", 3);
        const size_t s = static_cast<size_t>(std::stoi(got[0].substr(3)));
        EXPECT_EQ(got[1], normal[(s + 1) % 8]);
        EXPECT_EQ(got[2], normal[(s + 2) % 8]);
    }
}

TEST(AuditAssign, NeverTheProducerAndItsOwnMicroBlocksAreAuditedByIt) {
    // Under docs/pob.md §4 a producer is believable, never normal; the rule still keeps
    // a producer from being its own auditor if a league ever held it.
    const auto normal = League(7);
    const size_t k = AuditorsPerTx(7);  // 3
    std::map<std::string, int> hits;
    for (uint64_t i = 0; i < 3000; ++i) {
        const auto h = HashOf(i);
        const auto got = AuditorsOf(h, normal, "val3", k);
        ASSERT_EQ(got.size(), k);
        EXPECT_EQ(std::count(got.begin(), got.end(), "val3"), 0);
        EXPECT_FALSE(IsAssignedAuditor(h, normal, "val3", k, "val3"));
        EXPECT_TRUE(ShouldAudit(h, normal, "val3", k, "val3"));  // its own MicroBlock
        for (const auto& id : got) {
            EXPECT_TRUE(IsAssignedAuditor(h, normal, "val3", k, id));
            ++hits[id];
        }
    }
    EXPECT_EQ(hits.size(), 6u);  // the six others share the work
    // A believable producer (not in the league) audits only its own.
    EXPECT_TRUE(ShouldAudit(HashOf(1), normal, "bel0", k, "bel0"));
    EXPECT_FALSE(ShouldAudit(HashOf(1), normal, "bel1", k, "bel0"));
    // A league of one, which is the producer: nobody is assigned.
    EXPECT_TRUE(AuditorsOf(HashOf(1), League(1), "val0", 1).empty());
    // More auditors asked than members: every member once.
    EXPECT_EQ(AuditorsOf(HashOf(1), League(3), "p", 5).size(), 3u);
}

TEST(AuditAssign, SpreadEvenlyOverTheLeague) {
    // 10,000 fixed hashes: each member audits (f+1)/N of them, within 5 %.
    for (size_t n : {4u, 5u, 8u, 13u, 21u}) {
        const auto normal = League(n);
        const size_t k = AuditorsPerTx(n);
        std::map<std::string, int> count;
        constexpr int kTxs = 10'000;
        for (uint64_t i = 0; i < kTxs; ++i) {
            for (const auto& id : AuditorsOf(HashOf(i), normal, "bel0", k)) ++count[id];
        }
        const double want = static_cast<double>(kTxs) * static_cast<double>(k) / n;
        ASSERT_EQ(count.size(), n);
        for (const auto& [id, c] : count) {
            EXPECT_NEAR(c, want, want * 0.05) << "n=" << n << " " << id;
        }
    }
}

// Every set of f Byzantine members, every window a forger can grind its
// hash into: with `count` auditors, does some window hold no honest member?
bool SomeWindowAllByzantine(size_t n, size_t count) {
    const auto normal = League(n);
    const size_t f = MaxFaulty(n);
    // Hashes that reach every start position (grinding: try until it fits).
    std::vector<crypto::Hash256> by_start(n);
    std::vector<bool> seen(n, false);
    size_t found = 0;
    for (uint64_t i = 0; found < n; ++i) {
        const auto h = HashOf(1'000'000 + i);
        const auto first = AuditorsOf(h, normal, "bel0", 1).at(0);
        const size_t s = static_cast<size_t>(std::stoi(first.substr(3)));
        if (!seen[s]) {
            seen[s] = true;
            by_start[s] = h;
            ++found;
        }
    }
    // Every Byzantine subset of size f (bitmask over n ≤ 16 members).
    for (uint32_t mask = 0; mask < (1u << n); ++mask) {
        if (static_cast<size_t>(__builtin_popcount(mask)) != f) continue;
        for (const auto& h : by_start) {
            const auto set = AuditorsOf(h, normal, "bel0", count);
            const bool honest = std::any_of(set.begin(), set.end(), [&](const std::string& id) {
                return ((mask >> std::stoi(id.substr(3))) & 1u) == 0;
            });
            if (!honest) return true;
        }
    }
    return false;
}

TEST(AuditAssign, GrindingCannotAvoidAnHonestAuditor) {
    for (size_t n = 1; n <= 13; ++n) {
        EXPECT_FALSE(SomeWindowAllByzantine(n, AuditorsPerTx(n))) << "n=" << n;
    }
}

TEST(AuditAssign, NegativeControlFAuditorsCanAllBeByzantine) {
    // With f auditors per transaction a forger with f Byzantine colleagues
    // finds a hash whose auditors are all theirs (every n with f ≥ 1).
    for (size_t n = 4; n <= 13; ++n) {
        EXPECT_TRUE(SomeWindowAllByzantine(n, MaxFaulty(n))) << "n=" << n;
    }
}

}  // namespace
}  // namespace iost::consensus
