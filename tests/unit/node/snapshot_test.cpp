// Snapshot files, their wire messages and the state sync plan
// (docs/state.md "Snapshot files", "State sync"): a snapshot written from a
// store's view verifies piece by piece against the certified root and holds
// the whole state; a torn manifest, a damaged piece or an unfinished write
// is detected and dropped; every decoder refuses truncated, extended or
// out-of-range input; the plan needs agreeing peers, spreads requests and
// re-asks a bad peer's piece of another peer; the install survives a crash
// at any step.
#include <gtest/gtest.h>
#include <ledger/trie.h>
#include <node/snapshot.h>
#include <node/snapshot_wire.h>
#include <node/state_sync.h>
#include <storage/block_store.h>
#include <storage/state_store.h>

#include <filesystem>
#include <fstream>

#include "fake_chain.h"
#include "node_test_util.h"

namespace iost::node {
namespace {

namespace fs = std::filesystem;

using testing::B;
using testing::FakeBlockRecord;
using testing::H32;

// A store with a real state tree: genesis with `accounts` entries, then
// `blocks` blocks that each change a few of them, each with a checkpoint.
struct TestChain {
    storage::MemKvStore kv;
    std::unique_ptr<storage::BlockStore> store;
    ledger::MemState state;  // mirror
    crypto::Hash256 root{};

    void Apply(uint64_t h, ledger::WriteSet ws) {
        root = ledger::CommitStateTree(state, ws);
        state.Apply(ws);
        storage::FinalizedBlockRecord r = FakeBlockRecord(h, root, ws);
        if (h > 0) r.refused_txs.push_back(H32(h * 7 + 2));
        ASSERT_TRUE((h == 0 ? store->InitGenesis(r) : store->CommitFinalized(r)).ok());
    }

    void Build(int accounts, uint64_t blocks) {
        store = storage::BlockStore::Open(kv).value();
        ledger::WriteSet g;
        for (int i = 0; i < accounts; ++i)
            g["tb/acct" + std::to_string(i)] = "balance " + std::to_string(i * 31);
        Apply(0, g);
        for (uint64_t h = 1; h <= blocks; ++h) {
            ledger::WriteSet ws;
            for (int j = 0; j < 5; ++j)
                ws["tb/acct" + std::to_string((h * 13 + j * 101) % accounts)] =
                    "v" + std::to_string(h) + "/" + std::to_string(j);
            ws["tb/new" + std::to_string(h)] = "fresh";
            if (h % 3 == 0) ws["tb/acct" + std::to_string(h)] = std::nullopt;
            Apply(h, ws);
        }
    }

    std::map<std::string, std::string> TreeEntries() const {
        std::map<std::string, std::string> out;
        for (const auto& [k, v] : state.entries()) {
            if (ledger::IsTreeEntry(k)) out[k] = v;
        }
        return out;
    }
};

SnapshotManifest WriteAndLoad(TestChain& c, const std::string& dir, uint64_t window = 8) {
    auto view = c.kv.Snapshot();
    EXPECT_TRUE(view.ok());
    SnapshotWriteOptions wo;
    wo.window = window;
    auto h = WriteSnapshot(**view, dir, wo);
    EXPECT_TRUE(h.ok()) << h.error().message;
    SnapshotStore s(dir, 2, util::Logger::Null());
    s.Reload();
    auto m = s.Manifest(0);
    EXPECT_TRUE(m.has_value());
    return m ? *m : SnapshotManifest{};
}

TEST(Snapshot, EveryPieceVerifiesAndTheStateChunksHoldTheWholeState) {
    TestChain c;
    c.Build(3'000, 20);
    testing::TempDir dir;
    const SnapshotManifest m = WriteAndLoad(c, dir.str());
    EXPECT_EQ(m.height, 20u);
    EXPECT_EQ(m.state_root, c.root);
    EXPECT_EQ(m.window_first, 12u);
    EXPECT_EQ(m.window_parts(), 1u);
    EXPECT_EQ(util::AsString(m.checkpoint), "checkpoint at 20");
    SnapshotStore s(dir.str(), 2, util::Logger::Null());
    s.Reload();
    std::map<std::string, std::string> got;
    for (uint32_t i = 0; i < m.pieces(); ++i) {
        auto bytes = s.Piece(20, i);
        ASSERT_TRUE(bytes.has_value()) << i;
        auto p = VerifyPiece(m, i, *bytes);
        ASSERT_TRUE(p.ok()) << i << ": " << p.error().message;
        for (const auto& [k, v] : p->entries) EXPECT_TRUE(got.emplace(k, v).second) << k;
        if (!p->is_state) {
            ASSERT_EQ(p->window.size(), 9u);
            EXPECT_EQ(p->window.front().height, 12u);
            EXPECT_EQ(p->window.back().refused.size(), 1u);
        }
    }
    EXPECT_EQ(got, c.TreeEntries());
    // The view was of height 20: a block committed after it is not in it.
    auto view = c.kv.Snapshot();
    c.Apply(21, {{"tb/late", "x"}});
    SnapshotWriteOptions wo;
    wo.window = 8;
    testing::TempDir dir2;
    ASSERT_EQ(*WriteSnapshot(**view, dir2.str(), wo), 20u);
}

TEST(Snapshot, ATamperedChunkFailsAgainstTheRootEvenWithAMatchingHash) {
    TestChain c;
    c.Build(500, 4);
    testing::TempDir dir;
    SnapshotManifest m = WriteAndLoad(c, dir.str());
    SnapshotStore s(dir.str(), 2, util::Logger::Null());
    s.Reload();
    auto bytes = *s.Piece(m.height, 0);
    auto p = *DecodePiece(bytes);
    ASSERT_FALSE(p.entries.empty());
    // A liar changes a value and publishes a manifest naming its piece's
    // hash: the hash check passes, the root check must not.
    p.entries[0].second += "!";
    const util::Bytes forged = EncodePiece(p);
    SnapshotManifest lie = m;
    lie.piece_hashes[0] = crypto::Sha3_256(forged);
    auto r = VerifyPiece(lie, 0, forged);
    ASSERT_FALSE(r.ok());
    // Control: the untouched piece under the honest manifest verifies, and
    // the forged piece under the honest manifest fails on its hash.
    EXPECT_TRUE(VerifyPiece(m, 0, bytes).ok());
    EXPECT_FALSE(VerifyPiece(m, 0, forged).ok());
    // A dropped entry, an entry of another chunk, a wrong index.
    auto q = *DecodePiece(bytes);
    q.entries.pop_back();
    const util::Bytes short_piece = EncodePiece(q);
    lie.piece_hashes[0] = crypto::Sha3_256(short_piece);
    EXPECT_FALSE(VerifyPiece(lie, 0, short_piece).ok());
    EXPECT_FALSE(VerifyPiece(m, 1, bytes).ok());
    EXPECT_FALSE(VerifyPiece(m, m.pieces(), bytes).ok());
}

TEST(Snapshot, TornManifestDamagedPieceAndUnfinishedWriteAreDroppedNotServed) {
    TestChain c;
    c.Build(400, 6);
    testing::TempDir dir;
    const SnapshotManifest m = WriteAndLoad(c, dir.str());
    const fs::path snap = fs::path(dir.str()) / std::to_string(m.height);
    // Damaged piece: served never, and the snapshot is dropped.
    {
        const fs::path piece = snap / "chunk-0";
        auto size = fs::file_size(piece);
        fs::resize_file(piece, size - 1);
        SnapshotStore s(dir.str(), 2, util::Logger::Null());
        s.Reload();
        ASSERT_TRUE(s.Manifest(m.height).has_value());
        EXPECT_FALSE(s.Piece(m.height, 0).has_value());
        EXPECT_FALSE(s.Manifest(m.height).has_value());
        EXPECT_FALSE(fs::exists(snap));
    }
    // Torn manifest (a crash while writing it): the snapshot is ignored.
    WriteAndLoad(c, dir.str());
    ASSERT_TRUE(fs::exists(snap / "MANIFEST"));
    fs::resize_file(snap / "MANIFEST", fs::file_size(snap / "MANIFEST") / 2);
    {
        SnapshotStore s(dir.str(), 2, util::Logger::Null());
        s.Reload();
        EXPECT_TRUE(s.Heights().empty());
        EXPECT_FALSE(fs::exists(snap));
    }
    // One flipped byte of the manifest: likewise.
    WriteAndLoad(c, dir.str());
    {
        std::fstream f(snap / "MANIFEST", std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(20);
        f.put('\x7f');
    }
    {
        SnapshotStore s(dir.str(), 2, util::Logger::Null());
        s.Reload();
        EXPECT_TRUE(s.Heights().empty());
    }
    // An unfinished write (.tmp) is removed; a complete one is kept.
    fs::create_directories(fs::path(dir.str()) / "99.tmp");
    WriteAndLoad(c, dir.str());
    SnapshotStore s(dir.str(), 2, util::Logger::Null());
    s.Reload();
    EXPECT_FALSE(fs::exists(fs::path(dir.str()) / "99.tmp"));
    EXPECT_EQ(s.Heights(), std::vector<uint64_t>{m.height});
}

TEST(Snapshot, ChunkDepthGrowsWithTheState) {
    TestChain small;
    small.Build(50, 2);
    testing::TempDir d1;
    EXPECT_EQ(WriteAndLoad(small, d1.str()).depth, 0);
    TestChain big;
    big.Build(20'000, 2);  // ~0.7 MB of entries: more than one chunk's target
    testing::TempDir d2;
    const auto m = WriteAndLoad(big, d2.str());
    EXPECT_GE(m.depth, 1);
    EXPECT_EQ(m.piece_hashes.size(), m.pieces());
}

TEST(SnapshotWire, RoundTripsAndRefusesEveryTruncationAndTrailingByte) {
    TestChain c;
    c.Build(300, 3);
    testing::TempDir dir;
    SnapshotManifest m = WriteAndLoad(c, dir.str());
    m.certificate = B("a certificate");
    const util::Bytes man = EncodeManifestMsg({m});
    auto back = DecodeManifestMsg(man);
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(EncodeManifest(*back->manifest), EncodeManifest(m));
    EXPECT_EQ(ManifestCoreHash(*back->manifest), ManifestCoreHash(m));
    SnapshotManifest other_cert = m;
    other_cert.certificate = B("another signer set");
    EXPECT_EQ(ManifestCoreHash(other_cert), ManifestCoreHash(m));
    other_cert.checkpoint.push_back(1);
    EXPECT_NE(ManifestCoreHash(other_cert), ManifestCoreHash(m));
    EXPECT_FALSE(DecodeManifestMsg(EncodeManifestMsg({})).value().manifest.has_value());

    const util::Bytes piece = util::Bytes(100, 7);
    const std::vector<util::Bytes> good = {EncodeGetManifest({42}), man, EncodeGetChunk({42, 7}),
                                           EncodeChunkMsg({42, 7, piece}),
                                           EncodeChunkMsg({42, 7, std::nullopt})};
    auto decodes = [&](size_t kind, const util::Bytes& b) {
        switch (kind) {
            case 0:
                return DecodeGetManifest(b).ok();
            case 1:
                return DecodeManifestMsg(b).ok();
            case 2:
                return DecodeGetChunk(b).ok();
            default:
                return DecodeChunkMsg(b).ok();
        }
    };
    for (size_t k = 0; k < good.size(); ++k) {
        ASSERT_TRUE(decodes(k, good[k])) << k;
        for (size_t n = 0; n < good[k].size(); ++n) {
            EXPECT_FALSE(decodes(k, util::Bytes(good[k].begin(), good[k].begin() + n)))
                << k << " truncated to " << n;
        }
        util::Bytes longer = good[k];
        longer.push_back(0);
        EXPECT_FALSE(decodes(k, longer)) << k;
    }
    EXPECT_EQ(DecodeChunkMsg(good[3]).value().piece, piece);
    // Out of range: height 0 chunk request, a flag of 2, a negative index.
    EXPECT_FALSE(DecodeGetChunk(EncodeGetChunk({0, 1})).ok());
    util::Bytes flag = good[4];
    flag.back() = 2;
    EXPECT_FALSE(DecodeChunkMsg(flag).ok());
    EXPECT_FALSE(DecodeGetChunk(EncodeGetChunk({5, 0x80000000u})).ok());
    // A manifest naming too few piece hashes, or a depth above 3.
    SnapshotManifest bad = m;
    bad.piece_hashes.pop_back();
    EXPECT_FALSE(DecodeManifest(EncodeManifest(bad)).ok());
    bad = m;
    bad.depth = 4;
    EXPECT_FALSE(DecodeManifest(EncodeManifest(bad)).ok());
    bad = m;
    bad.window_first = m.height + 1;
    EXPECT_FALSE(DecodeManifest(EncodeManifest(bad)).ok());
}

SnapshotManifest FakeManifest(uint64_t height, uint32_t parts_extra = 0) {
    SnapshotManifest m;
    m.height = height;
    m.depth = 1;
    m.window_first = height;
    m.piece_hashes.resize(16 + 1 + parts_extra);
    m.checkpoint = B("cp");
    m.block = B("b");
    return m;
}

TEST(StateSyncPlan, NeedsAgreeingPeersAndTakesTheHighestAgreedHeight) {
    StateSyncOptions o;
    o.min_agree = 2;
    StateSyncPlan p(o);
    p.Offer("a", FakeManifest(100));
    EXPECT_EQ(p.Choose(0), nullptr);  // one peer alone is not enough
    auto lie = FakeManifest(200);
    lie.checkpoint = B("forged");
    p.Offer("liar", lie);
    EXPECT_EQ(p.Choose(0), nullptr);
    p.Offer("b", FakeManifest(100));
    ASSERT_NE(p.Choose(0), nullptr);
    EXPECT_EQ(p.chosen()->height, 100u);
    EXPECT_EQ(p.Holders(0), (std::vector<std::string>{"a", "b"}));
}

TEST(StateSyncPlan, SpreadsPiecesAndReasksABadPeersPieceOfAnother) {
    StateSyncOptions o;
    o.min_agree = 2;
    o.in_flight_per_peer = 2;
    o.request_timeout_ns = 1'000;
    StateSyncPlan p(o);
    for (const char* peer : {"a", "b", "c"}) p.Offer(peer, FakeManifest(10));
    ASSERT_NE(p.Choose(0), nullptr);
    const std::vector<std::string> conn = {"a", "b", "c"};
    auto reqs = p.Plan(conn, 0);
    ASSERT_EQ(reqs.size(), 6u);  // 2 per peer
    std::map<std::string, int> per;
    for (const auto& r : reqs) ++per[r.peer];
    EXPECT_EQ(per, (std::map<std::string, int>{{"a", 2}, {"b", 2}, {"c", 2}}));
    // a sends a bad piece: it is out, its pieces go to b and c.
    const uint32_t bad_index = [&] {
        for (const auto& r : reqs)
            if (r.peer == "a") return r.index;
        return 0u;
    }();
    p.Received("a", bad_index, false, 10);
    EXPECT_TRUE(p.IsBad("a", 10));
    for (const auto& r : reqs)
        if (r.peer != "a") p.Received(r.peer, r.index, true, 10);
    EXPECT_EQ(p.done(), 4u);
    bool reasked = false;
    for (int round = 0; round < 20 && !p.complete(); ++round) {
        for (const auto& r : p.Plan(conn, 20 + round)) {
            EXPECT_NE(r.peer, "a");
            if (r.index == bad_index) reasked = true;
            p.Received(r.peer, r.index, true, 20 + round);
        }
    }
    EXPECT_TRUE(reasked);
    EXPECT_TRUE(p.complete());
    EXPECT_EQ(p.done(), 17u);
}

TEST(StateSyncPlan, TimeoutsAndRefusalsGoToAnotherPeer) {
    StateSyncOptions o;
    o.min_agree = 2;
    o.in_flight_per_peer = 1;
    o.request_timeout_ns = 1'000;
    StateSyncPlan p(o);
    p.Offer("a", FakeManifest(10));
    p.Offer("b", FakeManifest(10));
    ASSERT_NE(p.Choose(0), nullptr);
    auto r1 = p.Plan({"a", "b"}, 0);
    ASSERT_EQ(r1.size(), 2u);
    const auto silent = r1[0];
    p.NotHave(r1[1].peer, r1[1].index);
    // After the timeout the silent peer's piece goes to the other one.
    auto r2 = p.Plan({"a", "b"}, 2'000);
    bool moved = false;
    for (const auto& r : r2) {
        if (r.index == silent.index) {
            EXPECT_NE(r.peer, silent.peer);
            moved = true;
        }
    }
    EXPECT_TRUE(moved);
    // A peer that disconnects is not planned for.
    auto r3 = p.Plan({"b"}, 2'000);
    for (const auto& r : r3) EXPECT_EQ(r.peer, "b");
}

TEST(StateSyncInstall, AKillAtAnyStepLeavesAStoreThatStartsOver) {
    testing::TempDir dir;
    storage::MemKvStore kv;
    auto store = storage::BlockStore::Open(kv).value();
    ASSERT_TRUE(store->BeginStateInstall(50).ok());
    std::vector<storage::StateWrite> w(3);
    for (size_t i = 0; i < w.size(); ++i) {
        w[i].key = B("k" + std::to_string(i));
        w[i].value = B("v");
    }
    ASSERT_TRUE(store->WriteInstallState(w).ok());
    // "Crash" here: a reopened store sees the marker, no head, a partial state.
    auto reopened = storage::BlockStore::Open(kv).value();
    EXPECT_FALSE(reopened->GetHead().has_value());
    EXPECT_EQ(reopened->PendingStateInstall().value(), std::optional<uint64_t>{50});
    ASSERT_TRUE(reopened->AbortStateInstall().ok());
    EXPECT_FALSE(reopened->PendingStateInstall().value().has_value());
    storage::StateStore state(kv);
    int left = 0;
    ASSERT_TRUE(state
                    .Scan({},
                          [&](util::ByteView, util::ByteView) {
                              ++left;
                              return true;
                          })
                    .ok());
    EXPECT_EQ(left, 0);
    // A fresh install to the end: head, floor, checkpoint, window lists.
    ASSERT_TRUE(reopened->BeginStateInstall(5).ok());
    ASSERT_TRUE(reopened->WriteInstallState(w).ok());
    storage::SnapshotInstall in;
    in.genesis.height = 0;
    in.genesis.hash = H32(1);
    in.genesis.encoded_block = B("genesis");
    for (uint64_t h = 2; h <= 5; ++h) {
        storage::FinalizedBlockRecord r;
        r.height = h;
        r.refused_txs.push_back(H32(h + 77));
        if (h >= 4) {
            r.hash = H32(h + 100);
            r.encoded_block = B("block");
            r.encoded_certificate = B("cert");
        }
        if (h == 5) r.checkpoint = B("cp");
        in.blocks.push_back(r);
    }
    // The install must end with the full head block carrying the checkpoint.
    auto broken = in;
    broken.blocks.back().checkpoint.clear();
    EXPECT_FALSE(reopened->FinishStateInstall(broken).ok());
    ASSERT_TRUE(reopened->FinishStateInstall(in).ok());
    auto done = storage::BlockStore::Open(kv).value();  // VerifyHead passes
    ASSERT_TRUE(done->GetHead().has_value());
    EXPECT_EQ(done->GetHead()->height, 5u);
    EXPECT_EQ(done->PrunedFloor(), 4u);
    EXPECT_EQ(done->GetCheckpoint().value()->height, 5u);
    EXPECT_TRUE(done->GetBlockRefusedTxHashes(2).value().has_value());
    EXPECT_FALSE(done->PendingStateInstall().value().has_value());
    // A second install into a store with a head is refused.
    EXPECT_FALSE(done->BeginStateInstall(9).ok());
}

}  // namespace
}  // namespace iost::node
