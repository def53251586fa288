// iost-devnet: a local PoB network of real iserver processes (docs/devnet.md,
// `make devnet`). Thin main over src/devnet.
//
//   iost-devnet run    --dir DIR [options]  start or resume, live status until Ctrl-C / SIGTERM,
//                                           then stop the nodes this run started
//   iost-devnet start  --dir DIR [options]  start detached; 0 once every node serves with height >=
//   1 iost-devnet stop   --dir DIR            SIGTERM every node, SIGKILL after 10 s iost-devnet
//   status --dir DIR [--json]   heights, hashes, peers per node
//
// Exit codes: 0 ok; 1 the network failed (a node did not start, timeout,
// status found nodes down); 2 bad command line or options.
#include <devnet/devnet.h>
#include <devnet/process.h>
#include <devnet/status.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

namespace {

using namespace iost;

// The stop signals are blocked in every thread and collected with
// sigtimedwait (as iserver does), so a Ctrl-C during start-up is seen too.
sigset_t g_stop_signals;
bool g_stop_requested = false;

bool StopRequested(int wait_ms) {
    if (g_stop_requested) return true;
    timespec ts{wait_ms / 1000, static_cast<long>(wait_ms % 1000) * 1'000'000L};
    const int sig = sigtimedwait(&g_stop_signals, nullptr, &ts);
    if (sig == SIGINT || sig == SIGTERM || sig == SIGHUP) g_stop_requested = true;
    return g_stop_requested;
}

void Print(const std::string& line) {
    std::printf("iost-devnet: %s\n", line.c_str());
    std::fflush(stdout);
}

std::string SelfDir() {
    std::error_code ec;
    const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    return ec ? std::string(".") : exe.parent_path().string();
}

void PrintEndpoints(const devnet::Manifest& m) {
    std::printf("\n  devnet %s  (chain id %u, %s)\n", m.dir.c_str(), m.chain_id,
                m.shape.fallback ? "PBFT fallback: one league" : "PoB");
    std::printf("  %-8s %-10s %-22s %-28s %s\n", "node", "role", "p2p", "http", "pid");
    for (const auto& n : m.nodes) {
        std::printf("  %-8s %-10s %-22s %-28s %d\n", n.name.c_str(), devnet::RoleName(n.role),
                    n.p2p.c_str(), n.http.c_str(), n.pid);
    }
    std::printf("  accounts (keys in %s/devnet.json):", m.dir.c_str());
    for (size_t i = 0; i < m.accounts.size() && i < 6; ++i)
        std::printf(" %s", m.accounts[i].name.c_str());
    if (m.accounts.size() > 6) std::printf(" ... (%zu)", m.accounts.size());
    std::printf("\n  logs: %s/<node>/iserver.log\n\n", m.dir.c_str());
    std::fflush(stdout);
}

size_t TerminalWidth() {
    winsize w{};
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &w) == 0 && w.ws_col > 10) return w.ws_col;
    return 120;
}

int Run(const devnet::DevnetOptions& o) {
    auto rep = devnet::StartDevnet(o, nullptr, Print, [] { return StopRequested(0); });
    if (!rep) {
        std::fprintf(stderr, "iost-devnet: %s\n", rep.error().message.c_str());
        return 1;
    }
    devnet::Manifest& m = rep->manifest;
    PrintEndpoints(m);
    std::vector<std::string> ours;
    for (const auto& n : m.nodes) {
        if (std::find(rep->started.begin(), rep->started.end(), n.pid) != rep->started.end())
            ours.push_back(n.name);
    }
    if (rep->already_running > 0) {
        Print(
            std::to_string(rep->already_running) +
            " node(s) were already running (from `iost-devnet start`); Ctrl-C leaves them running, "
            "`iost-devnet stop --dir " +
            m.dir + "` stops them");
    }
    const bool tty = isatty(STDOUT_FILENO);
    Print(tty ? "live status (Ctrl-C stops the nodes this run started):"
              : "status every 5 s (SIGINT/SIGTERM stops the nodes this run started):");
    devnet::StatusPoller poller(m);
    std::vector<int> live = rep->started;
    int tick = 0;
    int code = 0;
    bool all_clean = true;  // every exit so far was a clean stop (exit code 0)
    while (!StopRequested(tty ? 1000 : 1000)) {
        // Children that died: say so once, keep watching the rest.
        for (auto it = live.begin(); it != live.end();) {
            if (auto how = devnet::ReapIfExited(*it)) {
                std::string name;
                for (const auto& n : m.nodes) {
                    if (n.pid == *it) name = n.name;
                }
                std::printf("%snode %s (pid %d) exited: %s\n", tty ? "\r\033[K" : "", name.c_str(),
                            *it, how->c_str());
                all_clean = all_clean && *how == "exit code 0";
                it = live.erase(it);
            } else {
                ++it;
            }
        }
        if (live.empty() && !rep->started.empty()) {
            // All stopped cleanly: someone ran `iost-devnet stop`; else they failed.
            Print(all_clean ? "every node this run started was stopped; exiting"
                            : "every node this run started has exited; exiting");
            code = all_clean ? 0 : 1;
            break;
        }
        const devnet::NetworkStatus s = poller.Poll();
        std::string line = devnet::StatusLine(s);
        if (tty) {
            const size_t w = TerminalWidth() - 1;
            if (line.size() > w) line.resize(w);
            std::printf("\r\033[K%s", line.c_str());
            std::fflush(stdout);
        } else if (tick % 5 == 0) {
            std::printf("%s\n", line.c_str());
            std::fflush(stdout);
        }
        ++tick;
    }
    if (tty) std::printf("\n");
    // Reload: another launcher may have recorded newer pids meanwhile.
    auto fresh = devnet::LoadManifest(devnet::ManifestPath(m.dir));
    devnet::Manifest& target = fresh ? *fresh : m;
    size_t running = 0;
    for (const auto& n : target.nodes) {
        if (std::find(ours.begin(), ours.end(), n.name) != ours.end() && devnet::NodeRunning(n))
            ++running;
    }
    if (running > 0) {
        Print("stopping " + std::to_string(running) + " node(s)...");
        if (auto st = devnet::StopNodes(target, ours, std::chrono::seconds(10), Print); !st) {
            std::fprintf(stderr, "iost-devnet: %s\n", st.error().message.c_str());
            return 1;
        }
    }
    return code;
}

int Start(const devnet::DevnetOptions& o) {
    auto rep = devnet::StartDevnet(o, nullptr, Print, [] { return StopRequested(0); });
    if (!rep) {
        std::fprintf(stderr, "iost-devnet: %s\n", rep.error().message.c_str());
        return 1;
    }
    PrintEndpoints(rep->manifest);
    Print("ready; `iost-devnet status --dir " + rep->manifest.dir +
          "` shows it, `iost-devnet stop --dir " + rep->manifest.dir + "` stops it");
    return 0;
}

int Status(const std::string& dir, bool as_json) {
    auto m = devnet::LoadManifest(devnet::ManifestPath(devnet::NormalDir(dir).string()));
    if (!m) {
        std::fprintf(stderr, "iost-devnet: %s\n", m.error().message.c_str());
        return 1;
    }
    devnet::StatusPoller poller(*m);
    const devnet::NetworkStatus s = poller.Poll();
    const std::string text = as_json ? devnet::StatusJson(*m, s) : devnet::StatusTable(*m, s);
    std::fputs(text.c_str(), stdout);
    return s.up == m->nodes.size() ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    sigemptyset(&g_stop_signals);
    sigaddset(&g_stop_signals, SIGINT);
    sigaddset(&g_stop_signals, SIGTERM);
    sigaddset(&g_stop_signals, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &g_stop_signals, nullptr);
    std::signal(SIGPIPE, SIG_IGN);

    CLI::App app{"iost-devnet: a local PoB network of iserver processes (docs/devnet.md)"};
    app.require_subcommand(1);
    devnet::DevnetOptions o;
    o.bin_dir = SelfDir();
    bool as_json = false;

    uint32_t believable = 0, normal = 0, observers = 0, accounts = 0, micro = 0, final_ms = 0;
    uint64_t epoch = 0, snapshot_interval = 0;
    uint16_t p2p_port = 0, http_port = 0, grpc_port = 0;
    std::string sampling, host;
    bool fallback = false, iost_genesis = false;
    uint32_t chain_id = 0;
    std::vector<std::string> node_env;
    auto add_network_options = [&](CLI::App* c) {
        c->add_option("--dir", o.dir, "the devnet directory (created if missing)")->required();
        c->add_option("--believable", believable, "believable validators (default 4)");
        c->add_option("--normal", normal, "normal validators (default 4; PoB needs >= 4)");
        c->add_option("--observers", observers, "non-validator nodes (default 0)");
        c->add_option("--sampling", sampling, "sampling probability p in (0, 1] (default 0.1)");
        c->add_flag("--fallback", fallback, "one-league PBFT: every validator in one group");
        c->add_option("--host", host, "IPv4 of node 0; node i binds host+i (default 127.0.0.1)");
        c->add_option("--p2p-port", p2p_port, "P2P port on every node (default 30000)");
        c->add_option("--http-port", http_port, "HTTP port on every node (default 30001)");
        c->add_option("--grpc-port", grpc_port, "gRPC port on every node (default 30002)");
        c->add_option("--accounts", accounts,
                      "funded accounts user1..userN besides admin (default 4)");
        c->add_option("--micro-interval-ms", micro,
                      "least spacing of one producer's MicroBlocks (default 20)");
        c->add_option("--final-interval-ms", final_ms, "FinalBlock interval (default 300)");
        c->add_option("--epoch-length", epoch, "final blocks per epoch (default 1000)");
        c->add_option("--snapshot-interval", snapshot_interval,
                      "every node writes a state snapshot every N final blocks, for state "
                      "sync (default 1000; 0 = none)");
        c->add_flag("--iost-genesis", iost_genesis,
                    "IOST's local-node genesis: admin with go-iost's published dev key, "
                    "producer000..., chain id 1024 (docs/devnet.md)");
        c->add_option("--chain-id", chain_id,
                      "chain id (default 1024, as go-iost's config/iserver.yml and the SDK)");
        c->add_flag("--reset", o.reset, "delete the devnet's chain, keys and genesis first");
        c->add_option("--bin", o.bin_dir,
                      "directory holding iserver (default: this program's directory)");
        c->add_option("--timeout", o.start_timeout_s,
                      "seconds to wait for every node (default 90)");
        c->add_option("--node-env", node_env,
                      "NODE:KEY=VALUE, repeatable: an environment variable for one node's "
                      "iserver in this start (e.g. libfaketime's LD_PRELOAD and FAKETIME)");
        c->add_option("--log-level", o.log_level,
                      "iserver log level for new devnets (default info)")
            ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}));
    };
    CLI::App* run =
        app.add_subcommand("run", "start or resume, show a live status line until Ctrl-C");
    CLI::App* start = app.add_subcommand("start", "start or resume detached; return once ready");
    add_network_options(run);
    add_network_options(start);
    CLI::App* stop = app.add_subcommand("stop", "stop every node of the devnet");
    stop->add_option("--dir", o.dir, "the devnet directory")->required();
    CLI::App* status = app.add_subcommand("status", "heights, hashes and peers per node");
    status->add_option("--dir", o.dir, "the devnet directory")->required();
    status->add_flag("--json", as_json, "machine-readable output");
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e) == 0 ? 0 : 2;
    }
    CLI::App* used = run->parsed() ? run : start;
    if (run->parsed() || start->parsed()) {
        auto given = [&](const char* opt) { return used->count(opt) > 0; };
        if (given("--believable")) o.believable = believable;
        if (given("--normal")) o.normal = normal;
        if (given("--observers")) o.observers = observers;
        if (given("--sampling")) o.sampling = sampling;
        if (given("--fallback")) o.fallback = fallback;
        if (given("--host")) o.host = host;
        if (given("--p2p-port")) o.p2p_port = p2p_port;
        if (given("--http-port")) o.http_port = http_port;
        if (given("--grpc-port")) o.grpc_port = grpc_port;
        if (given("--accounts")) o.accounts = accounts;
        if (given("--micro-interval-ms")) o.micro_interval_ms = micro;
        if (given("--final-interval-ms")) o.final_interval_ms = final_ms;
        if (given("--epoch-length")) o.epoch_length = epoch;
        if (given("--snapshot-interval")) o.snapshot_interval = snapshot_interval;
        if (given("--iost-genesis")) o.iost_genesis = iost_genesis;
        if (given("--chain-id")) o.chain_id = chain_id;
        for (const auto& e : node_env) {
            // NODE:KEY=VALUE; the node's existence is checked against the devnet in StartDevnet.
            const size_t colon = e.find(':');
            const size_t eq = e.find('=');
            if (colon == std::string::npos || colon == 0 || eq == std::string::npos ||
                eq <= colon + 1) {
                std::fprintf(stderr, "iost-devnet: --node-env '%s': want NODE:KEY=VALUE\n",
                             e.c_str());
                return 2;
            }
            o.node_env[e.substr(0, colon)].push_back(e.substr(colon + 1));
        }
        // Options are checked before anything is touched (a new devnet's
        // shape fully; a resumed one against its devnet.json in StartDevnet).
        const std::string mpath = devnet::ManifestPath(devnet::NormalDir(o.dir).string());
        if (!std::filesystem::exists(mpath) || o.reset) {
            if (auto s = devnet::ShapeFromOptions(o); !s) {
                std::fprintf(stderr, "iost-devnet: %s\n", s.error().message.c_str());
                return 2;
            }
        } else if (auto m = devnet::LoadManifest(mpath); m) {
            if (auto s = devnet::ResumeShape(m->shape, o); !s) {
                std::fprintf(stderr, "iost-devnet: %s\n", s.error().message.c_str());
                return 2;
            }
        }
        if (auto bin = devnet::FindIserver(o.bin_dir); !bin) {
            std::fprintf(stderr, "iost-devnet: %s\n", bin.error().message.c_str());
            return 2;
        }
        return run->parsed() ? Run(o) : Start(o);
    }
    if (stop->parsed()) {
        if (auto st = devnet::StopDevnet(o.dir, Print); !st) {
            std::fprintf(stderr, "iost-devnet: %s\n", st.error().message.c_str());
            return 1;
        }
        return 0;
    }
    return Status(o.dir, as_json);
}
