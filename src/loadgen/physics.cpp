#include <crypto/hash.h>
#include <crypto/keys.h>
#include <loadgen/physics.h>
#include <util/assert.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <string>
#include <vector>

namespace iost::loadgen {

VerifyRate MeasureVerifyRate(double seconds) {
    // A few distinct keys and messages, so no cache makes one check cheaper.
    struct Item {
        crypto::KeyPair kp;
        crypto::Hash256 msg;
        util::Bytes sig;
    };
    std::vector<Item> items;
    for (int i = 0; i < 16; ++i) {
        auto kp = crypto::KeyPair::FromSeed(crypto::Algorithm::kEd25519,
                                            "verify-rate-" + std::to_string(i));
        const auto msg = crypto::Sha3_256(util::AsBytes("message " + std::to_string(i)));
        auto sig = kp.Sign(crypto::View(msg));
        items.push_back({std::move(kp), msg, std::move(sig)});
    }
    auto thread_cpu = [] {
        timespec ts{};
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
        return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
    };
    VerifyRate r;
    const double cpu0 = thread_cpu();
    const auto start = std::chrono::steady_clock::now();
    const auto until = start + std::chrono::duration<double>(seconds);
    size_t ok = 0;
    while (std::chrono::steady_clock::now() < until) {
        for (const auto& it : items) {
            ok += crypto::Verify(crypto::Algorithm::kEd25519, it.kp.public_key().bytes,
                                 crypto::View(it.msg), it.sig)
                      ? 1
                      : 0;
            ++r.verifications;
        }
    }
    IOST_ASSERT(ok == r.verifications, "valid signatures must verify");
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    r.cpu_seconds = thread_cpu() - cpu0;
    r.per_wall_second = static_cast<double>(r.verifications) / r.seconds;
    r.per_second = static_cast<double>(r.verifications) / std::max(r.cpu_seconds, 1e-9);
    r.us_per_verify = 1e6 / r.per_second;
    return r;
}

double PobVerificationsPerTx(double p, size_t normal) {
    const size_t auditors = normal == 0 ? 0 : std::min(normal, (normal - 1) / 3 + 1);
    return 1.0 + static_cast<double>(auditors) + p * static_cast<double>(normal - auditors);
}

double FallbackVerificationsPerTx(size_t validators) { return static_cast<double>(validators); }

double ImpliedTpsLimit(double verifies_per_s_per_core, unsigned cores,
                       double verifications_per_tx) {
    if (verifications_per_tx <= 0) return 0;
    return verifies_per_s_per_core * static_cast<double>(cores) / verifications_per_tx;
}

}  // namespace iost::loadgen
