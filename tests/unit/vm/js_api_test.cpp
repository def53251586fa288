// The contract API checked value by value against go-iost (issue #16.2;
// docs/contracts.md "JavaScript contracts"): storage has/map*/global*
// (vm/v8vm/v8/libjs/storage.js, vm/host/db_handler.go,
// vm/database/map_handler.go), blockchain.blockInfo/txInfo/contextInfo
// (vm/host/info.go), contractOwner, callWithAuth and requireAuth
// (vm/host/authority.go), Int64/Float64 (libjs/int64.js, float64.js) and the
// contract call depth (vm/host/host.go call: stack height at most 5).
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
using testing::kSec;

json Method(const std::string& name, std::vector<std::string> args = {},
            json amount_limit = json::array()) {
    return {{"name", name}, {"args", args}, {"amountLimit", amount_limit}};
}

// The single return value of a successful call.
json Ret(const core::TxReceipt& r) {
    EXPECT_EQ(r.status.code, core::StatusCode::kSuccess) << r.status.message;
    if (r.returns.empty()) return json();
    return json::parse(r.returns.at(0)).at(0);
}

// --- storage ---

const char* kStore = R"(class Store {
  init() { storage.put('greeting', 'hello'); }
  kv() {
    const r = [storage.has('k'), storage.get('k')];
    storage.put('k', 'v1');
    r.push(storage.has('k'), storage.get('k'));
    storage.put('empty', '');
    r.push(storage.has('empty'), storage.get('empty'));
    storage.del('k');
    storage.del('never');
    r.push(storage.has('k'), storage.get('k'));
    return r;
  }
  readEmpty() { return [storage.has('empty'), storage.get('empty')]; }
  maps() {
    const r = { emptyKeys: storage.mapKeys('m'), emptyLen: storage.mapLen('m'),
                hasBefore: storage.mapHas('m', 'a') };
    storage.mapPut('m', 'b', '2');
    storage.mapPut('m', 'a', '1');
    storage.mapPut('m', 'c', '3');
    storage.mapPut('m', 'a', '1bis');
    r.keys = storage.mapKeys('m');
    r.len = storage.mapLen('m');
    r.has = [storage.mapHas('m', 'a'), storage.mapHas('m', 'z'), storage.has('m')];
    r.get = [storage.mapGet('m', 'a'), storage.mapGet('m', 'z')];
    storage.mapDel('m', 'a');
    storage.mapDel('m', 'zz');
    r.afterDel = [storage.mapKeys('m'), storage.mapLen('m'), storage.mapHas('m', 'a'),
                  storage.mapGet('m', 'a')];
    return r;
  }
  clear() {
    storage.mapDel('m', 'b');
    storage.mapDel('m', 'c');
    return [storage.mapKeys('m'), storage.mapLen('m'), storage.mapHas('m', 'b')];
  }
  key(k) {
    const cases = [
      () => storage.put('', 'v'), () => storage.put('x'.repeat(65), 'v'),
      () => storage.put('a-b', 'v'), () => storage.mapPut('m', 'a@b', 'v'),
      () => storage.del('tab\t'), () => storage.mapDel('m', '\u00e9'),
      () => storage.mapPut('', 'f', 'v'),
      () => storage.put('x'.repeat(64), 'v'), () => storage.put(' ~!#', 'v'),
      () => [storage.has('a-b'), storage.get('a-b'), storage.mapHas('m', 'a@b')]];
    return cases[k]() || 'ok';
  }
}
module.exports = Store;)";

json StoreAbi() {
    return json::array({Method("kv"), Method("readEmpty"), Method("maps"), Method("clear"),
                        Method("key", {"number"})});
}

TEST(JsApiStorage, HasGetPutDelAsGoIost) {
    JsChain c;
    const std::string id = c.Deploy(kStore, StoreAbi());
    // Missing keys read as null (go-iost goGet leaves the result unset);
    // has() is true for any stored value, the empty string included.
    EXPECT_EQ(Ret(c.Call(id, "kv", json::array())),
              json::parse(R"([false,null,true,"v1",true,"",false,null])"));
    EXPECT_FALSE(c.state().Get(ledger::StorageKey(id, "k")));
    EXPECT_EQ(c.state().Get(ledger::StorageKey(id, "empty")), std::optional<std::string>(""));
    // ... and the empty value is still there in a later block.
    EXPECT_EQ(Ret(c.Call(id, "readEmpty", json::array(), "bobby")), json::parse(R"([true,""])"));
}

TEST(JsApiStorage, MapKeysLenHasDelAsGoIost) {
    JsChain c;
    const std::string id = c.Deploy(kStore, StoreAbi());
    // go-iost MKeys: the fields in the order first put, an update adds none;
    // MapLen is their count; mapDel keeps the others' order and is a no-op
    // for an absent field. A map is not a plain key (has('m') is false).
    const json r = Ret(c.Call(id, "maps", json::array()));
    EXPECT_EQ(r.at("emptyKeys"), json::array());
    EXPECT_EQ(r.at("emptyLen"), 0);
    EXPECT_EQ(r.at("hasBefore"), false);
    EXPECT_EQ(r.at("keys"), json::parse(R"(["b","a","c"])"));
    EXPECT_EQ(r.at("len"), 3);
    EXPECT_EQ(r.at("has"), json::parse("[true,false,false]"));
    EXPECT_EQ(r.at("get"), json::parse(R"(["1bis",null])"));
    EXPECT_EQ(r.at("afterDel"), json::parse(R"([["b","c"],2,false,null])"));
    // What the API's getContractStorageFields reads is the same list.
    EXPECT_EQ(c.state().Get(ledger::StorageMapFieldsKey(id, "m")).value_or(""), R"(["b","c"])");
    EXPECT_FALSE(c.state().Get(ledger::StorageMapKey(id, "m", "a")));
    // Deleting the last fields removes the list itself.
    EXPECT_EQ(Ret(c.Call(id, "clear", json::array())), json::parse("[[],0,false]"));
    EXPECT_FALSE(c.state().Get(ledger::StorageMapFieldsKey(id, "m")));
    EXPECT_FALSE(c.state().Get(ledger::StorageMapKey(id, "m", "b")));
}

TEST(JsApiStorage, KeysAndFieldsFollowGoIostsRule) {
    JsChain c;
    const std::string id = c.Deploy(kStore, StoreAbi());
    // go-iost host.IsValidKey on what put, del, mapPut and mapDel take.
    const std::vector<std::string> refused = {
        "key or field length invalid. expected [1, 64], actual 0",
        "key or field length invalid. expected [1, 64], actual 65",
        "key or field has invalid char, 45",   // '-'
        "key or field has invalid char, 64",   // '@'
        "key or field has invalid char, 9",    // tab
        "key or field has invalid char, 233",  // U+00E9, as Go ranges over runes
        "key or field length invalid. expected [1, 64], actual 0",
    };
    for (size_t k = 0; k < refused.size(); ++k) {
        auto r = c.Call(id, "key", {k}, k % 2 ? "bobby" : "carol");
        EXPECT_EQ(r.status.code, core::StatusCode::kRuntimeError) << k;
        EXPECT_TRUE(r.status.message.ends_with("Error: " + refused[k]))
            << k << ": " << r.status.message;
    }
    // Controls: 64 bytes and printable characters are stored; reads take
    // any key (go-iost checks writes only).
    EXPECT_EQ(Ret(c.Call(id, "key", {7})), "ok");
    EXPECT_EQ(c.state().Get(ledger::StorageKey(id, std::string(64, 'x'))).value_or(""), "v");
    EXPECT_EQ(Ret(c.Call(id, "key", {8})), "ok");
    EXPECT_EQ(c.state().Get(ledger::StorageKey(id, " ~!#")).value_or(""), "v");
    EXPECT_EQ(Ret(c.Call(id, "key", {9})), json::parse("[false,null,false]"));
}

const char* kReader = R"(class Reader {
  read(c) {
    return [storage.globalHas(c, 'greeting'), storage.globalGet(c, 'greeting'),
            storage.globalHas(c, 'nope'), storage.globalGet(c, 'nope'),
            storage.globalMapHas(c, 'm', 'b'), storage.globalMapGet(c, 'm', 'b'),
            storage.globalMapHas(c, 'm', 'a'), storage.globalMapGet(c, 'm', 'a'),
            storage.globalMapKeys(c, 'm'), storage.globalMapLen(c, 'm'),
            storage.globalMapKeys(c, 'none'), storage.globalMapLen(c, 'none'),
            storage.has('greeting'), storage.get('greeting'),
            storage.globalGet('Contractnone', 'greeting'),
            typeof storage.globalPut, typeof storage.globalMapPut, typeof storage.globalDel];
  }
}
module.exports = Reader;)";

TEST(JsApiStorage, GlobalFunctionsReadAnotherContractsStorage) {
    JsChain c;
    const std::string store = c.Deploy(kStore, StoreAbi());
    const std::string reader =
        c.Deploy(kReader, json::array({Method("read", {"string"})}), "carol");
    ASSERT_EQ(Ret(c.Call(store, "maps", json::array())).at("keys").size(), 3u);
    // go-iost storage.js: global*(contract, key[, field]); values as the
    // owner stored them, null/false/[]/0 when absent; the reader's own
    // storage is separate (its has/get see nothing), and there is no way to
    // write another contract's storage.
    EXPECT_EQ(Ret(c.Call(reader, "read", {store}, "bobby")),
              json::parse(R"([true,"hello",false,null,true,"2",false,null,["b","c"],2,[],0,
                              false,null,null,"undefined","undefined","undefined"])"));
    // Control: the same reads of the reader itself find nothing of the store's.
    EXPECT_EQ(Ret(c.Call(reader, "read", {reader}, "bobby")),
              json::parse(R"([false,null,false,null,false,null,false,null,[],0,[],0,
                              false,null,null,"undefined","undefined","undefined"])"));
}

// --- blockInfo / txInfo / contextInfo / contractOwner ---

const char* kInfo = R"(class Info {
  info() {
    return { block: JSON.parse(blockchain.blockInfo()), blockGlobal: block,
             tx: JSON.parse(blockchain.txInfo()), txGlobal: tx, txText: blockchain.txInfo(),
             ctx: JSON.parse(blockchain.contextInfo()), ctxText: blockchain.contextInfo(),
             name: blockchain.contractName(), owner: blockchain.contractOwner(),
             publisher: blockchain.publisher(), caller: blockchain.caller() };
  }
  via(other) { return blockchain.call(other, 'info', [])[0]; }
}
module.exports = Info;)";

std::string B58(const crypto::Hash256& h) {
    return util::Base58Encode(util::ByteView(h.data(), h.size()));
}

TEST(JsApiInfo, BlockTxAndContextInfoAreTheRunningOnes) {
    JsChain c;
    const json abi = json::array({Method("info"), Method("via", {"string"})});
    const std::string a = c.Deploy(kInfo, abi, "alice");
    const std::string b = c.Deploy(kInfo, abi, "carol");

    const json r = Ret(c.Call(a, "info", json::array(), "bobby"));
    const core::Tx& t = c.last_tx();
    // go-iost Info.BlockInfo: the block being executed (parent_hash: see
    // docs/contracts.md; witness: the producer).
    const json block = {{"number", c.height()}, {"time", c.time()}, {"witness", "node1"}};
    EXPECT_EQ(r.at("block"), block);
    EXPECT_EQ(r.at("blockGlobal"), block);
    // go-iost Info.TxInfo, keys sorted as encoding/json writes a map.
    const std::string bobby_key =
        util::Base58Encode(ledger::testing::KeyOf("bobby").public_key().bytes);
    nlohmann::ordered_json tx = {
        {"actions", nlohmann::ordered_json::array(
                        {{{"contract", a}, {"actionName", "info"}, {"data", "[]"}}})},
        {"amount_limit", nlohmann::ordered_json::array({{{"token", "*"}, {"val", "unlimited"}}})},
        {"auth_list", {{bobby_key, 2}}},  // signed as the publisher
        {"expiration", t.expiration},
        {"gas_limit", t.gas_limit / t.gas_ratio},
        {"gas_ratio", 100},
        {"hash", B58(t.Hash())},
        {"publisher", "bobby"},
        {"time", t.time}};
    EXPECT_EQ(r.at("txText"), tx.dump());
    EXPECT_EQ(r.at("tx"), json::parse(tx.dump()));
    EXPECT_EQ(r.at("txGlobal"), json::parse(tx.dump()));
    EXPECT_EQ(t.time, c.time() - kSec / 2);  // not the block's time
    // go-iost Info.ContextInfo at the top: the caller is the publisher.
    EXPECT_EQ(r.at("ctxText"), R"({"abi_name":"info","caller":{"name":"bobby","is_account":true},)"
                               R"("contract_name":")" +
                                   a + R"(","publisher":"bobby"})");
    EXPECT_EQ(r.at("name"), a);
    EXPECT_EQ(r.at("owner"), "alice");  // the deployer, not the caller
    EXPECT_EQ(r.at("publisher"), "bobby");
    EXPECT_EQ(r.at("caller"), json::parse(R"({"name":"bobby","is_account":true})"));

    // Called from contract b: the caller is b (not an account), the rest is
    // still a's and the transaction's.
    const json v = Ret(c.Call(b, "via", {a}, "bobby"));
    EXPECT_EQ(v.at("ctx"), json({{"abi_name", "info"},
                                 {"caller", {{"name", b}, {"is_account", false}}},
                                 {"contract_name", a},
                                 {"publisher", "bobby"}}));
    EXPECT_EQ(v.at("owner"), "alice");
    EXPECT_EQ(v.at("block").at("number"), c.height());
    EXPECT_EQ(v.at("tx").at("hash"), B58(c.last_tx().Hash()));
    EXPECT_EQ(v.at("tx").at("actions"),
              json::parse(R"([{"contract":")" + b + R"(","actionName":"via","data":"[\")" + a +
                          R"(\"]"}])"));
    // b's own owner is carol: contractOwner follows the running contract.
    EXPECT_EQ(Ret(c.Call(b, "info", json::array(), "bobby")).at("owner"), "carol");
}

// --- callWithAuth / requireAuth ---

const char* kVault = R"(class Vault {
  fund(amount) { blockchain.deposit(tx.publisher, amount, ''); }
  payWithAuth(to, amount) {
    return blockchain.callWithAuth('token.iost', 'transfer',
                                   ['iost', blockchain.contractName(), to, amount, 'with auth']);
  }
  payWithAuthText(to, amount) {
    return blockchain.callWithAuth('token.iost', 'transfer',
        JSON.stringify(['iost', blockchain.contractName(), to, amount, 'text']));
  }
  payWithoutAuth(to, amount) {
    return blockchain.call('token.iost', 'transfer',
                           ['iost', blockchain.contractName(), to, amount, 'no auth']);
  }
  askAuth(other) {
    const me = blockchain.contractName();
    return [blockchain.callWithAuth(other, 'check', [me])[0], blockchain.call(other, 'check', [me])[0],
            blockchain.requireAuth(me, 'active')];
  }
  check(id) { return blockchain.requireAuth(id, 'active'); }
  guard(who) {
    if (!blockchain.requireAuth(who, 'active')) throw new Error('no auth for ' + who);
    storage.put('guarded', who);
  }
  isAuthed(who, perm) { return blockchain.requireAuth(who, perm); }
}
module.exports = Vault;)";

json VaultAbi() {
    const std::vector<std::string> two{"string", "string"};
    return json::array({Method("fund", {"string"}, {{{"token", "iost"}, {"val", "unlimited"}}}),
                        Method("payWithAuth", two), Method("payWithAuthText", two),
                        Method("payWithoutAuth", two), Method("askAuth", {"string"}),
                        Method("check", {"string"}), Method("guard", {"string"}),
                        Method("isAuthed", two)});
}

TEST(JsApiAuth, CallWithAuthActsForTheCallingContract) {
    JsChain c;
    const std::string v = c.Deploy(kVault, VaultAbi());
    const std::string w = c.Deploy(kVault, VaultAbi());
    ASSERT_EQ(c.Call(v, "fund", {"10"}).status.code, core::StatusCode::kSuccess);
    ASSERT_EQ(ledger::BalanceOf(c.state(), "iost", v), 10 * kIost);
    const int64_t bobby0 = ledger::BalanceOf(c.state(), "iost", "bobby");

    // Direct callWithAuth: token.iost sees the contract's own authority
    // (anyone may make it pay; the contract's code decides).
    auto r = c.Call(v, "payWithAuth", {"bobby", "1"}, "carol");
    EXPECT_EQ(Ret(r), json::array());  // transfer returns nothing
    EXPECT_EQ(ledger::BalanceOf(c.state(), "iost", v), 9 * kIost);
    EXPECT_EQ(ledger::BalanceOf(c.state(), "iost", "bobby"), bobby0 + kIost);
    // Arguments as a JSON string go as they are (go-iost blockchain.js).
    r = c.Call(v, "payWithAuthText", {"bobby", "2"}, "carol");
    EXPECT_EQ(r.status.code, core::StatusCode::kSuccess) << r.status.message;
    EXPECT_EQ(ledger::BalanceOf(c.state(), "iost", v), 7 * kIost);
    // Negative control: the same transfer by plain call has no authority.
    r = c.Call(v, "payWithoutAuth", {"bobby", "1"}, "carol");
    EXPECT_EQ(r.status.code, core::StatusCode::kRuntimeError);
    EXPECT_NE(r.status.message.find("transaction has no permission"), std::string::npos)
        << r.status.message;
    EXPECT_EQ(ledger::BalanceOf(c.state(), "iost", v), 7 * kIost);
    EXPECT_EQ(ledger::BalanceOf(c.state(), "iost", "bobby"), bobby0 + 3 * kIost);
    // In a contract it calls: requireAuth(v) holds only under callWithAuth,
    // and never in v itself (IOST's auth_contract_list).
    EXPECT_EQ(Ret(c.Call(v, "askAuth", {w})), json::parse("[true,false,false]"));
}

TEST(JsApiAuth, RequireAuthWithoutTheSignersAuthFails) {
    JsChain c;
    const std::string v = c.Deploy(kVault, VaultAbi());
    // bobby's transaction carries no signature of alice's.
    auto r = c.Call(v, "guard", {"alice"}, "bobby");
    EXPECT_EQ(r.status.code, core::StatusCode::kRuntimeError);
    EXPECT_NE(r.status.message.find("Error: no auth for alice"), std::string::npos)
        << r.status.message;
    EXPECT_FALSE(c.state().Get(ledger::StorageKey(v, "guarded")));
    // Control: alice's own transaction passes the same check.
    r = c.Call(v, "guard", {"alice"}, "alice");
    EXPECT_EQ(r.status.code, core::StatusCode::kSuccess) << r.status.message;
    EXPECT_EQ(c.state().Get(ledger::StorageKey(v, "guarded")).value_or(""), "alice");
    // The value itself: alice@active by bobby false, by alice true; owner
    // needs alice's owner key, which signed nothing; an unknown account is
    // never satisfied.
    EXPECT_EQ(Ret(c.Call(v, "isAuthed", {"alice", "active"}, "bobby")), false);
    EXPECT_EQ(Ret(c.Call(v, "isAuthed", {"alice", "active"}, "alice")), true);
    EXPECT_EQ(Ret(c.Call(v, "isAuthed", {"alice", "transfer"}, "alice")), true);  // → active
    EXPECT_EQ(Ret(c.Call(v, "isAuthed", {"alice", "owner"}, "alice")), false);
    EXPECT_EQ(Ret(c.Call(v, "isAuthed", {"nosuchuser", "active"}, "alice")), false);
}

// --- Int64 / Float64 ---

const char* kNum = R"(class Num {
  ints() {
    return [new Int64('9223372036854775806').plus(1).toString(),
            new Int64('-9223372036854775807').minus(1).toString(),
            new Int64(-7).div(2).toString(), new Int64(-7).mod(3).toString(),
            new Int64(2).pow(62).toString(), new Int64(5).shift(3).toString(),
            new Int64(10).minus('3').multi(new Int64(6)).toString(),
            new Int64('ff', 16).toString(), new Int64(3).negated().toString(),
            new Int64(3).eq('3'), new Int64(3).gt(2), new Int64(3).lte(2), new Int64(0).isZero(),
            JSON.stringify({ v: new Int64(12) })];
  }
  floats() {
    return [new Float64('0.1').plus('0.2').toString(), new Float64(1).div(3).toString(),
            new Float64(2).div(3).toFixed(8), new Float64('1.5').multi('1.5').toString(),
            new Float64('-7.5').mod(2).toString(), new Float64(2).pow(-2).toString(),
            new Float64('1e-8').toString(), new Float64('9223372036854775807').toFixed(),
            new Float64('123.456').negated().toString(), new Float64('0.5').lt(1),
            new Float64('-0.5').isNegative(), JSON.stringify([new Float64('2.50')])];
  }
  fail(k) {
    const cases = [
      () => new Int64('9223372036854775807').plus(1),
      () => new Int64('-9223372036854775808').minus(1),
      () => new Int64('4294967296').multi('4294967296'),
      () => new Int64(2).pow(63),
      () => new Int64('1.5'),
      () => new Int64(1).plus(undefined),
      () => new Int64(7).div('0.5'),
      () => new Int64(1).div(0),
      () => new Float64('9223372036854775807').plus(1),
      () => new Float64('-9223372036854775808').minus('0.5'),
      () => new Float64(1).div(0),
      () => new Float64(1).plus(null),
    ];
    cases[k]();
    return 'no error';
  }
}
module.exports = Num;)";

TEST(JsApiNumbers, Int64AndFloat64AsGoIost) {
    JsChain c;
    const std::string id =
        c.Deploy(kNum, json::array({Method("ints"), Method("floats"), Method("fail", {"number"})}));
    // Int64 divides as integers toward zero (idiv); mod has the dividend's
    // sign (bignumber.js MODULO_MODE ROUND_DOWN).
    EXPECT_EQ(Ret(c.Call(id, "ints", json::array())),
              json::parse(R"(["9223372036854775807","-9223372036854775808","-3","-1",
                              "4611686018427387904","5000","42","255","-3",true,true,false,true,
                              "{\"v\":\"12\"}"])"));
    // Float64: 50 decimal places rounded down (go-iost environment.js).
    EXPECT_EQ(Ret(c.Call(id, "floats", json::array())),
              json::parse(R"(["0.3","0.)" + std::string(50, '3') +
                          R"(","0.66666666","2.25","-1.5","0.25","1e-8","9223372036854775807",
                              "-123.456",true,true,"[\"2.5\"]"])"));
    // Past int64's range, go-iost's texts (never a wrap-around); an
    // argument or a quotient that is not an integer fails Int64's check.
    const std::vector<std::string> want = {
        "Error: Int64: 9223372036854775808 overflow int64",
        "Error: Int64: -9223372036854775809 underflow int64",
        "Error: Int64: 18446744073709551616 overflow int64",
        "Error: Int64: 9223372036854775808 overflow int64",
        "Error: Int64: 1.5 is not an integer",
        "Error: Int64 argument: undefined is empty",
        "Error: Int64: 0.5 is not an integer",
        "Error: Int64: Infinity is not an integer",
        "Error: Float64: 9223372036854775808 overflow float64",
        "Error: Float64: -9223372036854775808.5 underflow float64",
        "Error: Float64: Infinity overflow float64",
        "Error: float64 argument: null is empty",
    };
    for (size_t k = 0; k < want.size(); ++k) {
        auto r = c.Call(id, "fail", {k}, k % 2 ? "bobby" : "carol");
        EXPECT_EQ(r.status.code, core::StatusCode::kRuntimeError) << k;
        EXPECT_TRUE(r.status.message.ends_with(want[k])) << k << ": " << r.status.message;
    }
}

// --- call depth ---

const char* kHop = R"(class Hop {
  hop(rest, tag) {
    storage.put('tag', tag);
    if (rest.length === 0) return 1;
    return blockchain.call(rest[0], 'hop', [rest.slice(1), tag])[0] + 1;
  }
  hopNative(rest) {
    if (rest.length === 0) return blockchain.call('token.iost', 'balanceOf', ['iost', 'deadaddr'])[0];
    return blockchain.call(rest[0], 'hopNative', [rest.slice(1)])[0];
  }
  hopCaught(rest) {
    try { return blockchain.call(rest[0], 'hop', [rest.slice(1), 'caught']); }
    catch (e) { return 'caught: ' + e.message; }
  }
}
module.exports = Hop;)";

TEST(JsApiCallDepth, FiveContractsDeepAndNoDeeper) {
    JsChain c;
    const json abi = json::array({Method("hop", {"json", "string"}), Method("hopNative", {"json"}),
                                  Method("hopCaught", {"json"})});
    std::vector<std::string> ids;
    // Deployers take turns: each pays its contracts' RAM.
    const char* deployers[] = {"alice", "bobby", "carol"};
    for (int i = 0; i < 6; ++i) ids.push_back(c.Deploy(kHop, abi, deployers[i % 3]));
    const auto rest = [&](size_t n) {
        return json(std::vector<std::string>(ids.begin() + 1, ids.begin() + 1 + n));
    };

    // At the limit: the action and 4 nested calls (stack height 5).
    auto r = c.Call(ids[0], "hop", {rest(4), "ok"});
    EXPECT_EQ(Ret(r), 5);
    for (size_t i = 0; i < 5; ++i) {
        EXPECT_EQ(c.state().Get(ledger::StorageKey(ids[i], "tag")).value_or(""), "ok") << i;
    }
    // One deeper: the sixth call is refused with go-iost's error, the whole
    // transaction fails (nothing written) and is charged what it used, not
    // its whole gas limit.
    r = c.Call(ids[0], "hop", {rest(5), "deep"});
    EXPECT_EQ(r.status.code, core::StatusCode::kRuntimeError);
    EXPECT_NE(r.status.message.find("stack height exceed. actual 6"), std::string::npos)
        << r.status.message;
    EXPECT_LT(r.gas_usage, c.last_tx().gas_limit);
    for (size_t i = 0; i < 6; ++i) {
        EXPECT_EQ(c.state().Get(ledger::StorageKey(ids[i], "tag")).value_or(""), i < 5 ? "ok" : "")
            << i;
    }
    // Native contracts count too: 4 JavaScript frames + token.iost = 5.
    ASSERT_EQ(ledger::BalanceOf(c.state(), "iost", "deadaddr"), 0);
    r = c.Call(ids[0], "hopNative", json::array({rest(3)}));
    EXPECT_EQ(Ret(r), "0");
    r = c.Call(ids[0], "hopNative", json::array({rest(4)}));
    EXPECT_NE(r.status.message.find("stack height exceed. actual 6"), std::string::npos)
        << r.status.message;
    // The refusal is an ordinary error a contract can catch.
    const std::string caught =
        Ret(c.Call(ids[0], "hopCaught", json::array({rest(5)}))).get<std::string>();
    EXPECT_TRUE(caught.starts_with("caught: ")) << caught;
    EXPECT_TRUE(caught.ends_with("stack height exceed. actual 6")) << caught;
    EXPECT_EQ(Ret(c.Call(ids[0], "hopCaught", json::array({rest(4)}))), json::array({4}));
}

TEST(JsApiCallDepth, ANestedCallMayNotReenter) {
    JsChain c;
    const json abi = json::array({Method("hop", {"json", "string"}), Method("hopNative", {"json"}),
                                  Method("hopCaught", {"json"})});
    const std::string a = c.Deploy(kHop, abi, "alice");
    const std::string b = c.Deploy(kHop, abi, "bobby");
    // go-iost Stack.PushStack records the nested calls, not the action: the
    // action may call itself once, a nested call's contract and action may
    // not run again below it.
    EXPECT_EQ(Ret(c.Call(a, "hop", {json::array({a}), "once"})), 2);
    for (const json& chain : {json::array({a, a}), json::array({b, b}), json::array({b, a, b})}) {
        auto r = c.Call(a, "hop", {chain, "again"});
        EXPECT_EQ(r.status.code, core::StatusCode::kRuntimeError) << chain;
        EXPECT_NE(r.status.message.find("re-entering"), std::string::npos)
            << chain << ": " << r.status.message;
    }
    EXPECT_EQ(c.state().Get(ledger::StorageKey(a, "tag")).value_or(""), "once");
    // Control: the action again below another contract (the action itself
    // is not recorded) runs.
    EXPECT_EQ(Ret(c.Call(a, "hop", {json::array({b, a}), "other"})), 3);
    EXPECT_EQ(c.state().Get(ledger::StorageKey(b, "tag")).value_or(""), "other");
}

}  // namespace
}  // namespace iost::vm
