// The simulator's Application: consensus::Application over the REAL ledger
// (ledger::Ledger, BlockExecutor, MemState). Full transaction check =
// core::Tx::VerifyForm (every signature) + Ledger::CheckAuth (permissions in
// committed state). Execution applies slashes, compensations, Servi credits
// and the block's transactions in one BlockExecutor. It remembers, per
// executed transaction, how much IOST its publisher lost, so a compensation
// pays back exactly that (and the simulator checks it did).
// Thread contract: single-threaded, like the engine that drives it.
#pragma once

#include <consensus/application.h>
#include <core/genesis.h>
#include <crypto/keys.h>
#include <ledger/ledger.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace iost::sim {

class LedgerApp final : public consensus::Application {
  public:
    LedgerApp(const core::Genesis& genesis, const crypto::Verifier& tx_verifier);

    util::Status CheckTx(const core::Tx& tx) override;
    consensus::ExecResult Execute(const consensus::ExecInput& in) override;
    void Commit(const consensus::ExecInput& in, const consensus::ExecResult& result) override;
    std::vector<consensus::Candidate> Candidates() override;

    const ledger::MemState& state() const { return m_state; }
    const crypto::Hash256& genesis_hash() const { return m_genesis_hash; }
    const crypto::Hash256& state_root() const { return m_root; }
    int64_t Supply() const;
    int64_t Balance(const std::string& account) const;
    // tx hash → IOST its publisher lost when it executed (committed blocks).
    const std::map<crypto::Hash256, int64_t>& losses() const { return m_loss; }
    // tx hash → IOST paid back by a compensation (committed blocks).
    const std::map<crypto::Hash256, int64_t>& paid() const { return m_paid; }
    uint64_t committed_txs() const { return m_committed_txs; }

  private:
    struct Pending {
        ledger::BlockResult result;
        std::map<crypto::Hash256, int64_t> loss;
        std::map<crypto::Hash256, int64_t> paid;
    };
    Pending Run(const consensus::ExecInput& in);

    ledger::Ledger m_ledger;
    ledger::MemState m_state;
    const crypto::Verifier& m_verifier;
    uint32_t m_chain_id;
    int64_t m_min_servi;
    crypto::Hash256 m_genesis_hash{};
    crypto::Hash256 m_root{};
    std::map<crypto::Hash256, Pending> m_cache;  // by state root
    std::map<crypto::Hash256, int64_t> m_loss;
    std::map<crypto::Hash256, int64_t> m_paid;
    uint64_t m_committed_txs = 0;
};

}  // namespace iost::sim
