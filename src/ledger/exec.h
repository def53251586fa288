// The execution interface between the transaction runner and contracts.
// A Contract is called with an action name and IOST's argument form (a JSON
// array as text) and returns its return values as JSON array text. The system
// contracts are native C++ Contracts registered in a ContractTable (the
// dispatch table); a JavaScript VM can later be added as one more Contract
// implementation that loads code from state, without touching the runner.
//
// ExecContext is what a running contract sees: state (reads and writes go to
// the transaction's overlay, metered for gas), the block and transaction
// context, permission checks (IOST's RequireAuth), nested calls
// (IOST's Call / CallWithAuth) and receipts.
//
// Thread contract: single-threaded; one ExecContext per transaction.
#pragma once

#include <core/receipt.h>
#include <core/tx.h>
#include <ledger/state.h>
#include <util/result.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace iost::ledger {

class ExecContext;

// JSON texts the ledger has parsed on the calling thread (contract
// arguments outside the fast path, account JSON from tools, ...). Tests and
// the benchmark use it to show that a transfer parses none (docs/state.md
// "Fast state layer").
uint64_t JsonParsesOnThisThread();

// Gas schedule (docs/contracts.md "Gas"), go-iost's prices: gas = 10·net +
// cpu (core/contract/cost.go ToGas), where net counts bytes of the
// transaction and of receipts and cpu counts work. The state-access and
// flag-down prices are go-iost's vm/host/costs.go; what we cannot follow is
// the per-instruction price of IOST's JavaScript VM (we run no JavaScript).
inline constexpr int64_t kGasPerNetByte = 10;      // go-iost Cost.ToGas
inline constexpr int64_t kGasPerStateRead = 300;   // go-iost GetCost
inline constexpr int64_t kGasPerStateWrite = 300;  // go-iost PutCost / DelCost (minimum)
// PutCost grows with the value: len(value)/10 when that is above 300
// (vm/host/db_handler.go Put).
inline constexpr int64_t kGasPerValueTenBytes = 1;
// Flag-down fare of a call: a contract that is JavaScript in IOST
// (account.js, ram.js, vote_producer.js) costs JSCost; a Go-native one
// (token, gas, system) costs its ABI's CommonOpCost(1).
inline constexpr int64_t kGasPerJsCall = 30'000;  // go-iost JSCost (vm/monitor.go)
inline constexpr int64_t kGasPerNativeCall = 10;  // go-iost CommonOpCost(1)
inline constexpr int64_t kGasPerAuthCheck = 10;   // go-iost CommonOpCost(1) (authority.go)
inline constexpr int64_t kGasPerReceipt = 10;  // go-iost CommonOpCost(1) per receipt (monitor.go)
// blockchain.event(data): go-iost EventCost, 1 cpu per byte of data
// (vm/host/costs.go EventPrice), plus our per-event fare (an empty event is
// not free: events are kept in the receipt). At most kMaxEventsPerTx
// events of at most kMaxEventBytes each per transaction (ours: they live in
// the receipt, which must stay decodable and small).
inline constexpr int64_t kGasPerEventByte = 1;
inline constexpr int64_t kGasPerEvent = 10;
inline constexpr size_t kMaxEventsPerTx = 1'024;
inline constexpr size_t kMaxEventBytes = 65'536;
// Receipts a transaction may make (native transfers, blockchain.receipt).
// Gas alone allows ~400,000 at the maximum gas limit, but a receipt decodes
// at most 65,536 items (core/receipt.cpp), and one a node cannot read back
// must never be final: past this the action fails `too many receipts`.
inline constexpr size_t kMaxReceiptsPerTx = 16'384;

// A virtual machine for contracts deployed as code (system.iost/setCode),
// e.g. JavaScript on V8 (src/vm). The ledger stores the contract JSON and
// checks the ABI; the engine checks the code and runs it. Engines are shared
// by every thread that executes transactions, so both calls must be
// thread-safe, and deterministic: the same state and call give the same
// writes, returns and gas on every node.
class CodeEngine {
  public:
    virtual ~CodeEngine() = default;
    // Checks that `code` compiles under the engine's rules (the gas
    // instrumentation must accept it). Called once at setCode/updateCode.
    virtual util::Status CheckCode(std::string_view code) const = 0;
    // Runs `action` of contract `id` whose source is `code` with the
    // arguments `data` (a JSON array); returns the JSON array of return
    // values. State, gas, receipts and nested calls go through `ctx`, in
    // which `id` is the current contract.
    virtual util::Result<std::string> Run(ExecContext& ctx, std::string_view id,
                                          std::string_view code, std::string_view action,
                                          std::string_view data) const = 0;
};

class Contract {
  public:
    virtual ~Contract() = default;
    virtual std::string_view id() const = 0;
    // Gas of one call before any work (kGasPerJsCall or kGasPerNativeCall).
    virtual int64_t CallCost() const = 0;
    // Runs one action. `data` is the JSON array of arguments; the result is
    // the JSON array of return values ("[]" for none). An error fails the
    // whole transaction (its message lands in the receipt).
    virtual util::Result<std::string> Call(ExecContext& ctx, std::string_view action,
                                           std::string_view data) const = 0;
};

// Contract id → implementation. Lookups are by exact id.
class ContractTable {
  public:
    void Register(std::shared_ptr<const Contract> c);
    const Contract* Find(std::string_view id) const;
    // The table with every system contract (token, auth, gas, ram,
    // vote_producer, system).
    static ContractTable WithSystemContracts();
    // Contracts deployed as code (ids Contract<hash>) run on `engine`;
    // without one, system.iost/setCode is refused.
    void SetCodeEngine(std::shared_ptr<const CodeEngine> engine);
    const CodeEngine* code_engine() const { return m_engine.get(); }
    // The contract that runs deployed code (loads it from state, checks the
    // ABI, calls the engine); null without an engine.
    const Contract* code_contract() const { return m_code_contract.get(); }

  private:
    std::map<std::string, std::shared_ptr<const Contract>, std::less<>> m_table;
    std::shared_ptr<const CodeEngine> m_engine;
    std::shared_ptr<const Contract> m_code_contract;
};

struct BlockContext {
    int64_t time_ns = 0;   // block time, the "now" of every rule
    uint64_t height = 0;   // 0 only for genesis
    std::string producer;  // validator name, for receipts and gas (may be empty)
    // PoB fraud records (docs/pob.md §7.3): record each executed transaction's
    // token debits in state (so a proven forgery is paid back exactly what it
    // took) and the token registry; drop the records of height - fraud_window
    // (0 = keep forever). Off for plain ledger use (vectors, tools).
    bool fraud_records = false;
    uint64_t fraud_window = 0;
};

// Per-transaction facts a contract may need (IOST's tx context).
struct TxContext {
    std::string publisher;
    crypto::Hash256 tx_hash{};
    int64_t time = 0;
    int64_t gas_ratio = 100;
    // "name@perm" declared signers plus publisher@active (IOST signer_list).
    std::set<std::string, std::less<>> signer_list;
    // base58 public key → 1 (signed as a signer) or 2 (as the publisher).
    std::map<std::string, int, std::less<>> auth_list;
    // The transaction itself, for what contracts read of it beyond the
    // above (blockchain.txInfo: expiration, gas limit, amount_limit,
    // actions); null where there is none (tools, tests).
    const core::Tx* source = nullptr;
};

class ExecContext {
  public:
    ExecContext(Overlay& state, const BlockContext& block, const TxContext& tx,
                const ContractTable& contracts, int64_t gas_limit_units);

    // --- state (metered) ---
    std::optional<std::string> Get(std::string_view key);
    void Put(std::string_view key, std::string value);
    void Delete(std::string_view key);
    // Unmetered access for the runner's own bookkeeping.
    Overlay& state() { return m_state; }

    const BlockContext& block() const { return m_block; }
    const TxContext& tx() const { return m_tx; }

    // --- auth (go-iost vm/host/authority.go) ---
    // True if `id@perm` is satisfied by the transaction's signer list and
    // accounts' permission trees; for a contract id, true only inside a
    // CallWithAuth made by that contract.
    bool RequireAuth(std::string_view id, std::string_view perm);
    bool IsContractId(std::string_view id) const;
    bool AccountExists(std::string_view name);
    // A system contract, or a contract deployed as code (unmetered lookup).
    bool ContractExists(std::string_view id) const;
    const ContractTable& contracts() const { return m_contracts; }
    // Depth of the running call stack (1 inside a top-level action).
    size_t call_depth() const { return m_stack.size(); }

    // --- calls ---
    // The caller's contract id ("" at top level).
    std::string_view caller() const;
    std::string_view current_contract() const;
    // IOST h.Call: run another contract's action.
    util::Result<std::string> Call(std::string_view contract, std::string_view action,
                                   std::string_view data);
    // IOST h.CallWithAuth: the callee may act for the calling contract's id.
    util::Result<std::string> CallWithAuth(std::string_view contract, std::string_view action,
                                           std::string_view data);
    // Runs a top-level action (the runner).
    util::Result<std::string> CallTop(std::string_view contract, std::string_view action,
                                      std::string_view data);

    // --- receipts, gas, RAM ---
    void Receipt(std::string func_name, std::string content);
    // blockchain.event(data) of `contract` (docs/contracts.md "Events"):
    // charged, and kept for the receipt; an error past the limits above.
    util::Status Event(std::string contract, std::string data);
    const std::vector<core::ContractEvent>& events() const { return m_events; }
    const std::vector<core::ContractReceipt>& receipts() const { return m_receipts; }
    // What token.iost took out of `from` (raw units of `token`) in the
    // receipt it is about to write (transfer, transferFreeze, destroy): the
    // runner checks the transaction's amount_limit against these instead of
    // re-parsing the receipts' JSON.
    struct Spend {
        size_t receipt = 0;  // index the receipt gets in receipts()
        std::string token;
        std::string from;
        int64_t raw = 0;
    };
    void NoteSpend(std::string token, std::string from, int64_t raw);
    const std::vector<Spend>& spends() const { return m_spends; }
    void ChargeCpu(int64_t gas) { m_cpu += gas; }
    void ChargeNet(int64_t bytes) { m_net += bytes; }
    int64_t GasUsed() const { return kGasPerNetByte * m_net + m_cpu; }
    bool OutOfGas() const { return GasUsed() > m_gas_limit_units; }
    // RAM bytes charged to (positive) or refunded to (negative) `payer`.
    void ChargeRam(std::string_view payer, int64_t bytes);
    const std::map<std::string, int64_t>& ram_usage() const { return m_ram; }

  private:
    util::Result<std::string> Dispatch(std::string_view contract, std::string_view action,
                                       std::string_view data, bool with_auth);

    Overlay& m_state;
    const BlockContext& m_block;
    const TxContext& m_tx;
    const ContractTable& m_contracts;
    int64_t m_gas_limit_units;
    int64_t m_cpu = 0;
    int64_t m_net = 0;
    std::vector<std::string> m_stack;  // contract ids being run
    std::vector<std::string> m_calls;  // "contract-action" of the nested calls being run
    std::map<std::string, int, std::less<>> m_auth_contracts;  // CallWithAuth grants
    std::vector<core::ContractReceipt> m_receipts;
    std::vector<core::ContractEvent> m_events;
    std::vector<Spend> m_spends;
    std::map<std::string, int64_t> m_ram;
};

}  // namespace iost::ledger
