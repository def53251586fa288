#include <consensus/block_rules.h>
#include <consensus/evidence.h>
#include <crypto/hash.h>

#include <algorithm>

namespace iost::consensus {

const char* BlockRejectName(BlockReject r) {
    switch (r) {
        case BlockReject::kNotExtending:
            return "does not extend the chain";
        case BlockReject::kWrongEpoch:
            return "wrong epoch";
        case BlockReject::kTimeNotAdvancing:
            return "time does not advance";
        case BlockReject::kProposerNotNormal:
            return "proposer is not a normal validator";
        case BlockReject::kBadSeedCommit:
            return "bad epoch-seed commitment";
        case BlockReject::kBadSeedReveal:
            return "bad epoch-seed reveal";
        case BlockReject::kBadFallback:
            return "bad fallback declaration";
        case BlockReject::kTooMuchEvidence:
            return "too much evidence";
        case BlockReject::kEvidenceRepeated:
            return "evidence against an already slashed or twice accused validator";
        case BlockReject::kEvidenceUnknownEpoch:
            return "evidence from an unknown epoch";
        case BlockReject::kEvidenceInvalid:
            return "evidence does not validate";
        case BlockReject::kRefNotBelievable:
            return "ref to a non-believable producer";
        case BlockReject::kRefsOutOfOrder:
            return "refs out of producer order";
        case BlockReject::kRefToExcluded:
            return "ref to a slashed or fallen-back producer";
        case BlockReject::kRefSeqRange:
            return "ref seq range does not extend the final chain";
        case BlockReject::kMissingMicro:
            return "missing MicroBlock";
        case BlockReject::kRefChainMismatch:
            return "ref chain does not match";
        case BlockReject::kRefChainUnlinked:
            return "ref chain does not link to the final chain";
        case BlockReject::kTooManyMicroTxs:
            return "referenced MicroBlocks carry too many transactions";
        case BlockReject::kDirectDuplicate:
            return "direct tx is a duplicate";
        case BlockReject::kDerivedDiffer:
            return "exclusions or compensations differ";
        case BlockReject::kTxRootDiffers:
            return "tx root differs";
        case BlockReject::kStateRootDiffers:
            return "state root differs from our execution";
        case BlockReject::kSampleFailed:
            return "references a MicroBlock whose sample failed";
        case BlockReject::kDirectTxOfLivePartition:
            return "direct tx of a live partition";
        case BlockReject::kDirectTxFails:
            return "direct tx fails verification";
        case BlockReject::kTimeTooFarAhead:
            return "time too far ahead of the local clock";
        case BlockReject::kFallbackOfLiveProducer:
            return "declares silent a producer heard recently";
        case BlockReject::kLastCommitMissing:
            return "last_commit missing (or present where none belongs)";
        case BlockReject::kLastCommitInvalid:
            return "last_commit is not a valid commit certificate of the previous block";
    }
    return "unknown";
}

const Committee* ChainView::CommitteeForEpoch(uint64_t epoch) const {
    if (epoch == committee->epoch) return committee;
    if (prev_committee && prev_committee->epoch == epoch) return prev_committee;
    if (!past_committees) return nullptr;
    auto it = past_committees->find(epoch);
    return it == past_committees->end() ? nullptr : &it->second;
}

void TallyLastCommit(const Params& params, const Committee& c, const core::FinalBlock& b,
                     VoteTally& t) {
    if (!params.vote_accounting || !b.last_commit || b.height < 2 || params.epoch_length == 0)
        return;
    // Heights of epoch e are e·L+1 .. (e+1)·L: height − 1 is of b's epoch
    // unless b is its epoch's first block.
    if ((b.height - 2) / params.epoch_length != (b.height - 1) / params.epoch_length) return;
    ++t.certificates;
    for (size_t i = 0; i < c.normal.size(); ++i) {
        if (!b.last_commit->cert.HasSigner(i)) ++t.absent[c.normal[i].id];
    }
}

std::vector<std::string> AbsentVoters(const Params& params, const Committee& c,
                                      const std::set<std::string>& slashed, const VoteTally& t) {
    std::vector<std::string> out;
    if (!params.vote_accounting || t.certificates == 0) return out;
    for (const auto& m : c.normal) {
        auto it = t.absent.find(m.id);
        if (it == t.absent.end() || slashed.count(m.id)) continue;
        // absent / certificates > percent / 100, in integers.
        if (it->second * 100 > uint64_t{params.absent_vote_percent} * t.certificates)
            out.push_back(m.id);
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

util::Result<void, BlockReject> CheckLastCommit(const ChainView& chain, const core::FinalBlock& b,
                                                const crypto::Verifier& verifier) {
    const Params& P = *chain.params;
    const bool due = P.vote_accounting && b.height >= 2;
    if (!due) {
        if (b.last_commit) return util::ErrOf(BlockReject::kLastCommitMissing);
        return {};
    }
    if (!b.last_commit) return util::ErrOf(BlockReject::kLastCommitMissing);
    const uint64_t prev = b.height - 1;
    const Committee* c =
        chain.CommitteeForEpoch(P.epoch_length == 0 ? 0 : (prev - 1) / P.epoch_length);
    if (!c) return util::ErrOf(BlockReject::kLastCommitInvalid);
    const auto keys = c->NormalKeys();
    const crypto::Hash256 msg =
        core::VoteMessage(core::kVoteCommit, prev, b.last_commit->view, chain.last_hash);
    if (!crypto::VerifyCertificate(b.last_commit->cert, keys, msg, c->quorum(), verifier).ok()) {
        return util::ErrOf(BlockReject::kLastCommitInvalid);
    }
    return {};
}

uint64_t EvidenceEpoch(const core::Evidence& ev, const Params& params) {
    if (ev.kind == core::EvidenceKind::kVoteEquivocation) {
        return ev.vote.a.height == 0 ? UINT64_MAX : (ev.vote.a.height - 1) / params.epoch_length;
    }
    return ev.kind == core::EvidenceKind::kFraud ? ev.fraud.header.epoch : ev.micro.a.epoch;
}

std::optional<std::string> OwnerOf(const ChainView& chain, const std::set<std::string>& fallback,
                                   const std::string& publisher) {
    // pob.md §5.1: owner = H(publisher ‖ epoch seed) mod |active believable|;
    // slashed producers' publishers are re-partitioned over the rest, silent
    // ones fall to the normal league.
    const Committee& c = *chain.committee;
    if (c.chain_fallback) return std::nullopt;
    std::vector<const Candidate*> live;
    for (const auto& b : c.believable) {
        if (!chain.slashed->count(b.id)) live.push_back(&b);
    }
    if (live.empty()) return std::nullopt;
    crypto::Sha3Hasher h;
    h.Update(util::AsBytes(publisher));
    h.Update(crypto::View(c.seed));
    const crypto::Hash256 d = h.Final();
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = (v << 8) | d[static_cast<size_t>(i)];
    const std::string& owner = live[v % live.size()]->id;
    if (fallback.count(owner)) return std::nullopt;
    return owner;
}

namespace {

util::Unexpected<PlanReject> Reject(BlockReject r) { return util::ErrOf(PlanReject{r, {}}); }

using EvidenceOf = std::map<std::string, crypto::Hash256>;  // accused → evidence id

// The producers fallen back for this block: the chain's plus the block's
// declarations, each a believable producer not slashed and not fallen yet.
util::Result<std::set<std::string>, PlanReject> FallbackNow(const ChainView& chain,
                                                            const core::FinalBlock& b) {
    std::set<std::string> fallback_now = *chain.fallback;
    for (const auto& f : b.fallback) {
        if (!chain.committee->IsBelievable(f) || chain.slashed->count(f) ||
            !fallback_now.insert(f).second) {
            return Reject(BlockReject::kBadFallback);
        }
    }
    return fallback_now;
}

// Evidence: valid, new, one per accused; each slashes its accused (pob.md §7.3).
// Against a producer slashed earlier a fraud proof is a claim that repays its
// transaction once (pob.md §7.4); any other evidence against it is stale.
// `comp_seen` collects the transactions repaid by this block.
util::Result<EvidenceOf, PlanReject> PlanEvidence(const ChainView& chain, const core::FinalBlock& b,
                                                  Application& app,
                                                  const crypto::Verifier& verifier, Plan& plan,
                                                  std::set<crypto::Hash256>& comp_seen) {
    std::set<std::string> accused;
    EvidenceOf evidence_of;
    if (b.evidence.size() > kMaxEvidencePerBlock) return Reject(BlockReject::kTooMuchEvidence);
    for (const auto& ev : b.evidence) {
        const std::string& who = ev.Accused();
        const bool claim = chain.slashed->count(who) != 0;
        if (claim && (ev.kind != core::EvidenceKind::kFraud ||
                      chain.compensated->count(ev.fraud.tx.Hash()) ||
                      !comp_seen.insert(ev.fraud.tx.Hash()).second)) {
            return Reject(BlockReject::kEvidenceRepeated);
        }
        if (!claim && !accused.insert(who).second) return Reject(BlockReject::kEvidenceRepeated);
        const crypto::Hash256 id = ev.Id();
        if (!chain.evidence_pool->count(id)) {
            const Committee* c = chain.CommitteeForEpoch(EvidenceEpoch(ev, *chain.params));
            if (!c) return Reject(BlockReject::kEvidenceUnknownEpoch);
            if (!ValidateEvidence(ev, *c, app, verifier).ok()) {
                return Reject(BlockReject::kEvidenceInvalid);
            }
        }
        if (claim) {
            const crypto::Hash256 th = ev.fraud.tx.Hash();
            plan.compensated.push_back({th, id});
            plan.in.compensations.push_back({&ev.fraud.tx, th, who});
            continue;
        }
        plan.slashed.push_back(who);
        evidence_of[who] = id;
        plan.in.slashes.push_back({who, id});
    }
    return evidence_of;
}

// Compensation: every tx the newly slashed produced within the window is
// re-checked on its bytes (pob.md §7.1); forged ones already final are paid back
// (pob.md §7.3).
void PlanCompensations(const ChainView& chain, uint64_t height, const EvidenceOf& evidence_of,
                       Application& app, Plan& plan, std::set<crypto::Hash256>& comp_seen) {
    for (const auto& [fh, list] : *chain.recent) {
        if (fh + chain.params->recheck_window < height) continue;
        for (const auto& rt : list) {
            auto it = evidence_of.find(rt.producer);
            if (it == evidence_of.end() || chain.compensated->count(rt.hash) ||
                !comp_seen.insert(rt.hash).second) {
                continue;
            }
            if (app.CheckTxBytes(*rt.tx).ok()) continue;
            plan.compensated.push_back({rt.hash, it->second});
            plan.comp_txs.push_back(rt.tx);
            plan.in.compensations.push_back({rt.tx.get(), rt.hash, rt.producer});
        }
    }
}

// The MicroBlocks one ref names, oldest first: seq_from..seq_to of its
// producer in this epoch, linked by prev hash down to the final tip `tip`.
util::Result<std::vector<std::shared_ptr<const core::MicroBlock>>, PlanReject> WalkRef(
    const ChainView& chain, const core::MicroRef& ref,
    const std::pair<uint64_t, crypto::Hash256>& tip) {
    const auto& [seq, hash] = tip;
    if (ref.seq_from != seq + 1 || ref.seq_to < ref.seq_from ||
        ref.seq_to - ref.seq_from > 100'000) {
        return Reject(BlockReject::kRefSeqRange);
    }
    std::vector<std::shared_ptr<const core::MicroBlock>> micro_chain;
    crypto::Hash256 cur = ref.last_hash;
    for (uint64_t s = ref.seq_to; s >= ref.seq_from; --s) {
        auto it = chain.micros->find(cur);
        if (it == chain.micros->end()) {
            return util::ErrOf(PlanReject{BlockReject::kMissingMicro, {cur}});
        }
        const auto& m = it->second;
        if (m->header.producer != ref.producer || m->header.epoch != chain.committee->epoch ||
            m->header.seq != s) {
            return Reject(BlockReject::kRefChainMismatch);
        }
        micro_chain.push_back(m);
        cur = m->header.prev_micro_hash;
        if (s == 0) break;
    }
    if (cur != hash) return Reject(BlockReject::kRefChainUnlinked);
    std::reverse(micro_chain.begin(), micro_chain.end());
    return micro_chain;
}

// MicroBlock references: live believable producers in committee order, each
// extending its final chain; their txs in order, minus those already final,
// repeated, or (of a producer slashed by this block) failing the check.
util::Result<void, PlanReject> PlanMicroRefs(const ChainView& chain, const core::FinalBlock& b,
                                             const std::set<std::string>& fallback_now,
                                             EvidenceOf& evidence_of, Application& app, Plan& plan,
                                             std::set<crypto::Hash256>& in_block) {
    const Committee& committee = *chain.committee;
    size_t micro_txs = 0;
    size_t last_index = 0;
    bool first = true;
    for (const auto& ref : b.micro_refs) {
        size_t idx = 0;
        for (; idx < committee.believable.size(); ++idx) {
            if (committee.believable[idx].id == ref.producer) break;
        }
        if (idx == committee.believable.size()) return Reject(BlockReject::kRefNotBelievable);
        if (!first && idx <= last_index) return Reject(BlockReject::kRefsOutOfOrder);
        first = false;
        last_index = idx;
        if (chain.slashed->count(ref.producer) || fallback_now.count(ref.producer)) {
            return Reject(BlockReject::kRefToExcluded);
        }
        std::pair<uint64_t, crypto::Hash256> tip{0, {}};
        if (auto inc = chain.included->find(ref.producer); inc != chain.included->end()) {
            tip = inc->second;
        }
        auto micro_chain = WalkRef(chain, ref, tip);
        if (!micro_chain) return util::ErrOf(micro_chain.error());
        for (const auto& m : *micro_chain) micro_txs += m->txs.size();
        // The proposer stays within max_block_micro_txs; blocks built before
        // the budget was shared overshot it by at most one MicroBlock
        // (kMaxMicroTxs), so stored chains of that time still replay.
        if (micro_txs > size_t{chain.params->max_block_micro_txs} + core::kMaxMicroTxs) {
            return Reject(BlockReject::kTooManyMicroTxs);
        }
        const bool slashed_now = evidence_of.count(ref.producer) != 0;
        for (const auto& m : *micro_chain) {
            plan.micros.push_back(m);
            for (size_t i = 0; i < m->txs.size(); ++i) {
                const auto& th = m->tx_hashes[i];
                if (slashed_now && !app.CheckTxBytes(m->txs[i]).ok()) {
                    plan.excluded.push_back({th, evidence_of[ref.producer]});
                    continue;
                }
                if (chain.final_txs->count(th) || !in_block.insert(th).second) continue;
                plan.in.txs.push_back(&m->txs[i]);
                plan.in.tx_hashes.push_back(th);
                plan.executed.push_back({ref.producer, nullptr, th});
            }
        }
        plan.in.credited.push_back(ref.producer);
    }
    return {};
}

}  // namespace

util::Result<Plan, PlanReject> MakePlan(const ChainView& chain, const core::FinalBlock& b,
                                        Application& app, const crypto::Verifier& verifier) {
    Plan plan;
    auto fallback_now = FallbackNow(chain, b);
    if (!fallback_now) return util::ErrOf(fallback_now.error());
    std::set<crypto::Hash256> comp_seen;  // repaid by this block, once each
    auto evidence_of = PlanEvidence(chain, b, app, verifier, plan, comp_seen);
    if (!evidence_of) return util::ErrOf(evidence_of.error());
    PlanCompensations(chain, b.height, *evidence_of, app, plan, comp_seen);
    std::set<crypto::Hash256> in_block;
    IOST_TRY(PlanMicroRefs(chain, b, *fallback_now, *evidence_of, app, plan, in_block));
    // Direct (fallback) transactions: none final already or twice.
    for (const auto& tx : b.direct_txs) {
        const crypto::Hash256 th = tx.Hash();
        if (chain.final_txs->count(th) || !in_block.insert(th).second) {
            return Reject(BlockReject::kDirectDuplicate);
        }
        plan.in.txs.push_back(&tx);
        plan.in.tx_hashes.push_back(th);
        plan.executed.push_back({"", nullptr, th});
    }
    plan.in.height = b.height;
    plan.in.time = b.time;
    plan.in.proposer = b.proposer;
    PlanServi(chain, b, *fallback_now, plan.in);
    plan.tx_root = core::MerkleRoot(plan.in.tx_hashes);
    return plan;
}

util::Result<std::shared_ptr<Validated>, PlanReject> ValidateBlock(
    const ChainView& chain, const std::shared_ptr<const core::FinalBlock>& bp, Application& app,
    const crypto::Verifier& verifier) {
    const core::FinalBlock& b = *bp;
    if (b.height != chain.height + 1 || b.prev_hash != chain.last_hash) {
        return Reject(BlockReject::kNotExtending);
    }
    if (b.epoch != chain.committee->epoch) return Reject(BlockReject::kWrongEpoch);
    if (b.time <= chain.last_time) return Reject(BlockReject::kTimeNotAdvancing);
    if (!chain.committee->NormalIndex(b.proposer)) return Reject(BlockReject::kProposerNotNormal);
    if (auto lc = CheckLastCommit(chain, b, verifier); !lc) return Reject(lc.error());
    if (auto st = CheckSeedFields(*chain.params, chain.seed ? *chain.seed : SeedBook{}, b); !st) {
        const SeedReject r = st.error();
        const bool commit =
            r == SeedReject::kFieldsWhenOff
                ? b.seed_commit.has_value()
                : r == SeedReject::kCommitOutsideWindow || r == SeedReject::kCommitRepeated;
        return Reject(commit ? BlockReject::kBadSeedCommit : BlockReject::kBadSeedReveal);
    }
    auto v = std::make_shared<Validated>();
    v->block = bp;
    auto plan = MakePlan(chain, b, app, verifier);
    if (!plan) return util::ErrOf(std::move(plan.error()));
    v->plan = std::move(*plan);
    if (v->plan.excluded != b.excluded || v->plan.compensated != b.compensated) {
        return Reject(BlockReject::kDerivedDiffer);
    }
    if (v->plan.tx_root != b.tx_merkle_root) return Reject(BlockReject::kTxRootDiffers);
    v->result = app.Execute(v->plan.in);
    if (v->result.state_root != b.state_root || v->result.receipt_root != b.receipt_merkle_root) {
        return Reject(BlockReject::kStateRootDiffers);
    }
    return v;
}

namespace {

int64_t SaturatingAdd(int64_t a, int64_t b) {
    int64_t out = 0;
    if (__builtin_add_overflow(a, b, &out)) return b > 0 ? INT64_MAX : INT64_MIN;
    return out;
}

}  // namespace

util::Result<void, BlockReject> CheckTimeBound(const Params& params, int64_t last_time,
                                               int64_t block_time, int64_t now) {
    const int64_t limit =
        std::max(SaturatingAdd(now, std::max<int64_t>(params.max_clock_drift_ns, 0)),
                 SaturatingAdd(last_time, 1));
    if (block_time > limit) return util::ErrOf(BlockReject::kTimeTooFarAhead);
    return {};
}

util::Result<void, BlockReject> CheckFallbackClaims(
    const Params& params, const std::vector<std::string>& declared,
    const std::map<std::string, int64_t>& last_heard, int64_t now) {
    for (const auto& id : declared) {
        auto it = last_heard.find(id);
        if (it == last_heard.end()) continue;
        int64_t since = 0;
        if (__builtin_sub_overflow(now, it->second, &since)) {
            since = now < it->second ? INT64_MIN : INT64_MAX;
        }
        if (since < params.silent_after_ns / 2) {
            return util::ErrOf(BlockReject::kFallbackOfLiveProducer);
        }
    }
    return {};
}

std::optional<int64_t> ProposalTime(int64_t last_time, int64_t now) {
    if (last_time == INT64_MAX) return std::nullopt;
    return std::max(now, last_time + 1);
}

int64_t ProposeDelay(int64_t final_interval, int64_t last_time, int64_t now) {
    if (final_interval <= 0) return 0;
    if (last_time >= now) return final_interval;  // no overflow: elapsed ≤ 0
    const int64_t elapsed = now - last_time;      // > 0; both are ≥ 0 times
    return elapsed >= final_interval ? 0 : final_interval - elapsed;
}

void PlanServi(const ChainView& chain, const core::FinalBlock& b,
               const std::set<std::string>& fallback_now, ExecInput& in) {
    const Params& P = *chain.params;
    const Committee& c = *chain.committee;
    auto penalize = [&](const std::string& who, MissedDuty d) {
        const int64_t amount = ServiPenalty(P, d);
        if (amount > 0) in.servi_deltas.emplace_back(who, -amount);
    };
    // A producer declared silent missed its MicroBlock deadline.
    for (const auto& f : b.fallback) penalize(f, MissedDuty::kMicroDeadline);
    // A block built in view v: the primaries of views 0..v−1 failed.
    const size_t n = c.normal.size();
    if (n > 0) {
        for (uint64_t k = 0; k < std::min<uint64_t>(b.view, n); ++k) {
            const std::string& primary = c.normal[(b.height + k) % n].id;
            if (primary != b.proposer) penalize(primary, MissedDuty::kFailedProposal);
        }
    }
    // A direct tx whose publisher has a live owner: the owner did not pack
    // it within the censorship deadline (pob.md §5.5; honest replicas vote
    // for such a block only then).
    for (const auto& tx : b.direct_txs) {
        if (auto owner = OwnerOf(chain, fallback_now, tx.publisher))
            penalize(*owner, MissedDuty::kCensoredTx);
    }
    if (P.epoch_length == 0 || b.height % P.epoch_length != 0) return;
    // The epoch's last block: a normal validator that committed an
    // epoch-seed value and did not reveal it (this block's reveal counts)
    // withheld it (pob.md §4.2); members that did no duty in the whole epoch
    // are idle (logged out), then every Servi decays.
    if (P.seed_commit_reveal) {
        SeedBook book = chain.seed ? *chain.seed : SeedBook{};
        RecordSeedFields(book, b);
        for (const auto& id : Withholders(book)) penalize(id, MissedDuty::kWithheldSeed);
    }
    // Vote accounting: a member of the ending normal committee absent from
    // more than absent_vote_percent % of the epoch's last_commits (this
    // block's counts) missed its votes. A Byzantine proposer can leave an
    // honest voter out of its own blocks only, at most f of every N.
    if (P.vote_accounting) {
        VoteTally tally = chain.votes ? *chain.votes : VoteTally{};
        TallyLastCommit(P, c, b, tally);
        in.absent_voters = AbsentVoters(P, c, *chain.slashed, tally);
        for (const auto& id : in.absent_voters) penalize(id, MissedDuty::kAbsentVotes);
    }
    in.servi_decay_percent = P.servi_decay_percent;
    if (!P.idle_logout) return;
    std::set<std::string> worked;
    if (chain.worked) worked = *chain.worked;
    for (const auto& r : b.micro_refs) worked.insert(r.producer);
    worked.insert(b.proposer);
    std::vector<std::string> idle;
    size_t members = 0;
    auto judge = [&](const Candidate& m) {
        ++members;
        if (!worked.count(m.id) && !chain.slashed->count(m.id)) idle.push_back(m.id);
    };
    for (const auto& m : c.believable) judge(m);
    // A normal validator's duty is a proposal: it had a view-0 turn only if
    // the epoch has at least N heights.
    if (P.epoch_length >= n) {
        for (const auto& m : c.normal) judge(m);
    }
    // Many idle at once is a network fault, not dead validators: log out
    // nobody rather than empty the validator set.
    if (idle.size() > MaxFaulty(members)) return;
    std::sort(idle.begin(), idle.end());
    idle.erase(std::unique(idle.begin(), idle.end()), idle.end());
    for (const auto& id : idle) penalize(id, MissedDuty::kIdleEpoch);
    in.idle = std::move(idle);
}

util::Result<void, BlockReject> ReplicaRefusal(
    const ChainView& chain, const Validated& v,
    const std::map<crypto::Hash256, crypto::Hash256>& sample_failed, Application& app,
    const std::set<crypto::Hash256>* overdue) {
    const core::FinalBlock& b = *v.block;
    // pob.md §6.2: vote only if our own samples passed...
    std::set<std::string> slashed_here(v.plan.slashed.begin(), v.plan.slashed.end());
    for (const auto& m : v.plan.micros) {
        if (sample_failed.count(m->hash) && !slashed_here.count(m->header.producer)) {
            return util::ErrOf(BlockReject::kSampleFailed);
        }
    }
    // ...and every direct (fallback) transaction is the normal league's and
    // verifies in full.
    std::set<std::string> fallback = *chain.fallback;
    fallback.insert(b.fallback.begin(), b.fallback.end());
    for (const auto& tx : b.direct_txs) {
        if (OwnerOf(chain, fallback, tx.publisher) && (!overdue || !overdue->count(tx.Hash()))) {
            return util::ErrOf(BlockReject::kDirectTxOfLivePartition);
        }
    }
    for (const auto& tx : b.direct_txs) {
        if (!app.CheckTx(tx).ok()) return util::ErrOf(BlockReject::kDirectTxFails);
    }
    return {};
}

}  // namespace iost::consensus
