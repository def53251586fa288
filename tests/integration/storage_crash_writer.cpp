// Child process of the storage crash test (storage_crash_test.cpp): opens the
// data dir, continues the deterministic chain from the stored head, and
// commits blocks forever, acknowledging each one to the parent through a
// pipe only after CommitFinalized returned ok. The parent kill -9s it at a
// random moment. Before each block it also saves a safety record (synced), as
// a validator does before voting, and acknowledges that too.
//
// Usage: storage_crash_writer <dir> <seed> <sync 0|1> <ack fd> [<prune keep>]
// With <prune keep>, after each block it prunes the bodies older than that
// many blocks (BlockStore::PruneBodies, as a pruning node does after each
// commit, with a HeaderPruner rewriting each pruned record in the same batch,
// as the node's pruned headers are), so the kill also lands amid pruning
// batches.
// With "install" instead of <prune keep> it runs a state sync install
// (docs/state.md "State sync") instead: an unfinished one left by the last
// kill is aborted first ('A'), as Node::Start does; then the marker, 100
// unsynced batches of state ('W' each) and the final batch ('F' height);
// then it waits to be killed.
// Ack record: 1 byte kind ('S' safety saved, 'B' block committed) + u64 LE.
// Exit codes: 2 usage, 3 open failed, 4 commit failed, 5 pipe closed.
#include <storage/block_store.h>
#include <storage/rocks_kv_store.h>
#include <storage/safety_store.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "chain_gen.h"
#include "crash_child.h"

namespace {

using iost::crash::Ack;
using iost::crash::WriteAll;

constexpr uint64_t kInstallHeight = 40;
constexpr int kInstallBatches = 100;
constexpr int kInstallBatchEntries = 1'000;

[[noreturn]] void WaitForTheKill() {
    for (;;) ::pause();
}

int RunInstall(iost::storage::BlockStore& store, const iost::storage::testing::ChainGen& gen,
               int fd) {
    using namespace iost::storage;
    if (auto head = store.GetHead()) {
        if (!Ack(fd, 'F', head->height)) return 5;
        WaitForTheKill();
    }
    auto pending = store.PendingStateInstall();
    if (!pending.ok()) return 4;
    if (*pending) {
        if (!store.AbortStateInstall().ok()) return 4;
        if (!Ack(fd, 'A', **pending)) return 5;
    }
    if (!store.BeginStateInstall(kInstallHeight).ok()) return 4;
    for (int b = 0; b < kInstallBatches; ++b) {
        std::vector<StateWrite> part;
        for (int j = 0; j < kInstallBatchEntries; ++j) {
            StateWrite w;
            w.key = iost::storage::testing::B("e/" + std::to_string(b) + "/" + std::to_string(j));
            w.value = iost::util::Bytes(64, static_cast<uint8_t>(j));
            part.push_back(std::move(w));
        }
        if (!store.WriteInstallState(part).ok()) return 4;
        if (!Ack(fd, 'W', static_cast<uint64_t>(b))) return 5;
        // Paced (>= 100 ms in all) so that the parent's kills, 0-150 ms after
        // start, land amid the batches on an idle fast machine too: there
        // the install finished before the first kill and the test's
        // precondition failed.
        ::usleep(1'000);
    }
    SnapshotInstall in;
    in.genesis = gen.Record(0);
    for (uint64_t h = 1; h <= kInstallHeight; ++h) {
        FinalizedBlockRecord r;
        if (h + 8 > kInstallHeight) {
            r = gen.Record(h);
            r.state_writes.clear();
        } else {
            r.height = h;
        }
        if (h == kInstallHeight) r.checkpoint = iost::storage::testing::B("checkpoint");
        in.blocks.push_back(std::move(r));
    }
    if (!store.FinishStateInstall(in).ok()) return 4;
    if (!Ack(fd, 'F', kInstallHeight)) return 5;
    WaitForTheKill();
}

}  // namespace

int main(int argc, char** argv) {
    using namespace iost::storage;
    namespace testing = iost::storage::testing;
    if (argc != 5 && argc != 6) {
        std::fprintf(stderr, "usage: %s <dir> <seed> <sync 0|1> <ack fd> [<prune keep>]\n",
                     argv[0]);
        return 2;
    }
    const std::string dir = argv[1];
    testing::ChainGenOptions go;
    go.seed = std::strtoull(argv[2], nullptr, 10);
    go.max_txs = 200;
    go.max_padding = 64 * 1024;
    const testing::ChainGen gen(go);
    const Sync sync = std::string(argv[3]) == "1" ? Sync::kYes : Sync::kNo;
    const int fd = std::atoi(argv[4]);
    const bool install = argc == 6 && std::string(argv[5]) == "install";
    const uint64_t keep = argc == 6 && !install ? std::strtoull(argv[5], nullptr, 10) : 0;

    auto kv = RocksKvStore::Open(dir);
    if (!kv.ok()) {
        std::fprintf(stderr, "writer: %s\n", kv.error().message.c_str());
        return 3;
    }
    auto store = BlockStore::Open(**kv, BlockStoreOptions{sync, true});
    if (!store.ok()) {
        std::fprintf(stderr, "writer: %s\n", store.error().message.c_str());
        return 3;
    }
    auto safety = SafetyStore::Open(**kv);
    if (!safety.ok()) {
        std::fprintf(stderr, "writer: %s\n", safety.error().message.c_str());
        return 3;
    }
    if (install) return RunInstall(**store, gen, fd);
    const iost::util::Bytes validator = testing::B("validator-0");
    auto head = (*store)->GetHead();
    uint64_t next = head ? head->height + 1 : 0;
    for (;; ++next) {
        auto saved = (*safety)->Save(validator, testing::B(std::to_string(next)));
        if (!saved.ok()) {
            std::fprintf(stderr, "writer: %s\n", saved.error().message.c_str());
            return 4;
        }
        if (!Ack(fd, 'S', next)) return 5;
        auto s = next == 0 ? (*store)->InitGenesis(gen.Record(0))
                           : (*store)->CommitFinalized(gen.Record(next));
        if (!s.ok()) {
            std::fprintf(stderr, "writer: %s\n", s.error().message.c_str());
            return 4;
        }
        if (!Ack(fd, 'B', next)) return 5;
        if (keep > 0 && next > keep) {
            // A small budget, so pruning is spread over many batches.
            auto pruned = (*store)->PruneBodies(next - keep, 3, testing::TestHeaderPruner);
            if (!pruned.ok()) {
                std::fprintf(stderr, "writer: %s\n", pruned.error().message.c_str());
                return 4;
            }
        }
    }
}
