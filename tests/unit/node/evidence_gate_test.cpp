// EvidenceGate (docs/pob.md §7.4): evidence from peers cannot make a node do
// unbounded work. A flood of well-shaped, wrongly signed evidence from one
// peer reaches the signature checks at most `per_peer` times per window;
// duplicates and malformed pieces never reach them. The negative control
// turns the gate off and counts the signature checks the same flood then
// causes.
#include <consensus/evidence.h>
#include <gtest/gtest.h>
#include <node/evidence_gate.h>

#include <atomic>

namespace iost::node {
namespace {

constexpr int64_t kSec = 1'000'000'000;

// Counts signature checks; every signature is bad.
class CountingVerifier final : public crypto::Verifier {
  public:
    bool Verify(const crypto::VerifyItem&) const override {
        ++calls;
        return false;
    }
    mutable std::atomic<uint64_t> calls{0};
};

class NoApp final : public consensus::Application {
  public:
    util::Status CheckTx(const core::Tx&) override { return util::Ok(); }
    util::Status CheckTxBytes(const core::Tx&) override { return util::Ok(); }
    consensus::ExecResult Execute(const consensus::ExecInput&) override { return {}; }
    void Commit(const consensus::ExecInput&, const consensus::ExecResult&) override {}
    std::vector<consensus::Candidate> Candidates() override { return {}; }
    int64_t BondedStake(const std::string&) override { return 0; }
};

// A vote equivocation of voter v0 at height n: well-shaped (one slot, two
// blocks), with made-up signatures.
core::Evidence Bogus(uint64_t n) {
    core::Evidence ev;
    ev.kind = core::EvidenceKind::kVoteEquivocation;
    ev.vote.a.voter = ev.vote.b.voter = "v0";
    ev.vote.a.kind = ev.vote.b.kind = core::kVotePrepare;
    ev.vote.a.height = ev.vote.b.height = n;
    ev.vote.a.block_hash[0] = 1;
    ev.vote.b.block_hash[0] = 2;
    ev.vote.a.sig = ev.vote.b.sig = util::Bytes(64, 0x42);
    return ev;
}

consensus::Committee OneVoter() {
    consensus::Committee c;
    c.normal.push_back(
        {"v0", crypto::KeyPair::FromSeed(crypto::Algorithm::kEd25519, "v0").public_key(), 1, 1});
    return c;
}

// What one peer's flood of `n` distinct bogus pieces (each sent twice) costs
// the engine behind the gate, in signature checks.
uint64_t FloodCost(EvidenceGateOptions o, uint64_t n) {
    EvidenceGate gate(o);
    CountingVerifier verifier;
    NoApp app;
    const auto committee = OneVoter();
    for (uint64_t i = 1; i <= n; ++i) {
        const auto ev = Bogus(i);
        for (int copy = 0; copy < 2; ++copy) {
            if (gate.Admit("mallory", ev, kSec + static_cast<int64_t>(i)) ==
                EvidenceVerdict::kPass) {
                EXPECT_FALSE(consensus::ValidateEvidence(ev, committee, app, verifier).ok());
            }
        }
    }
    return verifier.calls.load();
}

TEST(EvidenceGate, FloodFromOnePeerIsBounded) {
    EvidenceGateOptions o;  // 20 per 10 s
    // 20 messages within the limit (10 pieces and their duplicates): one
    // signature check per new piece, none for a duplicate, none past it.
    EXPECT_EQ(FloodCost(o, 1'000), 10u);
}

TEST(EvidenceGate, NegativeControlWithoutTheGateEveryPieceIsChecked) {
    EvidenceGateOptions off;
    off.per_peer = 0;
    off.drop_duplicates = false;
    EXPECT_EQ(FloodCost(off, 1'000), 2'000u);  // every copy costs a signature check
}

TEST(EvidenceGate, RateIsPerPeerAndPerWindow) {
    EvidenceGateOptions o;
    o.per_peer = 3;
    EvidenceGate gate(o);
    uint64_t n = 0;
    for (int i = 0; i < 3; ++i)
        EXPECT_EQ(gate.Admit("a", Bogus(++n), kSec), EvidenceVerdict::kPass);
    EXPECT_EQ(gate.Admit("a", Bogus(++n), kSec), EvidenceVerdict::kRateLimited);
    EXPECT_EQ(gate.Admit("b", Bogus(++n), kSec), EvidenceVerdict::kPass);  // another peer
    EXPECT_EQ(gate.Admit("a", Bogus(++n), kSec + o.window_ns), EvidenceVerdict::kPass);
    EXPECT_EQ(gate.stats().rate_limited, 1u);
}

TEST(EvidenceGate, DuplicatesFromAnyPeerAreDroppedBeforeSignatures) {
    EvidenceGate gate;
    const auto ev = Bogus(7);
    EXPECT_EQ(gate.Admit("a", ev, kSec), EvidenceVerdict::kPass);
    for (const char* p : {"a", "b", "c"}) {
        EXPECT_EQ(gate.Admit(p, ev, kSec), EvidenceVerdict::kDuplicate);
    }
    EXPECT_EQ(gate.stats().duplicates, 3u);
}

TEST(EvidenceGate, MalformedIsRefusedWithItsReason) {
    EvidenceGate gate;
    auto ev = Bogus(1);
    ev.vote.b.block_hash = ev.vote.a.block_hash;  // one block: not an equivocation
    std::string why;
    EXPECT_EQ(gate.Admit("a", ev, kSec, &why), EvidenceVerdict::kMalformed);
    EXPECT_NE(why.find("both votes are for one block"), std::string::npos) << why;
    core::Evidence fraud;  // a fraud proof whose hash list does not match its header
    fraud.kind = core::EvidenceKind::kFraud;
    fraud.fraud.header.tx_count = 2;
    EXPECT_EQ(gate.Admit("a", fraud, kSec, &why), EvidenceVerdict::kMalformed);
    EXPECT_NE(why.find("tx list length"), std::string::npos) << why;
    // Remembered: the same malformed piece again is a cheap duplicate.
    EXPECT_EQ(gate.Admit("b", fraud, kSec), EvidenceVerdict::kDuplicate);
}

}  // namespace
}  // namespace iost::node
