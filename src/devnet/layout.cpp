#include <core/genesis.h>
#include <crypto/keys.h>
#include <devnet/layout.h>
#include <util/assert.h>
#include <util/bytes.h>
#include <util/clock.h>
#include <wallet/key_tool.h>

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <optional>
#include <system_error>

namespace iost::devnet {

namespace fs = std::filesystem;
using util::Err;

std::string ValidatorName(uint32_t i) { return "node" + std::to_string(i); }
std::string IostProducerName(uint32_t i) {
    std::string n = std::to_string(i);
    return "producer" + std::string(n.size() < 3 ? 3 - n.size() : 0, '0') + n;
}
std::string ValidatorName(const NetworkShape& s, uint32_t i) {
    return s.iost_genesis ? IostProducerName(i) : ValidatorName(i);
}
std::string ObserverName(uint32_t i) { return "obs" + std::to_string(i); }
std::string UserName(uint32_t i) { return "user" + std::to_string(i); }

wallet::KeyText NewKey() { return wallet::NewKey(crypto::Algorithm::kEd25519); }

namespace {

std::string Quote(const std::string& s) { return "\"" + s + "\""; }

std::string UtcTimestamp(int64_t ns) {
    const std::time_t t = static_cast<std::time_t>(ns / 1'000'000'000);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

util::Status WriteFile(const fs::path& path, const std::string& text, bool secret) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out) return Err("cannot write " + path.string() + " (is the directory writable?)");
    out << text;
    out.flush();
    if (!out) return Err("cannot write " + path.string() + " (disk full?)");
    out.close();
    if (secret) {
        std::error_code ec;
        fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write, ec);
    }
    return {};
}

}  // namespace

std::string GenesisYaml(const NetworkShape& s,
                        const std::vector<std::pair<std::string, wallet::KeyText>>& validators,
                        const std::vector<AccountEntry>& accounts, int64_t timestamp_ns) {
    std::string y;
    y += "# Written by iost-devnet (docs/devnet.md). DEVELOPMENT ONLY: the secret keys of these\n";
    y += "# accounts are in devnet.json next to this file.\n";
    y += "chain_id: " + std::to_string(s.chain_id) + "\n";
    y += "timestamp: " + Quote(UtcTimestamp(timestamp_ns)) + "\n";
    y += "accounts:\n";
    for (const auto& a : accounts) {
        y += "  - {name: " + a.name + ", owner: " + a.public_key + ", active: " + a.public_key +
             ", gas_pledge: " + Quote(a.gas_pledge) + ", ram: 100000}\n";
    }
    for (const auto& [name, key] : validators) {
        y += "  - {name: " + name + ", owner: " + key.pubkey + ", active: " + key.pubkey +
             ", gas_pledge: " + Quote(std::to_string(kValidatorGasPledge)) + ", ram: 100000}\n";
    }
    y += "token:\n  symbol: iost\n  decimals: 8\n  total_supply: 21000000000\n  issuer: admin\n";
    y += "  allocations:\n";
    for (const auto& a : accounts) {
        const int64_t alloc = AllocationOf(s, a.name);
        y += "    - {account: " + a.name + ", amount: " + Quote(std::to_string(alloc)) + "}\n";
    }
    for (const auto& v : validators) {
        y += "    - {account: " + v.first +
             ", amount: " + Quote(std::to_string(kValidatorAllocation)) + "}\n";
    }
    y += "validators:\n";
    for (const auto& [name, key] : validators) {
        y += "  - {account: " + name + ", consensus_key: " + key.pubkey +
             ", stake: " + Quote(std::to_string(kValidatorStake)) +
             ", servi: " + std::to_string(kValidatorServi) + "}\n";
    }
    // See the header: --fallback makes B+4 exceed the eligible count.
    const uint32_t b = s.fallback ? s.validators() : s.believable;
    const uint32_t n = s.fallback ? s.validators() : s.normal;
    y += "pob:\n";
    y += "  believable_size: " + std::to_string(b) + "\n";
    y += "  normal_size: " + std::to_string(n) + "\n";
    y += "  sampling_probability: " + Quote(s.sampling) + "\n";
    y += "  epoch_length: " + std::to_string(s.epoch_length) + "\n";
    y += "  micro_interval_ms: " + std::to_string(s.micro_interval_ms) + "\n";
    y += "  final_interval_ms: " + std::to_string(s.final_interval_ms) + "\n";
    y += "  min_servi: 1\n";
    y += "  recheck_window: 100\n";
    return y;
}

std::string NodeConfigYaml(const NetworkShape& s, const std::string& address,
                           const std::vector<std::string>& seeds, bool has_keys,
                           const std::string& log_level) {
    std::string y;
    y += "# Written by iost-devnet (docs/devnet.md); keys as in docs/node.md.\n";
    y += "data_dir: data\n";
    y += "genesis_file: ../genesis.yml\n";
    if (has_keys) y += "keys_file: keys.yml\n";
    y += "log: {level: " + log_level + ", file: iserver.log}\n";
    y += "p2p:\n";
    y += "  listen: " + address + ":" + std::to_string(s.p2p_port) + "\n";
    y += "  seeds: [";
    for (size_t i = 0; i < seeds.size(); ++i) y += (i ? ", " : "") + seeds[i];
    y += "]\n";
    // Every node dials every other one (validators gossip without relay), so
    // leave room for the whole network on both sides.
    const size_t room = std::max<size_t>(32, s.nodes() + 8);
    y += "  max_inbound: " + std::to_string(room) + "\n";
    y += "  max_outbound: " + std::to_string(room) + "\n";
    y += "http: {listen: " + address + ":" + std::to_string(s.http_port) + "}\n";
    y += "grpc: {listen: " + address + ":" + std::to_string(s.grpc_port) + "}\n";
    y += "snapshot: {interval: " + std::to_string(s.snapshot_interval) + "}\n";
    return y;
}

bool RolesFromGroups(const std::vector<std::string>& believable,
                     const std::vector<std::string>& normal, Manifest* m) {
    std::map<std::string, Role> r;
    for (const auto& id : normal) r[id] = Role::kNormal;
    for (const auto& id : believable) r[id] = Role::kBelievable;
    if (r.size() != believable.size() + normal.size() || r.size() != m->shape.validators())
        return false;
    for (const auto& n : m->nodes) {
        if (n.validator() && !r.count(n.name)) return false;
    }
    for (auto& n : m->nodes) {
        if (n.validator()) n.role = r[n.name];
    }
    return true;
}

std::string KeysYaml(const std::string& validator, const std::string& secret_key) {
    std::string y = "# Written by iost-devnet: this node's consensus and P2P key (docs/node.md).\n";
    if (!validator.empty()) y += "validator: " + validator + "\n";
    y += "secret_key: " + secret_key + "\n";
    return y;
}

int64_t AllocationOf(const NetworkShape& s, const std::string& account) {
    if (account == "admin") {
        if (!s.iost_genesis) return kAdminAllocation;
        // go-iost's genesis.yml gives admin 21e9 (of a 90e9 supply); the node
        // fixes IOST's supply at mainnet's 21e9 (docs/contracts.md), so admin
        // holds everything the other genesis accounts do not.
        return kIostSupply - static_cast<int64_t>(s.validators()) * kValidatorAllocation -
               static_cast<int64_t>(s.accounts) * kUserAllocation - kFoundationGasPledge;
    }
    if (account == "foundation") return kFoundationGasPledge;  // all pledged: balance 0
    return kUserAllocation;
}

util::Result<Manifest> CreateLayout(const NetworkShape& s, const std::string& dir,
                                    const RoleResolver& roles, const std::string& log_level) {
    IOST_TRY(ValidateShape(s));
    std::error_code ec;
    const fs::path root = fs::absolute(dir, ec).lexically_normal();
    if (ec) return Err("--dir " + dir + ": " + ec.message());
    fs::create_directories(root, ec);
    if (ec) return Err("--dir " + root.string() + ": cannot create: " + ec.message());

    Manifest m;
    m.chain_id = s.chain_id;
    m.dir = root.string();
    m.genesis = (root / "genesis.yml").string();
    m.shape = s;

    // go-iost's published development keys (config/dev_admin_key.json,
    // config/iserver.yml, config/genesis/genesis.yml): public knowledge, so
    // only ever for a local chain.
    auto published = [](const char* secret) {
        auto kp = wallet::KeyFromBase58Secret(crypto::Algorithm::kEd25519, secret);
        IOST_ASSERT(kp.ok(), "go-iost's published development keys are valid Ed25519 keys");
        return wallet::DescribeKey(*kp);
    };
    auto account = [&](std::string name, int64_t pledge,
                       std::optional<wallet::KeyText> key = std::nullopt) {
        AccountEntry a;
        a.name = std::move(name);
        const wallet::KeyText k = key ? *key : NewKey();
        a.public_key = k.pubkey;
        a.secret_key = k.seckey;
        a.balance = std::to_string(AllocationOf(s, a.name) - pledge);
        a.gas_pledge = std::to_string(pledge);
        return a;
    };
    if (s.iost_genesis) {
        m.accounts.push_back(account("admin", kAdminGasPledge, published(kIostAdminSecret)));
        m.accounts.push_back(
            account("foundation", kFoundationGasPledge, published(kIostAdminSecret)));
    } else {
        m.accounts.push_back(account("admin", kAdminGasPledge));
    }
    for (uint32_t i = 1; i <= s.accounts; ++i)
        m.accounts.push_back(account(UserName(i), kUserGasPledge));

    std::vector<std::pair<std::string, wallet::KeyText>> validators;
    std::vector<wallet::KeyText> node_keys;
    for (uint32_t i = 0; i < s.nodes(); ++i) {
        node_keys.push_back(s.iost_genesis && i == 0 ? published(kIostProducer000Secret)
                                                     : NewKey());
        if (i < s.validators()) validators.emplace_back(ValidatorName(s, i), node_keys.back());
    }
    const std::string genesis = GenesisYaml(s, validators, m.accounts, util::SystemClock().Now());
    if (auto g = core::ParseGenesisYaml(genesis, m.genesis); !g) {
        return Err("the genesis iost-devnet wrote is refused by the node's parser (a bug): " +
                   g.error().message);
    }
    IOST_TRY(WriteFile(m.genesis, genesis, false));

    // Roles: all normal in fallback; else the caller's election if it has
    // one, otherwise provisional (the first B) until the launcher reads the
    // real groups from a running node (RolesFromGroups).
    std::map<std::string, Role> initial;
    if (s.fallback) {
        for (const auto& v : validators) initial[v.first] = Role::kNormal;
    } else if (roles) {
        auto r = roles(m.genesis);
        if (!r)
            return Err("electing the initial groups from " + m.genesis + ": " + r.error().message);
        initial = std::move(*r);
    } else {
        for (uint32_t i = 0; i < s.validators(); ++i) {
            initial[ValidatorName(s, i)] = i < s.believable ? Role::kBelievable : Role::kNormal;
        }
    }

    std::vector<std::string> validator_p2p;
    for (uint32_t i = 0; i < s.validators(); ++i) {
        validator_p2p.push_back(NodeAddress(s, i) + ":" + std::to_string(s.p2p_port));
    }
    for (uint32_t i = 0; i < s.nodes(); ++i) {
        const bool is_validator = i < s.validators();
        NodeEntry n;
        n.name = is_validator ? ValidatorName(s, i) : ObserverName(i - s.validators());
        if (is_validator) {
            auto it = initial.find(n.name);
            if (it == initial.end())
                return Err("the epoch-0 election did not place validator " + n.name);
            n.role = it->second;
        } else {
            n.role = Role::kObserver;
        }
        const fs::path nd = root / n.name;
        fs::create_directories(nd, ec);
        if (ec) return Err("cannot create " + nd.string() + ": " + ec.message());
        const std::string address = NodeAddress(s, i);
        n.p2p = address + ":" + std::to_string(s.p2p_port);
        n.http = "http://" + address + ":" + std::to_string(s.http_port);
        n.grpc = address + ":" + std::to_string(s.grpc_port);
        n.data_dir = (nd / "data").string();
        n.log = (nd / "iserver.log").string();
        n.console = (nd / "console.log").string();
        n.config = (nd / "iserver.yml").string();
        n.public_key = node_keys[i].pubkey;
        // Validators dial every other validator; observers dial validators
        // (validators learn observers from their inbound connections).
        std::vector<std::string> seeds;
        for (const auto& p : validator_p2p) {
            if (p != n.p2p) seeds.push_back(p);
        }
        IOST_TRY(WriteFile(nd / "keys.yml",
                           KeysYaml(is_validator ? n.name : "", node_keys[i].seckey), true));
        IOST_TRY(WriteFile(n.config, NodeConfigYaml(s, address, seeds, true, log_level), false));
        m.nodes.push_back(std::move(n));
    }
    return m;
}

}  // namespace iost::devnet
