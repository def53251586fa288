#include <net/handshake.h>

#include <algorithm>
#include <cstring>

namespace iost::net {

namespace {

class Writer {
  public:
    void U8(uint8_t v) { m_b.push_back(v); }
    void U16(uint16_t v) {
        U8(static_cast<uint8_t>(v >> 8));
        U8(static_cast<uint8_t>(v));
    }
    void U32(uint32_t v) {
        U16(static_cast<uint16_t>(v >> 16));
        U16(static_cast<uint16_t>(v));
    }
    void U64(uint64_t v) {
        U32(static_cast<uint32_t>(v >> 32));
        U32(static_cast<uint32_t>(v));
    }
    template <size_t N>
    void Raw(const std::array<uint8_t, N>& a) {
        m_b.insert(m_b.end(), a.begin(), a.end());
    }
    void Raw(util::ByteView v) { m_b.insert(m_b.end(), v.begin(), v.end()); }
    util::Bytes Take() { return std::move(m_b); }

  private:
    util::Bytes m_b;
};

class Reader {
  public:
    explicit Reader(util::ByteView b) : m_b(b) {}
    bool U8(uint8_t* v) {
        if (m_pos + 1 > m_b.size()) return false;
        *v = m_b[m_pos++];
        return true;
    }
    bool U16(uint16_t* v) {
        uint8_t a, b;
        if (!U8(&a) || !U8(&b)) return false;
        *v = static_cast<uint16_t>((a << 8) | b);
        return true;
    }
    bool U32(uint32_t* v) {
        uint16_t a, b;
        if (!U16(&a) || !U16(&b)) return false;
        *v = (uint32_t{a} << 16) | b;
        return true;
    }
    bool U64(uint64_t* v) {
        uint32_t a, b;
        if (!U32(&a) || !U32(&b)) return false;
        *v = (uint64_t{a} << 32) | b;
        return true;
    }
    template <size_t N>
    bool Raw(std::array<uint8_t, N>* a) {
        if (m_pos + N > m_b.size()) return false;
        std::memcpy(a->data(), m_b.data() + m_pos, N);
        m_pos += N;
        return true;
    }
    size_t remaining() const { return m_b.size() - m_pos; }

  private:
    util::ByteView m_b;
    size_t m_pos = 0;
};

constexpr uint8_t kEd25519AlgByte = static_cast<uint8_t>(crypto::Algorithm::kEd25519);

}  // namespace

std::string ShortId(const NodeId& id) { return util::ToHex(util::ByteView(id.data(), 4)); }

const char* RejectReasonName(RejectReason r) {
    switch (r) {
        case RejectReason::kNone:
            return "none";
        case RejectReason::kMalformed:
            return "malformed handshake";
        case RejectReason::kBadVersion:
            return "protocol version";
        case RejectReason::kWrongChain:
            return "wrong chain id";
        case RejectReason::kWrongGenesis:
            return "wrong genesis hash";
        case RejectReason::kBadProof:
            return "bad key proof";
        case RejectReason::kSelfConnection:
            return "self connection";
        case RejectReason::kDuplicate:
            return "duplicate connection";
        case RejectReason::kBanned:
            return "banned";
        case RejectReason::kTooManyPeers:
            return "too many peers";
        case RejectReason::kTimeout:
            return "handshake timeout";
        case RejectReason::kProtocolViolation:
            return "protocol violation";
        case RejectReason::kClockSkew:
            return "clock skew";
        case RejectReason::kBadKey:
            return "bad node key";
        case RejectReason::kShuttingDown:
            return "shutting down";
        case RejectReason::kMisbehaviour:
            return "misbehaviour";
    }
    return "unknown";
}

util::Bytes EncodeHello(const Hello& h) {
    Writer w;
    w.U16(h.protocol_version);
    w.U32(h.chain_id);
    w.Raw(h.genesis_hash);
    w.U8(kEd25519AlgByte);
    w.Raw(h.node_key);
    w.U16(h.listen_port);
    w.Raw(h.nonce);
    w.U64(static_cast<uint64_t>(h.time_unix_ns));
    return w.Take();
}

util::Result<Hello, RejectReason> DecodeHello(util::ByteView payload) {
    Reader r(payload);
    Hello h;
    // The version comes first and is checked before the length, so a future
    // version with a longer Hello gets "protocol version", not "malformed".
    if (!r.U16(&h.protocol_version)) return util::ErrOf(RejectReason::kMalformed);
    if (h.protocol_version != kProtocolVersion) return util::ErrOf(RejectReason::kBadVersion);
    if (payload.size() != kHelloSize) return util::ErrOf(RejectReason::kMalformed);
    uint8_t alg = 0;
    uint64_t t = 0;
    if (!r.U32(&h.chain_id) || !r.Raw(&h.genesis_hash) || !r.U8(&alg) || !r.Raw(&h.node_key) ||
        !r.U16(&h.listen_port) || !r.Raw(&h.nonce) || !r.U64(&t)) {
        return util::ErrOf(RejectReason::kMalformed);
    }
    if (alg != kEd25519AlgByte) return util::ErrOf(RejectReason::kBadKey);
    h.time_unix_ns = static_cast<int64_t>(t);
    return h;
}

util::Bytes EncodeReject(RejectReason reason, std::string_view text) {
    Writer w;
    w.U16(static_cast<uint16_t>(reason));
    const size_t n = std::min(text.size(), kMaxRejectText);
    w.U8(static_cast<uint8_t>(n));
    w.Raw(util::AsBytes(text.substr(0, n)));
    return w.Take();
}

util::Result<RejectMessage, RejectReason> DecodeReject(util::ByteView payload) {
    Reader r(payload);
    uint16_t code = 0;
    uint8_t n = 0;
    if (!r.U16(&code) || !r.U8(&n) || n > kMaxRejectText || r.remaining() != n) {
        return util::ErrOf(RejectReason::kMalformed);
    }
    RejectMessage m;
    m.reason = static_cast<RejectReason>(code);  // unknown codes are kept as numbers
    m.text.assign(reinterpret_cast<const char*>(payload.data()) + 3, n);
    return m;
}

crypto::Hash256 ProofDigest(const Hello& signer, const Hello& other) {
    static constexpr char kDomain[] = "iost-pob-p2p-handshake-v1";
    crypto::Sha3Hasher h;
    h.Update(util::AsBytes(std::string_view(kDomain, sizeof(kDomain) - 1)));
    h.Update(util::ByteView(signer.nonce.data(), signer.nonce.size()));
    h.Update(util::ByteView(other.nonce.data(), other.nonce.size()));
    h.Update(util::ByteView(signer.node_key.data(), signer.node_key.size()));
    h.Update(util::ByteView(other.node_key.data(), other.node_key.size()));
    const uint8_t id[4] = {
        static_cast<uint8_t>(signer.chain_id >> 24), static_cast<uint8_t>(signer.chain_id >> 16),
        static_cast<uint8_t>(signer.chain_id >> 8), static_cast<uint8_t>(signer.chain_id)};
    h.Update(util::ByteView(id, 4));
    h.Update(crypto::View(signer.genesis_hash));
    return h.Final();
}

Handshake::Handshake(const HandshakeConfig& cfg, const Nonce& nonce, int64_t now_unix_ns)
    : m_cfg(cfg) {
    IOST_ASSERT(cfg.node_key != nullptr, "handshake needs a node key");
    IOST_ASSERT(cfg.node_key->algorithm() == crypto::Algorithm::kEd25519 &&
                    cfg.node_key->public_key().bytes.size() == 32,
                "node key must be Ed25519");
    m_ours.chain_id = cfg.chain_id;
    m_ours.genesis_hash = cfg.genesis_hash;
    std::memcpy(m_ours.node_key.data(), cfg.node_key->public_key().bytes.data(), 32);
    m_ours.listen_port = cfg.listen_port;
    m_ours.nonce = nonce;
    m_ours.time_unix_ns = now_unix_ns;
}

util::Result<util::Bytes, RejectReason> Handshake::OnHello(util::ByteView payload,
                                                           int64_t now_unix_ns) {
    if (m_peer) return util::ErrOf(RejectReason::kProtocolViolation);  // a second Hello
    auto decoded = DecodeHello(payload);
    if (!decoded) return util::ErrOf(decoded.error());
    const Hello& h = *decoded;
    if (h.chain_id != m_cfg.chain_id) return util::ErrOf(RejectReason::kWrongChain);
    if (h.genesis_hash != m_cfg.genesis_hash) return util::ErrOf(RejectReason::kWrongGenesis);
    if (h.node_key == m_ours.node_key) return util::ErrOf(RejectReason::kSelfConnection);
    if (!crypto::ValidatePublicKey(crypto::Algorithm::kEd25519,
                                   util::ByteView(h.node_key.data(), h.node_key.size()))) {
        return util::ErrOf(RejectReason::kBadKey);
    }
    if (m_cfg.max_clock_skew_ns > 0) {
        // 128-bit difference: a hostile time value must not overflow.
        __int128 diff = static_cast<__int128>(h.time_unix_ns) - now_unix_ns;
        if (diff < 0) diff = -diff;
        const bool too_far = diff > m_cfg.max_clock_skew_ns;
        if (too_far) return util::ErrOf(RejectReason::kClockSkew);
    }
    m_peer = h;
    const crypto::Hash256 digest = ProofDigest(m_ours, h);
    return m_cfg.node_key->Sign(crypto::View(digest));
}

util::Result<void, RejectReason> Handshake::OnProof(util::ByteView payload) {
    if (!m_peer || m_complete) return util::ErrOf(RejectReason::kProtocolViolation);
    if (payload.size() != crypto::kSignatureSize) return util::ErrOf(RejectReason::kMalformed);
    const crypto::Hash256 digest = ProofDigest(*m_peer, m_ours);
    if (!crypto::Verify(crypto::Algorithm::kEd25519,
                        util::ByteView(m_peer->node_key.data(), m_peer->node_key.size()),
                        crypto::View(digest), payload)) {
        return util::ErrOf(RejectReason::kBadProof);
    }
    m_complete = true;
    return {};
}

KeepConnection ResolveDuplicate(const NodeId& local, const NodeId& remote, Direction existing,
                                Direction fresh) {
    if (existing == fresh) return KeepConnection::kNew;
    // The preferred connection is the one dialed by the smaller key. Seen
    // from `local`, a connection was dialed by local iff it is outbound.
    const bool local_is_smaller = local < remote;
    const Direction preferred = local_is_smaller ? Direction::kOutbound : Direction::kInbound;
    return fresh == preferred ? KeepConnection::kNew : KeepConnection::kExisting;
}

}  // namespace iost::net
