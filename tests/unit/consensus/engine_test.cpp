// One engine alone (docs/pob.md §1, §6): it starts, arms its timers, and
// hostile input — malformed, unsigned, mis-signed, out-of-range messages and
// null payloads — changes nothing and crashes nothing. Also the canonical
// FinalBlock encoding with every field populated.
#include <consensus/engine.h>
#include <core/block.h>
#include <core/codec.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

namespace iost::consensus {
namespace {

class StubApp final : public Application {
  public:
    explicit StubApp(std::vector<Candidate> c) : m_cands(std::move(c)) {}
    util::Status CheckTx(const core::Tx&) override { return util::Ok(); }
    util::Status CheckTxBytes(const core::Tx&) override { return util::Ok(); }
    ExecResult Execute(const ExecInput& in) override {
        ExecResult r;
        r.state_root = core::MerkleRoot(in.tx_hashes);
        return r;
    }
    void Commit(const ExecInput&, const ExecResult&) override { ++commits; }
    std::vector<Candidate> Candidates() override { return m_cands; }
    int64_t BondedStake(const std::string&) override { return 0; }
    int commits = 0;

  private:
    std::vector<Candidate> m_cands;
};

struct Net : ::testing::Test {
    std::vector<crypto::KeyPair> keys;
    std::vector<Candidate> cands;
    Params params;
    void SetUp() override {
        for (int i = 0; i < 4; ++i) {
            keys.push_back(
                crypto::KeyPair::FromSeed(crypto::Algorithm::kEd25519, "eng" + std::to_string(i)));
            cands.push_back({"node" + std::to_string(i), keys.back().public_key(), 10, 10});
        }
        params.believable_size = 0;  // one league: four normal validators
        params.normal_size = 4;
    }
};

TEST_F(Net, StartsAndArmsTimers) {
    StubApp app(cands);
    crypto::KeyPairSigner signer(keys[0]);
    Engine e({"node0", params, {}, 0}, signer, crypto::RealVerifier(), app, util::Logger::Null());
    const Effects fx = e.Start(1'000);
    EXPECT_EQ(e.committee().normal.size(), 4u);
    EXPECT_TRUE(e.committee().believable.empty());
    bool view_timer = false;
    for (const auto& f : fx) {
        if (auto* t = std::get_if<SetTimer>(&f)) view_timer |= t->id.kind == TimerKind::kView;
    }
    EXPECT_TRUE(view_timer);
    EXPECT_EQ(e.height(), 0u);
}

// docs/pob.md §5.5: every transaction a node sees is kept until final or
// expired, within the node's caps (per publisher, then in all); with
// keep_max_txs = 0 nothing is kept (the negative control's setting).
TEST_F(Net, KeptCopiesAreBoundedPerPublisherAndInAll) {
    for (uint32_t cap : {0u, 300u}) {
        Params p = params;
        p.keep_max_txs = cap;
        p.keep_max_per_publisher = 100;
        StubApp app(cands);
        crypto::KeyPairSigner signer(keys[0]);
        Engine e({"node0", p, {}, 0}, signer, crypto::RealVerifier(), app, util::Logger::Null());
        (void)e.Start(0);
        for (int pub = 0; pub < 5; ++pub) {
            for (int i = 0; i < 150; ++i) {
                core::Tx tx;
                tx.time = i;
                tx.expiration = 1'000'000;
                tx.publisher = "user" + std::to_string(pub);
                TxMsg m{std::make_shared<const core::Tx>(tx), false};
                (void)e.OnMessage("node1", m, 10);
            }
        }
        // 100 per publisher; 300 in all.
        EXPECT_EQ(e.kept_txs(), cap == 0 ? 0u : 300u);
    }
}

// docs/pob.md §5.2: micro_interval is the least spacing between two
// MicroBlocks of one producer, not a fixed tick. A transaction that finds the
// producer's last MicroBlock at least an interval old is PACKED at once; one
// that comes sooner waits for the tick, which is re-armed an interval after
// the early seal (the negative control: without the spacing rule the second
// transaction below would get its own MicroBlock at once).
TEST_F(Net, AProducerSealsAtOnceWhenItsLastMicroBlockIsAnIntervalOld) {
    Params p = params;
    p.believable_size = 1;  // a believable league needs B + 4 candidates: add a fifth
    p.normal_size = 4;
    p.keep_max_txs = 0;  // no copies to the normal league: only the producer's effects
    keys.push_back(crypto::KeyPair::FromSeed(crypto::Algorithm::kEd25519, "eng4"));
    cands.push_back({"node4", keys.back().public_key(), 10, 10});
    const int64_t I = p.micro_interval_ns;
    NodeId producer;
    {
        StubApp app(cands);
        crypto::KeyPairSigner signer(keys[0]);
        Engine e({"node0", p, {}, 0}, signer, crypto::RealVerifier(), app, util::Logger::Null());
        (void)e.Start(0);
        ASSERT_EQ(e.committee().believable.size(), 1u);
        producer = e.committee().believable[0].id;
    }
    const size_t idx = static_cast<size_t>(producer.back() - '0');
    StubApp app(cands);
    crypto::KeyPairSigner signer(keys[idx]);
    Engine e({producer, p, {}, 0}, signer, crypto::RealVerifier(), app, util::Logger::Null());
    (void)e.Start(0);
    auto tx = [](int i) {
        core::Tx t;
        t.time = i;
        t.expiration = INT64_MAX;
        t.publisher = "user" + std::to_string(i);
        return t;
    };
    // What one input sealed (tx counts of the MicroBlocks it broadcast) and
    // where it re-armed the micro tick (-1: not re-armed).
    struct Out {
        std::vector<size_t> sealed;
        int64_t tick = -1;
    };
    auto read = [](const Effects& fx) {
        Out o;
        for (const auto& f : fx) {
            if (auto* b = std::get_if<Broadcast>(&f)) {
                if (auto* m = std::get_if<MicroMsg>(&b->msg))
                    o.sealed.push_back(m->micro->txs.size());
            } else if (auto* t = std::get_if<SetTimer>(&f); t && t->id.kind == TimerKind::kMicro) {
                o.tick = t->at;
            }
        }
        return o;
    };
    const int64_t t0 = 10 * I;  // nothing sealed since the start: an idle producer
    Out o = read(e.OnClientTx(tx(1), t0));
    EXPECT_EQ(o.sealed, std::vector<size_t>{1});
    EXPECT_EQ(o.tick, t0 + I);
    // Half an interval later: within the spacing, so it waits for the tick.
    o = read(
        e.OnMessage("node9", TxMsg{std::make_shared<const core::Tx>(tx(2)), false}, t0 + I / 2));
    EXPECT_TRUE(o.sealed.empty());
    EXPECT_EQ(o.tick, -1);
    o = read(e.OnTimeout({TimerKind::kMicro, 0, 0}, t0 + I));
    EXPECT_EQ(o.sealed, std::vector<size_t>{1});
    EXPECT_EQ(o.tick, t0 + 2 * I);
    // A peer's TxMsg an interval after the last seal is packed at once too.
    o = read(e.OnMessage("node9", TxMsg{std::make_shared<const core::Tx>(tx(3)), false},
                         t0 + 2 * I + 1));
    EXPECT_EQ(o.sealed, std::vector<size_t>{1});
    EXPECT_EQ(o.tick, t0 + 3 * I + 1);
    EXPECT_EQ(e.stats().micro_blocks_produced, 3u);
}

TEST_F(Net, HostileMessagesChangeNothing) {
    StubApp app(cands);
    crypto::KeyPairSigner signer(keys[0]);
    Engine e({"node0", params, {}, 0}, signer, crypto::RealVerifier(), app, util::Logger::Null());
    (void)e.Start(0);
    std::mt19937_64 rng(7);
    auto rnd_hash = [&] {
        crypto::Hash256 h{};
        for (auto& b : h) b = static_cast<uint8_t>(rng());
        return h;
    };
    auto block = std::make_shared<core::FinalBlock>();
    block->height = 1;
    block->proposer = "node1";
    block->time = 5;
    for (int i = 0; i < 2'000; ++i) {
        const uint64_t h = rng() % 4;
        const uint64_t v = rng() % 3;
        Message m;
        switch (rng() % 9) {
            case 0: {  // a vote with a wrong signature
                core::SignedVote vote{static_cast<uint8_t>(1 + rng() % 2),
                                      h,
                                      v,
                                      rnd_hash(),
                                      "node" + std::to_string(rng() % 5),
                                      util::Bytes(64, 7)};
                m = VoteMsg{vote};
                break;
            }
            case 1: {  // a proposal signed by the wrong key / not the primary
                ProposalMsg p;
                p.height = h;
                p.view = v;
                p.block = rng() % 2 ? block : nullptr;
                p.block_hash = block->Hash();
                p.proposer = "node" + std::to_string(rng() % 4);
                p.sig = keys[3].Sign(crypto::View(ProposalMessage(h, v, p.block_hash)));
                m = p;
                break;
            }
            case 2: {  // a view change with a bogus prepared certificate
                ViewChangeMsg vc;
                vc.height = h;
                vc.new_view = v + 1;
                vc.voter = "node2";
                vc.prepared = PreparedCert{0, rnd_hash(), {}, rng() % 2 ? block : nullptr};
                vc.sig = keys[2].Sign(crypto::View(ViewChangeMessage(h, v + 1, vc.prepared)));
                m = vc;
                break;
            }
            case 3:
                m = EvidenceMsg{nullptr};
                break;
            case 4:
                m = MicroMsg{nullptr};
                break;
            case 5:
                m = TxMsg{nullptr, true};
                break;
            case 6:
                m = MicroRequest{{rnd_hash()}};
                break;
            case 7:
                m = SyncRequest{rng()};
                break;
            default: {
                SyncResponse r;
                r.blocks.push_back(nullptr);
                auto cb = std::make_shared<core::CertifiedBlock>();
                cb->block = *block;
                r.blocks.push_back(cb);  // no certificate
                m = r;
            }
        }
        (void)e.OnMessage("node" + std::to_string(rng() % 4), m, 10 + i);
    }
    EXPECT_EQ(e.height(), 0u);
    EXPECT_EQ(app.commits, 0);
    EXPECT_GT(e.stats().bad_messages, 0u);
    EXPECT_EQ(e.safety().prepare, std::nullopt);  // never voted for garbage
}

TEST(Block, FinalBlockRoundTripWithEveryField) {
    core::FinalBlock b;
    b.height = 9;
    b.prev_hash.fill(1);
    b.epoch = 2;
    b.view = 3;
    b.time = 123;
    b.proposer = "val01";
    b.micro_refs.push_back({"val02", 4, 6, {}});
    core::Tx tx;
    tx.time = 1;
    tx.expiration = 2;
    tx.publisher = "alice";
    b.direct_txs.push_back(tx);
    b.fallback = {"val03"};
    b.excluded.push_back({{}, {}});
    b.compensated.push_back({b.prev_hash, b.prev_hash});
    core::Evidence ev;
    ev.kind = core::EvidenceKind::kVoteEquivocation;
    ev.vote.a.voter = ev.vote.b.voter = "val05";
    b.evidence.push_back(ev);
    b.state_root.fill(9);
    const auto bytes = b.ToBytes();
    auto back = core::FinalBlock::FromBytes(bytes);
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(back->Hash(), b.Hash());
    EXPECT_EQ(back->ToBytes(), bytes);
    for (size_t cut = 0; cut < bytes.size(); cut += 11) {
        EXPECT_FALSE(core::FinalBlock::FromBytes(util::ByteView(bytes.data(), cut)).ok());
    }
    core::FinalBlock c = b;
    c.view = 4;  // every field is covered by the hash
    EXPECT_NE(c.Hash(), b.Hash());
}

// pob.md §4.2: a block without seed fields keeps the v1 encoding (and so
// the hash it had before they existed); with either it is v2; a v2 record
// without any, a seed field of another length, truncations and trailing
// bytes are refused.
TEST(Block, SeedFieldsEncodeAsV2AndHostileOnesAreRefused) {
    core::FinalBlock b;
    b.height = 9;
    b.proposer = "val01";
    const util::Bytes v1 = b.ToBytes();
    const std::string tag1 = "iost-pob-final-v1";
    EXPECT_TRUE(std::search(v1.begin(), v1.end(), tag1.begin(), tag1.end()) != v1.end());
    const crypto::Hash256 v1_hash = b.Hash();

    for (int which = 0; which < 3; ++which) {
        core::FinalBlock s = b;
        crypto::Hash256 x{};
        x.fill(7);
        if (which != 1) s.seed_commit = x;
        if (which != 0) s.seed_reveal = x;
        const util::Bytes v2 = s.ToBytes();
        const std::string tag2 = "iost-pob-final-v2";
        EXPECT_TRUE(std::search(v2.begin(), v2.end(), tag2.begin(), tag2.end()) != v2.end());
        EXPECT_NE(s.Hash(), v1_hash);
        auto back = core::FinalBlock::FromBytes(v2);
        ASSERT_TRUE(back.ok()) << back.error().message;
        EXPECT_EQ(back->seed_commit, s.seed_commit);
        EXPECT_EQ(back->seed_reveal, s.seed_reveal);
        EXPECT_EQ(back->ToBytes(), v2);
        for (size_t cut = 0; cut < v2.size(); ++cut) {
            EXPECT_FALSE(core::FinalBlock::FromBytes(util::ByteView(v2.data(), cut)).ok()) << cut;
        }
        util::Bytes longer = v2;
        longer.push_back(0);
        EXPECT_FALSE(core::FinalBlock::FromBytes(longer).ok());
    }
    // v1's bytes under the v2 tag: the seed fields are missing.
    util::Bytes relabeled = v1;
    auto pos = std::search(relabeled.begin(), relabeled.end(), tag1.begin(), tag1.end());
    ASSERT_NE(pos, relabeled.end());
    *(pos + static_cast<long>(tag1.size()) - 1) = '2';
    EXPECT_FALSE(core::FinalBlock::FromBytes(relabeled).ok());
    // ... and with two empty ones (the non-canonical "v2 without seed").
    util::Bytes empty_v2 = relabeled;
    core::Encoder tail;
    tail.WriteBytes({});
    tail.WriteBytes({});
    util::Bytes t = tail.Take();
    empty_v2.insert(empty_v2.end(), t.begin(), t.end());
    auto e = core::FinalBlock::FromBytes(empty_v2);
    ASSERT_FALSE(e.ok());
    EXPECT_NE(e.error().message.find("v1"), std::string::npos) << e.error().message;
    // A seed field of 31 bytes.
    core::FinalBlock s = b;
    s.seed_commit = crypto::Hash256{};
    util::Bytes good = s.ToBytes();
    // The commit is the second-to-last field: 4-byte length 32, then 32
    // bytes, then the empty reveal (4-byte length 0).
    util::Bytes short_field(good.begin(), good.end() - 4 - 32 - 4);
    core::Encoder f;
    f.WriteBytes(util::Bytes(31, 0));
    f.WriteBytes({});
    util::Bytes ft = f.Take();
    short_field.insert(short_field.end(), ft.begin(), ft.end());
    EXPECT_FALSE(core::FinalBlock::FromBytes(short_field).ok());
}

// pob.md §4.1: a block with a last_commit is encoded under tag v3 (the v2
// fields, seed fields possibly both empty, then the commit view and the
// certificate); without one its v1/v2 bytes are unchanged. Truncations and
// trailing bytes are refused.
TEST(Block, LastCommitEncodesAsV3AndLeavesOlderBlocksAlone) {
    core::FinalBlock b;
    b.height = 9;
    b.proposer = "val01";
    const util::Bytes v1 = b.ToBytes();
    core::FinalBlock s = b;
    s.seed_commit = crypto::Hash256{};
    const util::Bytes v2 = s.ToBytes();
    const std::string tag3 = "iost-pob-final-v3";
    for (core::FinalBlock* base : {&b, &s}) {
        core::FinalBlock x = *base;
        x.last_commit = core::FinalBlock::LastCommit{2, {{0x0B}, {{1, 2}, {3}, {4, 5, 6}}}};
        const util::Bytes v3 = x.ToBytes();
        EXPECT_TRUE(std::search(v3.begin(), v3.end(), tag3.begin(), tag3.end()) != v3.end());
        EXPECT_NE(x.Hash(), base->Hash());
        auto back = core::FinalBlock::FromBytes(v3);
        ASSERT_TRUE(back.ok()) << back.error().message;
        EXPECT_EQ(back->last_commit, x.last_commit);
        EXPECT_EQ(back->seed_commit, x.seed_commit);
        EXPECT_EQ(back->ToBytes(), v3);
        for (size_t cut = 0; cut < v3.size(); ++cut) {
            EXPECT_FALSE(core::FinalBlock::FromBytes(util::ByteView(v3.data(), cut)).ok()) << cut;
        }
        util::Bytes longer = v3;
        longer.push_back(0);
        EXPECT_FALSE(core::FinalBlock::FromBytes(longer).ok());
        core::FinalBlock y = x;
        y.last_commit->view = 3;  // the view is covered by the hash
        EXPECT_NE(y.Hash(), x.Hash());
    }
    // Negative control: without a last_commit the bytes are v1's and v2's.
    EXPECT_EQ(b.ToBytes(), v1);
    EXPECT_EQ(s.ToBytes(), v2);
    EXPECT_TRUE(std::search(v1.begin(), v1.end(), tag3.begin(), tag3.end()) == v1.end());
}

TEST(Block, MerkleRoot) {
    EXPECT_EQ(core::MerkleRoot({}), crypto::Hash256{});
    crypto::Hash256 a{}, b{};
    a.fill(1);
    b.fill(2);
    const std::vector<crypto::Hash256> one{a}, two{a, b}, swapped{b, a};
    EXPECT_EQ(core::MerkleRoot(one), a);
    EXPECT_NE(core::MerkleRoot(two), core::MerkleRoot(swapped));
}

}  // namespace
}  // namespace iost::consensus
