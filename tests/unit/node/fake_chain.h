// A block-store record of a made-up chain for the snapshot tests: hashes and
// bodies are fixed functions of the height, the state writes and root are
// real (the caller commits them to its ledger::CommitStateTree). Shared by
// tests/unit/node/snapshot_test.cpp and the snapshot crash writer
// (tests/integration/snapshot_crash_writer.cpp), so both write what a node's
// store holds in the same shape.
#pragma once

#include <crypto/hash.h>
#include <ledger/state.h>
#include <storage/block_store.h>
#include <util/bytes.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>

namespace iost::node::testing {

inline storage::Hash32 H32(uint64_t a) {
    storage::Hash32 h{};
    for (int i = 0; i < 8; ++i) h[static_cast<size_t>(i)] = static_cast<uint8_t>(a >> (8 * i));
    h[31] = 0x5a;
    return h;
}

inline util::Bytes B(const std::string& s) { return util::Bytes(s.begin(), s.end()); }

// Block h (0 = genesis) with the state writes `ws` and the state root after
// them; every block above genesis has a certificate, one receipt and a
// checkpoint.
inline storage::FinalizedBlockRecord FakeBlockRecord(uint64_t h, const crypto::Hash256& root,
                                                     const ledger::WriteSet& ws) {
    storage::FinalizedBlockRecord r;
    r.height = h;
    r.hash = H32(h + 1000);
    r.prev_hash = h == 0 ? storage::Hash32{} : H32(h - 1 + 1000);
    r.encoded_block = B("block " + std::to_string(h));
    if (h > 0) r.encoded_certificate = B("cert " + std::to_string(h));
    std::copy(root.begin(), root.end(), r.state_root.begin());
    for (const auto& [k, v] : ws) {
        storage::StateWrite w;
        w.key = B(k);
        if (v) w.value = B(*v);
        r.state_writes.push_back(std::move(w));
    }
    if (h > 0) {
        r.txs.push_back({H32(h * 7 + 1), B("receipt")});
        r.checkpoint = B("checkpoint at " + std::to_string(h));
    }
    return r;
}

}  // namespace iost::node::testing
