#include <core/codec.h>
#include <fcntl.h>
#include <node/app_state.h>
#include <node/snapshot.h>
#include <storage/block_store.h>
#include <storage/state_store.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <system_error>

namespace iost::node {

namespace fs = std::filesystem;
using core::Decoder;
using core::Encoder;
using util::Err;
using util::Result;

#define SNAP_TRY_ASSIGN(lhs, expr)                         \
    do {                                                   \
        auto snap_r_ = (expr);                             \
        if (!snap_r_) return util::ErrOf(snap_r_.error()); \
        lhs = std::move(*snap_r_);                         \
    } while (0)

namespace {

constexpr uint8_t kManifestVersion = 1;
constexpr uint8_t kPieceState = 1;
constexpr uint8_t kPieceWindow = 2;
constexpr size_t kMaxChunkEntries = 1u << 20;
constexpr size_t kMaxTxsPerHeight = 1u << 16;
constexpr size_t kMaxCheckpointBytes = 1u << 20;
constexpr size_t kMaxBlockBytes = 2u << 20;
constexpr size_t kMaxCertificateBytes = 64u << 10;
constexpr const char* kManifestFile = "MANIFEST";

void PutU64(Encoder& e, uint64_t v) { e.WriteInt64(static_cast<int64_t>(v)); }
Result<uint64_t> GetU64(Decoder& d) {
    auto v = d.ReadInt64();
    if (!v) return util::ErrOf(v.error());
    return static_cast<uint64_t>(*v);
}
void PutHash(Encoder& e, const crypto::Hash256& h) { e.WriteRaw(crypto::View(h)); }
Result<crypto::Hash256> GetHash(Decoder& d) {
    crypto::Hash256 h;
    for (auto& b : h) {
        auto v = d.ReadByte();
        if (!v) return util::ErrOf(v.error());
        b = *v;
    }
    return h;
}
Result<util::Bytes> GetBounded(Decoder& d, size_t max, const char* what) {
    auto v = d.ReadBytesView();
    if (!v) return util::ErrOf(v.error());
    if (v->size() > max) return Err(std::string(what) + ": too large");
    return util::Bytes(v->begin(), v->end());
}

void EncodeManifestBody(Encoder& e, const SnapshotManifest& m, bool with_certificate) {
    e.WriteByte(kManifestVersion);
    PutU64(e, m.height);
    PutHash(e, m.block_hash);
    PutHash(e, m.state_root);
    e.WriteByte(m.depth);
    PutU64(e, m.window_first);
    e.WriteInt32(static_cast<int32_t>(m.piece_hashes.size()));
    for (const auto& h : m.piece_hashes) PutHash(e, h);
    e.WriteBytes(m.checkpoint);
    e.WriteBytes(m.block);
    e.WriteBytes(with_certificate ? m.certificate : util::Bytes{});
}

void HashList(Encoder& e, const std::vector<crypto::Hash256>& hs) {
    e.WriteInt32(static_cast<int32_t>(hs.size()));
    for (const auto& h : hs) PutHash(e, h);
}
Result<std::vector<crypto::Hash256>> GetHashList(Decoder& d) {
    size_t n = 0;
    SNAP_TRY_ASSIGN(n, d.ReadCount(kMaxTxsPerHeight, 32));
    std::vector<crypto::Hash256> out(n);
    for (auto& h : out) SNAP_TRY_ASSIGN(h, GetHash(d));
    return out;
}

util::Status WriteFileSynced(const fs::path& path, util::ByteView bytes) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return Err("snapshot: cannot create " + path.string());
    size_t off = 0;
    while (off < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.data() + off, bytes.size() - off);
        if (n <= 0) {
            ::close(fd);
            return Err("snapshot: cannot write " + path.string());
        }
        off += static_cast<size_t>(n);
    }
    const bool synced = ::fsync(fd) == 0;
    ::close(fd);
    if (!synced) return Err("snapshot: cannot fsync " + path.string());
    return util::Ok();
}

void SyncDir(const fs::path& dir) {
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return;
    (void)::fsync(fd);
    ::close(fd);
}

std::optional<util::Bytes> ReadFileBounded(const fs::path& path, size_t max) {
    std::error_code ec;
    const auto size = fs::file_size(path, ec);
    if (ec || size > max) return std::nullopt;
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    util::Bytes b(static_cast<size_t>(size));
    in.read(reinterpret_cast<char*>(b.data()), static_cast<std::streamsize>(b.size()));
    if (!in) return std::nullopt;
    return b;
}

std::string PieceFile(uint32_t index) { return "chunk-" + std::to_string(index); }

crypto::Hash256 ToHash(const storage::Hash32& h) {
    crypto::Hash256 out;
    std::copy(h.begin(), h.end(), out.begin());
    return out;
}

// The first 12 bits of SHA3(key): its state chunk at the deepest depth.
uint32_t DeepChunkOf(std::string_view key) {
    const auto h = crypto::Sha3_256(util::AsBytes(key));
    return (static_cast<uint32_t>(h[0]) << 4) | (h[1] >> 4);
}

}  // namespace

uint32_t SnapshotManifest::window_parts() const {
    if (window_first == 0 || window_first > height) return 0;
    return static_cast<uint32_t>((height - window_first + kPartHeights) / kPartHeights);
}

util::Bytes EncodeManifest(const SnapshotManifest& m) {
    Encoder e(256 + 32 * m.piece_hashes.size() + m.checkpoint.size() + m.block.size());
    EncodeManifestBody(e, m, true);
    return e.Take();
}

crypto::Hash256 ManifestCoreHash(const SnapshotManifest& m) {
    Encoder e(256 + 32 * m.piece_hashes.size() + m.checkpoint.size() + m.block.size());
    EncodeManifestBody(e, m, false);
    return crypto::Sha3_256(e.bytes());
}

Result<SnapshotManifest> DecodeManifest(util::ByteView b) {
    Decoder d(b);
    SnapshotManifest m;
    uint8_t ver = 0;
    SNAP_TRY_ASSIGN(ver, d.ReadByte());
    if (ver != kManifestVersion) return Err("manifest: unknown version " + std::to_string(ver));
    SNAP_TRY_ASSIGN(m.height, GetU64(d));
    if (m.height == 0) return Err("manifest: a snapshot is never at genesis");
    SNAP_TRY_ASSIGN(m.block_hash, GetHash(d));
    SNAP_TRY_ASSIGN(m.state_root, GetHash(d));
    SNAP_TRY_ASSIGN(m.depth, d.ReadByte());
    if (m.depth > kMaxChunkDepth) return Err("manifest: chunk depth above 3");
    SNAP_TRY_ASSIGN(m.window_first, GetU64(d));
    if (m.window_first == 0 || m.window_first > m.height)
        return Err("manifest: the window must start in 1..height");
    if (m.window_parts() > kMaxWindowParts) return Err("manifest: window too long");
    size_t n = 0;
    SNAP_TRY_ASSIGN(n, d.ReadCount(m.pieces(), 32));
    if (n != m.pieces()) return Err("manifest: wrong number of piece hashes");
    m.piece_hashes.resize(n);
    for (auto& h : m.piece_hashes) SNAP_TRY_ASSIGN(h, GetHash(d));
    SNAP_TRY_ASSIGN(m.checkpoint, GetBounded(d, kMaxCheckpointBytes, "manifest checkpoint"));
    if (m.checkpoint.empty()) return Err("manifest: no checkpoint");
    SNAP_TRY_ASSIGN(m.block, GetBounded(d, kMaxBlockBytes, "manifest block"));
    if (m.block.empty()) return Err("manifest: no block");
    SNAP_TRY_ASSIGN(m.certificate, GetBounded(d, kMaxCertificateBytes, "manifest certificate"));
    IOST_TRY(d.ExpectEnd());
    return m;
}

std::string ChunkPrefix(uint32_t index, uint8_t depth) {
    std::string p(depth, '\0');
    for (int i = depth - 1; i >= 0; --i) {
        p[static_cast<size_t>(i)] = static_cast<char>(index & 0xf);
        index >>= 4;
    }
    return p;
}

util::Bytes EncodePiece(const SnapshotPiece& p) {
    Encoder e(1024);
    e.WriteByte(p.is_state ? kPieceState : kPieceWindow);
    e.WriteInt32(static_cast<int32_t>(p.index));
    if (p.is_state) {
        e.WriteInt32(static_cast<int32_t>(p.entries.size()));
        for (const auto& [k, v] : p.entries) {
            e.WriteString(k);
            e.WriteString(v);
        }
        e.WriteStringList(p.upper.nodes);
    } else {
        e.WriteInt32(static_cast<int32_t>(p.window.size()));
        for (const auto& w : p.window) {
            PutU64(e, w.height);
            HashList(e, w.executed);
            HashList(e, w.refused);
        }
    }
    return e.Take();
}

Result<SnapshotPiece> DecodePiece(util::ByteView b) {
    Decoder d(b);
    SnapshotPiece p;
    uint8_t kind = 0;
    SNAP_TRY_ASSIGN(kind, d.ReadByte());
    if (kind != kPieceState && kind != kPieceWindow) return Err("piece: unknown kind");
    p.is_state = kind == kPieceState;
    int32_t index = 0;
    SNAP_TRY_ASSIGN(index, d.ReadInt32());
    if (index < 0) return Err("piece: negative index");
    p.index = static_cast<uint32_t>(index);
    size_t n = 0;
    if (p.is_state) {
        SNAP_TRY_ASSIGN(n, d.ReadCount(kMaxChunkEntries, 8));
        p.entries.reserve(n);
        for (size_t i = 0; i < n; ++i) {
            std::string k, v;
            SNAP_TRY_ASSIGN(k, d.ReadString());
            if (k.empty() || k.size() > storage::kMaxStateKeyBytes)
                return Err("piece: bad state key length");
            SNAP_TRY_ASSIGN(v, d.ReadString());
            if (!p.entries.empty() && !(p.entries.back().first < k))
                return Err("piece: entries not in ascending key order");
            p.entries.emplace_back(std::move(k), std::move(v));
        }
        SNAP_TRY_ASSIGN(p.upper.nodes, d.ReadStringList(kMaxChunkDepth + 1));
    } else {
        SNAP_TRY_ASSIGN(n, d.ReadCount(kPartHeights, 8 + 4 + 4));
        p.window.resize(n);
        for (auto& w : p.window) {
            SNAP_TRY_ASSIGN(w.height, GetU64(d));
            SNAP_TRY_ASSIGN(w.executed, GetHashList(d));
            SNAP_TRY_ASSIGN(w.refused, GetHashList(d));
        }
    }
    IOST_TRY(d.ExpectEnd());
    return p;
}

Result<SnapshotPiece> VerifyPiece(const SnapshotManifest& m, uint32_t index, util::ByteView bytes) {
    if (index >= m.pieces()) return Err("piece " + std::to_string(index) + " out of range");
    if (bytes.size() > kMaxPieceBytes) return Err("piece too large");
    if (crypto::Sha3_256(bytes) != m.piece_hashes[index])
        return Err("piece " + std::to_string(index) + " does not match the manifest's hash");
    auto p = DecodePiece(bytes);
    if (!p) return util::ErrOf(p.error());
    if (p->index != index) return Err("piece carries another index");
    const bool state = index < m.state_chunks();
    if (p->is_state != state) return Err("piece of the wrong kind");
    if (state) {
        // The hash only ties the piece to the manifest; the certified root is
        // what makes it true.
        IOST_TRY(
            ledger::VerifyChunk(m.state_root, ChunkPrefix(index, m.depth), p->entries, p->upper));
        for (const auto& [k, v] : p->entries) {
            if (!ledger::IsTreeEntry(k)) return Err("piece holds a key that is not a tree entry");
        }
    } else {
        const uint64_t first = m.window_first + (index - m.state_chunks()) * kPartHeights;
        const uint64_t last = std::min(m.height, first + kPartHeights - 1);
        if (p->window.size() != last - first + 1) return Err("window part of the wrong length");
        for (size_t i = 0; i < p->window.size(); ++i) {
            if (p->window[i].height != first + i) return Err("window part out of order");
        }
    }
    return p;
}

Result<uint64_t> WriteSnapshot(const storage::KvStore& view_const, const std::string& dir,
                               const SnapshotWriteOptions& opt) {
    // BlockStore::Open only writes into an empty store; a node's view has a
    // schema and a head, so this view is only read.
    auto& view = const_cast<storage::KvStore&>(view_const);
    auto bs = storage::BlockStore::Open(view);
    if (!bs) return util::ErrOf(bs.error());
    const auto head = (*bs)->GetHead();
    if (!head || head->height == 0) return Err("snapshot: nothing to snapshot before block 1");
    const uint64_t h = head->height;
    auto cp = (*bs)->GetCheckpoint();
    if (!cp) return util::ErrOf(cp.error());
    if (!*cp || (*cp)->height != h) return Err("snapshot: the head has no checkpoint");

    SnapshotManifest m;
    m.height = h;
    m.block_hash = ToHash(head->hash);
    m.state_root = ToHash(head->state_root);
    m.checkpoint = (*cp)->bytes;
    auto block = (*bs)->GetBlock(h);
    auto cert = (*bs)->GetCertificate(h);
    if (!block || !cert || !*block || !*cert) return Err("snapshot: the head block is unreadable");
    m.block = **block;
    m.certificate = **cert;
    m.window_first = h > opt.window ? h - opt.window : 1;

    // The state's tree entries, in key order, with their deepest chunk.
    struct Entry {
        uint32_t deep;
        std::string key, value;
    };
    std::vector<Entry> entries;
    size_t total = 0;
    storage::StateStore state(view);
    IOST_TRY(state.Scan({}, [&](util::ByteView k, util::ByteView v) {
        std::string key(util::AsString(k));
        if (!ledger::IsTreeEntry(key)) return true;
        total += k.size() + v.size() + 8;
        entries.push_back({DeepChunkOf(key), std::move(key), std::string(util::AsString(v))});
        return true;
    }));
    StoreStateReader reader(state);

    std::vector<util::Bytes> pieces;
    for (uint8_t depth = 0; depth <= kMaxChunkDepth; ++depth) {
        const uint32_t n = 1u << (4 * depth);
        if (total / n > kTargetChunkBytes && depth < kMaxChunkDepth) continue;
        std::vector<SnapshotPiece> chunks(n);
        for (uint32_t i = 0; i < n; ++i) chunks[i].index = i;
        for (const auto& e : entries) {
            chunks[e.deep >> (4 * (kMaxChunkDepth - depth))].entries.emplace_back(e.key, e.value);
        }
        pieces.clear();
        bool fits = true;
        for (auto& c : chunks) {
            c.upper = ledger::ProveChunk(reader, ChunkPrefix(c.index, depth));
            pieces.push_back(EncodePiece(c));
            if (pieces.back().size() > kMaxPieceBytes) fits = false;
        }
        if (!fits && depth < kMaxChunkDepth) continue;
        if (!fits) return Err("snapshot: a state chunk is larger than a frame at depth 3");
        m.depth = depth;
        break;
    }
    entries.clear();
    for (uint64_t first = m.window_first; first <= h; first += kPartHeights) {
        SnapshotPiece p;
        p.is_state = false;
        p.index = static_cast<uint32_t>(pieces.size());
        for (uint64_t x = first; x <= std::min(h, first + kPartHeights - 1); ++x) {
            WindowHeight w;
            w.height = x;
            auto txs = (*bs)->GetBlockTxHashes(x);
            auto refused = (*bs)->GetBlockRefusedTxHashes(x);
            if (!txs || !refused) return Err("snapshot: reading the tx lists failed");
            if (!*txs || !*refused)
                return Err("snapshot: the tx lists of block " + std::to_string(x) + " are missing");
            for (const auto& t : **txs) w.executed.push_back(ToHash(t));
            for (const auto& t : **refused) w.refused.push_back(ToHash(t));
            p.window.push_back(std::move(w));
        }
        pieces.push_back(EncodePiece(p));
        if (pieces.back().size() > kMaxPieceBytes)
            return Err("snapshot: a window part is too large");
    }
    for (const auto& p : pieces) m.piece_hashes.push_back(crypto::Sha3_256(p));

    const fs::path final_dir = fs::path(dir) / std::to_string(h);
    const fs::path tmp = fs::path(dir) / (std::to_string(h) + ".tmp");
    std::error_code ec;
    if (fs::exists(final_dir, ec)) return h;  // already written
    fs::remove_all(tmp, ec);
    fs::create_directories(tmp, ec);
    if (ec) return Err("snapshot: cannot create " + tmp.string() + ": " + ec.message());
    for (size_t i = 0; i < pieces.size(); ++i) {
        IOST_TRY(WriteFileSynced(tmp / PieceFile(static_cast<uint32_t>(i)), pieces[i]));
    }
    util::Bytes man = EncodeManifest(m);
    const auto sum = crypto::Sha3_256(man);
    man.insert(man.end(), sum.begin(), sum.end());
    // Last, so a manifest that reads whole names pieces that are all there.
    IOST_TRY(WriteFileSynced(tmp / kManifestFile, man));
    SyncDir(tmp);
    fs::rename(tmp, final_dir, ec);
    if (ec) return Err("snapshot: cannot rename " + tmp.string() + ": " + ec.message());
    SyncDir(fs::path(dir));
    return h;
}

SnapshotStore::SnapshotStore(std::string dir, size_t keep, util::Logger log)
    : m_dir(std::move(dir)), m_keep(std::max<size_t>(keep, 1)), m_log(std::move(log)) {}

void SnapshotStore::Reload() {
    std::lock_guard lk(m_mu);
    m_snaps.clear();
    std::error_code ec;
    fs::create_directories(m_dir, ec);
    for (const auto& ent : fs::directory_iterator(m_dir, ec)) {
        const std::string name = ent.path().filename().string();
        if (name.size() > 4 && name.substr(name.size() - 4) == ".tmp") {
            m_log.Info("snapshot: removing the unfinished {}", name);
            fs::remove_all(ent.path(), ec);
            continue;
        }
        if (name.empty() || !std::all_of(name.begin(), name.end(), ::isdigit) || name.size() > 19)
            continue;
        const uint64_t h = std::stoull(name);
        auto raw = ReadFileBounded(ent.path() / kManifestFile, 8u << 20);
        std::optional<SnapshotManifest> m;
        if (raw && raw->size() > 32) {
            const util::ByteView body(raw->data(), raw->size() - 32);
            const auto sum = crypto::Sha3_256(body);
            if (std::equal(sum.begin(), sum.end(), raw->end() - 32)) {
                auto d = DecodeManifest(body);
                if (d && d->height == h) m = std::move(*d);
            }
        }
        if (!m) {
            m_log.Warn("snapshot: {} has a torn or invalid manifest; removing it", name);
            fs::remove_all(ent.path(), ec);
            continue;
        }
        m_snaps.emplace(h, std::move(*m));
    }
    while (m_snaps.size() > m_keep)
        DropLocked(m_snaps.begin()->first, "older than the newest kept");
}

std::vector<uint64_t> SnapshotStore::Heights() const {
    std::lock_guard lk(m_mu);
    std::vector<uint64_t> out;
    for (auto it = m_snaps.rbegin(); it != m_snaps.rend(); ++it) out.push_back(it->first);
    return out;
}

std::optional<SnapshotManifest> SnapshotStore::Manifest(uint64_t height) const {
    std::lock_guard lk(m_mu);
    if (m_snaps.empty()) return std::nullopt;
    if (height == 0) return m_snaps.rbegin()->second;
    auto it = m_snaps.find(height);
    if (it == m_snaps.end()) return std::nullopt;
    return it->second;
}

std::optional<util::Bytes> SnapshotStore::Piece(uint64_t height, uint32_t index) {
    std::lock_guard lk(m_mu);
    auto it = m_snaps.find(height);
    if (it == m_snaps.end() || index >= it->second.pieces()) return std::nullopt;
    auto b = ReadFileBounded(fs::path(m_dir) / std::to_string(height) / PieceFile(index),
                             kMaxPieceBytes);
    if (!b || crypto::Sha3_256(*b) != it->second.piece_hashes[index]) {
        DropLocked(height, "piece " + std::to_string(index) + " is missing or damaged");
        return std::nullopt;
    }
    return b;
}

void SnapshotStore::DropLocked(uint64_t height, const std::string& why) {
    m_log.Info("snapshot: dropping the snapshot of height {}: {}", height, why);
    m_snaps.erase(height);
    std::error_code ec;
    // The manifest goes first: a kill -9 amid the deletion leaves a directory
    // the next Reload finds torn and removes, never a listed snapshot with
    // pieces missing (snapshot_crash_test.cpp).
    const fs::path snap = fs::path(m_dir) / std::to_string(height);
    fs::remove(snap / kManifestFile, ec);
    fs::remove_all(snap, ec);
}

}  // namespace iost::node
