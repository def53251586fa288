// Shared by the SDK functional tests (tests/functional/sdk/*.test.js; this
// file is not one: CMake registers *.test.js only): the unchanged npm `iost`
// SDK from tests/vectors/node_modules, stopping a test with a message, and
// sending a signed transaction through the SDK until its receipt.
'use strict';

const path = require('path');

const SDK_DIR = path.join(__dirname, '..', '..', 'vectors', 'node_modules');
const IOSTSDK = require(path.join(SDK_DIR, 'iost'));

function fail(msg) {
  console.error('FAIL: ' + msg);
  process.exit(1);
}

function check(cond, msg) {
  if (!cond) fail(msg);
}

// What a failure says: a refused sendTx comes as an Error whose message holds
// the node's JSON reason, a failed receipt as an object.
function why(e) {
  if (e instanceof Error) return e.message;
  return typeof e === 'string' ? e : JSON.stringify(e);
}

// Signs and sends `tx` with the SDK (its pending/success/failed events).
// Resolves {hash, receipt, tx} on success and rejects with `what` and the
// reason on failure. With expectFail it is the other way round: it resolves
// the failure (the refusal or the failed receipt) and rejects a success.
// `log` prints the pending hash.
function signAndSend(iost, tx, what, { expectFail = false, log = false } = {}) {
  return new Promise((resolve, reject) => {
    let hash = '';
    iost.signAndSend(tx)
      .on('pending', (h) => {
        hash = h;
        if (log) console.log(`${what}: pending ${h}`);
      })
      .on('success', (receipt) => {
        if (expectFail) reject(new Error(`${what}: succeeded, expected a failure`));
        else resolve({ hash, receipt, tx });
      })
      .on('failed', (e) => {
        if (expectFail) resolve(e);
        else reject(new Error(`${what} failed: ${why(e)}`));
      });
  });
}

module.exports = { SDK_DIR, IOSTSDK, fail, check, why, signAndSend };
