// The physical limit beside the measurements (docs/benchmarks.md): how many
// Ed25519 signatures one core verifies per second on this machine (timed
// in-process with crypto::Verify, the call the node uses), and how many
// verifications each transaction costs the network under each protocol:
//  - PoB: its owner verifies it fully (1); f + 1 normal validators are
//    assigned to audit it once it is final (docs/pob.md §7.4 "Who audits
//    what", f = ⌊(N−1)/3⌋), and each of the other N − f − 1 samples it with
//    probability p (a sampled transaction is a cache hit for an assigned
//    auditor): 1 + (f + 1) + p·(N − f − 1);
//  - one-league PBFT fallback: every one of the N validators verifies it: N.
// (Transfers carry one signature, the publisher's; a multi-signer
// transaction multiplies both by its signature count.) The implied ceiling
// is cores × verify rate / verifications per tx.
// Thread contract: pure functions (MeasureVerifyRate runs on the calling thread).
#pragma once

#include <cstddef>

namespace iost::loadgen {

struct VerifyRate {
    // Per CPU-second of the measuring thread: what one core does when it
    // gets the core, undistorted by other processes on a loaded machine.
    double per_second = 0;
    double us_per_verify = 0;  // CPU time per verification
    // Per wall-clock second (lower than per_second when the machine is busy).
    double per_wall_second = 0;
    size_t verifications = 0;
    double seconds = 0;      // wall
    double cpu_seconds = 0;  // thread CPU
};

// Verifies valid Ed25519 signatures over 32-byte hashes for about `seconds`.
VerifyRate MeasureVerifyRate(double seconds);

double PobVerificationsPerTx(double p, size_t normal);
double FallbackVerificationsPerTx(size_t validators);
// Finalized-TPS ceiling if signature checks were the only cost.
double ImpliedTpsLimit(double verifies_per_s_per_core, unsigned cores, double verifications_per_tx);

}  // namespace iost::loadgen
