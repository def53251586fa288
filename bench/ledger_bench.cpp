// Ledger execution throughput (issue point 7): simple IOST transfers executed
// per second, execution only — signatures are assumed checked (consensus
// does that, docs/pob.md §5.3). Each iteration applies one block of transfers
// over the same committed MemState: ApplyTx for every transfer (dedup,
// gas, amount_limit, token.iost/transfer, receipts) and Finish (replay index
// and state root over the write set). Variants: permission check on
// (AuthCheck::kFull, what a believable validator does) and off (kSkip, what
// a normal validator does for unsampled transactions).
#include <benchmark/benchmark.h>
#include <core/genesis.h>
#include <core/tx.h>
#include <crypto/keys.h>
#include <ledger/exec.h>
#include <ledger/ledger.h>
#include <ledger/state_cache.h>
#include <ledger/trie.h>
#include <storage/block_store.h>
#include <storage/rocks_kv_store.h>
#include <storage/state_store.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace {

using namespace iost;  // NOLINT

constexpr int64_t kT0 = 1'767'225'600'000'000'000;
constexpr int kAccounts = 256;

std::string Name(int i) {
    std::string s = std::to_string(i);
    return "user" + std::string(4 - s.size(), '0') + s;
}

struct Fixture {
    ledger::Ledger ledger{ledger::LedgerOptions{core::kLocalChainId}};
    ledger::MemState state;
    std::vector<crypto::KeyPair> keys;

    Fixture() {
        core::Genesis g;
        g.chain_id = core::kLocalChainId;
        g.timestamp_ns = kT0;
        g.token.issuer = Name(0);
        for (int i = 0; i < kAccounts; ++i) {
            keys.push_back(crypto::KeyPair::FromSeed(crypto::Algorithm::kEd25519, Name(i)));
            core::GenesisAccount a;
            a.name = Name(i);
            a.owner = keys.back().public_key();
            a.active = keys.back().public_key();
            a.gas_pledge = core::Amount::FromUnits(1'000'000, 8).value();
            g.accounts.push_back(a);
            g.token.allocations.push_back({a.name, core::Amount::FromUnits(10'000'000, 8).value()});
        }
        g.validators.push_back(
            {Name(0), keys[0].public_key(), core::Amount::FromUnits(1, 8).value(), 0});
        auto gs = ledger::BuildGenesisState(g);
        IOST_ASSERT(gs.ok(), "bench genesis builds");
        state.Apply(gs->writes);
    }

    // n transfers, publisher i % kAccounts → (i + 1) % kAccounts, all distinct.
    std::vector<core::Tx> Transfers(int n, int64_t now) const {
        std::vector<core::Tx> txs;
        txs.reserve(static_cast<size_t>(n));
        for (int i = 0; i < n; ++i) {
            const int from = i % kAccounts, to = (i + 1) % kAccounts;
            core::Tx tx;
            tx.time = now - 1'000'000 - i;
            tx.expiration = tx.time + 60'000'000'000;
            tx.gas_ratio = 100;
            tx.gas_limit = 2'000'000;
            tx.chain_id = core::kLocalChainId;
            tx.actions = {{"token.iost", "transfer",
                           "[\"iost\",\"" + Name(from) + "\",\"" + Name(to) + "\",\"1.5\",\"\"]"}};
            tx.amount_limit = {{"iost", "1.5"}};
            tx.SignAsPublisher(Name(from), keys[static_cast<size_t>(from)]);
            txs.push_back(std::move(tx));
        }
        return txs;
    }
};

const Fixture& F() {
    static const Fixture f;
    return f;
}

// `cached`: the block runs over a CachedState in front of the MemState, as
// the node runs over one in front of RocksDB (docs/state.md "Fast state
// layer"); the cache is warm after the first iteration. json_parses_per_tx
// counts the ledger's JSON parses (expected 0: docs/state.md).
void BM_LedgerTransfers(benchmark::State& st, ledger::AuthCheck auth, bool cached) {
    const Fixture& f = F();
    const int n = static_cast<int>(st.range(0));
    const int64_t now = kT0 + 10'000'000'000;
    const auto txs = f.Transfers(n, now);
    std::vector<crypto::Hash256> hashes;
    for (const auto& tx : txs) hashes.push_back(tx.Hash());
    ledger::CachedState cache(f.state, cached ? size_t{64} << 20 : 0);
    const ledger::StateReader& base = cache;
    size_t failed = 0;
    const uint64_t parses_before = ledger::JsonParsesOnThisThread();
    for (auto _ : st) {
        ledger::BlockExecutor ex(f.ledger, base, {now, 1, Name(0)});
        for (size_t i = 0; i < txs.size(); ++i) {
            const auto o = ex.ApplyTx(txs[i], hashes[i], auth);
            failed += o.receipt.ok() ? 0 : 1;
        }
        auto r = ex.Finish();
        benchmark::DoNotOptimize(r.state_root);
    }
    if (failed) st.SkipWithError("a transfer failed");
    const auto txs_run = static_cast<double>(st.iterations()) * n;
    st.counters["json_parses_per_tx"] =
        static_cast<double>(ledger::JsonParsesOnThisThread() - parses_before) / txs_run;
    st.SetItemsProcessed(static_cast<int64_t>(st.iterations()) * n);
}

void BM_LedgerTransfersNoAuth(benchmark::State& st) {
    BM_LedgerTransfers(st, ledger::AuthCheck::kSkip, false);
}
void BM_LedgerTransfersWithAuth(benchmark::State& st) {
    BM_LedgerTransfers(st, ledger::AuthCheck::kFull, false);
}
void BM_LedgerTransfersWithAuthCached(benchmark::State& st) {
    BM_LedgerTransfers(st, ledger::AuthCheck::kFull, true);
}

BENCHMARK(BM_LedgerTransfersNoAuth)->Arg(100)->Arg(1000)->Arg(5000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_LedgerTransfersWithAuth)->Arg(1000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_LedgerTransfersWithAuthCached)->Arg(1000)->Unit(benchmark::kMillisecond);

// The same block with the permission check over the state as the node reads
// it: RocksDB in a temp dir (genesis committed through BlockStore), read
// through storage::StateStore, with the state cache off (range(1) = 0) or
// on (64 MiB, warm after the first iteration).
class RocksState final : public ledger::StateReader {
  public:
    explicit RocksState(const storage::StateStore& s) : m_s(s) {}
    std::optional<std::string> Get(std::string_view key) const override {
        auto r = m_s.Get(util::AsBytes(key));
        IOST_ASSERT(r.ok(), "bench state read");
        if (!*r) return std::nullopt;
        return std::string(util::AsString(**r));
    }

  private:
    const storage::StateStore& m_s;
};

void BM_LedgerTransfersRocks(benchmark::State& st) {
    const Fixture& f = F();
    const int n = static_cast<int>(st.range(0));
    const bool cached = st.range(1) != 0;
    std::string dir = (std::filesystem::temp_directory_path() / "iost-bench-XXXXXX").string();
    if (::mkdtemp(dir.data()) == nullptr) std::abort();
    {
        auto kv = storage::RocksKvStore::Open(dir + "/db");
        IOST_ASSERT(kv.ok(), "bench store opens");
        auto bs = storage::BlockStore::Open(**kv, {storage::Sync::kNo, true});
        IOST_ASSERT(bs.ok(), "bench block store opens");
        storage::FinalizedBlockRecord g;
        g.hash.fill(1);
        g.encoded_block = util::Bytes{1};
        for (const auto& [k, v] : f.state.entries()) {
            g.state_writes.push_back(
                {util::Bytes(k.begin(), k.end()), util::Bytes(v.begin(), v.end())});
        }
        IOST_ASSERT((*bs)->InitGenesis(g).ok(), "bench genesis commits");
        storage::StateStore store(**kv);
        RocksState disk(store);
        ledger::CachedState cache(disk, cached ? size_t{64} << 20 : 0);
        const int64_t now = kT0 + 10'000'000'000;
        const auto txs = f.Transfers(n, now);
        std::vector<crypto::Hash256> hashes;
        for (const auto& tx : txs) hashes.push_back(tx.Hash());
        size_t failed = 0;
        for (auto _ : st) {
            ledger::BlockExecutor ex(f.ledger, cache, {now, 1, Name(0)});
            for (size_t i = 0; i < txs.size(); ++i) {
                failed +=
                    ex.ApplyTx(txs[i], hashes[i], ledger::AuthCheck::kFull).receipt.ok() ? 0 : 1;
            }
            auto r = ex.Finish();
            benchmark::DoNotOptimize(r.state_root);
        }
        if (failed) st.SkipWithError("a transfer failed");
        st.SetItemsProcessed(static_cast<int64_t>(st.iterations()) * n);
        bs->reset();
        (void)(*kv)->Close();
    }
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
}
BENCHMARK(BM_LedgerTransfersRocks)
    ->Args({1000, 0})
    ->Args({1000, 1})
    ->ArgNames({"txs", "cache"})
    ->Unit(benchmark::kMillisecond);

// The state tree alone (docs/state.md "Cost"): a state of range(0) entries
// (8-byte values under 24-byte keys, like balances) with its tree built, then
// per iteration one block's worth of range(1) changed values: UpdateTree reads
// the touched nodes, rehashes them and returns the new root. Reported per
// changed entry ("writes/s").
void BM_StateTreeUpdate(benchmark::State& st) {
    const auto n = static_cast<uint64_t>(st.range(0));
    const auto w = static_cast<uint64_t>(st.range(1));
    ledger::MemState state;
    ledger::WriteSet all;
    for (uint64_t i = 0; i < n; ++i) {
        all.emplace("tb/iost/acct" + std::to_string(i), ledger::schema::EncodeI64(1000));
    }
    ledger::CommitStateTree(state, all);
    state.Apply(all);
    all.clear();
    uint64_t round = 0;
    for (auto _ : st) {
        st.PauseTiming();
        ledger::WriteSet ws;
        for (uint64_t j = 0; j < w; ++j) {
            const uint64_t k = (round * 7919 + j * 104729) % n;
            ws.emplace("tb/iost/acct" + std::to_string(k),
                       ledger::schema::EncodeI64(static_cast<int64_t>(round + 1)));
        }
        ++round;
        ledger::WriteSet nodes;
        st.ResumeTiming();
        benchmark::DoNotOptimize(ledger::UpdateTree(state, ws, nodes));
        st.PauseTiming();
        st.counters["nodes_per_write"] =
            static_cast<double>(nodes.size()) / static_cast<double>(ws.size());
        st.ResumeTiming();
    }
    st.SetItemsProcessed(static_cast<int64_t>(st.iterations() * w));
}
BENCHMARK(BM_StateTreeUpdate)
    ->Args({10'000, 2'000})
    ->Args({100'000, 2'000})
    ->Args({1'000'000, 2'000})
    ->Args({1'000'000, 1})
    ->Unit(benchmark::kMicrosecond);

}  // namespace
