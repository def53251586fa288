#!/usr/bin/env node
// Issue #16.4: the contract tools' API through the unchanged `iost` SDK on a
// devnet (docs/http.md, docs/contracts.md "Events"):
//   1. blockchain.event(...) reaches a /subscribe stream as CONTRACT_EVENT
//      (data = the content), filtered by contract id, once final; it is not
//      a receipt;
//   2. listContractStorage (KV and MAP, go-iost's key order),
//      getContractStorageFields (the SDK's own method) and
//      getBatchContractStorage read the contract's storage;
//   3. execTx runs a signed call as a dry run: the receipt comes back with
//      gas and returns, and the storage is unchanged afterwards.
// The SDK has no call for /subscribe, /listContractStorage or /execTx: they
// go through its HTTPProvider (listContractStorage, execTx) and Node's http
// (the chunked /subscribe stream), with the SDK's own signed transaction.
//
//   node js_contract_api.test.js <devnet dir>/devnet.json
'use strict';

const fs = require('fs');
const http = require('http');
const path = require('path');

const { IOSTSDK, fail, check, signAndSend } = require('./sdk_util');
const { IOST, RPC, HTTPProvider, KeyPair, Account, Algorithm, Bs58 } = IOSTSDK;

// Resolves the receipt.
function send(iost, tx, what) {
  return signAndSend(iost, tx, what).then((r) => r.receipt);
}

const CODE = `class Board {
  init() {}
  post(user, text) {
    storage.put('last', text);
    storage.mapPut('posts', user, text);
    blockchain.event(JSON.stringify({ user, text }));
  }
}
module.exports = Board;`;
const ABI = [{ name: 'post', args: ['string', 'string'] }];

// POST /subscribe; resolves with {lines, close} once the stream is open.
function subscribe(base, body) {
  return new Promise((resolve, reject) => {
    const lines = [];
    let buf = '';
    const req = http.request(base + '/subscribe', { method: 'POST', headers: { 'Content-Type': 'text/plain' } },
      (res) => {
        if (res.statusCode !== 200) return reject(new Error(`/subscribe answered ${res.statusCode}`));
        res.setEncoding('utf8');
        res.on('data', (d) => {
          buf += d;
          let i;
          while ((i = buf.indexOf('\n')) >= 0) {
            if (i > 0) lines.push(JSON.parse(buf.slice(0, i)));
            buf = buf.slice(i + 1);
          }
        });
        resolve({ lines, close: () => req.destroy() });
      });
    req.on('error', (e) => { if (e.code !== 'ECONNRESET') reject(e); });
    req.end(JSON.stringify(body));
  });
}

async function waitFor(cond, ms, what) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (cond()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  fail(`timed out waiting for ${what}`);
}

async function main() {
  const file = process.argv[2];
  if (!file) fail('usage: node js_contract_api.test.js <devnet.json>');
  const devnet = JSON.parse(fs.readFileSync(file, 'utf8'));
  const admin = devnet.accounts.find((a) => a.name === 'admin');
  check(admin, 'no admin account');
  const base = devnet.nodes[0].http;
  const provider = new HTTPProvider(base, 10000);
  const rpc = new RPC(provider);
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
  const t0 = Date.now();

  const contractJson = (code, abi) => JSON.stringify({ ID: '', info: { lang: 'javascript', version: '1.0.0', abi }, code });
  let r = await send(iost, tx('system.iost', 'setCode', [contractJson(CODE, ABI)]), 'setCode board');
  const board = JSON.parse(r.returns[0])[0];
  r = await send(iost, tx('system.iost', 'setCode', [contractJson(CODE, ABI)]), 'setCode other');
  const other = JSON.parse(r.returns[0])[0];

  // 1. Events on /subscribe, one contract's only.
  const sub = await subscribe(base, { topics: ['CONTRACT_EVENT'], filter: { contract_id: board } });
  await new Promise((res) => setTimeout(res, 300));  // let the feed register it
  r = await send(iost, tx(other, 'post', ['admin', 'elsewhere']), 'other.post');
  r = await send(iost, tx(board, 'post', ['admin', 'hello']), 'board.post');
  check(!r.receipts.some((x) => x.func_name.startsWith(board)), `event as receipt: ${JSON.stringify(r.receipts)}`);
  r = await send(iost, tx(board, 'post', ['bob', 'hi there']), 'board.post 2');
  await waitFor(() => sub.lines.length >= 2, 20000, `2 events, got ${JSON.stringify(sub.lines)}`);
  sub.close();
  const evs = sub.lines.map((l) => l.result.event);
  check(evs.every((e) => e.topic === 'CONTRACT_EVENT' && /^\d+$/.test(e.time)), `events ${JSON.stringify(evs)}`);
  check(JSON.stringify(evs.map((e) => JSON.parse(e.data))) ===
        JSON.stringify([{ user: 'admin', text: 'hello' }, { user: 'bob', text: 'hi there' }]),
        `event data ${JSON.stringify(evs)}`);

  // 2. Storage.
  const list = await provider.send('post', 'listContractStorage', { id: board, storageType: 'MAP', limit: 10 });
  check(JSON.stringify(list.datas) === JSON.stringify([
    { key: 'posts', value: '["admin","bob"]' }, { key: 'posts-admin', value: 'hello' },
    { key: 'posts-bob', value: 'hi there' }]), `listContractStorage MAP ${JSON.stringify(list)}`);
  const kv = await provider.send('post', 'listContractStorage', { id: board });
  check(JSON.stringify(kv.datas) === JSON.stringify([{ key: 'last', value: 'hi there' }]),
        `listContractStorage KV ${JSON.stringify(kv)}`);
  const fields = await rpc.blockchain.getContractStorageFields(board, 'posts', true);
  check(JSON.stringify(fields.fields) === '["admin","bob"]', `getContractStorageFields ${JSON.stringify(fields)}`);
  const batch = await provider.send('post', 'getBatchContractStorage',
    { id: board, key_fields: [{ key: 'last' }, { key: 'posts', field: 'bob' }, { key: 'none' }] });
  check(JSON.stringify(batch.datas) === '["hi there","hi there","null"]', `getBatchContractStorage ${JSON.stringify(batch)}`);

  // 3. execTx: a dry run of a signed call.
  const dry = tx(board, 'post', ['carol', 'dry run']);
  acc.signTx(dry);
  const rec = await provider.send('post', 'execTx', JSON.parse(JSON.stringify(dry)));
  check(rec.status_code === 'SUCCESS' && rec.gas_usage > 30000 && JSON.stringify(rec.returns) === '["[]"]',
        `execTx ${JSON.stringify(rec)}`);
  const last = await rpc.blockchain.getContractStorage(board, 'last', '', true);
  check(last.data === 'hi there', `execTx committed: last = ${JSON.stringify(last)}`);
  const carol = await rpc.blockchain.getContractStorage(board, 'posts', 'carol', true);
  check(carol.data === 'null', `execTx committed: posts.carol = ${JSON.stringify(carol)}`);

  console.log(`OK: board ${board}; ${evs.length} events; ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  process.exit(0);
}

main().catch((e) => fail(e && e.stack ? e.stack : String(e)));
