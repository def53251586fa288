// Shared by the JavaScript contract tests: a chain over MemState with the
// V8 engine (JsChain: deploy through system.iost/setCode, call, read state)
// and IOST's contract JSON.
#pragma once

#include <gtest/gtest.h>
#include <ledger/code.h>
#include <ledger/ledger.h>
#include <vm/js_engine.h>

#include <nlohmann/json.hpp>

#include "../ledger/ledger_fixture.h"

namespace iost::vm::testing {

using ledger::testing::kT0;
using ledger::testing::MakeTx;
using nlohmann::json;

constexpr int64_t kSec = 1'000'000'000;

inline std::string ContractJson(const std::string& code, const json& abi) {
    json j = {{"ID", ""},
              {"info", {{"lang", "javascript"}, {"version", "1.0.0"}, {"abi", abi}}},
              {"code", code}};
    return j.dump();
}

class JsChain {
  public:
    explicit JsChain(std::shared_ptr<const ledger::CodeEngine> engine = MakeJsEngine())
        : m_ledger(ledger::LedgerOptions{core::kLocalChainId}, std::move(engine)) {
        auto gs = ledger::BuildGenesisState(ledger::testing::TestGenesis());
        IOST_ASSERT(gs.ok(), "test genesis builds");
        m_state.Apply(gs->writes);
        m_time = kT0;
    }
    core::TxReceipt Run(const std::string& who, std::vector<core::Action> actions,
                        int64_t gas_limit = 200'000'000,
                        std::vector<core::AmountLimit> limits = {{"*", "unlimited"}}) {
        m_time += kSec;
        auto tx = MakeTx(who, std::move(actions), m_time - kSec / 2, std::move(limits));
        tx.gas_limit = gas_limit;
        tx.SignAsPublisher(who, ledger::testing::KeyOf(who));
        m_last_tx = tx;
        ledger::BlockContext b{m_time, ++m_height, "node1"};
        const std::vector<core::Tx> txs{tx};
        auto r = m_ledger.ApplyBlock(m_state, b, txs);
        m_state.Apply(r.writes);
        m_root = r.state_root;
        EXPECT_EQ(r.outcomes.size(), 1u);
        return r.outcomes.at(0).receipt;
    }
    // Deploys and returns the contract id ("" on failure).
    std::string Deploy(const std::string& code, const json& abi, const std::string& who = "alice") {
        auto r =
            Run(who, {{"system.iost", "setCode", json::array({ContractJson(code, abi)}).dump()}});
        if (r.status.code != core::StatusCode::kSuccess) {
            ADD_FAILURE() << r.status.message;
            return "";
        }
        return json::parse(r.returns.at(0)).at(0).get<std::string>();
    }
    core::TxReceipt Call(const std::string& id, const std::string& fn, const json& args,
                         const std::string& who = "alice", int64_t gas_limit = 200'000'000) {
        return Run(who, {{id, fn, args.dump()}}, gas_limit);
    }
    const ledger::MemState& state() const { return m_state; }
    const crypto::Hash256& root() const { return m_root; }
    // The last block run (one transaction each): its height, time and tx.
    uint64_t height() const { return m_height; }
    int64_t time() const { return m_time; }
    const core::Tx& last_tx() const { return m_last_tx; }

  private:
    ledger::Ledger m_ledger;
    ledger::MemState m_state;
    crypto::Hash256 m_root{};
    uint64_t m_height = 0;
    int64_t m_time = 0;
    core::Tx m_last_tx;
};

}  // namespace iost::vm::testing
