// BenchPeer: iost-bench's P2P presence in the network under test. It joins
// as an ordinary observer peer (net::Host: the real handshake with its own
// Ed25519 node key), dials every node, and
//  - feeds the TxTracker with what the validators broadcast (MicroBlocks,
//    proposals, commit votes) and with catch-up sync replies it asks for
//    once a second, so the benchmark learns PACKED and IRREVERSIBLE times
//    of every transaction without polling per transaction;
//  - sends transactions as TxMsg frames (node/wire.h), the P2P path of the
//    benchmark. A peer's TxMsg is a forwarded copy that the receiver does not
//    forward again (consensus RouteTx), so it must reach the transaction's
//    owner: BenchPeer learns publisher → owner from the MicroBlocks it sees
//    (the producer that packed a publisher's transaction owns it for that
//    epoch) and forgets the map when a MicroBlock of a new epoch arrives.
// Thread contract: public methods are thread-safe; callbacks run on the
// Host's net thread and only touch the tracker and the mutex-guarded maps.
#pragma once

#include <loadgen/tracker.h>
#include <net/peer_manager.h>
#include <util/log.h>
#include <util/result.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace iost::loadgen {

struct BenchPeerOptions {
    uint32_t chain_id = 0;
    crypto::Hash256 genesis_hash{};
    std::vector<net::Endpoint> nodes;
    // Validator account → its consensus (= P2P node) key, from the genesis.
    std::map<std::string, net::NodeId> validator_keys;
    int64_t sync_interval_ms = 1000;
    util::Logger log = util::Logger::Null();
};

struct PeerCounters {
    uint64_t decode_errors = 0, tx_sent = 0, tx_send_failed = 0, sync_requests = 0, epoch = 0;
};

class BenchPeer {
  public:
    static util::Result<std::unique_ptr<BenchPeer>> Start(BenchPeerOptions options,
                                                          TxTracker* tracker);
    ~BenchPeer();
    BenchPeer(const BenchPeer&) = delete;
    BenchPeer& operator=(const BenchPeer&) = delete;
    void Stop();

    // Waits (bounded) until at least `n` peers completed the handshake.
    bool WaitConnected(size_t n, int64_t timeout_ms) const;
    size_t Connected() const;

    // Queues an encoded TxMsg payload for validator `account` (false if it
    // is not connected or its queue is full).
    bool SendTx(const std::string& account, const util::Bytes& payload);
    // The learned owner of a publisher in the current epoch.
    std::optional<std::string> OwnerOf(const std::string& publisher) const;
    size_t OwnersKnown() const;

    PeerCounters counters() const;

  private:
    BenchPeer(BenchPeerOptions options, TxTracker* tracker);
    void OnMessage(const net::NodeId& from, uint16_t type, util::Bytes payload);
    void SyncLoop();

    BenchPeerOptions m_opt;
    TxTracker* m_tracker;
    std::unique_ptr<net::Host> m_host;
    std::map<net::NodeId, std::string> m_account_of;

    mutable std::mutex m_mu;
    mutable std::condition_variable m_cv;
    size_t m_connected = 0;
    std::map<std::string, std::string> m_owner;  // publisher → producer account
    uint64_t m_epoch = 0;
    PeerCounters m_c;

    std::atomic<bool> m_stop{false};
    std::thread m_sync;
};

}  // namespace iost::loadgen
