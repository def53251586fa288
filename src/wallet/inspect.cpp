#include <core/tx.h>
#include <core/tx_json.h>
#include <crypto/hash.h>
#include <crypto/keys.h>
#include <wallet/inspect.h>

#include <nlohmann/json.hpp>

namespace iost::wallet {

util::Result<InspectReport> InspectTx(std::string_view json, const InspectOptions& opts) {
    auto parsed = core::TxFromJson(json);
    if (!parsed) return util::ErrOf(parsed.error());
    const core::Tx& tx = *parsed;
    InspectReport r;
    r.hash = crypto::HashToBase58(tx.Hash());
    r.base_hash = crypto::HashToBase58(tx.BaseHash());
    r.publish_hash = crypto::HashToBase58(tx.PublishHash());

    const uint32_t chain = opts.chain_id.value_or(tx.chain_id);
    const auto form = tx.VerifyForm(chain, crypto::RealVerifier());
    r.valid = form.ok();
    if (!form.ok()) {
        r.reason_code = std::string(core::TxErrorName(form.error().reason));
        r.reason = form.error().message;
    }
    const auto clock = tx.CheckTime(opts.now);
    r.time_status = "ok";
    if (!clock.ok()) {
        r.expired = clock.error().reason == core::TxError::kExpired;
        r.time_status = r.expired ? "expired" : "future";
        r.warnings.push_back(clock.error().message);
    }
    if (auto names = tx.CheckNames(); !names.ok()) r.warnings.push_back(names.error().message);
    return r;
}

std::string InspectReportJson(const InspectReport& r) {
    nlohmann::ordered_json j;
    j["hash"] = r.hash;
    j["base_hash"] = r.base_hash;
    j["publish_hash"] = r.publish_hash;
    j["valid"] = r.valid;
    j["expired"] = r.expired;
    j["reason"] = r.reason;
    j["reason_code"] = r.reason_code;
    j["time_status"] = r.time_status;
    j["warnings"] = r.warnings;
    return j.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace iost::wallet
