// Replays fuzz inputs through a harness's LLVMFuzzerTestOneInput without
// libFuzzer, so committed corpora run as ordinary regression tests with any
// compiler (tests/fuzz/CMakeLists.txt, IOST_FUZZ=OFF). Arguments are files or
// directories (read non-recursively, in sorted order so runs are
// reproducible). A harness signals a violated property by trapping, which
// fails the test. Zero inputs is an error: an empty or missing corpus must not
// pass silently.
// Thread contract: single-threaded program.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);
extern "C" __attribute__((weak)) int LLVMFuzzerInitialize(int* argc, char*** argv);

namespace {

bool RunFile(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    if (!in) {
        std::fprintf(stderr, "replay: cannot read %s\n", p.c_str());
        return false;
    }
    std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                               std::istreambuf_iterator<char>());
    // Copy into an exactly-sized heap buffer so an over-read is visible to
    // sanitizers, as under libFuzzer.
    std::unique_ptr<uint8_t[]> buf(new uint8_t[bytes.size() ? bytes.size() : 1]);
    std::copy(bytes.begin(), bytes.end(), buf.get());
    LLVMFuzzerTestOneInput(buf.get(), bytes.size());
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    if (LLVMFuzzerInitialize) LLVMFuzzerInitialize(&argc, &argv);
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s FILE_OR_DIR...\n", argv[0]);
        return 2;
    }
    size_t runs = 0;
    for (int i = 1; i < argc; ++i) {
        const std::filesystem::path arg(argv[i]);
        std::error_code ec;
        if (std::filesystem::is_directory(arg, ec)) {
            std::vector<std::filesystem::path> files;
            for (const auto& e : std::filesystem::directory_iterator(arg, ec)) {
                if (e.is_regular_file()) files.push_back(e.path());
            }
            if (ec) {
                std::fprintf(stderr, "replay: cannot list %s: %s\n", arg.c_str(),
                             ec.message().c_str());
                return 2;
            }
            std::sort(files.begin(), files.end());
            for (const auto& f : files) {
                if (!RunFile(f)) return 2;
                ++runs;
            }
        } else if (std::filesystem::is_regular_file(arg, ec)) {
            if (!RunFile(arg)) return 2;
            ++runs;
        } else {
            std::fprintf(stderr, "replay: no such file or directory: %s\n", arg.c_str());
            return 2;
        }
    }
    if (runs == 0) {
        std::fprintf(stderr, "replay: no inputs found\n");
        return 2;
    }
    std::printf("replay: %zu inputs ok\n", runs);
    return 0;
}
