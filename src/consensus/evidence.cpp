#include <consensus/evidence.h>

namespace iost::consensus {

bool VerifyMicroSignature(const core::MicroBlockHeader& h, util::ByteView sig,
                          const crypto::PublicKey& key, const crypto::Verifier& verifier) {
    const crypto::Hash256 hash = h.Hash();
    return verifier.Verify({key.algorithm, key.bytes, crypto::View(hash), sig});
}

bool MustVerifyAlways(const core::Tx& tx) {
    for (const auto& a : tx.actions) {
        if (a.contract == "auth.iost" || a.contract == "vote_producer.iost" ||
            a.contract == "system.iost") {
            return true;
        }
        // A JavaScript contract (pob.md §7.5) may change its own state or call
        // auth.iost with the caller's authority: damage no refund repairs.
        if (a.contract.starts_with("Contract")) return true;
    }
    return false;
}

core::Evidence MakeFraudProof(const core::MicroBlock& mb, uint32_t index) {
    core::Evidence ev;
    ev.kind = core::EvidenceKind::kFraud;
    ev.fraud.header = mb.header;
    ev.fraud.producer_sig = mb.producer_sig;
    ev.fraud.tx_hashes = mb.tx_hashes;
    ev.fraud.index = index;
    ev.fraud.tx = mb.txs.at(index);
    return ev;
}

namespace {

util::Status CheckBelievableSigned(const core::MicroBlockHeader& h, const util::Bytes& sig,
                                   const Committee& c, const crypto::Verifier& verifier) {
    if (h.epoch != c.epoch) return util::Err("evidence: header from another epoch");
    if (!c.IsBelievable(h.producer)) return util::Err("evidence: producer is not believable");
    if (!VerifyMicroSignature(h, sig, *c.KeyOf(h.producer), verifier)) {
        return util::Err("evidence: producer signature does not verify");
    }
    return util::Ok();
}

util::Status CheckVote(const core::SignedVote& v, const Committee& c,
                       const crypto::Verifier& verifier) {
    const auto idx = c.NormalIndex(v.voter);
    if (!idx) return util::Err("evidence: voter is not a normal validator");
    if (v.kind != core::kVotePrepare && v.kind != core::kVoteCommit) {
        return util::Err("evidence: unknown vote kind");
    }
    const crypto::Hash256 m = core::VoteMessage(v.kind, v.height, v.view, v.block_hash);
    const auto& key = c.normal[*idx].key;
    if (!verifier.Verify({key.algorithm, key.bytes, crypto::View(m), v.sig})) {
        return util::Err("evidence: vote signature does not verify");
    }
    return util::Ok();
}

}  // namespace

util::Status CheckEvidenceShape(const core::Evidence& ev) {
    switch (ev.kind) {
        case core::EvidenceKind::kFraud: {
            const auto& f = ev.fraud;
            if (f.tx_hashes.size() != f.header.tx_count) {
                return util::Err("fraud proof: tx list length differs from the header");
            }
            if (f.index >= f.tx_hashes.size() || f.tx.Hash() != f.tx_hashes[f.index]) {
                return util::Err("fraud proof: transaction is not in the MicroBlock");
            }
            if (core::MerkleRoot(f.tx_hashes) != f.header.tx_root) {
                return util::Err("fraud proof: tx list does not match the signed tx_root");
            }
            return util::Ok();
        }
        case core::EvidenceKind::kMicroEquivocation: {
            const auto& m = ev.micro;
            if (m.a.producer != m.b.producer || m.a.epoch != m.b.epoch || m.a.seq != m.b.seq) {
                return util::Err("equivocation: headers are not for one (producer, epoch, seq)");
            }
            if (m.a.Hash() == m.b.Hash()) return util::Err("equivocation: headers are identical");
            return util::Ok();
        }
        case core::EvidenceKind::kVoteEquivocation: {
            const auto& v = ev.vote;
            if (v.a.voter != v.b.voter || v.a.kind != v.b.kind || v.a.height != v.b.height ||
                v.a.view != v.b.view) {
                return util::Err(
                    "vote equivocation: votes are not for one (voter, kind, height, view)");
            }
            if (v.a.block_hash == v.b.block_hash) {
                return util::Err("vote equivocation: both votes are for one block");
            }
            return util::Ok();
        }
    }
    return util::Err("evidence: unknown kind");
}

util::Status ValidateEvidence(const core::Evidence& ev, const Committee& committee,
                              Application& app, const crypto::Verifier& verifier) {
    IOST_TRY(CheckEvidenceShape(ev));  // cheap checks first: hashing, no signatures
    switch (ev.kind) {
        case core::EvidenceKind::kFraud: {
            const auto& f = ev.fraud;
            IOST_TRY(CheckBelievableSigned(f.header, f.producer_sig, committee, verifier));
            // pob.md §7.1: fraud is a fact about bytes. A transaction whose
            // signatures verify against the keys they name is not fraud, even
            // if its permissions or funds fail in today's state (the publisher
            // may have changed keys since: judging that would frame the
            // honest producer).
            if (app.CheckTxBytes(f.tx).ok()) {
                return util::Err(
                    "fraud proof: the transaction's bytes are valid (form, chain id and every "
                    "signature verify)");
            }
            return util::Ok();
        }
        case core::EvidenceKind::kMicroEquivocation: {
            const auto& m = ev.micro;
            IOST_TRY(CheckBelievableSigned(m.a, m.sig_a, committee, verifier));
            IOST_TRY(CheckBelievableSigned(m.b, m.sig_b, committee, verifier));
            return util::Ok();
        }
        case core::EvidenceKind::kVoteEquivocation: {
            const auto& v = ev.vote;
            IOST_TRY(CheckVote(v.a, committee, verifier));
            IOST_TRY(CheckVote(v.b, committee, verifier));
            return util::Ok();
        }
    }
    return util::Err("evidence: unknown kind");
}

}  // namespace iost::consensus
