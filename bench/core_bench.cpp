// Micro-benchmarks for core transactions: the Full hash (tx id) of a typical
// IOST transfer, VerifySelf of a typical Ed25519 transfer (form checks +
// Base/Publish hashes + one signature), the same without the signature
// (VerifySelf with a verifier that accepts everything, i.e. what the node
// pays on top of signature verification), JSON parsing of a typical /sendTx
// body as the SDK sends it, and Tx::FromBytes of its Full encoding.
#include <benchmark/benchmark.h>
#include <core/tx.h>
#include <core/tx_json.h>
#include <crypto/keys.h>
#include <util/bytes.h>

#include <string>

namespace {

using namespace iost;

constexpr int64_t kTime = 1'763'942'400'123'000'000;

core::Tx TypicalTransfer() {
    core::Tx tx;
    tx.time = kTime;
    tx.expiration = kTime + 90 * util::kNanosPerSecond;
    tx.gas_ratio = 100;
    tx.gas_limit = 100'000'000;
    tx.chain_id = core::kMainnetChainId;
    tx.actions.push_back(
        {"token.iost", "transfer", R"(["iost","alice","bobby","10.5","thanks for lunch"])"});
    tx.amount_limit.push_back({"iost", "10.5"});
    tx.publisher = "alice";
    tx.SignAsPublisher(crypto::KeyPair::FromSeed(crypto::Algorithm::kEd25519, "bench/alice"));
    return tx;
}

// The body as the SDK sends it (tests/vectors/README.md §5): camelCase gas
// and actionName, numbers for int64 fields, reserved null.
std::string SdkBody(const core::Tx& tx) {
    const auto& s = tx.publisher_sigs.at(0);
    return R"({"gasRatio":1,"gasLimit":1000000,"actions":[{"contract":"token.iost",)"
           R"("actionName":"transfer","data":"[\"iost\",\"alice\",\"bobby\",\"10.5\",)"
           R"(\"thanks for lunch\"]"}],"signers":[],"signatures":[],"publisher":"alice",)"
           R"("publisher_sigs":[{"algorithm":"ED25519","public_key":")" +
           util::Base64Encode(s.pubkey) + R"(","signature":")" + util::Base64Encode(s.sig) +
           R"("}],"amount_limit":[{"token":"iost","value":"10.5"}],"chain_id":1024,)"
           R"("reserved":null,"time":)" +
           std::to_string(tx.time) + R"(,"expiration":)" + std::to_string(tx.expiration) +
           R"(,"delay":0})";
}

void BM_TxFullHash(benchmark::State& state) {
    const core::Tx tx = TypicalTransfer();
    for (auto _ : state) benchmark::DoNotOptimize(tx.Hash());
    state.counters["full_bytes"] = static_cast<double>(tx.ToBytes(core::TxLevel::kFull).size());
}
BENCHMARK(BM_TxFullHash);

void BM_TxVerifySelfEd25519(benchmark::State& state) {
    const core::Tx tx = TypicalTransfer();
    const auto& verifier = crypto::RealVerifier();
    const int64_t now = kTime + util::kNanosPerSecond;
    for (auto _ : state) {
        auto st = tx.VerifySelf(now, core::kMainnetChainId, verifier);
        if (!st.ok()) state.SkipWithError(st.error().message.c_str());
        benchmark::DoNotOptimize(st);
    }
}
BENCHMARK(BM_TxVerifySelfEd25519);

class AcceptAll final : public crypto::Verifier {
  public:
    bool Verify(const crypto::VerifyItem&) const override { return true; }
};

void BM_TxVerifySelfNoSignature(benchmark::State& state) {
    const core::Tx tx = TypicalTransfer();
    const AcceptAll verifier;
    const int64_t now = kTime + util::kNanosPerSecond;
    for (auto _ : state)
        benchmark::DoNotOptimize(tx.VerifySelf(now, core::kMainnetChainId, verifier));
}
BENCHMARK(BM_TxVerifySelfNoSignature);

void BM_TxFromJson(benchmark::State& state) {
    const core::Tx ref = TypicalTransfer();
    const std::string body = SdkBody(ref);
    {
        auto tx = core::TxFromJson(body);
        if (!tx.ok() || tx->Hash() != ref.Hash()) {
            state.SkipWithError("the SDK-shaped body does not parse to the reference tx");
            return;
        }
    }
    for (auto _ : state) {
        auto tx = core::TxFromJson(body);
        if (!tx.ok()) state.SkipWithError(tx.error().message.c_str());
        benchmark::DoNotOptimize(tx);
    }
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * body.size()));
}
BENCHMARK(BM_TxFromJson);

void BM_TxFromBytes(benchmark::State& state) {
    const util::Bytes full = TypicalTransfer().ToBytes(core::TxLevel::kFull);
    for (auto _ : state) benchmark::DoNotOptimize(core::Tx::FromBytes(full));
}
BENCHMARK(BM_TxFromBytes);

}  // namespace
