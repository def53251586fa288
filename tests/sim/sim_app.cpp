#include "sim_app.h"

#include <util/assert.h>
#include <util/log.h>

namespace iost::sim {

SimApp::SimApp(const core::Genesis& genesis, const crypto::Verifier& tx_verifier,
               SimAppOptions options)
    : m_ledger(ledger::LedgerOptions{genesis.chain_id}), m_verified(1'000'000) {
    auto gs = ledger::BuildGenesisState(genesis);
    IOST_ASSERT(gs.ok(), "simulator genesis is valid");
    m_disk.Apply(gs->writes);
    m_genesis_hash = gs->genesis_hash;
    node::LedgerAppOptions o;
    o.chain_id = genesis.chain_id;
    o.min_servi = genesis.pob.min_servi;
    o.fraud_window = options.fraud_window;
    o.skip_compensation = options.skip_compensation;
    m_app = std::make_unique<node::LedgerApp>(m_ledger, m_disk, o, tx_verifier, m_verified,
                                              util::Logger::Null());
}

void SimApp::Flush() {
    while (m_app->pending_count() > 0) {
        const node::CommittedBlock* b = m_app->Pending(m_disk_height + 1);
        IOST_ASSERT(b != nullptr, "committed blocks are persisted in height order");
        m_disk.Apply(b->writes);
        m_app->MarkPersisted(b->height);
        ++m_disk_height;
    }
}

int64_t SimApp::Supply() const { return ledger::Supply(state(), "iost"); }

int64_t SimApp::HeldBy(const std::vector<std::string>& holders) const {
    int64_t sum = 0;
    for (const auto& h : holders) {
        sum += ledger::BalanceOf(state(), "iost", h) + ledger::FrozenBalanceOf(state(), "iost", h);
    }
    return sum;
}

}  // namespace iost::sim
