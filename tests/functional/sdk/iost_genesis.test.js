#!/usr/bin/env node
// devnet-args: --iost-genesis --believable 2 --normal 4 --accounts 0
// Issue #17.5: a devnet started with `iost-devnet --iost-genesis` is IOST's
// documented local node (go-iost config/genesis/genesis.yml,
// config/dev_admin_key.json, config/iserver.yml), so SDK code written for a
// local IOST node runs against it unchanged. This test is such code: it
// reads NOTHING from devnet.json but the node's URL (a tutorial would say
// http://127.0.0.1:30001) and uses the published development key of `admin`
// and chain id 1024 (go-iost config/iserver.yml p2p.chainid, the SDK's default), as
// go-iost's local node has them:
//   1. getChainInfo: chain_id 1024; producer000 is a validator with its
//      published key (getProducerVoteInfo);
//   2. admin (almost all of the 21,000,000,000 IOST at genesis) and
//      foundation exist with the published key Gcv8c2tH...;
//   3. admin, signing with 2yquS3..., creates an account and transfers to it.
//
//   node iost_genesis.test.js <devnet dir>/devnet.json
'use strict';

const fs = require('fs');
const path = require('path');
const nodeCrypto = require('crypto');

const { IOSTSDK, fail, check, signAndSend: send } = require('./sdk_util');
const { IOST, RPC, HTTPProvider, KeyPair, Account, Algorithm, Bs58 } = IOSTSDK;

// go-iost config/dev_admin_key.json and config/genesis/genesis.yml.
const ADMIN_SECRET = '2yquS3ySrGWPEKywCPzX4RTJugqRh7kJSo5aehsLYPEWkUxBWA39oMrZ7ZxuM4fgyXYs2cPwh5n8aNNpH5x2VyK1';
const ADMIN_PUBLIC = 'Gcv8c2tH8qZrUYnKdEEdTtASsxivic2834MQW6mgxqto';
const PRODUCER000_PUBLIC = '6sNQa7PV2SFzqCBtQUcQYJGGoU7XaB6R4xuCQVXNZe6b';
const LOCAL_CHAIN_ID = 1024; // go-iost config/iserver.yml p2p.chainid (the SDK's default)

function signAndSend(iost, tx, what) {
  return send(iost, tx, what, { log: true });
}

async function main() {
  const devnet = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  const url = devnet.nodes[0].http; // the only thing taken from the devnet

  const rpc = new RPC(new HTTPProvider(url, 10000));
  const chain = await rpc.blockchain.getChainInfo();
  check(Number(chain.chain_id) === LOCAL_CHAIN_ID, `chain_id ${chain.chain_id}, want ${LOCAL_CHAIN_ID}`);
  // SDK 0.1.22 has no wrapper for this IOST endpoint; its provider calls it.
  const producer = await rpc.getProvider().send('get', 'getProducerVoteInfo/producer000/true');
  check(producer.pubkey === PRODUCER000_PUBLIC, `producer000 pubkey ${producer.pubkey}, want ${PRODUCER000_PUBLIC}`);

  for (const name of ['admin', 'foundation']) {
    const acc = await rpc.blockchain.getAccountInfo(name, 1);
    check(acc.permissions.active.items[0].id === ADMIN_PUBLIC,
          `${name}'s active key ${acc.permissions.active.items[0].id}, want ${ADMIN_PUBLIC}`);
  }
  const adminBalance = Number((await rpc.blockchain.getBalance('admin', 'iost', 1)).balance);
  check(adminBalance > 20900000000 && adminBalance < 21000000000,
        `admin balance ${adminBalance}, want nearly 21,000,000,000 (genesis.yml's admin balance)`);

  const iost = new IOST({ gasRatio: 1, gasLimit: 100000, delay: 0, expiration: 90, defaultLimit: 'unlimited' });
  await iost.setRPC(rpc);
  const kp = new KeyPair(Bs58.decode(ADMIN_SECRET), Algorithm.Ed25519);
  check(kp.id === ADMIN_PUBLIC, `the SDK derives ${kp.id} from the published secret`);
  const admin = new Account('admin');
  admin.addKeyPair(kp, 'owner');
  admin.addKeyPair(kp, 'active');
  iost.setAccount(admin);

  const name = 'tut' + nodeCrypto.randomBytes(4).toString('hex').slice(0, 7);
  const userKp = KeyPair.newKeyPair(Algorithm.Ed25519);
  const createTx = iost.newAccount(name, 'admin', userKp.id, userKp.id, 1024, 100);
  createTx.addApprove('iost', '1000');
  createTx.setChainID(LOCAL_CHAIN_ID);
  await signAndSend(iost, createTx, `newAccount ${name}`);
  const tx = iost.transfer('iost', 'admin', name, '42', 'hello local node');
  tx.setChainID(LOCAL_CHAIN_ID);
  const sent = await signAndSend(iost, tx, `transfer admin -> ${name}`);
  check(sent.receipt.status_code === 'SUCCESS', `transfer receipt ${JSON.stringify(sent.receipt)}`);
  const bal = await rpc.blockchain.getBalance(name, 'iost', 1);
  check(Number(bal.balance) === 42, `${name} has ${bal.balance}, want 42`);

  // A tx for another chain (1020) is refused here.
  const wrong = iost.transfer('iost', 'admin', name, '1', '');
  wrong.setChainID(1020);
  let refused = false;
  try {
    await signAndSend(iost, wrong, 'transfer with chain id 1020');
  } catch (e) {
    refused = /chain/i.test(e.message);
  }
  check(refused, 'a chain id 1020 tx must be refused by a 1024 chain');
  console.log(`OK: IOST local genesis: chain 1024, admin/foundation/producer000 with published keys; ${name} got 42`);
  process.exit(0);
}

main().catch((e) => fail(e && e.stack ? e.stack : String(e)));
