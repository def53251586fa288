#include <fmt/format.h>
#include <node/sync.h>

#include <algorithm>
#include <cmath>

namespace iost::node {

void SyncPlanner::SetHeight(uint64_t h) {
    m_height = std::max(m_height, h);
    m_target = std::max(m_target, m_height);
    for (auto it = m_flight.begin(); it != m_flight.end();) {
        // A batch wholly below our height is done, whoever answered it.
        it = it->first + m_opt.batch - 1 <= m_height ? m_flight.erase(it) : std::next(it);
    }
}

void SyncPlanner::PeerHeight(const std::string& peer, uint64_t h) {
    auto& k = m_known[peer];
    k = std::max(k, h);
    m_target = std::max(m_target, h);
}

void SyncPlanner::PeerGone(const std::string& peer) {
    m_known.erase(peer);
    m_uses.erase(peer);
    for (auto it = m_flight.begin(); it != m_flight.end();) {
        it = it->second.peer == peer ? m_flight.erase(it) : std::next(it);
    }
}

void SyncPlanner::Answered(const std::string& peer, std::optional<uint64_t> first, uint64_t last) {
    for (auto it = m_flight.begin(); it != m_flight.end(); ++it) {
        if (it->second.peer != peer) continue;
        if (!first) {
            // It has nothing from there: it is not as far as we thought.
            auto& k = m_known[peer];
            if (k >= it->first) k = it->first - 1;
        }
        m_flight.erase(it);
        break;
    }
    // Heights in an answer are unverified until applied: believe at most a
    // window ahead, so a liar cannot set a far target that nobody checks
    // (it is asked for what it claims and caught when that is applied).
    if (first) PeerHeight(peer, std::min<uint64_t>(last, m_height + m_opt.batch * m_opt.window));
    // The target is what some trusted peer still claims.
    uint64_t t = m_height;
    for (const auto& [p, k] : m_known) t = std::max(t, k);
    m_target = t;
}

void SyncPlanner::MarkBad(const std::string& peer, util::UnixNanos now) {
    m_bad_until[peer] = now + m_opt.bad_peer_ns;
    PeerGone(peer);
    uint64_t t = m_height;
    for (const auto& [p, k] : m_known) t = std::max(t, k);
    m_target = t;
}

uint64_t SyncPlanner::KnownHeight(const std::string& peer) const {
    auto it = m_known.find(peer);
    return it == m_known.end() ? 0 : it->second;
}

bool SyncPlanner::IsBad(const std::string& peer, util::UnixNanos now) const {
    auto it = m_bad_until.find(peer);
    return it != m_bad_until.end() && now < it->second;
}

std::vector<SyncRequestPlan> SyncPlanner::Plan(const std::vector<std::string>& connected,
                                               util::UnixNanos now) {
    std::vector<SyncRequestPlan> out;
    // Timed out: treat like "it has nothing" and ask someone else.
    for (auto it = m_flight.begin(); it != m_flight.end();) {
        if (now - it->second.sent < m_opt.timeout_ns) {
            ++it;
            continue;
        }
        auto& k = m_known[it->second.peer];
        if (k >= it->first) k = it->first - 1;
        it = m_flight.erase(it);
    }
    for (auto it = m_bad_until.begin(); it != m_bad_until.end();) {
        it = now >= it->second ? m_bad_until.erase(it) : std::next(it);
    }
    if (!syncing()) return out;
    std::map<std::string, bool> busy;
    for (const auto& [start, f] : m_flight) busy[f.peer] = true;
    // Batches are aligned (1, 1+batch, ...) so that requests issued while the
    // height moves never overlap.
    const uint64_t first_batch = (m_height / m_opt.batch) * m_opt.batch + 1;
    size_t considered = 0;
    for (uint64_t start = first_batch; start <= m_target && considered < m_opt.window;
         start += m_opt.batch, ++considered) {
        if (m_flight.count(start)) continue;
        const uint64_t from = std::max(start, m_height + 1);
        // The eligible peer asked least so far (spreads the batches over
        // peers even when they are planned one at a time), then the one
        // furthest ahead.
        const std::string* pick = nullptr;
        uint64_t pick_known = 0, pick_uses = 0;
        for (const auto& p : connected) {
            if (busy.count(p) || IsBad(p, now)) continue;
            const uint64_t k = KnownHeight(p);
            if (k < from) continue;
            auto u = m_uses.find(p);
            const uint64_t uses = u == m_uses.end() ? 0 : u->second;
            if (!pick || uses < pick_uses || (uses == pick_uses && k > pick_known)) {
                pick = &p;
                pick_known = k;
                pick_uses = uses;
            }
        }
        if (!pick) continue;
        busy[*pick] = true;
        ++m_uses[*pick];
        m_flight[start] = Flight{*pick, now};
        out.push_back({*pick, from});
    }
    return out;
}

bool SyncReorder::Add(const std::string& peer, const consensus::SyncResponse& part,
                      uint64_t height) {
    auto& s = m_streams[peer];
    if (!part.micros.empty()) {
        if (s.saw_blocks) {
            s.micros.clear();
            s.saw_blocks = false;
        }
        if (s.micros.size() + part.micros.size() > m_max_micros) {
            m_streams.erase(peer);
            return false;
        }
        for (const auto& m : part.micros) {
            if (m) s.micros.push_back(m);
        }
    }
    if (part.blocks.empty()) return true;
    SyncBundle b;
    b.peer = peer;
    b.first = UINT64_MAX;
    for (const auto& cb : part.blocks) {
        if (!cb) continue;
        b.first = std::min(b.first, cb->block.height);
        b.last = std::max(b.last, cb->block.height);
        b.response.blocks.push_back(cb);
    }
    b.response.micros = s.micros;
    s.saw_blocks = true;
    if (b.response.blocks.empty() || b.last <= height) return true;  // nothing new
    m_ready.emplace(b.first, std::move(b));
    while (m_ready.size() > m_max_bundles) m_ready.erase(std::prev(m_ready.end()));
    return true;
}

std::optional<SyncBundle> SyncReorder::Next(uint64_t height) {
    while (!m_ready.empty()) {
        auto it = m_ready.begin();
        if (it->second.last <= height) {
            m_ready.erase(it);
            continue;
        }
        if (it->first > height + 1) return std::nullopt;
        SyncBundle b = std::move(it->second);
        m_ready.erase(it);
        return b;
    }
    return std::nullopt;
}

void SyncReorder::Forget(const std::string& peer) {
    m_streams.erase(peer);
    for (auto it = m_ready.begin(); it != m_ready.end();) {
        it = it->second.peer == peer ? m_ready.erase(it) : std::next(it);
    }
}

std::string SyncProgressLine(uint64_t height, uint64_t target, double blocks_per_sec) {
    std::string eta = "?";
    if (blocks_per_sec > 0.01 && target > height) {
        eta = fmt::format("{:.0f} s",
                          std::ceil(static_cast<double>(target - height) / blocks_per_sec));
    } else if (target <= height) {
        eta = "0 s";
    }
    return fmt::format("height {}/{} ({:.1f} blocks/s, ETA {})", height, target, blocks_per_sec,
                       eta);
}

std::string SyncProgressBar(uint64_t height, uint64_t start, uint64_t target, double blocks_per_sec,
                            size_t width) {
    const double span = target > start ? static_cast<double>(target - start) : 1.0;
    const double done =
        height > start ? static_cast<double>(std::min(height, target) - start) : 0.0;
    const double frac = std::clamp(done / span, 0.0, 1.0);
    const size_t fill = static_cast<size_t>(frac * static_cast<double>(width));
    return fmt::format("sync [{}{}] {:3.0f}% {}", std::string(fill, '#'),
                       std::string(width - fill, '.'), frac * 100.0,
                       SyncProgressLine(height, target, blocks_per_sec));
}

}  // namespace iost::node
