// The PBFT message rules of a height (docs/pob.md §3.4, §6.4, §6.5): the
// signed bytes of a view change and of a proposal, and the checks of a view
// change and of a new-view proposal's justification, as pure functions of
// the committee with a typed reason (ViewChangeReject), so the engine and
// the unit tests (tests/unit/consensus/view_change_test.cpp) share them.
// Thread contract: pure functions.
#pragma once

#include <consensus/election.h>
#include <consensus/messages.h>
#include <crypto/keys.h>
#include <util/result.h>

#include <cstdint>

namespace iost::consensus {

enum class ViewChangeReject : uint8_t {
    kNotMember,              // the voter is not a normal validator
    kBadSignature,           // the view change's signature does not verify
    kPreparedNotBelow,       // its prepared view is not below the new view
    kPreparedBlockMismatch,  // the prepared block is absent (when needed) or another block
    kPreparedCertificate,    // the prepare certificate does not verify
    kOtherView,              // a justification for another (height, view)
    kRepeatedVoter,          // a justification names one voter twice
    kBelowQuorum,            // a justification with fewer than q voters
    kNotHighestPrepared,     // a new view must re-propose the highest prepared block
    kFreshBlockView,         // a fresh block must carry the proposal's view
};
inline constexpr size_t kViewChangeRejectCount = 10;
const char* ViewChangeRejectName(ViewChangeReject r);

// A view change from another replica. need_block: one sent to the next
// primary carries its prepared block (it may have to re-propose it); one in a
// proposal's justification need not (the proposal carries the block).
util::Result<void, ViewChangeReject> CheckViewChange(const Committee& committee,
                                                     const crypto::Verifier& verifier,
                                                     const ViewChangeMsg& vc, bool need_block);

// The q view changes that justify a proposal in a view > 0 (pob.md §6.5).
util::Result<void, ViewChangeReject> CheckJustification(const Committee& committee,
                                                        const crypto::Verifier& verifier,
                                                        const ProposalMsg& p);

}  // namespace iost::consensus
