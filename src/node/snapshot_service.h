// SnapshotService: the serving side of state sync (docs/state.md "Snapshot
// files", "State sync"). It writes a snapshot every `snapshot.interval`
// certified heights (every node at the same heights, so honest peers offer
// identical manifests) and answers GetSnapshotManifest / GetStateChunk.
//
//  - Writing: BlockStore's commit listener calls AfterCommit under the
//    commit lock; at a due height it only takes a KvStore snapshot (a
//    RocksDB snapshot: O(1)) and hands it to the writer thread, which
//    writes the files (node/snapshot.h) while the node commits the next
//    blocks. If the writer is still busy the height is skipped.
//  - Serving: requests are validated on the net thread (decode, height,
//    index) and queued (at most `max_queue`; a full queue drops) for one
//    serving thread, which reads the piece file and checks its hash. Per
//    peer, a token bucket bounds requests per second; requests over it are
//    dropped (the joiner times out and asks elsewhere). So a peer cannot
//    make this node do more than a bounded amount of disk reads per second.
//
// Thread contract: AfterCommit from the committing thread, OnRequest from
// the net thread, Start/Stop from the owner; internally synchronized.
#pragma once

#include <net/limits.h>
#include <net/peer_manager.h>
#include <node/snapshot.h>
#include <storage/kv_store.h>
#include <util/log.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace iost::node {

struct SnapshotServiceOptions {
    uint64_t interval = 0;         // write a snapshot every this many heights; 0 = never
    size_t keep = 2;               // snapshots kept on disk (a joiner may be mid-way)
    uint64_t window = 1'000;       // the dedup window (Engine::restore_tx_window)
    double requests_per_sec = 40;  // per peer
    double burst = 80;
    size_t max_queue = 64;
    // TEST ONLY, never set from a config file: flips a byte of every state
    // chunk this node serves (a lying peer, tests/integration).
    bool test_only_corrupt_pieces = false;
};

class SnapshotService {
  public:
    SnapshotService(SnapshotServiceOptions opt, storage::KvStore& kv, std::string dir,
                    util::Logger log);
    ~SnapshotService();
    SnapshotService(const SnapshotService&) = delete;
    SnapshotService& operator=(const SnapshotService&) = delete;

    void Start(net::Host* host);
    void Stop();

    void AfterCommit(uint64_t height);
    // GetSnapshotManifest or GetStateChunk from a peer.
    void OnRequest(const net::NodeId& peer, uint16_t type, util::ByteView payload);

    SnapshotStore& store() { return m_store; }
    // Writes a snapshot of the store's current head now, on the caller's
    // thread (tests).
    util::Result<uint64_t> WriteNow();
    uint64_t served_pieces() const { return m_served.load(); }
    uint64_t dropped_requests() const { return m_dropped.load(); }

  private:
    struct Request {
        net::NodeId peer;
        uint16_t type = 0;
        uint64_t height = 0;
        uint32_t index = 0;
    };
    void WriterLoop();
    void ServeLoop();
    void Serve(const Request& r);

    SnapshotServiceOptions m_opt;
    storage::KvStore& m_kv;
    SnapshotStore m_store;
    util::Logger m_log;
    net::Host* m_host = nullptr;

    std::mutex m_mu;
    std::condition_variable m_cv;
    bool m_stop = false;
    bool m_started = false;
    std::unique_ptr<storage::KvStore> m_pending_view;  // for the writer
    bool m_writing = false;
    std::deque<Request> m_queue;
    std::map<net::NodeId, net::TokenBucket> m_buckets;
    std::thread m_writer;
    std::thread m_server;
    std::atomic<uint64_t> m_served{0};
    std::atomic<uint64_t> m_dropped{0};
};

}  // namespace iost::node
