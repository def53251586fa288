#!/usr/bin/env node
// Issue #6.4: the official IOST JavaScript SDK (npm `iost`, unchanged, from
// tests/vectors/node_modules) drives a devnet end to end:
//   1. admin creates an account with the SDK's newAccount (auth.iost/signUp,
//      ram.iost/buy, gas.iost/pledge), signed and sent with signAndSend;
//   2. admin transfers IOST to it;
//   3. the new account transfers some back, signed with its own new key;
//   4. balances (getBalance, getAccountInfo) and receipts (getTxReceiptByTxHash,
//      getTxByHash) are read through the SDK and checked;
//   5. for every transaction, the hash the node returns equals the Full hash
//      computed on the SDK side (the SDK has no Full level: it is built from
//      the SDK's own Base/Publish bytes and Codec, as go-iost core/tx/tx.go
//      ToBytes(Full) appends referred_tx, publisher, publisher_sigs).
//
//   node account_transfer.test.js <devnet dir>/devnet.json
//
// Exits 0 on success; non-zero with a clear message on the first mismatch.
'use strict';

const fs = require('fs');
const path = require('path');
const nodeCrypto = require('crypto');

const { IOSTSDK, fail, check, signAndSend: send } = require('./sdk_util');
const { IOST, RPC, HTTPProvider, KeyPair, Account, Algorithm, Bs58 } = IOSTSDK;

// The Full-level hash go-iost computes (the SDK has no Full level): the
// vectors' encoder, tests/vectors/gen.js fullBytes.
const { fullBytes } = require(path.join(__dirname, '..', '..', 'vectors', 'gen.js'));
function sdkFullHash(tx) {
  return Bs58.encode(nodeCrypto.createHash('sha3-256').update(fullBytes(tx)).digest());
}

// signAndSend, as SDK users write it, resolved with {hash, receipt, tx}.
function signAndSend(iost, tx, what) {
  return send(iost, tx, what, { log: true });
}

function approx(a, b) {
  return Math.abs(Number(a) - Number(b)) < 1e-9;
}

async function main() {
  const file = process.argv[2];
  if (!file) fail('usage: node account_transfer.test.js <devnet.json>');
  let devnet;
  try {
    devnet = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    fail(`cannot read ${file}: ${e.message}`);
  }
  check(Array.isArray(devnet.nodes) && devnet.nodes.length > 0, `${file}: no nodes`);
  const admin = (devnet.accounts || []).find((a) => a.name === 'admin');
  check(admin, `${file}: no admin account`);
  const url = devnet.nodes[0].http;
  const chainId = devnet.chain_id;
  console.log(`devnet: ${devnet.nodes.length} nodes, chain ${chainId}, SDK against ${url}`);

  // Issue #17.1: the SDK's documented defaults (gasRatio 1, gasLimit
  // 2,000,000) on an account made the documented way, newAccount(name,
  // creator, owner, active, 1024, 10): signUp pledges 10 IOST and newAccount
  // 10 more, and 20 IOST give 2,000,000 gas at once (100,000 per IOST,
  // go-iost vm/database/gas_handler.go GasImmediateReward), exactly what the
  // node checks before admitting the new account's first transaction (step 3).
  const iost = new IOST({ gasRatio: 1, gasLimit: 2000000, delay: 0, expiration: 90, defaultLimit: 'unlimited' });
  const rpc = new RPC(new HTTPProvider(url, 10000));
  await iost.setRPC(rpc);

  const adminKp = new KeyPair(Bs58.decode(admin.secret_key), Algorithm.Ed25519);
  check(adminKp.id === admin.public_key,
        `admin key: the SDK derives ${adminKp.id} from secret_key, devnet.json says ${admin.public_key}`);
  const adminAcc = new Account('admin');
  adminAcc.addKeyPair(adminKp, 'owner');
  adminAcc.addKeyPair(adminKp, 'active');
  iost.setAccount(adminAcc);

  const adminBefore = Number((await rpc.blockchain.getBalance('admin', 'iost', 0)).balance);

  // 1. A new account (name: 5-11 of [a-z0-9_]).
  const name = 'sdk' + nodeCrypto.randomBytes(4).toString('hex').slice(0, 7);
  const kp = KeyPair.newKeyPair(Algorithm.Ed25519);
  const createTx = iost.newAccount(name, 'admin', kp.id, kp.id, 1024, 10);
  // go-iost v3 (vm/monitor.go) checks the tx's amount_limit against every
  // token.iost transfer from the publisher, including those the system
  // contracts make for signUp's pledge, ram.iost/buy and gas.iost/pledge;
  // newAccount adds no approval, so on IOST v3 as here the creator approves
  // what it spends (10 + 10 IOST of pledges and the RAM's price).
  createTx.addApprove('iost', '1000');
  createTx.setChainID(chainId);
  const created = await signAndSend(iost, createTx, `newAccount ${name}`);
  const hashes = [created];

  const info = await rpc.blockchain.getAccountInfo(name, 0);
  check(info.name === name, `getAccount(${name}) returned ${JSON.stringify(info).slice(0, 200)}`);
  check(info.permissions.active.items[0].id === kp.id,
        `account ${name}: active key ${info.permissions.active.items[0].id}, expected ${kp.id}`);
  check(Number(info.ram_info.available) >= 1024, `account ${name}: RAM ${JSON.stringify(info.ram_info)} < 1024 bought`);
  check(Number(info.gas_info.limit) === 20 * 300000,
        `account ${name}: gas limit ${info.gas_info.limit}, expected 20 IOST x 300,000: ${JSON.stringify(info.gas_info)}`);
  check(Number(info.gas_info.current_total) >= 2000000,
        `account ${name}: ${info.gas_info.current_total} gas, less than the SDK's gasLimit 2,000,000`);
  check(info.gas_info.pledged_info.reduce((s, p) => s + Number(p.amount), 0) === 20,
        `account ${name}: pledged ${JSON.stringify(info.gas_info.pledged_info)}, expected 20 IOST`);

  // 2. admin -> new account.
  const inTx = iost.transfer('iost', 'admin', name, '10.5', 'sdk-in');
  inTx.setChainID(chainId);
  const transferIn = await signAndSend(iost, inTx, 'transfer admin -> ' + name);
  hashes.push(transferIn);

  // 3. new account -> admin, signed with the new key, with the SDK's gasLimit 2,000,000.
  const acc = new Account(name);
  acc.addKeyPair(kp, 'owner');
  acc.addKeyPair(kp, 'active');
  iost.setAccount(acc);
  const backTx = iost.transfer('iost', name, 'admin', '2.25', 'sdk-back');
  backTx.setChainID(chainId);
  check(backTx.gasLimit === 2000000, `the SDK's tx gasLimit is ${backTx.gasLimit}, expected 2000000`);
  const transferBack = await signAndSend(iost, backTx, 'transfer ' + name + ' -> admin');
  hashes.push(transferBack);

  // 4. Balances and receipts.
  const bal = await rpc.blockchain.getBalance(name, 'iost', 0);
  check(approx(bal.balance, 8.25), `balance of ${name}: ${bal.balance}, expected 10.5 - 2.25 = 8.25`);
  const info2 = await rpc.blockchain.getAccountInfo(name, 1);
  check(approx(info2.balance, 8.25), `getAccount(${name}).balance ${info2.balance}, expected 8.25`);
  const adminAfter = Number((await rpc.blockchain.getBalance('admin', 'iost', 0)).balance);
  check(adminAfter < adminBefore - 8.25 + 1e-9,
        `admin balance ${adminAfter}: expected at most ${adminBefore} - 8.25 (transfers) - RAM and pledge`);

  for (const [r, memo, from, to, amount] of [[transferIn, 'sdk-in', 'admin', name, '10.5'],
                                              [transferBack, 'sdk-back', name, 'admin', '2.25']]) {
    const receipt = await rpc.transaction.getTxReceiptByTxHash(r.hash);
    check(receipt.status_code === 'SUCCESS', `receipt of ${r.hash}: ${JSON.stringify(receipt)}`);
    check(receipt.tx_hash === r.hash, `receipt tx_hash ${receipt.tx_hash} != ${r.hash}`);
    const tr = receipt.receipts.find((x) => x.func_name === 'token.iost/transfer');
    check(tr, `receipt of ${r.hash} has no token.iost/transfer: ${JSON.stringify(receipt.receipts)}`);
    check(JSON.stringify(JSON.parse(tr.content)) === JSON.stringify(['iost', from, to, amount, memo]),
          `transfer receipt content ${tr.content}, expected ${JSON.stringify(['iost', from, to, amount, memo])}`);
    const t = await rpc.transaction.getTxByHash(r.hash);
    check(t.status === 'IRREVERSIBLE', `getTxByHash(${r.hash}).status = ${t.status}`);
    check(t.transaction.hash === r.hash, `getTxByHash(${r.hash}).transaction.hash = ${t.transaction.hash}`);
    check(t.transaction.publisher === from, `getTxByHash publisher ${t.transaction.publisher}, expected ${from}`);
    check(Number(t.block_number) > 0, `getTxByHash block_number ${t.block_number}`);
  }
  const createReceipt = await rpc.transaction.getTxReceiptByTxHash(created.hash);
  check(createReceipt.status_code === 'SUCCESS', `newAccount receipt: ${JSON.stringify(createReceipt)}`);
  for (const fn of ['ram.iost/buy', 'gas.iost/pledge']) {
    const ok = createReceipt.receipts.some((x) => x.func_name === 'token.iost/transfer' &&
                                                  JSON.parse(x.content)[1] === 'admin');
    check(ok, `newAccount receipt: no transfer from admin paying for ${fn}: ${JSON.stringify(createReceipt.receipts)}`);
  }

  // 5. The node's hash is the SDK-side Full hash, for every transaction.
  for (const r of hashes) {
    const mine = sdkFullHash(r.tx);
    check(mine === r.hash, `hash mismatch: node returned ${r.hash}, SDK Full hash is ${mine}`);
  }
  console.log(`OK: account ${name} created, 10.5 in, 2.25 back, balance 8.25; ${hashes.length} hashes match`);
  process.exit(0);
}

main().catch((e) => fail(e && e.stack ? e.stack : String(e)));
