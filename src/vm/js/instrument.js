// Gas instrumentation of contract source (docs/contracts.md "JavaScript
// contracts", "Gas"). Runs inside the node's V8, in a context of its own
// that holds acorn (Debian's node-acorn, embedded at build time). Written for
// this project after go-iost's idea (vm/v8vm inject_gas.js): a counter call
// is inserted before every statement, charging the number of AST nodes of
// that statement (nested statements and function bodies are charged where
// they run), plus one at the entry of every function body and every loop
// iteration. The transform is a pure function of the source text, so every
// node charges the same gas for the same run.
//
// _IOSTInstrument(source) returns the instrumented source, or throws an
// Error whose message says why the source is refused.
(function (global) {
  'use strict';
  const acorn = global.acorn;
  const COUNTER = '_IOSTInstruction_counter';
  const RESERVED = '_IOST';
  const SKIP = { start: 1, end: 1, type: 1, loc: 1, range: 1, raw: 1, sourceType: 1 };

  function children(node) {
    const out = [];
    for (const key of Object.keys(node)) {
      if (SKIP[key]) continue;
      const v = node[key];
      if (Array.isArray(v)) {
        for (const c of v) if (c && typeof c.type === 'string') out.push(c);
      } else if (v && typeof v.type === 'string') {
        out.push(v);
      }
    }
    return out;
  }

  function isFunction(n) {
    return n.type === 'FunctionDeclaration' || n.type === 'FunctionExpression' ||
      n.type === 'ArrowFunctionExpression';
  }
  function isLoop(n) {
    return n.type === 'ForStatement' || n.type === 'ForInStatement' ||
      n.type === 'ForOfStatement' || n.type === 'WhileStatement' ||
      n.type === 'DoWhileStatement';
  }
  function isStatement(n) {
    return /Statement$|Declaration$/.test(n.type) && n.type !== 'ExpressionStatement' ?
      true : n.type === 'ExpressionStatement';
  }

  // AST nodes of `n` that run when its statement runs: nested statements and
  // functions count 1 each (their own charges are inserted where they run).
  function cost(n, top) {
    if (!top && (isFunction(n) || isStatement(n) || n.type === 'ClassBody')) return 1;
    let c = 1;
    for (const ch of children(n)) c += cost(ch, false);
    return c;
  }

  function instrument(source) {
    if (typeof source !== 'string') throw new Error('code must be a string');
    let ast;
    try {
      ast = acorn.parse(source, { ecmaVersion: 2022, sourceType: 'script', locations: false });
    } catch (e) {
      throw new Error('code syntax error: ' + e.message);
    }
    const ins = [];  // {pos, open, seq, text}
    let seq = 0;
    let depthVars = 0;
    const open = (pos, text) => ins.push({ pos, open: 1, seq: seq++, text });
    const close = (pos, text) => ins.push({ pos, open: 0, seq: seq++, text });
    const charge = (k) => COUNTER + '.incr(' + k + ');';

    // A statement that is not in a statement list (a loop or if body, a
    // label's body): wrap it in a block that charges first.
    function wrapBody(s, extra) {
      if (s.type === 'BlockStatement') {
        open(s.start + 1, charge(extra));
        return;
      }
      open(s.start, '{' + charge(extra + cost(s, true)));
      close(s.end, '}');
    }

    function visit(n, parent, key) {
      if (n.type === 'Identifier' || n.type === 'PrivateIdentifier') {
        if (n.name.startsWith(RESERVED)) {
          throw new Error('identifier ' + n.name + ' is reserved (names starting with _IOST)');
        }
      }
      if ((isFunction(n) && (n.async || n.generator && n.async)) || n.type === 'AwaitExpression') {
        throw new Error('async functions and await are not allowed in contracts');
      }
      if (n.type === 'ImportExpression' || n.type === 'MetaProperty' && n.meta.name === 'import') {
        throw new Error('import is not allowed in contracts');
      }
      // Regular expressions can backtrack for exponential time inside one
      // built-in call, which no gas count can bound (go-iost bans them too).
      if (n.type === 'Literal' && n.regex) {
        throw new Error('regular expressions are not allowed in contracts');
      }
      // Size-aware gas (docs/contracts.md "Gas and determinism"): a string
      // made by `+`, `+=` or a template is charged by its length and capped
      // (the check runs on the result: V8 concatenates without copying, so
      // the cost is paid before any copy of the characters is made); a
      // spread `...x` is charged by the number of elements it copies.
      if ((n.type === 'BinaryExpression' && n.operator === '+') ||
          (n.type === 'AssignmentExpression' && n.operator === '+=') ||
          (n.type === 'TemplateLiteral' && n.expressions.length > 0 &&
           !(parent && parent.type === 'TaggedTemplateExpression'))) {
        open(n.start, COUNTER + '.str(');
        close(n.end, ')');
      }
      if (n.type === 'SpreadElement') {
        open(n.argument.start, COUNTER + '.spread(');
        close(n.argument.end, ')');
      }
      // A stack overflow (RangeError) is reached at a depth that depends on
      // V8's frame sizes, i.e. on what its JIT compiled: the host turns it
      // into "out of gas" wherever it is caught, so `catch` reports the
      // error it caught first. `catch {` gets a parameter to report.
      // Call depth: the host's limit on nested calls is deterministic where
      // V8's stack is not. Every function enters; every return and the end
      // of a body leaves; a `catch` restores the depth its `try` began at
      // (saved in a fresh variable before the statement).
      if (n.type === 'TryStatement' && n.handler) {
        n.handler._depthVar = '_IOSTd' + (depthVars++);
        open(n.start, 'let ' + n.handler._depthVar + '=' + COUNTER + '.depth();');
      }
      if (n.type === 'CatchClause') {
        if (n.param && n.param.type !== 'Identifier') {
          throw new Error('destructuring catch parameters are not allowed in contracts');
        }
        if (n.param) {
          open(n.body.start + 1, COUNTER + '.caught(' + n.param.name + ',' + n._depthVar + ');');
        } else {
          open(n.body.start, '(_IOSTcaught)');
          open(n.body.start + 1, COUNTER + '.caught(_IOSTcaught,' + n._depthVar + ');');
        }
      }
      if (n.type === 'ReturnStatement') {
        if (n.argument) {
          open(n.argument.start, COUNTER + '.leave(');
          close(n.argument.end, ')');
        } else {
          open(n.start + 6, ' ' + COUNTER + '.leave()');
        }
      }
      if (n.type === 'Literal' && typeof n.bigint === 'string') {
        throw new Error('BigInt is not allowed in contracts (its operators are not metered)');
      }
      // Statement lists: charge before each statement.
      const lists = n.type === 'Program' || n.type === 'BlockStatement' || n.type === 'StaticBlock' ?
        n.body : n.type === 'SwitchCase' ? n.consequent : null;
      if (lists) {
        for (const s of lists) open(s.start, charge(cost(s, true)));
      }
      if (isFunction(n)) {
        if (n.body.type === 'BlockStatement') {
          open(n.body.start + 1, charge(1) + COUNTER + '.enter();');
          close(n.body.end - 1, COUNTER + '.leave();');
        } else {
          open(n.body.start, '(' + charge(1 + cost(n.body, true)).slice(0, -1) + ',' + COUNTER +
               '.enter(),' + COUNTER + '.leave((');
          close(n.body.end, ')))');
        }
      }
      if (isLoop(n)) wrapBody(n.body, 1);
      if (n.type === 'IfStatement') {
        if (n.consequent.type !== 'BlockStatement') wrapBody(n.consequent, 0);
        if (n.alternate && n.alternate.type !== 'BlockStatement' &&
            n.alternate.type !== 'IfStatement') wrapBody(n.alternate, 0);
      }
      if (n.type === 'LabeledStatement' && n.body.type !== 'BlockStatement' && !isLoop(n.body)) {
        wrapBody(n.body, 0);
      }
      for (const ch of children(n)) visit(ch, n);
    }
    visit(ast, null);

    ins.sort((a, b) => {
      if (a.pos !== b.pos) return a.pos - b.pos;
      if (a.open !== b.open) return a.open - b.open;      // closers first
      return a.open ? a.seq - b.seq : b.seq - a.seq;     // outer opens first, inner closes first
    });
    let out = '';
    let at = 0;
    for (const i of ins) {
      out += source.slice(at, i.pos) + i.text;
      at = i.pos;
    }
    return out + source.slice(at);
  }

  Object.defineProperty(global, '_IOSTInstrument', { value: instrument });
})(this);
