// The iwallet commands (docs/node.md, go-iost iwallet's command set): the
// logic behind each subcommand, so src/app/iwallet.cpp only parses flags.
// Every command takes a Context (global flags and streams) and returns the
// process exit code:
//   0 success;
//   1 the node or the chain said no: refused by /sendTx, failed receipt,
//     dropped, timed out, not found, or the node cannot be reached;
//   2 usage or local error: bad arguments, key store problems, bad files.
// Results go to `out` (text, or the node's JSON with --output json);
// progress and errors to `err`, so `iwallet --output json ... | jq` works.
// Thread contract: one command runs at a time on the calling thread.
#pragma once

#include <wallet/keystore.h>
#include <wallet/node_api.h>
#include <wallet/tx_builder.h>

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace iost::wallet {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitUsage = 2;

enum class OutputFormat { kText, kJson };

struct Context {
    std::string server = "http://127.0.0.1:30001";
    std::string account;   // --account: publisher / creator
    std::string keys_dir;  // "" = DefaultKeysDir()
    OutputFormat output = OutputFormat::kText;
    TxParams tx;
    // Without --gas-limit, a tx sent to a node uses go-iost's 1,000,000 or
    // the publisher's current gas if that is less (a new account pledging
    // 10 IOST has 10,000 gas, and the node refuses a limit above the stock).
    bool gas_limit_explicit = false;
    bool wait = true;  // false: --no-wait
    std::chrono::milliseconds wait_timeout{120'000};
    PasswordSource password;
    bool fast_kdf = false;  // tests: Argon2id minimum cost
    std::ostream* out = nullptr;
    std::ostream* err = nullptr;
    bool err_is_tty = false;  // draw a spinner on `err`

    // go-iost iwallet's global flags (iwallet/root.go), same meanings:
    std::string key_file;              // -k/--key_file: account JSON file instead of the store
    std::string output_tx_file;        // -o/--output FILE: save the unsigned tx, send nothing
    bool try_tx = false;               // --try_tx: POST /execTx (dry run) instead of /sendTx
    std::string sign_perm = "active";  // --sign_permission
    std::vector<std::string> signature_files;  // --signature_files a,b
    std::vector<std::string> sign_key_files;   // --sign_key_files a,b
    bool as_publisher_sign = false;            // --as_publisher_sign
    int64_t tx_time_delay_s = 0;               // --tx_time_delay
    std::optional<int64_t> tx_time_ns;         // --tx_time (RFC 3339, parsed)
    std::string sign_algo = "ed25519";         // --sign_algo (new keys, imports)
};

// go-iost's `iwallet sys ...` subcommands (iwallet/system_*.go): the
// subcommand's canonical name (e.g. "producer-vote", "gas-pledge"), its
// positional arguments and its own flags.
struct SysArgs {
    std::string command;
    std::vector<std::string> args;
    std::string target;  // --target (producer commands; default --account)
    std::string location, url, net_id, pubkey;
    bool partner = false;
    std::string gas_user;        // gas-pledge / gas-unpledge
    std::string ram_receiver;    // ram-buy
    std::string token_receiver;  // ram-sell
};

struct AccountCreateArgs {
    std::string name;
    std::string owner_key, active_key;  // base58 public keys; "" = the new key
    int64_t initial_ram = 1024;
    int64_t initial_gas_pledge = 10;
    std::string initial_balance = "0";
    bool encrypt = false;
    bool force = false;
};

// Reads a transaction file ("-" = stdin), refusing anything larger than a
// tx body can be so a wrong path (a disk image, /dev/zero) fails fast.
util::Result<std::string> ReadTxFile(const std::string& path);

int AccountCreate(Context& c, const AccountCreateArgs& a);
int AccountImport(Context& c, const std::string& name, const std::string& secret,
                  const std::string& algo, bool encrypt, bool force);
int AccountList(Context& c);
int AccountDelete(Context& c, const std::string& name);

int Balance(Context& c, const std::string& name, const std::string& token);
int Transfer(Context& c, const std::string& to, const std::string& amount, const std::string& memo,
             const std::string& token);
// go-iost `call C1 A1 ARGS1 [C2 A2 ARGS2 ...]`: one tx with every action; an
// ARGS without JSON punctuation is taken as '["ARGS"]', as go-iost does.
int Call(Context& c, const std::vector<std::string>& triples);
// go-iost `publish CODE.js CODE.js.abi`: deploys a JavaScript contract with
// system.iost/setCode (the ABI file is IOST's {"lang", "version", "abi"});
// with `update_id`, system.iost/updateCode of that contract with `data`.
int Publish(Context& c, const std::string& code_file, const std::string& abi_file,
            const std::string& update_id, const std::string& data);
// Ours (`sign-tx`): builds and signs CONTRACT ACTION ARGS offline, or
// (`tx_file` set) signs an existing transaction file as publisher; writes
// the /sendTx JSON to `out_file` ("-" = stdout). Never contacts a node.
int SignOffline(Context& c, const std::string& contract, const std::string& action,
                const std::string& args, const std::string& tx_file, const std::string& out_file);
// go-iost `sign txFile keyFile outputFile`: signs the tx in txFile with the
// --sign_permission key of keyFile (an account JSON file or a file holding
// a base58 secret) and writes the signature JSON (rpcpb.Signature) to
// outputFile; over the Publish hash with --as_publisher_sign, else over the
// Base hash (a signer's signature).
int SignatureFile(Context& c, const std::string& tx_file, const std::string& key_file,
                  const std::string& out_file);
// go-iost `send txFile`: a signed file as is; an unsigned one (e.g. made by
// `call ... -o FILE`) gets --signature_files / --sign_key_files merged and
// is signed by --account as publisher.
int Send(Context& c, const std::string& file);
// Everything a tx-making command does after choosing its actions: -o saves
// the unsigned tx; otherwise multisig merging, the publisher's signature,
// --try_tx or /sendTx and (--check_result) the wait for IRREVERSIBLE.
int ProcessActions(Context& c, std::vector<core::Action> actions);
int Sys(Context& c, const SysArgs& a);
// go-iost `table CONTRACT KEY [FIELD]`: POST /getContractStorage.
int Table(Context& c, const std::string& contract, const std::string& key,
          const std::string& field);
// go-iost `account dumpkey NAME`: prints "perm:secret" lines.
int DumpKey(Context& c, const std::string& name);
// go-iost `account update`: new keys (or --owner/--active) for --account,
// signed with its owner key; the new key is saved after the chain took it.
int AccountUpdate(Context& c, const std::string& owner_key, const std::string& active_key,
                  bool encrypt);
// go-iost `account view [NAME]`: one account's keys, or all (our `list`).
int AccountView(Context& c, const std::string& name);

int Block(Context& c, const std::string& num_or_hash, bool complete);
int TxInfo(Context& c, const std::string& hash);
int Receipt(Context& c, const std::string& hash);
int Pob(Context& c);
// Submits fraud evidence: by tx hash, or a base64 proof read from a file ("-" = stdin).
int Evidence(Context& c, const std::string& tx_hash, const std::string& proof_file);
int State(Context& c);

}  // namespace iost::wallet
