// The ledger's view of state: a flat, ordered key-value space (keys and
// values are byte strings). The ledger never knows where state lives: the
// node adapts storage::KvStore to StateReader; tests and the simulator use
// MemState. Execution writes into an Overlay, which records an ordered write
// set (std::map, so iteration order never depends on hashing) that the
// storage layer persists in one batch and that the state root commits to.
//
// State root (docs/contracts.md "State root"): a hash chain over write sets,
//   root_h = SHA3("iost-state-v1" ‖ root_{h-1} ‖ SHA3(canonical write set_h))
// with root_0 computed over the genesis write set from an all-zero root. Two
// nodes that start from the same genesis and apply the same blocks get the
// same root; any divergence in any write changes every later root. The
// current root is itself kept in state under kStateRootKey (excluded from the
// hashed write set), so a node restarted from disk knows it.
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

// Where the current state root lives in state. Not covered by the write-set
// hash (it is the hash's output).
inline constexpr std::string_view kStateRootKey = "sys/state_root";

// The canonical bytes of a write set: int32 count, then per entry in key
// order: string key, byte op (1 put, 0 delete), string value (empty on
// delete); int32/string as IOST's SimpleEncoder (big-endian, int32 length
// prefix). Entries under kStateRootKey are skipped.
std::string EncodeWriteSet(const WriteSet& ws);
crypto::Hash256 WriteSetHash(const WriteSet& ws);
// The chain rule above.
crypto::Hash256 NextStateRoot(const crypto::Hash256& prev_root, const WriteSet& ws);

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
