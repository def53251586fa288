// Micro-benchmarks for the crypto module: SHA3-256 at a typical transaction
// size and at 64 KiB (the Full-bytes limit), single sign/verify for both
// algorithms, and VerifyBatch of 1024 Ed25519 items, threaded (DefaultVerifier)
// vs sequential (the Verifier base class), to back the choice documented in
// crypto/keys.h. Batch benchmarks use wall-clock time because the work runs on
// several threads.
#include <benchmark/benchmark.h>
#include <crypto/hash.h>
#include <crypto/keys.h>

#include <memory>
#include <string>
#include <vector>

namespace {

using namespace iost;

void BM_Sha3_256(benchmark::State& state) {
    const util::Bytes data(static_cast<size_t>(state.range(0)), 0xab);
    for (auto _ : state) benchmark::DoNotOptimize(crypto::Sha3_256(data));
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_Sha3_256)->Arg(300)->Arg(64 * 1024);

void BM_Sign(benchmark::State& state, crypto::Algorithm a) {
    const crypto::KeyPair kp = crypto::KeyPair::FromSeed(a, "bench");
    const crypto::Hash256 h = crypto::Sha3_256(util::AsBytes("transaction"));
    for (auto _ : state) benchmark::DoNotOptimize(kp.Sign(crypto::View(h)));
}
BENCHMARK_CAPTURE(BM_Sign, ed25519, crypto::Algorithm::kEd25519);
BENCHMARK_CAPTURE(BM_Sign, secp256k1, crypto::Algorithm::kSecp256k1);

void BM_Verify(benchmark::State& state, crypto::Algorithm a) {
    const crypto::KeyPair kp = crypto::KeyPair::FromSeed(a, "bench");
    const crypto::Hash256 h = crypto::Sha3_256(util::AsBytes("transaction"));
    const util::Bytes sig = kp.Sign(crypto::View(h));
    for (auto _ : state) {
        const bool ok = crypto::Verify(a, kp.public_key().bytes, crypto::View(h), sig);
        if (!ok) state.SkipWithError("signature did not verify");
        benchmark::DoNotOptimize(ok);
    }
}
BENCHMARK_CAPTURE(BM_Verify, ed25519, crypto::Algorithm::kEd25519);
BENCHMARK_CAPTURE(BM_Verify, secp256k1, crypto::Algorithm::kSecp256k1);

// Distinct keys and messages, as in a block of transactions.
struct Batch {
    std::vector<util::Bytes> pubs, msgs, sigs;
    std::vector<crypto::VerifyItem> items;
    explicit Batch(size_t n, crypto::Algorithm a) {
        for (size_t i = 0; i < n; ++i) {
            const crypto::KeyPair kp =
                crypto::KeyPair::FromSeed(a, "batch " + std::to_string(i % 64));
            const crypto::Hash256 h = crypto::Sha3_256(util::AsBytes("tx " + std::to_string(i)));
            pubs.push_back(kp.public_key().bytes);
            msgs.emplace_back(h.begin(), h.end());
            sigs.push_back(kp.Sign(msgs.back()));
        }
        for (size_t i = 0; i < n; ++i) items.push_back({a, pubs[i], msgs[i], sigs[i]});
    }
};

// The base class's VerifyBatch: a plain loop on the calling thread.
class SequentialVerifier final : public crypto::Verifier {
  public:
    bool Verify(const crypto::VerifyItem& item) const override {
        return crypto::Verify(item.algorithm, item.pub, item.msg, item.sig);
    }
};

void RunBatch(benchmark::State& state, const crypto::Verifier& v, crypto::Algorithm a) {
    const size_t n = static_cast<size_t>(state.range(0));
    const Batch batch(n, a);
    std::unique_ptr<bool[]> out(new bool[n]);
    for (auto _ : state) {
        v.VerifyBatch(batch.items, std::span<bool>(out.get(), n));
        benchmark::DoNotOptimize(out.get());
    }
    for (size_t i = 0; i < n; ++i) {
        if (!out[i]) state.SkipWithError("a batch item did not verify");
    }
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * n));
}

void BM_VerifyBatchEd25519_Threaded(benchmark::State& state) {
    RunBatch(state, crypto::RealVerifier(), crypto::Algorithm::kEd25519);
}
void BM_VerifyBatchEd25519_Sequential(benchmark::State& state) {
    RunBatch(state, SequentialVerifier(), crypto::Algorithm::kEd25519);
}
void BM_VerifyBatchSecp256k1_Threaded(benchmark::State& state) {
    RunBatch(state, crypto::RealVerifier(), crypto::Algorithm::kSecp256k1);
}
void BM_VerifyBatchSecp256k1_Sequential(benchmark::State& state) {
    RunBatch(state, SequentialVerifier(), crypto::Algorithm::kSecp256k1);
}
BENCHMARK(BM_VerifyBatchEd25519_Threaded)
    ->Arg(64)
    ->Arg(128)
    ->Arg(1024)
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_VerifyBatchEd25519_Sequential)
    ->Arg(64)
    ->Arg(128)
    ->Arg(1024)
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_VerifyBatchSecp256k1_Threaded)
    ->Arg(1024)
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_VerifyBatchSecp256k1_Sequential)
    ->Arg(1024)
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);

}  // namespace
