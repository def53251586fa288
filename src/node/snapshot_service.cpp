#include <net/message_types.h>
#include <node/snapshot_service.h>
#include <node/snapshot_wire.h>

#include <chrono>

namespace iost::node {

SnapshotService::SnapshotService(SnapshotServiceOptions opt, storage::KvStore& kv, std::string dir,
                                 util::Logger log)
    : m_opt(opt), m_kv(kv), m_store(std::move(dir), opt.keep, log), m_log(std::move(log)) {
    m_store.Reload();
}

SnapshotService::~SnapshotService() { Stop(); }

void SnapshotService::Start(net::Host* host) {
    std::lock_guard lk(m_mu);
    if (m_started) return;
    m_started = true;
    m_host = host;
    m_writer = std::thread([this] { WriterLoop(); });
    m_server = std::thread([this] { ServeLoop(); });
}

void SnapshotService::Stop() {
    {
        std::lock_guard lk(m_mu);
        m_stop = true;
        // The view pins RocksDB files: released before the store closes.
        m_pending_view.reset();
    }
    m_cv.notify_all();
    if (m_writer.joinable()) m_writer.join();
    if (m_server.joinable()) m_server.join();
}

void SnapshotService::AfterCommit(uint64_t height) {
    if (m_opt.interval == 0 || height % m_opt.interval != 0) return;
    std::lock_guard lk(m_mu);
    if (!m_started || m_stop || m_writing || m_pending_view) {
        m_log.Info("snapshot: skipping height {} (the previous one is still being written)",
                   height);
        return;
    }
    auto view = m_kv.Snapshot();
    if (!view) {
        m_log.Warn("snapshot: cannot take a view at height {}: {}", height, view.error().message);
        return;
    }
    m_pending_view = std::move(*view);
    m_cv.notify_all();
}

util::Result<uint64_t> SnapshotService::WriteNow() {
    auto view = m_kv.Snapshot();
    if (!view) return util::ErrOf(view.error());
    SnapshotWriteOptions wo;
    wo.window = m_opt.window;
    auto h = WriteSnapshot(**view, m_store.dir(), wo);
    if (h) m_store.Reload();
    return h;
}

void SnapshotService::WriterLoop() {
    for (;;) {
        std::unique_ptr<storage::KvStore> view;
        {
            std::unique_lock lk(m_mu);
            m_cv.wait(lk, [&] { return m_stop || m_pending_view; });
            if (m_stop) return;
            view = std::move(m_pending_view);
            m_writing = true;
        }
        const auto t0 = std::chrono::steady_clock::now();
        SnapshotWriteOptions wo;
        wo.window = m_opt.window;
        auto h = WriteSnapshot(*view, m_store.dir(), wo);
        view.reset();
        const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::steady_clock::now() - t0)
                            .count();
        if (h) {
            m_store.Reload();
            m_log.Info("snapshot: wrote height {} in {} ms", *h, ms);
        } else {
            m_log.Warn("snapshot: writing failed: {}", h.error().message);
        }
        std::lock_guard lk(m_mu);
        m_writing = false;
    }
}

void SnapshotService::OnRequest(const net::NodeId& peer, uint16_t type, util::ByteView payload) {
    Request r;
    r.peer = peer;
    r.type = type;
    if (type == net::ToWire(net::MessageType::kGetSnapshotManifest)) {
        auto m = DecodeGetManifest(payload);
        if (!m) {
            if (m_host)
                m_host->Penalize(peer, net::Misbehaviour::kInvalidMessage, m.error().message);
            return;
        }
        r.height = m->height;
    } else if (type == net::ToWire(net::MessageType::kGetStateChunk)) {
        auto m = DecodeGetChunk(payload);
        if (!m) {
            if (m_host)
                m_host->Penalize(peer, net::Misbehaviour::kInvalidMessage, m.error().message);
            return;
        }
        r.height = m->height;
        r.index = m->index;
    } else {
        return;
    }
    std::lock_guard lk(m_mu);
    if (!m_started || m_stop) return;
    const auto now = std::chrono::steady_clock::now();
    auto it = m_buckets.find(peer);
    if (it == m_buckets.end()) {
        if (m_buckets.size() > 4096) m_buckets.clear();  // bounded; honest peers refill fast
        it = m_buckets.emplace(peer, net::TokenBucket(m_opt.requests_per_sec, m_opt.burst, now))
                 .first;
    }
    if (!it->second.Take(1, now) || m_queue.size() >= m_opt.max_queue) {
        ++m_dropped;
        return;
    }
    m_queue.push_back(r);
    m_cv.notify_all();
}

void SnapshotService::ServeLoop() {
    for (;;) {
        Request r;
        {
            std::unique_lock lk(m_mu);
            m_cv.wait(lk, [&] { return m_stop || !m_queue.empty(); });
            if (m_stop) return;
            r = m_queue.front();
            m_queue.pop_front();
        }
        Serve(r);
    }
}

void SnapshotService::Serve(const Request& r) {
    if (!m_host) return;
    if (r.type == net::ToWire(net::MessageType::kGetSnapshotManifest)) {
        SnapshotManifestMsg m;
        m.manifest = m_store.Manifest(r.height);
        m_host->Send(r.peer, net::ToWire(net::MessageType::kSnapshotManifest),
                     EncodeManifestMsg(m));
        return;
    }
    StateChunkMsg c;
    c.height = r.height;
    c.index = r.index;
    c.piece = m_store.Piece(r.height, r.index);
    if (c.piece && m_opt.test_only_corrupt_pieces && !c.piece->empty()) {
        c.piece->back() ^= 0x01;
    }
    if (c.piece) ++m_served;
    m_host->Send(r.peer, net::ToWire(net::MessageType::kStateChunk), EncodeChunkMsg(c));
}

}  // namespace iost::node
