// State snapshots for state sync (docs/state.md "Snapshot files"): the
// formats a node serves to joiners, the writer that makes them from a
// consistent view of its store at a certified height, and the store of
// complete snapshots on disk.
//
// A snapshot of height H is a directory `<data_dir>/snapshots/<H>` with
//   - `chunk-<i>` files: the i-th piece (SnapshotChunk body, exactly what a
//     StateChunk message carries): state chunks 0..16^depth−1 (every tree
//     entry whose key hash starts with nibble prefix i, with ProveChunk's
//     upper nodes), then window parts (the executed and refused tx hashes of
//     up to kPartHeights heights of the dedup window ending at H);
//   - `MANIFEST`, written last: the manifest's encoding followed by its
//     SHA3 (a torn or partial manifest fails that check); it lists every
//     piece's SHA3, so a torn, missing or altered piece is detected when it
//     is read and the whole snapshot is dropped.
// The writer builds it in `<H>.tmp`, fsyncs every file, renames the
// directory and fsyncs the parent; an interrupted write leaves a `.tmp`
// directory that the next open deletes.
//
// Everything decoded here comes from disk or from peers: every count is
// bounded, hashes are exactly 32 bytes, and trailing bytes are errors.
//
// Thread contract: the free functions are pure (the writer only reads its
// KvStore view); SnapshotStore is thread-safe.
#pragma once

#include <crypto/hash.h>
#include <ledger/trie.h>
#include <storage/kv_store.h>
#include <util/bytes.h>
#include <util/log.h>
#include <util/result.h>

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace iost::node {

inline constexpr uint8_t kMaxChunkDepth = 3;        // 4,096 state chunks at most
inline constexpr uint64_t kPartHeights = 16;        // heights per window part
inline constexpr size_t kMaxPieceBytes = 3u << 20;  // fits one 4 MiB frame
inline constexpr size_t kMaxWindowParts = 1'024;
// The writer picks the least depth whose chunks average at most this.
inline constexpr size_t kTargetChunkBytes = 512u << 10;

struct SnapshotManifest {
    uint64_t height = 0;
    crypto::Hash256 block_hash{};
    crypto::Hash256 state_root{};
    uint8_t depth = 0;                          // 16^depth state chunks
    uint64_t window_first = 0;                  // first height of the tx-list window (..height)
    std::vector<crypto::Hash256> piece_hashes;  // state chunks, then window parts
    util::Bytes checkpoint;                     // consensus::EngineCheckpoint after block `height`
    util::Bytes block;                          // the encoded FinalBlock at `height`
    util::Bytes certificate;                    // its certificate record (node/stored_block.h)

    uint32_t state_chunks() const { return 1u << (4 * depth); }
    uint32_t window_parts() const;
    uint32_t pieces() const { return state_chunks() + window_parts(); }
};

util::Bytes EncodeManifest(const SnapshotManifest& m);
util::Result<SnapshotManifest> DecodeManifest(util::ByteView b);
// What honest nodes agree on for one height: the manifest without the
// certificate (two nodes may hold different signer sets for one block).
crypto::Hash256 ManifestCoreHash(const SnapshotManifest& m);

// The nibble prefix of state chunk `index` at `depth` (one byte per nibble).
std::string ChunkPrefix(uint32_t index, uint8_t depth);

struct WindowHeight {
    uint64_t height = 0;
    std::vector<crypto::Hash256> executed;
    std::vector<crypto::Hash256> refused;
};

// One piece: a state chunk or a window part.
struct SnapshotPiece {
    uint32_t index = 0;
    bool is_state = true;
    ledger::ChunkEntries entries;      // state: sorted by key
    ledger::StateProof upper;          // state: ProveChunk's nodes
    std::vector<WindowHeight> window;  // window part
};

util::Bytes EncodePiece(const SnapshotPiece& p);
util::Result<SnapshotPiece> DecodePiece(util::ByteView b);

// Checks a received piece of `m`: its bytes hash to the manifest's entry,
// then (state chunks) VerifyChunk against the certified state root, or
// (window parts) the heights are exactly the part's. This is the check
// state sync runs BEFORE anything is written.
util::Result<SnapshotPiece> VerifyPiece(const SnapshotManifest& m, uint32_t index,
                                        util::ByteView bytes);

// What the writer needs besides the store view: the window length (the
// engine's restore_tx_window).
struct SnapshotWriteOptions {
    uint64_t window = 1'000;
};

// Writes the snapshot of the height `view` is at (its head, which must have
// its checkpoint) into `dir`/<H>. `view` is a consistent KvStore view of a
// node's store (KvStore::Snapshot). Returns the height written.
util::Result<uint64_t> WriteSnapshot(const storage::KvStore& view, const std::string& dir,
                                     const SnapshotWriteOptions& opt);

// The complete snapshots in a directory, newest first; serves manifests and
// pieces. A snapshot whose piece fails its hash is dropped (and deleted).
class SnapshotStore {
  public:
    SnapshotStore(std::string dir, size_t keep, util::Logger log);
    // Scans the directory: deletes `.tmp` leftovers and snapshots with a
    // torn manifest, keeps the newest `keep`.
    void Reload();
    std::vector<uint64_t> Heights() const;
    // height 0 = the newest.
    std::optional<SnapshotManifest> Manifest(uint64_t height) const;
    // The piece's bytes if the snapshot has it and it checks.
    std::optional<util::Bytes> Piece(uint64_t height, uint32_t index);
    const std::string& dir() const { return m_dir; }

  private:
    void DropLocked(uint64_t height, const std::string& why);
    std::string m_dir;
    size_t m_keep;
    util::Logger m_log;
    mutable std::mutex m_mu;
    std::map<uint64_t, SnapshotManifest> m_snaps;
};

}  // namespace iost::node
