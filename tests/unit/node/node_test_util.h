// Helpers for the node tests: a genesis with deterministic keys (validators
// node0..nodeN-1 plus users), signed transfers, temp dirs, node configs.
#pragma once

#include <core/amount.h>
#include <core/genesis.h>
#include <core/tx.h>
#include <crypto/keys.h>
#include <node/config.h>

#include <filesystem>
#include <random>
#include <string>
#include <vector>

namespace iost::node::testing {

inline constexpr int64_t kT0 = 1'767'225'600'000'000'000;  // 2026-01-01T00:00:00Z

inline crypto::KeyPair AccountKey(const std::string& name) {
    return crypto::KeyPair::FromSeed(crypto::Algorithm::kEd25519, "node-test-account-" + name);
}
inline crypto::KeyPair ConsensusKey(const std::string& name) {
    return crypto::KeyPair::FromSeed(crypto::Algorithm::kEd25519, "node-test-consensus-" + name);
}
inline core::Amount Iost(int64_t whole) { return core::Amount::FromUnits(whole, 8).value(); }
inline std::string ValidatorName(int i) { return "node" + std::to_string(i); }

// `validators` validators (node0..), users admin/alice/bobby; PoB with B
// believable and N normal, fast timing for tests.
inline core::Genesis TestGenesis(int validators = 6, uint32_t B = 2, uint32_t N = 4) {
    core::Genesis g;
    g.chain_id = core::kLocalChainId;
    g.timestamp_ns = kT0;
    std::vector<std::string> names = {"admin", "alice", "bobby"};
    for (int i = 0; i < validators; ++i) names.push_back(ValidatorName(i));
    for (const auto& n : names) {
        core::GenesisAccount a;
        a.name = n;
        a.owner = AccountKey(n + "-owner").public_key();
        a.active = AccountKey(n).public_key();
        a.gas_pledge = Iost(1000);
        a.ram_bytes = 10'000;
        g.accounts.push_back(a);
    }
    g.token.issuer = "admin";
    g.token.allocations.push_back({"admin", Iost(1'000'000'000)});
    g.token.allocations.push_back({"alice", Iost(100'000)});
    g.token.allocations.push_back({"bobby", Iost(100'000)});
    for (int i = 0; i < validators; ++i) {
        const std::string n = ValidatorName(i);
        g.token.allocations.push_back({n, Iost(5'000'000)});
        g.validators.push_back({n, ConsensusKey(n).public_key(), Iost(1'000'000), 10});
    }
    g.pob.believable_size = B;
    g.pob.normal_size = N;
    g.pob.sampling_probability_ppm = 500'000;
    g.pob.epoch_length = 1000;
    g.pob.micro_interval_ms = 100;
    g.pob.final_interval_ms = 200;
    g.pob.min_servi = 1;
    g.pob.recheck_window = 100;
    return g;
}

// Signed with AccountKey(signer), by default AccountKey(from).
inline core::Tx Transfer(const std::string& from, const std::string& to, const std::string& amount,
                         int64_t time, const std::string& memo = "",
                         const std::string& signer = "") {
    core::Tx tx;
    tx.time = time;
    tx.expiration = time + 60'000'000'000;
    tx.gas_ratio = 100;
    tx.gas_limit = 2'000'000;
    tx.chain_id = core::kLocalChainId;
    tx.actions.push_back(
        {"token.iost", "transfer",
         "[\"iost\",\"" + from + "\",\"" + to + "\",\"" + amount + "\",\"" + memo + "\"]"});
    tx.amount_limit.push_back({"iost", amount});
    tx.SignAsPublisher(from, AccountKey(signer.empty() ? from : signer));
    return tx;
}

// A fresh directory under the system temp dir, removed on destruction.
class TempDir {
  public:
    TempDir() {
        std::random_device rd;
        m_path = std::filesystem::temp_directory_path() /
                 ("iost-node-test-" + std::to_string(rd()) + std::to_string(rd()));
        std::filesystem::create_directories(m_path);
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(m_path, ec);
    }
    const std::filesystem::path& path() const { return m_path; }
    std::string str() const { return m_path.string(); }

  private:
    std::filesystem::path m_path;
};

inline NodeKeys ValidatorKeys(int i) {
    NodeKeys k;
    k.validator = ValidatorName(i);
    k.key = ConsensusKey(ValidatorName(i));
    return k;
}

}  // namespace iost::node::testing
