// Collective certificates (docs/pob.md §3, docs/pob.md §6): a value type made of
// a signer bitmap over an ordered member list (the normal group of an epoch)
// and the signers' signatures over one 32-byte message, in member order.
// A certificate is valid when it names at least `quorum` distinct members and
// every named member's signature verifies. Later this can become one
// aggregated Schnorr signature; the bitmap stays.
// CertificateBuilder collects votes one at a time and says what happened to
// each (docs/architecture.md §2: AddVote returns an enum). Encoding lives in
// core/block.* (crypto may not use the core codec).
// Thread contract: value types; a builder is single-threaded and keeps a
// reference to its Verifier, which must outlive it.
#pragma once

#include <crypto/hash.h>
#include <crypto/keys.h>
#include <util/bytes.h>
#include <util/result.h>

#include <cstddef>
#include <map>
#include <span>
#include <vector>

namespace iost::crypto {

enum class VoteAdd { kAdded, kDuplicate, kBadSignature, kNotMember };
const char* VoteAddName(VoteAdd v);

struct Certificate {
    // Bit i (byte i/8, bit i%8, least significant first) set iff member i signed.
    util::Bytes bitmap;
    // One signature per set bit, in increasing member order.
    std::vector<util::Bytes> signatures;

    size_t SignerCount() const;
    bool HasSigner(size_t member) const;
    std::vector<size_t> Signers() const;
    friend bool operator==(const Certificate&, const Certificate&) = default;
};

class CertificateBuilder {
  public:
    CertificateBuilder(std::vector<PublicKey> members, const Hash256& message,
                       const Verifier& verifier);

    // Verifies sig against the member's key before counting it. A second vote
    // from a member already counted is kDuplicate whatever its bytes (an
    // equivocating twin cannot count twice).
    VoteAdd AddVote(const PublicKey& signer, util::ByteView sig);
    VoteAdd AddVoteAt(size_t member, util::ByteView sig);

    size_t count() const { return m_sigs.size(); }
    bool HasMember(size_t member) const { return m_sigs.count(member) != 0; }
    const Hash256& message() const { return m_message; }
    Certificate Build() const;

  private:
    std::vector<PublicKey> m_members;
    Hash256 m_message;
    const Verifier* m_verifier;
    std::map<size_t, util::Bytes> m_sigs;
};

// Checks form (bitmap length = ceil(members/8), no bits past the last member,
// one signature per set bit), the quorum, and every signature.
util::Status VerifyCertificate(const Certificate& cert, std::span<const PublicKey> members,
                               const Hash256& message, size_t quorum, const Verifier& verifier);

}  // namespace iost::crypto
