// The first IOST-compatible HTTP endpoints (IOST_COMPAT.md §A, go-iost
// rpc/pb/rpc.proto): GET /getNodeInfo (with server_time in ns, which the SDK
// reads to stamp its transactions), GET /getChainInfo, and POST /sendTx
// (reply {"hash": "<base58>", "pre_tx_receipt": null}; a refused transaction
// gets HTTP 400 {"code", "message"} saying why). PoB finalizes every block
// it shows, so head and last irreversible block are the same block.
// Thread contract: RegisterMinimalApi before HttpServer::Start; handlers
// run on the server's workers and use only the node's thread-safe read API.
#pragma once

#include <node/node.h>
#include <rpc/http_server.h>

namespace iost::rpc {

inline constexpr const char* kProtocolVersion = "1.0";
// IOST's net names by chain id (1024 mainnet, 1023 testnet, else local).
const char* NetName(uint32_t chain_id);

void RegisterMinimalApi(HttpServer& server, node::Node& node);

}  // namespace iost::rpc
