// Runs the built iwallet binary with a shell-quoted argument string and
// captures its exit status and output, for the unit tests that drive the
// real CLI (wallet/iwallet_cli_test.cpp, rpc/fraud_e2e_test.cpp).
// Thread contract: a free function; each call runs one child process.
#pragma once

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

namespace iost::test {

struct CliRun {
    int code = -1;
    std::string out;
};

// `with_stderr`: stderr is captured with stdout (true) or discarded (false).
inline CliRun RunIwallet(const std::string& args, bool with_stderr) {
    const std::string cmd =
        std::string(IOST_BIN_DIR) + "/iwallet " + args + (with_stderr ? " 2>&1" : " 2>/dev/null");
    CliRun r;
    FILE* p = popen(cmd.c_str(), "r");
    if (p == nullptr) return r;
    std::array<char, 4096> buf{};
    size_t n = 0;
    while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
    const int status = pclose(p);
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

}  // namespace iost::test
