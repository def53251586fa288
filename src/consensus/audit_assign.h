// Audit assignment (docs/pob.md §7.4 "Who audits what"): which validators
// must audit the signatures of a final transaction. Every normal validator
// checking every final transaction costs as much CPU as the PBFT fallback
// (docs/benchmarks.md, "CPU per transaction"); the protection only needs one
// honest auditor per transaction. So each transaction packed in a MicroBlock
// is audited by f + 1 distinct members of the normal league of the epoch of
// the block that made it final (f = ⌊(N−1)/3⌋, docs/pob.md §6.1), chosen from
// its hash: start at (first 8 bytes of the hash, big-endian) mod M and take
// f + 1 consecutive members in election order, wrapping around, where M is
// the league without the producer (a producer never audits itself; under §4
// a believable producer is never in the normal league, so M = N). Whatever
// hash a forger grinds, the set has f + 1 distinct members and at most f of
// the league are Byzantine: one auditor is honest.
//
// The node's auditor (node/auditor.*) and the simulator (tests/sim) both ask
// this file, so the simulated guarantee is the built one. A node also audits
// the transactions of its own MicroBlocks (ShouldAudit): a producer checked
// them before packing, so they cost a cache lookup.
//
// Pure functions over their arguments; no I/O, no state. Thread contract:
// none needed.
#pragma once

#include <crypto/hash.h>

#include <cstddef>
#include <span>
#include <string>
#include <vector>

namespace iost::consensus {

// Auditors per transaction for a normal league of n members: f + 1 with
// f = MaxFaulty(n) (docs/pob.md §6.1), the least number that always holds
// an honest member. 0 for an empty league.
size_t AuditorsPerTx(size_t n);

// The `count` auditors of the transaction `tx_hash` packed by `producer`:
// distinct members of `normal` (the epoch's normal league in election order,
// Committee::normal's ids), never the producer, in assignment order. Fewer
// when the league without the producer has fewer than `count` members.
// Callers pass AuditorsPerTx(normal.size()); the simulator's negative
// control passes less (docs/pob.md §10).
std::vector<std::string> AuditorsOf(const crypto::Hash256& tx_hash,
                                    std::span<const std::string> normal,
                                    const std::string& producer, size_t count);

// Whether `id` is one of AuditorsOf(tx_hash, normal, producer, count),
// without building the list (the auditor asks this for every final
// transaction).
bool IsAssignedAuditor(const crypto::Hash256& tx_hash, std::span<const std::string> normal,
                       const std::string& producer, size_t count, const std::string& id);

// What a validator `self` audits (docs/pob.md §7.4): the transactions
// assigned to it, and those of its own MicroBlocks.
bool ShouldAudit(const crypto::Hash256& tx_hash, std::span<const std::string> normal,
                 const std::string& producer, size_t count, const std::string& self);

}  // namespace iost::consensus
