// The explorer (docs/explorer.md): iserver serves the web app embedded from
// web/explorer/ under /explorer/ on its HTTP port, and one PoB endpoint the
// app needs beside IOST's: GET /getPoBBlock/{number}, a final block as PoB
// builds it (the MicroBlocks it references with their transactions, direct
// fallback transactions, exclusions, compensations, evidence count), which
// IOST's Block shape has no place for.
// Thread contract: handlers run on HTTP workers; the files are immutable.
#include <crypto/hash.h>
#include <node/stored_block.h>
#include <rpc/api_internal.h>
#include <rpc/explorer_assets.h>

#include <string>
#include <string_view>

namespace iost::rpc {
namespace {

Response PoBBlock(node::Node& n, const Request& r) {
    auto height = ParseU64(r.params.at(0), "number");
    if (!height) return BadRequest(height.error().message);
    // Its MicroBlocks are gone below the pruned floor: 410, as /getBlockByNumber.
    if (auto gone = PrunedBody(n, *height, "block " + std::to_string(*height) + "'s body"))
        return *gone;
    auto b = LoadBlock(n, *height, WithTxs::kNo);
    if (!b) return Response::Error(500, 2, b.error().message);
    if (!*b) {
        return BadRequest("block " + std::to_string(*height) + " not found (final height is " +
                          std::to_string(n.driver().Status().height) + ")");
    }
    // The MicroBlocks through the one reader of stored blocks (node/stored_block.h).
    auto stored = node::LoadStoredBlock(n.blocks(), *height, node::WithMicros::kYes);
    if (!stored) {
        if (auto gone = PrunedBody(n, *height, "block " + std::to_string(*height) + "'s body"))
            return *gone;
        return Response::Error(500, 2, stored.error().detail);
    }
    const core::FinalBlock& fb = (*b)->block;
    json mbs = json::array();
    for (const auto& mp : stored->micros) {
        const core::MicroBlock& m = *mp;
        json hashes = json::array();
        for (const auto& h : m.tx_hashes) hashes.push_back(crypto::HashToBase58(h));
        mbs.push_back({{"producer", m.header.producer},
                       {"seq", U64(m.header.seq)},
                       {"epoch", U64(m.header.epoch)},
                       {"hash", crypto::HashToBase58(m.hash)},
                       {"time", I64(m.header.time)},
                       {"base_final_height", U64(m.header.base_final_height)},
                       {"tx_count", m.header.tx_count},
                       {"tx_hashes", std::move(hashes)}});
    }
    auto refs = [&](const std::vector<core::TxRef>& list) {
        json a = json::array();
        for (const auto& t : list) {
            a.push_back({{"height", U64(*height)},
                         {"tx_hash", crypto::HashToBase58(t.tx_hash)},
                         {"evidence_id", crypto::HashToBase58(t.evidence_id)}});
        }
        return a;
    };
    json j;
    j["number"] = U64(fb.height);
    j["hash"] = crypto::HashToBase58((*b)->hash);
    j["epoch"] = U64(fb.epoch);
    j["view"] = U64(fb.view);
    j["proposer"] = fb.proposer;
    j["time"] = I64(fb.time);
    j["tx_count"] = (*b)->tx_hashes.size();
    j["micro_blocks"] = std::move(mbs);
    j["direct_tx_count"] = fb.direct_txs.size();
    j["fallback"] = fb.fallback;
    j["excluded"] = refs(fb.excluded);
    j["compensated"] = refs(fb.compensated);
    j["evidence_count"] = fb.evidence.size();
    // docs/pob.md §4.1 vote accounting: who committed block height − 1, as
    // this block records it for the chain: bitmap positions in that block's
    // normal league (election order), with their names when that is the
    // current epoch's league (else only the positions). null when absent.
    json lc = nullptr;
    if (fb.last_commit) {
        const auto s = n.driver().Status();
        const uint64_t L = n.genesis().pob.epoch_length;
        const bool named = L > 0 && fb.height >= 2 && (fb.height - 2) / L == s.epoch;
        json idx = json::array();
        json names = json::array();
        for (size_t i : fb.last_commit->cert.Signers()) {
            idx.push_back(i);
            if (named && i < s.normal.size()) names.push_back(s.normal[i]);
        }
        lc = {{"height", U64(fb.height - 1)},
              {"commit_view", U64(fb.last_commit->view)},
              {"signer_indexes", std::move(idx)},
              {"signers", std::move(names)}};
    }
    j["last_commit"] = std::move(lc);
    return JsonOk(j);
}

const EmbeddedFile* FindFile(std::string_view path) {
    for (size_t i = 0; i < kExplorerFileCount; ++i) {
        if (path == kExplorerFiles[i].path) return &kExplorerFiles[i];
    }
    return nullptr;
}

Response ServeFile(std::string_view path) {
    const EmbeddedFile* f = FindFile(path);
    if (f == nullptr) return Response::Error(404, 5, "no such explorer file: " + std::string(path));
    Response r;
    r.status = 200;
    r.body.assign(reinterpret_cast<const char*>(f->data), f->size);
    r.content_type = f->mime;
    // The files change only with the binary; revalidate on every load so an
    // upgraded node never serves a stale app from the browser's cache.
    r.headers.emplace_back("Cache-Control", "no-cache");
    return r;
}

}  // namespace

void RegisterExplorerApi(ApiContext& ctx) {
    node::Node* n = ctx.node;
    ctx.Get("/getPoBBlock/{number}", [n](const Request& r) { return PoBBlock(*n, r); });
}

void MountExplorerFiles(HttpServer& server) {
    // Static files: not counted as API endpoints (no ctx.Get), like "/", and
    // HTTP only (the gRPC transport serves the endpoint table alone).
    // "/explorer" -> "/explorer/", so the page's relative links resolve.
    server.Handle("GET", "/explorer", [](const Request&) {
        Response r;
        r.status = 301;
        r.content_type = "text/plain; charset=utf-8";
        r.body = "see /explorer/\n";
        r.headers.emplace_back("Location", "/explorer/");
        return r;
    });
    server.Handle("GET", "/explorer/", [](const Request&) { return ServeFile("index.html"); });
    server.Handle("GET", "/explorer/{file}",
                  [](const Request& r) { return ServeFile(r.params.at(0)); });
}

}  // namespace iost::rpc
