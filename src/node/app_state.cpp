#include <core/amount.h>
#include <core/block.h>
#include <core/codec.h>
#include <node/app_state.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>

namespace iost::node {

// --- VerifiedCache -----------------------------------------------------------

size_t VerifiedCache::SeededHash::operator()(const crypto::Hash256& h) const noexcept {
    // The hash is SHA3 output: 8 of its bytes are already uniform; the seeded
    // mix (splitmix64's finalizer) only hides the bucket from whoever picks txs.
    uint64_t x;
    std::memcpy(&x, h.data(), sizeof x);
    x ^= seed;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return static_cast<size_t>(x ^ (x >> 31));
}

namespace {
uint64_t RandomSeed() {
    std::random_device rd;
    return (static_cast<uint64_t>(rd()) << 32) ^ rd();
}
}  // namespace

VerifiedCache::VerifiedCache(size_t capacity, size_t failed_capacity)
    : m_capacity(capacity),
      m_failed_capacity(failed_capacity),
      m_set(0, SeededHash{RandomSeed()}),
      m_failed(0, SeededHash{RandomSeed()}) {}

void VerifiedCache::Insert(const crypto::Hash256& h) {
    std::lock_guard lk(m_mu);
    if (!m_set.insert(h).second) return;
    m_order.push_back(h);
    while (m_order.size() > m_capacity) {
        m_set.erase(m_order.front());
        m_order.pop_front();
    }
}

bool VerifiedCache::Contains(const crypto::Hash256& h) const {
    std::lock_guard lk(m_mu);
    return m_set.count(h) != 0;
}

void VerifiedCache::InsertFailed(const crypto::Hash256& h) {
    std::lock_guard lk(m_mu);
    if (!m_failed.insert(h).second) return;
    m_failed_order.push_back(h);
    while (m_failed_order.size() > m_failed_capacity) {
        m_failed.erase(m_failed_order.front());
        m_failed_order.pop_front();
    }
}

bool VerifiedCache::Failed(const crypto::Hash256& h) const {
    std::lock_guard lk(m_mu);
    return m_failed.count(h) != 0;
}

size_t VerifiedCache::size() const {
    std::lock_guard lk(m_mu);
    return m_set.size();
}

// --- StoreStateReader --------------------------------------------------------

std::optional<std::string> StoreStateReader::Get(std::string_view key) const {
    auto r = m_store.Get(util::AsBytes(key));
    if (!r) {
        // docs/architecture.md §2: an unrecoverable storage error stops the node loudly.
        std::fprintf(stderr, "FATAL: state read failed: %s\n", r.error().message.c_str());
        std::abort();
    }
    if (!*r) return std::nullopt;
    return std::string(util::AsString(**r));
}

void AttachStateCache(storage::BlockStore& blocks, ledger::CachedState& cache) {
    blocks.SetStateObserver([&cache](const std::vector<storage::StateWrite>& writes, bool known) {
        if (!known) {
            cache.Clear();
            return;
        }
        // Views into the record being committed: no copy of every write.
        std::vector<ledger::CachedState::WriteView> ws;
        ws.reserve(writes.size());
        for (const auto& w : writes) {
            std::optional<std::string_view> value;
            if (w.value) value = util::AsString(*w.value);
            ws.emplace_back(util::AsString(w.key), value);
        }
        cache.ApplyCommitted(ws);
    });
}

// --- LedgerApp ---------------------------------------------------------------

LedgerApp::LedgerApp(const ledger::Ledger& ledger, const ledger::StateReader& disk,
                     LedgerAppOptions options, const crypto::Verifier& verifier,
                     VerifiedCache& verified, util::Logger log)
    : m_ledger(ledger),
      m_disk(disk),
      m_opt(options),
      m_verifier(verifier),
      m_verified(verified),
      m_log(std::move(log)),
      m_view(*this) {}

std::optional<std::string> LedgerApp::PendingView::Get(std::string_view key) const {
    if (m_app.m_replay) return m_app.m_replay->Get(key);
    for (auto it = m_app.m_pending.rbegin(); it != m_app.m_pending.rend(); ++it) {
        auto w = it->writes.find(key);
        if (w != it->writes.end()) return w->second;
    }
    return m_app.m_disk.Get(key);
}

std::shared_ptr<const void> LedgerApp::PendingView::GetDecoded(std::string_view key,
                                                               Decoder decode) const {
    if (m_app.m_replay) return m_app.m_replay->GetDecoded(key, decode);
    for (auto it = m_app.m_pending.rbegin(); it != m_app.m_pending.rend(); ++it) {
        auto w = it->writes.find(key);
        if (w != it->writes.end()) return w->second ? decode(*w->second) : nullptr;
    }
    return m_app.m_disk.GetDecoded(key, decode);
}

const ledger::StateReader& LedgerApp::committed() const { return m_view; }

util::Status LedgerApp::CheckTxBytes(const core::Tx& tx) {
    const crypto::Hash256 h = tx.Hash();
    if (m_verified.Contains(h)) return util::Ok();
    // A copy kept unchecked that failed once (docs/pob.md §5.5) costs no
    // second check however often the engine asks.
    if (m_verified.Failed(h)) return util::Err("signatures or form failed an earlier check");
    auto st = tx.VerifyForm(m_opt.chain_id, m_verifier);
    if (!st) {
        m_verified.InsertFailed(h);
        return util::Err(std::string(core::TxErrorName(st.error().reason)) + ": " +
                         st.error().message);
    }
    m_verified.Insert(h);
    return util::Ok();
}

util::Status LedgerApp::CheckTx(const core::Tx& tx) {
    IOST_TRY(CheckTxBytes(tx));
    return m_ledger.CheckAuth(m_view, tx);
}

crypto::Hash256 LedgerApp::InputDigest(const consensus::ExecInput& in) {
    core::Encoder e(64 + in.tx_hashes.size() * 36);
    e.WriteInt64(static_cast<int64_t>(in.height));
    e.WriteInt64(in.time);
    e.WriteString(in.proposer);
    e.WriteInt32(static_cast<int32_t>(in.tx_hashes.size()));
    for (const auto& h : in.tx_hashes) e.WriteBytes(crypto::View(h));
    e.WriteInt32(static_cast<int32_t>(in.slashes.size()));
    for (const auto& s : in.slashes) {
        e.WriteString(s.validator);
        e.WriteBytes(crypto::View(s.evidence_id));
    }
    e.WriteInt32(static_cast<int32_t>(in.compensations.size()));
    for (const auto& c : in.compensations) {
        e.WriteBytes(crypto::View(c.tx_hash));
        e.WriteString(c.paid_by);
    }
    e.WriteStringList(in.credited);
    e.WriteInt32(static_cast<int32_t>(in.servi_deltas.size()));
    for (const auto& [v, d] : in.servi_deltas) {
        e.WriteString(v);
        e.WriteInt64(d);
    }
    e.WriteStringList(in.idle);
    e.WriteInt32(static_cast<int32_t>(in.servi_decay_percent));
    return crypto::Sha3_256(e.bytes());
}

crypto::Hash256 LedgerApp::ReceiptRoot(const std::vector<ledger::TxOutcome>& outcomes) {
    std::vector<crypto::Hash256> leaves;
    leaves.reserve(outcomes.size());
    for (const auto& o : outcomes) leaves.push_back(o.receipt.Hash());
    return core::MerkleRoot(leaves);
}

LedgerApp::Executed LedgerApp::Run(const consensus::ExecInput& in) {
    ledger::BlockContext ctx;
    ctx.time_ns = in.time;
    ctx.height = in.height;
    ctx.producer = in.proposer;
    ctx.fraud_records = true;
    ctx.fraud_window = m_opt.fraud_window;
    ledger::BlockExecutor ex(m_ledger, m_view, ctx);
    // Order fixed by consensus/application.h: slashes, compensations, Servi
    // credits, then the transactions.
    for (const auto& s : in.slashes) {
        auto r = ex.Slash(s.validator);
        if (!r) m_log.Warn("slash {} at {}: {}", s.validator, in.height, r.error().message);
    }
    // pob.md §7.3: exactly the debits execution recorded for the forged
    // transaction, once, every token; a failed forgery took nothing.
    for (const auto& c : in.compensations) {
        if (m_opt.skip_compensation) break;
        const ledger::CompensationOutcome co = ex.CompensateTx(c.tx_hash);
        for (const auto& d : co.shortfall) {
            m_log.Error("compensation of {} at {}: pool short of {} {} for {}",
                        crypto::HashToBase58(c.tx_hash), in.height, d.amount, d.token, d.account);
        }
    }
    for (const auto& v : in.credited) {
        auto st = ex.AddServi(v, 1);
        if (!st) m_log.Debug("servi credit {}: {}", v, st.error().message);
    }
    if (!in.proposer.empty()) {
        auto st = ex.AddServi(in.proposer, 1);
        if (!st) m_log.Debug("servi credit {}: {}", in.proposer, st.error().message);
    }
    // docs/pob.md §4.1: missed duties, then (last block of an epoch) idle
    // members logged out and every validator's Servi decays.
    for (const auto& [v, d] : in.servi_deltas) {
        auto st = d < 0 ? ex.PenalizeServi(v, -d) : ex.AddServi(v, d);
        if (!st) m_log.Debug("servi delta {}: {}", v, st.error().message);
    }
    for (const auto& v : in.idle) {
        auto st = ex.LogOutProducer(v);
        if (!st) m_log.Debug("idle {}: {}", v, st.error().message);
    }
    ex.DecayServi(in.servi_decay_percent);
    IOST_ASSERT(in.txs.size() == in.tx_hashes.size(), "ExecInput txs and hashes differ in length");
    for (size_t i = 0; i < in.txs.size(); ++i) {
        (void)ex.ApplyTx(*in.txs[i], in.tx_hashes[i], ledger::AuthCheck::kFull);
    }
    Executed out;
    out.result = ex.Finish();
    out.receipt_root = ReceiptRoot(out.result.outcomes);
    return out;
}

consensus::ExecResult LedgerApp::Execute(const consensus::ExecInput& in) {
    const crypto::Hash256 key = InputDigest(in);
    auto it = m_exec_cache.find(key);
    if (it == m_exec_cache.end()) {
        if (m_exec_cache.size() >= 16) m_exec_cache.erase(m_exec_cache.begin());
        it = m_exec_cache.emplace(key, Run(in)).first;
    }
    consensus::ExecResult r;
    r.state_root = it->second.result.state_root;
    r.receipt_root = it->second.receipt_root;
    r.tx_debits.reserve(it->second.result.outcomes.size());
    for (const auto& o : it->second.result.outcomes) {
        if (!o.executed || !o.receipt.ok()) ++r.failed_txs;
        // pob.md §7.5: summed per token, ordered by token.
        std::map<std::string, int64_t> per_token;
        for (const auto& d : o.debits) {
            int64_t& sum = per_token[d.token];
            sum = d.amount > INT64_MAX - sum ? INT64_MAX : sum + d.amount;
        }
        auto& out = r.tx_debits.emplace_back();
        for (const auto& [token, amount] : per_token) out.push_back({token, amount});
    }
    return r;
}

void LedgerApp::Commit(const consensus::ExecInput& in, const consensus::ExecResult& result) {
    IOST_ASSERT(in.height == m_height + 1, "Commit out of order");
    const crypto::Hash256 key = InputDigest(in);
    auto it = m_exec_cache.find(key);
    Executed ex = it != m_exec_cache.end() ? std::move(it->second) : Run(in);
    m_exec_cache.clear();
    IOST_ASSERT(ex.result.state_root == result.state_root,
                "Commit: re-execution gives another state root than the engine accepted");
    m_height = in.height;
    if (m_replay) {
        m_replay->Apply(ex.result.writes);
        return;
    }
    CommittedBlock cb;
    cb.height = in.height;
    cb.time = in.time;
    cb.writes = std::move(ex.result.writes);
    cb.tx_hashes = in.tx_hashes;
    cb.outcomes = std::move(ex.result.outcomes);
    cb.state_root = ex.result.state_root;
    cb.receipt_root = ex.receipt_root;
    m_pending.push_back(std::move(cb));
}

std::vector<consensus::Candidate> LedgerApp::Candidates() {
    std::vector<consensus::Candidate> out;
    // Servi 0 included: a newcomer may take a reserved seat (docs/pob.md
    // §4.1); consensus::Elect applies min_servi to the weighted draw.
    for (const auto& v : ledger::ElectionCandidates(m_view, 0)) {
        consensus::Candidate c;
        c.id = v.account;
        c.key = v.consensus_key;
        c.servi = v.servi < 0 ? 0 : static_cast<uint64_t>(v.servi);
        // Election weight uses log2(1+stake) of whole tokens.
        c.stake = v.stake < 0 ? 0 : static_cast<uint64_t>(v.stake / 100'000'000);
        c.registered_time = v.registered_time;
        out.push_back(std::move(c));
    }
    return out;
}

int64_t LedgerApp::BondedStake(const std::string& validator) {
    return ledger::BondedStake(m_view, validator);
}

void LedgerApp::BeginReplay(const ledger::WriteSet& genesis_writes) {
    m_replay = std::make_unique<ledger::MemState>();
    m_replay->Apply(genesis_writes);
    m_pending.clear();
    m_exec_cache.clear();
    m_height = 0;
}

util::Status LedgerApp::EndReplay(uint64_t disk_height, const crypto::Hash256& disk_root) {
    IOST_ASSERT(m_replay != nullptr, "EndReplay without BeginReplay");
    const crypto::Hash256 root = ledger::StateRootOf(*m_replay);
    const uint64_t reached = m_height;
    m_replay.reset();
    m_exec_cache.clear();
    if (reached != disk_height) {
        return util::Err("replay reached height " + std::to_string(reached) +
                         " but the data dir's head is " + std::to_string(disk_height));
    }
    if (root != disk_root) {
        return util::Err("replayed state root " + crypto::HashToBase58(root) +
                         " differs from the data dir's " + crypto::HashToBase58(disk_root) +
                         " at height " + std::to_string(disk_height));
    }
    return util::Ok();
}

const CommittedBlock* LedgerApp::Pending(uint64_t height) const {
    for (const auto& b : m_pending) {
        if (b.height == height) return &b;
    }
    return nullptr;
}

void LedgerApp::MarkPersisted(uint64_t height) {
    IOST_ASSERT(!m_pending.empty() && m_pending.front().height == height,
                "MarkPersisted: blocks must be persisted in order");
    m_pending.pop_front();
}

}  // namespace iost::node
