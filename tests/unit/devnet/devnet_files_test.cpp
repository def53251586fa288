// The devnet launcher's pure parts: option validation (every bad option gets
// a message naming it), devnet.json round trip and rejection of bad files,
// and the files a layout writes (the genesis is the node's own parser's
// input, the configs and keys are what iserver reads).
#include <arpa/inet.h>
#include <core/genesis.h>
#include <crypto/keys.h>
#include <devnet/layout.h>
#include <devnet/manifest.h>
#include <devnet/options.h>
#include <devnet/process.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <util/bytes.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace iost::devnet {
namespace {

namespace fs = std::filesystem;

std::string ErrorOf(const DevnetOptions& o) {
    auto s = ShapeFromOptions(o);
    return s.ok() ? std::string() : s.error().message;
}

TEST(DevnetOptions, DefaultsAreFourPlusFourPoB) {
    DevnetOptions o;
    auto s = ShapeFromOptions(o);
    ASSERT_TRUE(s.ok()) << s.error().message;
    EXPECT_EQ(s->believable, 4u);
    EXPECT_EQ(s->normal, 4u);
    EXPECT_EQ(s->observers, 0u);
    EXPECT_FALSE(s->fallback);
    EXPECT_EQ(s->host, "127.0.0.1");
    EXPECT_EQ(s->p2p_port, 30000);
    EXPECT_EQ(s->http_port, 30001);
    EXPECT_EQ(NodeAddress(*s, 0), "127.0.0.1");
    EXPECT_EQ(NodeAddress(*s, 7), "127.0.0.8");
}

TEST(DevnetOptions, BadOptionsNameTheOption) {
    DevnetOptions o;
    o.believable = 0;
    EXPECT_NE(ErrorOf(o).find("--believable 0"), std::string::npos) << ErrorOf(o);
    o = {};
    o.normal = 3;
    EXPECT_NE(ErrorOf(o).find("--normal 3"), std::string::npos) << ErrorOf(o);
    EXPECT_NE(ErrorOf(o).find("--fallback"), std::string::npos) << "the message says what to do";
    o = {};
    o.sampling = "2";
    EXPECT_NE(ErrorOf(o).find("--sampling"), std::string::npos) << ErrorOf(o);
    o.sampling = "0";
    EXPECT_NE(ErrorOf(o).find("--sampling"), std::string::npos);
    o.sampling = "abc";
    EXPECT_NE(ErrorOf(o).find("--sampling"), std::string::npos);
    o.sampling = "0.0000001";  // more than 6 decimals
    EXPECT_NE(ErrorOf(o).find("--sampling"), std::string::npos);
    o = {};
    o.host = "127.0.0";
    EXPECT_NE(ErrorOf(o).find("--host"), std::string::npos);
    o.host = "127.0.0.250";  // 8 nodes would pass .255
    EXPECT_NE(ErrorOf(o).find("--host 127.0.0.250"), std::string::npos) << ErrorOf(o);
    o.host = "127.0.0.0";
    EXPECT_NE(ErrorOf(o).find("--host"), std::string::npos);
    o.host = "127.1.300.1";
    EXPECT_NE(ErrorOf(o).find("--host"), std::string::npos);
    o = {};
    o.p2p_port = 30001;  // same as HTTP
    EXPECT_NE(ErrorOf(o).find("ports"), std::string::npos);
    o = {};
    o.final_interval_ms = 10;  // below the micro interval
    EXPECT_NE(ErrorOf(o).find("--final-interval-ms"), std::string::npos);
    o = {};
    o.observers = kMaxNodes;
    EXPECT_NE(ErrorOf(o).find("too many nodes"), std::string::npos);
    o = {};
    o.accounts = kMaxAccounts + 1;
    EXPECT_NE(ErrorOf(o).find("--accounts"), std::string::npos);
    o = {};
    o.snapshot_interval = kMinSnapshotInterval - 1;
    EXPECT_NE(ErrorOf(o).find("--snapshot-interval 9"), std::string::npos) << ErrorOf(o);
    o.snapshot_interval = 0;  // no snapshots
    EXPECT_TRUE(ShapeFromOptions(o).ok()) << ErrorOf(o);
    o.snapshot_interval = 20;
    EXPECT_EQ(ShapeFromOptions(o)->snapshot_interval, 20u);
}

TEST(DevnetOptions, FallbackAllowsSmallNetworks) {
    DevnetOptions o;
    o.believable = 1;
    o.normal = 2;
    o.fallback = true;
    EXPECT_TRUE(ShapeFromOptions(o).ok()) << ErrorOf(o);
    o.fallback = false;
    EXPECT_FALSE(ShapeFromOptions(o).ok());
}

TEST(DevnetOptions, ResumeRejectsADifferentShapeAndAcceptsTheSame) {
    NetworkShape existing;
    DevnetOptions o;
    EXPECT_TRUE(ResumeShape(existing, o).ok());
    o.believable = 4;
    o.sampling = "0.10";  // same value, other spelling
    EXPECT_TRUE(ResumeShape(existing, o).ok()) << ResumeShape(existing, o).error().message;
    o.believable = 3;
    auto r = ResumeShape(existing, o);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("--believable 3"), std::string::npos);
    EXPECT_NE(r.error().message.find("--reset"), std::string::npos);
    o = {};
    o.sampling = "0.2";
    EXPECT_FALSE(ResumeShape(existing, o).ok());
    o = {};
    o.fallback = true;
    EXPECT_FALSE(ResumeShape(existing, o).ok());
    o = {};
    o.snapshot_interval = 20;  // the node configs were written with the default
    r = ResumeShape(existing, o);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("--snapshot-interval 20"), std::string::npos);
}

TEST(DevnetIpv4, ParseAndFormat) {
    auto ip = ParseIpv4("127.10.3.1");
    ASSERT_TRUE(ip.ok());
    EXPECT_EQ(*ip, (127u << 24) | (10u << 16) | (3u << 8) | 1u);
    EXPECT_EQ(FormatIpv4(*ip + 5), "127.10.3.6");
    for (const char* bad :
         {"", "1.2.3", "1.2.3.4.5", "1.2.3.256", "a.b.c.d", "1..2.3", "1.2.3.4 ", "01234.1.1.1"}) {
        EXPECT_FALSE(ParseIpv4(bad).ok()) << bad;
    }
}

Manifest SampleManifest() {
    Manifest m;
    m.dir = "/tmp/x";
    m.genesis = "/tmp/x/genesis.yml";
    m.shape.believable = 1;
    m.shape.normal = 4;
    m.shape.observers = 1;
    for (uint32_t i = 0; i < m.shape.nodes(); ++i) {
        NodeEntry n;
        n.name = i < 5 ? ValidatorName(i) : ObserverName(0);
        n.role = i == 0 ? Role::kBelievable : i < 5 ? Role::kNormal : Role::kObserver;
        n.pid = 100 + static_cast<int>(i);
        n.p2p = NodeAddress(m.shape, i) + ":30000";
        n.http = "http://" + NodeAddress(m.shape, i) + ":30001";
        n.data_dir = "/tmp/x/" + n.name + "/data";
        n.log = "/tmp/x/" + n.name + "/iserver.log";
        n.console = "/tmp/x/" + n.name + "/console.log";
        n.config = "/tmp/x/" + n.name + "/iserver.yml";
        n.public_key = NewKey().pubkey;
        m.nodes.push_back(n);
    }
    AccountEntry a;
    a.name = "admin";
    const wallet::KeyText k = NewKey();
    a.public_key = k.pubkey;
    a.secret_key = k.seckey;
    a.balance = "4999000000";
    a.gas_pledge = "1000000";
    m.accounts.push_back(a);
    return m;
}

TEST(DevnetManifest, RoundTripsAndHasTheContractFields) {
    const Manifest m = SampleManifest();
    const std::string text = ManifestToJson(m);
    auto back = ParseManifest(text, "test");
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(ManifestToJson(*back), text);
    EXPECT_EQ(back->shape.snapshot_interval, m.shape.snapshot_interval);
    EXPECT_EQ(back->nodes.size(), 6u);
    EXPECT_EQ(back->nodes[5].role, Role::kObserver);
    EXPECT_EQ(back->accounts[0].secret_key, m.accounts[0].secret_key);
    // The fields other tools read (contracts.md).
    for (const char* key :
         {"\"chain_id\": 1024", "\"sampling\": 0.1", "\"fallback\": false", "\"nodes\"",
          "\"role\": \"believable\"", "\"pid\": 100", "\"p2p\": \"127.0.0.1:30000\"",
          "\"http\": \"http://127.0.0.1:30001\"", "\"data_dir\"", "\"log\"", "\"config\"",
          "\"public_key\"", "\"accounts\"", "\"algorithm\": \"ed25519\"", "\"secret_key\"",
          "\"balance\": \"4999000000\""}) {
        EXPECT_NE(text.find(key), std::string::npos) << key << "\n" << text;
    }
}

TEST(DevnetManifest, BadFilesAreRefusedWithThePath) {
    EXPECT_NE(ParseManifest("{", "f").error().message.find("not valid JSON"), std::string::npos);
    EXPECT_NE(ParseManifest("[]", "f").error().message.find("expected an object"),
              std::string::npos);
    std::string text = ManifestToJson(SampleManifest());
    auto mutate = [&](const std::string& from, const std::string& to) {
        std::string t = text;
        const size_t p = t.find(from);
        EXPECT_NE(p, std::string::npos) << from;
        t.replace(p, from.size(), to);
        auto r = ParseManifest(t, "f");
        return r.ok() ? std::string() : r.error().message;
    };
    EXPECT_NE(mutate("\"role\": \"believable\"", "\"role\": \"king\"").find("nodes[0].role"),
              std::string::npos);
    EXPECT_NE(mutate("\"pid\": 100", "\"pid\": -4").find("nodes[0].pid"), std::string::npos);
    EXPECT_NE(mutate("\"pid\": 100", "\"pid\": \"x\"").find("nodes[0].pid"), std::string::npos);
    EXPECT_NE(mutate("\"normal\": 4", "\"normal\": 2").find("shape"), std::string::npos);
    EXPECT_NE(mutate("\"observers\": 1", "\"observers\": 2").find("nodes"), std::string::npos);
    EXPECT_NE(mutate("\"secret_key\"", "\"secret\"").find("accounts[0].secret_key: missing"),
              std::string::npos);
    EXPECT_FALSE(LoadManifest("/nonexistent/devnet.json").ok());
}

TEST(DevnetManifest, SaveIsAtomicAndLoadable) {
    const fs::path dir =
        fs::temp_directory_path() / ("devnet_manifest_" + std::to_string(::getpid()));
    fs::create_directories(dir);
    Manifest m = SampleManifest();
    const std::string path = (dir / "devnet.json").string();
    ASSERT_TRUE(SaveManifest(m, path).ok());
    EXPECT_FALSE(fs::exists(path + ".tmp"));
    auto back = LoadManifest(path);
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(back->nodes[3].pid, 103);
    fs::remove_all(dir);
}

std::string ReadAll(const fs::path& p) {
    std::ifstream in(p);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

TEST(DevnetLayout, WritesWhatTheNodeAccepts) {
    const fs::path dir =
        fs::temp_directory_path() / ("devnet_layout_" + std::to_string(::getpid()));
    fs::remove_all(dir);
    NetworkShape s;
    s.observers = 1;
    s.accounts = 3;
    s.host = "127.10.200.1";
    auto m = CreateLayout(s, dir.string(), nullptr, "info");
    ASSERT_TRUE(m.ok()) << m.error().message;
    ASSERT_EQ(m->nodes.size(), 9u);
    ASSERT_EQ(m->accounts.size(), 4u);  // admin + user1..3
    EXPECT_EQ(m->accounts[0].name, "admin");
    EXPECT_EQ(m->accounts[3].name, "user3");

    auto g = core::LoadGenesisFile(m->genesis);
    ASSERT_TRUE(g.ok()) << g.error().message;
    EXPECT_EQ(g->chain_id, 1024u);
    EXPECT_EQ(g->validators.size(), 8u);
    EXPECT_EQ(g->pob.believable_size, 4u);
    EXPECT_EQ(g->pob.normal_size, 4u);
    EXPECT_EQ(g->pob.sampling_probability_ppm, 100'000u);
    // PoB, not chain fallback: B+4 <= eligible (docs/pob.md §4).
    EXPECT_GE(g->validators.size(), g->pob.believable_size + 4);
    for (const auto& v : g->validators) EXPECT_GE(v.servi, g->pob.min_servi) << v.account;

    // Each account's secret in devnet.json is the 64-byte seed‖pub of its genesis key.
    for (const auto& a : m->accounts) {
        auto raw = util::Base58Decode(a.secret_key);
        ASSERT_TRUE(raw.ok());
        ASSERT_EQ(raw->size(), 64u);
        auto kp = crypto::KeyPair::FromSecret(crypto::Algorithm::kEd25519, *raw);
        ASSERT_TRUE(kp.ok());
        EXPECT_EQ(util::Base58Encode(kp->public_key().bytes), a.public_key);
        bool in_genesis = false;
        for (const auto& ga : g->accounts) {
            if (ga.name == a.name) in_genesis = core::PublicKeyToText(ga.active) == a.public_key;
        }
        EXPECT_TRUE(in_genesis) << a.name;
    }
    // Node files: keys match the manifest and the genesis consensus keys.
    for (size_t i = 0; i < m->nodes.size(); ++i) {
        const NodeEntry& n = m->nodes[i];
        const std::string keys = ReadAll(fs::path(n.config).parent_path() / "keys.yml");
        const std::string cfg = ReadAll(n.config);
        EXPECT_NE(cfg.find("listen: " + NodeAddress(s, static_cast<uint32_t>(i)) + ":30000"),
                  std::string::npos);
        EXPECT_NE(
            cfg.find("http: {listen: " + NodeAddress(s, static_cast<uint32_t>(i)) + ":30001}"),
            std::string::npos);
        EXPECT_EQ(cfg.find(n.p2p + ","), std::string::npos) << "a node does not seed itself";
        EXPECT_NE(cfg.find("snapshot: {interval: 1000}"), std::string::npos) << cfg;
        if (n.validator()) {
            EXPECT_NE(keys.find("validator: " + n.name), std::string::npos);
            EXPECT_EQ(core::PublicKeyToText(g->validators[i].consensus_key), n.public_key);
        } else {
            EXPECT_EQ(keys.find("validator:"), std::string::npos) << "an observer has no account";
            EXPECT_EQ(n.name, "obs0");
        }
    }
    // Refusing to run a PoB layout without enough normal validators.
    NetworkShape bad = s;
    bad.normal = 2;
    EXPECT_FALSE(CreateLayout(bad, (dir / "bad").string(), nullptr, "info").ok());
    fs::remove_all(dir);
}

// --iost-genesis: go-iost's local-node genesis (config/genesis/genesis.yml,
// config/dev_admin_key.json, config/iserver.yml), published keys and all.
TEST(DevnetLayout, IostGenesisHasGoIostsAccountsKeysAndChainId) {
    const fs::path dir =
        fs::temp_directory_path() / ("devnet_iost_genesis_" + std::to_string(::getpid()));
    fs::remove_all(dir);
    DevnetOptions o;
    o.dir = dir.string();
    o.iost_genesis = true;
    o.accounts = 2;
    o.host = "127.10.201.1";
    auto s = ShapeFromOptions(o);
    ASSERT_TRUE(s.ok()) << s.error().message;
    EXPECT_EQ(s->chain_id, 1024u);
    auto m = CreateLayout(*s, dir.string(), nullptr, "info");
    ASSERT_TRUE(m.ok()) << m.error().message;
    EXPECT_EQ(m->chain_id, 1024u);
    auto g = core::LoadGenesisFile(m->genesis);
    ASSERT_TRUE(g.ok()) << g.error().message;
    EXPECT_EQ(g->chain_id, 1024u);
    auto key_of = [&](const std::string& name) {
        for (const auto& a : g->accounts)
            if (a.name == name) return core::PublicKeyToText(a.active);
        return std::string("(missing)");
    };
    EXPECT_EQ(key_of("admin"), "Gcv8c2tH8qZrUYnKdEEdTtASsxivic2834MQW6mgxqto");
    EXPECT_EQ(key_of("foundation"), "Gcv8c2tH8qZrUYnKdEEdTtASsxivic2834MQW6mgxqto");
    EXPECT_EQ(key_of("producer000"), "6sNQa7PV2SFzqCBtQUcQYJGGoU7XaB6R4xuCQVXNZe6b");
    ASSERT_EQ(g->validators.size(), 8u);
    EXPECT_EQ(g->validators[0].account, "producer000");
    EXPECT_EQ(core::PublicKeyToText(g->validators[0].consensus_key),
              "6sNQa7PV2SFzqCBtQUcQYJGGoU7XaB6R4xuCQVXNZe6b");
    EXPECT_EQ(g->validators[7].account, "producer007");
    EXPECT_EQ(m->accounts[0].name, "admin");
    EXPECT_EQ(
        m->accounts[0].secret_key,
        "2yquS3ySrGWPEKywCPzX4RTJugqRh7kJSo5aehsLYPEWkUxBWA39oMrZ7ZxuM4fgyXYs2cPwh5n8aNNpH5x2VyK1");
    // Everything the 8 validators, 2 users and foundation do not hold.
    EXPECT_EQ(m->accounts[0].balance,
              std::to_string(21'000'000'000 - 8 * kValidatorAllocation - 2 * kUserAllocation -
                             kFoundationGasPledge - kAdminGasPledge));
    EXPECT_EQ(m->accounts[1].name, "foundation");
    EXPECT_EQ(m->accounts[1].balance, "0");
    const std::string keys0 = ReadAll(fs::path(m->nodes[0].config).parent_path() / "keys.yml");
    EXPECT_NE(keys0.find("1rANSfcRzr4HkhbUFZ7L1Zp69JZZHiDDq5v7dNSbbEqeU4jxy3fszV4HGiaLQEyqVpS1dKT9g"
                         "7zCVRxBVzuiUzB"),
              std::string::npos);
    // --chain-id overrides; a resumed devnet keeps both settings.
    o.chain_id = 1024;
    EXPECT_EQ(ShapeFromOptions(o)->chain_id, 1024u);
    DevnetOptions other;
    other.iost_genesis = false;
    EXPECT_NE(ResumeShape(m->shape, other).error().message.find("--iost-genesis"),
              std::string::npos);
    auto saved = ManifestToJson(*m);
    auto back = ParseManifest(saved, "devnet.json");
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_TRUE(back->shape.iost_genesis);
    EXPECT_EQ(back->shape.chain_id, 1024u);
    fs::remove_all(dir);
}

TEST(DevnetLayout, FallbackPutsEveryValidatorInOneLeague) {
    NetworkShape s;
    s.fallback = true;
    std::vector<std::pair<std::string, wallet::KeyText>> vals;
    for (uint32_t i = 0; i < 8; ++i) vals.emplace_back(ValidatorName(i), NewKey());
    std::vector<AccountEntry> accounts;
    AccountEntry admin;
    admin.name = "admin";
    admin.public_key = NewKey().pubkey;
    admin.gas_pledge = "1000000";
    accounts.push_back(admin);
    auto g =
        core::ParseGenesisYaml(GenesisYaml(s, vals, accounts, 1'700'000'000'000'000'000), "test");
    ASSERT_TRUE(g.ok()) << g.error().message;
    // Fewer than B+4 eligible → chain fallback, and N covers all of them.
    EXPECT_LT(g->validators.size(), g->pob.believable_size + 4);
    EXPECT_EQ(g->pob.normal_size, 8u);
}

TEST(DevnetLayout, RolesFromGroupsNeedsExactlyOurValidators) {
    Manifest m = SampleManifest();  // 1 believable + 4 normal + 1 observer
    EXPECT_TRUE(RolesFromGroups({"node3"}, {"node0", "node1", "node2", "node4"}, &m));
    EXPECT_EQ(m.nodes[3].role, Role::kBelievable);
    EXPECT_EQ(m.nodes[0].role, Role::kNormal);
    EXPECT_EQ(m.nodes[5].role, Role::kObserver);
    // Groups that do not name exactly our validators change nothing.
    EXPECT_FALSE(RolesFromGroups({"node0"}, {"node1"}, &m));
    EXPECT_FALSE(RolesFromGroups({"node3"}, {"node0", "node1", "node2", "zzzzz"}, &m));
    EXPECT_FALSE(RolesFromGroups({"node3"}, {"node3", "node1", "node2", "node4"}, &m))
        << "a name twice";
    EXPECT_EQ(m.nodes[3].role, Role::kBelievable);
    EXPECT_EQ(m.nodes[0].role, Role::kNormal);
}

TEST(DevnetProcess, SpawnRedirectsAndReportsExecFailure) {
    const fs::path dir = fs::temp_directory_path() / ("devnet_spawn_" + std::to_string(::getpid()));
    fs::create_directories(dir);
    const std::string out = (dir / "out.log").string();
    auto pid = Spawn({"/bin/sh", "-c", "echo hello; echo err >&2; pwd"}, out, dir.string());
    ASSERT_TRUE(pid.ok()) << pid.error().message;
    std::optional<std::string> how;
    for (int i = 0; i < 200 && !how; ++i) {
        how = ReapIfExited(*pid);
        if (!how) ::usleep(10'000);
    }
    ASSERT_TRUE(how.has_value());
    EXPECT_EQ(*how, "exit code 0");
    const std::string text = ReadAll(out);
    EXPECT_NE(text.find("hello"), std::string::npos);
    EXPECT_NE(text.find("err"), std::string::npos);
    EXPECT_NE(text.find(dir.string()), std::string::npos) << "runs in the work dir";

    auto bad = Spawn({(dir / "nope").string()}, out, "");
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.error().message.find("nope"), std::string::npos);

    auto sleeper = Spawn({"/bin/sleep", "30"}, out, "");
    ASSERT_TRUE(sleeper.ok());
    EXPECT_TRUE(IsOurProcess(*sleeper, {"sleep", "30"}));
    EXPECT_FALSE(IsOurProcess(*sleeper, {"iserver"}))
        << "a reused pid of another program is not ours";
    EXPECT_TRUE(TerminateAll({*sleeper}, std::chrono::milliseconds(2000)).empty())
        << "sleep obeys SIGTERM";
    EXPECT_FALSE(IsOurProcess(*sleeper, {"sleep"}));
    fs::remove_all(dir);
}

// --node-env: extra variables reach the child (replacing one of ours of the
// same name), the launcher's own environment is unchanged, and a malformed
// entry is refused before anything starts.
TEST(DevnetProcess, SpawnAddsEnvironmentForOneChild) {
    const fs::path dir = fs::temp_directory_path() / ("devnet_env_" + std::to_string(::getpid()));
    fs::create_directories(dir);
    const std::string out = (dir / "out.log").string();
    ::setenv("IOST_DEVNET_ENV_TEST", "launcher", 1);
    auto pid = Spawn({"/bin/sh", "-c", "echo A=$IOST_DEVNET_ENV_TEST B=$IOST_DEVNET_ENV_EXTRA"},
                     out, "", {"IOST_DEVNET_ENV_TEST=child", "IOST_DEVNET_ENV_EXTRA=x=y"});
    ASSERT_TRUE(pid.ok()) << pid.error().message;
    std::optional<std::string> how;
    for (int i = 0; i < 200 && !how; ++i) {
        how = ReapIfExited(*pid);
        if (!how) ::usleep(10'000);
    }
    ASSERT_TRUE(how.has_value());
    EXPECT_NE(ReadAll(out).find("A=child B=x=y"), std::string::npos) << ReadAll(out);
    EXPECT_STREQ(::getenv("IOST_DEVNET_ENV_TEST"), "launcher");
    ::unsetenv("IOST_DEVNET_ENV_TEST");
    for (const char* bad : {"NOEQUALS", "=value"}) {
        auto r = Spawn({"/bin/true"}, out, "", {bad});
        ASSERT_FALSE(r.ok()) << bad;
        EXPECT_NE(r.error().message.find("KEY=VALUE"), std::string::npos) << r.error().message;
    }
    fs::remove_all(dir);
}

TEST(DevnetProcess, PortCheckSeesABoundPort) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_GE(fd, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = 0;
    ::inet_pton(AF_INET, "127.10.201.1", &a.sin_addr);
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    ASSERT_EQ(::listen(fd, 1), 0);
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    const uint16_t port = ntohs(a.sin_port);
    auto st = CheckTcpFree("127.10.201.1", port);
    EXPECT_FALSE(st.ok());
    ::close(fd);
    EXPECT_TRUE(CheckTcpFree("127.10.201.1", port).ok());
    EXPECT_FALSE(CheckTcpFree("not-an-ip", port).ok());
}

}  // namespace
}  // namespace iost::devnet
