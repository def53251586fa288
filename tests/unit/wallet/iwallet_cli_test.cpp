// Runs the real iwallet binary (IOST_BIN_DIR/iwallet): build the `iwallet`
// target before unit_wallet. Checks exit codes and output for a valid SDK
// vector, an invalid one, garbage, a missing file and bad usage.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "../iwallet_run.h"

namespace {

using Json = nlohmann::json;

using iost::test::CliRun;

CliRun Iwallet(const std::string& args) { return iost::test::RunIwallet(args, false); }

std::string WriteTemp(const std::string& name, const std::string& content) {
    const std::string path = ::testing::TempDir() + "iwallet_cli_" + name;
    std::ofstream(path, std::ios::binary) << content;
    return path;
}

Json Vectors() {
    std::ifstream in(std::string(IOST_TEST_DATA_DIR) + "/vectors/tx_vectors.json");
    std::stringstream ss;
    ss << in.rdbuf();
    return Json::parse(ss.str())["vectors"];
}

class IwalletCli : public ::testing::Test {
  protected:
    void SetUp() override {
        std::ifstream bin(std::string(IOST_BIN_DIR) + "/iwallet");
        ASSERT_TRUE(bin.good()) << "build the iwallet target first: " << IOST_BIN_DIR << "/iwallet";
    }
};

TEST_F(IwalletCli, InspectValidVectorExitsZero) {
    const Json v = Vectors()[0];
    const std::string file = WriteTemp("valid.json", v["sendtx_body"].get<std::string>());
    const std::string now =
        std::to_string(std::stoll(v["encoded_ints"]["time"].get<std::string>()) + 1'000'000'000);
    const CliRun r = Iwallet("tx inspect --now-ns " + now + " " + file);
    ASSERT_EQ(r.code, 0) << r.out;
    const Json out = Json::parse(r.out);
    EXPECT_EQ(out["hash"], v["hash"]);
    EXPECT_EQ(out["valid"], true);
    EXPECT_EQ(out["expired"], false);
    // From stdin too; with the real clock the 2025 vector is expired but valid.
    const CliRun s = Iwallet("tx inspect - < " + file);
    ASSERT_EQ(s.code, 0) << s.out;
    EXPECT_EQ(Json::parse(s.out)["expired"], true);
}

TEST_F(IwalletCli, InspectInvalidVectorExitsOne) {
    for (const Json& v : Vectors()) {
        if (!v["sdk_short_signature"].get<bool>() && v["valid_size"].get<bool>()) continue;
        const std::string file = WriteTemp("invalid.json", v["sendtx_body"].get<std::string>());
        const CliRun r = Iwallet("tx inspect " + file);
        EXPECT_EQ(r.code, 1) << v["name"] << r.out;
        EXPECT_EQ(Json::parse(r.out)["valid"], false);
        EXPECT_EQ(Json::parse(r.out)["hash"], v["hash"]);
    }
}

TEST_F(IwalletCli, GarbageMissingFileAndBadUsageExitTwo) {
    EXPECT_EQ(Iwallet("tx inspect " + WriteTemp("garbage.json", "\x01\x02not json")).code, 2);
    EXPECT_EQ(Iwallet("tx inspect " + WriteTemp("empty.json", "")).code, 2);
    EXPECT_EQ(Iwallet("tx inspect " + WriteTemp("obj.json", "{\"time\":1}")).code, 2);
    EXPECT_EQ(Iwallet("tx inspect /nonexistent/file.json").code, 2);
    EXPECT_EQ(Iwallet("tx inspect").code, 2);
    EXPECT_EQ(Iwallet("").code, 2);
    EXPECT_EQ(Iwallet("frobnicate").code, 2);
    EXPECT_EQ(Iwallet("key new --algo rsa").code, 2);
}

TEST_F(IwalletCli, KeyNewPrintsIostForms) {
    for (const char* algo : {"ed25519", "secp256k1"}) {
        const CliRun r = Iwallet(std::string("key new --algo ") + algo);
        ASSERT_EQ(r.code, 0);
        const Json k = Json::parse(r.out);
        EXPECT_EQ(k["Algorithm"], algo);
        EXPECT_FALSE(k["Pubkey"].get<std::string>().empty());
        EXPECT_FALSE(k["Seckey"].get<std::string>().empty());
    }
    EXPECT_EQ(Json::parse(Iwallet("key new").out)["Algorithm"], "ed25519");
}

// The node-facing commands refuse bad input before contacting any node
// (--server points at a closed port: a reached node would be exit 1).
TEST_F(IwalletCli, BadArgumentsAreRefusedLocally) {
    const std::string dir = ::testing::TempDir() + "iwallet_cli_keys_" + std::to_string(::getpid());
    const std::string g = "--server http://127.0.0.1:1 --keys-dir " + dir + " --no-prompt ";
    const Json key = Json::parse(Iwallet("key new").out);
    ASSERT_EQ(Iwallet(g + "account import admin " + key["Seckey"].get<std::string>()).code, 0);
    for (const std::string bad : {
             "transfer bob 1 --account admin",                        // receiver name too short
             "transfer bobby -1 --account admin",                     // negative amount
             "transfer bobby 1.000000001 --account admin",            // 9 decimals
             "transfer bobby 1e3 --account admin",                    // exponent
             "transfer bobby 1",                                      // no --account
             "transfer bobby 1 --account nobody",                     // no key for it
             "call token.iost transfer '{\"a\":1}' --account admin",  // args not an array
             "call token.iost transfer '[1,' --account admin",        // broken JSON
             "call token transfer '[]' --account admin",              // not a contract id
             "transfer bobby 1 --account admin --gas-ratio 0.5",
             "transfer bobby 1 --account admin --gas-limit 10",
             "transfer bobby 1 --account admin --expiration 0",
             "transfer bobby 1 --account admin --amount-limit iost",
             "transfer bobby 1 --account admin --signers bobby",
             "--server https://node balance admin",
             "--server http://node:1/x balance admin",
             "--format yaml balance admin",
             "block 0xZZ",
             "receipt not-a-hash",
             "account import admin 111",  // not a key
             "account delete nobody",
         }) {
        const CliRun r = Iwallet(g + bad);
        EXPECT_EQ(r.code, 2) << bad << "\n" << r.out;
    }
    // The node is unreachable: a well-formed query is exit 1, not 2.
    EXPECT_EQ(Iwallet(g + "balance admin").code, 1);
    EXPECT_EQ(Iwallet(g + "state").code, 1);
}

// `sign` needs no node; its output is a valid, signed /sendTx body.
TEST_F(IwalletCli, OfflineSignProducesAValidTransaction) {
    const std::string dir = ::testing::TempDir() + "iwallet_cli_sign_" + std::to_string(::getpid());
    const std::string g = "--server http://127.0.0.1:1 --keys-dir " + dir + " --chain-id 1020 ";
    const Json key = Json::parse(Iwallet("key new").out);
    ASSERT_EQ(Iwallet(g + "account import alice --force " + key["Seckey"].get<std::string>()).code,
              0);
    const std::string out = dir + "/tx.json";
    ASSERT_EQ(Iwallet(g +
                      "sign-tx token.iost transfer '[\"iost\",\"alice\",\"bobby\",\"1\",\"\"]' "
                      "--account alice --out " +
                      out)
                  .code,
              0);
    const CliRun r = Iwallet("tx inspect --chain-id 1020 " + out);
    EXPECT_EQ(r.code, 0) << r.out;
    const Json rep = Json::parse(r.out);
    EXPECT_TRUE(rep["valid"].get<bool>()) << r.out;
    std::ifstream in(out);
    const Json tx = Json::parse(in);
    EXPECT_EQ(tx["publisher"], "alice");
    EXPECT_EQ(tx["chain_id"], 1020);
    EXPECT_EQ(tx["publisher_sigs"][0]["public_key"].get<std::string>().size(),
              44u);  // base64 of 32 bytes
}

// go-iost's offline multisig pieces, no node needed: `call -o FILE` saves
// the unsigned tx in go-iost's protojson form without any account, `sign
// txFile keyFile outFile` writes a signature file over the right hash, and
// `dumpkey`, `account view`, `key --privkey` print what go-iost prints.
TEST_F(IwalletCli, GoIostOfflineMultisigPieces) {
    const std::string dir =
        ::testing::TempDir() + "iwallet_cli_goiost_" + std::to_string(::getpid());
    const std::string g = "--server http://127.0.0.1:1 --account_dir " + dir + " --chain_id 1020 ";
    const Json key = Json::parse(Iwallet("key").out);
    const std::string secret = key["Seckey"].get<std::string>();
    ASSERT_EQ(Iwallet(g + "account import manager1 " + secret).code, 0);

    const std::string tx = dir + "/tx.json";
    const CliRun saved =
        Iwallet(g +
                "call token.iost transfer '[\"iost\",\"team1\",\"bobby\",\"1\",\"\"]' "
                "--output " +
                tx);
    ASSERT_EQ(saved.code, 0) << saved.out;
    std::ifstream tin(tx);
    const Json t = Json::parse(tin);
    EXPECT_EQ(t["publisher"], "");
    EXPECT_TRUE(t["publisherSigs"].empty());
    EXPECT_EQ(t["chainId"], 1020);
    EXPECT_EQ(t["actions"][0]["actionName"], "transfer");
    EXPECT_TRUE(t["time"].is_string());

    // A signature file for each hash kind; both verify only over their own hash.
    const std::string sig = dir + "/sig", psig = dir + "/psig";
    ASSERT_EQ(Iwallet(g + "sign " + tx + " " + dir + "/manager1.json " + sig).code, 0);
    ASSERT_EQ(
        Iwallet(g + "sign --as_publisher_sign " + tx + " " + dir + "/manager1.json " + psig).code,
        0);
    std::ifstream sin(sig), pin(psig);
    const Json s1 = Json::parse(sin), s2 = Json::parse(pin);
    EXPECT_EQ(s1["algorithm"], "ED25519");
    EXPECT_EQ(s1["publicKey"], s2["publicKey"]);
    EXPECT_NE(s1["signature"], s2["signature"]);  // base hash vs publish hash
    // A bare-secret key file signs the same (go-iost's NAME_ed25519 files).
    const std::string bare = WriteTemp("bare_secret", secret + "\n");
    const std::string sig3 = dir + "/sig3";
    ASSERT_EQ(Iwallet(g + "sign " + tx + " " + bare + " " + sig3).code, 0);
    std::ifstream s3in(sig3);
    EXPECT_EQ(Json::parse(s3in)["signature"], s1["signature"]);  // Ed25519 is deterministic
    // Missing positional arguments, a broken key file: usage errors.
    EXPECT_EQ(Iwallet(g + "sign " + tx + " " + dir + "/manager1.json").code, 2);
    EXPECT_EQ(
        Iwallet(g + "sign " + tx + " " + WriteTemp("junk_key", "{\"x\":1}") + " " + sig3).code, 2);

    const CliRun dump = Iwallet(g + "account dumpkey manager1");
    EXPECT_NE(dump.out.find("active:" + secret), std::string::npos) << dump.out;
    EXPECT_NE(dump.out.find("owner:" + secret), std::string::npos) << dump.out;
    const Json view = Json::parse(Iwallet(g + "account view manager1").out);
    EXPECT_EQ(view["KeyPairs"]["active"]["Pubkey"], key["Pubkey"]);
    const Json again = Json::parse(Iwallet("key --privkey " + secret).out);
    EXPECT_EQ(again["Pubkey"], key["Pubkey"]);
    // call needs a multiple of 3 arguments; sys needs its arguments.
    EXPECT_EQ(Iwallet(g + "call token.iost transfer --output " + tx).code, 2);
    EXPECT_EQ(Iwallet(g + "sys vote --account manager1").code, 2);
    EXPECT_EQ(Iwallet(g + "sys pledge abc --account manager1").code, 2);
    EXPECT_EQ(Iwallet(g + "sys addperm p1 --account manager1").code, 2);
    EXPECT_EQ(Iwallet(g + "--tx_time yesterday call token.iost transfer '[]' -o " + tx).code, 2);
}

// go-iost `iwallet compile code.js`: the ABI skeleton next to the source
// (docs/iwallet.md "compile"): the exported class's public methods, args
// "string" unless a @param comment types them, init required and left out.
TEST_F(IwalletCli, CompileWritesTheAbiSkeleton) {
    const std::string code = WriteTemp("token.js", R"(// A token-like contract.
class Helper { helper(a) {} }
class Token {
  init() { storage.put('supply', '0'); }
  /**
   * @param {string} to
   * @param {number} amount
   * @param memo {bool}
   */
  issue(to, amount, memo) {}
  // no @param here
  transfer(from, to, amount) {}
  _internal(x) {}
  get total() { return 1; }
  static make(a) {}
  can_update(data) { return false; }
}
module.exports = Token;
)");
    std::remove((code + ".abi").c_str());
    const CliRun r = iost::test::RunIwallet("compile " + code, true);
    ASSERT_EQ(r.code, 0) << r.out;
    EXPECT_NE(r.out.find("Successfully generated abi file as: " + code + ".abi"), std::string::npos)
        << r.out;
    std::ifstream in(code + ".abi");
    std::stringstream text;
    text << in.rdbuf();
    const Json abi = Json::parse(text.str());
    const Json want = {
        {"lang", "javascript"},
        {"version", "1.0.0"},
        {"abi",
         {{{"name", "issue"},
           {"args", {"string", "number", "bool"}},
           {"amountLimit", Json::array()}},
          {{"name", "transfer"},
           {"args", {"string", "string", "string"}},
           {"amountLimit", Json::array()}},
          {{"name", "can_update"}, {"args", {"string"}}, {"amountLimit", Json::array()}}}}};
    EXPECT_EQ(abi, want) << text.str();
    // Printed as go-iost does: 4-space indentation.
    EXPECT_EQ(text.str().rfind("{\n    \"lang\": \"javascript\",", 0), 0u) << text.str();

    // What go-iost's compile refuses, with the reason; exit 2, no file.
    for (const auto& [src, why] : std::vector<std::pair<std::string, std::string>>{
             {"class A { f(x) {} }\nmodule.exports = A;", "no init()"},
             {"class A { init() {} constructor() {} }\nmodule.exports = A;", "constructor"},
             {"class A { init() {} }", "module.exports"},
             {"module.exports = B;", "class B"},
             {"class A { init() {} f({a}) {} }\nmodule.exports = A;", "parameters"},
             {"class A { init() { }\nmodule.exports = A;", "syntax error"}}) {
        const std::string bad = WriteTemp("bad.js", src);
        std::remove((bad + ".abi").c_str());
        const CliRun b = iost::test::RunIwallet("compile " + bad, true);
        EXPECT_EQ(b.code, 2) << src << "\n" << b.out;
        EXPECT_NE(b.out.find(why), std::string::npos) << src << "\n" << b.out;
        EXPECT_FALSE(std::ifstream(bad + ".abi").good()) << src;
    }
    const CliRun missing = iost::test::RunIwallet("compile /nonexistent/x.js", true);
    EXPECT_EQ(missing.code, 2) << missing.out;
    EXPECT_EQ(Iwallet("compile").code, 2);
}

}  // namespace
