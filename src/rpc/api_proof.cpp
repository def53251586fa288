// POST /getProof (docs/state.md "Proofs", docs/http.md): one state key's
// value, or its absence, with the state-tree nodes that prove it against the
// state_root of a final block. The block's hash covers its state_root and
// its certificate (/getBlockByNumber, /getCertificate) signs the hash, so a
// client that trusts the validator set trusts the value without trusting
// this node.
//
// Consistency without a lock: the API reads while the driver commits. The
// proof is built, then checked against the head read before it; a commit in
// between makes that check fail, and the read is retried on the new head.
// A proof is only ever returned after it verified.
//
// GET /getStateRoot/{number}: the state root this node recorded at a height.
#include <ledger/trie.h>
#include <rpc/api_internal.h>

namespace iost::rpc {
namespace {

constexpr size_t kMaxProofBody = 16 << 10;
constexpr int kAttempts = 5;

std::string Hex(std::string_view s) { return util::ToHex(util::AsBytes(s)); }

Response Proof(node::Node& n, const Request& r) {
    auto body = ParseBodyObject(r.body, kMaxProofBody);
    if (!body) return BadRequest(body.error().message);
    const auto key_it = body->find("key");
    const auto hex_it = body->find("key_hex");
    const bool has_key = key_it != body->end() && !key_it->is_null();
    const bool has_hex = hex_it != body->end() && !hex_it->is_null();
    if (has_key == has_hex) {
        return BadRequest(
            "give exactly one of key (a state key, e.g. \"tb/iost/admin\") and "
            "key_hex (its bytes in hex)");
    }
    std::string key;
    if (has_key) {
        if (!key_it->is_string()) return BadRequest("key: must be a string");
        key = key_it->get<std::string>();
    } else {
        if (!hex_it->is_string()) return BadRequest("key_hex: must be a hex string");
        auto raw = util::FromHex(hex_it->get<std::string>());
        if (!raw) return BadRequest("key_hex: " + raw.error().message);
        key.assign(raw->begin(), raw->end());
    }
    if (key.empty() || key.size() > storage::kMaxStateKeyBytes) {
        return BadRequest("key: 1 to " + std::to_string(storage::kMaxStateKeyBytes) + " bytes");
    }
    if (!ledger::IsTreeEntry(key)) {
        return BadRequest("key: tree nodes and the stored root are not state entries");
    }
    const ledger::StateReader& st = n.state();
    for (int attempt = 0; attempt < kAttempts; ++attempt) {
        const auto head = n.blocks().GetHead();
        if (!head) return NotFound("no final block yet");
        crypto::Hash256 root{};
        std::copy(head->state_root.begin(), head->state_root.end(), root.begin());
        const auto value = st.Get(key);
        const auto proof = ledger::ProveKey(st, key);
        if (!ledger::VerifyProof(root, key, value, proof).ok()) continue;  // a commit raced
        json nodes = json::array();
        for (const auto& node : proof.nodes) nodes.push_back(Hex(node));
        json j;
        j["key"] = Hex(key);
        j["exists"] = value.has_value();
        j["value"] = value ? json(Hex(*value)) : json(nullptr);
        j["height"] = U64(head->height);
        crypto::Hash256 block_hash{};
        std::copy(head->hash.begin(), head->hash.end(), block_hash.begin());
        j["block_hash"] = crypto::HashToBase58(block_hash);
        j["state_root"] = util::ToHex(crypto::View(root));
        j["proof"] = std::move(nodes);
        return JsonOk(j);
    }
    return Response::Error(503, 14, "state changed during every attempt; retry");
}

// GET /getStateRoot/{number}: the root of this node's own state after final
// block `number`, as it recorded it when it executed (or, below a state
// sync's snapshot, installed) that block. Equal roots on two nodes mean
// equal states; the functional state-sync test compares a joiner with the
// validators this way (docs/state.md "Tests and numbers").
Response StateRootAt(node::Node& n, const Request& r) {
    auto num = ParseU64(r.params[0], "number");
    if (!num) return BadRequest(num.error().message);
    auto root = n.blocks().GetStateRoot(*num);
    if (!root) return StorageError("state root", root.error());
    if (!root->has_value()) {
        return NotFound("no state root for height " + std::to_string(*num) + " (final height is " +
                        std::to_string(n.driver().Status().height) + ")");
    }
    json j;
    j["number"] = U64(*num);
    j["state_root"] = util::ToHex(util::ByteView((*root)->data(), (*root)->size()));
    return JsonOk(j);
}

}  // namespace

void RegisterProofApi(ApiContext& ctx) {
    node::Node* n = ctx.node;
    ctx.Post("/getProof", [n](const Request& r) { return Proof(*n, r); });
    ctx.Get("/getStateRoot/{number}", [n](const Request& r) { return StateRootAt(*n, r); });
}

}  // namespace iost::rpc
