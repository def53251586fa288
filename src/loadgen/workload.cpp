#include <loadgen/workload.h>
#include <util/bytes.h>

#include <thread>

namespace iost::loadgen {
namespace {

std::string Quote(const std::string& s) {
    // Account names, amounts and our memos hold no characters that need
    // escaping in a JSON string (checked by the callers' formats).
    return "\"" + s + "\"";
}

core::Tx BaseTx(int64_t now_ns, const TxParams& p) {
    core::Tx tx;
    tx.time = now_ns;
    tx.expiration = now_ns + p.lifetime_ns;
    tx.gas_ratio = p.gas_ratio_x100;
    tx.gas_limit = p.gas_limit_x100;
    tx.chain_id = p.chain_id;
    return tx;
}

}  // namespace

std::vector<Sender> MakeSenders(size_t count, const std::string& prefix, const std::string& seed) {
    std::vector<Sender> out;
    out.reserve(count);
    for (size_t i = 0; i < count; ++i) {
        std::string name = prefix + std::to_string(i);
        crypto::KeyPair kp =
            crypto::KeyPair::FromSeed(crypto::Algorithm::kEd25519, seed + "/" + name);
        out.push_back(Sender{std::move(name), std::move(kp)});
    }
    return out;
}

core::Tx MakeAccountSetupTx(const std::string& admin_name, const crypto::KeyPair& admin,
                            const Sender& sender, const std::string& gas_pledge_iost,
                            const std::string& fund_iost, int64_t now_ns, const TxParams& p) {
    core::Tx tx = BaseTx(now_ns, p);
    const std::string pub = util::Base58Encode(sender.key.public_key().bytes);
    tx.actions.push_back({"auth.iost", "signUp",
                          "[" + Quote(sender.name) + "," + Quote(pub) + "," + Quote(pub) + "]"});
    tx.actions.push_back(
        {"gas.iost", "pledge",
         "[" + Quote(admin_name) + "," + Quote(sender.name) + "," + Quote(gas_pledge_iost) + "]"});
    tx.actions.push_back({"token.iost", "transfer",
                          "[\"iost\"," + Quote(admin_name) + "," + Quote(sender.name) + "," +
                              Quote(fund_iost) + ",\"iost-bench\"]"});
    tx.amount_limit.push_back({"*", "unlimited"});
    tx.SignAsPublisher(admin_name, admin);
    return tx;
}

core::Tx MakeTransferTx(const Sender& sender, const std::string& sink, const std::string& amount,
                        const std::string& memo, int64_t now_ns, const TxParams& p) {
    core::Tx tx = BaseTx(now_ns, p);
    tx.actions.push_back({"token.iost", "transfer",
                          "[\"iost\"," + Quote(sender.name) + "," + Quote(sink) + "," +
                              Quote(amount) + "," + Quote(memo) + "]"});
    tx.amount_limit.push_back({"iost", amount});
    tx.SignAsPublisher(sender.name, sender.key);
    return tx;
}

std::vector<SignedTx> Presign(const std::vector<Sender>& senders, const std::string& sink,
                              size_t count, const std::string& tag, int64_t now_ns,
                              const TxParams& p, unsigned threads) {
    std::vector<SignedTx> out(count);
    if (senders.empty() || count == 0) return out;
    threads = std::max(1u, threads);
    auto work = [&](size_t from, size_t to) {
        for (size_t i = from; i < to; ++i) {
            const size_t s = i % senders.size();
            // Distinct times too, so even equal memos could never collide.
            auto tx = std::make_shared<core::Tx>(
                MakeTransferTx(senders[s], sink, "0.0001", tag + "-" + std::to_string(i),
                               now_ns + static_cast<int64_t>(i), p));
            out[i].hash = tx->Hash();
            out[i].sender = s;
            out[i].tx = std::move(tx);
        }
    };
    std::vector<std::thread> pool;
    const size_t per = (count + threads - 1) / threads;
    for (unsigned t = 0; t < threads; ++t) {
        const size_t from = t * per, to = std::min(count, from + per);
        if (from >= to) break;
        pool.emplace_back(work, from, to);
    }
    for (auto& th : pool) th.join();
    return out;
}

}  // namespace iost::loadgen
