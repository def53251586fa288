// IOST_ASSERT(cond, "what must hold"): for invariants only, never for input
// validation (docs/architecture.md §2). A failed assertion logs the location
// and message to stderr and aborts: a broken invariant in a node that keeps
// money must stop loudly rather than continue in an unknown state.
// Thread contract: safe from any thread.
#pragma once

namespace iost::util {
[[noreturn]] void AssertFail(const char* cond, const char* what, const char* file, int line);
}  // namespace iost::util

#define IOST_ASSERT(cond, what)                                                   \
    do {                                                                          \
        if (!(cond)) ::iost::util::AssertFail(#cond, (what), __FILE__, __LINE__); \
    } while (0)
