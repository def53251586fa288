// `iwallet tx inspect`: judges a /sendTx-shaped transaction without a node.
// It parses the JSON exactly as the node does (core/tx_json.h), computes the
// three hashes, and runs the node's stateless checks: `valid` is every rule
// except the clock (core::Tx::VerifyForm), `expired`/`time_status` report the
// clock rules against `now` separately, because a file inspected later is
// expected to be stale. Account-name problems (Tx::CheckNames) are warnings:
// go-iost's own VerifySelf does not check them either.
// Thread contract: pure functions.
#pragma once

#include <util/clock.h>
#include <util/result.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace iost::wallet {

struct InspectReport {
    std::string hash;          // Full hash (the tx id), base58
    std::string base_hash;     // what signers sign, base58
    std::string publish_hash;  // what the publisher signs, base58
    bool valid = false;
    bool expired = false;
    std::string time_status;  // "ok" | "expired" | "future"
    std::string reason_code;  // core::TxErrorName of the first failed rule, "" if valid
    std::string reason;       // its message, "" if valid
    std::vector<std::string> warnings;
};

struct InspectOptions {
    util::UnixNanos now = 0;
    // The chain the tx must be for; unset = accept the tx's own chain id.
    std::optional<uint32_t> chain_id;
};

// Errors only when the JSON cannot be parsed into a transaction (the caller
// exits 2); an invalid but well-formed tx is a report with valid = false.
util::Result<InspectReport> InspectTx(std::string_view json, const InspectOptions& opts);
std::string InspectReportJson(const InspectReport& r);

}  // namespace iost::wallet
