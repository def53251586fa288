// LedgerApp: the consensus::Application of a real node, over ledger::Ledger
// and the state committed in RocksDB (storage::StateStore), docs/architecture.md §1.
//
// Committed state has two layers: what is on disk (the head block's state)
// and blocks the engine has committed in memory whose Finalize effect the
// driver has not persisted yet (usually none or one; a sync batch may commit
// several in one engine call). Execute runs a block on an overlay over both;
// Commit pushes its write set onto the pending layer; the driver then writes
// that block, its certificate, micro-blocks, receipts, tx index, state writes
// and new head in ONE storage WriteBatch (BlockStore::CommitFinalized) and
// calls MarkPersisted, which drops the layer.
//
// Restart: the engine's Restore re-executes every stored block from genesis
// on a fresh Application, so LedgerApp has a replay mode that executes on an
// in-memory copy of the genesis state and, at the end, checks that the state
// root it reached equals the one on disk before switching to disk.
//
// Signatures: CheckTx must verify signatures (samplers, fraud proofs), but a
// transaction whose exact bytes (its Full hash covers the signatures) were
// verified already off the event loop (the driver's verify pool) is looked up
// in a bounded, thread-safe VerifiedCache instead of being checked again.
//
// Thread contract: the Application methods and everything else except
// VerifiedCache are for the driver's event-loop thread only.
#pragma once

#include <consensus/application.h>
#include <core/receipt.h>
#include <crypto/keys.h>
#include <ledger/ledger.h>
#include <ledger/state.h>
#include <ledger/state_cache.h>
#include <storage/block_store.h>
#include <storage/state_store.h>
#include <util/log.h>

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <unordered_set>
#include <vector>

namespace iost::node {

// Tx hashes whose signatures verified, and (a smaller set) those that
// failed: the Full hash covers every signed byte and the signatures, so the
// verdict of a stateless check is a function of the hash. Every path that
// checks a transaction's signatures (verify pool, mempool admission, CheckTx
// for kept copies and direct txs, MicroBlock checks, the auditor) consults it
// first: one check per transaction per node, a garbage copy costs one check
// once (docs/benchmarks.md "CPU per transaction"). Bounded FIFOs; thread-safe.
// Hash sets keyed by the first 8 bytes of the (SHA3) hash mixed with a
// per-process random seed, so a peer grinding tx hashes cannot aim at one
// bucket; equality still compares all 32 bytes (docs/benchmarks.md "CPU per
// transaction, part 2").
class VerifiedCache {
  public:
    explicit VerifiedCache(size_t capacity = 200'000, size_t failed_capacity = 20'000);
    void Insert(const crypto::Hash256& h);
    bool Contains(const crypto::Hash256& h) const;
    // A transaction whose form or signatures do not verify (clock rules
    // excluded: they change with time).
    void InsertFailed(const crypto::Hash256& h);
    bool Failed(const crypto::Hash256& h) const;
    size_t size() const;

    struct SeededHash {
        uint64_t seed = 0;
        size_t operator()(const crypto::Hash256& h) const noexcept;
    };

  private:
    using Set = std::unordered_set<crypto::Hash256, SeededHash>;
    size_t m_capacity;
    size_t m_failed_capacity;
    mutable std::mutex m_mu;
    Set m_set;
    std::deque<crypto::Hash256> m_order;
    Set m_failed;
    std::deque<crypto::Hash256> m_failed_order;
};

// ledger::StateReader over the state table of the store. A storage error
// here means the disk is failing under a running node: it stops loudly.
class StoreStateReader final : public ledger::StateReader {
  public:
    explicit StoreStateReader(const storage::StateStore& store) : m_store(store) {}
    std::optional<std::string> Get(std::string_view key) const override;

  private:
    const storage::StateStore& m_store;
};

// Keeps `cache` (over the state of `blocks`' store) coherent: every commit
// of `blocks` writes its state writes through to the cache, from inside the
// commit; a failed commit empties it (docs/state.md "Fast state layer").
void AttachStateCache(storage::BlockStore& blocks, ledger::CachedState& cache);

// One block committed by the engine and not yet on disk.
struct CommittedBlock {
    uint64_t height = 0;
    int64_t time = 0;
    ledger::WriteSet writes;                  // includes kStateRootKey
    std::vector<crypto::Hash256> tx_hashes;   // executed order (ExecInput)
    std::vector<ledger::TxOutcome> outcomes;  // one per tx
    crypto::Hash256 state_root{};
    crypto::Hash256 receipt_root{};
};

struct LedgerAppOptions {
    uint32_t chain_id = 0;
    int64_t min_servi = 0;
    // Heights a transaction's debit record is kept for compensation
    // (consensus::Params::fraud_window; 0 = forever).
    uint64_t fraud_window = 0;
    // Negative control only (the simulator's --no-compensation): execution
    // skips compensations, so the invariant "every forged final transaction
    // is repaid" must report a violation.
    bool skip_compensation = false;
};

class LedgerApp final : public consensus::Application {
  public:
    LedgerApp(const ledger::Ledger& ledger, const ledger::StateReader& disk,
              LedgerAppOptions options, const crypto::Verifier& verifier, VerifiedCache& verified,
              util::Logger log);

    // --- consensus::Application ---
    util::Status CheckTx(const core::Tx& tx) override;
    util::Status CheckTxBytes(const core::Tx& tx) override;
    consensus::ExecResult Execute(const consensus::ExecInput& in) override;
    void Commit(const consensus::ExecInput& in, const consensus::ExecResult& result) override;
    std::vector<consensus::Candidate> Candidates() override;
    int64_t BondedStake(const std::string& validator) override;

    // --- replay (restart) ---
    void BeginReplay(const ledger::WriteSet& genesis_writes);
    // Checks the replayed state root against the disk head and switches to
    // disk. Error: the disk does not hold what its blocks say.
    util::Status EndReplay(uint64_t disk_height, const crypto::Hash256& disk_root);
    bool replaying() const { return m_replay != nullptr; }

    // --- persistence hand-off (live mode) ---
    const CommittedBlock* Pending(uint64_t height) const;
    void MarkPersisted(uint64_t height);
    size_t pending_count() const { return m_pending.size(); }

    // The committed state as the engine sees it (disk + pending).
    const ledger::StateReader& committed() const;
    uint64_t committed_height() const { return m_height; }
    void set_committed_height(uint64_t h) { m_height = h; }

    // The receipt root of executed outcomes (Merkle over receipt hashes).
    static crypto::Hash256 ReceiptRoot(const std::vector<ledger::TxOutcome>& outcomes);

  private:
    class PendingView final : public ledger::StateReader {
      public:
        explicit PendingView(const LedgerApp& app) : m_app(app) {}
        std::optional<std::string> Get(std::string_view key) const override;
        // Pending writes are decoded from their bytes; the rest comes from the
        // disk reader's decoded cache.
        std::shared_ptr<const void> GetDecoded(std::string_view key, Decoder decode) const override;

      private:
        const LedgerApp& m_app;
    };
    struct Executed {
        ledger::BlockResult result;
        crypto::Hash256 receipt_root{};
    };

    static crypto::Hash256 InputDigest(const consensus::ExecInput& in);
    Executed Run(const consensus::ExecInput& in);

    const ledger::Ledger& m_ledger;
    const ledger::StateReader& m_disk;
    LedgerAppOptions m_opt;
    const crypto::Verifier& m_verifier;
    VerifiedCache& m_verified;
    util::Logger m_log;
    PendingView m_view;
    std::deque<CommittedBlock> m_pending;
    std::unique_ptr<ledger::MemState> m_replay;
    std::map<crypto::Hash256, Executed> m_exec_cache;  // by InputDigest
    uint64_t m_height = 0;
};

}  // namespace iost::node
