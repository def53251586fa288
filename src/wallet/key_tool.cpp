#include <util/bytes.h>
#include <wallet/key_tool.h>

#include <nlohmann/json.hpp>

namespace iost::wallet {

KeyText DescribeKey(const crypto::KeyPair& kp) {
    return KeyText{std::string(crypto::AlgorithmName(kp.algorithm())),
                   util::Base58Encode(kp.public_key().bytes), util::Base58Encode(kp.SecretBytes())};
}

KeyText NewKey(crypto::Algorithm a) { return DescribeKey(crypto::KeyPair::Generate(a)); }

util::Result<crypto::KeyPair> KeyFromBase58Secret(crypto::Algorithm a, std::string_view secret) {
    auto bytes = util::Base58Decode(secret);
    if (!bytes) return util::Err("secret key is not base58: " + bytes.error().message);
    auto kp = crypto::KeyPair::FromSecret(a, *bytes);
    if (!kp) return util::Err("secret key: " + kp.error().message);
    return kp;
}

std::string KeyTextJson(const KeyText& k) {
    nlohmann::ordered_json j;
    j["Algorithm"] = k.algorithm;
    j["Pubkey"] = k.pubkey;
    j["Seckey"] = k.seckey;
    return j.dump(4);
}

}  // namespace iost::wallet
