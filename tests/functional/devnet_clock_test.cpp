// Bounded block time with real processes and real skewed clocks (issue #13
// point 1, docs/pob.md §6.2, docs/reliability.md #20): one normal validator
// of a default devnet (4 + 4, PoB, max_clock_drift 2 s) on 127.14.1.* is
// restarted under libfaketime (the Debian package faketime; LD_PRELOAD with
// FAKETIME, passed by `iost-devnet start --node-env`), first 1 s ahead
// (within the drift): the chain keeps finalizing and the skewed node's own
// proposals become final; then 60 s ahead: its proposals are refused (view
// changes), the chain keeps finalizing with honest times, and no final
// block's time runs ahead of the real clock by more than the drift.
#include <filesystem>

#include "functional_util.h"

namespace iost::functional {
namespace {

std::string LibFaketime() {
    for (const char* p : {"/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1",
                          "/usr/lib/aarch64-linux-gnu/faketime/libfaketimeMT.so.1",
                          "/usr/lib/faketime/libfaketimeMT.so.1"}) {
        if (std::filesystem::exists(p)) return p;
    }
    return {};
}

struct BlockHead {
    std::string witness;
    int64_t time = 0;
};

util::Result<BlockHead> HeadAt(const TestDevnet& net, const std::string& node, uint64_t h) {
    auto b = net.Get(node, "/getBlockByNumber/" + std::to_string(h) + "/false");
    if (!b) return util::ErrOf(b.error());
    const json& blk = b->contains("block") ? (*b)["block"] : *b;
    if (!blk.contains("witness") || !blk.contains("time")) return util::Err("no witness/time");
    BlockHead out;
    out.witness = blk["witness"].get<std::string>();
    const json& t = blk["time"];
    out.time = t.is_string() ? std::stoll(t.get<std::string>()) : t.get<int64_t>();
    return out;
}

// Restarts `victim` with its clock `offset` (libfaketime syntax, "+60").
void RestartSkewed(TestDevnet& net, const std::string& victim, const std::string& lib,
                   const std::string& offset) {
    ASSERT_TRUE(net.Kill9(victim).ok());
    auto st = net.RestartStopped({"--node-env", victim + ":LD_PRELOAD=" + lib, "--node-env",
                                  victim + ":FAKETIME=" + offset, "--node-env",
                                  victim + ":FAKETIME_DONT_FAKE_MONOTONIC=1"});
    ASSERT_TRUE(st.ok()) << st.error().message;
}

TEST(DevnetClock, SkewWithinTheDriftFinalizesAndFarAheadCannotMoveTheChainsTime) {
    const std::string lib = LibFaketime();
    ASSERT_FALSE(lib.empty()) << "libfaketime not found: install the Debian package faketime "
                                 "(scripts/install-deps.sh)";
    auto started = TestDevnet::Start("clock", "127.14.1.1");
    ASSERT_TRUE(started.ok()) << started.error().message;
    TestDevnet& net = **started;
    const auto normal = net.NodesWithRole(devnet::Role::kNormal);
    ASSERT_EQ(normal.size(), 4u);
    const std::string victim = normal[1];
    std::vector<std::string> others;
    for (const auto& n : net.manifest().nodes) {
        if (n.name != victim) others.push_back(n.name);
    }
    ASSERT_TRUE(net.WaitForHeight(2, 60s).ok());

    // 1. One second ahead (drift 2 s): everyone keeps finalizing, and blocks
    // the skewed node proposes are voted for.
    RestartSkewed(net, victim, lib, "+1");
    if (HasFatalFailure()) return;
    const uint64_t h1 = net.Height(others[0]);
    auto ok1 = net.WaitForHeight(h1 + 12, 60s);
    ASSERT_TRUE(ok1.ok()) << "finality stopped with a clock 1 s ahead: " << ok1.error().message;
    size_t by_victim = 0;
    for (uint64_t h = h1 + 1; h <= h1 + 12; ++h) {
        auto head = HeadAt(net, others[0], h);
        ASSERT_TRUE(head.ok()) << head.error().message;
        by_victim += head->witness == victim;
    }
    EXPECT_GE(by_victim, 1u) << victim << " (1 s ahead) proposed no final block in 12";

    // 2. Sixty seconds ahead: its fresh proposals carry a time the others
    // refuse; the chain goes on through view changes with honest times.
    RestartSkewed(net, victim, lib, "+60");
    if (HasFatalFailure()) return;
    const uint64_t h2 = net.Height(others[0]);
    auto ok2 = net.WaitForHeight(h2 + 10, 60s);
    ASSERT_TRUE(ok2.ok()) << "finality stopped with a clock 60 s ahead: " << ok2.error().message;
    const int64_t wall = util::SystemClock().Now();
    size_t by_victim_ahead = 0;
    for (uint64_t h = h2 + 1; h <= h2 + 10; ++h) {
        auto head = HeadAt(net, others[0], h);
        ASSERT_TRUE(head.ok()) << head.error().message;
        by_victim_ahead += head->witness == victim;
        // The bound: some honest clock + 2 s (and 1 ns per block); 1 s of slack for the test.
        EXPECT_LE(head->time, wall + 3'000'000'000LL)
            << "block " << h << " by " << head->witness << " is " << (head->time - wall) / 1'000'000
            << " ms ahead of the real clock";
    }
    // Each block it built carried its clock (60 s ahead): none was voted for.
    EXPECT_EQ(by_victim_ahead, 0u) << victim << " (60 s ahead) got a block final";
    // Every node, the skewed one too, holds the same chain.
    for (uint64_t h : {h2 + 1, h2 + 10}) {
        auto ref = BlockHashAt(net, others[0], h);
        ASSERT_TRUE(ref.ok()) << ref.error().message;
        for (const auto& node : net.manifest().nodes) {
            auto got = BlockHashAt(net, node.name, h);
            ASSERT_TRUE(got.ok()) << node.name << " at " << h << ": " << got.error().message;
            EXPECT_EQ(*got, *ref) << node.name << " differs at height " << h;
        }
    }
}

}  // namespace
}  // namespace iost::functional
