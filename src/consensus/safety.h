// The safety rule of a normal validator (docs/pob.md §6.3): one small
// function that decides whether a vote may be signed and says why, and the
// state it needs. The engine emits that state as a PersistSafety effect
// before the vote it allows leaves the process, so a validator that crashes
// and restarts can never sign two different votes of one kind at one
// (height, view), nor vote in a view it has left, nor forget the prepare
// certificate it reported (docs/architecture.md §2).
// Thread contract: value types and pure functions.
#pragma once

#include <core/block.h>
#include <crypto/certificate.h>
#include <crypto/hash.h>

#include <cstdint>
#include <memory>
#include <optional>

namespace iost::consensus {

struct VoteRecord {
    uint64_t view = 0;
    crypto::Hash256 hash{};
    friend bool operator==(const VoteRecord&, const VoteRecord&) = default;
};

// The highest prepare certificate a replica holds at its height, with the
// block: what it reports in a view change (pob.md §6.4).
struct PreparedCert {
    uint64_t view = 0;
    crypto::Hash256 hash{};
    crypto::Certificate cert;
    std::shared_ptr<const core::FinalBlock> block;
};

struct SafetyState {
    uint64_t height = 1;                 // the height being decided
    uint64_t view = 0;                   // the highest view entered at `height`
    std::optional<VoteRecord> prepare;   // last prepare signed at `height`
    std::optional<VoteRecord> commit;    // last commit signed at `height`
    std::optional<PreparedCert> locked;  // highest prepare certificate at `height`
};

enum class VoteKind : uint8_t { kPrepare = core::kVotePrepare, kCommit = core::kVoteCommit };

enum class VoteDecision {
    kSign,        // new vote, allowed
    kResend,      // exactly this vote was signed before: sending it again is harmless
    kOldHeight,   // below the height being decided
    kOldView,     // below the view entered
    kConflict,    // another hash already signed at this (height, view, kind)
    kViewPassed,  // a vote of this kind was already signed in a later view
    kNotLocked,   // commit without holding the prepare certificate for it
};
const char* VoteDecisionName(VoteDecision d);

// Decides a prepare or commit vote for (height, view, hash). A commit also
// requires that `state.locked` is the prepare certificate for exactly that
// (view, hash): the caller locks first, in the same persisted state.
VoteDecision DecideVote(const SafetyState& state, VoteKind kind, uint64_t height, uint64_t view,
                        const crypto::Hash256& hash);
// The state after signing that vote (callers persist it before sending).
SafetyState AfterVote(SafetyState state, VoteKind kind, uint64_t height, uint64_t view,
                      const crypto::Hash256& hash);
// May the replica announce a view change to new_view at height? Only forward.
bool MayEnterView(const SafetyState& state, uint64_t height, uint64_t new_view);
// The state when a new height starts (everything at the old height is moot:
// it is final).
SafetyState AtHeight(uint64_t height);

}  // namespace iost::consensus
