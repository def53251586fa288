// The one rule for the engine's SetTimer effects (docs/pob.md §1), shared by
// the node's driver and the simulator so both interpret timers alike: a
// SetTimer replaces the pending timer with the same TimerId (kind, height,
// view); timers with other ids stay pending, and the engine ignores one that
// fires for a height or view it has left. Arm returns a token the caller
// keeps with the scheduled expiry; Fire says whether that expiry is still
// the current one (and forgets it). Tokens are unique for the book's whole
// life, also across Reset (a restarted node), so an expiry armed before a
// reset can never pass for one armed after it.
// Thread contract: a value type used from one thread.
#pragma once

#include <consensus/messages.h>

#include <cstdint>
#include <map>
#include <tuple>

namespace iost::consensus {

class TimerBook {
  public:
    uint64_t Arm(const TimerId& id) {
        const uint64_t token = ++m_last_token;
        m_current[Key(id)] = token;
        return token;
    }
    // True iff `token` is the latest Arm of `id` and has not fired yet.
    bool Fire(const TimerId& id, uint64_t token) {
        auto it = m_current.find(Key(id));
        if (it == m_current.end() || it->second != token) return false;
        m_current.erase(it);
        return true;
    }
    // Forgets every pending timer (the engine behind it was replaced).
    void Reset() { m_current.clear(); }
    size_t pending() const { return m_current.size(); }

  private:
    using TimerKey = std::tuple<uint8_t, uint64_t, uint64_t>;
    static TimerKey Key(const TimerId& id) {
        return {static_cast<uint8_t>(id.kind), id.height, id.view};
    }
    std::map<TimerKey, uint64_t> m_current;
    uint64_t m_last_token = 0;
};

}  // namespace iost::consensus
