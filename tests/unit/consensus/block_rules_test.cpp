// The FinalBlock rules (docs/pob.md §3.3, §5.1, §6.2, §7.3) tested directly,
// before the simulator runs them (the style of rippled's Consensus_test):
// one case per way a block is refused, each named by its BlockReject, over a
// small hand-built chain (two believable producers, four normal
// validators). A valid block is the positive control of every case: each
// case changes one thing and must get exactly its reason. The case table
// must cover every BlockReject value (EveryReasonHasACase).
#include <consensus/block_rules.h>
#include <core/block.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace iost::consensus {
namespace {

constexpr int64_t kBadGas = 666;  // CheckTx refuses a tx with this gas limit ("forged")

class StubApp final : public Application {
  public:
    util::Status CheckTx(const core::Tx& tx) override {
        if (tx.gas_limit == kBadGas) return util::Err("forged");
        return util::Ok();
    }
    // The stub's "forged" mark stands for a signature that does not verify,
    // a fact about the bytes (pob.md §7.1), so both checks see it.
    util::Status CheckTxBytes(const core::Tx& tx) override { return CheckTx(tx); }
    ExecResult Execute(const ExecInput& in) override {
        ExecResult r;
        r.state_root = core::MerkleRoot(in.tx_hashes);
        r.receipt_root = crypto::Sha3_256(util::AsBytes(in.proposer));
        return r;
    }
    void Commit(const ExecInput&, const ExecResult&) override {}
    std::vector<Candidate> Candidates() override { return {}; }
    int64_t BondedStake(const std::string&) override { return 0; }
};

// A signature of 64 bytes of 0xEE (kBadSig) that never verifies.
const util::Bytes kBadSig(64, 0xEE);

// Accepts every signature but kBadSig: the rules' own checks are under test,
// not crypto.
class YesVerifier final : public crypto::Verifier {
  public:
    bool Verify(const crypto::VerifyItem& it) const override {
        return !std::equal(it.sig.begin(), it.sig.end(), kBadSig.begin(), kBadSig.end());
    }
};

// A last_commit (pob.md §4.1) signed by the normal members whose bits are set
// in `mask` (of four).
core::FinalBlock::LastCommit CommitOf(uint8_t mask, uint64_t view = 0) {
    core::FinalBlock::LastCommit lc;
    lc.view = view;
    lc.cert.bitmap = {mask};
    for (int i = 0; i < 4; ++i) {
        if (mask & (1u << i)) lc.cert.signatures.push_back(util::Bytes(64, 7));
    }
    return lc;
}

core::Tx MakeTx(const std::string& publisher, int n, int64_t gas = 1'000) {
    core::Tx tx;
    tx.time = 1'000 + n;
    tx.expiration = tx.time + 1'000'000;
    tx.gas_ratio = 100;
    tx.gas_limit = gas;
    tx.publisher = publisher;
    return tx;
}

// A chain at height 5 (epoch 0) and a block at height 6 referencing b0's
// MicroBlocks 1..2, plus the state the rules read.
struct World {
    Params params;
    Committee committee;
    std::set<std::string> slashed, fallback;
    IncludedMap included;
    std::map<uint64_t, std::vector<RecentTx>> recent;
    std::set<crypto::Hash256> final_txs, compensated;
    MicroIndex micros;
    std::map<crypto::Hash256, std::shared_ptr<const core::Evidence>> pool;
    std::map<crypto::Hash256, crypto::Hash256> sample_failed;
    StubApp app;
    YesVerifier verifier;
    core::FinalBlock block;
    std::vector<std::shared_ptr<const core::MicroBlock>> b0;  // b0's MicroBlocks, seq 1..
    int64_t now = 90;  // this replica's clock (the block's time 100 is within the drift)
    std::map<std::string, int64_t> heard;  // producer → when we last accepted its MicroBlock
    SeedBook seed;                         // this epoch's commitments and reveals (pob.md §4.2)

    World() {
        committee.epoch = 0;
        committee.seed = crypto::Sha3_256(util::AsBytes(std::string("seed")));
        for (int i = 0; i < 2; ++i) {
            committee.believable.push_back({"b" + std::to_string(i), {}, 10, 10});
        }
        for (int i = 0; i < 4; ++i)
            committee.normal.push_back({"n" + std::to_string(i), {}, 10, 10});
        AddMicro("b0", 2);
        AddMicro("b0", 3);
        block.height = 6;
        block.prev_hash = LastHash();
        block.epoch = 0;
        block.time = 100;
        block.proposer = "n1";
        block.micro_refs.push_back({"b0", 1, 2, b0.back()->hash});
        block.last_commit = CommitOf(0x0F);  // every member voted for height 5
    }

    static crypto::Hash256 LastHash() { return crypto::Sha3_256(util::AsBytes(std::string("h5"))); }

    std::shared_ptr<const core::MicroBlock> AddMicro(const std::string& producer, size_t ntx,
                                                     int64_t gas = 1'000) {
        auto m = std::make_shared<core::MicroBlock>();
        m->header.epoch = 0;
        m->header.producer = producer;
        m->header.seq = producer == "b0" ? b0.size() + 1 : 1;
        m->header.prev_micro_hash =
            producer == "b0" && !b0.empty() ? b0.back()->hash : crypto::Hash256{};
        for (size_t i = 0; i < ntx; ++i) {
            m->txs.push_back(
                MakeTx("u" + producer, static_cast<int>(micros.size() * 100 + i), gas));
        }
        m->Seal();
        micros.emplace(m->hash, m);
        if (producer == "b0") b0.push_back(m);
        return m;
    }

    ChainView View() const {
        ChainView v;
        v.params = &params;
        v.height = 5;
        v.last_hash = LastHash();
        v.last_time = 50;
        v.committee = &committee;
        v.slashed = &slashed;
        v.fallback = &fallback;
        v.included = &included;
        v.recent = &recent;
        v.final_txs = &final_txs;
        v.compensated = &compensated;
        v.micros = &micros;
        v.evidence_pool = &pool;
        v.seed = &seed;
        return v;
    }

    // Fills the derived fields as an honest proposer does (if it can plan).
    void Finish() {
        auto plan = MakePlan(View(), block, app, verifier);
        if (!plan) return;
        block.excluded = plan->excluded;
        block.compensated = plan->compensated;
        block.tx_merkle_root = plan->tx_root;
        const ExecResult r = app.Execute(plan->in);
        block.state_root = r.state_root;
        block.receipt_merkle_root = r.receipt_root;
    }

    util::Result<std::shared_ptr<Validated>, PlanReject> Validate() {
        return ValidateBlock(View(), std::make_shared<const core::FinalBlock>(block), app,
                             verifier);
    }
};

// A MicroBlock equivocation by `who` (two headers with one seq), in epoch
// `epoch`; distinct=false makes it invalid (the two headers are equal).
core::Evidence Equivocation(const std::string& who, uint64_t epoch, bool distinct = true) {
    core::Evidence ev;
    ev.kind = core::EvidenceKind::kMicroEquivocation;
    ev.micro.a.producer = ev.micro.b.producer = who;
    ev.micro.a.epoch = ev.micro.b.epoch = epoch;
    ev.micro.a.seq = ev.micro.b.seq = 7;
    if (distinct) ev.micro.b.time = 1;
    ev.micro.sig_a = util::Bytes(64, 1);
    ev.micro.sig_b = util::Bytes(64, 2);
    return ev;
}

TEST(BlockRules, AnHonestBlockValidatesAndGetsAVote) {
    World w;
    w.Finish();
    auto v = w.Validate();
    ASSERT_TRUE(v.ok()) << BlockRejectName(v.error().reason);
    EXPECT_EQ((*v)->plan.micros.size(), 2u);
    EXPECT_EQ((*v)->plan.in.txs.size(), 5u);
    EXPECT_EQ((*v)->plan.in.credited, std::vector<std::string>{"b0"});
    EXPECT_TRUE(ReplicaRefusal(w.View(), **v, w.sample_failed, w.app).ok());
}

// --- one case per reason ------------------------------------------------------

// kClock: the checks against this replica's clock and what it heard
// (CheckTimeBound, then CheckFallbackClaims).
enum class Stage { kValidate, kRefuse, kClock };

struct Case {
    const char* name;
    BlockReject want;
    Stage stage;
    std::function<void(World&)> before;  // changes the chain or the block
    std::function<void(World&)> after;   // changes the block after its derived fields
};

std::vector<Case> Cases() {
    auto none = [](World&) {};
    using R = BlockReject;
    const Stage V = Stage::kValidate, F = Stage::kRefuse, C = Stage::kClock;
    return {
        {"WrongHeight", R::kNotExtending, V, none, [](World& w) { w.block.height = 7; }},
        {"WrongPrevHash", R::kNotExtending, V, none, [](World& w) { w.block.prev_hash[0] ^= 1; }},
        {"WrongEpoch", R::kWrongEpoch, V, none, [](World& w) { w.block.epoch = 1; }},
        {"TimeEqualToLast", R::kTimeNotAdvancing, V, none, [](World& w) { w.block.time = 50; }},
        {"ProposerIsBelievable", R::kProposerNotNormal, V, none,
         [](World& w) { w.block.proposer = "b0"; }},
        // pob.md §4.2 (height 6 is in the commit window of a 100-block epoch,
        // in the reveal window of a 10-block one).
        {"SeedCommitRepeated", R::kBadSeedCommit, V,
         [](World& w) { w.seed.commits["n1"] = SeedCommitment(crypto::Hash256{}); },
         [](World& w) { w.block.seed_commit = SeedCommitment(crypto::Hash256{}); }},
        {"SeedCommitInRevealWindow", R::kBadSeedCommit, V,
         [](World& w) { w.params.epoch_length = 10; },
         [](World& w) { w.block.seed_commit = SeedCommitment(crypto::Hash256{}); }},
        {"SeedFieldsWhileOff", R::kBadSeedCommit, V,
         [](World& w) { w.params.seed_commit_reveal = false; },
         [](World& w) { w.block.seed_commit = SeedCommitment(crypto::Hash256{}); }},
        {"SeedRevealInCommitWindow", R::kBadSeedReveal, V,
         [](World& w) { w.seed.commits["n1"] = SeedCommitment(crypto::Hash256{}); },
         [](World& w) { w.block.seed_reveal = crypto::Hash256{}; }},
        {"SeedRevealDoesNotMatch", R::kBadSeedReveal, V,
         [](World& w) {
             w.params.epoch_length = 10;
             w.seed.commits["n1"] = SeedCommitment(crypto::Hash256{});
         },
         [](World& w) {
             crypto::Hash256 other{};
             other[0] = 1;
             w.block.seed_reveal = other;
         }},
        {"SeedRevealWithoutCommit", R::kBadSeedReveal, V,
         [](World& w) { w.params.epoch_length = 10; },
         [](World& w) { w.block.seed_reveal = crypto::Hash256{}; }},
        // pob.md §4.1 vote accounting.
        {"NoLastCommit", R::kLastCommitMissing, V, none,
         [](World& w) { w.block.last_commit.reset(); }},
        {"LastCommitWhileOff", R::kLastCommitMissing, V,
         [](World& w) { w.params.vote_accounting = false; }, none},
        {"LastCommitUnderQuorum", R::kLastCommitInvalid, V, none,
         [](World& w) { w.block.last_commit = CommitOf(0x03); }},
        {"LastCommitBitmapTooLong", R::kLastCommitInvalid, V, none,
         [](World& w) { w.block.last_commit->cert.bitmap.push_back(0); }},
        {"LastCommitBadSignature", R::kLastCommitInvalid, V, none,
         [](World& w) { w.block.last_commit->cert.signatures[2] = kBadSig; }},
        {"FallbackOfANormalValidator", R::kBadFallback, V,
         [](World& w) { w.block.fallback = {"n2"}; }, none},
        {"FallbackAlreadyFallen", R::kBadFallback, V,
         [](World& w) {
             w.fallback.insert("b1");
             w.block.fallback = {"b1"};
         },
         none},
        {"FallbackOfASlashedProducer", R::kBadFallback, V,
         [](World& w) {
             w.slashed.insert("b1");
             w.block.fallback = {"b1"};
         },
         none},
        {"NineEvidence", R::kTooMuchEvidence, V,
         [](World& w) {
             for (int i = 0; i < 9; ++i) w.block.evidence.push_back(Equivocation("b1", 0));
         },
         none},
        {"EvidenceAgainstTheSlashed", R::kEvidenceRepeated, V,
         [](World& w) {
             w.slashed.insert("b1");
             w.block.evidence.push_back(Equivocation("b1", 0));
         },
         none},
        {"TwoEvidenceAgainstOne", R::kEvidenceRepeated, V,
         [](World& w) {
             w.block.evidence.push_back(Equivocation("b1", 0));
             auto second = Equivocation("b1", 0);
             second.micro.a.seq = second.micro.b.seq = 8;
             w.block.evidence.push_back(second);
         },
         none},
        {"EvidenceOfAFutureEpoch", R::kEvidenceUnknownEpoch, V,
         [](World& w) { w.block.evidence.push_back(Equivocation("b1", 4)); }, none},
        {"EvidenceOfTwoEqualHeaders", R::kEvidenceInvalid, V,
         [](World& w) { w.block.evidence.push_back(Equivocation("b1", 0, false)); }, none},
        {"RefToANormalValidator", R::kRefNotBelievable, V,
         [](World& w) { w.block.micro_refs[0].producer = "n0"; }, none},
        {"RefsOutOfCommitteeOrder", R::kRefsOutOfOrder, V,
         [](World& w) {
             auto m = w.AddMicro("b1", 1);
             w.block.micro_refs.insert(w.block.micro_refs.begin(), {"b1", 1, 1, m->hash});
         },
         none},
        {"RefToAFallenBackProducer", R::kRefToExcluded, V,
         [](World& w) { w.fallback.insert("b0"); }, none},
        {"RefToAProducerDeclaredSilentInTheBlock", R::kRefToExcluded, V,
         [](World& w) { w.block.fallback = {"b0"}; }, none},
        {"RefToASlashedProducer", R::kRefToExcluded, V, [](World& w) { w.slashed.insert("b0"); },
         none},
        {"RefSkipsASeq", R::kRefSeqRange, V, [](World& w) { w.block.micro_refs[0].seq_from = 2; },
         none},
        {"RefRangeBackwards", R::kRefSeqRange, V,
         [](World& w) {
             w.included["b0"] = {1, w.b0[0]->hash};
             w.block.micro_refs[0].seq_from = 2;
             w.block.micro_refs[0].seq_to = 1;
         },
         none},
        {"RefToAnUnknownMicroBlock", R::kMissingMicro, V,
         [](World& w) { w.block.micro_refs[0].last_hash[0] ^= 1; }, none},
        {"RefSeqNotTheMicroBlocks", R::kRefChainMismatch, V,
         [](World& w) { w.block.micro_refs[0].seq_to = 3; }, none},
        {"RefChainOfAnotherProducer", R::kRefChainMismatch, V,
         [](World& w) {
             auto m = w.AddMicro("b1", 1);
             w.block.micro_refs[0] = {"b0", 1, 1, m->hash};
         },
         none},
        {"RefChainMissesTheFinalTip", R::kRefChainUnlinked, V,
         [](World& w) {
             w.included["b0"] = {0, crypto::Sha3_256(util::AsBytes(std::string("other")))};
         },
         none},
        {"RefsOverTheTxBudget", R::kTooManyMicroTxs, V,
         [](World& w) {
             w.params.max_block_micro_txs = 0;
             auto m = w.AddMicro("b0", core::kMaxMicroTxs - 4);  // 5 + 9,996 > 0 + 10,000
             w.block.micro_refs[0] = {"b0", 1, 3, m->hash};
         },
         none},
        {"DirectTxAlreadyFinal", R::kDirectDuplicate, V,
         [](World& w) {
             w.block.direct_txs.push_back(MakeTx("zed", 1));
             w.final_txs.insert(w.block.direct_txs[0].Hash());
         },
         none},
        {"DirectTxTwice", R::kDirectDuplicate, V,
         [](World& w) {
             w.block.direct_txs = {MakeTx("zed", 1), MakeTx("zed", 1)};
         },
         none},
        {"ExclusionNobodyMade", R::kDerivedDiffer, V, none,
         [](World& w) { w.block.excluded.push_back({}); }},
        {"CompensationNobodyOwes", R::kDerivedDiffer, V, none,
         [](World& w) { w.block.compensated.push_back({}); }},
        {"TxRootOfOtherTxs", R::kTxRootDiffers, V, none,
         [](World& w) { w.block.tx_merkle_root[0] ^= 1; }},
        {"StateRootNotOurs", R::kStateRootDiffers, V, none,
         [](World& w) { w.block.state_root[0] ^= 1; }},
        {"ReceiptRootNotOurs", R::kStateRootDiffers, V, none,
         [](World& w) { w.block.receipt_merkle_root[0] ^= 1; }},
        {"OurSampleOfAReferencedMicroBlockFailed", R::kSampleFailed, F,
         [](World& w) { w.sample_failed[w.b0[1]->hash] = {}; }, none},
        {"DirectTxOfALivePartition", R::kDirectTxOfLivePartition, F,
         [](World& w) { w.block.direct_txs.push_back(MakeTx("zed", 1)); }, none},
        {"DirectTxFailsTheFullCheck", R::kDirectTxFails, F,
         [](World& w) {
             w.committee.chain_fallback = true;  // every publisher is the normal league's
             w.block.micro_refs.clear();
             w.block.direct_txs.push_back(MakeTx("zed", 1, kBadGas));
         },
         none},
        {"TimeBeyondTheClockPlusDrift", R::kTimeTooFarAhead, C,
         [](World& w) { w.now = 100 - w.params.max_clock_drift_ns - 1; }, none},
        {"TimeInt64Max", R::kTimeTooFarAhead, C, none, [](World& w) { w.block.time = INT64_MAX; }},
        {"FallbackOfAProducerHeardJustNow", R::kFallbackOfLiveProducer, C,
         [](World& w) {
             w.block.fallback = {"b1"};
             w.heard["b1"] = w.now - w.params.silent_after_ns / 2 + 1;
         },
         none},
    };
}

class BlockRejectCase : public ::testing::TestWithParam<size_t> {};

TEST_P(BlockRejectCase, ProducesItsReason) {
    const Case c = Cases()[GetParam()];
    World w;
    c.before(w);
    w.Finish();
    c.after(w);
    auto v = w.Validate();
    if (c.stage == Stage::kValidate) {
        ASSERT_FALSE(v.ok()) << c.name << ": the block validated";
        EXPECT_EQ(v.error().reason, c.want)
            << c.name << ": got " << BlockRejectName(v.error().reason);
        // Only a missing MicroBlock names what to fetch.
        EXPECT_EQ(v.error().missing.empty(), c.want != BlockReject::kMissingMicro);
        return;
    }
    ASSERT_TRUE(v.ok()) << c.name << ": " << BlockRejectName(v.error().reason);
    if (c.stage == Stage::kClock) {
        EXPECT_TRUE(ReplicaRefusal(w.View(), **v, w.sample_failed, w.app).ok()) << c.name;
        auto r = CheckTimeBound(w.params, w.View().last_time, w.block.time, w.now);
        if (r.ok()) r = CheckFallbackClaims(w.params, w.block.fallback, w.heard, w.now);
        ASSERT_FALSE(r.ok()) << c.name << ": no refusal";
        EXPECT_EQ(r.error(), c.want) << c.name << ": got " << BlockRejectName(r.error());
        return;
    }
    auto r = ReplicaRefusal(w.View(), **v, w.sample_failed, w.app);
    ASSERT_FALSE(r.ok()) << c.name << ": no refusal";
    EXPECT_EQ(r.error(), c.want) << c.name << ": got " << BlockRejectName(r.error());
}

INSTANTIATE_TEST_SUITE_P(ByReason, BlockRejectCase, ::testing::Range<size_t>(0, Cases().size()),
                         [](const ::testing::TestParamInfo<size_t>& i) {
                             return std::string(Cases()[i.param].name);
                         });

TEST(BlockRules, EveryReasonHasACase) {
    std::map<int, int> per;
    for (const auto& c : Cases()) ++per[static_cast<int>(c.want)];
    for (size_t r = 0; r < kBlockRejectCount; ++r) {
        const auto reason = static_cast<BlockReject>(r);
        EXPECT_GE(per[static_cast<int>(r)], 1) << BlockRejectName(reason) << " has no case";
        std::printf("%-70s %d\n", BlockRejectName(reason), per[static_cast<int>(r)]);
    }
    EXPECT_STREQ(BlockRejectName(static_cast<BlockReject>(kBlockRejectCount)), "unknown");
}

// --- the negative controls of the replica's checks ---------------------------

TEST(BlockRules, AFailedSampleOfAProducerTheBlockSlashesIsNoRefusal) {
    World w;
    w.sample_failed[w.b0[1]->hash] = {};
    // Valid evidence against b0 is in our pool (so not re-validated here).
    auto ev = std::make_shared<const core::Evidence>(Equivocation("b0", 0));
    w.pool.emplace(ev->Id(), ev);
    w.block.evidence.push_back(*ev);
    w.Finish();
    auto v = w.Validate();
    ASSERT_TRUE(v.ok()) << BlockRejectName(v.error().reason);
    EXPECT_TRUE(ReplicaRefusal(w.View(), **v, w.sample_failed, w.app).ok());
}

TEST(BlockRules, DirectTxsOfAPartitionDeclaredSilentAreTheLeagues) {
    World w;
    w.block.micro_refs.clear();
    w.block.fallback = {"b0", "b1"};
    w.block.direct_txs.push_back(MakeTx("zed", 1));
    w.Finish();
    auto v = w.Validate();
    ASSERT_TRUE(v.ok()) << BlockRejectName(v.error().reason);
    EXPECT_TRUE(ReplicaRefusal(w.View(), **v, w.sample_failed, w.app).ok());
}

// --- the time bound (pob.md §6.2) ---------------------------------------------

TEST(BlockRules, TimeBoundAcceptsUpToClockPlusDriftAndNoMore) {
    Params p;
    const int64_t d = p.max_clock_drift_ns;
    EXPECT_TRUE(CheckTimeBound(p, 50, 1'000 + d, 1'000).ok());
    EXPECT_FALSE(CheckTimeBound(p, 50, 1'000 + d + 1, 1'000).ok());
    // The chain's time ahead of this clock by more than the drift (a primary
    // that used the whole drift, or our clock stepped back): the next time,
    // last + 1, is still accepted, so the chain cannot be locked; last + 2 is not.
    EXPECT_TRUE(CheckTimeBound(p, 1'000 + 5 * d, 1'001 + 5 * d, 1'000).ok());
    EXPECT_FALSE(CheckTimeBound(p, 1'000 + 5 * d, 1'002 + 5 * d, 1'000).ok());
}

TEST(BlockRules, TimeBoundSaturatesInsteadOfOverflowing) {
    Params p;
    // A clock near the end of the range: now + drift saturates, nothing wraps
    // into a negative limit that would refuse every block.
    EXPECT_TRUE(CheckTimeBound(p, 50, INT64_MAX, INT64_MAX - 1).ok());
    EXPECT_TRUE(CheckTimeBound(p, INT64_MAX - 1, INT64_MAX, 0).ok());
    EXPECT_FALSE(CheckTimeBound(p, INT64_MAX - 10, INT64_MAX, 0).ok());
    p.max_clock_drift_ns = INT64_MAX;  // the simulator's "bound off" control
    EXPECT_TRUE(CheckTimeBound(p, 50, INT64_MAX, 1'000).ok());
    p.max_clock_drift_ns = -5;  // a nonsense drift counts as 0
    EXPECT_FALSE(CheckTimeBound(p, 50, 1'001, 1'000).ok());
}

TEST(BlockRules, AnHonestPrimaryProposesATimeEveryReplicaAccepts) {
    Params p;
    // Its clock behind the chain: last + 1, valid and within the bound.
    auto t = ProposalTime(5'000, 1'000);
    ASSERT_TRUE(t.has_value());
    EXPECT_EQ(*t, 5'001);
    EXPECT_TRUE(CheckTimeBound(p, 5'000, *t, 0).ok());
    EXPECT_EQ(ProposalTime(5'000, 9'000).value(), 9'000);
    // No time after INT64_MAX: no block (instead of an overflow to a negative time).
    EXPECT_FALSE(ProposalTime(INT64_MAX, 9'000).has_value());
    EXPECT_EQ(ProposalTime(INT64_MAX - 1, 9'000).value(), INT64_MAX);
}

// docs/pob.md §6.2: the primary proposes final_interval after the previous
// block's time, so the commit rounds do not lengthen the block interval; at
// once when the rounds took longer; never later than one interval from now.
TEST(BlockRules, ProposeDelayCountsTheIntervalFromThePreviousBlock) {
    const int64_t fi = 500;
    EXPECT_EQ(ProposeDelay(fi, 10'000, 10'000), fi);   // committed the instant it was proposed
    EXPECT_EQ(ProposeDelay(fi, 10'000, 10'120), 380);  // 120 spent in prepare/commit
    EXPECT_EQ(ProposeDelay(fi, 10'000, 10'499), 1);
    EXPECT_EQ(ProposeDelay(fi, 10'000, 10'500), 0);  // the rounds took the whole interval
    EXPECT_EQ(ProposeDelay(fi, 10'000, 99'000), 0);  // and longer: at once
    // Negative control of the clamp: a previous time ahead of this clock (the
    // last primary's clock runs ahead, within the drift) waits one interval,
    // not the interval plus the lead.
    EXPECT_EQ(ProposeDelay(fi, 10'400, 10'000), fi);
    EXPECT_EQ(ProposeDelay(fi, INT64_MAX, 0), fi);
    EXPECT_EQ(ProposeDelay(fi, 0, INT64_MAX), 0);
    EXPECT_EQ(ProposeDelay(0, 10'000, 10'000), 0);  // no interval: at once
}

TEST(BlockRules, FallbackOfAProducerSilentHereIsNoRefusal) {
    Params p;
    const int64_t s = p.silent_after_ns;
    std::map<std::string, int64_t> heard{{"b0", 1'000}, {"b1", 1'000 + s}};
    // b0 last heard s/2 ago or more: an honest primary (silent s at itself) may declare it.
    EXPECT_TRUE(CheckFallbackClaims(p, {"b0"}, heard, 1'000 + s / 2).ok());
    EXPECT_FALSE(CheckFallbackClaims(p, {"b0"}, heard, 1'000 + s / 2 - 1).ok());
    // One live producer in the list is enough to refuse.
    EXPECT_FALSE(CheckFallbackClaims(p, {"b0", "b1"}, heard, 1'000 + s + 1).ok());
    // Never heard of (not in the map): nothing contradicts the claim.
    EXPECT_TRUE(CheckFallbackClaims(p, {"b9"}, heard, 0).ok());
    // A clock far behind what we recorded (overflow-safe): still "just heard".
    EXPECT_FALSE(CheckFallbackClaims(p, {"b1"}, {{"b1", INT64_MAX}}, INT64_MIN).ok());
}

// --- plans: slashing excludes and compensates ---------------------------------

TEST(BlockRules, SlashingAProducerExcludesItsForgedTxsAndCompensatesFinalOnes) {
    World w;
    // A forged tx of b0 final at height 5 (within the recheck window).
    auto forged = std::make_shared<const core::Tx>(MakeTx("ub0", 99, kBadGas));
    w.recent[5].push_back({"b0", forged, forged->Hash()});
    auto m = w.AddMicro("b0", 1, kBadGas);  // seq 3, forged too
    w.block.micro_refs[0] = {"b0", 1, 3, m->hash};
    w.block.evidence.push_back(Equivocation("b0", 0));
    auto plan = MakePlan(w.View(), w.block, w.app, w.verifier);
    ASSERT_TRUE(plan.ok()) << BlockRejectName(plan.error().reason);
    ASSERT_EQ(plan->excluded.size(), 1u);
    EXPECT_EQ(plan->excluded[0].tx_hash, m->tx_hashes[0]);
    ASSERT_EQ(plan->compensated.size(), 1u);
    EXPECT_EQ(plan->compensated[0].tx_hash, forged->Hash());
    EXPECT_EQ(plan->in.slashes.size(), 1u);
    EXPECT_EQ(plan->in.txs.size(), 5u);  // the forged one is not executed
    // Compensated once only.
    w.compensated.insert(forged->Hash());
    auto again = MakePlan(w.View(), w.block, w.app, w.verifier);
    ASSERT_TRUE(again.ok());
    EXPECT_TRUE(again->compensated.empty());
}

TEST(BlockRules, TxsFinalAlreadyOrTwiceInTheBlockRunOnce) {
    World w;
    w.final_txs.insert(w.b0[0]->tx_hashes[0]);
    auto plan = MakePlan(w.View(), w.block, w.app, w.verifier);
    ASSERT_TRUE(plan.ok());
    EXPECT_EQ(plan->in.txs.size(), 4u);
}

// --- ownership (pob.md §5.1) ---------------------------------------------------------

TEST(BlockRules, OwnershipFallsBackAndRepartitions) {
    World w;
    const ChainView v = w.View();
    std::map<std::string, int> owners;
    for (int i = 0; i < 64; ++i) {
        auto o = OwnerOf(v, {}, "pub" + std::to_string(i));
        ASSERT_TRUE(o.has_value());
        ++owners[*o];
    }
    EXPECT_EQ(owners.size(), 2u);  // both producers own some publishers
    // A producer fallen back (chain or block): its publishers go to the league.
    for (int i = 0; i < 64; ++i) {
        const std::string p = "pub" + std::to_string(i);
        const auto o = OwnerOf(v, {}, p);
        EXPECT_EQ(OwnerOf(v, {*o}, p), std::nullopt);
    }
    // A slashed producer's publishers are re-partitioned over the rest.
    w.slashed.insert("b0");
    for (int i = 0; i < 64; ++i) {
        EXPECT_EQ(OwnerOf(w.View(), {}, "pub" + std::to_string(i)), std::string("b1"));
    }
    w.committee.chain_fallback = true;
    EXPECT_EQ(OwnerOf(w.View(), {}, "pub1"), std::nullopt);
}

// --- pob.md §5.5 and §4.1: censorship and missed duties ---------------------

// A direct tx of a live partition is refused unless this replica has held it
// unpacked past the censorship deadline (the engine passes those as
// `overdue`); with it, the block gets the vote and the owner loses Servi.
TEST(BlockRules, ADirectTxOfALivePartitionIsVotedOnlyWhenOverdueHere) {
    World w;
    const core::Tx tx = MakeTx("zed", 1);
    w.block.direct_txs.push_back(tx);
    w.Finish();
    auto v = w.Validate();
    ASSERT_TRUE(v.ok()) << BlockRejectName(v.error().reason);
    const std::set<crypto::Hash256> none;
    auto r = ReplicaRefusal(w.View(), **v, w.sample_failed, w.app, &none);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error(), BlockReject::kDirectTxOfLivePartition);
    const std::set<crypto::Hash256> overdue{tx.Hash()};
    EXPECT_TRUE(ReplicaRefusal(w.View(), **v, w.sample_failed, w.app, &overdue).ok());
    // The penalty is decided by the block alone: the owner of "zed" loses
    // servi_censored_tx.
    const auto owner = OwnerOf(w.View(), {}, "zed");
    ASSERT_TRUE(owner.has_value());
    const auto& d = (*v)->plan.in.servi_deltas;
    ASSERT_EQ(d.size(), 1u);
    EXPECT_EQ(d[0].first, *owner);
    EXPECT_EQ(d[0].second, -w.params.servi_censored_tx);
}

TEST(BlockRules, MissedDutiesCostServi) {
    World w;
    w.block.micro_refs.clear();
    w.block.fallback = {"b1"};  // b1 missed its MicroBlock deadline
    w.block.view = 2;           // the primaries of views 0 and 1 failed
    w.block.proposer = w.committee.normal[(6 + 2) % 4].id;
    w.Finish();
    auto v = w.Validate();
    ASSERT_TRUE(v.ok()) << BlockRejectName(v.error().reason);
    const std::vector<std::pair<std::string, int64_t>> want = {
        {"b1", -w.params.servi_missed_micro},
        {w.committee.normal[(6 + 0) % 4].id, -w.params.servi_failed_proposal},
        {w.committee.normal[(6 + 1) % 4].id, -w.params.servi_failed_proposal}};
    EXPECT_EQ((*v)->plan.in.servi_deltas, want);
    EXPECT_TRUE((*v)->plan.in.idle.empty());  // not an epoch's last block
    EXPECT_EQ((*v)->plan.in.servi_decay_percent, 0u);
}

// The epoch's last block lists the members that did no duty in the whole
// epoch (no MicroRef, no proposal) and decays Servi. Negative control:
// idle_logout off lists nobody.
TEST(BlockRules, AnEpochsLastBlockLogsOutIdleMembers) {
    for (bool logout : {true, false}) {
        World w;
        w.params.epoch_length = 6;  // height 6 ends epoch 0
        w.params.idle_logout = logout;
        // Worked earlier in the epoch: b1 (MicroRefs) and n0, n2 (proposals);
        // this block credits b0 and its proposer n1. n3 did nothing.
        const std::set<std::string> worked{"b1", "n0", "n2"};
        ChainView view = w.View();
        view.worked = &worked;
        w.Finish();
        auto v = ValidateBlock(view, std::make_shared<const core::FinalBlock>(w.block), w.app,
                               w.verifier);
        ASSERT_TRUE(v.ok()) << BlockRejectName(v.error().reason);
        EXPECT_EQ((*v)->plan.in.servi_decay_percent, w.params.servi_decay_percent);
        if (!logout) {
            EXPECT_TRUE((*v)->plan.in.idle.empty());
            continue;
        }
        EXPECT_EQ((*v)->plan.in.idle, std::vector<std::string>{"n3"});
        const std::vector<std::pair<std::string, int64_t>> want = {{"n3", -w.params.servi_idle}};
        EXPECT_EQ((*v)->plan.in.servi_deltas, want);
    }
}

// Many idle members at once look like a network fault: nobody is logged out.
TEST(BlockRules, MoreIdleThanFaultyLogsOutNobody) {
    World w;
    w.params.epoch_length = 6;
    const std::set<std::string> worked{};  // only this block's b0 and n1 worked
    ChainView view = w.View();
    view.worked = &worked;
    w.Finish();
    auto v =
        ValidateBlock(view, std::make_shared<const core::FinalBlock>(w.block), w.app, w.verifier);
    ASSERT_TRUE(v.ok()) << BlockRejectName(v.error().reason);
    EXPECT_TRUE((*v)->plan.in.idle.empty());
}

// --- vote accounting (pob.md §4.1) -------------------------------------------

// A real certificate: the last_commit must be commit votes of height 5's
// committee for (5, view, hash of block 5); one signed for another height,
// view, hash or kind does not verify. Negative control: the right one does.
TEST(BlockRules, LastCommitSignaturesMustBeCommitVotesOfThePreviousBlock) {
    World w;
    std::vector<crypto::KeyPair> keys;
    for (int i = 0; i < 4; ++i) {
        keys.push_back(
            crypto::KeyPair::FromSeed(crypto::Algorithm::kEd25519, "lc-" + std::to_string(i)));
        w.committee.normal[static_cast<size_t>(i)].key = keys.back().public_key();
    }
    crypto::DefaultVerifier real;
    auto signed_for = [&](uint8_t kind, uint64_t height, uint64_t view,
                          const crypto::Hash256& hash) {
        core::FinalBlock::LastCommit lc;
        lc.view = 1;
        lc.cert.bitmap = {0x0E};  // n1, n2, n3
        for (size_t i = 1; i < 4; ++i) {
            lc.cert.signatures.push_back(
                keys[i].Sign(crypto::View(core::VoteMessage(kind, height, view, hash))));
        }
        return lc;
    };
    const crypto::Hash256 h5 = World::LastHash();
    crypto::Hash256 other = h5;
    other[0] ^= 1;
    struct Try {
        const char* what;
        core::FinalBlock::LastCommit lc;
        bool ok;
    };
    const std::vector<Try> tries = {
        {"right", signed_for(core::kVoteCommit, 5, 1, h5), true},
        {"prepare votes", signed_for(core::kVotePrepare, 5, 1, h5), false},
        {"height 4", signed_for(core::kVoteCommit, 4, 1, h5), false},
        {"view 0", signed_for(core::kVoteCommit, 5, 0, h5), false},
        {"another block", signed_for(core::kVoteCommit, 5, 1, other), false},
    };
    for (const auto& t : tries) {
        w.block.last_commit = t.lc;
        auto r = CheckLastCommit(w.View(), w.block, real);
        EXPECT_EQ(r.ok(), t.ok) << t.what;
        if (!r.ok()) {
            EXPECT_EQ(r.error(), BlockReject::kLastCommitInvalid) << t.what;
        }
    }
    // Height 1 carries none (there is no height 0 block to certify).
    w.block.height = 1;
    w.block.last_commit.reset();
    EXPECT_TRUE(CheckLastCommit(w.View(), w.block, real).ok());
    w.block.last_commit = signed_for(core::kVoteCommit, 0, 1, h5);
    EXPECT_FALSE(CheckLastCommit(w.View(), w.block, real).ok());
}

// The tally counts a last_commit only when it certifies a height of the
// block's own epoch: the first block of an epoch certifies the previous
// epoch's last block, which another committee signed.
TEST(BlockRules, TallyCountsOnlyCertificatesOfTheSameEpoch) {
    World w;
    w.params.epoch_length = 5;
    VoteTally t;
    core::FinalBlock b;
    b.last_commit = CommitOf(0x0B);  // n2 absent
    for (uint64_t h : {1, 2, 5, 6, 7, 10, 11}) {
        b.height = h;
        TallyLastCommit(w.params, w.committee, b, t);
    }
    // Counted: 2, 5 (epoch 0), 7, 10 (epoch 1); 1 has no predecessor, 6 and
    // 11 open an epoch.
    EXPECT_EQ(t.certificates, 4u);
    EXPECT_EQ(t.absent, (std::map<std::string, uint64_t>{{"n2", 4}}));
    // Off: nothing counted.
    w.params.vote_accounting = false;
    VoteTally off;
    b.height = 3;
    TallyLastCommit(w.params, w.committee, b, off);
    EXPECT_EQ(off.certificates, 0u);
}

// The threshold: absent from more than absent_vote_percent % of the epoch's
// certificates (strictly), slashed members aside, nobody on an empty tally.
TEST(BlockRules, AbsentVotersAreThoseAbsentFromMoreThanThePercent) {
    Params p;  // 50 %
    Committee c;
    for (int i = 0; i < 4; ++i) c.normal.push_back({"n" + std::to_string(i), {}, 10, 10});
    VoteTally t;
    t.certificates = 10;
    t.absent = {{"n0", 5}, {"n1", 6}, {"n2", 10}, {"n3", 1}};
    std::set<std::string> slashed{"n2"};
    EXPECT_EQ(AbsentVoters(p, c, slashed, t), std::vector<std::string>{"n1"});
    slashed.clear();
    EXPECT_EQ(AbsentVoters(p, c, slashed, t), (std::vector<std::string>{"n1", "n2"}));
    p.absent_vote_percent = 0;  // the simulator's negative control: any absence
    EXPECT_EQ(AbsentVoters(p, c, slashed, t), (std::vector<std::string>{"n0", "n1", "n2", "n3"}));
    p.vote_accounting = false;
    EXPECT_TRUE(AbsentVoters(p, c, slashed, t).empty());
    p.vote_accounting = true;
    EXPECT_TRUE(AbsentVoters(p, c, slashed, VoteTally{}).empty());
}

// The epoch's last block charges MissedDuty::kAbsentVotes to a member absent
// from more than half of the epoch's last_commits, this block's included.
// Negative control: vote accounting off charges nobody.
TEST(BlockRules, TheEpochsLastBlockChargesAbsentVoters) {
    for (bool on : {true, false}) {
        World w;
        w.params.epoch_length = 6;  // height 6 ends epoch 0
        w.params.vote_accounting = on;
        const std::set<std::string> worked{"b1", "n0", "n2", "n3"};  // nobody idle
        // Heights 2..5 certified: n3 absent from 2 of 4, n2 from 3 of 4.
        VoteTally tally;
        tally.certificates = 4;
        tally.absent = {{"n2", 3}, {"n3", 2}};
        ChainView view = w.View();
        view.worked = &worked;
        view.votes = &tally;
        if (on) {
            w.block.last_commit = CommitOf(0x07);  // this block: n3 absent too (3 of 5)
        } else {
            w.block.last_commit.reset();
        }
        w.Finish();
        auto v = ValidateBlock(view, std::make_shared<const core::FinalBlock>(w.block), w.app,
                               w.verifier);
        ASSERT_TRUE(v.ok()) << BlockRejectName(v.error().reason);
        std::map<std::string, int64_t> out;
        for (const auto& [id, d] : (*v)->plan.in.servi_deltas) out[id] += d;
        if (!on) {
            EXPECT_TRUE(out.empty());
            EXPECT_TRUE((*v)->plan.in.absent_voters.empty());
            continue;
        }
        EXPECT_EQ((*v)->plan.in.absent_voters, (std::vector<std::string>{"n2", "n3"}));
        EXPECT_EQ(out, (std::map<std::string, int64_t>{{"n2", -w.params.servi_absent_votes},
                                                       {"n3", -w.params.servi_absent_votes}}));
    }
}

// --- the epoch seed's commit–reveal (pob.md §4.2) ------------------------------

TEST(BlockRules, AProposersOwnCommitmentAndMatchingRevealAreValid) {
    World w;  // height 6 of a 100-block epoch: the commit window
    const crypto::Hash256 secret = SeedSecret(util::AsBytes(std::string("n1 signature")));
    w.block.seed_commit = SeedCommitment(secret);
    w.Finish();
    auto v = w.Validate();
    ASSERT_TRUE(v.ok()) << BlockRejectName(v.error().reason);

    World r;  // height 6 of a 10-block epoch: the reveal window
    r.params.epoch_length = 10;
    r.seed.commits["n1"] = SeedCommitment(secret);
    r.block.seed_reveal = secret;
    r.Finish();
    auto rv = r.Validate();
    ASSERT_TRUE(rv.ok()) << BlockRejectName(rv.error().reason);
    // Negative control: the same reveal once it is recorded is refused.
    r.seed.reveals["n1"] = secret;
    auto again = r.Validate();
    ASSERT_FALSE(again.ok());
    EXPECT_EQ(again.error().reason, BlockReject::kBadSeedReveal);
}

// The epoch's last block charges every validator that committed and has not
// revealed (this block's own reveal counts) MissedDuty::kWithheldSeed.
TEST(BlockRules, TheEpochsLastBlockChargesWithheldReveals) {
    auto deltas_of = [](bool seed_on, bool n1_reveals) {
        World w;
        w.params.epoch_length = 6;  // height 6 ends the epoch (reveal window)
        w.params.seed_commit_reveal = seed_on;
        const crypto::Hash256 s1 = SeedSecret(util::AsBytes(std::string("n1")));
        const crypto::Hash256 s2 = SeedSecret(util::AsBytes(std::string("n2")));
        const crypto::Hash256 s3 = SeedSecret(util::AsBytes(std::string("n3")));
        if (seed_on) {
            w.seed.commits = {
                {"n1", SeedCommitment(s1)}, {"n2", SeedCommitment(s2)}, {"n3", SeedCommitment(s3)}};
            w.seed.reveals = {{"n3", s3}};
            if (n1_reveals) w.block.seed_reveal = s1;
        }
        w.Finish();
        auto v = w.Validate();
        EXPECT_TRUE(v.ok()) << BlockRejectName(v.error().reason);
        std::map<std::string, int64_t> out;
        if (v) {
            for (const auto& [id, d] : (*v)->plan.in.servi_deltas) out[id] += d;
        }
        return out;
    };
    const int64_t p = Params{}.servi_missed_micro;
    auto both = deltas_of(true, false);
    EXPECT_EQ(both["n1"], -p);
    EXPECT_EQ(both["n2"], -p);
    EXPECT_EQ(both.count("n3"), 0u);
    auto one = deltas_of(true, true);
    EXPECT_EQ(one.count("n1"), 0u);
    EXPECT_EQ(one["n2"], -p);
    // Negative control: with commit–reveal off nobody is charged.
    auto off = deltas_of(false, false);
    EXPECT_EQ(off.count("n1") + off.count("n2"), 0u);
}

}  // namespace
}  // namespace iost::consensus
