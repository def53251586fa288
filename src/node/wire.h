// The network encoding of every consensus Message (consensus/messages.h) and
// of the persisted SafetyState: IOST's SimpleEncoder (core/codec.h) with the
// block encodings of core/block.h nested as length-prefixed byte strings.
// A payload is one tag byte (WireTag) followed by the message body; the tag
// also fixes which P2P frame type (net/message_types.h) may carry it.
//
// Decoding treats input as hostile: every count is capped (kMaxWire*), every
// hash must be exactly 32 bytes, booleans exactly 0 or 1, and trailing bytes
// are an error, so each message has exactly one encoding and
// Encode(Decode(x)) == x for every accepted x (tests/fuzz/fuzz_wire.cpp).
// Decoding checks form only; signatures and meaning are the engine's job.
// Thread contract: pure functions.
#pragma once

#include <consensus/messages.h>
#include <consensus/safety.h>
#include <util/bytes.h>
#include <util/result.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace iost::node {

// Wire ids: never renumber, only add.
enum class WireTag : uint8_t {
    kTx = 1,
    kMicro = 2,
    kProposal = 3,
    kVote = 4,
    kViewChange = 5,
    kEvidence = 6,
    kMicroRequest = 7,
    kSyncRequest = 8,
    kSyncResponse = 9,
};

inline constexpr size_t kMaxWireJustification = 1'024;
inline constexpr size_t kMaxWireMicroRequest = 100;  // fits the 4 KiB SyncRequest frame cap
inline constexpr size_t kMaxWireSyncBlocks = 256;
inline constexpr size_t kMaxWireSyncMicros = 16'384;

WireTag TagOf(const consensus::Message& m);
// The P2P frame type (net::MessageType value) that carries a tag.
uint16_t NetTypeOf(WireTag tag);

util::Bytes EncodeMessage(const consensus::Message& m);
// `net_type` is the frame type it arrived in: a tag that does not belong to
// it is refused (a peer may not smuggle a SyncResponse into a gossip frame).
util::Result<consensus::Message> DecodeMessage(util::ByteView payload,
                                               std::optional<uint16_t> net_type = std::nullopt);

// Splits a message into payloads that each fit `max_bytes` where the
// protocol allows it (MicroRequest by hashes, SyncResponse into micro-block
// chunks followed by block chunks, in an order the engine accepts). Other
// messages come back whole; a piece that still does not fit is dropped and
// counted in *dropped.
std::vector<util::Bytes> EncodeForNetwork(const consensus::Message& m, size_t max_bytes,
                                          size_t* dropped = nullptr);

// The SafetyStore record (version byte first).
util::Bytes EncodeSafety(const consensus::SafetyState& s);
util::Result<consensus::SafetyState> DecodeSafety(util::ByteView b);
// The last signed MicroBlock's record (docs/pob.md §9), kept in the
// SafetyStore under ProducerRecordKey(id).
util::Bytes EncodeProducer(const consensus::ProducerState& s);
util::Result<consensus::ProducerState> DecodeProducer(util::ByteView b);
std::string ProducerRecordKey(const std::string& validator_id);
// docs/pob.md §9: the MicroBlocks a producer signed are kept durable in a
// ring of kProducerMicroSlots slots (seq mod slots) beside the record, so
// after a restart it can serve the ones not yet included (~25 s of
// MicroBlocks at the default 100 ms interval; older ones are included long
// before, or the §5.4 fallback takes the partition).
inline constexpr uint64_t kProducerMicroSlots = 256;
std::string ProducerMicroKey(const std::string& validator_id, uint64_t seq);

}  // namespace iost::node
