// The state schema: every key the system contracts use and the encoding of
// its value. One place, so the storage layer, the API and tests can read
// state without guessing, and docs/contracts.md "State layout" can cite it.
//
//   acc/<name>                 Account record (binary, ledger/auth.h; formats.md §R)
//   ti/<symbol>                TokenInfo (binary, below)
//   tb/<symbol>/<holder>       balance: int64 raw units, 8 bytes big-endian
//   tf/<symbol>/<holder>       frozen balances: FreezeList (binary)
//   gas/<name>                 GasState (binary)
//   gp/<pledger>/<user>        IOST pledged by pledger for user: int64 raw
//   ram/pool                   RamPool (binary)
//   ram/self/<name>            RAM bytes bought by <name> (sellable): int64
//   vp/list                    validator names, sorted, '\n'-separated
//   vp/v/<name>                ValidatorRecord (binary)
//   vp/key/<base58 pubkey>     name of the validator using that consensus key
//   vp/vote/<voter>/<producer> votes (IOST raw units): int64
//   dd/<32-byte tx hash>       tx time (int64) of an executed transaction
//   ddb/<int64 second BE>      concatenated 32-byte hashes of txs whose time
//                              falls in that second (pruning index)
//   ddi                        sorted int64 seconds that have a ddb bucket
//   sys/chain                  ChainInfo (binary): chain id, genesis hash,
//                              PoB parameters
//   sys/state_root             current state root (32 bytes; not hashed)
//
// Thread contract: pure functions and value types.
#pragma once

#include <crypto/hash.h>
#include <crypto/keys.h>
#include <util/result.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace iost::ledger::schema {

std::string AccountKey(std::string_view name);
std::string TokenInfoKey(std::string_view symbol);
std::string BalanceKey(std::string_view symbol, std::string_view holder);
std::string FreezeKey(std::string_view symbol, std::string_view holder);
std::string GasKey(std::string_view name);
std::string GasPledgeKey(std::string_view pledger, std::string_view user);
inline constexpr std::string_view kRamPoolKey = "ram/pool";
std::string RamSelfKey(std::string_view name);
inline constexpr std::string_view kValidatorListKey = "vp/list";
std::string ValidatorKey(std::string_view name);
std::string ValidatorPubkeyKey(std::string_view pubkey_base58);
std::string VoteKey(std::string_view voter, std::string_view producer);
std::string DedupKey(const crypto::Hash256& tx_hash);
std::string DedupBucketKey(int64_t second);
// token721.iost (non-fungible tokens): the token record, each token id's
// owner and metadata, and the ids an owner holds (in the order received).
std::string Token721InfoKey(std::string_view symbol);
std::string Token721OwnerKey(std::string_view symbol, std::string_view token_id);
std::string Token721MetadataKey(std::string_view symbol, std::string_view token_id);
std::string Token721ListKey(std::string_view symbol, std::string_view owner);
inline constexpr std::string_view kDedupIndexKey = "ddi";
inline constexpr std::string_view kChainInfoKey = "sys/chain";
// Fraud records (docs/pob.md §7.3): per executed transaction the token debits
// it caused, whether a compensation paid them back, and per height the
// transactions whose records expire together (fraud_window).
std::string TxDebitsKey(const crypto::Hash256& tx_hash);
std::string TxCompensatedKey(const crypto::Hash256& tx_hash);
std::string DebitHeightKey(uint64_t height);
// Every token symbol ever created (for slashing "every token"); absent means
// the genesis tokens only (iost, ram).
inline constexpr std::string_view kTokenListKey = "sys/tokens";

std::string EncodeI64(int64_t v);
util::Result<int64_t> DecodeI64(std::string_view bytes);

struct TokenInfo {
    std::string issuer;
    int64_t total_supply = 0;  // raw units
    int64_t supply = 0;        // raw units issued so far (minus destroyed)
    int32_t decimal = 8;
    bool can_transfer = true;
    bool only_issuer_can_transfer = false;
    std::string full_name;
    std::string default_rate = "1.0";
    std::string Encode() const;
    static util::Result<TokenInfo> Decode(std::string_view bytes);
};

// One token debit a transaction caused: `account` held `amount` raw units of
// `token` (balance plus frozen) less after it than before.
struct TokenDebit {
    std::string account;
    std::string token;
    int64_t amount = 0;
    friend bool operator==(const TokenDebit&, const TokenDebit&) = default;
};
std::string EncodeDebits(const std::vector<TokenDebit>& debits);
util::Result<std::vector<TokenDebit>> DecodeDebits(std::string_view bytes);
std::string EncodeStrings(const std::vector<std::string>& items);
util::Result<std::vector<std::string>> DecodeStrings(std::string_view bytes);

struct FreezeItem {
    int64_t ftime = 0;   // unix ns at which the amount becomes spendable
    int64_t amount = 0;  // raw units
    friend bool operator==(const FreezeItem&, const FreezeItem&) = default;
};
std::string EncodeFreezeList(const std::vector<FreezeItem>& items);
util::Result<std::vector<FreezeItem>> DecodeFreezeList(std::string_view bytes);

struct Token721Info {
    std::string issuer;
    int64_t total_supply = 0;  // how many ids may ever be issued
    int64_t supply = 0;        // ids issued so far; the next id is this number
    std::string Encode() const;
    static util::Result<Token721Info> Decode(std::string_view bytes);
};
std::string EncodeStringList(const std::vector<std::string>& items);
util::Result<std::vector<std::string>> DecodeStringList(std::string_view bytes);

// gas.iost per-user state (go-iost vm/database/gas_handler.go), gas values
// ×100 (GasDecimal 2), pledge in IOST raw units.
struct GasState {
    int64_t pledge_total = 0;  // IOST raw pledged for this user (by anyone)
    int64_t limit = 0;         // ×100
    int64_t stock = 0;         // ×100, at update_time
    int64_t update_time = 0;   // unix ns; 0 = never pledged
    std::string Encode() const;
    static util::Result<GasState> Decode(std::string_view bytes);
};

// ram.iost global pool (config/genesis/contract/ram.js).
struct RamPool {
    int64_t left_space = 0;  // bytes still for sale
    int64_t used_space = 0;  // bytes sold
    int64_t balance = 0;     // IOST raw held against the sold RAM (Bancor reserve)
    std::string Encode() const;
    static util::Result<RamPool> Decode(std::string_view bytes);
};

enum class ValidatorStatus : uint8_t { kActive = 0, kUnregistered = 1, kSlashed = 2 };

struct ValidatorRecord {
    crypto::PublicKey consensus_key;
    std::string loc;
    std::string url;
    std::string net_id;
    bool is_producer = true;
    ValidatorStatus status = ValidatorStatus::kActive;
    int64_t votes = 0;  // stake: IOST raw voted for this validator
    int64_t servi = 0;
    int64_t registered_time = 0;
    std::string Encode() const;
    static util::Result<ValidatorRecord> Decode(std::string_view bytes);
};

}  // namespace iost::ledger::schema
