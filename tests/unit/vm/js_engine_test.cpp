// JavaScript contracts on V8 (docs/contracts.md "JavaScript contracts"):
// deploy/update through system.iost, the contract API, gas by
// instrumentation (same gas and state root on independent engines),
// nondeterminism removed, and runaway code stopped cleanly.
#include <gtest/gtest.h>
#include <ledger/code.h>
#include <ledger/ledger.h>
#include <vm/js_engine.h>

#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "js_chain.h"

namespace iost::vm {
namespace {

using ledger::testing::kT0;
using ledger::testing::MakeTx;
using nlohmann::json;
using testing::ContractJson;
using testing::JsChain;
using testing::kSec;

const char* kKv = R"(class KV {
  init() { storage.put('owner', blockchain.publisher()); }
  put(k, v) { storage.put(k, v); storage.mapPut('by', tx.publisher, k); }
  get(k) { return storage.get(k); }
  del(k) { storage.del(k); }
  keys() { return storage.mapKeys('by'); }
  can_update(data) { return data === 'yes'; }
}
module.exports = KV;)";

json KvAbi() {
    return json::array({{{"name", "put"}, {"args", {"string", "string"}}},
                        {{"name", "get"}, {"args", {"string"}}},
                        {{"name", "del"}, {"args", {"string"}}},
                        {{"name", "keys"}, {"args", json::array()}},
                        {{"name", "can_update"}, {"args", {"string"}}}});
}

TEST(JsEngine, DeployCallStorageAndUpdate) {
    JsChain c;
    const std::string id = c.Deploy(kKv, KvAbi());
    ASSERT_TRUE(id.starts_with("Contract")) << id;
    auto owner = c.state().Get(ledger::StorageKey(id, "owner"));
    ASSERT_TRUE(owner);
    EXPECT_EQ(*owner, "alice");  // init() ran at deploy
    auto stored = ledger::LoadContract(c.state(), id);
    ASSERT_TRUE(stored);
    EXPECT_EQ(stored->abi.size(), 5u);

    auto r = c.Call(id, "put", {"color", "blue"});
    ASSERT_EQ(r.status.code, core::StatusCode::kSuccess) << r.status.message;
    EXPECT_EQ(c.state().Get(ledger::StorageKey(id, "color")).value_or(""), "blue");
    EXPECT_GT(r.ram_usage.at("alice"), 0);  // the owner pays the new entry's RAM
    r = c.Call(id, "get", {"color"}, "bobby");
    ASSERT_EQ(r.status.code, core::StatusCode::kSuccess) << r.status.message;
    EXPECT_EQ(r.returns.at(0), "[\"blue\"]");
    r = c.Call(id, "keys", json::array());
    EXPECT_EQ(r.returns.at(0), "[[\"alice\"]]");
    // Not in the ABI: refused before running.
    r = c.Call(id, "init", json::array());
    EXPECT_NE(r.status.message.find("abi init not found"), std::string::npos) << r.status.message;
    r = c.Call(id, "put", {"only-one"});
    EXPECT_NE(r.status.message.find("args length mismatch"), std::string::npos);

    // updateCode asks can_update(data).
    std::string v2 =
        R"(class KV { get(k) { return 'v2:' + storage.get(k); } can_update(d) { return false; } }
module.exports = KV;)";
    json v2abi = json::array(
        {{{"name", "get"}, {"args", {"string"}}}, {{"name", "can_update"}, {"args", {"string"}}}});
    json upd = json::parse(ContractJson(v2, v2abi));
    upd["ID"] = id;
    r = c.Run("alice", {{"system.iost", "updateCode", json::array({upd.dump(), "no"}).dump()}});
    EXPECT_NE(r.status.message.find("update refused"), std::string::npos) << r.status.message;
    r = c.Run("alice", {{"system.iost", "updateCode", json::array({upd.dump(), "yes"}).dump()}});
    ASSERT_EQ(r.status.code, core::StatusCode::kSuccess) << r.status.message;
    r = c.Call(id, "get", {"color"});
    EXPECT_EQ(r.returns.at(0), "[\"v2:blue\"]");
    // v2's can_update says no: the code is now immutable.
    r = c.Run("alice", {{"system.iost", "updateCode", json::array({upd.dump(), "yes"}).dump()}});
    EXPECT_NE(r.status.message.find("update refused"), std::string::npos);
}

TEST(JsEngine, SetCodeValidatesTheContractJson) {
    JsChain c;
    auto deploy = [&](const std::string& text) {
        return c.Run("alice", {{"system.iost", "setCode", json::array({text}).dump()}})
            .status.message;
    };
    EXPECT_NE(
        deploy(ContractJson(kKv, json::array({{{"name", "_hidden"}}}))).find("invalid abi name"),
        std::string::npos);
    EXPECT_NE(deploy(ContractJson(kKv, json::array({{{"name", "a"}, {"args", {"int"}}}})))
                  .find("invalid arg type"),
              std::string::npos);
    EXPECT_NE(deploy(ContractJson("class {", KvAbi())).find("syntax error"), std::string::npos);
    EXPECT_NE(deploy(ContractJson(std::string(ledger::kMaxCodeBytes + 1, ' '), KvAbi()))
                  .find("code size invalid"),
              std::string::npos);
    EXPECT_NE(deploy(ContractJson("let _IOSTInstruction_counter = 1;", KvAbi())).find("reserved"),
              std::string::npos);
    EXPECT_NE(deploy("not json").find("not a JSON object"), std::string::npos);
    // A ledger without an engine refuses deployment.
    ledger::testing::Chain plain;
    auto tx = MakeTx("alice",
                     {{"system.iost", "setCode", json::array({ContractJson(kKv, KvAbi())}).dump()}},
                     kT0 + kSec / 2);
    auto r = plain.Apply({tx}, kT0 + kSec);
    EXPECT_NE(r.outcomes.at(0).receipt.status.message.find("not supported"), std::string::npos);
}

const char* kLoop = R"(class L {
  run(n) { let s = 0; for (let i = 0; i < n; i++) { s += i % 7; } storage.put('s', '' + s); return s; }
  forever() { while (true) {} }
}
module.exports = L;)";
json LoopAbi() {
    return json::array({{{"name", "run"}, {"args", {"number"}}}, {{"name", "forever"}}});
}

TEST(JsEngine, GasIsTheSameOnIndependentEngines) {
    JsChain a;
    JsChain b(MakeJsEngine());  // another "node": its own isolate
    const std::string ida = a.Deploy(kLoop, LoopAbi());
    const std::string idb = b.Deploy(kLoop, LoopAbi());
    ASSERT_EQ(ida, idb);  // same tx, same id
    auto ra = a.Call(ida, "run", {1000});
    auto rb = b.Call(idb, "run", {1000});
    ASSERT_EQ(ra.status.code, core::StatusCode::kSuccess) << ra.status.message;
    EXPECT_EQ(ra.gas_usage, rb.gas_usage);
    EXPECT_EQ(a.root(), b.root());
    // More work costs more gas: the counter really counts.
    auto rc = a.Call(ida, "run", {2000});
    EXPECT_GT(rc.gas_usage, ra.gas_usage + 1000 * 100);
    std::printf("[gas] JS loop of 1000: %lld gas\n", static_cast<long long>(ra.gas_usage / 100));
}

// Prints the cost numbers docs/benchmarks.md reports (gas is exact; the
// times are informative only, never asserted).
TEST(JsEngine, PrintsCostOfEmptyCallStorageAndTransfer) {
    JsChain c;
    const char* code = R"(class B {
  empty() {}
  put(v) { storage.put('k', v); }
  get() { return storage.get('k'); }
  pay(to) { blockchain.transfer(tx.publisher, to, '0.01', ''); }
}
module.exports = B;)";
    const std::string id =
        c.Deploy(code, json::array({{{"name", "empty"}},
                                    {{"name", "put"}, {"args", {"string"}}},
                                    {{"name", "get"}},
                                    {{"name", "pay"},
                                     {"args", {"string"}},
                                     {"amountLimit", {{{"token", "iost"}, {"val", "1"}}}}}}));
    auto time_calls = [&](const char* fn, const json& args) {
        constexpr int kRuns = 10;
        int64_t gas = 0;
        const auto t0 = std::chrono::steady_clock::now();
        for (int i = 0; i < kRuns; ++i) {
            auto r = c.Call(id, fn, args, "alice", 10'000'000);  // 100,000 gas
            EXPECT_EQ(r.status.code, core::StatusCode::kSuccess) << fn << ": " << r.status.message;
            gas = r.gas_usage / 100;
        }
        const auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                            std::chrono::steady_clock::now() - t0)
                            .count() /
                        kRuns;
        std::printf("[cost] %s: %lld gas, %lld us per tx (block of one tx)\n", fn,
                    static_cast<long long>(gas), static_cast<long long>(us));
        return gas;
    };
    // The same block of one transaction without JavaScript, for reference.
    {
        const auto t0 = std::chrono::steady_clock::now();
        int64_t gas = 0;
        for (int i = 0; i < 10; ++i) {
            auto r = c.Run("alice", {{"token.iost", "transfer",
                                      json::array({"iost", "alice", "bobby", "0.01", ""}).dump()}});
            EXPECT_EQ(r.status.code, core::StatusCode::kSuccess) << r.status.message;
            gas = r.gas_usage / 100;
        }
        const auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                            std::chrono::steady_clock::now() - t0)
                            .count() /
                        10;
        std::printf("[cost] plain transfer: %lld gas, %lld us per tx (block of one tx)\n",
                    static_cast<long long>(gas), static_cast<long long>(us));
    }
    const int64_t empty = time_calls("empty", json::array());
    EXPECT_GT(time_calls("put", {"value"}), empty);
    EXPECT_GT(time_calls("get", json::array()), empty);
    EXPECT_GT(time_calls("pay", {"bobby"}), empty);
}

TEST(JsEngine, InfiniteLoopRunsOutOfGas) {
    JsChain c;
    const std::string id = c.Deploy(kLoop, LoopAbi());
    // 100,000 gas: past the 30,000 flag-down fare, so the loop itself runs.
    auto r = c.Call(id, "forever", json::array(), "alice", 10'000'000);
    EXPECT_EQ(r.status.message.find("out of gas") != std::string::npos, true) << r.status.message;
    EXPECT_EQ(r.gas_usage, 10'000'000);  // charged in full
    // Control: a finite loop with the same budget succeeds (so the budget
    // is not exhausted before the contract runs), and the engine still
    // works after the runaway call.
    r = c.Call(id, "run", {3}, "alice", 10'000'000);
    EXPECT_EQ(r.status.code, core::StatusCode::kSuccess) << r.status.message;
}

TEST(JsEngine, NondeterministicGlobalsAreAbsent) {
    JsChain c;
    const char* code = R"(class P {
  probe() {
    const r = {};
    r.Date = typeof Date; r.random = typeof Math.random; r.eval = typeof eval;
    r.WeakRef = typeof WeakRef; r.FinalizationRegistry = typeof FinalizationRegistry;
    r.SharedArrayBuffer = typeof SharedArrayBuffer; r.Atomics = typeof Atomics;
    r.WebAssembly = typeof WebAssembly; r.Intl = typeof Intl; r.Promise = typeof Promise;
    r.localeCompare = typeof ''.localeCompare;
    try { (function(){}).constructor('return 1')(); r.Function = 'works'; } catch (e) { r.Function = 'refused'; }
    r.JSON = typeof JSON; r.BigNumber = typeof BigNumber; r.Int64 = typeof Int64;
    r.sum = new BigNumber('0.1').plus('0.2').toFixed();
    r.i64 = new Int64(7).multi(6).toString();
    r.sha3 = IOSTCrypto.sha3Hex('');
    return r;
  }
}
module.exports = P;)";
    const std::string id = c.Deploy(code, json::array({{{"name", "probe"}}}));
    auto r = c.Call(id, "probe", json::array());
    ASSERT_EQ(r.status.code, core::StatusCode::kSuccess) << r.status.message;
    json p = json::parse(r.returns.at(0)).at(0);
    for (const char* g :
         {"Date", "random", "eval", "WeakRef", "FinalizationRegistry", "SharedArrayBuffer",
          "Atomics", "WebAssembly", "Intl", "Promise", "localeCompare"}) {
        EXPECT_EQ(p.at(g), "undefined") << g;
    }
    EXPECT_EQ(p.at("Function"), "refused");
    // Controls: the probe sees what is meant to be there.
    EXPECT_EQ(p.at("JSON"), "object");
    EXPECT_EQ(p.at("BigNumber"), "function");
    EXPECT_EQ(p.at("Int64"), "function");
    EXPECT_EQ(p.at("sum"), "0.3");
    EXPECT_EQ(p.at("i64"), "42");
    EXPECT_EQ(p.at("sha3"), "a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a");
}

TEST(JsEngine, HostileContractsFailCleanly) {
    JsChain c;
    const char* code = R"(class H {
  recurse() { const f = (n) => f(n + 1) + 1; return f(0); }
  throwObject() { throw { not: 'an error' }; }
  throwString() { throw 'plain string'; }
  throwSymbol() { throw Symbol('s'); }
  tamper() { Object.prototype.toString = null; JSON.stringify = () => 5; return 1; }
  hugeString() { return 'x'.repeat(1 << 30); }
  badPut() { storage.put('k', 5); }
}
module.exports = H;)";
    json abi = json::array();
    for (const char* n : {"recurse", "throwObject", "throwString", "throwSymbol", "tamper",
                          "hugeString", "badPut"}) {
        abi.push_back({{"name", n}});
    }
    const std::string id = c.Deploy(code, abi);
    auto msg = [&](const char* fn) {
        // 50,000 gas: out-of-gas failures are charged in full, and alice's
        // gas must last the whole test.
        auto r = c.Call(id, fn, json::array(), "alice", 5'000'000);
        EXPECT_NE(r.status.code, core::StatusCode::kSuccess) << fn;
        return r.status.message;
    };
    // A stack overflow ends the transaction out of gas (the depth V8 reaches
    // is not the same on every node; js_runtime_test.cpp).
    EXPECT_NE(msg("recurse").find("out of gas"), std::string::npos);
    EXPECT_NE(msg("throwObject").find("uncaught object"), std::string::npos);
    EXPECT_NE(msg("throwString").find("plain string"), std::string::npos);
    EXPECT_NE(msg("throwSymbol").find("uncaught symbol"), std::string::npos);
    EXPECT_NE(msg("hugeString").find("out of gas"), std::string::npos);  // size-aware gas
    EXPECT_NE(msg("badPut").find("storage put must be string"), std::string::npos);
    // Tampering stays inside the call's own context.
    auto r = c.Call(id, "tamper", json::array());
    EXPECT_EQ(r.status.code, core::StatusCode::kSuccess) << r.status.message;
    r = c.Call(id, "throwString", json::array());
    EXPECT_NE(r.status.message.find("plain string"), std::string::npos);
}

// The watchdog and the heap limit, outside the gas limit (a huge budget).
class RawRun : public ::testing::Test {
  protected:
    util::Result<std::string> Run(const ledger::CodeEngine& e, const std::string& code,
                                  const std::string& fn) {
        ledger::Overlay ov(m_base);
        ledger::BlockContext b{kT0, 1, "node1"};
        ledger::TxContext t;
        t.publisher = "alice";
        auto table = ledger::ContractTable::WithSystemContracts();
        ledger::ExecContext ctx(ov, b, t, table, int64_t{1} << 60);
        return e.Run(ctx, "Contractraw", code, fn, "[]");
    }
    ledger::MemState m_base;
};

TEST_F(RawRun, WatchdogStopsALoopGasDoesNotBound) {
    // 500 ms: long enough for a context even on a loaded machine.
    auto e = MakeJsEngine({64u << 20, 500});
    auto r = Run(*e, "class A { f() { while (true) {} } } module.exports = A;", "f");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().message, "timeout");
    r = Run(*e, "class A { f() { return 1; } } module.exports = A;", "f");
    ASSERT_TRUE(r.ok()) << r.error().message;  // the isolate is usable again
    EXPECT_EQ(*r, "[1]");
}

TEST_F(RawRun, HeapLimitStopsAllocation) {
    auto e = MakeJsEngine({16u << 20, 10'000});
    auto r =
        Run(*e,
            "class A { f() { const a = []; while (true) a.push(new Array(10000).fill(1.5)); } }"
            " module.exports = A;",
            "f");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().message, "out of memory: heap limit exceeded");
    r = Run(*e, "class A { f() { return [1,2].length; } } module.exports = A;", "f");
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(*r, "[2]");
}

// blockchain.event (docs/contracts.md "Events"): kept in the receipt as
// CONTRACT_EVENTs of the posting contract, charged per byte, bounded per
// transaction, and gone with a failed transaction.
TEST(JsEngine, EventsAreChargedBoundedAndDroppedOnFailure) {
    JsChain c;
    const char* code = R"(class E {
  emit(n, size) {
    for (let i = 0; i < n; i++) blockchain.event('x'.repeat(size));
  }
  build(n, size) {
    for (let i = 0; i < n; i++) blockchain.contractName('x'.repeat(size));
  }
  emitThenFail() { blockchain.event('lost'); throw new Error('no'); }
  nested(other) { blockchain.event('outer'); blockchain.call(other, 'emit', [1, 3]); }
}
module.exports = E;)";
    json abi = json::array({{{"name", "emit"}, {"args", {"number", "number"}}},
                            {{"name", "build"}, {"args", {"number", "number"}}},
                            {{"name", "emitThenFail"}, {"args", json::array()}},
                            {{"name", "nested"}, {"args", {"string"}}}});
    const std::string id = c.Deploy(code, abi);
    const std::string id2 = c.Deploy(code, abi);
    auto empty = c.Call(id, "emit", {1, 0});
    ASSERT_TRUE(empty.ok()) << empty.status.message;
    ASSERT_EQ(empty.events.size(), 1u);
    EXPECT_EQ(empty.events[0], (core::ContractEvent{id, ""}));
    EXPECT_TRUE(empty.receipts.empty());
    // Same-length transactions, so that only the event's size differs.
    auto small = c.Call(id, "emit", {1, 1000});
    auto big = c.Call(id, "emit", {1, 2000});
    ASSERT_TRUE(small.ok()) << small.status.message;
    ASSERT_TRUE(big.ok()) << big.status.message;
    ASSERT_EQ(big.events.size(), 1u);
    EXPECT_EQ(big.events[0].data, std::string(2000, 'x'));
    // go-iost EventCost: one gas per byte (gas_usage is x100). The same
    // strings made without an event cost what 'x'.repeat adds by size
    // (docs/contracts.md "Size-aware gas"), which is not the event's.
    auto small_built = c.Call(id, "build", {1, 1000});
    auto big_built = c.Call(id, "build", {1, 2000});
    ASSERT_TRUE(small_built.ok()) << small_built.status.message;
    ASSERT_TRUE(big_built.ok()) << big_built.status.message;
    EXPECT_EQ((big.gas_usage - small.gas_usage) - (big_built.gas_usage - small_built.gas_usage),
              1000 * ledger::kGasPerEventByte * 100);
    // The events survive the receipt's canonical bytes.
    auto d = core::TxReceipt::Decode(big.Encode());
    ASSERT_TRUE(d.ok()) << d.error().message;
    EXPECT_EQ(*d, big);

    // Each nested contract posts under its own id, in order.
    auto n = c.Call(id, "nested", {id2});
    ASSERT_TRUE(n.ok()) << n.status.message;
    ASSERT_EQ(n.events.size(), 2u);
    EXPECT_EQ(n.events[0], (core::ContractEvent{id, "outer"}));
    EXPECT_EQ(n.events[1], (core::ContractEvent{id2, "xxx"}));

    auto failed = c.Call(id, "emitThenFail", json::array());
    EXPECT_FALSE(failed.ok());
    EXPECT_TRUE(failed.events.empty());

    auto many = c.Call(id, "emit", {ledger::kMaxEventsPerTx + 1, 0});
    EXPECT_NE(many.status.message.find("too many events"), std::string::npos)
        << many.status.message;
    EXPECT_TRUE(many.events.empty());
    auto huge = c.Call(id, "emit", {1, ledger::kMaxEventBytes + 1});
    EXPECT_NE(huge.status.message.find("event too large"), std::string::npos)
        << huge.status.message;
    auto most = c.Call(id, "emit", {ledger::kMaxEventsPerTx, 0});
    ASSERT_TRUE(most.ok()) << most.status.message;
    EXPECT_EQ(most.events.size(), ledger::kMaxEventsPerTx);
}

TEST(JsEngine, ReceiptsPerTransactionAreCapped) {
    // A receipt the node could not decode again must never be made: the
    // cap fails the action instead (ledger::kMaxReceiptsPerTx).
    JsChain c;
    const char* code = R"(class R {
  many(n) { for (let i = 0; i < n; i++) blockchain.receipt('r'); }
}
module.exports = R;)";
    const std::string id = c.Deploy(code, json::array({{{"name", "many"}, {"args", {"number"}}}}));
    auto at = c.Call(id, "many", {ledger::kMaxReceiptsPerTx});
    ASSERT_TRUE(at.ok()) << at.status.message;
    EXPECT_EQ(at.receipts.size(), ledger::kMaxReceiptsPerTx);
    // Named "<contract>/<abi>" as go-iost names it (vm/host/vm_apis.go).
    EXPECT_EQ(at.receipts.front().func_name, id + "/many");
    auto d = core::TxReceipt::Decode(at.Encode());
    ASSERT_TRUE(d.ok()) << d.error().message;
    auto over = c.Call(id, "many", {ledger::kMaxReceiptsPerTx + 1});
    EXPECT_NE(over.status.message.find("too many receipts"), std::string::npos)
        << over.status.message;
    EXPECT_TRUE(over.receipts.empty());
}

TEST(JsEngine, CallsBetweenContractsTransfersAndReceipts) {
    JsChain c;
    // A bank: deposit moves the caller's IOST into the contract, withdraw
    // pays out with the contract's own authority.
    const char* bank = R"(class Bank {
  deposit(from, amount) {
    blockchain.deposit(from, amount, 'in');
    const old = new BigNumber(storage.mapGet('bal', from) || '0');
    storage.mapPut('bal', from, old.plus(amount).toFixed());
    blockchain.event(JSON.stringify({ deposit: from, amount }));
  }
  withdraw(to, amount) {
    if (!blockchain.requireAuth(to, 'active')) throw new Error('permission denied');
    const old = new BigNumber(storage.mapGet('bal', to) || '0');
    if (old.lt(amount)) throw new Error('balance not enough');
    storage.mapPut('bal', to, old.minus(amount).toFixed());
    blockchain.withdraw(to, amount, 'out');
  }
  balance(who) { return storage.mapGet('bal', who) || '0'; }
}
module.exports = Bank;)";
    json babi = json::array({{{"name", "deposit"},
                              {"args", {"string", "string"}},
                              {"amountLimit", {{{"token", "iost"}, {"val", "unlimited"}}}}},
                             {{"name", "withdraw"}, {"args", {"string", "string"}}},
                             {{"name", "balance"}, {"args", {"string"}}}});
    const std::string bid = c.Deploy(bank, babi);
    const int64_t before = ledger::BalanceOf(c.state(), "iost", "alice");
    auto r = c.Call(bid, "deposit", {"alice", "12.5"});
    ASSERT_EQ(r.status.code, core::StatusCode::kSuccess) << r.status.message;
    EXPECT_EQ(ledger::BalanceOf(c.state(), "iost", bid), 1'250'000'000);
    EXPECT_EQ(ledger::BalanceOf(c.state(), "iost", "alice"), before - 1'250'000'000);
    // blockchain.event is a CONTRACT_EVENT (go-iost PostEvent), not a receipt.
    ASSERT_EQ(r.events.size(), 1u);
    EXPECT_EQ(r.events[0].contract, bid);
    EXPECT_EQ(r.events[0].data, R"({"deposit":"alice","amount":"12.5"})");
    for (const auto& rc : r.receipts) EXPECT_NE(rc.func_name, bid) << rc.content;
    // Someone else cannot take alice's deposit.
    r = c.Call(bid, "withdraw", {"alice", "1"}, "bobby");
    EXPECT_NE(r.status.message.find("permission denied"), std::string::npos) << r.status.message;
    r = c.Call(bid, "withdraw", {"alice", "2.5"});
    ASSERT_EQ(r.status.code, core::StatusCode::kSuccess) << r.status.message;
    EXPECT_EQ(ledger::BalanceOf(c.state(), "iost", bid), 1'000'000'000);

    // A contract calling another one: its caller is the contract.
    std::string proxy =
        "class P { bal(b, who) { return blockchain.call(b, 'balance', [who])[0]; } "
        "steal(b) { blockchain.call(b, 'withdraw', ['alice', '1']); } }"
        " module.exports = P;";
    const std::string pid =
        c.Deploy(proxy, json::array({{{"name", "bal"}, {"args", {"string", "string"}}},
                                     {{"name", "steal"}, {"args", {"string"}}}}));
    r = c.Call(pid, "bal", {bid, "alice"}, "carol");
    ASSERT_EQ(r.status.code, core::StatusCode::kSuccess) << r.status.message;
    EXPECT_EQ(r.returns.at(0), "[\"10\"]");
    r = c.Call(pid, "steal", {bid}, "carol");
    EXPECT_NE(r.status.message.find("permission denied"), std::string::npos) << r.status.message;
}

}  // namespace
}  // namespace iost::vm
