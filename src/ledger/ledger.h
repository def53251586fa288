// The ledger's public API (docs/pob.md §3, §4): build the genesis state, apply
// an ordered block of transactions to a state view (receipts in IOST's shape,
// the write set, the new state root), check a transaction's permissions, run
// the PoB ledger operations the consensus layer triggers (Servi, slashing,
// compensation), and query state (balances, supply, validators for the
// election).
//
// Execution is a pure function of (state, block context, transactions): no
// clock, no randomness, no floating point in money, no unordered iteration
// that reaches the output. A failed transaction changes nothing but its gas
// charge; a refused one (expired, duplicate, unauthorized, no gas) changes
// nothing at all and is reported with `executed == false`.
//
// Signatures are not verified here (docs/pob.md §5.3: consensus decides who
// verifies what); permissions are, from the public keys the transaction
// carries, unless the caller passes AuthCheck::kSkip. "Full verification" of
// a transaction is core::Tx::VerifySelf followed by Ledger::CheckAuth.
//
// Thread contract: Ledger is immutable after construction and may be shared
// across threads; a BlockExecutor is single-threaded and borrows the base
// StateReader, which must outlive it and not change while it runs.
#pragma once

#include <core/genesis.h>
#include <core/receipt.h>
#include <core/tx.h>
#include <crypto/hash.h>
#include <crypto/keys.h>
#include <ledger/auth.h>
#include <ledger/exec.h>
#include <ledger/schema.h>
#include <ledger/state.h>
#include <util/result.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace iost::ledger {

// Transactions whose time is older than this (relative to the block time)
// are expired, so a hash needs remembering only this long (docs/formats.md §T).
inline constexpr int64_t kDedupWindowNanos = core::kMaxTxLifetimeNanos;

enum class AuthCheck { kFull, kSkip };

struct LedgerOptions {
    uint32_t chain_id = core::kLocalChainId;
};

struct TxOutcome {
    core::TxReceipt receipt;
    // false: refused before execution (receipt.status says why, code
    // WRONG_TX_FORMAT); nothing was written, no gas was charged.
    bool executed = false;
    // With BlockContext::fraud_records: what the transaction took, per
    // (account, token), in that order; empty for a failed or refused one.
    std::vector<schema::TokenDebit> debits;
};

struct BlockResult {
    std::vector<TxOutcome> outcomes;  // one per transaction, in order
    WriteSet writes;                  // everything the block changed, incl. kStateRootKey
    crypto::Hash256 state_root{};
};

struct GenesisState {
    WriteSet writes;
    crypto::Hash256 state_root{};
    crypto::Hash256 genesis_hash{};
};

// Election input (docs/pob.md §4): one entry per registered validator.
struct ValidatorInfo {
    std::string account;
    crypto::PublicKey consensus_key;
    int64_t servi = 0;
    int64_t stake = 0;  // IOST raw units voted for it
    schema::ValidatorStatus status = schema::ValidatorStatus::kActive;
    bool is_producer = true;
    int64_t registered_time = 0;  // block time of its registration (genesis time for genesis ones)
    friend bool operator==(const ValidatorInfo&, const ValidatorInfo&) = default;
};

// The outcome of slashing (docs/pob.md §7).
struct SlashOutcome {
    int64_t tokens = 0;  // IOST raw taken from the account's balance and frozen balances
    int64_t stake = 0;   // IOST raw of the validator's own stake
    int64_t pledge = 0;  // IOST raw of its own gas pledge (held by gas.iost)
    int64_t servi = 0;   // Servi zeroed
    // Every other token (balance plus frozen) taken, by symbol.
    std::map<std::string, int64_t> other_tokens;
    int64_t total() const { return tokens + stake + pledge; }
};

// The outcome of paying back one forged transaction (docs/pob.md §7.3).
struct CompensationOutcome {
    std::vector<schema::TokenDebit> paid;       // in the recorded debit order
    std::vector<schema::TokenDebit> shortfall;  // what the pool could not pay
    bool already_paid = false;                  // an earlier compensation paid it
};

// Holder of slashed funds until they are paid back.
inline constexpr std::string_view kCompensationPool = "slash_pool.iost";

// Builds the genesis state (all writes, including the RAM pool, token
// records, accounts, gas pledges and validators) and its state root.
util::Result<GenesisState> BuildGenesisState(const core::Genesis& genesis);

class Ledger;

// Applies transactions of one block in order over a base state.
class BlockExecutor {
  public:
    BlockExecutor(const Ledger& ledger, const StateReader& base, BlockContext block);
    BlockExecutor(const BlockExecutor&) = delete;
    BlockExecutor& operator=(const BlockExecutor&) = delete;

    TxOutcome ApplyTx(const core::Tx& tx, AuthCheck auth = AuthCheck::kFull);
    // Same, with the transaction hash already computed (saves a SHA3).
    TxOutcome ApplyTx(const core::Tx& tx, const crypto::Hash256& tx_hash,
                      AuthCheck auth = AuthCheck::kFull);

    // --- PoB operations (docs/pob.md §4, §7), deterministic ledger writes ---
    // Adds delta (may be negative) to a validator's Servi, floored at 0.
    util::Status AddServi(std::string_view validator, int64_t delta);
    // docs/pob.md §4.1: a penalty never takes a validator that has Servi
    // below 1 (Servi 0 marks a newcomer, never credited).
    util::Status PenalizeServi(std::string_view validator, int64_t amount);
    // docs/pob.md §4.1: every active validator keeps (100 − percent)% of its
    // Servi (rounded down, at least 1 if it had any).
    void DecayServi(uint32_t percent);
    // docs/pob.md §4.1: an idle validator is logged out (is_producer =
    // false, as vote_producer.iost logOutProducer); logInProducer brings it back.
    util::Status LogOutProducer(std::string_view validator);
    // Moves all the validator's IOST (balance, frozen balances, own stake)
    // into the compensation pool, zeroes its Servi and marks it slashed. A
    // validator already slashed yields an error (evidence counted once).
    util::Result<SlashOutcome> Slash(std::string_view validator);
    // Pays `raw_amount` IOST from the compensation pool to `account`.
    util::Status Compensate(std::string_view account, int64_t raw_amount);
    // Pays back exactly the token debits execution recorded for `tx_hash`
    // (nothing for a transaction that failed, was refused or is unknown),
    // each from the pool of its token, once: a second call pays nothing and
    // says already_paid. What the pool cannot cover is reported as shortfall
    // (and not paid), never invented.
    CompensationOutcome CompensateTx(const crypto::Hash256& tx_hash);

    // State as this block has changed it so far.
    const StateReader& view() const { return m_block; }
    const BlockContext& block() const { return m_ctx; }

    // Prunes the replay index, computes the state root and returns the block's
    // write set. The executor must not be used afterwards.
    BlockResult Finish();

  private:
    TxOutcome Refuse(const crypto::Hash256& hash, std::string message);
    // Fraud records of a successful transaction about to be merged.
    void RecordDebits(const Overlay& tx_state, const crypto::Hash256& hash, TxOutcome& out);
    void PruneFraudRecords();

    const Ledger& m_ledger;
    const StateReader& m_base;
    BlockContext m_ctx;
    Overlay m_block;
    std::vector<TxOutcome> m_outcomes;
    std::vector<std::pair<int64_t, crypto::Hash256>> m_executed;  // (tx time, hash)
    std::string m_recorded;  // raw hashes of transactions with debit records (this block)
    bool m_finished = false;
};

class Ledger {
  public:
    explicit Ledger(LedgerOptions options = {});
    // `code_engine` runs contracts deployed with system.iost/setCode
    // (src/vm); without one setCode is refused.
    Ledger(LedgerOptions options, std::shared_ptr<const CodeEngine> code_engine);

    const LedgerOptions& options() const { return m_options; }
    const ContractTable& contracts() const { return m_contracts; }

    BlockResult ApplyBlock(const StateReader& state, const BlockContext& block,
                           std::span<const core::Tx> txs, AuthCheck auth = AuthCheck::kFull) const;

    // Permission check of a transaction against state (IOST checkAuth):
    // signers, publisher's active permission, amount_limit form.
    util::Status CheckAuth(const StateReader& state, const core::Tx& tx) const;

  private:
    LedgerOptions m_options;
    ContractTable m_contracts;
};

// --- queries ---
// Spendable balance in raw units, counting frozen amounts matured by `now_ns`
// (0: ignore frozen amounts).
int64_t BalanceOf(const StateReader& state, std::string_view token, std::string_view holder,
                  int64_t now_ns = 0);
// Sum of frozen (not yet spendable) amounts.
int64_t FrozenBalanceOf(const StateReader& state, std::string_view token, std::string_view holder);
std::optional<schema::TokenInfo> GetTokenInfo(const StateReader& state, std::string_view token);
// Raw units issued and not destroyed (IOST token.iost/supply).
int64_t Supply(const StateReader& state, std::string_view token);
std::optional<Account> GetAccount(const StateReader& state, std::string_view name);
// Gas (×100) available to `name` at `now_ns`, and its state.
schema::GasState GasInfo(const StateReader& state, std::string_view name, int64_t now_ns);
std::optional<schema::RamPool> RamInfo(const StateReader& state);
// Every registered validator, by account name.
std::vector<ValidatorInfo> GetValidators(const StateReader& state);
// Those the election may choose: active, producing, not slashed, Servi >= min_servi.
std::vector<ValidatorInfo> ElectionCandidates(const StateReader& state, int64_t min_servi);
std::optional<ValidatorInfo> GetValidator(const StateReader& state, std::string_view name);
int64_t CompensationPoolBalance(const StateReader& state);
int64_t CompensationPoolBalance(const StateReader& state, std::string_view token);
// Every token symbol the chain knows (iost, ram and every created one).
std::vector<std::string> TokenSymbols(const StateReader& state);
// What a slash of `validator` is sure to take (docs/pob.md §7.5), IOST raw:
// its own stake (its vote for itself) plus its own gas pledge. Both leave
// only through a multi-day freeze, which a slash still takes.
int64_t BondedStake(const StateReader& state, std::string_view validator);
// The token debits recorded for an executed transaction (empty: none, or
// pruned after fraud_window).
std::vector<schema::TokenDebit> TxDebits(const StateReader& state, const crypto::Hash256& tx_hash);
// What a compensation paid back for `tx_hash` (nullopt: never compensated).
std::optional<std::vector<schema::TokenDebit>> TxCompensation(const StateReader& state,
                                                              const crypto::Hash256& tx_hash);
// The state root stored in state (zero before genesis).
crypto::Hash256 StateRootOf(const StateReader& state);
// Chain id and genesis hash recorded at genesis.
struct ChainInfo {
    uint32_t chain_id = 0;
    crypto::Hash256 genesis_hash{};
};
std::optional<ChainInfo> GetChainInfo(const StateReader& state);
// Has a transaction with this hash been executed within the replay window?
bool IsKnownTx(const StateReader& state, const crypto::Hash256& tx_hash);

}  // namespace iost::ledger
