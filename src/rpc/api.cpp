#include <core/account.h>
#include <core/amount.h>
#include <core/merkle.h>
#include <core/tx_json.h>
#include <node/stored_block.h>
#include <rpc/api.h>
#include <rpc/api_internal.h>
#include <util/bytes.h>
#include <util/text.h>

#include <chrono>
#include <cmath>
#include <set>

namespace iost::rpc {

const char* NetName(uint32_t chain_id) {
    switch (chain_id) {
        case 1024:
            return "mainnet";
        case 1023:
            return "testnet";
        default:
            return "local";
    }
}

// --- context ---

void ApiContext::Route(const std::string& method, const std::string& pattern, Handler h) {
    // "/getBlockByNumber/{number}/{complete}" -> "getBlockByNumber" (the label
    // of /metrics; the path parameters would make unbounded label values).
    // Two patterns of one endpoint share a counter.
    const auto end = pattern.find('/', 1);
    const std::string name =
        pattern.substr(1, end == std::string::npos ? std::string::npos : end - 1);
    EndpointCounter* c = nullptr;
    for (auto& existing : counters) {
        if (existing->name == name) c = existing.get();
    }
    if (!c) {
        counters.push_back(std::make_unique<EndpointCounter>());
        c = counters.back().get();
        c->name = name;
    }
    endpoints.push_back({method, pattern, name, [c, h = std::move(h)](const Request& r) {
                             const auto t0 = std::chrono::steady_clock::now();
                             Response resp = h(r);
                             const auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                                                 std::chrono::steady_clock::now() - t0)
                                                 .count();
                             c->requests.fetch_add(1, std::memory_order_relaxed);
                             if (resp.status / 100 != 2)
                                 c->errors.fetch_add(1, std::memory_order_relaxed);
                             c->micros.fetch_add(static_cast<uint64_t>(us),
                                                 std::memory_order_relaxed);
                             return resp;
                         }});
}
const Endpoint* ApiContext::Find(std::string_view name) const {
    for (const auto& e : endpoints) {
        if (e.name == name) return &e;
    }
    return nullptr;
}
void ApiContext::Get(const std::string& pattern, Handler h) { Route("GET", pattern, std::move(h)); }
void ApiContext::Post(const std::string& pattern, Handler h) {
    Route("POST", pattern, std::move(h));
}

// --- JSON conventions ---

json Double(double v) {
    // protojson prints 1.0 as 1: keep integral values integral so clients that
    // compare text (and people) see what go-iost shows.
    if (std::isfinite(v) && v == std::trunc(v) && std::fabs(v) < 9007199254740992.0) {
        return static_cast<int64_t>(v);
    }
    return v;
}

double RawToDouble(int64_t raw, int decimals) {
    return static_cast<double>(raw) / static_cast<double>(core::Pow10(decimals));
}

std::string RawToDecimal(int64_t raw, int decimals) {
    auto a = core::Amount::FromRaw(raw, decimals);
    return a ? a->ToString() : std::to_string(raw);
}

util::Result<core::Tx, Response> TxFromBody(const Request& req) {
    if (req.body.size() > core::kMaxTxJsonBytes) {
        return util::ErrOf(BadRequest("request body of " + std::to_string(req.body.size()) +
                                      " bytes is larger than the largest transaction (" +
                                      std::to_string(core::kMaxTxJsonBytes) + ")"));
    }
    auto tx = core::TxFromJson(req.body);
    if (!tx) return util::ErrOf(BadRequest(tx.error().message));
    return std::move(*tx);
}

Response BadRequest(std::string_view message) {
    return Response::Error(400, grpc_code::kInvalidArgument, message);
}
Response NotFound(std::string_view message) {
    return Response::Error(400, grpc_code::kUnknown, message);
}
Response StorageError(std::string_view what, const util::Error& e) {
    // A failing store is the node's problem, not the client's: 500, which the
    // server logs; the body names no internals.
    (void)what;
    (void)e;
    return Response::Error(500, grpc_code::kInternal, "internal error: storage read failed");
}
std::optional<Response> PrunedBody(node::Node& n, uint64_t height, std::string_view what) {
    const uint64_t floor = n.blocks().PrunedFloor();
    if (height == 0 || height >= floor) return std::nullopt;
    return Response::Error(410, grpc_code::kNotFound,
                           std::string(what) + " was pruned: this node keeps block bodies from " +
                               std::to_string(floor) +
                               " on (prune.keep_blocks); the header is served with "
                               "complete=false, the rest by an archive node");
}

Response BlockBodyError(node::Node& n, uint64_t height, const util::Error& e) {
    if (auto gone = PrunedBody(n, height, "block " + std::to_string(height) + "'s body"))
        return *gone;
    return StorageError("block", e);
}

std::string NotFoundHint(node::Node& n, std::string message) {
    const uint64_t floor = n.blocks().PrunedFloor();
    if (floor <= 1) return message;
    return message + " (this node prunes: it keeps transactions of blocks from " +
           std::to_string(floor) + " on)";
}

Response JsonOk(const json& j) {
    return Response::Json(200, j.dump(-1, ' ', false, json::error_handler_t::replace));
}

// --- parameters ---

util::Result<crypto::Hash256> ParseHash(std::string_view text, std::string_view what) {
    // go-iost refuses hashes of 100+ characters before decoding (checkHashValid).
    if (text.empty() || text.size() >= 100) {
        return util::Err(std::string(what) + ": hash length " + std::to_string(text.size()) +
                         " is not that of a base58 SHA3-256 hash");
    }
    auto raw = util::Base58Decode(text);
    if (!raw) return util::Err(std::string(what) + ": not base58: " + raw.error().message);
    if (raw->size() != 32) {
        return util::Err(std::string(what) + ": decodes to " + std::to_string(raw->size()) +
                         " bytes, a hash has 32");
    }
    crypto::Hash256 h{};
    std::copy(raw->begin(), raw->end(), h.begin());
    return h;
}

util::Status CheckId(std::string_view id) {
    if (core::IsContractId(id)) return util::Ok();
    if (id.size() < 5 || id.size() > 11) {
        return util::Err("id invalid. id length should be between 5,11 - " +
                         std::to_string(id.size()));
    }
    return core::ValidateAccountName(id);
}

util::Result<bool> ParseBoolParam(std::string_view text, std::string_view what) {
    auto b = ParsePathBool(text);
    if (!b) return util::Err(std::string(what) + ": " + b.error().message);
    return *b;
}

util::Result<uint64_t> ParseU64(std::string_view text, std::string_view what) {
    if (text.empty() || text.size() > 20) {
        return util::Err(std::string(what) + ": expected a block number, got " +
                         util::Quoted(text));
    }
    uint64_t v = 0;
    for (char ch : text) {
        if (ch < '0' || ch > '9') {
            return util::Err(std::string(what) + ": expected a block number, got " +
                             util::Quoted(text));
        }
        const uint64_t d = static_cast<uint64_t>(ch - '0');
        if (v > (UINT64_MAX - d) / 10)
            return util::Err(std::string(what) + ": number out of range");
        v = v * 10 + d;
    }
    if (v > static_cast<uint64_t>(INT64_MAX))
        return util::Err(std::string(what) + ": number out of range (int64)");
    return v;
}

util::Result<json> ParseBodyObject(std::string_view body, size_t max_bytes) {
    if (body.size() > max_bytes) {
        return util::Err("request body of " + std::to_string(body.size()) +
                         " bytes is larger than " + std::to_string(max_bytes) +
                         " for this endpoint");
    }
    // Duplicate keys are ambiguous (which one wins differs between parsers)
    // and no request needs nesting beyond a few levels: both are refused.
    constexpr int kMaxDepth = 8;
    std::vector<std::set<std::string>> keys;
    std::string duplicate;
    bool too_deep = false;
    auto cb = [&](int depth, json::parse_event_t ev, json& parsed) {
        if (depth > kMaxDepth) too_deep = true;
        if (ev == json::parse_event_t::object_start) {
            keys.emplace_back();
        } else if (ev == json::parse_event_t::object_end) {
            if (!keys.empty()) keys.pop_back();
        } else if (ev == json::parse_event_t::key && !keys.empty()) {
            const std::string k = parsed.get<std::string>();
            if (!keys.back().insert(k).second && duplicate.empty()) duplicate = k;
        }
        return true;
    };
    json j = json::parse(body, cb, /*allow_exceptions=*/false);
    if (j.is_discarded()) return util::Err("request body is not valid JSON");
    if (too_deep)
        return util::Err("request body nests deeper than " + std::to_string(kMaxDepth) + " levels");
    if (!duplicate.empty())
        return util::Err("request body has the key " + util::Quoted(duplicate) + " twice");
    if (!j.is_object()) return util::Err("request body must be a JSON object");
    return j;
}

// --- blocks ---

util::Result<std::optional<LoadedBlock>> LoadBlock(node::Node& n, uint64_t height, WithTxs with) {
    // node::LoadStoredBlock is the one reader of stored blocks (start-up and
    // sync serving use it too); the API's policy: absent = not found.
    auto stored = node::LoadStoredBlock(
        n.blocks(), height, with == WithTxs::kYes ? node::WithMicros::kYes : node::WithMicros::kNo);
    if (!stored) {
        if (stored.error().failure == node::LoadFailure::kBlockMissing) {
            return std::optional<LoadedBlock>{};
        }
        return util::Err(stored.error().detail);
    }
    LoadedBlock b;
    b.block = std::move(stored->certified->block);
    // The certified hash: a pruned header's block lacks its direct
    // transactions, so its hash cannot be recomputed (docs/state.md "Pruning").
    b.hash = stored->hash;
    b.pruned = std::move(stored->pruned);
    b.commit_view = stored->certified->commit_view;
    b.cert = std::move(stored->certified->cert);
    auto hashes = n.blocks().GetBlockTxHashes(height);
    if (!hashes) return util::Err(hashes.error().message);
    if (*hashes) {
        for (const auto& h : **hashes) {
            crypto::Hash256 th{};
            std::copy(h.begin(), h.end(), th.begin());
            b.tx_hashes.push_back(th);
            auto rr = n.blocks().GetReceipt(h);
            if (!rr) return util::Err(rr.error().message);
            core::TxReceipt rec;
            if (*rr) {
                auto d = core::TxReceipt::Decode(**rr);
                if (!d) return util::Err("stored receipt does not decode: " + d.error().message);
                rec = std::move(*d);
            } else {
                rec.tx_hash = th;
            }
            b.receipts.push_back(std::move(rec));
        }
    }
    if (with == WithTxs::kYes && !b.tx_hashes.empty()) {
        std::map<crypto::Hash256, std::shared_ptr<const core::Tx>> bodies;
        for (const auto& m : stored->micros) {
            for (size_t i = 0; i < m->txs.size() && i < m->tx_hashes.size(); ++i) {
                // Aliasing: the body lives as long as its MicroBlock.
                bodies.emplace(m->tx_hashes[i], std::shared_ptr<const core::Tx>(m, &m->txs[i]));
            }
        }
        for (const auto& t : b.block.direct_txs)
            bodies.emplace(t.Hash(), std::make_shared<const core::Tx>(t));
        for (const auto& h : b.tx_hashes) {
            auto it = bodies.find(h);
            b.txs.push_back(it == bodies.end() ? nullptr : it->second);
        }
    }
    return std::optional<LoadedBlock>(std::move(b));
}

json ReceiptJson(const core::TxReceipt& r) {
    json j;
    j["tx_hash"] = crypto::HashToBase58(r.tx_hash);
    j["gas_usage"] = Double(static_cast<double>(r.gas_usage) / 100.0);
    json ram = json::object();
    for (const auto& [k, v] : r.ram_usage) ram[k] = I64(v);
    j["ram_usage"] = std::move(ram);
    j["status_code"] = std::string(core::StatusCodeName(r.status.code));
    j["message"] = r.status.message;
    j["returns"] = r.returns;
    json rs = json::array();
    for (const auto& c : r.receipts)
        rs.push_back({{"func_name", c.func_name}, {"content", c.content}});
    j["receipts"] = std::move(rs);
    return j;
}

json TxJson(const core::Tx& tx, const core::TxReceipt* receipt) {
    json j = json::parse(core::TxToApiJson(tx));
    // TxToApiJson prints gas with ".0"; keep go's integral form.
    j["gas_ratio"] = Double(core::GasX100ToDouble(tx.gas_ratio));
    j["gas_limit"] = Double(core::GasX100ToDouble(tx.gas_limit));
    // Fields in rpc.proto's order (core writes the actions' keys sorted).
    json actions = json::array();
    for (const auto& a : tx.actions) {
        actions.push_back(
            {{"contract", a.contract}, {"action_name", a.action_name}, {"data", a.data}});
    }
    j["actions"] = std::move(actions);
    j["tx_receipt"] = receipt ? ReceiptJson(*receipt) : json(nullptr);
    return j;
}

json BlockJson(const LoadedBlock& b, bool complete) {
    std::vector<crypto::Hash256> receipt_hashes;
    receipt_hashes.reserve(b.receipts.size());
    int64_t gas = 0;
    for (const auto& r : b.receipts) {
        receipt_hashes.push_back(r.Hash());
        gas += r.gas_usage;
    }
    json j;
    j["hash"] = crypto::HashToBase58(b.hash);
    j["version"] = "0";
    j["parent_hash"] =
        b.block.height == 0 ? std::string() : crypto::HashToBase58(b.block.prev_hash);
    // A pruned header keeps the tx count and merkle hash its tx list had.
    j["tx_merkle_hash"] = util::Base58Encode(b.pruned ? b.pruned->iost_tx_merkle
                                                      : core::IostMerkleRootBytes(b.tx_hashes));
    j["tx_receipt_merkle_hash"] = util::Base58Encode(core::IostMerkleRootBytes(receipt_hashes));
    j["number"] = U64(b.block.height);
    j["witness"] = b.block.proposer;
    j["time"] = I64(b.block.time);
    j["gas_usage"] = Double(static_cast<double>(gas) / 100.0);
    j["tx_count"] = I64(static_cast<int64_t>(b.pruned ? b.pruned->tx_count : b.tx_hashes.size()));
    j["info"] = nullptr;
    j["orig_info"] = "";
    json txs = json::array();
    if (complete) {
        for (size_t i = 0; i < b.tx_hashes.size(); ++i) {
            if (i < b.txs.size() && b.txs[i]) txs.push_back(TxJson(*b.txs[i], &b.receipts[i]));
        }
    }
    j["transactions"] = std::move(txs);
    return j;
}

std::shared_ptr<ApiContext> BuildApi(node::Node& node) {
    auto ctx = std::make_shared<ApiContext>();
    ctx->node = &node;
    RegisterChainApi(*ctx);
    RegisterStateApi(*ctx);
    RegisterProofApi(*ctx);
    RegisterPobApi(*ctx);
    RegisterEventApi(*ctx);
    RegisterMetricsApi(*ctx);
    RegisterExecApi(*ctx);
    RegisterExplorerApi(*ctx);
    return ctx;
}

void MountApi(HttpServer& server, const std::shared_ptr<ApiContext>& ctx) {
    ctx->server.store(&server);
    for (const auto& e : ctx->endpoints) server.Handle(e.method, e.pattern, e.handler);
    server.HandleStream("POST", "/subscribe", ctx->subscribe);
    MountExplorerFiles(server);
    // The handlers above point into *ctx; this index route owns it, so the
    // table lives as long as the server's route table (and as long as any
    // other transport that holds it).
    server.Handle("GET", "/", [ctx](const Request&) {
        json j;
        j["name"] = "iost-pob";
        j["docs"] = "docs/http.md";
        json eps = json::array();
        for (const auto& c : ctx->counters) eps.push_back(c->name);
        j["endpoints"] = std::move(eps);
        return JsonOk(j);
    });
}

void RegisterApi(HttpServer& server, node::Node& node) { MountApi(server, BuildApi(node)); }

}  // namespace iost::rpc
