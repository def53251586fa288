// Reading a certified final block back from the BlockStore (docs/node.md,
// storage): the block, its commit certificate and the MicroBlocks it
// references, decoded and in reference order. ONE function for every reader
// (start-up replay, sync serving, the read API), with a typed failure, so the
// three can no longer drift apart; each caller keeps its own policy for a
// failure (start-up stops, sync serving ends the batch, the API answers
// "not found" or an error).
// Thread contract: pure over a BlockStore, whose reads are thread-safe.
#pragma once

#include <core/block.h>
#include <storage/block_store.h>
#include <util/result.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace iost::node {

enum class LoadFailure : uint8_t {
    kStorage,       // the store failed to read (I/O or corruption it detected)
    kBlockMissing,  // no block (or, above genesis, no certificate) at that height
    kMicroMissing,  // a referenced MicroBlock is not in the store
    kCorrupt,       // a stored record does not decode
    kPruned,        // below the pruned floor: header and certificate only (docs/state.md)
};
struct LoadError {
    LoadFailure failure;
    std::string detail;  // one line for logs and errors, naming the height
};

// A pruned header (docs/state.md "Pruning", docs/formats.md "Pruned
// header"): what PruneBodies keeps of a FinalBlock that had transactions:
// the block without its direct_txs (chain fallback, per-transaction
// fallback; a PoB block has none), plus what can no longer be recomputed
// once the tx list and the direct txs are gone.
struct PrunedHeader {
    crypto::Hash256 hash{};      // the original block's hash (covers the direct txs)
    uint64_t tx_count = 0;       // executed transactions of the block (its tx list)
    uint64_t direct_txs = 0;     // 0 for a PoB block (its txs were in MicroBlocks)
    util::Bytes iost_tx_merkle;  // core::IostMerkleRootBytes over the executed tx hashes
};

struct StoredBlock {
    // For a pruned header, the block WITHOUT its direct transactions: never
    // recompute its hash, use `hash`.
    std::shared_ptr<core::CertifiedBlock> certified;
    crypto::Hash256 hash{};              // the block's hash, as certified
    std::optional<PrunedHeader> pruned;  // set when the record is a pruned header
    std::vector<std::shared_ptr<const core::MicroBlock>> micros;  // in reference order
    size_t bytes = 0;  // encoded size read (sync serving's byte budget)
};

enum class WithMicros { kNo, kYes };

// The block at `height` with its certificate (none for genesis) and (kYes)
// its MicroBlocks.
util::Result<StoredBlock, LoadError> LoadStoredBlock(const storage::BlockStore& store,
                                                     uint64_t height,
                                                     WithMicros with = WithMicros::kYes);

// The stored kBlock record: a full FinalBlock (any older data dir) or a
// pruned header (its distinct tag cannot be read as a FinalBlock).
struct StoredFinal {
    core::FinalBlock block;
    crypto::Hash256 hash{};
    std::optional<PrunedHeader> pruned;
};
util::Result<StoredFinal> DecodeStoredFinal(util::ByteView record);
util::Bytes EncodePrunedHeader(const core::FinalBlock& without_direct_txs, const PrunedHeader& p);

// storage::BlockStore::HeaderPruner for the node: a block with
// transactions (direct, or in its tx list) becomes a pruned header; an
// empty block and an already pruned header are kept as they are (nullopt).
util::Result<std::optional<util::Bytes>> PruneStoredHeader(const storage::BlockStore& store,
                                                           uint64_t height,
                                                           util::ByteView encoded_block);

// The certificate record as stored: commit view, then the certificate.
util::Bytes EncodeCertificateRecord(uint64_t commit_view, const crypto::Certificate& cert);
util::Result<std::pair<uint64_t, crypto::Certificate>> DecodeCertificateRecord(util::ByteView b);

}  // namespace iost::node
