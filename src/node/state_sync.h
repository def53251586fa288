// State sync (docs/state.md "State sync"): how a node with an empty data dir
// (sync.mode: snapshot) gets the state of a recent certified height from its
// peers instead of replaying the chain, then block-syncs the rest.
//
//  1. Manifest: it asks every connected peer for its newest snapshot
//     manifest (node/snapshot.h). A manifest is checked on its own (the
//     block hashes to the named hash and carries the named state root, the
//     checkpoint names that block, the certificate verifies against the
//     checkpoint's committee of the block's epoch), then the joiner waits
//     until `min_agree` distinct peers offer the same manifest core (all but
//     the certificate) and takes the highest such height.
//  2. Pieces: state chunks and window parts are asked of the peers that
//     offered that manifest, a few in flight per peer, spread over peers.
//     Each piece is verified BEFORE it is kept (VerifyPiece: hash listed in
//     the agreed manifest, and for state chunks VerifyChunk against the
//     certified state root). A bad piece costs the peer a misbehaviour
//     penalty and its place in the plan (for bad_peer_ns); the piece is
//     asked of another peer. A timed-out request is asked elsewhere.
//  3. Recent blocks: the last `block_window` blocks in full (what a restart
//     from the checkpoint reads), fetched with ordinary SyncRequests and
//     checked by hash chain from the certified head, their certificates
//     against the checkpoint's committees and their MicroBlocks by the
//     producers' hash chains named in each block.
//  4. Install: the tree is rebuilt from the entries (its root must be the
//     certified one), then BlockStore's three-step install writes state,
//     window and head; a kill -9 before the last step leaves a marker that
//     the next start clears (the sync starts over).
// The node then starts its driver, which restores the engine from the
// checkpoint and block-syncs from the snapshot's height on.
//
// Trust: the state is as certain as the certified root; the manifest's other
// fields (the engine checkpoint, the window's tx lists) are not covered by
// the certificate, so the joiner relies on at least one of the `min_agree`
// agreeing peers being honest (docs/state.md "Trust").
//
// Thread contract: StateSyncPlan is single-threaded (the sync's thread).
// StateSync::OnMessage is called from the net thread; Run blocks the
// caller's thread until done, failed or stopped.
#pragma once

#include <consensus/checkpoint.h>
#include <crypto/certificate.h>
#include <net/peer_manager.h>
#include <node/snapshot.h>
#include <storage/block_store.h>
#include <util/clock.h>
#include <util/log.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace iost::node {

struct StateSyncOptions {
    size_t min_agree = 2;  // peers that must offer the same manifest
    size_t in_flight_per_peer = 2;
    int64_t request_timeout_ns = 10 * util::kNanosPerSecond;
    int64_t manifest_retry_ns = 2 * util::kNanosPerSecond;
    int64_t bad_peer_ns = 600 * util::kNanosPerSecond;
    uint64_t block_window = 128;  // Engine::restore_block_window
    uint64_t epoch_length = 0;    // checks the checkpoint's committee epoch (0: unchecked)
    bool progress_bar = false;
};

struct PieceRequest {
    std::string peer;
    uint32_t index = 0;
};

// Which peer to ask for which piece; pure (time passed in).
class StateSyncPlan {
  public:
    explicit StateSyncPlan(StateSyncOptions opt) : m_opt(opt) {}

    // A peer offers a manifest that passed its own checks.
    void Offer(const std::string& peer, const SnapshotManifest& m);
    // The manifest to sync: the highest height whose core `min_agree`
    // non-bad peers offered; fixed once chosen. nullptr while none.
    const SnapshotManifest* Choose(util::UnixNanos now);
    const SnapshotManifest* chosen() const { return m_chosen ? &*m_chosen : nullptr; }
    // Requests to send now among `connected` peers.
    std::vector<PieceRequest> Plan(const std::vector<std::string>& connected, util::UnixNanos now);
    // A piece arrived from `peer`: verified (ok) or not. A bad piece marks
    // the peer bad; either way the request is closed.
    void Received(const std::string& peer, uint32_t index, bool ok, util::UnixNanos now);
    // The peer does not have the piece: not asked for it again.
    void NotHave(const std::string& peer, uint32_t index);
    void PeerGone(const std::string& peer);
    bool IsBad(const std::string& peer, util::UnixNanos now) const;
    size_t done() const { return m_done.size(); }
    size_t total() const { return m_chosen ? m_chosen->pieces() : 0; }
    size_t offers() const { return m_offers.size(); }
    bool HasOffer(const std::string& peer) const { return m_offers.count(peer) > 0; }
    bool complete() const { return m_chosen && m_done.size() == m_chosen->pieces(); }
    size_t in_flight() const { return m_flight.size(); }
    // Peers that offered the chosen manifest (and are not bad).
    std::vector<std::string> Holders(util::UnixNanos now) const;

  private:
    struct Flight {
        std::string peer;
        util::UnixNanos sent = 0;
    };
    StateSyncOptions m_opt;
    std::map<std::string, std::pair<crypto::Hash256, SnapshotManifest>> m_offers;
    std::optional<SnapshotManifest> m_chosen;
    crypto::Hash256 m_chosen_core{};
    std::set<uint32_t> m_done;
    std::map<uint32_t, Flight> m_flight;
    std::map<std::string, util::UnixNanos> m_bad_until;
    std::set<std::pair<std::string, uint32_t>> m_not_have;
    std::map<std::string, uint64_t> m_uses;
};

// The manifest's own checks (step 1): block, root, checkpoint, certificate.
util::Result<consensus::EngineCheckpoint> CheckManifest(const SnapshotManifest& m,
                                                        const crypto::Verifier& verifier,
                                                        uint64_t epoch_length);

// "state 120/272 pieces, 3.1 MB" and a terminal bar.
std::string StateSyncProgressLine(size_t done, size_t total, uint64_t bytes);

// The outcome of a node's state sync (tests, logs, docs/benchmarks.md).
struct StateSyncReport {
    uint64_t height = 0;      // the installed snapshot's height
    uint64_t bad_pieces = 0;  // pieces refused (and their peers penalized)
    uint64_t ms = 0;          // from the first request to the install
};

// What the joiner needs to know of its own chain.
struct JoinInfo {
    crypto::Hash256 genesis_hash{};
    util::Bytes genesis_block;  // block 0 as InitGenesis stores it
    crypto::Hash256 genesis_state_root{};
};

class StateSync {
  public:
    StateSync(StateSyncOptions opt, JoinInfo info, storage::BlockStore& blocks, net::Host& host,
              const crypto::Verifier& verifier, util::Logger log);

    // Net thread: SnapshotManifest, StateChunk and SyncResponse frames.
    void OnMessage(const net::NodeId& peer, uint16_t type, util::Bytes payload);
    // Runs the sync to the end: installed (ok) or an error (timeout, stop,
    // storage). Blocking.
    util::Status Run(int64_t limit_ns);
    void Stop();
    uint64_t bad_pieces() const { return m_bad_pieces.load(); }
    uint64_t installed_height() const { return m_installed.load(); }

  private:
    struct Incoming {
        net::NodeId peer;
        uint16_t type = 0;
        util::Bytes payload;
    };
    void Handle(const Incoming& in, util::UnixNanos now);
    void Progress(util::UnixNanos now, bool force);
    util::Status FetchRecentBlocks(int64_t deadline_ns);
    util::Status Install();
    std::optional<net::NodeId> KeyOf(const std::string& name) const;
    std::vector<std::string> Connected();

    StateSyncOptions m_opt;
    JoinInfo m_info;
    storage::BlockStore& m_blocks;
    net::Host& m_host;
    const crypto::Verifier& m_verifier;
    util::Logger m_log;
    util::SystemClock m_clock;
    StateSyncPlan m_plan;
    std::optional<consensus::EngineCheckpoint> m_checkpoint;

    std::mutex m_mu;
    std::condition_variable m_cv;
    std::deque<Incoming> m_in;
    size_t m_in_bytes = 0;
    bool m_stop = false;

    // Sync thread state.
    std::map<std::string, net::NodeId> m_keys;
    std::map<std::string, util::UnixNanos> m_asked_manifest;
    std::map<std::string, std::string> m_state;  // verified entries
    std::map<uint64_t, WindowHeight> m_window;
    std::map<uint64_t, std::shared_ptr<const core::CertifiedBlock>> m_recent;
    std::map<crypto::Hash256, std::shared_ptr<const core::MicroBlock>> m_micros;
    std::map<uint64_t, std::string> m_recent_from;
    size_t m_micro_bytes = 0;
    uint64_t m_bytes = 0;
    util::UnixNanos m_last_progress = 0;
    std::atomic<uint64_t> m_bad_pieces{0};
    std::atomic<uint64_t> m_installed{0};
};

}  // namespace iost::node
