// `iwallet key new`: a fresh key pair in IOST's text forms (docs/formats.md
// §K, go-iost iwallet/key.go and the SDK's KeyPair): base58 (Bitcoin
// alphabet) of the raw public key — which is also the key's id in account
// permissions — and of the secret (64-byte seed‖pub for Ed25519, 32 bytes
// for secp256k1). The JSON has go-iost iwallet's exact field names
// ("Algorithm", "Pubkey", "Seckey"), so scripts written for it keep working.
// Thread contract: pure functions (key generation uses the OS RNG).
#pragma once

#include <crypto/keys.h>
#include <util/result.h>

#include <string>
#include <string_view>

namespace iost::wallet {

struct KeyText {
    std::string algorithm;  // "ed25519" | "secp256k1" (go-iost Algorithm.String())
    std::string pubkey;     // base58
    std::string seckey;     // base58
};

KeyText DescribeKey(const crypto::KeyPair& kp);
KeyText NewKey(crypto::Algorithm a);
// Re-derives a key pair from a base58 secret as iwallet accepts it
// (Ed25519: 64-byte seed‖pub or 32-byte seed; secp256k1: 32 bytes).
util::Result<crypto::KeyPair> KeyFromBase58Secret(crypto::Algorithm a, std::string_view secret);
std::string KeyTextJson(const KeyText& k);

}  // namespace iost::wallet
