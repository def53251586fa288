// Internal to the ledger: the machinery shared by the native system
// contracts — argument parsing by ABI type (IOST's "string", "number",
// "bool", "json"), a NativeContract built from an action table, and the
// token/balance helpers the other contracts use. Not included outside
// src/ledger (it pulls in nlohmann/json).
// Thread contract: NativeContract is immutable after construction.
#pragma once

#include <core/amount.h>
#include <ledger/exec.h>
#include <ledger/schema.h>

#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace iost::ledger::native {

enum class Arg { kString, kNumber, kBool, kJson };

class Args {
  public:
    explicit Args(nlohmann::json arr) : m_arr(std::move(arr)) {}
    const std::string& Str(size_t i) const { return m_arr[i].get_ref<const std::string&>(); }
    int64_t Num(size_t i) const { return m_arr[i].get<int64_t>(); }
    bool Bool(size_t i) const { return m_arr[i].get<bool>(); }
    const nlohmann::json& Json(size_t i) const { return m_arr[i]; }
    // The arguments as Go's json.Marshal writes them (no spaces): the content
    // of IOST receipts.
    std::string Dump() const { return m_arr.dump(); }
    nlohmann::json& raw() { return m_arr; }

  private:
    nlohmann::json m_arr;
};

// Arguments by ABI type. A flat array of plain values (strings of printable
// ASCII without escapes, integers of up to 18 digits, true/false/null) is
// read by a small exact parser; anything else goes to nlohmann::json, whose
// result the fast path reproduces exactly (tests/unit/ledger: differential).
util::Result<Args> ParseArgs(std::string_view data, const std::vector<Arg>& types);
// The fast path alone: nullopt when `data` is outside its subset.
std::optional<nlohmann::json> ParseFlatArray(std::string_view data);
// Every nlohmann parse in the ledger goes through here (counted for
// JsonParsesOnThisThread). Returns a discarded value on malformed text.
nlohmann::json ParseJson(std::string_view text);

using ActionFn = std::function<util::Result<std::string>(ExecContext&, Args&)>;
struct ActionDef {
    std::vector<Arg> args;
    ActionFn fn;
};

class NativeContract final : public Contract {
  public:
    // `call_cost`: kGasPerJsCall for a contract that is JavaScript in IOST,
    // kGasPerNativeCall for one that is Go-native there.
    NativeContract(std::string id, std::map<std::string, ActionDef, std::less<>> actions,
                   int64_t call_cost)
        : m_id(std::move(id)), m_actions(std::move(actions)), m_call_cost(call_cost) {}
    std::string_view id() const override { return m_id; }
    int64_t CallCost() const override { return m_call_cost; }
    util::Result<std::string> Call(ExecContext& ctx, std::string_view action,
                                   std::string_view data) const override;

  private:
    std::string m_id;
    std::map<std::string, ActionDef, std::less<>> m_actions;
    int64_t m_call_cost;
};

std::shared_ptr<const Contract> MakeTokenContract();
std::shared_ptr<const Contract> MakeAuthContract();
std::shared_ptr<const Contract> MakeGasContract();
std::shared_ptr<const Contract> MakeRamContract();
std::shared_ptr<const Contract> MakeVoteProducerContract();
std::shared_ptr<const Contract> MakeSystemContract();
std::shared_ptr<const Contract> MakeToken721Contract();

// --- shared helpers (metered through ctx) ---
std::optional<schema::TokenInfo> ReadTokenInfo(ExecContext& ctx, std::string_view symbol);
void WriteTokenInfo(ExecContext& ctx, std::string_view symbol, const schema::TokenInfo& info);
// Balance with matured frozen amounts released (IOST getBalance).
int64_t ReadBalance(ExecContext& ctx, std::string_view symbol, std::string_view holder);
void WriteBalance(ExecContext& ctx, std::string_view symbol, std::string_view holder, int64_t v);
// Builds a JSON array text from strings/numbers.
std::string JsonArray(std::initializer_list<nlohmann::json> items);
std::string FormatAmount(int64_t raw, int decimals);  // IOST Decimal.String()
// go-iost checkTokenSymValid: 2-16 of [a-z0-9_] (token.iost and token721.iost).
util::Status CheckTokenSymbol(std::string_view sym);
// Gas state at time t (gas.iost PGasAtTime), values ×100.
schema::GasState GasAt(const schema::GasState& g, int64_t t_ns);
inline constexpr std::string_view kIost = "iost";
inline constexpr std::string_view kRam = "ram";

// Pool holding slashed funds until compensation (docs/pob.md §7).
inline constexpr std::string_view kSlashPool = "slash_pool.iost";

}  // namespace iost::ledger::native
