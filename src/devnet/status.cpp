#include <devnet/status.h>
#include <wallet/http_client.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

namespace iost::devnet {

using json = nlohmann::json;

namespace {

// IOST's JSON carries int64 as strings ("head_block": "42"); accept both.
std::optional<uint64_t> U64Field(const json& j, const char* key) {
    auto it = j.find(key);
    if (it == j.end()) return std::nullopt;
    if (it->is_number_unsigned()) return it->get<uint64_t>();
    if (it->is_string()) {
        try {
            size_t used = 0;
            const std::string s = it->get<std::string>();
            const uint64_t v = std::stoull(s, &used);
            if (used == s.size()) return v;
        } catch (...) {
        }
    }
    return std::nullopt;
}

wallet::HttpClientOptions Timeouts(std::chrono::milliseconds t) {
    wallet::HttpClientOptions o;
    o.connect_timeout = t;
    o.request_timeout = t * 2;
    o.max_response_bytes = 8 << 20;
    return o;
}

util::Result<json> GetJson(wallet::HttpClient& c, const std::string& path) {
    auto r = c.Get(path);
    if (!r) return util::ErrOf(r.error());
    if (r->status != 200) return util::Err("HTTP " + std::to_string(r->status), r->status);
    json j = json::parse(r->body, nullptr, false);
    if (j.is_discarded()) return util::Err(path + ": not JSON");
    return j;
}

void FillFromChainInfo(const json& j, NodeStatus* st) {
    st->height = U64Field(j, "head_block").value_or(0);
    if (auto it = j.find("head_block_hash"); it != j.end() && it->is_string())
        st->head_hash = it->get<std::string>();
    st->witnesses.clear();
    if (auto it = j.find("witness_list"); it != j.end() && it->is_array()) {
        for (const auto& w : *it) {
            if (w.is_string()) st->witnesses.push_back(w.get<std::string>());
        }
    }
}

void FillFromNodeInfo(const json& j, NodeStatus* st) {
    if (auto net = j.find("network"); net != j.end() && net->is_object()) {
        if (auto pc = net->find("peer_count"); pc != net->end() && pc->is_number_integer()) {
            st->peers = pc->get<int>();
        }
    }
}

NodeStatus QueryWith(wallet::HttpClient& c, const NodeEntry& n) {
    NodeStatus st;
    st.name = n.name;
    auto ci = GetJson(c, "/getChainInfo");
    if (!ci) {
        st.error = ci.error().message;
        return st;
    }
    st.up = true;
    FillFromChainInfo(*ci, &st);
    if (auto ni = GetJson(c, "/getNodeInfo")) FillFromNodeInfo(*ni, &st);
    return st;
}

// A Prometheus sample `name` (summed over its label sets), if present.
std::optional<double> CounterNamed(const std::string& text, const std::string& name) {
    std::istringstream in(text);
    std::string line;
    std::optional<double> sum;
    while (std::getline(in, line)) {
        if (line.size() <= name.size() || line.compare(0, name.size(), name) != 0) continue;
        const char next = line[name.size()];
        if (next != ' ' && next != '{') continue;
        const size_t v = line.rfind(' ');
        try {
            sum = sum.value_or(0) + std::stod(line.substr(v + 1));
        } catch (...) {
        }
    }
    return sum;
}

}  // namespace

NodeStatus QueryNode(const NodeEntry& n, std::chrono::milliseconds timeout) {
    auto c = wallet::HttpClient::Make(n.http, Timeouts(timeout));
    if (!c) {
        NodeStatus st;
        st.name = n.name;
        st.error = c.error().message;
        return st;
    }
    return QueryWith(*c, n);
}

namespace {

std::vector<std::string> Ids(const json& j, const char* key) {
    std::vector<std::string> v;
    if (auto it = j.find(key); it != j.end() && it->is_array()) {
        for (const auto& x : *it) {
            if (x.is_string()) v.push_back(x.get<std::string>());
            if (x.is_object() && x.contains("id") && x["id"].is_string())
                v.push_back(x["id"].get<std::string>());
        }
    }
    return v;
}

}  // namespace

std::optional<Groups> QueryGroups(const NodeEntry& n, size_t believable,
                                  std::chrono::milliseconds timeout) {
    auto c = wallet::HttpClient::Make(n.http, Timeouts(timeout));
    if (!c) return std::nullopt;
    Groups g;
    if (auto p = GetJson(*c, "/getPoBInfo")) {
        g.believable = Ids(*p, "believable");
        g.normal = Ids(*p, "normal");
        if (auto it = p->find("chain_fallback"); it != p->end() && it->is_boolean())
            g.chain_fallback = it->get<bool>();
        return g;
    }
    auto ci = GetJson(*c, "/getChainInfo");
    if (!ci) return std::nullopt;
    const auto w = Ids(*ci, "witness_list");
    for (size_t i = 0; i < w.size(); ++i)
        (i < believable ? g.believable : g.normal).push_back(w[i]);
    return g;
}

struct StatusPoller::Impl {
    Manifest m;
    std::vector<std::optional<wallet::HttpClient>> clients;
    std::chrono::steady_clock::time_point last_time{};
    uint64_t last_height = 0;
    std::optional<double> last_packed;
    std::optional<double> last_final;
    bool blocks_api = true;   // /getBlockByNumber served
    bool metrics_api = true;  // /metrics served
    bool pob_api = true;      // /getPoBInfo served
};

StatusPoller::StatusPoller(const Manifest& m) : m_impl(std::make_unique<Impl>()) {
    m_impl->m = m;
    m_impl->clients.resize(m.nodes.size());
}

StatusPoller::~StatusPoller() = default;

NetworkStatus StatusPoller::Poll() {
    Impl& I = *m_impl;
    NetworkStatus out;
    const auto timeout = std::chrono::milliseconds(700);
    std::optional<size_t> first_up;
    for (size_t i = 0; i < I.m.nodes.size(); ++i) {
        const NodeEntry& n = I.m.nodes[i];
        if (!I.clients[i]) {
            auto c = wallet::HttpClient::Make(n.http, Timeouts(timeout));
            if (c) I.clients[i].emplace(std::move(*c));
        }
        NodeStatus st;
        if (I.clients[i]) {
            st = QueryWith(*I.clients[i], n);
        } else {
            st.name = n.name;
            st.error = "bad HTTP endpoint " + n.http;
        }
        if (st.up) {
            if (!first_up) first_up = i;
            out.min_height = out.up == 0 ? st.height : std::min(out.min_height, st.height);
            out.max_height = std::max(out.max_height, st.height);
            ++out.up;
        }
        out.nodes.push_back(std::move(st));
    }

    const auto now = std::chrono::steady_clock::now();
    const double dt = I.last_time == std::chrono::steady_clock::time_point{}
                          ? 0
                          : std::chrono::duration<double>(now - I.last_time).count();
    const NetworkShape& s = I.m.shape;
    out.groups = s.fallback ? "one league of " + std::to_string(s.validators())
                            : "believable " + std::to_string(s.believable) + " / normal " +
                                  std::to_string(s.normal);
    out.mode = s.fallback ? "PBFT fallback" : "PoB";

    if (first_up) {
        wallet::HttpClient& c = *I.clients[*first_up];
        const uint64_t h = out.nodes[*first_up].height;
        if (dt > 0 && h >= I.last_height) {
            out.blocks_per_s = static_cast<double>(h - I.last_height) / dt;
            // Final TPS: IOST's tx_count of every block finalized since the
            // last poll (bounded: a long pause just samples the newest).
            if (I.blocks_api) {
                uint64_t txs = 0;
                bool ok = true;
                const uint64_t from = std::max(I.last_height + 1, h > 200 ? h - 200 : 1);
                for (uint64_t k = from; k <= h && ok; ++k) {
                    auto b = GetJson(c, "/getBlockByNumber/" + std::to_string(k) + "/false");
                    if (!b) {
                        if (b.error().code == 404 || b.error().code == 400) I.blocks_api = false;
                        ok = false;
                        break;
                    }
                    const json& blk = b->contains("block") ? (*b)["block"] : *b;
                    txs += U64Field(blk, "tx_count").value_or(0);
                }
                if (ok && h > I.last_height) {
                    // Scale a truncated sample up to every block of the interval.
                    const double sampled = static_cast<double>(h + 1 - from);
                    const double all = static_cast<double>(h - I.last_height);
                    out.final_tps = static_cast<double>(txs) * (all / sampled) / dt;
                } else if (ok) {
                    out.final_tps = 0;
                }
            }
        }
        if (I.metrics_api) {
            auto r = c.Get("/metrics");
            if (!r || r->status == 404) {
                if (r) I.metrics_api = false;
            } else if (r->status == 200) {
                // rpc/api_metrics.cpp: iost_txs_packed_total, iost_txs_finalized_total.
                auto packed = CounterNamed(r->body, "iost_txs_packed_total");
                auto final_txs = CounterNamed(r->body, "iost_txs_finalized_total");
                if (packed && I.last_packed && dt > 0 && *packed >= *I.last_packed) {
                    out.packed_tps = (*packed - *I.last_packed) / dt;
                }
                if (final_txs && I.last_final && dt > 0 && *final_txs >= *I.last_final) {
                    out.final_tps = (*final_txs - *I.last_final) / dt;
                }
                I.last_packed = packed;
                I.last_final = final_txs;
                if (final_txs) I.blocks_api = false;  // the counter is cheaper than reading blocks
            }
        }
        if (I.pob_api) {
            auto p = GetJson(c, "/getPoBInfo");
            if (!p) {
                if (p.error().code == 404) I.pob_api = false;
            } else {
                const json& j = *p;
                const auto b = Ids(j, "believable");
                const auto n = Ids(j, "normal");
                const auto fb = Ids(j, "fallback_producers");
                bool chain_fb = false;
                if (auto it = j.find("chain_fallback"); it != j.end() && it->is_boolean())
                    chain_fb = it->get<bool>();
                if (!b.empty() || !n.empty()) {
                    out.groups = "believable " + std::to_string(b.size()) + " / normal " +
                                 std::to_string(n.size());
                }
                if (chain_fb) {
                    out.mode = "PBFT fallback";
                } else if (!fb.empty()) {
                    std::string list;
                    for (const auto& x : fb) list += (list.empty() ? "" : ",") + x;
                    out.mode = "PoB, partition fallback: " + list;
                }
            }
        }
        I.last_height = h;
    }
    I.last_time = now;
    return out;
}

std::string StatusLine(const NetworkStatus& s) {
    char buf[96];
    std::string line = "height " + std::to_string(s.max_height);
    line += " (" + std::to_string(s.up) + "/" + std::to_string(s.nodes.size()) + " up";
    if (s.up > 0) {
        if (s.max_height == s.min_height) {
            line += ", in sync)";
        } else {
            line += ", behind by up to " + std::to_string(s.max_height - s.min_height) + ")";
        }
    } else {
        line += ")";
    }
    auto rate = [&](const char* what, const std::optional<double>& v) {
        if (v) {
            std::snprintf(buf, sizeof buf, " | %s %.1f tx/s", what, *v);
        } else {
            std::snprintf(buf, sizeof buf, " | %s - tx/s", what);
        }
        line += buf;
    };
    rate("final", s.final_tps);
    rate("packed", s.packed_tps);
    line += " | " + s.groups + " | " + s.mode;
    return line;
}

std::string StatusTable(const Manifest& m, const NetworkStatus& s) {
    std::string out;
    char buf[512];
    std::snprintf(buf, sizeof buf, "%-8s %-10s %-7s %-28s %8s %6s  %s\n", "node", "role", "pid",
                  "http", "height", "peers", "head hash / error");
    out += buf;
    for (size_t i = 0; i < m.nodes.size() && i < s.nodes.size(); ++i) {
        const NodeEntry& n = m.nodes[i];
        const NodeStatus& st = s.nodes[i];
        std::snprintf(buf, sizeof buf, "%-8s %-10s %-7d %-28s %8s %6s  %s\n", n.name.c_str(),
                      RoleName(n.role), n.pid, n.http.c_str(),
                      st.up ? std::to_string(st.height).c_str() : "-",
                      st.peers >= 0 ? std::to_string(st.peers).c_str() : "-",
                      st.up ? st.head_hash.c_str() : ("down: " + st.error).c_str());
        out += buf;
    }
    out += StatusLine(s) + "\n";
    return out;
}

std::string StatusJson(const Manifest& m, const NetworkStatus& s) {
    json j;
    j["dir"] = m.dir;
    j["chain_id"] = m.chain_id;
    j["max_height"] = s.max_height;
    j["min_height"] = s.min_height;
    j["up"] = s.up;
    j["mode"] = s.mode;
    j["groups"] = s.groups;
    json nodes = json::array();
    for (size_t i = 0; i < m.nodes.size() && i < s.nodes.size(); ++i) {
        const NodeStatus& st = s.nodes[i];
        json n = {{"name", m.nodes[i].name},
                  {"role", RoleName(m.nodes[i].role)},
                  {"pid", m.nodes[i].pid},
                  {"http", m.nodes[i].http},
                  {"up", st.up}};
        if (st.up) {
            n["height"] = st.height;
            n["head_hash"] = st.head_hash;
            n["peers"] = st.peers;
        } else {
            n["error"] = st.error;
        }
        nodes.push_back(std::move(n));
    }
    j["nodes"] = std::move(nodes);
    return j.dump(2) + "\n";
}

}  // namespace iost::devnet
