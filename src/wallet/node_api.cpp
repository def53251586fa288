#include <core/tx_json.h>
#include <util/text.h>
#include <wallet/node_api.h>
#include <wallet/tx_builder.h>

#include <nlohmann/json.hpp>
#include <thread>

namespace iost::wallet {
namespace {

using Json = nlohmann::json;
using Clock = std::chrono::steady_clock;
using std::chrono::duration_cast;
using std::chrono::milliseconds;

// Local and node clocks may disagree by a few seconds; do not call a tx
// dropped before its expiration has surely passed on the node.
constexpr int64_t kDropGraceNs = 5'000'000'000;
// A final tx whose receipt is not readable yet (index written just after
// the block) is retried for this long.
constexpr milliseconds kReceiptGrace{5'000};
// Consecutive transport failures tolerated while polling (a node restart).
constexpr int kMaxTransportFailures = 25;

std::string Field(const Json& j, const char* name) {
    auto it = j.find(name);
    if (it == j.end()) return "";
    if (it->is_string()) return it->get<std::string>();
    if (it->is_null()) return "";
    return it->dump();
}

}  // namespace

std::string NodeErrorMessage(std::string_view body) {
    Json j = Json::parse(body, nullptr, false);
    if (j.is_object() && j.contains("message") && j["message"].is_string())
        return j["message"].get<std::string>();
    return util::Printable(body, 300);
}

util::Result<NodeApi> NodeApi::Make(std::string_view server_url, HttpClientOptions options) {
    auto url = NormalizeServerUrl(server_url);
    if (!url) return util::ErrOf(url.error());
    auto client = HttpClient::Make(*url, options);
    if (!client) return util::ErrOf(client.error());
    return NodeApi(*url, std::move(*client));
}

util::Result<std::string> NodeApi::Check(std::string_view what, util::Result<HttpResponse> r) {
    if (!r) return util::ErrOf(r.error());
    if (r->status != 200) {
        return util::Err(std::string(what) + ": node says (HTTP " + std::to_string(r->status) +
                             "): " + NodeErrorMessage(r->body),
                         r->status < kNodeReplied ? kNodeReplied : r->status);
    }
    return std::move(r->body);
}

util::Result<std::string> NodeApi::Get(std::string_view path) {
    return Check(path, m_client.Get(path));
}

util::Result<std::string> NodeApi::Post(std::string_view path, std::string_view body) {
    return Check(path, m_client.Post(path, body, "text/plain"));
}

util::Result<std::string> NodeApi::SendTx(const core::Tx& tx) {
    auto body = Post("/sendTx", core::TxToJson(tx));
    if (!body) return util::ErrOf(body.error());
    Json j = Json::parse(*body, nullptr, false);
    if (!j.is_object() || !j.contains("hash") || !j["hash"].is_string()) {
        return util::Err("/sendTx: the node's reply has no hash: " + util::Printable(*body, 200));
    }
    const std::string hash = j["hash"].get<std::string>();
    if (hash != tx.HashBase58()) {
        return util::Err("/sendTx: the node reports hash " + hash +
                         " but the transaction's hash is " + tx.HashBase58() +
                         " (encoding mismatch)");
    }
    return hash;
}

std::string_view WaitOutcomeName(WaitOutcome o) {
    switch (o) {
        case WaitOutcome::kSuccess:
            return "SUCCESS";
        case WaitOutcome::kFailed:
            return "FAILED";
        case WaitOutcome::kDropped:
            return "DROPPED";
        case WaitOutcome::kTimeout:
            return "TIMEOUT";
    }
    return "?";
}

util::Result<WaitResult> WaitForTx(NodeApi& api, std::string_view hash, const WaitOptions& opts,
                                   const WaitObserver& observer) {
    WaitResult res;
    const auto start = Clock::now();
    const auto deadline = start + opts.timeout;
    const std::string tx_path = "/getTxByHash/" + std::string(hash);
    int transport_failures = 0;
    std::optional<Clock::time_point> final_seen;
    for (;;) {
        const auto now = Clock::now();
        const auto elapsed = duration_cast<milliseconds>(now - start);
        if (final_seen) {
            auto rec = api.Get("/getTxReceiptByTxHash/" + std::string(hash));
            if (rec) {
                Json j = Json::parse(*rec, nullptr, false);
                res.receipt_json = *rec;
                res.status_code = j.is_object() ? Field(j, "status_code") : "";
                res.message = j.is_object() ? Field(j, "message") : "";
                res.outcome =
                    res.status_code == "SUCCESS" ? WaitOutcome::kSuccess : WaitOutcome::kFailed;
                if (res.status_code.empty())
                    res.message = "the receipt has no status_code: " + *rec;
                return res;
            }
            if (rec.error().code < kNodeReplied && ++transport_failures > kMaxTransportFailures) {
                return util::ErrOf(rec.error());
            }
            if (now - *final_seen > kReceiptGrace) {
                res.outcome = WaitOutcome::kFailed;
                res.message = "the transaction is IRREVERSIBLE but its receipt cannot be read: " +
                              rec.error().message;
                return res;
            }
        } else {
            auto body = api.Get(tx_path);
            std::string status;
            if (body) {
                transport_failures = 0;
                Json j = Json::parse(*body, nullptr, false);
                if (j.is_object()) {
                    status = Field(j, "status");
                    if (status == "IRREVERSIBLE") res.block_number = Field(j, "block_number");
                }
            } else if (body.error().code < kNodeReplied) {
                if (++transport_failures > kMaxTransportFailures) return util::ErrOf(body.error());
            }
            if (!status.empty() && status != res.last_status) {
                if (status == "PACKED" && !res.packed_after) {
                    res.packed_after = elapsed;
                }
                if (status == "IRREVERSIBLE") {
                    res.irreversible_after = elapsed;
                    final_seen = now;
                }
                res.last_status = status;
            }
            if (observer) observer(status, elapsed);
            if (final_seen) continue;  // read the receipt at once
            if (status.empty() && opts.expiration_ns > 0 &&
                util::SystemClock().Now() > opts.expiration_ns + kDropGraceNs) {
                res.outcome = WaitOutcome::kDropped;
                res.message = res.last_status.empty()
                                  ? "the node does not know the transaction and it has expired"
                                  : "the transaction left the node's pool after " +
                                        res.last_status +
                                        " without becoming final, and it has expired";
                return res;
            }
        }
        if (Clock::now() >= deadline) {
            res.outcome = WaitOutcome::kTimeout;
            res.message = "gave up after " + std::to_string(opts.timeout.count() / 1000) +
                          " s; last status " +
                          (res.last_status.empty() ? std::string("unknown") : res.last_status);
            return res;
        }
        std::this_thread::sleep_for(
            std::min<Clock::duration>(opts.poll_interval, deadline - Clock::now()));
    }
}

}  // namespace iost::wallet
