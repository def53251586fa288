// JavaScript contracts on V8 (docs/contracts.md "JavaScript contracts"): the
// ledger's CodeEngine for contracts deployed with system.iost/setCode, as
// IOST runs them. V8 comes from Debian's libnode-dev; its headers stay in
// js_engine.cpp.
//
// One isolate is reused; every call gets a fresh context holding
// bignumber.js, the contract API shims (src/vm/js/prelude.js) and the
// contract's gas-instrumented source (src/vm/js/instrument.js). Whatever
// could differ between nodes (Date, Math.random, eval/new Function, WeakRef,
// FinalizationRegistry, SharedArrayBuffer, Atomics, Intl, ...) is absent.
// Gas is counted by the injected counter (1 per AST node run), charged to
// the transaction's ExecContext; past the gas limit the call is terminated
// with "out of gas". A heap limit ("out of memory") and a wall-clock
// watchdog ("timeout") stop what gas does not bound (one huge built-in
// call); they are safety nets, not consensus rules.
//
// Thread contract: thread-safe; calls are serialized on one isolate (a
// nested call from a contract re-enters on the same thread).
#pragma once

#include <ledger/exec.h>

#include <cstddef>
#include <cstdint>
#include <memory>

namespace iost::vm {

struct JsEngineOptions {
    size_t heap_limit_bytes = 64u << 20;  // V8 old generation cap
    int64_t timeout_ms = 1000;            // wall clock per top-level call
};

// Creates the engine (initializes V8 once per process).
std::shared_ptr<const ledger::CodeEngine> MakeJsEngine(JsEngineOptions options = {});

// Initializes V8's process-wide platform once (every isolate in the process
// needs it first; abi_gen.cpp uses it too). Thread-safe.
void EnsureV8();

}  // namespace iost::vm
