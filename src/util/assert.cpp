#include <util/assert.h>

#include <cstdio>
#include <cstdlib>

namespace iost::util {
void AssertFail(const char* cond, const char* what, const char* file, int line) {
    std::fprintf(stderr, "IOST_ASSERT failed at %s:%d: %s (%s)\n", file, line, what, cond);
    std::fflush(stderr);
    std::abort();
}
}  // namespace iost::util
