// Differential test: random batches and scans applied to MemKvStore,
// RocksKvStore and a plain std::map model must agree exactly, including
// ordering, prefix bounds at 0x00/0xff edges, deletes of missing keys and
// repeated keys within one batch. Seeded; the seed is printed on failure.
#include <gtest/gtest.h>
#include <storage/fault_injection.h>
#include <storage/rocks_kv_store.h>

#include <map>
#include <random>

#include "chain_gen.h"

namespace iost::storage {
namespace {

using util::Bytes;
using util::ByteView;

// Keys from a tiny alphabet so prefixes, equal keys and edge bytes collide often.
Bytes RandomKey(std::mt19937_64& rng, size_t max_len) {
    static constexpr uint8_t kAlphabet[] = {0x00, 0x01, 0x7f, 0x80, 0xfe, 0xff};
    Bytes k(rng() % (max_len + 1));
    for (auto& b : k) b = kAlphabet[rng() % sizeof kAlphabet];
    return k;
}

std::vector<std::pair<Bytes, Bytes>> Collect(const KvStore& kv, const Bytes& prefix,
                                             const Bytes& start) {
    std::vector<std::pair<Bytes, Bytes>> out;
    auto s = kv.ScanFrom(prefix, start, [&](ByteView k, ByteView v) {
        out.emplace_back(Bytes(k.begin(), k.end()), Bytes(v.begin(), v.end()));
        return true;
    });
    EXPECT_TRUE(s.ok());
    return out;
}

std::vector<std::pair<Bytes, Bytes>> ModelScan(const std::map<Bytes, Bytes>& m, const Bytes& prefix,
                                               const Bytes& start) {
    std::vector<std::pair<Bytes, Bytes>> out;
    for (const auto& [k, v] : m) {
        if (k.size() < prefix.size() || !std::equal(prefix.begin(), prefix.end(), k.begin()))
            continue;
        if (k < start) continue;
        out.emplace_back(k, v);
    }
    return out;
}

TEST(KvDifferential, MemRocksAndFaultWrapperAgreeWithAMapModel) {
    const uint64_t seed = 424242;
    SCOPED_TRACE("seed " + std::to_string(seed));
    std::mt19937_64 rng(seed);
    testing::TempDir tmp;
    auto rocks = RocksKvStore::Open(tmp.Sub("db"));
    ASSERT_TRUE(rocks.ok()) << rocks.error().message;
    MemKvStore mem, fault_base;
    FaultInjectingKvStore fault(fault_base);
    std::vector<KvStore*> stores{&mem, rocks->get(), &fault};
    std::map<Bytes, Bytes> model;

    for (int step = 0; step < 1500; ++step) {
        SCOPED_TRACE("step " + std::to_string(step));
        if (rng() % 4 != 0) {
            WriteBatch b;
            const size_t ops = 1 + rng() % 6;
            for (size_t i = 0; i < ops; ++i) {
                Bytes k = RandomKey(rng, 4);
                if (rng() % 3 == 0) {
                    b.Delete(k);
                    model.erase(k);
                } else {
                    Bytes v = RandomKey(rng, 6);
                    b.Put(k, v);
                    model[k] = v;
                }
            }
            const Sync sync = rng() % 8 == 0 ? Sync::kYes : Sync::kNo;
            for (KvStore* s : stores) ASSERT_TRUE(s->Write(b, sync).ok());
        } else {
            const Bytes prefix = RandomKey(rng, 2), start = rng() % 2 ? RandomKey(rng, 3) : Bytes{};
            const auto expected = ModelScan(model, prefix, start);
            for (KvStore* s : stores) ASSERT_EQ(Collect(*s, prefix, start), expected);
            const Bytes probe = RandomKey(rng, 4);
            auto it = model.find(probe);
            for (KvStore* s : stores) {
                auto got = s->Get(probe);
                ASSERT_TRUE(got.ok());
                ASSERT_EQ(got->has_value(), it != model.end());
                if (it != model.end()) {
                    ASSERT_EQ(**got, it->second);
                }
            }
        }
    }
    EXPECT_GT(model.size(), 50u) << "the key space should fill up";
}

}  // namespace
}  // namespace iost::storage
