// The ceiling search's rules (ceiling.h): the verdict on a step, and a search
// against a fake network with a known capacity finds it within the bisection's
// resolution in a bounded number of steps.
#include <gtest/gtest.h>
#include <loadgen/ceiling.h>

namespace iost::loadgen {
namespace {

StepResult Step(double rate, size_t offered, size_t finalized, double p99_ms,
                double elapsed_s = 10) {
    StepResult s;
    s.spec.rate = rate;
    s.spec.seconds = 10;
    s.offered = offered;
    s.sent = offered;
    s.finalized = finalized;
    s.final_latency.p99_ms = p99_ms;
    s.elapsed_s = elapsed_s;
    return s;
}

TEST(Ceiling, JudgeStepNamesWhatFailed) {
    CeilingSpec spec;
    EXPECT_EQ(JudgeStep(Step(100, 1000, 1000, 900), spec), StepVerdict::kSustained);
    EXPECT_EQ(JudgeStep(Step(100, 1000, 999, 900), spec), StepVerdict::kNotAllFinal);
    EXPECT_EQ(JudgeStep(Step(100, 1000, 1000, 2500), spec), StepVerdict::kSlowFinality);
    // All final, but only long after the window plus the drain.
    EXPECT_EQ(JudgeStep(Step(100, 1000, 1000, 900, 16), spec), StepVerdict::kNotAllFinal);
    auto errs = Step(100, 1000, 1000, 900);
    errs.send_errors = 1;
    errs.sent = 999;
    EXPECT_EQ(JudgeStep(errs, spec), StepVerdict::kSendErrors);
}

// Runs a search against a network that sustains every rate up to `capacity`.
CeilingSearch Search(CeilingSpec spec, double capacity, std::vector<double>* rates = nullptr) {
    CeilingSearch s(spec);
    while (auto r = s.NextRate()) {
        if (rates) rates->push_back(*r);
        s.Record(*r, *r <= capacity ? StepVerdict::kSustained : StepVerdict::kNotAllFinal);
    }
    return s;
}

TEST(Ceiling, GrowsThenBisectsToTheCapacity) {
    CeilingSpec spec;
    spec.start_rate = 400;
    spec.growth = 1.5;
    spec.refine_steps = 3;
    std::vector<double> rates;
    auto s = Search(spec, 2345, &rates);
    // 400, 600, 900, 1350, 2025 sustained; 3038 (rounded) fails; three bisections follow.
    ASSERT_GE(rates.size(), 6u);
    EXPECT_DOUBLE_EQ(rates[5], 3038);
    EXPECT_LE(s.peak(), 2345);
    // Three halvings of [2025, 3038] leave at most ~127 tx/s between peak and failure.
    EXPECT_GT(s.peak(), 2345 - 130);
    EXPECT_GT(s.first_failure(), 2345);
    EXPECT_EQ(s.steps(), static_cast<int>(rates.size()));
}

TEST(Ceiling, EveryRateAfterTheFirstFailureLiesBetweenPeakAndFailure) {
    CeilingSpec spec;
    spec.refine_steps = 4;
    std::vector<double> rates;
    auto s = Search(spec, 777, &rates);
    EXPECT_LE(s.peak(), 777);
    EXPECT_GT(s.first_failure(), 777);
    for (double r : rates) EXPECT_TRUE(r <= s.peak() || r >= s.first_failure()) << r;
}

TEST(Ceiling, StartAboveCapacityBisectsDown) {
    CeilingSpec spec;
    spec.start_rate = 1000;
    spec.refine_steps = 2;
    auto s = Search(spec, 300);
    // 1000 fails, 500 fails, 250 holds.
    EXPECT_DOUBLE_EQ(s.peak(), 250);
    EXPECT_EQ(s.steps(), 3);
}

TEST(Ceiling, StepsAreBoundedWhateverTheNetworkDoes) {
    CeilingSpec spec;
    spec.max_steps = 7;
    spec.max_rate = 1e9;
    // A network that never fails: growth stops at max_steps.
    auto s = Search(spec, 1e12);
    EXPECT_EQ(s.steps(), 7);
    // And max_rate caps the offered load.
    spec.max_steps = 100;
    spec.max_rate = 5000;
    std::vector<double> rates;
    Search(spec, 1e12, &rates);
    for (double r : rates) EXPECT_LE(r, 5000);
    EXPECT_DOUBLE_EQ(rates.back(), 5000);
}

TEST(Ceiling, NothingSustainedReportsZero) {
    CeilingSpec spec;
    spec.start_rate = 100;
    auto s = Search(spec, 0);
    EXPECT_DOUBLE_EQ(s.peak(), 0);
    EXPECT_LE(s.steps(), 1 + spec.refine_steps);
}

}  // namespace
}  // namespace iost::loadgen
