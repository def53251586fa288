// RIPEMD-160, for contracts (IOSTCrypto.ripemd160Hex, docs/contracts.md
// "JavaScript contracts"). Backed by OpenSSL's EVP: RIPEMD-160 is in its
// default provider again since 3.0.7 (3.0.0-3.0.6 had it only in the legacy
// one). Its own header so that the widely included crypto/hash.h stays as
// it is. Thread contract: a pure function.
#pragma once

#include <util/bytes.h>

#include <array>
#include <cstdint>

namespace iost::crypto {

std::array<uint8_t, 20> Ripemd160(util::ByteView data);

}  // namespace iost::crypto
