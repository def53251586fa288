#include <consensus/safety.h>

namespace iost::consensus {

const char* VoteDecisionName(VoteDecision d) {
    switch (d) {
        case VoteDecision::kSign:
            return "sign";
        case VoteDecision::kResend:
            return "resend";
        case VoteDecision::kOldHeight:
            return "old-height";
        case VoteDecision::kOldView:
            return "old-view";
        case VoteDecision::kConflict:
            return "conflict";
        case VoteDecision::kViewPassed:
            return "view-passed";
        case VoteDecision::kNotLocked:
            return "not-locked";
    }
    return "?";
}

VoteDecision DecideVote(const SafetyState& s, VoteKind kind, uint64_t height, uint64_t view,
                        const crypto::Hash256& hash) {
    if (height < s.height) return VoteDecision::kOldHeight;
    if (height == s.height) {
        if (view < s.view) return VoteDecision::kOldView;
        const auto& last = kind == VoteKind::kPrepare ? s.prepare : s.commit;
        if (last) {
            if (last->view > view) return VoteDecision::kViewPassed;
            if (last->view == view) {
                return last->hash == hash ? VoteDecision::kResend : VoteDecision::kConflict;
            }
        }
    }
    if (kind == VoteKind::kCommit) {
        // Only the state of this very height can hold the lock.
        if (height != s.height || !s.locked || s.locked->view != view || s.locked->hash != hash) {
            return VoteDecision::kNotLocked;
        }
    }
    return VoteDecision::kSign;
}

SafetyState AfterVote(SafetyState s, VoteKind kind, uint64_t height, uint64_t view,
                      const crypto::Hash256& hash) {
    if (height > s.height) s = AtHeight(height);
    if (view > s.view) s.view = view;
    (kind == VoteKind::kPrepare ? s.prepare : s.commit) = VoteRecord{view, hash};
    return s;
}

bool MayEnterView(const SafetyState& s, uint64_t height, uint64_t new_view) {
    if (height > s.height) return true;
    return height == s.height && new_view > s.view;
}

SafetyState AtHeight(uint64_t height) {
    SafetyState s;
    s.height = height;
    return s;
}

}  // namespace iost::consensus
