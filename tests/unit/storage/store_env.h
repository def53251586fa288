// Store environments for typed tests: the same behavioural suite runs against
// the in-memory store and RocksDB in a temp dir. Reopen() simulates a clean
// process restart (for MemKvStore the map itself plays the disk).
#pragma once

#include <storage/kv_store.h>
#include <storage/rocks_kv_store.h>

#include <memory>

#include "chain_gen.h"

namespace iost::storage::testing {

class MemEnv {
  public:
    static constexpr const char* kName = "mem";
    KvStore& kv() { return m_store; }
    void Reopen() {}

  private:
    MemKvStore m_store;
};

class RocksEnv {
  public:
    static constexpr const char* kName = "rocks";
    RocksEnv() { Reopen(); }
    KvStore& kv() { return *m_store; }
    void Reopen() {
        if (m_store) {
            auto s = m_store->Close();
            EXPECT_TRUE(s.ok()) << s.error().message;
            m_store.reset();
        }
        auto opened = RocksKvStore::Open(m_dir.Sub("db"));
        if (!opened.ok()) {
            ADD_FAILURE() << opened.error().message;
            std::abort();
        }
        m_store = std::move(*opened);
    }

  private:
    TempDir m_dir;
    std::unique_ptr<RocksKvStore> m_store;
};

}  // namespace iost::storage::testing
