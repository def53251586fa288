// POST /execTx (go-iost ApiService.ExecTransaction, the dry run behind
// iwallet's --try_tx): executes a signed transaction against the node's
// current final state in a throw-away block executor and answers its
// receipt (rpcpb.TxReceipt). Nothing is written, gossiped or kept: the
// executor's write set is dropped with it. The same stateless checks as
// /sendTx come first (size, form, chain id, clock, signatures), so a dry
// run cannot be used to make the node verify junk cheaply at scale any more
// than /sendTx can.
//
// Bounded (docs/http.md "POST /execTx"): the run is metered like a block's
// (the tx's gas limit, at most 4,000,000 gas, which the publisher must hold;
// JavaScript contracts also stop at the engine's heap limit and 1 s
// watchdog per call), dry runs execute one at a time (a caller waits at most
// kExecWait for its turn, then gets 503), and they run on a ledger of their
// own whose JavaScript engine is a separate V8 isolate, created on the
// first dry run: a dry run never holds the isolate the driver executes
// blocks on, so it cannot delay block execution.
// Thread contract: runs on an HTTP worker; reads the node's state reader,
// which is safe alongside the driver (a block committed meanwhile may be
// half-visible to a dry run, which only affects that run's answer).
#include <core/tx_json.h>
#include <crypto/keys.h>
#include <ledger/ledger.h>
#include <rpc/api_internal.h>
#include <util/clock.h>
#include <vm/js_engine.h>

#include <chrono>
#include <memory>
#include <mutex>

namespace iost::rpc {
namespace {

// How long a dry run waits for the one before it.
constexpr auto kExecWait = std::chrono::seconds(2);

// The dry runs' own ledger and its one-at-a-time gate.
struct ExecSandbox {
    std::timed_mutex busy;
    std::unique_ptr<ledger::Ledger> ledger;  // created under `busy` on first use
};

Response ExecTx(node::Node& n, ExecSandbox& box, const Request& req) {
    auto tx = TxFromBody(req);
    if (!tx) return tx.error();
    const int64_t now = util::SystemClock().Now();
    if (auto st = tx->VerifySelf(now, n.genesis().chain_id, crypto::RealVerifier()); !st) {
        return BadRequest(std::string(core::TxErrorName(st.error().reason)) + ": " +
                          st.error().message);
    }
    std::unique_lock lock(box.busy, std::defer_lock);
    if (!lock.try_lock_for(kExecWait)) {
        return Response::Error(503, grpc_code::kUnavailable,
                               "another /execTx dry run is executing; try again");
    }
    if (!box.ledger) {
        box.ledger = std::make_unique<ledger::Ledger>(n.ledger().options(), vm::MakeJsEngine());
    }
    ledger::BlockContext block;
    block.time_ns = now;
    block.height = n.driver().Status().height + 1;
    ledger::BlockExecutor exec(*box.ledger, n.state(), block);
    const ledger::TxOutcome out = exec.ApplyTx(*tx);
    return JsonOk(ReceiptJson(out.receipt));
}

}  // namespace

void RegisterExecApi(ApiContext& ctx) {
    node::Node* n = ctx.node;
    auto box = std::make_shared<ExecSandbox>();
    ctx.Post("/execTx", [n, box](const Request& r) { return ExecTx(*n, *box, r); });
}

}  // namespace iost::rpc
