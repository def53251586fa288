// Invariants of execution over random transaction sequences (rapidcheck):
//  - the IOST supply equals the sum of every balance and frozen balance, and
//    changes only by successful issue and destroy;
//  - no balance is ever negative;
//  - the same inputs give the same receipts, write sets and state roots;
//  - a replayed transaction within its window is refused as a duplicate, and
//    an expired one as expired, and neither changes anything.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "ledger_fixture.h"

namespace iost::ledger {
namespace {

using namespace testing;  // NOLINT

const std::vector<std::string> kNames = {"admin", "alice", "bobby", "carol", "node1",
                                         "node2", "node3", "node4", "ghost1"};

std::string RandomAmount() {
    // Mostly small, sometimes more than anyone holds, sometimes with excess decimals.
    const int kind = *rc::gen::inRange(0, 10);
    int64_t raw;
    if (kind < 6)
        raw = *rc::gen::inRange<int64_t>(1, 1000 * kIost);
    else if (kind < 9)
        raw = *rc::gen::inRange<int64_t>(1, 200'000 * kIost);
    else
        raw = *rc::gen::inRange<int64_t>(1, 5'000'000 * kIost);
    std::string s = core::Amount::FromRaw(raw, 8)->ToString();
    if (*rc::gen::inRange(0, 20) == 0) s += "123";  // over 8 decimals: IOST truncates
    return s;
}

// Mostly spends the publisher's own funds (so most actions can succeed),
// sometimes another account's (which must fail for want of permission).
core::Action RandomAction(int64_t now, const std::string& publisher) {
    const std::string from = *rc::gen::inRange(0, 10) < 7 ? publisher : *rc::gen::elementOf(kNames);
    const auto& to = *rc::gen::elementOf(kNames);
    switch (*rc::gen::inRange(0, 9)) {
        case 0:
            return {"token.iost", "issue",
                    R"(["iost",")" + to + R"(",")" + RandomAmount() + R"("])"};
        case 1:
            return {"token.iost", "destroy",
                    R"(["iost",")" + from + R"(",")" + RandomAmount() + R"("])"};
        case 2:
            return {"token.iost", "transferFreeze",
                    R"(["iost",")" + from + R"(",")" + to + R"(",")" + RandomAmount() + R"(",)" +
                        std::to_string(now + *rc::gen::inRange<int64_t>(-5, 30) * 1'000'000'000) +
                        R"(,""])"};
        case 3:
            return {"gas.iost", "pledge",
                    R"([")" + from + R"(",")" + to + R"(",")" + RandomAmount() + R"("])"};
        case 4:
            return {"gas.iost", "unpledge",
                    R"([")" + from + R"(",")" + to + R"(",")" + RandomAmount() + R"("])"};
        case 5:
            return {"vote_producer.iost", "vote",
                    R"([")" + from + R"(","node)" + std::to_string(*rc::gen::inRange(1, 5)) +
                        R"(",")" + RandomAmount() + R"("])"};
        case 6:
            return {"vote_producer.iost", "unvote",
                    R"([")" + from + R"(","node)" + std::to_string(*rc::gen::inRange(1, 5)) +
                        R"(",")" + RandomAmount() + R"("])"};
        default:
            return {"token.iost", "transfer",
                    R"(["iost",")" + from + R"(",")" + to + R"(",")" + RandomAmount() + R"(",""])"};
    }
}

struct Totals {
    int64_t balances = 0;
    bool negative = false;
};

Totals SumIost(const MemState& s) {
    Totals t;
    for (const auto& [k, v] : s.entries()) {
        if (k.starts_with("tb/iost/")) {
            const int64_t b = *schema::DecodeI64(v);
            t.negative = t.negative || b < 0;
            t.balances += b;
        } else if (k.starts_with("tf/iost/")) {
            const auto list = schema::DecodeFreezeList(v);  // keep the Result alive for the loop
            for (const auto& it : *list) {
                t.negative = t.negative || it.amount < 0;
                t.balances += it.amount;
            }
        }
    }
    return t;
}

struct Step {
    std::vector<core::Tx> txs;
    int64_t time;
};

// A random chain of blocks. Some transactions are replays of earlier ones,
// some are stale (older than the 90 s window).
std::vector<Step> RandomSteps() {
    std::vector<Step> steps;
    std::vector<core::Tx> sent;
    int64_t now = kT0;
    const int blocks = *rc::gen::inRange(1, 12);
    for (int b = 0; b < blocks; ++b) {
        now += *rc::gen::inRange<int64_t>(1, 40) * 1'000'000'000;
        Step st{{}, now};
        const int n = *rc::gen::inRange(0, 8);
        for (int i = 0; i < n; ++i) {
            const int kind = *rc::gen::inRange(0, 12);
            if (kind == 0 && !sent.empty()) {
                st.txs.push_back(*rc::gen::elementOf(sent));  // replay
                continue;
            }
            const int64_t t = kind == 1 ? now - 100'000'000'000 : now - i;  // stale or fresh
            const auto& publisher =
                *rc::gen::elementOf(std::vector<std::string>(kNames.begin(), kNames.end() - 1));
            std::vector<core::Action> actions;
            const int na = *rc::gen::inRange(1, 3);
            for (int a = 0; a < na; ++a) actions.push_back(RandomAction(now, publisher));
            std::vector<core::AmountLimit> limits = {{"*", "unlimited"}};
            if (*rc::gen::inRange(0, 4) == 0) limits = {{"iost", RandomAmount()}};
            core::Tx tx = MakeTx(publisher, actions, t, limits);
            st.txs.push_back(tx);
            sent.push_back(tx);
        }
        steps.push_back(std::move(st));
    }
    return steps;
}

RC_GTEST_PROP(LedgerProperties, SupplyConservedNoNegativeBalancesDeterministic, ()) {
    const auto steps = RandomSteps();
    Chain a, b;
    int64_t expected_supply = Supply(a.state(), "iost");
    RC_ASSERT(SumIost(a.state()).balances == expected_supply);
    std::set<crypto::Hash256> executed;
    int successes = 0, failures = 0;
    for (const auto& st : steps) {
        const auto ra = a.Apply(st.txs, st.time);
        const auto rb = b.Apply(st.txs, st.time);
        // Same inputs, same outputs.
        RC_ASSERT(ra.state_root == rb.state_root);
        RC_ASSERT(ra.writes == rb.writes);
        RC_ASSERT(ra.outcomes.size() == st.txs.size());
        for (size_t i = 0; i < st.txs.size(); ++i) {
            const auto& o = ra.outcomes[i];
            RC_ASSERT(o.receipt == rb.outcomes[i].receipt);
            const auto& tx = st.txs[i];
            const crypto::Hash256 h = tx.Hash();
            const bool stale = st.time - tx.time > kDedupWindowNanos || tx.expiration <= st.time;
            if (stale) {
                RC_ASSERT(!o.executed);
                RC_ASSERT(o.receipt.status.message == "tx expired");
            } else if (executed.count(h)) {
                RC_ASSERT(!o.executed);
                RC_ASSERT(o.receipt.status.message == "duplicate tx");
            } else if (!o.executed && o.receipt.status.message.starts_with(
                                          "gas not enough: user " + tx.publisher + " has ")) {
                // Earlier random transactions (pledges to others, gas use)
                // can leave the publisher with less gas than the limit: a
                // refusal the ledger must make (seed found by CI, 2026-12-03).
            } else {
                if (!o.executed) RC_FAIL("refused: " + o.receipt.status.message);
                executed.insert(h);
            }
            if (o.executed) (o.receipt.ok() ? successes : failures)++;
            if (o.executed && o.receipt.ok()) {
                for (const auto& rc : o.receipt.receipts) {
                    auto j = nlohmann::json::parse(rc.content);
                    if (rc.func_name == "token.iost/issue" && j[0] == "iost") {
                        expected_supply += core::Amount::ParseIost(j[2].get<std::string>())->raw();
                    } else if (rc.func_name == "token.iost/destroy" && j[0] == "iost") {
                        expected_supply -= core::Amount::ParseIost(j[2].get<std::string>())->raw();
                    }
                }
            }
            if (!o.executed) RC_ASSERT(o.receipt.gas_usage == 0);
        }
        const Totals t = SumIost(a.state());
        RC_ASSERT(!t.negative);
        RC_ASSERT(Supply(a.state(), "iost") == expected_supply);
        RC_ASSERT(t.balances == expected_supply);
        RC_ASSERT(a.root() == StateRootOf(a.state()));
    }
    RC_CLASSIFY(successes > 0, "some transactions succeeded");
    RC_CLASSIFY(failures > 0, "some transactions failed");
    // A third run from scratch reproduces the final root.
    Chain c;
    for (const auto& st : steps) c.Apply(st.txs, st.time);
    RC_ASSERT(c.root() == a.root());
}

RC_GTEST_PROP(LedgerProperties, RefusedTransactionsChangeNothing, ()) {
    Chain c;
    const int64_t now = kT0 + 10'000'000'000;
    const auto& publisher =
        *rc::gen::elementOf(std::vector<std::string>{"alice", "bobby", "carol"});
    core::Tx ok = MakeTx(publisher, {RandomAction(now, publisher)}, now - 1);
    c.Apply({ok}, now);
    const auto snapshot = c.state().entries();
    // Replay within the window, a stale one, and one from the future.
    core::Tx stale =
        MakeTx(publisher, {RandomAction(now, publisher)}, now + 5'000'000'000 - 91'000'000'000);
    core::Tx future =
        MakeTx(publisher, {RandomAction(now, publisher)}, now + 5'000'000'000 + 31'000'000'000);
    core::Tx wrong_chain = MakeTx(publisher, {RandomAction(now, publisher)}, now);
    wrong_chain.chain_id = 1024;
    const auto r = c.Apply({ok, stale, future, wrong_chain}, now + 5'000'000'000);
    for (const auto& o : r.outcomes) RC_ASSERT(!o.executed);
    RC_ASSERT(r.outcomes[0].receipt.status.message == "duplicate tx");
    RC_ASSERT(r.outcomes[1].receipt.status.message == "tx expired");
    RC_ASSERT(r.outcomes[2].receipt.status.message == "tx time is in the future");
    RC_ASSERT(r.outcomes[3].receipt.status.message.starts_with("chain id mismatch"));
    // Only the state root changed.
    auto after = c.state().entries();
    after.erase(std::string(kStateRootKey));
    auto before = snapshot;
    before.erase(std::string(kStateRootKey));
    RC_ASSERT(after == before);
}

}  // namespace
}  // namespace iost::ledger
