// iwallet: IOST-style wallet CLI (DESIGN.md §5). A thin main: argument
// parsing and I/O only; the logic lives in src/wallet/.
//
// Exit codes: 0 success (for `tx inspect`: the tx is valid), 1 the tx is
// invalid, 2 usage, I/O or parse error (message on stderr).
#include <CLI/CLI.hpp>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>

#include <core/tx_json.h>
#include <crypto/keys.h>
#include <util/clock.h>
#include <wallet/inspect.h>
#include <wallet/key_tool.h>

namespace {

constexpr int kExitOk = 0;
constexpr int kExitInvalid = 1;
constexpr int kExitUsage = 2;

// Reads a whole file ("-" = stdin), refusing anything larger than a tx body
// can be so a wrong path (a disk image, /dev/zero) fails fast.
iost::util::Result<std::string> ReadInput(const std::string& path) {
    constexpr size_t kLimit = iost::core::kMaxTxJsonBytes;
    std::ifstream file;
    std::istream* in = &std::cin;
    if (path != "-") {
        file.open(path, std::ios::binary);
        if (!file) return iost::util::Err("cannot open " + path);
        in = &file;
    }
    std::string out;
    char buf[8192];
    while (in->read(buf, sizeof buf) || in->gcount() > 0) {
        out.append(buf, static_cast<size_t>(in->gcount()));
        if (out.size() > kLimit) {
            return iost::util::Err(path + " is larger than " + std::to_string(kLimit) +
                                   " bytes; not a transaction");
        }
    }
    if (in->bad()) return iost::util::Err("error reading " + path);
    return out;
}

int RunInspect(const std::string& path, std::optional<uint32_t> chain_id,
               std::optional<int64_t> now_ns) {
    auto text = ReadInput(path);
    if (!text) {
        std::cerr << "iwallet: " << text.error().message << "\n";
        return kExitUsage;
    }
    iost::wallet::InspectOptions opts;
    opts.now = now_ns.value_or(iost::util::SystemClock().Now());
    opts.chain_id = chain_id;
    auto report = iost::wallet::InspectTx(*text, opts);
    if (!report) {
        std::cerr << "iwallet: " << path << ": " << report.error().message << "\n";
        return kExitUsage;
    }
    std::cout << iost::wallet::InspectReportJson(*report) << "\n";
    return report->valid ? kExitOk : kExitInvalid;
}

int RunKeyNew(const std::string& algo_name) {
    auto algo = iost::crypto::ParseAlgorithm(algo_name);
    if (!algo) {
        std::cerr << "iwallet: " << algo.error().message << "\n";
        return kExitUsage;
    }
    std::cout << iost::wallet::KeyTextJson(iost::wallet::NewKey(*algo)) << "\n";
    return kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"iwallet: IOST-compatible wallet for the PoB node"};
    app.require_subcommand(1);

    auto* tx = app.add_subcommand("tx", "Transaction tools");
    tx->require_subcommand(1);
    auto* inspect = tx->add_subcommand(
        "inspect", "Parse a /sendTx JSON transaction, print its hashes and whether it is valid");
    std::string path;
    std::optional<uint32_t> chain_id;
    std::optional<int64_t> now_ns;
    inspect->add_option("FILE", path, "JSON file in /sendTx shape, or - for stdin")->required();
    inspect->add_option("--chain-id", chain_id,
                        "Require this chain id (default: accept the tx's own)");
    inspect->add_option("--now-ns", now_ns,
                        "Judge the clock rules at this unix time in ns (default: now)");

    auto* key = app.add_subcommand("key", "Key tools");
    key->require_subcommand(1);
    auto* key_new = key->add_subcommand("new", "Generate a key pair; prints base58 keys as JSON");
    std::string algo = "ed25519";
    key_new->add_option("--algo", algo, "ed25519 | secp256k1")
        ->check(CLI::IsMember({"ed25519", "secp256k1"}));

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        app.exit(e);  // prints the message and usage hint to stderr
        return kExitUsage;
    }

    if (inspect->parsed()) return RunInspect(path, chain_id, now_ns);
    if (key_new->parsed()) return RunKeyNew(algo);
    std::cerr << "iwallet: no command\n";
    return kExitUsage;
}
