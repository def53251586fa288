// RocksKvStore specifics: open errors an operator can act on, close, reopen.
#include <gtest/gtest.h>
#include <storage/rocks_kv_store.h>

#include <fstream>

#include "chain_gen.h"

namespace iost::storage {
namespace {

using testing::B;
using testing::TempDir;

bool Contains(const std::string& s, const std::string& needle) {
    return s.find(needle) != std::string::npos;
}

TEST(RocksKvStore, SecondOpenOfSameDirSaysLocked) {
    TempDir dir;
    auto first = RocksKvStore::Open(dir.Sub("db"));
    ASSERT_TRUE(first.ok()) << first.error().message;
    auto second = RocksKvStore::Open(dir.Sub("db"));
    ASSERT_FALSE(second.ok());
    EXPECT_TRUE(Contains(second.error().message, "locked by another process"))
        << second.error().message;
    EXPECT_TRUE(Contains(second.error().message, dir.Sub("db"))) << second.error().message;
    // Once the first closes, the dir opens again.
    ASSERT_TRUE((*first)->Close().ok());
    EXPECT_TRUE(RocksKvStore::Open(dir.Sub("db")).ok());
}

TEST(RocksKvStore, MissingDirWithoutCreateIsAClearError) {
    TempDir dir;
    RocksOptions o;
    o.create_if_missing = false;
    auto r = RocksKvStore::Open(dir.Sub("absent"), o);
    ASSERT_FALSE(r.ok());
    EXPECT_TRUE(Contains(r.error().message, "no database in")) << r.error().message;
}

TEST(RocksKvStore, PathThatIsAFileIsRefused) {
    TempDir dir;
    std::ofstream(dir.Sub("file")) << "not a database";
    auto r = RocksKvStore::Open(dir.Sub("file"));
    ASSERT_FALSE(r.ok());
    EXPECT_TRUE(Contains(r.error().message, dir.Sub("file"))) << r.error().message;
    EXPECT_FALSE(RocksKvStore::Open("").ok());
}

TEST(RocksKvStore, CorruptManifestIsReportedNotIgnored) {
    TempDir dir;
    {
        auto s = RocksKvStore::Open(dir.Sub("db"));
        ASSERT_TRUE(s.ok());
        WriteBatch b;
        b.Put(B("k"), B("v"));
        ASSERT_TRUE((*s)->Write(b, Sync::kYes).ok());
    }
    // Point CURRENT at a manifest that does not exist.
    std::ofstream(dir.Sub("db/CURRENT"), std::ios::trunc) << "MANIFEST-999999\n";
    auto r = RocksKvStore::Open(dir.Sub("db"));
    ASSERT_FALSE(r.ok());
    EXPECT_TRUE(Contains(r.error().message, dir.Sub("db"))) << r.error().message;
}

TEST(RocksKvStore, CloseThenUseFailsClearly) {
    TempDir dir;
    auto s = RocksKvStore::Open(dir.Sub("db"));
    ASSERT_TRUE(s.ok());
    ASSERT_TRUE((*s)->Close().ok());
    EXPECT_FALSE((*s)->Close().ok());
    WriteBatch b;
    b.Put(B("k"), B("v"));
    auto w = (*s)->Write(b, Sync::kYes);
    ASSERT_FALSE(w.ok());
    EXPECT_TRUE(Contains(w.error().message, "closed")) << w.error().message;
    EXPECT_FALSE((*s)->Get(B("k")).ok());
    EXPECT_FALSE((*s)->Flush().ok());
}

TEST(RocksKvStore, ManyBatchesSurviveReopenWithoutExplicitClose) {
    TempDir dir;
    {
        auto s = RocksKvStore::Open(dir.Sub("db"));
        ASSERT_TRUE(s.ok());
        for (int i = 0; i < 500; ++i) {
            WriteBatch b;
            b.Put(B("k" + std::to_string(i)), B(std::string(1000, 'a' + i % 26)));
            ASSERT_TRUE((*s)->Write(b, i % 10 == 0 ? Sync::kYes : Sync::kNo).ok());
        }
        // Destructor closes.
    }
    auto s = RocksKvStore::Open(dir.Sub("db"));
    ASSERT_TRUE(s.ok());
    size_t n = 0;
    ASSERT_TRUE((*s)->Scan(B("k"),
                           [&](util::ByteView, util::ByteView v) {
                               EXPECT_EQ(v.size(), 1000u);
                               ++n;
                               return true;
                           })
                    .ok());
    EXPECT_EQ(n, 500u);
}

}  // namespace
}  // namespace iost::storage
