#include <devnet/devnet.h>
#include <devnet/process.h>
#include <devnet/status.h>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <set>
#include <thread>

namespace iost::devnet {

namespace fs = std::filesystem;
using util::Err;

std::string ManifestPath(const std::string& dir) {
    return (fs::path(dir) / "devnet.json").string();
}

std::filesystem::path NormalDir(const std::string& dir) {
    std::error_code ec;
    fs::path p = fs::absolute(dir, ec).lexically_normal();
    if (p.filename().empty()) p = p.parent_path();  // "a/b/" -> "a/b"
    return p;
}

namespace {

constexpr auto kStopGrace = std::chrono::seconds(10);

// flock on DIR/.lock, released on destruction (and by the kernel if we die).
class DirLock {
  public:
    static util::Result<std::unique_ptr<DirLock>> Take(const fs::path& dir) {
        const std::string path = (dir / ".lock").string();
        const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        if (fd < 0)
            return Err("cannot create " + path + ": " + std::strerror(errno) +
                       " (is --dir writable?)");
        if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
            ::close(fd);
            return Err("another iost-devnet is starting or stopping the devnet in " + dir.string() +
                       "; wait for it to finish");
        }
        return std::unique_ptr<DirLock>(new DirLock(fd));
    }
    ~DirLock() { ::close(m_fd); }
    DirLock(const DirLock&) = delete;
    DirLock& operator=(const DirLock&) = delete;

  private:
    explicit DirLock(int fd) : m_fd(fd) {}
    int m_fd;
};

std::vector<std::string> Markers(const NodeEntry& n) { return {"iserver", n.config}; }

// Removes what a devnet wrote into `dir` (the manifest's files and node
// directories), after stopping its nodes. Other files in dir are kept.
util::Status ResetDir(const fs::path& dir, const Printer& print) {
    const std::string mpath = ManifestPath(dir.string());
    std::error_code ec;
    if (!fs::exists(mpath, ec)) return {};
    auto m = LoadManifest(mpath);
    if (!m) {
        return Err("--reset: " + m.error().message + "; remove " + dir.string() +
                   " by hand if it is a devnet");
    }
    IOST_TRY(StopNodes(*m, {}, kStopGrace, print));
    for (const auto& n : m->nodes) {
        const fs::path nd = fs::path(n.config).parent_path();
        if (nd.parent_path() != dir) continue;  // only inside DIR
        fs::remove_all(nd, ec);
        if (ec) return Err("--reset: cannot delete " + nd.string() + ": " + ec.message());
    }
    for (const char* f : {"genesis.yml", "devnet.json"}) {
        fs::remove(dir / f, ec);
        if (ec) return Err("--reset: cannot delete " + (dir / f).string() + ": " + ec.message());
    }
    print("reset: deleted the devnet in " + dir.string());
    return {};
}

// A directory we may create a devnet in: new, empty, or with only our lock.
util::Status CheckFreshDir(const fs::path& dir) {
    std::error_code ec;
    if (!fs::exists(dir, ec)) return {};
    if (!fs::is_directory(dir, ec))
        return Err("--dir " + dir.string() + " exists and is not a directory");
    for (const auto& e : fs::directory_iterator(dir, ec)) {
        if (e.path().filename() != ".lock") {
            return Err("--dir " + dir.string() +
                       " is not empty and holds no devnet.json; choose a new or empty "
                       "directory (iost-devnet never deletes files it did not write)");
        }
    }
    return {};
}

util::Status CheckAddresses(const Manifest& m, const NodeEntry& n) {
    auto split = [](const std::string& hp) {
        const size_t c = hp.rfind(':');
        return std::make_pair(hp.substr(0, c), static_cast<uint16_t>(std::stoi(hp.substr(c + 1))));
    };
    const auto [p2p_ip, p2p_port] = split(n.p2p);
    const auto [http_ip, http_port] = split(n.http.substr(std::strlen("http://")));
    const auto [grpc_ip, grpc_port] = split(n.grpc);
    for (const auto& [what, ip, port] :
         {std::tuple<const char*, std::string, uint16_t>{"P2P", p2p_ip, p2p_port},
          std::tuple<const char*, std::string, uint16_t>{"HTTP", http_ip, http_port},
          std::tuple<const char*, std::string, uint16_t>{"gRPC", grpc_ip, grpc_port}}) {
        if (auto st = CheckTcpFree(ip, port); !st) {
            return Err(
                "node " + n.name + ": its " + what + " address " + ip + ":" + std::to_string(port) +
                " is in use (" + st.error().message +
                "); is another devnet or iserver running? stop it (" +
                "iost-devnet stop --dir DIR) or pick other addresses with --host (this devnet: " +
                m.shape.host + ")");
        }
    }
    return {};
}

std::string FailureDetail(const NodeEntry& n) {
    std::string out;
    const std::string console = TailFile(n.console, 8);
    const std::string log = TailFile(n.log, 8);
    if (!console.empty()) out += "\n--- " + n.console + " (last lines) ---\n" + console;
    if (!log.empty()) out += "--- " + n.log + " (last lines) ---\n" + log;
    return out;
}

util::Status WaitReady(const Manifest& m, const std::vector<int>& children,
                       std::chrono::seconds timeout, const Printer& print,
                       const CancelCheck& cancelled) {
    using Clock = std::chrono::steady_clock;
    const auto start = Clock::now();
    const auto deadline = start + timeout;
    auto last_note = start;
    std::vector<NodeStatus> last(m.nodes.size());
    for (;;) {
        // A child that exits during start-up fails the start at once.
        for (size_t i = 0; i < m.nodes.size(); ++i) {
            const NodeEntry& n = m.nodes[i];
            const bool ours = std::find(children.begin(), children.end(), n.pid) != children.end();
            if (ours) {
                if (auto how = ReapIfExited(n.pid)) {
                    return Err("node " + n.name + " (pid " + std::to_string(n.pid) +
                               ") exited during start-up: " + *how + FailureDetail(n));
                }
            } else if (!NodeRunning(n)) {
                return Err("node " + n.name + " (pid " + std::to_string(n.pid) +
                           ") is no longer running" + FailureDetail(n));
            }
        }
        size_t ready = 0, serving = 0;
        for (size_t i = 0; i < m.nodes.size(); ++i) {
            last[i] = QueryNode(m.nodes[i], std::chrono::milliseconds(500));
            if (last[i].up) ++serving;
            if (last[i].up && last[i].height >= 1) ++ready;
        }
        if (ready == m.nodes.size()) return {};
        if (cancelled && cancelled()) return Err("interrupted while waiting for the nodes");
        const auto now = Clock::now();
        if (now >= deadline) {
            std::string why = "timed out after " + std::to_string(timeout.count()) +
                              " s waiting for every node to serve HTTP with final height >= 1:";
            for (size_t i = 0; i < m.nodes.size(); ++i) {
                if (last[i].up && last[i].height >= 1) continue;
                why += "\n  " + m.nodes[i].name + " (" + m.nodes[i].http +
                       "): " + (last[i].up ? "serving, height 0" : "not serving: " + last[i].error);
            }
            why += "\nlogs: " + m.dir + "/<node>/iserver.log and console.log";
            for (size_t i = 0; i < m.nodes.size(); ++i) {
                if (!last[i].up) {
                    why += FailureDetail(m.nodes[i]);
                    break;
                }
            }
            return Err(why);
        }
        if (now - last_note >= std::chrono::seconds(5)) {
            last_note = now;
            uint64_t h = 0;
            for (const auto& s : last) h = std::max(h, s.height);
            print("waiting: " + std::to_string(serving) + "/" + std::to_string(m.nodes.size()) +
                  " nodes serve HTTP, " + std::to_string(ready) +
                  " at final height >= 1 (highest " + std::to_string(h) + ")");
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
}

}  // namespace

bool NodeRunning(const NodeEntry& n) { return n.pid > 0 && IsOurProcess(n.pid, Markers(n)); }

util::Result<std::string> FindIserver(const std::string& bin_dir) {
    const fs::path p = fs::path(bin_dir.empty() ? "." : bin_dir) / "iserver";
    std::error_code ec;
    if (!fs::exists(p, ec)) {
        return Err("iserver not found at " + p.string() +
                   " (build it: cmake --build build --target iserver; or pass --bin DIR)");
    }
    if (::access(p.c_str(), X_OK) != 0) return Err(p.string() + " is not executable");
    return fs::absolute(p, ec).string();
}

util::Result<StartReport> StartDevnet(const DevnetOptions& o, const RoleResolver& roles,
                                      const Printer& print, const CancelCheck& cancelled) {
    if (o.dir.empty()) return Err("--dir is required");
    auto iserver = FindIserver(o.bin_dir);
    if (!iserver) return util::ErrOf(iserver.error());
    if (o.start_timeout_s == 0) return Err("--timeout must be at least 1 second");
    std::error_code ec;
    const fs::path dir = NormalDir(o.dir);
    fs::create_directories(dir, ec);
    if (ec) return Err("--dir " + dir.string() + ": cannot create: " + ec.message());
    if (::access(dir.c_str(), W_OK) != 0) return Err("--dir " + dir.string() + ": not writable");
    auto lock = DirLock::Take(dir);
    if (!lock) return util::ErrOf(lock.error());

    StartReport rep;
    const std::string mpath = ManifestPath(dir.string());
    if (o.reset) IOST_TRY(ResetDir(dir, print));
    if (fs::exists(mpath, ec)) {
        auto m = LoadManifest(mpath);
        if (!m) return Err(m.error().message + " (start over with --reset)");
        if (m->dir != dir.string()) {
            return Err(mpath + " was written for " + m->dir +
                       "; a devnet cannot move (its configs hold absolute "
                       "addresses): use it there, or --reset");
        }
        auto shape = ResumeShape(m->shape, o);
        if (!shape) return util::ErrOf(shape.error());
        rep.manifest = std::move(*m);
        print("resuming the devnet in " + dir.string() +
              " (genesis, keys and chain kept; --reset starts over)");
    } else {
        IOST_TRY(CheckFreshDir(dir));
        auto shape = ShapeFromOptions(o);
        if (!shape) return util::ErrOf(shape.error());
        auto m = CreateLayout(*shape, dir.string(), roles, o.log_level);
        if (!m) return util::ErrOf(m.error());
        rep.manifest = std::move(*m);
        rep.created = true;
        IOST_TRY(SaveManifest(rep.manifest, mpath));
        const NetworkShape& s = rep.manifest.shape;
        const std::string groups = s.fallback ? std::to_string(s.validators()) +
                                                    " validators in one PBFT league (--fallback)"
                                              : std::to_string(s.believable) + " believable + " +
                                                    std::to_string(s.normal) + " normal validators";
        print("created a devnet in " + dir.string() + ": " + groups +
              (s.observers ? " + " + std::to_string(s.observers) + " observers" : std::string()) +
              ", chain id " + std::to_string(rep.manifest.chain_id));
    }
    Manifest& m = rep.manifest;

    // Which nodes run already; the others need free addresses.
    std::vector<size_t> to_start;
    for (size_t i = 0; i < m.nodes.size(); ++i) {
        if (NodeRunning(m.nodes[i])) {
            ++rep.already_running;
        } else {
            if (m.nodes[i].pid != 0)
                print("node " + m.nodes[i].name + ": pid " + std::to_string(m.nodes[i].pid) +
                      " from devnet.json is gone; starting it again");
            m.nodes[i].pid = 0;
            to_start.push_back(i);
        }
    }
    for (size_t i : to_start) IOST_TRY(CheckAddresses(m, m.nodes[i]));
    for (const auto& [name, env] : o.node_env) {
        (void)env;
        const bool known = std::any_of(m.nodes.begin(), m.nodes.end(),
                                       [&](const NodeEntry& n) { return n.name == name; });
        if (!known) return Err("--node-env: the devnet has no node '" + name + "'");
    }

    auto fail = [&](util::Error e) -> util::Result<StartReport> {
        std::vector<std::string> names;
        for (size_t i : to_start) {
            if (m.nodes[i].pid > 0) names.push_back(m.nodes[i].name);
        }
        if (!names.empty()) (void)StopNodes(m, names, kStopGrace, [](const std::string&) {});
        (void)SaveManifest(m, mpath);
        return util::ErrOf(std::move(e));
    };
    for (size_t i : to_start) {
        NodeEntry& n = m.nodes[i];
        const auto env = o.node_env.find(n.name);
        auto pid =
            Spawn({*iserver, "-f", n.config}, n.console, fs::path(n.config).parent_path().string(),
                  env == o.node_env.end() ? std::vector<std::string>{} : env->second);
        if (!pid) return fail(util::Error{"node " + n.name + ": " + pid.error().message});
        n.pid = *pid;
        rep.started.push_back(*pid);
    }
    if (auto st = SaveManifest(m, mpath); !st) return fail(st.error());
    if (!to_start.empty()) {
        print("started " + std::to_string(to_start.size()) + " iserver process(es)" +
              (rep.already_running
                   ? "; " + std::to_string(rep.already_running) + " were already running"
                   : "") +
              "; waiting for final height >= 1 on every node");
    }
    if (auto st =
            WaitReady(m, rep.started, std::chrono::seconds(o.start_timeout_s), print, cancelled);
        !st) {
        return fail(st.error());
    }
    // The groups as the running chain has them (see RolesFromGroups).
    if (!m.shape.fallback && !roles) {
        auto g = QueryGroups(m.nodes[0], m.shape.believable, std::chrono::milliseconds(2000));
        if (!g || !RolesFromGroups(g->believable, g->normal, &m)) {
            print("note: could not read the groups from " + m.nodes[0].http +
                  "; roles in devnet.json are "
                  "provisional");
        }
        if (auto st = SaveManifest(m, mpath); !st) return fail(st.error());
    }
    return rep;
}

util::Status StopNodes(Manifest& m, const std::vector<std::string>& only,
                       std::chrono::milliseconds grace, const Printer& print) {
    std::vector<int> pids;
    std::vector<NodeEntry*> touched;
    for (auto& n : m.nodes) {
        if (!only.empty() && std::find(only.begin(), only.end(), n.name) == only.end()) continue;
        if (NodeRunning(n)) pids.push_back(n.pid);
        touched.push_back(&n);
    }
    const auto killed = TerminateAll(pids, grace);
    for (int pid : killed) {
        for (auto* n : touched) {
            if (n->pid == pid)
                print("node " + n->name + " (pid " + std::to_string(pid) +
                      ") ignored SIGTERM for " + std::to_string(grace.count() / 1000) +
                      " s: killed");
        }
    }
    for (auto* n : touched) n->pid = 0;
    if (!pids.empty()) print("stopped " + std::to_string(pids.size()) + " node(s)");
    return SaveManifest(m, ManifestPath(m.dir));
}

util::Status StopDevnet(const std::string& dir, const Printer& print) {
    const fs::path abs = NormalDir(dir);
    auto m = LoadManifest(ManifestPath(abs.string()));
    if (!m) return util::ErrOf(m.error());
    auto lock = DirLock::Take(abs);
    if (!lock) return util::ErrOf(lock.error());
    return StopNodes(*m, {}, kStopGrace, print);
}

}  // namespace iost::devnet
