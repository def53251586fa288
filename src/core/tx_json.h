// JSON forms of a transaction (docs/formats.md §A, go-iost rpc/pb/rpc.proto).
//
// TxFromJson parses a /sendTx body (rpcpb.TransactionRequest) as both the SDK
// sends it (camelCase gasRatio/gasLimit/actionName, algorithm "ED25519",
// reserved: null) and as IOST documents it (snake_case). Rules:
//  - each field under either spelling (both at once is an error); unknown
//    fields ignored; null means absent;
//  - required: time, expiration, gas_ratio, gas_limit, chain_id, actions,
//    publisher; optional (default empty/0): delay, signers, signatures,
//    publisher_sigs (an unsigned draft parses; VerifySelf then reports
//    kNoPublisherSignature, as go-iost does), amount_limit, reserved,
//    referred_tx;
//  - int64 fields (time, expiration, delay) as a JSON integer or a string of
//    decimal digits, read exactly — never through a double (the SDK sends
//    times above 2^53 and signs their exact digits). A fraction, an exponent
//    (1.5e18) or a value outside int64 is an error naming the field;
//  - gas_ratio / gas_limit are doubles (number or numeric string), stored
//    ×100 by truncation: int64(x * 100) in float64, as go-iost's toCoreTx and
//    the SDK's parseInt(x * 100) do (1.15 -> 114, 2.5 -> 250,
//    123456.78 -> 12345678);
//  - signatures: {algorithm: "ED25519"|"SECP256K1"|2|1, public_key (or
//    publicKey), signature}, bytes in standard base64;
//  - every list holds at most kMaxTxListItems items; nesting deeper than the
//    request shape, duplicate keys and invalid UTF-8 are errors.
// Errors name the offending field ("actions[2].data: must be a string").
//
// TxToJson writes the same request shape (snake_case, int64 as strings,
// gas as the double that converts back to the same ×100 value), so
// TxFromJson(TxToJson(tx)) has the same Full hash as tx. TxToApiJson writes
// the `transaction` object of /getTxByHash and blocks (rpcpb.Transaction:
// hash, int64 as strings, gas as float64(x)/100, referred_tx base58, no
// signatures — IOST does not show them there — and "tx_receipt": null).
//
// nlohmann::json stays inside tx_json.cpp (docs/architecture.md §2: heavy headers out
// of widely included headers).
// Thread contract: pure functions.
#pragma once

#include <core/tx.h>
#include <util/result.h>

#include <string>
#include <string_view>

namespace iost::core {

// Request bodies larger than this are refused before parsing; a valid tx's
// Full encoding is at most 64 KiB and its JSON (base64 signatures, escapes)
// fits comfortably in 4x that.
inline constexpr size_t kMaxTxJsonBytes = 4 * kMaxTxBytes;

util::Result<Tx> TxFromJson(std::string_view json);
std::string TxToJson(const Tx& tx);
std::string TxToApiJson(const Tx& tx);

// IOST's JSON conversions for gas values, exposed for tests and the API.
util::Result<int64_t> GasX100FromDouble(double v);
double GasX100ToDouble(int64_t x100);  // float64(x)/100, as go-iost shows it

}  // namespace iost::core
