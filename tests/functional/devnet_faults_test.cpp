// Crash faults with real processes (issue #5 point 7, docs/reliability.md #9,
// #11): under a steady load of signed transfers, `kill -9` one normal and
// one believable validator of a default devnet (4 + 4, PoB) on 127.11.1.*.
// The normal league (N = 4, f = 1, quorum 3) keeps finalizing; the dead
// believable validator's partition falls back to the normal league (it
// appears in /getPoBInfo's fallback_producers), so transfers from every
// publisher — its own included — still become IRREVERSIBLE. Restarted from
// their data dirs, both victims replay, catch up, and hold the same blocks
// as everyone else.
#include <atomic>
#include <mutex>

#include "functional_util.h"

namespace iost::functional {
namespace {

struct Sent {
    std::string hash;
    std::chrono::steady_clock::time_point at;
};

TEST(DevnetFaults, KillNineANormalAndABelievableValidatorUnderLoadThenTheyCatchUp) {
    auto started = TestDevnet::Start("faults", "127.11.1.1", {"--accounts", "8"});
    ASSERT_TRUE(started.ok()) << started.error().message;
    TestDevnet& net = **started;
    const auto believable = net.NodesWithRole(devnet::Role::kBelievable);
    const auto normal = net.NodesWithRole(devnet::Role::kNormal);
    ASSERT_EQ(believable.size(), 4u);
    ASSERT_EQ(normal.size(), 4u);
    const std::string b_victim = believable[0];
    const std::string n_victim = normal[0];
    std::vector<std::string> survivors;
    for (const auto& n : net.manifest().nodes) {
        if (n.name != b_victim && n.name != n_victim) survivors.push_back(n.name);
    }

    // Load: one transfer every 50 ms (≤ 2,400 in all), round-robin over 8
    // publishers (spread over the believable partitions) and the survivors.
    std::atomic<bool> stop{false};
    std::mutex mu;
    std::vector<Sent> sent;
    size_t send_errors = 0;
    std::thread load([&] {
        for (int i = 0; i < 2400 && !stop; ++i) {
            const auto& from = net.Account("user" + std::to_string(1 + i % 8));
            const core::Tx tx =
                MakeTransfer(from, "admin", "1", "load-" + std::to_string(i),
                             net.manifest().chain_id, util::SystemClock().Now() + (i % 1000));
            auto h = net.SendTx(survivors[static_cast<size_t>(i) % survivors.size()], tx);
            {
                std::lock_guard lk(mu);
                if (h.ok()) {
                    sent.push_back({*h, std::chrono::steady_clock::now()});
                } else {
                    ++send_errors;
                }
            }
            std::this_thread::sleep_for(50ms);
        }
    });
    auto stop_load = [&] {
        stop = true;
        if (load.joinable()) load.join();
    };

    auto warm = net.WaitForHeight(3, 60s);
    if (!warm.ok()) stop_load();
    ASSERT_TRUE(warm.ok()) << warm.error().message;

    ASSERT_TRUE(net.Kill9(n_victim).ok());
    ASSERT_TRUE(net.Kill9(b_victim).ok());
    const uint64_t at_kill = net.Height(survivors[0]);

    // Finality continues without them.
    auto cont = net.WaitForHeight(at_kill + 6, 60s, survivors);
    if (!cont.ok()) stop_load();
    ASSERT_TRUE(cont.ok()) << "finality stopped after the kills: " << cont.error().message;

    // The silent believable validator's partition falls back.
    bool declared = false;
    const auto fb_deadline = std::chrono::steady_clock::now() + 45s;
    while (!declared && std::chrono::steady_clock::now() < fb_deadline) {
        auto p = net.Get(survivors[0], "/getPoBInfo");
        if (p.ok() && p->contains("fallback_producers")) {
            for (const auto& id : (*p)["fallback_producers"]) declared = declared || id == b_victim;
        }
        if (!declared) std::this_thread::sleep_for(250ms);
    }
    if (!declared) stop_load();
    ASSERT_TRUE(declared) << b_victim << " was never declared silent";
    const auto after_fallback = std::chrono::steady_clock::now();

    // Keep the load on a while in the fallback, then stop it.
    std::this_thread::sleep_for(4s);
    stop_load();
    std::vector<std::string> check;
    {
        std::lock_guard lk(mu);
        for (const auto& s : sent) {
            if (s.at > after_fallback) check.push_back(s.hash);
        }
        EXPECT_EQ(send_errors, 0u) << "live nodes refused transfers";
    }
    ASSERT_GE(check.size(), 20u) << "too little load after the fallback to judge";

    // Every transfer sent after the fallback becomes IRREVERSIBLE, whichever partition owns it.
    const auto deadline = std::chrono::steady_clock::now() + 90s;
    for (const auto& h : check) {
        for (;;) {
            auto r = net.Get(survivors[1], "/getTxByHash/" + h);
            if (r.ok() && (*r)["status"] == "IRREVERSIBLE") break;
            ASSERT_LT(std::chrono::steady_clock::now(), deadline)
                << "tx " << h << " never final: " << (r.ok() ? r->dump() : r.error().message);
            std::this_thread::sleep_for(100ms);
        }
    }

    // Restart both from their data dirs: they replay and catch up.
    auto restarted = net.RestartStopped();
    ASSERT_TRUE(restarted.ok()) << restarted.error().message;
    const uint64_t target = net.Height(survivors[0]) + 2;
    auto caught = net.WaitForHeight(target, 90s);
    ASSERT_TRUE(caught.ok()) << caught.error().message;
    std::vector<std::string> all = survivors;
    all.push_back(b_victim);
    all.push_back(n_victim);
    // Same blocks everywhere: from before the kill, across the fallback, to now.
    for (uint64_t h : {uint64_t{1}, at_kill, at_kill + 1, at_kill + 6, target}) {
        auto ref = BlockHashAt(net, all.front(), h);
        ASSERT_TRUE(ref.ok()) << ref.error().message;
        for (const auto& node : all) {
            auto got = BlockHashAt(net, node, h);
            ASSERT_TRUE(got.ok()) << node << " at " << h << ": " << got.error().message;
            EXPECT_EQ(*got, *ref) << node << " differs at height " << h;
        }
    }
}

}  // namespace
}  // namespace iost::functional
