// Child processes of the launcher (POSIX): start `iserver -f <config>` in
// its own session (setsid, so a Ctrl-C on the terminal reaches only the
// launcher, which then stops its nodes in order), with stdin from /dev/null,
// stdout and stderr appended to a file, every other descriptor closed (a
// node must not hold the launcher's pipes open: CTest and shells wait for
// them), and the signal mask and dispositions reset to defaults. Plus the
// checks the launcher needs: is a pid still ours (a pid from an old
// devnet.json may have been reused by another program), is a TCP address
// free, and a bounded terminate (SIGTERM, wait, SIGKILL).
// Thread contract: free functions; no shared state.
#pragma once

#include <util/result.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace iost::devnet {

// Starts `argv[0]` (a path) with `argv`; returns the child's pid. `env`
// ("KEY=VALUE" each) is added to the launcher's environment for this child
// only, replacing a variable of the same name (e.g. libfaketime's
// LD_PRELOAD and FAKETIME for one node, docs/devnet.md).
util::Result<int> Spawn(const std::vector<std::string>& argv, const std::string& output_file,
                        const std::string& work_dir, const std::vector<std::string>& env = {});

// True if `pid` is a live process whose command line contains every string
// of `markers` (e.g. "iserver" and the node's config path). A zombie child
// counts as gone.
bool IsOurProcess(int pid, const std::vector<std::string>& markers);

// Reaps `pid` if it is our child and has exited; returns its exit status
// text ("exit code 1", "killed by signal 9") or nullopt if still running or
// not our child.
std::optional<std::string> ReapIfExited(int pid);

// SIGTERM to every pid, wait up to `grace` for all to go, then SIGKILL the
// rest and wait for them. Returns the pids that needed SIGKILL.
std::vector<int> TerminateAll(const std::vector<int>& pids, std::chrono::milliseconds grace);

// Ok if a TCP socket can bind ip:port right now (SO_REUSEADDR, like the
// node), else the reason ("Address already in use").
util::Status CheckTcpFree(const std::string& ip, uint16_t port);

// The last `max_lines` lines of a text file ("" if unreadable).
std::string TailFile(const std::string& path, size_t max_lines);

}  // namespace iost::devnet
