#include <consensus/engine.h>
#include <consensus/evidence.h>
#include <consensus/view_change.h>
#include <core/codec.h>
#include <crypto/sampling.h>

#include <algorithm>

namespace iost::consensus {

const char* MessageName(const Message& m) {
    static constexpr const char* kNames[] = {"tx",       "micro",      "proposal",
                                             "vote",     "viewchange", "evidence",
                                             "microreq", "syncreq",    "syncresp"};
    return kNames[m.index()];
}

namespace {

bool VerifyWith(const crypto::Verifier& v, const crypto::PublicKey& k, const crypto::Hash256& msg,
                util::ByteView sig) {
    return v.Verify({k.algorithm, k.bytes, crypto::View(msg), sig});
}

constexpr size_t kMaxBuffered = 4'096;
constexpr uint64_t kMaxViewAhead = 1'000;
constexpr size_t kSyncBatch = 32;

}  // namespace

Engine::Engine(EngineOptions options, const crypto::Signer& signer,
               const crypto::Verifier& verifier, Application& app, util::Logger log)
    : m_opt(std::move(options)),
      m_signer(signer),
      m_verifier(verifier),
      m_app(app),
      m_log(std::move(log)),
      m_exposure(m_opt.params.audit_window) {
    m_last_hash = m_opt.genesis_hash;
    m_last_time = m_opt.genesis_time;
}

Effects Engine::Take() {
    Effects out;
    out.swap(m_out);
    return out;
}

bool Engine::IsNormal() const { return m_committee.NormalIndex(m_opt.id).has_value(); }

NodeId Engine::Primary(uint64_t height, uint64_t view) const {
    if (m_committee.normal.empty()) return {};
    return m_committee.normal[(height + view) % m_committee.normal.size()].id;
}

int64_t Engine::ViewTimeout(uint64_t view) const {
    const int shift = static_cast<int>(std::min<uint64_t>(view, kMaxTimeoutDoublings));
    return m_opt.params.view_timeout_ns << shift;
}

const Committee* Engine::CommitteeForEpoch(uint64_t epoch) const {
    if (epoch == m_committee.epoch) return &m_committee;
    if (m_prev_committee && m_prev_committee->epoch == epoch) return &*m_prev_committee;
    auto it = m_past_committees.find(epoch);
    return it == m_past_committees.end() ? nullptr : &it->second;
}

ChainView Engine::View() const {
    ChainView v;
    v.params = &m_opt.params;
    v.height = m_height;
    v.last_hash = m_last_hash;
    v.last_time = m_last_time;
    v.committee = &m_committee;
    v.prev_committee = m_prev_committee ? &*m_prev_committee : nullptr;
    v.past_committees = &m_past_committees;
    v.slashed = &m_slashed;
    v.fallback = &m_fallback;
    v.included = &m_included;
    v.recent = &m_recent;
    v.final_txs = &m_final_txs;
    v.compensated = &m_compensated;
    v.micros = &m_micro;
    v.evidence_pool = &m_evidence_pool;
    v.worked = &m_worked;
    v.seed = &m_seed_book;
    v.votes = &m_votes;
    return v;
}

std::optional<std::string> Engine::OwnerOf(const std::string& publisher) const {
    return consensus::OwnerOf(View(), m_fallback, publisher);
}

std::vector<std::shared_ptr<const core::MicroBlock>> Engine::FinalMicros() const {
    std::vector<std::shared_ptr<const core::MicroBlock>> out;
    for (const auto& [h, list] : m_chain_micros) out.insert(out.end(), list.begin(), list.end());
    return out;
}

// ---------------------------------------------------------------------------
// Start, restore, epochs.

Effects Engine::Start(TimePoint now) {
    const auto cands = m_app.Candidates();
    m_committee = Elect(cands, EpochSeed(0, m_opt.genesis_hash), 0, m_opt.params);
    NewEpoch(now);
    EnterHeight(1, now);
    return Take();
}

Effects Engine::Restore(const std::vector<std::shared_ptr<const core::CertifiedBlock>>& blocks,
                        const std::vector<std::shared_ptr<const core::MicroBlock>>& micros,
                        const std::optional<SafetyState>& safety, TimePoint now,
                        const std::optional<ProducerState>& producer) {
    BeginRestore(now);
    // A block that does not apply stops the replay there; the caller
    // compares the height reached with what it gave.
    if (auto st = RestoreBlocks(blocks, micros, now); !st)
        m_log.Warn("restore: {}", st.error().message);
    return EndRestore(safety, now, producer);
}

void Engine::BeginRestore(TimePoint now) {
    (void)Start(now);
    m_out.clear();
}

util::Status Engine::RestoreBlocks(
    const std::vector<std::shared_ptr<const core::CertifiedBlock>>& blocks,
    const std::vector<std::shared_ptr<const core::MicroBlock>>& micros, TimePoint now) {
    for (const auto& m : micros) m_micro.emplace(m->hash, m);
    SyncResponse r;
    r.blocks = blocks;
    SyncApply res;
    HandleSyncResponse(m_opt.id, r, now, &res);
    m_out.clear();  // replay emits nothing the driver has not already done
    if (res.bad()) return util::Err(DescribeSync(res));
    return util::Ok();
}

void Engine::RestoreOwnMicros(const std::vector<std::shared_ptr<const core::MicroBlock>>& micros) {
    uint64_t included = 0;
    if (auto it = m_included.find(m_opt.id); it != m_included.end()) included = it->second.first;
    for (const auto& m : micros) {
        if (!m) continue;
        const auto& hdr = m->header;
        if (hdr.producer != m_opt.id || hdr.epoch != m_committee.epoch || hdr.seq <= included ||
            m_micro.count(m->hash)) {
            continue;
        }
        m_micro.emplace(m->hash, m);
        m_micro_by_seq[{m_opt.id, hdr.seq}].push_back(m->hash);
        m_packed.insert(m->tx_hashes.begin(), m->tx_hashes.end());
        // Packed, not final: an epoch change re-routes them (NewEpoch).
        for (size_t i = 0; i < m->txs.size() && i < m->tx_hashes.size(); ++i) {
            const crypto::Hash256& h = m->tx_hashes[i];
            if (!m_final_txs.count(h)) {
                m_unconfirmed.emplace(h, std::make_shared<const core::Tx>(m->txs[i]));
            }
        }
    }
}

Effects Engine::EndRestore(const std::optional<SafetyState>& safety, TimePoint now,
                           const std::optional<ProducerState>& producer) {
    if (safety && safety->height == m_height + 1) {
        m_safety = *safety;
        Persist();
    }
    // pob.md §9: this validator signed MicroBlocks up to producer->seq in
    // this epoch before it stopped: continue after the last one (its
    // successor links to it; peers hold it, the producer does not any more).
    if (producer && producer->epoch == m_committee.epoch && producer->seq > m_my_seq) {
        m_my_seq = producer->seq;
        m_my_prev = producer->hash;
    }
    if (m_committee.IsBelievable(m_opt.id)) {
        Emit(SetTimer{{TimerKind::kMicro, 0, 0}, now + m_opt.params.micro_interval_ns});
    }
    EnterHeight(m_height + 1, now);
    return Take();
}

void Engine::NewEpoch(TimePoint now) {
    // MicroBlocks of earlier epochs can never be referenced again.
    for (auto it = m_micro.begin(); it != m_micro.end();) {
        it = it->second->header.epoch < m_committee.epoch ? m_micro.erase(it) : std::next(it);
    }
    for (auto it = m_sampled.begin(); it != m_sampled.end();) {
        it = m_micro.count(*it) ? std::next(it) : m_sampled.erase(it);
    }
    for (auto it = m_fully_verified.begin(); it != m_fully_verified.end();) {
        it = m_micro.count(*it) ? std::next(it) : m_fully_verified.erase(it);
    }
    m_fallback.clear();
    m_included.clear();
    m_packed.clear();
    m_worked.clear();
    m_votes = VoteTally{};
    m_seed_book = SeedBook{};
    m_micro_by_seq.clear();
    m_micro_failed.clear();
    m_last_micro_time.clear();
    for (const auto& c : m_committee.believable) m_last_micro_time[c.id] = now;
    m_my_seq = 0;
    m_my_prev = crypto::Hash256{};
    m_last_emit = 0;
    m_log.Debug("epoch {}: {} believable, {} normal{}", m_committee.epoch,
                m_committee.believable.size(), m_committee.normal.size(),
                m_committee.chain_fallback ? " (chain fallback)" : "");
    // Re-route what this node held as a producer: owners change with the seed.
    std::vector<std::shared_ptr<const core::Tx>> held;
    for (auto& t : m_pending) held.push_back(t);
    for (auto& [h, t] : m_unconfirmed) held.push_back(t);
    m_pending.clear();
    m_pending_set.clear();
    m_unconfirmed.clear();
    for (auto& t : held) {
        if (!m_final_txs.count(t->Hash())) RouteTx(t, /*from_client=*/true, now);
    }
    // pob.md §5.5: the censorship deadline restarts with the league. A
    // validator that joins it gets its copies only now (HandOverKept), so a
    // primary that stayed must not count the time before, or it proposes
    // what the newcomers cannot vote for yet and the view fails.
    for (auto& [h, k] : m_kept) k.since = now;
    RerouteKept();
    HandOverKept();
    if (m_committee.IsBelievable(m_opt.id)) {
        Emit(SetTimer{{TimerKind::kMicro, 0, 0}, now + m_opt.params.micro_interval_ns});
    }
    // MicroBlocks that arrived for this epoch before we reached it.
    std::deque<std::shared_ptr<const core::MicroBlock>> future;
    future.swap(m_future_micros);
    for (auto& m : future) HandleMicro(m->header.producer, m, now);
}

void Engine::EnterHeight(uint64_t height, TimePoint now, bool after_commit) {
    if (m_safety.height != height) m_safety = AtHeight(height);
    m_round = Round{};
    m_round.height = height;
    if (IsNormal()) {
        const uint64_t v = m_safety.view;
        Emit(SetTimer{{TimerKind::kView, height, v},
                      now + m_opt.params.final_interval_ns + ViewTimeout(v)});
        if (Primary(height, v) == m_opt.id) {
            if (v == 0) {
                const int64_t fi = m_opt.params.final_interval_ns;
                const int64_t delay = after_commit ? ProposeDelay(fi, m_last_time, now) : fi;
                Emit(SetTimer{{TimerKind::kPropose, height, 0}, now + delay});
            }
        }
    }
    ReplayBuffered(now);
}

// ---------------------------------------------------------------------------
// Inputs.

Effects Engine::OnClientTx(const core::Tx& tx, TimePoint now) {
    RouteTx(std::make_shared<const core::Tx>(tx), /*from_client=*/true, now);
    SealEarly(now);
    return Take();
}

Effects Engine::OnTimeout(const TimerId& t, TimePoint now) {
    switch (t.kind) {
        case TimerKind::kMicro:
            if (m_committee.IsBelievable(m_opt.id)) {
                ProduceMicro(now);
                Emit(SetTimer{{TimerKind::kMicro, 0, 0}, now + m_opt.params.micro_interval_ns});
            }
            break;
        case TimerKind::kPropose:
            if (t.height == m_height + 1 && t.view == m_safety.view && IsNormal() &&
                Primary(t.height, t.view) == m_opt.id) {
                Propose(t.view, now);
            }
            break;
        case TimerKind::kView:
            if (t.height == m_height + 1 && t.view == m_safety.view && IsNormal()) {
                // pob.md §6.4: no decision in this view in time.
                StartViewChange(t.view + 1, now);
            }
            break;
    }
    return Take();
}

Effects Engine::OnMessage(const NodeId& from, const Message& msg, TimePoint now) {
    Dispatch(from, msg, now);
    if (std::holds_alternative<TxMsg>(msg)) SealEarly(now);
    return Take();
}

void Engine::Dispatch(const NodeId& from, const Message& msg, TimePoint now) {
    std::visit(
        [&](const auto& m) {
            using T = std::decay_t<decltype(m)>;
            if constexpr (std::is_same_v<T, TxMsg>) {
                // from_client: the driver hands over a tx it received from a
                // non-validator as a first hop (it may be forwarded once).
                if (m.tx) RouteTx(m.tx, m.from_client, now);
            } else if constexpr (std::is_same_v<T, MicroMsg>) {
                if (!m.micro) return;
                if (m_micro.count(m.micro->hash)) {
                    // Already accepted under that hash: nothing new either
                    // way (a forgery claiming it would be refused anyway).
                    RetryWaiting(now);
                    return;
                }
                // Decoded from bytes by the node: derived from those bytes
                // already (one hash per tx per node, docs/benchmarks.md).
                if (m.sealed_from_bytes) {
                    HandleMicro(from, m.micro, now);
                    return;
                }
                // Never trust derived fields from the wire: recompute them
                // (one copy, shared from here on).
                auto copy = std::make_shared<core::MicroBlock>(*m.micro);
                const auto claimed = copy->header;
                copy->Seal();
                if (copy->header.tx_root != claimed.tx_root ||
                    copy->header.tx_count != claimed.tx_count) {
                    ++m_stats.bad_messages;
                    return;
                }
                HandleMicro(from, std::move(copy), now);
            } else if constexpr (std::is_same_v<T, ProposalMsg>) {
                HandleProposal(from, m, now);
            } else if constexpr (std::is_same_v<T, VoteMsg>) {
                if (m.vote.height > m_height + 1) {
                    Buffer(from, msg);
                    MaybeRequestSync(from, now);
                } else if (m.vote.height == m_height + 1) {
                    HandleVote(m.vote, now);
                } else {
                    if (m.vote.height == m_height && m.vote.kind == core::kVoteCommit)
                        HandleLateCommit(m.vote);
                    MaybeHelpLaggard(from, m.vote.height, now);
                }
            } else if constexpr (std::is_same_v<T, ViewChangeMsg>) {
                if (m.height > m_height + 1) {
                    Buffer(from, msg);
                    MaybeRequestSync(from, now);
                } else if (m.height == m_height + 1) {
                    HandleViewChange(m, now);
                } else {
                    MaybeHelpLaggard(from, m.height, now);
                }
            } else if constexpr (std::is_same_v<T, EvidenceMsg>) {
                if (m.evidence) AddEvidence(m.evidence, /*gossip=*/true);
            } else if constexpr (std::is_same_v<T, MicroRequest>) {
                // Each requested block and up to 64 predecessors: the
                // requester walks chains backwards and would otherwise need
                // one round trip per missing link.
                size_t n = 0;
                std::set<crypto::Hash256> sent;
                for (const auto& h : m.hashes) {
                    crypto::Hash256 cur = h;
                    for (int depth = 0; depth < 64 && n < 512; ++depth) {
                        auto it = m_micro.find(cur);
                        if (it == m_micro.end() || !sent.insert(cur).second) break;
                        Emit(Send{from, MicroMsg{it->second}});
                        ++n;
                        cur = it->second->header.prev_micro_hash;
                    }
                }
            } else if constexpr (std::is_same_v<T, SyncRequest>) {
                HandleSyncRequest(from, m, now);
            } else if constexpr (std::is_same_v<T, SyncResponse>) {
                HandleSyncResponse(from, m, now);
            }
        },
        msg);
}

// ---------------------------------------------------------------------------
// Phase 1: routing, MicroBlocks, sampling, evidence.

void Engine::RouteTx(const std::shared_ptr<const core::Tx>& tx, bool from_client, TimePoint now) {
    const crypto::Hash256 h = tx->Hash();
    if (m_final_txs.count(h)) return;
    Keep(tx, h, now);
    const auto owner = OwnerOf(tx->publisher);
    if (auto k = m_kept.find(h); k != m_kept.end()) k->second.owner = owner.value_or("");
    if (!owner) {
        // pob.md §5.4: the normal league takes it directly.
        if (IsNormal() && !m_direct_set.count(h)) {
            if (!m_app.CheckTx(*tx).ok()) return;
            m_direct_set.insert(h);
            m_direct.emplace_back(h, tx);
        }
        if (from_client) {
            for (const auto& c : m_committee.normal) {
                if (c.id != m_opt.id) Emit(Send{c.id, TxMsg{tx, false}});
            }
        }
        return;
    }
    if (from_client && m_opt.params.keep_max_txs > 0) {
        // pob.md §5.5: the first hop also hands a copy to every normal
        // validator, which keeps it: if the owner does not pack it in time
        // (or dies), the normal league includes it directly.
        for (const auto& c : m_committee.normal) {
            if (c.id != m_opt.id && c.id != *owner) Emit(Send{c.id, TxMsg{tx, false}});
        }
    }
    if (*owner == m_opt.id) {
        if (m_pending_set.count(h) || m_unconfirmed.count(h)) return;
        // pob.md §5.2: the owner verifies fully before it packs.
        if (!m_app.CheckTx(*tx).ok()) return;
        m_pending_set.emplace(h, tx);
        m_pending.push_back(tx);
        return;
    }
    if (from_client) Emit(Send{*owner, TxMsg{tx, false}});
}

void Engine::Keep(const std::shared_ptr<const core::Tx>& tx, const crypto::Hash256& h,
                  TimePoint now) {
    const Params& P = m_opt.params;
    if (P.keep_max_txs == 0 || m_kept.count(h) || m_kept.size() >= P.keep_max_txs) return;
    auto& per = m_kept_per_publisher[tx->publisher];
    if (per >= P.keep_max_per_publisher) return;
    ++per;
    m_kept.emplace(h, Kept{tx, now, {}});
    m_kept_by_expiry.emplace(tx->expiration, h);
}

void Engine::Unkeep(const crypto::Hash256& h) {
    auto it = m_kept.find(h);
    if (it == m_kept.end()) return;
    const auto& tx = *it->second.tx;
    auto per = m_kept_per_publisher.find(tx.publisher);
    if (per != m_kept_per_publisher.end() && --per->second == 0) m_kept_per_publisher.erase(per);
    for (auto [a, b] = m_kept_by_expiry.equal_range(tx.expiration); a != b; ++a) {
        if (a->second == h) {
            m_kept_by_expiry.erase(a);
            break;
        }
    }
    m_kept.erase(it);
}

void Engine::RerouteKept() {
    // pob.md §5.5: owners changed (new epoch, a slash, a fallback): a kept
    // transaction of a partition now in fallback joins the normal league's
    // direct pool; one of a new owner is handed to it by the normal league,
    // this epoch's or the last one's (the old owner may be dead, and with it
    // the only other copy).
    const bool was_normal = m_prev_committee && m_prev_committee->NormalIndex(m_opt.id);
    for (auto& [h, k] : m_kept) {
        if (m_final_txs.count(h)) continue;
        const auto owner = OwnerOf(k.tx->publisher);
        const std::string now_owner = owner.value_or("");
        const bool changed = now_owner != k.owner;
        k.owner = now_owner;
        if (!owner) {
            if (IsNormal() && !m_direct_set.count(h) && m_app.CheckTx(*k.tx).ok()) {
                m_direct_set.insert(h);
                m_direct.emplace_back(h, k.tx);
            }
        } else if (*owner == m_opt.id) {
            if (!m_pending_set.count(h) && !m_unconfirmed.count(h) && m_app.CheckTx(*k.tx).ok()) {
                m_pending_set.emplace(h, k.tx);
                m_pending.push_back(k.tx);
            }
        } else if (changed && (IsNormal() || was_normal)) {
            Emit(Send{*owner, TxMsg{k.tx, false}});
        }
    }
}

void Engine::HandOverKept() {
    // pob.md §5.5: a validator that joins the normal league at this epoch
    // holds none of the copies the league kept so far: the last epoch's
    // normal validators hand them over (its deadline clock starts now).
    if (!m_prev_committee || !m_prev_committee->NormalIndex(m_opt.id) || m_kept.empty()) return;
    for (const auto& c : m_committee.normal) {
        if (c.id == m_opt.id || m_prev_committee->NormalIndex(c.id)) continue;
        for (const auto& [h, k] : m_kept) {
            if (!m_final_txs.count(h)) Emit(Send{c.id, TxMsg{k.tx, false}});
        }
    }
}

bool Engine::Overdue(const crypto::Hash256& h, int64_t deadline, TimePoint now,
                     bool need_unpacked) const {
    auto it = m_kept.find(h);
    return it != m_kept.end() && now - it->second.since >= deadline &&
           (!need_unpacked || !m_packed.count(h)) && !m_final_txs.count(h);
}

void Engine::SealEarly(TimePoint now) {
    // pob.md §5.2: micro_interval is the least spacing between two of this
    // producer's MicroBlocks. A transaction that finds the last one at least
    // that old is sealed now rather than up to a whole interval later; the
    // tick is re-armed one interval ahead so the spacing holds.
    if (m_pending.empty() || !m_committee.IsBelievable(m_opt.id)) return;
    const int64_t interval = m_opt.params.micro_interval_ns;
    if (now - m_last_emit < interval) return;
    const TimePoint before = m_last_emit;
    ProduceMicro(now);
    if (m_last_emit != before) Emit(SetTimer{{TimerKind::kMicro, 0, 0}, now + interval});
}

void Engine::ProduceMicro(TimePoint now) {
    if (m_slashed.count(m_opt.id) || m_fallback.count(m_opt.id)) return;
    const int64_t heartbeat = std::max<int64_t>(m_opt.params.silent_after_ns / 3, 1);
    if (m_pending.empty() && now - m_last_emit < heartbeat) return;
    auto mb = std::make_shared<core::MicroBlock>();
    mb->header.epoch = m_committee.epoch;
    mb->header.producer = m_opt.id;
    mb->header.seq = ++m_my_seq;
    mb->header.prev_micro_hash = m_my_prev;
    mb->header.base_final_height = m_height;
    mb->header.time = now;
    while (!m_pending.empty() && mb->txs.size() < m_opt.params.max_txs_per_micro) {
        auto tx = m_pending.front();
        m_pending.pop_front();
        const crypto::Hash256 h = tx->Hash();
        m_pending_set.erase(h);
        if (m_final_txs.count(h)) continue;
        m_unconfirmed.emplace(h, tx);
        m_packed.insert(h);
        mb->txs.push_back(*tx);
    }
    if (m_opt.test_only_alter_micro) m_opt.test_only_alter_micro(*mb);
    mb->Seal();
    mb->producer_sig = m_signer.Sign(crypto::View(mb->hash));
    m_my_prev = mb->hash;
    m_last_emit = now;
    ++m_stats.micro_blocks_produced;
    std::shared_ptr<const core::MicroBlock> cmb = mb;
    m_micro.emplace(mb->hash, cmb);
    m_micro_by_seq[{m_opt.id, mb->header.seq}].push_back(mb->hash);
    m_last_micro_time[m_opt.id] = now;
    // pob.md §9: durable before it leaves, so a restart never reuses this seq
    // and can still serve this block if no peer kept it.
    if (m_opt.persist_producer) {
        Emit(PersistProducer{{mb->header.epoch, mb->header.seq, mb->hash}, cmb});
    }
    Emit(Broadcast{MicroMsg{cmb}});
}

void Engine::HandleMicro(const NodeId& from, std::shared_ptr<const core::MicroBlock> ptr,
                         TimePoint now) {
    (void)from;
    const core::MicroBlock& mb = *ptr;
    if (m_micro.count(mb.hash)) {
        RetryWaiting(now);
        return;
    }
    const auto& hdr = mb.header;
    if (hdr.epoch > m_committee.epoch) {
        if (m_future_micros.size() < kMaxBuffered) {
            m_future_micros.push_back(ptr);
        }
        return;
    }
    if (hdr.epoch == m_committee.epoch) {
        // Its seq is final already: this is that block again (forgotten
        // after finality to bound memory) or a rival that can never be
        // included.
        auto inc = m_included.find(hdr.producer);
        if (inc != m_included.end() && hdr.seq <= inc->second.first) return;
    }
    const Committee* c = CommitteeForEpoch(hdr.epoch);
    if (!c || !c->IsBelievable(hdr.producer) || hdr.seq == 0 ||
        !VerifyMicroSignature(hdr, mb.producer_sig, *c->KeyOf(hdr.producer), m_verifier)) {
        ++m_stats.bad_messages;
        return;
    }
    m_micro.emplace(mb.hash, ptr);
    if (hdr.epoch != m_committee.epoch) {
        RetryWaiting(now);  // an old epoch's block can still complete a sync
        return;
    }
    m_last_micro_time[hdr.producer] = std::max(m_last_micro_time[hdr.producer], now);
    auto& same_seq = m_micro_by_seq[{hdr.producer, hdr.seq}];
    auto first_it = same_seq.empty() ? m_micro.end() : m_micro.find(same_seq.front());
    if (first_it != m_micro.end() && first_it->second->hash != mb.hash) {
        // pob.md §7.2: two signed MicroBlocks with one (producer, epoch, seq).
        const auto& first = first_it->second;
        auto ev = std::make_shared<core::Evidence>();
        ev->kind = core::EvidenceKind::kMicroEquivocation;
        ev->micro = {first->header, hdr, first->producer_sig, mb.producer_sig};
        ++m_stats.equivocations_seen;
        AddEvidence(ev, /*gossip=*/true);
    }
    same_seq.push_back(mb.hash);
    m_packed.insert(mb.tx_hashes.begin(), mb.tx_hashes.end());
    if (IsNormal()) SampleMicro(*ptr);
    RetryWaiting(now);
}

void Engine::RequestMicroGap(const std::string& producer, uint64_t seq) {
    // The walk stopped after `seq`, but a later MicroBlock of this producer
    // may be known: then the one at seq+1 was lost on the way here (e.g. a
    // connection dropped with it queued). Without it no later one can ever
    // be referenced, and every proposer that lost it would starve that
    // partition; its successors name it, so ask the producer for it (the
    // answer brings up to 64 predecessors too). One request per proposal.
    if (producer == m_opt.id) return;
    auto it = m_micro_by_seq.lower_bound({producer, seq + 2});
    if (it == m_micro_by_seq.end() || it->first.first != producer) return;
    for (const auto& h : it->second) {
        auto mit = m_micro.find(h);
        if (mit == m_micro.end()) continue;
        const crypto::Hash256& want = mit->second->header.prev_micro_hash;
        if (m_micro.count(want)) return;  // a fork, not a gap: nothing to fetch
        ++m_stats.micro_gaps_requested;
        Emit(Send{producer, MicroRequest{{want}}});
        return;
    }
}

void Engine::SampleMicro(const core::MicroBlock& mb) {
    if (!m_sampled.insert(mb.hash).second) return;
    // pob.md §5.3: randomness the producer cannot predict: our own
    // deterministic signature over the MicroBlock hash, revealed only now.
    const util::Bytes sample_sig = m_signer.Sign(crypto::View(crypto::SampleMessage(mb.hash)));
    for (size_t i = 0; i < mb.txs.size(); ++i) {
        if (!crypto::IsSampled(sample_sig, mb.tx_hashes[i], m_opt.params.sampling_ppm) &&
            !MustVerifyAlways(mb.txs[i])) {  // pob.md §7.5: p = 1 for what money cannot repair
            continue;
        }
        ++m_stats.samples_checked;
        if (m_app.CheckTxBytes(mb.txs[i]).ok()) continue;  // pob.md §7.1: bytes only
        ReportFraud(mb, i);
        break;  // one proof condemns the producer
    }
}

void Engine::ReportFraud(const core::MicroBlock& mb, size_t i) {
    auto ev = std::make_shared<core::Evidence>();
    ev->kind = core::EvidenceKind::kFraud;
    ev->fraud.header = mb.header;
    ev->fraud.producer_sig = mb.producer_sig;
    ev->fraud.tx_hashes = mb.tx_hashes;
    ev->fraud.index = static_cast<uint32_t>(i);
    ev->fraud.tx = mb.txs[i];
    ++m_stats.fraud_proofs_made;
    m_micro_failed[mb.hash] = ev->Id();
    AddEvidence(ev, /*gossip=*/true);
}

namespace {

// pob.md §7.5: what each believable producer's transactions of a validated
// block debited, per token (direct transactions have no producer: the normal
// league verified them in full).
std::map<std::string, TokenTotals> ProducerDebits(const Validated& v) {
    std::map<std::string, TokenTotals> out;
    const auto& ex = v.plan.executed;
    const auto& debits = v.result.tx_debits;
    if (debits.size() != ex.size()) return out;  // an Application that records none
    for (size_t i = 0; i < ex.size(); ++i) {
        if (ex[i].producer.empty() || debits[i].empty()) continue;
        AddTotals(out[ex[i].producer], debits[i]);
    }
    return out;
}

}  // namespace

std::set<std::string> Engine::OverBound(const Validated& v, bool unknown_is_over) {
    std::set<std::string> over;
    if (!m_opt.enforce_exposure_bound || m_exposure.window() == 0) return over;
    // After a restart from a checkpoint the exposure of the last audit window
    // is unknown here (it is not in the checkpoint): check everything until
    // the window has refilled from blocks this engine saw (pob.md §7.5).
    const bool unknown = unknown_is_over && m_height < m_verify_all_until;
    for (const auto& [producer, debits] : ProducerDebits(v)) {
        if (unknown || m_exposure.WouldExceed(producer, debits, m_app.BondedStake(producer))) {
            over.insert(producer);
        }
    }
    return over;
}

void Engine::FullyVerify(const core::MicroBlock& mb) {
    if (!m_fully_verified.insert(mb.hash).second) return;
    ++m_stats.micros_fully_verified;
    if (m_micro_failed.count(mb.hash)) return;  // a sample already condemned it
    for (size_t i = 0; i < mb.txs.size(); ++i) {
        ++m_stats.samples_checked;
        if (m_app.CheckTxBytes(mb.txs[i]).ok()) continue;
        ReportFraud(mb, i);
        return;
    }
}

void Engine::AddEvidence(std::shared_ptr<const core::Evidence> ev, bool gossip) {
    const crypto::Hash256 id = ev->Id();
    if (m_evidence_pool.count(id)) return;
    if (m_slashed.count(ev->Accused())) {
        // pob.md §7.4: a fraud proof against a producer already slashed is
        // still a claim: its forged transaction is repaid (once).
        if (ev->kind != core::EvidenceKind::kFraud || m_compensated.count(ev->fraud.tx.Hash())) {
            return;
        }
    }
    uint64_t epoch = 0;
    if (ev->kind == core::EvidenceKind::kVoteEquivocation) {
        if (ev->vote.a.height == 0) return;
        epoch = (ev->vote.a.height - 1) / m_opt.params.epoch_length;
    } else {
        epoch = ev->kind == core::EvidenceKind::kFraud ? ev->fraud.header.epoch : ev->micro.a.epoch;
    }
    const Committee* c = CommitteeForEpoch(epoch);
    if (!c) return;
    auto st = ValidateEvidence(*ev, *c, m_app, m_verifier);
    if (!st.ok()) {
        ++m_stats.bad_messages;
        m_log.Debug("evidence rejected: {}", st.error().message);
        return;
    }
    m_evidence_pool.emplace(id, ev);
    if (gossip) Emit(Broadcast{EvidenceMsg{ev}});
}

// ---------------------------------------------------------------------------
// Phase 2: proposals.

void Engine::Propose(uint64_t view, TimePoint now) {
    if (!m_round.proposed_views.insert(view).second) return;
    ProposalMsg p;
    p.height = m_height + 1;
    p.view = view;
    p.proposer = m_opt.id;
    std::shared_ptr<const core::FinalBlock> block;
    if (view > 0) {
        // pob.md §6.5: q view changes; re-propose the highest prepared block.
        const auto& vcs = m_round.view_changes[view];
        const ViewChangeMsg* best = nullptr;
        for (const auto& [voter, vc] : vcs) {
            if (p.justification.size() == m_committee.quorum()) break;
            p.justification.push_back(vc);
            if (vc.prepared && (!best || vc.prepared->view > best->prepared->view)) best = &vc;
        }
        if (best) block = best->prepared->block;
        // The justification needs only the signed (view, hash, certificate)
        // of each prepared block: the block re-proposed travels once, as
        // p.block. Carrying q copies of a large block (the fallback league's
        // 2,000 direct txs) made the proposal exceed the frame cap; it was
        // never sent, and every later view failed the same way (bench: the
        // one-league chain stopped for good past ~400 tx/s).
        for (auto& vc : p.justification) {
            if (vc.prepared) vc.prepared->block = nullptr;
        }
    }
    if (!block) block = BuildBlock(view, now);
    if (!block) {
        m_round.proposed_views.erase(view);
        return;
    }
    p.block = block;
    p.block_hash = block->Hash();
    p.sig = m_signer.Sign(crypto::View(ProposalMessage(p.height, view, p.block_hash)));
    Emit(Broadcast{p});
    HandleProposal(m_opt.id, p, now);
}

std::vector<core::MicroRef> Engine::ChooseMicroRefs(uint64_t height,
                                                    const std::set<std::string>& fallback_now) {
    std::vector<core::MicroRef> refs;
    // pob.md §3.3: each live producer's MicroBlocks that extend what is final,
    // in whole MicroBlocks within the block's budget. The budget is shared
    // fairly: a first pass gives each live producer up to an equal share
    // (at least one MicroBlock, if it fits), a second pass lets them extend
    // with what is left. Both passes start at a producer that rotates with
    // the height, so under a backlog larger than the budget no producer is
    // always last (a fixed committee order starved the last one forever).
    // The refs themselves stay in committee order, as validation requires.
    struct Walk {
        const std::string* id = nullptr;
        uint64_t seq_from = 0, seq = 0;
        crypto::Hash256 hash{};
        size_t txs = 0;
        bool stuck = false;
    };
    std::vector<Walk> walks;
    for (const auto& c : m_committee.believable) {
        if (m_slashed.count(c.id) || fallback_now.count(c.id)) continue;
        Walk w;
        w.id = &c.id;
        if (auto it = m_included.find(c.id); it != m_included.end()) {
            w.seq = it->second.first;
            w.hash = it->second.second;
        }
        w.seq_from = w.seq + 1;
        walks.push_back(w);
    }
    const size_t budget = m_opt.params.max_block_micro_txs;
    size_t total = 0;
    auto next_of = [&](const Walk& w) -> const core::MicroBlock* {
        auto it = m_micro_by_seq.find({*w.id, w.seq + 1});
        if (it == m_micro_by_seq.end()) return nullptr;
        for (const auto& h : it->second) {
            auto mit = m_micro.find(h);
            if (mit != m_micro.end() && mit->second->header.prev_micro_hash == w.hash) {
                return mit->second.get();
            }
        }
        return nullptr;
    };
    // share == 0 is the second pass (no per-producer cap).
    auto extend = [&](Walk& w, size_t share) {
        while (!w.stuck) {
            const core::MicroBlock* next = next_of(w);
            if (!next) {
                w.stuck = true;
                break;
            }
            if (total + next->txs.size() > budget) break;
            if (share && w.txs > 0 && w.txs + next->txs.size() > share) break;
            ++w.seq;
            w.hash = next->hash;
            w.txs += next->txs.size();
            total += next->txs.size();
        }
    };
    if (!walks.empty()) {
        const size_t share = std::max<size_t>(budget / walks.size(), 1);
        const size_t start = static_cast<size_t>(height % walks.size());
        for (size_t pass = 0; pass < 2; ++pass) {
            for (size_t k = 0; k < walks.size(); ++k) {
                extend(walks[(start + k) % walks.size()], pass == 0 ? share : 0);
            }
        }
    }
    for (const auto& w : walks) {
        if (w.stuck) RequestMicroGap(*w.id, w.seq);
        if (w.seq < w.seq_from) continue;
        core::MicroRef ref;
        ref.producer = *w.id;
        ref.seq_from = w.seq_from;
        ref.seq_to = w.seq;
        ref.last_hash = w.hash;
        refs.push_back(ref);
    }
    return refs;
}

std::shared_ptr<core::FinalBlock> Engine::BuildBlock(uint64_t view, TimePoint now) {
    if (m_opt.grind_seed) return GrindBlock(view, now);
    return BuildBlockVariant(view, now, 0, false);
}

std::shared_ptr<core::FinalBlock> Engine::BuildBlockVariant(uint64_t view, TimePoint now,
                                                            int64_t time_offset, bool withhold) {
    auto b = std::make_shared<core::FinalBlock>();
    b->height = m_height + 1;
    b->prev_hash = m_last_hash;
    b->epoch = m_committee.epoch;
    b->view = view;
    if (m_opt.block_time_override) {
        b->time = m_opt.block_time_override(m_last_time, now);
    } else if (auto t = ProposalTime(m_last_time, now)) {
        b->time = *t;
    } else {
        m_log.Warn("cannot build block {}: the last block's time is INT64_MAX", b->height);
        return nullptr;
    }
    if (time_offset > 0) {
        if (b->time > INT64_MAX - time_offset) return nullptr;
        b->time += time_offset;
    }
    b->proposer = m_opt.id;
    SetSeedFields(*b, withhold);
    b->last_commit = LastCommitToPropose();
    if (m_opt.params.vote_accounting && b->height >= 2 && !b->last_commit) {
        m_log.Warn("cannot build block {}: no commit certificate of block {}", b->height, m_height);
        return nullptr;
    }
    std::set<std::string> fallback_now = m_fallback;
    // pob.md §5.4: a producer silent for silent_after falls back.
    for (const auto& c : m_committee.believable) {
        if (m_slashed.count(c.id) || m_fallback.count(c.id)) continue;
        if (now - m_last_micro_time[c.id] > m_opt.params.silent_after_ns ||
            (m_opt.claim_silent && m_opt.claim_silent(c.id))) {
            b->fallback.push_back(c.id);
            fallback_now.insert(c.id);
        }
    }
    // Evidence first: it decides exclusions.
    std::set<std::string> accused;
    std::set<crypto::Hash256> claimed;
    for (const auto& [id, ev] : m_evidence_pool) {
        if (b->evidence.size() >= kMaxEvidencePerBlock) break;
        if (m_slashed.count(ev->Accused())) {
            // A claim (pob.md §7.4): one per forged transaction not yet repaid.
            if (ev->kind == core::EvidenceKind::kFraud &&
                !m_compensated.count(ev->fraud.tx.Hash()) &&
                claimed.insert(ev->fraud.tx.Hash()).second) {
                b->evidence.push_back(*ev);
            }
            continue;
        }
        if (!accused.insert(ev->Accused()).second) continue;
        b->evidence.push_back(*ev);
    }
    b->micro_refs = ChooseMicroRefs(b->height, fallback_now);
    // Direct transactions for fallback partitions.
    std::set<crypto::Hash256> seen;
    const ChainView chain = View();
    // Fewer than the rule's cap when views have been timing out (direct_budget.h).
    const size_t direct_cap = m_direct_budget.ForView(view);
    for (const auto& [h, tx] : m_direct) {
        if (b->direct_txs.size() >= direct_cap) break;
        if (m_final_txs.count(h) || !seen.insert(h).second) continue;
        if (consensus::OwnerOf(chain, fallback_now, tx->publisher)) continue;
        b->direct_txs.push_back(*tx);
    }
    // pob.md §5.5: per-transaction fallback. A kept transaction of a live
    // partition that its owner has not packed within censor_deadline is
    // included directly (the owner loses Servi, PlanServi).
    // Only in view 0: a failed view is a sign that replicas disagree on
    // what is overdue (after a partition heals one side holds copies the
    // other never had); a later view proposes without them, so a height
    // costs at most one view for it.
    if (m_opt.params.censor_deadline_ns > 0 && view == 0) {
        for (const auto& [h, k] : m_kept) {
            if (b->direct_txs.size() >= direct_cap) break;
            if (!Overdue(h, m_opt.params.censor_deadline_ns, now, /*need_unpacked=*/true) ||
                !seen.insert(h).second)
                continue;
            const auto owner = consensus::OwnerOf(chain, fallback_now, k.tx->publisher);
            if (!owner) continue;
            // Only an owner heard from lately is censoring: one cut off from
            // us (a partition) is pob.md §5.4's case, and replicas on its side
            // would refuse the tx as not overdue there.
            if (now - m_last_micro_time[*owner] > m_opt.params.silent_after_ns / 3) continue;
            if (!m_app.CheckTx(*k.tx).ok()) continue;
            b->direct_txs.push_back(*k.tx);
        }
    }
    // Derived fields: exclusions, compensations, roots.
    auto planned = MakePlan(chain, *b, m_app, m_verifier);
    if (!planned) {
        m_log.Warn("cannot build block {}: {}", b->height, BlockRejectName(planned.error().reason));
        return nullptr;
    }
    Plan& plan = *planned;
    b->excluded = plan.excluded;
    b->compensated = plan.compensated;
    b->tx_merkle_root = plan.tx_root;
    plan.in.time = b->time;
    const ExecResult r = m_app.Execute(plan.in);
    b->receipt_merkle_root = r.receipt_root;
    b->state_root = r.state_root;
    // Our own honest block is valid by construction: Validate (HandleProposal
    // right after Propose) finds this plan instead of re-planning the block
    // (docs/benchmarks.md "CPU per transaction, part 2"). Not for the
    // deliberately odd variants (shifted or overridden time, withheld seed):
    // those go through the full check like anyone's block.
    if (time_offset == 0 && !withhold && !m_opt.block_time_override) {
        auto v = std::make_shared<Validated>();
        v->block = b;
        v->plan = std::move(plan);
        v->result = r;
        m_round.valid.emplace(b->Hash(), std::move(v));
    }
    return b;
}

util::Result<void, PlanReject> Engine::Validate(const std::shared_ptr<const core::FinalBlock>& bp) {
    const crypto::Hash256 hash = bp->Hash();
    if (m_round.valid.count(hash)) return {};
    if (auto it = m_round.invalid.find(hash); it != m_round.invalid.end()) {
        return util::ErrOf(PlanReject{it->second, {}});
    }
    auto v = ValidateBlock(View(), bp, m_app, m_verifier);
    if (!v) {
        // A block lacking MicroBlocks may succeed once they arrive.
        if (v.error().reason != BlockReject::kMissingMicro) {
            m_round.invalid.emplace(hash, v.error().reason);
            ++m_stats.proposals_rejected;
        }
        return util::ErrOf(v.error());
    }
    m_round.valid.emplace(hash, std::move(*v));
    return {};
}

void Engine::HandleProposal(const NodeId& from, const ProposalMsg& p, TimePoint now) {
    if (p.height > m_height + 1) {
        Buffer(from, Message{p});
        MaybeRequestSync(from, now);
        return;
    }
    if (p.height <= m_height) {
        MaybeHelpLaggard(from, p.height, now);
        return;
    }
    if (p.view > m_safety.view + kMaxViewAhead || !p.block) return;
    if (p.proposer != Primary(p.height, p.view)) {
        ++m_stats.bad_messages;
        return;
    }
    const auto idx = m_committee.NormalIndex(p.proposer);
    if (!idx || p.block->Hash() != p.block_hash || p.block->height != p.height ||
        !VerifyWith(m_verifier, m_committee.normal[*idx].key,
                    ProposalMessage(p.height, p.view, p.block_hash), p.sig)) {
        ++m_stats.bad_messages;
        return;
    }
    if (p.view == 0) {
        if (p.block->view != 0 || !p.justification.empty()) return;
    } else {
        auto st = CheckJustification(m_committee, m_verifier, p);
        if (!st.ok()) {
            ++m_stats.bad_messages;
            m_log.Debug("proposal {}/{} rejected: {}", p.height, p.view,
                        ViewChangeRejectName(st.error()));
            return;
        }
    }
    if (m_round.proposal_of_view.count(p.view) &&
        m_round.proposal_of_view[p.view] != p.block_hash) {
        return;  // the primary equivocated: keep the first
    }
    // pob.md §6.2: a fresh block's time must not run ahead of our clock by
    // more than the drift; checked before executing it (a Byzantine time
    // never reaches execution here). A block re-proposed from an earlier
    // view was prepared by a quorum, so at least one honest replica checked
    // its time already; it is not refused again, or a slow clock could hold
    // back the block PBFT must re-propose.
    if (p.block->view == p.view && p.proposer != m_opt.id) {
        auto tb = CheckTimeBound(m_opt.params, m_last_time, p.block->time, now);
        if (!tb.ok()) {
            auto [it, fresh] = m_round.time_refused.emplace(p.view, p.block_hash);
            if (fresh) {
                ++m_stats.proposals_rejected;
                m_log.Debug("proposal {}/{} refused: {} (time {}, now {})", p.height, p.view,
                            BlockRejectName(tb.error()), p.block->time, now);
            }
            if (it->second == p.block_hash) m_round.waiting.emplace_back(from, p);
            return;
        }
    }
    auto st = Validate(p.block);
    if (!st.ok()) {
        if (const auto& missing = st.error().missing; !missing.empty()) {
            m_round.waiting.emplace_back(from, p);
            auto key = std::make_pair(from, p.height);
            auto it = m_micro_requests.find(key);
            if (it == m_micro_requests.end() ||
                now - it->second > m_opt.params.view_timeout_ns / 4) {
                m_micro_requests[key] = now;
                Emit(Send{from, MicroRequest{missing}});
            }
        } else {
            m_log.Debug("proposal {}/{} invalid: {}", p.height, p.view,
                        BlockRejectName(st.error().reason));
        }
        return;
    }
    m_round.proposal_of_view[p.view] = p.block_hash;
    if (IsNormal()) {
        if (p.view > m_safety.view) {
            // A justified proposal moves us into its view (pob.md §6.5).
            m_safety.view = p.view;
            Persist();
            Emit(SetTimer{{TimerKind::kView, p.height, p.view}, now + ViewTimeout(p.view)});
        }
        if (p.view == m_safety.view) {
            // pob.md §5.5: direct txs of live partitions this replica has
            // held past the deadline (less one block interval: the primary's
            // copy may have arrived a little earlier than ours). One it never
            // had (lost, or on the other side of a partition) is kept from
            // the proposal on, so a prepared block that must be re-proposed
            // (§6.5) gets this replica's vote once the deadline has passed
            // here too: refusing it for good would stop the chain. A copy
            // packed meanwhile does not matter for the vote (execution skips
            // the MicroBlock's copy as final); only the primary requires the
            // tx unpacked.
            std::set<crypto::Hash256> overdue;
            if (m_opt.params.censor_deadline_ns > 0) {
                const int64_t d = std::max<int64_t>(
                    m_opt.params.censor_deadline_ns - m_opt.params.final_interval_ns, 0);
                std::set<std::string> fallback = m_fallback;
                fallback.insert(p.block->fallback.begin(), p.block->fallback.end());
                const ChainView chain = View();
                for (const auto& tx : p.block->direct_txs) {
                    if (!consensus::OwnerOf(chain, fallback, tx.publisher)) continue;
                    const crypto::Hash256 th = tx.Hash();
                    if (!m_kept.count(th)) Keep(std::make_shared<const core::Tx>(tx), th, now);
                    if (Overdue(th, d, now, /*need_unpacked=*/false)) overdue.insert(th);
                }
            }
            // pob.md §7.5: a producer past its exposure bound in this block
            // has every one of its transactions here checked before we vote.
            const Validated& val = *m_round.valid.at(p.block_hash);
            for (const auto& producer : OverBound(val)) {
                for (const auto& m : val.plan.micros) {
                    if (m->header.producer == producer) FullyVerify(*m);
                }
            }
            auto refusal = ReplicaRefusal(View(), val, m_micro_failed, m_app, &overdue);
            // pob.md §5.4: no vote for declaring silent a producer we hear
            // (fresh blocks only: a re-proposed one was prepared by a quorum).
            if (refusal.ok() && p.block->view == p.view && p.proposer != m_opt.id &&
                !m_opt.trust_fallback_claims) {
                refusal =
                    CheckFallbackClaims(m_opt.params, p.block->fallback, m_last_micro_time, now);
            }
            if (refusal.ok()) {
                CastVote(VoteKind::kPrepare, p.view, p.block_hash, now);
            } else {
                ++m_stats.proposals_rejected;
                m_log.Debug("refusing {}/{}: {}", p.height, p.view,
                            BlockRejectName(refusal.error()));
            }
        }
    }
    TryCommit(p.view, p.block_hash, now);
    for (const auto& [key, builder] : m_round.votes) {
        const auto& [kind, view, hash] = key;
        if (kind == core::kVoteCommit && hash == p.block_hash) {
            TryFinalize(view, hash, now);
            break;
        }
    }
    if (m_round.pending_final && m_round.pending_final->hash == p.block_hash) {
        auto pf = *m_round.pending_final;
        FinalizeBlock(pf.hash, pf.view, pf.cert, now);
    }
}

// ---------------------------------------------------------------------------
// Votes.

void Engine::CastVote(VoteKind kind, uint64_t view, const crypto::Hash256& hash, TimePoint now) {
    const uint64_t h = m_height + 1;
    const VoteDecision d = DecideVote(m_safety, kind, h, view, hash);
    if (d != VoteDecision::kSign && d != VoteDecision::kResend) {
        m_log.Debug("not voting {} {}/{}: {}", kind == VoteKind::kPrepare ? "prepare" : "commit", h,
                    view, VoteDecisionName(d));
        return;
    }
    core::SignedVote v;
    v.kind = static_cast<uint8_t>(kind);
    v.height = h;
    v.view = view;
    v.block_hash = hash;
    v.voter = m_opt.id;
    v.sig = m_signer.Sign(crypto::View(core::VoteMessage(v.kind, h, view, hash)));
    if (d == VoteDecision::kSign) {
        // pob.md §9: durable before the signature leaves the process.
        m_safety = AfterVote(m_safety, kind, h, view, hash);
        Persist();
    }
    Emit(Broadcast{VoteMsg{v}});
    HandleVote(v, now);
}

void Engine::HandleVote(const core::SignedVote& v, TimePoint now) {
    if (v.kind != core::kVotePrepare && v.kind != core::kVoteCommit) return;
    if (v.view > m_safety.view + kMaxViewAhead) return;
    const auto idx = m_committee.NormalIndex(v.voter);
    if (!idx) {
        ++m_stats.bad_messages;
        return;
    }
    auto seen_key = std::make_tuple(v.voter, v.kind, v.view);
    auto seen = m_round.seen_votes.find(seen_key);
    if (seen != m_round.seen_votes.end() && seen->second.block_hash == v.block_hash)
        return;  // duplicate
    const auto key = std::make_tuple(v.kind, v.view, v.block_hash);
    auto it = m_round.votes.find(key);
    if (it == m_round.votes.end()) {
        it = m_round.votes
                 .emplace(key, crypto::CertificateBuilder(
                                   m_committee.NormalKeys(),
                                   core::VoteMessage(v.kind, v.height, v.view, v.block_hash),
                                   m_verifier))
                 .first;
    }
    const crypto::VoteAdd r = it->second.AddVoteAt(*idx, v.sig);
    if (r == crypto::VoteAdd::kBadSignature) {
        ++m_stats.bad_messages;
        if (it->second.count() == 0) m_round.votes.erase(it);
        return;
    }
    if (r != crypto::VoteAdd::kAdded) return;
    if (seen != m_round.seen_votes.end()) {
        // pob.md §7.2: two signed votes of one kind at one (height, view).
        auto ev = std::make_shared<core::Evidence>();
        ev->kind = core::EvidenceKind::kVoteEquivocation;
        ev->vote = {seen->second, v};
        ++m_stats.equivocations_seen;
        AddEvidence(ev, /*gossip=*/true);
    } else {
        m_round.seen_votes.emplace(seen_key, v);
    }
    if (v.kind == core::kVotePrepare) {
        TryCommit(v.view, v.block_hash, now);
    } else {
        TryFinalize(v.view, v.block_hash, now);
    }
}

void Engine::HandleLateCommit(const core::SignedVote& v) {
    HeldCommit& h = m_held_commit;
    if (!m_opt.params.vote_accounting || !m_opt.accept_late_commits || h.height == 0 ||
        v.height != h.height || v.view != h.view || v.block_hash != h.hash) {
        return;
    }
    size_t idx = 0;
    for (; idx < h.members.size(); ++idx) {
        if (h.members[idx].id == v.voter) break;
    }
    if (idx == h.members.size() || h.cert.HasSigner(idx) || h.late.count(idx)) return;
    if (!VerifyWith(m_verifier, h.members[idx].key,
                    core::VoteMessage(core::kVoteCommit, v.height, v.view, v.block_hash), v.sig)) {
        ++m_stats.bad_messages;
        return;
    }
    h.late.emplace(idx, v.sig);
}

std::optional<core::FinalBlock::LastCommit> Engine::LastCommitToPropose() const {
    if (!m_opt.params.vote_accounting || m_height == 0) return std::nullopt;
    std::map<size_t, util::Bytes> sigs;
    core::FinalBlock::LastCommit lc;
    size_t n = 0;
    if (m_held_commit.height == m_height && m_held_commit.hash == m_last_hash) {
        const HeldCommit& h = m_held_commit;
        lc.view = h.view;
        n = h.members.size();
        const auto signers = h.cert.Signers();
        for (size_t i = 0; i < signers.size() && i < h.cert.signatures.size(); ++i) {
            sigs.emplace(signers[i], h.cert.signatures[i]);
        }
        for (const auto& [i, sig] : h.late) sigs.emplace(i, sig);
    } else {
        // Not finalized here since the restart: the stored certificate.
        auto it = m_chain.find(m_height);
        const Committee* c = CommitteeForEpoch((m_height - 1) / m_opt.params.epoch_length);
        if (it == m_chain.end() || !c) return std::nullopt;
        lc.view = it->second->commit_view;
        lc.cert = it->second->cert;
        if (!m_opt.strip_last_commit) return lc;
        n = c->normal.size();
        const auto signers = lc.cert.Signers();
        for (size_t i = 0; i < signers.size() && i < lc.cert.signatures.size(); ++i) {
            sigs.emplace(signers[i], lc.cert.signatures[i]);
        }
    }
    if (m_opt.strip_last_commit) {
        // A Byzantine proposer: a bare quorum, itself first.
        const Committee* c = CommitteeForEpoch((m_height - 1) / m_opt.params.epoch_length);
        const size_t q = Quorum(n);
        std::optional<size_t> self;
        if (c) {
            for (size_t i = 0; i < c->normal.size(); ++i) {
                if (c->normal[i].id == m_opt.id) self = i;
            }
        }
        std::map<size_t, util::Bytes> kept;
        if (self && sigs.count(*self)) kept.emplace(*self, sigs.at(*self));
        for (const auto& [i, sig] : sigs) {
            if (kept.size() >= q) break;
            kept.emplace(i, sig);
        }
        sigs = std::move(kept);
    }
    lc.cert.bitmap.assign((n + 7) / 8, 0);
    lc.cert.signatures.clear();
    for (const auto& [i, sig] : sigs) {
        lc.cert.bitmap[i / 8] = static_cast<uint8_t>(lc.cert.bitmap[i / 8] | (1u << (i % 8)));
        lc.cert.signatures.push_back(sig);
    }
    return lc;
}

void Engine::TryCommit(uint64_t view, const crypto::Hash256& hash, TimePoint now) {
    auto it = m_round.votes.find(std::make_tuple(core::kVotePrepare, view, hash));
    if (it == m_round.votes.end() || it->second.count() < m_committee.quorum()) return;
    auto vit = m_round.valid.find(hash);
    if (vit == m_round.valid.end()) return;  // we have not validated that block
    // pob.md §6.3: lock on the highest prepare certificate; it is persisted
    // before the commit vote that follows (and reported in view changes).
    if (!m_safety.locked || m_safety.locked->view < view) {
        m_safety.locked = PreparedCert{view, hash, it->second.Build(), vit->second->block};
        if (IsNormal()) Persist();
    }
    if (IsNormal() && view == m_safety.view) CastVote(VoteKind::kCommit, view, hash, now);
}

void Engine::TryFinalize(uint64_t view, const crypto::Hash256& hash, TimePoint now) {
    auto it = m_round.votes.find(std::make_tuple(core::kVoteCommit, view, hash));
    if (it == m_round.votes.end() || it->second.count() < m_committee.quorum()) return;
    FinalizeBlock(hash, view, it->second.Build(), now);
}

// ---------------------------------------------------------------------------
// View change.

void Engine::StartViewChange(uint64_t new_view, TimePoint now) {
    const uint64_t h = m_height + 1;
    if (!MayEnterView(m_safety, h, new_view)) return;
    m_safety.view = new_view;
    ++m_stats.view_changes;
    Persist();
    ViewChangeMsg vc;
    vc.height = h;
    vc.new_view = new_view;
    vc.voter = m_opt.id;
    vc.prepared = m_safety.locked;
    vc.sig = m_signer.Sign(crypto::View(ViewChangeMessage(h, new_view, vc.prepared)));
    m_round.my_vc = vc;
    Emit(Broadcast{vc});
    Emit(SetTimer{{TimerKind::kView, h, new_view}, now + ViewTimeout(new_view)});
    HandleViewChange(vc, now);
    // A proposal for this view may already be here.
    auto pv = m_round.proposal_of_view.find(new_view);
    if (pv != m_round.proposal_of_view.end())
        CastVote(VoteKind::kPrepare, new_view, pv->second, now);
}

void Engine::HandleViewChange(const ViewChangeMsg& vc, TimePoint now) {
    if (vc.new_view > m_safety.view + kMaxViewAhead) return;
    if (vc.new_view < m_safety.view && m_round.my_vc && vc.voter != m_opt.id) {
        // pob.md §6.4: a replica behind us (its view changes were lost, e.g.
        // in a partition) learns our view, so f+1 of us can pull it forward
        // without waiting for its long timer.
        auto& last = m_round.vc_replied[vc.voter];
        if (last == 0 || now - last >= m_opt.params.view_timeout_ns / 4) {
            last = now;
            Emit(Send{vc.voter, *m_round.my_vc});
        }
    }
    auto& slot = m_round.view_changes[vc.new_view];
    if (slot.count(vc.voter)) return;
    if (vc.voter != m_opt.id) {
        auto st = CheckViewChange(m_committee, m_verifier, vc, /*need_block=*/true);
        if (!st.ok()) {
            ++m_stats.bad_messages;
            return;
        }
    }
    slot.emplace(vc.voter, vc);
    auto& mx = m_round.vc_max_view[vc.voter];
    mx = std::max(mx, vc.new_view);
    if (!IsNormal()) return;
    // pob.md §6.4: f+1 replicas ahead of us cannot all be faulty: join the
    // highest view that f+1 of them have reached.
    std::vector<uint64_t> ahead;
    for (const auto& [voter, v] : m_round.vc_max_view) {
        if (v > m_safety.view) ahead.push_back(v);
    }
    if (ahead.size() >= m_committee.f() + 1) {
        std::sort(ahead.rbegin(), ahead.rend());
        StartViewChange(ahead[m_committee.f()], now);
    }
    TryNewView(vc.new_view, now);
}

void Engine::TryNewView(uint64_t view, TimePoint now) {
    if (view == 0 || view != m_safety.view || Primary(m_height + 1, view) != m_opt.id) return;
    if (m_round.view_changes[view].size() < m_committee.quorum()) return;
    Propose(view, now);
}

// ---------------------------------------------------------------------------
// Finality.

void Engine::FinalizeBlock(const crypto::Hash256& hash, uint64_t commit_view,
                           crypto::Certificate cert, TimePoint now) {
    auto vit = m_round.valid.find(hash);
    if (vit == m_round.valid.end()) {
        // Certified but not (yet) validated by us: find the block among the
        // proposals we saw or wait for it (sync).
        for (const auto& [from, p] : m_round.waiting) {
            (void)from;
            if (p.block_hash == hash) {
                if (Validate(p.block).ok()) break;
            }
        }
        vit = m_round.valid.find(hash);
        if (vit == m_round.valid.end()) {
            m_round.pending_final = Round::PendingFinal{commit_view, hash, std::move(cert)};
            if (now - m_last_sync_request >= m_opt.params.view_timeout_ns / 4) {
                m_last_sync_request = now;
                Emit(Broadcast{SyncRequest{m_height + 1}});
            }
            return;
        }
    }
    auto v = vit->second;  // keep alive through the state changes below
    const core::FinalBlock& b = *v->block;
    m_direct_budget.OnCommitted(commit_view);
    Plan& plan = v->plan;
    // pob.md §7.5: decided on the state before this block, as the voters did
    // (the rule alone: what a restarted node checked on its own is not what
    // the chain required of every voter).
    const std::set<std::string> verified_in_full = OverBound(*v, false);
    std::map<std::string, int64_t> bonds;
    const auto debits = ProducerDebits(*v);
    if (m_exposure.window() != 0) {
        for (const auto& [producer, d] : debits) bonds[producer] = m_app.BondedStake(producer);
    }
    m_app.Commit(plan.in, v->result);
    if (m_exposure.window() != 0) {
        for (const auto& [producer, d] : debits) {
            if (verified_in_full.count(producer)) continue;  // every honest voter checked them
            m_exposure.Record(b.height, producer, d);
            m_bonds[producer] = bonds[producer];
            if (ExceedsBond(m_exposure.Of(producer), bonds[producer])) {
                ++m_stats.exposure_breaches;
            }
        }
        m_exposure.Advance(b.height + 1);
    }
    auto cb = std::make_shared<core::CertifiedBlock>();
    cb->block = b;
    cb->commit_view = commit_view;
    cb->cert = std::move(cert);
    std::shared_ptr<const core::CertifiedBlock> ccb = cb;
    m_chain[b.height] = ccb;
    m_chain_micros[b.height] = plan.micros;

    // Chain-derived state (pob.md §8).
    for (const auto& ref : b.micro_refs) {
        m_included[ref.producer] = {ref.seq_to, ref.last_hash};
        m_worked.insert(ref.producer);
    }
    m_worked.insert(b.proposer);
    TallyLastCommit(m_opt.params, m_committee, b, m_votes);
    m_held_commit = HeldCommit{b.height, commit_view, hash, cb->cert, m_committee.normal, {}};
    RecordSeedFields(m_seed_book, b);
    for (const auto& f : b.fallback) m_fallback.insert(f);
    for (const auto& m : plan.micros) {
        for (size_t i = 0; i < m->txs.size(); ++i) {
            // shared_ptr aliasing: the tx lives as long as its MicroBlock.
            std::shared_ptr<const core::Tx> t(m, &m->txs[i]);
            m_recent[b.height].push_back({m->header.producer, t, m->tx_hashes[i]});
        }
    }
    auto blockp = v->block;
    for (size_t i = 0; i < b.direct_txs.size(); ++i) {
        std::shared_ptr<const core::Tx> t(blockp, &blockp->direct_txs[i]);
        m_recent[b.height].push_back({"", t, t->Hash()});
    }
    for (const auto& th : plan.in.tx_hashes) m_final_txs.insert(th);
    m_final_by_height[b.height] = plan.in.tx_hashes;
    for (const auto& c : b.compensated) m_compensated.insert(c.tx_hash);
    for (auto it = m_evidence_pool.begin(); it != m_evidence_pool.end();) {
        it = it->second->kind == core::EvidenceKind::kFraud &&
                     m_compensated.count(it->second->fraud.tx.Hash())
                 ? m_evidence_pool.erase(it)
                 : std::next(it);
    }
    // Trim the windows.
    const uint64_t keep = std::max(m_opt.params.recheck_window, m_opt.params.dedup_window);
    while (!m_recent.empty() && m_recent.begin()->first + keep < b.height) {
        m_recent.erase(m_recent.begin());
    }
    while (!m_final_by_height.empty() && m_final_by_height.begin()->first + keep < b.height) {
        for (const auto& th : m_final_by_height.begin()->second) m_final_txs.erase(th);
        m_final_by_height.erase(m_final_by_height.begin());
    }
    for (const auto& th : plan.in.tx_hashes) {
        Unkeep(th);
        m_packed.erase(th);
        m_unconfirmed.erase(th);
        if (m_direct_set.erase(th)) {
            // removed lazily from the deque below
        }
    }
    while (!m_direct.empty() && !m_direct_set.count(m_direct.front().first)) m_direct.pop_front();
    std::deque<std::pair<crypto::Hash256, std::shared_ptr<const core::Tx>>> keep_direct;
    for (auto& e : m_direct) {
        if (!m_direct_set.count(e.first)) continue;
        // Expired: it can never execute, and the mempool has already freed
        // its slot, so keeping it would let this pool outgrow the mempool's
        // bound under sustained overload.
        if (e.second->expiration < b.time) {
            m_direct_set.erase(e.first);
            continue;
        }
        keep_direct.push_back(e);
    }
    m_direct.swap(keep_direct);

    const size_t finalize_at = m_out.size();
    Emit(Finalize{ccb, plan.in.tx_hashes, v->result.state_root, plan.micros, nullptr,
                  plan.in.absent_voters});
    for (const auto& m : plan.micros) ForgetMicro(m);
    for (const auto& s : plan.in.slashes) {
        m_slashed.insert(s.validator);
        Punish p{s.validator, s.evidence_id, b.height, {}};
        for (const auto& c : b.compensated) {
            if (c.evidence_id == s.evidence_id) p.compensated_txs.push_back(c.tx_hash);
        }
        Emit(std::move(p));
        for (auto it = m_evidence_pool.begin(); it != m_evidence_pool.end();) {
            // Fraud proofs of transactions not repaid yet stay, as claims.
            const bool claim = it->second->kind == core::EvidenceKind::kFraud &&
                               !m_compensated.count(it->second->fraud.tx.Hash());
            it = it->second->Accused() == s.validator && !claim ? m_evidence_pool.erase(it)
                                                                : std::next(it);
        }
    }
    // pob.md §5.5: a kept copy is dropped once its transaction expired
    // (no block after this one can execute it).
    while (!m_kept_by_expiry.empty() && m_kept_by_expiry.begin()->first < b.time) {
        const crypto::Hash256 h = m_kept_by_expiry.begin()->second;
        if (m_kept.count(h)) {
            Unkeep(h);
        } else {
            m_kept_by_expiry.erase(m_kept_by_expiry.begin());
        }
    }
    if (!plan.in.slashes.empty() || !b.fallback.empty()) {
        // Owners changed: what we hold as a producer may belong elsewhere now.
        std::vector<std::shared_ptr<const core::Tx>> held(m_pending.begin(), m_pending.end());
        m_pending.clear();
        m_pending_set.clear();
        for (auto& t : held) RouteTx(t, /*from_client=*/true, now);
        RerouteKept();
    }
    m_height = b.height;
    m_last_hash = hash;
    m_last_time = b.time;
    TrimMemory();
    m_log.Debug("final {} view {} txs {}", b.height, commit_view, plan.in.txs.size());
    if (m_height % m_opt.params.epoch_length == 0) {
        m_prev_committee = m_committee;
        // pob.md §7.4: evidence about MicroBlocks stays provable for
        // fraud_window heights, so their epochs' committees are kept.
        const uint64_t L = m_opt.params.epoch_length;
        const uint64_t fw = m_opt.params.fraud_window;
        if (fw > 0) {
            m_past_committees[m_committee.epoch] = m_committee;
            while (!m_past_committees.empty() &&
                   (m_past_committees.begin()->first + 1) * L + fw < m_height) {
                m_past_committees.erase(m_past_committees.begin());
            }
        }
        // pob.md §4.2: the seed from this epoch's reveals (or, off, from the
        // last block's hash); whoever withheld a reveal is not a candidate.
        const auto cands = SeedEligible(m_opt.params, m_app.Candidates(), m_seed_book);
        const uint64_t e = m_height / m_opt.params.epoch_length;
        const crypto::Hash256 seed =
            NextEpochSeed(m_opt.params, e, m_committee.seed, m_seed_book, m_last_hash);
        m_committee = Elect(cands, seed, e, m_opt.params);
        NewEpoch(now);
    }
    std::get<Finalize>(m_out[finalize_at]).checkpoint =
        std::make_shared<const EngineCheckpoint>(Checkpoint());
    EnterHeight(m_height + 1, now, /*after_commit=*/true);
}

// ---------------------------------------------------------------------------
// Catch-up.

void Engine::ForgetMicro(const std::shared_ptr<const core::MicroBlock>& m) {
    // A final MicroBlock is never needed again by consensus (its seq is in
    // m_included; HandleMicro ignores it if it comes back); the final chain
    // keeps its own pointer while within chain_memory.
    m_micro.erase(m->hash);
    m_sampled.erase(m->hash);
    m_fully_verified.erase(m->hash);
}

void Engine::TrimMemory() {
    const Params& P = m_opt.params;
    if (m_opt.chain_memory > 0) {
        while (!m_chain.empty() && m_chain.begin()->first + m_opt.chain_memory <= m_height) {
            m_chain_micros.erase(m_chain.begin()->first);
            m_chain.erase(m_chain.begin());
        }
    }
    // Transactions older than recheck_window are never re-verified again:
    // keep only their hashes (dedup), so their MicroBlocks can be freed.
    for (auto it = m_recent.begin();
         it != m_recent.end() && it->first + P.recheck_window <= m_height; ++it) {
        if (it->second.empty() || !it->second.front().tx) continue;
        for (auto& rt : it->second) rt.tx.reset();
    }
    for (auto it = m_micro_requests.begin(); it != m_micro_requests.end();) {
        it = it->first.second <= m_height ? m_micro_requests.erase(it) : std::next(it);
    }
}

std::string DescribeSync(const SyncApply& r) {
    const std::string h = std::to_string(r.bad_height);
    switch (r.verdict) {
        case SyncVerdict::kOk:
            return std::to_string(r.applied) + " blocks applied";
        case SyncVerdict::kBadCertificate:
            return "certificate of block " + h + " does not verify";
        case SyncVerdict::kBlockDoesNotApply:
            return "certified block " + h + " does not apply: " + BlockRejectName(r.reject);
    }
    return "unknown";
}

Effects Engine::ApplySync(const NodeId& from, const SyncResponse& r, TimePoint now,
                          SyncApply* out) {
    HandleSyncResponse(from, r, now, out);
    return Take();
}

void Engine::Buffer(const NodeId& from, const Message& msg) {
    if (m_buffer.size() >= kMaxBuffered) m_buffer.pop_front();
    m_buffer.emplace_back(from, msg);
}

void Engine::ReplayBuffered(TimePoint now) {
    std::deque<std::pair<NodeId, Message>> buf;
    buf.swap(m_buffer);
    for (auto& [from, msg] : buf) {
        uint64_t h = 0;
        if (auto* p = std::get_if<ProposalMsg>(&msg)) h = p->height;
        if (auto* v = std::get_if<VoteMsg>(&msg)) h = v->vote.height;
        if (auto* c = std::get_if<ViewChangeMsg>(&msg)) h = c->height;
        if (h <= m_height) continue;
        if (h > m_height + 1) {
            m_buffer.emplace_back(from, std::move(msg));
            continue;
        }
        Dispatch(from, msg, now);
    }
}

void Engine::RetryWaiting(TimePoint now) {
    if (m_round.waiting.empty()) return;
    auto waiting = std::move(m_round.waiting);
    m_round.waiting.clear();
    for (auto& [from, p] : waiting) HandleProposal(from, p, now);
}

void Engine::MaybeRequestSync(const NodeId& from, TimePoint now) {
    if (now - m_last_sync_request < m_opt.params.view_timeout_ns / 4) return;
    m_last_sync_request = now;
    Emit(Send{from, SyncRequest{m_height + 1}});
}

void Engine::MaybeHelpLaggard(const NodeId& from, uint64_t their_height, TimePoint now) {
    if (from == m_opt.id || their_height == 0) return;
    HandleSyncRequest(from, SyncRequest{their_height}, now);
}

void Engine::HandleSyncRequest(const NodeId& from, const SyncRequest& r, TimePoint now) {
    auto last = m_last_sync_served.find(from);
    if (last != m_last_sync_served.end() && now - last->second < m_opt.params.view_timeout_ns / 4)
        return;
    SyncResponse resp;
    for (auto it = m_chain.lower_bound(r.from_height);
         it != m_chain.end() && resp.blocks.size() < kSyncBatch; ++it) {
        resp.blocks.push_back(it->second);
        const auto& ms = m_chain_micros[it->first];
        resp.micros.insert(resp.micros.end(), ms.begin(), ms.end());
    }
    if (resp.blocks.empty()) return;
    m_last_sync_served[from] = now;
    Emit(Send{from, std::move(resp)});
}

void Engine::HandleSyncResponse(const NodeId& from, const SyncResponse& r, TimePoint now,
                                SyncApply* out) {
    SyncApply local;
    SyncApply& res = out ? *out : local;
    // Unverified until a certified block references them: whatever is left
    // unused at the end is dropped again (a peer cannot fill our memory).
    std::vector<crypto::Hash256> inserted;
    for (const auto& m : r.micros) {
        if (!m || m_micro.count(m->hash)) continue;
        core::MicroBlock copy = *m;
        copy.Seal();  // recompute derived fields; the certificate vouches for the hash
        if (m_micro.count(copy.hash)) continue;
        inserted.push_back(copy.hash);
        m_micro.emplace(copy.hash, std::make_shared<const core::MicroBlock>(std::move(copy)));
    }
    struct DropUnused {
        Engine& e;
        std::vector<crypto::Hash256>& hashes;
        ~DropUnused() {
            for (const auto& h : hashes) e.m_micro.erase(h);
        }
    } drop{*this, inserted};
    std::vector<std::shared_ptr<const core::CertifiedBlock>> blocks;
    for (const auto& b : r.blocks) {
        if (b) blocks.push_back(b);
    }
    std::sort(blocks.begin(), blocks.end(),
              [](const auto& a, const auto& b) { return a->block.height < b->block.height; });
    for (const auto& cb : blocks) {
        if (!cb || cb->block.height != m_height + 1) continue;
        const crypto::Hash256 hash = cb->block.Hash();
        const auto keys = m_committee.NormalKeys();
        auto st = crypto::VerifyCertificate(
            cb->cert, keys,
            core::VoteMessage(core::kVoteCommit, cb->block.height, cb->commit_view, hash),
            m_committee.quorum(), m_verifier);
        if (!st.ok()) {
            ++m_stats.bad_messages;
            res.verdict = SyncVerdict::kBadCertificate;
            res.bad_height = cb->block.height;
            return;
        }
        auto bp = std::make_shared<const core::FinalBlock>(cb->block);
        auto vs = Validate(bp);
        if (!vs.ok()) {
            if (!vs.error().missing.empty()) Emit(Send{from, MicroRequest{vs.error().missing}});
            res.verdict = SyncVerdict::kBlockDoesNotApply;
            res.bad_height = cb->block.height;
            res.reject = vs.error().reason;
            m_log.Warn("{}", DescribeSync(res));
            return;
        }
        FinalizeBlock(hash, cb->commit_view, cb->cert, now);
        ++res.applied;
    }
}

}  // namespace iost::consensus
