// The view-change and new-view rules (consensus/view_change.h, docs/pob.md
// §6.4, §6.5) tested directly with real Ed25519 keys: a well-formed view
// change and justification pass, and each change of one thing gets exactly
// its ViewChangeReject (every value has a case).
#include <consensus/view_change.h>
#include <core/block.h>
#include <gtest/gtest.h>

#include <functional>
#include <set>

namespace iost::consensus {
namespace {

constexpr uint64_t kHeight = 9;

struct League {
    std::vector<crypto::KeyPair> keys;
    Committee committee;
    std::shared_ptr<const core::FinalBlock> block;
    League() {
        for (int i = 0; i < 4; ++i) {
            keys.push_back(
                crypto::KeyPair::FromSeed(crypto::Algorithm::kEd25519, "vc" + std::to_string(i)));
            committee.normal.push_back({"n" + std::to_string(i), keys.back().public_key(), 1, 1});
        }
        auto b = std::make_shared<core::FinalBlock>();
        b->height = kHeight;
        b->view = 0;
        b->time = 7;
        block = b;
    }
    // A prepare certificate for `block` in view `view` signed by q members.
    PreparedCert Prepared(uint64_t view) const {
        const crypto::Hash256 h = block->Hash();
        crypto::CertificateBuilder cb(committee.NormalKeys(),
                                      core::VoteMessage(core::kVotePrepare, kHeight, view, h),
                                      crypto::RealVerifier());
        for (size_t i = 0; i < committee.quorum(); ++i) {
            (void)cb.AddVoteAt(i, keys[i].Sign(crypto::View(cb.message())));
        }
        return PreparedCert{view, h, cb.Build(), block};
    }
    ViewChangeMsg Vc(int voter, uint64_t new_view, std::optional<PreparedCert> p = {}) const {
        ViewChangeMsg vc;
        vc.height = kHeight;
        vc.new_view = new_view;
        vc.voter = "n" + std::to_string(voter);
        vc.prepared = std::move(p);
        Sign(vc, voter);
        return vc;
    }
    void Sign(ViewChangeMsg& vc, int voter) const {
        vc.sig = keys[static_cast<size_t>(voter)].Sign(
            crypto::View(ViewChangeMessage(vc.height, vc.new_view, vc.prepared)));
    }
    // A proposal for view 2 justified by q view changes (one with a prepared block).
    ProposalMsg Proposal() const {
        ProposalMsg p;
        p.height = kHeight;
        p.view = 2;
        p.block = block;
        p.block_hash = block->Hash();
        for (int i = 0; i < 3; ++i)
            p.justification.push_back(Vc(i, 2, i == 0 ? std::optional(Prepared(1)) : std::nullopt));
        return p;
    }
};

TEST(ViewChangeRules, WellFormedViewChangesAndJustificationsPass) {
    League l;
    EXPECT_TRUE(CheckViewChange(l.committee, crypto::RealVerifier(), l.Vc(1, 3), true).ok());
    EXPECT_TRUE(
        CheckViewChange(l.committee, crypto::RealVerifier(), l.Vc(1, 3, l.Prepared(2)), true).ok());
    EXPECT_TRUE(CheckJustification(l.committee, crypto::RealVerifier(), l.Proposal()).ok());
}

struct Case {
    const char* name;
    ViewChangeReject want;
    std::function<util::Result<void, ViewChangeReject>(const League&)> run;
};

std::vector<Case> Cases() {
    using R = ViewChangeReject;
    return {
        {"VoterOutsideTheLeague", R::kNotMember,
         [](const League& l) {
             const auto& v = crypto::RealVerifier();
             auto vc = l.Vc(1, 3);
             vc.voter = "stranger";
             return CheckViewChange(l.committee, v, vc, true);
         }},
        {"SignedByAnotherMember", R::kBadSignature,
         [](const League& l) {
             const auto& v = crypto::RealVerifier();
             auto vc = l.Vc(1, 3);
             l.Sign(vc, 2);
             return CheckViewChange(l.committee, v, vc, true);
         }},
        {"PreparedInTheNewView", R::kPreparedNotBelow,
         [](const League& l) {
             const auto& v = crypto::RealVerifier();
             return CheckViewChange(l.committee, v, l.Vc(1, 3, l.Prepared(3)), true);
         }},
        {"PreparedBlockOmittedWhereNeeded", R::kPreparedBlockMismatch,
         [](const League& l) {
             const auto& v = crypto::RealVerifier();
             auto p = l.Prepared(1);
             p.block = nullptr;
             return CheckViewChange(l.committee, v, l.Vc(1, 3, p), true);
         }},
        {"PreparedBlockOfAnotherHash", R::kPreparedBlockMismatch,
         [](const League& l) {
             const auto& v = crypto::RealVerifier();
             auto p = l.Prepared(1);
             auto other = std::make_shared<core::FinalBlock>(*l.block);
             other->time = 8;
             p.block = other;
             return CheckViewChange(l.committee, v, l.Vc(1, 3, p), true);
         }},
        {"PrepareCertificateBelowQuorum", R::kPreparedCertificate,
         [](const League& l) {
             const auto& v = crypto::RealVerifier();
             auto p = l.Prepared(1);
             p.cert.signatures.pop_back();
             p.cert.bitmap[0] &= 0x03;
             return CheckViewChange(l.committee, v, l.Vc(1, 3, p), true);
         }},
        {"JustificationForAnotherView", R::kOtherView,
         [](const League& l) {
             const auto& v = crypto::RealVerifier();
             auto p = l.Proposal();
             p.justification[1] = l.Vc(1, 3);
             return CheckJustification(l.committee, v, p);
         }},
        {"JustificationRepeatsAVoter", R::kRepeatedVoter,
         [](const League& l) {
             const auto& v = crypto::RealVerifier();
             auto p = l.Proposal();
             p.justification[2] = p.justification[1];
             return CheckJustification(l.committee, v, p);
         }},
        {"JustificationBelowQuorum", R::kBelowQuorum,
         [](const League& l) {
             const auto& v = crypto::RealVerifier();
             auto p = l.Proposal();
             p.justification.pop_back();
             return CheckJustification(l.committee, v, p);
         }},
        {"NewViewProposesAnotherBlock", R::kNotHighestPrepared,
         [](const League& l) {
             const auto& v = crypto::RealVerifier();
             auto p = l.Proposal();
             auto other = std::make_shared<core::FinalBlock>(*l.block);
             other->view = 2;
             p.block = other;
             p.block_hash = other->Hash();
             return CheckJustification(l.committee, v, p);
         }},
        {"FreshBlockOfAnOldView", R::kFreshBlockView,
         [](const League& l) {
             const auto& v = crypto::RealVerifier();
             auto p = l.Proposal();
             p.justification[0] = l.Vc(0, 2);               // nothing prepared: a fresh block
             return CheckJustification(l.committee, v, p);  // block->view 0 != 2
         }},
    };
}

class ViewChangeRejectCase : public ::testing::TestWithParam<size_t> {};

TEST_P(ViewChangeRejectCase, ProducesItsReason) {
    const Case c = Cases()[GetParam()];
    League l;
    auto r = c.run(l);
    ASSERT_FALSE(r.ok()) << c.name << ": accepted";
    EXPECT_EQ(r.error(), c.want) << c.name << ": got " << ViewChangeRejectName(r.error());
}

INSTANTIATE_TEST_SUITE_P(ByReason, ViewChangeRejectCase,
                         ::testing::Range<size_t>(0, Cases().size()),
                         [](const ::testing::TestParamInfo<size_t>& i) {
                             return std::string(Cases()[i.param].name);
                         });

TEST(ViewChangeRules, EveryReasonHasACase) {
    std::set<int> seen;
    for (const auto& c : Cases()) seen.insert(static_cast<int>(c.want));
    EXPECT_EQ(seen.size(), kViewChangeRejectCount);
    EXPECT_STREQ(ViewChangeRejectName(static_cast<ViewChangeReject>(kViewChangeRejectCount)),
                 "unknown");
}

}  // namespace
}  // namespace iost::consensus
