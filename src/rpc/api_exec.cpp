// POST /execTx (go-iost ApiService.ExecTransaction, the dry run behind
// iwallet's --try_tx): executes a signed transaction against the node's
// current final state in a throw-away block executor and answers its
// receipt (rpcpb.TxReceipt). Nothing is written, gossiped or kept: the
// executor's write set is dropped with it. The same stateless checks as
// /sendTx come first (size, form, chain id, clock, signatures), so a dry
// run cannot be used to make the node verify junk cheaply at scale any more
// than /sendTx can.
// Thread contract: runs on an HTTP worker; reads the node's state reader,
// which is safe alongside the driver (a block committed meanwhile may be
// half-visible to a dry run, which only affects that run's answer).
#include <core/tx_json.h>
#include <crypto/keys.h>
#include <ledger/ledger.h>
#include <rpc/api_internal.h>
#include <util/clock.h>

namespace iost::rpc {
namespace {

Response ExecTx(node::Node& n, const Request& req) {
    auto tx = TxFromBody(req);
    if (!tx) return tx.error();
    const int64_t now = util::SystemClock().Now();
    if (auto st = tx->VerifySelf(now, n.genesis().chain_id, crypto::RealVerifier()); !st) {
        return BadRequest(std::string(core::TxErrorName(st.error().reason)) + ": " +
                          st.error().message);
    }
    ledger::BlockContext block;
    block.time_ns = now;
    block.height = n.driver().Status().height + 1;
    ledger::BlockExecutor exec(n.ledger(), n.state(), block);
    const ledger::TxOutcome out = exec.ApplyTx(*tx);
    return JsonOk(ReceiptJson(out.receipt));
}

}  // namespace

void RegisterExecApi(ApiContext& ctx) {
    node::Node* n = ctx.node;
    ctx.Post("/execTx", [n](const Request& r) { return ExecTx(*n, r); });
}

}  // namespace iost::rpc
