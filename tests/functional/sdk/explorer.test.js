#!/usr/bin/env node
// devnet-args: --believable 2 --normal 4 --accounts 1
// Issue #17.6: the explorer iserver serves under /explorer/ (docs/explorer.md),
// in headless Chromium (Debian's `chromium`, driven by npm playwright-core
// from tests/functional/browser/node_modules, no browser download) against
// a devnet:
//   1. every page (chain, block with its MicroBlocks, transaction, account,
//      leagues, evidence) loads and shows the node's data;
//   2. a transfer made during the test (the official SDK, admin -> user1)
//      shows its journey PENDING/PACKED -> IRREVERSIBLE with times, and the
//      block page lists it inside a MicroBlock;
//   3. no console error and no uncaught page error on any page;
//   4. a screenshot of the dashboard is kept in the build dir
//      (build/tests/functional/explorer-screenshot.png).
//
//   node explorer.test.js <devnet dir>/devnet.json
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');

const { IOSTSDK, fail } = require('./sdk_util');
const { IOST, RPC, HTTPProvider, KeyPair, Account, Algorithm, Bs58 } = IOSTSDK;
const PW = path.join(__dirname, '..', 'browser', 'node_modules', 'playwright-core');
const CHROMIUM = '/usr/bin/chromium';

function check(cond, msg) {
  if (!cond) throw new Error(msg);
}

async function main() {
  if (!fs.existsSync(PW)) fail(`${PW} missing: run scripts/install-deps.sh (npm install in tests/functional/browser)`);
  if (!fs.existsSync(CHROMIUM)) fail(`${CHROMIUM} missing: run scripts/install-deps.sh (Debian package chromium)`);
  const { chromium } = require(PW);
  const devnetFile = process.argv[2];
  const devnet = JSON.parse(fs.readFileSync(devnetFile, 'utf8'));
  const base = devnet.nodes[0].http;
  const admin = devnet.accounts.find((a) => a.name === 'admin');
  const shot = path.join(path.dirname(path.dirname(devnetFile)), 'explorer-screenshot.png');

  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'iost-explorer-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 900 },
  });
  const problems = [];
  let ok = false;
  try {
    const page = await context.newPage();
    page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error on ${page.url()}: ${m.text()}`); });
    page.on('pageerror', (e) => problems.push(`page error on ${page.url()}: ${e.message}`));
    const waitText = async (sel, re, what, timeout = 20000) => {
      await page.waitForFunction(([s, src]) => {
        const el = document.querySelector(s);
        return el && new RegExp(src).test(el.textContent);
      }, [sel, re.source], { timeout }).catch(async () => {
        const text = await page.evaluate((s) => (document.querySelector(s) || {}).textContent, sel);
        throw new Error(`${what}: ${sel} never matched ${re} (it shows ${JSON.stringify(text)})`);
      });
    };

    // 1. The dashboard: head and finality, blocks with MicroBlocks.
    const resp = await page.goto(base + '/explorer/', { waitUntil: 'load' });
    check(resp.status() === 200, `/explorer/ answered ${resp.status()}`);
    await waitText('#c-head', /^[1-9]\d*$/, 'head height');
    await waitText('#lib-height', /^[1-9]\d*$/, 'final height in the status bar');
    await waitText('#blocks tbody', /\d/, 'latest blocks');

    // 2. A transfer during the test, followed on its transaction page.
    const iost = new IOST({ gasRatio: 1, gasLimit: 100000, delay: 0, expiration: 90, defaultLimit: 'unlimited' });
    const rpc = new RPC(new HTTPProvider(base, 10000));
    await iost.setRPC(rpc);
    const kp = new KeyPair(Bs58.decode(admin.secret_key), Algorithm.Ed25519);
    const acc = new Account('admin');
    acc.addKeyPair(kp, 'owner');
    acc.addKeyPair(kp, 'active');
    iost.setAccount(acc);
    const tx = iost.transfer('iost', 'admin', 'user1', '7.5', 'seen in the explorer');
    tx.setChainID(devnet.chain_id);
    const hash = await new Promise((resolve, reject) => {
      iost.signAndSend(tx).on('pending', resolve)
        .on('failed', (e) => reject(new Error('transfer failed: ' + (e.message || JSON.stringify(e)))));
    });
    console.log('transfer', hash);
    await page.evaluate((h) => { location.hash = '#/tx/' + h; }, hash);
    await waitText('#tx-status', /IRREVERSIBLE/, 'transaction status', 30000);
    const journey = await page.evaluate(() => ['PENDING', 'PACKED', 'IRREVERSIBLE'].map((s) => {
      const el = document.querySelector('#step-' + s);
      return { s, seen: el.className.includes(' seen'), when: el.querySelector('.when').textContent };
    }));
    console.log('journey', JSON.stringify(journey));
    check(journey[1].seen && journey[2].seen, `PACKED and IRREVERSIBLE must be passed: ${JSON.stringify(journey)}`);
    check(/\d{4}-\d\d-\d\dT/.test(journey[2].when) && /after the tx's time/.test(journey[2].when),
          `IRREVERSIBLE needs its time: ${journey[2].when}`);
    // A poll's time, or PACKED from its MicroBlock when the chain was faster
    // than two polls (micro 20 ms / final 300 ms on a loaded machine).
    check(journey.some((j) => j.s !== 'IRREVERSIBLE' && /\d{4}-\d\d-\d\dT/.test(j.when)),
          `PENDING or PACKED must be shown with a time: ${JSON.stringify(journey)}`);
    await waitText('#view', /7\.5/, 'the transfer\'s arguments');
    const block = await page.evaluate(() => {
      const a = document.querySelector('#step-IRREVERSIBLE a');
      return a ? a.textContent : '';
    });
    check(/^\d+$/.test(block), `no block link on the IRREVERSIBLE step: ${block}`);

    // The block page: the transfer inside a MicroBlock (PoB phase 1).
    await page.evaluate((b) => { location.hash = '#/block/' + b; }, block);
    await waitText('#micro tbody', new RegExp(hash), 'the tx among the block\'s MicroBlocks');

    // 3. Account, leagues, evidence.
    await page.evaluate(() => { location.hash = '#/account/user1'; });
    await waitText('#acc-balance', /\d/, 'user1 balance');
    await waitText('#perms', /active[\s\S]*owner|owner[\s\S]*active/, 'user1 permissions');
    await page.evaluate(() => { location.hash = '#/pob'; });
    await waitText('#league-believable', /node/, 'believable league');
    await waitText('#league-normal', /node/, 'normal league');
    const rows = await page.evaluate(() => [document.querySelectorAll('#league-believable tbody tr').length,
                                            document.querySelectorAll('#league-normal tbody tr').length]);
    check(rows[0] === 2 && rows[1] === 4, `leagues show ${rows} members, want 2 and 4`);
    await waitText('#sampling', /0\.1/, 'sampling probability');
    await page.evaluate(() => { location.hash = '#/evidence'; });
    await waitText('#ev-count', /^\d+$/, 'evidence count');

    // 4. Back on the dashboard, let the chart gather a few points, keep a screenshot.
    await page.evaluate(() => { location.hash = '#/'; });
    await waitText('#c-head', /^[1-9]\d*$/, 'head height again');
    await page.waitForTimeout(4000);
    await page.screenshot({ path: shot, fullPage: true });
    console.log('screenshot', shot);
    check(problems.length === 0, problems.join('\n'));
    ok = true;
  } finally {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
  if (ok) {
    console.log('OK: explorer pages load without console errors; the transfer went IRREVERSIBLE on screen');
    process.exit(0);
  }
}

main().catch((e) => fail(e && e.stack ? e.stack : String(e)));
