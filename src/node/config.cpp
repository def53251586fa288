#include <node/config.h>
#include <util/bytes.h>
#include <yaml-cpp/yaml.h>

#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <sstream>
#include <thread>

namespace iost::node {

int DefaultVerifyThreads() {
    const unsigned n = std::thread::hardware_concurrency();
    return n == 0 ? 1 : static_cast<int>(n > 64 ? 64 : n);
}

using util::Err;
using util::Result;
using util::Status;

namespace {

std::string Field(std::string_view parent, std::string_view name) {
    if (parent.empty()) return std::string(name);
    return std::string(parent) + "." + std::string(name);
}

// Typos must fail loudly: every mapping is checked against its known keys.
Status CheckKeys(const YAML::Node& map, std::string_view where,
                 std::initializer_list<std::string_view> known) {
    if (!map.IsMap())
        return Err(std::string(where.empty() ? "config" : where) + ": must be a mapping");
    for (const auto& kv : map) {
        const std::string key = kv.first.as<std::string>();
        bool ok = false;
        for (auto k : known) ok = ok || (k == key);
        if (!ok) {
            std::string list;
            for (auto k : known) list += (list.empty() ? "" : ", ") + std::string(k);
            return Err(Field(where, key) + ": unknown key (known here: " + list + ")");
        }
    }
    return util::Ok();
}

Result<std::string> Scalar(const YAML::Node& n, std::string_view what) {
    if (!n.IsScalar()) return Err(std::string(what) + ": must be a scalar");
    return n.Scalar();
}

template <typename T>
Result<T> ParseInt(std::string_view text, std::string_view what, T min, T max) {
    T v{};
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (text.empty() || ec != std::errc() || p != text.data() + text.size()) {
        return Err(std::string(what) + ": '" + std::string(text) + "' is not an integer");
    }
    if (v < min || v > max) {
        return Err(std::string(what) + ": " + std::string(text) + " is out of range [" +
                   std::to_string(min) + ", " + std::to_string(max) + "]");
    }
    return v;
}

// Assigns an optional integer key if present.
template <typename T>
Status OptInt(const YAML::Node& map, std::string_view where, std::string_view key, T min, T max,
              T* out) {
    const YAML::Node n = map[std::string(key)];
    if (!n) return util::Ok();
    auto s = Scalar(n, Field(where, key));
    if (!s) return util::ErrOf(s.error());
    auto v = ParseInt<T>(*s, Field(where, key), min, max);
    if (!v) return util::ErrOf(v.error());
    *out = *v;
    return util::Ok();
}

Status OptString(const YAML::Node& map, std::string_view where, std::string_view key,
                 std::string* out) {
    const YAML::Node n = map[std::string(key)];
    if (!n) return util::Ok();
    if (n.IsNull()) {
        out->clear();
        return util::Ok();
    }
    auto s = Scalar(n, Field(where, key));
    if (!s) return util::ErrOf(s.error());
    *out = *s;
    return util::Ok();
}

Status OptBool(const YAML::Node& map, std::string_view where, std::string_view key, bool* out) {
    const YAML::Node n = map[std::string(key)];
    if (!n) return util::Ok();
    auto s = Scalar(n, Field(where, key));
    if (!s) return util::ErrOf(s.error());
    if (*s == "true" || *s == "yes" || *s == "on") {
        *out = true;
    } else if (*s == "false" || *s == "no" || *s == "off") {
        *out = false;
    } else {
        return Err(Field(where, key) + ": '" + *s + "' is not a boolean (true/false)");
    }
    return util::Ok();
}

Status OptHostPort(const YAML::Node& map, std::string_view where, std::string_view key,
                   bool allow_zero, HostPort* out) {
    std::string s;
    if (!map[std::string(key)]) return util::Ok();
    IOST_TRY(OptString(map, where, key, &s));
    auto hp = ParseHostPort(s, allow_zero);
    if (!hp) return Err(Field(where, key) + ": " + hp.error().message);
    *out = *hp;
    return util::Ok();
}

std::string Resolve(const std::string& base_dir, const std::string& p) {
    if (p.empty() || base_dir.empty()) return p;
    std::filesystem::path path(p);
    if (path.is_absolute()) return p;
    return (std::filesystem::path(base_dir) / path).lexically_normal().string();
}

Result<std::string> ReadFile(const std::string& path, std::string_view what) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return Err(std::string(what) + " '" + path + "': cannot be read");
    std::ostringstream ss;
    ss << in.rdbuf();
    if (ss.str().size() > (1u << 20))
        return Err(std::string(what) + " '" + path + "': larger than 1 MiB");
    return ss.str();
}

Result<YAML::Node> ParseYaml(std::string_view text, std::string_view source) {
    try {
        YAML::Node root = YAML::Load(std::string(text));
        if (!root || root.IsNull()) return YAML::Node(YAML::NodeType::Map);
        return root;
    } catch (const YAML::Exception& e) {
        return Err(std::string(source) + ": not valid YAML: " + e.what());
    }
}

// 127.0.0.0/8, ::1 or localhost: the only places a test hook may run.
bool IsLoopbackHost(const std::string& host) {
    return host.rfind("127.", 0) == 0 || host == "::1" || host == "[::1]" || host == "localhost";
}

}  // namespace

Result<HostPort> ParseHostPort(std::string_view text, bool allow_zero) {
    std::string_view host, port;
    if (!text.empty() && text.front() == '[') {
        const size_t close = text.find(']');
        if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
            return Err("'" + std::string(text) + "' is not of the form [ipv6]:port");
        }
        host = text.substr(1, close - 1);
        port = text.substr(close + 2);
    } else {
        const size_t colon = text.rfind(':');
        if (colon == std::string_view::npos) {
            return Err("'" + std::string(text) + "' is not of the form host:port");
        }
        host = text.substr(0, colon);
        port = text.substr(colon + 1);
    }
    if (host.empty()) return Err("'" + std::string(text) + "': empty host");
    auto p = ParseInt<uint32_t>(port, "port", allow_zero ? 0 : 1, 65535);
    if (!p) return Err("'" + std::string(text) + "': " + p.error().message);
    return HostPort{std::string(host), static_cast<uint16_t>(*p)};
}

Result<NodeConfig> ParseNodeConfig(std::string_view yaml_text, std::string_view source,
                                   const std::string& base_dir) {
    auto parsed = ParseYaml(yaml_text, source);
    if (!parsed) return util::ErrOf(parsed.error());
    const YAML::Node root = *parsed;
    NodeConfig c;
    auto wrap = [&](Status st) -> Status {
        if (st) return st;
        return Err(std::string(source) + ": " + st.error().message);
    };
    auto run = [&]() -> Status {
        IOST_TRY(CheckKeys(
            root, "",
            {"data_dir", "genesis_file", "keys_file", "log", "p2p", "http", "grpc", "consensus",
             "mempool", "verify_threads", "storage", "audit", "prune", "sync", "snapshot"}));
        IOST_TRY(OptString(root, "", "data_dir", &c.data_dir));
        IOST_TRY(OptString(root, "", "genesis_file", &c.genesis_file));
        IOST_TRY(OptString(root, "", "keys_file", &c.keys_file));
        IOST_TRY(OptInt<int>(root, "", "verify_threads", 0, 64, &c.verify_threads));
        if (const YAML::Node n = root["audit"]) {
            // audit: all | off | <transactions per second, 1..10000000>
            auto str = Scalar(n, "audit");
            if (!str) return util::ErrOf(str.error());
            if (*str == "all") {
                c.audit_txs_per_sec = 0;
            } else if (*str == "off") {
                c.audit_txs_per_sec = -1;
            } else {
                char* end = nullptr;
                const double v = std::strtod(str->c_str(), &end);
                if (str->empty() || end != str->c_str() + str->size() || !(v >= 1 && v <= 1e7)) {
                    return Err(
                        "audit: must be 'all', 'off' or a rate in transactions per second "
                        "(1..10000000), got '" +
                        *str + "'");
                }
                c.audit_txs_per_sec = v;
            }
        }
        if (const YAML::Node n = root["log"]) {
            IOST_TRY(CheckKeys(n, "log", {"level", "file"}));
            IOST_TRY(OptString(n, "log", "level", &c.log_level));
            IOST_TRY(OptString(n, "log", "file", &c.log_file));
        }
        if (const YAML::Node n = root["p2p"]) {
            IOST_TRY(CheckKeys(n, "p2p",
                               {"listen", "seeds", "max_inbound", "max_inbound_per_ip",
                                "max_outbound", "relay_gossip"}));
            IOST_TRY(OptHostPort(n, "p2p", "listen", /*allow_zero=*/true, &c.p2p_listen));
            if (const YAML::Node s = n["seeds"]) {
                if (!s.IsSequence() && !s.IsNull())
                    return Err("p2p.seeds: must be a list of host:port");
                if (s.IsSequence()) {
                    for (size_t i = 0; i < s.size(); ++i) {
                        const std::string where = "p2p.seeds[" + std::to_string(i) + "]";
                        auto str = Scalar(s[i], where);
                        if (!str) return util::ErrOf(str.error());
                        auto hp = ParseHostPort(*str, /*allow_zero=*/false);
                        if (!hp) return Err(where + ": " + hp.error().message);
                        c.seeds.push_back(*hp);
                    }
                }
            }
            IOST_TRY(OptInt<size_t>(n, "p2p", "max_inbound", 0, 4096, &c.max_inbound));
            IOST_TRY(
                OptInt<size_t>(n, "p2p", "max_inbound_per_ip", 0, 4096, &c.max_inbound_per_ip));
            IOST_TRY(OptInt<size_t>(n, "p2p", "max_outbound", 0, 1024, &c.max_outbound));
            IOST_TRY(OptBool(n, "p2p", "relay_gossip", &c.relay_gossip));
        }
        if (const YAML::Node n = root["http"]) {
            IOST_TRY(CheckKeys(
                n, "http",
                {"enabled", "listen", "threads", "max_connections", "max_connections_per_ip"}));
            IOST_TRY(OptBool(n, "http", "enabled", &c.http_enabled));
            IOST_TRY(OptHostPort(n, "http", "listen", /*allow_zero=*/true, &c.http_listen));
            IOST_TRY(OptInt<int>(n, "http", "threads", 1, 64, &c.http_threads));
            IOST_TRY(
                OptInt<size_t>(n, "http", "max_connections", 1, 100000, &c.http_max_connections));
            IOST_TRY(OptInt<size_t>(n, "http", "max_connections_per_ip", 0, 100000,
                                    &c.http_max_connections_per_ip));
        }
        if (const YAML::Node n = root["grpc"]) {
            IOST_TRY(CheckKeys(n, "grpc", {"enabled", "listen"}));
            IOST_TRY(OptBool(n, "grpc", "enabled", &c.grpc_enabled));
            IOST_TRY(OptHostPort(n, "grpc", "listen", /*allow_zero=*/true, &c.grpc_listen));
        }
        if (const YAML::Node n = root["consensus"]) {
            IOST_TRY(CheckKeys(n, "consensus",
                               {"view_timeout_ms", "silent_after_ms", "max_clock_drift_ms",
                                "max_txs_per_micro", "max_direct_txs"}));
            IOST_TRY(OptInt<int64_t>(n, "consensus", "view_timeout_ms", 10, 3'600'000,
                                     &c.view_timeout_ms));
            IOST_TRY(OptInt<int64_t>(n, "consensus", "silent_after_ms", 10, 3'600'000,
                                     &c.silent_after_ms));
            // No "off": a replica without the bound lets one Byzantine primary
            // move the chain's time anywhere (docs/pob.md §6.2).
            IOST_TRY(OptInt<int64_t>(n, "consensus", "max_clock_drift_ms", 1, 3'600'000,
                                     &c.max_clock_drift_ms));
            IOST_TRY(OptInt<uint32_t>(n, "consensus", "max_txs_per_micro", 1, 10'000,
                                      &c.max_txs_per_micro));
            IOST_TRY(
                OptInt<uint32_t>(n, "consensus", "max_direct_txs", 1, 10'000, &c.max_direct_txs));
        }
        if (const YAML::Node n = root["mempool"]) {
            IOST_TRY(CheckKeys(n, "mempool", {"max_txs", "max_bytes", "max_per_publisher"}));
            IOST_TRY(OptInt<size_t>(n, "mempool", "max_txs", 1, 10'000'000, &c.mempool_max_txs));
            IOST_TRY(OptInt<size_t>(n, "mempool", "max_bytes", 65'536, size_t{16} << 30,
                                    &c.mempool_max_bytes));
            IOST_TRY(OptInt<size_t>(n, "mempool", "max_per_publisher", 1, 10'000'000,
                                    &c.mempool_max_per_publisher));
        }
        if (const YAML::Node n = root["storage"]) {
            IOST_TRY(CheckKeys(n, "storage", {"sync", "state_cache_mb"}));
            IOST_TRY(OptBool(n, "storage", "sync", &c.storage_sync));
            IOST_TRY(OptInt<size_t>(n, "storage", "state_cache_mb", 0, 65'536, &c.state_cache_mb));
        }
        if (const YAML::Node n = root["prune"]) {
            IOST_TRY(CheckKeys(n, "prune", {"keep_blocks"}));
            IOST_TRY(OptInt<uint64_t>(n, "prune", "keep_blocks", 0, uint64_t{1} << 40,
                                      &c.prune_keep_blocks));
        }
        if (const YAML::Node n = root["sync"]) {
            // docs/state.md "State sync": sync.mode full | snapshot.
            IOST_TRY(CheckKeys(n, "sync", {"mode", "snapshot_peers", "snapshot_timeout_s"}));
            std::string mode = c.sync_snapshot ? "snapshot" : "full";
            IOST_TRY(OptString(n, "sync", "mode", &mode));
            if (mode != "full" && mode != "snapshot")
                return Err("sync.mode: '" + mode + "' is not one of full, snapshot");
            c.sync_snapshot = mode == "snapshot";
            IOST_TRY(OptInt<size_t>(n, "sync", "snapshot_peers", 1, 64, &c.sync_snapshot_peers));
            IOST_TRY(OptInt<int64_t>(n, "sync", "snapshot_timeout_s", 10, 86'400,
                                     &c.sync_snapshot_timeout_s));
        }
        if (const YAML::Node n = root["snapshot"]) {
            IOST_TRY(CheckKeys(n, "snapshot", {"interval", "keep", "test_only_corrupt_pieces"}));
            IOST_TRY(OptInt<uint64_t>(n, "snapshot", "interval", 0, uint64_t{1} << 32,
                                      &c.snapshot_interval));
            IOST_TRY(OptInt<size_t>(n, "snapshot", "keep", 1, 16, &c.snapshot_keep));
            // A lying peer for the functional state-sync test (docs/state.md
            // "Tests and numbers"); ValidateNodeConfig allows it on loopback only.
            IOST_TRY(OptBool(n, "snapshot", "test_only_corrupt_pieces",
                             &c.test_only_corrupt_snapshot_pieces));
        }
        c.data_dir = Resolve(base_dir, c.data_dir);
        c.genesis_file = Resolve(base_dir, c.genesis_file);
        c.keys_file = Resolve(base_dir, c.keys_file);
        c.log_file = Resolve(base_dir, c.log_file);
        return ValidateNodeConfig(c);
    };
    IOST_TRY(wrap(run()));
    return c;
}

Status ValidateNodeConfig(const NodeConfig& c) {
    if (c.data_dir.empty()) return Err("data_dir: must not be empty");
    if (c.prune_keep_blocks != 0 && c.prune_keep_blocks < kMinPruneKeepBlocks) {
        return Err("prune.keep_blocks: " + std::to_string(c.prune_keep_blocks) +
                   " is below the minimum " + std::to_string(kMinPruneKeepBlocks) +
                   " (a restart reads the last 1,000 blocks' transaction lists); 0 = archive");
    }
    if (c.genesis_file.empty()) return Err("genesis_file: must not be empty");
    util::LogLevel lvl;
    if (!util::ParseLogLevel(c.log_level, &lvl)) {
        return Err("log.level: '" + c.log_level +
                   "' is not one of trace, debug, info, warn, error, off");
    }
    if (c.http_enabled && c.p2p_listen.port != 0 && c.p2p_listen.port == c.http_listen.port &&
        c.p2p_listen.host == c.http_listen.host) {
        return Err("http.listen: same address as p2p.listen (" + c.http_listen.ToString() + ")");
    }
    if (c.grpc_enabled && c.grpc_listen.port != 0) {
        if (c.p2p_listen.port == c.grpc_listen.port && c.p2p_listen.host == c.grpc_listen.host)
            return Err("grpc.listen: same address as p2p.listen (" + c.grpc_listen.ToString() +
                       ")");
        if (c.http_enabled && c.http_listen.port == c.grpc_listen.port &&
            c.http_listen.host == c.grpc_listen.host)
            return Err("grpc.listen: same address as http.listen (" + c.grpc_listen.ToString() +
                       ")");
    }
    if (c.max_inbound == 0 && c.max_outbound == 0) {
        return Err("p2p.max_inbound/max_outbound: both 0 leaves the node without peers");
    }
    if (c.mempool_max_per_publisher > c.mempool_max_txs) {
        return Err("mempool.max_per_publisher: larger than mempool.max_txs");
    }
    if (c.test_only_corrupt_snapshot_pieces && !IsLoopbackHost(c.p2p_listen.host)) {
        return Err(
            "snapshot.test_only_corrupt_pieces: a test hook that makes this node serve "
            "damaged snapshot pieces; refused unless p2p.listen is a loopback address "
            "(got " +
            c.p2p_listen.host + ")");
    }
    return util::Ok();
}

Result<NodeConfig> LoadNodeConfig(const std::string& path) {
    auto text = ReadFile(path, "config file");
    if (!text) return util::ErrOf(text.error());
    const std::string dir = std::filesystem::path(path).parent_path().string();
    return ParseNodeConfig(*text, path, dir.empty() ? "." : dir);
}

Result<NodeKeys> ParseKeysYaml(std::string_view yaml_text, std::string_view source) {
    auto parsed = ParseYaml(yaml_text, source);
    if (!parsed) return util::ErrOf(parsed.error());
    const YAML::Node root = *parsed;
    auto fail = [&](const std::string& m) { return Err(std::string(source) + ": " + m); };
    if (auto st = CheckKeys(root, "", {"validator", "secret_key"}); !st)
        return fail(st.error().message);
    NodeKeys k;
    std::string validator, secret;
    if (auto st = OptString(root, "", "validator", &validator); !st)
        return fail(st.error().message);
    if (auto st = OptString(root, "", "secret_key", &secret); !st) return fail(st.error().message);
    if (!validator.empty()) {
        bool ok = validator.size() >= 5 && validator.size() <= 11;
        for (char ch : validator)
            ok = ok && ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_');
        if (!ok)
            return fail("validator: '" + validator +
                        "' is not an account name (5-11 of [a-z0-9_])");
        k.validator = validator;
    }
    if (secret.empty()) return fail("secret_key: missing");
    auto raw = util::Base58Decode(secret);
    if (!raw) return fail("secret_key: not base58: " + raw.error().message);
    if (raw->size() != crypto::kEd25519SecretKeySize && raw->size() != crypto::kEd25519SeedSize) {
        return fail("secret_key: an Ed25519 secret is 64 bytes (seed‖pub) or a 32-byte seed, got " +
                    std::to_string(raw->size()) + " bytes");
    }
    auto kp = crypto::KeyPair::FromSecret(crypto::Algorithm::kEd25519, *raw);
    if (!kp) return fail("secret_key: " + kp.error().message);
    k.key = std::move(*kp);
    return k;
}

Result<NodeKeys> LoadKeysFile(const std::string& path) {
    auto text = ReadFile(path, "keys file");
    if (!text) return util::ErrOf(text.error());
    return ParseKeysYaml(*text, path);
}

std::string KeysToYaml(const NodeKeys& keys) {
    std::string out = "# iserver keys file: keep it secret (chmod 600)\n";
    if (keys.validator) out += "validator: " + *keys.validator + "\n";
    out += "secret_key: " + util::Base58Encode(keys.key.SecretBytes()) + "\n";
    return out;
}

}  // namespace iost::node
