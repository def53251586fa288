// BlockStore: the chain on disk. Final blocks (by height and by hash), their
// certificates, the micro-blocks they reference (by hash and by producer +
// seq), the transaction index (tx hash -> height, position), receipts, the
// state root after each block, and the head (last committed height, hash and
// state root). docs/architecture.md §1 (storage), docs/pob.md §3 (data); docs/reliability.md #11.
//
// Storage does not decode blocks: the caller hands over the encoded bytes
// together with the keys to index them by (a FinalizedBlockRecord), and reads
// return bytes. That keeps storage independent of core's block types.
//
// Atomicity: CommitFinalized writes everything of one final block, its
// receipts, its state write set and the new head in ONE WriteBatch, synced by
// default. After a crash the store is therefore at a block boundary: the head
// names the last complete block and no key of a later block exists. Open()
// checks the schema version and that the head's block is really there, and
// reports corruption rather than start from a half-known state.
//
// Errors: a failed commit leaves the durability of that batch unknown (a
// failed fsync may or may not have reached the disk), so the store refuses
// every later commit and the node must stop and restart from disk.
//
// Thread contract: commits are serialized internally (one writer at a time);
// reads may run from any thread concurrently with a commit. Each single read
// sees the store before or after a commit's batch, never inside it; a reader
// that reads GetHead() first and then only asks about heights <= that head
// always finds those blocks complete (the cached head moves only after the
// batch is written). The KvStore must outlive the BlockStore.
#pragma once

#include <storage/kv_store.h>
#include <storage/schema.h>
#include <util/bytes.h>
#include <util/result.h>

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

namespace iost::storage {

struct MicroBlockRecord {
    util::Bytes producer;  // the producer's validator id (1..255 bytes)
    uint64_t seq = 0;
    Hash32 hash{};
    util::Bytes encoded;
};

// One transaction of a final block, in block order; its position in
// FinalizedBlockRecord::txs is its position in the block.
struct TxRecord {
    Hash32 tx_hash{};
    util::Bytes encoded_receipt;
};

// One entry of the ledger's write set: a put, or a delete when value is
// nullopt. Keys are the ledger's own (1..kMaxStateKeyBytes bytes).
struct StateWrite {
    util::Bytes key;
    std::optional<util::Bytes> value;
};

struct FinalizedBlockRecord {
    uint64_t height = 0;
    Hash32 hash{};
    Hash32 prev_hash{};  // must equal the head's hash (ignored at genesis)
    util::Bytes encoded_block;
    util::Bytes encoded_certificate;  // may be empty only at genesis
    std::vector<MicroBlockRecord> micro_blocks;
    std::vector<TxRecord> txs;
    std::vector<StateWrite> state_writes;
    Hash32 state_root{};  // after applying state_writes
    // Transactions the block's plan executed that were refused (no receipt,
    // not in `txs`): with `txs` they are the block's dedup set, which a
    // restart from the checkpoint rebuilds (docs/state.md).
    std::vector<Hash32> refused_txs;
    // The consensus checkpoint after this block (opaque here); empty = keep
    // the stored one (it then names an older height and is not used).
    util::Bytes checkpoint;
};

struct StoredCheckpoint {
    uint64_t height = 0;
    util::Bytes bytes;
};

// What PruneBodies removed (for logs and metrics).
struct PruneStats {
    uint64_t blocks = 0;
    uint64_t micro_blocks = 0;
    uint64_t txs = 0;
    // kBlock records replaced by the HeaderPruner's record.
    uint64_t headers_rewritten = 0;
};

// State sync (docs/state.md "State sync"): what the joiner installs after
// every chunk of the state verified. `blocks` is the recent window, in
// height order, ending at the snapshot's height (the new head): a record
// with an encoded_block is stored in full (header, certificate, micro-
// blocks, tx and refused lists; no receipts, which the joiner never
// received); one without is stored as its tx and refused lists only (the
// dedup window a restart reads). The first full block becomes the pruned
// floor. `genesis` is block 0's header (no state writes): the data dir's
// chain check reads its hash.
struct SnapshotInstall {
    FinalizedBlockRecord genesis;
    std::vector<FinalizedBlockRecord> blocks;
};

struct Head {
    uint64_t height = 0;
    Hash32 hash{};
    Hash32 state_root{};
    bool operator==(const Head&) const = default;
};

struct TxLocation {
    uint64_t height = 0;
    uint32_t position = 0;
    bool operator==(const TxLocation&) const = default;
};

inline constexpr size_t kMaxStateKeyBytes = 4096;

struct BlockStoreOptions {
    // kYes: an acknowledged block survives power loss. kNo only for
    // benchmarks and the simulator.
    Sync commit_sync = Sync::kYes;
    // Refuse a block whose tx hash is already indexed (a consensus bug if it
    // happens): one point lookup per tx, answered by the Bloom filter.
    bool check_duplicate_txs = true;
};

class BlockStore {
  public:
    // Checks the schema version (writing it into an empty store) and the
    // head; fails with a clear message on an unknown version or corruption.
    static util::Result<std::unique_ptr<BlockStore>> Open(KvStore& kv,
                                                          BlockStoreOptions options = {});

    BlockStore(const BlockStore&) = delete;
    BlockStore& operator=(const BlockStore&) = delete;

    // nullopt until genesis is committed.
    std::optional<Head> GetHead() const;

    // Commits block 0 and the genesis state. Only on a store with no head.
    util::Status InitGenesis(const FinalizedBlockRecord& genesis);
    // Commits the next final block: height = head + 1, prev_hash = head hash,
    // no tx already indexed, no micro-block already finalized.
    util::Status CommitFinalized(const FinalizedBlockRecord& block);
    // Persists a micro-block seen before it is final (PACKED), so a restart
    // can still serve it; CommitFinalized stores it again if it is included.
    util::Status StoreMicroBlock(const MicroBlockRecord& micro, Sync sync = Sync::kNo);

    // True after a failed commit: the process must restart.
    bool Failed() const;

    // Called by InitGenesis and CommitFinalized right after the batch was
    // written, under the commit lock (so in commit order), with the block's
    // state writes. `known` is false when the write failed: the state on
    // disk is then unknown and a cache must forget everything. The node
    // keeps its state cache coherent with this (ledger/state_cache.h).
    // Anything else that writes the state table must tell the cache itself.
    using StateObserver = std::function<void(const std::vector<StateWrite>& writes, bool known)>;
    void SetStateObserver(StateObserver observer);
    // Called after each successful CommitFinalized, under the commit lock
    // (so no later block is written yet), with the new head's height: a
    // KvStore::Snapshot taken here is exactly the state after that block
    // (docs/state.md "Snapshot files"). Must be quick.
    using CommitListener = std::function<void(uint64_t height)>;
    void SetCommitListener(CommitListener listener);
    // Pruning (docs/state.md "Pruning"): deletes the bodies of the final
    // blocks below `below` (exclusive, and at most up to the head): their
    // micro-blocks, receipts, tx index entries and tx lists. Headers (the
    // encoded FinalBlock, its hash, state root) and certificates stay. At
    // most `max_blocks` heights per call, in one batch that also moves the
    // pruned floor, so a crash leaves either the old or the new floor with
    // everything below it pruned and nothing above it touched.
    //
    // `header_pruner` (optional; storage does not decode blocks): called for
    // each pruned height with the encoded block as stored; a returned record
    // replaces it IN THE SAME BATCH (the node drops a chain-fallback block's
    // direct transactions this way and keeps every block's tx count and
    // Merkle hash, docs/state.md "Pruning"); nullopt keeps
    // it; an error aborts the prune with nothing written. It may read this
    // store (the height's tx list and receipts are still there).
    using HeaderPruner = std::function<util::Result<std::optional<util::Bytes>>(
        const BlockStore& store, uint64_t height, util::ByteView encoded_block)>;
    util::Result<PruneStats> PruneBodies(uint64_t below, uint64_t max_blocks = 64,
                                         const HeaderPruner& header_pruner = {});
    // First height whose body is kept (1 when nothing was pruned).
    uint64_t PrunedFloor() const;

    // State sync install (docs/state.md "State sync"), in three steps so a
    // kill -9 at any point leaves a data dir that starts: BeginStateInstall
    // writes a marker (synced) into a store without a head;
    // WriteInstallState adds verified state entries (and tree nodes) in
    // unsynced batches; FinishStateInstall writes the window's blocks, the
    // checkpoint (in the last block's record), the floor and the head and
    // removes the marker, in one synced batch. A store opened with the
    // marker and no head holds a partial state: AbortStateInstall deletes
    // the state table and the marker (the node then starts over).
    util::Status BeginStateInstall(uint64_t height);
    util::Status WriteInstallState(const std::vector<StateWrite>& writes);
    util::Status FinishStateInstall(const SnapshotInstall& install);
    // The height of an unfinished install, if the marker is there.
    util::Result<std::optional<uint64_t>> PendingStateInstall() const;
    util::Status AbortStateInstall();

    // Reads. nullopt when absent; an error for I/O failure or corruption.
    util::Result<std::optional<util::Bytes>> GetBlock(uint64_t height) const;
    util::Result<std::optional<util::Bytes>> GetBlockByHash(const Hash32& hash) const;
    util::Result<std::optional<uint64_t>> GetHeightByHash(const Hash32& hash) const;
    util::Result<std::optional<Hash32>> GetBlockHash(uint64_t height) const;
    util::Result<std::optional<util::Bytes>> GetCertificate(uint64_t height) const;
    util::Result<std::optional<Hash32>> GetStateRoot(uint64_t height) const;
    util::Result<std::optional<std::vector<Hash32>>> GetBlockTxHashes(uint64_t height) const;
    util::Result<std::optional<std::vector<Hash32>>> GetBlockMicroHashes(uint64_t height) const;

    util::Result<std::optional<util::Bytes>> GetMicroBlock(const Hash32& hash) const;
    util::Result<std::optional<Hash32>> GetMicroBlockHash(util::ByteView producer,
                                                          uint64_t seq) const;
    // Height of the final block that included the micro-block, if final.
    util::Result<std::optional<uint64_t>> GetMicroBlockFinalHeight(const Hash32& hash) const;

    util::Result<std::optional<std::vector<Hash32>>> GetBlockRefusedTxHashes(uint64_t height) const;
    // The checkpoint stored with the newest block that carried one.
    util::Result<std::optional<StoredCheckpoint>> GetCheckpoint() const;

    util::Result<std::optional<TxLocation>> GetTxLocation(const Hash32& tx_hash) const;
    util::Result<std::optional<util::Bytes>> GetReceipt(const Hash32& tx_hash) const;

  private:
    BlockStore(KvStore& kv, BlockStoreOptions options, std::optional<Head> head,
               uint64_t pruned_floor);
    util::Status Commit(const FinalizedBlockRecord& block, bool genesis);
    util::Status Validate(const FinalizedBlockRecord& block, bool genesis,
                          const std::optional<Head>& head) const;
    util::Result<std::optional<util::Bytes>> GetRaw(const util::Bytes& key) const;

    KvStore& m_kv;
    const BlockStoreOptions m_options;
    std::mutex m_commit_mu;   // serializes commits
    mutable std::mutex m_mu;  // guards m_head and m_failed
    std::optional<Head> m_head;
    bool m_failed = false;
    StateObserver m_state_observer;    // set before use, guarded by m_commit_mu
    CommitListener m_commit_listener;  // likewise
    uint64_t m_pruned_floor = 1;       // guarded by m_mu
};

}  // namespace iost::storage
