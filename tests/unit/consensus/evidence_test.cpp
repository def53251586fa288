// Evidence (docs/pob.md §7): any node validates a fraud proof or an
// equivocation alone, and every forged or malleated piece of evidence is
// rejected — so no honest validator can be slashed (docs/reliability.md #16).
#include <consensus/evidence.h>
#include <core/block.h>
#include <gtest/gtest.h>

namespace iost::consensus {
namespace {

constexpr uint32_t kChain = 1020;

// CheckTx as the node does it minus permissions: form and every signature.
class SigApp final : public Application {
  public:
    util::Status CheckTx(const core::Tx& tx) override {
        auto st = tx.VerifyForm(kChain, crypto::RealVerifier());
        if (!st.ok()) return util::Err(st.error().message);
        return util::Ok();
    }
    util::Status CheckTxBytes(const core::Tx& tx) override { return CheckTx(tx); }
    ExecResult Execute(const ExecInput&) override { return {}; }
    void Commit(const ExecInput&, const ExecResult&) override {}
    std::vector<Candidate> Candidates() override { return {}; }
    int64_t BondedStake(const std::string&) override { return 0; }
};

core::Tx Transfer(const std::string& from, int n) {
    core::Tx tx;
    tx.time = 1'700'000'000'000'000'000 + n;
    tx.expiration = tx.time + 60'000'000'000;
    tx.gas_ratio = 100;
    tx.gas_limit = 1'000'000;
    tx.chain_id = kChain;
    tx.actions.push_back(
        {"token.iost", "transfer", "[\"iost\",\"" + from + "\",\"bob01\",\"1\",\"\"]"});
    tx.amount_limit.push_back({"*", "unlimited"});
    tx.SignAsPublisher(from, crypto::KeyPair::FromSeed(crypto::Algorithm::kEd25519, from));
    return tx;
}

struct Fixture : ::testing::Test {
    crypto::KeyPair producer = crypto::KeyPair::FromSeed(crypto::Algorithm::kEd25519, "prod");
    crypto::KeyPair honest = crypto::KeyPair::FromSeed(crypto::Algorithm::kEd25519, "honest");
    std::vector<crypto::KeyPair> normal_keys;
    Committee committee;
    SigApp app;
    core::MicroBlock mb;

    void SetUp() override {
        committee.epoch = 3;
        committee.believable.push_back({"prod1", producer.public_key(), 10, 10});
        committee.believable.push_back({"honest1", honest.public_key(), 10, 10});
        for (int i = 0; i < 4; ++i) {
            normal_keys.push_back(
                crypto::KeyPair::FromSeed(crypto::Algorithm::kEd25519, "n" + std::to_string(i)));
            committee.normal.push_back(
                {"norm" + std::to_string(i), normal_keys.back().public_key(), 10, 10});
        }
        mb.header.epoch = 3;
        mb.header.producer = "prod1";
        mb.header.seq = 4;
        mb.txs = {Transfer("alice", 1), Transfer("carol", 2), Transfer("dave1", 3)};
        mb.txs[1].publisher_sigs[0].sig[10] ^= 1;  // forged: bad signature
        mb.Seal();
        mb.producer_sig = producer.Sign(crypto::View(mb.hash));
    }

    core::Evidence Fraud(uint32_t index) const {
        core::Evidence ev;
        ev.kind = core::EvidenceKind::kFraud;
        ev.fraud.header = mb.header;
        ev.fraud.producer_sig = mb.producer_sig;
        ev.fraud.tx_hashes = mb.tx_hashes;
        ev.fraud.index = index;
        ev.fraud.tx = mb.txs[index];
        return ev;
    }

    core::SignedVote Vote(int who, uint8_t fill, uint64_t view = 0) const {
        core::SignedVote v;
        v.kind = core::kVotePrepare;
        v.height = 7;
        v.view = view;
        v.block_hash.fill(fill);
        v.voter = "norm" + std::to_string(who);
        v.sig = normal_keys[static_cast<size_t>(who)].Sign(
            crypto::View(core::VoteMessage(v.kind, v.height, v.view, v.block_hash)));
        return v;
    }

    bool Valid(const core::Evidence& ev) {
        return ValidateEvidence(ev, committee, app, crypto::RealVerifier()).ok();
    }
};

TEST_F(Fixture, FraudProofAccepted) {
    EXPECT_TRUE(Valid(Fraud(1)));
    // It survives the wire.
    auto back = core::Evidence::FromBytes(Fraud(1).ToBytes());
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_TRUE(Valid(*back));
    EXPECT_EQ(back->Id(), Fraud(1).Id());
    EXPECT_EQ(back->Accused(), "prod1");
}

TEST_F(Fixture, ForgedFraudProofsRejected) {
    EXPECT_FALSE(Valid(Fraud(0)));  // the transaction is valid: false accusation
    EXPECT_FALSE(Valid(Fraud(2)));

    auto wrong_index = Fraud(1);
    wrong_index.fraud.index = 0;  // points at another tx
    EXPECT_FALSE(Valid(wrong_index));
    auto out_of_range = Fraud(1);
    out_of_range.fraud.index = 9;
    EXPECT_FALSE(Valid(out_of_range));

    auto not_in_block = Fraud(1);  // a bad tx the producer never packed
    not_in_block.fraud.tx = mb.txs[1];
    not_in_block.fraud.tx.time += 1;
    not_in_block.fraud.tx_hashes[1] = not_in_block.fraud.tx.Hash();
    EXPECT_FALSE(Valid(not_in_block));

    auto resigned_header = Fraud(1);  // header changed after signing
    resigned_header.fraud.header.seq = 5;
    EXPECT_FALSE(Valid(resigned_header));

    auto framed = Fraud(1);  // pinned on an honest producer
    framed.fraud.header.producer = "honest1";
    EXPECT_FALSE(Valid(framed));

    auto outsider = Fraud(1);
    outsider.fraud.header.producer = "norm0";
    EXPECT_FALSE(Valid(outsider));

    auto other_epoch = Fraud(1);
    other_epoch.fraud.header.epoch = 2;
    EXPECT_FALSE(Valid(other_epoch));

    auto short_list = Fraud(1);
    short_list.fraud.tx_hashes.pop_back();
    EXPECT_FALSE(Valid(short_list));
}

TEST_F(Fixture, MicroEquivocation) {
    core::MicroBlock other = mb;
    other.txs.pop_back();
    other.Seal();
    other.producer_sig = producer.Sign(crypto::View(other.hash));
    core::Evidence ev;
    ev.kind = core::EvidenceKind::kMicroEquivocation;
    ev.micro = {mb.header, other.header, mb.producer_sig, other.producer_sig};
    EXPECT_TRUE(Valid(ev));
    auto back = core::Evidence::FromBytes(ev.ToBytes());
    ASSERT_TRUE(back.ok());
    EXPECT_TRUE(Valid(*back));

    auto same = ev;
    same.micro.b = same.micro.a;
    same.micro.sig_b = same.micro.sig_a;
    EXPECT_FALSE(Valid(same));
    auto other_seq = ev;  // consecutive blocks are not equivocation
    other_seq.micro.b.seq = 5;
    other_seq.micro.sig_b = producer.Sign(crypto::View(other_seq.micro.b.Hash()));
    EXPECT_FALSE(Valid(other_seq));
    auto forged_sig = ev;
    forged_sig.micro.sig_b[3] ^= 1;
    EXPECT_FALSE(Valid(forged_sig));
    auto framed = ev;  // an honest producer's name on the attacker's headers
    framed.micro.a.producer = framed.micro.b.producer = "honest1";
    EXPECT_FALSE(Valid(framed));
}

TEST_F(Fixture, VoteEquivocation) {
    core::Evidence ev;
    ev.kind = core::EvidenceKind::kVoteEquivocation;
    ev.vote = {Vote(2, 0xaa), Vote(2, 0xbb)};
    EXPECT_TRUE(Valid(ev));
    EXPECT_EQ(ev.Accused(), "norm2");
    auto back = core::Evidence::FromBytes(ev.ToBytes());
    ASSERT_TRUE(back.ok());
    EXPECT_TRUE(Valid(*back));

    auto same_block = ev;
    same_block.vote.b = same_block.vote.a;
    EXPECT_FALSE(Valid(same_block));
    auto two_voters = ev;
    two_voters.vote.b = Vote(3, 0xbb);
    EXPECT_FALSE(Valid(two_voters));
    auto two_views = ev;  // a vote per view is the protocol, not equivocation
    two_views.vote.b = Vote(2, 0xbb, 1);
    EXPECT_FALSE(Valid(two_views));
    auto bad_sig = ev;
    bad_sig.vote.b.sig[0] ^= 1;
    EXPECT_FALSE(Valid(bad_sig));
    auto renamed = ev;  // someone else's votes under an honest name
    renamed.vote.a.voter = renamed.vote.b.voter = "norm1";
    EXPECT_FALSE(Valid(renamed));
}

TEST_F(Fixture, HostileEvidenceBytes) {
    const auto bytes = Fraud(1).ToBytes();
    for (size_t cut = 0; cut < bytes.size(); cut += 13) {
        EXPECT_FALSE(core::Evidence::FromBytes(util::ByteView(bytes.data(), cut)).ok());
    }
    auto bad_kind = bytes;
    bad_kind[4 + std::string_view("iost-pob-evidence-v1").size()] = 9;
    EXPECT_FALSE(core::Evidence::FromBytes(bad_kind).ok());
}

TEST_F(Fixture, MicroBlockRoundTrip) {
    auto back = core::MicroBlock::FromBytes(mb.ToBytes());
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(back->hash, mb.hash);
    EXPECT_TRUE(VerifyMicroSignature(back->header, back->producer_sig, producer.public_key(),
                                     crypto::RealVerifier()));
    // A header whose tx_root does not match its transactions is refused.
    auto lying = mb;
    lying.header.tx_root[0] ^= 1;
    EXPECT_FALSE(core::MicroBlock::FromBytes(lying.ToBytes()).ok());
}

// pob.md §7.5: what no refund repairs is checked by every normal validator.
TEST(MustVerifyAlways, PermissionCodeAndContractActionsButNotTransfers) {
    core::Tx tx = Transfer("alice", 1);
    EXPECT_FALSE(MustVerifyAlways(tx));
    for (const char* contract :
         {"auth.iost", "vote_producer.iost", "system.iost", "Contract8bF3ZQv1ygLVa7Yb2vkj"}) {
        core::Tx t = Transfer("alice", 2);
        t.actions.push_back({contract, "f", "[]"});
        EXPECT_TRUE(MustVerifyAlways(t)) << contract;
    }
    // A name that merely contains "Contract" elsewhere is not a JS contract id.
    core::Tx other = Transfer("alice", 3);
    other.actions.push_back({"myContract.iost", "f", "[]"});
    EXPECT_FALSE(MustVerifyAlways(other));
}

}  // namespace
}  // namespace iost::consensus
