// Building and signing the transactions iwallet sends, and validating the
// user's input for them before anything is signed: account names, IOST
// amounts, a call's JSON arguments, amount limits, gas, expiration, server
// URLs. The defaults and argument shapes are go-iost iwallet's (root.go,
// transfer.go, account.go, sdk.go): gas ratio 1, gas limit 1,000,000, amount
// limit `*:unlimited`; transfer = token.iost/transfer ["iost", from, to,
// amount, memo]; account create = auth.iost/signUp [name, owner, active] +
// ram.iost/buy [creator, name, bytes] + gas.iost/pledge [creator, name,
// "n - 10"] (signUp itself pledges 10) + an optional initial transfer.
// One difference: the default expiration is 90 s, not go-iost's 300 s,
// because a node refuses a transaction older than 90 s anyway
// (docs/formats.md §T), so a longer expiration buys nothing.
// Thread contract: pure functions.
#pragma once

#include <core/tx.h>
#include <crypto/keys.h>
#include <util/clock.h>
#include <util/result.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace iost::wallet {

struct TxParams {
    uint32_t chain_id = core::kMainnetChainId;
    double gas_ratio = 1.0;
    double gas_limit = 1'000'000;
    int64_t expiration_s = 90;
    std::string amount_limit = "*:unlimited";  // "iost:300.5|ram:2000"
    std::vector<std::string> signers;          // extra "name@perm" signers
};

// Checks every field (gas 1-100 / 6,000-4,000,000, expiration 1-90 s,
// amount limit syntax, signer syntax) with a message naming the flag.
util::Status ValidateTxParams(const TxParams& p);
// "iost:300|ram:2000" -> amount_limit entries; "" -> none. Values are
// "unlimited" or a non-negative decimal.
util::Result<std::vector<core::AmountLimit>> ParseAmountLimit(std::string_view text);

// An account name as IOST allows it, with a message naming `what`.
util::Status CheckAccountName(std::string_view name, std::string_view what);
// A positive IOST amount with at most 8 decimals ("10", "0.5"); returns it
// normalised as the token contract prints it ("10", "0.5").
util::Result<std::string> CheckIostAmount(std::string_view text, std::string_view what);
// A whole number >= 0 (IOST to pledge, RAM bytes).
util::Result<int64_t> CheckCount(std::string_view text, std::string_view what);
// A contract id ("token.iost", "Contract<base58>") and action name.
util::Status CheckContract(std::string_view contract, std::string_view action);
// The text must be a JSON array (a call's arguments); returned as given.
util::Result<std::string> CheckJsonArgs(std::string_view text);
// "http://host[:port]" with no path; the IOST default port 30001 when absent;
// a bare "host:30002" (go-iost iwallet's gRPC habit) becomes host:30001.
util::Result<std::string> NormalizeServerUrl(std::string_view url);

// A transfer memo: at most 512 bytes (token.iost refuses longer ones).
util::Status CheckMemo(std::string_view memo);

core::Action MakeAction(std::string contract, std::string action, std::string data);
core::Action TransferAction(std::string_view token, std::string_view from, std::string_view to,
                            std::string_view amount, std::string_view memo);

struct CreateAccountSpec {
    std::string name;
    std::string owner_key;  // base58 public keys
    std::string active_key;
    int64_t initial_ram = 1024;         // bytes bought by the creator
    int64_t initial_gas_pledge = 10;    // IOST; signUp pledges the first 10
    std::string initial_balance = "0";  // IOST transferred
};
util::Result<std::vector<core::Action>> CreateAccountActions(std::string_view creator,
                                                             const CreateAccountSpec& s);

// An unsigned transaction: time = now, expiration = now + expiration_s.
util::Result<core::Tx> BuildTx(std::vector<core::Action> actions, const TxParams& p,
                               util::UnixNanos now);
// Publisher signature (go-iost iwallet signs only as publisher; the
// publisher's active permission covers it).
void SignAsPublisher(core::Tx& tx, std::string_view publisher, const crypto::KeyPair& kp);

}  // namespace iost::wallet
