// What the consensus engine needs from execution, and nothing more
// (docs/architecture.md §1: consensus never includes ledger). The node implements it
// over the ledger and its state store; the simulator over the real ledger
// with in-memory state. Every call must be deterministic: the same committed
// state and the same arguments give the same answer on every node, because
// replicas vote only when their own results match the primary's.
// The engine calls it synchronously (it is a pure function of committed
// state from the engine's point of view): Execute must not change committed
// state; Commit makes one executed block the committed state. Slashing and
// compensation are part of the block's state transition (ExecInput), so the
// state root commits to them; the engine also emits Punish effects for
// observers (docs/pob.md §7).
// Thread contract: called from the engine's single thread only.
#pragma once

#include <consensus/election.h>
#include <core/tx.h>
#include <crypto/hash.h>
#include <util/result.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace iost::consensus {

struct Slash {
    std::string validator;  // loses all tokens, stake and Servi (pob.md §7)
    crypto::Hash256 evidence_id{};
};

// A forged transaction that became final earlier: execution pays back the
// token debits it recorded for it (nothing if it failed), once.
struct Compensation {
    const core::Tx* tx = nullptr;
    crypto::Hash256 tx_hash{};
    std::string paid_by;  // the slashed producer whose funds pay it back
};

struct ExecInput {
    uint64_t height = 0;
    int64_t time = 0;
    std::string proposer;
    std::vector<const core::Tx*> txs;  // in execution order (pob.md §3.3)
    std::vector<crypto::Hash256> tx_hashes;
    std::vector<Slash> slashes;               // applied before compensations
    std::vector<Compensation> compensations;  // in order, after slashes, before txs
    std::vector<std::string> credited;        // validators whose MicroBlocks/votes made it (Servi)
    // pob.md §4.1, after the credits: Servi penalties for missed duties
    // (negative deltas; execution floors a validator that has Servi at 1).
    // Other modules add theirs here too (MissedDuty in params.h).
    std::vector<std::pair<std::string, int64_t>> servi_deltas;
    // The last block of an epoch: members that did no duty in it are logged
    // out (after the deltas), then every validator's Servi decays by
    // servi_decay_percent (0 = no decay, not an epoch's last block).
    std::vector<std::string> idle;
    uint32_t servi_decay_percent = 0;
    // The last block of an epoch: members charged MissedDuty::kAbsentVotes
    // (already in servi_deltas; listed for logs and the simulator).
    std::vector<std::string> absent_voters;
};

// Raw units of one token (IOST: 10^-8).
struct TokenAmount {
    std::string token;
    int64_t amount = 0;
    friend bool operator==(const TokenAmount&, const TokenAmount&) = default;
};

struct ExecResult {
    crypto::Hash256 state_root{};
    crypto::Hash256 receipt_root{};
    uint32_t failed_txs = 0;  // executed with a failing receipt
    // Per transaction of ExecInput::txs (same order): the token debits it
    // caused, summed per token, by token (empty: failed, refused, or took
    // nothing). The exposure of its producer (docs/pob.md §7.5).
    std::vector<std::vector<TokenAmount>> tx_debits;
};

class Application {
  public:
    virtual ~Application() = default;

    // The full, time-independent check of one transaction: form, chain id,
    // every signature, and that the publisher's key belongs to its active
    // permission in committed state. Samplers and producers call it; so does
    // every node when it validates a fraud proof, so its answer must not
    // depend on the clock.
    virtual util::Status CheckTx(const core::Tx& tx) = 0;
    // The part of CheckTx that depends on the transaction's bytes alone:
    // form, chain id, and that every signature verifies against the public
    // key it names. Fraud is judged by this and nothing else (docs/pob.md
    // §7.1): permissions, balances, expiry and duplicates depend on state and
    // are decided by execution in final order, the same on every node, so a
    // transaction that later fails them (its publisher changed keys, spent
    // the funds...) never makes its honest producer slashable.
    virtual util::Status CheckTxBytes(const core::Tx& tx) = 0;
    // Executes on top of the committed state at height-1, without committing.
    virtual ExecResult Execute(const ExecInput& in) = 0;
    // Commits `in` (executed before with this result, or re-executed).
    virtual void Commit(const ExecInput& in, const ExecResult& result) = 0;
    // Registered validators with Servi and stake, from committed state, for
    // the next epoch's election.
    virtual std::vector<Candidate> Candidates() = 0;
    // docs/pob.md §7.5: what a slash of `validator` is sure to take in IOST
    // raw units, from committed state: its own stake and its own gas pledge,
    // which leave only through a multi-day freeze that a slash still takes
    // (its liquid balance is slashed too, but it could be spent first). The
    // bound on its unverified exposure.
    virtual int64_t BondedStake(const std::string& validator) = 0;
};

}  // namespace iost::consensus
