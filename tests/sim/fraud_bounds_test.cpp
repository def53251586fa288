// The simulator checks of docs/pob.md §7.5 (exposure bound), §7.4 (audit
// assignment) and §9 (a believable validator's MicroBlock seqs survive a
// restart), each with its negative control: the protection off must be
// reported as a violation.
#include <gtest/gtest.h>
#include <sim.h>

namespace iost::sim {
namespace {

// A forger whose every forged transfer (2,000,000 IOST from a victim that
// holds 10,000,000) is larger than its bond (1,000,000 stake + 10,000 gas
// pledge): one unrepaid forgery already exceeds what its slash is sure to
// take. Low sampling, so that sampling alone would let many through.
SimConfig Whale(uint64_t seed) {
    SimConfig c = CiBase(seed);
    c.faults = {Fault::kForger};
    c.sampling_ppm = 50'000;
    c.forge_amount_iost = 2'000'000;
    return c;
}

TEST(FraudBounds, ExposureBoundStopsForgeriesLargerThanTheBond) {
    uint64_t fully_verified = 0, injected = 0;
    for (uint64_t seed = 1; seed <= 3; ++seed) {
        const SimConfig c = Whale(seed);
        const SimResult r = RunSimulation(c);
        EXPECT_EQ(r.safety_violations, 0u) << r.ToJson() << "\n" << ReplayCommand(c);
        // Past its bound the forger's MicroBlocks are checked by every
        // replica: no forgery that took funds becomes final.
        EXPECT_EQ(r.forged_final, 0u) << r.ToJson();
        EXPECT_EQ(r.max_forged_at_risk, 0) << r.ToJson();
        fully_verified += r.micros_fully_verified;
        injected += r.forged_injected;
    }
    EXPECT_GT(injected, 0u);
    EXPECT_GT(fully_verified, 0u);  // the switch to full verification happened
}

TEST(FraudBounds, NegativeControlNoExposureBoundIsAViolation) {
    uint64_t runs_with_forged_final = 0;
    for (uint64_t seed = 1; seed <= 3; ++seed) {
        SimConfig c = Whale(seed);
        c.exposure_bound = false;
        const SimResult r = RunSimulation(c);
        if (r.forged_final == 0) continue;
        ++runs_with_forged_final;
        EXPECT_GT(r.safety_violations, 0u) << r.ToJson();
        EXPECT_GT(r.max_forged_at_risk, 101'000'000'000'000) << r.ToJson();  // > the bond
    }
    EXPECT_GT(runs_with_forged_final, 0u);
}

// A believable validator crashes and is back 500 ms later, inside the epoch
// (pob.md §9). With its producer record it continues after its last signed
// MicroBlock: nobody is slashed and all four producers' MicroBlocks are
// referenced in the second half of the run.
TEST(FraudBounds, ARestartedBelievableValidatorResumesItsSeqs) {
    for (uint64_t seed = 1; seed <= 3; ++seed) {
        SimConfig c = CiBase(seed);
        c.faults = {Fault::kCrashBelievable};
        const SimResult r = RunSimulation(c);
        EXPECT_EQ(r.safety_violations, 0u) << r.ToJson() << "\n" << ReplayCommand(c);
        EXPECT_TRUE(r.slashed.empty()) << r.ToJson();
        EXPECT_EQ(r.producers_referenced_late, 4u) << r.ToJson();
    }
}

// Negative control: without the record the restarted producer starts again
// at seq 1 — MicroBlocks with seqs it used already (ignored where final, an
// equivocation where a peer still holds the first one not final) whose chain
// never links to its final one, so its partition is lost.
TEST(FraudBounds, NegativeControlNoProducerRecordBreaksTheRestartedChain) {
    for (uint64_t seed = 1; seed <= 3; ++seed) {
        SimConfig c = CiBase(seed);
        c.faults = {Fault::kCrashBelievable};
        c.producer_record = false;
        const SimResult r = RunSimulation(c);
        EXPECT_LT(r.producers_referenced_late, 4u) << r.ToJson();
    }
}

// docs/pob.md §7.4 "Who audits what": each final transaction is audited by
// f + 1 normal validators chosen by its hash. The forger grinds every forged
// transaction onto its Byzantine colleague of the normal league (a vote
// withholder, which audits nothing); with N = 4 (f = 1) each window of two
// still holds an honest validator, which proves the forgery within
// audit_window. No sampling: the assigned audit alone catches it. 20 s runs,
// so that forgeries have audit_window (20 heights) behind them, in one epoch
// (the withholder would otherwise shorten epochs to a few heights, and a
// forgery ground onto one epoch's auditors would be audited by the next's).
SimConfig GroundForger(uint64_t seed) {
    SimConfig c = CiBase(seed);
    c.duration_ms = 20'000;
    c.keep_epoch_length = true;
    c.faults = {Fault::kForger, Fault::kWithholdVotes};
    c.sampling_ppm = 0;
    return c;
}

TEST(FraudBounds, AssignedAuditorsProveForgeriesGroundOntoAByzantineColleague) {
    uint64_t forged_final = 0;
    for (uint64_t seed = 1; seed <= 3; ++seed) {
        const SimConfig c = GroundForger(seed);
        const SimResult r = RunSimulation(c);
        EXPECT_EQ(r.safety_violations, 0u) << r.ToJson() << "\n" << ReplayCommand(c);
        EXPECT_EQ(r.forged_unproven_in_window, 0u) << r.ToJson();
        EXPECT_EQ(r.forged_final_compensated, r.forged_final) << r.ToJson();
        if (r.forged_final > 0) {
            EXPECT_GT(r.forged_by_audit, 0u) << r.ToJson();
            EXPECT_EQ(r.slashed.size(), 1u) << r.ToJson();
        }
        forged_final += r.forged_final;
    }
    EXPECT_GT(forged_final, 0u) << "no forgery became final: the test proves nothing";
}

// Negative control: f auditors per transaction. The forger finds, for every
// forged transaction, a hash whose only auditor is its colleague: nothing
// proves it, it leaves audit_window unproven and is never repaid.
TEST(FraudBounds, NegativeControlFAuditorsLetAGroundForgeryEscape) {
    uint64_t runs_with_forged_final = 0;
    for (uint64_t seed = 1; seed <= 3; ++seed) {
        SimConfig c = GroundForger(seed);
        c.audit_assign_f = true;
        const SimResult r = RunSimulation(c);
        if (r.forged_final == 0) continue;
        ++runs_with_forged_final;
        EXPECT_GT(r.forged_unproven_in_window, 0u) << r.ToJson();
        EXPECT_GT(r.forged_escaped, 0u) << r.ToJson();
        EXPECT_TRUE(r.slashed.empty()) << r.ToJson();
    }
    EXPECT_GT(runs_with_forged_final, 0u);
}

}  // namespace
}  // namespace iost::sim
