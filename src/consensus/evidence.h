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

// The checks of ValidateEvidence that need no key and no state: lengths,
// the Merkle root of a fraud proof's hash list, the transaction's place in
// it, and that an equivocation names one slot with two different messages.
// Hashing only, so a node runs it on every piece of evidence from a peer
// before any signature check (docs/pob.md §7.4: cheap checks first).
util::Status CheckEvidenceShape(const core::Evidence& ev);

// `committee` is the committee of the evidence's epoch (for MicroBlock
// evidence the header's epoch, for vote equivocation the votes' height).
util::Status ValidateEvidence(const core::Evidence& ev, const Committee& committee,
                              Application& app, const crypto::Verifier& verifier);

}  // namespace iost::consensus
