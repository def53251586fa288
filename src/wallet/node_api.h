// NodeApi: the node's IOST JSON API as iwallet uses it (docs/formats.md §A,
// docs/http.md): GET an endpoint and get its JSON body or the node's
// {"code","message"} error as a Result error; POST /sendTx; and follow a sent
// transaction through PENDING -> PACKED -> IRREVERSIBLE by polling
// /getTxByHash, then read its receipt (/getTxReceiptByTxHash).
//
// Waiting ends with a WaitOutcome: kSuccess (IRREVERSIBLE and the receipt
// says SUCCESS), kFailed (IRREVERSIBLE with another status: the chain ran it
// and it failed, gas was charged), kDropped (never packed before its
// expiration: the node no longer knows it), kTimeout (the caller's deadline
// passed first). Every loop is bounded by the deadline.
//
// Thread contract: a NodeApi is used by one thread at a time (it owns one
// keep-alive HttpClient). The observer is called on the waiting thread.
#pragma once

#include <core/tx.h>
#include <util/result.h>
#include <wallet/http_client.h>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace iost::wallet {

// util::Error::code for a well-formed error reply from the node: the HTTP
// status (400, 404...). Transport failures keep HttpErrorKind codes (< 100).
inline constexpr int kNodeReplied = 100;

class NodeApi {
  public:
    static util::Result<NodeApi> Make(std::string_view server_url, HttpClientOptions options = {});

    // The body of a 200 reply; otherwise an error with the node's message
    // and code = HTTP status (>= kNodeReplied).
    util::Result<std::string> Get(std::string_view path);
    util::Result<std::string> Post(std::string_view path, std::string_view body);
    // POSTs the tx as the SDK does (text/plain JSON); returns the hash the
    // node reports. It must equal the locally computed one.
    util::Result<std::string> SendTx(const core::Tx& tx);

    const std::string& server() const { return m_server; }

  private:
    NodeApi(std::string server, HttpClient client)
        : m_server(std::move(server)), m_client(std::move(client)) {}
    util::Result<std::string> Check(std::string_view what, util::Result<HttpResponse> r);

    std::string m_server;
    HttpClient m_client;
};

enum class WaitOutcome { kSuccess, kFailed, kDropped, kTimeout };
std::string_view WaitOutcomeName(WaitOutcome o);

struct WaitOptions {
    std::chrono::milliseconds timeout{120'000};
    std::chrono::milliseconds poll_interval{200};
    // When the tx expires (unix ns); after it (+ a grace for clock skew) a tx
    // the node does not know is reported kDropped.
    int64_t expiration_ns = 0;
};

struct WaitResult {
    WaitOutcome outcome = WaitOutcome::kTimeout;
    std::string last_status;  // "", PENDING, PACKED, IRREVERSIBLE
    // Time from the start of waiting; nullopt if not observed (a poll may
    // see IRREVERSIBLE without having seen PACKED).
    std::optional<std::chrono::milliseconds> packed_after;
    std::optional<std::chrono::milliseconds> irreversible_after;
    std::string block_number;  // of the final block
    std::string receipt_json;  // the /getTxReceiptByTxHash body, when final
    std::string status_code;   // receipt status_code ("SUCCESS", ...)
    std::string message;       // receipt message, or why it was dropped / timed out
};

// Called on every poll with the status seen ("" when unknown) and the time
// since waiting began; used to draw a spinner.
using WaitObserver =
    std::function<void(std::string_view status, std::chrono::milliseconds elapsed)>;

// Errors only for a transport failure that lasts (the node went away).
util::Result<WaitResult> WaitForTx(NodeApi& api, std::string_view hash, const WaitOptions& opts,
                                   const WaitObserver& observer = {});

// The "message" of a node's JSON error body, or the body itself.
std::string NodeErrorMessage(std::string_view body);

}  // namespace iost::wallet
