#include <fmt/format.h>
#include <ledger/trie.h>
#include <net/message_types.h>
#include <node/snapshot_wire.h>
#include <node/state_sync.h>
#include <node/stored_block.h>
#include <node/wire.h>

#include <algorithm>
#include <cstdio>

namespace iost::node {

namespace {

// Received payloads waiting for the sync's thread, and MicroBlocks of the
// recent window held until the install: bounds against a flooding peer
// (the honest need is a few pieces in flight and 128 blocks' MicroBlocks).
constexpr size_t kMaxQueuedBytes = 64u << 20;
constexpr size_t kMaxMicroBytes = 512u << 20;

storage::Hash32 ToHash32(const crypto::Hash256& h) {
    storage::Hash32 out;
    std::copy(h.begin(), h.end(), out.begin());
    return out;
}

std::string NameOfKey(const net::NodeId& id) {
    return util::ToHex(util::ByteView(id.data(), id.size()));
}

const consensus::Committee* CommitteeOfEpoch(const consensus::EngineCheckpoint& cp,
                                             uint64_t epoch) {
    if (cp.committee.epoch == epoch) return &cp.committee;
    if (cp.prev_committee && cp.prev_committee->epoch == epoch) return &*cp.prev_committee;
    for (const auto& [e, c] : cp.past_committees) {
        if (c.epoch == epoch) return &c;
    }
    return nullptr;
}

util::Status VerifyBlockCert(const consensus::Committee& c, const core::CertifiedBlock& cb,
                             const crypto::Verifier& verifier) {
    const auto keys = c.NormalKeys();
    return crypto::VerifyCertificate(
        cb.cert, keys,
        core::VoteMessage(core::kVoteCommit, cb.block.height, cb.commit_view, cb.block.Hash()),
        c.quorum(), verifier);
}

}  // namespace

// --- plan ---------------------------------------------------------------------

void StateSyncPlan::Offer(const std::string& peer, const SnapshotManifest& m) {
    m_offers[peer] = {ManifestCoreHash(m), m};
}

const SnapshotManifest* StateSyncPlan::Choose(util::UnixNanos now) {
    if (m_chosen) return &*m_chosen;
    std::map<crypto::Hash256, std::pair<size_t, const SnapshotManifest*>> count;
    for (const auto& [peer, offer] : m_offers) {
        if (IsBad(peer, now)) continue;
        auto& c = count[offer.first];
        ++c.first;
        c.second = &offer.second;
    }
    const SnapshotManifest* best = nullptr;
    crypto::Hash256 best_core{};
    for (const auto& [core, c] : count) {
        if (c.first < m_opt.min_agree) continue;
        if (!best || c.second->height > best->height) {
            best = c.second;
            best_core = core;
        }
    }
    if (!best) return nullptr;
    m_chosen = *best;
    m_chosen_core = best_core;
    return &*m_chosen;
}

std::vector<std::string> StateSyncPlan::Holders(util::UnixNanos now) const {
    std::vector<std::string> out;
    if (!m_chosen) return out;
    for (const auto& [peer, offer] : m_offers) {
        if (offer.first == m_chosen_core && !IsBad(peer, now)) out.push_back(peer);
    }
    return out;
}

std::vector<PieceRequest> StateSyncPlan::Plan(const std::vector<std::string>& connected,
                                              util::UnixNanos now) {
    std::vector<PieceRequest> out;
    if (!m_chosen) return out;
    // Timed out: asked elsewhere (this peer is not asked for it again).
    for (auto it = m_flight.begin(); it != m_flight.end();) {
        if (now - it->second.sent < m_opt.request_timeout_ns) {
            ++it;
            continue;
        }
        m_not_have.insert({it->second.peer, it->first});
        it = m_flight.erase(it);
    }
    std::vector<std::string> holders;
    for (const auto& p : Holders(now)) {
        if (std::find(connected.begin(), connected.end(), p) != connected.end())
            holders.push_back(p);
    }
    if (holders.empty()) return out;
    std::map<std::string, size_t> busy;
    for (const auto& [i, f] : m_flight) ++busy[f.peer];
    for (uint32_t i = 0; i < m_chosen->pieces(); ++i) {
        if (m_done.count(i) || m_flight.count(i)) continue;
        // Everyone said no (or timed out): forget that and try them again.
        const bool all_refused = std::all_of(holders.begin(), holders.end(), [&](const auto& p) {
            return m_not_have.count({p, i}) > 0;
        });
        if (all_refused) {
            for (const auto& p : holders) m_not_have.erase({p, i});
        }
        const std::string* pick = nullptr;
        for (const auto& p : holders) {
            if (busy[p] >= m_opt.in_flight_per_peer || m_not_have.count({p, i})) continue;
            if (!pick || busy[p] < busy[*pick] ||
                (busy[p] == busy[*pick] && m_uses[p] < m_uses[*pick])) {
                pick = &p;
            }
        }
        if (!pick) continue;
        ++busy[*pick];
        ++m_uses[*pick];
        m_flight[i] = Flight{*pick, now};
        out.push_back({*pick, i});
    }
    return out;
}

void StateSyncPlan::Received(const std::string& peer, uint32_t index, bool ok,
                             util::UnixNanos now) {
    auto it = m_flight.find(index);
    if (it != m_flight.end() && it->second.peer == peer) m_flight.erase(it);
    if (ok) {
        m_done.insert(index);
        return;
    }
    m_bad_until[peer] = now + m_opt.bad_peer_ns;
    for (auto f = m_flight.begin(); f != m_flight.end();) {
        f = f->second.peer == peer ? m_flight.erase(f) : std::next(f);
    }
}

void StateSyncPlan::NotHave(const std::string& peer, uint32_t index) {
    auto it = m_flight.find(index);
    if (it != m_flight.end() && it->second.peer == peer) m_flight.erase(it);
    m_not_have.insert({peer, index});
}

void StateSyncPlan::PeerGone(const std::string& peer) {
    for (auto f = m_flight.begin(); f != m_flight.end();) {
        f = f->second.peer == peer ? m_flight.erase(f) : std::next(f);
    }
}

bool StateSyncPlan::IsBad(const std::string& peer, util::UnixNanos now) const {
    auto it = m_bad_until.find(peer);
    return it != m_bad_until.end() && now < it->second;
}

// --- manifest checks ------------------------------------------------------------

util::Result<consensus::EngineCheckpoint> CheckManifest(const SnapshotManifest& m,
                                                        const crypto::Verifier& verifier,
                                                        uint64_t epoch_length) {
    auto b = core::FinalBlock::FromBytes(m.block);
    if (!b) return util::Err("manifest block: " + b.error().message);
    if (b->height != m.height) return util::Err("manifest: the block is at another height");
    if (b->Hash() != m.block_hash) return util::Err("manifest: the block has another hash");
    if (b->state_root != m.state_root)
        return util::Err("manifest: the block names another state root");
    auto cp = consensus::DecodeCheckpoint(m.checkpoint);
    if (!cp) return util::Err("manifest checkpoint: " + cp.error().message);
    if (cp->height != m.height || cp->last_hash != m.block_hash)
        return util::Err("manifest: the checkpoint names another block");
    if (epoch_length > 0 && cp->committee.epoch != m.height / epoch_length)
        return util::Err("manifest: the checkpoint's committee is of another epoch");
    auto rec = DecodeCertificateRecord(m.certificate);
    if (!rec) return util::Err("manifest certificate: " + rec.error().message);
    core::CertifiedBlock cb;
    cb.block = std::move(*b);
    cb.commit_view = rec->first;
    cb.cert = std::move(rec->second);
    const consensus::Committee* c = CommitteeOfEpoch(*cp, cb.block.epoch);
    if (!c) return util::Err("manifest: the checkpoint has no committee for the block's epoch");
    auto st = VerifyBlockCert(*c, cb, verifier);
    if (!st) return util::Err("manifest: the certificate does not verify: " + st.error().message);
    return std::move(*cp);
}

std::string StateSyncProgressLine(size_t done, size_t total, uint64_t bytes) {
    return fmt::format("state {}/{} pieces, {:.1f} MB verified", done, total,
                       static_cast<double>(bytes) / 1e6);
}

// --- the sync -----------------------------------------------------------------

StateSync::StateSync(StateSyncOptions opt, JoinInfo info, storage::BlockStore& blocks,
                     net::Host& host, const crypto::Verifier& verifier, util::Logger log)
    : m_opt(opt),
      m_info(std::move(info)),
      m_blocks(blocks),
      m_host(host),
      m_verifier(verifier),
      m_log(std::move(log)),
      m_plan(opt) {}

void StateSync::OnMessage(const net::NodeId& peer, uint16_t type, util::Bytes payload) {
    std::lock_guard lk(m_mu);
    // Bounded: peers answer only what we ask, a few pieces at a time; more
    // than this waiting is a flood and is dropped.
    if (m_stop || m_in.size() >= 1024 || m_in_bytes + payload.size() > kMaxQueuedBytes) return;
    m_in_bytes += payload.size();
    m_in.push_back({peer, type, std::move(payload)});
    m_cv.notify_all();
}

void StateSync::Stop() {
    std::lock_guard lk(m_mu);
    m_stop = true;
    m_cv.notify_all();
}

std::optional<net::NodeId> StateSync::KeyOf(const std::string& name) const {
    auto it = m_keys.find(name);
    if (it == m_keys.end()) return std::nullopt;
    return it->second;
}

std::vector<std::string> StateSync::Connected() {
    std::vector<std::string> out;
    for (const auto& p : m_host.Peers()) {
        const std::string name = NameOfKey(p.id);
        m_keys[name] = p.id;
        out.push_back(name);
    }
    return out;
}

void StateSync::Handle(const Incoming& in, util::UnixNanos now) {
    const std::string name = NameOfKey(in.peer);
    m_keys[name] = in.peer;
    using net::MessageType;
    if (in.type == net::ToWire(MessageType::kSnapshotManifest)) {
        auto msg = DecodeManifestMsg(in.payload);
        if (!msg) {
            m_host.Penalize(in.peer, net::Misbehaviour::kInvalidMessage, msg.error().message);
            return;
        }
        if (!msg->manifest) return;  // it has none yet
        auto cp = CheckManifest(*msg->manifest, m_verifier, m_opt.epoch_length);
        if (!cp) {
            m_log.Warn("state sync: {} offered a bad manifest: {}", name.substr(0, 12),
                       cp.error().message);
            m_host.Penalize(in.peer, net::Misbehaviour::kInvalidMessage, cp.error().message);
            return;
        }
        m_plan.Offer(name, *msg->manifest);
        return;
    }
    if (in.type == net::ToWire(MessageType::kStateChunk)) {
        auto msg = DecodeChunkMsg(in.payload);
        if (!msg) {
            m_host.Penalize(in.peer, net::Misbehaviour::kInvalidMessage, msg.error().message);
            return;
        }
        const SnapshotManifest* m = m_plan.chosen();
        if (!m || msg->height != m->height || msg->index >= m->pieces()) return;
        if (!msg->piece) {
            m_plan.NotHave(name, msg->index);
            return;
        }
        auto piece = VerifyPiece(*m, msg->index, *msg->piece);
        if (!piece) {
            ++m_bad_pieces;
            m_log.Warn("state sync: {} sent a bad piece {}: {}; asking another peer",
                       name.substr(0, 12), msg->index, piece.error().message);
            m_host.Penalize(in.peer, net::Misbehaviour::kInvalidMessage,
                            "state sync: bad piece: " + piece.error().message);
            m_plan.Received(name, msg->index, false, now);
            return;
        }
        if (m_plan.complete()) return;
        m_bytes += msg->piece->size();
        if (piece->is_state) {
            for (auto& [k, v] : piece->entries) m_state[k] = std::move(v);
        } else {
            for (auto& w : piece->window) m_window[w.height] = std::move(w);
        }
        m_plan.Received(name, msg->index, true, now);
        return;
    }
    if (in.type == net::ToWire(MessageType::kSyncResponse)) {
        const SnapshotManifest* m = m_plan.chosen();
        if (!m || !m_plan.complete()) return;
        auto msg = DecodeMessage(in.payload, in.type);
        if (!msg) {
            m_host.Penalize(in.peer, net::Misbehaviour::kInvalidMessage, msg.error().message);
            return;
        }
        const auto* r = std::get_if<consensus::SyncResponse>(&*msg);
        if (!r) return;
        const uint64_t first =
            m->height >= m_opt.block_window ? m->height - m_opt.block_window + 1 : 1;
        for (const auto& mb : r->micros) {
            if (!mb || m_micro_bytes > kMaxMicroBytes) continue;
            if (m_micros.emplace(mb->hash, mb).second) m_micro_bytes += mb->ToBytes().size();
        }
        for (const auto& b : r->blocks) {
            if (!b || b->block.height < first || b->block.height > m->height) continue;
            if (m_recent.emplace(b->block.height, b).second) m_recent_from[b->block.height] = name;
        }
    }
}

void StateSync::Progress(util::UnixNanos now, bool force) {
    if (!force && now - m_last_progress <
                      (m_opt.progress_bar ? util::kNanosPerSecond / 4 : 5 * util::kNanosPerSecond))
        return;
    m_last_progress = now;
    const std::string line = StateSyncProgressLine(m_plan.done(), m_plan.total(), m_bytes);
    if (m_opt.progress_bar) {
        const size_t width = 30;
        const double frac = m_plan.total() ? static_cast<double>(m_plan.done()) /
                                                 static_cast<double>(m_plan.total())
                                           : 0.0;
        const size_t fill = static_cast<size_t>(frac * width);
        std::fprintf(stderr, "\rstate sync [%s%s] %3.0f%% %s", std::string(fill, '#').c_str(),
                     std::string(width - fill, '.').c_str(), frac * 100, line.c_str());
        if (force) std::fprintf(stderr, "\n");
    } else {
        m_log.Info("state sync: {}", line);
    }
}

util::Status StateSync::Run(int64_t limit_ns) {
    const util::UnixNanos deadline = m_clock.Now() + limit_ns;
    m_log.Info("state sync: asking peers for snapshot manifests (need {} in agreement)",
               m_opt.min_agree);
    bool announced = false;
    util::UnixNanos first_offer = 0;
    while (!m_plan.complete()) {
        std::deque<Incoming> batch;
        {
            std::unique_lock lk(m_mu);
            m_cv.wait_for(lk, std::chrono::milliseconds(100),
                          [&] { return m_stop || !m_in.empty(); });
            if (m_stop) return util::Err("state sync: stopped");
            batch.swap(m_in);
            m_in_bytes = 0;
        }
        const util::UnixNanos now = m_clock.Now();
        for (const auto& in : batch) Handle(in, now);
        if (now > deadline) {
            return util::Err(fmt::format(
                "state sync: timed out ({}; {} peers connected)",
                m_plan.chosen() ? StateSyncProgressLine(m_plan.done(), m_plan.total(), m_bytes)
                                : std::string("no manifest that enough peers agree on"),
                m_host.Peers().size()));
        }
        const auto connected = Connected();
        // Peers that have not offered a manifest are asked again (also
        // after one is chosen: a late peer that offers the same one becomes
        // one more source of pieces).
        for (const auto& p : connected) {
            if (m_plan.HasOffer(p)) continue;
            auto& t = m_asked_manifest[p];
            if (t != 0 && now - t < m_opt.manifest_retry_ns) continue;
            t = now;
            m_host.Send(m_keys[p], net::ToWire(net::MessageType::kGetSnapshotManifest),
                        EncodeGetManifest({0}));
        }
        if (m_plan.offers() > 0 && first_offer == 0) first_offer = now;
        // Choose once every connected peer answered, or a second after the
        // first answer: the agreeing peers are then known and share the work.
        const bool all_answered = m_plan.offers() >= connected.size();
        if (!m_plan.chosen() &&
            (first_offer == 0 || (!all_answered && now - first_offer < util::kNanosPerSecond))) {
            continue;
        }
        if (!m_plan.Choose(now)) continue;
        if (!announced) {
            announced = true;
            const auto* m = m_plan.chosen();
            m_checkpoint = *consensus::DecodeCheckpoint(m->checkpoint);
            m_log.Info(
                "state sync: snapshot of height {} (state root {}, {} state chunks of depth {}, "
                "{} window parts) offered by {} peers",
                m->height, crypto::HashToBase58(m->state_root), m->state_chunks(), m->depth,
                m->window_parts(), m_plan.Holders(now).size());
        }
        for (const auto& req : m_plan.Plan(connected, now)) {
            auto key = KeyOf(req.peer);
            if (!key) continue;
            m_host.Send(*key, net::ToWire(net::MessageType::kGetStateChunk),
                        EncodeGetChunk({m_plan.chosen()->height, req.index}));
        }
        Progress(now, false);
    }
    Progress(m_clock.Now(), true);
    IOST_TRY(FetchRecentBlocks(deadline));
    return Install();
}

util::Status StateSync::FetchRecentBlocks(int64_t deadline) {
    const SnapshotManifest& m = *m_plan.chosen();
    const uint64_t first = m.height >= m_opt.block_window ? m.height - m_opt.block_window + 1 : 1;
    m_log.Info("state sync: fetching blocks {}..{} in full", first, m.height);
    util::UnixNanos last_ask = 0;
    size_t rr = 0;
    for (;;) {
        std::deque<Incoming> batch;
        {
            std::unique_lock lk(m_mu);
            m_cv.wait_for(lk, std::chrono::milliseconds(100),
                          [&] { return m_stop || !m_in.empty(); });
            if (m_stop) return util::Err("state sync: stopped");
            batch.swap(m_in);
            m_in_bytes = 0;
        }
        const util::UnixNanos now = m_clock.Now();
        for (const auto& in : batch) Handle(in, now);
        if (now > deadline) return util::Err("state sync: timed out fetching the recent blocks");
        // Verify from the certified head down; drop what does not chain.
        crypto::Hash256 expect = m.block_hash;
        std::optional<uint64_t> missing;
        for (uint64_t h = m.height; h >= first; --h) {
            auto it = m_recent.find(h);
            if (it == m_recent.end()) {
                missing = h;
                break;
            }
            const core::CertifiedBlock& cb = *it->second;
            std::string bad;
            if (cb.block.Hash() != expect) {
                bad = "does not chain to the certified head";
            } else if (const auto* c = CommitteeOfEpoch(*m_checkpoint, cb.block.epoch)) {
                if (!VerifyBlockCert(*c, cb, m_verifier)) bad = "its certificate does not verify";
            }
            if (bad.empty()) {
                // Every MicroBlock it names, by the producers' hash chains.
                for (const auto& ref : cb.block.micro_refs) {
                    crypto::Hash256 mh = ref.last_hash;
                    for (uint64_t s = ref.seq_to; s >= ref.seq_from && s > 0; --s) {
                        auto mi = m_micros.find(mh);
                        if (mi == m_micros.end() || mi->second->header.producer != ref.producer ||
                            mi->second->header.seq != s) {
                            bad = "a MicroBlock it names is missing or wrong";
                            break;
                        }
                        mh = mi->second->header.prev_micro_hash;
                    }
                    if (!bad.empty()) break;
                }
            }
            if (!bad.empty()) {
                const std::string from = m_recent_from[h];
                m_log.Warn("state sync: block {} from {} {}; asking again", h, from.substr(0, 12),
                           bad);
                if (auto key = KeyOf(from)) {
                    m_host.Penalize(*key, net::Misbehaviour::kInvalidMessage,
                                    "state sync: block " + std::to_string(h) + " " + bad);
                }
                m_recent.erase(h);
                missing = h;
                break;
            }
            expect = cb.block.prev_hash;
            if (h == 1) break;
        }
        if (!missing) break;
        if (now - last_ask < m_opt.request_timeout_ns / 4 && last_ask != 0) continue;
        last_ask = now;
        const auto holders = m_plan.Holders(now);
        if (holders.empty()) continue;
        // Every missing batch at once, each of another peer (a response
        // covers up to 32 blocks upward from the height asked).
        for (uint64_t h = first; h <= m.height;) {
            if (m_recent.count(h)) {
                ++h;
                continue;
            }
            const std::string& peer = holders[rr++ % holders.size()];
            if (auto key = KeyOf(peer)) {
                for (auto& p :
                     EncodeForNetwork(consensus::Message{consensus::SyncRequest{h}}, 4096)) {
                    m_host.Send(*key, NetTypeOf(WireTag::kSyncRequest), std::move(p));
                }
            }
            h += 32;
        }
    }
    return util::Ok();
}

util::Status StateSync::Install() {
    const SnapshotManifest& m = *m_plan.chosen();
    const uint64_t first = m.height >= m_opt.block_window ? m.height - m_opt.block_window + 1 : 1;
    // The tree, rebuilt from the verified entries alone, must give the
    // certified root (every chunk was checked against it: this is a last
    // guard against a bug, not against a peer).
    ledger::WriteSet ws;
    for (auto& [k, v] : m_state) ws.emplace(k, std::move(v));
    m_state.clear();
    ledger::MemState empty;
    const crypto::Hash256 root = ledger::CommitStateTree(empty, ws);
    if (root != m.state_root) {
        return util::Err("state sync: the rebuilt state root " + crypto::HashToBase58(root) +
                         " is not the certified " + crypto::HashToBase58(m.state_root));
    }
    IOST_TRY(m_blocks.BeginStateInstall(m.height));
    std::vector<storage::StateWrite> part;
    for (auto& [k, v] : ws) {
        storage::StateWrite w;
        w.key = util::Bytes(k.begin(), k.end());
        w.value = util::Bytes(v->begin(), v->end());
        part.push_back(std::move(w));
        if (part.size() >= 10'000) {
            IOST_TRY(m_blocks.WriteInstallState(part));
            part.clear();
        }
    }
    if (!part.empty()) IOST_TRY(m_blocks.WriteInstallState(part));
    const size_t entries = ws.size();
    ws.clear();

    storage::SnapshotInstall in;
    in.genesis.height = 0;
    in.genesis.hash = ToHash32(m_info.genesis_hash);
    in.genesis.encoded_block = m_info.genesis_block;
    in.genesis.state_root = ToHash32(m_info.genesis_state_root);
    for (uint64_t h = m.window_first; h <= m.height; ++h) {
        storage::FinalizedBlockRecord r;
        r.height = h;
        const WindowHeight& w = m_window.at(h);
        for (const auto& t : w.executed) r.txs.push_back({ToHash32(t), {}});
        for (const auto& t : w.refused) r.refused_txs.push_back(ToHash32(t));
        if (h >= first) {
            const core::CertifiedBlock& cb = *m_recent.at(h);
            r.hash = ToHash32(cb.block.Hash());
            r.prev_hash = ToHash32(cb.block.prev_hash);
            r.encoded_block = cb.block.ToBytes();
            r.encoded_certificate = EncodeCertificateRecord(cb.commit_view, cb.cert);
            r.state_root = ToHash32(cb.block.state_root);
            for (const auto& ref : cb.block.micro_refs) {
                std::vector<std::shared_ptr<const core::MicroBlock>> chain;
                crypto::Hash256 mh = ref.last_hash;
                for (uint64_t s = ref.seq_to; s >= ref.seq_from && s > 0; --s) {
                    chain.push_back(m_micros.at(mh));
                    mh = chain.back()->header.prev_micro_hash;
                }
                std::reverse(chain.begin(), chain.end());
                for (const auto& mb : chain) {
                    storage::MicroBlockRecord mr;
                    mr.producer =
                        util::Bytes(mb->header.producer.begin(), mb->header.producer.end());
                    mr.seq = mb->header.seq;
                    mr.hash = ToHash32(mb->hash);
                    mr.encoded = mb->ToBytes();
                    r.micro_blocks.push_back(std::move(mr));
                }
            }
        }
        if (h == m.height) r.checkpoint = m.checkpoint;
        in.blocks.push_back(std::move(r));
    }
    IOST_TRY(m_blocks.FinishStateInstall(in));
    m_installed = m.height;
    m_log.Info(
        "state sync: installed height {} ({} state entries, {} MB verified, {} bad pieces "
        "refused); block sync continues from here",
        m.height, entries, m_bytes / 1'000'000, m_bad_pieces.load());
    return util::Ok();
}

}  // namespace iost::node
