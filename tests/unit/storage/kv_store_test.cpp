// The KvStore contract, run against every implementation.
#include <gtest/gtest.h>
#include <storage/fault_injection.h>

#include <thread>

#include "store_env.h"

namespace iost::storage {
namespace {

using testing::B;
using util::Bytes;
using util::ByteView;

// FaultInjectingKvStore with no fault armed must behave like its base.
class FaultOverMemEnv {
  public:
    KvStore& kv() { return m_fault; }
    void Reopen() {}

  private:
    MemKvStore m_base;
    FaultInjectingKvStore m_fault{m_base};
};

template <typename Env>
class KvStoreTest : public ::testing::Test {
  protected:
    Env env;
    KvStore& kv() { return env.kv(); }

    void Put(const Bytes& k, const Bytes& v, Sync sync = Sync::kNo) {
        WriteBatch b;
        b.Put(k, v);
        auto s = kv().Write(b, sync);
        ASSERT_TRUE(s.ok()) << s.error().message;
    }
    std::optional<Bytes> Get(const Bytes& k) {
        auto r = kv().Get(k);
        EXPECT_TRUE(r.ok()) << r.error().message;
        return r.ok() ? *r : std::nullopt;
    }
    std::vector<std::pair<Bytes, Bytes>> ScanAll(const Bytes& prefix, const Bytes& start = {},
                                                 size_t limit = SIZE_MAX) {
        std::vector<std::pair<Bytes, Bytes>> out;
        auto s = kv().ScanFrom(prefix, start, [&](ByteView k, ByteView v) {
            out.emplace_back(Bytes(k.begin(), k.end()), Bytes(v.begin(), v.end()));
            return out.size() < limit;
        });
        EXPECT_TRUE(s.ok()) << s.error().message;
        return out;
    }
};

using Envs = ::testing::Types<testing::MemEnv, testing::RocksEnv, FaultOverMemEnv>;
TYPED_TEST_SUITE(KvStoreTest, Envs);

TYPED_TEST(KvStoreTest, GetOfMissingKeyIsEmptyNotError) {
    auto r = this->kv().Get(B("nope"));
    ASSERT_TRUE(r.ok());
    EXPECT_FALSE(r->has_value());
}

TYPED_TEST(KvStoreTest, PutOverwriteDelete) {
    this->Put(B("k"), B("v1"));
    EXPECT_EQ(this->Get(B("k")), B("v1"));
    this->Put(B("k"), B("v2"), Sync::kYes);
    EXPECT_EQ(this->Get(B("k")), B("v2"));
    WriteBatch del;
    del.Delete(B("k"));
    ASSERT_TRUE(this->kv().Write(del, Sync::kNo).ok());
    EXPECT_FALSE(this->Get(B("k")).has_value());
    // Deleting a missing key is not an error.
    ASSERT_TRUE(this->kv().Write(del, Sync::kNo).ok());
}

TYPED_TEST(KvStoreTest, BatchAppliesInOrderLaterOpWins) {
    WriteBatch b;
    b.Put(B("a"), B("1"));
    b.Put(B("b"), B("2"));
    b.Delete(B("a"));
    b.Put(B("c"), B("3"));
    b.Put(B("c"), B("4"));
    EXPECT_EQ(b.size(), 5u);
    ASSERT_TRUE(this->kv().Write(b, Sync::kYes).ok());
    EXPECT_FALSE(this->Get(B("a")).has_value());
    EXPECT_EQ(this->Get(B("b")), B("2"));
    EXPECT_EQ(this->Get(B("c")), B("4"));
}

TYPED_TEST(KvStoreTest, EmptyBatchAndEmptyValueAreFine) {
    ASSERT_TRUE(this->kv().Write(WriteBatch{}, Sync::kYes).ok());
    this->Put(B("empty"), Bytes{});
    auto v = this->Get(B("empty"));
    ASSERT_TRUE(v.has_value());
    EXPECT_TRUE(v->empty());
}

TYPED_TEST(KvStoreTest, BinaryKeysAndValues) {
    const Bytes k1{0x00}, k2{0x00, 0x00}, k3{0xff, 0x00, 0xff}, v{0x00, 0xff, 0x00};
    this->Put(k1, v);
    this->Put(k2, k3);
    this->Put(k3, k1);
    EXPECT_EQ(this->Get(k1), v);
    EXPECT_EQ(this->Get(k2), k3);
    EXPECT_EQ(this->Get(k3), k1);
}

TYPED_TEST(KvStoreTest, LargeValue) {
    Bytes big(3u << 20);
    for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<uint8_t>(i * 31);
    this->Put(B("big"), big, Sync::kYes);
    EXPECT_EQ(this->Get(B("big")), big);
}

TYPED_TEST(KvStoreTest, PrefixScanIsOrderedAndBounded) {
    // Inserted out of order, with neighbours just outside the prefix.
    for (const char* k : {"b/3", "a/9", "b/1", "c/0", "b/2", "b", "b0", "b/10"})
        this->Put(B(k), B(k));
    auto got = this->ScanAll(B("b/"));
    std::vector<std::string> keys;
    for (auto& [k, v] : got) {
        EXPECT_EQ(k, v);
        keys.emplace_back(k.begin(), k.end());
    }
    EXPECT_EQ(keys, (std::vector<std::string>{"b/1", "b/10", "b/2", "b/3"}));
}

TYPED_TEST(KvStoreTest, ScanFromStartAndEarlyStop) {
    for (int i = 0; i < 10; ++i) this->Put(B("p" + std::to_string(i)), B("x"));
    auto from5 = this->ScanAll(B("p"), B("p5"));
    ASSERT_EQ(from5.size(), 5u);
    EXPECT_EQ(from5.front().first, B("p5"));
    // A start below the prefix starts at the prefix; above every key gives nothing.
    EXPECT_EQ(this->ScanAll(B("p"), B("a")).size(), 10u);
    EXPECT_TRUE(this->ScanAll(B("p"), B("q")).empty());
    // The visitor can stop the scan.
    EXPECT_EQ(this->ScanAll(B("p"), {}, 3).size(), 3u);
}

TYPED_TEST(KvStoreTest, ScanWithAllFfPrefixAndEmptyPrefix) {
    const Bytes ff{0xff, 0xff};
    this->Put(Bytes{0xff, 0xfe}, B("no"));
    this->Put(Bytes{0xff, 0xff}, B("yes1"));
    this->Put(Bytes{0xff, 0xff, 0x00}, B("yes2"));
    this->Put(Bytes{0xff, 0xff, 0xff, 0xff}, B("yes3"));
    auto got = this->ScanAll(ff);
    ASSERT_EQ(got.size(), 3u);
    EXPECT_EQ(got[0].second, B("yes1"));
    EXPECT_EQ(got[2].second, B("yes3"));
    this->Put(Bytes{0x00}, B("first"));
    auto all = this->ScanAll({});
    ASSERT_EQ(all.size(), 5u);
    EXPECT_EQ(all.front().second, B("first"));
}

TYPED_TEST(KvStoreTest, ReopenKeepsWrites) {
    this->Put(B("synced"), B("1"), Sync::kYes);
    this->Put(B("unsynced"), B("2"), Sync::kNo);
    ASSERT_TRUE(this->kv().Flush().ok());
    this->env.Reopen();
    EXPECT_EQ(this->Get(B("synced")), B("1"));
    EXPECT_EQ(this->Get(B("unsynced")), B("2"));
}

TYPED_TEST(KvStoreTest, ConcurrentWritersAndReaders) {
    constexpr int kThreads = 4, kPerThread = 200;
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < kPerThread; ++i) {
                WriteBatch b;
                b.Put(B("t" + std::to_string(t) + "/" + std::to_string(1000 + i)),
                      B(std::to_string(i)));
                b.Put(B("count/" + std::to_string(t)), B(std::to_string(i)));
                EXPECT_TRUE(this->kv().Write(b, Sync::kNo).ok());
                auto r = this->kv().Get(B("count/" + std::to_string(t)));
                EXPECT_TRUE(r.ok() && r->has_value());
            }
        });
    }
    for (auto& th : threads) th.join();
    for (int t = 0; t < kThreads; ++t) {
        EXPECT_EQ(this->ScanAll(B("t" + std::to_string(t) + "/")).size(), size_t{kPerThread});
    }
}

TEST(PrefixUpperBound, Cases) {
    EXPECT_EQ(PrefixUpperBound(B("ab")), B("ac"));
    EXPECT_EQ(PrefixUpperBound(Bytes{0x01, 0xff}), (Bytes{0x02}));
    EXPECT_EQ(PrefixUpperBound(Bytes{0xff, 0xff}), std::nullopt);
    EXPECT_EQ(PrefixUpperBound(Bytes{}), std::nullopt);
}

TEST(WriteBatch, ByteSizeAndAppend) {
    WriteBatch a, b;
    a.Put(B("ab"), B("cde"));
    b.Delete(B("xyz"));
    a.Append(b);
    EXPECT_EQ(a.size(), 2u);
    EXPECT_EQ(a.ByteSize(), 8u);
    EXPECT_FALSE(a.ops()[1].value.has_value());
    a.Clear();
    EXPECT_TRUE(a.empty());
    EXPECT_EQ(a.ByteSize(), 0u);
}

}  // namespace
}  // namespace iost::storage
