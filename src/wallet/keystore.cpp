#include <core/account.h>
#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>
#include <util/bytes.h>
#include <util/text.h>
#include <wallet/keystore.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

namespace iost::wallet {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

// A corrupted or hostile file must not make us allocate gigabytes or spin
// for minutes: Argon2id limits outside these bounds are refused.
constexpr uint64_t kMaxOpsLimit = 64;
constexpr uint64_t kMaxMemLimit = uint64_t{1} << 30;  // 1 GiB
constexpr size_t kMaxPasswordBytes = 1024;

std::string Errno(const std::string& what) { return what + ": " + std::strerror(errno); }

// The secretbox key from a password; the caller wipes it.
util::Result<std::vector<uint8_t>> DeriveKey(const std::string& password, util::ByteView salt,
                                             KdfLimits limits) {
    if (sodium_init() < 0) return util::Err("libsodium failed to initialise");
    std::vector<uint8_t> key(crypto_secretbox_KEYBYTES);
    if (crypto_pwhash(key.data(), key.size(), password.data(), password.size(), salt.data(),
                      limits.opslimit, static_cast<size_t>(limits.memlimit),
                      crypto_pwhash_ALG_ARGON2ID13) != 0) {
        return util::Err("key derivation failed (out of memory?)");
    }
    return key;
}

util::Result<std::string> GetString(const Json& o, const char* field, const std::string& where) {
    auto it = o.find(field);
    if (it == o.end() || !it->is_string())
        return util::Err(where + ": missing string field \"" + field + "\"");
    return it->get<std::string>();
}

util::Result<util::Bytes> GetBase58(const Json& o, const char* field, const std::string& where) {
    auto s = GetString(o, field, where);
    if (!s) return util::ErrOf(s.error());
    auto b = util::Base58Decode(*s);
    if (!b) return util::Err(where + "." + field + ": not base58: " + b.error().message);
    return b;
}

util::Result<uint64_t> GetLimit(const Json& o, const char* field, uint64_t lo, uint64_t hi,
                                const std::string& where) {
    auto it = o.find(field);
    if (it == o.end() || !it->is_number_unsigned()) {
        return util::Err(where + ": missing unsigned field \"" + field + "\"");
    }
    const uint64_t v = it->get<uint64_t>();
    if (v < lo || v > hi) {
        return util::Err(where + "." + field + " = " + std::to_string(v) + " is outside [" +
                         std::to_string(lo) + ", " + std::to_string(hi) + "]");
    }
    return v;
}

util::Result<crypto::KeyPair> ParseKeyPairInfo(const Json& o,
                                               const std::optional<std::string>& password,
                                               const std::string& where) {
    if (!o.is_object()) return util::Err(where + ": must be an object");
    auto type = GetString(o, "key_type", where);
    if (!type) return util::ErrOf(type.error());
    auto algo = crypto::ParseAlgorithm(*type);
    if (!algo) return util::Err(where + ".key_type: " + algo.error().message);
    auto pub = GetBase58(o, "public_key", where);
    if (!pub) return util::ErrOf(pub.error());

    util::Bytes secret;
    const auto raw = o.find("raw_key");
    if (raw != o.end() && raw->is_string() && !raw->get<std::string>().empty()) {
        auto b = util::Base58Decode(raw->get<std::string>());
        if (!b) return util::Err(where + ".raw_key: not base58: " + b.error().message);
        secret = std::move(*b);
    } else {
        auto method = GetString(o, "encrypt_method", where);
        if (!method)
            return util::Err(where + ": neither raw_key nor encrypt_method: not a key file");
        if (*method != kEncryptMethod) {
            return util::Err(where + ": unsupported encrypt_method " + util::Quoted(*method) +
                             " (this iwallet reads " + kEncryptMethod +
                             "; re-import go-iost \"v0\" files with `account import`)");
        }
        if (!password) return util::Err("key file is encrypted: a password is needed");
        auto salt = GetBase58(o, "salt", where);
        if (!salt) return util::ErrOf(salt.error());
        auto nonce = GetBase58(o, "nonce", where);
        if (!nonce) return util::ErrOf(nonce.error());
        auto sealed = GetBase58(o, "encrypted_key", where);
        if (!sealed) return util::ErrOf(sealed.error());
        if (salt->size() != crypto_pwhash_SALTBYTES)
            return util::Err(where + ".salt: wrong length");
        if (nonce->size() != crypto_secretbox_NONCEBYTES)
            return util::Err(where + ".nonce: wrong length");
        if (sealed->size() <= crypto_secretbox_MACBYTES || sealed->size() > 256) {
            return util::Err(where + ".encrypted_key: wrong length");
        }
        KdfLimits limits;
        auto ops = GetLimit(o, "opslimit", crypto_pwhash_OPSLIMIT_MIN, kMaxOpsLimit, where);
        if (!ops) return util::ErrOf(ops.error());
        auto mem = GetLimit(o, "memlimit", crypto_pwhash_MEMLIMIT_MIN, kMaxMemLimit, where);
        if (!mem) return util::ErrOf(mem.error());
        limits.opslimit = *ops;
        limits.memlimit = *mem;
        auto key = DeriveKey(*password, *salt, limits);
        if (!key) return util::ErrOf(key.error());
        secret.resize(sealed->size() - crypto_secretbox_MACBYTES);
        const int rc = crypto_secretbox_open_easy(secret.data(), sealed->data(), sealed->size(),
                                                  nonce->data(), key->data());
        sodium_memzero(key->data(), key->size());
        if (rc != 0) return util::Err("wrong password or corrupted key file");
    }
    auto kp = crypto::KeyPair::FromSecret(*algo, secret);
    sodium_memzero(secret.data(), secret.size());
    if (!kp) return util::Err(where + ": bad secret key: " + kp.error().message);
    if (kp->public_key().bytes != *pub) {
        return util::Err(where + ": public_key does not match the secret key (corrupted file?)");
    }
    return kp;
}

Json KeyPairInfo(const crypto::KeyPair& kp, const std::optional<std::string>& password,
                 KdfLimits limits) {
    Json o;
    if (!password) {
        o["raw_key"] = util::Base58Encode(kp.SecretBytes());
        o["key_type"] = std::string(crypto::AlgorithmName(kp.algorithm()));
        o["public_key"] = util::Base58Encode(kp.public_key().bytes);
        return o;
    }
    util::Bytes salt(crypto_pwhash_SALTBYTES), nonce(crypto_secretbox_NONCEBYTES);
    randombytes_buf(salt.data(), salt.size());
    randombytes_buf(nonce.data(), nonce.size());
    auto key = DeriveKey(*password, salt, limits);
    IOST_ASSERT(key.ok(), "Argon2id with valid limits");
    const util::Bytes& secret = kp.SecretBytes();
    util::Bytes sealed(secret.size() + crypto_secretbox_MACBYTES);
    crypto_secretbox_easy(sealed.data(), secret.data(), secret.size(), nonce.data(), key->data());
    sodium_memzero(key->data(), key->size());
    o["key_type"] = std::string(crypto::AlgorithmName(kp.algorithm()));
    o["public_key"] = util::Base58Encode(kp.public_key().bytes);
    o["encrypt_method"] = kEncryptMethod;
    o["salt"] = util::Base58Encode(salt);
    o["nonce"] = util::Base58Encode(nonce);
    o["encrypted_key"] = util::Base58Encode(sealed);
    o["opslimit"] = limits.opslimit;
    o["memlimit"] = limits.memlimit;
    return o;
}

util::Result<std::string> ReadSmallFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return util::Err("cannot open " + path);
    std::string out;
    char buf[4096];
    while (in.read(buf, sizeof buf) || in.gcount() > 0) {
        out.append(buf, static_cast<size_t>(in.gcount()));
        if (out.size() > kMaxKeyFileBytes)
            return util::Err(path + " is too large to be a key file");
    }
    if (in.bad()) return util::Err("error reading " + path);
    return out;
}

// Reads one line from fd without echo when it is a terminal.
util::Result<std::string> PromptLine(int fd, std::string_view prompt) {
    if (::write(fd, prompt.data(), prompt.size()) < 0)
        return util::Err(Errno("writing the prompt"));
    termios old{};
    const bool tty = tcgetattr(fd, &old) == 0;
    if (tty) {
        termios quiet = old;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        quiet.c_lflag |= ECHONL;
        tcsetattr(fd, TCSAFLUSH, &quiet);
    }
    std::string line;
    char c = 0;
    bool too_long = false;
    for (;;) {
        const ssize_t n = ::read(fd, &c, 1);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0 || c == '\n') break;
        if (c == '\r') continue;
        if (line.size() >= kMaxPasswordBytes) {
            too_long = true;
            continue;
        }
        line.push_back(c);
    }
    if (tty) tcsetattr(fd, TCSAFLUSH, &old);
    if (too_long)
        return util::Err("password longer than " + std::to_string(kMaxPasswordBytes) + " bytes");
    return line;
}

}  // namespace

KdfLimits KdfLimits::Interactive() {
    return {crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE};
}
KdfLimits KdfLimits::Minimal() { return {crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN}; }

util::Result<std::string> DefaultKeysDir() {
    if (const char* d = std::getenv(kKeysDirEnv); d != nullptr && *d != '\0') return std::string(d);
    const char* home = std::getenv("HOME");
    if (home == nullptr || *home == '\0') {
        return util::Err(std::string("cannot find the key store: set HOME or ") + kKeysDirEnv +
                         " or --keys-dir");
    }
    return std::string(home) + "/.iwallet";
}

const crypto::KeyPair* AccountKeys::Find(std::string_view permission) const {
    for (const auto& k : keys) {
        if (k.permission == permission) return &k.key;
    }
    return nullptr;
}

std::string SerializeKeyFile(std::string_view name, const crypto::KeyPair& kp,
                             const std::optional<std::string>& password, KdfLimits limits) {
    Json j;
    j["name"] = std::string(name);
    // One encryption for both entries would reuse the nonce under the same
    // key; each entry gets its own salt and nonce.
    j["keypairs"]["active"] = KeyPairInfo(kp, password, limits);
    j["keypairs"]["owner"] = KeyPairInfo(kp, password, limits);
    return j.dump(2) + "\n";
}

util::Result<AccountKeys> ParseKeyFile(std::string_view text,
                                       const std::optional<std::string>& password) {
    if (text.size() > kMaxKeyFileBytes) return util::Err("key file too large");
    Json j = Json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return util::Err("key file is not JSON (corrupted?)");
    auto name = GetString(j, "name", "key file");
    if (!name) return util::ErrOf(name.error());
    if (auto st = core::ValidateAccountName(*name); !st)
        return util::Err("key file: " + st.error().message);
    auto kps = j.find("keypairs");
    if (kps == j.end() || !kps->is_object())
        return util::Err("key file: missing object \"keypairs\"");
    AccountKeys out;
    out.name = *name;
    for (const char* perm : {"active", "owner"}) {
        auto it = kps->find(perm);
        if (it == kps->end()) continue;
        auto kp = ParseKeyPairInfo(*it, password, std::string("keypairs.") + perm);
        if (!kp) return util::ErrOf(kp.error());
        out.keys.push_back({perm, std::move(*kp)});
    }
    if (out.Find("active") == nullptr) return util::Err("key file: no \"active\" key pair");
    return out;
}

std::string KeyStore::PathOf(std::string_view name) const {
    return m_dir + "/" + std::string(name) + ".json";
}

bool KeyStore::Exists(std::string_view name) const {
    std::error_code ec;
    return core::IsAccountName(name) && fs::exists(PathOf(name), ec);
}

util::Status KeyStore::Save(std::string_view name, const crypto::KeyPair& kp,
                            const std::optional<std::string>& password, Overwrite overwrite,
                            KdfLimits limits) const {
    IOST_TRY(core::ValidateAccountName(name));
    if (password && password->empty()) return util::Err("refusing an empty password");
    std::error_code ec;
    fs::create_directories(m_dir, ec);
    if (ec) return util::Err("cannot create key directory " + m_dir + ": " + ec.message());
    // Only tighten a directory we may have just made; never loosen.
    struct stat st {};
    if (::stat(m_dir.c_str(), &st) == 0 && (st.st_mode & 077) != 0)
        ::chmod(m_dir.c_str(), st.st_mode & ~mode_t{077});
    const std::string path = PathOf(name);
    if (overwrite == Overwrite::kNo && fs::exists(path, ec)) {
        return util::Err("account " + std::string(name) + " already exists in " + path +
                         " (delete it first, or use --force)");
    }
    const std::string body = SerializeKeyFile(name, kp, password, limits);
    const std::string tmp = path + ".tmp." + std::to_string(::getpid());
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) return util::Err(Errno("cannot create " + tmp));
    size_t off = 0;
    while (off < body.size()) {
        const ssize_t n = ::write(fd, body.data() + off, body.size() - off);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            const std::string err = Errno("writing " + tmp);
            ::close(fd);
            ::unlink(tmp.c_str());
            return util::Err(err);
        }
        off += static_cast<size_t>(n);
    }
    // The umask cannot widen 0600, but an inherited ACL default could; be explicit.
    ::fchmod(fd, 0600);
    if (::fsync(fd) != 0 || ::close(fd) != 0) {
        const std::string err = Errno("writing " + tmp);
        ::unlink(tmp.c_str());
        return util::Err(err);
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        const std::string err = Errno("cannot rename to " + path);
        ::unlink(tmp.c_str());
        return util::Err(err);
    }
    return util::Ok();
}

bool KeyStore::IsEncrypted(std::string_view name) const {
    if (!core::IsAccountName(name)) return false;
    auto text = ReadSmallFile(PathOf(name));
    if (!text) return false;
    Json j = Json::parse(*text, nullptr, false);
    if (!j.is_object()) return false;
    const auto kps = j.find("keypairs");
    if (kps == j.end() || !kps->is_object()) return false;
    const auto active = kps->find("active");
    if (active == kps->end() || !active->is_object()) return false;
    const auto raw = active->find("raw_key");
    return raw == active->end() || !raw->is_string() || raw->get<std::string>().empty();
}

util::Result<AccountKeys> KeyStore::Load(std::string_view name,
                                         const std::optional<std::string>& password) const {
    IOST_TRY(core::ValidateAccountName(name));
    const std::string path = PathOf(name);
    std::error_code ec;
    if (!fs::exists(path, ec)) {
        return util::Err("no key for account " + std::string(name) + " in " + m_dir +
                         " (iwallet account import " + std::string(name) + " SECRET)");
    }
    auto text = ReadSmallFile(path);
    if (!text) return util::ErrOf(text.error());
    auto keys = ParseKeyFile(*text, password);
    if (!keys) return util::Err(path + ": " + keys.error().message);
    if (keys->name != name) {
        return util::Err(path + ": the file is for account " + util::Quoted(keys->name) + ", not " +
                         std::string(name));
    }
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0 && (st.st_mode & 077) != 0) {
        keys->warnings.push_back(path + " is readable by other users; chmod 600 it");
    }
    return keys;
}

util::Result<std::vector<AccountSummary>> KeyStore::List() const {
    std::vector<AccountSummary> out;
    std::error_code ec;
    if (!fs::exists(m_dir, ec)) return out;
    fs::directory_iterator it(m_dir, ec);
    if (ec) return util::Err("cannot list " + m_dir + ": " + ec.message());
    size_t seen = 0;
    for (const auto& e : it) {
        // A key directory holds a handful of files; stop at a sane bound.
        if (++seen > 100'000) break;
        const auto p = e.path();
        if (p.extension() != ".json" || !e.is_regular_file(ec)) continue;
        const std::string name = p.stem().string();
        if (!core::IsAccountName(name)) continue;
        AccountSummary s;
        s.name = name;
        auto text = ReadSmallFile(p.string());
        Json j = text ? Json::parse(*text, nullptr, false) : Json();
        const Json* active = nullptr;
        if (j.is_object() && j.contains("keypairs") && j["keypairs"].is_object() &&
            j["keypairs"].contains("active") && j["keypairs"]["active"].is_object()) {
            active = &j["keypairs"]["active"];
        }
        if (active == nullptr) {
            s.error = text ? "not a key file" : text.error().message;
        } else {
            s.algorithm = active->value("key_type", "");
            s.active_public_key = active->value("public_key", "");
            s.encrypted = IsEncrypted(name);
        }
        out.push_back(std::move(s));
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
    return out;
}

util::Status KeyStore::Delete(std::string_view name) const {
    IOST_TRY(core::ValidateAccountName(name));
    const std::string path = PathOf(name);
    if (::unlink(path.c_str()) != 0) {
        if (errno == ENOENT)
            return util::Err("account " + std::string(name) + " is not in " + m_dir);
        return util::Err(Errno("cannot delete " + path));
    }
    return util::Ok();
}

util::Result<std::string> ReadPassword(const PasswordSource& src, std::string_view prompt,
                                       bool confirm) {
    if (!src.file.empty()) {
        auto text = ReadSmallFile(src.file);
        if (!text) return util::Err("password file: " + text.error().message);
        std::string pw = text->substr(0, text->find('\n'));
        if (!pw.empty() && pw.back() == '\r') pw.pop_back();
        if (pw.empty()) return util::Err("password file " + src.file + " has an empty first line");
        return pw;
    }
    if (src.use_env) {
        if (const char* e = std::getenv(kPasswordEnv); e != nullptr && *e != '\0') {
            if (std::strlen(e) > kMaxPasswordBytes)
                return util::Err(std::string(kPasswordEnv) + " is too long");
            return std::string(e);
        }
    }
    if (!src.allow_prompt) {
        return util::Err(std::string("a password is needed: set ") + kPasswordEnv +
                         " or use --password-file");
    }
    const int fd = ::open("/dev/tty", O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        return util::Err(
            std::string("a password is needed and there is no terminal to ask on: set ") +
            kPasswordEnv + " or use --password-file");
    }
    auto pw = PromptLine(fd, prompt);
    if (pw && confirm) {
        auto again = PromptLine(fd, "Repeat password: ");
        if (!again)
            pw = util::ErrOf(again.error());
        else if (*again != *pw)
            pw = util::Err("the passwords do not match");
    }
    ::close(fd);
    if (pw && pw->empty()) return util::Err("empty password");
    return pw;
}

}  // namespace iost::wallet
