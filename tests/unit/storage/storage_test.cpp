// The NodeStorage bundle: opens, reopens, and reports a locked data dir.
#include <gtest/gtest.h>
#include <storage/fault_injection.h>
#include <storage/storage.h>

#include "chain_gen.h"

namespace iost::storage {
namespace {

using testing::B;

TEST(NodeStorage, RocksBundleRoundTripAndLock) {
    testing::TempDir tmp;
    const testing::ChainGen gen;
    {
        auto st = OpenRocksStorage(tmp.Sub("data"));
        ASSERT_TRUE(st.ok()) << st.error().message;
        ASSERT_TRUE(st->blocks->InitGenesis(gen.Record(0)).ok());
        ASSERT_TRUE(st->blocks->CommitFinalized(gen.Record(1)).ok());
        ASSERT_TRUE(st->safety->Save(B("v1"), B("voted 1")).ok());
        auto second = OpenRocksStorage(tmp.Sub("data"));
        ASSERT_FALSE(second.ok());
        EXPECT_NE(second.error().message.find("locked by another process"), std::string::npos);
    }
    auto st = OpenRocksStorage(tmp.Sub("data"));
    ASSERT_TRUE(st.ok()) << st.error().message;
    testing::ExpectConsistentAt(*st->blocks, st->State(), gen, 1);
    EXPECT_EQ(*st->safety->Load(B("v1")), B("voted 1"));
}

TEST(NodeStorage, MemBundle) {
    auto st = OpenMemStorage();
    ASSERT_TRUE(st.ok());
    EXPECT_FALSE(st->blocks->GetHead().has_value());
}

TEST(NodeStorage, SafetySaveFailureLatches) {
    MemKvStore base;
    auto owned = std::make_unique<FaultInjectingKvStore>(base);
    FaultInjectingKvStore* fault = owned.get();
    auto st = OpenStorage(std::move(owned));
    ASSERT_TRUE(st.ok());
    fault->FailNthWrite(1, FaultInjectingKvStore::FaultKind::kBeforeApply);
    ASSERT_FALSE(st->safety->Save(B("v"), B("1")).ok());
    // Even once the disk works again, this process may not vote any more.
    ASSERT_TRUE(fault->DropUnsyncedWrites().ok());
    auto again = st->safety->Save(B("v"), B("2"));
    ASSERT_FALSE(again.ok());
    EXPECT_NE(again.error().message.find("must restart"), std::string::npos)
        << again.error().message;
}

}  // namespace
}  // namespace iost::storage
