// GrpcServer (docs/grpc.md) against a real one-validator node, with a C++
// client generated from proto/rpc.proto: answers are the HTTP endpoints'
// answers (same table), errors keep their code and message, Subscribe
// streams final receipts and ends when the server stops, and a busy port is
// refused. The cross-language parity test is functional.grpc.api_parity.
#include <google/protobuf/util/json_util.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <rpc/grpc_server.h>

#include <thread>

#include "api_test_util.h"
#include "rpc.grpc.pb.h"

namespace iost::rpc {
namespace {

using testing::ApiNode;
using testing::json;

class Grpc : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        s_node = new ApiNode();
        if (!s_node->ok()) return;
        GrpcServerOptions o;
        o.address = "127.0.0.1";
        o.port = 0;
        s_grpc = new GrpcServer(o, s_node->api);
        auto st = s_grpc->Start();
        ASSERT_TRUE(st.ok()) << st.error().message;
        s_channel = grpc::CreateChannel("127.0.0.1:" + std::to_string(s_grpc->port()),
                                        grpc::InsecureChannelCredentials());
        s_stub = rpcpb::ApiService::NewStub(s_channel).release();
    }
    static void TearDownTestSuite() {
        delete s_stub;
        s_stub = nullptr;
        s_channel.reset();
        delete s_grpc;
        s_grpc = nullptr;
        delete s_node;
        s_node = nullptr;
    }
    void SetUp() override { ASSERT_TRUE(s_node && s_node->ok() && s_stub); }

    static json AsJson(const google::protobuf::Message& m) {
        google::protobuf::util::JsonPrintOptions o;
        o.preserve_proto_field_names = true;
        o.always_print_primitive_fields = true;
        std::string out;
        EXPECT_TRUE(google::protobuf::util::MessageToJsonString(m, &out, o).ok());
        return json::parse(out);
    }
    // The HTTP answer parsed into the same message type, printed the same way.
    template <class Msg>
    static json HttpAs(const std::string& path) {
        auto [st, body] = s_node->Get(path);
        EXPECT_EQ(st, 200) << body.dump();
        Msg m;
        google::protobuf::util::JsonParseOptions po;
        po.ignore_unknown_fields = true;
        EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(body.dump(), &m, po).ok());
        return AsJson(m);
    }
    static std::unique_ptr<grpc::ClientContext> Ctx() {
        auto c = std::make_unique<grpc::ClientContext>();
        c->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
        return c;
    }

    static inline ApiNode* s_node = nullptr;
    static inline GrpcServer* s_grpc = nullptr;
    static inline std::shared_ptr<grpc::Channel> s_channel;
    static inline rpcpb::ApiService::Stub* s_stub = nullptr;
};

TEST_F(Grpc, UnaryAnswersAreTheHttpAnswers) {
    const auto tx = s_node->Transfer("alice", "bobby", "1.5", "grpc-unit");
    const std::string hash = s_node->Send(tx);
    ASSERT_FALSE(hash.empty());
    s_node->WaitReceipt(hash);

    rpcpb::TxHashRequest req;
    req.set_hash(hash);
    rpcpb::TransactionResponse t;
    ASSERT_TRUE(s_stub->GetTxByHash(Ctx().get(), req, &t).ok());
    EXPECT_EQ(t.status(), rpcpb::TransactionResponse::IRREVERSIBLE);
    EXPECT_EQ(t.receipt_source(), "FINAL");
    EXPECT_EQ(AsJson(t), HttpAs<rpcpb::TransactionResponse>("/getTxByHash/" + hash));

    rpcpb::GetBlockByNumberRequest breq;
    breq.set_number(t.block_number());
    breq.set_complete(true);
    rpcpb::BlockResponse b;
    ASSERT_TRUE(s_stub->GetBlockByNumber(Ctx().get(), breq, &b).ok());
    EXPECT_EQ(AsJson(b), HttpAs<rpcpb::BlockResponse>("/getBlockByNumber/" +
                                                      std::to_string(t.block_number()) + "/true"));

    rpcpb::GetAccountRequest areq;
    areq.set_name("bobby");
    areq.set_by_longest_chain(true);
    rpcpb::Account a;
    ASSERT_TRUE(s_stub->GetAccount(Ctx().get(), areq, &a).ok());
    EXPECT_EQ(a.name(), "bobby");
    EXPECT_EQ(AsJson(a), HttpAs<rpcpb::Account>("/getAccount/bobby/true"));

    rpcpb::GetContractStorageRequest sreq;
    sreq.set_id("token.iost");
    sreq.set_key("TIiost");
    sreq.set_field("decimal");
    rpcpb::GetContractStorageResponse s;
    ASSERT_TRUE(s_stub->GetContractStorage(Ctx().get(), sreq, &s).ok());
    EXPECT_EQ(s.data(), "8");
}

TEST_F(Grpc, ErrorsKeepCodeAndMessage) {
    rpcpb::TxHashRequest req;
    req.set_hash("0OIl");
    rpcpb::TransactionResponse t;
    const grpc::Status st = s_stub->GetTxByHash(Ctx().get(), req, &t);
    EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    auto [code, body] = s_node->Get("/getTxByHash/0OIl");
    EXPECT_EQ(code, 400);
    EXPECT_EQ(st.error_message(), body["message"].get<std::string>());

    rpcpb::GetAccountRequest areq;
    areq.set_name("nobody1");
    rpcpb::Account a;
    const grpc::Status st2 = s_stub->GetAccount(Ctx().get(), areq, &a);
    EXPECT_EQ(st2.error_code(), grpc::StatusCode::UNKNOWN);  // go-iost's plain errors
    EXPECT_EQ(st2.error_message(), "account not found");

    // The contract storage listings: served, and refusing as HTTP does.
    rpcpb::GetContractStorageFieldsRequest creq;
    creq.set_id("token.iost");
    rpcpb::GetContractStorageFieldsResponse c;
    ASSERT_TRUE(s_stub->GetContractStorageFields(Ctx().get(), creq, &c).ok());
    EXPECT_EQ(c.fields_size(), 0);
    rpcpb::ListContractStorageRequest lreq;
    lreq.set_id("token.iost");
    rpcpb::ListContractStorageResponse l;
    const grpc::Status st3 = s_stub->ListContractStorage(Ctx().get(), lreq, &l);
    EXPECT_EQ(st3.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    auto [lcode, lbody] = s_node->Post("/listContractStorage", R"({"id":"token.iost"})");
    EXPECT_EQ(lcode, 400);
    EXPECT_EQ(st3.error_message(), lbody["message"].get<std::string>());
    lreq.set_id("Contract" + std::string(44, '1'));
    lreq.set_limit(5);
    lreq.set_storagetype(rpcpb::ListContractStorageRequest::MAP);
    ASSERT_TRUE(s_stub->ListContractStorage(Ctx().get(), lreq, &l).ok());
    EXPECT_EQ(l.datas_size(), 0);
    EXPECT_GT(l.block_number(), 0);
}

TEST_F(Grpc, SendTransactionTakesRawSignatureBytes) {
    const auto tx = s_node->Transfer("bobby", "alice", "0.25", "grpc-send");
    rpcpb::TransactionRequest req;
    req.set_time(tx.time);
    req.set_expiration(tx.expiration);
    req.set_gas_ratio(static_cast<double>(tx.gas_ratio) / 100);
    req.set_gas_limit(static_cast<double>(tx.gas_limit) / 100);
    req.set_chain_id(tx.chain_id);
    for (const auto& act : tx.actions) {
        auto* x = req.add_actions();
        x->set_contract(act.contract);
        x->set_action_name(act.action_name);
        x->set_data(act.data);
    }
    for (const auto& l : tx.amount_limit) {
        auto* x = req.add_amount_limit();
        x->set_token(l.token);
        x->set_value(l.value);
    }
    req.set_publisher(tx.publisher);
    auto* sig = req.add_publisher_sigs();
    sig->set_algorithm(rpcpb::Signature::ED25519);
    sig->set_signature(
        std::string(tx.publisher_sigs[0].sig.begin(), tx.publisher_sigs[0].sig.end()));
    sig->set_public_key(
        std::string(tx.publisher_sigs[0].pubkey.begin(), tx.publisher_sigs[0].pubkey.end()));
    rpcpb::SendTransactionResponse resp;
    const grpc::Status st = s_stub->SendTransaction(Ctx().get(), req, &resp);
    ASSERT_TRUE(st.ok()) << st.error_message();
    EXPECT_EQ(resp.hash(), tx.HashBase58());  // the Full hash: every field arrived intact
    EXPECT_EQ(s_node->WaitReceipt(resp.hash())["status_code"], "SUCCESS");

    // Tampered amount: the publisher's signature no longer matches.
    req.mutable_actions(0)->set_data(R"(["iost","bobby","alice","9",""])");
    rpcpb::SendTransactionResponse bad;
    const grpc::Status st2 = s_stub->SendTransaction(Ctx().get(), req, &bad);
    EXPECT_FALSE(st2.ok());
}

TEST_F(Grpc, SubscribeStreamsFinalReceipts) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    rpcpb::SubscribeRequest req;
    req.add_topics(rpcpb::Event::CONTRACT_RECEIPT);
    req.mutable_filter()->set_contract_id("token.iost");
    auto reader = s_stub->Subscribe(&ctx, req);
    std::this_thread::sleep_for(std::chrono::milliseconds(500));  // subscribed before the tx
    const auto tx = s_node->Transfer("alice", "bobby", "0.5", "grpc-sub");
    ASSERT_FALSE(s_node->Send(tx).empty());
    rpcpb::SubscribeResponse ev;
    bool seen = false;
    while (!seen && reader->Read(&ev)) {
        seen = ev.event().data() == R"(["iost","alice","bobby","0.5","grpc-sub"])";
    }
    EXPECT_TRUE(seen);
    EXPECT_EQ(ev.event().topic(), rpcpb::Event::CONTRACT_RECEIPT);
    ctx.TryCancel();
}

TEST_F(Grpc, SubscribeRefusesABadRequestAndABusyPortIsRefused) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    rpcpb::SubscribeRequest req;  // no topics: the HTTP endpoint's 400
    auto reader = s_stub->Subscribe(&ctx, req);
    rpcpb::SubscribeResponse ev;
    EXPECT_FALSE(reader->Read(&ev));
    EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::INVALID_ARGUMENT);

    GrpcServerOptions o;
    o.address = "127.0.0.1";
    o.port = s_grpc->port();
    GrpcServer second(o, s_node->api);
    EXPECT_FALSE(second.Start().ok());
}

TEST(GrpcStop, StopEndsOpenSubscriptions) {
    ApiNode node;
    ASSERT_TRUE(node.ok());
    GrpcServerOptions o;
    o.address = "127.0.0.1";
    GrpcServer server(o, node.api);
    ASSERT_TRUE(server.Start().ok());
    auto channel = grpc::CreateChannel("127.0.0.1:" + std::to_string(server.port()),
                                       grpc::InsecureChannelCredentials());
    auto stub = rpcpb::ApiService::NewStub(channel);
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    rpcpb::SubscribeRequest req;
    req.add_topics(rpcpb::Event::CONTRACT_RECEIPT);
    auto reader = stub->Subscribe(&ctx, req);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    const auto t0 = std::chrono::steady_clock::now();
    server.Stop();
    rpcpb::SubscribeResponse ev;
    while (reader->Read(&ev)) {
    }
    reader->Finish();
    // Ended by Stop, well before the client's 30 s deadline.
    EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(10));
}

}  // namespace
}  // namespace iost::rpc
