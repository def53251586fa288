// Driver: constant-time restart from the head block's consensus checkpoint,
// and pruning of old block bodies (docs/state.md "Restart in constant time",
// "Pruning"). Apart from driver.cpp so the two features stay in one place.
#include <consensus/checkpoint.h>
#include <ledger/state.h>
#include <node/driver.h>
#include <node/stored_block.h>
#include <node/wire.h>

#include <algorithm>
#include <chrono>

namespace iost::node {

namespace {

crypto::Hash256 FromHash32(const storage::Hash32& h) {
    crypto::Hash256 out;
    std::copy(h.begin(), h.end(), out.begin());
    return out;
}

}  // namespace

util::Result<std::vector<std::shared_ptr<const core::MicroBlock>>> Driver::LoadOwnMicros() const {
    std::vector<std::shared_ptr<const core::MicroBlock>> out;
    for (uint64_t slot = 0; slot < kProducerMicroSlots; ++slot) {
        auto rec = m_safety.Load(util::AsBytes(ProducerMicroKey(m_opt.engine.id, slot)));
        if (!rec) return util::ErrOf(rec.error());
        if (!*rec) continue;
        // Written with the producer record in one synced batch: a slot that
        // does not decode is a damaged disk, not a torn write.
        auto mb = core::MicroBlock::FromBytes(**rec);
        if (!mb) {
            return util::Err("producer MicroBlock slot " + std::to_string(slot) + ": " +
                             mb.error().message);
        }
        out.push_back(std::make_shared<const core::MicroBlock>(std::move(*mb)));
    }
    return out;
}

util::Result<bool> Driver::RestoreFromCheckpoint(
    const storage::Head& head, const std::optional<consensus::SafetyState>& safety,
    const std::optional<consensus::ProducerState>& producer, util::UnixNanos now) {
    const auto t0 = std::chrono::steady_clock::now();
    auto stored = m_blocks.GetCheckpoint();
    if (!stored) return util::ErrOf(stored.error());
    if (!*stored) {
        m_log.Info("no consensus checkpoint in the data dir (written by an older build?)");
        return false;
    }
    if ((*stored)->height != head.height) {
        m_log.Warn("the consensus checkpoint is at height {} but the head at {}", (*stored)->height,
                   head.height);
        return false;
    }
    auto cp = consensus::DecodeCheckpoint((*stored)->bytes);
    if (!cp) {
        m_log.Warn("the consensus checkpoint does not decode: {}", cp.error().message);
        return false;
    }
    if (cp->height != head.height || cp->last_hash != FromHash32(head.hash)) {
        m_log.Warn("the consensus checkpoint names another block than the head");
        return false;
    }
    // The state on disk is the head's: its tree root, stored with it in the
    // same batch, must be the head's state root.
    const auto root = m_app.committed().Get(ledger::kStateRootKey);
    if (!root || root->size() != 32 ||
        !std::equal(root->begin(), root->end(), head.state_root.begin(),
                    [](char a, uint8_t b) { return static_cast<uint8_t>(a) == b; })) {
        return util::Err("the state in the data dir is not the head block's (its root differs)");
    }

    const uint64_t keep = m_engine->restore_tx_window();
    const uint64_t block_window = m_engine->restore_block_window();
    const uint64_t first = head.height > keep ? head.height - keep : 1;
    std::vector<consensus::RecentFinal> recent;
    recent.reserve(head.height - first + 1);
    for (uint64_t h = first; h <= head.height; ++h) {
        consensus::RecentFinal r;
        r.height = h;
        auto txs = m_blocks.GetBlockTxHashes(h);
        if (!txs) return util::ErrOf(txs.error());
        auto refused = m_blocks.GetBlockRefusedTxHashes(h);
        if (!refused) return util::ErrOf(refused.error());
        if (!*txs || !*refused) {
            return util::Err("restart needs the transaction lists of blocks " +
                             std::to_string(first) + ".." + std::to_string(head.height) +
                             " but block " + std::to_string(h) + "'s are missing");
        }
        for (const auto& t : **txs) r.plan_tx_hashes.push_back(FromHash32(t));
        for (const auto& t : **refused) r.plan_tx_hashes.push_back(FromHash32(t));
        if (h + block_window > head.height) {
            auto sb = LoadStoredBlock(m_blocks, h);
            if (!sb) return util::Err("restart: " + sb.error().detail);
            r.block = std::move(sb->certified);
            r.micros = std::move(sb->micros);
        }
        recent.push_back(std::move(r));
    }
    IOST_TRY(m_engine->RestoreFromCheckpoint(*cp, recent, now));
    auto own = LoadOwnMicros();
    if (!own) return util::ErrOf(own.error());
    m_engine->RestoreOwnMicros(*own);
    consensus::Effects effects = m_engine->EndRestore(safety, now, producer);
    m_app.set_committed_height(head.height);
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - t0);
    m_log.Info(
        "restored to height {} from its checkpoint (state root {}, {} recent blocks read) "
        "in {} ms",
        head.height, crypto::HashToBase58(FromHash32(head.state_root)), recent.size(), ms.count());
    NoteRestore(RestoreReport::Mode::kCheckpoint, head.height, static_cast<uint64_t>(ms.count()));
    RefreshDirectory();
    Perform(std::move(effects));
    return true;
}

void Driver::NoteRestore(RestoreReport::Mode mode, uint64_t height, uint64_t ms) {
    RestoreReport r;
    r.mode = mode;
    r.height = height;
    r.ms = ms;
    r.checkpoint = m_engine->Checkpoint();
    r.final_txs = m_engine->final_txs_known();
    {
        std::lock_guard lk(m_status_mu);
        m_restore = std::move(r);
    }
    std::lock_guard lk(m_metrics_mu);
    m_counters.restore_ms = ms;
}

RestoreReport Driver::LastRestore() const {
    std::lock_guard lk(m_status_mu);
    return m_restore;
}

uint64_t Driver::PruneKeep() const {
    if (m_opt.prune_keep_blocks == 0) return 0;
    // Restart from the checkpoint reads the last restore_tx_window blocks'
    // lists and the last restore_block_window blocks in full.
    return std::max({m_opt.prune_keep_blocks, m_engine->restore_tx_window() + 1,
                     m_engine->restore_block_window() + 1});
}

void Driver::MaybePrune(uint64_t height) {
    const uint64_t keep = PruneKeep();
    if (keep == 0 || height <= keep) return;
    // A chain-fallback block's direct transactions go with its body: its
    // record becomes a pruned header in the same batch (docs/state.md "Pruning").
    auto r = m_blocks.PruneBodies(height - keep, /*max_blocks=*/64, PruneStoredHeader);
    if (!r) {
        Halt("pruning: " + r.error().message);
        return;
    }
    if (r->blocks == 0) return;
    m_log.Debug(
        "pruned the bodies of {} blocks ({} micro-blocks, {} txs, {} headers without "
        "their direct txs); floor now {}",
        r->blocks, r->micro_blocks, r->txs, r->headers_rewritten, m_blocks.PrunedFloor());
    std::lock_guard lk(m_metrics_mu);
    m_counters.pruned_blocks += r->blocks;
}

}  // namespace iost::node
