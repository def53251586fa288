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
  const ReflectConstruct = Reflect.construct;  // for the size-aware gas wrappers

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

  // --- size-aware gas (docs/contracts.md "Gas and determinism", price
  // list there). The instrumentation charges per AST node, so one built-in
  // call on a huge string or array would do unbounded work for a few gas:
  // the built-ins that make or scan strings, arrays and objects are wrapped
  // to charge by size, and sizes past the caps end the transaction as `out
  // of gas` (uncatchable, charged in full). At the 4,000,000-gas maximum of
  // a transaction this bounds what a contract can allocate to about 32 MiB,
  // half the heap limit, so a contract runs out of gas on every node before
  // the heap limit (a per-machine safety net) can stop it on one of them. ---
  const SZ = (() => {
    const MAX_STR = 1 << 20;    // chars in one string
    const MAX_ELEMS = 1 << 20;  // elements or keys made by one call
    const CHARS_PER_GAS = 4;    // 4 chars = at most 8 bytes
    const gas = N.gas;
    const exhaust = N.exhaust;
    const OrigRegExp = RegExp;
    const OrigRangeError = RangeError;
    // Everything used after setup is captured now: a contract may replace
    // any global or prototype method, and must not change what is charged.
    const construct = ReflectConstruct;
    const isArray = Array.isArray;
    const objectKeys = Object.keys;
    const apply = Function.prototype.call.bind(Function.prototype.apply);
    const StringF = String;
    const NumberF = Number;
    const ObjectF = Object;
    const OrigSet = Set;
    const OrigMap = Map;
    const setHas = Set.prototype.has;
    const arrayMap = Array.prototype.map;
    const arrayPush = Array.prototype.push;
    const strIndexOf = String.prototype.indexOf;
    const { trunc, ceil, max, min, floor } = Math;
    const defineProperty = Object.defineProperty;
    const toInt = (v) => { const n = trunc(NumberF(v)); return n === n ? n : 0; };
    // Gas for n units; n past the cap (or not a finite number) exhausts.
    const units = (n, max, per) => {
      if (!(n <= max)) exhaust();
      const g = 1 + ceil(n / per);
      gas(g);
    };
    const chars = (n) => units(n, MAX_STR, CHARS_PER_GAS);
    const elems = (n) => units(n, MAX_ELEMS, 1);
    const thisStr = (self) => {
      if (self === null || self === undefined) {
        throw new TypeError('String.prototype method called on null or undefined');
      }
      return typeof self === 'string' ? self : StringF(self);
    };
    const lengthOf = (self) => {
      const n = toInt(ObjectF(self).length);
      return n > 0 ? n : 0;
    };
    const wrap = (obj, name, f) => {
      defineProperty(obj, name, { value: f, writable: true, enumerable: false,
                                         configurable: true });
    };
    // Result checked after the call (its inputs were charged, so it is
    // bounded); `pre` (optional) runs first on (self, args).
    const post = (obj, name, measure, pre) => {
      const orig = obj[name];
      if (typeof orig !== 'function') return;
      wrap(obj, name, {
        [name](...args) {
          if (pre) pre(this, args);
          const r = apply(orig, this, args);
          measure(r, this, args);
          return r;
        },
      }[name]);
    };
    const SP = String.prototype;
    const AP = Array.prototype;
    const resultChars = (r) => { if (typeof r === 'string') chars(r.length); };
    const scanChars = (r, self) => chars(thisStr(self).length);
    const noPatternRegExp = (what) => (self, args) => {
      if (!(args[0] instanceof OrigRegExp)) {
        throw new Error(what + ': regular expressions are not available in contracts');
      }
      chars(thisStr(self).length);
    };

    // Strings: amplifiers are checked before they allocate.
    const repeat = SP.repeat;
    wrap(SP, 'repeat', function repeat_(count) {
      const s = thisStr(this);
      const c = toInt(count);
      if (c > 0 && s.length > 0) chars(s.length * c);
      return apply(repeat, s, [count]);
    });
    for (const name of ['padStart', 'padEnd']) {
      const orig = SP[name];
      wrap(SP, name, { [name](len, fill) {
        const s = thisStr(this);
        chars(max(toInt(len), s.length));
        return apply(orig, s, [len, fill]);
      } }[name]);
    }
    for (const name of ['replace', 'replaceAll']) {
      const orig = SP[name];
      wrap(SP, name, { [name](pattern, replacement) {
        const s = thisStr(this);
        chars(s.length);
        let r = replacement;
        if (typeof replacement === 'function') {
          // Each replacement a function returns is charged as it is used.
          let total = 0;
          r = function (...a) {
            const out = StringF(apply(replacement, this, a));
            total += out.length;
            chars(total);
            return out;
          };
        } else if (!(pattern instanceof OrigRegExp)) {
          // Bound the result before it is made: every match may expand to
          // the replacement, whose `$` patterns may repeat the whole input.
          const p = StringF(pattern);
          const rs = StringF(replacement);
          const matches = name === 'replace' ? 1 : (p.length ? floor(s.length / p.length) : s.length + 1);
          const per = apply(strIndexOf, rs, ['$']) >= 0 ? rs.length * max(1, s.length) : rs.length;
          chars(s.length + matches * per);
        }
        const out = apply(orig, s, [pattern, r]);
        chars(out.length);
        return out;
      } }[name]);
    }
    for (const name of ['match', 'matchAll', 'search']) {
      post(SP, name, () => {}, noPatternRegExp('String.prototype.' + name));
    }
    post(SP, 'concat', resultChars);
    post(SP, 'split', (r, self) => { chars(thisStr(self).length); elems(r.length); });
    for (const name of ['slice', 'substring', 'substr', 'toUpperCase', 'toLowerCase', 'trim',
                        'trimStart', 'trimEnd', 'trimLeft', 'trimRight', 'normalize']) {
      post(SP, name, resultChars);
    }
    for (const name of ['indexOf', 'lastIndexOf', 'includes', 'startsWith', 'endsWith']) {
      post(SP, name, scanChars);
    }
    for (const name of ['fromCharCode', 'fromCodePoint', 'raw']) post(String, name, resultChars);

    // Arrays: constructors and fill are checked before they allocate.
    const OrigArray = Array;
    const ArrayW = function Array(...args) {
      if (args.length === 1 && typeof args[0] === 'number') elems(args[0]);
      return construct(OrigArray, args, new.target || OrigArray);
    };
    for (const k of ['isArray', 'of', 'prototype']) {
      defineProperty(ArrayW, k, { value: OrigArray[k], writable: false,
                                         enumerable: false, configurable: false });
    }
    post(OrigArray, 'from', (r) => elems(r.length), (self, args) => {
      const src = args[0];
      if (src !== null && src !== undefined && typeof src.length === 'number') elems(src.length);
    });
    defineProperty(ArrayW, 'from', { value: OrigArray.from, writable: false,
                                            enumerable: false, configurable: false });
    g.Array = ArrayW;
    const fill = AP.fill;
    wrap(AP, 'fill', function fill_(...args) {
      elems(lengthOf(this));
      return apply(fill, this, args);
    });
    post(AP, 'concat', (r) => elems(r.length), (self, args) => {
      let n = lengthOf(self);
      for (const a of args) n += isArray(a) ? lengthOf(a) : 1;
      elems(n);
    });
    // join (and toString, which calls it): built here so the result is
    // charged and capped while it grows, each element converted once.
    const join = AP.join;
    wrap(AP, 'join', function join_(sep) {
      const self = ObjectF(this);
      const n = lengthOf(self);
      elems(n);
      const sp = sep === undefined ? ',' : StringF(sep);
      const parts = [];
      let total = 0;
      for (let i = 0; i < n; i++) {
        const v = self[i];
        const t = v === undefined || v === null ? '' : StringF(v);
        total += t.length + (i > 0 ? sp.length : 0);
        if (total > MAX_STR) exhaust();
        apply(arrayPush, parts, [t]);
      }
      chars(total);
      return apply(join, parts, [sp]);
    });
    for (const name of ['slice', 'splice', 'flat', 'flatMap', 'map', 'filter']) {
      post(AP, name, (r, self) => { elems(lengthOf(self)); if (isArray(r)) elems(r.length); });
    }
    for (const name of ['indexOf', 'lastIndexOf', 'includes', 'reverse', 'sort', 'copyWithin',
                        'shift', 'unshift']) {
      post(AP, name, (r, self) => elems(lengthOf(self)));
    }

    // Objects and collections.
    for (const name of ['keys', 'values', 'entries', 'getOwnPropertyNames',
                        'getOwnPropertySymbols', 'fromEntries']) {
      post(Object, name, (r) => { if (isArray(r)) elems(r.length); });
    }
    // These walk every property of their argument.
    for (const name of ['freeze', 'seal', 'isFrozen', 'isSealed', 'getOwnPropertyDescriptors']) {
      post(Object, name, () => {}, (self, args) => {
        if (args[0] !== null && typeof args[0] === 'object') elems(objectKeys(args[0]).length);
      });
    }
    for (const name of ['defineProperties', 'create']) {
      post(Object, name, () => {}, (self, args) => {
        if (args[1] !== null && typeof args[1] === 'object') elems(objectKeys(args[1]).length);
      });
    }
    // fn.apply(self, list) copies the list into arguments.
    const fnApply = Function.prototype.apply;
    wrap(Function.prototype, 'apply', function apply_(self, list) {
      if (list !== null && list !== undefined && typeof list === 'object') elems(lengthOf(list));
      return apply(fnApply, this, [self, list]);
    });
    post(Object, 'assign', (r, self, args) => {
      for (let i = 1; i < args.length; i++) if (args[i]) elems(objectKeys(args[i]).length);
    });
    for (const [name, Orig] of [['Map', Map], ['Set', Set]]) {
      const W = { [name]: function (...args) {
        if (!new.target) return Orig(...args);  // throws as the original does
        const src = args[0];
        if (src !== null && src !== undefined) {
          elems(typeof src.length === 'number' ? src.length : (typeof src.size === 'number' ? src.size : 0));
        }
        return construct(Orig, args, new.target);
      } }[name];
      defineProperty(W, 'prototype', { value: Orig.prototype, writable: false,
                                              enumerable: false, configurable: false });
      g[name] = W;
    }

    // JSON: parse by input length (the values it makes are at most about 8
    // bytes per input char); stringify by output, counted while it is built.
    const jsonParse = JSON.parse;
    const jsonStringify = JSON.stringify;
    wrap(JSON, 'parse', function parse(text, reviver) {
      const t = StringF(text);
      units(t.length, MAX_STR, 1);
      return reviver === undefined ? jsonParse(t) : jsonParse(t, reviver);
    });
    wrap(JSON, 'stringify', function stringify(value, replacer, space) {
      const gap = typeof space === 'number' ? min(10, max(0, toInt(space)))
        : (typeof space === 'string' ? min(10, space.length) : 0);
      let total = 0;
      let seen = 0;
      const allow = isArray(replacer) ? new OrigSet(apply(arrayMap, replacer, [(k) => StringF(k)])) : null;
      const measure = function (key, v) {
        if (typeof replacer === 'function') v = apply(replacer, this, [key, v]);
        else if (allow && key !== '' && !isArray(this) && !apply(setHas, allow, [key])) return undefined;
        seen++;
        total += key.length + 4 + gap * 8 + (typeof v === 'string' ? v.length : 8);
        if (total > MAX_STR) exhaust();
        return v;
      };
      const out = jsonStringify(value, measure, space);
      if (typeof out === 'string') chars(out.length);
      elems(seen);
      return out;
    });

    // Spread `...x` copies x's elements (instrumentation calls this).
    const spread = (x) => {
      if (typeof x === 'string' || isArray(x)) elems(x.length);
      else if (x instanceof OrigMap || x instanceof OrigSet) elems(x.size);
      else if (x !== null && typeof x === 'object') elems(objectKeys(x).length);
      return x;
    };
    // A string made by `+`, `+=` or a template literal.
    const str = (x) => {
      if (typeof x === 'string' && x.length > 64) chars(x.length);
      return x;
    };
    // Call depth, counted by the instrumentation (entered at every function
    // body, left at its returns and end, restored by a `catch` to what its
    // `try` began with) and shared along nested contract calls: past
    // MAX_DEPTH the transaction ends out of gas on every node, where V8's
    // own stack overflow would come at a depth that depends on its JIT.
    const MAX_DEPTH = 256;
    let depth = N.depthBase();
    const enter = () => { if (++depth > MAX_DEPTH) exhaust(); };
    const leave = (v) => { depth--; return v; };
    const depthNow = () => depth;
    // What a `catch` caught: a stack overflow is not a result to go on from.
    const caught = (e, saved) => {
      if (e instanceof OrigRangeError && e.message === 'Maximum call stack size exceeded') exhaust();
      depth = saved;
    };

    // RegExp: only the one linear pattern bignumber.js's toFormat builds;
    // contracts cannot write regular expressions (instrument.js).
    g.RegExp = function RegExp(pattern, flags) {
      if (typeof pattern === 'string' && /^\\d\{\d{1,3}\}\\B$/.test(pattern)) {
        return new OrigRegExp(pattern, flags);
      }
      throw new Error('regular expressions are not available in contracts');
    };
    // Typed arrays and ArrayBuffers live outside V8's heap (its limit does
    // not see them): absent.
    for (const name of ['ArrayBuffer', 'DataView', 'Int8Array', 'Uint8Array', 'Uint8ClampedArray',
                        'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array', 'Float32Array',
                        'Float64Array', 'BigInt64Array', 'BigUint64Array']) {
      delete g[name];
    }
    // BigNumber (bignumber.js is not instrumented): each method costs as in
    // go-iost's table (20 gas, plus 10/4/2 per digit of the operands for
    // arithmetic/times/comparisons, 4 per digit for roundings and output);
    // operands past MAX_BN_DIGITS digits and decimal-place arguments past
    // it end the call as out of gas (long multiplication and division are
    // quadratic in the digits). RANGE keeps exponents within it too.
    const MAX_BN_DIGITS = 10000;
    const BN_PER_DIGIT = {
      plus: 10, minus: 10, div: 10, dividedBy: 10, idiv: 10, dividedToIntegerBy: 10,
      pow: 10, exponentiatedBy: 10, mod: 10, modulo: 10, times: 4, multipliedBy: 4,
      eq: 2, isEqualTo: 2, gt: 2, isGreaterThan: 2, gte: 2, isGreaterThanOrEqualTo: 2,
      lt: 2, isLessThan: 2, lte: 2, isLessThanOrEqualTo: 2, comparedTo: 2,
      integerValue: 4, sqrt: 4, squareRoot: 4, toFixed: 4, toString: 4, toJSON: 4, valueOf: 4,
      toFormat: 4, toExponential: 4, toPrecision: 4, toFraction: 10, decimalPlaces: 4, dp: 4,
      precision: 4, sd: 4, shiftedBy: 4, abs: 1, absoluteValue: 1, negated: 1, toNumber: 1,
    };
    const SIZE_ARG = { decimalPlaces: 1, dp: 1, precision: 1, sd: 1, shiftedBy: 1, toExponential: 1,
                       toFixed: 1, toFormat: 1, toPrecision: 1, toFraction: 1 };
    const digitsOf = (BN, x) => {
      // A BigNumber's decimal digits: its coefficient (14 per limb) and the
      // zeros its exponent adds.
      if (x instanceof BN) {
        if (!x.c) return 1;
        const c = x.c.length * 14;
        return x.e >= 0 ? max(c, x.e + 1) : c - x.e;
      }
      if (typeof x === 'string') return x.length;
      return 20;
    };
    const hardenBigNumber = (BN, config) => {
      const P = BN.prototype;
      for (const name of objectKeys(BN_PER_DIGIT)) {
        const orig = P[name];
        if (typeof orig !== 'function') continue;
        const per = BN_PER_DIGIT[name];
        wrap(P, name, { [name](...args) {
          let d = digitsOf(BN, this);
          if (d > MAX_BN_DIGITS) exhaust();
          if (args.length > 0 && per >= 2 && !SIZE_ARG[name]) {
            const ad = digitsOf(BN, args[0]);
            if (ad > MAX_BN_DIGITS) exhaust();
            d += ad;
          }
          if (SIZE_ARG[name] && typeof args[0] === 'number' &&
              !(args[0] <= MAX_BN_DIGITS && args[0] >= -MAX_BN_DIGITS)) exhaust();
          gas(20 + per * d);
          return apply(orig, this, args);
        } }[name]);
      }
      const origConfig = BN.config;
      // config may change rounding and formats, not the bounds above.
      const checked = function (obj) {
        if (obj !== null && typeof obj === 'object') {
          for (const k of ['RANGE', 'CRYPTO']) {
            if (obj[k] !== undefined) throw new Error('BigNumber.config: ' + k + ' is fixed in contracts');
          }
          for (const [k, lo] of [['DECIMAL_PLACES', 0], ['POW_PRECISION', 1]]) {
            const v = obj[k];
            if (v !== undefined && !(v >= lo && v <= MAX_BN_DIGITS / 2)) {
              throw new Error('BigNumber.config: ' + k + ' must be ' + lo + ' to ' + MAX_BN_DIGITS / 2);
            }
          }
        }
        return apply(origConfig, this, [obj]);
      };
      apply(origConfig, BN, [config]);
      const origClone = BN.clone;
      for (const k of ['config', 'set']) {
        defineProperty(BN, k, { value: checked, writable: false, enumerable: false, configurable: false });
      }
      defineProperty(BN, 'clone', {
        value: function clone(obj) {
          const C = apply(origClone, BN, []);
          hardenBigNumber(C, config);
          if (obj !== undefined) C.config(obj);
          return C;
        },
        writable: false, enumerable: false, configurable: false,
      });
      return BN;
    };
    return { str, spread, caught, enter, leave, depth: depthNow, chars, elems, exhaust, MAX_STR,
             hardenBigNumber, MAX_BN_DIGITS };
  })();

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
      // go-iost environment.js: 50 decimal places, POW_PRECISION 50,
      // ROUND_DOWN (other settings bignumber.js's defaults); ours adds no
      // crypto randomness and the RANGE of size-aware gas.
      SZ.hardenBigNumber(loaded, { DECIMAL_PLACES: 50, POW_PRECISION: 50, ROUNDING_MODE: 1,
                                   CRYPTO: false, RANGE: SZ.MAX_BN_DIGITS / 2 });
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
    put(k, v, p) {
      if (typeof v !== 'string') throw new Error('storage put must be string');  // go-iost's text
      return N.put(str(k, 'storage key'), v, p || '');
    },
    get(k) { return N.get(str(k, 'storage key')); },
    has(k) { return N.has(str(k, 'storage key')); },
    del(k) { return N.del(str(k, 'storage key')); },
    mapPut(k, f, v, p) {
      if (typeof v !== 'string') throw new Error('storage mapPut must be string');
      return N.mapPut(str(k, 'storage key'), str(f, 'storage field'), v, p || '');
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
  // go-iost blockchain.js: an object (an array) is sent as its JSON, a
  // string as it is.
  const argsText = (args) => {
    if (typeof args === 'string') return args;
    if (typeof args !== 'object') throw new Error('call args must be an array or a JSON array string');
    return stringify(args);
  };
  // go-iost passes amounts through Float64 (range-checked); the text is the
  // plain decimal token.iost parses (never exponent notation). A string that
  // is a plain decimal already goes as it is (token.iost checks its range),
  // which spares loading bignumber.js.
  const plainDecimal = /^[0-9]+(\.[0-9]+)?$/;
  const amountText = (a) => (typeof a === 'string' && plainDecimal.test(a) ? a
    : (a instanceof Float64 ? a : new Float64(a)).number.toFixed());
  const blockchain = {
    call(contract, api, args) {
      return parse(N.call(str(contract, 'contract'), str(api, 'api'), argsText(args), false,
                          SZ.depth()));
    },
    callWithAuth(contract, api, args) {
      return parse(N.call(str(contract, 'contract'), str(api, 'api'), argsText(args), true,
                          SZ.depth()));
    },
    // All three with the contract's authority, as go-iost's blockchain.js
    // (a contract may move its own tokens; anyone else's need their
    // signature as always).
    transfer(from, to, amount, memo) {
      return blockchain.callWithAuth('token.iost', 'transfer',
                                     ['iost', from, to, amountText(amount),
                                      memo === undefined ? '' : String(memo)]);
    },
    withdraw(to, amount, memo) { return blockchain.transfer(ctxInfo.contract_name, to, amount, memo); },
    deposit(from, amount, memo) {
      return blockchain.transfer(from, ctxInfo.contract_name, amount, memo);
    },
    requireAuth(id, perm) { return N.requireAuth(str(id, 'id'), str(perm, 'permission')); },
    receipt(content) { return N.receipt(str(content, 'receipt')); },
    event(content) { return N.event(str(content, 'event')); },
    blockInfo() { return N.blockInfo(); },
    txInfo() { return N.txInfo(); },
    contextInfo() { return N.contextInfo(); },
    contractName() { return ctxInfo.contract_name; },
    publisher() { return ctxInfo.publisher; },
    contractOwner() { return N.contractOwner(); },
    caller() { return ctxInfo.caller; },
  };

  // --- Int64 / Float64: IOST's wrappers over BigNumber (go-iost
  // libjs/int64.js, float64.js: the same methods, range checks and error
  // texts; Int64 divides as integers). ---
  const makeFixed = (name, integer) => {
    const what = integer ? 'Int64' : 'float64';
    const C = class {
      constructor(n, base) {
        const BN = BNlazy();
        this.number = new BN(n, base);
        this._validate();
      }
      _validate() {
        const BN = BNlazy();
        if (integer && !this.number.isInteger()) {
          throw new Error(name + ': ' + this.number + ' is not an integer');
        }
        if (this.number.gt(new BN('9223372036854775807'))) {
          throw new Error(name + ': ' + this.number + ' overflow ' + what.toLowerCase());
        }
        if (this.number.lt(new BN('-9223372036854775808'))) {
          throw new Error(name + ': ' + this.number + ' underflow ' + what.toLowerCase());
        }
      }
      _checkArgument(arg) {
        if (arg === undefined || arg === null) throw new Error(what + ' argument: ' + arg + ' is empty');
        if (!(arg instanceof C) || arg.constructor !== this.constructor) arg = new this.constructor(arg);
        arg._validate();
        return arg;
      }
      plus(n) { return new this.constructor(this.number.plus(this._checkArgument(n).number)); }
      minus(n) { return new this.constructor(this.number.minus(this._checkArgument(n).number)); }
      multi(n) { return new this.constructor(this.number.times(this._checkArgument(n).number)); }
      div(n) {
        const d = this._checkArgument(n).number;
        return new this.constructor(integer ? this.number.idiv(d) : this.number.div(d));
      }
      mod(n) { return new this.constructor(this.number.mod(this._checkArgument(n).number)); }
      pow(n) { return new this.constructor(this.number.pow(this._checkArgument(n).number)); }
      eq(n) { return this.number.eq(this._checkArgument(n).number); }
      gt(n) { return this.number.gt(this._checkArgument(n).number); }
      gte(n) { return this.number.gte(this._checkArgument(n).number); }
      lt(n) { return this.number.lt(this._checkArgument(n).number); }
      lte(n) { return this.number.lte(this._checkArgument(n).number); }
      negated() { return new this.constructor(this.number.negated()); }
      isZero() { return this.number.isZero(); }
      isPositive() { return this.number.isPositive(); }
      isNegative() { return this.number.isNegative(); }
      toString() { return this.number.toString(); }
      toFixed(n) { return this.number.toFixed(n); }
      toJSON() { return this.number.toJSON(); }
    };
    if (integer) C.prototype.shift = function (n) { return new this.constructor(this.number.shiftedBy(n)); };
    Object.defineProperty(C, 'name', { value: name });
    return C;
  };
  const Int64 = makeFixed('Int64', true);
  const Float64 = makeFixed('Float64', false);

  // go-iost vm/v8vm/crypto.go: sha3 hashes the text (base58 result);
  // sha3Hex and ripemd160Hex take and return hex ("" for input that is not
  // hex); verify takes base58 message, signature and public key, returns 1/0.
  const IOSTCrypto = {
    sha3(s) { return N.sha3(str(s, 'data')); },
    sha3Hex(s) { return N.sha3Hex(str(s, 'data')); },
    ripemd160Hex(s) { return N.ripemd160Hex(str(s, 'data')); },
    verify(algo, msg, sig, pubkey) {
      return N.verify(str(algo, 'algo'), str(msg, 'message'), str(sig, 'signature'),
                      str(pubkey, 'pubkey'));
    },
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
  define('_IOSTInstruction_counter',
         ObjectFreeze({ incr: N.gas, str: SZ.str, spread: SZ.spread, caught: SZ.caught,
                        enter: SZ.enter, leave: SZ.leave, depth: SZ.depth }));

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
