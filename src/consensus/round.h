// One height's PBFT state (docs/pob.md §6): everything the engine learns
// while deciding height h (blocks validated, proposals, votes, view changes,
// proposals waiting for MicroBlocks, a certificate whose block is not yet
// known). The engine holds exactly one Round and replaces it whole when it
// enters the next height, so no per-height field can leak into the next
// height (a field added here is reset by construction). What outlives a
// height (the safety state, persisted; sync and MicroBlock request pacing;
// buffered messages for later heights) stays in the engine.
// Thread contract: a value type owned by the engine's single thread.
#pragma once

#include <consensus/block_rules.h>
#include <consensus/messages.h>
#include <crypto/certificate.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace iost::consensus {

struct Round {
    // A commit certificate whose block we have not validated (yet).
    struct PendingFinal {
        uint64_t view;
        crypto::Hash256 hash;
        crypto::Certificate cert;
    };

    uint64_t height = 0;  // the height being decided (final height + 1)
    std::map<crypto::Hash256, std::shared_ptr<Validated>> valid;
    std::map<crypto::Hash256, BlockReject> invalid;        // refused, and why
    std::map<uint64_t, crypto::Hash256> proposal_of_view;  // first proposal seen per view
    std::set<uint64_t> proposed_views;                     // views we proposed in
    // (kind, view, block hash) → the signatures collected so far.
    std::map<std::tuple<uint8_t, uint64_t, crypto::Hash256>, crypto::CertificateBuilder> votes;
    // (voter, kind, view) → the first vote seen: a second with another hash
    // is an equivocation (pob.md §7.2).
    std::map<std::tuple<std::string, uint8_t, uint64_t>, core::SignedVote> seen_votes;
    std::map<uint64_t, std::map<NodeId, ViewChangeMsg>> view_changes;  // new view → voter → vc
    std::map<NodeId, uint64_t> vc_max_view;               // highest view each voter asked for
    std::optional<ViewChangeMsg> my_vc;                   // our latest view change
    std::map<NodeId, TimePoint> vc_replied;               // when we last told a laggard our view
    std::vector<std::pair<NodeId, ProposalMsg>> waiting;  // proposals lacking MicroBlocks
    // view → the one proposal of that view refused for its time (pob.md
    // §6.2); it waits with the others, so it is voted for if our clock
    // catches up within the view, and found if a quorum certifies it.
    std::map<uint64_t, crypto::Hash256> time_refused;
    std::optional<PendingFinal> pending_final;
};

}  // namespace iost::consensus
