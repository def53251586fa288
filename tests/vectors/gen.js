#!/usr/bin/env node
// Generates byte-exact IOST transaction test vectors with the official IOST
// JavaScript SDK (npm `iost`, pinned in package.json), so that the C++ node's
// transaction encoding, hashing, signature checks and /sendTx JSON parsing can
// be checked against the real client.
//
//   node gen.js            rewrite tx_vectors.json and docs_example.json
//   node gen.js --check    recompute everything; exit 1 if a committed file differs
//
// Deterministic: keys come from fixed seeds (SHA3-256 of a label), the SDK's
// clock read (`new Date()` inside Tx.setTime) is pinned to fixed instants, and
// both signature schemes the SDK uses are deterministic (tweetnacl Ed25519;
// elliptic secp256k1 with RFC 6979 nonces). No network access.
//
// What comes from the SDK itself: key derivation (KeyPair), transaction
// construction (IOST.callABI/transfer/newAccount, Tx.addAction/addApprove/
// addSigner/setGas/setChainID/setTime), the Base and Publish encodings
// (Tx._bytes(0/1)), both hashes (Tx._base_hash/_publish_hash), all signatures
// (Account.sign/signTx -> Tx.addSign/addPublishSign) and the /sendTx body
// (Transaction.sendTx sends JSON.parse(JSON.stringify(tx))).
// What the SDK does NOT implement: the Full level (lib/structs.js `_bytes`:
// `if (n > 1) { // todo }`) and thus the transaction hash, which the SDK only
// learns from the node's /sendTx reply. fullBytes() below appends the Full-level
// fields exactly as go-iost core/tx/tx.go ToBytes(Full) does, using the SDK's
// own Codec for the primitives; the result is cross-checked with node's
// OpenSSL SHA3-256.
'use strict';

const fs = require('fs');
const path = require('path');
const nodeCrypto = require('crypto');

const sdk = require('iost'); // dist/iost.node.js: what SDK users actually load
const Codec = require('iost/lib/crypto/codec'); // the SDK's encoder primitives
const sdkPkg = require('iost/package.json');

const { IOST, Tx, KeyPair, Account, Algorithm, Signature, Bs58 } = sdk;

const HERE = __dirname;
const TX_FILE = path.join(HERE, 'tx_vectors.json');
const DOCS_FILE = path.join(HERE, 'docs_example.json');
const MAX_TX_SIZE = 65536; // go-iost core/tx/tx.go txSizeLimit

// ---------------------------------------------------------------- helpers

function sha3(buf) {
  return nodeCrypto.createHash('sha3-256').update(buf).digest();
}

function hashObj(buf) {
  return { hex: buf.toString('hex'), base58: Bs58.encode(buf) };
}

function algoName(t) {
  return t === Algorithm.Ed25519 ? 'ED25519' : 'SECP256K1';
}

// Fixed key pairs. Ed25519: the 32-byte seed is SHA3-256(label); the SDK's
// KeyPair expands it to seed||pub (64 bytes). secp256k1: the 32-byte secret is
// SHA3-256(label).
const keyCache = new Map();
function key(name, algo) {
  const id = name + '/' + algo;
  if (keyCache.has(id)) return keyCache.get(id);
  const label = 'iost-test-vectors/' + (algo === Algorithm.Ed25519 ? 'ed25519/' : 'secp256k1/') + name;
  const seed = sha3(Buffer.from(label, 'utf8'));
  const kp = new KeyPair(seed, algo);
  const rec = { name, label, kp };
  keyCache.set(id, rec);
  return rec;
}

function keyJson(rec, role) {
  const kp = rec.kp;
  return {
    name: rec.name,
    role,
    algorithm: algoName(kp.t),
    algorithm_id: kp.t,
    seed_label: rec.label,
    secret_base58: kp.B58SecKey(),
    secret_len: kp.seckey.length,
    public_base58: kp.B58PubKey(),
    public_base64: kp.pubkey.toString('base64'),
    public_len: kp.pubkey.length,
    id: kp.id, // the SDK's KeyPair.id: base58 of the raw public key
  };
}

function account(name, rec) {
  const acc = new Account(name);
  acc.addKeyPair(rec.kp, 'active');
  return acc;
}

// Runs fn while the SDK's `new Date()` reads `ms` (Tx.setTime reads the clock).
function atFixedTime(ms, fn) {
  const RealDate = global.Date;
  class FixedDate extends RealDate {
    constructor(...args) {
      if (args.length === 0) super(ms);
      else super(...args);
    }
    static now() { return ms; }
  }
  global.Date = FixedDate;
  try {
    return fn();
  } finally {
    global.Date = RealDate;
  }
}

// A fresh SDK IOST object. The SDK's constructor Object.assign()s into a shared
// default config object, so always pass every field.
function newIost(cfg, serverTimeDiff) {
  const iost = new IOST(Object.assign({
    gasRatio: 1, gasLimit: 2000000, delay: 0, expiration: 90, defaultLimit: 'unlimited',
  }, cfg));
  // IOST.setRPC() sets this from /getNodeInfo server_time; we pin it.
  iost.serverTimeDiff = serverTimeDiff;
  return iost;
}

// Full level per go-iost core/tx/tx.go ToBytes(Full): Publish bytes, then
// bytes referred_tx (the SDK never sets it: empty), string publisher,
// [][]byte publisher_sigs (each = byte algorithm | bytes sig | bytes pubkey,
// which is the SDK's own Signature._bytes()).
function fullBytes(tx) {
  const c = new Codec();
  c._buf = Buffer.from(tx._bytes(1));
  c.pushBytes(Buffer.alloc(0));
  c.pushString(tx.publisher);
  c.pushInt(tx.publisher_sigs.length);
  for (const s of tx.publisher_sigs) c.pushBytes(s._bytes());
  return c._buf;
}

const secp = new (require('elliptic').ec)('secp256k1');

// For a secp256k1 signature the SDK wrote as r.toArray() || s.toArray()
// (minimal big-endian, no left padding), find how it splits into r and s by
// verifying each candidate split, and return the 64-byte padded form.
function splitSecpSig(sig, hash, pubkey) {
  const L = sig.length;
  const cands = [];
  for (let rl = Math.max(1, L - 32); rl <= Math.min(32, L - 1); rl++) cands.push(rl);
  for (const rl of cands) {
    const r = sig.subarray(0, rl);
    const s = sig.subarray(rl);
    if (secp.verify(hash, { r: r.toString('hex'), s: s.toString('hex') }, pubkey)) {
      const padded = Buffer.concat([Buffer.alloc(32 - r.length), r, Buffer.alloc(32 - s.length), s]);
      return { r_len: r.length, s_len: s.length, padded };
    }
  }
  return null;
}

function sigInfo(sig, which, index, hash) {
  const len = sig.sig.length;
  const out = {
    list: which,
    index,
    algorithm: algoName(sig.algorithm),
    signature_len: len,
    // Signature.verify (lib/crypto/signature.js) reads r = sig[0:32], s = sig[32:64].
    sdk_verify: sig.verify(hash),
  };
  if (sig.algorithm === Algorithm.Secp256k1) {
    const sp = splitSecpSig(sig.sig, hash, sig.pubkey);
    if (!sp) throw new Error('secp256k1 signature does not verify under any r/s split');
    out.r_len = sp.r_len;
    out.s_len = sp.s_len;
    out.low_s = Buffer.from(sp.padded.subarray(32)).compare(Buffer.from('7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0', 'hex')) <= 0;
    // What a correct encoder (and go-iost, which requires exactly 64 bytes) would use.
    out.padded_signature_base64 = sp.padded.toString('base64');
  }
  return out;
}

// Builds the vector record from a fully signed SDK Tx.
function record(name, description, tx, keys, extra) {
  const base = Buffer.from(tx._bytes(0));
  const publish = Buffer.from(tx._bytes(1));
  const full = fullBytes(tx);
  const baseHash = Buffer.from(tx._base_hash());
  const publishHash = Buffer.from(tx._publish_hash());
  // Cross-check the SDK's sha3 (npm sha3) against OpenSSL SHA3-256.
  if (!baseHash.equals(sha3(base)) || !publishHash.equals(sha3(publish))) {
    throw new Error(name + ': SDK hash disagrees with OpenSSL SHA3-256');
  }
  const fullHash = sha3(full);
  // Exactly what lib/transaction.js sendTx hands to the HTTP provider, and the
  // body axios writes for it.
  const body = JSON.parse(JSON.stringify(tx));
  const bodyText = JSON.stringify(body);

  const sigs = [];
  tx.signatures.forEach((s, i) => sigs.push(sigInfo(s, 'signatures', i, baseHash)));
  tx.publisher_sigs.forEach((s, i) => sigs.push(sigInfo(s, 'publisher_sigs', i, publishHash)));
  const short = sigs.some((s) => s.algorithm === 'SECP256K1' && s.signature_len < 64);

  const rec = {
    name,
    description,
    sdk_short_signature: short,
    tx: body,
    sendtx_body: bodyText,
    encoded_ints: {
      // The int64 values the SDK put into the Base encoding, as decimal strings.
      time: String(tx.time),
      expiration: String(tx.expiration),
      gas_ratio_x100: publish.readBigInt64BE(16).toString(),
      gas_limit_x100: publish.readBigInt64BE(24).toString(),
      delay: publish.readBigInt64BE(32).toString(),
      chain_id: publish.readInt32BE(40),
    },
    base_bytes_hex: base.toString('hex'),
    publish_bytes_hex: publish.toString('hex'),
    full_bytes_hex: full.toString('hex'),
    full_size: full.length,
    valid_size: full.length <= MAX_TX_SIZE,
    base_hash: hashObj(baseHash),
    publish_hash: hashObj(publishHash),
    hash: Bs58.encode(fullHash),
    hash_hex: fullHash.toString('hex'),
    signature_checks: sigs,
    keys,
  };
  return Object.assign(rec, extra || {});
}

// ---------------------------------------------------------------- vectors

// Fixed "wall clock" instants (ms) and server time offsets (ns). The SDK
// computes time = ms*1e6 + serverTimeDiff in float64, so most of these times
// are not exactly the integer one would expect: the JSON and the hashed bytes
// both carry JavaScript's shortest round-trip decimal of that double.
const T0 = 1763942400123; // 2025-11-24T00:00:00.123Z

function buildVectors() {
  const v = [];

  // 1. Ed25519 publisher, token transfer through IOST.transfer (adds approve).
  {
    const alice = key('alice', Algorithm.Ed25519);
    const iost = newIost({ gasRatio: 1, gasLimit: 1000000 }, 0);
    const tx = atFixedTime(T0, () => iost.transfer('iost', 'alice', 'bob', '10.5', 'vector 1'));
    account('alice', alice).signTx(tx);
    v.push(record('ed25519_transfer', 'IOST.transfer by an Ed25519 publisher; addApprove("iost","10.5"); chain 1024; time exactly ms*1e6', tx,
      [keyJson(alice, 'publisher')]));
  }

  // 2. secp256k1 publisher, transfer, chain 1020, time not representable exactly.
  {
    const carl = key('carl', Algorithm.Secp256k1);
    const iost = newIost({ gasRatio: 1, gasLimit: 1000000 }, 123456789);
    const tx = atFixedTime(T0 + 1000, () => iost.transfer('iost', 'carl', 'alice', '0.00000001', ''));
    tx.setChainID(1020);
    account('carl', carl).signTx(tx);
    v.push(record('secp256k1_transfer_chain1020', 'IOST.transfer by a secp256k1 publisher, amount 1e-8, empty memo, chain 1020, serverTimeDiff 123456789 ns (time rounded by float64)', tx,
      [keyJson(carl, 'publisher')]));
  }

  // 3. auth.iost signUp + ram.iost buy + gas.iost pledge through IOST.newAccount.
  {
    const alice = key('alice', Algorithm.Ed25519);
    const owner = key('newbie-owner', Algorithm.Ed25519);
    const active = key('newbie-active', Algorithm.Ed25519);
    const iost = newIost({ gasRatio: 1, gasLimit: 1000000 }, 987654321);
    const tx = atFixedTime(T0 + 2000, () => iost.newAccount('newbie_01', 'alice', owner.kp.id, active.kp.id, 1024, 10));
    tx.amount_limit.push({ token: '*', value: 'unlimited' });
    account('alice', alice).signTx(tx);
    v.push(record('ed25519_signup_ram_pledge', 'IOST.newAccount: auth.iost signUp [name, ownerKey(base58), activeKey(base58)], ram.iost buy, gas.iost pledge; amount_limit * unlimited', tx,
      [keyJson(alice, 'publisher'), keyJson(owner, 'new_owner_key'), keyJson(active, 'new_active_key')]));
  }

  // 4. gas.iost pledge alone, gas ratio 2.5, chain 1020.
  {
    const alice = key('alice', Algorithm.Ed25519);
    const iost = newIost({ gasRatio: 2.5, gasLimit: 1000000 }, 0);
    const tx = atFixedTime(T0 + 3000, () => iost.callABI('gas.iost', 'pledge', ['alice', 'alice', '12.5']));
    tx.setChainID(1020);
    tx.addApprove('iost', '12.5');
    account('alice', alice).signTx(tx);
    v.push(record('ed25519_pledge_ratio_2_5', 'gas.iost pledge, gasRatio 2.5 (x100 = 250), chain 1020', tx, [keyJson(alice, 'publisher')]));
  }

  // 5. Unicode data.
  {
    const alice = key('alice', Algorithm.Ed25519);
    const iost = newIost({ gasRatio: 1, gasLimit: 1000000 }, 5);
    const tx = atFixedTime(T0 + 4000, () => iost.callABI('ContractHt6nV3tJ2u9wXnLfoPBPrhVW9mHBMYeqWW3KWbPNJcHJ', 'say',
      ['中文 ✓ emoji 🚀', 'ünïcödé', '\u00e9\u0301', 42, 1.5, true, null]));
    account('alice', alice).signTx(tx);
    v.push(record('ed25519_unicode_data', 'call with non-ASCII UTF-8 in data (CJK, U+2713, U+1F680 as 4-byte UTF-8), numbers/bool/null args', tx, [keyJson(alice, 'publisher')]));
  }

  // 6. Data with JSON escapes.
  {
    const alice = key('alice', Algorithm.Ed25519);
    const iost = newIost({ gasRatio: 1, gasLimit: 1000000 }, 0);
    const nasty = 'quote" backslash\\ slash/ nl\n cr\r tab\t bs\b ff\f ctrl\u0001\u001f del\u007f lone\ud800 </script> {"k":[1]}';
    const tx = atFixedTime(T0 + 5000, () => iost.callABI('demo.iost', 'echo', [nasty, { nested: 'a"b', arr: ['\\'] }]));
    account('alice', alice).signTx(tx);
    v.push(record('ed25519_json_escapes', 'data whose JSON contains escaped quotes, backslashes, control characters and a lone surrogate (written by JSON.stringify as \\ud800), so the /sendTx body double-escapes them', tx,
      [keyJson(alice, 'publisher')]));
  }

  // 7. Extra signers with their own signatures, mixed algorithms, amount limits.
  {
    const alice = key('alice', Algorithm.Ed25519);
    const dora = key('dora', Algorithm.Ed25519);
    const erin = key('erin', Algorithm.Secp256k1);
    const iost = newIost({ gasRatio: 1, gasLimit: 1000000 }, 250);
    const tx = atFixedTime(T0 + 6000, () => iost.callABI('token.iost', 'transfer', ['iost', 'dora', 'erin', '123.456', 'multi-signer']));
    tx.addSigner('dora', 'active');
    tx.addSigner('erin', 'owner');
    tx.addApprove('iost', '123.456');
    tx.amount_limit.push({ token: '*', value: 'unlimited' });
    const doraAcc = new Account('dora'); doraAcc.addKeyPair(dora.kp, 'active'); doraAcc.sign(tx, 'active');
    const erinAcc = new Account('erin'); erinAcc.addKeyPair(erin.kp, 'owner'); erinAcc.sign(tx, 'owner');
    account('alice', alice).signTx(tx);
    v.push(record('mixed_signers', 'signers dora@active (Ed25519) and erin@owner (secp256k1) sign the Base hash; Ed25519 publisher alice signs the Publish hash; amount_limit iost 123.456 and * unlimited', tx,
      [keyJson(alice, 'publisher'), keyJson(dora, 'signer dora@active'), keyJson(erin, 'signer erin@owner')]));
  }

  // 8. secp256k1 publisher with an Ed25519 signer, chain 1020.
  {
    const carl = key('carl', Algorithm.Secp256k1);
    const dora = key('dora', Algorithm.Ed25519);
    const iost = newIost({ gasRatio: 1, gasLimit: 1000000 }, 777);
    const tx = atFixedTime(T0 + 7000, () => iost.callABI('vote_producer.iost', 'vote', ['carl', 'producer01', '100']));
    tx.setChainID(1020);
    tx.addSigner('dora', 'active');
    tx.addApprove('iost', 100);
    const doraAcc = new Account('dora'); doraAcc.addKeyPair(dora.kp, 'active'); doraAcc.sign(tx, 'active');
    account('carl', carl).signTx(tx);
    v.push(record('secp256k1_publisher_ed25519_signer', 'secp256k1 publisher carl, Ed25519 signer dora@active, chain 1020', tx,
      [keyJson(carl, 'publisher'), keyJson(dora, 'signer dora@active')]));
  }

  // 9. setGas(2.5, 123456.78): gas limit with decimals.
  {
    const alice = key('alice', Algorithm.Ed25519);
    const iost = newIost({ gasRatio: 1, gasLimit: 1000000 }, 0);
    const tx = atFixedTime(T0 + 8000, () => iost.callABI('ram.iost', 'buy', ['alice', 'alice', 100]));
    tx.setGas(2.5, 123456.78);
    tx.setChainID(1020);
    account('alice', alice).signTx(tx);
    v.push(record('gas_limit_decimal', 'Tx.setGas(2.5, 123456.78): JSON carries gasLimit 123456.78, bytes carry 100*123456.78 = 12345678 (float64 product is exact here)', tx,
      [keyJson(alice, 'publisher')]));
  }

  // 10. gasRatio 1.15: 100*1.15 = 114.99999999999999 -> truncated to 114.
  {
    const alice = key('alice', Algorithm.Ed25519);
    const iost = newIost({ gasRatio: 1.15, gasLimit: 123456.78 }, 0);
    const tx = atFixedTime(T0 + 9000, () => iost.callABI('ram.iost', 'buy', ['alice', 'alice', 200]));
    account('alice', alice).signTx(tx);
    v.push(record('gas_truncation', 'gasRatio 1.15 (100*1.15 = 114.99999999999999, truncated to 114); gasLimit 123456.78 given to the Tx constructor, which parseInt()s it to 123456 (x100 = 12345600)', tx,
      [keyJson(alice, 'publisher')]));
  }

  // 11. Two publisher signatures (Ed25519 + secp256k1), gas ratio 1.
  {
    const alice = key('alice', Algorithm.Ed25519);
    const carl = key('carl', Algorithm.Secp256k1);
    const iost = newIost({ gasRatio: 1, gasLimit: 1000000 }, 0);
    const tx = atFixedTime(T0 + 10000, () => iost.callABI('gas.iost', 'unpledge', ['alice', 'alice', '1']));
    tx.addPublishSign('alice', alice.kp);
    tx.addPublishSign('alice', carl.kp);
    v.push(record('two_publisher_sigs', 'publisher alice with two publisher_sigs (Ed25519 then secp256k1), both over the same Publish hash', tx,
      [keyJson(alice, 'publisher key 1'), keyJson(carl, 'publisher key 2')]));
  }

  // 12. Empty argument list, no amount limit.
  {
    const alice = key('alice', Algorithm.Ed25519);
    const iost = newIost({ gasRatio: 100, gasLimit: 4000000 }, -1000);
    const tx = atFixedTime(T0 + 11000, () => iost.callABI('base.iost', 'exec', []));
    account('alice', alice).signTx(tx);
    v.push(record('empty_args_max_gas', 'data "[]", no amount_limit, no signers; gasRatio 100 and gasLimit 4000000 (the SDK maxima); negative serverTimeDiff', tx,
      [keyJson(alice, 'publisher')]));
  }

  // 13/14. Full encoding of exactly 65,536 bytes (largest valid) and 65,537.
  for (const target of [MAX_TX_SIZE, MAX_TX_SIZE + 1]) {
    const alice = key('alice', Algorithm.Ed25519);
    const iost = newIost({ gasRatio: 1, gasLimit: 1000000 }, 0);
    const make = (n) => {
      const tx = atFixedTime(T0 + 12000, () => iost.callABI('demo.iost', 'store', ['x'.repeat(n)]));
      account('alice', alice).signTx(tx);
      return tx;
    };
    const probe = fullBytes(make(0)).length; // signatures have fixed length (Ed25519)
    const tx = make(target - probe);
    const name = target === MAX_TX_SIZE ? 'size_65536_max_valid' : 'size_65537_too_large';
    const rec = record(name, 'one action whose data pads the Full encoding to exactly ' + target + ' bytes (limit: <= 65536)', tx,
      [keyJson(alice, 'publisher')]);
    if (rec.full_size !== target) throw new Error(name + ': size ' + rec.full_size);
    v.push(rec);
  }

  // 15/16. The SDK's short secp256k1 signatures: search the memo counter
  // until the publisher signature comes out shorter than 64 bytes, once with
  // s short (the SDK's own verify still accepts it) and once with r short
  // (the SDK's own verify rejects it too).
  for (const want of ['s', 'r']) {
    const carl = key('carl', Algorithm.Secp256k1);
    const iost = newIost({ gasRatio: 1, gasLimit: 1000000 }, 0);
    let found = null;
    for (let i = 0; i < 100000 && !found; i++) {
      const memo = 'short-' + want + ' search ' + i;
      const tx = atFixedTime(T0 + 13000, () => iost.transfer('iost', 'carl', 'bob', '1', memo));
      account('carl', carl).signTx(tx);
      const sig = tx.publisher_sigs[0];
      if (sig.sig.length < 64) {
        const sp = splitSecpSig(sig.sig, Buffer.from(tx._publish_hash()), sig.pubkey);
        if ((want === 'r' && sp.r_len < 32) || (want === 's' && sp.s_len < 32 && sp.r_len === 32)) found = { tx, i, memo };
      }
    }
    if (!found) throw new Error('no short signature found');
    v.push(record('secp256k1_sdk_short_signature_' + want, 'secp256k1 publisher signature that the SDK serialises in 63 bytes because ' + want +
      ' < 2^248 and BN.toArray() drops its leading zero byte; go-iost rejects it (len != 64)', found.tx,
      [keyJson(carl, 'publisher')], { search_counter: found.i, search_memo: found.memo }));
  }

  // 16. Ed25519 KeyPair built from the 64-byte secret (as wallets store it),
  // docs-style `*` unlimited, chain 1024, many actions.
  {
    const alice = key('alice', Algorithm.Ed25519);
    const kp64 = new KeyPair(Bs58.decode(alice.kp.B58SecKey()), Algorithm.Ed25519);
    if (!kp64.pubkey.equals(alice.kp.pubkey)) throw new Error('64-byte secret round trip');
    const iost = newIost({ gasRatio: 1, gasLimit: 1000000 }, 1);
    const tx = atFixedTime(T0 + 14000, () => iost.callABI('token.iost', 'transfer', ['iost', 'alice', 'bob', '1', '']));
    tx.addAction('token.iost', 'transfer', JSON.stringify(['iost', 'alice', 'carl', '2', 'second']));
    tx.addAction('token.iost', 'transfer', JSON.stringify(['iost', 'alice', 'dora', '3', 'third']));
    tx.amount_limit.push({ token: '*', value: 'unlimited' });
    tx.addApprove('iost', 6);
    const acc = new Account('alice'); acc.addKeyPair(kp64, 'active'); acc.signTx(tx);
    v.push(record('three_actions_star_unlimited', 'three token.iost transfers, amount_limit [* unlimited, iost 6]; key pair built from the 64-byte base58 secret', tx,
      [keyJson(alice, 'publisher')]));
  }

  return v;
}

// ---------------------------------------------------------------- docs example

// iost-official/iost-docs docs/6-reference/API.md, section "/sendTx",
// "Request example" (commit 43f2bed5e9688b33798d14848941fa3f741bef4b).
const DOCS = {
  source: 'iost-official/iost-docs docs/6-reference/API.md, section /sendTx, "Request example" (commit 43f2bed5e9688b33798d14848941fa3f741bef4b)',
  stated: {
    tx: {
      time: '1544709662543340000',
      expiration: '1544709692318715000',
      gas_ratio: 1,
      gas_limit: 500000,
      delay: 0,
      chain_id: 1024,
      signers: [],
      actions: [{
        contract: 'token.iost',
        action_name: 'transfer',
        data: '["iost", "testaccount", "anothertest", "100", "this is an example transfer"]',
      }],
      amount_limit: [{ token: '*', value: 'unlimited' }],
      signatures: [],
      publisher: 'testaccount',
      publisher_sigs: [{
        algorithm: 'ED25519',
        public_key: 'lDS+SdM+aiVHbDyXapvrsgyKxFg9mJuHWPZb/INBRWY=',
        signature: '/K1HM0OEbfJ4+D3BmalpLmb03WS7BeCz4nVHBNbDrx3/A31aN2RJNxyEKhv+VSoWctfevDNRnL1kadRVxSt8CA==',
      }],
    },
    hash_base64: '/gB8TJQibGI7Kem1v4vJPcJ7vHP48GuShYfd/7NhZ3w=',
    public_key_base64: 'lDS+SdM+aiVHbDyXapvrsgyKxFg9mJuHWPZb/INBRWY=',
    private_key_base64: 'gkpobuI3gbFGstgfdymLBQAGR67ulguDzNmLXEJSWaGUNL5J0z5qJUdsPJdqm+uyDIrEWD2Ym4dY9lv8g0FFZg==',
    signature_base64: '/K1HM0OEbfJ4+D3BmalpLmb03WS7BeCz4nVHBNbDrx3/A31aN2RJNxyEKhv+VSoWctfevDNRnL1kadRVxSt8CA==',
    curl_body: '{"actions":[{"action_name":"transfer","contract":"token.iost","data":"[\\"iost\\", \\"testaccount\\", \\"anothertest\\", \\"100\\", \\"this is an example transfer\\"]"}],"amount_limit":[{"token":"*","value":"unlimited"}],"delay":0,"chain_id":1024, "expiration": 1544709692318715000,"gas_limit":500000,"gas_ratio":1,"publisher":"testaccount","publisher_sigs":[{"algorithm":"ED25519","public_key":"lDS+SdM+aiVHbDyXapvrsgyKxFg9mJuHWPZb/INBRWY=","signature":"/K1HM0OEbfJ4+D3BmalpLmb03WS7BeCz4nVHBNbDrx3/A31aN2RJNxyEKhv+VSoWctfevDNRnL1kadRVxSt8CA=="}],"signatures":[],"signers":[],"time": 1544709662543340000}',
  },
};

function buildDocsExample() {
  const st = DOCS.stated;
  const sk = Buffer.from(st.private_key_base64, 'base64');
  const pk = Buffer.from(st.public_key_base64, 'base64');
  const kp = new KeyPair(sk, Algorithm.Ed25519); // the SDK keeps only sk[0:32] as the seed
  // Rebuild the transaction with the SDK. time/expiration are above 2^53 but
  // both happen to be exact float64 values, so the SDK encodes them unchanged.
  const t = st.tx;
  const tx = new Tx(t.gas_ratio, t.gas_limit);
  tx.time = Number(t.time);
  tx.expiration = Number(t.expiration);
  tx.delay = t.delay;
  tx.setChainID(t.chain_id);
  for (const a of t.actions) tx.addAction(a.contract, a.action_name, a.data);
  for (const l of t.amount_limit) tx.amount_limit.push({ token: l.token, value: l.value });
  if (String(tx.time) !== t.time || String(tx.expiration) !== t.expiration) throw new Error('docs times not exact doubles');

  const baseHash = Buffer.from(tx._base_hash());
  const publishHash = Buffer.from(tx._publish_hash());
  const statedHash = Buffer.from(st.hash_base64, 'base64');
  const statedSig = Buffer.from(st.signature_base64, 'base64');

  // Attach the stated publisher signature (as the node would receive it).
  const sig = Signature.fromJSON(JSON.stringify(st.tx.publisher_sigs[0]));
  tx.publisher = st.tx.publisher;
  tx.publisher_sigs.push(sig);
  const full = fullBytes(tx);
  const fullHash = sha3(full);

  // Re-sign with the SDK (deterministic Ed25519) to compare with the stated sig.
  const resigned = new Signature(publishHash, kp);

  const checks = {
    private_key_is_seed_and_public_key: kp.pubkey.equals(pk) && kp.seckey.equals(sk),
    stated_hash_equals_recomputed_publish_hash: statedHash.equals(publishHash),
    stated_hash_equals_recomputed_base_hash: statedHash.equals(baseHash),
    stated_signature_verifies_over_publish_hash: sig.verify(publishHash),
    sdk_resignature_equals_stated_signature: resigned.sig.equals(statedSig),
    curl_body_parses_and_matches_tx: (() => {
      const b = JSON.parse(st.curl_body);
      return String(b.time) === t.time && String(b.expiration) === t.expiration &&
        b.publisher_sigs[0].signature === st.signature_base64 &&
        b.actions[0].data === t.actions[0].data;
    })(),
  };
  return {
    source: DOCS.source,
    stated: st,
    note: 'The docs JSON snippets have trailing commas (not valid JSON); the curl body is valid JSON. time/expiration are JSON numbers in the docs; stored here as strings to keep every digit.',
    key: {
      algorithm: 'ED25519',
      secret_base58: Bs58.encode(sk),
      public_base58: Bs58.encode(pk),
    },
    recomputed: {
      base_bytes_hex: Buffer.from(tx._bytes(0)).toString('hex'),
      publish_bytes_hex: Buffer.from(tx._bytes(1)).toString('hex'),
      full_bytes_hex: full.toString('hex'),
      base_hash: hashObj(baseHash),
      publish_hash: hashObj(publishHash),
      publish_hash_base64: publishHash.toString('base64'),
      hash: Bs58.encode(fullHash),
      hash_hex: fullHash.toString('hex'),
    },
    checks,
    // Consistent when the key pair matches, the stated "hash" is the Publish
    // hash and the stated signature verifies over it (the Base hash is not
    // expected to match: the publisher signs the Publish level).
    consistent: checks.private_key_is_seed_and_public_key && checks.stated_hash_equals_recomputed_publish_hash &&
      checks.stated_signature_verifies_over_publish_hash && checks.sdk_resignature_equals_stated_signature &&
      checks.curl_body_parses_and_matches_tx,
  };
}

// ---------------------------------------------------------------- main

function render(obj) {
  return JSON.stringify(obj, null, 2) + '\n';
}

function main() {
  const check = process.argv.includes('--check');
  const vectors = buildVectors();
  if (vectors.length < 12) throw new Error('too few vectors');
  if (!vectors.some((x) => x.sdk_short_signature)) throw new Error('no short-signature vector');
  const txOut = render({
    generator: 'tests/vectors/gen.js',
    sdk: { package: 'iost', version: sdkPkg.version, entry: sdkPkg.main },
    notes: [
      'tx is the object iost.js sends to POST /sendTx (lib/transaction.js: JSON.parse(JSON.stringify(tx))); sendtx_body is that object serialised.',
      'base/publish bytes and hashes are the SDK\'s own (lib/structs.js Tx._bytes(0/1), _base_hash, _publish_hash).',
      'full_bytes_hex/hash follow go-iost core/tx/tx.go ToBytes(Full) (the SDK does not implement the Full level): publish bytes | bytes referred_tx (empty) | string publisher | [][]byte publisher_sigs.',
      'sdk_short_signature: a secp256k1 signature the SDK serialised with fewer than 64 bytes; go-iost rejects such a signature.',
      'valid_size: Full bytes <= 65536.',
    ],
    vectors,
  });
  const docsOut = render(buildDocsExample());

  if (check) {
    let bad = 0;
    for (const [file, text] of [[TX_FILE, txOut], [DOCS_FILE, docsOut]]) {
      let old = null;
      try { old = fs.readFileSync(file, 'utf8'); } catch (e) { /* missing */ }
      if (old !== text) {
        bad++;
        console.error('MISMATCH: ' + path.basename(file) + ' differs from a fresh generation' + (old === null ? ' (missing)' : ''));
      } else {
        console.log('ok: ' + path.basename(file));
      }
    }
    process.exit(bad ? 1 : 0);
  }
  fs.writeFileSync(TX_FILE, txOut);
  fs.writeFileSync(DOCS_FILE, docsOut);
  console.log('wrote ' + vectors.length + ' vectors to ' + path.basename(TX_FILE) + ' and ' + path.basename(DOCS_FILE));
}

// Run as a script (node gen.js [--check]); required as a module it only lends
// its Full-level encoder (the SDK end-to-end test uses it).
if (require.main === module) {
  main();
} else {
  module.exports = { fullBytes };
}
