// Evidence validation (docs/pob.md §7, docs/pob.md §7): any node checks a
// fraud proof or an equivocation alone, from the accused's key and the
// Application's deterministic transaction check. Forged evidence (a valid
// transaction called bad, a header the accused never signed, a transaction
// that is not in the MicroBlock, two identical MicroBlocks, votes of two
// different voters...) is rejected, so no honest validator can be slashed.
// Thread contract: pure functions (CheckTx is called on the given app).
#pragma once

#include <consensus/application.h>
#include <consensus/election.h>
#include <core/block.h>
#include <crypto/keys.h>
#include <util/result.h>

namespace iost::consensus {

// The MicroBlock signing rule: the producer signs header.Hash().
bool VerifyMicroSignature(const core::MicroBlockHeader& h, util::ByteView sig,
                          const crypto::PublicKey& key, const crypto::Verifier& verifier);

// pob.md §7.5: a transaction money cannot repair — one that changes
// permissions or keys (auth.iost), validator registration or stake
// (vote_producer.iost) or contract code (system.iost) — is never left to
// sampling: every normal validator verifies it (p = 1 for it).
bool MustVerifyAlways(const core::Tx& tx);

// The fraud proof against mb's producer for its transaction `index` (the
// caller has found that transaction's bytes invalid: samplers, auditors).
core::Evidence MakeFraudProof(const core::MicroBlock& mb, uint32_t index);

// `committee` is the committee of the evidence's epoch (for MicroBlock
// evidence the header's epoch, for vote equivocation the votes' height).
util::Status ValidateEvidence(const core::Evidence& ev, const Committee& committee,
                              Application& app, const crypto::Verifier& verifier);

}  // namespace iost::consensus
