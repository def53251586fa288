// The crash tests' two sides (storage_crash_*, snapshot_crash_*): a writer
// process reports progress as 9-byte ack records (kind, little-endian u64)
// on a pipe, and the test starts it with the pipe's write end and kills it
// at a chosen point (docs/reliability.md).
#pragma once

#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace iost::crash {

inline bool WriteAll(int fd, const uint8_t* p, size_t n) {
    while (n > 0) {
        ssize_t w = ::write(fd, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return false;
        p += w;
        n -= static_cast<size_t>(w);
    }
    return true;
}

// Writer side: one ack record.
inline bool Ack(int fd, char kind, uint64_t v) {
    uint8_t rec[9];
    rec[0] = static_cast<uint8_t>(kind);
    for (int i = 0; i < 8; ++i) rec[1 + i] = static_cast<uint8_t>(v >> (8 * i));
    return WriteAll(fd, rec, sizeof rec);
}

// Test side: appends p[0..n) to `partial` and calls on(kind, value) for each
// complete record in order, keeping an incomplete tail for the next call.
template <typename On>
void FeedAcks(std::vector<uint8_t>& partial, const uint8_t* p, size_t n, On&& on) {
    partial.insert(partial.end(), p, p + n);
    size_t i = 0;
    for (; i + 9 <= partial.size(); i += 9) {
        uint64_t v = 0;
        for (int j = 0; j < 8; ++j) v |= uint64_t{partial[i + 1 + j]} << (8 * j);
        on(static_cast<char>(partial[i]), v);
    }
    partial.erase(partial.begin(), partial.begin() + static_cast<long>(i));
}

// Test side: forks and execs `args` (nullptr-terminated, args[0] the
// program), then closes `write_fd` in the parent. The child's pid, or -1.
inline pid_t SpawnWriter(const char* const* args, int write_fd) {
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::execv(args[0], const_cast<char* const*>(args));
        ::_exit(127);
    }
    ::close(write_fd);
    return pid;
}

}  // namespace iost::crash
