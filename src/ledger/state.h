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
// Thread contract: a StateReader may be read concurrently only if the
// implementation says so; MemState and Overlay are single-threaded values.
#pragma once

#include <crypto/hash.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace iost::ledger {

// Read-only access to committed state.
class StateReader {
  public:
    virtual ~StateReader() = default;
    virtual std::optional<std::string> Get(std::string_view key) const = 0;
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
