// Chain endpoints: node and chain info, transactions (PENDING / PACKED /
// IRREVERSIBLE), receipts, blocks, gas ratio, and sendTx (go-iost
// rpc/api_service.go semantics, rpc/convert.go shapes).
#include <core/tx_json.h>
#include <ledger/ledger.h>
#include <ledger/native.h>
#include <rpc/api.h>
#include <rpc/api_internal.h>
#include <util/clock.h>
#include <util/text.h>

#include <algorithm>

namespace iost::rpc {
namespace {

Response NodeInfo(node::Node& n) {
    int32_t inbound = 0, outbound = 0;
    for (const auto& p : n.host().Peers()) {
        (p.direction == net::Direction::kOutbound ? outbound : inbound) += 1;
    }
    const auto s = n.driver().Status();
    json j;
    j["build_time"] = "";
    j["git_hash"] = "";
    // go-iost's modes: ModeInit, ModeNormal, ModeSync. A node with no final
    // block beyond genesis and no peers is still starting.
    j["mode"] = (s.height == 0 && inbound + outbound == 0) ? "ModeInit" : "ModeNormal";
    j["network"] = {{"id", n.NetworkId()},
                    {"peer_count", inbound + outbound},
                    {"peer_count_inbound", inbound},
                    {"peer_count_outbound", outbound}};
    j["code_version"] = "iost-pob-0.1.0";
    j["server_time"] = I64(util::SystemClock().Now());
    j["tx_pool_size"] = I64(static_cast<int64_t>(n.mempool().stats().txs));
    return JsonOk(j);
}

Response ChainInfo(node::Node& n) {
    const auto s = n.driver().Status();
    const std::string hash = crypto::HashToBase58(s.head_hash);
    json witnesses = json::array();
    for (const auto& id : s.believable) witnesses.push_back(id);
    for (const auto& id : s.normal) {
        if (std::find(s.believable.begin(), s.believable.end(), id) == s.believable.end())
            witnesses.push_back(id);
    }
    // PoB finalizes every block it shows: head and last irreversible block
    // are the same block.
    json j;
    j["net_name"] = NetName(n.genesis().chain_id);
    j["protocol_version"] = kProtocolVersion;
    j["chain_id"] = n.genesis().chain_id;
    j["head_block"] = U64(s.height);
    j["head_block_hash"] = hash;
    j["lib_block"] = U64(s.height);
    j["lib_block_hash"] = hash;
    j["witness_list"] = witnesses;
    j["lib_witness_list"] = witnesses;
    j["pending_witness_list"] = json::array();
    j["head_block_time"] = I64(s.head_time);
    j["lib_block_time"] = I64(s.head_time);
    return JsonOk(j);
}

Response TxByHash(node::Node& n, const Request& r) {
    auto h = ParseHash(r.params[0], "hash");
    if (!h) return BadRequest(h.error().message);
    const storage::Hash32 key = StoreKey(*h);
    auto loc = n.blocks().GetTxLocation(key);
    if (!loc) return StorageError("tx index", loc.error());
    if (*loc) {
        auto b = LoadBlock(n, (*loc)->height, WithTxs::kYes);
        if (!b) return StorageError("block", b.error());
        if (*b) {
            const auto& blk = **b;
            for (size_t i = 0; i < blk.tx_hashes.size(); ++i) {
                if (blk.tx_hashes[i] != *h || i >= blk.txs.size() || !blk.txs[i]) continue;
                json j;
                j["status"] = "IRREVERSIBLE";
                j["transaction"] = TxJson(*blk.txs[i], &blk.receipts[i]);
                j["block_number"] = U64((*loc)->height);
                return JsonOk(j);
            }
        }
    }
    if (auto packed = n.driver().FindPacked(*h)) {
        json j;
        j["status"] = "PACKED";
        j["transaction"] = TxJson(*packed->tx, packed->receipt ? &*packed->receipt : nullptr);
        j["block_number"] = "-1";
        return JsonOk(j);
    }
    if (auto tx = n.mempool().Get(*h)) {
        json j;
        j["status"] = "PENDING";
        j["transaction"] = TxJson(*tx, nullptr);
        j["block_number"] = "-1";
        return JsonOk(j);
    }
    return NotFound("tx not found");
}

Response ReceiptByTxHash(node::Node& n, const Request& r) {
    auto h = ParseHash(r.params[0], "hash");
    if (!h) return BadRequest(h.error().message);
    const storage::Hash32 key = StoreKey(*h);
    auto raw = n.blocks().GetReceipt(key);
    if (!raw) return StorageError("receipt", raw.error());
    // Like go-iost, only a final (irreversible) transaction has a receipt
    // here; the SDK polls until it appears.
    if (!*raw)
        return NotFound("receipt not found: transaction " + r.params[0] + " is not final (yet)");
    auto rec = core::TxReceipt::Decode(**raw);
    if (!rec) return StorageError("receipt", rec.error());
    return JsonOk(ReceiptJson(*rec));
}

Response BlockAt(node::Node& n, uint64_t height, bool complete) {
    auto b = LoadBlock(n, height, complete ? WithTxs::kYes : WithTxs::kNo);
    if (!b) return StorageError("block", b.error());
    if (!*b) {
        return NotFound("block " + std::to_string(height) + " not found (final height is " +
                        std::to_string(n.driver().Status().height) + ")");
    }
    json j;
    j["status"] = "IRREVERSIBLE";
    j["block"] = BlockJson(**b, complete);
    return JsonOk(j);
}

Response BlockByNumber(node::Node& n, const Request& r) {
    auto num = ParseU64(r.params[0], "number");
    if (!num) return BadRequest(num.error().message);
    auto complete = ParseBoolParam(r.params[1], "complete");
    if (!complete) return BadRequest(complete.error().message);
    return BlockAt(n, *num, *complete);
}

Response BlockByHash(node::Node& n, const Request& r) {
    auto h = ParseHash(r.params[0], "hash");
    if (!h) return BadRequest(h.error().message);
    auto complete = ParseBoolParam(r.params[1], "complete");
    if (!complete) return BadRequest(complete.error().message);
    const storage::Hash32 key = StoreKey(*h);
    auto height = n.blocks().GetHeightByHash(key);
    if (!height) return StorageError("block index", height.error());
    if (!*height) return NotFound("block " + r.params[0] + " not found");
    return BlockAt(n, **height, *complete);
}

Response GasRatio(node::Node& n) {
    // go-iost: the gas ratios of the head block's transactions (base.iost's
    // excluded), lowest and median; 1 and 1 for an empty block.
    const uint64_t head = n.driver().Status().height;
    auto b = LoadBlock(n, head, WithTxs::kYes);
    if (!b) return StorageError("block", b.error());
    std::vector<double> ratios;
    if (*b) {
        for (const auto& t : (*b)->txs) {
            if (t && t->publisher != "base.iost")
                ratios.push_back(core::GasX100ToDouble(t->gas_ratio));
        }
    }
    json j;
    if (ratios.empty()) {
        j["lowest_gas_ratio"] = 1;
        j["median_gas_ratio"] = 1;
    } else {
        std::sort(ratios.begin(), ratios.end());
        j["lowest_gas_ratio"] = Double(ratios.front());
        j["median_gas_ratio"] = Double(ratios[ratios.size() / 2]);
    }
    return JsonOk(j);
}

// go-iost vm.CheckTxGasLimitValid: the publisher must have gas for the
// limit, except a first pledge for itself paid from its own balance.
util::Status CheckGas(const ledger::StateReader& state, const core::Tx& tx, int64_t now) {
    const int64_t have = ledger::GasInfo(state, tx.publisher, now).stock;
    if (have >= tx.gas_limit) return util::Ok();
    const std::string msg = "gas not enough: user " + tx.publisher + " has " +
                            RawToDecimal(have, 2) + " < " + RawToDecimal(tx.gas_limit, 2);
    if (tx.actions.size() != 1 || tx.actions[0].contract != "gas.iost" ||
        tx.actions[0].action_name != "pledge") {
        return util::Err(msg);
    }
    json args = json::parse(tx.actions[0].data, nullptr, false);
    if (!args.is_array() || args.size() != 3 || !args[0].is_string() || !args[1].is_string() ||
        !args[2].is_string()) {
        return util::Err("invalid gas pledge args " + util::Quoted(tx.actions[0].data));
    }
    if (args[0].get<std::string>() != tx.publisher || args[1].get<std::string>() != tx.publisher) {
        return util::Err(msg);
    }
    auto amount =
        core::Amount::Parse(args[2].get<std::string>(), 8, core::ExcessDecimals::kTruncate);
    if (!amount)
        return util::Err("invalid gas pledge amount " + util::Quoted(args[2].get<std::string>()));
    const int64_t balance = ledger::BalanceOf(state, "iost", tx.publisher, now);
    if (balance < amount->raw()) {
        return util::Err("iost token amount not enough for pledgement " + RawToDecimal(balance, 8) +
                         " < " + amount->ToString());
    }
    return util::Ok();
}

Response SendTx(node::Node& n, const Request& req) {
    if (req.body.size() > core::kMaxTxJsonBytes) {
        return BadRequest("request body of " + std::to_string(req.body.size()) +
                          " bytes is larger than the largest transaction (" +
                          std::to_string(core::kMaxTxJsonBytes) + ")");
    }
    auto tx = core::TxFromJson(req.body);
    if (!tx) return BadRequest(tx.error().message);
    // Cheap stateless checks first (chain id, clock, names) so the refusal
    // names the most basic fault; the driver repeats them together with the
    // signatures (verified once, there).
    const int64_t now = util::SystemClock().Now();
    if (tx->chain_id != n.genesis().chain_id) {
        return BadRequest(std::string(core::TxErrorName(core::TxError::kWrongChainId)) +
                          ": chain_id " + std::to_string(tx->chain_id) + " is not this chain's " +
                          std::to_string(n.genesis().chain_id) +
                          " (the SDK defaults to 1024: tx.setChainID)");
    }
    if (auto st = tx->CheckTime(now); !st) {
        return BadRequest(std::string(core::TxErrorName(st.error().reason)) + ": " +
                          st.error().message);
    }
    if (auto st = tx->CheckNames(); !st) {
        return BadRequest(std::string(core::TxErrorName(st.error().reason)) + ": " +
                          st.error().message);
    }
    // Then against final state, as go-iost checks gas before admitting:
    // permissions (publisher's active keys, signers, amount_limit) and gas.
    if (!ledger::GetAccount(n.state(), tx->publisher)) {
        return BadRequest("publisher " + util::Quoted(tx->publisher) + " does not exist");
    }
    if (auto st = ledger::CheckTxAuth(n.state(), *tx); !st) return BadRequest(st.error().message);
    if (auto st = CheckGas(n.state(), *tx, now); !st) return BadRequest(st.error().message);
    auto h = n.driver().SubmitTx(std::move(*tx));
    if (!h) {
        if (h.error().code == grpc_code::kUnavailable)
            return Response::Error(503, h.error().code, h.error().message);
        return Response::Error(400, h.error().code, h.error().message);
    }
    json j;
    j["hash"] = crypto::HashToBase58(*h);
    j["pre_tx_receipt"] = nullptr;
    return JsonOk(j);
}

}  // namespace

void RegisterChainApi(ApiContext& ctx) {
    node::Node* n = ctx.node;
    ctx.Get("/getNodeInfo", [n](const Request&) { return NodeInfo(*n); });
    ctx.Get("/getChainInfo", [n](const Request&) { return ChainInfo(*n); });
    ctx.Get("/getTxByHash/{hash}", [n](const Request& r) { return TxByHash(*n, r); });
    ctx.Get("/getTxReceiptByTxHash/{hash}",
            [n](const Request& r) { return ReceiptByTxHash(*n, r); });
    ctx.Get("/getBlockByHash/{hash}/{complete}",
            [n](const Request& r) { return BlockByHash(*n, r); });
    ctx.Get("/getBlockByNumber/{number}/{complete}",
            [n](const Request& r) { return BlockByNumber(*n, r); });
    ctx.Get("/getGasRatio", [n](const Request&) { return GasRatio(*n); });
    ctx.Post("/sendTx", [n](const Request& r) { return SendTx(*n, r); });
}

}  // namespace iost::rpc
