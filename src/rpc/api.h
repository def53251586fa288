// The node's HTTP JSON API (docs/http.md, docs/formats.md §A, docs/http.md):
// IOST's endpoints with IOST's JSON shapes (go-iost v3 rpc/pb/rpc.proto as
// its gateway prints them: proto field names, every field present, int64 as
// strings, enums by name, errors as HTTP 400 {"code","message"}), plus the
// PoB views IOST lacks (/getPoBInfo, /getMicroBlock, /getEvidence) and
// Prometheus metrics at /metrics.
//
// Thread contract: RegisterApi once per server, before HttpServer::Start.
// The handlers run on the server's workers and read the node only through
// its thread-safe read API; the node must outlive the server's Stop(). The
// /subscribe event feed runs one background thread, started with the first
// subscriber and joined when the server's route table is destroyed; it
// reads the node only while a subscription is open, and Stop() ends every
// subscription before it returns.
#pragma once

#include <node/node.h>
#include <rpc/http_server.h>

#include <memory>

namespace iost::rpc {

// go-iost's ChainInfoResponse.protocol_version for this implementation.
inline constexpr const char* kProtocolVersion = "1.0";
// IOST's net names by chain id (1024 mainnet, 1023 testnet, else local).
const char* NetName(uint32_t chain_id);

// The endpoint table (api_internal.h): one implementation of every
// endpoint, served over HTTP (MountApi) and over gRPC (GrpcServer,
// docs/grpc.md). Opaque outside src/rpc.
struct ApiContext;
std::shared_ptr<ApiContext> BuildApi(node::Node& node);
// Mounts every endpoint of docs/http.md on `server` (before its Start).
void MountApi(HttpServer& server, const std::shared_ptr<ApiContext>& api);
// BuildApi + MountApi, for a node served over HTTP only.
void RegisterApi(HttpServer& server, node::Node& node);

}  // namespace iost::rpc
