// Shared pieces of the API's endpoint files (api_*.cpp), not for other
// modules: the context every handler gets, IOST's JSON conventions (int64 as
// strings, doubles as the gateway prints them, errors), parameter parsing
// with clear messages, and block reading (a final block with its executed
// transactions and receipts, as the BlockStore keeps them).
// Thread contract: ApiContext is shared by every handler (its members are
// thread-safe); the helpers are pure functions or read the node's
// thread-safe stores.
#pragma once

#include <core/block.h>
#include <core/receipt.h>
#include <core/tx.h>
#include <node/node.h>
#include <node/stored_block.h>
#include <rpc/http_server.h>
#include <util/result.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace iost::rpc {

using json = nlohmann::ordered_json;

class EventHub;

// Per-endpoint request counters for /metrics (the server's own counters
// cover connections and status classes).
struct EndpointCounter {
    std::string name;
    std::atomic<uint64_t> requests{0};
    std::atomic<uint64_t> errors{0};  // non-2xx answers
    std::atomic<uint64_t> micros{0};  // total handler time
};

// One endpoint of the API, transport-neutral: IOST's gateway view of a call
// (the pattern's path parameters as text, the JSON body) answered with a
// Response (JSON body, HTTP status; errors carry IOST's {"code","message"}).
// The HTTP server mounts it at `pattern`; the gRPC service (grpc_server.cpp)
// calls the same handler for the ApiService method of the same name.
struct Endpoint {
    std::string method;   // "GET" or "POST"
    std::string pattern;  // "/getBlockByNumber/{number}/{complete}"
    std::string name;     // "getBlockByNumber"
    Handler handler;      // counted (EndpointCounter) around the endpoint function
};

// The API's endpoint table, built once per node (BuildApi) and shared by
// every transport that serves it.
struct ApiContext {
    node::Node* node = nullptr;
    // The HTTP server the table is mounted on (for /metrics' connection
    // counters); null until MountApi, and when HTTP is off.
    std::atomic<HttpServer*> server{nullptr};
    std::shared_ptr<EventHub> events;
    // Registered endpoints' counters, in registration order (stable for /metrics).
    std::vector<std::unique_ptr<EndpointCounter>> counters;
    std::vector<Endpoint> endpoints;  // registration order
    StreamHandler subscribe;          // POST /subscribe (api_events.cpp)

    node::Node& n() const { return *node; }
    // Adds an endpoint with a counter around the handler.
    void Get(const std::string& pattern, Handler h);
    void Post(const std::string& pattern, Handler h);
    void Route(const std::string& method, const std::string& pattern, Handler h);
    // The first endpoint named `name` (two patterns may share a name, e.g.
    // /getEvidence and /getEvidence/{from}/{to}); nullptr if none.
    const Endpoint* Find(std::string_view name) const;
};

// --- IOST's JSON conventions ---
inline std::string I64(int64_t v) { return std::to_string(v); }
inline std::string U64(uint64_t v) { return std::to_string(v); }
// A double as go's protojson prints it: integral values without ".0".
json Double(double v);
// Raw token units as IOST's float64 display (raw / 10^decimals).
double RawToDouble(int64_t raw, int decimals);
// A decimal string of raw units ("12.5" for 1250000000 with 8 decimals).
std::string RawToDecimal(int64_t raw, int decimals);

// HTTP 400 {"code": 3, "message": ...}: the request is malformed.
Response BadRequest(std::string_view message);
// A request body (a transaction's JSON, /sendTx and /execTx) as a Tx; a 400
// when it is larger than the largest transaction or does not parse.
util::Result<core::Tx, Response> TxFromBody(const Request& req);
// HTTP 400 {"code": 2, "message": ...}: well-formed but nothing there (go-iost
// answers "tx not found" and friends as plain errors: gRPC code Unknown).
Response NotFound(std::string_view message);
// HTTP 400 {"code": 13, ...} is never used for input; a storage read error
// is a 500 (logged by the server), because it is the node's fault.
Response StorageError(std::string_view what, const util::Error& e);
Response JsonOk(const json& j);
// HTTP 410 {"code": 5, ...}: the node pruned the body of block `height`
// (prune.keep_blocks, docs/state.md "Pruning"); nullopt when it has it.
// `what` names what was asked ("the transactions of block 7").
std::optional<Response> PrunedBody(node::Node& n, uint64_t height, std::string_view what);
// A block read of `height` with its bodies failed: that 410 when the body is
// pruned (the floor moves while a request reads, so it is checked again
// after the read), else a storage error (500).
Response BlockBodyError(node::Node& n, uint64_t height, const util::Error& e);
// A not-found message, with a hint when this node prunes (an old
// transaction may be gone from here but on an archive node).
std::string NotFoundHint(node::Node& n, std::string message);

// The block store's key type for a hash.
inline storage::Hash32 StoreKey(const crypto::Hash256& h) {
    storage::Hash32 k{};
    std::copy(h.begin(), h.end(), k.begin());
    return k;
}

// --- parameters ---
util::Result<crypto::Hash256> ParseHash(std::string_view text, std::string_view what);
// IOST's checkIDValid: an account name (5-11 of [a-z0-9_]) or a contract id.
util::Status CheckId(std::string_view id);
util::Result<bool> ParseBoolParam(std::string_view text, std::string_view what);
// A non-negative decimal integer without sign or leading junk.
util::Result<uint64_t> ParseU64(std::string_view text, std::string_view what);
// Parses a JSON request body (object expected), with a size cap.
util::Result<json> ParseBodyObject(std::string_view body, size_t max_bytes);

// --- blocks ---
// A final block as the store has it, with what the API shows of it.
struct LoadedBlock {
    core::FinalBlock block;
    crypto::Hash256 hash{};
    // This node's copy of its commit certificate (any q of the epoch's
    // normal league, bitmap over its election order; docs/pob.md §6.1).
    uint64_t commit_view = 0;
    crypto::Certificate cert;
    std::vector<crypto::Hash256> tx_hashes;  // executed transactions, in order
    std::vector<core::TxReceipt> receipts;   // same order
    // Bodies of those transactions (when asked for), same order; a body the
    // store lacks stays nullptr.
    std::vector<std::shared_ptr<const core::Tx>> txs;
    // Set when the stored record is a pruned header (a chain-fallback block
    // below the pruned floor): `block` lacks its direct_txs; `hash` is the
    // original one.
    std::optional<node::PrunedHeader> pruned;
};
enum class WithTxs { kNo, kYes };
// nullopt if there is no such block; an error if the store fails.
util::Result<std::optional<LoadedBlock>> LoadBlock(node::Node& n, uint64_t height, WithTxs with);
// IOST's Block JSON (rpcpb.Block): tx_merkle_hash is IOST's Merkle root
// (core/merkle.h) over the executed tx hashes, tx_receipt_merkle_hash over
// the receipts' hashes.
json BlockJson(const LoadedBlock& b, bool complete);
// rpcpb.Transaction with its receipt (null when none).
json TxJson(const core::Tx& tx, const core::TxReceipt* receipt);
json ReceiptJson(const core::TxReceipt& r);

// The /subscribe feed's gauges (api_events.cpp), for /metrics.
size_t EventSubscribers(const ApiContext& ctx);
uint64_t EventsSent(const ApiContext& ctx);

// Registration per area (api_*.cpp).
void RegisterChainApi(ApiContext& ctx);
void RegisterStateApi(ApiContext& ctx);
void RegisterProofApi(ApiContext& ctx);
void RegisterPobApi(ApiContext& ctx);
void RegisterEventApi(ApiContext& ctx);
void RegisterMetricsApi(ApiContext& ctx);
void RegisterExecApi(ApiContext& ctx);      // POST /execTx (api_exec.cpp)
void RegisterExplorerApi(ApiContext& ctx);  // /getPoBBlock (api_explorer.cpp)
// The explorer's static files under /explorer/, HTTP only (api_explorer.cpp).
void MountExplorerFiles(HttpServer& server);

}  // namespace iost::rpc
