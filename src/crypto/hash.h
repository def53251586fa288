// SHA3-256 (FIPS-202, not Keccak), IOST's hash for transactions, blocks and
// everything else. Backed by OpenSSL's EVP.
// Thread contract: pure functions; a Sha3Hasher is single-threaded.
#pragma once

#include <util/bytes.h>

#include <array>
#include <cstdint>
#include <memory>
#include <string>

namespace iost::crypto {

using Hash256 = std::array<uint8_t, 32>;

Hash256 Sha3_256(util::ByteView data);

// Incremental SHA3-256, for hashing concatenations without copying.
class Sha3Hasher {
  public:
    Sha3Hasher();
    ~Sha3Hasher();
    Sha3Hasher(const Sha3Hasher&) = delete;
    Sha3Hasher& operator=(const Sha3Hasher&) = delete;
    Sha3Hasher& Update(util::ByteView data);
    Hash256 Final();  // the hasher is reset and may be reused

  private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

inline util::ByteView View(const Hash256& h) { return {h.data(), h.size()}; }
std::string HashToBase58(const Hash256& h);
util::Result<Hash256> HashFromBase58(std::string_view s);

}  // namespace iost::crypto
