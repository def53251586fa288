// Engine::Checkpoint and Engine::RestoreFromCheckpoint (consensus/checkpoint.h,
// docs/state.md "Restart in constant time"), kept apart from engine.cpp so
// that the members restart depends on are listed in one place.
#include <consensus/engine.h>

namespace iost::consensus {

EngineCheckpoint Engine::Checkpoint() const {
    EngineCheckpoint c;
    c.height = m_height;
    c.last_hash = m_last_hash;
    c.last_time = m_last_time;
    c.committee = m_committee;
    c.prev_committee = m_prev_committee;
    c.past_committees = m_past_committees;
    c.slashed = m_slashed;
    c.compensated = m_compensated;
    c.fallback = m_fallback;
    c.included = m_included;
    c.worked = m_worked;
    c.seed = m_seed_book;
    c.votes = m_votes;
    return c;
}

uint64_t Engine::restore_tx_window() const {
    return std::max(m_opt.params.recheck_window, m_opt.params.dedup_window);
}

uint64_t Engine::restore_block_window() const {
    return std::max(m_opt.params.recheck_window, m_opt.chain_memory);
}

util::Status Engine::RestoreFromCheckpoint(const EngineCheckpoint& cp,
                                           const std::vector<RecentFinal>& recent, TimePoint now) {
    if (m_height != 0 || !m_chain.empty()) {
        return util::Err("restore from checkpoint: the engine has already started");
    }
    if (cp.height == 0)
        return util::Err("restore from checkpoint: a checkpoint is never at genesis");
    if (cp.committee.epoch != cp.height / m_opt.params.epoch_length) {
        return util::Err("restore from checkpoint: committee of epoch " +
                         std::to_string(cp.committee.epoch) + " at height " +
                         std::to_string(cp.height) + " (epoch length " +
                         std::to_string(m_opt.params.epoch_length) + ")");
    }
    // The window must be complete and end at the checkpoint: a gap would
    // silently forget final transactions (replays) or recent blocks.
    const uint64_t keep = restore_tx_window();
    const uint64_t first = cp.height > keep ? cp.height - keep : 1;
    if (recent.size() != cp.height - first + 1) {
        return util::Err("restore from checkpoint: need the blocks " + std::to_string(first) +
                         ".." + std::to_string(cp.height) + ", got " +
                         std::to_string(recent.size()));
    }
    const uint64_t block_window = restore_block_window();
    for (size_t i = 0; i < recent.size(); ++i) {
        const RecentFinal& r = recent[i];
        if (r.height != first + i) {
            return util::Err("restore from checkpoint: block " + std::to_string(first + i) +
                             " expected, got " + std::to_string(r.height));
        }
        const bool need_block = r.height + block_window > cp.height;
        if (need_block && (!r.block || r.block->block.height != r.height)) {
            return util::Err("restore from checkpoint: block " + std::to_string(r.height) +
                             " is needed in full");
        }
    }
    if (recent.back().block && recent.back().block->block.Hash() != cp.last_hash) {
        return util::Err("restore from checkpoint: the head block's hash is not the checkpoint's");
    }

    m_height = cp.height;
    m_last_hash = cp.last_hash;
    m_last_time = cp.last_time;
    m_committee = cp.committee;
    m_prev_committee = cp.prev_committee;
    m_past_committees = cp.past_committees;
    m_slashed = cp.slashed;
    m_compensated = cp.compensated;
    m_fallback = cp.fallback;
    m_included = cp.included;
    m_worked = cp.worked;
    m_seed_book = cp.seed;
    m_votes = cp.votes;
    m_verify_all_until = cp.height + m_opt.params.audit_window;
    for (const auto& r : recent) {
        m_final_by_height[r.height] = r.plan_tx_hashes;
        m_final_txs.insert(r.plan_tx_hashes.begin(), r.plan_tx_hashes.end());
        if (!r.block) continue;
        // As FinalizeBlock records them: MicroBlock txs in the block's
        // MicroBlock order, then the direct ones.
        auto& list = m_recent[r.height];
        for (const auto& m : r.micros) {
            for (size_t i = 0; i < m->txs.size(); ++i) {
                std::shared_ptr<const core::Tx> t(m, &m->txs[i]);
                list.push_back({m->header.producer, t, m->tx_hashes[i]});
            }
        }
        std::shared_ptr<const core::FinalBlock> blockp(r.block, &r.block->block);
        for (size_t i = 0; i < blockp->direct_txs.size(); ++i) {
            std::shared_ptr<const core::Tx> t(blockp, &blockp->direct_txs[i]);
            list.push_back({"", t, t->Hash()});
        }
        m_chain[r.height] = r.block;
        m_chain_micros[r.height] = r.micros;
    }
    // What NewEpoch sets for the epoch's producers (a full replay went
    // through it at the epoch's first block): silence is measured from now.
    for (const auto& c : m_committee.believable) m_last_micro_time[c.id] = now;
    TrimMemory();
    m_out.clear();
    return util::Ok();
}

}  // namespace iost::consensus
