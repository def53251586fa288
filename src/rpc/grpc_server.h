// GrpcServer: the node's API over gRPC (docs/grpc.md), IOST's ApiService
// (proto/rpc.proto: go-iost's package rpcpb, its method, message and field
// names and numbers) on port 30002 by default, so go-iost's iwallet, pyost,
// the Go SDK and other clients generated from IOST's proto can connect.
//
// One implementation: every method calls the endpoint of the same name in
// the API's table (api_internal.h, shared with the HTTP server). The request
// message becomes the gateway's view of the call (path parameters from the
// fields the HTTP pattern names, the message as proto-JSON for POST bodies),
// and the endpoint's JSON answer — already go-iost's protojson shape — is
// parsed into the response message; an error answer {"code","message"}
// becomes a gRPC status with that code. Subscribe streams the same event
// feed as POST /subscribe. Methods whose endpoint the table lacks answer
// UNIMPLEMENTED, as the HTTP server answers an unknown path.
//
// gRPC and protobuf headers stay in grpc_server.cpp (pimpl).
//
// Thread contract: Start/Stop/port are for the owning thread. Calls run on
// gRPC's own threads and read the node only through the API's thread-safe
// handlers; the node and the API table must outlive Stop(), which ends every
// Subscribe stream and waits for in-flight calls. The destructor Stop()s.
#pragma once

#include <rpc/api.h>
#include <util/log.h>
#include <util/result.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace iost::rpc {

struct GrpcServerOptions {
    std::string address = "127.0.0.1";
    uint16_t port = 0;  // 0: an ephemeral port, see GrpcServer::port()
    // Largest request message; go-iost's ApiService takes transactions of at
    // most 64 KiB, so 4 MiB (gRPC's default) is ample.
    size_t max_message_bytes = 4 << 20;
    // Per Subscribe stream: queued but unsent event bytes before the
    // subscriber is dropped (as the HTTP server's max_stream_buffer_bytes).
    size_t max_stream_buffer_bytes = 1 << 20;
    // Stop(): in-flight calls get this long before they are cancelled.
    std::chrono::milliseconds stop_grace{2'000};
    util::Logger logger = util::Logger::Null();
};

class GrpcServer {
  public:
    GrpcServer(GrpcServerOptions options, std::shared_ptr<ApiContext> api);
    ~GrpcServer();
    GrpcServer(const GrpcServer&) = delete;
    GrpcServer& operator=(const GrpcServer&) = delete;

    // Binds and starts serving. Errors: bad address, port in use, already started.
    util::Status Start();
    // Ends Subscribe streams, lets calls finish (up to stop_grace), cancels
    // the rest and joins gRPC's threads. Idempotent.
    void Stop();
    // The bound port (useful with port 0); 0 before Start().
    uint16_t port() const;

    class Impl;

  private:
    std::unique_ptr<Impl> m_impl;
};

}  // namespace iost::rpc
