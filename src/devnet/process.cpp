#include <arpa/inet.h>
#include <devnet/process.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <deque>
#include <fstream>
#include <sstream>
#include <string_view>
#include <thread>

extern char** environ;

namespace iost::devnet {

using util::Err;

util::Result<int> Spawn(const std::vector<std::string>& argv, const std::string& output_file,
                        const std::string& work_dir, const std::vector<std::string>& env) {
    if (argv.empty()) return Err("spawn: empty command");
    for (const auto& e : env) {
        const size_t eq = e.find('=');
        if (eq == std::string::npos || eq == 0) {
            return Err("spawn: environment entry '" + e + "' is not KEY=VALUE");
        }
    }
    if (::access(argv[0].c_str(), X_OK) != 0) {
        return Err(argv[0] + ": not an executable file (" + std::strerror(errno) + ")");
    }
    // Everything the child needs is prepared before fork: after fork only
    // async-signal-safe calls (the launcher has HTTP client threads).
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    // The child's environment: ours, minus the names `env` sets, plus `env`.
    std::vector<std::string> env_text;
    for (char** p = environ; p && *p; ++p) {
        const std::string_view cur(*p);
        const std::string_view name = cur.substr(0, cur.find('='));
        bool replaced = false;
        for (const auto& e : env)
            replaced = replaced || std::string_view(e).substr(0, e.find('=')) == name;
        if (!replaced) env_text.emplace_back(cur);
    }
    env_text.insert(env_text.end(), env.begin(), env.end());
    std::vector<char*> envp;
    for (auto& e : env_text) envp.push_back(e.data());
    envp.push_back(nullptr);
    const int out = ::open(output_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (out < 0) return Err("cannot open " + output_file + ": " + std::strerror(errno));
    const int devnull = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (devnull < 0) {
        ::close(out);
        return Err(std::string("cannot open /dev/null: ") + std::strerror(errno));
    }
    // exec failure is reported through a close-on-exec pipe: EOF = exec ran.
    int report[2];
    if (::pipe2(report, O_CLOEXEC) != 0) {
        ::close(out);
        ::close(devnull);
        return Err(std::string("pipe: ") + std::strerror(errno));
    }
    const pid_t pid = ::fork();
    if (pid < 0) {
        const int e = errno;
        ::close(out);
        ::close(devnull);
        ::close(report[0]);
        ::close(report[1]);
        return Err(std::string("fork: ") + std::strerror(e));
    }
    if (pid == 0) {
        ::setsid();
        sigset_t none;
        sigemptyset(&none);
        ::sigprocmask(SIG_SETMASK, &none, nullptr);
        for (int sig : {SIGINT, SIGTERM, SIGPIPE, SIGCHLD, SIGHUP, SIGQUIT}) ::signal(sig, SIG_DFL);
        int err = 0;
        if (::dup2(devnull, 0) < 0 || ::dup2(out, 1) < 0 || ::dup2(out, 2) < 0) err = errno;
        if (!err && !work_dir.empty() && ::chdir(work_dir.c_str()) != 0) err = errno;
        if (!err) {
            // Keep only 0, 1, 2 and the report pipe (close-on-exec).
            const int max_fd = static_cast<int>(::sysconf(_SC_OPEN_MAX));
            for (int fd = 3; fd < max_fd && fd < 65536; ++fd) {
                if (fd != report[1]) ::close(fd);
            }
            ::execve(args[0], args.data(), envp.data());
            err = errno;
        }
        [[maybe_unused]] ssize_t w = ::write(report[1], &err, sizeof err);
        ::_exit(127);
    }
    ::close(out);
    ::close(devnull);
    ::close(report[1]);
    int child_err = 0;
    ssize_t n;
    do {
        n = ::read(report[0], &child_err, sizeof child_err);
    } while (n < 0 && errno == EINTR);
    ::close(report[0]);
    if (n == static_cast<ssize_t>(sizeof child_err)) {
        int status = 0;
        ::waitpid(pid, &status, 0);
        return Err("cannot start " + argv[0] + ": " + std::strerror(child_err));
    }
    return static_cast<int>(pid);
}

namespace {

std::string ReadProc(int pid, const char* what) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/" + what, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

bool IsZombie(int pid) {
    const std::string stat = ReadProc(pid, "stat");
    // "pid (comm) S ...": the state follows the last ')'.
    const size_t p = stat.rfind(')');
    return p == std::string::npos || p + 2 >= stat.size() || stat[p + 2] == 'Z' ||
           stat[p + 2] == 'X';
}

bool Alive(int pid) {
    if (pid <= 0) return false;
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) return false;  // our child, just reaped
    if (::kill(pid, 0) != 0 && errno == ESRCH) return false;
    return !IsZombie(pid);
}

}  // namespace

bool IsOurProcess(int pid, const std::vector<std::string>& markers) {
    if (!Alive(pid)) return false;
    std::string cmdline = ReadProc(pid, "cmdline");
    for (char& c : cmdline) {
        if (c == '\0') c = ' ';
    }
    for (const auto& m : markers) {
        if (cmdline.find(m) == std::string::npos) return false;
    }
    return true;
}

std::optional<std::string> ReapIfExited(int pid) {
    if (pid <= 0) return std::nullopt;
    int status = 0;
    const pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r != pid) return std::nullopt;
    if (WIFEXITED(status)) return "exit code " + std::to_string(WEXITSTATUS(status));
    if (WIFSIGNALED(status)) return "killed by signal " + std::to_string(WTERMSIG(status));
    return "stopped";
}

std::vector<int> TerminateAll(const std::vector<int>& pids, std::chrono::milliseconds grace) {
    using Clock = std::chrono::steady_clock;
    for (int pid : pids) {
        if (pid > 0) ::kill(pid, SIGTERM);
    }
    auto any_alive = [&](std::vector<int>* alive) {
        alive->clear();
        for (int pid : pids) {
            if (Alive(pid)) alive->push_back(pid);
        }
        return !alive->empty();
    };
    std::vector<int> alive;
    const auto deadline = Clock::now() + grace;
    while (any_alive(&alive) && Clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    if (alive.empty()) return {};
    const std::vector<int> killed = alive;
    for (int pid : killed) ::kill(pid, SIGKILL);
    const auto kill_deadline = Clock::now() + std::chrono::seconds(5);
    while (any_alive(&alive) && Clock::now() < kill_deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return killed;
}

util::Status CheckTcpFree(const std::string& ip, uint16_t port) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    if (::inet_pton(AF_INET, ip.c_str(), &addr.sin_addr) != 1)
        return Err(ip + " is not an IPv4 address");
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return Err(std::string("socket: ") + std::strerror(errno));
    const int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    const int rc = ::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr);
    const int e = errno;
    ::close(fd);
    if (rc != 0) return Err(std::strerror(e));
    return {};
}

std::string TailFile(const std::string& path, size_t max_lines) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return "";
    // Read at most the last 64 KiB: logs can be large.
    in.seekg(0, std::ios::end);
    const std::streamoff size = in.tellg();
    const std::streamoff from = size > 65536 ? size - 65536 : 0;
    in.seekg(from);
    std::deque<std::string> lines;
    std::string line;
    while (std::getline(in, line)) {
        lines.push_back(line);
        if (lines.size() > max_lines) lines.pop_front();
    }
    std::string out;
    for (const auto& l : lines) out += l + "\n";
    return out;
}

}  // namespace iost::devnet
