// Test helpers for the storage tests: a temp dir that removes itself, a
// deterministic chain generator (the record of every height is a pure
// function of (seed, height), so a checker can recompute what must be on disk
// without trusting the store) and a checker that a store is at a block
// boundary with everything up to its head present and nothing above it.
// Shared by tests/unit/storage and tests/integration (crash test).
#pragma once

#include <gtest/gtest.h>
#include <storage/block_store.h>
#include <storage/state_store.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace iost::storage::testing {

class TempDir {
  public:
    TempDir() {
        std::string tmpl =
            (std::filesystem::temp_directory_path() / "iost-storage-XXXXXX").string();
        char* made = ::mkdtemp(tmpl.data());
        if (made == nullptr) std::abort();
        m_path = made;
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(m_path, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::string& path() const { return m_path; }
    std::string Sub(const std::string& name) const { return m_path + "/" + name; }

  private:
    std::string m_path;
};

inline uint64_t SplitMix(uint64_t x) {
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

inline uint64_t Mix(uint64_t a, uint64_t b, uint64_t c = 0, uint64_t d = 0) {
    return SplitMix(SplitMix(SplitMix(SplitMix(a) ^ b) ^ c) ^ d);
}

inline Hash32 MakeHash(uint64_t a, uint64_t b, uint64_t c = 0, uint64_t d = 0) {
    Hash32 h;
    uint64_t x = Mix(a, b, c, d);
    for (size_t i = 0; i < 32; i += 8) {
        x = SplitMix(x);
        for (size_t j = 0; j < 8; ++j) h[i + j] = static_cast<uint8_t>(x >> (8 * j));
    }
    return h;
}

inline util::Bytes B(const std::string& s) { return util::Bytes(s.begin(), s.end()); }

struct ChainGenOptions {
    uint64_t seed = 1;
    size_t max_txs = 40;        // 1..max_txs txs per block
    size_t accounts = 64;       // state keys "acct/<k>"
    size_t max_padding = 4096;  // extra bytes in the block, so batches vary in size
};

// Deterministic chain: Record(h) depends only on (options, h).
class ChainGen {
  public:
    explicit ChainGen(ChainGenOptions options = {}) : m_o(options) {}

    enum Tag : uint64_t { kBlockHash = 1, kTx, kMicro, kRoot, kCount, kWrite, kPad, kRefused };

    Hash32 BlockHash(uint64_t h) const { return MakeHash(m_o.seed, kBlockHash, h); }
    size_t TxCount(uint64_t h) const {
        return h == 0 ? 0 : 1 + Mix(m_o.seed, kCount, h) % m_o.max_txs;
    }
    Hash32 TxHash(uint64_t h, size_t i) const { return MakeHash(m_o.seed, kTx, h, i); }
    Hash32 MicroHash(uint64_t h, size_t i) const { return MakeHash(m_o.seed, kMicro, h, i); }
    Hash32 StateRoot(uint64_t h) const { return MakeHash(m_o.seed, kRoot, h); }
    size_t MicroCount(uint64_t h) const { return h == 0 ? 0 : 1 + h % 3; }
    util::Bytes Receipt(uint64_t h, size_t i) const {
        return B("receipt h=" + std::to_string(h) + " i=" + std::to_string(i) + " SUCCESS");
    }
    util::Bytes Block(uint64_t h) const {
        util::Bytes b = B("block " + std::to_string(h) + " seed " + std::to_string(m_o.seed));
        b.resize(b.size() + Mix(m_o.seed, kPad, h) % (m_o.max_padding + 1),
                 static_cast<uint8_t>(h));
        return b;
    }
    util::Bytes Certificate(uint64_t h) const {
        return h == 0 ? util::Bytes{} : B("cert " + std::to_string(h));
    }
    util::Bytes Producer(size_t i) const { return B("producer" + std::to_string(i)); }
    // Every fourth block has a refused transaction; every block a checkpoint.
    std::vector<Hash32> Refused(uint64_t h) const {
        if (h == 0 || h % 4 != 0) return {};
        return {MakeHash(m_o.seed, kRefused, h)};
    }
    util::Bytes Checkpoint(uint64_t h) const {
        return h == 0 ? util::Bytes{} : B("checkpoint after " + std::to_string(h));
    }

    // The write set of block h: genesis funds every account; later blocks
    // update a few accounts, delete some, and bump "height".
    std::vector<StateWrite> Writes(uint64_t h) const {
        std::vector<StateWrite> w;
        if (h == 0) {
            for (size_t k = 0; k < m_o.accounts; ++k) w.push_back({AccountKey(k), B("1000000")});
            w.push_back({B("height"), B("0")});
            return w;
        }
        std::map<size_t, bool> touched;  // account -> delete?
        const size_t n = 1 + Mix(m_o.seed, kWrite, h) % 8;
        for (size_t j = 0; j < n; ++j) {
            uint64_t r = Mix(m_o.seed, kWrite, h, j + 1);
            touched[r % m_o.accounts] = (r >> 32) % 11 == 0;
        }
        for (const auto& [k, del] : touched) {
            if (del) {
                w.push_back({AccountKey(k), std::nullopt});
            } else {
                w.push_back(
                    {AccountKey(k), B("bal " + std::to_string(Mix(m_o.seed, h, k) % 1000000) +
                                      " @" + std::to_string(h))});
            }
        }
        w.push_back({B("height"), B(std::to_string(h))});
        return w;
    }

    static util::Bytes AccountKey(size_t k) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "acct/%04zu", k);
        return B(buf);
    }

    FinalizedBlockRecord Record(uint64_t h) const {
        FinalizedBlockRecord r;
        r.height = h;
        r.hash = BlockHash(h);
        r.prev_hash = h == 0 ? Hash32{} : BlockHash(h - 1);
        r.encoded_block = Block(h);
        r.encoded_certificate = Certificate(h);
        for (size_t i = 0; i < MicroCount(h); ++i) {
            r.micro_blocks.push_back({Producer(i), h, MicroHash(h, i),
                                      B("micro " + std::to_string(h) + "/" + std::to_string(i))});
        }
        for (size_t i = 0; i < TxCount(h); ++i) r.txs.push_back({TxHash(h, i), Receipt(h, i)});
        r.state_writes = Writes(h);
        r.state_root = StateRoot(h);
        r.refused_txs = Refused(h);
        r.checkpoint = Checkpoint(h);
        return r;
    }

    // The state after blocks 0..h, recomputed from the write sets alone.
    std::map<util::Bytes, util::Bytes> StateAfter(uint64_t h) const {
        std::map<util::Bytes, util::Bytes> s;
        for (uint64_t i = 0; i <= h; ++i) {
            for (const auto& w : Writes(i)) {
                if (w.value) {
                    s[w.key] = *w.value;
                } else {
                    s.erase(w.key);
                }
            }
        }
        return s;
    }

    const ChainGenOptions& options() const { return m_o; }

  private:
    ChainGenOptions m_o;
};

inline std::map<util::Bytes, util::Bytes> ReadState(const StateStore& state) {
    std::map<util::Bytes, util::Bytes> out;
    auto s = state.Scan({}, [&](util::ByteView k, util::ByteView v) {
        out.emplace(util::Bytes(k.begin(), k.end()), util::Bytes(v.begin(), v.end()));
        return true;
    });
    EXPECT_TRUE(s.ok()) << s.error().message;
    return out;
}

// Checks that block h is stored completely and exactly as generated.
inline void ExpectBlockPresent(const BlockStore& store, const ChainGen& gen, uint64_t h) {
    SCOPED_TRACE("block " + std::to_string(h) + " must be present");
    const FinalizedBlockRecord r = gen.Record(h);
    auto block = store.GetBlock(h);
    ASSERT_TRUE(block.ok()) << block.error().message;
    ASSERT_TRUE(block->has_value());
    EXPECT_EQ(**block, r.encoded_block);
    auto by_hash = store.GetHeightByHash(r.hash);
    ASSERT_TRUE(by_hash.ok() && by_hash->has_value());
    EXPECT_EQ(**by_hash, h);
    auto hash = store.GetBlockHash(h);
    ASSERT_TRUE(hash.ok() && hash->has_value());
    EXPECT_EQ(**hash, r.hash);
    auto cert = store.GetCertificate(h);
    ASSERT_TRUE(cert.ok() && cert->has_value());
    EXPECT_EQ(**cert, r.encoded_certificate);
    auto root = store.GetStateRoot(h);
    ASSERT_TRUE(root.ok() && root->has_value());
    EXPECT_EQ(**root, r.state_root);
    auto txs = store.GetBlockTxHashes(h);
    ASSERT_TRUE(txs.ok() && txs->has_value());
    ASSERT_EQ((*txs)->size(), r.txs.size());
    for (size_t i = 0; i < r.txs.size(); ++i) {
        EXPECT_EQ((**txs)[i], r.txs[i].tx_hash);
        auto loc = store.GetTxLocation(r.txs[i].tx_hash);
        ASSERT_TRUE(loc.ok() && loc->has_value()) << "tx " << i;
        EXPECT_EQ(**loc, (TxLocation{h, static_cast<uint32_t>(i)}));
        auto receipt = store.GetReceipt(r.txs[i].tx_hash);
        ASSERT_TRUE(receipt.ok() && receipt->has_value()) << "receipt " << i;
        EXPECT_EQ(**receipt, r.txs[i].encoded_receipt);
    }
    auto refused = store.GetBlockRefusedTxHashes(h);
    ASSERT_TRUE(refused.ok() && refused->has_value());
    EXPECT_EQ(**refused, r.refused_txs);
    auto micros = store.GetBlockMicroHashes(h);
    ASSERT_TRUE(micros.ok() && micros->has_value());
    ASSERT_EQ((*micros)->size(), r.micro_blocks.size());
    for (size_t i = 0; i < r.micro_blocks.size(); ++i) {
        const auto& m = r.micro_blocks[i];
        EXPECT_EQ((**micros)[i], m.hash);
        auto enc = store.GetMicroBlock(m.hash);
        ASSERT_TRUE(enc.ok() && enc->has_value());
        EXPECT_EQ(**enc, m.encoded);
        auto by_slot = store.GetMicroBlockHash(m.producer, m.seq);
        ASSERT_TRUE(by_slot.ok() && by_slot->has_value());
        EXPECT_EQ(**by_slot, m.hash);
        auto fh = store.GetMicroBlockFinalHeight(m.hash);
        ASSERT_TRUE(fh.ok() && fh->has_value());
        EXPECT_EQ(**fh, h);
    }
}

// The record a test HeaderPruner (storage does not decode blocks) writes for
// a generated block with `tx_count` transactions in its tx list: a marker,
// the count, then the original record. The node's own pruner (a pruned
// header, node/stored_block.h) is tested in unit_node.
inline util::Bytes TestPrunedRecord(util::ByteView encoded_block, uint64_t tx_count) {
    util::Bytes out = B("pruned:" + std::to_string(tx_count) + ":");
    out.insert(out.end(), encoded_block.begin(), encoded_block.end());
    return out;
}

// A BlockStore::HeaderPruner for the generated chain: it reads the height's
// tx list (which must still be there, as PruneBodies promises) and rewrites
// every record with TestPrunedRecord.
inline util::Result<std::optional<util::Bytes>> TestHeaderPruner(const BlockStore& store,
                                                                 uint64_t height,
                                                                 util::ByteView encoded_block) {
    auto txs = store.GetBlockTxHashes(height);
    if (!txs.ok()) return util::ErrOf(txs.error());
    const uint64_t n = *txs ? (*txs)->size() : 0;
    return std::optional<util::Bytes>{TestPrunedRecord(encoded_block, n)};
}

// Checks that block h was pruned: header, hash, certificate and state root
// are there, its body (micro-blocks, tx lists, receipts, tx index) is not.
// `rewritten`: pruned with TestHeaderPruner, so the record is its rewrite.
inline void ExpectBlockPruned(const BlockStore& store, const ChainGen& gen, uint64_t h,
                              bool rewritten = false) {
    SCOPED_TRACE("block " + std::to_string(h) + " must be pruned");
    const FinalizedBlockRecord r = gen.Record(h);
    auto block = store.GetBlock(h);
    ASSERT_TRUE(block.ok() && block->has_value());
    EXPECT_EQ(**block,
              rewritten ? TestPrunedRecord(r.encoded_block, r.txs.size()) : r.encoded_block);
    auto cert = store.GetCertificate(h);
    ASSERT_TRUE(cert.ok() && cert->has_value());
    EXPECT_EQ(**cert, r.encoded_certificate);
    auto root = store.GetStateRoot(h);
    ASSERT_TRUE(root.ok() && root->has_value());
    EXPECT_EQ(**root, r.state_root);
    auto none = [](const auto& res) { return res.ok() && !res->has_value(); };
    EXPECT_TRUE(none(store.GetBlockTxHashes(h)));
    EXPECT_TRUE(none(store.GetBlockRefusedTxHashes(h)));
    EXPECT_TRUE(none(store.GetBlockMicroHashes(h)));
    for (const auto& tx : r.txs) {
        EXPECT_TRUE(none(store.GetTxLocation(tx.tx_hash)));
        EXPECT_TRUE(none(store.GetReceipt(tx.tx_hash)));
    }
    for (const auto& m : r.micro_blocks) {
        EXPECT_TRUE(none(store.GetMicroBlock(m.hash)));
        EXPECT_TRUE(none(store.GetMicroBlockFinalHeight(m.hash)));
        EXPECT_TRUE(none(store.GetMicroBlockHash(m.producer, m.seq)));
    }
}

// Checks that nothing of block h is visible: no block, index, receipt,
// micro-block finality or state root.
inline void ExpectBlockAbsent(const BlockStore& store, const ChainGen& gen, uint64_t h) {
    SCOPED_TRACE("block " + std::to_string(h) + " must be absent");
    const FinalizedBlockRecord r = gen.Record(h);
    auto none = [](const auto& res) { return res.ok() && !res->has_value(); };
    EXPECT_TRUE(none(store.GetBlock(h)));
    EXPECT_TRUE(none(store.GetHeightByHash(r.hash)));
    EXPECT_TRUE(none(store.GetBlockHash(h)));
    EXPECT_TRUE(none(store.GetCertificate(h)));
    EXPECT_TRUE(none(store.GetStateRoot(h)));
    EXPECT_TRUE(none(store.GetBlockTxHashes(h)));
    EXPECT_TRUE(none(store.GetBlockMicroHashes(h)));
    for (const auto& tx : r.txs) {
        EXPECT_TRUE(none(store.GetTxLocation(tx.tx_hash)));
        EXPECT_TRUE(none(store.GetReceipt(tx.tx_hash)));
    }
    for (const auto& m : r.micro_blocks) EXPECT_TRUE(none(store.GetMicroBlockFinalHeight(m.hash)));
}

// The store is at a block boundary: head h, blocks 0..h complete (only the
// last `check_last` are checked in full, to bound the cost), the next
// `check_above` heights absent, and the state equal to the recomputation.
inline void ExpectConsistentAt(const BlockStore& store, const StateStore& state,
                               const ChainGen& gen, uint64_t h, uint64_t check_last = UINT64_MAX,
                               uint64_t check_above = 3) {
    auto head = store.GetHead();
    ASSERT_TRUE(head.has_value());
    EXPECT_EQ(head->height, h);
    EXPECT_EQ(head->hash, gen.BlockHash(h));
    EXPECT_EQ(head->state_root, gen.StateRoot(h));
    const uint64_t first = check_last > h ? 0 : h - check_last + 1;
    for (uint64_t i = first; i <= h; ++i) ExpectBlockPresent(store, gen, i);
    for (uint64_t i = h + 1; i <= h + check_above; ++i) ExpectBlockAbsent(store, gen, i);
    EXPECT_EQ(ReadState(state), gen.StateAfter(h));
    if (h > 0) {
        // The checkpoint stored is the head's (same batch as the block).
        auto ck = store.GetCheckpoint();
        ASSERT_TRUE(ck.ok() && ck->has_value());
        EXPECT_EQ((*ck)->height, h);
        EXPECT_EQ((*ck)->bytes, gen.Checkpoint(h));
    }
}

}  // namespace iost::storage::testing
