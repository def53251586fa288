// The genesis file: chain id, initial accounts and keys, the IOST token and
// its allocations, the initial validators with their consensus keys and
// stake, and the Proof-of-Believability parameters (docs/pob.md §1). Every
// node of a network must load the same genesis; GenesisHash() (over the
// parsed values in a canonical encoding, not the YAML text, so comments and
// layout do not matter) is exchanged in the P2P handshake.
//
// Format: YAML (yaml-cpp, confined to genesis.cpp); an annotated example is
// config/genesis.example.yml. Validation errors name the field and say what
// is wrong ("token.allocations[2].amount: ...").
// Thread contract: plain value types and pure functions.
#pragma once

#include <core/amount.h>
#include <crypto/hash.h>
#include <crypto/keys.h>
#include <util/result.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace iost::core {

struct GenesisAccount {
    std::string name;
    crypto::PublicKey owner;
    crypto::PublicKey active;
    // IOST pledged for the account's own gas at genesis, taken from its
    // allocation (gas.iost semantics: the IOST moves to gas.iost).
    Amount gas_pledge;  // 8 decimals; zero if absent
    // RAM bytes granted at genesis from the RAM pool (no IOST paid).
    int64_t ram_bytes = 0;
};

struct GenesisAllocation {
    std::string account;
    Amount amount;  // 8 decimals
};

struct GenesisValidator {
    std::string account;              // must be one of the genesis accounts
    crypto::PublicKey consensus_key;  // signs micro-blocks and votes
    Amount stake;                     // 8 decimals, taken from the account's allocation
    int64_t servi = 0;                // initial Servi score
};

// Proof-of-Believability parameters (docs/pob.md §1).
struct PobParams {
    uint32_t believable_size = 4;  // B
    uint32_t normal_size = 4;      // N
    // p as parts per million (no floating point in consensus): 0 < p <= 1e6.
    // The YAML value is a decimal with at most 6 fractional digits ("0.1").
    uint32_t sampling_probability_ppm = 100'000;
    uint64_t epoch_length = 100;  // final blocks per epoch
    uint32_t micro_interval_ms = 100;
    uint32_t final_interval_ms = 1000;
    int64_t min_servi = 0;
    uint64_t recheck_window = 100;  // final blocks
    // docs/pob.md §7.4: final blocks during which fraud is provable and
    // repaid; at least the stake's unbonding delay (7 days of unvote freeze)
    // in blocks. 0 in the file = derived: ⌈7 days / final_interval⌉.
    uint64_t fraud_window = 0;
};

// Stake comes back frozen this long after an unvote (vote_producer.iost).
inline constexpr int64_t kUnbondingDelayMs = 7LL * 24 * 3600 * 1000;
// The fraud window in final blocks: the explicit value, else the unbonding
// delay at one block per final_interval.
uint64_t FraudWindowBlocks(const PobParams& p);

struct TokenSpec {
    std::string symbol = "iost";
    int decimals = kIostDecimals;
    int64_t total_supply_units = kIostTotalSupply;  // whole tokens
    std::string issuer;                             // account allowed to issue the unallocated rest
    std::vector<GenesisAllocation> allocations;
};

struct Genesis {
    uint32_t chain_id = 1020;
    int64_t timestamp_ns = 0;  // time of the genesis state (block time 0)
    std::vector<GenesisAccount> accounts;
    TokenSpec token;
    std::vector<GenesisValidator> validators;
    PobParams pob;
};

// Parses and validates YAML text. `source` names the input in messages.
util::Result<Genesis> ParseGenesisYaml(std::string_view yaml_text,
                                       std::string_view source = "genesis");
util::Result<Genesis> LoadGenesisFile(const std::string& path);

// Checks cross-field rules (also run by the parsers): unique valid account
// names, keys of a valid form, allocations to known accounts summing to at
// most the total supply, validator stake + gas pledge covered by the
// account's allocation, unique consensus keys, PoB parameters in range.
util::Status ValidateGenesis(const Genesis& g);

// SHA3-256 over the canonical encoding (SimpleEncoder) of every field, in
// declaration order, prefixed by "iost-genesis-v1".
crypto::Hash256 GenesisHash(const Genesis& g);

// A public key in IOST's account form: base58 of the raw key bytes; the
// algorithm follows from the length (32 bytes Ed25519, 33 secp256k1). An
// optional "ed25519:" / "secp256k1:" prefix is accepted and checked.
util::Result<crypto::PublicKey> ParsePublicKeyText(std::string_view text);
std::string PublicKeyToText(const crypto::PublicKey& k);  // base58, no prefix

// "0.1" → 100000; at most 6 fractional digits, 0 < p <= 1.
util::Result<uint32_t> ParseProbabilityPpm(std::string_view text);

}  // namespace iost::core
