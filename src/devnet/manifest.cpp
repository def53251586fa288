#include <core/genesis.h>
#include <devnet/manifest.h>
#include <util/text.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <system_error>

namespace iost::devnet {

using json = nlohmann::ordered_json;
using util::Err;

const char* RoleName(Role r) {
    switch (r) {
        case Role::kBelievable:
            return "believable";
        case Role::kNormal:
            return "normal";
        case Role::kObserver:
            return "observer";
    }
    return "?";
}

util::Result<Role> ParseRole(std::string_view text) {
    if (text == "believable") return Role::kBelievable;
    if (text == "normal") return Role::kNormal;
    if (text == "observer") return Role::kObserver;
    return Err("role " + util::Quoted(text) + ": expected believable, normal or observer");
}

std::string ManifestToJson(const Manifest& m) {
    json j;
    j["chain_id"] = m.chain_id;
    j["dir"] = m.dir;
    // The contract's number; the exact decimal text is in "shape".
    double p = 0;
    if (auto ppm = core::ParseProbabilityPpm(m.shape.sampling)) p = static_cast<double>(*ppm) / 1e6;
    j["sampling"] = p;
    j["fallback"] = m.shape.fallback;
    j["genesis"] = m.genesis;
    const NetworkShape& s = m.shape;
    j["shape"] = {{"believable", s.believable},
                  {"normal", s.normal},
                  {"observers", s.observers},
                  {"accounts", s.accounts},
                  {"sampling", s.sampling},
                  {"fallback", s.fallback},
                  {"host", s.host},
                  {"p2p_port", s.p2p_port},
                  {"http_port", s.http_port},
                  {"grpc_port", s.grpc_port},
                  {"micro_interval_ms", s.micro_interval_ms},
                  {"final_interval_ms", s.final_interval_ms},
                  {"epoch_length", s.epoch_length},
                  {"snapshot_interval", s.snapshot_interval},
                  {"iost_genesis", s.iost_genesis}};
    json nodes = json::array();
    for (const auto& n : m.nodes) {
        nodes.push_back({{"name", n.name},
                         {"role", RoleName(n.role)},
                         {"pid", n.pid},
                         {"p2p", n.p2p},
                         {"http", n.http},
                         {"grpc", n.grpc},
                         {"data_dir", n.data_dir},
                         {"log", n.log},
                         {"console", n.console},
                         {"config", n.config},
                         {"public_key", n.public_key}});
    }
    j["nodes"] = std::move(nodes);
    json accounts = json::array();
    for (const auto& a : m.accounts) {
        accounts.push_back({{"name", a.name},
                            {"algorithm", a.algorithm},
                            {"public_key", a.public_key},
                            {"secret_key", a.secret_key},
                            {"balance", a.balance},
                            {"gas_pledge", a.gas_pledge}});
    }
    j["accounts"] = std::move(accounts);
    return j.dump(2) + "\n";
}

namespace {

// Field readers that name the path of what is missing or wrong.
util::Result<const json*> Field(const json& obj, const std::string& where, const char* key) {
    if (!obj.is_object()) return Err(where + ": expected an object");
    auto it = obj.find(key);
    if (it == obj.end()) return Err(where + "." + key + ": missing");
    return &*it;
}

util::Result<std::string> Str(const json& obj, const std::string& where, const char* key) {
    auto f = Field(obj, where, key);
    if (!f) return util::ErrOf(f.error());
    if (!(*f)->is_string()) return Err(where + "." + key + ": expected a string");
    return (*f)->get<std::string>();
}

template <typename T>
util::Result<T> UInt(const json& obj, const std::string& where, const char* key, uint64_t max) {
    auto f = Field(obj, where, key);
    if (!f) return util::ErrOf(f.error());
    if (!(*f)->is_number_unsigned() || (*f)->get<uint64_t>() > max) {
        return Err(where + "." + key + ": expected an integer in [0, " + std::to_string(max) + "]");
    }
    return static_cast<T>((*f)->get<uint64_t>());
}

util::Result<bool> Bool(const json& obj, const std::string& where, const char* key) {
    auto f = Field(obj, where, key);
    if (!f) return util::ErrOf(f.error());
    if (!(*f)->is_boolean()) return Err(where + "." + key + ": expected true or false");
    return (*f)->get<bool>();
}

#define MF_ASSIGN(lhs, expr)                           \
    do {                                               \
        auto mf_r_ = (expr);                           \
        if (!mf_r_) return util::ErrOf(mf_r_.error()); \
        lhs = std::move(*mf_r_);                       \
    } while (0)

util::Result<Manifest> FromJson(const json& j) {
    Manifest m;
    const std::string w = "devnet.json";
    MF_ASSIGN(m.chain_id, UInt<uint32_t>(j, w, "chain_id", UINT32_MAX));
    MF_ASSIGN(m.dir, Str(j, w, "dir"));
    MF_ASSIGN(m.genesis, Str(j, w, "genesis"));
    auto shape = Field(j, w, "shape");
    if (!shape) return util::ErrOf(shape.error());
    const json& sj = **shape;
    const std::string sw = w + ".shape";
    NetworkShape& s = m.shape;
    MF_ASSIGN(s.believable, UInt<uint32_t>(sj, sw, "believable", kMaxNodes));
    MF_ASSIGN(s.normal, UInt<uint32_t>(sj, sw, "normal", kMaxNodes));
    MF_ASSIGN(s.observers, UInt<uint32_t>(sj, sw, "observers", kMaxNodes));
    MF_ASSIGN(s.accounts, UInt<uint32_t>(sj, sw, "accounts", kMaxAccounts));
    MF_ASSIGN(s.sampling, Str(sj, sw, "sampling"));
    MF_ASSIGN(s.fallback, Bool(sj, sw, "fallback"));
    MF_ASSIGN(s.host, Str(sj, sw, "host"));
    MF_ASSIGN(s.p2p_port, UInt<uint16_t>(sj, sw, "p2p_port", 65535));
    MF_ASSIGN(s.http_port, UInt<uint16_t>(sj, sw, "http_port", 65535));
    // Manifests written before the gRPC API have no grpc_port: IOST's default.
    if (sj.contains("grpc_port")) {
        MF_ASSIGN(s.grpc_port, UInt<uint16_t>(sj, sw, "grpc_port", 65535));
    }
    MF_ASSIGN(s.micro_interval_ms, UInt<uint32_t>(sj, sw, "micro_interval_ms", 60'000));
    MF_ASSIGN(s.final_interval_ms, UInt<uint32_t>(sj, sw, "final_interval_ms", 60'000));
    MF_ASSIGN(s.epoch_length, UInt<uint64_t>(sj, sw, "epoch_length", 1'000'000'000));
    // Devnets made before --snapshot-interval wrote no snapshot key: the node's default.
    if (sj.contains("snapshot_interval")) {
        MF_ASSIGN(s.snapshot_interval, UInt<uint64_t>(sj, sw, "snapshot_interval", 1'000'000'000));
    }
    // Devnets made before --iost-genesis lack it; the chain id is the top-level one.
    if (sj.contains("iost_genesis")) MF_ASSIGN(s.iost_genesis, Bool(sj, sw, "iost_genesis"));
    s.chain_id = m.chain_id;
    if (auto st = ValidateShape(s); !st) return Err(sw + ": " + st.error().message);

    auto nodes = Field(j, w, "nodes");
    if (!nodes) return util::ErrOf(nodes.error());
    if (!(*nodes)->is_array()) return Err(w + ".nodes: expected an array");
    for (size_t i = 0; i < (*nodes)->size(); ++i) {
        const json& nj = (**nodes)[i];
        const std::string nw = w + ".nodes[" + std::to_string(i) + "]";
        NodeEntry n;
        MF_ASSIGN(n.name, Str(nj, nw, "name"));
        std::string role;
        MF_ASSIGN(role, Str(nj, nw, "role"));
        auto r = ParseRole(role);
        if (!r) return Err(nw + ".role: " + r.error().message);
        n.role = *r;
        auto pid = Field(nj, nw, "pid");
        if (!pid) return util::ErrOf(pid.error());
        if (!(*pid)->is_number_integer() || (*pid)->get<int64_t>() < 0 ||
            (*pid)->get<int64_t>() > INT32_MAX) {
            return Err(nw + ".pid: expected a non-negative integer");
        }
        n.pid = static_cast<int>((*pid)->get<int64_t>());
        MF_ASSIGN(n.p2p, Str(nj, nw, "p2p"));
        MF_ASSIGN(n.http, Str(nj, nw, "http"));
        if (nj.contains("grpc")) {
            MF_ASSIGN(n.grpc, Str(nj, nw, "grpc"));
        } else {
            const std::string hp = n.http.substr(n.http.find("//") + 2);
            n.grpc = hp.substr(0, hp.rfind(':') + 1) + std::to_string(s.grpc_port);
        }
        MF_ASSIGN(n.data_dir, Str(nj, nw, "data_dir"));
        MF_ASSIGN(n.log, Str(nj, nw, "log"));
        MF_ASSIGN(n.console, Str(nj, nw, "console"));
        MF_ASSIGN(n.config, Str(nj, nw, "config"));
        MF_ASSIGN(n.public_key, Str(nj, nw, "public_key"));
        m.nodes.push_back(std::move(n));
    }
    if (m.nodes.size() != s.nodes()) {
        return Err(w + ".nodes: " + std::to_string(m.nodes.size()) + " nodes but the shape has " +
                   std::to_string(s.nodes()));
    }
    auto accounts = Field(j, w, "accounts");
    if (!accounts) return util::ErrOf(accounts.error());
    if (!(*accounts)->is_array()) return Err(w + ".accounts: expected an array");
    for (size_t i = 0; i < (*accounts)->size(); ++i) {
        const json& aj = (**accounts)[i];
        const std::string aw = w + ".accounts[" + std::to_string(i) + "]";
        AccountEntry a;
        MF_ASSIGN(a.name, Str(aj, aw, "name"));
        MF_ASSIGN(a.algorithm, Str(aj, aw, "algorithm"));
        MF_ASSIGN(a.public_key, Str(aj, aw, "public_key"));
        MF_ASSIGN(a.secret_key, Str(aj, aw, "secret_key"));
        MF_ASSIGN(a.balance, Str(aj, aw, "balance"));
        MF_ASSIGN(a.gas_pledge, Str(aj, aw, "gas_pledge"));
        m.accounts.push_back(std::move(a));
    }
    return m;
}

#undef MF_ASSIGN

}  // namespace

util::Result<Manifest> ParseManifest(std::string_view json_text, std::string_view source) {
    json j = json::parse(json_text, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) return Err(std::string(source) + ": not valid JSON");
    auto m = FromJson(j);
    if (!m) return Err(std::string(source) + ": " + m.error().message);
    return m;
}

util::Result<Manifest> LoadManifest(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return Err(path +
                   ": cannot read (no devnet there? start one with `iost-devnet start --dir ...`)");
    std::ostringstream ss;
    ss << in.rdbuf();
    return ParseManifest(ss.str(), path);
}

util::Status SaveManifest(const Manifest& m, const std::string& path) {
    const std::string tmp = path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out) return Err("cannot write " + tmp);
        out << ManifestToJson(m);
        out.flush();
        if (!out) return Err("cannot write " + tmp);
    }
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec) return Err("cannot write " + path + ": " + ec.message());
    return {};
}

}  // namespace iost::devnet
