#include <google/protobuf/util/json_util.h>
#include <grpcpp/grpcpp.h>
#include <rpc/api_internal.h>
#include <rpc/grpc_server.h>
#include <util/assert.h>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <set>

#include "rpc.grpc.pb.h"

namespace iost::rpc {
namespace {

namespace pb = ::rpcpb;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

// How long a Subscribe loop sleeps between looks at its queue, the client's
// cancellation and the server's stop.
constexpr std::chrono::milliseconds kStreamPoll{200};
// gRPC's synchronous server runs each call on a thread of its pool; a cap
// keeps a flood of slow calls (Subscribe holds its thread) from growing it
// without bound: calls beyond it get RESOURCE_EXHAUSTED.
constexpr int kMaxThreads = 128;

grpc::Status StatusFrom(const Response& r) {
    // Every error answer of the API is IOST's {"code": <gRPC code>, "message"}.
    auto j = json::parse(r.body, nullptr, false);
    int code = grpc::StatusCode::UNKNOWN;
    std::string message = r.body;
    if (j.is_object()) {
        if (auto c = j.find("code"); c != j.end() && c->is_number_integer()) code = c->get<int>();
        if (auto m = j.find("message"); m != j.end() && m->is_string())
            message = m->get<std::string>();
    }
    if (code <= 0 || code > grpc::StatusCode::UNAUTHENTICATED) code = grpc::StatusCode::UNKNOWN;
    return grpc::Status(static_cast<grpc::StatusCode>(code), message);
}

// A field's value as the gateway would have read it from the URL path.
std::string FieldText(const Message& m, std::string_view name) {
    const FieldDescriptor* f = m.GetDescriptor()->FindFieldByName(std::string(name));
    IOST_ASSERT(f != nullptr && !f->is_repeated(),
                "an HTTP path parameter names a scalar field of the request message");
    const auto* r = m.GetReflection();
    switch (f->cpp_type()) {
        case FieldDescriptor::CPPTYPE_STRING:
            return r->GetString(m, f);
        case FieldDescriptor::CPPTYPE_BOOL:
            return r->GetBool(m, f) ? "true" : "false";
        case FieldDescriptor::CPPTYPE_INT64:
            return std::to_string(r->GetInt64(m, f));
        case FieldDescriptor::CPPTYPE_INT32:
            return std::to_string(r->GetInt32(m, f));
        case FieldDescriptor::CPPTYPE_UINT64:
            return std::to_string(r->GetUInt64(m, f));
        case FieldDescriptor::CPPTYPE_UINT32:
            return std::to_string(r->GetUInt32(m, f));
        default:
            IOST_ASSERT(false, "path parameters are scalars");
    }
    return {};
}

// The request message as the gateway's view of the call: path parameters
// named by the endpoint's pattern, and for POST the message as proto-JSON
// (proto field names, every field present), which the endpoints parse as
// they parse an HTTP body.
Request ToRequest(const Endpoint& e, const Message& m, const grpc::ServerContext& sc) {
    Request r;
    r.method = e.method;
    r.path = e.pattern;
    r.target = e.pattern;
    r.remote = sc.peer();
    size_t pos = 0;
    while ((pos = e.pattern.find('{', pos)) != std::string::npos) {
        const size_t end = e.pattern.find('}', pos);
        IOST_ASSERT(end != std::string::npos, "route patterns are well-formed");
        r.params.push_back(
            FieldText(m, std::string_view(e.pattern).substr(pos + 1, end - pos - 1)));
        pos = end + 1;
    }
    if (e.method == "POST") {
        google::protobuf::util::JsonPrintOptions o;
        o.preserve_proto_field_names = true;
        o.always_print_primitive_fields = true;
        auto st = google::protobuf::util::MessageToJsonString(m, &r.body, o);
        IOST_ASSERT(st.ok(), "a parsed request message prints as JSON");
    }
    return r;
}

grpc::Status FromJson(std::string_view text, Message* out) {
    google::protobuf::util::JsonParseOptions o;
    // The HTTP answers carry a few fields IOST's messages lack (documented
    // in docs/http.md); gRPC clients get the message's fields.
    o.ignore_unknown_fields = true;
    auto st = google::protobuf::util::JsonStringToMessage(std::string(text), out, o);
    if (!st.ok()) {
        return grpc::Status(grpc::StatusCode::INTERNAL, "internal error: answer does not fit " +
                                                            out->GetDescriptor()->full_name() +
                                                            ": " + std::string(st.message()));
    }
    return grpc::Status::OK;
}

// A Subscribe stream seen from the event feed: the same Subscription the
// HTTP server gives /subscribe, backed by a bounded queue that the call's
// own thread drains into the gRPC writer.
class QueueStream final : public Subscription {
  public:
    explicit QueueStream(size_t max_bytes) : m_max_bytes(max_bytes) {}

    bool Push(std::string event) override {
        {
            std::lock_guard lk(m_mu);
            if (m_closed || m_closing) return false;
            if (m_bytes + event.size() > m_max_bytes) {
                // Too slow: dropped, as the HTTP server drops a subscriber
                // whose buffer overflows. The call's thread ends the stream.
                m_dropped = true;
                m_closed = true;
            } else {
                m_bytes += event.size();
                m_queue.push_back(std::move(event));
            }
        }
        m_cv.notify_all();
        std::lock_guard lk(m_mu);
        return !m_closed;
    }
    void Close() override {
        {
            std::lock_guard lk(m_mu);
            m_closing = true;
        }
        m_cv.notify_all();
    }
    bool IsOpen() const override {
        std::lock_guard lk(m_mu);
        return !m_closed && !m_closing;
    }
    void OnClose(std::function<void()> cb) override {
        std::unique_lock lk(m_mu);
        if (m_finished) {
            lk.unlock();
            cb();
            return;
        }
        m_on_close.push_back(std::move(cb));
    }
    bool Dropped() const override {
        std::lock_guard lk(m_mu);
        return m_dropped;
    }

    // The next event, or nullopt after `wait` without one. `*ended` is set
    // once nothing more will come (closed, or closing with an empty queue).
    std::optional<std::string> Pop(std::chrono::milliseconds wait, bool* ended) {
        std::unique_lock lk(m_mu);
        m_cv.wait_for(lk, wait, [&] { return !m_queue.empty() || m_closed || m_closing; });
        *ended = m_closed || (m_closing && m_queue.empty());
        if (m_closed || m_queue.empty()) return std::nullopt;
        std::string e = std::move(m_queue.front());
        m_queue.pop_front();
        m_bytes -= e.size();
        return e;
    }
    // The stream is over: runs the close callbacks once, on this thread.
    void Finish() {
        std::vector<std::function<void()>> cbs;
        {
            std::lock_guard lk(m_mu);
            if (m_finished) return;
            m_finished = true;
            m_closed = true;
            m_queue.clear();
            cbs.swap(m_on_close);
        }
        m_cv.notify_all();
        for (auto& cb : cbs) cb();
    }

  private:
    const size_t m_max_bytes;
    mutable std::mutex m_mu;
    std::condition_variable m_cv;
    std::deque<std::string> m_queue;
    size_t m_bytes = 0;
    bool m_closing = false;  // Close(): write what is queued, then end
    bool m_closed = false;   // nothing more is written
    bool m_dropped = false;
    bool m_finished = false;
    std::vector<std::function<void()>> m_on_close;
};

}  // namespace

class GrpcServer::Impl final : public pb::ApiService::Service {
  public:
    Impl(GrpcServerOptions o, std::shared_ptr<ApiContext> api)
        : m_opt(std::move(o)), m_api(std::move(api)) {}

    GrpcServerOptions m_opt;
    std::shared_ptr<ApiContext> m_api;
    std::unique_ptr<grpc::Server> m_server;
    int m_port = 0;
    std::mutex m_streams_mu;
    std::set<std::shared_ptr<QueueStream>> m_streams;
    bool m_stopping = false;

    // One unary method: the endpoint of the same name, answer parsed into `out`.
    grpc::Status Unary(std::string_view name, grpc::ServerContext* sc, const Message& in,
                       Message* out) {
        const Endpoint* e = m_api->Find(name);
        if (!e) {
            return grpc::Status(
                grpc::StatusCode::UNIMPLEMENTED,
                "/" + std::string(name) + " is not served by this node (docs/http.md)");
        }
        const Response resp = e->handler(ToRequest(*e, in, *sc));
        if (resp.status / 100 != 2) return StatusFrom(resp);
        return FromJson(resp.body, out);
    }

#define IOST_GRPC_UNARY(Method, Req, Resp, name)                                              \
    grpc::Status Method(grpc::ServerContext* sc, const pb::Req* in, pb::Resp* out) override { \
        return Unary(name, sc, *in, out);                                                     \
    }
    IOST_GRPC_UNARY(GetNodeInfo, EmptyRequest, NodeInfoResponse, "getNodeInfo")
    IOST_GRPC_UNARY(GetChainInfo, EmptyRequest, ChainInfoResponse, "getChainInfo")
    IOST_GRPC_UNARY(GetRAMInfo, EmptyRequest, RAMInfoResponse, "getRAMInfo")
    IOST_GRPC_UNARY(GetTxByHash, TxHashRequest, TransactionResponse, "getTxByHash")
    IOST_GRPC_UNARY(GetTxReceiptByTxHash, TxHashRequest, TxReceipt, "getTxReceiptByTxHash")
    IOST_GRPC_UNARY(GetBlockByHash, GetBlockByHashRequest, BlockResponse, "getBlockByHash")
    IOST_GRPC_UNARY(GetBlockByNumber, GetBlockByNumberRequest, BlockResponse, "getBlockByNumber")
    IOST_GRPC_UNARY(GetRawBlockByNumber, GetBlockByNumberRequest, RawBlockResponse,
                    "getRawBlockByNumber")
    IOST_GRPC_UNARY(GetBlockHeaderByRange, GetBlockHeaderByRangeRequest, BlockHeaderByRangeResponse,
                    "getBlockHeaderByRange")
    IOST_GRPC_UNARY(GetAccount, GetAccountRequest, Account, "getAccount")
    IOST_GRPC_UNARY(GetTokenBalance, GetTokenBalanceRequest, GetTokenBalanceResponse,
                    "getTokenBalance")
    IOST_GRPC_UNARY(GetToken721Balance, GetTokenBalanceRequest, GetToken721BalanceResponse,
                    "getToken721Balance")
    IOST_GRPC_UNARY(GetToken721Metadata, GetToken721InfoRequest, GetToken721MetadataResponse,
                    "getToken721Metadata")
    IOST_GRPC_UNARY(GetToken721Owner, GetToken721InfoRequest, GetToken721OwnerResponse,
                    "getToken721Owner")
    IOST_GRPC_UNARY(GetGasRatio, EmptyRequest, GasRatioResponse, "getGasRatio")
    IOST_GRPC_UNARY(GetProducerVoteInfo, GetProducerVoteInfoRequest, GetProducerVoteInfoResponse,
                    "getProducerVoteInfo")
    IOST_GRPC_UNARY(GetContract, GetContractRequest, Contract, "getContract")
    IOST_GRPC_UNARY(GetContractVote, GetContractRequest, ContractVote, "getContractVote")
    IOST_GRPC_UNARY(GetContractStorage, GetContractStorageRequest, GetContractStorageResponse,
                    "getContractStorage")
    IOST_GRPC_UNARY(GetBatchContractStorage, GetBatchContractStorageRequest,
                    GetBatchContractStorageResponse, "getBatchContractStorage")
    IOST_GRPC_UNARY(ListContractStorage, ListContractStorageRequest, ListContractStorageResponse,
                    "listContractStorage")
    IOST_GRPC_UNARY(GetContractStorageFields, GetContractStorageFieldsRequest,
                    GetContractStorageFieldsResponse, "getContractStorageFields")
    IOST_GRPC_UNARY(SendTransaction, TransactionRequest, SendTransactionResponse, "sendTx")
    IOST_GRPC_UNARY(ExecTransaction, TransactionRequest, TxReceipt, "execTx")
    IOST_GRPC_UNARY(GetVoterBonus, GetAccountRequest, VoterBonus, "getVoterBonus")
    IOST_GRPC_UNARY(GetCandidateBonus, GetAccountRequest, CandidateBonus, "getCandidateBonus")
    IOST_GRPC_UNARY(GetTokenInfo, GetTokenInfoRequest, TokenInfo, "getTokenInfo")
    IOST_GRPC_UNARY(GetBlockTxsByContract, GetBlockTxsByContractRequest, BlockTxsByContractResponse,
                    "getBlockTxsByContract")
#undef IOST_GRPC_UNARY

    grpc::Status Subscribe(grpc::ServerContext* sc, const pb::SubscribeRequest* in,
                           grpc::ServerWriter<pb::SubscribeResponse>* writer) override {
        if (!m_api->subscribe) {
            return grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "/subscribe is not served");
        }
        const Endpoint e{"POST", "/subscribe", "subscribe", nullptr};
        auto stream = std::make_shared<QueueStream>(m_opt.max_stream_buffer_bytes);
        {
            std::lock_guard lk(m_streams_mu);
            if (m_stopping) return grpc::Status(grpc::StatusCode::UNAVAILABLE, "server stopping");
            m_streams.insert(stream);
        }
        grpc::Status result = grpc::Status::OK;
        if (auto refused = m_api->subscribe(ToRequest(e, *in, *sc), stream)) {
            result = StatusFrom(*refused);
        } else {
            for (;;) {
                bool ended = false;
                auto line = stream->Pop(kStreamPoll, &ended);
                if (line) {
                    // The feed's line is the gateway's {"result": SubscribeResponse}.
                    auto j = json::parse(*line, nullptr, false);
                    pb::SubscribeResponse msg;
                    if (!j.is_object() || !j.contains("result")) {
                        result = grpc::Status(grpc::StatusCode::INTERNAL, "malformed event");
                        break;
                    }
                    if (result = FromJson(j["result"].dump(), &msg); !result.ok()) break;
                    if (!writer->Write(msg)) break;  // client gone
                    continue;
                }
                if (ended || sc->IsCancelled()) break;
            }
            if (stream->Dropped()) {
                result = grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                                      "subscriber dropped: it did not keep up with the events");
            }
        }
        stream->Finish();
        std::lock_guard lk(m_streams_mu);
        m_streams.erase(stream);
        return result;
    }
};

GrpcServer::GrpcServer(GrpcServerOptions options, std::shared_ptr<ApiContext> api)
    : m_impl(std::make_unique<Impl>(std::move(options), std::move(api))) {}

GrpcServer::~GrpcServer() { Stop(); }

util::Status GrpcServer::Start() {
    Impl& s = *m_impl;
    if (s.m_server) return util::Err("gRPC server already started");
    const std::string host = s.m_opt.address.find(':') != std::string::npos
                                 ? "[" + s.m_opt.address + "]"
                                 : s.m_opt.address;
    const std::string addr = host + ":" + std::to_string(s.m_opt.port);
    grpc::ServerBuilder b;
    b.AddListeningPort(addr, grpc::InsecureServerCredentials(), &s.m_port);
    b.RegisterService(&s);
    b.SetMaxReceiveMessageSize(static_cast<int>(s.m_opt.max_message_bytes));
    grpc::ResourceQuota quota("iost-grpc");
    quota.SetMaxThreads(kMaxThreads);
    b.SetResourceQuota(quota);
    // One listener per port: a second process on the same port must fail
    // rather than share it.
    b.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
    s.m_server = b.BuildAndStart();
    if (!s.m_server || s.m_port == 0) {
        s.m_server.reset();
        s.m_port = 0;
        return util::Err("cannot listen on " + addr + " (address in use or invalid)");
    }
    {
        std::lock_guard lk(s.m_streams_mu);
        s.m_stopping = false;
    }
    return util::Ok();
}

void GrpcServer::Stop() {
    Impl& s = *m_impl;
    if (!s.m_server) return;
    {
        std::lock_guard lk(s.m_streams_mu);
        s.m_stopping = true;
        for (const auto& st : s.m_streams) st->Close();
    }
    s.m_server->Shutdown(std::chrono::system_clock::now() + s.m_opt.stop_grace);
    s.m_server->Wait();
    s.m_server.reset();
    s.m_port = 0;
}

uint16_t GrpcServer::port() const { return static_cast<uint16_t>(m_impl->m_port); }

}  // namespace iost::rpc
