// The iwallet commands (DESIGN.md §5, go-iost iwallet's command set): the
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
int Call(Context& c, const std::string& contract, const std::string& action,
         const std::string& args);
// Builds and signs CONTRACT ACTION ARGS offline, or (`tx_file` set) signs an
// existing transaction file as publisher; writes the /sendTx JSON to
// `out_file` ("-" = stdout). Never contacts a node.
int Sign(Context& c, const std::string& contract, const std::string& action,
         const std::string& args, const std::string& tx_file, const std::string& out_file);
int Send(Context& c, const std::string& file);

int Block(Context& c, const std::string& num_or_hash, bool complete);
int TxInfo(Context& c, const std::string& hash);
int Receipt(Context& c, const std::string& hash);
int Pob(Context& c);
// Submits fraud evidence: by tx hash, or a base64 proof read from a file ("-" = stdin).
int Evidence(Context& c, const std::string& tx_hash, const std::string& proof_file);
int State(Context& c);

}  // namespace iost::wallet
