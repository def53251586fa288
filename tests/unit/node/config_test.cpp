#include <gtest/gtest.h>
#include <node/config.h>
#include <util/bytes.h>

#include <fstream>

#include "node_test_util.h"

namespace iost::node {
namespace {

TEST(NodeConfig, EmptyFileGivesDefaults) {
    auto c = ParseNodeConfig("", "t.yml", "");
    ASSERT_TRUE(c.ok()) << c.error().message;
    EXPECT_EQ(c->p2p_listen.port, kDefaultP2pPort);
    EXPECT_EQ(c->http_listen.port, kDefaultHttpPort);
    EXPECT_EQ(c->p2p_listen.host, "0.0.0.0");
    EXPECT_TRUE(c->seeds.empty());
    EXPECT_EQ(c->log_level, "info");
    EXPECT_TRUE(c->storage_sync);
    EXPECT_EQ(c->state_cache_mb, 64u);
}

TEST(NodeConfig, FullFileParsesAndResolvesPaths) {
    const char* yml = R"(
data_dir: data/n0
genesis_file: ../genesis.yml
keys_file: /abs/keys.yml
verify_threads: 3
log: {level: debug, file: n0.log}
p2p:
  listen: 127.0.0.1:31000
  seeds: ["127.0.0.1:31001", "[::1]:31002"]
  max_inbound: 10
  max_inbound_per_ip: 3
  max_outbound: 5
  relay_gossip: true
http: {enabled: false, listen: "127.0.0.1:31010", threads: 4, max_connections: 64,
       max_connections_per_ip: 0}
consensus: {view_timeout_ms: 1500, silent_after_ms: 2500, max_clock_drift_ms: 750,
            max_txs_per_micro: 100, max_direct_txs: 300}
mempool: {max_txs: 1000, max_bytes: 1000000, max_per_publisher: 10}
storage: {sync: false, state_cache_mb: 8}
)";
    auto c = ParseNodeConfig(yml, "t.yml", "/base/dir");
    ASSERT_TRUE(c.ok()) << c.error().message;
    EXPECT_EQ(c->data_dir, "/base/dir/data/n0");
    EXPECT_EQ(c->genesis_file, "/base/genesis.yml");
    EXPECT_EQ(c->keys_file, "/abs/keys.yml");
    EXPECT_EQ(c->log_file, "/base/dir/n0.log");
    EXPECT_EQ(c->verify_threads, 3);
    EXPECT_EQ(c->log_level, "debug");
    EXPECT_EQ(c->p2p_listen, (HostPort{"127.0.0.1", 31000}));
    ASSERT_EQ(c->seeds.size(), 2u);
    EXPECT_EQ(c->seeds[1], (HostPort{"::1", 31002}));
    EXPECT_EQ(c->max_inbound, 10u);
    EXPECT_TRUE(c->relay_gossip);
    EXPECT_FALSE(c->http_enabled);
    EXPECT_EQ(c->http_threads, 4);
    EXPECT_EQ(c->max_inbound_per_ip, 3u);
    EXPECT_EQ(c->http_max_connections, 64u);
    EXPECT_EQ(c->http_max_connections_per_ip, 0u);
    EXPECT_EQ(c->view_timeout_ms, 1500);
    EXPECT_EQ(c->max_clock_drift_ms, 750);
    EXPECT_EQ(c->max_txs_per_micro, 100u);
    EXPECT_EQ(c->mempool_max_per_publisher, 10u);
    EXPECT_FALSE(c->storage_sync);
    EXPECT_EQ(c->state_cache_mb, 8u);
}

void ExpectError(const std::string& yml, const std::string& fragment) {
    auto c = ParseNodeConfig(yml, "t.yml", "");
    ASSERT_FALSE(c.ok()) << "accepted: " << yml;
    EXPECT_NE(c.error().message.find(fragment), std::string::npos)
        << "message '" << c.error().message << "' lacks '" << fragment << "'";
    EXPECT_NE(c.error().message.find("t.yml"), std::string::npos) << c.error().message;
}

TEST(NodeConfig, UnknownKeysAreErrors) {
    ExpectError("data_dri: x\n", "data_dri: unknown key");
    ExpectError("p2p: {listn: \"1.2.3.4:1\"}\n", "p2p.listn: unknown key");
    ExpectError("log: {levle: info}\n", "log.levle: unknown key");
    ExpectError("mempool: {max_tx: 5}\n", "mempool.max_tx");
    ExpectError("storage: {state_cache_mb: 70000}\n", "storage.state_cache_mb");
    ExpectError("storage: {state_cache_mb: -1}\n", "storage.state_cache_mb");
}

TEST(NodeConfig, BadValuesNameTheKey) {
    ExpectError("p2p: {listen: \"1.2.3.4\"}\n", "p2p.listen");
    ExpectError("p2p: {listen: \"1.2.3.4:70000\"}\n", "p2p.listen");
    ExpectError("p2p: {seeds: [\"1.2.3.4:0\"]}\n", "p2p.seeds[0]");
    ExpectError("p2p: {seeds: \"1.2.3.4:1\"}\n", "p2p.seeds");
    ExpectError("http: {threads: 0}\n", "http.threads");
    ExpectError("http: {max_connections: 0}\n", "http.max_connections");
    ExpectError("http: {max_connections_per_ip: -1}\n", "http.max_connections_per_ip");
    ExpectError("p2p: {max_inbound_per_ip: x}\n", "p2p.max_inbound_per_ip");
    ExpectError("http: {enabled: maybe}\n", "http.enabled");
    ExpectError("log: {level: loud}\n", "log.level");
    ExpectError("verify_threads: many\n", "verify_threads");
    ExpectError("consensus: {view_timeout_ms: -5}\n", "consensus.view_timeout_ms");
    ExpectError("consensus: {max_clock_drift_ms: 0}\n", "consensus.max_clock_drift_ms");
    ExpectError("mempool: {max_txs: 10, max_per_publisher: 11}\n", "mempool.max_per_publisher");
    ExpectError("p2p: [1, 2]\n", "p2p: must be a mapping");
    ExpectError("data_dir: [a]\n", "data_dir: must be a scalar");
    ExpectError("p2p: {listen: \"127.0.0.1:5\"}\nhttp: {listen: \"127.0.0.1:5\"}\n", "http.listen");
    ExpectError("a: [unclosed\n", "not valid YAML");
}

TEST(NodeConfig, LoadFileErrors) {
    auto missing = LoadNodeConfig("/nonexistent/iserver.yml");
    ASSERT_FALSE(missing.ok());
    EXPECT_NE(missing.error().message.find("cannot be read"), std::string::npos);
    testing::TempDir dir;
    const std::string path = dir.str() + "/iserver.yml";
    std::ofstream(path) << "data_dir: d\n";
    auto ok = LoadNodeConfig(path);
    ASSERT_TRUE(ok.ok()) << ok.error().message;
    EXPECT_EQ(ok->data_dir, dir.str() + "/d");
}

TEST(NodeKeysFile, RoundTripAndValidation) {
    NodeKeys k = testing::ValidatorKeys(3);
    auto back = ParseKeysYaml(KeysToYaml(k), "keys.yml");
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(back->validator, k.validator);
    EXPECT_EQ(back->key.public_key(), k.key.public_key());

    // A 32-byte seed is accepted too and gives the same key.
    util::Bytes seed(k.key.SecretBytes().begin(), k.key.SecretBytes().begin() + 32);
    auto from_seed = ParseKeysYaml("secret_key: " + util::Base58Encode(seed) + "\n", "keys.yml");
    ASSERT_TRUE(from_seed.ok()) << from_seed.error().message;
    EXPECT_FALSE(from_seed->validator.has_value());
    EXPECT_EQ(from_seed->key.public_key(), k.key.public_key());

    for (const auto& [yml, frag] : std::vector<std::pair<std::string, std::string>>{
             {"validator: node1\n", "secret_key: missing"},
             {"secret_key: 0OIl\n", "not base58"},
             {"secret_key: " + util::Base58Encode(util::Bytes(20, 1)) + "\n", "20 bytes"},
             {"validator: A!\nsecret_key: x\n", "not an account name"},
             {"validator: node1\nsecret: x\n", "secret: unknown key"},
         }) {
        auto r = ParseKeysYaml(yml, "keys.yml");
        ASSERT_FALSE(r.ok()) << yml;
        EXPECT_NE(r.error().message.find(frag), std::string::npos) << r.error().message;
    }
    // seed‖pub whose pub half does not match the seed.
    util::Bytes bad = k.key.SecretBytes();
    bad[40] ^= 1;
    EXPECT_FALSE(ParseKeysYaml("secret_key: " + util::Base58Encode(bad) + "\n", "keys.yml").ok());
}

TEST(HostPortParse, Forms) {
    EXPECT_EQ(ParseHostPort("1.2.3.4:5", false).value(), (HostPort{"1.2.3.4", 5}));
    EXPECT_EQ(ParseHostPort("[::1]:5", false).value(), (HostPort{"::1", 5}));
    EXPECT_TRUE(ParseHostPort("0.0.0.0:0", true).ok());
    EXPECT_FALSE(ParseHostPort("0.0.0.0:0", false).ok());
    EXPECT_FALSE(ParseHostPort(":5", false).ok());
    EXPECT_FALSE(ParseHostPort("[::1]5", false).ok());
    EXPECT_FALSE(ParseHostPort("host:port", false).ok());
}

}  // namespace
}  // namespace iost::node

namespace iost::node {
namespace {

// docs/state.md "Pruning": archive by default; a window below what a
// restart reads is refused with the minimum named.
TEST(NodeConfig, PruneKeepBlocks) {
    auto d = ParseNodeConfig("", "t.yml", "");
    ASSERT_TRUE(d.ok()) << d.error().message;
    EXPECT_EQ(d->prune_keep_blocks, 0u);
    auto c = ParseNodeConfig("prune:\n  keep_blocks: 5000\n", "t.yml", "");
    ASSERT_TRUE(c.ok()) << c.error().message;
    EXPECT_EQ(c->prune_keep_blocks, 5000u);
    auto small = ParseNodeConfig("prune:\n  keep_blocks: 100\n", "t.yml", "");
    ASSERT_FALSE(small.ok());
    EXPECT_NE(small.error().message.find("prune.keep_blocks"), std::string::npos)
        << small.error().message;
    EXPECT_NE(small.error().message.find("1024"), std::string::npos) << small.error().message;
    auto typo = ParseNodeConfig("prune:\n  keep: 5000\n", "t.yml", "");
    EXPECT_FALSE(typo.ok());
}

TEST(NodeConfig, StateSyncAndSnapshots) {
    auto d = ParseNodeConfig("", "t.yml", "");
    ASSERT_TRUE(d.ok()) << d.error().message;
    EXPECT_FALSE(d->sync_snapshot);
    EXPECT_EQ(d->sync_snapshot_peers, 2u);
    EXPECT_EQ(d->snapshot_interval, 1000u);
    EXPECT_EQ(d->snapshot_keep, 2u);
    auto c = ParseNodeConfig(
        "sync:\n  mode: snapshot\n  snapshot_peers: 3\n  snapshot_timeout_s: 60\n"
        "snapshot:\n  interval: 50\n  keep: 4\n",
        "t.yml", "");
    ASSERT_TRUE(c.ok()) << c.error().message;
    EXPECT_TRUE(c->sync_snapshot);
    EXPECT_EQ(c->sync_snapshot_peers, 3u);
    EXPECT_EQ(c->sync_snapshot_timeout_s, 60);
    EXPECT_EQ(c->snapshot_interval, 50u);
    EXPECT_EQ(c->snapshot_keep, 4u);
    auto bad = ParseNodeConfig("sync:\n  mode: fast\n", "t.yml", "");
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.error().message.find("sync.mode"), std::string::npos) << bad.error().message;
    EXPECT_FALSE(ParseNodeConfig("sync:\n  snapshot_peers: 0\n", "t.yml", "").ok());
    EXPECT_FALSE(ParseNodeConfig("snapshot:\n  keep: 0\n", "t.yml", "").ok());
    EXPECT_FALSE(ParseNodeConfig("snapshot:\n  every: 5\n", "t.yml", "").ok());
}

// The lying-peer hook of the functional state-sync test is refused unless
// the node listens on loopback only.
TEST(NodeConfig, TestOnlyCorruptPiecesOnlyOnLoopback) {
    auto lo = ParseNodeConfig(
        "p2p: {listen: 127.0.3.5:30000}\nsnapshot: {interval: 20, test_only_corrupt_pieces: "
        "true}\n",
        "t.yml", "");
    ASSERT_TRUE(lo.ok()) << lo.error().message;
    EXPECT_TRUE(lo->test_only_corrupt_snapshot_pieces);
    auto off = ParseNodeConfig("snapshot: {interval: 20}\n", "t.yml", "");
    ASSERT_TRUE(off.ok());
    EXPECT_FALSE(off->test_only_corrupt_snapshot_pieces);
    for (const char* host : {"0.0.0.0", "10.0.0.7", "128.0.0.1"}) {
        auto bad = ParseNodeConfig(std::string("p2p: {listen: '") + host +
                                       ":30000'}\nsnapshot: {test_only_corrupt_pieces: true}\n",
                                   "t.yml", "");
        ASSERT_FALSE(bad.ok()) << host;
        EXPECT_NE(bad.error().message.find("loopback"), std::string::npos) << bad.error().message;
    }
}

}  // namespace
}  // namespace iost::node
