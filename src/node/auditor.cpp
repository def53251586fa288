#include <consensus/audit_assign.h>
#include <consensus/evidence.h>
#include <node/auditor.h>

#include <algorithm>
#include <chrono>

namespace iost::node {

namespace {
int64_t SteadyNs() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}
}  // namespace

Auditor::Auditor(AuditorOptions options, const crypto::Verifier& verifier, VerifiedCache& verified,
                 OnFraud on_fraud)
    : m_opt(options),
      m_verifier(verifier),
      m_verified(verified),
      m_on_fraud(std::move(on_fraud)),
      m_thread([this] { Run(); }) {}

Auditor::~Auditor() { Stop(); }

void Auditor::Stop() {
    {
        std::lock_guard lk(m_mu);
        m_stop = true;
    }
    m_cv.notify_all();
    m_idle_cv.notify_all();
    if (m_thread.joinable()) m_thread.join();
}

void Auditor::Add(const std::vector<std::shared_ptr<const core::MicroBlock>>& micros,
                  AuditLeague league) {
    const int64_t now = SteadyNs();
    {
        std::lock_guard lk(m_mu);
        for (const auto& m : micros) {
            if (!m || m->txs.empty()) continue;
            if (m_stats.backlog_txs + m->txs.size() > m_opt.max_backlog_txs) {
                m_stats.txs_dropped += m->txs.size();
                continue;
            }
            m_stats.backlog_txs += m->txs.size();
            m_queue.push_back({m, league, now});
        }
    }
    m_cv.notify_one();
}

AuditorStats Auditor::stats() const {
    std::lock_guard lk(m_mu);
    return m_stats;
}

void Auditor::Drain() {
    std::unique_lock lk(m_mu);
    m_idle_cv.wait(lk, [&] { return m_stop || (m_queue.empty() && !m_busy); });
}

void Auditor::Run() {
    // Token bucket: `credit` transactions may be verified now; it refills at
    // txs_per_sec and holds at most one second's worth.
    double credit = m_opt.txs_per_sec;
    int64_t last = SteadyNs();
    for (;;) {
        Item item;
        {
            std::unique_lock lk(m_mu);
            m_busy = false;
            if (m_queue.empty()) m_idle_cv.notify_all();
            m_cv.wait(lk, [&] { return m_stop || !m_queue.empty(); });
            if (m_stop) return;
            item = std::move(m_queue.front());
            m_queue.pop_front();
            m_busy = true;
        }
        const std::vector<uint32_t> todo = Assigned(item);
        if (m_opt.txs_per_sec > 0 && !todo.empty()) {
            // The cap applies to what this node checks (pob.md §7.4).
            const double need = static_cast<double>(todo.size());
            for (;;) {
                const int64_t now = SteadyNs();
                credit =
                    std::min(m_opt.txs_per_sec,
                             credit + m_opt.txs_per_sec * static_cast<double>(now - last) / 1e9);
                last = now;
                if (credit >= std::min(need, m_opt.txs_per_sec)) break;
                std::unique_lock lk(m_mu);
                const auto wait_ns = static_cast<int64_t>(
                    (std::min(need, m_opt.txs_per_sec) - credit) / m_opt.txs_per_sec * 1e9);
                m_cv.wait_for(lk, std::chrono::nanoseconds(wait_ns + 1'000'000),
                              [&] { return m_stop; });
                if (m_stop) return;
            }
            credit -= need;
        }
        Audit(item, todo);
    }
}

std::vector<uint32_t> Auditor::Assigned(const Item& item) const {
    const core::MicroBlock& mb = *item.micro;
    std::vector<uint32_t> out;
    out.reserve(mb.txs.size());
    const bool all = !m_opt.assigned_only || !item.league;
    const size_t count = item.league ? consensus::AuditorsPerTx(item.league->size()) : 0;
    for (size_t i = 0; i < mb.txs.size(); ++i) {
        if (all || consensus::ShouldAudit(mb.tx_hashes[i], *item.league, mb.header.producer, count,
                                          m_opt.self)) {
            out.push_back(static_cast<uint32_t>(i));
        }
    }
    return out;
}

void Auditor::Audit(const Item& item, const std::vector<uint32_t>& todo) {
    const core::MicroBlock& mb = *item.micro;
    uint64_t verified = 0, cached = 0;
    const uint64_t not_assigned = mb.txs.size() - todo.size();
    std::shared_ptr<const core::Evidence> proof;
    for (const uint32_t i : todo) {
        const crypto::Hash256& h = mb.tx_hashes[i];
        if (m_verified.Contains(h)) {
            ++cached;
            continue;
        }
        ++verified;
        if (mb.txs[i].VerifyForm(m_opt.chain_id, m_verifier)) {
            m_verified.Insert(h);
            continue;
        }
        // pob.md §7.1: these bytes are fraud; one proof condemns the producer
        // and, once it is slashed, every forged transaction of the producer
        // within the fraud window is found by the recheck.
        proof = std::make_shared<const core::Evidence>(consensus::MakeFraudProof(mb, i));
        break;
    }
    {
        std::lock_guard lk(m_mu);
        ++m_stats.micros_audited;
        m_stats.last_lag_ns = SteadyNs() - item.added_ns;
        m_stats.max_lag_ns = std::max(m_stats.max_lag_ns, m_stats.last_lag_ns);
        m_stats.txs_verified += verified;
        m_stats.txs_cached += cached;
        m_stats.txs_not_assigned += not_assigned;
        m_stats.backlog_txs -= std::min<uint64_t>(m_stats.backlog_txs, mb.txs.size());
        if (proof) {
            ++m_stats.frauds_found;
            m_stats.last_detect_ns = SteadyNs() - item.added_ns;
        }
    }
    if (proof && m_on_fraud) m_on_fraud(proof);
}

}  // namespace iost::node
