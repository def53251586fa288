// iost-abigen CODE.js: the work of `iwallet compile CODE.js` (docs/iwallet.md
// "compile"), which execs this binary: writes CODE.js.abi, the contract's
// ABI skeleton (src/vm/abi_gen.h), and prints where, as go-iost's iwallet
// does. A binary of its own because the generator runs acorn on V8
// (libnode), whose loading would slow every other iwallet command.
// Exit codes as iwallet's: 0 written, 2 a bad file or a refused contract.
#include <vm/abi_gen.h>

#include <fstream>
#include <iostream>
#include <string>

namespace {

constexpr int kExitOk = 0;
constexpr int kExitUsage = 2;  // iwallet's kExitUsage
constexpr std::streamsize kMaxSource = 4 << 20;

int Compile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        std::cerr << "iwallet: compile: cannot read " << path << "\n";
        return kExitUsage;
    }
    std::string source(static_cast<size_t>(kMaxSource) + 1, '\0');
    in.read(source.data(), kMaxSource + 1);
    if (in.bad()) {
        std::cerr << "iwallet: compile: cannot read " << path << "\n";
        return kExitUsage;
    }
    source.resize(static_cast<size_t>(in.gcount()));
    if (source.size() > static_cast<size_t>(kMaxSource)) {
        std::cerr << "iwallet: compile: " << path << " is larger than 4 MiB\n";
        return kExitUsage;
    }
    auto abi = iost::vm::GenerateAbi(source);
    if (!abi) {
        std::cerr << "iwallet: failed to generate abi: " << abi.error().message << "\n";
        return kExitUsage;
    }
    const std::string out_path = path + ".abi";
    std::ofstream out(out_path, std::ios::binary | std::ios::trunc);
    out << *abi;
    out.close();
    if (!out) {
        std::cerr << "iwallet: compile: cannot write " << out_path << "\n";
        return kExitUsage;
    }
    std::cout << "Successfully generated abi file as: " << out_path << "\n";
    return kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "usage: iost-abigen CODE.js (run by `iwallet compile CODE.js`)\n";
        return kExitUsage;
    }
    return Compile(argv[1]);
}
