#include <core/amount.h>
#include <core/codec.h>
#include <ledger/ledger.h>
#include <ledger/native.h>
#include <ledger/trie.h>

#include <algorithm>
#include <map>
#include <set>

namespace iost::ledger {
namespace {

using native::kIost;

constexpr int64_t kNanos = 1'000'000'000;
constexpr size_t kMaxActionDescRunes = 100;

// go-iost isolator.go: "running action Action{...}\n error: <err>", the
// action's description cut at 100 runes.
std::string ActionError(const core::Action& a, std::string_view err) {
    std::string desc = "Action{Contract: " + a.contract + ", ActionName: " + a.action_name +
                       ", Data: " + a.data + "}\n";
    // Count UTF-8 runes (lead bytes) to cut where Go's []rune cut would.
    size_t runes = 0;
    for (size_t i = 0; i < desc.size(); ++i) {
        if ((static_cast<uint8_t>(desc[i]) & 0xC0) != 0x80) {
            if (runes == kMaxActionDescRunes) {
                desc = desc.substr(0, i) + "...";
                break;
            }
            ++runes;
        }
    }
    return "running action " + desc + " error: " + std::string(err);
}

std::string FormatGas(int64_t x100) {
    auto a = core::Amount::FromRaw(x100, 2);
    return a ? a->ToString() : std::to_string(x100);
}

std::string EncodeChainInfo(uint32_t chain_id, const crypto::Hash256& genesis_hash) {
    core::Encoder e(48);
    e.WriteInt64(chain_id).WriteBytes(crypto::View(genesis_hash));
    return std::string(e.bytes().begin(), e.bytes().end());
}

std::vector<std::string> SplitLines(std::string_view s) {
    std::vector<std::string> out;
    size_t pos = 0;
    while (pos < s.size()) {
        const size_t nl = s.find('\n', pos);
        out.emplace_back(s.substr(pos, nl == std::string_view::npos ? s.size() - pos : nl - pos));
        pos = nl == std::string_view::npos ? s.size() : nl + 1;
    }
    return out;
}

std::vector<int64_t> DecodeSeconds(std::string_view s) {
    std::vector<int64_t> out;
    for (size_t i = 0; i + 8 <= s.size(); i += 8) out.push_back(*schema::DecodeI64(s.substr(i, 8)));
    return out;
}

int64_t ReadI64(const StateReader& st, const std::string& key) {
    auto raw = st.Get(key);
    if (!raw) return 0;
    auto v = schema::DecodeI64(*raw);
    IOST_ASSERT(v.ok(), "stored int64 must decode");
    return *v;
}

std::optional<schema::ValidatorRecord> ReadValidator(const StateReader& st, std::string_view name) {
    auto raw = st.Get(schema::ValidatorKey(name));
    if (!raw) return std::nullopt;
    auto v = schema::ValidatorRecord::Decode(*raw);
    IOST_ASSERT(v.ok(), "stored validator must decode");
    return std::move(*v);
}

ValidatorInfo ToInfo(std::string name, const schema::ValidatorRecord& r) {
    return ValidatorInfo{std::move(name), r.consensus_key, r.servi,          r.votes,
                         r.status,        r.is_producer,   r.registered_time};
}

}  // namespace

// ---------------------------------------------------------------- genesis

util::Result<GenesisState> BuildGenesisState(const core::Genesis& g) {
    IOST_TRY(core::ValidateGenesis(g));
    MemState empty;
    Overlay ov(empty);
    const int64_t scale = core::Pow10(core::kIostDecimals);

    // Accounts. deadaddr receives RAM fees (as in IOST); nobody can sign for it.
    for (const auto& a : g.accounts) {
        StoreAccount(ov, Account::New(a.name, "", core::PublicKeyToText(a.owner),
                                      core::PublicKeyToText(a.active)));
    }
    if (!ov.Get(schema::AccountKey("deadaddr"))) {
        Account dead;
        dead.id = "deadaddr";
        dead.permissions.emplace("active", Permission{"active", {}, {}, 100});
        dead.permissions.emplace("owner", Permission{"owner", {}, {}, 100});
        StoreAccount(ov, dead);
    }

    // The IOST token and its allocations.
    std::map<std::string, int64_t> bal;
    int64_t supply = 0;
    for (const auto& al : g.token.allocations) {
        bal[al.account] += al.amount.raw();
        supply += al.amount.raw();
    }
    schema::TokenInfo iost;
    iost.issuer = g.token.issuer;
    iost.total_supply = g.token.total_supply_units * scale;
    iost.supply = supply;
    iost.decimal = core::kIostDecimals;
    iost.full_name = "IOST";
    ov.Put(schema::TokenInfoKey(kIost), iost.Encode());

    // Gas pledged at genesis: the IOST moves to gas.iost; the tank starts full
    // so genesis accounts can transact at once.
    int64_t gas_iost = 0;
    for (const auto& a : g.accounts) {
        const int64_t p = a.gas_pledge.raw();
        if (p == 0) continue;
        bal[a.name] -= p;
        gas_iost += p;
        schema::GasState gs;
        gs.pledge_total = p;
        gs.limit = static_cast<int64_t>(static_cast<__int128>(p) * 300'000 / scale);
        gs.stock = gs.limit;
        gs.update_time = g.timestamp_ns;
        ov.Put(schema::GasKey(a.name), gs.Encode());
        ov.Put(schema::GasPledgeKey(a.name, a.name), schema::EncodeI64(p));
    }
    if (gas_iost) bal["gas.iost"] += gas_iost;

    // RAM: ram.js issue() with 128 GiB at 0.005 IOST/byte; genesis grants.
    constexpr int64_t kInitialRam = int64_t{128} * 1024 * 1024 * 1024;
    constexpr int64_t kRamTotal = int64_t{100} * 64 * 1024 * 1024 * 1024;
    schema::TokenInfo ram;
    ram.issuer = "ram.iost";
    ram.total_supply = kRamTotal;
    ram.supply = kInitialRam;
    ram.decimal = 0;
    ram.only_issuer_can_transfer = true;
    ram.full_name = "IOST system ram";
    ov.Put(schema::TokenInfoKey(native::kRam), ram.Encode());
    schema::RamPool pool;
    pool.left_space = kInitialRam;
    pool.balance = kInitialRam * (scale / 200);  // × 0.005 IOST per byte
    int64_t ram_left = kInitialRam;
    for (const auto& a : g.accounts) {
        if (a.ram_bytes == 0) continue;
        if (a.ram_bytes >= pool.left_space)
            return util::Err("accounts: RAM grants exceed the 128 GiB pool");
        pool.left_space -= a.ram_bytes;
        pool.used_space += a.ram_bytes;
        ram_left -= a.ram_bytes;
        ov.Put(schema::BalanceKey(native::kRam, a.name), schema::EncodeI64(a.ram_bytes));
    }
    ov.Put(schema::BalanceKey(native::kRam, "ram.iost"), schema::EncodeI64(ram_left));
    ov.Put(schema::kRamPoolKey, pool.Encode());

    // Validators: their stake is a vote for themselves held by vote_producer.iost.
    std::vector<std::string> names;
    int64_t staked = 0;
    for (const auto& v : g.validators) {
        schema::ValidatorRecord r;
        r.consensus_key = v.consensus_key;
        r.votes = v.stake.raw();
        r.servi = v.servi;
        r.registered_time = g.timestamp_ns;
        ov.Put(schema::ValidatorKey(v.account), r.Encode());
        ov.Put(schema::ValidatorPubkeyKey(core::PublicKeyToText(v.consensus_key)), v.account);
        if (v.stake.raw() > 0) {
            ov.Put(schema::VoteKey(v.account, v.account), schema::EncodeI64(v.stake.raw()));
            bal[v.account] -= v.stake.raw();
            staked += v.stake.raw();
        }
        names.push_back(v.account);
    }
    if (staked) bal["vote_producer.iost"] += staked;
    std::sort(names.begin(), names.end());
    std::string list;
    for (size_t i = 0; i < names.size(); ++i) {
        if (i) list.push_back('\n');
        list += names[i];
    }
    ov.Put(schema::kValidatorListKey, list);

    for (const auto& [holder, v] : bal) {
        IOST_ASSERT(v >= 0, "ValidateGenesis keeps every genesis balance non-negative");
        if (v > 0) ov.Put(schema::BalanceKey(kIost, holder), schema::EncodeI64(v));
    }

    GenesisState out;
    out.genesis_hash = core::GenesisHash(g);
    ov.Put(schema::kChainInfoKey, EncodeChainInfo(g.chain_id, out.genesis_hash));
    out.writes = ov.TakeWrites();
    const MemState no_state;
    out.state_root = CommitStateTree(no_state, out.writes);
    return out;
}

// ---------------------------------------------------------------- ledger

Ledger::Ledger(LedgerOptions options)
    : m_options(options), m_contracts(ContractTable::WithSystemContracts()) {}

Ledger::Ledger(LedgerOptions options, std::shared_ptr<const CodeEngine> code_engine)
    : m_options(options), m_contracts(ContractTable::WithSystemContracts()) {
    m_contracts.SetCodeEngine(std::move(code_engine));
}

BlockResult Ledger::ApplyBlock(const StateReader& state, const BlockContext& block,
                               std::span<const core::Tx> txs, AuthCheck auth) const {
    BlockExecutor ex(*this, state, block);
    for (const auto& tx : txs) (void)ex.ApplyTx(tx, auth);
    return ex.Finish();
}

util::Status Ledger::CheckAuth(const StateReader& state, const core::Tx& tx) const {
    return CheckTxAuth(state, tx);
}

// ---------------------------------------------------------------- executor

BlockExecutor::BlockExecutor(const Ledger& ledger, const StateReader& base, BlockContext block)
    : m_ledger(ledger), m_base(base), m_ctx(std::move(block)), m_block(base) {}

TxOutcome BlockExecutor::Refuse(const crypto::Hash256& hash, std::string message) {
    TxOutcome o;
    o.executed = false;
    o.receipt.tx_hash = hash;
    o.receipt.status = {core::StatusCode::kWrongTxFormat, std::move(message)};
    m_outcomes.push_back(o);
    return o;
}

TxOutcome BlockExecutor::ApplyTx(const core::Tx& tx, AuthCheck auth) {
    return ApplyTx(tx, tx.Hash(), auth);
}

TxOutcome BlockExecutor::ApplyTx(const core::Tx& tx, const crypto::Hash256& hash, AuthCheck auth) {
    IOST_ASSERT(!m_finished, "ApplyTx after Finish");
    const int64_t now = m_ctx.time_ns;

    // --- refusals: nothing is written, nothing is charged ---
    if (tx.chain_id != m_ledger.options().chain_id) {
        return Refuse(hash, "chain id mismatch: tx has " + std::to_string(tx.chain_id) +
                                ", chain is " + std::to_string(m_ledger.options().chain_id));
    }
    if (tx.delay != 0) return Refuse(hash, "delay tx is not supported");
    if (!(0 < tx.time && tx.time < tx.expiration))
        return Refuse(hash, "invalid tx time or expiration");
    if (tx.gas_ratio < core::kMinGasRatio || tx.gas_ratio > core::kMaxGasRatio) {
        return Refuse(hash, "gas ratio should be between 1.00 and 100.00");
    }
    if (tx.gas_limit < core::kMinGasLimit || tx.gas_limit > core::kMaxGasLimit) {
        return Refuse(hash, "gas limit should be between 6000 and 4000000");
    }
    if (tx.expiration <= now || now - tx.time > kDedupWindowNanos)
        return Refuse(hash, "tx expired");
    // tx.time > 0 here, so this form cannot overflow (now + 30 s does for a
    // block time near INT64_MAX).
    if (tx.time - core::kMaxTxFutureNanos > now) return Refuse(hash, "tx time is in the future");
    if (m_block.Get(schema::DedupKey(hash))) return Refuse(hash, "duplicate tx");
    if (!m_block.Get(schema::AccountKey(tx.publisher))) {
        return Refuse(hash, "unauthorized publisher: " + tx.publisher);
    }
    // Built once for the permission check and for execution (RequireAuth).
    std::set<std::string, std::less<>> signer_list = SignerList(tx);
    std::map<std::string, int, std::less<>> auth_list = AuthList(tx);
    if (auth == AuthCheck::kFull) {
        auto st = CheckTxAuth(m_block, tx, signer_list, auth_list);
        if (!st) return Refuse(hash, st.error().message);
    }

    // Gas available to the publisher must cover the gas limit (go-iost
    // CheckTxGasLimitValid), except for a first self-pledge paid from balance.
    const std::string gas_key = schema::GasKey(tx.publisher);
    schema::GasState gas;
    if (auto raw = m_block.Get(gas_key)) {
        auto g = schema::GasState::Decode(*raw);
        IOST_ASSERT(g.ok(), "stored gas state must decode");
        gas = native::GasAt(*g, now);
    }
    if (gas.stock < tx.gas_limit) {
        bool self_pledge = tx.actions.size() == 1 && tx.actions[0].contract == "gas.iost" &&
                           tx.actions[0].action_name == "pledge";
        if (self_pledge) {
            auto args = native::ParseArgs(
                tx.actions[0].data,
                {native::Arg::kString, native::Arg::kString, native::Arg::kString});
            self_pledge = args.ok() && args->Str(0) == tx.publisher && args->Str(1) == tx.publisher;
            if (self_pledge) {
                auto amount = core::Amount::Parse(args->Str(2), 8, core::ExcessDecimals::kTruncate);
                self_pledge = amount.ok() && amount->raw() >= 100'000'000 &&
                              BalanceOf(m_block, kIost, tx.publisher, now) >= amount->raw();
            }
        }
        if (!self_pledge) {
            return Refuse(hash, "gas not enough: user " + tx.publisher + " has " +
                                    FormatGas(gas.stock) + " < " + FormatGas(tx.gas_limit));
        }
    }

    // --- execution ---
    TxContext txc;
    txc.publisher = tx.publisher;
    txc.tx_hash = hash;
    txc.time = tx.time;
    txc.gas_ratio = tx.gas_ratio;
    txc.signer_list = std::move(signer_list);
    txc.auth_list = std::move(auth_list);
    txc.source = &tx;
    const int64_t gas_limit_units = tx.gas_limit / tx.gas_ratio;

    Overlay tx_state(Overlay::Over(m_block));
    ExecContext ctx(tx_state, m_ctx, txc, m_ledger.contracts(), gas_limit_units);
    ctx.ChargeNet(static_cast<int64_t>(tx.ToBytes(core::TxLevel::kFull).size()));

    // Tx-level amount_limit (go-iost monitor.go checkLimit): raw limit per
    // token in that token's units; "*" applies to tokens not listed.
    std::map<std::string, std::string, std::less<>> limit_text;
    for (const auto& l : tx.amount_limit) limit_text[l.token] = l.value;
    std::map<std::string, int64_t, std::less<>> spent;  // token → raw spent so far in this tx

    TxOutcome out;
    out.executed = true;
    out.receipt.tx_hash = hash;
    std::optional<std::string> failure;
    bool out_of_gas = false;
    for (const auto& action : tx.actions) {
        const size_t before = ctx.receipts().size();
        auto r = ctx.CallTop(action.contract, action.action_name, action.data);
        if (!r && ctx.OutOfGas()) {
            // A contract stopped for gas (src/vm): charged in full like any
            // other out-of-gas transaction.
            out_of_gas = true;
            break;
        }
        if (!r) {
            failure = ActionError(action, r.error().message);
            break;
        }
        if (ctx.receipts().size() > kMaxReceiptsPerTx) {
            failure =
                ActionError(action, "too many receipts: at most " +
                                        std::to_string(kMaxReceiptsPerTx) + " per transaction");
            break;
        }
        // Amount limits over this action's transfers out of accounts, as
        // token.iost noted them with its receipts (transfer, transferFreeze,
        // destroy; go-iost checkLimit reads the same receipts).
        std::map<std::string, int64_t> need;
        for (const auto& sp : ctx.spends()) {
            if (sp.receipt < before || ctx.IsContractId(sp.from)) continue;
            need[sp.token] += sp.raw;
        }
        for (const auto& [token, amount] : need) {
            spent[token] += amount;
            auto info = GetTokenInfo(tx_state, token);
            const int dec = info ? info->decimal : 0;
            auto it = limit_text.find(token);
            if (it == limit_text.end()) it = limit_text.find("*");
            bool ok = false;
            if (it != limit_text.end()) {
                if (it->second == "unlimited") {
                    ok = true;
                } else {
                    // "*" limits are read with the spent token's decimals.
                    auto lim =
                        core::Amount::Parse(it->second, dec, core::ExcessDecimals::kTruncate);
                    ok = lim.ok() && lim->raw() >= spent[token];
                }
            }
            if (!ok) {
                failure =
                    ActionError(action, "token " + token + " exceed amountLimit in tx. need " +
                                            native::FormatAmount(amount, dec));
                break;
            }
        }
        if (failure) break;
        ctx.ChargeNet(static_cast<int64_t>(r->size()));
        if (ctx.OutOfGas()) {
            out_of_gas = true;
            break;
        }
        out.receipt.returns.push_back(std::move(*r));
    }
    if (!failure && !out_of_gas && ctx.OutOfGas()) out_of_gas = true;

    int64_t gas_units = ctx.GasUsed();
    if (out_of_gas) {
        failure = "out of gas";
        gas_units = gas_limit_units;
    }
    if (!failure) {
        // RAM bought by data written: payers must hold that much "ram".
        for (const auto& [payer, bytes] : ctx.ram_usage()) {
            if (bytes <= 0) continue;
            const int64_t have = BalanceOf(tx_state, native::kRam, payer, now);
            if (have < bytes) {
                out.receipt.status = {
                    core::StatusCode::kBalanceNotEnough,
                    "balance not enough after executing actions: pay ram failed. id: " + payer +
                        " need " + std::to_string(bytes) + ", actual " + std::to_string(have)};
                break;
            }
            tx_state.Put(schema::BalanceKey(native::kRam, payer),
                         schema::EncodeI64(
                             ReadI64(tx_state, schema::BalanceKey(native::kRam, payer)) - bytes));
        }
    }
    if (failure) {
        out.receipt.status = {core::StatusCode::kRuntimeError, *failure};
    }
    if (out.receipt.ok()) {
        out.receipt.receipts = ctx.receipts();
        out.receipt.events = ctx.events();
        for (const auto& [payer, bytes] : ctx.ram_usage()) {
            if (bytes != 0) out.receipt.ram_usage[payer] = bytes;
        }
        if (m_ctx.fraud_records) RecordDebits(tx_state, hash, out);
        tx_state.MergeInto(m_block);
    } else {
        out.receipt.returns.clear();
        out.receipt.receipts.clear();
        out.receipt.ram_usage.clear();
    }

    // --- gas payment, success or not (IOST PayCost) ---
    const int64_t charge = gas_units * tx.gas_ratio;  // ×100
    {
        schema::GasState g;
        if (auto raw = m_block.Get(gas_key)) g = *schema::GasState::Decode(*raw);
        g = native::GasAt(g, now);
        // The pre-check guarantees stock >= gas_limit >= charge unless the
        // transaction itself lowered the stock (unpledge); pay what is left.
        g.stock -= std::min(g.stock, charge);
        if (g.update_time == 0) g.update_time = now;
        m_block.Put(gas_key, g.Encode());
    }
    out.receipt.gas_usage = charge;

    m_block.Put(schema::DedupKey(hash), schema::EncodeI64(tx.time));
    m_executed.emplace_back(tx.time, hash);
    m_outcomes.push_back(out);
    return out;
}

namespace {

// Contract-held balances (vote_producer.iost, gas.iost, the pool ...) are
// backed by other records (votes, pledges); paying them back would break
// those, so only user accounts are debited in the fraud sense.
bool IsContractHolder(std::string_view holder) {
    return holder.starts_with("Contract") || holder.find('.') != std::string_view::npos;
}

// (token, holder) of a balance ("tb/") or freeze ("tf/") key, or nullopt.
std::optional<std::pair<std::string, std::string>> TokenHolderOf(std::string_view key) {
    if (!key.starts_with("tb/") && !key.starts_with("tf/")) return std::nullopt;
    key.remove_prefix(3);
    const size_t slash = key.find('/');
    if (slash == std::string_view::npos || slash == 0) return std::nullopt;
    return std::make_pair(std::string(key.substr(0, slash)), std::string(key.substr(slash + 1)));
}

int64_t HeldBy(const StateReader& s, std::string_view token, std::string_view holder) {
    return ReadI64(s, schema::BalanceKey(token, holder)) + FrozenBalanceOf(s, token, holder);
}

}  // namespace

void BlockExecutor::RecordDebits(const Overlay& tx_state, const crypto::Hash256& hash,
                                 TxOutcome& out) {
    std::set<std::pair<std::string, std::string>> touched;  // (holder, token), ordered
    std::vector<std::string> new_tokens;
    for (const auto& [key, value] : tx_state.writes()) {
        if (auto th = TokenHolderOf(key)) {
            if (!IsContractHolder(th->second)) touched.emplace(th->second, th->first);
        } else if (key.starts_with("ti/") && value && !m_block.Get(key)) {
            new_tokens.emplace_back(key.substr(3));
        }
    }
    for (const auto& [holder, token] : touched) {
        const int64_t before = HeldBy(m_block, token, holder);
        const int64_t after = HeldBy(tx_state, token, holder);
        if (after < before) out.debits.push_back({holder, token, before - after});
    }
    if (!out.debits.empty()) {
        m_block.Put(schema::TxDebitsKey(hash), schema::EncodeDebits(out.debits));
        m_recorded.append(reinterpret_cast<const char*>(hash.data()), hash.size());
    }
    if (!new_tokens.empty()) {
        std::vector<std::string> all = TokenSymbols(m_block);
        for (auto& t : new_tokens) {
            if (std::find(all.begin(), all.end(), t) == all.end()) all.push_back(std::move(t));
        }
        m_block.Put(schema::kTokenListKey, schema::EncodeStrings(all));
    }
}

void BlockExecutor::PruneFraudRecords() {
    if (!m_recorded.empty()) {
        const std::string key = schema::DebitHeightKey(m_ctx.height);
        m_block.Put(key, m_block.Get(key).value_or("") + m_recorded);
        m_recorded.clear();
    }
    if (m_ctx.fraud_window == 0 || m_ctx.height <= m_ctx.fraud_window) return;
    const std::string old = schema::DebitHeightKey(m_ctx.height - m_ctx.fraud_window);
    auto list = m_block.Get(old);
    if (!list) return;
    for (size_t i = 0; i + 32 <= list->size(); i += 32) {
        crypto::Hash256 h;
        std::copy_n(list->data() + i, 32, h.begin());
        m_block.Delete(schema::TxDebitsKey(h));
        if (m_block.Get(schema::TxCompensatedKey(h))) m_block.Delete(schema::TxCompensatedKey(h));
    }
    m_block.Delete(old);
}

util::Status BlockExecutor::AddServi(std::string_view validator, int64_t delta) {
    auto v = ReadValidator(m_block, validator);
    if (!v) return util::Err("validator not exists: " + std::string(validator));
    if (v->status == schema::ValidatorStatus::kSlashed) return util::Ok();  // stays at zero
    const __int128 next = static_cast<__int128>(v->servi) + delta;
    v->servi = next < 0                    ? 0
               : next > (int64_t{1} << 62) ? (int64_t{1} << 62)
                                           : static_cast<int64_t>(next);
    m_block.Put(schema::ValidatorKey(validator), v->Encode());
    return util::Ok();
}

util::Status BlockExecutor::PenalizeServi(std::string_view validator, int64_t amount) {
    auto v = ReadValidator(m_block, validator);
    if (!v) return util::Err("validator not exists: " + std::string(validator));
    if (v->status == schema::ValidatorStatus::kSlashed || v->servi <= 1 || amount <= 0)
        return util::Ok();
    v->servi = std::max<int64_t>(1, v->servi - amount);
    m_block.Put(schema::ValidatorKey(validator), v->Encode());
    return util::Ok();
}

void BlockExecutor::DecayServi(uint32_t percent) {
    if (percent == 0) return;
    const int64_t keep = 100 - std::min<int64_t>(percent, 100);
    for (const auto& info : GetValidators(m_block)) {
        if (info.status != schema::ValidatorStatus::kActive || info.servi <= 1) continue;
        auto v = ReadValidator(m_block, info.account);
        const __int128 next = static_cast<__int128>(v->servi) * keep / 100;
        v->servi = std::max<int64_t>(1, static_cast<int64_t>(next));
        m_block.Put(schema::ValidatorKey(info.account), v->Encode());
    }
}

util::Status BlockExecutor::LogOutProducer(std::string_view validator) {
    auto v = ReadValidator(m_block, validator);
    if (!v) return util::Err("validator not exists: " + std::string(validator));
    if (!v->is_producer) return util::Ok();
    v->is_producer = false;
    m_block.Put(schema::ValidatorKey(validator), v->Encode());
    return util::Ok();
}

util::Result<SlashOutcome> BlockExecutor::Slash(std::string_view validator) {
    auto v = ReadValidator(m_block, validator);
    if (!v) return util::Err("validator not exists: " + std::string(validator));
    if (v->status == schema::ValidatorStatus::kSlashed) {
        return util::Err("validator already slashed: " + std::string(validator));
    }
    SlashOutcome out;
    auto add_to_pool = [&](std::string_view token, int64_t raw) {
        if (raw <= 0) return;
        const std::string pool_key = schema::BalanceKey(token, kCompensationPool);
        m_block.Put(pool_key, schema::EncodeI64(ReadI64(m_block, pool_key) + raw));
    };

    // Every token: balance plus every frozen amount (matured or not).
    for (const std::string& token : TokenSymbols(m_block)) {
        const std::string bkey = schema::BalanceKey(token, validator);
        const int64_t held = ReadI64(m_block, bkey) + FrozenBalanceOf(m_block, token, validator);
        if (m_block.Get(bkey)) m_block.Put(bkey, schema::EncodeI64(0));
        const std::string fkey = schema::FreezeKey(token, validator);
        if (m_block.Get(fkey)) m_block.Delete(fkey);
        if (held <= 0) continue;
        if (token == kIost) {
            out.tokens = held;
        } else {
            out.other_tokens[token] = held;
        }
        add_to_pool(token, held);
    }

    // Own stake: its vote for itself, held by vote_producer.iost.
    const std::string vkey = schema::VoteKey(validator, validator);
    out.stake = ReadI64(m_block, vkey);
    if (out.stake > 0) {
        const std::string vp_key = schema::BalanceKey(kIost, "vote_producer.iost");
        const int64_t vp = ReadI64(m_block, vp_key);
        IOST_ASSERT(vp >= out.stake, "vote_producer.iost holds every vote");
        m_block.Put(vp_key, schema::EncodeI64(vp - out.stake));
        m_block.Delete(vkey);
        v->votes -= std::min(v->votes, out.stake);
        add_to_pool(kIost, out.stake);
    }

    // Own gas pledge: the IOST gas.iost holds for it; its gas goes with it.
    const std::string pkey = schema::GasPledgeKey(validator, validator);
    out.pledge = ReadI64(m_block, pkey);
    if (out.pledge > 0) {
        const std::string gp_key = schema::BalanceKey(kIost, "gas.iost");
        const int64_t gp = ReadI64(m_block, gp_key);
        IOST_ASSERT(gp >= out.pledge, "gas.iost holds every pledge");
        m_block.Put(gp_key, schema::EncodeI64(gp - out.pledge));
        m_block.Delete(pkey);
        const std::string gkey = schema::GasKey(validator);
        schema::GasState g;
        if (auto raw = m_block.Get(gkey)) g = *schema::GasState::Decode(*raw);
        g = native::GasAt(g, m_ctx.time_ns);
        const int64_t left = std::max<int64_t>(0, g.pledge_total - out.pledge);
        g.limit = g.pledge_total > 0
                      ? static_cast<int64_t>(static_cast<__int128>(g.limit) * left / g.pledge_total)
                      : 0;
        g.pledge_total = left;
        g.stock = std::min(g.stock, g.limit);
        if (g.update_time == 0) g.update_time = m_ctx.time_ns;
        m_block.Put(gkey, g.Encode());
        add_to_pool(kIost, out.pledge);
    }
    out.servi = v->servi;
    v->servi = 0;
    v->status = schema::ValidatorStatus::kSlashed;
    m_block.Put(schema::ValidatorKey(validator), v->Encode());
    return out;
}

util::Status BlockExecutor::Compensate(std::string_view account, int64_t raw_amount) {
    if (raw_amount <= 0) return util::Err("compensation must be positive");
    if (!m_block.Get(schema::AccountKey(account))) {
        return util::Err("invalid account " + std::string(account));
    }
    const std::string pool_key = schema::BalanceKey(kIost, kCompensationPool);
    const int64_t pool = ReadI64(m_block, pool_key);
    if (pool < raw_amount) {
        return util::Err("compensation pool holds " + native::FormatAmount(pool, 8) + " < " +
                         native::FormatAmount(raw_amount, 8));
    }
    m_block.Put(pool_key, schema::EncodeI64(pool - raw_amount));
    const std::string to_key = schema::BalanceKey(kIost, account);
    m_block.Put(to_key, schema::EncodeI64(ReadI64(m_block, to_key) + raw_amount));
    return util::Ok();
}

CompensationOutcome BlockExecutor::CompensateTx(const crypto::Hash256& tx_hash) {
    CompensationOutcome out;
    const std::string done_key = schema::TxCompensatedKey(tx_hash);
    if (m_block.Get(done_key)) {
        out.already_paid = true;
        return out;
    }
    for (const auto& d : TxDebits(m_block, tx_hash)) {
        const std::string pool_key = schema::BalanceKey(d.token, kCompensationPool);
        const int64_t pool = ReadI64(m_block, pool_key);
        const std::string to_key = schema::BalanceKey(d.token, d.account);
        if (d.amount <= 0 || pool < d.amount || !m_block.Get(schema::AccountKey(d.account))) {
            out.shortfall.push_back(d);
            continue;
        }
        m_block.Put(pool_key, schema::EncodeI64(pool - d.amount));
        m_block.Put(to_key, schema::EncodeI64(ReadI64(m_block, to_key) + d.amount));
        out.paid.push_back(d);
    }
    // Marked even when nothing was owed, so the record says it was judged.
    m_block.Put(done_key, schema::EncodeDebits(out.paid));
    return out;
}

BlockResult BlockExecutor::Finish() {
    IOST_ASSERT(!m_finished, "Finish called twice");
    m_finished = true;
    if (m_ctx.fraud_records) PruneFraudRecords();

    // Replay index: bucket this block's executed hashes by their tx time's
    // second, then drop buckets (and their dd/ entries) older than the window.
    std::map<int64_t, std::string> add;
    for (const auto& [time, hash] : m_executed) {
        add[time / kNanos].append(reinterpret_cast<const char*>(hash.data()), hash.size());
    }
    std::vector<int64_t> seconds;
    if (auto idx = m_block.Get(schema::kDedupIndexKey)) seconds = DecodeSeconds(*idx);
    for (auto& [sec, hashes] : add) {
        const std::string bkey = schema::DedupBucketKey(sec);
        std::string bucket = m_block.Get(bkey).value_or("");
        bucket += hashes;
        m_block.Put(bkey, std::move(bucket));
        if (!std::binary_search(seconds.begin(), seconds.end(), sec)) {
            seconds.insert(std::upper_bound(seconds.begin(), seconds.end(), sec), sec);
        }
    }
    const int64_t oldest_kept = (m_ctx.time_ns - kDedupWindowNanos) / kNanos - 1;
    bool index_changed = !add.empty();
    while (!seconds.empty() && seconds.front() < oldest_kept) {
        const std::string bkey = schema::DedupBucketKey(seconds.front());
        if (auto bucket = m_block.Get(bkey)) {
            for (size_t i = 0; i + 32 <= bucket->size(); i += 32) {
                crypto::Hash256 h;
                std::copy_n(bucket->data() + i, 32, h.begin());
                m_block.Delete(schema::DedupKey(h));
            }
            m_block.Delete(bkey);
        }
        seconds.erase(seconds.begin());
        index_changed = true;
    }
    if (index_changed) {
        std::string idx;
        for (int64_t s : seconds) idx += schema::EncodeI64(s);
        m_block.Put(schema::kDedupIndexKey, std::move(idx));
    }

    BlockResult out;
    out.outcomes = std::move(m_outcomes);
    out.writes = m_block.TakeWrites();
    out.state_root = CommitStateTree(m_base, out.writes);
    return out;
}

// ---------------------------------------------------------------- queries

int64_t BalanceOf(const StateReader& state, std::string_view token, std::string_view holder,
                  int64_t now_ns) {
    int64_t b = ReadI64(state, schema::BalanceKey(token, holder));
    if (now_ns <= 0) return b;
    auto raw = state.Get(schema::FreezeKey(token, holder));
    if (!raw) return b;
    auto list = schema::DecodeFreezeList(*raw);
    IOST_ASSERT(list.ok(), "stored freeze list must decode");
    for (const auto& it : *list) {
        if (it.ftime <= now_ns) b += it.amount;
    }
    return b;
}

int64_t FrozenBalanceOf(const StateReader& state, std::string_view token, std::string_view holder) {
    auto raw = state.Get(schema::FreezeKey(token, holder));
    if (!raw) return 0;
    auto list = schema::DecodeFreezeList(*raw);
    IOST_ASSERT(list.ok(), "stored freeze list must decode");
    int64_t sum = 0;
    for (const auto& it : *list) sum += it.amount;
    return sum;
}

std::optional<schema::TokenInfo> GetTokenInfo(const StateReader& state, std::string_view token) {
    auto raw = state.Get(schema::TokenInfoKey(token));
    if (!raw) return std::nullopt;
    auto t = schema::TokenInfo::Decode(*raw);
    IOST_ASSERT(t.ok(), "stored token info must decode");
    return std::move(*t);
}

int64_t Supply(const StateReader& state, std::string_view token) {
    auto t = GetTokenInfo(state, token);
    return t ? t->supply : 0;
}

std::optional<Account> GetAccount(const StateReader& state, std::string_view name) {
    return LoadAccount(state, name);
}

schema::GasState GasInfo(const StateReader& state, std::string_view name, int64_t now_ns) {
    auto raw = state.Get(schema::GasKey(name));
    if (!raw) return {};
    auto g = schema::GasState::Decode(*raw);
    IOST_ASSERT(g.ok(), "stored gas state must decode");
    return native::GasAt(*g, now_ns);
}

std::optional<schema::RamPool> RamInfo(const StateReader& state) {
    auto raw = state.Get(schema::kRamPoolKey);
    if (!raw) return std::nullopt;
    auto p = schema::RamPool::Decode(*raw);
    IOST_ASSERT(p.ok(), "stored RAM pool must decode");
    return *p;
}

std::vector<ValidatorInfo> GetValidators(const StateReader& state) {
    std::vector<ValidatorInfo> out;
    auto list = state.Get(schema::kValidatorListKey);
    if (!list) return out;
    for (auto& name : SplitLines(*list)) {
        auto r = ReadValidator(state, name);
        IOST_ASSERT(r.has_value(), "every listed validator has a record");
        out.push_back(ToInfo(std::move(name), *r));
    }
    return out;
}

std::vector<ValidatorInfo> ElectionCandidates(const StateReader& state, int64_t min_servi) {
    std::vector<ValidatorInfo> out;
    for (auto& v : GetValidators(state)) {
        if (v.status == schema::ValidatorStatus::kActive && v.is_producer && v.servi >= min_servi) {
            out.push_back(std::move(v));
        }
    }
    return out;
}

std::optional<ValidatorInfo> GetValidator(const StateReader& state, std::string_view name) {
    auto r = ReadValidator(state, name);
    if (!r) return std::nullopt;
    return ToInfo(std::string(name), *r);
}

int64_t CompensationPoolBalance(const StateReader& state, std::string_view token) {
    return ReadI64(state, schema::BalanceKey(token, kCompensationPool));
}

std::vector<std::string> TokenSymbols(const StateReader& state) {
    if (auto raw = state.Get(schema::kTokenListKey)) {
        auto list = schema::DecodeStrings(*raw);
        IOST_ASSERT(list.ok(), "stored token list must decode");
        return std::move(*list);
    }
    return {std::string(kIost), std::string(native::kRam)};
}

int64_t BondedStake(const StateReader& state, std::string_view validator) {
    const int64_t stake =
        std::max<int64_t>(0, ReadI64(state, schema::VoteKey(validator, validator)));
    const int64_t pledge =
        std::max<int64_t>(0, ReadI64(state, schema::GasPledgeKey(validator, validator)));
    return stake > INT64_MAX - pledge ? INT64_MAX : stake + pledge;
}

std::vector<schema::TokenDebit> TxDebits(const StateReader& state, const crypto::Hash256& tx_hash) {
    auto raw = state.Get(schema::TxDebitsKey(tx_hash));
    if (!raw) return {};
    auto d = schema::DecodeDebits(*raw);
    IOST_ASSERT(d.ok(), "stored debits must decode");
    return std::move(*d);
}

std::optional<std::vector<schema::TokenDebit>> TxCompensation(const StateReader& state,
                                                              const crypto::Hash256& tx_hash) {
    auto raw = state.Get(schema::TxCompensatedKey(tx_hash));
    if (!raw) return std::nullopt;
    auto d = schema::DecodeDebits(*raw);
    IOST_ASSERT(d.ok(), "stored compensation must decode");
    return std::move(*d);
}

int64_t CompensationPoolBalance(const StateReader& state) {
    return ReadI64(state, schema::BalanceKey(kIost, kCompensationPool));
}

crypto::Hash256 StateRootOf(const StateReader& state) {
    crypto::Hash256 h{};
    auto raw = state.Get(kStateRootKey);
    if (raw && raw->size() == h.size()) std::copy(raw->begin(), raw->end(), h.begin());
    return h;
}

std::optional<ChainInfo> GetChainInfo(const StateReader& state) {
    auto raw = state.Get(schema::kChainInfoKey);
    if (!raw) return std::nullopt;
    core::Decoder d(util::AsBytes(*raw));
    auto id = d.ReadInt64();
    auto h = d.ReadBytesView();
    if (!id || !h || h->size() != 32) return std::nullopt;
    ChainInfo ci;
    ci.chain_id = static_cast<uint32_t>(*id);
    std::copy(h->begin(), h->end(), ci.genesis_hash.begin());
    return ci;
}

bool IsKnownTx(const StateReader& state, const crypto::Hash256& tx_hash) {
    return state.Get(schema::DedupKey(tx_hash)).has_value();
}

}  // namespace iost::ledger
