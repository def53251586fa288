// Node micro-benchmarks: the verdict cache every signature check consults
// first (node::VerifiedCache, app_state.h), at its default capacity of
// 200,000 hashes: a lookup that hits, one that misses, and an insert into a
// full cache (each evicts the oldest). docs/benchmarks.md "CPU per
// transaction, part 2" compares it with the std::set it replaced.
#include <benchmark/benchmark.h>
#include <node/app_state.h>

#include <cstdint>
#include <vector>

namespace {

using iost::crypto::Hash256;
using iost::node::VerifiedCache;

constexpr size_t kCapacity = 200'000;

// SHA3-like (uniform) 32-byte hashes, deterministic.
Hash256 HashOf(uint64_t i) {
    Hash256 h;
    uint64_t x = i * 0x9e3779b97f4a7c15ull + 1;
    for (size_t k = 0; k < 32; k += 8) {
        x ^= x >> 31;
        x *= 0xbf58476d1ce4e5b9ull;
        x ^= x >> 29;
        for (size_t j = 0; j < 8; ++j) h[k + j] = static_cast<uint8_t>(x >> (8 * j));
    }
    return h;
}

std::vector<Hash256> Hashes(uint64_t from, size_t n) {
    std::vector<Hash256> v;
    v.reserve(n);
    for (size_t i = 0; i < n; ++i) v.push_back(HashOf(from + i));
    return v;
}

// Args: 1 = every lookup hits, 0 = every lookup misses.
void BM_VerifiedCacheContains(benchmark::State& state) {
    VerifiedCache cache(kCapacity);
    const auto in = Hashes(0, kCapacity);
    for (const auto& h : in) cache.Insert(h);
    const auto probe = state.range(0) ? in : Hashes(1'000'000, kCapacity);
    size_t i = 0, found = 0;
    for (auto _ : state) {
        found += cache.Contains(probe[i]) ? 1 : 0;
        if (++i == probe.size()) i = 0;
    }
    benchmark::DoNotOptimize(found);
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_VerifiedCacheContains)->ArgName("hit")->Arg(1)->Arg(0);

void BM_VerifiedCacheInsertFull(benchmark::State& state) {
    VerifiedCache cache(kCapacity);
    for (const auto& h : Hashes(0, kCapacity)) cache.Insert(h);
    const auto fresh = Hashes(10'000'000, 1 << 20);
    size_t i = 0;
    for (auto _ : state) {
        cache.Insert(fresh[i]);
        // Wrapping around is fine: fresh[0] was evicted long before.
        if (++i == fresh.size()) i = 0;
    }
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_VerifiedCacheInsertFull);

}  // namespace
