// One test per VerifySelf rule (docs/formats.md §T, go-iost core/tx/tx.go),
// each on a transaction that is valid except for that rule.
#include <core/codec.h>
#include <core/tx.h>
#include <crypto/keys.h>
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <set>

namespace iost::core {
namespace {

constexpr int64_t kNow = 1'700'000'000'000'000'000;
constexpr int64_t kSec = util::kNanosPerSecond;

const crypto::KeyPair& PublisherKey() {
    static const auto kp = crypto::KeyPair::FromSeed(crypto::Algorithm::kEd25519, "tx_test/alice");
    return kp;
}
const crypto::KeyPair& SignerKey() {
    static const auto kp =
        crypto::KeyPair::FromSeed(crypto::Algorithm::kSecp256k1, "tx_test/bobby");
    return kp;
}

Tx Unsigned() {
    Tx tx;
    tx.time = kNow - kSec;
    tx.expiration = tx.time + 90 * kSec;
    tx.gas_ratio = 100;
    tx.gas_limit = 1'000'000;  // 10,000 gas, ×100
    tx.chain_id = kLocalChainId;
    tx.actions.push_back({"token.iost", "transfer", R"(["iost","alice","bobby","1.5",""])"});
    tx.amount_limit.push_back({"iost", "1.5"});
    tx.publisher = "alice";
    return tx;
}

// Re-signs everything so that only the rule under test is broken.
Tx Signed(Tx tx) {
    tx.signatures.clear();
    tx.publisher_sigs.clear();
    if (!tx.signers.empty()) tx.SignAsSigner(SignerKey());
    tx.SignAsPublisher(PublisherKey());
    return tx;
}

Tx Valid() {
    Tx tx = Unsigned();
    tx.signers.push_back("bobby@active");
    return Signed(tx);
}

TxError Reason(const Tx& tx, int64_t now = kNow) {
    auto st = tx.VerifySelf(now, kLocalChainId, crypto::RealVerifier());
    EXPECT_FALSE(st.ok()) << "expected a rejection";
    return st.ok() ? TxError::kBadTime : st.error().reason;
}

TEST(TxVerify, ValidTransactionPasses) {
    const Tx tx = Valid();
    auto st = tx.VerifySelf(kNow, kLocalChainId, crypto::RealVerifier());
    EXPECT_TRUE(st.ok()) << (st.ok() ? "" : st.error().message);
    EXPECT_TRUE(tx.VerifyForm(kLocalChainId, crypto::RealVerifier()).ok());
    EXPECT_TRUE(tx.CheckNames().ok());
}

TEST(TxVerify, WrongChainIdIsRejected) {
    const Tx tx = Valid();
    auto st = tx.VerifySelf(kNow, kMainnetChainId, crypto::RealVerifier());
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().reason, TxError::kWrongChainId);
    EXPECT_NE(st.error().message.find("1024"), std::string::npos);
}

TEST(TxVerify, TimeMustBePositiveAndBeforeExpiration) {
    Tx a = Unsigned();
    a.time = 0;
    EXPECT_EQ(Reason(Signed(a)), TxError::kBadTime);
    Tx b = Unsigned();
    b.expiration = b.time;
    EXPECT_EQ(Reason(Signed(b)), TxError::kBadTime);
    Tx c = Unsigned();
    c.time = -5;
    EXPECT_EQ(Reason(Signed(c)), TxError::kBadTime);
}

TEST(TxVerify, DelayMustBeZero) {
    Tx tx = Unsigned();
    tx.delay = 1;
    EXPECT_EQ(Reason(Signed(tx)), TxError::kDelayNotSupported);
}

TEST(TxVerify, ReferredTxAndReservedMustBeEmpty) {
    Tx a = Unsigned();
    a.referred_tx = {1};
    EXPECT_EQ(Reason(Signed(a)), TxError::kUnsupportedField);
    Tx b = Unsigned();
    b.reserved = {1};
    EXPECT_EQ(Reason(Signed(b)), TxError::kUnsupportedField);
}

TEST(TxVerify, SizeLimitIsOnFullBytes) {
    Tx tx = Unsigned();
    const size_t base = Signed(tx).ToBytes(TxLevel::kFull).size();
    // Grow the data so Full is exactly the limit, then one byte over.
    tx.actions[0].data.append(kMaxTxBytes - base, 'x');
    const Tx at = Signed(tx);
    ASSERT_EQ(at.ToBytes(TxLevel::kFull).size(), kMaxTxBytes);
    EXPECT_TRUE(at.VerifySelf(kNow, kLocalChainId, crypto::RealVerifier()).ok());
    tx.actions[0].data.push_back('x');
    EXPECT_EQ(Reason(Signed(tx)), TxError::kTooLarge);
}

TEST(TxVerify, GasRatioRange) {
    for (int64_t r : {int64_t{99}, int64_t{10'001}, int64_t{0}, int64_t{-100}}) {
        Tx tx = Unsigned();
        tx.gas_ratio = r;
        EXPECT_EQ(Reason(Signed(tx)), TxError::kBadGasRatio) << r;
    }
    for (int64_t r : {int64_t{100}, int64_t{10'000}}) {
        Tx tx = Unsigned();
        tx.gas_ratio = r;
        EXPECT_TRUE(Signed(tx).VerifySelf(kNow, kLocalChainId, crypto::RealVerifier()).ok()) << r;
    }
}

TEST(TxVerify, GasLimitRange) {
    for (int64_t l : {kMinGasLimit - 1, kMaxGasLimit + 1}) {
        Tx tx = Unsigned();
        tx.gas_limit = l;
        EXPECT_EQ(Reason(Signed(tx)), TxError::kBadGasLimit) << l;
    }
    for (int64_t l : {kMinGasLimit, kMaxGasLimit}) {
        Tx tx = Unsigned();
        tx.gas_limit = l;
        EXPECT_TRUE(Signed(tx).VerifySelf(kNow, kLocalChainId, crypto::RealVerifier()).ok()) << l;
    }
}

TEST(TxVerify, ExpiredByExpirationOrAge) {
    const Tx tx = Valid();
    EXPECT_EQ(Reason(tx, tx.expiration), TxError::kExpired);  // expiration <= now
    Tx old = Unsigned();
    old.expiration = old.time + 200 * kSec;  // far expiration, but older than 90 s
    const Tx o = Signed(old);
    EXPECT_TRUE(o.VerifySelf(o.time + 90 * kSec, kLocalChainId, crypto::RealVerifier()).ok());
    EXPECT_EQ(Reason(o, o.time + 90 * kSec + 1), TxError::kExpired);
    // The clock-free check still passes: only the clock rule failed.
    EXPECT_TRUE(o.VerifyForm(kLocalChainId, crypto::RealVerifier()).ok());
}

TEST(TxVerify, FutureTimeBeyond30Seconds) {
    const Tx tx = Valid();
    EXPECT_TRUE(tx.VerifySelf(tx.time - 30 * kSec, kLocalChainId, crypto::RealVerifier()).ok());
    EXPECT_EQ(Reason(tx, tx.time - 30 * kSec - 1), TxError::kFutureTime);
}

TEST(TxVerify, ExtremeTimesDoNotOverflow) {
    Tx tx = Unsigned();
    tx.time = 1;
    tx.expiration = INT64_MAX;
    const Tx s = Signed(tx);
    EXPECT_EQ(Reason(s, INT64_MAX - 1), TxError::kExpired);
    EXPECT_EQ(Reason(s, INT64_MIN), TxError::kFutureTime);
    EXPECT_FALSE(s.IsExpired(2));
}

TEST(TxVerify, PublisherSignatureRequired) {
    Tx tx = Valid();
    tx.publisher_sigs.clear();
    EXPECT_EQ(Reason(tx), TxError::kNoPublisherSignature);
}

TEST(TxVerify, SignerSignatureMustVerifyOverBaseHash) {
    Tx tx = Unsigned();
    tx.signers.push_back("bobby@active");
    // Signed over the Publish hash instead of the Base hash.
    tx.signatures.push_back(Signature{SignerKey().algorithm(),
                                      SignerKey().Sign(crypto::View(tx.PublishHash())),
                                      SignerKey().public_key().bytes});
    tx.SignAsPublisher(PublisherKey());
    EXPECT_EQ(Reason(tx), TxError::kBadSignerSignature);
}

TEST(TxVerify, PublisherSignatureMustVerifyOverPublishHash) {
    Tx tx = Unsigned();
    tx.publisher_sigs.push_back(Signature{PublisherKey().algorithm(),
                                          PublisherKey().Sign(crypto::View(tx.BaseHash())),
                                          PublisherKey().public_key().bytes});
    EXPECT_EQ(Reason(tx), TxError::kBadPublisherSignature);
}

TEST(TxVerify, EverySignatureCountsNotJustOne) {
    Tx tx = Valid();
    Signature bad = tx.publisher_sigs[0];
    bad.sig[0] ^= 1;
    tx.publisher_sigs.push_back(bad);  // one good, one bad
    EXPECT_EQ(Reason(tx), TxError::kBadPublisherSignature);
}

TEST(TxVerify, MalleableSignatureEncodingsAreRejected) {
    // A secp256k1 signature shortened the way the SDK's bug does (dropping a
    // leading byte) or with a trailing byte never verifies, nor does high-S.
    Tx tx = Unsigned();
    tx.publisher_sigs.clear();
    const auto kp = crypto::KeyPair::FromSeed(crypto::Algorithm::kSecp256k1, "tx_test/carol");
    tx.SignAsPublisher(kp);
    ASSERT_TRUE(tx.VerifyForm(kLocalChainId, crypto::RealVerifier()).ok());
    Tx shorter = tx;
    shorter.publisher_sigs[0].sig.erase(shorter.publisher_sigs[0].sig.begin());
    EXPECT_EQ(Reason(shorter), TxError::kBadPublisherSignature);
    Tx longer = tx;
    longer.publisher_sigs[0].sig.push_back(0);
    EXPECT_EQ(Reason(longer), TxError::kBadPublisherSignature);
}

TEST(TxVerify, NamesAreCheckedSeparately) {
    Tx tx = Unsigned();
    tx.signers.push_back("bob@active");  // 3 characters
    tx = Signed(tx);
    EXPECT_TRUE(tx.VerifySelf(kNow, kLocalChainId, crypto::RealVerifier()).ok());
    auto st = tx.CheckNames();
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().reason, TxError::kBadSigner);
    Tx p = Valid();
    p.publisher = "Alice";
    ASSERT_FALSE(p.CheckNames().ok());
    EXPECT_EQ(p.CheckNames().error().reason, TxError::kBadPublisher);
}

TEST(TxVerify, ErrorNamesAreDistinct) {
    std::set<std::string_view> names;
    for (int e = 0; e <= static_cast<int>(TxError::kBadPublisherSignature); ++e) {
        names.insert(TxErrorName(static_cast<TxError>(e)));
    }
    EXPECT_EQ(names.size(), static_cast<size_t>(TxError::kBadPublisherSignature) + 1);
}

TEST(TxBytes, LevelsArePrefixesOfEachOther) {
    const Tx tx = Valid();
    const auto base = tx.ToBytes(TxLevel::kBase);
    const auto pub = tx.ToBytes(TxLevel::kPublish);
    const auto full = tx.ToBytes(TxLevel::kFull);
    ASSERT_LT(base.size(), pub.size());
    ASSERT_LT(pub.size(), full.size());
    EXPECT_TRUE(std::equal(base.begin(), base.end(), pub.begin()));
    EXPECT_TRUE(std::equal(pub.begin(), pub.end(), full.begin()));
    EXPECT_EQ(tx.Hash(), crypto::Sha3_256(full));
}

TEST(TxBytes, ComputeHashesMatchesEachLevel) {
    const Tx tx = Valid();
    const TxHashes h = tx.ComputeHashes();
    EXPECT_EQ(h.base, tx.BaseHash());
    EXPECT_EQ(h.publish, tx.PublishHash());
    EXPECT_EQ(h.full, tx.Hash());
    EXPECT_EQ(h.full_size, tx.ToBytes(TxLevel::kFull).size());
    EXPECT_TRUE(tx.VerifySelf(kNow, kLocalChainId, crypto::RealVerifier(), h).ok());
}

TEST(TxBytes, ChainIdIsWrittenAsItsUint32Bits) {
    Tx tx = Unsigned();
    tx.chain_id = 0xfffffffe;
    const auto b = tx.ToBytes(TxLevel::kBase);
    EXPECT_EQ(util::ToHex(util::ByteView(b.data() + 40, 4)), "fffffffe");
    auto back = Tx::FromBytes(Signed(tx).ToBytes(TxLevel::kFull));
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(back->chain_id, 0xfffffffeu);
}

TEST(TxBytes, FromBytesRejectsMalformedInput) {
    const auto full = Valid().ToBytes(TxLevel::kFull);
    for (size_t cut = 0; cut < full.size(); ++cut) {
        EXPECT_FALSE(Tx::FromBytes(util::ByteView(full.data(), cut)).ok()) << cut;
    }
    auto extra = full;
    extra.push_back(0);
    EXPECT_FALSE(Tx::FromBytes(extra).ok());
    // An unknown signature algorithm byte.
    Tx tx = Valid();
    auto bytes = tx.ToBytes(TxLevel::kFull);
    const size_t pub_sig_algo = bytes.size() - (1 + 4 + 64 + 4 + 32);
    ASSERT_EQ(bytes[pub_sig_algo], 2);
    bytes[pub_sig_algo] = 3;
    auto r = Tx::FromBytes(bytes);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("publisher_sigs"), std::string::npos);
    EXPECT_FALSE(Tx::FromBytes(util::Bytes(kMaxTxBytes + 1, 0)).ok());
}

RC_GTEST_PROP(TxProperty, BinaryRoundTrip,
              (std::vector<std::string> signers, std::string data, int64_t time, uint32_t chain)) {
    Tx tx = Unsigned();
    tx.signers = signers;
    tx.actions[0].data = data;
    tx.time = time;
    tx.chain_id = chain;
    tx = Signed(tx);
    const auto back = Tx::FromBytes(tx.ToBytes(TxLevel::kFull));
    RC_ASSERT(back.ok());
    RC_ASSERT(*back == tx);
    RC_ASSERT(back->Hash() == tx.Hash());
}

}  // namespace
}  // namespace iost::core
