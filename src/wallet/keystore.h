// KeyStore: iwallet's local key files, one per account, in a directory like
// go-iost's ~/.iwallet. The file is go-iost v3's keystore JSON
// (iwallet/keystore.go: {"name", "keypairs": {"active": {...}, "owner":
// {...}}}), so an unencrypted file written here is read by go-iost's iwallet
// and the other way round:
//   plain      {"raw_key": <base58 secret>, "key_type": "ed25519", "public_key": <base58>}
//   encrypted  {"key_type", "public_key", "encrypt_method": "argon2id-xsalsa20poly1305",
//               "salt", "nonce", "encrypted_key" (base58), "opslimit", "memlimit"}
// Encryption is libsodium: crypto_pwhash (Argon2id v1.3) derives a 32-byte
// key from the password and a random salt; crypto_secretbox (XSalsa20 +
// Poly1305) seals the secret. A wrong password and a tampered ciphertext are
// the same failed MAC ("wrong password or corrupted key file"). go-iost's own
// encrypted files ("v0", scrypt + AES-CTR) are refused with a clear message.
//
// Files are created with mode 0600 (O_EXCL temp file, fsync, rename), the
// directory with 0700; a key file that is readable by group/others is still
// loaded (the user may have copied it) but Load reports it in `warnings`.
// Everything read from disk is validated: size cap, JSON shape, name, key
// type, base58, the public key matching the secret, KDF limits in range.
//
// Thread contract: a KeyStore is a value holding a directory path; calls on
// one store from several processes are safe (atomic rename), concurrent
// Save of the same name: last rename wins.
#pragma once

#include <crypto/keys.h>
#include <util/result.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace iost::wallet {

inline constexpr const char* kKeysDirEnv = "IWALLET_KEYS_DIR";
inline constexpr const char* kPasswordEnv = "IWALLET_PASSWORD";
inline constexpr const char* kEncryptMethod = "argon2id-xsalsa20poly1305";
// A key file is a few hundred bytes; anything much larger is not one.
inline constexpr size_t kMaxKeyFileBytes = 64 * 1024;

// Argon2id cost. Interactive is libsodium's recommendation for keys that
// unlock an online operation (~0.1-0.5 s, 64 MiB); tests pass kMinimal.
struct KdfLimits {
    uint64_t opslimit = 0;
    uint64_t memlimit = 0;
    static KdfLimits Interactive();
    static KdfLimits Minimal();  // libsodium's minimum: fast, for tests only
};

// The default directory: $IWALLET_KEYS_DIR, else $HOME/.iwallet.
util::Result<std::string> DefaultKeysDir();

struct StoredKey {
    std::string permission;  // "active" | "owner"
    crypto::KeyPair key;
};

struct AccountKeys {
    std::string name;
    std::vector<StoredKey> keys;  // at least "active"
    std::vector<std::string> warnings;
    const crypto::KeyPair* Find(std::string_view permission) const;
};

struct AccountSummary {
    std::string name;
    std::string algorithm;
    std::string active_public_key;  // base58
    bool encrypted = false;
    std::string error;  // non-empty when the file could not be read
};

enum class Overwrite { kNo, kYes };

class KeyStore {
  public:
    explicit KeyStore(std::string dir) : m_dir(std::move(dir)) {}
    const std::string& dir() const { return m_dir; }
    std::string PathOf(std::string_view name) const;

    // Writes NAME.json. `password` empty = unencrypted. Refuses to replace an
    // existing file unless Overwrite::kYes. The same key is stored for owner
    // and active (go-iost's `account create`/`import`).
    util::Status Save(std::string_view name, const crypto::KeyPair& kp,
                      const std::optional<std::string>& password,
                      Overwrite overwrite = Overwrite::kNo,
                      KdfLimits limits = KdfLimits::Interactive()) const;
    bool Exists(std::string_view name) const;
    bool IsEncrypted(std::string_view name) const;
    // `password` is only used (and required) when the file is encrypted.
    util::Result<AccountKeys> Load(std::string_view name,
                                   const std::optional<std::string>& password) const;
    // Sorted by name; unreadable files are listed with `error`.
    util::Result<std::vector<AccountSummary>> List() const;
    util::Status Delete(std::string_view name) const;

  private:
    std::string m_dir;
};

// Parses a key file's text (exposed for tests and for `--key-file`).
util::Result<AccountKeys> ParseKeyFile(std::string_view text,
                                       const std::optional<std::string>& password);
std::string SerializeKeyFile(std::string_view name, const crypto::KeyPair& kp,
                             const std::optional<std::string>& password, KdfLimits limits);

// Where a password comes from, in this order: --password-file, the
// IWALLET_PASSWORD environment variable, a prompt on the terminal without
// echo (/dev/tty). Never from the command line itself (it would show in ps
// and in the shell history). `confirm` asks twice (new passwords).
struct PasswordSource {
    std::string file;          // --password-file
    bool use_env = true;       // read kPasswordEnv
    bool allow_prompt = true;  // false in scripts: no tty prompt
};
util::Result<std::string> ReadPassword(const PasswordSource& src, std::string_view prompt,
                                       bool confirm);

}  // namespace iost::wallet
