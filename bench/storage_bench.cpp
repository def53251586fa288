// Storage micro-benchmarks: the cost of committing one finalized block
// (block, certificate, micro-blocks, tx index, receipts, state write set and
// head, in one WriteBatch) to RocksDB in a temp dir, with and without fsync,
// for 100 / 1,000 / 5,000 transactions per block. Record construction is
// excluded from the timing. Sizes are typical of an IOST transfer: ~350 bytes
// of transaction inside the micro-blocks, a ~150-byte receipt, and three
// state writes per transaction (two balances and the sender's dedup entry).
#include <benchmark/benchmark.h>
#include <storage/block_store.h>
#include <storage/rocks_kv_store.h>

#include <cstdlib>
#include <filesystem>
#include <string>

namespace {

using iost::storage::BlockStore;
using iost::storage::BlockStoreOptions;
using iost::storage::FinalizedBlockRecord;
using iost::storage::Hash32;
using iost::storage::Sync;
using iost::util::Bytes;

constexpr size_t kTxBytes = 350;
constexpr size_t kReceiptBytes = 150;
constexpr size_t kProducers = 4;
constexpr uint64_t kAccounts = 1'000'000;

uint64_t Mix(uint64_t x) {
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

Hash32 HashOf(uint64_t a, uint64_t b) {
    Hash32 h;
    uint64_t x = Mix(a * 0x100000001b3ull ^ b);
    for (size_t i = 0; i < 32; i += 8) {
        x = Mix(x);
        for (size_t j = 0; j < 8; ++j) h[i + j] = static_cast<uint8_t>(x >> (8 * j));
    }
    return h;
}

Bytes Filler(size_t n, uint64_t seed) {
    Bytes b(n);
    uint64_t x = seed;
    for (size_t i = 0; i < n; i += 8) {
        x = Mix(x);
        for (size_t j = 0; j < 8 && i + j < n; ++j) b[i + j] = static_cast<uint8_t>(x >> (8 * j));
    }
    return b;
}

Bytes Key(const std::string& prefix, uint64_t n) {
    std::string s = prefix + std::to_string(n);
    return Bytes(s.begin(), s.end());
}

FinalizedBlockRecord MakeRecord(uint64_t height, size_t txs) {
    FinalizedBlockRecord r;
    r.height = height;
    r.hash = HashOf(1, height);
    r.prev_hash = height == 0 ? Hash32{} : HashOf(1, height - 1);
    r.encoded_block = Filler(600 + 32 * kProducers, height);
    r.encoded_certificate = height == 0 ? Bytes{} : Filler(8 + 64 * 7, height + 1);
    for (size_t p = 0; p < kProducers; ++p) {
        const size_t n = txs / kProducers + (p < txs % kProducers ? 1 : 0);
        std::string producer = "validator" + std::to_string(p);
        r.micro_blocks.push_back({Bytes(producer.begin(), producer.end()), height,
                                  HashOf(2, height * 16 + p),
                                  Filler(200 + n * kTxBytes, height * 16 + p)});
    }
    for (size_t i = 0; i < txs; ++i) {
        r.txs.push_back(
            {HashOf(3, height * 100000 + i), Filler(kReceiptBytes, height * 100000 + i)});
        // Distinct accounts within the block: consecutive slots of a ring.
        const uint64_t from = (height * 2 * txs + 2 * i) % kAccounts;
        const uint64_t to = (from + 1) % kAccounts;
        r.state_writes.push_back({Key("b/iost/", from), Filler(16, from + height)});
        r.state_writes.push_back({Key("b/iost/", to), Filler(16, to + height)});
        r.state_writes.push_back({Key("d/", height * 100000 + i), Filler(8, i)});
    }
    if (height == 0) r.state_writes.push_back({Key("genesis", 0), Filler(32, 0)});
    r.state_root = HashOf(4, height);
    return r;
}

class TempDir {
  public:
    TempDir() {
        std::string t = (std::filesystem::temp_directory_path() / "iost-bench-XXXXXX").string();
        if (::mkdtemp(t.data()) == nullptr) std::abort();
        m_path = t;
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(m_path, ec);
    }
    const std::string& path() const { return m_path; }

  private:
    std::string m_path;
};

// Args: txs per block, sync (0/1), duplicate-tx check (0/1).
void BM_StorageCommitBlock(benchmark::State& state) {
    const size_t txs = static_cast<size_t>(state.range(0));
    const Sync sync = state.range(1) ? Sync::kYes : Sync::kNo;
    const bool dup_check = state.range(2) != 0;
    TempDir dir;
    auto kv = iost::storage::RocksKvStore::Open(dir.path() + "/db");
    if (!kv.ok()) {
        state.SkipWithError(kv.error().message.c_str());
        return;
    }
    auto store = BlockStore::Open(**kv, BlockStoreOptions{sync, dup_check});
    if (!store.ok() || !(*store)->InitGenesis(MakeRecord(0, 0)).ok()) {
        state.SkipWithError("cannot initialise the store");
        return;
    }
    uint64_t height = 1;
    size_t bytes = 0;
    for (auto _ : state) {
        state.PauseTiming();
        FinalizedBlockRecord r = MakeRecord(height++, txs);
        for (const auto& m : r.micro_blocks) bytes += m.encoded.size();
        for (const auto& t : r.txs) bytes += t.encoded_receipt.size() + 32 * 3;
        for (const auto& w : r.state_writes)
            bytes += w.key.size() + (w.value ? w.value->size() : 0);
        state.ResumeTiming();
        auto s = (*store)->CommitFinalized(r);
        if (!s.ok()) {
            state.SkipWithError(s.error().message.c_str());
            break;
        }
    }
    state.counters["txs/s"] = benchmark::Counter(static_cast<double>(txs * state.iterations()),
                                                 benchmark::Counter::kIsRate);
    state.counters["MB/block"] =
        static_cast<double>(bytes) / 1e6 / static_cast<double>(state.iterations());
}
BENCHMARK(BM_StorageCommitBlock)
    ->ArgNames({"txs", "sync", "dupcheck"})
    ->ArgsProduct({{100, 1000, 5000}, {0, 1}, {1}})
    ->Args({5000, 1, 0})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// A point read of the tx index and a receipt after many blocks: what the
// HTTP API pays for getTxByHash / getTxReceiptByTxHash.
void BM_StorageTxLookup(benchmark::State& state) {
    TempDir dir;
    auto kv = iost::storage::RocksKvStore::Open(dir.path() + "/db");
    if (!kv.ok()) {
        state.SkipWithError(kv.error().message.c_str());
        return;
    }
    auto store = BlockStore::Open(**kv, BlockStoreOptions{Sync::kNo, false});
    if (!store.ok() || !(*store)->InitGenesis(MakeRecord(0, 0)).ok()) {
        state.SkipWithError("cannot initialise the store");
        return;
    }
    constexpr uint64_t kBlocks = 200, kTxs = 1000;
    for (uint64_t h = 1; h <= kBlocks; ++h) {
        if (!(*store)->CommitFinalized(MakeRecord(h, kTxs)).ok()) {
            state.SkipWithError("commit failed");
            return;
        }
    }
    uint64_t i = 0;
    for (auto _ : state) {
        const uint64_t h = 1 + Mix(i) % kBlocks, n = Mix(i + 7) % kTxs;
        ++i;
        auto loc = (*store)->GetTxLocation(HashOf(3, h * 100000 + n));
        auto receipt = (*store)->GetReceipt(HashOf(3, h * 100000 + n));
        if (!loc.ok() || !loc->has_value() || !receipt.ok() || !receipt->has_value()) {
            state.SkipWithError("lookup failed");
            break;
        }
        benchmark::DoNotOptimize(receipt);
    }
}
BENCHMARK(BM_StorageTxLookup)->Unit(benchmark::kMicrosecond);

}  // namespace
