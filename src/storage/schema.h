// The on-disk key layout of the node's KvStore, and the schema version check
// done on every open. Internal to the storage module: other modules use the
// typed stores (block_store.h, state_store.h, safety_store.h).
//
// Every key starts with one table byte. Heights and sequence numbers are
// 8-byte big-endian so that byte order is numeric order and a prefix scan
// walks a table in height order. Hashes are the raw 32 bytes.
//
//   table  key                                   value
//   0x00   0x00 "schema"                         u32be schema version
//   0x00   0x00 "head"                           u64be height | hash32 | state_root32
//   0x00   0x00 "checkpoint"                     u64be height | consensus checkpoint (opaque)
//   0x00   0x00 "pruned"                         u64be first height whose body is kept
//   0x00   0x00 "statesync"                      u64be height of a state sync being installed
//   0x01   0x01 height                           encoded final block (below the pruned floor
//                                                maybe a pruned header, node/stored_block.h)
//   0x02   0x02 hash32                           u64be height (block by hash)
//   0x03   0x03 height                           encoded certificate (empty at genesis)
//   0x04   0x04 height                           tx hashes of the block, 32 bytes each, in order
//   0x05   0x05 height                           state root32 after the block
//   0x06   0x06 height                           micro-block hashes of the block, 32 bytes each
//   0x07   0x07 height                           block hash32
//   0x08   0x08 height                           refused tx hashes (executed plan minus 0x04), 32 B
//   each 0x09   0x09 height                           (u8 len | producer | u64be seq) of the
//   block's micro-blocks 0x10   0x10 hash32                           encoded micro-block 0x11 0x11
//   u8 len | producer | u64be seq    micro-block hash32 0x12   0x12 hash32 u64be height of the
//   final block that included it 0x20   0x20 tx_hash32                        u64be height | u32be
//   position in the block 0x21   0x21 tx_hash32                        encoded receipt 0x30   0x30
//   state key                        state value (the ledger's bytes) 0x40   0x40 validator key
//   opaque consensus safety record
//
// All keys of a final block (0x01..0x09, 0x12, 0x20, 0x21, its 0x30 writes,
// the checkpoint and the head) go into one WriteBatch, so after any crash either all of
// them exist or none does. A change to this layout bumps kSchemaVersion; an
// older or newer binary then refuses the data dir rather than misread it.
//
// Thread contract: pure functions, except EnsureSchema, which reads and may
// write the store (call it before other users of a fresh store).
#pragma once

#include <storage/kv_store.h>
#include <util/bytes.h>
#include <util/result.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string>

namespace iost::storage {

using Hash32 = std::array<uint8_t, 32>;

// Versions (docs/node.md "Upgrading a data dir"):
//   1  accounts (acc/) as JSON
//   2  accounts as binary records (docs/formats.md "Account record"); the
//      state root covers those bytes, so version-1 state cannot be reused;
//      and tables 0x08, 0x09, the checkpoint and pruned-floor meta keys
//      (snapshots and pruning, docs/state.md)
//   3  the epoch seed by commit–reveal (docs/pob.md §4.2): the same layout,
//      but a chain stored by an older build was elected with the old seed
//      (the last block's hash), so this build's replay would elect other
//      committees and refuse its certificates; and consensus checkpoints of
//      format 3 (the seed book)
//   4  vote accounting (docs/pob.md §4.1): the same layout, but every block
//      at height ≥ 2 carries its last_commit, so this build's replay refuses
//      a chain stored without them; and consensus checkpoints of format 4
//      (the vote tally)
inline constexpr uint32_t kSchemaVersion = 4;

namespace table {
inline constexpr uint8_t kMeta = 0x00;
inline constexpr uint8_t kBlock = 0x01;
inline constexpr uint8_t kBlockHeightByHash = 0x02;
inline constexpr uint8_t kCertificate = 0x03;
inline constexpr uint8_t kBlockTxs = 0x04;
inline constexpr uint8_t kStateRoot = 0x05;
inline constexpr uint8_t kBlockMicros = 0x06;
inline constexpr uint8_t kBlockHash = 0x07;
inline constexpr uint8_t kBlockRefusedTxs = 0x08;
inline constexpr uint8_t kBlockMicroSlots = 0x09;
inline constexpr uint8_t kMicro = 0x10;
inline constexpr uint8_t kMicroByProducerSeq = 0x11;
inline constexpr uint8_t kMicroFinalHeight = 0x12;
inline constexpr uint8_t kTxLocation = 0x20;
inline constexpr uint8_t kReceipt = 0x21;
inline constexpr uint8_t kState = 0x30;
inline constexpr uint8_t kSafety = 0x40;
}  // namespace table

inline constexpr size_t kMaxProducerBytes = 255;

void AppendU32(util::Bytes& out, uint32_t v);
void AppendU64(util::Bytes& out, uint64_t v);
uint32_t ReadU32(const uint8_t* p);
uint64_t ReadU64(const uint8_t* p);

util::Bytes SchemaKey();
util::Bytes HeadKey();
util::Bytes CheckpointKey();
util::Bytes PrunedKey();
util::Bytes StateSyncKey();
util::Bytes HeightKey(uint8_t table, uint64_t height);
util::Bytes HashKey(uint8_t table, const Hash32& hash);
// Producer longer than kMaxProducerBytes is a caller bug (validated first).
util::Bytes MicroProducerSeqKey(util::ByteView producer, uint64_t seq);
util::Bytes PrefixedKey(uint8_t table, util::ByteView rest);

// A value that must be exactly `size` bytes; anything else is reported as
// corruption naming the table and key.
util::Status ExpectSize(const util::Bytes& value, size_t size, const char* what,
                        util::ByteView key);

// Checks the schema version of `kv`. A store with no keys at all is new: the
// current version is written (synced). A store with keys but no version, or
// with another version, is refused with a message saying why.
util::Status EnsureSchema(KvStore& kv);

}  // namespace iost::storage
