// The PoB views IOST lacks, in IOST's style (snake_case, int64 as strings,
// HTTP 400 errors): /getPoBInfo (epoch, seed, the two leagues with Servi,
// stake and commit votes, parameters, fallback, the epoch's newest commit
// certificates by signer), /getMicroBlock/{producer}/{seq}, and
// /getEvidence (fraud proofs, equivocations, excluded and compensated
// transactions, slashed validators) over a bounded range of final blocks;
// and POST /submitEvidence, by which anyone proves fraud (docs/pob.md §7.4):
// {"tx_hash": "..."} (the node finds the MicroBlock that packed it and builds
// the proof if its bytes are invalid) or {"evidence": base64 of the proof's
// canonical encoding}. Rate-limited per client address.
#include <consensus/election.h>
#include <consensus/evidence.h>
#include <ledger/ledger.h>
#include <node/stored_block.h>
#include <rpc/api_internal.h>
#include <util/bytes.h>
#include <util/text.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <mutex>

namespace iost::rpc {
namespace {

// /getEvidence reads at most this many final blocks per request.
constexpr uint64_t kMaxEvidenceRange = 1000;
// /getPoBInfo looks this far back in the current epoch for producers declared silent
// and for the commit votes of the normal league.
constexpr uint64_t kMaxFallbackScan = 512;
// /getPoBInfo lists the certificates of this many of the epoch's newest final blocks.
constexpr size_t kRecentCertificates = 8;

const char* StatusName(ledger::schema::ValidatorStatus s) {
    switch (s) {
        case ledger::schema::ValidatorStatus::kActive:
            return "ACTIVE";
        case ledger::schema::ValidatorStatus::kUnregistered:
            return "UNREGISTERED";
        case ledger::schema::ValidatorStatus::kSlashed:
            return "SLASHED";
    }
    return "UNKNOWN";
}

json MemberJson(const std::string& id, const ledger::StateReader& st) {
    json m;
    m["id"] = id;
    auto v = ledger::GetValidator(st, id);
    m["pubkey"] = v ? util::Base58Encode(v->consensus_key.bytes) : "";
    m["servi"] = I64(v ? v->servi : 0);
    m["stake"] = Double(v ? RawToDouble(v->stake, 8) : 0.0);
    m["status"] = v ? StatusName(v->status) : "UNKNOWN";
    return m;
}

Response PobInfo(node::Node& n) {
    const auto s = n.driver().Status();
    const auto& p = n.genesis().pob;
    const ledger::StateReader& st = n.state();
    json j;
    j["epoch"] = U64(s.epoch);
    // docs/pob.md §4.2: the seed the engine elected this epoch's committee
    // with (commit–reveal over the last epoch's reveals).
    j["seed"] = crypto::HashToBase58(s.seed);
    j["height"] = U64(s.height);
    j["view"] = U64(s.view);
    j["epoch_start_height"] = U64(s.epoch * p.epoch_length + 1);
    j["next_epoch_height"] = U64((s.epoch + 1) * p.epoch_length + 1);
    j["chain_fallback"] = s.chain_fallback;
    json believable = json::array();
    for (const auto& id : s.believable) believable.push_back(MemberJson(id, st));
    json normal = json::array();
    for (const auto& id : s.normal) normal.push_back(MemberJson(id, st));
    // Believable producers declared silent in this epoch (their partitions
    // run in the normal league until the next epoch, pob.md §5.4), and who
    // signed the commit certificates of this epoch's final blocks as this
    // node stored them (any q of N; the chain's own record of the votes is
    // each next block's last_commit, /getPoBBlock, pob.md §4.1).
    json silent = json::array();
    std::vector<uint64_t> signed_count(s.normal.size(), 0);
    json certificates = json::array();
    const uint64_t first =
        std::max<uint64_t>(s.epoch * p.epoch_length + 1,
                           s.height > kMaxFallbackScan ? s.height - kMaxFallbackScan + 1 : 1);
    for (uint64_t h = first; h <= s.height && h >= 1; ++h) {
        auto b = LoadBlock(n, h, WithTxs::kNo);
        if (!b) return StorageError("block", b.error());
        if (!*b) continue;
        for (const auto& id : (*b)->block.fallback) {
            if (std::find(silent.begin(), silent.end(), id) == silent.end()) silent.push_back(id);
        }
        // The bitmap indexes this epoch's normal league (election order).
        if ((*b)->block.epoch != s.epoch) continue;
        json signers = json::array();
        for (size_t i : (*b)->cert.Signers()) {
            if (i >= s.normal.size()) continue;
            ++signed_count[i];
            signers.push_back(s.normal[i]);
        }
        certificates.insert(certificates.begin(), json{{"height", U64(h)},
                                                       {"commit_view", U64((*b)->commit_view)},
                                                       {"signers", std::move(signers)}});
        if (certificates.size() > kRecentCertificates) certificates.erase(certificates.end() - 1);
    }
    for (size_t i = 0; i < normal.size(); ++i) normal[i]["signed"] = U64(signed_count[i]);
    j["believable"] = std::move(believable);
    j["normal"] = std::move(normal);
    j["fallback_producers"] = std::move(silent);
    j["certificates"] = std::move(certificates);
    const size_t nn = s.normal.size();
    j["params"] = {
        {"believable_size", p.believable_size},
        {"normal_size", p.normal_size},
        {"sampling_probability", Double(static_cast<double>(p.sampling_probability_ppm) / 1e6)},
        {"epoch_length", U64(p.epoch_length)},
        {"micro_interval_ms", p.micro_interval_ms},
        {"final_interval_ms", p.final_interval_ms},
        {"min_servi", I64(p.min_servi)},
        {"recheck_window", U64(p.recheck_window)},
        {"max_faulty", static_cast<int64_t>(consensus::MaxFaulty(nn))},
        {"quorum", static_cast<int64_t>(consensus::Quorum(nn))}};
    j["validators"] = json::array();
    for (const auto& v : ledger::GetValidators(st))
        j["validators"].push_back(MemberJson(v.account, st));
    return JsonOk(j);
}

json HeaderJson(const core::MicroBlockHeader& h) {
    return {{"hash", crypto::HashToBase58(h.Hash())},
            {"epoch", U64(h.epoch)},
            {"producer", h.producer},
            {"seq", U64(h.seq)},
            {"prev_micro_hash", crypto::HashToBase58(h.prev_micro_hash)},
            {"base_final_height", U64(h.base_final_height)},
            {"tx_root", crypto::HashToBase58(h.tx_root)},
            {"receipts_root", crypto::HashToBase58(h.receipts_root)},
            {"time", I64(h.time)},
            {"tx_count", h.tx_count}};
}

Response MicroBlock(node::Node& n, const Request& r) {
    const std::string& producer = r.params[0];
    if (auto st = CheckId(producer); !st) return BadRequest("producer: " + st.error().message);
    auto seq = ParseU64(r.params[1], "seq");
    if (!seq) return BadRequest(seq.error().message);
    if (*seq == 0) return BadRequest("seq: sequence numbers start at 1");
    auto m = n.driver().GetMicroBlock(producer, *seq);
    if (!m) return NotFound("micro-block " + producer + "/" + std::to_string(*seq) + " not found");
    const storage::Hash32 key = StoreKey(m->hash);
    auto fh = n.blocks().GetMicroBlockFinalHeight(key);
    if (!fh) return StorageError("micro-block index", fh.error());
    json j;
    j["status"] = *fh ? "IRREVERSIBLE" : "PACKED";
    j["final_height"] = *fh ? I64(static_cast<int64_t>(**fh)) : "-1";
    json mb = HeaderJson(m->header);
    mb["producer_sig"] = util::Base64Encode(m->producer_sig);
    json hashes = json::array();
    for (const auto& h : m->tx_hashes) hashes.push_back(crypto::HashToBase58(h));
    mb["tx_hashes"] = std::move(hashes);
    j["micro_block"] = std::move(mb);
    return JsonOk(j);
}

json EvidenceJson(const core::Evidence& e, uint64_t height) {
    json j;
    j["height"] = U64(height);
    j["id"] = crypto::HashToBase58(e.Id());
    j["accused"] = e.Accused();
    switch (e.kind) {
        case core::EvidenceKind::kFraud:
            j["kind"] = "FRAUD_PROOF";
            j["detail"] = {{"micro_block", HeaderJson(e.fraud.header)},
                           {"index", e.fraud.index},
                           {"tx_hash", e.fraud.tx.HashBase58()},
                           {"reason", "BAD_TRANSACTION"}};
            break;
        case core::EvidenceKind::kMicroEquivocation:
            j["kind"] = "MICRO_EQUIVOCATION";
            j["detail"] = {{"a", HeaderJson(e.micro.a)}, {"b", HeaderJson(e.micro.b)}};
            break;
        case core::EvidenceKind::kVoteEquivocation: {
            j["kind"] = "VOTE_EQUIVOCATION";
            auto vote = [](const core::SignedVote& v) {
                return json{{"kind", v.kind == core::kVotePrepare ? "PREPARE" : "COMMIT"},
                            {"height", U64(v.height)},
                            {"view", U64(v.view)},
                            {"block_hash", crypto::HashToBase58(v.block_hash)},
                            {"voter", v.voter}};
            };
            j["detail"] = {{"a", vote(e.vote.a)}, {"b", vote(e.vote.b)}};
            break;
        }
    }
    return j;
}

Response Evidence(node::Node& n, const Request& r) {
    const uint64_t head = n.driver().Status().height;
    uint64_t from = head >= kMaxEvidenceRange ? head - kMaxEvidenceRange + 1 : 0;
    uint64_t to = head;
    if (r.params.size() == 2) {
        auto f = ParseU64(r.params[0], "from");
        if (!f) return BadRequest(f.error().message);
        auto t = ParseU64(r.params[1], "to");
        if (!t) return BadRequest(t.error().message);
        if (*t < *f)
            return BadRequest("invalid range " + r.params[0] + " to " + r.params[1] +
                              ": to < from");
        if (*t - *f >= kMaxEvidenceRange) {
            return BadRequest("invalid range " + r.params[0] + " to " + r.params[1] + ": at most " +
                              std::to_string(kMaxEvidenceRange) + " blocks per request");
        }
        from = *f;
        to = std::min(*t, head);
    }
    json evidence = json::array(), excluded = json::array(), compensated = json::array();
    for (uint64_t h = from; h <= to && from <= to; ++h) {
        auto b = LoadBlock(n, h, WithTxs::kNo);
        if (!b) return StorageError("block", b.error());
        if (!*b) continue;
        const auto& blk = (*b)->block;
        for (const auto& e : blk.evidence) evidence.push_back(EvidenceJson(e, h));
        for (const auto& x : blk.excluded) {
            excluded.push_back({{"height", U64(h)},
                                {"tx_hash", crypto::HashToBase58(x.tx_hash)},
                                {"evidence_id", crypto::HashToBase58(x.evidence_id)}});
        }
        for (const auto& x : blk.compensated) {
            compensated.push_back({{"height", U64(h)},
                                   {"tx_hash", crypto::HashToBase58(x.tx_hash)},
                                   {"evidence_id", crypto::HashToBase58(x.evidence_id)}});
        }
        if (h == UINT64_MAX) break;
    }
    json slashed = json::array();
    for (const auto& v : ledger::GetValidators(n.state())) {
        if (v.status == ledger::schema::ValidatorStatus::kSlashed) slashed.push_back(v.account);
    }
    json j;
    j["from"] = U64(from);
    j["to"] = U64(to);
    j["evidence"] = std::move(evidence);
    j["excluded"] = std::move(excluded);
    j["compensated"] = std::move(compensated);
    j["slashed"] = std::move(slashed);
    j["compensation_pool"] = Double(RawToDouble(ledger::CompensationPoolBalance(n.state()), 8));
    return JsonOk(j);
}

}  // namespace

// /submitEvidence: per client address, at most this many requests per window.
constexpr int kEvidencePerWindow = 10;
constexpr int64_t kEvidenceWindowNs = 10'000'000'000;
constexpr size_t kMaxEvidenceBody = 1u << 20;

class PerSourceLimit {
  public:
    bool Allow(const std::string& remote) {
        const std::string ip = remote.substr(0, remote.rfind(':'));
        const int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                                std::chrono::steady_clock::now().time_since_epoch())
                                .count();
        std::lock_guard lk(m_mu);
        if (m_seen.size() > 10'000) m_seen.clear();  // bounded memory
        auto& [start, count] = m_seen[ip];
        if (now - start > kEvidenceWindowNs) {
            start = now;
            count = 0;
        }
        return ++count <= kEvidencePerWindow;
    }

  private:
    std::mutex m_mu;
    std::map<std::string, std::pair<int64_t, int>> m_seen;
};

// The MicroBlock that packed `tx_hash` (PACKED or final) and its index there.
std::optional<std::pair<core::MicroBlock, uint32_t>> FindPacking(node::Node& n,
                                                                 const crypto::Hash256& h,
                                                                 std::string* why) {
    auto in =
        [&](const core::MicroBlock& m) -> std::optional<std::pair<core::MicroBlock, uint32_t>> {
        for (size_t i = 0; i < m.tx_hashes.size(); ++i) {
            if (m.tx_hashes[i] == h) return std::make_pair(m, static_cast<uint32_t>(i));
        }
        return std::nullopt;
    };
    if (auto packed = n.driver().FindPacked(h)) {
        if (auto m = n.driver().GetMicroBlock(packed->producer, packed->seq)) {
            if (auto r = in(*m)) return r;
        }
    }
    auto loc = n.blocks().GetTxLocation(StoreKey(h));
    if (!loc) {
        *why = "tx index: " + loc.error().message;
        return std::nullopt;
    }
    if (!*loc) {
        *why = "transaction " + crypto::HashToBase58(h) + " is neither packed nor final here";
        return std::nullopt;
    }
    // The block's MicroBlocks through the one reader of stored blocks.
    auto stored = node::LoadStoredBlock(n.blocks(), (*loc)->height, node::WithMicros::kYes);
    if (!stored) {
        *why = "micro-blocks: " + stored.error().detail;
        return std::nullopt;
    }
    for (const auto& m : stored->micros) {
        if (auto r = in(*m)) return r;
    }
    *why = "transaction " + crypto::HashToBase58(h) +
           " is final but was not packed by a believable producer (a direct transaction, "
           "verified by every normal validator)";
    return std::nullopt;
}

Response SubmitEvidence(node::Node& n, PerSourceLimit& limit, const Request& r) {
    if (!limit.Allow(r.remote)) {
        Response resp = BadRequest("too many evidence submissions from this address; retry later");
        resp.status = 429;
        return resp;
    }
    auto body = ParseBodyObject(r.body, kMaxEvidenceBody);
    if (!body) return BadRequest(body.error().message);
    const bool by_hash = body->contains("tx_hash");
    const bool by_proof = body->contains("evidence");
    if (by_hash == by_proof) {
        return BadRequest(
            "give exactly one of \"tx_hash\" (base58) or \"evidence\" (base64 of "
            "the proof's encoding)");
    }
    std::shared_ptr<const core::Evidence> ev;
    if (by_hash) {
        if (!(*body)["tx_hash"].is_string()) return BadRequest("tx_hash: must be a string");
        auto h = ParseHash((*body)["tx_hash"].get<std::string>(), "tx_hash");
        if (!h) return BadRequest(h.error().message);
        std::string why;
        auto found = FindPacking(n, *h, &why);
        if (!found) return NotFound(why);
        const auto& [mb, index] = *found;
        if (mb.txs[index].VerifyForm(n.genesis().chain_id, crypto::RealVerifier())) {
            return BadRequest(
                "not fraud: the transaction's form, chain id and every signature verify "
                "(state-dependent failures are decided by execution, docs/pob.md §7.1)");
        }
        ev = std::make_shared<const core::Evidence>(consensus::MakeFraudProof(mb, index));
    } else {
        if (!(*body)["evidence"].is_string()) return BadRequest("evidence: must be a string");
        auto raw = util::Base64Decode((*body)["evidence"].get<std::string>());
        if (!raw) return BadRequest("evidence: not base64: " + raw.error().message);
        auto dec = core::Evidence::FromBytes(*raw);
        if (!dec) return BadRequest("evidence: " + dec.error().message);
        ev = std::make_shared<const core::Evidence>(std::move(*dec));
    }
    auto id = n.driver().SubmitEvidence(ev);
    if (!id) {
        json e;
        e["code"] = id.error().code;
        e["message"] = id.error().message;
        Response resp = JsonOk(e);
        resp.status = 400;
        return resp;
    }
    json j;
    j["evidence_id"] = crypto::HashToBase58(*id);
    j["accused"] = ev->Accused();
    j["kind"] = ev->kind == core::EvidenceKind::kFraud               ? "FRAUD_PROOF"
                : ev->kind == core::EvidenceKind::kMicroEquivocation ? "MICRO_EQUIVOCATION"
                                                                     : "VOTE_EQUIVOCATION";
    j["evidence"] = util::Base64Encode(ev->ToBytes());
    return JsonOk(j);
}

void RegisterPobApi(ApiContext& ctx) {
    node::Node* n = ctx.node;
    ctx.Get("/getPoBInfo", [n](const Request&) { return PobInfo(*n); });
    ctx.Get("/getMicroBlock/{producer}/{seq}", [n](const Request& r) { return MicroBlock(*n, r); });
    ctx.Get("/getEvidence", [n](const Request& r) { return Evidence(*n, r); });
    ctx.Get("/getEvidence/{from}/{to}", [n](const Request& r) { return Evidence(*n, r); });
    auto limit = std::make_shared<PerSourceLimit>();
    ctx.Post("/submitEvidence",
             [n, limit](const Request& r) { return SubmitEvidence(*n, *limit, r); });
}

}  // namespace iost::rpc
