#include <consensus/view_change.h>
#include <core/codec.h>
#include <crypto/certificate.h>

#include <set>

namespace iost::consensus {

// pob.md §3.4: the signed bytes.
crypto::Hash256 ViewChangeMessage(uint64_t height, uint64_t new_view,
                                  const std::optional<PreparedCert>& prepared) {
    core::Encoder e(128);
    e.WriteString("iost-pob-viewchange-v1");
    e.WriteInt64(static_cast<int64_t>(height));
    e.WriteInt64(static_cast<int64_t>(new_view));
    e.WriteByte(prepared ? 1 : 0);
    e.WriteInt64(prepared ? static_cast<int64_t>(prepared->view) : 0);
    const crypto::Hash256 zero{};
    e.WriteBytes(crypto::View(prepared ? prepared->hash : zero));
    return crypto::Sha3_256(e.bytes());
}

crypto::Hash256 ProposalMessage(uint64_t height, uint64_t view, const crypto::Hash256& block_hash) {
    core::Encoder e(96);
    e.WriteString("iost-pob-proposal-v1");
    e.WriteInt64(static_cast<int64_t>(height));
    e.WriteInt64(static_cast<int64_t>(view));
    e.WriteBytes(crypto::View(block_hash));
    return crypto::Sha3_256(e.bytes());
}

const char* ViewChangeRejectName(ViewChangeReject r) {
    switch (r) {
        case ViewChangeReject::kNotMember:
            return "view change from a non-member";
        case ViewChangeReject::kBadSignature:
            return "view change signature";
        case ViewChangeReject::kPreparedNotBelow:
            return "prepared view not below the new view";
        case ViewChangeReject::kPreparedBlockMismatch:
            return "prepared block does not match";
        case ViewChangeReject::kPreparedCertificate:
            return "prepare certificate does not verify";
        case ViewChangeReject::kOtherView:
            return "justification for another view";
        case ViewChangeReject::kRepeatedVoter:
            return "justification repeats a voter";
        case ViewChangeReject::kBelowQuorum:
            return "justification below quorum";
        case ViewChangeReject::kNotHighestPrepared:
            return "new view must re-propose the highest prepared block";
        case ViewChangeReject::kFreshBlockView:
            return "fresh block must carry the proposal's view";
    }
    return "unknown";
}

util::Result<void, ViewChangeReject> CheckViewChange(const Committee& committee,
                                                     const crypto::Verifier& verifier,
                                                     const ViewChangeMsg& vc, bool need_block) {
    const auto idx = committee.NormalIndex(vc.voter);
    if (!idx) return util::ErrOf(ViewChangeReject::kNotMember);
    const auto& key = committee.normal[*idx].key;
    const crypto::Hash256 msg = ViewChangeMessage(vc.height, vc.new_view, vc.prepared);
    if (!verifier.Verify({key.algorithm, key.bytes, crypto::View(msg), vc.sig})) {
        return util::ErrOf(ViewChangeReject::kBadSignature);
    }
    if (vc.prepared) {
        const auto& pc = *vc.prepared;
        if (pc.view >= vc.new_view) return util::ErrOf(ViewChangeReject::kPreparedNotBelow);
        if (pc.block ? (pc.block->Hash() != pc.hash || pc.block->height != vc.height)
                     : need_block) {
            return util::ErrOf(ViewChangeReject::kPreparedBlockMismatch);
        }
        const auto keys = committee.NormalKeys();
        if (!crypto::VerifyCertificate(
                 pc.cert, keys, core::VoteMessage(core::kVotePrepare, vc.height, pc.view, pc.hash),
                 committee.quorum(), verifier)
                 .ok()) {
            return util::ErrOf(ViewChangeReject::kPreparedCertificate);
        }
    }
    return {};
}

util::Result<void, ViewChangeReject> CheckJustification(const Committee& committee,
                                                        const crypto::Verifier& verifier,
                                                        const ProposalMsg& p) {
    std::set<NodeId> voters;
    const ViewChangeMsg* best = nullptr;
    for (const auto& vc : p.justification) {
        if (vc.height != p.height || vc.new_view != p.view) {
            return util::ErrOf(ViewChangeReject::kOtherView);
        }
        if (!voters.insert(vc.voter).second) return util::ErrOf(ViewChangeReject::kRepeatedVoter);
        IOST_TRY(CheckViewChange(committee, verifier, vc, /*need_block=*/false));
        if (vc.prepared && (!best || vc.prepared->view > best->prepared->view)) best = &vc;
    }
    if (voters.size() < committee.quorum()) return util::ErrOf(ViewChangeReject::kBelowQuorum);
    if (best) {
        if (best->prepared->hash != p.block_hash) {
            return util::ErrOf(ViewChangeReject::kNotHighestPrepared);
        }
    } else if (p.block->view != p.view) {
        return util::ErrOf(ViewChangeReject::kFreshBlockView);
    }
    return {};
}

}  // namespace iost::consensus
