#include <crypto/certificate.h>

#include <memory>
#include <string>

namespace iost::crypto {

const char* VoteAddName(VoteAdd v) {
    switch (v) {
        case VoteAdd::kAdded:
            return "added";
        case VoteAdd::kDuplicate:
            return "duplicate";
        case VoteAdd::kBadSignature:
            return "bad-signature";
        case VoteAdd::kNotMember:
            return "not-member";
    }
    return "?";
}

size_t Certificate::SignerCount() const {
    size_t n = 0;
    for (uint8_t b : bitmap) n += static_cast<size_t>(__builtin_popcount(b));
    return n;
}

bool Certificate::HasSigner(size_t member) const {
    return member / 8 < bitmap.size() && ((bitmap[member / 8] >> (member % 8)) & 1) != 0;
}

std::vector<size_t> Certificate::Signers() const {
    std::vector<size_t> out;
    for (size_t i = 0; i < bitmap.size() * 8; ++i) {
        if (HasSigner(i)) out.push_back(i);
    }
    return out;
}

CertificateBuilder::CertificateBuilder(std::vector<PublicKey> members, const Hash256& message,
                                       const Verifier& verifier)
    : m_members(std::move(members)), m_message(message), m_verifier(&verifier) {}

VoteAdd CertificateBuilder::AddVote(const PublicKey& signer, util::ByteView sig) {
    for (size_t i = 0; i < m_members.size(); ++i) {
        if (m_members[i] == signer) return AddVoteAt(i, sig);
    }
    return VoteAdd::kNotMember;
}

VoteAdd CertificateBuilder::AddVoteAt(size_t member, util::ByteView sig) {
    if (member >= m_members.size()) return VoteAdd::kNotMember;
    if (m_sigs.count(member)) return VoteAdd::kDuplicate;
    const PublicKey& pk = m_members[member];
    VerifyItem item{pk.algorithm, pk.bytes, View(m_message), sig};
    if (!m_verifier->Verify(item)) return VoteAdd::kBadSignature;
    m_sigs.emplace(member, util::Bytes(sig.begin(), sig.end()));
    return VoteAdd::kAdded;
}

Certificate CertificateBuilder::Build() const {
    Certificate c;
    c.bitmap.assign((m_members.size() + 7) / 8, 0);
    for (const auto& [i, sig] : m_sigs) {  // std::map: increasing member order
        c.bitmap[i / 8] |= static_cast<uint8_t>(1u << (i % 8));
        c.signatures.push_back(sig);
    }
    return c;
}

util::Status VerifyCertificate(const Certificate& cert, std::span<const PublicKey> members,
                               const Hash256& message, size_t quorum, const Verifier& verifier) {
    if (cert.bitmap.size() != (members.size() + 7) / 8) {
        return util::Err("certificate: bitmap length does not match the group");
    }
    for (size_t i = members.size(); i < cert.bitmap.size() * 8; ++i) {
        if (cert.HasSigner(i)) return util::Err("certificate: bit set past the last member");
    }
    const std::vector<size_t> signers = cert.Signers();
    if (signers.size() != cert.signatures.size()) {
        return util::Err("certificate: signature count does not match the bitmap");
    }
    if (signers.size() < quorum) {
        return util::Err("certificate: " + std::to_string(signers.size()) + " signers, quorum is " +
                         std::to_string(quorum));
    }
    std::vector<VerifyItem> items;
    items.reserve(signers.size());
    for (size_t k = 0; k < signers.size(); ++k) {
        const PublicKey& pk = members[signers[k]];
        items.push_back({pk.algorithm, pk.bytes, View(message), cert.signatures[k]});
    }
    std::unique_ptr<bool[]> ok(new bool[items.size()]);
    verifier.VerifyBatch(items, std::span<bool>(ok.get(), items.size()));
    for (size_t k = 0; k < items.size(); ++k) {
        if (!ok[k]) {
            return util::Err("certificate: bad signature from member " +
                             std::to_string(signers[k]));
        }
    }
    return util::Ok();
}

}  // namespace iost::crypto
