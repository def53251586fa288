// The simulator's Application: the node's own node::LedgerApp (docs/pob.md
// §10: one code path), over an in-memory "disk" (ledger::MemState) instead of
// RocksDB. Execution, slashing, compensation and the fraud records it keeps
// (per transaction the token debits it caused, what a compensation paid) are
// the node's; this file only plays the driver's part of persisting each
// committed block (Flush) and offers the queries the invariants need.
// Thread contract: single-threaded, like the engine that drives it.
#pragma once

#include <consensus/application.h>
#include <core/genesis.h>
#include <crypto/keys.h>
#include <ledger/ledger.h>
#include <node/app_state.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace iost::sim {

struct SimAppOptions {
    uint64_t fraud_window = 0;       // 0: debit records are kept for the whole run
    bool skip_compensation = false;  // negative control
};

class SimApp {
  public:
    SimApp(const core::Genesis& genesis, const crypto::Verifier& tx_verifier,
           SimAppOptions options = {});

    consensus::Application& app() { return *m_app; }
    // Moves every block the engine committed onto the in-memory disk (the
    // driver's Finalize persistence). Call after every engine call.
    void Flush();

    const ledger::StateReader& state() const { return m_app->committed(); }
    const crypto::Hash256& genesis_hash() const { return m_genesis_hash; }
    int64_t Supply() const;
    // IOST held (balance + frozen) by every holder in `holders`.
    int64_t HeldBy(const std::vector<std::string>& holders) const;
    // Registered validators, for the epoch-0 committee.
    std::vector<consensus::Candidate> Candidates() { return m_app->Candidates(); }

  private:
    ledger::Ledger m_ledger;
    ledger::MemState m_disk;
    node::VerifiedCache m_verified;
    std::unique_ptr<node::LedgerApp> m_app;
    crypto::Hash256 m_genesis_hash{};
    uint64_t m_disk_height = 0;
};

}  // namespace iost::sim
