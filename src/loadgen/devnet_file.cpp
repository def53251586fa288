#include <loadgen/devnet_file.h>
#include <util/bytes.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace iost::loadgen {
namespace {

using nlohmann::json;

util::Result<std::string> Str(const json& o, const char* key, const std::string& where) {
    auto it = o.find(key);
    if (it == o.end() || !it->is_string())
        return util::Err(where + "." + key + ": missing or not a string");
    return it->get<std::string>();
}

}  // namespace

std::string_view RoleName(NodeRole r) {
    switch (r) {
        case NodeRole::kBelievable:
            return "believable";
        case NodeRole::kNormal:
            return "normal";
        case NodeRole::kObserver:
            return "observer";
    }
    return "?";
}

size_t DevnetInfo::CountRole(NodeRole r) const {
    size_t n = 0;
    for (const auto& node : nodes) n += node.role == r ? 1 : 0;
    return n;
}

const DevnetAccount* DevnetInfo::Account(std::string_view name) const {
    for (const auto& a : accounts) {
        if (a.name == name) return &a;
    }
    return nullptr;
}

util::Result<DevnetInfo> ParseDevnetJson(std::string_view text) {
    json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object()) return util::Err("devnet.json: not a JSON object");
    DevnetInfo info;
    if (!j.contains("chain_id") || !j["chain_id"].is_number_unsigned() ||
        j["chain_id"].get<uint64_t>() > UINT32_MAX) {
        return util::Err("devnet.json: chain_id: missing or not a 32-bit unsigned number");
    }
    info.chain_id = j["chain_id"].get<uint32_t>();
    if (j.contains("dir") && j["dir"].is_string()) info.dir = j["dir"].get<std::string>();
    if (j.contains("sampling") && j["sampling"].is_number())
        info.sampling = j["sampling"].get<double>();
    if (j.contains("fallback") && j["fallback"].is_boolean())
        info.fallback = j["fallback"].get<bool>();
    if (!j.contains("nodes") || !j["nodes"].is_array() || j["nodes"].empty()) {
        return util::Err("devnet.json: nodes: missing or empty");
    }
    for (size_t i = 0; i < j["nodes"].size(); ++i) {
        const json& n = j["nodes"][i];
        const std::string where = "devnet.json: nodes[" + std::to_string(i) + "]";
        if (!n.is_object()) return util::Err(where + ": not an object");
        DevnetNode node;
        auto name = Str(n, "name", where);
        if (!name) return util::ErrOf(name.error());
        node.name = *name;
        auto role = Str(n, "role", where);
        if (!role) return util::ErrOf(role.error());
        if (*role == "believable")
            node.role = NodeRole::kBelievable;
        else if (*role == "normal")
            node.role = NodeRole::kNormal;
        else if (*role == "observer")
            node.role = NodeRole::kObserver;
        else
            return util::Err(where + ".role: unknown role '" + *role + "'");
        if (!n.contains("pid") || !n["pid"].is_number_integer() || n["pid"].get<int64_t>() <= 0) {
            return util::Err(where + ".pid: missing or not a positive integer");
        }
        node.pid = n["pid"].get<int64_t>();
        auto p2p = Str(n, "p2p", where);
        if (!p2p) return util::ErrOf(p2p.error());
        node.p2p = *p2p;
        auto http = Str(n, "http", where);
        if (!http) return util::ErrOf(http.error());
        node.http = *http;
        auto config = Str(n, "config", where);
        if (!config) return util::ErrOf(config.error());
        node.config = *config;
        auto pk = Str(n, "public_key", where);
        if (!pk) return util::ErrOf(pk.error());
        auto raw = util::Base58Decode(*pk);
        if (!raw || raw->size() != crypto::kEd25519PublicKeySize) {
            return util::Err(where + ".public_key: not a base58 32-byte Ed25519 key");
        }
        node.public_key = *raw;
        info.nodes.push_back(std::move(node));
    }
    if (j.contains("accounts")) {
        if (!j["accounts"].is_array()) return util::Err("devnet.json: accounts: not an array");
        for (size_t i = 0; i < j["accounts"].size(); ++i) {
            const json& a = j["accounts"][i];
            const std::string where = "devnet.json: accounts[" + std::to_string(i) + "]";
            if (!a.is_object()) return util::Err(where + ": not an object");
            auto name = Str(a, "name", where);
            if (!name) return util::ErrOf(name.error());
            auto alg_name = Str(a, "algorithm", where);
            if (!alg_name) return util::ErrOf(alg_name.error());
            auto alg = crypto::ParseAlgorithm(*alg_name);
            if (!alg) return util::Err(where + ".algorithm: " + alg.error().message);
            auto sk = Str(a, "secret_key", where);
            if (!sk) return util::ErrOf(sk.error());
            auto raw = util::Base58Decode(*sk);
            if (!raw) return util::Err(where + ".secret_key: not base58");
            auto kp = crypto::KeyPair::FromSecret(*alg, *raw);
            if (!kp) return util::Err(where + ".secret_key: " + kp.error().message);
            info.accounts.push_back(DevnetAccount{*name, std::move(*kp)});
        }
    }
    return info;
}

util::Result<DevnetInfo> LoadDevnetFile(const std::string& path) {
    std::ifstream in(path);
    if (!in) return util::Err("cannot read " + path);
    std::ostringstream ss;
    ss << in.rdbuf();
    auto r = ParseDevnetJson(ss.str());
    if (!r) return util::Err(path + ": " + r.error().message);
    return r;
}

}  // namespace iost::loadgen
