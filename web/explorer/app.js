// iost-pob explorer (docs/explorer.md): a hash-routed page over the node's
// HTTP API (docs/http.md). No framework, no build step, no external assets.
// Every fetch is same-origin (iserver serves these files), every failure is
// shown on the page and never thrown past a handler, so a healthy node gives
// a console without errors (the headless-Chromium test checks that).
'use strict';

const $ = (sel) => document.querySelector(sel);
const view = $('#view');
const statusBar = $('#status');
let routeToken = 0;        // bumped on every navigation; stale loops stop
const live = {             // the dashboard's rolling series
  lastHeight: 0, points: [], lastMetrics: null,
};

function esc(s) {
  return String(s === undefined || s === null ? '' : s)
    .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
function nsToDate(ns) {
  const n = Number(ns);
  return Number.isFinite(n) && n > 0 ? new Date(n / 1e6) : null;
}
function fmtTime(ns) {
  const d = nsToDate(ns);
  return d ? d.toISOString().replace('T', ' ').replace('Z', ' UTC') : '';
}
function secs(ms) { return (ms / 1000).toFixed(2) + ' s'; }
function badge(s) { return `<span class="badge ${esc(s)}">${esc(s)}</span>`; }
function link(kind, id, text) {
  return `<a href="#/${kind}/${encodeURIComponent(id)}">${esc(text === undefined ? id : text)}</a>`;
}
function card(k, v, id) {
  return `<div class="card"><div class="k">${esc(k)}</div><div class="v"${id ? ` id="${id}"` : ''}>${v}</div></div>`;
}

async function api(path, body) {
  const opts = body === undefined ? {} : { method: 'POST', body: JSON.stringify(body) };
  const r = await fetch(path, opts);
  const text = await r.text();
  let j = null;
  try { j = JSON.parse(text); } catch (e) { j = null; }
  if (!r.ok) throw new Error((j && j.message) || `${path}: HTTP ${r.status}`);
  if (j === null) throw new Error(`${path}: not JSON`);
  return j;
}
async function metrics() {
  const r = await fetch('/metrics');
  if (!r.ok) throw new Error('/metrics: HTTP ' + r.status);
  const out = {};
  for (const line of (await r.text()).split('\n')) {
    const m = /^([a-z_]+)(\{[^}]*\})?\s+([-0-9.eE+]+|NaN)$/.exec(line);
    if (m && !m[2]) out[m[1]] = Number(m[3]);
  }
  return out;
}
function sleep(ms) { return new Promise((res) => setTimeout(res, ms)); }

// ---- status bar: head and finality, every second -------------------------
async function pollStatus() {
  for (;;) {
    try {
      const c = await api('/getChainInfo');
      const pob = await api('/getPoBInfo');
      statusBar.className = 'status';
      statusBar.innerHTML =
        `chain <b>${esc(c.chain_id)}</b> · head <b id="head-height">${esc(c.head_block)}</b> · ` +
        `final (irreversible) <b id="lib-height">${esc(c.lib_block)}</b> · epoch ${esc(pob.epoch)} view ${esc(pob.view)} · ` +
        (pob.chain_fallback ? '<b>FALLBACK</b> (one-league PBFT)' : 'PoB') +
        ` · ${esc(fmtTime(c.head_block_time))}`;
    } catch (e) {
      statusBar.className = 'status down';
      statusBar.textContent = 'node unreachable: ' + e.message;
    }
    await sleep(1000);
  }
}

// ---- dashboard -----------------------------------------------------------
async function showChain(token) {
  view.innerHTML = `<h1>Chain</h1>
    <div class="grid" id="cards"></div>
    <h2>Throughput and latency</h2>
    <canvas id="chart" width="1100" height="220"></canvas>
    <div class="legend"><span style="color:#0b6bcb">■ final tx/s</span>
      <span style="color:#b54708">■ mean finalize latency (ms)</span></div>
    <h2>Latest final blocks</h2>
    <table id="blocks"><thead><tr><th>height</th><th>time</th><th>proposer</th><th>MicroBlocks</th><th>txs</th><th>hash</th></tr></thead><tbody></tbody></table>`;
  while (token === routeToken) {
    try {
      const [c, pob, node] = await Promise.all([api('/getChainInfo'), api('/getPoBInfo'), api('/getNodeInfo')]);
      if (token !== routeToken) return;
      $('#cards').innerHTML =
        card('head block', esc(c.head_block), 'c-head') +
        card('final block', esc(c.lib_block), 'c-lib') +
        card('chain id', esc(c.chain_id)) +
        card('consensus', pob.chain_fallback ? 'PBFT fallback' : 'PoB') +
        card('epoch / view', `${esc(pob.epoch)} / ${esc(pob.view)}`) +
        card('leagues', `${(pob.believable || []).length} believable / ${(pob.normal || []).length} normal`) +
        card('sampling p', esc(pob.params ? pob.params.sampling_probability : '')) +
        card('peers / pool', `${esc(node.network ? node.network.peer_count : '?')} / ${esc(node.tx_pool_size)}`);
      await updateSeries(Number(c.lib_block));
      if (token !== routeToken) return;
      drawChart();
      await fillBlocks(Number(c.lib_block), token);
    } catch (e) {
      if (token === routeToken) $('#cards').innerHTML = `<p class="err">${esc(e.message)}</p>`;
    }
    await sleep(1000);
  }
}

async function updateSeries(final) {
  // Throughput from the final blocks finalized since the last poll.
  let txs = 0;
  const from = live.lastHeight ? Math.max(live.lastHeight + 1, final - 30) : final;
  for (let h = from; h <= final && h >= 1; h++) {
    const b = await api(`/getBlockByNumber/${h}/false`);
    txs += Number(b.block.tx_count);
  }
  const now = Date.now();
  let latency = null;
  try {
    const m = await metrics();
    const sum = m.iost_finalize_latency_seconds_sum, count = m.iost_finalize_latency_seconds_count;
    if (live.lastMetrics && count > live.lastMetrics.count) {
      latency = 1000 * (sum - live.lastMetrics.sum) / (count - live.lastMetrics.count);
    }
    if (Number.isFinite(sum) && Number.isFinite(count)) live.lastMetrics = { sum, count };
  } catch (e) { /* metrics are optional for the chart */ }
  const prev = live.points.length ? live.points[live.points.length - 1].t : null;
  if (live.lastHeight && prev !== null) {
    live.points.push({ t: now, tps: txs / Math.max(0.001, (now - prev) / 1000), latency });
  } else {
    live.points.push({ t: now, tps: 0, latency });
  }
  if (live.points.length > 120) live.points.shift();
  live.lastHeight = final;
}

function drawChart() {
  const cv = $('#chart');
  if (!cv) return;
  const ctx = cv.getContext('2d');
  const W = cv.width, H = cv.height, pad = 34;
  ctx.clearRect(0, 0, W, H);
  ctx.font = '11px sans-serif';
  const pts = live.points;
  const maxT = Math.max(1, ...pts.map((p) => p.tps));
  const lat = pts.filter((p) => p.latency !== null).map((p) => p.latency);
  const maxL = Math.max(1, ...lat);
  ctx.strokeStyle = '#e4e7ec';
  ctx.beginPath(); ctx.moveTo(pad, H - pad); ctx.lineTo(W - pad, H - pad); ctx.stroke();
  ctx.fillStyle = '#0b6bcb'; ctx.fillText(maxT.toFixed(1) + ' tx/s', 2, 12);
  ctx.fillStyle = '#b54708'; ctx.fillText(maxL.toFixed(0) + ' ms', W - 60, 12);
  const x = (i) => pad + (W - 2 * pad) * (pts.length <= 1 ? 0 : i / (pts.length - 1));
  const series = (get, max, color) => {
    ctx.strokeStyle = color; ctx.lineWidth = 2; ctx.beginPath();
    let started = false;
    pts.forEach((p, i) => {
      const v = get(p);
      if (v === null) return;
      const y = H - pad - (H - 2 * pad) * (v / max);
      if (!started) { ctx.moveTo(x(i), y); started = true; } else ctx.lineTo(x(i), y);
    });
    ctx.stroke();
  };
  series((p) => p.tps, maxT, '#0b6bcb');
  series((p) => p.latency, maxL, '#b54708');
  ctx.fillStyle = '#667085';
  ctx.fillText(`last ${pts.length} s`, pad, H - 10);
}

async function fillBlocks(final, token) {
  const rows = [];
  for (let h = final; h >= Math.max(1, final - 9); h--) {
    const [b, pb] = await Promise.all([api(`/getBlockByNumber/${h}/false`), api(`/getPoBBlock/${h}`)]);
    rows.push(`<tr><td>${link('block', h)}</td><td>${esc(fmtTime(b.block.time))}</td><td>${esc(b.block.witness)}</td>
      <td>${pb.micro_blocks.length}</td><td>${esc(b.block.tx_count)}</td><td class="mono">${esc(b.block.hash)}</td></tr>`);
  }
  if (token === routeToken && $('#blocks')) $('#blocks tbody').innerHTML = rows.join('');
}

// ---- a block and its MicroBlocks ------------------------------------------
async function showBlock(id, token) {
  view.innerHTML = `<h1>Block ${esc(id)}</h1><div id="b">loading…</div>`;
  try {
    const b = await api(`/getBlockByNumber/${encodeURIComponent(id)}/true`);
    const pb = await api(`/getPoBBlock/${encodeURIComponent(id)}`);
    if (token !== routeToken) return;
    const blk = b.block;
    const micros = pb.micro_blocks.map((m) => `<tr><td>${esc(m.producer)}</td><td>${esc(m.seq)}</td>
      <td>${esc(fmtTime(m.time))}</td><td>${esc(m.tx_count)}</td><td class="mono">${esc(m.hash)}</td>
      <td class="mono">${m.tx_hashes.map((h) => link('tx', h)).join('<br>')}</td></tr>`).join('');
    const txs = (blk.transactions || []).map((t) => `<tr><td class="mono">${link('tx', t.hash)}</td>
      <td>${link('account', t.publisher)}</td><td class="mono">${esc(t.actions.map((a) => a.contract + '/' + a.action_name + ' ' + a.data).join('; '))}</td>
      <td>${t.tx_receipt ? badge(t.tx_receipt.status_code) : ''}</td></tr>`).join('');
    $('#b').innerHTML = `<div class="grid">
        ${card('status', badge(b.status))}${card('time', esc(fmtTime(blk.time)))}
        ${card('proposer', esc(blk.witness))}${card('epoch / view', `${esc(pb.epoch)} / ${esc(pb.view)}`)}
        ${card('transactions', esc(blk.tx_count))}${card('gas used', esc(blk.gas_usage))}</div>
      <p class="mono">hash ${esc(blk.hash)}<br>parent ${Number(id) > 1 ? link('block', Number(id) - 1, blk.parent_hash) : esc(blk.parent_hash)}</p>
      <h2>MicroBlocks (${pb.micro_blocks.length})</h2>
      <table id="micro"><thead><tr><th>producer</th><th>seq</th><th>time</th><th>txs</th><th>hash</th><th>transactions</th></tr></thead><tbody>${micros}</tbody></table>
      ${pb.direct_tx_count ? `<p>${esc(pb.direct_tx_count)} transactions put in directly by the primary (fallback).</p>` : ''}
      ${pb.fallback.length ? `<p>Declared silent here: ${esc(pb.fallback.join(', '))}</p>` : ''}
      ${pb.excluded.length ? `<p class="err">Excluded as forged: ${pb.excluded.map((x) => esc(x.tx_hash)).join(', ')}</p>` : ''}
      <h2>Transactions</h2>
      <table><thead><tr><th>hash</th><th>publisher</th><th>actions</th><th>receipt</th></tr></thead><tbody>${txs}</tbody></table>`;
  } catch (e) {
    if (token === routeToken) $('#b').innerHTML = `<p class="err">${esc(e.message)}</p>`;
  }
}

// ---- a transaction's journey ----------------------------------------------
async function showTx(hash, token) {
  view.innerHTML = `<h1>Transaction</h1><p class="mono">${esc(hash)}</p>
    <div class="journey" id="journey"></div><div id="tx">loading…</div>`;
  const seen = {};  // status -> ms (Date.now()) when this page first saw it
  const steps = ['PENDING', 'PACKED', 'IRREVERSIBLE'];
  let txTimeMs = null, block = null, last = null;
  // PACKED faster than two polls (150 ms apart): the time of the MicroBlock
  // that carries the tx, from the final block (docs/explorer.md).
  let packedByMicro = null;
  const render = () => {
    $('#journey').innerHTML = steps.map((s) => {
      const fromChain = s === 'PACKED' && seen[s] === undefined ? packedByMicro : null;
      const at = seen[s] !== undefined ? seen[s] : (fromChain !== null ? fromChain : undefined);
      const rel = at !== undefined && txTimeMs !== null
        ? ` (+${secs(at - txTimeMs)} after the tx's time${fromChain !== null ? ", its MicroBlock's time" : ''})` : '';
      const idx = steps.indexOf(last);
      const passed = at !== undefined || (idx >= 0 && steps.indexOf(s) < idx);
      return `<div class="step ${passed ? 'seen' : 'unseen'}" id="step-${s}">${badge(s)}
        <div class="when">${at !== undefined ? esc(new Date(at).toISOString()) + esc(rel)
            : (passed ? 'passed between two polls' : 'not yet')}</div>
        ${s === 'IRREVERSIBLE' && block ? `<div>in block ${link('block', block)}</div>` : ''}</div>`;
    }).join('');
  };
  for (let i = 0; token === routeToken; i++) {
    try {
      const r = await api(`/getTxByHash/${encodeURIComponent(hash)}`);
      if (token !== routeToken) return;
      const now = Date.now();
      if (seen[r.status] === undefined) seen[r.status] = now;
      last = r.status;
      const t = r.transaction;
      txTimeMs = nsToDate(t.time) ? Number(t.time) / 1e6 : null;
      if (r.status === 'IRREVERSIBLE') {
        block = r.block_number;
        if (seen.PACKED === undefined) {
          try {
            const pb = await api(`/getPoBBlock/${encodeURIComponent(block)}`);
            const m = pb.micro_blocks.find((x) => x.tx_hashes.includes(hash));
            if (m && nsToDate(m.time)) packedByMicro = Number(m.time) / 1e6;
          } catch (e) { /* the journey shows what the polls saw */ }
          if (token !== routeToken) return;
        }
      }
      render();
      $('#tx').innerHTML = `<div class="grid">${card('status', badge(r.status), 'tx-status')}
          ${card('publisher', link('account', t.publisher))}${card('time', esc(fmtTime(t.time)))}
          ${card('gas limit / ratio', `${esc(t.gas_limit)} / ${esc(t.gas_ratio)}`)}</div>
        <h2>Actions</h2><table><thead><tr><th>contract</th><th>action</th><th>data</th></tr></thead><tbody>
        ${t.actions.map((a) => `<tr><td>${esc(a.contract)}</td><td>${esc(a.action_name)}</td><td class="mono">${esc(a.data)}</td></tr>`).join('')}
        </tbody></table>
        ${t.tx_receipt ? `<h2>Receipt ${badge(t.tx_receipt.status_code)}</h2><pre>${esc(JSON.stringify(t.tx_receipt, null, 2))}</pre>` : ''}`;
      if (r.status === 'IRREVERSIBLE') return;
    } catch (e) {
      if (token === routeToken) $('#tx').innerHTML = `<p class="err">${esc(e.message)}</p>`;
      if (i > 600) return;
    }
    await sleep(150);
  }
}

// ---- accounts -------------------------------------------------------------
async function showAccount(name, token) {
  view.innerHTML = `<h1>Account ${esc(name)}</h1><div id="acc">loading…</div>`;
  try {
    const a = await api(`/getAccount/${encodeURIComponent(name)}/true`);
    if (token !== routeToken) return;
    const perms = Object.values(a.permissions || {}).map((p) => `<tr><td>${esc(p.name)}</td><td>${esc(p.threshold)}</td>
      <td class="mono">${(p.items || []).map((it) => esc(it.id) + (it.is_key_pair ? '' : '@' + esc(it.permission)) + ' ×' + esc(it.weight)).join('<br>')}</td>
      <td>${esc((p.group_names || []).join(', '))}</td></tr>`).join('');
    const groups = Object.values(a.groups || {}).map((g) => `<tr><td>${esc(g.name)}</td>
      <td class="mono">${(g.items || []).map((it) => esc(it.id) + ' ×' + esc(it.weight)).join('<br>')}</td></tr>`).join('');
    const g = a.gas_info || {}, ram = a.ram_info || {};
    $('#acc').innerHTML = `<div class="grid">
        ${card('balance (IOST)', esc(a.balance), 'acc-balance')}
        ${card('gas', `${esc(Math.floor(g.current_total))} / ${esc(g.limit)}`)}
        ${card('gas pledged by others', esc((g.pledged_info || []).map((p) => p.pledger + ' ' + p.amount).join(', ') || '—'))}
        ${card('RAM available / used', `${esc(ram.available)} / ${esc(ram.used)} bytes`)}</div>
      <h2>Permissions</h2><table id="perms"><thead><tr><th>permission</th><th>threshold</th><th>items</th><th>groups</th></tr></thead><tbody>${perms}</tbody></table>
      ${groups ? `<h2>Groups</h2><table><thead><tr><th>group</th><th>items</th></tr></thead><tbody>${groups}</tbody></table>` : ''}
      ${(a.frozen_balances || []).length ? `<h2>Frozen</h2><pre>${esc(JSON.stringify(a.frozen_balances, null, 2))}</pre>` : ''}
      ${(a.vote_infos || []).length ? `<h2>Votes</h2><table><thead><tr><th>validator</th><th>votes</th></tr></thead><tbody>${a.vote_infos.map((v) => `<tr><td>${esc(v.option)}</td><td>${esc(v.votes)}</td></tr>`).join('')}</tbody></table>` : ''}`;
  } catch (e) {
    if (token === routeToken) $('#acc').innerHTML = `<p class="err">${esc(e.message)}</p>`;
  }
}

// ---- leagues and sampling -------------------------------------------------
async function showPob(token) {
  view.innerHTML = '<h1>Leagues</h1><div id="pob">loading…</div>';
  while (token === routeToken) {
    try {
      const p = await api('/getPoBInfo');
      if (token !== routeToken) return;
      const league = (name, list) => `<h2>${esc(name)} (${list.length})</h2><table class="league" id="league-${esc(name)}">
        <thead><tr><th>validator</th><th>Servi</th><th>stake (IOST)</th><th>status</th><th>key</th></tr></thead><tbody>
        ${list.map((m) => `<tr><td>${link('account', m.id)}</td><td>${esc(m.servi)}</td><td>${esc(m.stake)}</td><td>${badge(m.status)}</td><td class="mono">${esc(m.pubkey)}</td></tr>`).join('')}
        </tbody></table>`;
      const pr = p.params || {};
      $('#pob').innerHTML = `<div class="grid">${card('epoch', esc(p.epoch))}${card('view', esc(p.view))}
          ${card('sampling probability p', esc(pr.sampling_probability), 'sampling')}
          ${card('epoch length', esc(pr.epoch_length))}${card('next epoch at', esc(p.next_epoch_height))}
          ${card('quorum / max faulty', `${esc(pr.quorum)} / ${esc(pr.max_faulty)}`)}</div>
        <p class="mono">seed ${esc(p.seed)}</p>
        ${p.chain_fallback ? '<p class="err">Chain fallback: one league runs PBFT.</p>' : ''}
        ${league('believable', p.believable || [])}${league('normal', p.normal || [])}
        ${(p.fallback_producers || []).length ? `<p>Silent believable producers this epoch: ${esc(p.fallback_producers.join(', '))}</p>` : ''}`;
    } catch (e) {
      if (token === routeToken) $('#pob').innerHTML = `<p class="err">${esc(e.message)}</p>`;
    }
    await sleep(2000);
  }
}

// ---- evidence, slashing, compensation -------------------------------------
async function showEvidence(token) {
  view.innerHTML = '<h1>Evidence, slashing and compensation</h1><div id="ev">loading…</div>';
  try {
    const e = await api('/getEvidence');
    if (token !== routeToken) return;
    const rows = (e.evidence || []).map((x) => `<tr><td>${link('block', x.height)}</td><td>${esc(x.kind)}</td><td>${link('account', x.accused)}</td>
      <td class="mono">${esc(x.id)}</td></tr>`).join('');
    const refs = (list) => list.map((x) => `<tr><td>${link('block', x.height)}</td><td class="mono">${link('tx', x.tx_hash)}</td><td class="mono">${esc(x.evidence_id)}</td></tr>`).join('');
    $('#ev').innerHTML = `<div class="grid">${card('blocks searched', `${esc(e.from)} – ${esc(e.to)}`)}
        ${card('evidence', (e.evidence || []).length, 'ev-count')}${card('slashed', esc((e.slashed || []).join(', ') || 'none'))}
        ${card('compensation pool (IOST)', esc(e.compensation_pool))}</div>
      <h2>Evidence</h2><table id="evidence"><thead><tr><th>block</th><th>kind</th><th>accused</th><th>id</th></tr></thead><tbody>${rows || '<tr><td colspan="4">none: no fraud seen in these blocks</td></tr>'}</tbody></table>
      <h2>Excluded transactions</h2><table><thead><tr><th>block</th><th>tx</th><th>evidence</th></tr></thead><tbody>${refs(e.excluded || []) || '<tr><td colspan="3">none</td></tr>'}</tbody></table>
      <h2>Compensated transactions</h2><table><thead><tr><th>block</th><th>tx</th><th>evidence</th></tr></thead><tbody>${refs(e.compensated || []) || '<tr><td colspan="3">none</td></tr>'}</tbody></table>`;
  } catch (err) {
    if (token === routeToken) $('#ev').innerHTML = `<p class="err">${esc(err.message)}</p>`;
  }
}

// ---- routing --------------------------------------------------------------
function route() {
  const token = ++routeToken;
  const parts = (location.hash.replace(/^#\/?/, '') || '').split('/').map(decodeURIComponent);
  const [kind, id] = parts;
  if (kind === 'block' && id) return showBlock(id, token);
  if (kind === 'tx' && id) return showTx(id, token);
  if (kind === 'account' && id) return showAccount(id, token);
  if (kind === 'pob') return showPob(token);
  if (kind === 'evidence') return showEvidence(token);
  return showChain(token);
}

$('#search').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const q = $('#q').value.trim();
  if (/^\d+$/.test(q)) location.hash = '#/block/' + q;
  else if (/^[1-9A-HJ-NP-Za-km-z]{40,50}$/.test(q)) location.hash = '#/tx/' + q;
  else if (q) location.hash = '#/account/' + q;
});
window.addEventListener('hashchange', () => { route(); });
route();
pollStatus();
