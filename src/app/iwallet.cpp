// iwallet: IOST-style wallet CLI (docs/node.md, docs/iwallet.md). A thin
// main: flag parsing only; the commands live in src/wallet/commands.cpp.
//
// Exit codes: 0 success (for `tx inspect`: the tx is valid); 1 the node or
// chain said no (refused, failed receipt, dropped, timeout, unreachable;
// for `tx inspect`: the tx is invalid); 2 usage, input, key store or I/O
// error (message on stderr).
#include <core/tx_json.h>
#include <crypto/keys.h>
#include <unistd.h>
#include <util/clock.h>
#include <wallet/commands.h>
#include <wallet/inspect.h>
#include <wallet/key_tool.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>

namespace {

namespace w = iost::wallet;

int RunInspect(const std::string& path, std::optional<uint32_t> chain_id,
               std::optional<int64_t> now_ns) {
    auto text = w::ReadTxFile(path);
    if (!text) {
        std::cerr << "iwallet: " << text.error().message << "\n";
        return w::kExitUsage;
    }
    w::InspectOptions opts;
    opts.now = now_ns.value_or(iost::util::SystemClock().Now());
    opts.chain_id = chain_id;
    auto report = w::InspectTx(*text, opts);
    if (!report) {
        std::cerr << "iwallet: " << path << ": " << report.error().message << "\n";
        return w::kExitUsage;
    }
    std::cout << w::InspectReportJson(*report) << "\n";
    return report->valid ? w::kExitOk : w::kExitFailed;
}

// `key new` / go-iost `key [--privkey SECRET]`: a new key pair, or the one
// of a given secret, as go-iost prints it.
int RunKeyNew(const std::string& algo_name, const std::string& privkey) {
    auto algo = iost::crypto::ParseAlgorithm(algo_name);
    if (!algo) {
        std::cerr << "iwallet: " << algo.error().message << "\n";
        return w::kExitUsage;
    }
    if (privkey.empty()) {
        std::cout << w::KeyTextJson(w::NewKey(*algo)) << "\n";
        return w::kExitOk;
    }
    auto kp = w::KeyFromBase58Secret(*algo, privkey);
    if (!kp) {
        std::cerr << "iwallet: --privkey: " << kp.error().message << "\n";
        return w::kExitUsage;
    }
    std::cout << w::KeyTextJson(w::DescribeKey(*kp)) << "\n";
    return w::kExitOk;
}

// go-iost `iwallet compile codePath`: runs iost-abigen (next to this
// binary), which writes codePath + ".abi". The ABI generator needs V8
// (libnode), which costs every process that links it about a second of
// loading; iwallet itself stays without it.
int RunCompile(const std::string& path) {
    std::error_code ec;
    const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
    const std::string helper =
        (ec ? std::filesystem::path(".") : self.parent_path()) / "iost-abigen";
    std::fflush(stdout);
    const char* argv[] = {"iost-abigen", path.c_str(), nullptr};
    ::execv(helper.c_str(), const_cast<char* const*>(argv));
    std::cerr << "iwallet: compile needs " << helper << ": " << std::strerror(errno) << "\n";
    return w::kExitUsage;
}

constexpr char kShield = '\x01';
void Unshield(std::string& s) {
    if (!s.empty() && s.front() == kShield) s.erase(0, 1);
}

// go-iost's --tx_time: RFC 3339 ("2019-03-01T15:04:05Z" or with an offset).
std::optional<int64_t> ParseRfc3339(const std::string& text) {
    std::tm tm{};
    const char* rest = strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
    if (rest == nullptr) return std::nullopt;
    int64_t offset_s = 0;
    if (*rest == 'Z' && rest[1] == '\0') {
        offset_s = 0;
    } else if ((*rest == '+' || *rest == '-') && std::strlen(rest) == 6 && rest[3] == ':') {
        const int h = std::atoi(std::string(rest + 1, 2).c_str());
        const int m = std::atoi(std::string(rest + 4, 2).c_str());
        offset_s = (h * 3600 + m * 60) * (*rest == '+' ? 1 : -1);
    } else {
        return std::nullopt;
    }
    const int64_t secs = static_cast<int64_t>(timegm(&tm)) - offset_s;
    return secs * iost::util::kNanosPerSecond;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"iwallet: IOST-compatible wallet for the PoB node (docs/iwallet.md)"};
    app.require_subcommand(1);
    app.fallthrough();  // global flags may follow the subcommand, as with go-iost's cobra

    w::Context ctx;
    std::string format = "text";
    uint32_t chain_id = iost::core::kMainnetChainId;
    double wait_timeout_s = 120;
    bool no_wait = false;
    bool no_prompt = false;
    bool check_result = true;
    bool verbose = true, elapsed_time = false, use_longest = false;
    double check_delay_s = 3;
    int32_t check_max_retry = 30;
    std::string signers, tx_time;
    app.add_option("-s,--server", ctx.server,
                   "Node HTTP API (default http://127.0.0.1:30001; host:30002 means host:30001)");
    app.add_option("--chain-id,--chain_id", chain_id, "Chain id (default 1024, as the IOST SDK)");
    app.add_option("-a,--account", ctx.account, "Account that signs (publisher / creator)");
    app.add_option("-k,--key_file,--key-file", ctx.key_file,
                   "Account JSON file (name + keypairs) to sign with instead of the key store");
    app.add_option("--keys-dir,--account_dir", ctx.keys_dir,
                   "Key store directory (default $IWALLET_KEYS_DIR or ~/.iwallet)");
    app.add_option("-o,--output", ctx.output_tx_file,
                   "Save the unsigned transaction to this JSON file instead of sending it");
    app.add_option("--format,--output-format", format, "Output format: text | json")
        ->check(CLI::IsMember({"text", "json"}));
    auto* gas_limit_opt =
        app.add_option("-l,--gas-limit,--gas_limit", ctx.tx.gas_limit,
                       "Gas limit (6000-4000000; default 1000000, or the publisher's gas if less)");
    app.add_option("-p,--gas-ratio,--gas_ratio", ctx.tx.gas_ratio, "Gas ratio (1-100, default 1)");
    app.add_option("-e,--expiration", ctx.tx.expiration_s,
                   "Seconds until the tx expires (1-90, default 90)");
    app.add_option("--amount-limit,--amount_limit", ctx.tx.amount_limit,
                   "Token limits, e.g. 'iost:300|ram:2000' (default '*:unlimited')");
    app.add_option("--signers", signers, "Extra signers, comma separated name@perm");
    app.add_option("--sign_permission,--sign-permission", ctx.sign_perm,
                   "Permission whose key signs (default active)");
    app.add_option("--sign_algo,--sign-algo", ctx.sign_algo,
                   "Algorithm of new keys and bare secrets: ed25519 | secp256k1")
        ->check(CLI::IsMember({"ed25519", "secp256k1"}));
    std::string signature_files, sign_key_files;
    app.add_option("--signature_files,--signature-files", signature_files,
                   "Signature files (from `iwallet sign`) to add to the tx, comma separated");
    app.add_option("--sign_key_files,--sign-key-files", sign_key_files,
                   "Key files whose active keys also sign the tx, comma separated");
    app.add_flag("--as_publisher_sign,--as-publisher-sign", ctx.as_publisher_sign,
                 "Signature files / key files sign as the publisher");
    app.add_flag("--try_tx,--try-tx", ctx.try_tx,
                 "Execute the tx on the node without putting it on chain (POST /execTx)");
    app.add_flag("--check_result,--check-result", check_result,
                 "Wait for the tx to be IRREVERSIBLE (default true; --check_result=false)");
    app.add_option("--check_result_delay", check_delay_s, "go-iost: seconds between polls");
    app.add_option("--check_result_max_retry", check_max_retry, "go-iost: polls before giving up");
    app.add_option("--tx_time,--tx-time", tx_time, "Use this tx time (RFC 3339) instead of now");
    app.add_option("--tx_time_delay,--tx-time-delay", ctx.tx_time_delay_s,
                   "Date the tx this many seconds from now (sent when that time comes)");
    app.add_flag("-v,--verbose", verbose, "go-iost: print verbose information (accepted)");
    app.add_flag("--elapsed_time", elapsed_time, "Print the time the command took");
    app.add_flag("--use_longest", use_longest,
                 "go-iost: read the longest chain (accepted; PoB heads are final)");
    app.add_flag("--no-wait", no_wait,
                 "Return once the node accepted the tx (do not wait for IRREVERSIBLE)");
    auto* wait_timeout_opt = app.add_option("--wait-timeout", wait_timeout_s,
                                            "Seconds to wait for IRREVERSIBLE (default 120)");
    app.add_option("--password-file", ctx.password.file,
                   "File whose first line is the key store password (or set IWALLET_PASSWORD)");
    app.add_flag("--no-prompt", no_prompt, "Never prompt for a password (scripts)");

    // account
    auto* account =
        app.add_subcommand("account", "Local key store and account creation")->alias("acc");
    account->require_subcommand(1);
    w::AccountCreateArgs create;
    auto* acc_create = account->add_subcommand(
        "create", "New key pair; with --account, also the on-chain account");
    acc_create->add_option("NAME", create.name, "New account name (5-11 of a-z 0-9 _)")->required();
    acc_create->add_option("--owner", create.owner_key,
                           "Owner public key (base58) instead of a new key");
    acc_create->add_option("--active", create.active_key,
                           "Active public key (base58) instead of a new key");
    acc_create->add_option("--initial-ram,--initial_ram", create.initial_ram,
                           "RAM bytes the creator buys (1024)");
    acc_create->add_option("--initial-gas-pledge,--initial_gas_pledge", create.initial_gas_pledge,
                           "IOST the creator pledges for gas (>= 10; default 10)");
    acc_create->add_option("--initial-balance,--initial_balance", create.initial_balance,
                           "IOST the creator transfers (default 0)");
    acc_create->add_flag("--encrypt", create.encrypt, "Encrypt the key file with a password");
    acc_create->add_flag("--force", create.force, "Replace an existing key file of that name");

    std::string imp_name, imp_secret;
    bool imp_encrypt = false, imp_force = false;
    auto* acc_import = account->add_subcommand("import", "Import NAME with its base58 secret key");
    acc_import->add_option("NAME", imp_name, "Account name")->required();
    acc_import
        ->add_option("SECRET", imp_secret, "Base58 secret key (64-byte seed||pub or 32-byte seed)")
        ->required();
    acc_import->add_flag("--encrypt", imp_encrypt, "Encrypt the key file with a password");
    acc_import->add_flag("--force", imp_force, "Replace an existing key file of that name");

    std::string view_name;
    auto* acc_list = account->add_subcommand("list", "List the accounts in the key store");
    auto* acc_view = account->add_subcommand("view", "One account's keys (NAME), or all");
    acc_view->add_option("NAME", view_name, "Account name");
    std::string del_name;
    auto* acc_delete =
        account->add_subcommand("delete", "Delete an account's key file")->alias("del");
    acc_delete->add_option("NAME", del_name, "Account name")->required();
    std::string dump_name;
    auto* acc_dumpkey =
        account->add_subcommand("dumpkey", "Print the account's secret keys (perm:secret)");
    acc_dumpkey->add_option("NAME", dump_name, "Account name")->required();
    std::string upd_owner, upd_active;
    bool upd_encrypt = false;
    auto* acc_update = account->add_subcommand(
        "update", "Give --account new keys (a new key pair, or --owner/--active)");
    acc_update->add_option("--owner", upd_owner, "New owner public key (base58)");
    acc_update->add_option("--active", upd_active, "New active public key (base58)");
    acc_update->add_flag("--encrypt", upd_encrypt, "Encrypt the new key file with a password");

    // transactions
    std::string bal_name, bal_token = "iost";
    auto* balance = app.add_subcommand("balance", "Balance, gas and RAM of an account");
    balance->add_option("NAME", bal_name, "Account name")->required();
    balance->add_option("--token", bal_token, "Token symbol (default iost)");

    std::string tr_to, tr_amount, tr_memo, tr_token = "iost";
    auto* transfer = app.add_subcommand("transfer", "Transfer IOST from --account")->alias("trans");
    transfer->add_option("TO", tr_to, "Receiver")->required();
    transfer->add_option("AMOUNT", tr_amount, "Amount, e.g. 10 or 0.5")->required();
    transfer->add_option("--memo", tr_memo, "Memo (<= 512 bytes)");
    transfer->add_option("--token", tr_token, "Token symbol (default iost)");

    std::vector<std::string> call_triples;
    auto* call = app.add_subcommand(
        "call", "Call CONTRACT ACTION 'JSON-ARGS' [CONTRACT ACTION ARGS ...] as --account");
    call->add_option("ACTIONS", call_triples, "Contract id, action name, JSON array; repeatable")
        ->required();

    std::string compile_code;
    auto* compile = app.add_subcommand(
        "compile", "Write CODE.js.abi, the ABI skeleton of a JavaScript contract (go-iost)");
    compile->add_option("CODE", compile_code, "Contract source file")->required();

    std::string pub_code, pub_abi, pub_update, pub_data;
    auto* publish = app.add_subcommand(
        "publish", "Deploy a JavaScript contract: CODE.js CODE.js.abi (system.iost/setCode)");
    publish->add_option("CODE", pub_code, "Contract source file")->required();
    publish->add_option("ABI", pub_abi, "ABI file: {\"lang\", \"version\", \"abi\": [...]}")
        ->required();
    publish->add_option("-u,--update", pub_update, "Update this contract id (updateCode)");
    publish->add_option("--data", pub_data, "updateCode's data for can_update(data)");

    std::string sig_tx, sig_key, sig_out;
    auto* sign = app.add_subcommand(
        "sign", "go-iost: sign TXFILE with KEYFILE's key, save the signature as OUTFILE");
    sign->add_option("TXFILE", sig_tx, "Transaction JSON (e.g. from call ... -o FILE)")->required();
    sign->add_option("KEYFILE", sig_key, "Account JSON file (~/.iwallet/NAME.json) or secret file")
        ->required();
    sign->add_option("OUTFILE", sig_out, "Where to write the signature JSON")->required();

    std::string sign_tx_file, sign_out = "-";
    std::string sign_contract, sign_action, sign_args;
    auto* sign_tx = app.add_subcommand(
        "sign-tx",
        "Build and sign a transaction offline (no node): CONTRACT ACTION ARGS, or --tx FILE");
    sign_tx->add_option("CONTRACT", sign_contract, "Contract id");
    sign_tx->add_option("ACTION", sign_action, "Action name");
    sign_tx->add_option("ARGS", sign_args, "Arguments as a JSON array");
    sign_tx->add_option("--tx", sign_tx_file, "Sign this transaction file instead (as publisher)");
    sign_tx->add_option("--out", sign_out, "Where to write the signed tx (default - = stdout)");

    std::string send_file;
    auto* send = app.add_subcommand("send", "Submit a transaction file and wait for it");
    send->add_option("FILE", send_file, "Transaction JSON (/sendTx shape), - for stdin")
        ->required();

    std::string blk_id, blk_method = "num";
    bool blk_complete = false;
    auto* block = app.add_subcommand("block", "Show a final block by number or hash");
    block->add_option("NUM_OR_HASH", blk_id, "Block number or base58 hash")->required();
    block->add_flag("-c,--complete", blk_complete, "Include the transactions");
    block
        ->add_option("-m,--method", blk_method,
                     "go-iost: num | hash (accepted; the argument's form decides)")
        ->check(CLI::IsMember({"num", "hash"}));

    // `tx HASH` shows a transaction; `tx inspect FILE` checks one offline.
    std::string tx_hash;
    auto* tx =
        app.add_subcommand(
               "tx", "Show a transaction by hash (tx HASH), or check a tx file (tx inspect FILE)")
            ->alias("transaction");
    tx->require_subcommand(0, 1);
    tx->add_option("HASH", tx_hash, "Transaction hash (base58)");
    auto* inspect = tx->add_subcommand(
        "inspect", "Parse a /sendTx JSON transaction, print its hashes and whether it is valid");
    std::string path;
    std::optional<uint32_t> inspect_chain_id;
    std::optional<int64_t> now_ns;
    inspect->add_option("FILE", path, "JSON file in /sendTx shape, or - for stdin")->required();
    inspect->add_option("--chain-id", inspect_chain_id,
                        "Require this chain id (default: accept the tx's own)");
    inspect->add_option("--now-ns", now_ns,
                        "Judge the clock rules at this unix time in ns (default: now)");

    std::string rc_hash;
    auto* receipt = app.add_subcommand("receipt", "Show the receipt of a final transaction");
    receipt->add_option("HASH", rc_hash, "Transaction hash (base58)")->required();

    std::string tbl_contract, tbl_key, tbl_field;
    auto* table = app.add_subcommand("table", "Read contract storage: CONTRACT KEY [FIELD]");
    table->add_option("CONTRACT", tbl_contract, "Contract id, e.g. vote_producer.iost")->required();
    table->add_option("KEY", tbl_key, "Storage key")->required();
    table->add_option("FIELD", tbl_field, "Map field");

    auto* pob = app.add_subcommand(
        "pob", "PoB state: epoch, seed, believable and normal groups with Servi");
    auto* state = app.add_subcommand("state", "Chain and node info")->alias("chain");

    std::string ev_hash, ev_file;
    auto* evidence = app.add_subcommand(
        "evidence",
        "Prove fraud: a packed or final tx whose signature does not verify (docs/pob.md §7.4)");
    auto* ev_by_hash =
        evidence->add_option("--tx", ev_hash, "the forged transaction's hash (base58)");
    auto* ev_by_file =
        evidence->add_option("--proof", ev_file, "file with a base64 proof (- for stdin)");
    ev_by_hash->excludes(ev_by_file);
    evidence->require_option(1);

    auto* key = app.add_subcommand("key", "Create a key pair (go-iost `iwallet key`); key new");
    key->require_subcommand(0, 1);
    std::string privkey;
    key->add_option("--privkey", privkey, "Show the key pair of this base58 secret instead");
    auto* key_new = key->add_subcommand("new", "Generate a key pair; prints base58 keys as JSON");
    std::string algo;
    key_new->add_option("--algo", algo, "ed25519 | secp256k1")
        ->check(CLI::IsMember({"ed25519", "secp256k1"}));

    // sys (go-iost iwallet/system_*.go): canonical names with go-iost's aliases.
    auto* sys = app.add_subcommand("system", "Common system contract actions")->alias("sys");
    sys->require_subcommand(1);
    w::SysArgs sys_args;
    struct SysDef {
        const char* name;
        std::vector<std::string> aliases;
        const char* help;
    };
    const std::vector<SysDef> sys_defs = {
        {"producer-vote", {"vote"}, "Vote a producer: PRODUCER AMOUNT"},
        {"producer-unvote", {"unvote"}, "Unvote a producer: PRODUCER AMOUNT"},
        {"producer-register", {"register", "reg"}, "Register as producer: PUBKEY"},
        {"producer-unregister", {"unregister", "unreg"}, "Unregister from a producer"},
        {"producer-clean", {"pclean"}, "Clean producer info"},
        {"producer-login", {"plogin"}, "Producer login as online state"},
        {"producer-logout", {"plogout"}, "Producer logout as offline state"},
        {"producer-info", {"pinfo"}, "Show producer info: PRODUCER"},
        {"producer-list", {"plist"}, "Show current/pending producer list"},
        {"producer-update", {"pupdate"}, "Update producer info"},
        {"producer-redeem", {"predeem"}, "Redeem contribution to IOST: [AMOUNT]"},
        {"producer-withdraw", {"pwithdraw"}, "Withdraw all voting reward for producer"},
        {"voter-withdraw", {"vwithdraw"}, "Withdraw all voting reward for voter"},
        {"gas-pledge", {"pledge"}, "Pledge IOST to obtain gas: AMOUNT"},
        {"gas-unpledge", {"unpledge"}, "Undo pledge: AMOUNT"},
        {"ram-buy", {"buy"}, "Buy ram from system: BYTES"},
        {"ram-sell", {"sell"}, "Sell unused ram to system: BYTES"},
        {"ram-transfer", {"ram-trans", "rtrans"}, "Transfer ram: RECEIVER BYTES"},
        {"add-permission", {"addperm"}, "Add permission: PERM THRESHOLD"},
        {"drop-permission", {"dropperm"}, "Drop permission: PERM"},
        {"assign-permission", {"assignperm"}, "Assign item to permission: PERM ITEM WEIGHT"},
        {"revoke-permission", {"revokeperm"}, "Revoke item from permission: PERM ITEM"},
        {"add-group", {"addgroup"}, "Add a group: GROUP"},
        {"drop-group", {"dropgroup"}, "Drop group: GROUP"},
        {"assign-group", {"assigngroup"}, "Assign item to group: GROUP ITEM WEIGHT"},
        {"revoke-group", {"revokegroup"}, "Revoke item from group: GROUP ITEM"},
        {"assign-permission-to-group", {"bindperm"}, "Bind permission into group: PERM GROUP"},
        {"revoke-permission-in-group",
         {"unbindperm", "revoke-pemission-in-group"},
         "Unbind permission from group: PERM GROUP"},
    };
    std::vector<std::pair<std::string, CLI::App*>> sys_cmds;
    for (const auto& d : sys_defs) {
        auto* sc = sys->add_subcommand(d.name, d.help);
        for (const auto& al : d.aliases) sc->alias(al);
        sc->add_option("ARGS", sys_args.args, "Positional arguments");
        const std::string n = d.name;
        if (n.rfind("producer-", 0) == 0 || n == "voter-withdraw")
            sc->add_option("--target", sys_args.target, "Target account (default --account)");
        if (n == "producer-register" || n == "producer-update") {
            sc->add_option("--location", sys_args.location, "Location info");
            sc->add_option("--url", sys_args.url, "URL address");
            sc->add_option("--net_id", sys_args.net_id, "Network ID");
        }
        if (n == "producer-register")
            sc->add_flag("--partner", sys_args.partner, "Partner instead of producer");
        if (n == "producer-update") sc->add_option("--pubkey", sys_args.pubkey, "Public key");
        if (n == "gas-pledge" || n == "gas-unpledge")
            sc->add_option("--gas_user", sys_args.gas_user, "Gas user (default the pledger)");
        if (n == "ram-buy")
            sc->add_option("--ram_receiver", sys_args.ram_receiver, "Who gets the bought ram");
        if (n == "ram-sell")
            sc->add_option("--token_receiver", sys_args.token_receiver,
                           "Who gets the IOST from selling");
        sys_cmds.emplace_back(n, sc);
    }

    // CLI11 splits a value of a list option that looks like "[a,b]" at its
    // commas (its own array syntax), and a call's JSON arguments look exactly
    // like that; so such arguments are shielded with a marker byte for the
    // parse and unshielded in every place that receives them.
    std::vector<std::string> args;
    for (int i = argc - 1; i >= 1; --i) {
        std::string a = argv[i];
        if (a.size() >= 2 && a.front() == '[' && a.back() == ']' &&
            a.find(',') != std::string::npos) {
            a.insert(0, 1, kShield);
        }
        args.push_back(std::move(a));
    }
    try {
        app.parse(args);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        app.exit(e);  // prints the message and usage hint to stderr
        return w::kExitUsage;
    }
    for (auto* list : {&call_triples, &sys_args.args}) {
        for (auto& a : *list) Unshield(a);
    }
    for (auto* one : {&sign_args, &tr_memo, &signers, &ctx.tx.amount_limit, &ctx.account}) {
        Unshield(*one);
    }
    const auto started = std::chrono::steady_clock::now();
    (void)verbose;
    (void)use_longest;

    ctx.output = format == "json" ? w::OutputFormat::kJson : w::OutputFormat::kText;
    ctx.tx.chain_id = chain_id;
    ctx.gas_limit_explicit = gas_limit_opt->count() > 0;
    ctx.wait = !no_wait && check_result;
    if (wait_timeout_opt->count() == 0 &&
        (app.get_option("--check_result_delay")->count() > 0 ||
         app.get_option("--check_result_max_retry")->count() > 0)) {
        wait_timeout_s = check_delay_s * std::max<int32_t>(check_max_retry, 1);
    }
    if (!(wait_timeout_s > 0 && wait_timeout_s <= 3600)) {
        std::cerr << "iwallet: --wait-timeout must be 0 < s <= 3600\n";
        return w::kExitUsage;
    }
    ctx.wait_timeout = std::chrono::milliseconds(static_cast<int64_t>(wait_timeout_s * 1000));
    ctx.password.allow_prompt = !no_prompt;
    ctx.err_is_tty = isatty(STDERR_FILENO) != 0;
    if (!tx_time.empty()) {
        ctx.tx_time_ns = ParseRfc3339(tx_time);
        if (!ctx.tx_time_ns) {
            std::cerr << "iwallet: invalid --tx_time \"" << tx_time
                      << "\", should be RFC 3339, e.g. 2019-03-01T15:04:05Z\n";
            return w::kExitUsage;
        }
    }
    if (ctx.tx_time_delay_s < 0 || ctx.tx_time_delay_s > 3600) {
        std::cerr << "iwallet: --tx_time_delay must be 0..3600 s\n";
        return w::kExitUsage;
    }
    // go-iost's string-slice flags: comma separated.
    auto split = [](const std::string& text, std::vector<std::string>& out) {
        for (size_t start = 0; !text.empty() && start <= text.size();) {
            const size_t comma = text.find(',', start);
            out.push_back(text.substr(start, comma == std::string::npos ? comma : comma - start));
            if (comma == std::string::npos) break;
            start = comma + 1;
        }
    };
    split(signers, ctx.tx.signers);
    split(signature_files, ctx.signature_files);
    split(sign_key_files, ctx.sign_key_files);
    if (auto st = w::ValidateTxParams(ctx.tx); !st) {
        std::cerr << "iwallet: " << st.error().message << "\n";
        return w::kExitUsage;
    }
    if (auto url = w::NormalizeServerUrl(ctx.server); !url) {
        std::cerr << "iwallet: " << url.error().message << "\n";
        return w::kExitUsage;
    } else {
        ctx.server = *url;
    }

    auto run = [&]() -> int {
        if (inspect->parsed()) return RunInspect(path, inspect_chain_id, now_ns);
        if (key_new->parsed()) return RunKeyNew(algo.empty() ? ctx.sign_algo : algo, "");
        if (key->parsed()) return RunKeyNew(ctx.sign_algo, privkey);
        if (acc_create->parsed()) return w::AccountCreate(ctx, create);
        if (acc_import->parsed())
            return w::AccountImport(ctx, imp_name, imp_secret, ctx.sign_algo, imp_encrypt,
                                    imp_force);
        if (acc_list->parsed()) return w::AccountList(ctx);
        if (acc_view->parsed()) return w::AccountView(ctx, view_name);
        if (acc_delete->parsed()) return w::AccountDelete(ctx, del_name);
        if (acc_dumpkey->parsed()) return w::DumpKey(ctx, dump_name);
        if (acc_update->parsed()) return w::AccountUpdate(ctx, upd_owner, upd_active, upd_encrypt);
        if (balance->parsed()) return w::Balance(ctx, bal_name, bal_token);
        if (transfer->parsed()) return w::Transfer(ctx, tr_to, tr_amount, tr_memo, tr_token);
        if (call->parsed()) return w::Call(ctx, call_triples);
        if (compile->parsed()) return RunCompile(compile_code);
        if (publish->parsed()) return w::Publish(ctx, pub_code, pub_abi, pub_update, pub_data);
        if (sign->parsed()) return w::SignatureFile(ctx, sig_tx, sig_key, sig_out);
        if (sign_tx->parsed())
            return w::SignOffline(ctx, sign_contract, sign_action, sign_args, sign_tx_file,
                                  sign_out);
        if (send->parsed()) return w::Send(ctx, send_file);
        if (block->parsed()) return w::Block(ctx, blk_id, blk_complete);
        if (tx->parsed()) {
            if (tx_hash.empty()) {
                std::cerr << "iwallet: tx needs a HASH (or `tx inspect FILE`)\n";
                return w::kExitUsage;
            }
            return w::TxInfo(ctx, tx_hash);
        }
        if (receipt->parsed()) return w::Receipt(ctx, rc_hash);
        if (table->parsed()) return w::Table(ctx, tbl_contract, tbl_key, tbl_field);
        if (pob->parsed()) return w::Pob(ctx);
        if (evidence->parsed()) return w::Evidence(ctx, ev_hash, ev_file);
        if (state->parsed()) return w::State(ctx);
        for (const auto& [name, sc] : sys_cmds) {
            if (sc->parsed()) {
                sys_args.command = name;
                return w::Sys(ctx, sys_args);
            }
        }
        std::cerr << "iwallet: no command\n";
        return w::kExitUsage;
    };
    const int rc = run();
    if (elapsed_time) {
        const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::steady_clock::now() - started);
        std::cout << "Executed in " << ms.count() << " ms\n";
    }
    return rc;
}
