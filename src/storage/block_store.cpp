#include <storage/block_store.h>

#include <algorithm>
#include <string>

namespace iost::storage {

using util::Bytes;
using util::ByteView;

namespace {

constexpr size_t kHeadBytes = 8 + 32 + 32;

std::string Hex(const Hash32& h) { return util::ToHex(ByteView(h.data(), h.size())); }

Bytes EncodeHead(const Head& head) {
    Bytes v;
    v.reserve(kHeadBytes);
    AppendU64(v, head.height);
    v.insert(v.end(), head.hash.begin(), head.hash.end());
    v.insert(v.end(), head.state_root.begin(), head.state_root.end());
    return v;
}

Hash32 ReadHash(const uint8_t* p) {
    Hash32 h;
    std::copy(p, p + 32, h.begin());
    return h;
}

util::Result<Head> DecodeHead(const Bytes& v) {
    IOST_TRY(ExpectSize(v, kHeadBytes, "head pointer", HeadKey()));
    Head head;
    head.height = ReadU64(v.data());
    head.hash = ReadHash(v.data() + 8);
    head.state_root = ReadHash(v.data() + 40);
    return head;
}

template <typename T, typename Less = std::less<>>
bool HasDuplicate(const std::vector<T>& items, Less less = {}) {
    // A node's state write set comes from an ordered map: strictly ascending
    // already, so no copy is sorted (the sort was 7 % of a block commit).
    if (std::adjacent_find(items.begin(), items.end(),
                           [&](const T& a, const T& b) { return !less(a, b); }) == items.end()) {
        return false;
    }
    std::vector<T> sorted = items;
    std::sort(sorted.begin(), sorted.end(), less);
    return std::adjacent_find(sorted.begin(), sorted.end(), [&](const T& a, const T& b) {
               return !less(a, b) && !less(b, a);
           }) != sorted.end();
}

util::Unexpected<util::Error> Corrupt(const std::string& what) {
    return util::Err("storage: data dir is corrupt: " + what +
                     " (restore from a backup or resync into a new data dir)");
}

// Checks that the head names a complete block: everything CommitFinalized
// writes for it is present and agrees, and nothing of a later block exists.
util::Status VerifyHead(const BlockStore& store, const Head& head) {
    const std::string name = "block " + std::to_string(head.height) + " (" + Hex(head.hash) + ")";
    auto block = store.GetBlock(head.height);
    IOST_TRY(block);
    if (!block->has_value()) return Corrupt("the head names " + name + " but the block is missing");
    auto hash = store.GetBlockHash(head.height);
    IOST_TRY(hash);
    if (!hash->has_value() || **hash != head.hash) {
        return Corrupt("the head names " + name + " but the hash stored at that height differs");
    }
    auto by_hash = store.GetHeightByHash(head.hash);
    IOST_TRY(by_hash);
    if (!by_hash->has_value() || **by_hash != head.height) {
        return Corrupt("the hash index does not point at " + name);
    }
    auto root = store.GetStateRoot(head.height);
    IOST_TRY(root);
    if (!root->has_value() || **root != head.state_root) {
        return Corrupt("the state root stored for " + name + " differs from the head's");
    }
    if (head.height > 0) {
        auto cert = store.GetCertificate(head.height);
        IOST_TRY(cert);
        if (!cert->has_value()) return Corrupt("the certificate of " + name + " is missing");
    }
    auto txs = store.GetBlockTxHashes(head.height);
    IOST_TRY(txs);
    if (!txs->has_value()) return Corrupt("the tx list of " + name + " is missing");
    auto next = store.GetBlock(head.height + 1);
    IOST_TRY(next);
    if (next->has_value()) {
        return Corrupt("a block exists at height " + std::to_string(head.height + 1) +
                       " above the head " + name);
    }
    return util::Ok();
}

util::Result<std::optional<uint64_t>> DecodeHeight(util::Result<std::optional<Bytes>> raw,
                                                   const Bytes& key, const char* what) {
    IOST_TRY(raw);
    if (!raw->has_value()) return std::optional<uint64_t>{};
    IOST_TRY(ExpectSize(**raw, 8, what, key));
    return std::optional<uint64_t>{ReadU64((*raw)->data())};
}

util::Result<std::optional<Hash32>> DecodeHash(util::Result<std::optional<Bytes>> raw,
                                               const Bytes& key, const char* what) {
    IOST_TRY(raw);
    if (!raw->has_value()) return std::optional<Hash32>{};
    IOST_TRY(ExpectSize(**raw, 32, what, key));
    return std::optional<Hash32>{ReadHash((*raw)->data())};
}

util::Result<std::optional<std::vector<Hash32>>> DecodeHashList(
    util::Result<std::optional<Bytes>> raw, const Bytes& key, const char* what) {
    IOST_TRY(raw);
    if (!raw->has_value()) return std::optional<std::vector<Hash32>>{};
    const Bytes& v = **raw;
    if (v.size() % 32 != 0) {
        return util::Err("storage: corrupt " + std::string(what) + " under key " +
                         util::ToHex(key) + ": " + std::to_string(v.size()) +
                         " bytes is not a multiple of 32");
    }
    std::vector<Hash32> out(v.size() / 32);
    for (size_t i = 0; i < out.size(); ++i) out[i] = ReadHash(v.data() + 32 * i);
    return std::optional<std::vector<Hash32>>{std::move(out)};
}

}  // namespace

BlockStore::BlockStore(KvStore& kv, BlockStoreOptions options, std::optional<Head> head,
                       uint64_t pruned_floor)
    : m_kv(kv), m_options(options), m_head(head), m_pruned_floor(pruned_floor) {}

util::Result<std::unique_ptr<BlockStore>> BlockStore::Open(KvStore& kv, BlockStoreOptions options) {
    IOST_TRY(EnsureSchema(kv));
    auto raw = kv.Get(HeadKey());
    IOST_TRY(raw);
    std::optional<Head> head;
    if (raw->has_value()) {
        auto decoded = DecodeHead(**raw);
        IOST_TRY(decoded);
        head = *decoded;
    }
    uint64_t floor = 1;
    auto pruned = kv.Get(PrunedKey());
    IOST_TRY(pruned);
    if (pruned->has_value()) {
        IOST_TRY(ExpectSize(**pruned, 8, "pruned floor", PrunedKey()));
        floor = ReadU64((*pruned)->data());
        if (floor == 0 || !head || floor > head->height + 1) {
            return Corrupt("the pruned floor " + std::to_string(floor) +
                           " is not between 1 and the head + 1");
        }
    }
    std::unique_ptr<BlockStore> store(new BlockStore(kv, options, head, floor));
    if (head) {
        IOST_TRY(VerifyHead(*store, *head));
    } else {
        bool any_block = false;
        IOST_TRY(kv.Scan(Bytes{table::kBlock}, [&](ByteView, ByteView) {
            any_block = true;
            return false;
        }));
        if (any_block) return Corrupt("blocks are stored but there is no head pointer");
    }
    return store;
}

std::optional<Head> BlockStore::GetHead() const {
    std::lock_guard lock(m_mu);
    return m_head;
}

bool BlockStore::Failed() const {
    std::lock_guard lock(m_mu);
    return m_failed;
}

util::Status BlockStore::InitGenesis(const FinalizedBlockRecord& genesis) {
    return Commit(genesis, /*genesis=*/true);
}

util::Status BlockStore::CommitFinalized(const FinalizedBlockRecord& block) {
    return Commit(block, /*genesis=*/false);
}

util::Status BlockStore::Validate(const FinalizedBlockRecord& b, bool genesis,
                                  const std::optional<Head>& head) const {
    const std::string name = "block " + std::to_string(b.height);
    if (genesis) {
        if (head) {
            return util::Err("storage: genesis already committed (head at height " +
                             std::to_string(head->height) + ")");
        }
        if (b.height != 0)
            return util::Err("storage: genesis must have height 0, got " +
                             std::to_string(b.height));
    } else {
        if (!head)
            return util::Err("storage: cannot commit " + name + ": no genesis committed yet");
        if (b.height != head->height + 1) {
            return util::Err("storage: cannot commit " + name + ": the head is at height " +
                             std::to_string(head->height) + ", blocks must be committed in order");
        }
        if (b.prev_hash != head->hash) {
            return util::Err("storage: cannot commit " + name + ": prev_hash " + Hex(b.prev_hash) +
                             " is not the head's hash " + Hex(head->hash));
        }
        if (b.encoded_certificate.empty()) {
            return util::Err("storage: cannot commit " + name + " without a certificate");
        }
    }
    if (b.encoded_block.empty())
        return util::Err("storage: cannot commit " + name + ": empty encoded block");
    if (b.txs.size() > UINT32_MAX) return util::Err("storage: " + name + " has too many txs");

    auto known = GetHeightByHash(b.hash);
    IOST_TRY(known);
    if (known->has_value()) {
        return util::Err("storage: cannot commit " + name + ": hash " + Hex(b.hash) +
                         " is already stored at height " + std::to_string(**known));
    }

    std::vector<Hash32> micro_hashes;
    std::vector<std::pair<Bytes, uint64_t>> micro_slots;
    for (const auto& m : b.micro_blocks) {
        if (m.producer.empty() || m.producer.size() > kMaxProducerBytes) {
            return util::Err("storage: " + name + ": micro-block producer id must be 1.." +
                             std::to_string(kMaxProducerBytes) + " bytes, got " +
                             std::to_string(m.producer.size()));
        }
        if (m.encoded.empty())
            return util::Err("storage: " + name + ": empty encoded micro-block " + Hex(m.hash));
        micro_hashes.push_back(m.hash);
        micro_slots.emplace_back(m.producer, m.seq);
        auto final_height = GetMicroBlockFinalHeight(m.hash);
        IOST_TRY(final_height);
        if (final_height->has_value()) {
            return util::Err("storage: " + name + ": micro-block " + Hex(m.hash) +
                             " was already finalized at height " + std::to_string(**final_height));
        }
    }
    if (HasDuplicate(micro_hashes))
        return util::Err("storage: " + name + ": a micro-block is listed twice");
    if (HasDuplicate(micro_slots)) {
        return util::Err("storage: " + name + ": two micro-blocks with the same producer and seq");
    }

    std::vector<Hash32> tx_hashes;
    tx_hashes.reserve(b.txs.size());
    for (const auto& tx : b.txs) tx_hashes.push_back(tx.tx_hash);
    if (HasDuplicate(tx_hashes))
        return util::Err("storage: " + name + ": a transaction is listed twice");
    if (m_options.check_duplicate_txs) {
        for (const auto& h : tx_hashes) {
            auto loc = GetTxLocation(h);
            IOST_TRY(loc);
            if (loc->has_value()) {
                return util::Err("storage: " + name + ": transaction " + Hex(h) +
                                 " is already in block " + std::to_string((*loc)->height));
            }
        }
    }

    std::vector<ByteView> keys;
    keys.reserve(b.state_writes.size());
    for (const auto& w : b.state_writes) {
        if (w.key.empty() || w.key.size() > kMaxStateKeyBytes) {
            return util::Err("storage: " + name + ": state key must be 1.." +
                             std::to_string(kMaxStateKeyBytes) + " bytes, got " +
                             std::to_string(w.key.size()));
        }
        keys.push_back(w.key);
    }
    auto view_less = [](ByteView a, ByteView c) {
        return std::lexicographical_compare(a.begin(), a.end(), c.begin(), c.end());
    };
    if (HasDuplicate(keys, view_less)) {
        return util::Err("storage: " + name + ": the state write set names a key twice");
    }
    return util::Ok();
}

util::Status BlockStore::Commit(const FinalizedBlockRecord& b, bool genesis) {
    std::lock_guard commit_lock(m_commit_mu);
    std::optional<Head> head;
    {
        std::lock_guard lock(m_mu);
        if (m_failed) {
            return util::Err(
                "storage: an earlier commit failed; the node must restart before committing again");
        }
        head = m_head;
    }
    IOST_TRY(Validate(b, genesis, head));

    WriteBatch batch;
    batch.Put(HeightKey(table::kBlock, b.height), b.encoded_block);
    Bytes height_bytes;
    AppendU64(height_bytes, b.height);
    batch.Put(HashKey(table::kBlockHeightByHash, b.hash), height_bytes);
    batch.Put(HeightKey(table::kBlockHash, b.height), Bytes(b.hash.begin(), b.hash.end()));
    batch.Put(HeightKey(table::kCertificate, b.height), b.encoded_certificate);
    batch.Put(HeightKey(table::kStateRoot, b.height),
              Bytes(b.state_root.begin(), b.state_root.end()));

    Bytes micro_list;
    micro_list.reserve(32 * b.micro_blocks.size());
    for (const auto& m : b.micro_blocks) {
        batch.Put(HashKey(table::kMicro, m.hash), m.encoded);
        batch.Put(MicroProducerSeqKey(m.producer, m.seq), Bytes(m.hash.begin(), m.hash.end()));
        batch.Put(HashKey(table::kMicroFinalHeight, m.hash), height_bytes);
        micro_list.insert(micro_list.end(), m.hash.begin(), m.hash.end());
    }
    batch.Put(HeightKey(table::kBlockMicros, b.height), std::move(micro_list));

    Bytes tx_list;
    tx_list.reserve(32 * b.txs.size());
    for (size_t i = 0; i < b.txs.size(); ++i) {
        const auto& tx = b.txs[i];
        Bytes loc = height_bytes;
        AppendU32(loc, static_cast<uint32_t>(i));
        batch.Put(HashKey(table::kTxLocation, tx.tx_hash), std::move(loc));
        batch.Put(HashKey(table::kReceipt, tx.tx_hash), tx.encoded_receipt);
        tx_list.insert(tx_list.end(), tx.tx_hash.begin(), tx.tx_hash.end());
    }
    batch.Put(HeightKey(table::kBlockTxs, b.height), std::move(tx_list));
    Bytes refused;
    refused.reserve(32 * b.refused_txs.size());
    for (const auto& h : b.refused_txs) refused.insert(refused.end(), h.begin(), h.end());
    batch.Put(HeightKey(table::kBlockRefusedTxs, b.height), std::move(refused));
    Bytes slots;
    for (const auto& m : b.micro_blocks) {
        slots.push_back(static_cast<uint8_t>(m.producer.size()));
        slots.insert(slots.end(), m.producer.begin(), m.producer.end());
        AppendU64(slots, m.seq);
    }
    batch.Put(HeightKey(table::kBlockMicroSlots, b.height), std::move(slots));
    if (!b.checkpoint.empty()) {
        Bytes ck;
        ck.reserve(8 + b.checkpoint.size());
        AppendU64(ck, b.height);
        ck.insert(ck.end(), b.checkpoint.begin(), b.checkpoint.end());
        batch.Put(CheckpointKey(), std::move(ck));
    }

    for (const auto& w : b.state_writes) {
        Bytes key = PrefixedKey(table::kState, w.key);
        if (w.value) {
            batch.Put(std::move(key), *w.value);
        } else {
            batch.Delete(key);
        }
    }

    const Head next{b.height, b.hash, b.state_root};
    batch.Put(HeadKey(), EncodeHead(next));

    util::Status s = m_kv.Write(batch, m_options.commit_sync);
    // Still under the commit lock, so observers see commits in order, and
    // before the head moves, so a reader that sees the new head finds the
    // state cache already written through (docs/state.md "Fast state layer").
    if (m_state_observer) m_state_observer(b.state_writes, s.ok());
    {
        std::lock_guard lock(m_mu);
        if (!s.ok()) {
            // The batch may or may not be on disk: only a restart, which reads
            // the head back, can tell. Never retry on top of an unknown state.
            m_failed = true;
            return util::Err(
                "storage: commit of block " + std::to_string(b.height) +
                " failed; the node must stop and restart from disk: " + s.error().message);
        }
        m_head = next;
    }
    // Still under the commit lock: the store is exactly at this block.
    if (m_commit_listener && !genesis) m_commit_listener(next.height);
    return util::Ok();
}

void BlockStore::SetStateObserver(StateObserver observer) {
    std::lock_guard commit_lock(m_commit_mu);
    m_state_observer = std::move(observer);
}

void BlockStore::SetCommitListener(CommitListener listener) {
    std::lock_guard commit_lock(m_commit_mu);
    m_commit_listener = std::move(listener);
}

util::Status BlockStore::StoreMicroBlock(const MicroBlockRecord& m, Sync sync) {
    if (m.producer.empty() || m.producer.size() > kMaxProducerBytes) {
        return util::Err("storage: micro-block producer id must be 1.." +
                         std::to_string(kMaxProducerBytes) + " bytes, got " +
                         std::to_string(m.producer.size()));
    }
    if (m.encoded.empty()) return util::Err("storage: empty encoded micro-block " + Hex(m.hash));
    {
        std::lock_guard lock(m_mu);
        if (m_failed) return util::Err("storage: an earlier commit failed; the node must restart");
    }
    WriteBatch batch;
    batch.Put(HashKey(table::kMicro, m.hash), m.encoded);
    batch.Put(MicroProducerSeqKey(m.producer, m.seq), Bytes(m.hash.begin(), m.hash.end()));
    return m_kv.Write(batch, sync);
}

util::Result<std::optional<Bytes>> BlockStore::GetRaw(const Bytes& key) const {
    return m_kv.Get(key);
}

util::Result<std::optional<Bytes>> BlockStore::GetBlock(uint64_t height) const {
    return GetRaw(HeightKey(table::kBlock, height));
}

util::Result<std::optional<Bytes>> BlockStore::GetBlockByHash(const Hash32& hash) const {
    auto height = GetHeightByHash(hash);
    IOST_TRY(height);
    if (!height->has_value()) return std::optional<Bytes>{};
    auto block = GetBlock(**height);
    IOST_TRY(block);
    if (!block->has_value()) {
        return Corrupt("hash " + Hex(hash) + " indexes height " + std::to_string(**height) +
                       " where no block is stored");
    }
    return block;
}

util::Result<std::optional<uint64_t>> BlockStore::GetHeightByHash(const Hash32& hash) const {
    Bytes key = HashKey(table::kBlockHeightByHash, hash);
    return DecodeHeight(GetRaw(key), key, "block height");
}

util::Result<std::optional<Hash32>> BlockStore::GetBlockHash(uint64_t height) const {
    Bytes key = HeightKey(table::kBlockHash, height);
    return DecodeHash(GetRaw(key), key, "block hash");
}

util::Result<std::optional<Bytes>> BlockStore::GetCertificate(uint64_t height) const {
    return GetRaw(HeightKey(table::kCertificate, height));
}

util::Result<std::optional<Hash32>> BlockStore::GetStateRoot(uint64_t height) const {
    Bytes key = HeightKey(table::kStateRoot, height);
    return DecodeHash(GetRaw(key), key, "state root");
}

util::Result<std::optional<std::vector<Hash32>>> BlockStore::GetBlockTxHashes(
    uint64_t height) const {
    Bytes key = HeightKey(table::kBlockTxs, height);
    return DecodeHashList(GetRaw(key), key, "block tx list");
}

util::Result<std::optional<std::vector<Hash32>>> BlockStore::GetBlockMicroHashes(
    uint64_t height) const {
    Bytes key = HeightKey(table::kBlockMicros, height);
    return DecodeHashList(GetRaw(key), key, "block micro-block list");
}

util::Result<std::optional<Bytes>> BlockStore::GetMicroBlock(const Hash32& hash) const {
    return GetRaw(HashKey(table::kMicro, hash));
}

util::Result<std::optional<Hash32>> BlockStore::GetMicroBlockHash(ByteView producer,
                                                                  uint64_t seq) const {
    if (producer.empty() || producer.size() > kMaxProducerBytes) {
        return util::Err("storage: micro-block producer id must be 1.." +
                         std::to_string(kMaxProducerBytes) + " bytes, got " +
                         std::to_string(producer.size()));
    }
    Bytes key = MicroProducerSeqKey(producer, seq);
    return DecodeHash(GetRaw(key), key, "micro-block hash");
}

util::Result<std::optional<uint64_t>> BlockStore::GetMicroBlockFinalHeight(
    const Hash32& hash) const {
    Bytes key = HashKey(table::kMicroFinalHeight, hash);
    return DecodeHeight(GetRaw(key), key, "micro-block final height");
}

util::Result<std::optional<std::vector<Hash32>>> BlockStore::GetBlockRefusedTxHashes(
    uint64_t height) const {
    Bytes key = HeightKey(table::kBlockRefusedTxs, height);
    return DecodeHashList(GetRaw(key), key, "block refused tx list");
}

util::Result<std::optional<StoredCheckpoint>> BlockStore::GetCheckpoint() const {
    auto raw = GetRaw(CheckpointKey());
    IOST_TRY(raw);
    if (!raw->has_value()) return std::optional<StoredCheckpoint>{};
    if ((*raw)->size() < 8) {
        return util::Err("storage: corrupt checkpoint record: " + std::to_string((*raw)->size()) +
                         " bytes");
    }
    StoredCheckpoint c;
    c.height = ReadU64((*raw)->data());
    c.bytes.assign((*raw)->begin() + 8, (*raw)->end());
    return std::optional<StoredCheckpoint>{std::move(c)};
}

uint64_t BlockStore::PrunedFloor() const {
    std::lock_guard lock(m_mu);
    return m_pruned_floor;
}

util::Result<PruneStats> BlockStore::PruneBodies(uint64_t below, uint64_t max_blocks,
                                                 const HeaderPruner& header_pruner) {
    std::lock_guard commit_lock(m_commit_mu);
    uint64_t floor = 0;
    std::optional<Head> head;
    {
        std::lock_guard lock(m_mu);
        if (m_failed) return util::Err("storage: an earlier commit failed; the node must restart");
        floor = m_pruned_floor;
        head = m_head;
    }
    PruneStats stats;
    if (!head) return stats;
    // Never the head itself: a restart needs its block.
    const uint64_t end = std::min({below, head->height, floor + max_blocks});
    if (end <= floor) return stats;
    WriteBatch batch;
    for (uint64_t h = floor; h < end; ++h) {
        if (header_pruner) {
            // Before the deletions below are written: the pruner may read
            // the height's tx list and receipts.
            auto block = GetBlock(h);
            IOST_TRY(block);
            if (!block->has_value()) return Corrupt("block " + std::to_string(h) + " is missing");
            auto header = header_pruner(*this, h, **block);
            if (!header) {
                return util::Err("storage: pruning block " + std::to_string(h) + ": " +
                                 header.error().message);
            }
            if (header->has_value()) {
                batch.Put(HeightKey(table::kBlock, h), std::move(**header));
                ++stats.headers_rewritten;
            }
        }
        auto txs = GetBlockTxHashes(h);
        IOST_TRY(txs);
        if (txs->has_value()) {
            for (const auto& t : **txs) {
                batch.Delete(HashKey(table::kTxLocation, t));
                batch.Delete(HashKey(table::kReceipt, t));
                ++stats.txs;
            }
        }
        auto micros = GetBlockMicroHashes(h);
        IOST_TRY(micros);
        if (micros->has_value()) {
            for (const auto& m : **micros) {
                batch.Delete(HashKey(table::kMicro, m));
                batch.Delete(HashKey(table::kMicroFinalHeight, m));
                ++stats.micro_blocks;
            }
        }
        Bytes slots_key = HeightKey(table::kBlockMicroSlots, h);
        auto slots = GetRaw(slots_key);
        IOST_TRY(slots);
        if (slots->has_value()) {
            const Bytes& v = **slots;
            size_t p = 0;
            while (p < v.size()) {
                const size_t n = v[p];
                if (n == 0 || p + 1 + n + 8 > v.size()) {
                    return Corrupt("micro-block slot list of block " + std::to_string(h));
                }
                ByteView producer(v.data() + p + 1, n);
                batch.Delete(MicroProducerSeqKey(producer, ReadU64(v.data() + p + 1 + n)));
                p += 1 + n + 8;
            }
        }
        batch.Delete(slots_key);
        batch.Delete(HeightKey(table::kBlockTxs, h));
        batch.Delete(HeightKey(table::kBlockMicros, h));
        batch.Delete(HeightKey(table::kBlockRefusedTxs, h));
        ++stats.blocks;
    }
    Bytes floor_bytes;
    AppendU64(floor_bytes, end);
    batch.Put(PrunedKey(), floor_bytes);
    // Not synced: losing a prune on power loss only means pruning it again.
    util::Status s = m_kv.Write(batch, Sync::kNo);
    std::lock_guard lock(m_mu);
    if (!s.ok()) {
        m_failed = true;
        return util::Err("storage: pruning failed; the node must stop and restart from disk: " +
                         s.error().message);
    }
    m_pruned_floor = end;
    return stats;
}

util::Status BlockStore::BeginStateInstall(uint64_t height) {
    std::lock_guard commit_lock(m_commit_mu);
    {
        std::lock_guard lock(m_mu);
        if (m_failed) return util::Err("storage: an earlier commit failed; the node must restart");
        if (m_head) {
            return util::Err("storage: state sync needs an empty data dir (the head is at " +
                             std::to_string(m_head->height) + ")");
        }
    }
    bool any_state = false;
    IOST_TRY(m_kv.Scan(Bytes{table::kState}, [&](ByteView, ByteView) {
        any_state = true;
        return false;
    }));
    if (any_state) return util::Err("storage: state sync needs an empty state table");
    WriteBatch batch;
    Bytes h;
    AppendU64(h, height);
    batch.Put(StateSyncKey(), h);
    return m_kv.Write(batch, Sync::kYes);
}

util::Status BlockStore::WriteInstallState(const std::vector<StateWrite>& writes) {
    std::lock_guard commit_lock(m_commit_mu);
    auto pending = PendingStateInstall();
    IOST_TRY(pending);
    if (!pending->has_value()) return util::Err("storage: no state sync install in progress");
    WriteBatch batch;
    for (const auto& w : writes) {
        if (w.key.empty() || w.key.size() > kMaxStateKeyBytes) {
            return util::Err("storage: state key must be 1.." + std::to_string(kMaxStateKeyBytes) +
                             " bytes, got " + std::to_string(w.key.size()));
        }
        if (!w.value) return util::Err("storage: a state sync install only adds entries");
        batch.Put(PrefixedKey(table::kState, w.key), *w.value);
    }
    // Unsynced: FinishStateInstall's synced batch makes everything before
    // it durable (one WAL), and a crash before it discards the install.
    util::Status s = m_kv.Write(batch, Sync::kNo);
    if (m_state_observer) m_state_observer(writes, s.ok());
    return s;
}

util::Status BlockStore::FinishStateInstall(const SnapshotInstall& in) {
    std::lock_guard commit_lock(m_commit_mu);
    auto pending = PendingStateInstall();
    IOST_TRY(pending);
    if (!pending->has_value()) return util::Err("storage: no state sync install in progress");
    if (in.blocks.empty()) return util::Err("storage: a state sync install needs its head block");
    const FinalizedBlockRecord& last = in.blocks.back();
    if (last.height != **pending || last.encoded_block.empty() || last.checkpoint.empty()) {
        return util::Err("storage: the install's last block must be the full block " +
                         std::to_string(**pending) + " with its checkpoint");
    }
    if (in.genesis.height != 0 || in.genesis.encoded_block.empty())
        return util::Err("storage: the install needs the genesis header");
    WriteBatch batch;
    Bytes zero;
    AppendU64(zero, 0);
    batch.Put(HeightKey(table::kBlock, 0), in.genesis.encoded_block);
    batch.Put(HashKey(table::kBlockHeightByHash, in.genesis.hash), zero);
    batch.Put(HeightKey(table::kBlockHash, 0),
              Bytes(in.genesis.hash.begin(), in.genesis.hash.end()));
    batch.Put(HeightKey(table::kCertificate, 0), Bytes{});
    batch.Put(HeightKey(table::kStateRoot, 0),
              Bytes(in.genesis.state_root.begin(), in.genesis.state_root.end()));
    uint64_t floor = 0;
    for (size_t i = 0; i < in.blocks.size(); ++i) {
        const FinalizedBlockRecord& b = in.blocks[i];
        if (b.height != last.height - (in.blocks.size() - 1 - i) || b.height == 0) {
            return util::Err("storage: the install's blocks must be consecutive heights");
        }
        Bytes tx_list;
        for (const auto& t : b.txs)
            tx_list.insert(tx_list.end(), t.tx_hash.begin(), t.tx_hash.end());
        batch.Put(HeightKey(table::kBlockTxs, b.height), std::move(tx_list));
        Bytes refused;
        for (const auto& h : b.refused_txs) refused.insert(refused.end(), h.begin(), h.end());
        batch.Put(HeightKey(table::kBlockRefusedTxs, b.height), std::move(refused));
        if (b.encoded_block.empty()) {
            if (floor != 0) return util::Err("storage: a full block may not precede a tx list");
            continue;
        }
        if (floor == 0) floor = b.height;
        Bytes height_bytes;
        AppendU64(height_bytes, b.height);
        batch.Put(HeightKey(table::kBlock, b.height), b.encoded_block);
        batch.Put(HashKey(table::kBlockHeightByHash, b.hash), height_bytes);
        batch.Put(HeightKey(table::kBlockHash, b.height), Bytes(b.hash.begin(), b.hash.end()));
        batch.Put(HeightKey(table::kCertificate, b.height), b.encoded_certificate);
        batch.Put(HeightKey(table::kStateRoot, b.height),
                  Bytes(b.state_root.begin(), b.state_root.end()));
        Bytes micro_list;
        Bytes slots;
        for (const auto& m : b.micro_blocks) {
            if (m.producer.empty() || m.producer.size() > kMaxProducerBytes)
                return util::Err("storage: bad micro-block producer id in a state sync install");
            batch.Put(HashKey(table::kMicro, m.hash), m.encoded);
            batch.Put(MicroProducerSeqKey(m.producer, m.seq), Bytes(m.hash.begin(), m.hash.end()));
            batch.Put(HashKey(table::kMicroFinalHeight, m.hash), height_bytes);
            micro_list.insert(micro_list.end(), m.hash.begin(), m.hash.end());
            slots.push_back(static_cast<uint8_t>(m.producer.size()));
            slots.insert(slots.end(), m.producer.begin(), m.producer.end());
            AppendU64(slots, m.seq);
        }
        batch.Put(HeightKey(table::kBlockMicros, b.height), std::move(micro_list));
        batch.Put(HeightKey(table::kBlockMicroSlots, b.height), std::move(slots));
    }
    Bytes ck;
    AppendU64(ck, last.height);
    ck.insert(ck.end(), last.checkpoint.begin(), last.checkpoint.end());
    batch.Put(CheckpointKey(), std::move(ck));
    Bytes floor_bytes;
    AppendU64(floor_bytes, floor);
    batch.Put(PrunedKey(), floor_bytes);
    const Head next{last.height, last.hash, last.state_root};
    batch.Put(HeadKey(), EncodeHead(next));
    batch.Delete(StateSyncKey());
    util::Status s = m_kv.Write(batch, Sync::kYes);
    std::lock_guard lock(m_mu);
    if (!s.ok()) {
        m_failed = true;
        return util::Err("storage: finishing the state sync install failed; restart: " +
                         s.error().message);
    }
    m_head = next;
    m_pruned_floor = floor;
    return util::Ok();
}

util::Result<std::optional<uint64_t>> BlockStore::PendingStateInstall() const {
    return DecodeHeight(GetRaw(StateSyncKey()), StateSyncKey(), "state sync marker");
}

util::Status BlockStore::AbortStateInstall() {
    std::lock_guard commit_lock(m_commit_mu);
    {
        std::lock_guard lock(m_mu);
        if (m_head)
            return util::Err("storage: a state sync install cannot be aborted after it finished");
    }
    // In bounded batches: the partial state may be large.
    for (;;) {
        WriteBatch batch;
        IOST_TRY(m_kv.Scan(Bytes{table::kState}, [&](ByteView k, ByteView) {
            batch.Delete(k);
            return batch.size() < 10'000;
        }));
        if (batch.empty()) break;
        IOST_TRY(m_kv.Write(batch, Sync::kNo));
    }
    if (m_state_observer) m_state_observer({}, false);
    WriteBatch done;
    done.Delete(StateSyncKey());
    return m_kv.Write(done, Sync::kYes);
}

util::Result<std::optional<TxLocation>> BlockStore::GetTxLocation(const Hash32& tx_hash) const {
    Bytes key = HashKey(table::kTxLocation, tx_hash);
    auto raw = GetRaw(key);
    IOST_TRY(raw);
    if (!raw->has_value()) return std::optional<TxLocation>{};
    IOST_TRY(ExpectSize(**raw, 12, "tx location", key));
    return std::optional<TxLocation>{
        TxLocation{ReadU64((*raw)->data()), ReadU32((*raw)->data() + 8)}};
}

util::Result<std::optional<Bytes>> BlockStore::GetReceipt(const Hash32& tx_hash) const {
    return GetRaw(HashKey(table::kReceipt, tx_hash));
}

}  // namespace iost::storage
