#include <core/account.h>
#include <core/tx_json.h>
#include <util/bytes.h>
#include <util/clock.h>
#include <util/text.h>
#include <wallet/commands.h>
#include <wallet/key_tool.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace iost::wallet {
namespace {

using Json = nlohmann::ordered_json;
using std::chrono::milliseconds;

std::ostream& Out(Context& c) { return c.out != nullptr ? *c.out : std::cout; }
std::ostream& Err(Context& c) { return c.err != nullptr ? *c.err : std::cerr; }
bool JsonOut(const Context& c) { return c.output == OutputFormat::kJson; }

int Fail(Context& c, int code, const std::string& msg) {
    Err(c) << "iwallet: " << msg << "\n";
    return code;
}
// A transport failure or a node refusal is exit 1, a local problem exit 2;
// NodeApi errors are always the former.
int FailRemote(Context& c, const util::Error& e) { return Fail(c, kExitFailed, e.message); }

KeyStore Store(Context& c, util::Status* st) {
    if (!c.keys_dir.empty()) return KeyStore(c.keys_dir);
    auto d = DefaultKeysDir();
    if (!d) {
        *st = util::ErrOf(d.error());
        return KeyStore("");
    }
    return KeyStore(*d);
}

KdfLimits Limits(const Context& c) {
    return c.fast_kdf ? KdfLimits::Minimal() : KdfLimits::Interactive();
}

util::Result<std::optional<std::string>> NewPassword(Context& c, bool encrypt) {
    if (!encrypt) return std::optional<std::string>();
    auto pw = ReadPassword(c.password, "New password for the key file: ", /*confirm=*/true);
    if (!pw) return util::ErrOf(pw.error());
    return std::optional<std::string>(std::move(*pw));
}

util::Result<crypto::KeyPair> LoadKey(Context& c, const std::string& name) {
    util::Status st;
    KeyStore store = Store(c, &st);
    if (!st) return util::ErrOf(st.error());
    std::optional<std::string> password;
    if (store.IsEncrypted(name)) {
        auto pw = ReadPassword(c.password, "Password for " + name + ": ", /*confirm=*/false);
        if (!pw) return util::ErrOf(pw.error());
        password = std::move(*pw);
    }
    auto keys = store.Load(name, password);
    if (!keys) return util::ErrOf(keys.error());
    for (const auto& w : keys->warnings) Err(c) << "iwallet: warning: " << w << "\n";
    return *keys->Find("active");
}

util::Result<crypto::KeyPair> LoadPublisher(Context& c) {
    if (c.account.empty())
        return util::Err("this command needs the account that signs: --account NAME");
    IOST_TRY(CheckAccountName(c.account, "--account"));
    return LoadKey(c, c.account);
}

std::string Seconds(milliseconds ms) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f s", static_cast<double>(ms.count()) / 1000.0);
    return buf;
}

std::string Str(const Json& j, const char* key) {
    if (!j.is_object()) return "";
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) return "";
    return it->is_string() ? it->get<std::string>() : it->dump();
}

std::string FormatNs(const std::string& ns_text) {
    int64_t ns = 0;
    try {
        ns = std::stoll(ns_text);
    } catch (...) {
        return ns_text;
    }
    const std::time_t secs = static_cast<std::time_t>(ns / 1'000'000'000);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[64];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    char ms[8];
    std::snprintf(ms, sizeof ms, ".%03lldZ", static_cast<long long>((ns / 1'000'000) % 1000));
    return std::string(buf) + ms;
}

// The node's reply: pretty JSON with --output json, else `text(json)`.
template <typename F>
int Show(Context& c, const util::Result<std::string>& body, F text) {
    if (!body) return FailRemote(c, body.error());
    Json j = Json::parse(*body, nullptr, false);
    if (j.is_discarded())
        return Fail(c, kExitFailed, "the node's reply is not JSON: " + util::Printable(*body, 200));
    if (JsonOut(c)) {
        Out(c) << j.dump(2) << "\n";
    } else {
        text(j);
    }
    return kExitOk;
}

// Progress while waiting: a spinner on a terminal, one line per status
// change otherwise.
class Progress {
  public:
    explicit Progress(Context& c) : m_c(c) {}
    void operator()(std::string_view status, milliseconds elapsed) {
        const std::string shown = status.empty() ? "waiting for the node" : std::string(status);
        if (m_c.err_is_tty) {
            static constexpr char kFrames[] = {'|', '/', '-', '\\'};
            Err(m_c) << "\r" << kFrames[m_frame++ % 4] << " " << shown << "  " << Seconds(elapsed)
                     << "\033[K" << std::flush;
            m_drawn = true;
        } else if (shown != m_last) {
            Err(m_c) << shown << " (" << Seconds(elapsed) << ")\n";
        }
        m_last = shown;
    }
    void Clear() {
        if (m_drawn) Err(m_c) << "\r\033[K" << std::flush;
        m_drawn = false;
    }

  private:
    Context& m_c;
    size_t m_frame = 0;
    bool m_drawn = false;
    std::string m_last;
};

// Sends a signed tx, then (unless --no-wait) follows it to IRREVERSIBLE and
// reports the times and the receipt.
int SubmitAndWait(Context& c, const core::Tx& tx) {
    auto api = NodeApi::Make(c.server);
    if (!api) return Fail(c, kExitUsage, api.error().message);
    if (!JsonOut(c)) Out(c) << "Sending transaction...\n";
    auto hash = api->SendTx(tx);
    if (!hash) return Fail(c, kExitFailed, "transaction refused: " + hash.error().message);
    if (!JsonOut(c)) {
        Out(c) << "Transaction has been sent.\n"
               << "The transaction hash is: " << *hash << "\n";
    }
    if (!c.wait) {
        if (JsonOut(c)) Out(c) << Json{{"hash", *hash}, {"status", "SENT"}}.dump(2) << "\n";
        return kExitOk;
    }
    if (!JsonOut(c)) Out(c) << "Checking transaction receipt...\n" << std::flush;
    WaitOptions wo;
    wo.timeout = c.wait_timeout;
    wo.poll_interval = milliseconds(100);
    wo.expiration_ns = tx.expiration;
    Progress progress(c);
    auto res =
        WaitForTx(*api, *hash, wo, [&](std::string_view s, milliseconds e) { progress(s, e); });
    progress.Clear();
    if (!res)
        return Fail(c, kExitFailed,
                    "lost the node while waiting for " + *hash + ": " + res.error().message);
    Json receipt =
        res->receipt_json.empty() ? Json(nullptr) : Json::parse(res->receipt_json, nullptr, false);
    if (JsonOut(c)) {
        Json j;
        j["hash"] = *hash;
        j["outcome"] = std::string(WaitOutcomeName(res->outcome));
        j["status"] = res->last_status;
        j["packed_ms"] = res->packed_after ? Json(res->packed_after->count()) : Json(nullptr);
        j["irreversible_ms"] =
            res->irreversible_after ? Json(res->irreversible_after->count()) : Json(nullptr);
        j["block_number"] = res->block_number;
        j["message"] = res->message;
        j["receipt"] = receipt;
        Out(c) << j.dump(2) << "\n";
    } else {
        if (res->packed_after) {
            Out(c) << "PACKED after " << Seconds(*res->packed_after) << "\n";
        } else if (res->irreversible_after) {
            Out(c) << "PACKED (not observed: it became final between two polls)\n";
        }
        if (res->irreversible_after) {
            Out(c) << "IRREVERSIBLE after " << Seconds(*res->irreversible_after) << " in block "
                   << res->block_number << "\n";
        }
        if (res->outcome == WaitOutcome::kSuccess) {
            Out(c) << "SUCCESS! gas used " << Str(receipt, "gas_usage") << "\n";
        }
    }
    switch (res->outcome) {
        case WaitOutcome::kSuccess:
            return kExitOk;
        case WaitOutcome::kFailed:
            return Fail(
                c, kExitFailed,
                "transaction " + *hash + " failed: " + res->status_code + ": " + res->message);
        case WaitOutcome::kDropped:
            return Fail(c, kExitFailed, "transaction " + *hash + " dropped: " + res->message);
        case WaitOutcome::kTimeout:
            return Fail(c, kExitFailed, "transaction " + *hash + ": " + res->message);
    }
    return kExitFailed;
}

// The gas limit for a tx from `publisher` when none was given (see
// Context::gas_limit_explicit); the default when the node cannot tell.
double AutoGasLimit(Context& c, const std::string& publisher) {
    constexpr double kMin = 6'000;
    if (c.gas_limit_explicit) return c.tx.gas_limit;
    auto api = NodeApi::Make(c.server);
    if (!api) return c.tx.gas_limit;
    auto body = api->Get("/getAccount/" + publisher + "/false");
    if (!body) return c.tx.gas_limit;
    Json j = Json::parse(*body, nullptr, false);
    if (!j.is_object() || !j.contains("gas_info") || !j["gas_info"].is_object())
        return c.tx.gas_limit;
    const Json& have = j["gas_info"]["current_total"];
    if (!have.is_number()) return c.tx.gas_limit;
    const double gas = std::floor(have.get<double>());
    return std::max(kMin, std::min(c.tx.gas_limit, gas));
}

// Builds, signs as --account and submits.
int SendActions(Context& c, std::vector<core::Action> actions) {
    auto kp = LoadPublisher(c);
    if (!kp) return Fail(c, kExitUsage, kp.error().message);
    TxParams params = c.tx;
    params.gas_limit = AutoGasLimit(c, c.account);
    auto tx = BuildTx(std::move(actions), params, util::SystemClock().Now());
    if (!tx) return Fail(c, kExitUsage, tx.error().message);
    SignAsPublisher(*tx, c.account, *kp);
    return SubmitAndWait(c, *tx);
}

util::Status WriteFile0600(const std::string& path, const std::string& text) {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (f == nullptr) return util::Err("cannot write " + path);
    const bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
    if (std::fclose(f) != 0 || !ok) return util::Err("error writing " + path);
    return util::Ok();
}

std::string KeyAlgoOf(const crypto::KeyPair& kp) {
    return std::string(crypto::AlgorithmName(kp.algorithm()));
}

}  // namespace

util::Result<std::string> ReadTxFile(const std::string& path) {
    std::ifstream in;
    std::istream* is = &std::cin;
    if (path != "-") {
        in.open(path, std::ios::binary);
        if (!in) return util::Err("cannot open " + path);
        is = &in;
    }
    std::string out;
    char buf[8192];
    while (is->read(buf, sizeof buf) || is->gcount() > 0) {
        out.append(buf, static_cast<size_t>(is->gcount()));
        if (out.size() > core::kMaxTxJsonBytes)
            return util::Err(path + " is too large to be a transaction");
    }
    if (is->bad()) return util::Err("error reading " + path);
    return out;
}

// ---- account ---------------------------------------------------------------

int AccountCreate(Context& c, const AccountCreateArgs& a) {
    if (auto st = CheckAccountName(a.name, "account name"); !st)
        return Fail(c, kExitUsage, st.error().message);
    util::Status st;
    KeyStore store = Store(c, &st);
    if (!st) return Fail(c, kExitUsage, st.error().message);
    if (store.Exists(a.name) && !a.force) {
        return Fail(c, kExitUsage,
                    "account " + a.name + " already has a key in " + store.PathOf(a.name) +
                        " (iwallet account delete " + a.name + ", or --force)");
    }
    const bool own_keys = !a.owner_key.empty() || !a.active_key.empty();
    if (own_keys && (a.owner_key.empty() || a.active_key.empty())) {
        return Fail(c, kExitUsage,
                    "give both --owner and --active, or neither (a new key is made for both)");
    }
    std::optional<crypto::KeyPair> fresh;
    CreateAccountSpec spec;
    spec.name = a.name;
    spec.initial_ram = a.initial_ram;
    spec.initial_gas_pledge = a.initial_gas_pledge;
    spec.initial_balance = a.initial_balance;
    if (own_keys) {
        spec.owner_key = a.owner_key;
        spec.active_key = a.active_key;
    } else {
        fresh = crypto::KeyPair::Generate(crypto::Algorithm::kEd25519);
        spec.owner_key = spec.active_key = util::Base58Encode(fresh->public_key().bytes);
    }
    std::vector<core::Action> actions;
    if (!c.account.empty()) {
        auto acts = CreateAccountActions(c.account, spec);
        if (!acts) return Fail(c, kExitUsage, acts.error().message);
        actions = std::move(*acts);
    }
    // Save the new key before the account exists on chain: a key lost after
    // the chain accepted it would lock the account forever.
    if (fresh) {
        auto pw = NewPassword(c, a.encrypt);
        if (!pw) return Fail(c, kExitUsage, pw.error().message);
        auto saved =
            store.Save(a.name, *fresh, *pw, a.force ? Overwrite::kYes : Overwrite::kNo, Limits(c));
        if (!saved) return Fail(c, kExitUsage, saved.error().message);
    }
    if (!JsonOut(c)) {
        Out(c) << "The IOST account ID is: " << a.name << "\n"
               << "Owner permission key: " << spec.owner_key << "\n"
               << "Active permission key: " << spec.active_key << "\n";
        if (fresh)
            Out(c) << "Key file: " << store.PathOf(a.name) << (a.encrypt ? " (encrypted)" : "")
                   << "\n";
    }
    if (c.account.empty()) {
        if (JsonOut(c)) {
            Out(c) << Json{{"name", a.name},
                           {"owner_key", spec.owner_key},
                           {"active_key", spec.active_key},
                           {"key_file", fresh ? store.PathOf(a.name) : ""},
                           {"on_chain", false}}
                          .dump(2)
                   << "\n";
        } else {
            Out(c) << "Only the local key was made; to create the account on chain run this again "
                      "with "
                      "--account CREATOR, or let an existing account call auth.iost signUp.\n";
        }
        return kExitOk;
    }
    const int rc = SendActions(c, std::move(actions));
    // The key is kept whatever happened: after a timeout the account may
    // exist, and deleting its only key would lock it forever.
    if (rc != kExitOk && fresh) {
        Err(c) << "iwallet: the key file " << store.PathOf(a.name)
               << " is kept; delete it with `iwallet account delete " << a.name
               << "` if the account was not created\n";
    }
    return rc;
}

int AccountImport(Context& c, const std::string& name, const std::string& secret,
                  const std::string& algo_name, bool encrypt, bool force) {
    if (auto st = CheckAccountName(name, "account name"); !st)
        return Fail(c, kExitUsage, st.error().message);
    auto algo = crypto::ParseAlgorithm(algo_name);
    if (!algo) return Fail(c, kExitUsage, algo.error().message);
    auto kp = KeyFromBase58Secret(*algo, secret);
    if (!kp) return Fail(c, kExitUsage, kp.error().message);
    util::Status st;
    KeyStore store = Store(c, &st);
    if (!st) return Fail(c, kExitUsage, st.error().message);
    auto pw = NewPassword(c, encrypt);
    if (!pw) return Fail(c, kExitUsage, pw.error().message);
    auto saved = store.Save(name, *kp, *pw, force ? Overwrite::kYes : Overwrite::kNo, Limits(c));
    if (!saved) return Fail(c, kExitUsage, saved.error().message);
    const std::string pub = util::Base58Encode(kp->public_key().bytes);
    if (JsonOut(c)) {
        Out(c) << Json{{"name", name},
                       {"algorithm", KeyAlgoOf(*kp)},
                       {"public_key", pub},
                       {"key_file", store.PathOf(name)},
                       {"encrypted", encrypt}}
                      .dump(2)
               << "\n";
    } else {
        Out(c) << "The IOST account ID is: " << name << "\n"
               << "Active permission key: " << pub << "\n"
               << "Key file: " << store.PathOf(name) << (encrypt ? " (encrypted)" : "") << "\n";
    }
    return kExitOk;
}

int AccountList(Context& c) {
    util::Status st;
    KeyStore store = Store(c, &st);
    if (!st) return Fail(c, kExitUsage, st.error().message);
    auto list = store.List();
    if (!list) return Fail(c, kExitUsage, list.error().message);
    if (JsonOut(c)) {
        Json arr = Json::array();
        for (const auto& s : *list) {
            Json e{{"name", s.name},
                   {"algorithm", s.algorithm},
                   {"public_key", s.active_public_key},
                   {"encrypted", s.encrypted}};
            if (!s.error.empty()) e["error"] = s.error;
            arr.push_back(std::move(e));
        }
        Out(c) << Json{{"dir", store.dir()}, {"accounts", arr}}.dump(2) << "\n";
        return kExitOk;
    }
    Out(c) << "Key store: " << store.dir() << "\n";
    if (list->empty()) Out(c) << "(no accounts; iwallet account import NAME SECRET)\n";
    for (const auto& s : *list) {
        Out(c) << std::left << std::setw(12) << s.name << " ";
        if (!s.error.empty()) {
            Out(c) << "unreadable: " << s.error << "\n";
        } else {
            Out(c) << std::setw(10) << s.algorithm << " " << s.active_public_key
                   << (s.encrypted ? "  (encrypted)" : "") << "\n";
        }
    }
    return kExitOk;
}

int AccountDelete(Context& c, const std::string& name) {
    util::Status st;
    KeyStore store = Store(c, &st);
    if (!st) return Fail(c, kExitUsage, st.error().message);
    if (auto d = store.Delete(name); !d) return Fail(c, kExitUsage, d.error().message);
    if (JsonOut(c)) {
        Out(c) << Json{{"deleted", name}}.dump(2) << "\n";
    } else {
        Out(c) << "Deleted the key of " << name << " (" << store.PathOf(name) << ")\n";
    }
    return kExitOk;
}

// ---- transactions ------------------------------------------------------------

int Transfer(Context& c, const std::string& to, const std::string& amount, const std::string& memo,
             const std::string& token) {
    if (auto st = CheckAccountName(to, "receiver"); !st)
        return Fail(c, kExitUsage, st.error().message);
    auto amt = CheckIostAmount(amount, "amount");
    if (!amt) return Fail(c, kExitUsage, amt.error().message);
    if (auto st = CheckMemo(memo); !st) return Fail(c, kExitUsage, st.error().message);
    if (c.account.empty()) return Fail(c, kExitUsage, "transfer needs the sender: --account NAME");
    return SendActions(c, {TransferAction(token, c.account, to, *amt, memo)});
}

int Call(Context& c, const std::string& contract, const std::string& action,
         const std::string& args) {
    if (auto st = CheckContract(contract, action); !st)
        return Fail(c, kExitUsage, st.error().message);
    auto data = CheckJsonArgs(args);
    if (!data) return Fail(c, kExitUsage, data.error().message);
    return SendActions(c, {MakeAction(contract, action, *data)});
}

int Sign(Context& c, const std::string& contract, const std::string& action,
         const std::string& args, const std::string& tx_file, const std::string& out_file) {
    auto kp = LoadPublisher(c);
    if (!kp) return Fail(c, kExitUsage, kp.error().message);
    core::Tx tx;
    if (!tx_file.empty()) {
        if (!contract.empty())
            return Fail(c, kExitUsage, "give either --tx FILE or CONTRACT ACTION ARGS, not both");
        auto text = ReadTxFile(tx_file);
        if (!text) return Fail(c, kExitUsage, text.error().message);
        auto parsed = core::TxFromJson(*text);
        if (!parsed) return Fail(c, kExitUsage, tx_file + ": " + parsed.error().message);
        tx = std::move(*parsed);
    } else {
        if (contract.empty() || action.empty()) {
            return Fail(c, kExitUsage, "sign needs CONTRACT ACTION 'JSON-ARGS' (or --tx FILE)");
        }
        if (auto st = CheckContract(contract, action); !st)
            return Fail(c, kExitUsage, st.error().message);
        auto data = CheckJsonArgs(args.empty() ? "[]" : args);
        if (!data) return Fail(c, kExitUsage, data.error().message);
        auto built =
            BuildTx({MakeAction(contract, action, *data)}, c.tx, util::SystemClock().Now());
        if (!built) return Fail(c, kExitUsage, built.error().message);
        tx = std::move(*built);
    }
    SignAsPublisher(tx, c.account, *kp);
    const std::string json = core::TxToJson(tx) + "\n";
    if (out_file.empty() || out_file == "-") {
        Out(c) << json;
    } else if (auto st = WriteFile0600(out_file, json); !st) {
        return Fail(c, kExitUsage, st.error().message);
    }
    Err(c) << "Signed transaction " << tx.HashBase58() << " as " << c.account
           << (out_file.empty() || out_file == "-" ? std::string() : " -> " + out_file)
           << "; send it within " << (tx.expiration - tx.time) / util::kNanosPerSecond
           << " s (iwallet send FILE)\n";
    return kExitOk;
}

int Send(Context& c, const std::string& file) {
    auto text = ReadTxFile(file);
    if (!text) return Fail(c, kExitUsage, text.error().message);
    auto tx = core::TxFromJson(*text);
    if (!tx) return Fail(c, kExitUsage, file + ": " + tx.error().message);
    if (tx->publisher_sigs.empty()) {
        // go-iost's `send` signs with --account: an unsigned draft is fine.
        auto kp = LoadPublisher(c);
        if (!kp) return Fail(c, kExitUsage, "the transaction is not signed: " + kp.error().message);
        SignAsPublisher(*tx, c.account, *kp);
    }
    if (auto form = tx->VerifyForm(tx->chain_id, crypto::RealVerifier()); !form) {
        return Fail(c, kExitUsage,
                    file + ": " + std::string(core::TxErrorName(form.error().reason)) + ": " +
                        form.error().message);
    }
    if (auto clock = tx->CheckTime(util::SystemClock().Now()); !clock) {
        return Fail(c, kExitUsage, file + ": " + clock.error().message + " (sign it again)");
    }
    return SubmitAndWait(c, *tx);
}

// ---- queries -----------------------------------------------------------------

namespace {

util::Result<std::string> Query(Context& c, const std::string& path) {
    auto api = NodeApi::Make(c.server);
    if (!api) return util::ErrOf(api.error());
    return api->Get(path);
}

void PrintTxSummary(Context& c, const Json& tx, const std::string& indent) {
    Out(c) << indent << "hash       " << Str(tx, "hash") << "\n"
           << indent << "publisher  " << Str(tx, "publisher") << "\n"
           << indent << "time       " << FormatNs(Str(tx, "time")) << "\n";
    if (tx.contains("actions") && tx["actions"].is_array()) {
        for (const auto& a : tx["actions"]) {
            Out(c) << indent << "action     " << Str(a, "contract") << "/" << Str(a, "action_name")
                   << " " << Str(a, "data") << "\n";
        }
    }
    if (tx.contains("tx_receipt") && tx["tx_receipt"].is_object()) {
        const Json& r = tx["tx_receipt"];
        Out(c) << indent << "receipt    " << Str(r, "status_code") << " gas " << Str(r, "gas_usage")
               << (Str(r, "message").empty() ? "" : "  " + Str(r, "message")) << "\n";
    }
}

}  // namespace

int Balance(Context& c, const std::string& name, const std::string& token) {
    if (auto st = CheckAccountName(name, "account"); !st)
        return Fail(c, kExitUsage, st.error().message);
    if (token != "iost") {
        return Show(c, Query(c, "/getTokenBalance/" + name + "/" + token + "/false"),
                    [&](const Json& j) {
                        Out(c) << name << ": " << Str(j, "balance") << " " << token << "\n";
                    });
    }
    return Show(c, Query(c, "/getAccount/" + name + "/false"), [&](const Json& j) {
        const std::string bal =
            Str(j, "balance_string").empty() ? Str(j, "balance") : Str(j, "balance_string");
        Out(c) << name << ": " << bal << " iost\n";
        if (j.contains("gas_info")) {
            Out(c) << "gas: " << Str(j["gas_info"], "current_total") << " (limit "
                   << Str(j["gas_info"], "limit") << ")\n";
        }
        if (j.contains("ram_info")) {
            Out(c) << "ram: " << Str(j["ram_info"], "available") << " bytes available, "
                   << Str(j["ram_info"], "used") << " used\n";
        }
    });
}

int Block(Context& c, const std::string& num_or_hash, bool complete) {
    const bool is_num = !num_or_hash.empty() && num_or_hash.size() <= 20 &&
                        num_or_hash.find_first_not_of("0123456789") == std::string::npos;
    std::string path;
    if (is_num) {
        path = "/getBlockByNumber/" + num_or_hash + "/" + (complete ? "true" : "false");
    } else {
        auto h = util::Base58Decode(num_or_hash);
        if (!h || h->size() != 32) {
            return Fail(
                c, kExitUsage,
                "block: " + util::Quoted(num_or_hash) + " is neither a number nor a base58 hash");
        }
        path = "/getBlockByHash/" + num_or_hash + "/" + (complete ? "true" : "false");
    }
    return Show(c, Query(c, path), [&](const Json& j) {
        const Json& b = j.contains("block") ? j["block"] : j;
        Out(c) << "block " << Str(b, "number") << "  " << Str(j, "status") << "\n"
               << "hash       " << Str(b, "hash") << "\n"
               << "parent     " << Str(b, "parent_hash") << "\n"
               << "time       " << FormatNs(Str(b, "time")) << "\n"
               << "witness    " << Str(b, "witness") << "\n"
               << "tx_count   " << Str(b, "tx_count") << "\n"
               << "gas_usage  " << Str(b, "gas_usage") << "\n";
        if (complete && b.contains("transactions") && b["transactions"].is_array()) {
            for (const auto& t : b["transactions"]) {
                Out(c) << "- tx\n";
                PrintTxSummary(c, t, "  ");
            }
        }
    });
}

int TxInfo(Context& c, const std::string& hash) {
    auto h = util::Base58Decode(hash);
    if (!h || h->size() != 32)
        return Fail(c, kExitUsage, "tx: " + util::Quoted(hash) + " is not a base58 tx hash");
    return Show(c, Query(c, "/getTxByHash/" + hash), [&](const Json& j) {
        Out(c) << "status     " << Str(j, "status") << "\n";
        if (Str(j, "block_number") != "-1")
            Out(c) << "block      " << Str(j, "block_number") << "\n";
        if (j.contains("transaction")) PrintTxSummary(c, j["transaction"], "");
    });
}

int Receipt(Context& c, const std::string& hash) {
    auto h = util::Base58Decode(hash);
    if (!h || h->size() != 32) {
        return Fail(c, kExitUsage, "receipt: " + util::Quoted(hash) + " is not a base58 tx hash");
    }
    return Show(c, Query(c, "/getTxReceiptByTxHash/" + hash), [&](const Json& j) {
        Out(c) << "tx_hash    " << Str(j, "tx_hash") << "\n"
               << "status     " << Str(j, "status_code") << "\n";
        if (!Str(j, "message").empty()) Out(c) << "message    " << Str(j, "message") << "\n";
        Out(c) << "gas_usage  " << Str(j, "gas_usage") << "\n"
               << "ram_usage  " << Str(j, "ram_usage") << "\n"
               << "returns    " << Str(j, "returns") << "\n";
        if (j.contains("receipts") && j["receipts"].is_array()) {
            for (const auto& r : j["receipts"]) {
                Out(c) << "receipt    " << Str(r, "func_name") << " " << Str(r, "content") << "\n";
            }
        }
    });
}

int Evidence(Context& c, const std::string& tx_hash, const std::string& proof_file) {
    // docs/pob.md §7.4: anyone proves fraud, by a transaction's hash (the node
    // finds the MicroBlock that packed it) or with a proof (base64 of its
    // canonical encoding, e.g. from an auditor's log or /submitEvidence).
    Json body = Json::object();
    if (!tx_hash.empty()) {
        auto h = util::Base58Decode(tx_hash);
        if (!h || h->size() != 32) {
            return Fail(c, kExitUsage,
                        "evidence: " + util::Quoted(tx_hash) + " is not a base58 tx hash");
        }
        body["tx_hash"] = tx_hash;
    } else {
        auto text = ReadTxFile(proof_file);
        if (!text) return Fail(c, kExitUsage, "evidence: " + text.error().message);
        std::string proof = *text;
        while (!proof.empty() && std::isspace(static_cast<unsigned char>(proof.back())))
            proof.pop_back();
        if (!util::Base64Decode(proof)) {
            return Fail(c, kExitUsage, "evidence: " + proof_file + " is not base64 of a proof");
        }
        body["evidence"] = proof;
    }
    auto api = NodeApi::Make(c.server);
    if (!api) return FailRemote(c, api.error());
    return Show(c, api->Post("/submitEvidence", body.dump()), [&](const Json& j) {
        Out(c) << "evidence " << Str(j, "evidence_id") << " (" << Str(j, "kind") << ") against "
               << Str(j, "accused") << " accepted; it is gossiped and slashes at the next block\n";
    });
}

int Pob(Context& c) {
    return Show(c, Query(c, "/getPoBInfo"), [&](const Json& j) {
        Out(c) << "epoch " << Str(j, "epoch") << "  height " << Str(j, "height") << "  view "
               << Str(j, "view")
               << (j.value("chain_fallback", false) ? "  FALLBACK (one-league PBFT)" : "") << "\n"
               << "seed  " << Str(j, "seed") << "\n"
               << "next epoch at height " << Str(j, "next_epoch_height") << "\n";
        for (const char* group : {"believable", "normal"}) {
            if (!j.contains(group) || !j[group].is_array()) continue;
            Out(c) << group << " (" << j[group].size() << "):\n";
            for (const auto& m : j[group]) {
                Out(c) << "  " << std::left << std::setw(12) << Str(m, "id") << " servi "
                       << std::setw(8) << Str(m, "servi") << " stake " << std::setw(14)
                       << Str(m, "stake") << " " << Str(m, "status") << "\n";
            }
        }
        if (j.contains("fallback_producers") && j["fallback_producers"].is_array() &&
            !j["fallback_producers"].empty()) {
            Out(c) << "silent believable producers this epoch: " << j["fallback_producers"].dump()
                   << "\n";
        }
    });
}

int State(Context& c) {
    auto api = NodeApi::Make(c.server);
    if (!api) return Fail(c, kExitUsage, api.error().message);
    auto chain = api->Get("/getChainInfo");
    if (!chain) return FailRemote(c, chain.error());
    auto node = api->Get("/getNodeInfo");
    if (!node) return FailRemote(c, node.error());
    Json cj = Json::parse(*chain, nullptr, false), nj = Json::parse(*node, nullptr, false);
    if (cj.is_discarded() || nj.is_discarded())
        return Fail(c, kExitFailed, "the node's reply is not JSON");
    if (JsonOut(c)) {
        Out(c) << Json{{"chain", cj}, {"node", nj}}.dump(2) << "\n";
        return kExitOk;
    }
    Out(c) << "server      " << api->server() << "\n"
           << "network     " << Str(cj, "net_name") << " (chain id " << Str(cj, "chain_id") << ")\n"
           << "head block  " << Str(cj, "head_block") << "  " << Str(cj, "head_block_hash") << "\n"
           << "lib block   " << Str(cj, "lib_block") << "  " << Str(cj, "lib_block_hash") << "\n"
           << "witnesses   " << (cj.contains("witness_list") ? cj["witness_list"].dump() : "[]")
           << "\n"
           << "node        " << Str(nj, "code_version") << "  mode " << Str(nj, "mode")
           << "  peers " << (nj.contains("network") ? Str(nj["network"], "peer_count") : "?")
           << "  pool " << Str(nj, "tx_pool_size") << "\n"
           << "server time " << FormatNs(Str(nj, "server_time")) << "\n";
    if (!cj.empty() && Str(cj, "chain_id") != std::to_string(c.tx.chain_id)) {
        Out(c) << "note: this chain's id differs from --chain-id " << c.tx.chain_id << "\n";
    }
    return kExitOk;
}

}  // namespace iost::wallet
