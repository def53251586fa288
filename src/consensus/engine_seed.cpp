// The engine's part of the epoch seed's commit–reveal (docs/pob.md §4.2;
// the rules are in consensus/seed.h): what this node puts in the blocks it
// builds, and the simulator's seed-grinding variants. Kept apart from
// engine.cpp so that the seed's engine hooks are in one place.
#include <consensus/engine.h>

namespace iost::consensus {

crypto::Hash256 Engine::MySeedSecret(uint64_t epoch) const {
    const util::Bytes sig =
        m_signer.Sign(util::ByteView(SeedSecretMessage(m_opt.params.chain_id, epoch)));
    return SeedSecret(sig);
}

void Engine::SetSeedFields(core::FinalBlock& b, bool withhold) const {
    const Params& P = m_opt.params;
    if (!P.seed_commit_reveal) return;
    const std::string& me = m_opt.id;
    switch (WindowOf(b.height, P.epoch_length)) {
        case SeedWindow::kNone:
            return;
        case SeedWindow::kCommit:
            if (!m_seed_book.commits.count(me))
                b.seed_commit = SeedCommitment(MySeedSecret(b.epoch));
            return;
        case SeedWindow::kReveal: {
            auto it = m_seed_book.commits.find(me);
            if (withhold || it == m_seed_book.commits.end() || m_seed_book.reveals.count(me))
                return;
            const crypto::Hash256 secret = MySeedSecret(b.epoch);
            // The signature is deterministic for an honest signer, so this
            // is what it committed to (also after a restart). A mismatch
            // (the consensus key changed within the epoch) would make the
            // block invalid: reveal nothing rather (a withheld reveal).
            if (SeedCommitment(secret) == it->second) {
                b.seed_reveal = secret;
            } else {
                m_log.Warn("epoch {}: cannot reveal the seed secret committed to", b.epoch);
            }
            return;
        }
    }
}

std::shared_ptr<core::FinalBlock> Engine::GrindBlock(uint64_t view, TimePoint now) {
    const Params& P = m_opt.params;
    const uint64_t height = m_height + 1;
    const std::string& me = m_opt.id;
    const bool last = P.epoch_length > 0 && height % P.epoch_length == 0;
    const bool can_reveal = P.seed_commit_reveal &&
                            WindowOf(height, P.epoch_length) == SeedWindow::kReveal &&
                            m_seed_book.commits.count(me) && !m_seed_book.reveals.count(me);
    if (!last && !can_reveal) return BuildBlockVariant(view, now, 0, false);
    const uint64_t next = m_committee.epoch + 1;
    const auto cands = m_app.Candidates();
    std::vector<std::shared_ptr<core::FinalBlock>> blocks;
    std::vector<SeedOption> options;
    for (int withhold = 0; withhold <= (can_reveal ? 1 : 0); ++withhold) {
        for (int64_t i = 0; i < (last ? kSeedGrindTries : 1); ++i) {
            auto b = BuildBlockVariant(view, now, i, withhold == 1);
            if (!b) continue;
            SeedBook book = m_seed_book;
            RecordSeedFields(book, *b);
            SeedOption o;
            o.seed = NextEpochSeed(P, next, m_committee.seed, book, b->Hash());
            o.committee = Elect(SeedEligible(P, cands, book), o.seed, next, P);
            o.withheld = withhold == 1;
            blocks.push_back(std::move(b));
            options.push_back(std::move(o));
        }
    }
    if (blocks.empty()) return nullptr;
    size_t pick = m_opt.grind_seed(next, options);
    if (pick >= blocks.size()) pick = 0;
    return blocks[pick];
}

}  // namespace iost::consensus
