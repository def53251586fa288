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
#include <thread>

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

util::Result<AccountKeys> LoadAccountKeys(Context& c, const std::string& name) {
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
    return keys;
}

// A key file given by path (go-iost --key_file, `sign`'s keyFile,
// --sign_key_files): an account JSON file (ours and go-iost v3's layout),
// or a file holding one base58 secret (go-iost's older NAME_ed25519 files).
util::Result<AccountKeys> LoadKeyFileAt(Context& c, const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return util::Err("cannot open key file " + path);
    std::string text;
    char buf[4096];
    while (in.read(buf, sizeof buf) || in.gcount() > 0) {
        text.append(buf, static_cast<size_t>(in.gcount()));
        if (text.size() > kMaxKeyFileBytes)
            return util::Err(path + " is too large to be a key file");
    }
    const size_t first = text.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return util::Err("key file " + path + " is empty");
    if (text[first] != '{') {
        const size_t last = text.find_last_not_of(" \t\r\n");
        auto algo = crypto::ParseAlgorithm(c.sign_algo);
        if (!algo) return util::ErrOf(algo.error());
        auto kp = KeyFromBase58Secret(*algo, text.substr(first, last + 1 - first));
        if (!kp) return util::Err(path + ": " + kp.error().message);
        AccountKeys keys;
        keys.keys.push_back({"active", *kp});
        keys.keys.push_back({"owner", *kp});
        return keys;
    }
    std::optional<std::string> password;
    if (text.find("\"encrypt_method\"") != std::string::npos) {
        auto pw = ReadPassword(c.password, "Password for " + path + ": ", /*confirm=*/false);
        if (!pw) return util::ErrOf(pw.error());
        password = std::move(*pw);
    }
    auto keys = ParseKeyFile(text, password);
    if (!keys) return util::Err(path + ": " + keys.error().message);
    return keys;
}

util::Result<crypto::KeyPair> PickPerm(const AccountKeys& keys, const std::string& perm,
                                       const std::string& where) {
    const crypto::KeyPair* kp = keys.Find(perm);
    if (kp == nullptr) return util::Err(where + " has no key for permission " + util::Quoted(perm));
    return *kp;
}

// The account that signs: --key_file (whose name fills or must match
// --account, as go-iost checks) or --account from the store, with the
// --sign_permission key (default active).
util::Result<crypto::KeyPair> LoadPublisher(Context& c) {
    if (!c.key_file.empty()) {
        auto keys = LoadKeyFileAt(c, c.key_file);
        if (!keys) return util::ErrOf(keys.error());
        if (c.account.empty()) c.account = keys->name;
        if (!keys->name.empty() && keys->name != c.account) {
            return util::Err("inconsistent account: " + c.account + " from --account VS " +
                             keys->name + " from --key_file");
        }
        if (c.account.empty())
            return util::Err("the key file " + c.key_file + " names no account: add --account");
        IOST_TRY(CheckAccountName(c.account, "--account"));
        return PickPerm(*keys, c.sign_perm, c.key_file);
    }
    if (c.account.empty()) {
        return util::Err("please provide the account info with flag --account/-a or --key_file/-k");
    }
    IOST_TRY(CheckAccountName(c.account, "--account"));
    auto keys = LoadAccountKeys(c, c.account);
    if (!keys) return util::ErrOf(keys.error());
    return PickPerm(*keys, c.sign_perm, "the key file of " + c.account);
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
    const bool own_keys = !a.owner_key.empty() || !a.active_key.empty();
    // Only a new key is saved; with --owner/--active the store is untouched
    // (go-iost's multisig example imports the key first, then creates).
    if (!own_keys && store.Exists(a.name) && !a.force) {
        return Fail(c, kExitUsage,
                    "account " + a.name + " already has a key in " + store.PathOf(a.name) +
                        " (iwallet account delete " + a.name + ", or --force)");
    }
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
        auto algo = crypto::ParseAlgorithm(c.sign_algo);
        if (!algo) return Fail(c, kExitUsage, algo.error().message);
        fresh = crypto::KeyPair::Generate(*algo);
        spec.owner_key = spec.active_key = util::Base58Encode(fresh->public_key().bytes);
    }
    std::vector<core::Action> actions;
    if (c.account.empty() && !c.key_file.empty()) {
        if (auto kp = LoadPublisher(c); !kp) return Fail(c, kExitUsage, kp.error().message);
    }
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
    const int rc = ProcessActions(c, std::move(actions));
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

namespace {

// go-iost writes tx and signature files with protojson (sdk/utils.go
// SaveProtoStructToJSONFile: lowerCamelCase names, every field present,
// int64 as strings, bytes as base64), so files move between the two
// iwallets; TxFromJson reads both spellings.
Json SignatureGoJson(const core::Signature& s) {
    return Json{{"algorithm", s.algorithm == crypto::Algorithm::kEd25519 ? "ED25519" : "SECP256K1"},
                {"signature", util::Base64Encode(s.sig)},
                {"publicKey", util::Base64Encode(s.pubkey)}};
}

std::string TxToGoIostJson(const core::Tx& tx) {
    Json j;
    j["time"] = std::to_string(tx.time);
    j["expiration"] = std::to_string(tx.expiration);
    j["gasRatio"] = core::GasX100ToDouble(tx.gas_ratio);
    j["gasLimit"] = core::GasX100ToDouble(tx.gas_limit);
    j["delay"] = std::to_string(tx.delay);
    j["chainId"] = tx.chain_id;
    Json acts = Json::array();
    for (const auto& a : tx.actions)
        acts.push_back(
            Json{{"contract", a.contract}, {"actionName", a.action_name}, {"data", a.data}});
    j["actions"] = std::move(acts);
    Json limits = Json::array();
    for (const auto& l : tx.amount_limit)
        limits.push_back(Json{{"token", l.token}, {"value", l.value}});
    j["amountLimit"] = std::move(limits);
    j["signers"] = tx.signers;
    Json sigs = Json::array();
    for (const auto& g : tx.signatures) sigs.push_back(SignatureGoJson(g));
    j["signatures"] = std::move(sigs);
    j["publisher"] = tx.publisher;
    Json psigs = Json::array();
    for (const auto& g : tx.publisher_sigs) psigs.push_back(SignatureGoJson(g));
    j["publisherSigs"] = std::move(psigs);
    return j.dump(4) + "\n";
}

util::Result<core::Signature> ReadSignatureFile(const std::string& path) {
    auto text = ReadTxFile(path);
    if (!text) return util::ErrOf(text.error());
    Json j = Json::parse(*text, nullptr, false);
    if (!j.is_object()) return util::Err(path + ": not a signature JSON object");
    core::Signature s;
    const Json& algo = j.contains("algorithm") ? j["algorithm"] : Json();
    if (algo == "ED25519" || algo == 2) {
        s.algorithm = crypto::Algorithm::kEd25519;
    } else if (algo == "SECP256K1" || algo == 1) {
        s.algorithm = crypto::Algorithm::kSecp256k1;
    } else {
        return util::Err(path + ": algorithm must be \"ED25519\" or \"SECP256K1\"");
    }
    for (auto [field, out] : {std::pair<const char*, util::Bytes*>{"signature", &s.sig},
                              std::pair<const char*, util::Bytes*>{"publicKey", &s.pubkey}}) {
        std::string key = field;
        if (!j.contains(key) && key == "publicKey") key = "public_key";
        if (!j.contains(key) || !j[key].is_string())
            return util::Err(path + ": " + field + " must be a base64 string");
        auto b = util::Base64Decode(j[key].get<std::string>());
        if (!b) return util::Err(path + ": " + field + ": " + b.error().message);
        *out = std::move(*b);
    }
    return s;
}

core::Signature SignHash(const crypto::KeyPair& kp, const crypto::Hash256& h) {
    core::Signature s;
    s.algorithm = kp.algorithm();
    s.sig = kp.Sign(util::ByteView(h.data(), h.size()));
    s.pubkey = kp.public_key().bytes;
    return s;
}

// go-iost handleMultiSig (iwallet/utils.go): --signature_files or
// --sign_key_files (not both) become tx.signatures, or tx.publisher_sigs
// with --as_publisher_sign.
util::Status MergeSignatures(Context& c, core::Tx& tx) {
    if (c.signature_files.empty() && c.sign_key_files.empty()) return util::Ok();
    if (!c.signature_files.empty() && !c.sign_key_files.empty())
        return util::Err("can not set flags --sign_key_files and --signature_files simultaneously");
    std::vector<core::Signature> sigs;
    for (const auto& f : c.sign_key_files) {
        auto keys = LoadKeyFileAt(c, f);
        if (!keys) return util::ErrOf(keys.error());
        auto kp = PickPerm(*keys, "active", f);
        if (!kp) return util::ErrOf(kp.error());
        sigs.push_back(SignHash(*kp, c.as_publisher_sign ? tx.PublishHash() : tx.BaseHash()));
        Out(c) << "Signed transaction with private key file: " << f << "\n";
    }
    for (const auto& f : c.signature_files) {
        auto s = ReadSignatureFile(f);
        if (!s) return util::ErrOf(s.error());
        sigs.push_back(std::move(*s));
        Out(c) << "Successfully added signature contained in: " << f << "\n";
    }
    (c.as_publisher_sign ? tx.publisher_sigs : tx.signatures) = std::move(sigs);
    return util::Ok();
}

// go-iost checkTxTime: a tx dated in the future (--tx_time_delay) is sent
// once its time has come; a node refuses one from more than 30 s ahead.
void WaitForTxTime(Context& c, const core::Tx& tx) {
    const int64_t now = util::SystemClock().Now();
    if (tx.time <= now) return;
    const int64_t wait_ms = (tx.time - now) / 1'000'000 + 1;
    Out(c) << "Waiting " << (wait_ms + 999) / 1000 << " seconds to reach the transaction time...\n"
           << std::flush;
    std::this_thread::sleep_for(milliseconds(wait_ms));
}

int SaveUnsignedTx(Context& c, const core::Tx& tx) {
    if (auto st = WriteFile0600(c.output_tx_file, TxToGoIostJson(tx)); !st)
        return Fail(c, kExitUsage, st.error().message);
    Out(c) << "Successfully saved transaction request as json file: " << c.output_tx_file << "\n";
    return kExitOk;
}

// --try_tx: the node executes the tx on its head state and returns the
// receipt without keeping anything (go-iost ExecTransaction, POST /execTx).
int TryTx(Context& c, const core::Tx& tx) {
    auto api = NodeApi::Make(c.server);
    if (!api) return Fail(c, kExitUsage, api.error().message);
    auto body = api->Post("/execTx", core::TxToJson(tx));
    if (!body && body.error().code == 404) {
        return Fail(c, kExitFailed,
                    "--try_tx: this node has no /execTx (dry run); nothing was sent");
    }
    const int rc = Show(c, body, [&](const Json& j) { Out(c) << j.dump(4) << "\n"; });
    if (rc != kExitOk) return rc;
    // go-iost prints the receipt either way; a script also needs to know.
    Json j = Json::parse(*body, nullptr, false);
    if (Str(j, "status_code") != "SUCCESS") {
        return Fail(c, kExitFailed,
                    "--try_tx: would fail: " + Str(j, "status_code") + ": " + Str(j, "message"));
    }
    return kExitOk;
}

// The publisher signs last (its hash covers the signers' signatures), then
// the tx is checked locally and tried or sent.
int SignAndSubmit(Context& c, core::Tx& tx, std::optional<crypto::KeyPair> publisher_key = {}) {
    if (auto st = MergeSignatures(c, tx); !st) return Fail(c, kExitUsage, st.error().message);
    if (tx.publisher_sigs.empty()) {
        if (!publisher_key) {
            auto kp = LoadPublisher(c);
            if (!kp) return Fail(c, kExitUsage, kp.error().message);
            publisher_key = std::move(*kp);
        }
        SignAsPublisher(tx, c.account, *publisher_key);
    } else if (tx.publisher.empty() || !c.account.empty() || !c.key_file.empty()) {
        // Publisher signatures came from files (--as_publisher_sign): only
        // the name is needed, as go-iost's SignTx sets it.
        if (c.account.empty() && !c.key_file.empty()) {
            if (auto kp = LoadPublisher(c); !kp) return Fail(c, kExitUsage, kp.error().message);
        }
        if (c.account.empty())
            return Fail(c, kExitUsage, "the transaction names no publisher: give --account");
        tx.publisher = c.account;
    }
    if (auto form = tx.VerifyForm(tx.chain_id, crypto::RealVerifier()); !form) {
        return Fail(
            c, kExitUsage,
            std::string(core::TxErrorName(form.error().reason)) + ": " + form.error().message);
    }
    WaitForTxTime(c, tx);
    if (auto clock = tx.CheckTime(util::SystemClock().Now()); !clock)
        return Fail(c, kExitUsage, clock.error().message + " (sign it again)");
    if (c.try_tx) return TryTx(c, tx);
    return SubmitAndWait(c, tx);
}

util::Result<int64_t> TxTime(const Context& c) {
    if (c.tx_time_ns && c.tx_time_delay_s != 0)
        return util::Err("can not set flags --tx_time and --tx_time_delay simultaneously");
    if (c.tx_time_ns) return *c.tx_time_ns;
    return util::SystemClock().Now() + c.tx_time_delay_s * util::kNanosPerSecond;
}

// go-iost formatContractArgs: `xxx` without JSON punctuation means ["xxx"].
util::Result<std::string> FormatContractArgs(const std::string& data) {
    if (data.find_first_of("[]{}'\",") == std::string::npos) return Json::array({data}).dump();
    return CheckJsonArgs(data);
}

}  // namespace

int ProcessActions(Context& c, std::vector<core::Action> actions) {
    auto when = TxTime(c);
    if (!when) return Fail(c, kExitUsage, when.error().message);
    TxParams params = c.tx;
    if (!c.output_tx_file.empty()) {
        auto tx = BuildTx(std::move(actions), params, *when);
        if (!tx) return Fail(c, kExitUsage, tx.error().message);
        return SaveUnsignedTx(c, *tx);
    }
    auto kp = LoadPublisher(c);  // fails early, before anything is built
    if (!kp) return Fail(c, kExitUsage, kp.error().message);
    params.gas_limit = AutoGasLimit(c, c.account);
    auto tx = BuildTx(std::move(actions), params, *when);
    if (!tx) return Fail(c, kExitUsage, tx.error().message);
    return SignAndSubmit(c, *tx, std::move(*kp));
}

int Transfer(Context& c, const std::string& to, const std::string& amount, const std::string& memo,
             const std::string& token) {
    if (auto st = CheckAccountName(to, "receiver"); !st)
        return Fail(c, kExitUsage, st.error().message);
    auto amt = CheckIostAmount(amount, "amount");
    if (!amt) return Fail(c, kExitUsage, amt.error().message);
    if (auto st = CheckMemo(memo); !st) return Fail(c, kExitUsage, st.error().message);
    if (c.account.empty() && !c.key_file.empty()) {
        if (auto kp = LoadPublisher(c); !kp) return Fail(c, kExitUsage, kp.error().message);
    }
    if (c.account.empty())
        return Fail(c, kExitUsage, "transfer needs the sender: --account NAME (or --key_file)");
    return ProcessActions(c, {TransferAction(token, c.account, to, *amt, memo)});
}

int Call(Context& c, const std::vector<std::string>& triples) {
    if (triples.empty() || triples.size() % 3 != 0) {
        return Fail(c, kExitUsage,
                    "call takes CONTRACT ACTION 'JSON-ARGS' (one or more such triples); got " +
                        std::to_string(triples.size()) + " arguments");
    }
    std::vector<core::Action> actions;
    for (size_t i = 0; i < triples.size(); i += 3) {
        if (auto st = CheckContract(triples[i], triples[i + 1]); !st)
            return Fail(c, kExitUsage, st.error().message);
        auto data = FormatContractArgs(triples[i + 2]);
        if (!data) return Fail(c, kExitUsage, data.error().message);
        actions.push_back(MakeAction(triples[i], triples[i + 1], *data));
    }
    return ProcessActions(c, std::move(actions));
}

int Publish(Context& c, const std::string& code_file, const std::string& abi_file,
            const std::string& update_id, const std::string& data) {
    auto code = ReadTxFile(code_file);
    if (!code) return Fail(c, kExitUsage, code.error().message);
    auto abi_text = ReadTxFile(abi_file);
    if (!abi_text) return Fail(c, kExitUsage, abi_text.error().message);
    nlohmann::json info = nlohmann::json::parse(*abi_text, nullptr, false);
    if (info.is_discarded() || !info.is_object() || !info.contains("abi")) {
        return Fail(c, kExitUsage,
                    abi_file + ": not an IOST ABI file ({\"lang\", \"version\", \"abi\": [...]})");
    }
    if (!info.contains("lang")) info["lang"] = "javascript";
    if (!info.contains("version")) info["version"] = "1.0.0";
    const nlohmann::json contract = {{"ID", update_id}, {"info", info}, {"code", *code}};
    nlohmann::json args = nlohmann::json::array({contract.dump()});
    if (!update_id.empty()) args.push_back(data);
    return ProcessActions(
        c, {MakeAction("system.iost", update_id.empty() ? "setCode" : "updateCode", args.dump())});
}

int SignOffline(Context& c, const std::string& contract, const std::string& action,
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
            return Fail(c, kExitUsage, "sign-tx needs CONTRACT ACTION 'JSON-ARGS' (or --tx FILE)");
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

int SignatureFile(Context& c, const std::string& tx_file, const std::string& key_file,
                  const std::string& out_file) {
    auto text = ReadTxFile(tx_file);
    if (!text)
        return Fail(c, kExitUsage,
                    "failed to load transaction file " + tx_file + ": " + text.error().message);
    auto tx = core::TxFromJson(*text);
    if (!tx) return Fail(c, kExitUsage, tx_file + ": " + tx.error().message);
    auto keys = LoadKeyFileAt(c, key_file);
    if (!keys)
        return Fail(c, kExitUsage,
                    "failed to load account from file " + key_file + ": " + keys.error().message);
    auto kp = PickPerm(*keys, c.sign_perm, key_file);
    if (!kp) return Fail(c, kExitUsage, kp.error().message);
    const core::Signature sig =
        SignHash(*kp, c.as_publisher_sign ? tx->PublishHash() : tx->BaseHash());
    const std::string json = SignatureGoJson(sig).dump(4) + "\n";
    if (auto st = WriteFile0600(out_file, json); !st)
        return Fail(c, kExitUsage,
                    "failed to save signature as file " + out_file + ": " + st.error().message);
    if (JsonOut(c)) {
        Out(c) << json;
    } else {
        Out(c) << "Signature:\n" << json << "Successfully saved signature as: " << out_file << "\n";
    }
    return kExitOk;
}

int Send(Context& c, const std::string& file) {
    auto text = ReadTxFile(file);
    if (!text) return Fail(c, kExitUsage, text.error().message);
    auto tx = core::TxFromJson(*text);
    if (!tx) return Fail(c, kExitUsage, file + ": " + tx.error().message);
    // A signed file goes as it is; an unsigned draft (go-iost `call -o`)
    // collects the multisig files and --account's publisher signature.
    if (!tx->publisher_sigs.empty() && c.signature_files.empty() && c.sign_key_files.empty()) {
        if (auto form = tx->VerifyForm(tx->chain_id, crypto::RealVerifier()); !form) {
            return Fail(c, kExitUsage,
                        file + ": " + std::string(core::TxErrorName(form.error().reason)) + ": " +
                            form.error().message);
        }
        if (auto clock = tx->CheckTime(util::SystemClock().Now()); !clock) {
            return Fail(c, kExitUsage, file + ": " + clock.error().message + " (sign it again)");
        }
        if (c.try_tx) return TryTx(c, *tx);
        return SubmitAndWait(c, *tx);
    }
    return SignAndSubmit(c, *tx);
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

// ---- go-iost's sys, table, dumpkey, account update/view --------------------------

namespace {

bool IsNumber(const std::string& s) {
    if (s.empty()) return false;
    char* e = nullptr;
    const double v = std::strtod(s.c_str(), &e);
    return e == s.c_str() + s.size() && std::isfinite(v);
}

// go-iost passes ram amounts and permission weights as JSON numbers.
util::Result<Json> NumberArg(const std::string& s, const std::string& what) {
    if (!IsNumber(s))
        return util::Err("invalid value " + util::Quoted(s) + " for argument " +
                         util::Quoted(what));
    Json j = Json::parse(s, nullptr, false);
    if (j.is_discarded() || !j.is_number())
        return util::Err("invalid value " + util::Quoted(s) + " for argument " +
                         util::Quoted(what));
    return j;
}

util::Result<Json> IntArg(const std::string& s, const std::string& what) {
    if (s.empty() || s.size() > 18 || s.find_first_not_of("-0123456789") != std::string::npos)
        return util::Err("invalid value " + util::Quoted(s) + " for argument " +
                         util::Quoted(what) + ": an integer");
    return Json(std::stoll(s));
}

int ProcessMethod(Context& c, const std::string& contract, const std::string& action,
                  const Json& args) {
    return ProcessActions(c, {MakeAction(contract, action, args.dump())});
}

// Resolves --account from --key_file when only the latter was given.
util::Status NeedAccount(Context& c) {
    if (c.account.empty() && !c.key_file.empty()) {
        auto kp = LoadPublisher(c);
        if (!kp) return util::ErrOf(kp.error());
    }
    if (c.account.empty())
        return util::Err("please provide the account info with flag --account/-a or --key_file/-k");
    return CheckAccountName(c.account, "--account");
}

int ProducerList(Context& c) {
    auto api = NodeApi::Make(c.server);
    if (!api) return Fail(c, kExitUsage, api.error().message);
    auto chain = api->Get("/getChainInfo");
    if (!chain) return FailRemote(c, chain.error());
    auto pob = api->Get("/getPoBInfo");
    if (!pob) return FailRemote(c, pob.error());
    Json cj = Json::parse(*chain, nullptr, false), pj = Json::parse(*pob, nullptr, false);
    if (!cj.is_object() || !pj.is_object())
        return Fail(c, kExitFailed, "the node's reply is not JSON");
    // Current: the witnesses of the head block's epoch. Pending: every
    // validator of the PoB groups (believable, then normal), from which the
    // next epoch is drawn (docs/pob.md).
    Json current = cj.contains("witness_list") ? cj["witness_list"] : Json::array();
    Json pending = Json::array();
    for (const char* group : {"believable", "normal"}) {
        if (!pj.contains(group) || !pj[group].is_array()) continue;
        for (const auto& m : pj[group]) pending.push_back(Str(m, "id"));
    }
    if (JsonOut(c)) {
        Out(c) << Json{{"current", current}, {"pending", pending}}.dump(2) << "\n";
        return kExitOk;
    }
    auto list = [](const Json& a) {
        std::string out = "[";
        for (size_t i = 0; i < a.size(); ++i)
            out += (i ? " " : "") + (a[i].is_string() ? a[i].get<std::string>() : a[i].dump());
        return out + "]";
    };
    Out(c) << "Current producer list: " << list(current) << "\n"
           << "Pending producer list: " << list(pending) << "\n";
    return kExitOk;
}

}  // namespace

int Sys(Context& c, const SysArgs& a) {
    const std::string& cmd = a.command;
    auto need_args = [&](std::initializer_list<const char*> names) -> util::Status {
        if (a.args.size() < names.size()) {
            std::string missing;
            size_t i = 0;
            for (const char* n : names)
                if (i++ >= a.args.size()) missing += (missing.empty() ? "" : " ") + std::string(n);
            return util::Err("missing positional argument: [" + missing + "]");
        }
        return util::Ok();
    };
#define IWALLET_NEED(...)                                                      \
    if (auto st_ = need_args({__VA_ARGS__}); !st_) {                           \
        return Fail(c, kExitUsage, "sys " + cmd + ": " + st_.error().message); \
    }
#define IWALLET_ACCOUNT()                                                      \
    if (auto st_ = NeedAccount(c); !st_) {                                     \
        return Fail(c, kExitUsage, "sys " + cmd + ": " + st_.error().message); \
    }
#define IWALLET_VALUE(var, expr) \
    auto var = (expr);           \
    if (!var) return Fail(c, kExitUsage, "sys " + cmd + ": " + var.error().message);

    // Queries (no account needed).
    if (cmd == "producer-info") {
        IWALLET_NEED("producerID");
        if (auto st = CheckAccountName(a.args[0], "producerID"); !st)
            return Fail(c, kExitUsage, st.error().message);
        return Show(c, Query(c, "/getProducerVoteInfo/" + a.args[0] + "/true"),
                    [&](const Json& j) { Out(c) << j.dump(4) << "\n"; });
    }
    if (cmd == "producer-list") return ProducerList(c);

    // Transactions: every one needs the signing account.
    IWALLET_ACCOUNT();
    const std::string target = a.target.empty() ? c.account : a.target;
    if (cmd == "producer-vote" || cmd == "producer-unvote") {
        IWALLET_NEED("producerID", "amount");
        IWALLET_VALUE(amount, NumberArg(a.args[1], "amount"));
        return ProcessMethod(c, "vote_producer.iost", cmd == "producer-vote" ? "vote" : "unvote",
                             Json::array({c.account, a.args[0], a.args[1]}));
    }
    if (cmd == "producer-register") {
        IWALLET_NEED("publicKey");
        return ProcessMethod(
            c, "vote_producer.iost", "applyRegister",
            Json::array({target, a.args[0], a.location, a.url, a.net_id, !a.partner}));
    }
    if (cmd == "producer-unregister")
        return ProcessMethod(c, "vote_producer.iost", "applyUnregister", Json::array({target}));
    if (cmd == "producer-clean")
        return ProcessMethod(c, "vote_producer.iost", "unregister", Json::array({target}));
    if (cmd == "producer-login")
        return ProcessMethod(c, "vote_producer.iost", "logInProducer", Json::array({target}));
    if (cmd == "producer-logout")
        return ProcessMethod(c, "vote_producer.iost", "logOutProducer", Json::array({target}));
    if (cmd == "producer-update") {
        // Unset fields keep their values on chain (go-iost reads them first).
        std::string pubkey = a.pubkey, loc = a.location, url = a.url, net = a.net_id;
        auto info = Query(c, "/getProducerVoteInfo/" + target + "/true");
        if (!info) return FailRemote(c, info.error());
        Json j = Json::parse(*info, nullptr, false);
        if (pubkey.empty()) pubkey = Str(j, "pubkey");
        if (loc.empty()) loc = Str(j, "loc");
        if (url.empty()) url = Str(j, "url");
        if (net.empty()) net = Str(j, "net_id");
        return ProcessMethod(c, "vote_producer.iost", "updateProducer",
                             Json::array({target, pubkey, loc, url, net}));
    }
    if (cmd == "producer-redeem") {
        std::string amount = a.args.empty() ? "0" : a.args[0];
        IWALLET_VALUE(checked, NumberArg(amount, "amount"));
        return ProcessMethod(c, "bonus.iost", "exchangeIOST", Json::array({c.account, amount}));
    }
    if (cmd == "producer-withdraw")
        return ProcessMethod(c, "vote_producer.iost", "candidateWithdraw", Json::array({target}));
    if (cmd == "voter-withdraw")
        return ProcessMethod(c, "vote_producer.iost", "voterWithdraw", Json::array({target}));
    if (cmd == "gas-pledge" || cmd == "gas-unpledge") {
        IWALLET_NEED("amount");
        IWALLET_VALUE(amount, NumberArg(a.args[0], "amount"));
        const std::string user = a.gas_user.empty() ? c.account : a.gas_user;
        return ProcessMethod(c, "gas.iost", cmd == "gas-pledge" ? "pledge" : "unpledge",
                             Json::array({c.account, user, a.args[0]}));
    }
    if (cmd == "ram-buy" || cmd == "ram-sell") {
        IWALLET_NEED("amount");
        IWALLET_VALUE(amount, NumberArg(a.args[0], "amount"));
        const std::string& other = cmd == "ram-buy" ? a.ram_receiver : a.token_receiver;
        return ProcessMethod(c, "ram.iost", cmd == "ram-buy" ? "buy" : "sell",
                             Json::array({c.account, other.empty() ? c.account : other, *amount}));
    }
    if (cmd == "ram-transfer") {
        IWALLET_NEED("receiver", "amount");
        IWALLET_VALUE(amount, NumberArg(a.args[1], "amount"));
        return ProcessMethod(c, "ram.iost", "lend", Json::array({c.account, a.args[0], *amount}));
    }
    if (cmd == "add-permission") {
        IWALLET_NEED("permission", "threshold");
        IWALLET_VALUE(threshold, IntArg(a.args[1], "threshold"));
        return ProcessMethod(c, "auth.iost", "addPermission",
                             Json::array({c.account, a.args[0], *threshold}));
    }
    if (cmd == "drop-permission") {
        IWALLET_NEED("permission");
        return ProcessMethod(c, "auth.iost", "dropPermission", Json::array({c.account, a.args[0]}));
    }
    if (cmd == "assign-permission" || cmd == "assign-group") {
        IWALLET_NEED(cmd == "assign-group" ? "group" : "permission", "item", "weight");
        IWALLET_VALUE(weight, IntArg(a.args[2], "weight"));
        return ProcessMethod(c, "auth.iost",
                             cmd == "assign-group" ? "assignGroup" : "assignPermission",
                             Json::array({c.account, a.args[0], a.args[1], *weight}));
    }
    if (cmd == "revoke-permission" || cmd == "revoke-group") {
        IWALLET_NEED(cmd == "revoke-group" ? "group" : "permission", "item");
        return ProcessMethod(c, "auth.iost",
                             cmd == "revoke-group" ? "revokeGroup" : "revokePermission",
                             Json::array({c.account, a.args[0], a.args[1]}));
    }
    if (cmd == "add-group" || cmd == "drop-group") {
        IWALLET_NEED("group");
        return ProcessMethod(c, "auth.iost", cmd == "add-group" ? "addGroup" : "dropGroup",
                             Json::array({c.account, a.args[0]}));
    }
    if (cmd == "assign-permission-to-group" || cmd == "revoke-permission-in-group") {
        IWALLET_NEED("permission", "group");
        return ProcessMethod(c, "auth.iost",
                             cmd == "assign-permission-to-group" ? "assignPermissionToGroup"
                                                                 : "revokePermissionInGroup",
                             Json::array({c.account, a.args[0], a.args[1]}));
    }
#undef IWALLET_NEED
#undef IWALLET_ACCOUNT
#undef IWALLET_VALUE
    return Fail(c, kExitUsage, "unknown sys command " + util::Quoted(cmd));
}

int Table(Context& c, const std::string& contract, const std::string& key,
          const std::string& field) {
    auto api = NodeApi::Make(c.server);
    if (!api) return Fail(c, kExitUsage, api.error().message);
    const Json req{{"id", contract}, {"key", key}, {"field", field}, {"by_longest_chain", true}};
    return Show(c, api->Post("/getContractStorage", req.dump()),
                [&](const Json& j) { Out(c) << j.dump(4) << "\n"; });
}

int DumpKey(Context& c, const std::string& name) {
    auto keys = c.key_file.empty() ? LoadAccountKeys(c, name) : LoadKeyFileAt(c, c.key_file);
    if (!keys) return Fail(c, kExitUsage, keys.error().message);
    for (const auto& k : keys->keys) {
        Out(c) << k.permission << ":" << util::Base58Encode(k.key.SecretBytes()) << "\n";
    }
    return kExitOk;
}

int AccountView(Context& c, const std::string& name) {
    if (name.empty()) return AccountList(c);
    auto keys = LoadAccountKeys(c, name);
    if (!keys) return Fail(c, kExitUsage, keys.error().message);
    Json perms = Json::object();
    for (const auto& k : keys->keys) {
        perms[k.permission] = Json{{"Algorithm", KeyAlgoOf(k.key)},
                                   {"Pubkey", util::Base58Encode(k.key.public_key().bytes)}};
    }
    Out(c) << Json{{"Name", name}, {"KeyPairs", perms}}.dump(4) << "\n";
    return kExitOk;
}

int AccountUpdate(Context& c, const std::string& owner_key, const std::string& active_key,
                  bool encrypt) {
    if (auto st = NeedAccount(c); !st) return Fail(c, kExitUsage, st.error().message);
    if (owner_key.empty() != active_key.empty())
        return Fail(c, kExitUsage, "give both --owner and --active, or neither (a new key)");
    // go-iost signs an update with the owner key and declares name@owner.
    c.sign_perm = "owner";
    if (std::find(c.tx.signers.begin(), c.tx.signers.end(), c.account + "@owner") ==
        c.tx.signers.end())
        c.tx.signers.push_back(c.account + "@owner");
    auto old_key = LoadPublisher(c);
    if (!old_key) return Fail(c, kExitUsage, old_key.error().message);
    std::optional<crypto::KeyPair> fresh;
    std::string new_owner = owner_key, new_active = active_key;
    if (owner_key.empty()) {
        auto algo = crypto::ParseAlgorithm(c.sign_algo);
        if (!algo) return Fail(c, kExitUsage, algo.error().message);
        fresh = crypto::KeyPair::Generate(*algo);
        new_owner = new_active = util::Base58Encode(fresh->public_key().bytes);
    }
    // The account's current keys, to revoke the ones we hold (go-iost
    // UpdateAccountKeysActions revokes the old active key only if the chain
    // still lists it).
    auto acc = Query(c, "/getAccount/" + c.account + "/true");
    if (!acc) return FailRemote(c, acc.error());
    Json aj = Json::parse(*acc, nullptr, false);
    const std::string old_pub = util::Base58Encode(old_key->public_key().bytes);
    auto listed = [&](const char* perm) {
        if (!aj.is_object() || !aj.contains("permissions") || !aj["permissions"].contains(perm))
            return false;
        for (const auto& it : aj["permissions"][perm].value("items", Json::array()))
            if (it.value("is_key_pair", false) && it.value("id", "") == old_pub) return true;
        return false;
    };
    std::vector<core::Action> actions;
    actions.push_back(MakeAction("auth.iost", "assignPermission",
                                 Json::array({c.account, "active", new_active, 100}).dump()));
    actions.push_back(MakeAction("auth.iost", "assignPermission",
                                 Json::array({c.account, "owner", new_owner, 100}).dump()));
    if (listed("active") && old_pub != new_active)
        actions.push_back(MakeAction("auth.iost", "revokePermission",
                                     Json::array({c.account, "active", old_pub}).dump()));
    if (listed("owner") && old_pub != new_owner)
        actions.push_back(MakeAction("auth.iost", "revokePermission",
                                     Json::array({c.account, "owner", old_pub}).dump()));
    if (!JsonOut(c)) {
        Out(c) << "The IOST account ID is: " << c.account << "\n"
               << "Owner permission key: " << new_owner << "\n"
               << "Active permission key: " << new_active << "\n";
    }
    const bool saves = fresh && c.output_tx_file.empty() && !c.try_tx;
    const int rc = ProcessActions(c, std::move(actions));
    if (rc != kExitOk || !saves) return rc;
    // Only now: the chain took the new key, so the old file must go.
    util::Status st;
    KeyStore store = Store(c, &st);
    if (!st) return Fail(c, kExitUsage, st.error().message);
    auto pw = NewPassword(c, encrypt);
    if (!pw) return Fail(c, kExitUsage, pw.error().message);
    auto saved = store.Save(c.account, *fresh, *pw, Overwrite::kYes, Limits(c));
    if (!saved) {
        return Fail(c, kExitUsage,
                    "the chain has the new key but saving it failed: " + saved.error().message +
                        "; its secret is " + util::Base58Encode(fresh->SecretBytes()));
    }
    if (!JsonOut(c)) Out(c) << "Key file: " << store.PathOf(c.account) << "\n";
    return kExitOk;
}

}  // namespace iost::wallet
