#include "sim_app.h"

#include <core/block.h>
#include <util/assert.h>

#include <algorithm>

namespace iost::sim {

LedgerApp::LedgerApp(const core::Genesis& genesis, const crypto::Verifier& tx_verifier)
    : m_ledger(ledger::LedgerOptions{genesis.chain_id}),
      m_verifier(tx_verifier),
      m_chain_id(genesis.chain_id),
      m_min_servi(genesis.pob.min_servi) {
    auto gs = ledger::BuildGenesisState(genesis);
    IOST_ASSERT(gs.ok(), "simulator genesis is valid");
    m_state.Apply(gs->writes);
    m_genesis_hash = gs->genesis_hash;
    m_root = gs->state_root;
}

util::Status LedgerApp::CheckTx(const core::Tx& tx) {
    auto form = tx.VerifyForm(m_chain_id, m_verifier);
    if (!form.ok()) return util::Err(form.error().message);
    return m_ledger.CheckAuth(m_state, tx);
}

LedgerApp::Pending LedgerApp::Run(const consensus::ExecInput& in) {
    Pending p;
    ledger::BlockExecutor ex(m_ledger, m_state,
                             ledger::BlockContext{in.time, in.height, in.proposer});
    for (const auto& s : in.slashes) (void)ex.Slash(s.validator);
    for (const auto& c : in.compensations) {
        auto it = m_loss.find(c.tx_hash);
        if (it == m_loss.end() || it->second <= 0 || !c.tx) continue;
        const int64_t pool = ledger::CompensationPoolBalance(ex.view());
        const int64_t amount = std::min(it->second, pool);
        if (amount > 0 && ex.Compensate(c.tx->publisher, amount).ok()) p.paid[c.tx_hash] = amount;
    }
    for (const auto& who : in.credited) (void)ex.AddServi(who, 1);
    (void)ex.AddServi(in.proposer, 1);
    for (size_t i = 0; i < in.txs.size(); ++i) {
        const core::Tx& tx = *in.txs[i];
        const int64_t before = ledger::BalanceOf(ex.view(), "iost", tx.publisher);
        auto out = ex.ApplyTx(tx, in.tx_hashes[i], ledger::AuthCheck::kFull);
        const int64_t after = ledger::BalanceOf(ex.view(), "iost", tx.publisher);
        if (out.executed && after < before) p.loss[in.tx_hashes[i]] = before - after;
    }
    p.result = ex.Finish();
    return p;
}

consensus::ExecResult LedgerApp::Execute(const consensus::ExecInput& in) {
    Pending p = Run(in);
    consensus::ExecResult r;
    r.state_root = p.result.state_root;
    std::vector<crypto::Hash256> leaves;
    for (const auto& o : p.result.outcomes) {
        leaves.push_back(o.receipt.Hash());
        if (!o.receipt.ok()) ++r.failed_txs;
    }
    r.receipt_root = core::MerkleRoot(leaves);
    if (m_cache.size() > 64) m_cache.clear();
    m_cache[r.state_root] = std::move(p);
    return r;
}

void LedgerApp::Commit(const consensus::ExecInput& in, const consensus::ExecResult& result) {
    auto it = m_cache.find(result.state_root);
    Pending p = it != m_cache.end() ? std::move(it->second) : Run(in);
    m_state.Apply(p.result.writes);
    m_root = p.result.state_root;
    for (auto& [h, v] : p.loss) m_loss[h] = v;
    for (auto& [h, v] : p.paid) m_paid[h] += v;
    m_committed_txs += in.txs.size();
    m_cache.clear();
}

std::vector<consensus::Candidate> LedgerApp::Candidates() {
    std::vector<consensus::Candidate> out;
    for (const auto& v : ledger::ElectionCandidates(m_state, m_min_servi)) {
        consensus::Candidate c;
        c.id = v.account;
        c.key = v.consensus_key;
        c.servi = static_cast<uint64_t>(std::max<int64_t>(v.servi, 0));
        c.stake = static_cast<uint64_t>(std::max<int64_t>(v.stake, 0)) / 100'000'000;
        out.push_back(std::move(c));
    }
    return out;
}

int64_t LedgerApp::Supply() const { return ledger::Supply(m_state, "iost"); }

int64_t LedgerApp::Balance(const std::string& account) const {
    return ledger::BalanceOf(m_state, "iost", account);
}

}  // namespace iost::sim
