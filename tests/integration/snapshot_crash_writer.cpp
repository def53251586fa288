// Child process of the snapshot crash test (snapshot_crash_test.cpp): builds
// a store with a real state tree (genesis of 10,000 entries, then small
// blocks up to <start> − 1), then for h = <start>, <start> + 1, ... commits
// block h, writes the snapshot files of h exactly as a node's snapshot
// writer does (node::WriteSnapshot from a KvStore view into <dir>, then
// SnapshotStore::Reload, which deletes unfinished and surplus snapshots,
// keep 2) and acknowledges through a pipe: 'W' h when it starts writing h,
// 'D' h once h is complete and the store reloaded. The parent kill -9s it in
// the middle of a write (or of the deletion of an old snapshot).
//
// Usage: snapshot_crash_writer <dir> <start height >= 1> <ack fd>
// Ack record: 1 byte kind + u64 LE. Exit codes: 2 usage, 4 a write failed,
// 5 pipe closed.
#include <ledger/state.h>
#include <ledger/trie.h>
#include <node/snapshot.h>
#include <storage/block_store.h>
#include <storage/kv_store.h>
#include <unistd.h>
#include <util/log.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "crash_child.h"
#include "fake_chain.h"

namespace {

using namespace iost;

using iost::crash::Ack;
using iost::crash::WriteAll;

constexpr int kAccounts = 10'000;

using iost::node::testing::FakeBlockRecord;

// The same deterministic chain in every run (the parent recomputes nothing:
// it checks the snapshots against their own manifests and roots).
struct Chain {
    storage::MemKvStore kv;
    std::unique_ptr<storage::BlockStore> store;
    ledger::MemState state;

    bool Apply(uint64_t h, ledger::WriteSet ws) {
        const crypto::Hash256 root = ledger::CommitStateTree(state, ws);
        state.Apply(ws);
        const storage::FinalizedBlockRecord r = FakeBlockRecord(h, root, ws);
        return (h == 0 ? store->InitGenesis(r) : store->CommitFinalized(r)).ok();
    }

    static ledger::WriteSet Block(uint64_t h) {
        ledger::WriteSet ws;
        for (int j = 0; j < 5; ++j) {
            ws["tb/acct" + std::to_string((h * 13 + static_cast<uint64_t>(j) * 101) % kAccounts)] =
                "v" + std::to_string(h) + "/" + std::to_string(j);
        }
        ws["tb/new" + std::to_string(h)] = "fresh";
        return ws;
    }
};

}  // namespace

int main(int argc, char** argv) {
    if (argc != 4) {
        std::fprintf(stderr, "usage: snapshot_crash_writer <dir> <start height> <ack fd>\n");
        return 2;
    }
    const std::string dir = argv[1];
    const uint64_t start = std::strtoull(argv[2], nullptr, 10);
    const int fd = std::atoi(argv[3]);
    if (start == 0) return 2;
    Chain c;
    c.store = storage::BlockStore::Open(c.kv).value();
    ledger::WriteSet g;
    for (int i = 0; i < kAccounts; ++i)
        g["tb/acct" + std::to_string(i)] = "balance " + std::to_string(i * 31);
    if (!c.Apply(0, g)) return 4;
    for (uint64_t h = 1; h < start; ++h) {
        if (!c.Apply(h, Chain::Block(h))) return 4;
    }
    // As a node's snapshot service does on start: unfinished writes removed.
    node::SnapshotStore snaps(dir, 2, util::Logger::Null());
    snaps.Reload();
    node::SnapshotWriteOptions wo;
    wo.window = 8;
    for (uint64_t h = start;; ++h) {
        if (!c.Apply(h, Chain::Block(h))) return 4;
        auto view = c.kv.Snapshot();
        if (!view.ok()) return 4;
        if (!Ack(fd, 'W', h)) return 5;
        auto written = node::WriteSnapshot(**view, dir, wo);
        if (!written.ok()) {
            std::fprintf(stderr, "snapshot %llu: %s\n", static_cast<unsigned long long>(h),
                         written.error().message.c_str());
            return 4;
        }
        snaps.Reload();
        if (!Ack(fd, 'D', h)) return 5;
    }
}
