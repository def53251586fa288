// Transaction receipts in IOST's shape (go-iost core/tx/tx_receipt.go): the
// status (code and message), gas used, RAM used per payer, the actions'
// return values, and the contracts' receipts ("token.iost/transfer" with the
// JSON of its arguments). Users and the SDK read these through
// /getTxReceiptByTxHash, so names, codes and messages follow IOST.
//
// Canonical bytes (Encode) are IOST's TxReceipt.ToBytes:
//   bytes tx_hash | int64 gas_usage | bytes status(int32 code | string message) |
//   map<string,int64> ram_usage | [][]byte returns | [][]byte receipts
//   receipt = string func_name | string content
// then, only when a JavaScript contract posted events (docs/contracts.md
// "Events"; IOST keeps them out of the receipt and posts them to
// subscribers at once), ours: [][]byte events, event = string contract |
// string data. A receipt without events has IOST's bytes exactly; an empty
// events list is never written (and refused by Decode), so the bytes stay
// canonical. Hash() = SHA3-256 of those bytes (the receipts Merkle tree's
// leaves): every node agrees on the events a block posted.
// Decode is ours (IOST decodes protobuf) and treats input as hostile.
// Thread contract: value types and pure functions.
#pragma once

#include <crypto/hash.h>
#include <util/bytes.h>
#include <util/result.h>

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace iost::core {

// IOST's StatusCode values (docs/formats.md §T); numbers are on the wire.
enum class StatusCode : int32_t {
    kSuccess = 0,
    kGasRunOut = 1,
    kBalanceNotEnough = 2,
    kWrongParameter = 3,
    kRuntimeError = 4,
    kTimeout = 5,
    kWrongTxFormat = 6,
    kDuplicateSetCode = 7,
    kUnknownError = 8,
};
// "SUCCESS", "GAS_RUN_OUT", "BALANCE_NOT_ENOUGH", "WRONG_PARAMETER",
// "RUNTIME_ERROR", "TIMEOUT", "WRONG_TX_FORMAT", "DUPLICATE_SET_CODE",
// "UNKNOWN_ERROR" (rpc.proto's enum names).
std::string_view StatusCodeName(StatusCode c);
util::Result<StatusCode> StatusCodeFromName(std::string_view name);
util::Result<StatusCode> StatusCodeFromInt(int32_t v);

struct ReceiptStatus {
    StatusCode code = StatusCode::kSuccess;
    std::string message;
    friend bool operator==(const ReceiptStatus&, const ReceiptStatus&) = default;
};

// One contract receipt: func_name "contract/action", content usually JSON.
struct ContractReceipt {
    std::string func_name;
    std::string content;
    friend bool operator==(const ContractReceipt&, const ContractReceipt&) = default;
};

// One blockchain.event(data) of a JavaScript contract: go-iost's
// CONTRACT_EVENT (core/event: topic, data; the poster's contract id is what
// a subscriber's contract_id filter matches).
struct ContractEvent {
    std::string contract;
    std::string data;
    friend bool operator==(const ContractEvent&, const ContractEvent&) = default;
};

struct TxReceipt {
    crypto::Hash256 tx_hash{};
    // Gas paid, ×100 (IOST: gas × gas_ratio, with gas_ratio ×100); the API
    // shows it divided by 100.
    int64_t gas_usage = 0;
    std::map<std::string, int64_t> ram_usage;  // payer → bytes (may be negative)
    ReceiptStatus status;
    std::vector<std::string> returns;  // one JSON array text per action
    std::vector<ContractReceipt> receipts;
    // Not in IOST's receipt JSON (ToJson): served as CONTRACT_EVENT on
    // /subscribe once the block is final.
    std::vector<ContractEvent> events;

    bool ok() const { return status.code == StatusCode::kSuccess; }
    friend bool operator==(const TxReceipt&, const TxReceipt&) = default;

    util::Bytes Encode() const;
    static util::Result<TxReceipt> Decode(util::ByteView bytes);
    crypto::Hash256 Hash() const;
    // IOST's JSON (rpc.proto TxReceipt as the HTTP API prints it):
    // {"tx_hash":"<base58>","gas_usage":<double>,"ram_usage":{..},
    //  "status_code":"SUCCESS","message":"","returns":[..],
    //  "receipts":[{"func_name":"..","content":".."}]}
    std::string ToJson() const;
};

}  // namespace iost::core
