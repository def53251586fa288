// Chain endpoints: node and chain info, transactions (PENDING / PACKED /
// IRREVERSIBLE), receipts, blocks, gas ratio, and sendTx (go-iost
// rpc/api_service.go semantics, rpc/convert.go shapes).
#include <core/merkle.h>
#include <core/tx_json.h>
#include <ledger/ledger.h>
#include <ledger/native.h>
#include <rpc/api.h>
#include <rpc/api_internal.h>
#include <util/bytes.h>
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

// TransactionResponse.receipt_source (our field 100, docs/http.md): where
// tx_receipt comes from.
constexpr const char* kReceiptFinal = "FINAL";
constexpr const char* kReceiptFromProducer = "PRODUCER_SPECULATIVE";

// The receipt of a PACKED transaction as its producer would compute it: the
// transaction executed alone on top of the last final state, in a block at
// the MicroBlock's time by its producer, with every check the final block
// will make (permissions, gas, expiry, replay). Producers do not execute at
// produce time (docs/node.md), so this is derived here, on demand, and
// nothing is written. The final receipt can differ when transactions
// ordered before it in the final block change what it reads (a balance
// spent first, say): that is why it is marked.
core::TxReceipt ProducerReceipt(node::Node& n, const node::PackedTx& p,
                                const crypto::Hash256& hash) {
    ledger::BlockContext ctx;
    ctx.time_ns = p.time;
    ctx.height = n.driver().Status().height + 1;
    ctx.producer = p.producer;
    ledger::BlockExecutor ex(n.ledger(), n.state(), ctx);
    return ex.ApplyTx(*p.tx, hash).receipt;
}

Response TxByHash(node::Node& n, const Request& r) {
    auto h = ParseHash(r.params[0], "hash");
    if (!h) return BadRequest(h.error().message);
    const storage::Hash32 key = StoreKey(*h);
    auto loc = n.blocks().GetTxLocation(key);
    if (!loc) return StorageError("tx index", loc.error());
    if (*loc) {
        auto b = LoadBlock(n, (*loc)->height, WithTxs::kYes);
        // Pruned between the two reads: as if the index were gone already.
        if (!b && PrunedBody(n, (*loc)->height, ""))
            return NotFound(NotFoundHint(n, "tx not found"));
        if (!b) return StorageError("block", b.error());
        if (*b) {
            const auto& blk = **b;
            for (size_t i = 0; i < blk.tx_hashes.size(); ++i) {
                if (blk.tx_hashes[i] != *h || i >= blk.txs.size() || !blk.txs[i]) continue;
                json j;
                j["status"] = "IRREVERSIBLE";
                j["transaction"] = TxJson(*blk.txs[i], &blk.receipts[i]);
                j["block_number"] = U64((*loc)->height);
                j["receipt_source"] = kReceiptFinal;
                return JsonOk(j);
            }
        }
    }
    if (auto packed = n.driver().FindPacked(*h)) {
        json j;
        j["status"] = "PACKED";
        const core::TxReceipt receipt =
            packed->receipt ? *packed->receipt : ProducerReceipt(n, *packed, *h);
        j["transaction"] = TxJson(*packed->tx, &receipt);
        j["block_number"] = "-1";
        j["receipt_source"] = kReceiptFromProducer;
        return JsonOk(j);
    }
    if (auto tx = n.mempool().Get(*h)) {
        json j;
        j["status"] = "PENDING";
        j["transaction"] = TxJson(*tx, nullptr);
        j["block_number"] = "-1";
        j["receipt_source"] = "";
        return JsonOk(j);
    }
    return NotFound(NotFoundHint(n, "tx not found"));
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
        return NotFound(NotFoundHint(
            n, "receipt not found: transaction " + r.params[0] + " is not final (yet)"));
    auto rec = core::TxReceipt::Decode(**raw);
    if (!rec) return StorageError("receipt", rec.error());
    return JsonOk(ReceiptJson(*rec));
}

Response BlockAt(node::Node& n, uint64_t height, bool complete) {
    if (complete) {
        if (auto gone = PrunedBody(n, height, "block " + std::to_string(height) + "'s body"))
            return *gone;
    }
    auto b = LoadBlock(n, height, complete ? WithTxs::kYes : WithTxs::kNo);
    if (!b) return BlockBodyError(n, height, b.error());
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
    auto tx = TxFromBody(req);
    if (!tx) return tx.error();
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

// --- IOST's raw block (blockpb.Block, as go-iost's gateway prints it) ---

std::string B64(util::ByteView b) { return util::Base64Encode(b); }
std::string B64(const crypto::Hash256& h) {
    return util::Base64Encode(util::ByteView(h.data(), h.size()));
}

json SigPb(const core::Signature& s) {
    return {{"algorithm", s.algorithm == crypto::Algorithm::kEd25519 ? 2 : 1},
            {"sig", B64(s.sig)},
            {"pubKey", B64(s.pubkey)}};
}

// txpb.Tx: gas ×100 as int64, bytes base64, proto field names.
json TxPb(const core::Tx& tx) {
    json actions = json::array();
    for (const auto& a : tx.actions)
        actions.push_back(
            {{"contract", a.contract}, {"actionName", a.action_name}, {"data", a.data}});
    json signs = json::array(), pub = json::array(), limits = json::array();
    for (const auto& sg : tx.signatures) signs.push_back(SigPb(sg));
    for (const auto& sg : tx.publisher_sigs) pub.push_back(SigPb(sg));
    for (const auto& l : tx.amount_limit) limits.push_back({{"token", l.token}, {"val", l.value}});
    return {{"time", I64(tx.time)},
            {"expiration", I64(tx.expiration)},
            {"gasLimit", I64(tx.gas_limit)},
            {"gasRatio", I64(tx.gas_ratio)},
            {"actions", std::move(actions)},
            {"signers", tx.signers},
            {"signs", std::move(signs)},
            {"publisher", tx.publisher},
            {"publishSigns", std::move(pub)},
            {"delay", I64(tx.delay)},
            {"chain_id", tx.chain_id},
            {"referredTx", B64(tx.referred_tx)},
            {"amountLimit", std::move(limits)},
            {"reserved", B64(tx.reserved)}};
}

// txpb.TxReceipt.
json ReceiptPb(const core::TxReceipt& r) {
    json ram = json::object();
    for (const auto& [k, v] : r.ram_usage) ram[k] = I64(v);
    json rs = json::array();
    for (const auto& c : r.receipts)
        rs.push_back({{"funcName", c.func_name}, {"content", c.content}});
    return {
        {"txHash", B64(r.tx_hash)},
        {"gasUsage", I64(r.gas_usage)},
        {"ramUsage", std::move(ram)},
        {"status", {{"code", static_cast<int32_t>(r.status.code)}, {"message", r.status.message}}},
        {"returns", r.returns},
        {"receipts", std::move(rs)}};
}

enum class RawMode { kNormal, kOnlyHash, kHeadOnly };

// blockpb.Block of a final block. Our final blocks carry a commit
// certificate of the normal group instead of one witness signature, so
// `sign` is null (the certificate: /getPoBInfo, docs/pob.md); `info` is
// empty. kNormal: transactions, receipts and their hashes (go-iost
// BlockType NORMAL); kOnlyHash: the hashes only (ONLYHASH); kHeadOnly: the
// head alone (getBlockHeaderByRange).
json RawBlockPb(const LoadedBlock& b, RawMode mode) {
    std::vector<crypto::Hash256> receipt_hashes;
    for (const auto& r : b.receipts) receipt_hashes.push_back(r.Hash());
    json head = {{"version", "0"},
                 {"parentHash", b.block.height == 0 ? std::string() : B64(b.block.prev_hash)},
                 {"txMerkleHash", B64(core::IostMerkleRootBytes(b.tx_hashes))},
                 {"txReceiptMerkleHash", B64(core::IostMerkleRootBytes(receipt_hashes))},
                 {"info", ""},
                 {"number", U64(b.block.height)},
                 {"witness", b.block.proposer},
                 {"time", I64(b.block.time)}};
    json txs = json::array(), receipts = json::array(), tx_hashes = json::array(),
         receipt_hashes_j = json::array();
    if (mode != RawMode::kHeadOnly) {
        for (const auto& h : b.tx_hashes) tx_hashes.push_back(B64(h));
        for (const auto& h : receipt_hashes) receipt_hashes_j.push_back(B64(h));
    }
    if (mode == RawMode::kNormal) {
        for (size_t i = 0; i < b.tx_hashes.size(); ++i) {
            if (i < b.txs.size() && b.txs[i]) txs.push_back(TxPb(*b.txs[i]));
            receipts.push_back(ReceiptPb(b.receipts[i]));
        }
    }
    return {{"head", std::move(head)},
            {"sign", nullptr},
            {"txs", std::move(txs)},
            {"receipts", std::move(receipts)},
            {"txHashes", std::move(tx_hashes)},
            {"receiptHashes", std::move(receipt_hashes_j)},
            {"blockType", mode == RawMode::kNormal ? "NORMAL" : "ONLYHASH"}};
}

Response RawBlockByNumber(node::Node& n, const Request& r) {
    auto num = ParseU64(r.params[0], "number");
    if (!num) return BadRequest(num.error().message);
    auto complete = ParseBoolParam(r.params[1], "complete");
    if (!complete) return BadRequest(complete.error().message);
    if (*complete) {
        if (auto gone = PrunedBody(n, *num, "block " + std::to_string(*num) + "'s body"))
            return *gone;
    }
    auto b = LoadBlock(n, *num, *complete ? WithTxs::kYes : WithTxs::kNo);
    if (!b) return BlockBodyError(n, *num, b.error());
    if (!*b) {
        return NotFound("block " + std::to_string(*num) + " not found (final height is " +
                        std::to_string(n.driver().Status().height) + ")");
    }
    json j;
    j["status"] = "IRREVERSIBLE";
    j["block"] = RawBlockPb(**b, *complete ? RawMode::kNormal : RawMode::kOnlyHash);
    return JsonOk(j);
}

constexpr size_t kMaxRangeBody = 4 << 10;

// An int64 member under its proto name or lowerCamel JSON name, as a JSON
// integer or a string of digits (how proto-JSON prints int64); absent = 0.
util::Result<int64_t> I64Field(const json& j, const char* proto, const char* camel) {
    const json* v = nullptr;
    if (auto it = j.find(proto); it != j.end() && !it->is_null()) v = &*it;
    if (std::string_view(camel) != proto) {
        if (auto it = j.find(camel); it != j.end() && !it->is_null()) {
            if (v) return util::Err(std::string("both ") + proto + " and " + camel + " given");
            v = &*it;
        }
    }
    if (!v) return int64_t{0};
    if (v->is_number_integer()) return v->get<int64_t>();
    if (v->is_string()) {
        const std::string& t = v->get_ref<const std::string&>();
        const bool neg = !t.empty() && t[0] == '-';
        auto u = ParseU64(neg ? std::string_view(t).substr(1) : std::string_view(t), proto);
        if (!u) return util::Err(u.error().message);
        return neg ? -static_cast<int64_t>(*u) : static_cast<int64_t>(*u);
    }
    return util::Err(std::string(proto) + ": must be an integer");
}

util::Result<std::string> StrMember(const json& j, const char* proto, const char* camel) {
    for (const char* name : {proto, camel}) {
        auto it = j.find(name);
        if (it == j.end() || it->is_null()) continue;
        if (!it->is_string()) return util::Err(std::string(proto) + ": must be a string");
        return it->get<std::string>();
    }
    return std::string();
}

// go-iost GetBlockHeaderByRange: heads of blocks [start, end), at most 110,
// stopping at the first block that does not exist.
Response BlockHeaderByRange(node::Node& n, const Request& r) {
    auto body = ParseBodyObject(r.body, kMaxRangeBody);
    if (!body) return BadRequest(body.error().message);
    auto start = I64Field(*body, "start", "start");
    if (!start) return BadRequest(start.error().message);
    auto end = I64Field(*body, "end", "end");
    if (!end) return BadRequest(end.error().message);
    constexpr int64_t kRangeLimit = 110;
    if (*end <= *start || *end > *start + kRangeLimit || *start < 0) {
        return NotFound("invalid range " + std::to_string(*start) + " to " + std::to_string(*end));
    }
    json list = json::array();
    for (int64_t h = *start; h < *end; ++h) {
        auto b = LoadBlock(n, static_cast<uint64_t>(h), WithTxs::kNo);
        if (!b) return StorageError("block", b.error());
        if (!*b) break;
        list.push_back(RawBlockPb(**b, RawMode::kHeadOnly));
    }
    json j;
    j["block_list"] = std::move(list);
    return JsonOk(j);
}

// go-iost GetBlockTxsByContract: for blocks from_block..to_block (both
// included, at most 100 apart), the transactions with an action matching
// `contract` and/or `action_name` (empty = any), with their receipts; blocks
// without a match are left out.
Response BlockTxsByContract(node::Node& n, const Request& r) {
    auto body = ParseBodyObject(r.body, kMaxRangeBody);
    if (!body) return BadRequest(body.error().message);
    auto from = I64Field(*body, "from_block", "fromBlock");
    if (!from) return BadRequest(from.error().message);
    auto to = I64Field(*body, "to_block", "toBlock");
    if (!to) return BadRequest(to.error().message);
    auto contract = StrMember(*body, "contract", "contract");
    if (!contract) return BadRequest(contract.error().message);
    auto action = StrMember(*body, "action_name", "actionName");
    if (!action) return BadRequest(action.error().message);
    constexpr int64_t kRangeLimit = 100;
    if (*to <= *from || *to > *from + kRangeLimit || *from < 0) {
        return NotFound("invalid range " + std::to_string(*from) + " to " + std::to_string(*to));
    }
    json list = json::array();
    for (int64_t h = *from; h <= *to; ++h) {
        // A pruned block's transactions are gone: 410, as /getBlockByNumber.
        if (auto gone =
                PrunedBody(n, static_cast<uint64_t>(h), "block " + std::to_string(h) + "'s body"))
            return *gone;
        auto b = LoadBlock(n, static_cast<uint64_t>(h), WithTxs::kYes);
        if (!b) return BlockBodyError(n, static_cast<uint64_t>(h), b.error());
        if (!*b) {
            return NotFound("block " + std::to_string(h) + " not found (final height is " +
                            std::to_string(n.driver().Status().height) + ")");
        }
        const LoadedBlock& blk = **b;
        json txs = json::array();
        for (size_t i = 0; i < blk.tx_hashes.size(); ++i) {
            if (i >= blk.txs.size() || !blk.txs[i]) continue;
            for (const auto& a : blk.txs[i]->actions) {
                if ((contract->empty() || a.contract == *contract) &&
                    (action->empty() || a.action_name == *action)) {
                    txs.push_back(TxJson(*blk.txs[i], &blk.receipts[i]));
                    break;
                }
            }
        }
        if (txs.empty()) continue;
        list.push_back(
            {{"status", "IRREVERSIBLE"}, {"block_number", I64(h)}, {"tx_list", std::move(txs)}});
    }
    json j;
    j["blocktx_list"] = std::move(list);
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
    ctx.Get("/getRawBlockByNumber/{number}/{complete}",
            [n](const Request& r) { return RawBlockByNumber(*n, r); });
    ctx.Post("/getBlockHeaderByRange", [n](const Request& r) { return BlockHeaderByRange(*n, r); });
    ctx.Post("/getBlockTxsByContract", [n](const Request& r) { return BlockTxsByContract(*n, r); });
    ctx.Get("/getGasRatio", [n](const Request&) { return GasRatio(*n); });
    ctx.Post("/sendTx", [n](const Request& r) { return SendTx(*n, r); });
}

}  // namespace iost::rpc
