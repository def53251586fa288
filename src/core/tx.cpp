#include <core/account.h>
#include <core/codec.h>
#include <core/tx.h>

#include <memory>

namespace iost::core {
namespace {

TxStatus Reject(TxError e, std::string msg) { return util::ErrOf(TxRejection{e, std::move(msg)}); }

std::string GasText(int64_t x100) {
    // ×100 integer shown as a decimal without floating point: 12345 -> "123.45".
    const bool neg = x100 < 0;
    const uint64_t mag = neg ? (~static_cast<uint64_t>(x100) + 1) : static_cast<uint64_t>(x100);
    std::string frac = std::to_string(mag % 100);
    if (frac.size() < 2) frac.insert(0, "0");
    return (neg ? "-" : "") + std::to_string(mag / 100) + "." + frac;
}

void EncodeSignatureList(Encoder& enc, const std::vector<Signature>& sigs) {
    enc.WriteInt32(static_cast<int32_t>(sigs.size()));
    for (const auto& s : sigs) {
        const size_t tok = enc.BeginNested();
        EncodeSignature(enc, s);
        enc.EndNested(tok);
    }
}

util::Result<std::vector<Signature>> DecodeSignatureList(Decoder& dec, const char* what) {
    auto n = dec.ReadCount(kMaxTxListItems);
    if (!n) return util::Err(std::string(what) + ": " + n.error().message);
    std::vector<Signature> out;
    out.reserve(*n);
    for (size_t i = 0; i < *n; ++i) {
        auto item = dec.ReadBytesView();
        if (!item) return util::Err(std::string(what) + ": " + item.error().message);
        Decoder sd(*item);
        auto algo = sd.ReadByte();
        if (!algo) return util::Err(std::string(what) + ": " + algo.error().message);
        auto a = crypto::AlgorithmFromByte(*algo);
        if (!a) return util::Err(std::string(what) + ": " + a.error().message);
        auto sig = sd.ReadBytes();
        if (!sig) return util::Err(std::string(what) + ": " + sig.error().message);
        auto pub = sd.ReadBytes();
        if (!pub) return util::Err(std::string(what) + ": " + pub.error().message);
        if (auto end = sd.ExpectEnd(); !end) {
            return util::Err(std::string(what) + ": " + end.error().message);
        }
        out.push_back(Signature{*a, std::move(*sig), std::move(*pub)});
    }
    return out;
}

}  // namespace

std::string_view TxErrorName(TxError e) {
    switch (e) {
        case TxError::kWrongChainId:
            return "wrong_chain_id";
        case TxError::kBadTime:
            return "bad_time";
        case TxError::kDelayNotSupported:
            return "delay_not_supported";
        case TxError::kUnsupportedField:
            return "unsupported_field";
        case TxError::kTooLarge:
            return "too_large";
        case TxError::kBadGasRatio:
            return "bad_gas_ratio";
        case TxError::kBadGasLimit:
            return "bad_gas_limit";
        case TxError::kBadSigner:
            return "bad_signer";
        case TxError::kBadPublisher:
            return "bad_publisher";
        case TxError::kExpired:
            return "expired";
        case TxError::kFutureTime:
            return "future_time";
        case TxError::kNoPublisherSignature:
            return "no_publisher_signature";
        case TxError::kBadSignerSignature:
            return "bad_signer_signature";
        case TxError::kBadPublisherSignature:
            return "bad_publisher_signature";
    }
    return "unknown";
}

void EncodeSignature(Encoder& enc, const Signature& s) {
    enc.WriteByte(static_cast<uint8_t>(s.algorithm));
    enc.WriteBytes(s.sig);
    enc.WriteBytes(s.pubkey);
}

namespace {

// Full = Base ‖ (signatures) ‖ (referred_tx, publisher, publisher_sigs): each
// level is a prefix of the next, which ComputeHashes exploits.
void EncodeBasePart(const Tx& tx, Encoder& enc) {
    enc.WriteInt64(tx.time);
    enc.WriteInt64(tx.expiration);
    enc.WriteInt64(tx.gas_ratio);
    enc.WriteInt64(tx.gas_limit);
    enc.WriteInt64(tx.delay);
    // go-iost writes int32(t.ChainID): the uint32's bits, big-endian.
    enc.WriteInt32(static_cast<int32_t>(tx.chain_id));
    enc.WriteBytes(tx.reserved);
    enc.WriteStringList(tx.signers);

    enc.WriteInt32(static_cast<int32_t>(tx.actions.size()));
    for (const auto& a : tx.actions) {
        const size_t tok = enc.BeginNested();
        enc.WriteString(a.contract).WriteString(a.action_name).WriteString(a.data);
        enc.EndNested(tok);
    }
    enc.WriteInt32(static_cast<int32_t>(tx.amount_limit.size()));
    for (const auto& a : tx.amount_limit) {
        const size_t tok = enc.BeginNested();
        enc.WriteString(a.token).WriteString(a.value);
        enc.EndNested(tok);
    }
}

void EncodePublishPart(const Tx& tx, Encoder& enc) { EncodeSignatureList(enc, tx.signatures); }

void EncodeFullPart(const Tx& tx, Encoder& enc) {
    enc.WriteBytes(tx.referred_tx);
    enc.WriteString(tx.publisher);
    EncodeSignatureList(enc, tx.publisher_sigs);
}

}  // namespace

void Tx::EncodeTo(Encoder& enc, TxLevel level) const {
    EncodeBasePart(*this, enc);
    if (level == TxLevel::kBase) return;
    EncodePublishPart(*this, enc);
    if (level == TxLevel::kPublish) return;
    EncodeFullPart(*this, enc);
}

TxHashes Tx::ComputeHashes() const {
    Encoder enc(512);
    EncodeBasePart(*this, enc);
    const size_t base_end = enc.size();
    EncodePublishPart(*this, enc);
    const size_t publish_end = enc.size();
    EncodeFullPart(*this, enc);
    const util::Bytes& b = enc.bytes();
    TxHashes h;
    h.base = crypto::Sha3_256(util::ByteView(b.data(), base_end));
    h.publish = crypto::Sha3_256(util::ByteView(b.data(), publish_end));
    h.full = crypto::Sha3_256(b);
    h.full_size = b.size();
    return h;
}

util::Bytes Tx::ToBytes(TxLevel level) const {
    Encoder enc(256);
    EncodeTo(enc, level);
    return enc.Take();
}

crypto::Hash256 Tx::BaseHash() const { return crypto::Sha3_256(ToBytes(TxLevel::kBase)); }
crypto::Hash256 Tx::PublishHash() const { return crypto::Sha3_256(ToBytes(TxLevel::kPublish)); }
crypto::Hash256 Tx::Hash() const { return crypto::Sha3_256(ToBytes(TxLevel::kFull)); }

util::Result<Tx> Tx::FromBytes(util::ByteView full_bytes) {
    if (full_bytes.size() > kMaxTxBytes) {
        return util::Err("transaction encoding of " + std::to_string(full_bytes.size()) +
                         " bytes exceeds " + std::to_string(kMaxTxBytes));
    }
    Decoder dec(full_bytes);
    Tx tx;
    auto field = [](const char* what, const util::Error& e) {
        return util::Err(std::string(what) + ": " + e.message);
    };
#define IOST_READ(target, expr, what)            \
    do {                                         \
        auto r_ = (expr);                        \
        if (!r_) return field(what, r_.error()); \
        target = std::move(*r_);                 \
    } while (0)
    IOST_READ(tx.time, dec.ReadInt64(), "time");
    IOST_READ(tx.expiration, dec.ReadInt64(), "expiration");
    IOST_READ(tx.gas_ratio, dec.ReadInt64(), "gas_ratio");
    IOST_READ(tx.gas_limit, dec.ReadInt64(), "gas_limit");
    IOST_READ(tx.delay, dec.ReadInt64(), "delay");
    int32_t chain = 0;
    IOST_READ(chain, dec.ReadInt32(), "chain_id");
    tx.chain_id = static_cast<uint32_t>(chain);
    IOST_READ(tx.reserved, dec.ReadBytes(), "reserved");
    IOST_READ(tx.signers, dec.ReadStringList(kMaxTxListItems), "signers");

    size_t n = 0;
    IOST_READ(n, dec.ReadCount(kMaxTxListItems), "actions");
    tx.actions.reserve(n);
    for (size_t i = 0; i < n; ++i) {
        util::ByteView item;
        IOST_READ(item, dec.ReadBytesView(), "action");
        Decoder ad(item);
        Action a;
        IOST_READ(a.contract, ad.ReadString(), "action contract");
        IOST_READ(a.action_name, ad.ReadString(), "action name");
        IOST_READ(a.data, ad.ReadString(), "action data");
        if (auto end = ad.ExpectEnd(); !end) return field("action", end.error());
        tx.actions.push_back(std::move(a));
    }
    IOST_READ(n, dec.ReadCount(kMaxTxListItems), "amount_limit");
    tx.amount_limit.reserve(n);
    for (size_t i = 0; i < n; ++i) {
        util::ByteView item;
        IOST_READ(item, dec.ReadBytesView(), "amount_limit");
        Decoder ad(item);
        AmountLimit a;
        IOST_READ(a.token, ad.ReadString(), "amount_limit token");
        IOST_READ(a.value, ad.ReadString(), "amount_limit value");
        if (auto end = ad.ExpectEnd(); !end) return field("amount_limit", end.error());
        tx.amount_limit.push_back(std::move(a));
    }
    IOST_READ(tx.signatures, DecodeSignatureList(dec, "signatures"), "signatures");
    IOST_READ(tx.referred_tx, dec.ReadBytes(), "referred_tx");
    IOST_READ(tx.publisher, dec.ReadString(), "publisher");
    IOST_READ(tx.publisher_sigs, DecodeSignatureList(dec, "publisher_sigs"), "publisher_sigs");
#undef IOST_READ
    if (auto end = dec.ExpectEnd(); !end) return field("transaction", end.error());
    return tx;
}

void Tx::SignAsSigner(const crypto::Signer& signer) {
    const auto h = BaseHash();
    signatures.push_back(Signature{signer.public_key().algorithm, signer.Sign(crypto::View(h)),
                                   signer.public_key().bytes});
}

void Tx::SignAsSigner(const crypto::KeyPair& kp) {
    const auto h = BaseHash();
    signatures.push_back(
        Signature{kp.algorithm(), kp.Sign(crypto::View(h)), kp.public_key().bytes});
}

void Tx::SignAsPublisher(const crypto::Signer& signer) {
    const auto h = PublishHash();
    publisher_sigs.push_back(Signature{signer.public_key().algorithm, signer.Sign(crypto::View(h)),
                                       signer.public_key().bytes});
}

void Tx::SignAsPublisher(const crypto::KeyPair& kp) {
    const auto h = PublishHash();
    publisher_sigs.push_back(
        Signature{kp.algorithm(), kp.Sign(crypto::View(h)), kp.public_key().bytes});
}

bool Tx::IsExpired(util::UnixNanos now) const {
    // go-iost Tx.IsExpired. now - time is computed without overflow: both are
    // int64 and a hostile time can sit at either end of the range.
    if (expiration <= now) return true;
    int64_t age = 0;
    if (__builtin_sub_overflow(now, time, &age)) return now > time;
    return age > kMaxTxLifetimeNanos;
}

TxStatus Tx::CheckTime(util::UnixNanos now) const {
    // Same order as go-iost txpool.verifyTx: the future check, then expiry.
    int64_t limit = 0;
    if (__builtin_add_overflow(now, kMaxTxFutureNanos, &limit)) limit = INT64_MAX;
    if (time > limit) {
        return Reject(TxError::kFutureTime,
                      "tx time " + std::to_string(time) + " is more than 30 s ahead of now (" +
                          std::to_string(now) + "); check the client's clock");
    }
    if (IsExpired(now)) {
        return Reject(TxError::kExpired, "tx expired: time " + std::to_string(time) +
                                             ", expiration " + std::to_string(expiration) +
                                             ", now " + std::to_string(now) +
                                             " (a tx lives at most 90 s)");
    }
    return {};
}

namespace {

// The stateless form rules that need no signature work, in go-iost's order.
TxStatus CheckShape(const Tx& tx, uint32_t expected_chain_id, const TxHashes& hashes) {
    if (tx.chain_id != expected_chain_id) {
        return Reject(TxError::kWrongChainId, "invalid chain_id, should be " +
                                                  std::to_string(expected_chain_id) +
                                                  ", yours: " + std::to_string(tx.chain_id));
    }
    if (!(tx.time > 0 && tx.expiration > tx.time)) {
        return Reject(TxError::kBadTime, "invalid time and expiration: need 0 < time (" +
                                             std::to_string(tx.time) + ") < expiration (" +
                                             std::to_string(tx.expiration) + ")");
    }
    if (tx.delay != 0) {
        return Reject(TxError::kDelayNotSupported,
                      "invalid delay " + std::to_string(tx.delay) + ": must be 0");
    }
    // Ours: IOST's /sendTx never carries these (go-iost toCoreTx leaves them
    // empty), and a non-empty referred_tx marks a deferred transaction, which
    // IOST v3 no longer creates. Anything carrying them did not come from an
    // IOST client, so refusing them keeps one encoding per transaction.
    if (!tx.referred_tx.empty()) {
        return Reject(TxError::kUnsupportedField,
                      "referred_tx must be empty (deferred "
                      "transactions are not supported)");
    }
    if (!tx.reserved.empty()) {
        return Reject(TxError::kUnsupportedField, "reserved must be empty");
    }
    if (hashes.full_size > kMaxTxBytes) {
        return Reject(TxError::kTooLarge,
                      "tx size illegal, should <= " + std::to_string(kMaxTxBytes) + ", got " +
                          std::to_string(hashes.full_size));
    }
    if (tx.gas_ratio < kMinGasRatio || tx.gas_ratio > kMaxGasRatio) {
        return Reject(TxError::kBadGasRatio,
                      "gas ratio " + GasText(tx.gas_ratio) + " illegal, should be in [1, 100]");
    }
    if (tx.gas_limit < kMinGasLimit || tx.gas_limit > kMaxGasLimit) {
        return Reject(TxError::kBadGasLimit, "gas limit " + GasText(tx.gas_limit) +
                                                 " illegal, should be in [6000, 4000000]");
    }
    if (tx.publisher_sigs.empty()) {
        return Reject(TxError::kNoPublisherSignature, "publisher empty error: no publisher_sigs");
    }
    return {};
}

TxStatus CheckSignatures(const Tx& tx, const crypto::Verifier& verifier, const TxHashes& hashes) {
    const crypto::Hash256& base = hashes.base;
    const crypto::Hash256& publish = hashes.publish;
    const size_t n = tx.signatures.size() + tx.publisher_sigs.size();
    std::vector<crypto::VerifyItem> items;
    items.reserve(n);
    for (const auto& s : tx.signatures) {
        items.push_back({s.algorithm, s.pubkey, crypto::View(base), s.sig});
    }
    for (const auto& s : tx.publisher_sigs) {
        items.push_back({s.algorithm, s.pubkey, crypto::View(publish), s.sig});
    }
    // std::vector<bool> has no contiguous storage for a span.
    std::unique_ptr<bool[]> ok(new bool[n]());
    verifier.VerifyBatch(items, std::span<bool>(ok.get(), n));
    for (size_t i = 0; i < n; ++i) {
        if (ok[i]) continue;
        if (i < tx.signatures.size()) {
            return Reject(TxError::kBadSignerSignature, "signer error: signature " +
                                                            std::to_string(i) +
                                                            " does not verify over the base hash");
        }
        return Reject(TxError::kBadPublisherSignature,
                      "publisher error: publisher signature " +
                          std::to_string(i - tx.signatures.size()) +
                          " does not verify over the publish hash");
    }
    return {};
}

}  // namespace

TxStatus Tx::CheckNames() const {
    for (const auto& s : signers) {
        if (auto p = ParseSigner(s); !p) return Reject(TxError::kBadSigner, p.error().message);
    }
    if (auto st = ValidateAccountName(publisher); !st) {
        return Reject(TxError::kBadPublisher, "publisher: " + st.error().message);
    }
    return {};
}

TxStatus Tx::VerifyForm(uint32_t expected_chain_id, const crypto::Verifier& verifier) const {
    const TxHashes hashes = ComputeHashes();
    if (auto st = CheckShape(*this, expected_chain_id, hashes); !st) return st;
    return CheckSignatures(*this, verifier, hashes);
}

TxStatus Tx::VerifySelf(util::UnixNanos now, uint32_t expected_chain_id,
                        const crypto::Verifier& verifier) const {
    return VerifySelf(now, expected_chain_id, verifier, ComputeHashes());
}

TxStatus Tx::VerifySelf(util::UnixNanos now, uint32_t expected_chain_id,
                        const crypto::Verifier& verifier, const TxHashes& hashes) const {
    if (auto st = CheckShape(*this, expected_chain_id, hashes); !st) return st;
    // The clock before the signatures: a stale tx is rejected without the
    // expensive part.
    if (auto st = CheckTime(now); !st) return st;
    return CheckSignatures(*this, verifier, hashes);
}

}  // namespace iost::core
