// Shared helpers for the ledger tests: a small genesis with deterministic
// keys, transaction builders, and a chain driver over MemState.
#pragma once

#include <core/genesis.h>
#include <core/tx.h>
#include <crypto/keys.h>
#include <ledger/ledger.h>

#include <string>
#include <vector>

namespace iost::ledger::testing {

inline constexpr int64_t kT0 = 1'767'225'600'000'000'000;  // 2026-01-01T00:00:00Z
inline constexpr int64_t kIost = 100'000'000;              // raw units per IOST

inline crypto::KeyPair KeyOf(const std::string& name) {
    return crypto::KeyPair::FromSeed(crypto::Algorithm::kEd25519, "ledger-test-" + name);
}

inline core::Amount Iost(int64_t whole) { return core::Amount::FromUnits(whole, 8).value(); }

// admin (issuer, most of the supply), alice, bob, carol, and four validators.
inline core::Genesis TestGenesis() {
    core::Genesis g;
    g.chain_id = core::kLocalChainId;
    g.timestamp_ns = kT0;
    for (std::string n : {"admin", "alice", "bobby", "carol", "node1", "node2", "node3", "node4"}) {
        core::GenesisAccount a;
        a.name = n;
        a.owner = KeyOf(n + "-owner").public_key();
        a.active = KeyOf(n).public_key();
        a.gas_pledge = Iost(1000);
        a.ram_bytes = 10'000;
        g.accounts.push_back(a);
    }
    g.token.issuer = "admin";
    g.token.allocations.push_back({"admin", Iost(1'000'000'000)});
    for (std::string n : {"alice", "bobby", "carol"})
        g.token.allocations.push_back({n, Iost(100'000)});
    for (int i = 1; i <= 4; ++i) {
        const std::string n = "node" + std::to_string(i);
        g.token.allocations.push_back({n, Iost(5'000'000)});
        g.validators.push_back(
            {n, KeyOf(n + "-consensus").public_key(), Iost(1'000'000 * i), 10 * i});
    }
    return g;
}

inline core::Tx MakeTx(const std::string& publisher, std::vector<core::Action> actions,
                       int64_t time, std::vector<core::AmountLimit> limits = {{"*", "unlimited"}}) {
    core::Tx tx;
    tx.time = time;
    tx.expiration = time + 60'000'000'000;
    tx.gas_ratio = 100;
    tx.gas_limit = 200'000'000;  // the SDK's default 2,000,000 gas
    tx.chain_id = core::kLocalChainId;
    tx.actions = std::move(actions);
    tx.amount_limit = std::move(limits);
    tx.SignAsPublisher(publisher, KeyOf(publisher));
    return tx;
}

inline core::Tx Transfer(const std::string& from, const std::string& to, const std::string& amount,
                         int64_t time, const std::string& memo = "") {
    core::Action a{
        "token.iost", "transfer",
        "[\"iost\",\"" + from + "\",\"" + to + "\",\"" + amount + "\",\"" + memo + "\"]"};
    return MakeTx(from, {a}, time, {{"iost", amount}});
}

// A chain over MemState: genesis, then blocks applied and committed.
class Chain {
  public:
    explicit Chain(const core::Genesis& g = TestGenesis()) : m_ledger(LedgerOptions{g.chain_id}) {
        auto gs = BuildGenesisState(g);
        IOST_ASSERT(gs.ok(), "test genesis builds");
        m_state.Apply(gs->writes);
        m_root = gs->state_root;
        m_time = g.timestamp_ns;
    }
    BlockResult Apply(const std::vector<core::Tx>& txs, int64_t time,
                      AuthCheck auth = AuthCheck::kFull) {
        m_time = time;
        BlockContext b{time, ++m_height, "node1"};
        auto r = m_ledger.ApplyBlock(m_state, b, txs, auth);
        m_state.Apply(r.writes);
        m_root = r.state_root;
        return r;
    }
    const MemState& state() const { return m_state; }
    MemState& mutable_state() { return m_state; }
    const Ledger& ledger() const { return m_ledger; }
    const crypto::Hash256& root() const { return m_root; }
    uint64_t height() const { return m_height; }
    int64_t time() const { return m_time; }
    int64_t Balance(const std::string& who) const { return BalanceOf(m_state, "iost", who); }

  private:
    Ledger m_ledger;
    MemState m_state;
    crypto::Hash256 m_root{};
    uint64_t m_height = 0;
    int64_t m_time = 0;
};

}  // namespace iost::ledger::testing
