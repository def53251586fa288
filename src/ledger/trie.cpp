#include <ledger/trie.h>

#include <algorithm>
#include <array>
#include <bit>
#include <span>

namespace iost::ledger {
namespace {

using crypto::Hash256;

constexpr uint8_t kLeafTag = 0x00;
constexpr uint8_t kInternalTag = 0x01;
constexpr size_t kLeafBytes = 1 + 32 + 32;
constexpr int kMaxDepth = 64;  // nibbles in a 256-bit key hash

struct Update {
    Hash256 key_hash;
    std::optional<Hash256> value_hash;  // nullopt: delete
};

// What a subtree became after an update.
struct Sub {
    enum class Kind { kEmpty, kLeaf, kInternal } kind = Kind::kEmpty;
    Hash256 hash{};
    std::string leaf_bytes;  // kLeaf only: the encoded leaf (it may move up)
};

struct Internal {
    std::array<std::optional<Hash256>, 16> children;
};

int NibbleAt(const Hash256& h, int depth) {
    const uint8_t b = h[static_cast<size_t>(depth / 2)];
    return (depth % 2 == 0) ? (b >> 4) : (b & 0x0f);
}

std::string NodeKey(std::string_view path) {
    std::string k(kTrieKeyPrefix);
    k.append(path);
    return k;
}

Hash256 HashOf(std::string_view bytes) { return crypto::Sha3_256(util::AsBytes(bytes)); }

std::string EncodeLeaf(const Hash256& key_hash, const Hash256& value_hash) {
    std::string out;
    out.reserve(kLeafBytes);
    out.push_back(static_cast<char>(kLeafTag));
    out.append(reinterpret_cast<const char*>(key_hash.data()), key_hash.size());
    out.append(reinterpret_cast<const char*>(value_hash.data()), value_hash.size());
    return out;
}

std::string EncodeInternal(const Internal& n) {
    uint16_t bitmap = 0;
    for (int i = 0; i < 16; ++i) {
        if (n.children[static_cast<size_t>(i)]) bitmap |= static_cast<uint16_t>(1u << i);
    }
    std::string out;
    out.reserve(3 + 32 * static_cast<size_t>(std::popcount(bitmap)));
    out.push_back(static_cast<char>(kInternalTag));
    out.push_back(static_cast<char>(bitmap >> 8));
    out.push_back(static_cast<char>(bitmap & 0xff));
    for (const auto& c : n.children) {
        if (c) out.append(reinterpret_cast<const char*>(c->data()), c->size());
    }
    return out;
}

bool DecodeLeaf(std::string_view bytes, Hash256& key_hash, Hash256& value_hash) {
    if (bytes.size() != kLeafBytes || static_cast<uint8_t>(bytes[0]) != kLeafTag) return false;
    std::copy_n(bytes.data() + 1, 32, key_hash.begin());
    std::copy_n(bytes.data() + 33, 32, value_hash.begin());
    return true;
}

bool DecodeInternal(std::string_view bytes, Internal& out) {
    if (bytes.size() < 3 || static_cast<uint8_t>(bytes[0]) != kInternalTag) return false;
    const uint16_t bitmap = static_cast<uint16_t>((static_cast<uint8_t>(bytes[1]) << 8) |
                                                  static_cast<uint8_t>(bytes[2]));
    if (bitmap == 0 || bytes.size() != 3 + 32 * static_cast<size_t>(std::popcount(bitmap))) {
        return false;
    }
    size_t off = 3;
    for (int i = 0; i < 16; ++i) {
        if (!(bitmap & (1u << i))) {
            out.children[static_cast<size_t>(i)].reset();
            continue;
        }
        Hash256 h;
        std::copy_n(bytes.data() + off, 32, h.begin());
        out.children[static_cast<size_t>(i)] = h;
        off += 32;
    }
    return true;
}

class TreeWriter {
  public:
    TreeWriter(const StateReader& base, WriteSet& out) : m_base(base), m_out(out) {}

    // Applies `upd` (sorted by key hash, all sharing the first `depth`
    // nibbles = `path`) to the subtree stored at `path`.
    Sub Apply(std::string& path, int depth, std::span<const Update> upd) {
        auto existing = m_base.Get(NodeKey(path));
        if (!existing) return Build(path, depth, Puts(upd, nullptr), false);
        Hash256 kh, vh;
        if (DecodeLeaf(*existing, kh, vh)) {
            const Update old{kh, vh};
            return Build(path, depth, Puts(upd, &old), true);
        }
        Internal node;
        IOST_ASSERT(DecodeInternal(*existing, node), "state tree node is corrupt");
        std::array<std::optional<Sub>, 16> changed;
        for (size_t i = 0; i < upd.size();) {
            const int nib = NibbleAt(upd[i].key_hash, depth);
            size_t j = i + 1;
            while (j < upd.size() && NibbleAt(upd[j].key_hash, depth) == nib) ++j;
            path.push_back(static_cast<char>(nib));
            Sub s = node.children[static_cast<size_t>(nib)]
                        ? Apply(path, depth + 1, upd.subspan(i, j - i))
                        : Build(path, depth + 1, Puts(upd.subspan(i, j - i), nullptr), false);
            path.pop_back();
            if (s.kind == Sub::Kind::kEmpty) {
                node.children[static_cast<size_t>(nib)].reset();
            } else {
                node.children[static_cast<size_t>(nib)] = s.hash;
            }
            changed[static_cast<size_t>(nib)] = std::move(s);
            i = j;
        }
        int count = 0, only = -1;
        for (int n = 0; n < 16; ++n) {
            if (node.children[static_cast<size_t>(n)]) {
                ++count;
                only = n;
            }
        }
        if (count == 0) {
            m_out[NodeKey(path)] = std::nullopt;
            return {};
        }
        if (count == 1) {
            // A lone leaf below moves up here (the canonical shape keeps a
            // leaf at the shortest prefix it does not share).
            path.push_back(static_cast<char>(only));
            std::string child_key = NodeKey(path);
            path.pop_back();
            std::string leaf;
            if (const auto& c = changed[static_cast<size_t>(only)]) {
                if (c->kind == Sub::Kind::kLeaf) leaf = c->leaf_bytes;
            } else if (auto raw = m_base.Get(child_key)) {
                Hash256 lk, lv;
                if (DecodeLeaf(*raw, lk, lv)) leaf = std::move(*raw);
            }
            if (!leaf.empty()) {
                m_out[std::move(child_key)] = std::nullopt;
                return PutLeaf(path, std::move(leaf));
            }
        }
        std::string bytes = EncodeInternal(node);
        Sub s{Sub::Kind::kInternal, HashOf(bytes), {}};
        m_out[NodeKey(path)] = std::move(bytes);
        return s;
    }

    // The hash of a fresh subtree for `entries` (puts only, sorted) at `path`.
    Hash256 BuildFresh(std::string& path, int depth, const std::vector<Update>& entries) {
        return Build(path, depth, entries, false).hash;
    }

  private:
    // The puts of `upd` merged with the existing leaf `old` (unless `upd`
    // changes or deletes that key), sorted by key hash.
    static std::vector<Update> Puts(std::span<const Update> upd, const Update* old) {
        std::vector<Update> out;
        out.reserve(upd.size() + 1);
        bool old_overridden = false;
        for (const auto& u : upd) {
            if (old && u.key_hash == old->key_hash) old_overridden = true;
            if (u.value_hash) out.push_back(u);
        }
        if (old && !old_overridden) {
            auto pos =
                std::lower_bound(out.begin(), out.end(), old->key_hash,
                                 [](const Update& a, const Hash256& k) { return a.key_hash < k; });
            out.insert(pos, *old);
        }
        return out;
    }

    Sub PutLeaf(const std::string& path, std::string leaf) {
        Sub s{Sub::Kind::kLeaf, HashOf(leaf), leaf};
        m_out[NodeKey(path)] = std::move(leaf);
        return s;
    }

    // Writes a fresh subtree for `entries` at `path`; nothing is stored below
    // `path` (it was empty or a leaf). `existed`: a node is stored at `path`.
    Sub Build(std::string& path, int depth, const std::vector<Update>& entries, bool existed) {
        if (entries.empty()) {
            if (existed) m_out[NodeKey(path)] = std::nullopt;
            return {};
        }
        if (entries.size() == 1) {
            return PutLeaf(path, EncodeLeaf(entries[0].key_hash, *entries[0].value_hash));
        }
        IOST_ASSERT(depth < kMaxDepth, "two state keys with the same SHA3");
        Internal node;
        for (size_t i = 0; i < entries.size();) {
            const int nib = NibbleAt(entries[i].key_hash, depth);
            size_t j = i + 1;
            while (j < entries.size() && NibbleAt(entries[j].key_hash, depth) == nib) ++j;
            path.push_back(static_cast<char>(nib));
            std::vector<Update> group(entries.begin() + static_cast<ptrdiff_t>(i),
                                      entries.begin() + static_cast<ptrdiff_t>(j));
            node.children[static_cast<size_t>(nib)] = Build(path, depth + 1, group, false).hash;
            path.pop_back();
            i = j;
        }
        std::string bytes = EncodeInternal(node);
        Sub s{Sub::Kind::kInternal, HashOf(bytes), {}};
        m_out[NodeKey(path)] = std::move(bytes);
        return s;
    }

    const StateReader& m_base;
    WriteSet& m_out;
};

}  // namespace

bool IsTreeEntry(std::string_view key) {
    return key != kStateRootKey && !key.starts_with(kTrieKeyPrefix);
}

crypto::Hash256 UpdateTree(const StateReader& base, const WriteSet& ws, WriteSet& out_nodes) {
    std::vector<Update> upd;
    upd.reserve(ws.size());
    for (const auto& [k, v] : ws) {
        if (!IsTreeEntry(k)) continue;
        Update u{HashOf(k), std::nullopt};
        if (v) u.value_hash = HashOf(*v);
        upd.push_back(u);
    }
    if (upd.empty()) return TreeRoot(base);
    std::sort(upd.begin(), upd.end(),
              [](const Update& a, const Update& b) { return a.key_hash < b.key_hash; });
    std::string path;
    return TreeWriter(base, out_nodes).Apply(path, 0, upd).hash;
}

crypto::Hash256 CommitStateTree(const StateReader& base, WriteSet& writes) {
    WriteSet nodes;
    const Hash256 root = UpdateTree(base, writes, nodes);
    for (auto& [k, v] : nodes) writes.insert_or_assign(k, std::move(v));
    writes.insert_or_assign(std::string(kStateRootKey), std::string(root.begin(), root.end()));
    return root;
}

crypto::Hash256 TreeRoot(const StateReader& state) {
    auto root = state.Get(kTrieKeyPrefix);
    if (!root) return Hash256{};
    return HashOf(*root);
}

StateProof ProveKey(const StateReader& state, std::string_view key) {
    StateProof proof;
    const Hash256 kh = HashOf(key);
    std::string path;
    for (int depth = 0; depth <= kMaxDepth; ++depth) {
        auto node = state.Get(NodeKey(path));
        if (!node) break;
        proof.nodes.push_back(*node);
        Internal in;
        if (!DecodeInternal(*node, in)) break;  // a leaf ends the search
        const int nib = NibbleAt(kh, depth);
        if (!in.children[static_cast<size_t>(nib)]) break;
        path.push_back(static_cast<char>(nib));
    }
    return proof;
}

std::string_view ToString(ProofError e) {
    switch (e) {
        case ProofError::kRootMismatch:
            return "a proof node does not hash to its parent's link";
        case ProofError::kMalformedNode:
            return "a proof node does not decode";
        case ProofError::kValueMismatch:
            return "the proof shows another value";
        case ProofError::kIncomplete:
            return "the proof ends before the key's path does";
        case ProofError::kTrailingNodes:
            return "the proof has nodes after the key's path ends";
        case ProofError::kForeignEntry:
            return "a chunk entry is outside the chunk or repeated";
    }
    return "unknown proof error";
}

namespace {
util::Status Fail(ProofError e) { return util::Err(std::string(ToString(e)), static_cast<int>(e)); }
}  // namespace

util::Status VerifyProof(const crypto::Hash256& root, std::string_view key,
                         const std::optional<std::string>& value, const StateProof& proof) {
    if (proof.nodes.empty()) {
        if (root != Hash256{}) return Fail(ProofError::kIncomplete);
        return value ? Fail(ProofError::kValueMismatch) : util::Status{};
    }
    const Hash256 kh = HashOf(key);
    Hash256 expected = root;
    for (size_t i = 0; i < proof.nodes.size(); ++i) {
        const std::string& node = proof.nodes[i];
        if (HashOf(node) != expected) return Fail(ProofError::kRootMismatch);
        const bool last = i + 1 == proof.nodes.size();
        Hash256 leaf_key, leaf_value;
        if (DecodeLeaf(node, leaf_key, leaf_value)) {
            if (!last) return Fail(ProofError::kTrailingNodes);
            if (leaf_key == kh) {
                if (!value || HashOf(*value) != leaf_value) return Fail(ProofError::kValueMismatch);
                return {};
            }
            return value ? Fail(ProofError::kValueMismatch) : util::Status{};
        }
        Internal in;
        if (!DecodeInternal(node, in) || i >= static_cast<size_t>(kMaxDepth)) {
            return Fail(ProofError::kMalformedNode);
        }
        const auto& child = in.children[static_cast<size_t>(NibbleAt(kh, static_cast<int>(i)))];
        if (!child) {
            if (!last) return Fail(ProofError::kTrailingNodes);
            return value ? Fail(ProofError::kValueMismatch) : util::Status{};
        }
        if (last) return Fail(ProofError::kIncomplete);
        expected = *child;
    }
    return Fail(ProofError::kIncomplete);
}

bool KeyInChunk(std::string_view key, std::string_view prefix) {
    if (prefix.size() >= static_cast<size_t>(kMaxDepth)) return false;
    const Hash256 kh = HashOf(key);
    for (size_t i = 0; i < prefix.size(); ++i) {
        if (NibbleAt(kh, static_cast<int>(i)) != static_cast<uint8_t>(prefix[i])) return false;
    }
    return true;
}

StateProof ProveChunk(const StateReader& state, std::string_view prefix) {
    StateProof proof;
    std::string path;
    for (size_t depth = 0; depth < prefix.size(); ++depth) {
        auto node = state.Get(NodeKey(path));
        if (!node) break;
        proof.nodes.push_back(*node);
        Internal in;
        if (!DecodeInternal(*node, in)) break;
        const auto nib = static_cast<uint8_t>(prefix[depth]);
        if (nib > 15 || !in.children[nib]) break;
        path.push_back(static_cast<char>(nib));
    }
    return proof;
}

util::Status VerifyChunk(const crypto::Hash256& root, std::string_view prefix,
                         const ChunkEntries& entries, const StateProof& upper) {
    if (prefix.size() >= static_cast<size_t>(kMaxDepth)) return Fail(ProofError::kMalformedNode);
    for (char c : prefix) {
        if (static_cast<uint8_t>(c) > 15) return Fail(ProofError::kMalformedNode);
    }
    std::vector<Update> upd;
    upd.reserve(entries.size());
    for (const auto& [k, v] : entries) {
        if (!IsTreeEntry(k) || !KeyInChunk(k, prefix)) return Fail(ProofError::kForeignEntry);
        upd.push_back({HashOf(k), HashOf(v)});
    }
    std::sort(upd.begin(), upd.end(),
              [](const Update& a, const Update& b) { return a.key_hash < b.key_hash; });
    for (size_t i = 1; i < upd.size(); ++i) {
        if (upd[i].key_hash == upd[i - 1].key_hash) return Fail(ProofError::kForeignEntry);
    }
    // The subtree the entries build at the prefix, and the same when the
    // walk ends above the prefix at a leaf (the chunk is that leaf or empty).
    auto build_hash = [&]() -> Hash256 {
        if (upd.empty()) return Hash256{};
        const MemState none;
        WriteSet scratch;
        std::string path(prefix);
        std::vector<Update> puts = upd;
        return TreeWriter(none, scratch).BuildFresh(path, static_cast<int>(prefix.size()), puts);
    };
    if (root == Hash256{}) {  // the empty tree: every chunk is empty
        if (!upper.nodes.empty()) return Fail(ProofError::kTrailingNodes);
        return upd.empty() ? util::Status{} : Fail(ProofError::kValueMismatch);
    }
    Hash256 expected = root;
    for (size_t i = 0; i < upper.nodes.size(); ++i) {
        const std::string& node = upper.nodes[i];
        if (HashOf(node) != expected) return Fail(ProofError::kRootMismatch);
        const bool last = i + 1 == upper.nodes.size();
        Hash256 leaf_key, leaf_value;
        if (DecodeLeaf(node, leaf_key, leaf_value)) {
            if (!last) return Fail(ProofError::kTrailingNodes);
            bool inside = true;
            for (size_t j = 0; j < prefix.size(); ++j) {
                inside = inside &&
                         NibbleAt(leaf_key, static_cast<int>(j)) == static_cast<uint8_t>(prefix[j]);
            }
            if (!inside) {
                return upd.empty() ? util::Status{} : Fail(ProofError::kValueMismatch);
            }
            if (upd.size() != 1 || upd[0].key_hash != leaf_key ||
                *upd[0].value_hash != leaf_value) {
                return Fail(ProofError::kValueMismatch);
            }
            return {};
        }
        Internal in;
        if (!DecodeInternal(node, in)) return Fail(ProofError::kMalformedNode);
        if (i >= prefix.size()) return Fail(ProofError::kTrailingNodes);
        const auto& child = in.children[static_cast<uint8_t>(prefix[i])];
        if (!child) {
            if (!last) return Fail(ProofError::kTrailingNodes);
            return upd.empty() ? util::Status{} : Fail(ProofError::kValueMismatch);
        }
        expected = *child;
    }
    // The walk reached the prefix (or the tree is empty / the prefix is empty).
    if (upper.nodes.size() != prefix.size()) return Fail(ProofError::kIncomplete);
    return build_hash() == expected ? util::Status{} : Fail(ProofError::kValueMismatch);
}

}  // namespace iost::ledger
