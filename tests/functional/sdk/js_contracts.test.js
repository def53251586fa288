#!/usr/bin/env node
// Issue #16: JavaScript contracts deployed and used through the official IOST
// SDK (npm `iost`, unchanged) on a devnet (docs/contracts.md "JavaScript
// contracts"):
//   1. a key-value contract with per-user maps, deployed with
//      system.iost/setCode (IOST's contract JSON); the id is Contract<tx hash>
//      and init() ran; getContract returns its code and ABI;
//   2. calls put/get; getContractStorage reads the value and the map field,
//      on every node (all executed it the same way);
//   3. a bank contract: deposit (token.iost/transfer from the caller under
//      the tx's amount limit), an event, withdraw with the contract's own
//      authority, and a third contract calling it;
//   4. updateCode through can_update(data), refused with the wrong data;
//   5. an infinite loop ends as `out of gas`, charged the tx's gas limit;
//      so do deep recursion (even caught), a huge string and a huge array;
//   6. every node computed the same state: the same state root at the same
//      final height, holding the contract's value (POST /getProof).
//
//   node js_contracts.test.js <devnet dir>/devnet.json
'use strict';

const fs = require('fs');
const path = require('path');

const { IOSTSDK, fail, check, signAndSend } = require('./sdk_util');
const { IOST, RPC, HTTPProvider, KeyPair, Account, Algorithm, Bs58 } = IOSTSDK;

// Resolves the receipt, or with expectFail the failure.
function send(iost, tx, what, expectFail = false) {
  return signAndSend(iost, tx, what, { expectFail }).then((r) => (expectFail ? r : r.receipt));
}

const KV = `class KV {
  init() { storage.put('creator', blockchain.publisher()); }
  put(k, v) { storage.put(k, v); storage.mapPut('by_user', tx.publisher, k); }
  get(k) { return storage.get(k); }
  can_update(data) { return data === 'let me'; }
}
module.exports = KV;`;
const KV_ABI = [{ name: 'put', args: ['string', 'string'] }, { name: 'get', args: ['string'] },
                { name: 'can_update', args: ['string'] }];

const BANK = `class Bank {
  deposit(from, amount) {
    blockchain.deposit(from, amount, 'deposit');
    const old = new BigNumber(storage.mapGet('balances', from) || '0');
    storage.mapPut('balances', from, old.plus(amount).toFixed());
    blockchain.event(JSON.stringify({ op: 'deposit', from, amount }));
  }
  withdraw(to, amount) {
    if (!blockchain.requireAuth(to, 'active')) throw new Error('permission denied');
    const old = new BigNumber(storage.mapGet('balances', to) || '0');
    if (old.lt(amount)) throw new Error('balance not enough');
    storage.mapPut('balances', to, old.minus(amount).toFixed());
    blockchain.withdraw(to, amount, 'withdraw');
  }
  balanceOf(who) { return storage.mapGet('balances', who) || '0'; }
  spin() { let i = 0; while (true) { i++; } }
}
module.exports = Bank;`;
const BANK_ABI = [{ name: 'deposit', args: ['string', 'string'], amountLimit: [{ token: 'iost', val: 'unlimited' }] },
                  { name: 'withdraw', args: ['string', 'string'] }, { name: 'balanceOf', args: ['string'] },
                  { name: 'spin', args: [] }];

const READER = `class Reader {
  bankBalance(bank, who) { return blockchain.call(bank, 'balanceOf', [who])[0]; }
}
module.exports = Reader;`;
const READER_ABI = [{ name: 'bankBalance', args: ['string', 'string'] }];

// Hostile code: each ends `out of gas` on every node (docs/contracts.md
// "Gas and determinism"); the state roots compared below include them.
const HOSTILE = `class H {
  deep() { const f = (n) => f(n + 1) + 1; return f(0); }
  caughtDeep() { let d = 0; const f = () => { d++; f(); }; try { f(); } catch (e) { storage.put('d', '' + d); } }
  huge() { return 'x'.repeat(100000000).length; }
  hugeArray() { return new Array(10000000).fill(0).length; }
}
module.exports = H;`;
const HOSTILE_ABI = ['deep', 'caughtDeep', 'huge', 'hugeArray'].map((name) => ({ name, args: [] }));

function contractJson(code, abi, id = '') {
  return JSON.stringify({ ID: id, info: { lang: 'javascript', version: '1.0.0', abi }, code });
}

async function main() {
  const file = process.argv[2];
  if (!file) fail('usage: node js_contracts.test.js <devnet.json>');
  const devnet = JSON.parse(fs.readFileSync(file, 'utf8'));
  const admin = devnet.accounts.find((a) => a.name === 'admin');
  check(admin, 'no admin account');
  const rpcs = devnet.nodes.map((n) => new RPC(new HTTPProvider(n.http, 10000)));
  const rpc = rpcs[0];
  const iost = new IOST({ gasRatio: 1, gasLimit: 2000000, delay: 0, expiration: 90, defaultLimit: 'unlimited' });
  await iost.setRPC(rpc);
  const kp = new KeyPair(Bs58.decode(admin.secret_key), Algorithm.Ed25519);
  const acc = new Account('admin');
  acc.addKeyPair(kp, 'owner');
  acc.addKeyPair(kp, 'active');
  iost.setAccount(acc);
  const tx = (contract, abi, args) => {
    const t = iost.callABI(contract, abi, args);
    t.setChainID(devnet.chain_id);
    return t;
  };

  // 1. Deploy.
  const t0 = Date.now();
  let r = await send(iost, tx('system.iost', 'setCode', [contractJson(KV, KV_ABI)]), 'setCode kv');
  const kv = JSON.parse(r.returns[0])[0];
  check(kv === 'Contract' + r.tx_hash, `contract id ${kv}, expected Contract${r.tx_hash}`);
  const c = await rpc.blockchain.getContract(kv, true);
  check(c.id === kv && c.code === KV && c.language === 'javascript' && c.version === '1.0.0',
        `getContract: ${JSON.stringify(c).slice(0, 300)}`);
  check(JSON.stringify(c.abis.map((a) => [a.name, a.args])) === JSON.stringify(KV_ABI.map((a) => [a.name, a.args])),
        `getContract abis ${JSON.stringify(c.abis)}`);
  let s = await rpc.blockchain.getContractStorage(kv, 'creator', '', true);
  check(s.data === 'admin', `init() did not run: creator = ${JSON.stringify(s)}`);

  // 2. Calls and storage.
  r = await send(iost, tx(kv, 'put', ['greeting', 'hello IOST']), 'kv.put');
  check(r.status_code === 'SUCCESS', `put: ${JSON.stringify(r)}`);
  r = await send(iost, tx(kv, 'get', ['greeting']), 'kv.get');
  check(r.returns[0] === '["hello IOST"]', `get returned ${JSON.stringify(r.returns)}`);
  for (const [i, node] of rpcs.entries()) {
    s = await node.blockchain.getContractStorage(kv, 'greeting', '', true);
    check(s.data === 'hello IOST', `node ${i}: greeting = ${JSON.stringify(s)}`);
    s = await node.blockchain.getContractStorage(kv, 'by_user', 'admin', true);
    check(s.data === 'greeting', `node ${i}: by_user[admin] = ${JSON.stringify(s)}`);
  }

  // 3. A bank with transfers, events, and a contract calling it.
  r = await send(iost, tx('system.iost', 'setCode', [contractJson(BANK, BANK_ABI)]), 'setCode bank');
  const bank = JSON.parse(r.returns[0])[0];
  r = await send(iost, tx('system.iost', 'setCode', [contractJson(READER, READER_ABI)]), 'setCode reader');
  const reader = JSON.parse(r.returns[0])[0];
  const before = Number((await rpc.blockchain.getBalance('admin', 'iost', 1)).balance);
  const dep = tx(bank, 'deposit', ['admin', '12.5']);
  dep.addApprove('iost', '12.5');
  r = await send(iost, dep, 'bank.deposit');
  const transfer = r.receipts.find((x) => x.func_name === 'token.iost/transfer');
  check(transfer && JSON.stringify(JSON.parse(transfer.content)) === JSON.stringify(['iost', 'admin', bank, '12.5', 'deposit']),
        `deposit receipts ${JSON.stringify(r.receipts)}`);
  // blockchain.event is a CONTRACT_EVENT on /subscribe, not a receipt (as
  // go-iost; js_contract_api.test.js subscribes to it).
  check(!r.receipts.some((x) => x.func_name === bank), `event as a receipt: ${JSON.stringify(r.receipts)}`);
  const bankBal = Number((await rpc.blockchain.getBalance(bank, 'iost', 1)).balance);
  check(bankBal === 12.5, `bank holds ${bankBal}, expected 12.5`);
  const tooMuch = tx(bank, 'deposit', ['admin', '5']);
  tooMuch.addApprove('iost', '1');
  tooMuch.amount_limit = tooMuch.amount_limit.filter((l) => l.token !== '*');
  const refused = await send(iost, tooMuch, 'bank.deposit over the limit', true);
  check(JSON.stringify(refused).includes('exceed amountLimit'), `over-limit deposit: ${JSON.stringify(refused)}`);
  r = await send(iost, tx(bank, 'withdraw', ['admin', '2.5']), 'bank.withdraw');
  check(Number((await rpc.blockchain.getBalance(bank, 'iost', 1)).balance) === 10, 'bank after withdraw');
  r = await send(iost, tx(reader, 'bankBalance', [bank, 'admin']), 'reader.bankBalance');
  check(r.returns[0] === '["10"]', `reader saw ${JSON.stringify(r.returns)}`);
  const after = Number((await rpc.blockchain.getBalance('admin', 'iost', 1)).balance);
  check(Math.abs(before - after - 10) < 1e-6, `admin paid ${before - after}, expected 10`);

  // 4. updateCode asks can_update.
  const v2 = KV.replace("get(k) { return storage.get(k); }", "get(k) { return 'v2 ' + storage.get(k); }");
  await send(iost, tx('system.iost', 'updateCode', [contractJson(v2, KV_ABI, kv), 'no']), 'updateCode refused', true);
  await send(iost, tx('system.iost', 'updateCode', [contractJson(v2, KV_ABI, kv), 'let me']), 'updateCode');
  r = await send(iost, tx(kv, 'get', ['greeting']), 'kv.get v2');
  check(r.returns[0] === '["v2 hello IOST"]', `v2 get returned ${JSON.stringify(r.returns)}`);

  // 5. Out of gas.
  const spin = tx(bank, 'spin', []);
  spin.gasLimit = 100000;
  const oog = await send(iost, spin, 'bank.spin', true);
  check(JSON.stringify(oog).includes('out of gas'), `spin: ${JSON.stringify(oog).slice(0, 300)}`);

  r = await send(iost, tx('system.iost', 'setCode', [contractJson(HOSTILE, HOSTILE_ABI)]), 'setCode hostile');
  const hostile = JSON.parse(r.returns[0])[0];
  for (const fn of ['deep', 'caughtDeep', 'huge', 'hugeArray']) {
    const h = tx(hostile, fn, []);
    h.gasLimit = 200000;
    const res = await send(iost, h, `hostile.${fn}`, true);
    check(JSON.stringify(res).includes('out of gas'), `hostile.${fn}: ${JSON.stringify(res).slice(0, 300)}`);
  }

  // 6. The same state on every node: poll each node's /getProof of the kv
  // value until all report the same final height, then compare roots.
  const key = `js/s/${kv}/${'greeting'.length}:greeting`;
  const proofs = () => Promise.all(devnet.nodes.map(async (n) => {
    const res = await fetch(n.http + '/getProof', { method: 'POST', body: JSON.stringify({ key }) });
    if (res.status !== 200) fail(`getProof on ${n.http}: HTTP ${res.status} ${await res.text()}`);
    return res.json();
  }));
  let ps = await proofs();
  for (let i = 0; i < 60 && !ps.every((p) => p.height === ps[0].height); i++) {
    await new Promise((done) => setTimeout(done, 200));
    ps = await proofs();
  }
  check(ps.every((p) => p.height === ps[0].height), `no common final height: ${ps.map((p) => p.height)}`);
  check(ps.every((p) => p.state_root === ps[0].state_root && p.block_hash === ps[0].block_hash),
        `state roots differ at height ${ps[0].height}: ${ps.map((p) => p.state_root)}`);
  check(ps[0].exists && ps[0].value === Buffer.from('hello IOST').toString('hex'),
        `kv greeting in the state: ${JSON.stringify(ps[0]).slice(0, 200)}`);

  console.log(`OK: kv ${kv}, bank ${bank}, reader ${reader}, hostile ${hostile}; ` +
              `${devnet.nodes.length} nodes at height ${ps[0].height} share state root ${ps[0].state_root.slice(0, 16)}; ` +
              `${((Date.now() - t0) / 1000).toFixed(1)} s`);
  process.exit(0);
}

main().catch((e) => fail(e && e.stack ? e.stack : String(e)));
