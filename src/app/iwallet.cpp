// iwallet: IOST-style wallet CLI (DESIGN.md §5, docs/iwallet.md). A thin
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
#include <cstdio>
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

int RunKeyNew(const std::string& algo_name) {
    auto algo = iost::crypto::ParseAlgorithm(algo_name);
    if (!algo) {
        std::cerr << "iwallet: " << algo.error().message << "\n";
        return w::kExitUsage;
    }
    std::cout << w::KeyTextJson(w::NewKey(*algo)) << "\n";
    return w::kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"iwallet: IOST-compatible wallet for the PoB node (docs/iwallet.md)"};
    app.require_subcommand(1);
    app.fallthrough();  // global flags may follow the subcommand, as with go-iost's cobra

    w::Context ctx;
    std::string output = "text";
    uint32_t chain_id = iost::core::kMainnetChainId;
    double wait_timeout_s = 120;
    bool no_wait = false;
    bool no_prompt = false;
    std::string signers;
    app.add_option("-s,--server", ctx.server, "Node HTTP API (default http://127.0.0.1:30001)");
    app.add_option("--chain-id,--chain_id", chain_id, "Chain id (default 1024, as the IOST SDK)");
    app.add_option("-a,--account", ctx.account, "Account that signs (publisher / creator)");
    app.add_option("--keys-dir,--account_dir", ctx.keys_dir,
                   "Key store directory (default $IWALLET_KEYS_DIR or ~/.iwallet)");
    app.add_option("--output", output, "Output format: text | json")
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
    app.add_flag("--no-wait", no_wait,
                 "Return once the node accepted the tx (do not wait for IRREVERSIBLE)");
    app.add_option("--wait-timeout", wait_timeout_s,
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

    std::string imp_name, imp_secret, imp_algo = "ed25519";
    bool imp_encrypt = false, imp_force = false;
    auto* acc_import = account->add_subcommand("import", "Import NAME with its base58 secret key");
    acc_import->add_option("NAME", imp_name, "Account name")->required();
    acc_import
        ->add_option("SECRET", imp_secret, "Base58 secret key (64-byte seed||pub or 32-byte seed)")
        ->required();
    acc_import->add_option("--sign-algo,--sign_algo", imp_algo, "ed25519 | secp256k1")
        ->check(CLI::IsMember({"ed25519", "secp256k1"}));
    acc_import->add_flag("--encrypt", imp_encrypt, "Encrypt the key file with a password");
    acc_import->add_flag("--force", imp_force, "Replace an existing key file of that name");

    auto* acc_list =
        account->add_subcommand("list", "List the accounts in the key store")->alias("view");
    std::string del_name;
    auto* acc_delete =
        account->add_subcommand("delete", "Delete an account's key file")->alias("del");
    acc_delete->add_option("NAME", del_name, "Account name")->required();

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

    std::string call_contract, call_action, call_args;
    auto* call = app.add_subcommand("call", "Call CONTRACT ACTION 'JSON-ARGS' as --account");
    call->add_option("CONTRACT", call_contract, "Contract id, e.g. token.iost")->required();
    call->add_option("ACTION", call_action, "Action name")->required();
    call->add_option("ARGS", call_args, "Arguments as a JSON array")->required();

    std::string sign_tx_file, sign_out = "-";
    std::string sign_contract, sign_action, sign_args;
    auto* sign = app.add_subcommand(
        "sign",
        "Build and sign a transaction offline (no node): CONTRACT ACTION ARGS, or --tx FILE");
    sign->add_option("CONTRACT", sign_contract, "Contract id");
    sign->add_option("ACTION", sign_action, "Action name");
    sign->add_option("ARGS", sign_args, "Arguments as a JSON array");
    sign->add_option("--tx", sign_tx_file, "Sign this transaction file instead (as publisher)");
    sign->add_option("--out", sign_out, "Where to write the signed tx (default - = stdout)");

    std::string send_file;
    auto* send = app.add_subcommand("send", "Submit a signed transaction file and wait for it");
    send->add_option("FILE", send_file, "Transaction JSON (/sendTx shape), - for stdin")
        ->required();

    std::string blk_id;
    bool blk_complete = false;
    auto* block = app.add_subcommand("block", "Show a final block by number or hash");
    block->add_option("NUM_OR_HASH", blk_id, "Block number or base58 hash")->required();
    block->add_flag("-c,--complete", blk_complete, "Include the transactions");

    // `tx HASH` shows a transaction; `tx inspect FILE` checks one offline.
    std::string tx_hash;
    auto* tx = app.add_subcommand(
        "tx", "Show a transaction by hash (tx HASH), or check a tx file (tx inspect FILE)");
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

    auto* key = app.add_subcommand("key", "Key tools");
    key->require_subcommand(1);
    auto* key_new = key->add_subcommand("new", "Generate a key pair; prints base58 keys as JSON");
    std::string algo = "ed25519";
    key_new->add_option("--algo", algo, "ed25519 | secp256k1")
        ->check(CLI::IsMember({"ed25519", "secp256k1"}));

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        app.exit(e);  // prints the message and usage hint to stderr
        return w::kExitUsage;
    }

    ctx.output = output == "json" ? w::OutputFormat::kJson : w::OutputFormat::kText;
    ctx.tx.chain_id = chain_id;
    ctx.gas_limit_explicit = gas_limit_opt->count() > 0;
    ctx.wait = !no_wait;
    if (!(wait_timeout_s > 0 && wait_timeout_s <= 3600)) {
        std::cerr << "iwallet: --wait-timeout must be 0 < s <= 3600\n";
        return w::kExitUsage;
    }
    ctx.wait_timeout = std::chrono::milliseconds(static_cast<int64_t>(wait_timeout_s * 1000));
    ctx.password.allow_prompt = !no_prompt;
    ctx.err_is_tty = isatty(STDERR_FILENO) != 0;
    for (size_t start = 0; !signers.empty() && start <= signers.size();) {
        const size_t comma = signers.find(',', start);
        ctx.tx.signers.push_back(
            signers.substr(start, comma == std::string::npos ? comma : comma - start));
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
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

    if (inspect->parsed()) return RunInspect(path, inspect_chain_id, now_ns);
    if (key_new->parsed()) return RunKeyNew(algo);
    if (acc_create->parsed()) return w::AccountCreate(ctx, create);
    if (acc_import->parsed())
        return w::AccountImport(ctx, imp_name, imp_secret, imp_algo, imp_encrypt, imp_force);
    if (acc_list->parsed()) return w::AccountList(ctx);
    if (acc_delete->parsed()) return w::AccountDelete(ctx, del_name);
    if (balance->parsed()) return w::Balance(ctx, bal_name, bal_token);
    if (transfer->parsed()) return w::Transfer(ctx, tr_to, tr_amount, tr_memo, tr_token);
    if (call->parsed()) return w::Call(ctx, call_contract, call_action, call_args);
    if (sign->parsed())
        return w::Sign(ctx, sign_contract, sign_action, sign_args, sign_tx_file, sign_out);
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
    if (pob->parsed()) return w::Pob(ctx);
    if (evidence->parsed()) return w::Evidence(ctx, ev_hash, ev_file);
    if (state->parsed()) return w::State(ctx);
    std::cerr << "iwallet: no command\n";
    return w::kExitUsage;
}
