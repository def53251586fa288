// The sampling rule (docs/pob.md §5.3): exact threshold arithmetic, the
// extremes, and a rate test against p on real Ed25519 sample signatures.
#include <crypto/keys.h>
#include <crypto/sampling.h>
#include <gtest/gtest.h>

namespace iost::crypto {
namespace {

TEST(Sampling, Threshold) {
    Hash256 half = SampleThreshold(500'000);
    EXPECT_EQ(half[0], 0x80);
    for (size_t i = 1; i < 32; ++i) EXPECT_EQ(half[i], 0) << i;
    Hash256 zero = SampleThreshold(0);
    for (auto b : zero) EXPECT_EQ(b, 0);
    Hash256 tenth = SampleThreshold(100'000);  // 0x1999...
    EXPECT_EQ(tenth[0], 0x19);
    EXPECT_EQ(tenth[31], 0x99);
}

TEST(Sampling, ExtremesAndRate) {
    const auto kp = KeyPair::FromSeed(Algorithm::kEd25519, "sampler");
    const Hash256 micro = Sha3_256(util::AsBytes("micro"));
    const auto sig = kp.Sign(View(SampleMessage(micro)));
    int hits = 0;
    const int n = 20'000;
    for (int i = 0; i < n; ++i) {
        const Hash256 tx = Sha3_256(util::AsBytes("tx" + std::to_string(i)));
        EXPECT_FALSE(IsSampled(sig, tx, 0));
        EXPECT_TRUE(IsSampled(sig, tx, kPpmOne));
        if (IsSampled(sig, tx, 250'000)) ++hits;
    }
    // Binomial(20000, 0.25): sd ≈ 61; 5 sd either side.
    EXPECT_NEAR(hits, n / 4, 310);
}

TEST(Sampling, DependsOnTheSamplersSecret) {
    const Hash256 micro = Sha3_256(util::AsBytes("m"));
    const auto a = KeyPair::FromSeed(Algorithm::kEd25519, "a").Sign(View(SampleMessage(micro)));
    const auto b = KeyPair::FromSeed(Algorithm::kEd25519, "b").Sign(View(SampleMessage(micro)));
    int differ = 0;
    for (int i = 0; i < 2'000; ++i) {
        const Hash256 tx = Sha3_256(util::AsBytes("t" + std::to_string(i)));
        if (IsSampled(a, tx, 500'000) != IsSampled(b, tx, 500'000)) ++differ;
    }
    EXPECT_NEAR(differ, 1'000, 150);  // independent coins agree half the time
}

}  // namespace
}  // namespace iost::crypto
