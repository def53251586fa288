#include <core/account.h>
#include <ledger/auth.h>
#include <ledger/code.h>
#include <ledger/exec.h>
#include <ledger/native.h>
#include <ledger/schema.h>

#include <algorithm>

namespace iost::ledger {
namespace {
// Contracts on the call stack at most, the top-level action's included
// (go-iost vm/host/host.go call: the action runs at stack height 1, each
// nested call adds one, and a call to height > 5 is refused with `stack
// height exceed. actual N`).
constexpr size_t kMaxCallDepth = 5;
thread_local uint64_t t_json_parses = 0;
}  // namespace

uint64_t JsonParsesOnThisThread() { return t_json_parses; }

void ContractTable::Register(std::shared_ptr<const Contract> c) {
    std::string id(c->id());
    m_table.insert_or_assign(std::move(id), std::move(c));
}

const Contract* ContractTable::Find(std::string_view id) const {
    auto it = m_table.find(id);
    return it == m_table.end() ? nullptr : it->second.get();
}

ContractTable ContractTable::WithSystemContracts() {
    ContractTable t;
    t.Register(native::MakeTokenContract());
    t.Register(native::MakeAuthContract());
    t.Register(native::MakeGasContract());
    t.Register(native::MakeRamContract());
    t.Register(native::MakeVoteProducerContract());
    t.Register(native::MakeSystemContract());
    t.Register(native::MakeToken721Contract());
    return t;
}

void ContractTable::SetCodeEngine(std::shared_ptr<const CodeEngine> engine) {
    m_code_contract = engine ? native::MakeCodeContract(engine) : nullptr;
    m_engine = std::move(engine);
}

ExecContext::ExecContext(Overlay& state, const BlockContext& block, const TxContext& tx,
                         const ContractTable& contracts, int64_t gas_limit_units)
    : m_state(state),
      m_block(block),
      m_tx(tx),
      m_contracts(contracts),
      m_gas_limit_units(gas_limit_units) {}

std::optional<std::string> ExecContext::Get(std::string_view key) {
    m_cpu += kGasPerStateRead;
    return m_state.Get(key);
}

void ExecContext::Put(std::string_view key, std::string value) {
    m_cpu +=
        std::max(kGasPerStateWrite, static_cast<int64_t>(value.size() / 10) * kGasPerValueTenBytes);
    m_state.Put(key, std::move(value));
}

void ExecContext::Delete(std::string_view key) {
    m_cpu += kGasPerStateWrite;
    m_state.Delete(key);
}

bool ExecContext::IsContractId(std::string_view id) const {
    return id.starts_with("Contract") || id.find('.') != std::string_view::npos;
}

bool ExecContext::ContractExists(std::string_view id) const {
    if (m_contracts.Find(id)) return true;
    return m_contracts.code_contract() && id.starts_with("Contract") &&
           m_state.Get(CodeKey(id)).has_value();
}

bool ExecContext::AccountExists(std::string_view name) {
    return Get(schema::AccountKey(name)).has_value();
}

bool ExecContext::RequireAuth(std::string_view id, std::string_view perm) {
    // No genesis bypass (go-iost skips auth in block 0): our genesis state is
    // built directly by BuildGenesisState, never by running contracts, so a
    // caller passing height 0 by mistake must not switch permissions off.
    m_cpu += kGasPerAuthCheck;
    if (IsContractId(id)) return m_auth_contracts.count(id) > 0;
    // Fast paths, equivalent to authority.go's recursion: a permission other
    // than owner falls back to active and then owner, and the signer list
    // satisfies id@active / id@owner at once (normal mode), provided the
    // account exists (auth() reads it before falling back).
    const std::string exact = std::string(id) + "@" + std::string(perm);
    if (m_tx.signer_list.count(exact)) return true;
    if (perm != core::kOwnerPermission && (m_tx.signer_list.count(std::string(id) + "@active") ||
                                           m_tx.signer_list.count(std::string(id) + "@owner"))) {
        return AccountExists(id);
    }
    const AuthInputs in{&m_tx.auth_list, &m_tx.signer_list};
    return CheckPermission(m_state, id, perm, in, AuthType::kNormal);
}

std::string_view ExecContext::caller() const {
    if (m_stack.size() < 2) return {};
    return m_stack[m_stack.size() - 2];
}

std::string_view ExecContext::current_contract() const {
    return m_stack.empty() ? std::string_view() : std::string_view(m_stack.back());
}

util::Result<std::string> ExecContext::Dispatch(std::string_view contract, std::string_view action,
                                                std::string_view data, bool with_auth) {
    // go-iost Stack.PushStack: a nested call to a contract and action that
    // a nested call already runs is refused (the top-level action is not
    // recorded, so it may call itself once), before the height check.
    std::string record;
    if (!m_stack.empty()) {
        record.reserve(contract.size() + 1 + action.size());
        record.append(contract).append("-").append(action);
        if (std::find(m_calls.begin(), m_calls.end(), record) != m_calls.end()) {
            return util::Err("re-entering");
        }
    }
    if (m_stack.size() >= kMaxCallDepth) {
        return util::Err("stack height exceed. actual " + std::to_string(m_stack.size() + 1));
    }
    const Contract* c = m_contracts.Find(contract);
    // Deployed code (ids Contract<hash>) runs on the code engine; the
    // lookup is the code contract's own metered read.
    if (!c && contract.starts_with("Contract") && m_contracts.code_contract() &&
        m_state.Get(CodeKey(contract))) {
        c = m_contracts.code_contract();
    }
    if (!c) return util::Err("prepare contract: contract not exists");
    m_cpu += c->CallCost();
    std::string granted;
    if (with_auth && !m_stack.empty()) {
        granted = m_stack.back();
        ++m_auth_contracts[granted];
    }
    m_stack.emplace_back(contract);
    const bool recorded = !record.empty();
    if (recorded) m_calls.push_back(std::move(record));
    auto r = c->Call(*this, action, data);
    if (recorded) m_calls.pop_back();
    m_stack.pop_back();
    if (!granted.empty()) {
        auto it = m_auth_contracts.find(granted);
        if (--it->second == 0) m_auth_contracts.erase(it);
    }
    return r;
}

util::Result<std::string> ExecContext::Call(std::string_view contract, std::string_view action,
                                            std::string_view data) {
    return Dispatch(contract, action, data, false);
}

util::Result<std::string> ExecContext::CallWithAuth(std::string_view contract,
                                                    std::string_view action,
                                                    std::string_view data) {
    return Dispatch(contract, action, data, true);
}

util::Result<std::string> ExecContext::CallTop(std::string_view contract, std::string_view action,
                                               std::string_view data) {
    IOST_ASSERT(m_stack.empty(), "CallTop only at the top level");
    return Dispatch(contract, action, data, false);
}

void ExecContext::Receipt(std::string func_name, std::string content) {
    m_net += static_cast<int64_t>(content.size());  // go-iost ReceiptCost: 1 net per byte
    m_cpu += kGasPerReceipt;
    m_receipts.push_back({std::move(func_name), std::move(content)});
}

util::Status ExecContext::Event(std::string contract, std::string data) {
    if (data.size() > kMaxEventBytes) {
        return util::Err("event too large: " + std::to_string(data.size()) + " bytes, at most " +
                         std::to_string(kMaxEventBytes));
    }
    if (m_events.size() >= kMaxEventsPerTx) {
        return util::Err("too many events: at most " + std::to_string(kMaxEventsPerTx) +
                         " per transaction");
    }
    m_cpu += kGasPerEvent + kGasPerEventByte * static_cast<int64_t>(data.size());
    m_events.push_back({std::move(contract), std::move(data)});
    return util::Ok();
}

void ExecContext::NoteSpend(std::string token, std::string from, int64_t raw) {
    m_spends.push_back({m_receipts.size(), std::move(token), std::move(from), raw});
}

void ExecContext::ChargeRam(std::string_view payer, int64_t bytes) {
    if (bytes == 0) return;
    auto it = m_ram.find(std::string(payer));
    if (it == m_ram.end()) {
        m_ram.emplace(std::string(payer), bytes);
    } else {
        it->second += bytes;
    }
}

namespace native {

nlohmann::json ParseJson(std::string_view text) {
    ++t_json_parses;
    return nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
}

namespace {
bool IsJsonSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
}  // namespace

std::optional<nlohmann::json> ParseFlatArray(std::string_view s) {
    size_t i = 0;
    auto skip = [&] {
        while (i < s.size() && IsJsonSpace(s[i])) ++i;
    };
    auto literal = [&](std::string_view word) {
        if (s.substr(i, word.size()) != word) return false;
        i += word.size();
        return true;
    };
    skip();
    if (i >= s.size() || s[i] != '[') return std::nullopt;
    ++i;
    nlohmann::json arr = nlohmann::json::array();
    skip();
    if (i < s.size() && s[i] == ']') {
        ++i;
    } else {
        for (;;) {
            skip();
            if (i >= s.size()) return std::nullopt;
            const char c = s[i];
            if (c == '"') {
                const size_t start = ++i;
                while (i < s.size() && s[i] != '"') {
                    const auto b = static_cast<unsigned char>(s[i]);
                    // Escapes, control and non-ASCII bytes: nlohmann decides.
                    if (b < 0x20 || b > 0x7e || b == '\\') return std::nullopt;
                    ++i;
                }
                if (i >= s.size()) return std::nullopt;
                arr.push_back(std::string(s.substr(start, i - start)));
                ++i;
            } else if (c == '-' || (c >= '0' && c <= '9')) {
                const bool neg = c == '-';
                if (neg) ++i;
                const size_t start = i;
                while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
                const size_t digits = i - start;
                // JSON: no leading zeros; beyond 18 digits, or a fraction or
                // exponent, nlohmann's own number rules apply.
                if (digits == 0 || digits > 18 || (digits > 1 && s[start] == '0'))
                    return std::nullopt;
                if (i < s.size() && (s[i] == '.' || s[i] == 'e' || s[i] == 'E'))
                    return std::nullopt;
                uint64_t v = 0;
                for (size_t k = start; k < i; ++k) v = v * 10 + static_cast<uint64_t>(s[k] - '0');
                // nlohmann stores a non-negative integer as unsigned, a
                // negative one as signed.
                if (neg) {
                    arr.push_back(-static_cast<int64_t>(v));
                } else {
                    arr.push_back(v);
                }
            } else if (literal("true")) {
                arr.push_back(true);
            } else if (literal("false")) {
                arr.push_back(false);
            } else if (literal("null")) {
                arr.push_back(nullptr);
            } else {
                return std::nullopt;  // nested arrays or objects, or malformed
            }
            skip();
            if (i >= s.size()) return std::nullopt;
            if (s[i] == ',') {
                ++i;
                continue;
            }
            if (s[i] != ']') return std::nullopt;
            ++i;
            break;
        }
    }
    skip();
    if (i != s.size()) return std::nullopt;
    return arr;
}

util::Result<Args> ParseArgs(std::string_view data, const std::vector<Arg>& types) {
    std::optional<nlohmann::json> fast = ParseFlatArray(data);
    nlohmann::json j = fast ? std::move(*fast) : ParseJson(data);
    if (j.is_discarded() || !j.is_array()) {
        return util::Err("prepare contract: args should be a JSON array: " +
                         std::string(data.substr(0, 64)));
    }
    if (j.size() != types.size()) {
        return util::Err("prepare contract: args length mismatch: need " +
                         std::to_string(types.size()) + ", got " + std::to_string(j.size()));
    }
    for (size_t i = 0; i < types.size(); ++i) {
        const auto& v = j[i];
        bool ok = false;
        const char* want = "";
        switch (types[i]) {
            case Arg::kString:
                ok = v.is_string();
                want = "string";
                break;
            case Arg::kNumber:
                ok = v.is_number_integer();
                want = "number";
                break;
            case Arg::kBool:
                ok = v.is_boolean();
                want = "bool";
                break;
            case Arg::kJson:
                ok = v.is_object() || v.is_array();
                want = "json";
                break;
        }
        if (!ok) {
            return util::Err("prepare contract: arg " + std::to_string(i) + " should be " + want +
                             ", got " + v.dump());
        }
    }
    return Args(std::move(j));
}

util::Result<std::string> NativeContract::Call(ExecContext& ctx, std::string_view action,
                                               std::string_view data) const {
    auto it = m_actions.find(action);
    if (it == m_actions.end()) {
        return util::Err("prepare contract: abi " + std::string(action) + " not found");
    }
    auto args = ParseArgs(data, it->second.args);
    if (!args) return util::ErrOf(args.error());
    return it->second.fn(ctx, *args);
}

std::optional<schema::TokenInfo> ReadTokenInfo(ExecContext& ctx, std::string_view symbol) {
    auto raw = ctx.Get(schema::TokenInfoKey(symbol));
    if (!raw) return std::nullopt;
    auto t = schema::TokenInfo::Decode(*raw);
    IOST_ASSERT(t.ok(), "stored token info must decode");
    return std::move(*t);
}

void WriteTokenInfo(ExecContext& ctx, std::string_view symbol, const schema::TokenInfo& info) {
    ctx.Put(schema::TokenInfoKey(symbol), info.Encode());
}

int64_t ReadBalance(ExecContext& ctx, std::string_view symbol, std::string_view holder) {
    int64_t balance = 0;
    const std::string bkey = schema::BalanceKey(symbol, holder);
    if (auto raw = ctx.Get(bkey)) {
        auto v = schema::DecodeI64(*raw);
        IOST_ASSERT(v.ok(), "stored balance must decode");
        balance = *v;
    }
    const std::string fkey = schema::FreezeKey(symbol, holder);
    auto fraw = ctx.Get(fkey);
    if (!fraw) return balance;
    auto list = schema::DecodeFreezeList(*fraw);
    IOST_ASSERT(list.ok(), "stored freeze list must decode");
    size_t i = 0;
    int64_t released = 0;
    while (i < list->size() && (*list)[i].ftime <= ctx.block().time_ns) {
        released += (*list)[i].amount;
        ++i;
    }
    if (i == 0) return balance;
    balance += released;
    ctx.Put(bkey, schema::EncodeI64(balance));
    list->erase(list->begin(), list->begin() + static_cast<std::ptrdiff_t>(i));
    if (list->empty()) {
        ctx.Delete(fkey);
    } else {
        ctx.Put(fkey, schema::EncodeFreezeList(*list));
    }
    return balance;
}

void WriteBalance(ExecContext& ctx, std::string_view symbol, std::string_view holder, int64_t v) {
    IOST_ASSERT(v >= 0, "a balance never goes negative");
    ctx.Put(schema::BalanceKey(symbol, holder), schema::EncodeI64(v));
}

std::string JsonArray(std::initializer_list<nlohmann::json> items) {
    nlohmann::json a = nlohmann::json::array();
    for (const auto& i : items) a.push_back(i);
    return a.dump();
}

std::string FormatAmount(int64_t raw, int decimals) {
    auto a = core::Amount::FromRaw(raw, decimals);
    IOST_ASSERT(a.ok(), "amount in range");
    return a->ToString();
}

}  // namespace native
}  // namespace iost::ledger
