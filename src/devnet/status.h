// What the launcher knows about a running devnet, read only through each
// node's public HTTP API (docs/formats.md §A): GET /getChainInfo (height,
// head hash, validators) and /getNodeInfo (peers); /getBlockByNumber (IOST's
// tx_count, for the final TPS) and /getPoBInfo, /metrics (groups, fallback,
// PACKED counters) when the node serves them: a missing endpoint shows "-".
// StatusLine() formats the one-line live view of `iost-devnet run`.
// Thread contract: a StatusPoller is used by one thread; it keeps one HTTP
// connection per node.
#pragma once

#include <devnet/manifest.h>
#include <util/result.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace iost::devnet {

struct NodeStatus {
    std::string name;
    bool up = false;
    std::string error;  // why not up
    uint64_t height = 0;
    std::string head_hash;
    int peers = -1;                      // -1 unknown
    std::vector<std::string> witnesses;  // /getChainInfo witness_list
};

struct NetworkStatus {
    std::vector<NodeStatus> nodes;
    uint64_t max_height = 0;
    uint64_t min_height = 0;  // over nodes that are up
    size_t up = 0;
    // Rates over the last poll interval; nullopt when not measurable.
    std::optional<double> final_tps;
    std::optional<double> packed_tps;
    std::optional<double> blocks_per_s;
    std::string groups;  // "believable 4 / normal 4" or similar
    std::string mode;    // "PoB", "fallback (one league)", "PoB, partition fallback: node3"
};

class StatusPoller {
  public:
    explicit StatusPoller(const Manifest& m);
    ~StatusPoller();
    StatusPoller(const StatusPoller&) = delete;
    StatusPoller& operator=(const StatusPoller&) = delete;

    // One round over every node (short timeouts; a dead node costs at most
    // ~1 s); rates are relative to the previous call.
    NetworkStatus Poll();

  private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

// One node, one request each: /getChainInfo and /getNodeInfo.
NodeStatus QueryNode(const NodeEntry& n, std::chrono::milliseconds timeout);

// The groups node `n` reports: /getPoBInfo's believable and normal ids
// when served, else /getChainInfo's witness_list split after the first
// `believable` ids (the node lists believable validators first). nullopt if
// the node does not answer.
struct Groups {
    std::vector<std::string> believable, normal;
    bool chain_fallback = false;
};
std::optional<Groups> QueryGroups(const NodeEntry& n, size_t believable,
                                  std::chrono::milliseconds timeout);

// "height 42 (8/8 up, in sync) | final 120.5 tx/s | packed 130.0 tx/s | believable 4 / normal 4 |
// PoB"
std::string StatusLine(const NetworkStatus& s);

// Multi-line table for `iost-devnet status`, and its JSON form.
std::string StatusTable(const Manifest& m, const NetworkStatus& s);
std::string StatusJson(const Manifest& m, const NetworkStatus& s);

}  // namespace iost::devnet
