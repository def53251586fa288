// The JavaScript contract runtime's rules beyond the basics
// (docs/contracts.md "JavaScript contracts"): a method's ABI amountLimit as
// go-iost's vm/monitor.go enforces it, IOSTCrypto against IOST's documented
// vectors, size-aware gas (one built-in call on a huge value runs out of gas
// on every node instead of meeting the heap limit on one), and hostile
// contracts that must fail the same way on every run and every engine.
#include <crypto/keys.h>
#include <gtest/gtest.h>
#include <util/bytes.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "js_chain.h"

namespace iost::vm {
namespace {

using ledger::testing::kIost;
using nlohmann::json;
using testing::JsChain;

json Method(const std::string& name, std::vector<std::string> args = {},
            json amount_limit = json::array()) {
    return {{"name", name}, {"args", args}, {"amountLimit", amount_limit}};
}
json Limit(const std::string& token, const std::string& val) {
    return {{"token", token}, {"val", val}};
}

// --- ABI amountLimit ---

const char* kPayer = R"(class Payer {
  pay(to, amount) { blockchain.transfer(tx.publisher, to, amount, ''); }
  payStar(to, amount) { blockchain.transfer(tx.publisher, to, amount, ''); }
  payFree(to, amount) { blockchain.transfer(tx.publisher, to, amount, ''); }
  payNone(to, amount) { blockchain.transfer(tx.publisher, to, amount, ''); }
  payTwice(to, amount) {
    blockchain.transfer(tx.publisher, to, amount, '');
    blockchain.transfer(tx.publisher, to, amount, '');
  }
  toSelf(amount) { blockchain.transfer(tx.publisher, tx.publisher, amount, ''); }
  deposit(amount) { blockchain.deposit(tx.publisher, amount, ''); }
  payOut(to, amount) { blockchain.withdraw(to, amount, ''); }
}
module.exports = Payer;)";

json PayerAbi() {
    const std::vector<std::string> two{"string", "string"};
    return json::array(
        {Method("pay", two, {Limit("iost", "10")}), Method("payStar", two, {Limit("*", "10")}),
         Method("payFree", two, {Limit("iost", "unlimited")}), Method("payNone", two),
         Method("payTwice", two, {Limit("iost", "10")}), Method("toSelf", {"string"}),
         Method("deposit", {"string"}, {Limit("iost", "100")}), Method("payOut", two)});
}

TEST(JsAmountLimit, AMethodSpendsAtMostItsAbiLimit) {
    JsChain c;
    const std::string id = c.Deploy(kPayer, PayerAbi());
    const int64_t alice0 = ledger::BalanceOf(c.state(), "iost", "alice");
    // Exactly the limit passes; one raw unit more fails with IOST's message
    // and moves nothing.
    auto r = c.Call(id, "pay", {"bobby", "10"});
    ASSERT_EQ(r.status.code, core::StatusCode::kSuccess) << r.status.message;
    EXPECT_EQ(ledger::BalanceOf(c.state(), "iost", "alice"), alice0 - 10 * kIost);
    r = c.Call(id, "pay", {"bobby", "10.00000001"});
    EXPECT_EQ(r.status.code, core::StatusCode::kRuntimeError);
    EXPECT_NE(r.status.message.find("token iost exceed amountLimit in abi. need 10.00000001"),
              std::string::npos)
        << r.status.message;
    EXPECT_EQ(ledger::BalanceOf(c.state(), "iost", "alice"), alice0 - 10 * kIost);
    // Spends add up over the action.
    r = c.Call(id, "payTwice", {"bobby", "5"});
    EXPECT_EQ(r.status.code, core::StatusCode::kSuccess) << r.status.message;
    r = c.Call(id, "payTwice", {"bobby", "5.00000001"});
    EXPECT_NE(r.status.message.find("exceed amountLimit in abi. need 10.00000002"),
              std::string::npos)
        << r.status.message;
    // "*" is in whole tokens: the need is rounded up.
    r = c.Call(id, "payStar", {"bobby", "10"});
    EXPECT_EQ(r.status.code, core::StatusCode::kSuccess) << r.status.message;
    r = c.Call(id, "payStar", {"bobby", "9.5"});
    EXPECT_EQ(r.status.code, core::StatusCode::kSuccess) << r.status.message;
    r = c.Call(id, "payStar", {"bobby", "10.00000001"});
    EXPECT_NE(r.status.message.find("exceed amountLimit in abi. need 10.00000001"),
              std::string::npos)
        << r.status.message;
    r = c.Call(id, "payFree", {"bobby", "1000"});
    EXPECT_EQ(r.status.code, core::StatusCode::kSuccess) << r.status.message;
    // No amountLimit: the method may not spend the signer's tokens at all.
    r = c.Call(id, "payNone", {"bobby", "0.00000001"});
    EXPECT_NE(r.status.message.find("exceed amountLimit in abi. need 0.00000001"),
              std::string::npos)
        << r.status.message;
    // A transfer to oneself spends nothing (go-iost skips from == to).
    r = c.Call(id, "toSelf", {"50"});
    EXPECT_EQ(r.status.code, core::StatusCode::kSuccess) << r.status.message;
    // The contract's own tokens are not the signer's: withdraw is free of
    // the limit (its ABI has none).
    r = c.Call(id, "deposit", {"100"});
    ASSERT_EQ(r.status.code, core::StatusCode::kSuccess) << r.status.message;
    r = c.Call(id, "payOut", {"bobby", "100"});
    EXPECT_EQ(r.status.code, core::StatusCode::kSuccess) << r.status.message;
    EXPECT_EQ(ledger::BalanceOf(c.state(), "iost", id), 0);
}

TEST(JsAmountLimit, TheTransactionsLimitStillApplies) {
    JsChain c;
    const std::string id = c.Deploy(kPayer, PayerAbi());
    // Within the ABI's 10 but over the transaction's 5.
    auto r = c.Run("alice", {{id, "pay", json::array({"bobby", "7"}).dump()}}, 200'000'000,
                   {{"iost", "5"}});
    EXPECT_NE(r.status.message.find("exceed amountLimit in tx"), std::string::npos)
        << r.status.message;
    r = c.Run("alice", {{id, "pay", json::array({"bobby", "5"}).dump()}}, 200'000'000,
              {{"iost", "5"}});
    EXPECT_EQ(r.status.code, core::StatusCode::kSuccess) << r.status.message;
}

TEST(JsAmountLimit, OnlyTheTopLevelMethodsLimitCounts) {
    JsChain c;
    const std::string pid = c.Deploy(kPayer, PayerAbi());
    // An outer contract whose method allows 3 calls the payer's unlimited
    // method: the outer limit bounds the whole action (go-iost checks at
    // stack height 1 only).
    const std::string outer = R"(class O {
  via(p, to, amount) { blockchain.call(p, 'payFree', [to, amount]); }
}
module.exports = O;)";
    const std::string oid = c.Deploy(
        outer, json::array({Method("via", {"string", "string", "string"}, {Limit("iost", "3")})}));
    auto r = c.Call(oid, "via", {pid, "bobby", "3"});
    EXPECT_EQ(r.status.code, core::StatusCode::kSuccess) << r.status.message;
    r = c.Call(oid, "via", {pid, "bobby", "3.1"});
    EXPECT_NE(r.status.message.find("exceed amountLimit in abi. need 3.1"), std::string::npos)
        << r.status.message;
}

TEST(JsAmountLimit, DeployRefusesAMalformedLimit) {
    JsChain c;
    auto r =
        c.Run("alice",
              {{"system.iost", "setCode",
                json::array(
                    {testing::ContractJson(
                        kPayer, json::array({Method("pay", {"string"}, {Limit("iost", "1a0")})}))})
                    .dump()}});
    EXPECT_NE(r.status.message.find("abnormal char in amount"), std::string::npos)
        << r.status.message;
}

// --- IOSTCrypto ---

TEST(JsCrypto, MatchesIostsDocumentedVectors) {
    JsChain c;
    const char* code = R"(class K {
  sha3(s) { return IOSTCrypto.sha3(s); }
  sha3Hex(s) { return IOSTCrypto.sha3Hex(s); }
  ripemd160Hex(s) { return IOSTCrypto.ripemd160Hex(s); }
  verify(a, m, s, p) { return IOSTCrypto.verify(a, m, s, p); }
}
module.exports = K;)";
    const std::string id =
        c.Deploy(code, json::array({Method("sha3", {"string"}), Method("sha3Hex", {"string"}),
                                    Method("ripemd160Hex", {"string"}),
                                    Method("verify", {"string", "string", "string", "string"})}));
    auto ret = [&](const std::string& fn, const json& args) {
        auto r = c.Call(id, fn, args);
        EXPECT_EQ(r.status.code, core::StatusCode::kSuccess) << fn << ": " << r.status.message;
        return r.returns.empty() ? json() : json::parse(r.returns.at(0)).at(0);
    };
    // iost-docs "IOSTCrypto object": sha3 is base58(SHA3-256(text)).
    EXPECT_EQ(ret("sha3", {"Fule will be expensive. Everyone will have a small car."}),
              "EBNarfcGkAczpeiSJwtUfH9FEVd1xFhdZis83erU9WNu");
    // sha3Hex and ripemd160Hex take hex (go-iost vm/v8vm/crypto.go); "abc":
    EXPECT_EQ(ret("sha3Hex", {"616263"}),
              "3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532");
    EXPECT_EQ(ret("ripemd160Hex", {"616263"}), "8eb208f7e05d987a9b044a8e98c6b087f15a0bfc");
    EXPECT_EQ(ret("sha3Hex", {"not hex"}), "");
    EXPECT_EQ(ret("ripemd160Hex", {"abc"}), "");  // odd length
    // iost-docs' verify example: base58 "hello world", signature, pubkey.
    const std::string msg = "StV1DL6CwTryKyV";
    const std::string sig =
        "38V8bZC4e78pU7zBN86CF8R8ip76Rhf3vyiwTQR2MVkqHesmUbZJVmN8AE6eWhQg6ekKaa2H4iB4JJibC5stBRrN";
    const std::string pub = "2vSjKSXhepo7vmbPQHFcnEvx8mWRFrf46DaTX1Bp3TBi";
    EXPECT_EQ(ret("verify", {"ed25519", msg, sig, pub}), 1);
    EXPECT_EQ(
        ret("verify", {"ed25519", util::Base58Encode(util::AsBytes("hello worle")), sig, pub}), 0);
    EXPECT_EQ(ret("verify", {"secp256k1", msg, sig, pub}), 0);
    EXPECT_EQ(ret("verify", {"rsa", msg, sig, pub}), 0);
    // secp256k1, signed here over a 32-byte message (IOST signs hashes).
    const auto kp = crypto::KeyPair::FromSeed(crypto::Algorithm::kSecp256k1, "js-crypto");
    const auto hash = crypto::Sha3_256(util::AsBytes("hello"));
    const auto ks = kp.Sign(crypto::View(hash));
    const auto b58 = [](const auto& b) {
        return util::Base58Encode(util::ByteView(b.data(), b.size()));
    };
    EXPECT_EQ(ret("verify", {"secp256k1", b58(hash), b58(ks), b58(kp.public_key().bytes)}), 1);
    EXPECT_EQ(ret("verify", {"ed25519", b58(hash), b58(ks), b58(kp.public_key().bytes)}), 0);
}

TEST(JsCrypto, CostsAHundredGasPlusOnePerByte) {
    JsChain c;
    const char* code = R"(class K {
  h(s) { IOSTCrypto.sha3(s); }
}
module.exports = K;)";
    const std::string id = c.Deploy(code, json::array({Method("h", {"string"})}));
    auto small = c.Call(id, "h", {"x"});
    auto big = c.Call(id, "h", {std::string(1001, 'x')});
    ASSERT_EQ(big.status.code, core::StatusCode::kSuccess) << big.status.message;
    // 1000 more bytes hashed (+1000 gas) and 1000 more bytes of tx (net,
    // kGasPerNetByte each); gas_usage is in 1/100 gas.
    EXPECT_EQ((big.gas_usage - small.gas_usage) / 100, 1000 + 1000 * ledger::kGasPerNetByte);
}

// --- size-aware gas ---

const char* kHungry = R"(class H {
  repeat(n) { return 'x'.repeat(n).length; }
  pad(n) { return ''.padStart(n, 'ab').length; }
  fill(n) { return new Array(n).fill(0).length; }
  ctor(n) { return new Array(n).length; }
  doubling() { let s = 'x'; for (let i = 0; i < 40; i++) { s += s; } return s.length; }
  join(n) { return new Array(n).fill('y'.repeat(1000)).join('').length; }
  replaceAll(n) { return 'x'.repeat(n).replaceAll('', 'y'.repeat(n)).length; }
  stringify(n) {
    const a = [];
    const s = 'z'.repeat(1000);
    for (let i = 0; i < n; i++) a.push(s);
    return JSON.stringify(a).length;
  }
  template(n) { const s = 'q'.repeat(n); return `${s}${s}`.length; }
  spread(n) { const a = new Array(n).fill(1); return Math.max(...a); }
  bigNumber(n) { const x = new BigNumber('0.' + '7'.repeat(n)); return x.times(x).toFixed().length; }
  bigFixed(n) { return new BigNumber('1.5').toFixed(n).length; }
  put(n) { storage.put('k', 'v'.repeat(n)); }
}
module.exports = H;)";

json HungryAbi() {
    json abi = json::array();
    for (const char* n : {"repeat", "pad", "fill", "ctor", "join", "replaceAll", "stringify",
                          "template", "spread", "bigNumber", "bigFixed", "put"}) {
        abi.push_back(Method(n, {"number"}));
    }
    abi.push_back(Method("doubling"));
    return abi;
}

TEST(JsSizeGas, BuiltInsAreChargedBySize) {
    JsChain c;
    const std::string id = c.Deploy(kHungry, HungryAbi());
    auto gas = [&](const char* fn, int64_t n) {
        auto r = c.Call(id, fn, {n});
        EXPECT_EQ(r.status.code, core::StatusCode::kSuccess) << fn << ": " << r.status.message;
        return r.gas_usage / 100;
    };
    // 4 chars per gas: 40,000 more chars cost 10,000 more gas (and one more
    // byte of the tx's data).
    // (4 more bytes of tx data and 4 of return value, at kGasPerNetByte.)
    EXPECT_EQ(gas("repeat", 40'001) - gas("repeat", 1), 10'000 + 8 * ledger::kGasPerNetByte);
    EXPECT_GE(gas("pad", 40'001) - gas("pad", 1), 10'000);
    EXPECT_GE(gas("fill", 10'001) - gas("fill", 1), 2 * 10'000);  // ctor + fill, 1 per element
    EXPECT_GE(gas("join", 101) - gas("join", 1), 100 * 1000 / 4);
    EXPECT_GE(gas("stringify", 101) - gas("stringify", 1), 100 * 1000 / 4);
    EXPECT_GE(gas("template", 40'001) - gas("template", 1), 2 * 40'000 / 4);
    EXPECT_GE(gas("spread", 10'001) - gas("spread", 1), 10'000);
    EXPECT_GE(gas("bigNumber", 1001) - gas("bigNumber", 1), 4 * 2 * 1000);
}

TEST(JsSizeGas, HugeValuesRunOutOfGasTheSameOnEveryEngine) {
    JsChain a;
    JsChain b(MakeJsEngine());  // another node's engine
    const std::string ida = a.Deploy(kHungry, HungryAbi());
    const std::string idb = b.Deploy(kHungry, HungryAbi());
    ASSERT_EQ(ida, idb);
    const std::vector<std::pair<const char*, json>> cases = {
        {"repeat", {100'000'000}}, {"pad", {100'000'000}},      {"fill", {10'000'000}},
        {"ctor", {10'000'000}},    {"doubling", json::array()}, {"join", {2000}},
        {"replaceAll", {2000}},    {"stringify", {2000}},       {"template", {1 << 20}},
        {"bigNumber", {20'000}},   {"bigFixed", {100'000'000}}};
    // 50,000 gas each (out of gas is charged in full; the callers take
    // turns so that their gas lasts).
    const char* callers[] = {"alice", "bobby", "carol"};
    size_t turn = 0;
    for (const auto& [fn, args] : cases) {
        const char* who = callers[turn++ % 3];
        auto ra = a.Call(ida, fn, args, who, 5'000'000);
        auto rb = b.Call(idb, fn, args, who, 5'000'000);
        EXPECT_EQ(ra.status.message, "out of gas") << fn;
        EXPECT_EQ(ra.gas_usage, 5'000'000) << fn;  // charged in full
        EXPECT_EQ(ra.status.message, rb.status.message) << fn;
        EXPECT_EQ(a.root(), b.root()) << fn;
    }
    // Controls: the same methods on sizes within the caps succeed.
    for (const auto& [fn, n] : std::vector<std::pair<const char*, int64_t>>{
             {"repeat", 1000}, {"fill", 1000}, {"join", 10}, {"replaceAll", 30}}) {
        auto r = a.Call(ida, fn, {n}, "alice", 5'000'000);
        EXPECT_EQ(r.status.code, core::StatusCode::kSuccess) << fn << ": " << r.status.message;
    }
    // storage.put of a value past the 64 KiB entry limit is refused by size.
    auto r = a.Call(ida, "put", {70'000}, "alice", 20'000'000);
    EXPECT_NE(r.status.message.find("storage value too large"), std::string::npos)
        << r.status.message;
}

// --- hostile contracts ---

const char* kHostile = R"(class H {
  recurse() { const f = (n) => f(n + 1) + 1; return f(0); }
  recurseCaught() {
    let depth = 0;
    const f = () => { depth++; f(); };
    try { f(); } catch (e) { storage.put('depth', '' + depth); }
    return depth;
  }
  recurseCaughtNoBinding() {
    const f = () => f();
    try { f(); } catch { return 'caught'; }
  }
  throwNull() { throw null; }
  throwUndefined() { throw undefined; }
  throwNumber() { throw 42; }
  throwObject() { throw { toString() { while (true) {} } }; }
  throwSymbol() { throw Symbol('s'); }
  throwError() { throw new TypeError('typed'); }
  getterReturn() { return { get x() { throw new Error('getter boom'); } }; }
  toJsonReturn() { return { toJSON() { throw new Error('toJSON boom'); } }; }
  getterArgs() {
    blockchain.call(blockchain.contractName(), 'echo', [{ get x() { throw new Error('arg boom'); } }]);
  }
  echo(x) { return x; }
  tamper() {
    Object.prototype.polluted = 'yes';
    Array.prototype.push = null;
    String.prototype.repeat = () => 'fake';
    JSON.parse = () => 1;
    Math.ceil = () => 0;
    Function.prototype.apply = function () { return 'hijacked'; };
    return 'x'.repeat(3);
  }
  afterTamper() {
    return [({}).polluted === undefined, typeof [].push, 'x'.repeat(3), JSON.parse('[2]')[0],
            Math.ceil(1.5), 'ab'.padStart(3)];
  }
  tamperCharge() {
    Math.trunc = () => 0; Math.ceil = () => 0; Number = () => 0; String = () => '';
    Function.prototype.apply = function () { return 1; };
    return 'x'.repeat(100000000).length;
  }
  ctorTricks() {
    const r = [];
    for (const f of [() => ({}).constructor.constructor('return this')(),
                     () => (() => 1).constructor('return 1')(),
                     () => Object.getPrototypeOf(function* () {}).constructor('yield 1'),
                     () => [].constructor.constructor('return 2')()]) {
      try { f(); r.push('ran'); } catch (e) { r.push(e.name); }
    }
    return r;
  }
  removed() {
    const r = {};
    for (const n of ['ArrayBuffer', 'Uint8Array', 'DataView', 'Date', 'Proxy', 'Reflect',
                     'WebAssembly', 'SharedArrayBuffer', '_IOSTNative']) {
      r[n] = typeof globalThis[n];
    }
    try { RegExp('(a+)+$'); r.RegExp = 'made'; } catch (e) { r.RegExp = 'refused'; }
    try { 'aaaa'.match('(a+)+$'); r.match = 'ran'; } catch (e) { r.match = 'refused'; }
    return r;
  }
}
module.exports = H;)";

json HostileAbi() {
    json abi = json::array();
    for (const char* n :
         {"recurse", "recurseCaught", "recurseCaughtNoBinding", "throwNull", "throwUndefined",
          "throwNumber", "throwObject", "throwSymbol", "throwError", "getterReturn", "toJsonReturn",
          "getterArgs", "tamper", "afterTamper", "tamperCharge", "ctorTricks", "removed"}) {
        abi.push_back(Method(n));
    }
    abi.push_back(Method("echo", {"json"}));
    return abi;
}

TEST(JsHostile, EveryFailureIsCleanAndTheSameOnEveryEngine) {
    JsChain a;
    JsChain b(MakeJsEngine());
    const std::string id = a.Deploy(kHostile, HostileAbi());
    ASSERT_EQ(id, b.Deploy(kHostile, HostileAbi()));
    const std::vector<std::pair<const char*, const char*>> expect = {
        {"recurse", "out of gas"},
        {"recurseCaught", "out of gas"},  // the overflow cannot be caught
        {"recurseCaughtNoBinding", "out of gas"},
        {"throwNull", "null"},
        {"throwUndefined", "undefined"},
        {"throwNumber", "42"},
        {"throwObject", "uncaught object"},  // its toString is never run
        {"throwSymbol", "uncaught symbol"},
        {"throwError", "TypeError: typed"},
        {"getterReturn", "Error: getter boom"},
        {"toJsonReturn", "Error: toJSON boom"},
        {"getterArgs", "Error: arg boom"},
        {"tamperCharge", "out of gas"},  // tampering changes nothing that is charged
    };
    const char* callers[] = {"alice", "bobby", "carol"};
    size_t turn = 0;
    for (const auto& [fn, want] : expect) {
        const char* who = callers[turn++ % 3];
        auto ra = a.Call(id, fn, json::array(), who, 5'000'000);  // 50,000 gas
        auto rb = b.Call(id, fn, json::array(), who, 5'000'000);
        EXPECT_EQ(ra.status.code, core::StatusCode::kRuntimeError) << fn;
        EXPECT_NE(ra.status.message.find(want), std::string::npos)
            << fn << ": " << ra.status.message;
        EXPECT_EQ(ra.status.message, rb.status.message) << fn;
        EXPECT_EQ(ra.gas_usage, rb.gas_usage) << fn;
        EXPECT_EQ(a.root(), b.root()) << fn;
    }
    EXPECT_FALSE(a.state().Get(ledger::StorageKey(id, "depth")));  // nothing committed
}

TEST(JsHostile, TamperingStaysInsideOneCall) {
    JsChain c;
    const std::string id = c.Deploy(kHostile, HostileAbi());
    auto r = c.Call(id, "tamper", json::array());
    ASSERT_EQ(r.status.code, core::StatusCode::kSuccess) << r.status.message;
    EXPECT_EQ(r.returns.at(0), "[\"fake\"]");  // the tampering took effect in its call
    r = c.Call(id, "afterTamper", json::array());
    ASSERT_EQ(r.status.code, core::StatusCode::kSuccess) << r.status.message;
    EXPECT_EQ(r.returns.at(0), "[[true,\"function\",\"xxx\",2,2,\" ab\"]]");
}

TEST(JsHostile, ConstructorTricksAndRemovedGlobals) {
    JsChain c;
    const std::string id = c.Deploy(kHostile, HostileAbi());
    auto r = c.Call(id, "ctorTricks", json::array());
    ASSERT_EQ(r.status.code, core::StatusCode::kSuccess) << r.status.message;
    EXPECT_EQ(r.returns.at(0), "[[\"EvalError\",\"EvalError\",\"EvalError\",\"EvalError\"]]");
    r = c.Call(id, "removed", json::array());
    ASSERT_EQ(r.status.code, core::StatusCode::kSuccess) << r.status.message;
    json p = json::parse(r.returns.at(0)).at(0);
    for (const char* g : {"ArrayBuffer", "Uint8Array", "DataView", "Date", "Proxy", "Reflect",
                          "WebAssembly", "SharedArrayBuffer", "_IOSTNative"}) {
        EXPECT_EQ(p.at(g), "undefined") << g;
    }
    EXPECT_EQ(p.at("RegExp"), "refused");
    EXPECT_EQ(p.at("match"), "refused");
    // A regular expression literal is refused at deployment.
    auto d = c.Run(
        "alice",
        {{"system.iost", "setCode",
          json::array({testing::ContractJson("class R { f() { return /(a+)+$/.test('a'); } }\n"
                                             "module.exports = R;",
                                             json::array({Method("f")}))})
              .dump()}});
    EXPECT_NE(d.status.message.find("regular expressions are not allowed"), std::string::npos)
        << d.status.message;
}

}  // namespace
}  // namespace iost::vm
