// iserver: the IOST PoB node (docs/node.md). `iserver -f iserver.yml`.
// Exit codes: 0 clean shutdown (SIGINT/SIGTERM), 1 start-up failure (data
// dir, ports, genesis...), 2 bad command line or config file, 3 the node
// halted on a storage error while running (restart it: it resumes from disk).
#include <crypto/keys.h>
#include <node/config.h>
#include <node/node.h>
#include <pthread.h>
#include <rpc/api.h>
#include <rpc/grpc_server.h>
#include <rpc/http_server.h>
#include <sys/resource.h>
#include <util/bytes.h>
#include <util/log.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <string>

namespace {

constexpr const char* kVersion = "iserver 0.1.0 (iost-pob)";

std::atomic<bool> g_fatal{false};
std::mutex g_fatal_mu;
std::string g_fatal_why;

// Every connection (P2P, HTTP, gRPC) and RocksDB's files take a descriptor;
// the soft limit is often 1,024 while the hard one is far higher. Raising it
// (as Go's runtime does for go-iost) lets the connection caps, not EMFILE,
// decide who is refused. Accept failures are survived either way.
void RaiseFileLimit(const iost::util::Logger& log) {
    rlimit rl{};
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return;
    const rlim_t want = rl.rlim_max == RLIM_INFINITY ? 65536 : std::min<rlim_t>(rl.rlim_max, 65536);
    if (rl.rlim_cur >= want) return;
    const rlim_t before = rl.rlim_cur;
    rl.rlim_cur = want;
    if (setrlimit(RLIMIT_NOFILE, &rl) == 0) {
        log.Info("file descriptor limit raised from {} to {}", before, want);
    } else {
        log.Warn("file descriptor limit stays at {} (cannot raise it)", before);
    }
}

}  // namespace

int main(int argc, char** argv) {
    using namespace iost;
    // Block the stop signals in every thread (threads inherit the mask); the
    // main thread collects them with sigtimedwait, so no handler runs in an
    // arbitrary thread and shutdown happens in order.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
    std::signal(SIGPIPE, SIG_IGN);

    CLI::App app{"iserver: an IOST node with Proof of Believability"};
    std::string config_path;
    bool version = false;
    app.add_option("-f,--config", config_path,
                   "node config file (YAML, see config/iserver.example.yml)");
    app.add_flag("--version", version, "print the version and exit");
    std::string gen_key, gen_validator, gen_seed;
    app.add_option("--gen-key", gen_key,
                   "write a new keys file to this path, print its public key (base58) and exit");
    app.add_option("--validator", gen_validator,
                   "with --gen-key: the validator account the key belongs to");
    app.add_option(
        "--seed", gen_seed,
        "with --gen-key: derive the key from this phrase (devnets and tests only, not secret)");
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e) == 0 ? 0 : 2;
    }
    if (version) {
        std::printf("%s\n", kVersion);
        return 0;
    }
    if (!gen_key.empty()) {
        node::NodeKeys k;
        if (!gen_validator.empty()) k.validator = gen_validator;
        k.key = gen_seed.empty() ? crypto::KeyPair::Generate(crypto::Algorithm::kEd25519)
                                 : crypto::KeyPair::FromSeed(crypto::Algorithm::kEd25519, gen_seed);
        const std::string text = node::KeysToYaml(k);
        if (auto check = node::ParseKeysYaml(text, gen_key); !check) {
            std::fprintf(stderr, "iserver: --gen-key: %s\n", check.error().message.c_str());
            return 2;
        }
        std::FILE* f = std::fopen(gen_key.c_str(), "wx");
        if (!f) {
            std::fprintf(stderr, "iserver: --gen-key: cannot create %s (it must not exist yet)\n",
                         gen_key.c_str());
            return 1;
        }
        std::fputs(text.c_str(), f);
        std::fclose(f);
        std::printf("%s\n", util::Base58Encode(k.key.public_key().bytes).c_str());
        return 0;
    }
    if (config_path.empty()) {
        std::fprintf(stderr,
                     "iserver: missing -f <config file> (see config/iserver.example.yml)\n");
        return 2;
    }
    auto cfg = node::LoadNodeConfig(config_path);
    if (!cfg) {
        std::fprintf(stderr, "iserver: config error: %s\n", cfg.error().message.c_str());
        return 2;
    }
    util::LogLevel level = util::LogLevel::kInfo;
    (void)util::ParseLogLevel(cfg->log_level, &level);
    util::Logger log = cfg->log_file.empty() ? util::Logger::Stderr("iserver", level)
                                             : util::Logger::File(cfg->log_file, "iserver", level);

    RaiseFileLimit(log);
    auto node = node::Node::Create(*cfg, log);
    if (!node) {
        std::fprintf(stderr, "iserver: cannot start: %s\n", node.error().message.c_str());
        log.Error("cannot start: {}", node.error().message);
        return 1;
    }
    (*node)->SetFatalHandler([](const std::string& why) {
        {
            std::lock_guard lk(g_fatal_mu);
            g_fatal_why = why;
        }
        g_fatal = true;
    });
    if (auto st = (*node)->Start(); !st) {
        std::fprintf(stderr, "iserver: cannot start: %s\n", st.error().message.c_str());
        log.Error("cannot start: {}", st.error().message);
        return 1;
    }
    // One API table, served over HTTP and gRPC.
    std::shared_ptr<rpc::ApiContext> api = rpc::BuildApi(**node);
    std::unique_ptr<rpc::HttpServer> http;
    if (cfg->http_enabled) {
        rpc::HttpServerOptions ho;
        ho.address = cfg->http_listen.host;
        ho.port = cfg->http_listen.port;
        ho.threads = cfg->http_threads;
        ho.max_connections = cfg->http_max_connections;
        ho.max_connections_per_ip = cfg->http_max_connections_per_ip;
        ho.logger = log.WithCategory("rpc");
        http = std::make_unique<rpc::HttpServer>(ho);
        rpc::MountApi(*http, api);
        if (auto st = http->Start(); !st) {
            std::fprintf(stderr, "iserver: http.listen %s: %s\n",
                         cfg->http_listen.ToString().c_str(), st.error().message.c_str());
            (*node)->Stop();
            return 1;
        }
        log.Info("HTTP API on {}:{}", cfg->http_listen.host, http->port());
    }
    std::unique_ptr<rpc::GrpcServer> grpc;
    if (cfg->grpc_enabled) {
        rpc::GrpcServerOptions go;
        go.address = cfg->grpc_listen.host;
        go.port = cfg->grpc_listen.port;
        go.logger = log.WithCategory("rpc");
        grpc = std::make_unique<rpc::GrpcServer>(go, api);
        if (auto st = grpc->Start(); !st) {
            std::fprintf(stderr, "iserver: grpc.listen %s: %s\n",
                         cfg->grpc_listen.ToString().c_str(), st.error().message.c_str());
            if (http) http->Stop();
            (*node)->Stop();
            return 1;
        }
        log.Info("gRPC API on {}:{}", cfg->grpc_listen.host, grpc->port());
    }

    int code = 0;
    for (;;) {
        timespec ts{0, 200'000'000};
        const int sig = sigtimedwait(&stop_signals, nullptr, &ts);
        if (sig == SIGINT || sig == SIGTERM) {
            log.Info("signal {}: shutting down", sig);
            break;
        }
        if (g_fatal.load()) {
            std::lock_guard lk(g_fatal_mu);
            log.Error("node halted: {}; stopping (restart to resume from the data dir)",
                      g_fatal_why);
            std::fprintf(stderr, "iserver: halted: %s\n", g_fatal_why.c_str());
            code = 3;
            break;
        }
    }
    if (grpc) grpc->Stop();
    if (http) http->Stop();
    (*node)->Stop();
    log.Info("stopped");
    return code;
}
