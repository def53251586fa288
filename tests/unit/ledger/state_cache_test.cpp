// CachedState (ledger/state_cache.h): the byte budget holds, LRU keeps what
// is used, decoded records are decoded once, and the cache never disagrees
// with committed state — after failed transactions, aborted blocks and
// commits — plus the negative controls showing the tests would notice a
// cache that is not written through or that installs a value read before a
// commit. And a transfer, permission check included, parses no JSON.
#include <gtest/gtest.h>
#include <ledger/auth.h>
#include <ledger/exec.h>
#include <ledger/state_cache.h>

#include <functional>
#include <string>

#include "ledger_fixture.h"

namespace iost::ledger {
namespace {

using testing::Chain;
using testing::kIost;
using testing::kT0;
using testing::Transfer;

// Counts reads of the base (so a hit is visible) and can run a hook in the
// middle of a read (to race a commit against a miss).
class CountingState final : public StateReader {
  public:
    explicit CountingState(const MemState& s) : m_s(s) {}
    std::optional<std::string> Get(std::string_view key) const override {
        ++reads;
        auto v = m_s.Get(key);
        if (during_read) {
            auto hook = std::move(during_read);
            during_read = nullptr;
            hook();
        }
        return v;
    }
    mutable int reads = 0;
    mutable std::function<void()> during_read;

  private:
    const MemState& m_s;
};

std::string Key(int i) { return "k/" + std::to_string(i); }

TEST(StateCache, ByteBudgetHoldsAndLruKeepsWhatIsUsed) {
    MemState mem;
    for (int i = 0; i < 1000; ++i) mem.Put(Key(i), std::string(100, 'v'));
    CountingState base(mem);
    // ~270 bytes per entry: a 16 KiB budget holds ~60 entries.
    CachedState cache(base, 16 * 1024);
    for (int i = 0; i < 1000; ++i) {
        ASSERT_EQ(cache.Get(Key(i)), mem.Get(Key(i)));
        (void)cache.Get(Key(0));  // keep key 0 hot
        EXPECT_LE(cache.stats().bytes, cache.max_bytes());
    }
    const auto s = cache.stats();
    EXPECT_GT(s.evictions, 900u);
    EXPECT_LT(s.entries, 70u);
    EXPECT_GT(s.entries, 40u);
    const int reads = base.reads;
    (void)cache.Get(Key(0));    // hot: still cached
    (void)cache.Get(Key(999));  // just read: cached
    EXPECT_EQ(base.reads, reads);
    (void)cache.Get(Key(1));  // long evicted
    EXPECT_EQ(base.reads, reads + 1);
}

TEST(StateCache, AbsentKeysAreCachedAndZeroBudgetIsOff) {
    MemState mem;
    CountingState base(mem);
    CachedState cache(base, 1 << 20);
    EXPECT_FALSE(cache.Get("nope"));
    EXPECT_FALSE(cache.Get("nope"));
    EXPECT_EQ(base.reads, 1);
    CachedState off(base, 0);
    EXPECT_FALSE(off.Get("nope"));
    EXPECT_FALSE(off.Get("nope"));
    EXPECT_EQ(base.reads, 3);
    EXPECT_EQ(off.stats().entries, 0u);
}

TEST(StateCache, AccountDecodedOnceThenShared) {
    Chain chain;
    CachedState cache(chain.state(), 1 << 20);
    auto a = LoadAccountShared(cache, "alice");
    ASSERT_TRUE(a);
    auto b = LoadAccountShared(cache, "alice");
    EXPECT_EQ(a.get(), b.get());  // the same decoded object
    EXPECT_EQ(cache.stats().decodes, 1u);
    EXPECT_EQ(*LoadAccount(cache, "alice"), *LoadAccount(chain.state(), "alice"));
    EXPECT_FALSE(LoadAccountShared(cache, "nobody"));
    // Without a cache, every load decodes again (a new object).
    EXPECT_NE(LoadAccountShared(chain.state(), "alice").get(),
              LoadAccountShared(chain.state(), "alice").get());
}

// Every key of committed state reads the same through the cache.
void ExpectCoherent(const CachedState& cache, const MemState& committed) {
    for (const auto& [k, v] : committed.entries()) {
        auto got = cache.Get(k);
        ASSERT_TRUE(got.has_value()) << k;
        ASSERT_EQ(*got, v) << k;
    }
}

TEST(StateCache, FailedTxAndAbortedBlockNeverReachTheCache) {
    Chain chain;
    CachedState cache(chain.state(), 8 << 20);
    const Ledger& ledger = chain.ledger();
    const int64_t t = kT0 + 10'000'000'000;
    // Warm the cache with every committed entry.
    ExpectCoherent(cache, chain.state());
    const int64_t alice = BalanceOf(cache, "iost", "alice");

    // An aborted block: executed over the cache, never committed.
    {
        BlockExecutor ex(ledger, cache, {t, 1, "node1"});
        auto ok = ex.ApplyTx(Transfer("alice", "bobby", "5", t - 1));
        ASSERT_TRUE(ok.receipt.ok()) << ok.receipt.status.message;
        EXPECT_EQ(BalanceOf(ex.view(), "iost", "alice"), alice - 5 * kIost);
        (void)ex.Finish();  // result dropped: the block did not commit
    }
    EXPECT_EQ(BalanceOf(cache, "iost", "alice"), alice);
    ExpectCoherent(cache, chain.state());

    // A block with a failed transaction (too much) and a good one, committed.
    BlockExecutor ex(ledger, cache, {t, 1, "node1"});
    auto failed = ex.ApplyTx(Transfer("alice", "bobby", "999999999", t - 2));
    ASSERT_TRUE(failed.executed);
    ASSERT_FALSE(failed.receipt.ok());
    auto good = ex.ApplyTx(Transfer("bobby", "carol", "7", t - 3));
    ASSERT_TRUE(good.receipt.ok()) << good.receipt.status.message;
    BlockResult r = ex.Finish();
    chain.mutable_state().Apply(r.writes);  // the "disk" commit
    cache.ApplyCommitted(r.writes);         // write-through
    ExpectCoherent(cache, chain.state());
    for (const auto& [k, v] : r.writes) EXPECT_EQ(cache.Get(k), v) << k;
    // alice paid gas for the failed tx but kept her IOST.
    EXPECT_EQ(BalanceOf(cache, "iost", "alice"), alice);
}

// Negative control: a commit the cache is not told about leaves it stale,
// which ExpectCoherent-style checks above would catch.
TEST(StateCache, WithoutWriteThroughTheCacheGoesStale) {
    Chain chain;
    CachedState cache(chain.state(), 8 << 20);
    const int64_t t = kT0 + 10'000'000'000;
    const int64_t before = BalanceOf(cache, "iost", "carol");
    BlockExecutor ex(chain.ledger(), cache, {t, 1, "node1"});
    ASSERT_TRUE(ex.ApplyTx(Transfer("bobby", "carol", "7", t - 3)).receipt.ok());
    BlockResult r = ex.Finish();
    chain.mutable_state().Apply(r.writes);
    EXPECT_EQ(BalanceOf(chain.state(), "iost", "carol"), before + 7 * kIost);
    EXPECT_EQ(BalanceOf(cache, "iost", "carol"), before);  // stale without ApplyCommitted
    cache.ApplyCommitted(r.writes);
    EXPECT_EQ(BalanceOf(cache, "iost", "carol"), before + 7 * kIost);
}

// The view form (the node's observer, over its storage record) updates and
// deletes cached entries like the WriteSet form and caches nothing new.
TEST(StateCache, WriteThroughFromViewsUpdatesDeletesAndAddsNothing) {
    MemState mem;
    mem.Put("acc/x", "old");
    mem.Put("acc/y", "gone soon");
    CountingState base(mem);
    CachedState cache(base, 1 << 20);
    EXPECT_EQ(cache.Get("acc/x"), "old");
    EXPECT_EQ(cache.Get("acc/y"), "gone soon");
    ASSERT_EQ(cache.stats().entries, 2u);
    const std::string x_value = "new", z_value = "never read";
    WriteSet ws;
    ws.emplace("acc/x", x_value);
    ws.emplace("acc/y", std::nullopt);
    ws.emplace("acc/z", z_value);
    mem.Apply(ws);
    std::vector<CachedState::WriteView> views{{"acc/x", std::string_view(x_value)},
                                              {"acc/y", std::nullopt},
                                              {"acc/z", std::string_view(z_value)}};
    cache.ApplyCommitted(views);
    EXPECT_EQ(cache.stats().entries, 2u);  // acc/z was not cached before
    const auto misses = cache.stats().misses;
    EXPECT_EQ(cache.Get("acc/x"), "new");
    EXPECT_EQ(cache.Get("acc/y"), std::nullopt);
    EXPECT_EQ(cache.stats().misses, misses);  // both answered from the cache
}

// A miss that read the base before a commit must not install its (old)
// value after the commit's write-through.
TEST(StateCache, MissRacingACommitIsNotInstalled) {
    MemState mem;
    mem.Put("acc/x", "old");
    CountingState base(mem);
    CachedState cache(base, 1 << 20);
    WriteSet ws;
    ws.emplace("acc/x", std::string("new"));
    base.during_read = [&] {
        // The commit lands while the reader holds the old value.
        mem.Apply(ws);
        cache.ApplyCommitted(ws);
    };
    EXPECT_EQ(cache.Get("acc/x"), "old");  // what this read saw
    EXPECT_EQ(cache.stats().dropped_fills, 1u);
    EXPECT_EQ(cache.Get("acc/x"), "new");  // not the stale fill
    // The same race on the decoded path.
    mem.Put(schema::AccountKey("yyyyy"), Account::New("yyyyy", "", "k1", "k1").Encode());
    WriteSet ws2;
    ws2.emplace(schema::AccountKey("yyyyy"), Account::New("yyyyy", "", "k2", "k2").Encode());
    base.during_read = [&] {
        mem.Apply(ws2);
        cache.ApplyCommitted(ws2);
    };
    auto first = LoadAccountShared(cache, "yyyyy");
    ASSERT_TRUE(first);
    EXPECT_EQ(first->permissions.at("owner").items[0].id, "k1");
    EXPECT_EQ(cache.stats().dropped_fills, 2u);
    auto second = LoadAccountShared(cache, "yyyyy");
    ASSERT_TRUE(second);
    EXPECT_EQ(second->permissions.at("owner").items[0].id, "k2");
}

TEST(StateCache, CommittedAccountChangeReplacesTheDecodedRecord) {
    Chain chain;
    CachedState cache(chain.state(), 8 << 20);
    auto before = LoadAccountShared(cache, "alice");
    ASSERT_TRUE(before);
    Account changed = *before;
    changed.permissions.emplace("trade", Permission{"trade", {}, {}, 1});
    WriteSet ws;
    ws.emplace(schema::AccountKey("alice"), changed.Encode());
    chain.mutable_state().Apply(ws);
    cache.ApplyCommitted(ws);
    auto after = LoadAccountShared(cache, "alice");
    EXPECT_EQ(*after, changed);
    EXPECT_EQ(before->permissions.count("trade"), 0u);  // shared objects never change
    cache.Clear();
    EXPECT_EQ(cache.stats().entries, 0u);
    EXPECT_EQ(*LoadAccountShared(cache, "alice"), changed);
}

// docs/state.md: no JSON parsing on the execution path of a transfer, with
// the permission check, cold or warm cache. The control shows the counter
// counts: an argument with an escape goes to nlohmann.
TEST(StateCache, TransferParsesNoJson) {
    Chain chain;
    CachedState cache(chain.state(), 8 << 20);
    const int64_t t = kT0 + 10'000'000'000;
    const uint64_t before = JsonParsesOnThisThread();
    BlockExecutor ex(chain.ledger(), cache, {t, 1, "node1"});
    for (int i = 0; i < 20; ++i) {
        auto o = ex.ApplyTx(Transfer(i % 2 ? "alice" : "bobby", i % 2 ? "bobby" : "alice", "1.5",
                                     t - 1 - i, "memo " + std::to_string(i)),
                            AuthCheck::kFull);
        ASSERT_TRUE(o.receipt.ok()) << o.receipt.status.message;
    }
    (void)ex.Finish();
    EXPECT_EQ(JsonParsesOnThisThread(), before);

    BlockExecutor ex2(chain.ledger(), cache, {t, 1, "node1"});
    auto o = ex2.ApplyTx(Transfer("alice", "bobby", "1.5", t - 100, "caf\\u00e9"));
    ASSERT_TRUE(o.receipt.ok()) << o.receipt.status.message;
    EXPECT_EQ(JsonParsesOnThisThread(), before + 1);
}

}  // namespace
}  // namespace iost::ledger
