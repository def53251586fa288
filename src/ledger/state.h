// The ledger's view of state: a flat, ordered key-value space (keys and
// values are byte strings). The ledger never knows where state lives: the
// node adapts storage::KvStore to StateReader; tests and the simulator use
// MemState. Execution writes into an Overlay, which records an ordered write
// set (std::map, so iteration order never depends on hashing) that the
// storage layer persists in one batch.
//
// State root (docs/state.md): the root of a Merkle tree over every state
// entry (trie.h), whose nodes live in state too. The current root is also
// kept under kStateRootKey (not an entry of the tree), so a node restarted
// from disk knows it without hashing.
//
// Decoded records (docs/state.md "Fast state layer"): hot structured records
// (accounts) are read through GetDecoded, which a caching reader
// (state_cache.h) answers from its decoded cache; the default decodes the
// bytes of Get each time. A decoded object is immutable and shared: callers
// that want to change a record copy it first.
//
// Thread contract: a StateReader may be read concurrently only if the
// implementation says so; MemState and Overlay are single-threaded values.
#pragma once

#include <crypto/hash.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace iost::ledger {

// Read-only access to committed state.
class StateReader {
  public:
    // Turns a stored value into its decoded form (type-erased so that this
    // interface does not depend on the record types). The function's address
    // identifies the decoded type: one key is always decoded by one function.
    // Decoders assert on undecodable bytes: state is written only by the
    // ledger, so such bytes are a broken invariant, not input.
    using Decoder = std::shared_ptr<const void> (*)(std::string_view bytes);

    virtual ~StateReader() = default;
    virtual std::optional<std::string> Get(std::string_view key) const = 0;
    // The decoded value under `key` (nullptr when absent). Default: decode
    // what Get returns, every time.
    virtual std::shared_ptr<const void> GetDecoded(std::string_view key, Decoder decode) const;
};

// key → new value, or nullopt for a deletion. Ordered by key (byte-wise).
using WriteSet = std::map<std::string, std::optional<std::string>, std::less<>>;

// Where the current state root lives in state. Not an entry of the state
// tree (it is the tree's output).
inline constexpr std::string_view kStateRootKey = "sys/state_root";

// An in-memory committed state (tests, simulator, benchmarks).
class MemState final : public StateReader {
  public:
    std::optional<std::string> Get(std::string_view key) const override;
    void Put(std::string key, std::string value) { m_kv[std::move(key)] = std::move(value); }
    void Apply(const WriteSet& ws);
    const std::map<std::string, std::string, std::less<>>& entries() const { return m_kv; }
    size_t size() const { return m_kv.size(); }

  private:
    std::map<std::string, std::string, std::less<>> m_kv;
};

// Buffered writes over a base reader. Reads see the buffered writes first.
// Overlays nest: a transaction runs in an Overlay over the block's Overlay and
// is merged into it (MergeInto) only when it succeeds.
class Overlay final : public StateReader {
  public:
    explicit Overlay(const StateReader& base) : m_base(&base) {}
    // Not copyable: `Overlay child(parent)` must layer over `parent`, and an
    // implicit copy constructor would silently win overload resolution and
    // clone the parent's writes instead. Layer over another Overlay with
    // Overlay::Over(parent).
    Overlay(const Overlay&) = delete;
    Overlay& operator=(const Overlay&) = delete;
    static const StateReader& Over(const Overlay& parent) { return parent; }

    std::optional<std::string> Get(std::string_view key) const override;
    // A buffered write is decoded from its bytes (rare: records written in
    // this block); anything else is asked of the base, so the decoded cache
    // under the block's overlays is used.
    std::shared_ptr<const void> GetDecoded(std::string_view key, Decoder decode) const override;
    void Put(std::string_view key, std::string value);
    void Delete(std::string_view key);

    const WriteSet& writes() const { return m_writes; }
    WriteSet TakeWrites() { return std::move(m_writes); }
    // Moves every buffered write into `parent` (later writes win).
    void MergeInto(Overlay& parent);
    void Clear() { m_writes.clear(); }
    const StateReader& base() const { return *m_base; }

  private:
    const StateReader* m_base;
    WriteSet m_writes;
};

}  // namespace iost::ledger
