// Consensus messages (inputs from peers) and effects (outputs the driver
// performs), docs/pob.md §3 and §8. Heavy payloads are shared immutable
// pointers so a broadcast copies no block.
// Thread contract: value types; the pointed-to objects are immutable.
#pragma once

#include <consensus/checkpoint.h>
#include <consensus/safety.h>
#include <core/block.h>
#include <core/tx.h>
#include <crypto/certificate.h>
#include <util/bytes.h>
#include <util/clock.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace iost::consensus {

using NodeId = std::string;  // a validator id (account name) or an observer name
using TimePoint = util::UnixNanos;

// A transaction being routed to its owner (pob.md §5.1). from_client: the
// first hop, which may forward it; forwarded copies are never forwarded again.
struct TxMsg {
    std::shared_ptr<const core::Tx> tx;
    bool from_client = false;
};

struct MicroMsg {
    std::shared_ptr<const core::MicroBlock> micro;
    // The derived fields (hash, tx_hashes, tx_root, tx_count) were computed
    // from the received bytes (core::MicroBlock::FromBytes does, and refuses
    // a mismatch): the engine need not hash every tx again. False: the engine
    // recomputes them (the simulator's in-memory messages).
    bool sealed_from_bytes = false;
};

// A replica's view-change announcement (pob.md §6.4), signed over
// ViewChangeMessage(...). `prepared` is the highest prepare certificate it
// holds at `height`, with the block, if any.
struct ViewChangeMsg {
    uint64_t height = 0;
    uint64_t new_view = 0;
    NodeId voter;
    std::optional<PreparedCert> prepared;
    util::Bytes sig;
};
crypto::Hash256 ViewChangeMessage(uint64_t height, uint64_t new_view,
                                  const std::optional<PreparedCert>& prepared);

// The primary's proposal (pre-prepare) for (height, view), signed over
// ProposalMessage(height, view, block hash). In a view > 0 it carries the q
// view changes that justify it (pob.md §6.5).
struct ProposalMsg {
    uint64_t height = 0;
    uint64_t view = 0;
    std::shared_ptr<const core::FinalBlock> block;
    crypto::Hash256 block_hash{};
    NodeId proposer;
    std::vector<ViewChangeMsg> justification;
    util::Bytes sig;
};
crypto::Hash256 ProposalMessage(uint64_t height, uint64_t view, const crypto::Hash256& block_hash);

struct VoteMsg {
    core::SignedVote vote;
};

struct EvidenceMsg {
    std::shared_ptr<const core::Evidence> evidence;
};

// Asks a peer for MicroBlocks it referenced and we lack.
struct MicroRequest {
    std::vector<crypto::Hash256> hashes;
};

// Catch-up: certified blocks from `from_height` on.
struct SyncRequest {
    uint64_t from_height = 0;
};
struct SyncResponse {
    std::vector<std::shared_ptr<const core::CertifiedBlock>> blocks;
    std::vector<std::shared_ptr<const core::MicroBlock>> micros;  // those the blocks reference
};

using Message = std::variant<TxMsg, MicroMsg, ProposalMsg, VoteMsg, ViewChangeMsg, EvidenceMsg,
                             MicroRequest, SyncRequest, SyncResponse>;
const char* MessageName(const Message& m);

// Timers: a SetTimer replaces the pending timer with the same id; a timer
// that fires for a height or view the engine has left is ignored. The rule
// is consensus::TimerBook (timers.h), used by the driver and the simulator.
enum class TimerKind : uint8_t { kMicro, kPropose, kView };
struct TimerId {
    TimerKind kind = TimerKind::kMicro;
    uint64_t height = 0;
    uint64_t view = 0;
    friend bool operator==(const TimerId&, const TimerId&) = default;
};

// Effects, performed by the driver in the order given.
struct Send {
    NodeId to;
    Message msg;
};
struct Broadcast {  // to every peer
    Message msg;
};
// Make durable before performing any later effect (pob.md §9).
struct PersistSafety {
    SafetyState state;
};
// pob.md §9: the last MicroBlock this believable validator signed. Made
// durable before any later effect (the MicroBlock's broadcast follows), so a
// restart inside the epoch resumes after it instead of signing a second
// MicroBlock with a seq it used already (equivocation, §7.2).
struct ProducerState {
    uint64_t epoch = 0;
    uint64_t seq = 0;
    crypto::Hash256 hash{};
    friend bool operator==(const ProducerState&, const ProducerState&) = default;
};
struct PersistProducer {
    ProducerState state;
    // The MicroBlock itself: the driver keeps it durable beside the record
    // until it is included, because after a restart of every node (or a
    // crash before its peers got it) nobody else holds it, and the
    // producer's next MicroBlocks link to it (docs/pob.md §9).
    std::shared_ptr<const core::MicroBlock> micro;
};
struct Finalize {
    std::shared_ptr<const core::CertifiedBlock> block;
    std::vector<crypto::Hash256> executed_txs;  // in order
    crypto::Hash256 app_state_root{};           // what Commit produced locally
    // The MicroBlocks the block references, in execution order (the driver
    // persists them; the engine may forget them soon after).
    std::vector<std::shared_ptr<const core::MicroBlock>> micros;
    // The engine's chain-derived state after this block (its epoch change
    // included), stored with it so a restart resumes there
    // (docs/state.md "Restart in constant time").
    std::shared_ptr<const EngineCheckpoint> checkpoint;
    // pob.md §4.1: members this block charged for absent votes (an epoch's
    // last block only; for logs and the simulator's invariant).
    std::vector<std::string> absent_voters;
};
struct SetTimer {
    TimerId id;
    TimePoint at = 0;
};
// A validator was slashed by final evidence (already applied in the block's
// state transition; this is for logs, metrics and the API).
struct Punish {
    std::string validator;
    crypto::Hash256 evidence_id{};
    uint64_t height = 0;
    std::vector<crypto::Hash256> compensated_txs;
};
using Effect =
    std::variant<Send, Broadcast, PersistSafety, PersistProducer, Finalize, SetTimer, Punish>;
using Effects = std::vector<Effect>;

}  // namespace iost::consensus
