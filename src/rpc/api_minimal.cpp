#include <rpc/api_minimal.h>

#include <nlohmann/json.hpp>

#include <core/tx_json.h>
#include <util/clock.h>

namespace iost::rpc {

using json = nlohmann::ordered_json;

const char* NetName(uint32_t chain_id) {
    switch (chain_id) {
        case 1024: return "mainnet";
        case 1023: return "testnet";
        default: return "local";
    }
}

namespace {

std::string I64(int64_t v) { return std::to_string(v); }
std::string U64(uint64_t v) { return std::to_string(v); }

Response NodeInfo(node::Node& n) {
    json peers = json::array();
    const auto list = n.Peers();
    for (const auto& p : list) peers.push_back({{"id", p.id}, {"addr", p.addr}});
    const auto s = n.driver().Status();
    json j;
    j["build_time"] = "";
    j["git_hash"] = "";
    // go-iost's modes: ModeInit, ModeNormal, ModeSync. A node with no final
    // block beyond genesis and no peers is still starting.
    j["mode"] = (s.height == 0 && list.empty()) ? "ModeInit" : "ModeNormal";
    j["network"] = {{"id", n.NetworkId()}, {"peer_count", static_cast<int32_t>(list.size())}, {"peer_info", peers}};
    j["code_version"] = "iost-pob-0.1.0";
    j["server_time"] = I64(util::SystemClock().Now());
    return Response::Json(200, j.dump());
}

Response ChainInfo(node::Node& n) {
    const auto s = n.driver().Status();
    const std::string hash = crypto::HashToBase58(s.head_hash);
    json witnesses = json::array();
    for (const auto& id : s.believable) witnesses.push_back(id);
    for (const auto& id : s.normal) {
        if (std::find(s.believable.begin(), s.believable.end(), id) == s.believable.end()) witnesses.push_back(id);
    }
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
    return Response::Json(200, j.dump());
}

Response SendTx(node::Node& n, const Request& req) {
    if (req.body.size() > core::kMaxTxJsonBytes) {
        return Response::Error(400, grpc_code::kInvalidArgument, "request body larger than the largest transaction");
    }
    auto tx = core::TxFromJson(req.body);
    if (!tx) return Response::Error(400, grpc_code::kInvalidArgument, tx.error().message);
    auto h = n.driver().SubmitTx(std::move(*tx));
    if (!h) return Response::Error(400, h.error().code, h.error().message);
    json j;
    j["hash"] = crypto::HashToBase58(*h);
    j["pre_tx_receipt"] = nullptr;
    return Response::Json(200, j.dump());
}

}  // namespace

void RegisterMinimalApi(HttpServer& server, node::Node& node) {
    node::Node* n = &node;
    server.Handle("GET", "/getNodeInfo", [n](const Request&) { return NodeInfo(*n); });
    server.Handle("GET", "/getChainInfo", [n](const Request&) { return ChainInfo(*n); });
    server.Handle("POST", "/sendTx", [n](const Request& r) { return SendTx(*n, r); });
}

}  // namespace iost::rpc
