// The official SDK's transactions (tests/vectors, generated with npm iost
// 0.1.22) must parse, encode and hash byte for byte as the SDK and go-iost
// do, and every signature must verify exactly when go-iost would accept it.
#include <core/codec.h>
#include <core/tx.h>
#include <core/tx_json.h>
#include <crypto/hash.h>
#include <crypto/keys.h>
#include <gtest/gtest.h>
#include <util/bytes.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace iost::core {
namespace {

using Json = nlohmann::json;

Json LoadJson(const std::string& rel) {
    std::ifstream in(std::string(IOST_TEST_DATA_DIR) + "/" + rel);
    EXPECT_TRUE(in.good()) << "missing " << rel;
    std::stringstream ss;
    ss << in.rdbuf();
    return Json::parse(ss.str());
}

const Json& Vectors() {
    static const Json v = LoadJson("vectors/tx_vectors.json")["vectors"];
    return v;
}

std::string Hex(const util::Bytes& b) { return util::ToHex(b); }
std::string Hex(const crypto::Hash256& h) { return util::ToHex(crypto::View(h)); }

Tx ParseOrDie(const std::string& body) {
    auto r = TxFromJson(body);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? std::move(r).value() : Tx{};
}

TEST(TxVectors, ThereAreVectors) { EXPECT_GE(Vectors().size(), 17u); }

TEST(TxVectors, BytesAndHashesMatchTheSdk) {
    for (const Json& v : Vectors()) {
        SCOPED_TRACE(v["name"].get<std::string>());
        const Tx tx = ParseOrDie(v["sendtx_body"].get<std::string>());
        EXPECT_EQ(Hex(tx.ToBytes(TxLevel::kBase)), v["base_bytes_hex"].get<std::string>());
        EXPECT_EQ(Hex(tx.ToBytes(TxLevel::kPublish)), v["publish_bytes_hex"].get<std::string>());
        EXPECT_EQ(Hex(tx.ToBytes(TxLevel::kFull)), v["full_bytes_hex"].get<std::string>());
        EXPECT_EQ(tx.ToBytes(TxLevel::kFull).size(), v["full_size"].get<size_t>());
        EXPECT_EQ(Hex(tx.BaseHash()), v["base_hash"]["hex"].get<std::string>());
        EXPECT_EQ(crypto::HashToBase58(tx.BaseHash()), v["base_hash"]["base58"].get<std::string>());
        EXPECT_EQ(Hex(tx.PublishHash()), v["publish_hash"]["hex"].get<std::string>());
        EXPECT_EQ(tx.HashBase58(), v["hash"].get<std::string>());
        EXPECT_EQ(Hex(tx.Hash()), v["hash_hex"].get<std::string>());

        const Json& ints = v["encoded_ints"];
        EXPECT_EQ(std::to_string(tx.time), ints["time"].get<std::string>());
        EXPECT_EQ(std::to_string(tx.expiration), ints["expiration"].get<std::string>());
        EXPECT_EQ(std::to_string(tx.gas_ratio), ints["gas_ratio_x100"].get<std::string>());
        EXPECT_EQ(std::to_string(tx.gas_limit), ints["gas_limit_x100"].get<std::string>());
        EXPECT_EQ(std::to_string(tx.delay), ints["delay"].get<std::string>());
        EXPECT_EQ(tx.chain_id, ints["chain_id"].get<uint32_t>());
    }
}

TEST(TxVectors, TheTxObjectParsesLikeTheBody) {
    // The same object re-serialised by another JSON writer must give the
    // same transaction (numbers keep their digits).
    for (const Json& v : Vectors()) {
        SCOPED_TRACE(v["name"].get<std::string>());
        const Tx a = ParseOrDie(v["sendtx_body"].get<std::string>());
        const Tx b = ParseOrDie(v["tx"].dump());
        EXPECT_EQ(a, b);
    }
}

TEST(TxVectors, SignaturesVerifyExactlyWhenGoIostWould) {
    for (const Json& v : Vectors()) {
        SCOPED_TRACE(v["name"].get<std::string>());
        const Tx tx = ParseOrDie(v["sendtx_body"].get<std::string>());
        const auto base = tx.BaseHash();
        const auto publish = tx.PublishHash();
        for (const Json& c : v["signature_checks"]) {
            const bool is_pub = c["list"] == "publisher_sigs";
            const auto& list = is_pub ? tx.publisher_sigs : tx.signatures;
            const size_t idx = c["index"].get<size_t>();
            ASSERT_LT(idx, list.size());
            const Signature& s = list[idx];
            const auto& h = is_pub ? publish : base;
            EXPECT_EQ(s.sig.size(), c["signature_len"].get<size_t>());
            // go-iost: only an exact 64-byte r‖s (or Ed25519 sig) can verify.
            const bool expect = s.sig.size() == crypto::kSignatureSize;
            EXPECT_EQ(crypto::Verify(s.algorithm, s.pubkey, crypto::View(h), s.sig), expect);
            if (c.contains("padded_signature_base64")) {
                auto padded = util::Base64Decode(c["padded_signature_base64"].get<std::string>());
                ASSERT_TRUE(padded.ok());
                // The correctly padded form of every SDK signature is valid.
                EXPECT_TRUE(crypto::Verify(s.algorithm, s.pubkey, crypto::View(h), *padded));
            }
        }
    }
}

TEST(TxVectors, VerifyFormAcceptsExactlyTheValidOnes) {
    for (const Json& v : Vectors()) {
        const std::string name = v["name"].get<std::string>();
        SCOPED_TRACE(name);
        const Tx tx = ParseOrDie(v["sendtx_body"].get<std::string>());
        const auto st = tx.VerifyForm(tx.chain_id, crypto::RealVerifier());
        if (!v["valid_size"].get<bool>()) {
            ASSERT_FALSE(st.ok());
            EXPECT_EQ(st.error().reason, TxError::kTooLarge);
        } else if (v["sdk_short_signature"].get<bool>()) {
            ASSERT_FALSE(st.ok());
            EXPECT_EQ(st.error().reason, TxError::kBadPublisherSignature);
        } else {
            EXPECT_TRUE(st.ok()) << (st.ok() ? "" : st.error().message);
            // Clock rules: fresh one second later, expired 91 s later.
            EXPECT_TRUE(
                tx.VerifySelf(tx.time + util::kNanosPerSecond, tx.chain_id, crypto::RealVerifier())
                    .ok());
            auto late = tx.VerifySelf(tx.time + 91 * util::kNanosPerSecond, tx.chain_id,
                                      crypto::RealVerifier());
            ASSERT_FALSE(late.ok());
            EXPECT_EQ(late.error().reason, TxError::kExpired);
            auto wrong = tx.VerifyForm(tx.chain_id + 1, crypto::RealVerifier());
            ASSERT_FALSE(wrong.ok());
            EXPECT_EQ(wrong.error().reason, TxError::kWrongChainId);
        }
    }
}

TEST(TxVectors, FlippingAnyBitBreaksVerification) {
    for (const Json& v : Vectors()) {
        const std::string name = v["name"].get<std::string>();
        if (!v["valid_size"].get<bool>() || v["sdk_short_signature"].get<bool>()) continue;
        SCOPED_TRACE(name);
        const Tx tx = ParseOrDie(v["sendtx_body"].get<std::string>());
        const auto& ver = crypto::RealVerifier();

        for (size_t bit : {0u, 7u, 100u, 511u}) {
            Tx t = tx;
            t.publisher_sigs[0].sig[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
            auto st = t.VerifyForm(t.chain_id, ver);
            ASSERT_FALSE(st.ok()) << bit;
            EXPECT_EQ(st.error().reason, TxError::kBadPublisherSignature);
        }
        {
            Tx t = tx;
            t.publisher_sigs[0].pubkey[5] ^= 0x01;
            auto st = t.VerifyForm(t.chain_id, ver);
            ASSERT_FALSE(st.ok());
            EXPECT_EQ(st.error().reason, TxError::kBadPublisherSignature);
        }
        {
            // A changed argument changes the Base hash every signature covers.
            Tx t = tx;
            t.actions[0].data[t.actions[0].data.size() / 2] ^= 0x01;
            auto st = t.VerifyForm(t.chain_id, ver);
            ASSERT_FALSE(st.ok());
            EXPECT_EQ(st.error().reason, t.signatures.empty() ? TxError::kBadPublisherSignature
                                                              : TxError::kBadSignerSignature);
        }
        {
            Tx t = tx;
            t.time += 1;
            EXPECT_FALSE(t.VerifyForm(t.chain_id, ver).ok());
        }
        if (!tx.signatures.empty()) {
            Tx t = tx;
            t.signatures[0].sig[3] ^= 0x80;
            auto st = t.VerifyForm(t.chain_id, ver);
            ASSERT_FALSE(st.ok());
            EXPECT_EQ(st.error().reason, TxError::kBadSignerSignature);
        }
        {
            // A flipped bit in the signed hash.
            auto h = tx.PublishHash();
            h[17] ^= 0x04;
            const auto& s = tx.publisher_sigs[0];
            EXPECT_FALSE(crypto::Verify(s.algorithm, s.pubkey, crypto::View(h), s.sig));
        }
        {
            // The publisher name is in the Full bytes only: it changes the id
            // but no signature (IOST binds the publisher through its key's
            // permission, a ledger check).
            Tx t = tx;
            t.publisher = "zzzzz";
            EXPECT_NE(t.Hash(), tx.Hash());
            EXPECT_EQ(t.PublishHash(), tx.PublishHash());
        }
    }
}

TEST(TxVectors, KeysDeriveTheirPublicKeys) {
    for (const Json& v : Vectors()) {
        SCOPED_TRACE(v["name"].get<std::string>());
        for (const Json& k : v["keys"]) {
            const auto algo = k["algorithm_id"].get<int>() == 2 ? crypto::Algorithm::kEd25519
                                                                : crypto::Algorithm::kSecp256k1;
            auto secret = util::Base58Decode(k["secret_base58"].get<std::string>());
            ASSERT_TRUE(secret.ok());
            auto kp = crypto::KeyPair::FromSecret(algo, *secret);
            ASSERT_TRUE(kp.ok()) << kp.error().message;
            EXPECT_EQ(util::Base58Encode(kp->public_key().bytes),
                      k["public_base58"].get<std::string>());
        }
    }
}

TEST(TxVectors, ResigningWithOurCryptoReproducesTheSdk) {
    // Ed25519 and RFC 6979 secp256k1 are deterministic: our signatures over
    // the same hash must be the SDK's bytes (where the SDK padded correctly).
    for (const Json& v : Vectors()) {
        if (v["sdk_short_signature"].get<bool>()) continue;
        SCOPED_TRACE(v["name"].get<std::string>());
        const Tx tx = ParseOrDie(v["sendtx_body"].get<std::string>());
        for (const Json& k : v["keys"]) {
            if (k["role"].get<std::string>() != "publisher") continue;
            const auto algo = k["algorithm_id"].get<int>() == 2 ? crypto::Algorithm::kEd25519
                                                                : crypto::Algorithm::kSecp256k1;
            auto kp = crypto::KeyPair::FromSecret(
                algo, util::Base58Decode(k["secret_base58"].get<std::string>()).value());
            ASSERT_TRUE(kp.ok());
            Tx t = tx;
            t.publisher_sigs.clear();
            t.SignAsPublisher(*kp);
            bool found = false;
            for (const auto& s : tx.publisher_sigs) found = found || s == t.publisher_sigs[0];
            EXPECT_TRUE(found);
        }
    }
}

TEST(TxVectors, RoundTripsThroughOurJsonAndBinaryForms) {
    for (const Json& v : Vectors()) {
        SCOPED_TRACE(v["name"].get<std::string>());
        const Tx tx = ParseOrDie(v["sendtx_body"].get<std::string>());
        const Tx again = ParseOrDie(TxToJson(tx));
        EXPECT_EQ(again, tx);
        EXPECT_EQ(again.Hash(), tx.Hash());
        if (v["valid_size"].get<bool>()) {
            auto dec = Tx::FromBytes(tx.ToBytes(TxLevel::kFull));
            ASSERT_TRUE(dec.ok()) << dec.error().message;
            EXPECT_EQ(*dec, tx);
        } else {
            EXPECT_FALSE(Tx::FromBytes(tx.ToBytes(TxLevel::kFull)).ok());
        }
    }
}

TEST(TxVectors, ApiJsonShowsTheIdAndIostShapes) {
    const Json& v = Vectors()[0];
    const Tx tx = ParseOrDie(v["sendtx_body"].get<std::string>());
    const Json api = Json::parse(TxToApiJson(tx));
    EXPECT_EQ(api["hash"], v["hash"]);
    EXPECT_EQ(api["time"], v["encoded_ints"]["time"]);  // int64 as a string
    EXPECT_TRUE(api["chain_id"].is_number_integer());
    EXPECT_TRUE(api["actions"][0].contains("action_name"));
    EXPECT_EQ(api["referred_tx"], "");
    EXPECT_TRUE(api["tx_receipt"].is_null());
    EXPECT_FALSE(api.contains("publisher_sigs"));
}

TEST(DocsExample, MatchesTheRecomputation) {
    const Json d = LoadJson("vectors/docs_example.json");
    const Tx tx = ParseOrDie(d["stated"]["curl_body"].get<std::string>());
    const Json& r = d["recomputed"];
    EXPECT_EQ(Hex(tx.ToBytes(TxLevel::kBase)), r["base_bytes_hex"].get<std::string>());
    EXPECT_EQ(Hex(tx.ToBytes(TxLevel::kPublish)), r["publish_bytes_hex"].get<std::string>());
    EXPECT_EQ(Hex(tx.ToBytes(TxLevel::kFull)), r["full_bytes_hex"].get<std::string>());
    EXPECT_EQ(tx.HashBase58(), r["hash"].get<std::string>());
    // The docs' "hash" is the Publish hash the publisher signs.
    const auto ph = tx.PublishHash();
    EXPECT_EQ(util::Base64Encode(crypto::View(ph)), d["stated"]["hash_base64"].get<std::string>());
    const auto& s = tx.publisher_sigs.at(0);
    EXPECT_EQ(util::Base64Encode(s.sig), d["stated"]["signature_base64"].get<std::string>());
    EXPECT_TRUE(crypto::Verify(s.algorithm, s.pubkey, crypto::View(ph), s.sig));
    // Valid for a node on chain 1024 whose clock reads one second after it.
    auto st =
        tx.VerifySelf(tx.time + util::kNanosPerSecond, kMainnetChainId, crypto::RealVerifier());
    EXPECT_TRUE(st.ok()) << (st.ok() ? "" : st.error().message);
    // The stated private key signs to the stated signature.
    auto sk = util::Base64Decode(d["stated"]["private_key_base64"].get<std::string>());
    ASSERT_TRUE(sk.ok());
    auto kp = crypto::KeyPair::FromSecret(crypto::Algorithm::kEd25519, *sk);
    ASSERT_TRUE(kp.ok());
    Tx t = tx;
    t.publisher_sigs.clear();
    t.SignAsPublisher(*kp);
    EXPECT_EQ(t, tx);
}

}  // namespace
}  // namespace iost::core
