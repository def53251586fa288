// The launcher behind `iost-devnet` (docs/devnet.md): creates or resumes a
// devnet directory, starts one `iserver` process per node, waits until every
// node serves HTTP with final height >= 1, and stops them again.
//
//  - Create: a new (or --reset) DIR gets a genesis, keys and configs
//    (layout.h); --reset first stops the devnet's nodes and deletes only the
//    files the devnet wrote (never other content of DIR).
//  - Resume: an existing DIR/devnet.json is reused as is (genesis, keys and
//    data dirs), every given option must agree with it; nodes whose recorded
//    pid is still an iserver on that config are left running, stale pids are
//    dropped and those nodes started again.
//  - Every node that is about to be started has its P2P and HTTP addresses
//    checked first, so "address in use" names the node and the address.
//  - DIR/devnet.json is rewritten (atomically) whenever a pid changes.
//  - A lock file (DIR/.lock, flock) keeps two launchers from working on one
//    DIR at once; it is held while starting or stopping, not while `run`
//    only watches.
// Thread contract: one launcher per process, used from one thread.
#pragma once

#include <devnet/layout.h>
#include <devnet/manifest.h>
#include <devnet/options.h>
#include <util/result.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace iost::devnet {

// Progress and notes for the user (one line each, no trailing newline).
using Printer = std::function<void(const std::string&)>;
// Polled while waiting; true = give up (Ctrl-C during start).
using CancelCheck = std::function<bool()>;

std::string ManifestPath(const std::string& dir);
// Absolute, normalized, without a trailing slash: one spelling per directory.
std::filesystem::path NormalDir(const std::string& dir);

struct StartReport {
    Manifest manifest;
    std::vector<int> started;    // pids this call started (children of this process)
    size_t already_running = 0;  // nodes found running from an earlier start
    bool created = false;        // a new genesis was written
};

// Creates or resumes, then starts every node that is not running and waits
// until all are ready (or the timeout / cancel). On failure the nodes this
// call started are stopped again and the error says which node failed and
// why (with the tail of its console and log files).
util::Result<StartReport> StartDevnet(const DevnetOptions& o, const RoleResolver& roles,
                                      const Printer& print, const CancelCheck& cancelled);

// Stops the given nodes of `m` (all when `only` is empty): SIGTERM, wait
// `grace`, SIGKILL; only pids that are still an iserver on that node's
// config are signalled. Records pid 0 for them in DIR/devnet.json.
util::Status StopNodes(Manifest& m, const std::vector<std::string>& only,
                       std::chrono::milliseconds grace, const Printer& print);

// `iost-devnet stop`: loads DIR/devnet.json and stops every node.
util::Status StopDevnet(const std::string& dir, const Printer& print);

// True if the node's recorded pid is a live iserver running its config.
bool NodeRunning(const NodeEntry& n);

// The iserver binary in bin_dir, checked to be executable.
util::Result<std::string> FindIserver(const std::string& bin_dir);

}  // namespace iost::devnet
