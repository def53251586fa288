// What iost-bench sends: its sender accounts, the admin transaction that
// creates and funds one (auth.iost/signUp + gas.iost/pledge +
// token.iost/transfer), and the pre-signed Ed25519 transfers of a load
// step. Transfers go from a sender to a sink account that already holds
// IOST, so no transfer creates state that costs RAM; each carries a distinct
// memo so no two are alike. Many senders (publishers) spread the load over
// every believable partition (docs/pob.md §5.1: owner = H(publisher ‖ seed) mod B).
// Thread contract: value types; Presign is a pure function of its inputs
// (it may use several threads internally).
#pragma once

#include <core/tx.h>
#include <crypto/hash.h>
#include <crypto/keys.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace iost::loadgen {

struct Sender {
    std::string name;
    crypto::KeyPair key;
};

// `count` senders named "<prefix><i>" (account-name rules: 5-11 chars of
// [a-z0-9_]), keys derived from the name and `seed` so a rerun against a
// running devnet finds the same accounts.
std::vector<Sender> MakeSenders(size_t count, const std::string& prefix, const std::string& seed);

struct TxParams {
    uint32_t chain_id = core::kMainnetChainId;
    int64_t gas_ratio_x100 = 100;  // 1.00
    // 1,000,000 gas: the account setup (signUp pays go-iost's 30,000-gas
    // JavaScript fare) needs ~50,000; a transfer uses ~6,200. The limit is only
    // checked against the publisher's stock; the charge is what is used.
    int64_t gas_limit_x100 = 100'000'000;
    int64_t lifetime_ns = 85LL * 1'000'000'000;  // below IOST's 90 s MaxExpiration
};

// admin → new account `sender`: signUp, pledge `gas_pledge_iost` for its gas,
// transfer `fund_iost` (decimal strings). Signed by `admin`.
core::Tx MakeAccountSetupTx(const std::string& admin_name, const crypto::KeyPair& admin,
                            const Sender& sender, const std::string& gas_pledge_iost,
                            const std::string& fund_iost, int64_t now_ns, const TxParams& p);

// A transfer of `amount` IOST from `sender` to `sink`, memo `memo`, signed by
// the sender as publisher (one Ed25519 signature, as an SDK transfer).
core::Tx MakeTransferTx(const Sender& sender, const std::string& sink, const std::string& amount,
                        const std::string& memo, int64_t now_ns, const TxParams& p);

struct SignedTx {
    std::shared_ptr<const core::Tx> tx;
    crypto::Hash256 hash{};
    size_t sender = 0;  // index into the senders
};

// `count` transfers round-robin over the senders, time stamped `now_ns`,
// memos "<tag>-<i>" (unique per run and step). Signs on `threads` threads.
std::vector<SignedTx> Presign(const std::vector<Sender>& senders, const std::string& sink,
                              size_t count, const std::string& tag, int64_t now_ns,
                              const TxParams& p, unsigned threads);

// Open-loop schedule: the i-th transaction is due `i / rate` seconds after
// the start, whatever the replies do.
inline int64_t DueOffsetNs(size_t i, double rate_per_s) {
    return static_cast<int64_t>(static_cast<double>(i) * 1e9 / rate_per_s);
}

}  // namespace iost::loadgen
