// Sync: how a node that was down or is new catches up with the final chain
// (docs/node.md "Sync"). Two pieces, both used by the Driver:
//
//  - SyncPlanner decides which certified-block batches to ask which peer
//    for: it learns each peer's final height (from the heights of its
//    consensus messages and the blocks it serves), keeps a window of batches
//    in flight, at most one per peer so the load is spread over several
//    peers, re-assigns a batch whose peer timed out or said it has nothing,
//    and excludes a peer that served bad data for a while.
//  - SyncReorder holds responses that arrive ahead of the chain (batches
//    come back out of order from different peers) and hands them out in
//    height order; a peer's response split into several frames
//    (micro-blocks first, then blocks) is put back together per peer.
//
// Verification is not here: the engine checks every certificate against the
// validator set of its epoch and executes each block (Engine::ApplySync);
// the driver reports bad data back with MarkBad.
// Thread contract: none (the driver's loop thread owns both).
#pragma once

#include <consensus/messages.h>
#include <util/clock.h>

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace iost::node {

struct SyncOptions {
    uint64_t batch = 32;  // blocks per request (the server's cap)
    size_t window = 8;    // batches in flight at most
    uint64_t lag = 2;     // behind by more than this = syncing
    int64_t timeout_ns = 5 * util::kNanosPerSecond;
    int64_t bad_peer_ns = 600 * util::kNanosPerSecond;
};

struct SyncRequestPlan {
    std::string peer;
    uint64_t from_height = 0;
};

class SyncPlanner {
  public:
    explicit SyncPlanner(SyncOptions options = {}) : m_opt(options) {}

    // Our own final height.
    void SetHeight(uint64_t h);
    // The peer has (at least) final height h.
    void PeerHeight(const std::string& peer, uint64_t h);
    void PeerGone(const std::string& peer);
    // The peer answered; `first` is the lowest block height it sent, nullopt
    // for an empty answer (it has nothing from what we asked).
    void Answered(const std::string& peer, std::optional<uint64_t> first, uint64_t last);
    // The peer served bad data: not asked again for bad_peer_ns.
    void MarkBad(const std::string& peer, util::UnixNanos now);

    // Requests to send now, among `connected` peers.
    std::vector<SyncRequestPlan> Plan(const std::vector<std::string>& connected,
                                      util::UnixNanos now);

    bool syncing() const { return m_target > m_height + m_opt.lag; }
    uint64_t target() const { return m_target; }
    uint64_t height() const { return m_height; }
    size_t in_flight() const { return m_flight.size(); }
    uint64_t KnownHeight(const std::string& peer) const;
    bool IsBad(const std::string& peer, util::UnixNanos now) const;

  private:
    struct Flight {
        std::string peer;
        util::UnixNanos sent = 0;
    };
    SyncOptions m_opt;
    uint64_t m_height = 0;
    uint64_t m_target = 0;
    std::map<std::string, uint64_t> m_known;
    std::map<std::string, util::UnixNanos> m_bad_until;
    std::map<uint64_t, Flight> m_flight;     // batch start height → who has it
    std::map<std::string, uint64_t> m_uses;  // batches asked per peer
};

// A response as it is applied: blocks with every micro-block the same peer
// sent just before them.
struct SyncBundle {
    std::string peer;
    consensus::SyncResponse response;
    uint64_t first = 0;
    uint64_t last = 0;
};

class SyncReorder {
  public:
    explicit SyncReorder(size_t max_bundles = 64, size_t max_micros_per_peer = 50'000)
        : m_max_bundles(max_bundles), m_max_micros(max_micros_per_peer) {}

    // One received part. Returns false if the peer overflowed its micro-block
    // allowance (the part is dropped).
    bool Add(const std::string& peer, const consensus::SyncResponse& part, uint64_t height);
    // The next bundle that starts at or below height + 1 (and reaches above
    // height); stale ones are dropped on the way.
    std::optional<SyncBundle> Next(uint64_t height);
    void Forget(const std::string& peer);
    size_t size() const { return m_ready.size(); }

  private:
    struct Stream {
        std::vector<std::shared_ptr<const core::MicroBlock>> micros;
        bool saw_blocks = false;
    };
    size_t m_max_bundles;
    size_t m_max_micros;
    std::map<std::string, Stream> m_streams;
    std::multimap<uint64_t, SyncBundle> m_ready;  // by first height
};

// "height 120/400 (35.2 blocks/s, ETA 8 s)" and a terminal bar.
std::string SyncProgressLine(uint64_t height, uint64_t target, double blocks_per_sec);
std::string SyncProgressBar(uint64_t height, uint64_t start, uint64_t target, double blocks_per_sec,
                            size_t width = 30);

}  // namespace iost::node
