// The contract API of IOST (docs/contracts.md "JavaScript contracts"),
// written for this project from IOST's documented interface: `storage`,
// `blockchain`, `tx`, `block`, `BigNumber` (bignumber.js, configured),
// `Int64`, `Float64`, `IOSTCrypto`, `console` (a no-op). Runs in every fresh
// context after bignumber.js and before the contract, with the host's
// functions in `_IOSTNative` (removed from the global object here, so only
// these shims reach the host). It also removes everything whose result could
// differ between nodes. Its completion value is the invoker the host calls.
(function (g) {
  'use strict';
  const N = g._IOSTNative;
  delete g._IOSTNative;
  const stringify = JSON.stringify;
  const parse = JSON.parse;
  const ObjectFreeze = Object.freeze;

  // --- nondeterminism removed (eval and new Function are also refused by
  // the host: code generation from strings is off in every context) ---
  for (const name of ['Date', 'eval', 'WeakRef', 'FinalizationRegistry', 'SharedArrayBuffer',
                      'Atomics', 'WebAssembly', 'Intl', 'Promise', 'Proxy', 'Reflect']) {
    delete g[name];
  }
  delete Math.random;
  for (const proto of [String.prototype, Number.prototype, Array.prototype, Object.prototype,
                       BigInt.prototype]) {
    delete proto.toLocaleString;
  }
  delete String.prototype.localeCompare;
  delete String.prototype.toLocaleUpperCase;
  delete String.prototype.toLocaleLowerCase;

  const module = { exports: {} };

  // --- BigNumber with IOST's settings, loaded on first use (bignumber.js is
  // most of a fresh context's cost). It exports through `module` (it sees
  // one), so the contract's own module.exports is saved and restored. ---
  let BNcache = null;
  const BNlazy = () => {
    if (BNcache === null) {
      const saved = module.exports;
      // bignumber.js calls Math.random once while loading (to pick a
      // BigNumber.random helper); a constant keeps it deterministic, and
      // BigNumber.random then fails like Math.random itself.
      Math.random = () => 0.5;
      try {
        N.loadBigNumber();
      } finally {
        delete Math.random;
      }
      const loaded = module.exports;
      module.exports = saved;
      if (typeof loaded !== 'function') throw new Error('bignumber.js did not load');
      loaded.config({ DECIMAL_PLACES: 50, POW_PRECISION: 50, CRYPTO: false, EXPONENTIAL_AT: [-50, 50] });
      BNcache = loaded;
    }
    return BNcache;
  };

  const str = (v, what) => {
    if (typeof v !== 'string') throw new Error(what + ' must be a string');
    return v;
  };

  // --- storage ---
  const storage = {
    put(k, v, p) { return N.put(str(k, 'storage key'), str(v, 'storage value'), p || ''); },
    get(k) { return N.get(str(k, 'storage key')); },
    has(k) { return N.has(str(k, 'storage key')); },
    del(k) { return N.del(str(k, 'storage key')); },
    mapPut(k, f, v, p) {
      return N.mapPut(str(k, 'storage key'), str(f, 'storage field'), str(v, 'storage value'),
                      p || '');
    },
    mapGet(k, f) { return N.mapGet(str(k, 'storage key'), str(f, 'storage field')); },
    mapHas(k, f) { return N.mapHas(str(k, 'storage key'), str(f, 'storage field')); },
    mapKeys(k) { return parse(N.mapKeys(str(k, 'storage key'))); },
    mapLen(k) { return parse(N.mapKeys(str(k, 'storage key'))).length; },
    mapDel(k, f) { return N.mapDel(str(k, 'storage key'), str(f, 'storage field')); },
    globalHas(c, k) { return N.globalHas(str(c, 'contract'), str(k, 'storage key')); },
    globalGet(c, k) { return N.globalGet(str(c, 'contract'), str(k, 'storage key')); },
    globalMapHas(c, k, f) {
      return N.globalMapHas(str(c, 'contract'), str(k, 'storage key'), str(f, 'storage field'));
    },
    globalMapGet(c, k, f) {
      return N.globalMapGet(str(c, 'contract'), str(k, 'storage key'), str(f, 'storage field'));
    },
    globalMapKeys(c, k) { return parse(N.globalMapKeys(str(c, 'contract'), str(k, 'storage key'))); },
    globalMapLen(c, k) {
      return parse(N.globalMapKeys(str(c, 'contract'), str(k, 'storage key'))).length;
    },
  };

  // --- blockchain ---
  const ctxInfo = parse(N.contextInfo());
  const argsText = (args) => {
    if (typeof args === 'string') return args;
    if (!Array.isArray(args)) throw new Error('call args must be an array or a JSON array string');
    return stringify(args);
  };
  const amountText = (a) =>
    (BNcache !== null && a instanceof BNcache ? a.toFixed() : String(a));
  const blockchain = {
    call(contract, api, args) {
      return parse(N.call(str(contract, 'contract'), str(api, 'api'), argsText(args), false));
    },
    callWithAuth(contract, api, args) {
      return parse(N.call(str(contract, 'contract'), str(api, 'api'), argsText(args), true));
    },
    transfer(from, to, amount, memo) {
      return blockchain.call('token.iost', 'transfer',
                             ['iost', from, to, amountText(amount), memo === undefined ? '' : memo]);
    },
    withdraw(to, amount, memo) {
      return blockchain.callWithAuth('token.iost', 'transfer',
                                     ['iost', ctxInfo.contract_name, to, amountText(amount),
                                      memo === undefined ? '' : memo]);
    },
    deposit(from, amount, memo) {
      return blockchain.call('token.iost', 'transfer',
                             ['iost', from, ctxInfo.contract_name, amountText(amount),
                              memo === undefined ? '' : memo]);
    },
    requireAuth(id, perm) { return N.requireAuth(str(id, 'id'), str(perm, 'permission')); },
    receipt(content) { return N.receipt(str(content, 'receipt')); },
    event(content) { return N.event(str(content, 'event')); },
    blockInfo() { return N.blockInfo(); },
    txInfo() { return N.txInfo(); },
    contextInfo() { return N.contextInfo(); },
    contractName() { return ctxInfo.contract_name; },
    publisher() { return ctxInfo.publisher; },
    contractOwner() { return ctxInfo.contract_owner; },
    caller() { return ctxInfo.caller; },
  };

  // --- Int64 / Float64: IOST's wrappers over BigNumber ---
  class Int64 {
    constructor(n, base) {
      const BN = BNlazy();
      const v = new BN(n instanceof Int64 ? n.number : n, base);
      if (!v.isInteger()) throw new Error('Int64: ' + v.toFixed() + ' is not an integer');
      if (v.gt('9223372036854775807') || v.lt('-9223372036854775808')) {
        throw new Error('Int64: overflow');
      }
      this.number = v;
    }
    static _of(x) { return x instanceof Int64 ? x : new Int64(x); }
    plus(x) { return new Int64(this.number.plus(Int64._of(x).number)); }
    minus(x) { return new Int64(this.number.minus(Int64._of(x).number)); }
    multi(x) { return new Int64(this.number.times(Int64._of(x).number)); }
    div(x) {
      const d = Int64._of(x).number;
      if (d.isZero()) throw new Error('Int64: division by zero');
      return new Int64(this.number.idiv(d));
    }
    mod(x) { return new Int64(this.number.mod(Int64._of(x).number)); }
    pow(x) { return new Int64(this.number.pow(Int64._of(x).number)); }
    eq(x) { return this.number.eq(Int64._of(x).number); }
    gt(x) { return this.number.gt(Int64._of(x).number); }
    lt(x) { return this.number.lt(Int64._of(x).number); }
    isZero() { return this.number.isZero(); }
    isPositive() { return this.number.gt(0); }
    isNegative() { return this.number.lt(0); }
    toString() { return this.number.toFixed(); }
    toJSON() { return this.toString(); }
  }
  class Float64 {
    constructor(n, decimal) {
      const BN = BNlazy();
      this.number = new BN(n instanceof Float64 ? n.number : n);
      this.decimal = decimal === undefined ? 8 : decimal;
      if (this.number.isNaN()) throw new Error('Float64: not a number');
    }
    static _of(x) { return x instanceof Float64 ? x : new Float64(x); }
    plus(x) { return new Float64(this.number.plus(Float64._of(x).number), this.decimal); }
    minus(x) { return new Float64(this.number.minus(Float64._of(x).number), this.decimal); }
    multi(x) { return new Float64(this.number.times(Float64._of(x).number), this.decimal); }
    div(x) { return new Float64(this.number.div(Float64._of(x).number), this.decimal); }
    mod(x) { return new Float64(this.number.mod(Float64._of(x).number), this.decimal); }
    pow(x) { return new Float64(this.number.pow(Float64._of(x).number), this.decimal); }
    eq(x) { return this.number.eq(Float64._of(x).number); }
    gt(x) { return this.number.gt(Float64._of(x).number); }
    lt(x) { return this.number.lt(Float64._of(x).number); }
    isZero() { return this.number.isZero(); }
    isPositive() { return this.number.gt(0); }
    isNegative() { return this.number.lt(0); }
    toFixed(d) { return this.number.toFixed(d === undefined ? this.decimal : d, 1); }  // ROUND_DOWN
    toString() { return this.number.toFixed(); }
    toJSON() { return this.toString(); }
  }

  const IOSTCrypto = {
    sha3(s) { return N.sha3(str(s, 'data'), false); },
    sha3Hex(s) { return N.sha3(str(s, 'data'), true); },
  };
  const noop = function () {};
  const console = { log: noop, info: noop, debug: noop, warn: noop, error: noop };

  const define = (name, value) =>
    Object.defineProperty(g, name, { value, writable: false, enumerable: false, configurable: false });
  Object.defineProperty(g, 'BigNumber', { get: BNlazy, enumerable: false, configurable: false });
  define('storage', ObjectFreeze(storage));
  define('blockchain', ObjectFreeze(blockchain));
  define('BlockChain', blockchain);
  define('tx', ObjectFreeze(parse(N.txInfo())));
  define('block', ObjectFreeze(parse(N.blockInfo())));
  define('Int64', Int64);
  define('Float64', Float64);
  define('IOSTCrypto', ObjectFreeze(IOSTCrypto));
  define('console', ObjectFreeze(console));
  define('module', module);
  define('_IOSTInstruction_counter', ObjectFreeze({ incr: N.gas }));

  // The invoker: builds the exported class and calls `action` with `args`;
  // the result is the JSON array of return values ("[]" for undefined).
  return function (action, argsJson) {
    const C = module.exports;
    if (typeof C !== 'function') {
      throw new Error('the contract must export its class: module.exports = Contract');
    }
    const obj = new C();
    const fn = obj[action];
    if (typeof fn !== 'function' && action === 'init') return '[]';  // init() is optional
    if (typeof fn !== 'function') throw new Error('function ' + action + ' not found in the code');
    const r = fn.apply(obj, parse(argsJson));
    if (r === undefined) return '[]';
    const text = stringify([r]);
    if (typeof text !== 'string') throw new Error('return value is not JSON');
    return text;
  };
})(this);
