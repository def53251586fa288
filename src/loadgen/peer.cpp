#include <loadgen/peer.h>
#include <node/wire.h>
#include <util/clock.h>

#include <chrono>

namespace iost::loadgen {

BenchPeer::BenchPeer(BenchPeerOptions options, TxTracker* tracker)
    : m_opt(std::move(options)), m_tracker(tracker) {
    for (const auto& [account, key] : m_opt.validator_keys) m_account_of[key] = account;
}

util::Result<std::unique_ptr<BenchPeer>> BenchPeer::Start(BenchPeerOptions options,
                                                          TxTracker* tracker) {
    if (!tracker) return util::Err("BenchPeer needs a tracker");
    if (options.nodes.empty()) return util::Err("BenchPeer: no nodes to dial");
    std::unique_ptr<BenchPeer> p(new BenchPeer(std::move(options), tracker));
    net::HostOptions ho;
    ho.chain_id = p->m_opt.chain_id;
    ho.genesis_hash = p->m_opt.genesis_hash;
    ho.listen = false;  // an observer that only dials
    ho.seeds = p->m_opt.nodes;
    ho.max_outbound = p->m_opt.nodes.size() + 2;
    // The benchmark is the node's heaviest talker; its own inbound side sees
    // every MicroBlock of every producer.
    ho.recv_msgs_per_sec = 1e6;
    ho.recv_msgs_burst = 1e6;
    ho.recv_bytes_per_sec = 1e9;
    ho.recv_bytes_burst = 1e9;
    ho.send_queue_max_messages = 200'000;
    ho.send_queue_low_bytes = 256u << 20;
    ho.logger = p->m_opt.log;
    auto host = net::Host::Make(std::move(ho));
    if (!host) return util::Err("BenchPeer: " + host.error().message);
    p->m_host = std::move(*host);
    BenchPeer* self = p.get();
    net::HostCallbacks cb;
    cb.on_message = [self](const net::NodeId& from, uint16_t type, util::Bytes payload) {
        self->OnMessage(from, type, std::move(payload));
    };
    cb.on_connected = [self](const net::NodeId&) {
        std::lock_guard lk(self->m_mu);
        ++self->m_connected;
        self->m_cv.notify_all();
    };
    cb.on_disconnected = [self](const net::NodeId&) {
        std::lock_guard lk(self->m_mu);
        if (self->m_connected > 0) --self->m_connected;
    };
    p->m_host->SetCallbacks(std::move(cb));
    p->m_host->Start();
    p->m_sync = std::thread([self] { self->SyncLoop(); });
    return p;
}

BenchPeer::~BenchPeer() { Stop(); }

void BenchPeer::Stop() {
    if (m_stop.exchange(true)) return;
    m_cv.notify_all();
    if (m_sync.joinable()) m_sync.join();
    if (m_host) m_host->Stop();
}

bool BenchPeer::WaitConnected(size_t n, int64_t timeout_ms) const {
    std::unique_lock lk(m_mu);
    return m_cv.wait_for(lk, std::chrono::milliseconds(timeout_ms),
                         [&] { return m_connected >= n; });
}

size_t BenchPeer::Connected() const {
    std::lock_guard lk(m_mu);
    return m_connected;
}

bool BenchPeer::SendTx(const std::string& account, const util::Bytes& payload) {
    auto it = m_opt.validator_keys.find(account);
    bool ok = it != m_opt.validator_keys.end() &&
              m_host->Send(it->second, net::ToWire(net::MessageType::kTx), payload) ==
                  net::SendResult::kQueued;
    std::lock_guard lk(m_mu);
    ++(ok ? m_c.tx_sent : m_c.tx_send_failed);
    return ok;
}

std::optional<std::string> BenchPeer::OwnerOf(const std::string& publisher) const {
    std::lock_guard lk(m_mu);
    auto it = m_owner.find(publisher);
    if (it == m_owner.end()) return std::nullopt;
    return it->second;
}

size_t BenchPeer::OwnersKnown() const {
    std::lock_guard lk(m_mu);
    return m_owner.size();
}

PeerCounters BenchPeer::counters() const {
    std::lock_guard lk(m_mu);
    PeerCounters c = m_c;
    c.epoch = m_epoch;
    return c;
}

void BenchPeer::OnMessage(const net::NodeId& from, uint16_t type, util::Bytes payload) {
    (void)from;
    auto decoded = node::DecodeMessage(payload, type);
    const int64_t now = util::SystemClock().Now();
    if (!decoded) {
        std::lock_guard lk(m_mu);
        ++m_c.decode_errors;
        return;
    }
    if (const auto* m = std::get_if<consensus::MicroMsg>(&*decoded)) {
        if (!m->micro) return;
        {
            std::lock_guard lk(m_mu);
            if (m->micro->header.epoch > m_epoch) {
                m_epoch = m->micro->header.epoch;
                m_owner.clear();  // a new epoch seed re-partitions the publishers
            }
            if (m->micro->header.epoch == m_epoch) {
                for (const auto& tx : m->micro->txs)
                    m_owner[tx.publisher] = m->micro->header.producer;
            }
        }
        m_tracker->OnMicro(m->micro, now);
    } else if (const auto* p = std::get_if<consensus::ProposalMsg>(&*decoded)) {
        m_tracker->OnProposal(p->block, p->block_hash, now);
    } else if (const auto* v = std::get_if<consensus::VoteMsg>(&*decoded)) {
        if (v->vote.kind == core::kVoteCommit) {
            m_tracker->OnCommitVote(v->vote.block_hash, v->vote.height, v->vote.voter, now);
        }
    } else if (const auto* r = std::get_if<consensus::SyncResponse>(&*decoded)) {
        for (const auto& micro : r->micros) m_tracker->OnMicro(micro, now);
        for (const auto& cb : r->blocks) {
            if (!cb) continue;
            auto block = std::make_shared<const core::FinalBlock>(cb->block);
            m_tracker->OnCertified(block, block->Hash(), now);
        }
    }
}

void BenchPeer::SyncLoop() {
    size_t next = 0;
    while (!m_stop.load()) {
        {
            std::unique_lock lk(m_mu);
            m_cv.wait_for(lk, std::chrono::milliseconds(m_opt.sync_interval_ms),
                          [&] { return m_stop.load(); });
        }
        if (m_stop.load()) break;
        auto peers = m_host->Peers();
        if (peers.empty()) continue;
        const auto& to = peers[next++ % peers.size()].id;
        const consensus::SyncRequest req{m_tracker->final_height() + 1};
        m_host->Send(to, node::NetTypeOf(node::WireTag::kSyncRequest), node::EncodeMessage(req));
        std::lock_guard lk(m_mu);
        ++m_c.sync_requests;
    }
}

}  // namespace iost::loadgen
