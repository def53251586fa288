#include <crypto/hash.h>
#include <crypto/ripemd160.h>
#include <openssl/evp.h>
#include <util/assert.h>

#include <cstring>

namespace iost::crypto {
namespace {

// Fetched once from the default provider and shared between threads (a
// fetched EVP_MD is immutable; this one lives as long as the process).
// OpenSSL 3 re-fetches the legacy EVP_sha3_256() table inside every
// EVP_Digest call: explicit fetching saves 13 % of the instructions of a
// 300-byte hash (callgrind: 18,860 -> 16,435 per hash), and a node hashes
// every transaction several times (docs/benchmarks.md, profile).
const EVP_MD* Sha3Md() {
    static const EVP_MD* md = EVP_MD_fetch(nullptr, "SHA3-256", nullptr);
    IOST_ASSERT(md != nullptr, "OpenSSL provides SHA3-256");
    return md;
}

const EVP_MD* Ripemd160Md() {
    static const EVP_MD* md = EVP_MD_fetch(nullptr, "RIPEMD160", nullptr);
    IOST_ASSERT(md != nullptr, "OpenSSL provides RIPEMD160 (3.0.7 or later)");
    return md;
}

struct CtxFree {
    void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using CtxPtr = std::unique_ptr<EVP_MD_CTX, CtxFree>;

}  // namespace

Hash256 Sha3_256(util::ByteView data) {
    Hash256 out{};
    unsigned int len = 0;
    // EVP_Digest runs init/update/final on a stack context; OpenSSL failures
    // here mean a broken library (allocation failure), not bad input.
    const int rc = EVP_Digest(data.data(), data.size(), out.data(), &len, Sha3Md(), nullptr);
    IOST_ASSERT(rc == 1 && len == out.size(), "EVP_Digest(SHA3-256) succeeds");
    return out;
}

std::array<uint8_t, 20> Ripemd160(util::ByteView data) {
    std::array<uint8_t, 20> out{};
    unsigned int len = 0;
    const int rc = EVP_Digest(data.data(), data.size(), out.data(), &len, Ripemd160Md(), nullptr);
    IOST_ASSERT(rc == 1 && len == out.size(), "EVP_Digest(RIPEMD160) succeeds");
    return out;
}

struct Sha3Hasher::Impl {
    CtxPtr ctx{EVP_MD_CTX_new()};
    void Init() {
        IOST_ASSERT(ctx != nullptr, "EVP_MD_CTX_new succeeds");
        IOST_ASSERT(EVP_DigestInit_ex(ctx.get(), Sha3Md(), nullptr) == 1, "SHA3-256 init succeeds");
    }
};

Sha3Hasher::Sha3Hasher() : m_impl(std::make_unique<Impl>()) { m_impl->Init(); }
Sha3Hasher::~Sha3Hasher() = default;

Sha3Hasher& Sha3Hasher::Update(util::ByteView data) {
    if (!data.empty()) {
        IOST_ASSERT(EVP_DigestUpdate(m_impl->ctx.get(), data.data(), data.size()) == 1,
                    "SHA3-256 update succeeds");
    }
    return *this;
}

Hash256 Sha3Hasher::Final() {
    Hash256 out{};
    unsigned int len = 0;
    IOST_ASSERT(EVP_DigestFinal_ex(m_impl->ctx.get(), out.data(), &len) == 1 && len == out.size(),
                "SHA3-256 final succeeds");
    m_impl->Init();
    return out;
}

std::string HashToBase58(const Hash256& h) { return util::Base58Encode(View(h)); }

util::Result<Hash256> HashFromBase58(std::string_view s) {
    auto bytes = util::Base58Decode(s);
    if (!bytes.ok()) return util::ErrOf(bytes.error());
    if (bytes->size() != 32) {
        return util::Err("hash: base58 value decodes to " + std::to_string(bytes->size()) +
                         " bytes, want 32");
    }
    Hash256 h{};
    std::memcpy(h.data(), bytes->data(), h.size());
    return h;
}

}  // namespace iost::crypto
