#include "sim.h"

#include <consensus/audit_assign.h>
#include <consensus/engine.h>
#include <consensus/evidence.h>
#include <consensus/timers.h>
#include <core/amount.h>
#include <core/genesis.h>
#include <crypto/keys.h>
#include <util/bytes.h>
#include <util/log.h>

#include <algorithm>
#include <cstring>
#include <deque>
#include <functional>
#include <map>
#include <queue>
#include <random>
#include <set>
#include <sstream>
#include <stdexcept>

#include "sim_app.h"

namespace iost::sim {

using consensus::Effects;
using consensus::Engine;
using consensus::Message;
using consensus::TimerId;

const char* FaultName(Fault f) {
    switch (f) {
        case Fault::kNone:
            return "none";
        case Fault::kForger:
            return "forger";
        case Fault::kMicroEquivocator:
            return "micro-equivocator";
        case Fault::kSilentBelievable:
            return "silent-believable";
        case Fault::kTwins:
            return "twins";
        case Fault::kWithholdVotes:
            return "withhold-votes";
        case Fault::kGarbage:
            return "garbage";
        case Fault::kCrashPrimary:
            return "crash-primary";
        case Fault::kPartition:
            return "partition";
        case Fault::kAsymmetric:
            return "asymmetric";
        case Fault::kKeyChanger:
            return "key-changer";
        case Fault::kFramer:
            return "framer";
        case Fault::kCrashBelievable:
            return "crash-believable";
        case Fault::kSkewedPrimary:
            return "skewed-primary";
        case Fault::kClockSkew:
            return "clock-skew";
        case Fault::kFalseFallback:
            return "false-fallback";
        case Fault::kCensor:
            return "censor";
        case Fault::kDeadBelievable:
            return "dead-believable";
        case Fault::kJoiner:
            return "joiner";
        case Fault::kSeedGrinder:
            return "seed-grinder";
        case Fault::kComeback:
            return "comeback";
        case Fault::kStripCommits:
            return "strip-commits";
    }
    return "?";
}

std::optional<Fault> ParseFault(const std::string& s) {
    for (int i = 0; i <= static_cast<int>(Fault::kStripCommits); ++i) {
        if (s == FaultName(static_cast<Fault>(i))) return static_cast<Fault>(i);
    }
    return std::nullopt;
}

namespace {

constexpr int64_t kMs = util::kNanosPerMilli;
constexpr int64_t kGenesisTime = 1'700'000'000LL * util::kNanosPerSecond;
// The account a kJoiner node registers as a validator (not one at genesis).
constexpr const char* kJoinerId = "joiner";
// Runs with roles that need epochs to pass (kDeadBelievable, kJoiner,
// kSeedGrinder, kComeback) use epochs this long (final blocks) unless a
// shorter one is configured; with a censor in the mix at least
// kCensorRoleEpochNs long in time (10 blocks of the former 500 ms interval):
// every epoch change restarts the kept copies' deadline clock (docs/pob.md
// §5.5), so an epoch must outlast censor_deadline; 10 blocks of 300 ms last
// exactly the 3 s deadline, and censored transactions were never final (CI
// batch seeds 1262 and 1042).
constexpr uint64_t kRoleEpochLength = 10;
constexpr int64_t kCensorRoleEpochNs = 5'000 * util::kNanosPerMilli;

// A fast stand-in for Ed25519 on consensus keys (the simulator runs millions
// of votes): the signature is SHA3(secret ‖ msg) ‖ SHA3(msg ‖ secret). Keys
// are real Ed25519 public keys (the genesis checks their form); the verifier
// knows every simulated secret and falls back to real verification for any
// other key (users' transaction signatures stay real Ed25519).
class FakeSigner final : public crypto::Signer {
  public:
    FakeSigner(crypto::PublicKey pub, util::Bytes secret)
        : m_pub(std::move(pub)), m_secret(std::move(secret)) {}
    const crypto::PublicKey& public_key() const override { return m_pub; }
    util::Bytes Sign(util::ByteView msg) const override { return Make(m_secret, msg); }
    static util::Bytes Make(const util::Bytes& secret, util::ByteView msg) {
        crypto::Sha3Hasher h;
        h.Update(secret).Update(msg);
        const auto a = h.Final();
        h.Update(msg).Update(secret);
        const auto b = h.Final();
        util::Bytes out(a.size() + b.size());
        std::memcpy(out.data(), a.data(), a.size());
        std::memcpy(out.data() + a.size(), b.data(), b.size());
        return out;
    }

  private:
    crypto::PublicKey m_pub;
    util::Bytes m_secret;
};

class SimVerifier final : public crypto::Verifier {
  public:
    void Add(const crypto::PublicKey& k, util::Bytes secret) {
        m_secrets[k.bytes] = std::move(secret);
    }
    bool Verify(const crypto::VerifyItem& item) const override {
        auto it = m_secrets.find(util::Bytes(item.pub.begin(), item.pub.end()));
        if (it == m_secrets.end()) return crypto::RealVerifier().Verify(item);
        const util::Bytes want = FakeSigner::Make(it->second, item.msg);
        return item.sig.size() == want.size() &&
               std::equal(want.begin(), want.end(), item.sig.begin());
    }

  private:
    std::map<util::Bytes, util::Bytes> m_secrets;
};

struct Instance {
    size_t index = 0;
    std::string id;
    Fault role = Fault::kNone;
    bool byzantine = false;
    bool alive = true;
    bool gone = false;  // kDeadBelievable: never restarted
    int group = 0;
    bool deaf = false;  // asymmetric: cannot receive
    int64_t skew = 0;   // this node's clock minus true time (ns)
    std::unique_ptr<SimApp> app;
    uint64_t committed_txs = 0;
    std::unique_ptr<Engine> engine;
    std::shared_ptr<crypto::Signer> signer;
    std::vector<std::shared_ptr<const core::CertifiedBlock>> disk_blocks;
    std::optional<consensus::SafetyState> disk_safety;
    std::optional<consensus::ProducerState> disk_producer;  // PersistProducer (pob.md §9)
    std::vector<std::shared_ptr<const core::MicroBlock>> disk_micros;
    consensus::TimerBook timers;  // the driver's rule (consensus/timers.h)
    // Rewritten MicroBlocks of a Byzantine producer: original hash → sent version(s).
    std::map<crypto::Hash256, std::shared_ptr<const core::MicroBlock>> rewrite_a, rewrite_b;
    // docs/pob.md §7.5, as this node's final chain shows it: forged final
    // transactions not repaid yet (tx → forger, IOST raw debited), the sum
    // per forger, and each forger's bond at its last block before a slash.
    std::map<crypto::Hash256, std::pair<std::string, int64_t>> at_risk;
    std::map<crypto::Hash256, uint64_t> at_risk_since;  // the height that made it final
    std::map<std::string, int64_t> at_risk_sum;
    std::map<std::string, int64_t> bond_seen;

    // A crash that keeps the disk (the blocks, safety and producer records
    // stay; a restart replays them): the engine and its application go.
    void CrashKeepingDisk() {
        alive = false;
        disk_micros = engine->FinalMicros();
        engine.reset();
        app.reset();
    }
};

enum class EvKind {
    kDeliver,
    kTimer,
    kLoad,
    kFaultStart,
    kHeal,
    kEnd,
    kKeyChange,
    kFrame,
    kRestart,  // crash-believable: the victim comes back
    kLogin,    // comeback: the validator, back, sends logInProducer
};

struct Event {
    int64_t t = 0;
    uint64_t seq = 0;
    EvKind kind = EvKind::kDeliver;
    size_t inst = 0;
    std::string from;
    std::shared_ptr<const Message> msg;
    TimerId timer;
    uint64_t gen = 0;
};
Event At(int64_t t, EvKind kind) {
    Event e;
    e.t = t;
    e.kind = kind;
    return e;
}

struct EventOrder {
    bool operator()(const Event& a, const Event& b) const {
        return a.t != b.t ? a.t > b.t : a.seq > b.seq;
    }
};

std::string HashShort(const crypto::Hash256& h) {
    return util::ToHex(crypto::View(h)).substr(0, 12);
}

class Simulation {
  public:
    explicit Simulation(const SimConfig& cfg) : m_cfg(cfg), m_rng(cfg.seed) {}
    SimResult Run();

  private:
    void BuildGenesis();
    void CreateInstances();
    void StartEngine(Instance& in, bool restore);
    void Apply(Instance& in, Effects effects);
    void Route(Instance& from, const std::optional<std::string>& to, const Message& msg);
    void Deliver(Instance& from, Instance& to, std::shared_ptr<const Message> msg);
    std::optional<Message> Transform(Instance& from, const Message& msg, size_t to_index);
    std::shared_ptr<const core::MicroBlock> Rewrite(Instance& in, const core::MicroBlock& mb,
                                                    bool variant_b);
    core::Tx MakeTransfer(const std::string& from, const std::string& to, int64_t now);
    core::Tx MakeForged(const Instance& forger, int64_t now, bool* ok);
    void ChangeKey();
    void Frame();
    void Audit(Instance& in, const consensus::Finalize& f);
    // Auditors per transaction for a normal league of n (docs/pob.md §7.4;
    // f under the negative control).
    size_t AuditCount(size_t n) const {
        return m_cfg.audit_assign_f ? consensus::MaxFaulty(n) : consensus::AuditorsPerTx(n);
    }
    // kForger: varies a forged tx (its memo) until its auditors are its
    // Byzantine normal colleagues, as far as that is possible.
    void GrindAuditors(const Instance& forger, core::Tx& tx, const std::string& memo_head);
    // To a random live honest node (other than `avoid`, when given).
    void Submit(const core::Tx& tx, const std::string& avoid = {});
    bool Quiet() const { return m_now >= (m_cfg.duration_ms - m_cfg.quiet_end_ms) * kMs; }
    bool HasFault(Fault f) const {
        return std::find(m_cfg.faults.begin(), m_cfg.faults.end(), f) != m_cfg.faults.end();
    }
    void Push(Event e) {
        e.seq = m_seq++;
        m_events.push(std::move(e));
    }
    double Uniform() { return static_cast<double>(m_rng() >> 11) * (1.0 / 9007199254740992.0); }
    uint64_t Below(uint64_t n) { return n == 0 ? 0 : m_rng() % n; }
    void Violation(std::string what);
    void CheckExposure(Instance& in, const consensus::Finalize& f);
    // docs/pob.md §4.1: who an epoch's last block charged for absent votes.
    void CheckAbsentVotes(Instance& in, const consensus::Finalize& f);
    void Trace(uint64_t a, uint64_t b, const crypto::Hash256* h = nullptr);
    void OnFinal(Instance& in, const consensus::Finalize& f);
    void OnPunish(Instance& in, const consensus::Punish& p);
    void FaultStart();
    void Heal();
    void Finish();
    bool Honest(const Instance& in) const { return !in.byzantine; }
    // The node's own clock (true time plus its skew), as its engine sees it.
    int64_t Clock(const Instance& in) const { return kGenesisTime + m_now + in.skew; }
    void CheckBlockTime(const consensus::Finalize& f);
    // kCensor: whether the censor drops this publisher's transactions.
    bool Censored(const std::string& publisher) const;
    void Register();
    void Login();
    void CheckRoles();
    // kSeedGrinder: picks a block variant (docs/pob.md §4.2) and records it.
    size_t GrindSeed(const std::string& id, uint64_t next_epoch,
                     const std::vector<consensus::SeedOption>& options);
    void CheckSeed();

    SimConfig m_cfg;
    std::mt19937_64 m_rng;
    core::Genesis m_genesis;
    SimVerifier m_verifier;
    std::map<std::string, crypto::KeyPair> m_user_keys;     // current active keys
    std::map<std::string, crypto::KeyPair> m_owner_keys;    // owner keys (never change)
    std::map<std::string, crypto::KeyPair> m_genesis_keys;  // active keys at genesis
    std::map<std::string, uint64_t> m_key_gen;              // active-key changes per user
    std::vector<std::string> m_holders;  // every account IOST can be held by (conservation)
    int64_t m_initial_held = 0;
    size_t m_repay_ref = SIZE_MAX;  // the honest node whose chain times repayments
    // docs/pob.md §7.5: every forged final tx repaid within audit_window
    // heights (runs without network faults; see CheckExposure).
    bool m_check_audit_window = false;
    std::set<crypto::Hash256> m_unproven;  // forged txs reported unproven within the window
    std::vector<size_t> m_restart;         // crashed instances that kRestart brings back
    // MicroBlocks a framer received, newest last (bounded).
    std::deque<std::shared_ptr<const core::MicroBlock>> m_framer_micros;
    std::map<std::string, int64_t> m_key_changed_at;       // user → time of its last key change
    std::set<crypto::Hash256> m_framed;                    // txs a framer already named
    std::map<crypto::Hash256, int64_t> m_forged_final_at;  // forged tx → its block's time
    std::vector<std::string> m_users;
    std::vector<std::string> m_validators;
    std::map<std::string, std::shared_ptr<crypto::Signer>> m_cons_signers;
    std::vector<std::unique_ptr<Instance>> m_inst;
    std::priority_queue<Event, std::vector<Event>, EventOrder> m_events;
    uint64_t m_seq = 0;
    int64_t m_now = 0;
    consensus::Params m_params;
    consensus::Committee m_committee0;
    std::set<std::string> m_byzantine_ids;
    std::map<uint64_t, std::pair<crypto::Hash256, crypto::Hash256>>
        m_final;                                      // height → (block, root)
    std::map<crypto::Hash256, std::string> m_forged;  // tx → forger
    int64_t m_initial_supply = 0;
    crypto::Sha3Hasher m_trace;
    SimResult m_res;
    uint64_t m_height_at_heal = 0;
    bool m_healed = false;
    int64_t m_max_honest_skew = 0;                // largest |skew| of an honest node
    bool m_check_fallback_claims = false;         // see SimResult::live_producers_declared_silent
    std::set<std::string> m_declared_silent;      // honest producers reported
    std::set<uint64_t> m_checked_time;            // heights reported beyond the time bound
    std::set<crypto::Hash256> m_wrongly_expired;  // txs reported wrongly expired
    // Roles of docs/pob.md §4.1 and §5.5.
    std::map<crypto::Hash256, int64_t> m_submitted;       // tx → submit time (ms)
    std::map<crypto::Hash256, int64_t> m_censored;        // censored tx → submit time (ms)
    std::map<crypto::Hash256, int64_t> m_final_at;        // tx → first final block time (ms)
    std::map<crypto::Hash256, uint64_t> m_final_height;   // tx → its final height
    std::map<uint64_t, int64_t> m_block_time;             // height → final block time (ms)
    std::map<uint64_t, uint64_t> m_block_view;            // height → view it was built in
    std::map<uint64_t, std::set<std::string>> m_members;  // epoch → committee (both leagues)
    std::map<uint64_t, int64_t> m_epoch_start;            // epoch → its first block time (ms)
    std::map<uint64_t, std::string> m_proposer;           // height → proposer
    std::string m_censor, m_dead;
    int64_t m_dead_at = -1;
    crypto::Hash256 m_join_tx{};
    bool m_join_sent = false;
    uint64_t m_join_height = 0;  // the final block that registered the joiner
    // kComeback (docs/pob.md §4.1): who, when it went down and came back
    // (ms, -1 = not yet), its logInProducer, and per election (epoch) whether
    // it was a candidate and how many candidates there were (reference
    // state after the epoch's last block), and the epochs it worked in.
    std::string m_comeback;
    int64_t m_comeback_down_ms = -1, m_comeback_back_ms = -1;
    crypto::Hash256 m_login_tx{};
    bool m_login_sent = false;
    std::map<uint64_t, bool> m_comeback_candidate;
    std::map<uint64_t, size_t> m_candidates;
    std::set<uint64_t> m_comeback_worked;
    // docs/pob.md §4.2: the seed grinder's choices, each epoch's seed and
    // believable league (honest nodes), and the commitments and reveals of
    // each epoch's final blocks (by proposer).
    struct Grind {
        uint64_t epoch = 0;
        size_t eligible_seeds = 0;  // distinct seeds among variants that keep it a candidate
        crypto::Hash256 chosen{};
        std::string grinder;
    };
    std::vector<Grind> m_grinds;
    std::map<uint64_t, crypto::Hash256> m_epoch_seed;
    std::map<uint64_t, std::set<std::string>> m_believable;
    std::map<uint64_t, std::set<std::string>> m_seed_commits, m_seed_reveals;
};

void Simulation::Violation(std::string what) {
    ++m_res.safety_violations;
    if (m_res.violations.size() < 5) m_res.violations.push_back(std::move(what));
}

void Simulation::Trace(uint64_t a, uint64_t b, const crypto::Hash256* h) {
    uint8_t buf[24];
    const uint64_t t = static_cast<uint64_t>(m_now);
    std::memcpy(buf, &t, 8);
    std::memcpy(buf + 8, &a, 8);
    std::memcpy(buf + 16, &b, 8);
    m_trace.Update(util::ByteView(buf, sizeof buf));
    if (h) m_trace.Update(crypto::View(*h));
}

void Simulation::BuildGenesis() {
    m_params = m_cfg.params;
    m_params.believable_size = m_cfg.believable;
    m_params.normal_size = m_cfg.normal;
    m_params.sampling_ppm = m_cfg.sampling_ppm;
    m_params.epoch_length = m_cfg.epoch_length;
    m_params.min_servi = 1;
    if (m_cfg.no_time_bound) m_params.max_clock_drift_ns = INT64_MAX;
    // With a censor in the mix an epoch must outlast censor_deadline (docs/pob.md §5.5).
    const uint64_t role_epoch_length =
        HasFault(Fault::kCensor)
            ? std::max<uint64_t>(
                  kRoleEpochLength,
                  static_cast<uint64_t>((kCensorRoleEpochNs + m_params.final_interval_ns - 1) /
                                        m_params.final_interval_ns))
            : kRoleEpochLength;
    if ((HasFault(Fault::kDeadBelievable) || HasFault(Fault::kJoiner) ||
         HasFault(Fault::kSeedGrinder) || HasFault(Fault::kComeback) ||
         HasFault(Fault::kWithholdVotes) || HasFault(Fault::kStripCommits)) &&
        !m_cfg.keep_epoch_length && m_params.epoch_length > role_epoch_length) {
        m_params.epoch_length = m_cfg.epoch_length = role_epoch_length;
    }
    if (m_cfg.no_censor_fallback) m_params.censor_deadline_ns = 0;
    if (m_cfg.no_keep) m_params.keep_max_txs = 0;
    if (m_cfg.no_liveness) m_params.idle_logout = false;
    if (m_cfg.no_newcomer_seat) m_params.newcomer_seats = 0;
    if (m_cfg.no_seed_reveal) m_params.seed_commit_reveal = false;
    if (m_cfg.no_vote_accounting) m_params.vote_accounting = false;
    m_params.absent_vote_percent = m_cfg.absent_vote_percent;
    // Every fraud proof of the run stays provable (pob.md §7.4).
    if (m_params.fraud_window == 0) m_params.fraud_window = 1'000'000;
    m_genesis.chain_id = core::kLocalChainId;
    m_params.chain_id = m_genesis.chain_id;
    m_genesis.timestamp_ns = kGenesisTime;
    m_genesis.pob.believable_size = m_cfg.believable;
    m_genesis.pob.normal_size = m_cfg.normal;
    m_genesis.pob.sampling_probability_ppm = std::max<uint32_t>(m_cfg.sampling_ppm, 1);
    m_genesis.pob.epoch_length = m_params.epoch_length;
    m_genesis.pob.min_servi = 1;
    auto iost = [](int64_t whole) {
        return core::Amount::FromUnits(whole, core::kIostDecimals).value();
    };
    const uint32_t nval = m_cfg.believable + m_cfg.normal + m_cfg.spare;
    for (uint32_t i = 0; i < nval; ++i) {
        char name[16];
        std::snprintf(name, sizeof name, "val%02u", i);
        m_validators.push_back(name);
    }
    for (uint32_t i = 0; i < m_cfg.users; ++i) {
        char name[16];
        std::snprintf(name, sizeof name, "user%02u", i);
        m_users.push_back(name);
    }
    for (const auto& v : m_validators) m_users.push_back(v);  // validators also hold accounts
    if (HasFault(Fault::kJoiner)) m_users.push_back(kJoinerId);
    for (const auto& name : m_users) {
        auto kp = crypto::KeyPair::FromSeed(crypto::Algorithm::kEd25519, "sim-account-" + name);
        auto owner = crypto::KeyPair::FromSeed(crypto::Algorithm::kEd25519, "sim-owner-" + name);
        core::GenesisAccount a;
        a.name = name;
        a.owner = owner.public_key();
        a.active = kp.public_key();
        m_owner_keys.emplace(name, std::move(owner));
        m_genesis_keys.emplace(name, kp);
        a.gas_pledge = iost(10'000);
        a.ram_bytes = 100'000;
        m_genesis.accounts.push_back(a);
        m_genesis.token.allocations.push_back({name, iost(10'000'000)});
        m_user_keys.emplace(name, std::move(kp));
    }
    m_holders = m_users;  // every user and validator account
    for (const char* c : {"vote_producer.iost", "gas.iost", "ram.iost", "token.iost"})
        m_holders.push_back(c);
    m_holders.push_back(std::string(ledger::kCompensationPool));
    m_users.resize(m_cfg.users);
    m_genesis.token.issuer = m_users.front();
    for (const auto& v : m_validators) {
        auto ck = crypto::KeyPair::FromSeed(crypto::Algorithm::kEd25519, "sim-consensus-" + v);
        core::GenesisValidator gv;
        gv.account = v;
        gv.consensus_key = ck.public_key();
        gv.stake = iost(1'000'000);
        gv.servi = 100;
        m_genesis.validators.push_back(gv);
        if (m_cfg.real_consensus_crypto) {
            m_cons_signers[v] = std::make_shared<crypto::KeyPairSigner>(ck);
        } else {
            util::Bytes secret = ck.SecretBytes();
            m_verifier.Add(ck.public_key(), secret);
            m_cons_signers[v] = std::make_shared<FakeSigner>(ck.public_key(), secret);
        }
    }
    if (HasFault(Fault::kJoiner)) {
        // Its consensus key; it registers it on chain at fault_start.
        auto ck = crypto::KeyPair::FromSeed(crypto::Algorithm::kEd25519,
                                            std::string("sim-consensus-") + kJoinerId);
        util::Bytes secret = ck.SecretBytes();
        m_verifier.Add(ck.public_key(), secret);
        m_cons_signers[kJoinerId] = std::make_shared<FakeSigner>(ck.public_key(), secret);
    }
    auto st = core::ValidateGenesis(m_genesis);
    if (!st.ok()) throw std::invalid_argument("simulator genesis: " + st.error().message);
}

void Simulation::StartEngine(Instance& in, bool restore) {
    SimAppOptions ao;
    ao.skip_compensation = m_cfg.no_compensation;
    in.app = std::make_unique<SimApp>(m_genesis, m_verifier, ao);
    consensus::EngineOptions opt;
    opt.id = in.id;
    opt.params = m_params;
    opt.genesis_hash = in.app->genesis_hash();
    opt.genesis_time = kGenesisTime;
    opt.enforce_exposure_bound = m_cfg.exposure_bound;
    opt.trust_fallback_claims = m_cfg.no_fallback_check;
    if (in.role == Fault::kFalseFallback) {
        opt.claim_silent = [](const std::string&) { return true; };
    }
    if (in.role == Fault::kSkewedPrimary) {
        const int mode = m_cfg.skew_mode >= 0 ? m_cfg.skew_mode : static_cast<int>(m_cfg.seed % 3);
        constexpr int64_t kFiveMin = 300 * util::kNanosPerSecond;
        opt.block_time_override = [mode](int64_t, int64_t now) -> int64_t {
            if (mode == 0) return now + kFiveMin;
            if (mode == 1) return now - kFiveMin;
            return INT64_MAX;
        };
    }
    opt.strip_last_commit = in.role == Fault::kStripCommits;
    opt.accept_late_commits = !m_cfg.no_late_commits;
    if (in.role == Fault::kSeedGrinder) {
        opt.grind_seed = [this, id = in.id](uint64_t next,
                                            const std::vector<consensus::SeedOption>& options) {
            return GrindSeed(id, next, options);
        };
    }
    in.engine =
        std::make_unique<Engine>(opt, *in.signer, m_verifier, in.app->app(), util::Logger::Null());
    in.timers.Reset();  // a restarted node's old timers died with it
    Effects fx = restore
                     ? in.engine->Restore(in.disk_blocks, in.disk_micros, in.disk_safety, Clock(in),
                                          m_cfg.producer_record ? in.disk_producer : std::nullopt)
                     : in.engine->Start(Clock(in));
    Apply(in, std::move(fx));
}

void Simulation::CreateInstances() {
    // The epoch-0 committee, to place Byzantine roles on the right league.
    SimApp probe(m_genesis, m_verifier);
    auto cands = probe.Candidates();
    m_committee0 =
        consensus::Elect(cands, consensus::EpochSeed(0, probe.genesis_hash()), 0, m_params);
    m_initial_supply = probe.Supply();
    m_initial_held = probe.HeldBy(m_holders);
    std::vector<std::string> believable, normal;
    for (const auto& c : m_committee0.believable) believable.push_back(c.id);
    for (const auto& c : m_committee0.normal) normal.push_back(c.id);

    std::map<std::string, Fault> roles;
    size_t next_b = 0, next_n = 0;
    for (Fault f : m_cfg.faults) {
        switch (f) {
            case Fault::kForger:
            case Fault::kMicroEquivocator:
            case Fault::kSilentBelievable:
            case Fault::kCensor:
            case Fault::kDeadBelievable:
            case Fault::kComeback:
                if (next_b < believable.size()) roles[believable[next_b++]] = f;
                break;
            case Fault::kTwins:
            case Fault::kWithholdVotes:
            case Fault::kGarbage:
            case Fault::kFramer:
            case Fault::kSkewedPrimary:
            case Fault::kFalseFallback:
            case Fault::kSeedGrinder:
            case Fault::kStripCommits:
                // Normal-league faults fill from the end so that the primary of
                // the first heights (index 1, 2, ...) is often faulty.
                if (next_n < normal.size()) roles[normal[normal.size() - 1 - next_n++]] = f;
                break;
            default:
                break;
        }
    }
    if (m_cfg.negative_control) {
        // More than f twins: the split below lets each side certify its own block.
        const size_t want = m_committee0.f() + 1 + m_cfg.byzantine_normal;
        for (size_t k = 0; k < want && k < normal.size(); ++k) roles[normal[1 + k]] = Fault::kTwins;
    }
    std::vector<std::string> ids = m_validators;
    if (HasFault(Fault::kJoiner)) {
        ids.push_back(kJoinerId);  // an observer until it registers and is elected
        roles[kJoinerId] = Fault::kJoiner;
    }
    for (const auto& [id, role] : roles) {
        if (role == Fault::kCensor) m_censor = id;
        if (role == Fault::kDeadBelievable) m_dead = id;
        if (role == Fault::kComeback) m_comeback = id;
    }
    for (const auto& id : ids) {
        const Fault role = roles.count(id) ? roles[id] : Fault::kNone;
        const int copies = role == Fault::kTwins ? 2 : 1;
        for (int c = 0; c < copies; ++c) {
            auto in = std::make_unique<Instance>();
            in->index = m_inst.size();
            in->id = id;
            in->role = role;
            // A validator that dies (for good or for a while) and a joiner
            // are honest nodes.
            in->byzantine = role != Fault::kNone && role != Fault::kDeadBelievable &&
                            role != Fault::kJoiner && role != Fault::kComeback;
            in->signer = m_cons_signers[id];
            if (in->byzantine) m_byzantine_ids.insert(id);
            m_inst.push_back(std::move(in));
        }
    }
    if (m_cfg.negative_control) {
        // Honest normal[0] and one copy of each twin on side 0; the other
        // honest normal validators and the other copies on side 1.
        std::map<std::string, int> seen;
        for (auto& in : m_inst) {
            if (in->role == Fault::kTwins) {
                in->group = seen[in->id]++;
            } else if (in->id == normal[0]) {
                in->group = 0;
            } else {
                in->group = 1;
            }
        }
    }
    // Repayment delays are timed on an honest node outside the epoch-0
    // committee if there is one (a full node), else the first honest one.
    for (auto& in : m_inst) {
        if (in->byzantine) continue;
        const bool member =
            std::find(believable.begin(), believable.end(), in->id) != believable.end() ||
            std::find(normal.begin(), normal.end(), in->id) != normal.end();
        if (!member || m_repay_ref == SIZE_MAX) {
            m_repay_ref = in->index;
            if (!member) break;
        }
    }
    // An honest assigned auditor proves a forgery as soon as the block is
    // final here; without network faults the proof is in a final block well
    // within audit_window (docs/pob.md §7.5).
    m_check_audit_window = m_cfg.auditor && !HasFault(Fault::kPartition) &&
                           !HasFault(Fault::kAsymmetric) && m_cfg.drop < 0.1 &&
                           m_cfg.lose_micros_until_ms == 0;
    // Without network faults no honest producer is ever silent for
    // silent_after (it heartbeats every silent_after/3).
    m_check_fallback_claims = HasFault(Fault::kFalseFallback) && !HasFault(Fault::kPartition) &&
                              !HasFault(Fault::kAsymmetric) && m_cfg.drop < 0.1 &&
                              m_cfg.lose_micros_until_ms == 0;
    if (HasFault(Fault::kClockSkew)) {
        // Honest clocks within ±drift/2 of true time: any two within the drift
        // (the real drift, also when a negative control turned the bound off).
        const int64_t half = m_cfg.params.max_clock_drift_ns / 2;
        for (auto& in : m_inst) {
            if (in->byzantine) continue;
            in->skew = static_cast<int64_t>(Below(static_cast<uint64_t>(2 * half + 1))) - half;
            m_max_honest_skew = std::max(m_max_honest_skew, in->skew < 0 ? -in->skew : in->skew);
        }
    }
    for (auto& in : m_inst) StartEngine(*in, /*restore=*/false);
}

core::Tx Simulation::MakeTransfer(const std::string& from, const std::string& to, int64_t now) {
    core::Tx tx;
    tx.time = now;
    tx.expiration = now + 60 * util::kNanosPerSecond;
    tx.gas_ratio = 100;
    tx.gas_limit = 100'000'000;
    tx.chain_id = m_genesis.chain_id;
    tx.actions.push_back(
        {"token.iost", "transfer", "[\"iost\",\"" + from + "\",\"" + to + "\",\"1\",\"sim\"]"});
    tx.amount_limit.push_back({"*", "unlimited"});
    tx.SignAsPublisher(from, m_user_keys.at(from));
    return tx;
}

core::Tx Simulation::MakeForged(const Instance& forger, int64_t now, bool* ok) {
    // A victim whose transactions this forger owns (pob.md §5.1).
    std::vector<std::string> victims;
    for (const auto& u : m_users) {
        auto owner = forger.engine->OwnerOf(u);
        if (owner && *owner == forger.id) victims.push_back(u);
    }
    *ok = !victims.empty();
    if (!*ok) return {};
    const std::string& victim = victims[Below(victims.size())];
    core::Tx tx;
    tx.time = now;
    tx.expiration = now + 60 * util::kNanosPerSecond;
    tx.gas_ratio = 100;
    tx.gas_limit = 100'000'000;
    tx.chain_id = m_genesis.chain_id;
    tx.actions.push_back({"token.iost", "transfer",
                          "[\"iost\",\"" + victim + "\",\"" + forger.id + "\",\"" +
                              std::to_string(m_cfg.forge_amount_iost) + "\",\"forged " +
                              std::to_string(m_res.forged_injected) + "\"]"});
    tx.amount_limit.push_back({"*", "unlimited"});
    tx.publisher = victim;
    if (Below(2) == 0) {
        // Bad signature: the victim's key with signature bytes the forger made up.
        core::Signature s;
        s.algorithm = crypto::Algorithm::kEd25519;
        s.pubkey = m_user_keys.at(victim).public_key().bytes;  // the key the victim uses now
        s.sig.resize(64);
        for (auto& b : s.sig) b = static_cast<uint8_t>(m_rng());
        tx.publisher_sigs.push_back(s);
    } else {
        // Someone else's funds: properly signed, but by the forger's own key.
        tx.SignAsPublisher(m_user_keys.at(forger.id));
        tx.publisher = victim;
    }
    GrindAuditors(forger, tx,
                  "[\"iost\",\"" + victim + "\",\"" + forger.id + "\",\"" +
                      std::to_string(m_cfg.forge_amount_iost) + "\",\"forged " +
                      std::to_string(m_res.forged_injected));
    return tx;
}

void Simulation::GrindAuditors(const Instance& forger, core::Tx& tx, const std::string& memo_head) {
    // docs/pob.md §7.4: the forger knows the assignment rule and its
    // Byzantine colleagues of the normal league (who audit nothing); it
    // varies the memo until the transaction's auditors are as many of them
    // as it can get. With f + 1 auditors one is always honest; with f
    // (--audit-assign-f) all can be its colleagues.
    std::vector<std::string> league;
    size_t colleagues = 0;
    for (const auto& c : forger.engine->committee().normal) {
        league.push_back(c.id);
        if (c.id != forger.id && m_byzantine_ids.count(c.id)) ++colleagues;
    }
    const size_t count = AuditCount(league.size());
    if (colleagues == 0 || count == 0) return;
    const size_t want = std::min(count, colleagues);
    const bool signed_by_forger =
        tx.publisher_sigs.front().pubkey == m_user_keys.at(forger.id).public_key().bytes;
    const std::string victim = tx.publisher;
    auto score = [&](const core::Tx& t) {
        size_t n = 0;
        for (const auto& id : consensus::AuditorsOf(t.Hash(), league, forger.id, count))
            n += m_byzantine_ids.count(id);
        return n;
    };
    core::Tx best = tx;
    size_t best_score = score(tx);
    for (int k = 1; k < 64 && best_score < want; ++k) {
        core::Tx t = tx;
        t.actions.front().data = memo_head + " g" + std::to_string(k) + "\"]";
        if (signed_by_forger) {
            t.publisher_sigs.clear();
            t.SignAsPublisher(m_user_keys.at(forger.id));
            t.publisher = victim;
        }
        const size_t sc = score(t);
        if (sc > best_score) {
            best = std::move(t);
            best_score = sc;
        }
    }
    tx = std::move(best);
}

std::shared_ptr<const core::MicroBlock> Simulation::Rewrite(Instance& in,
                                                            const core::MicroBlock& mb,
                                                            bool variant_b) {
    auto& cache = variant_b ? in.rewrite_b : in.rewrite_a;
    auto it = cache.find(mb.hash);
    if (it != cache.end()) return it->second;
    auto out = std::make_shared<core::MicroBlock>(mb);
    auto prev = cache.find(mb.header.prev_micro_hash);
    if (prev != cache.end()) out->header.prev_micro_hash = prev->second->hash;
    if (in.role == Fault::kForger && !variant_b && !Quiet() && Uniform() < m_cfg.forge_rate) {
        bool ok = false;
        core::Tx forged = MakeForged(in, kGenesisTime + m_now, &ok);
        if (ok) {
            const size_t pos = Below(out->txs.size() + 1);
            out->txs.insert(out->txs.begin() + static_cast<ptrdiff_t>(pos), forged);
            m_forged[forged.Hash()] = in.id;
            ++m_res.forged_injected;
        }
    }
    if (in.role == Fault::kCensor) {
        // docs/pob.md §5.5: it packs nothing of the censored publishers.
        std::erase_if(out->txs, [&](const core::Tx& t) { return Censored(t.publisher); });
    }
    if (variant_b) out->header.time += 1;  // a second, different MicroBlock with the same seq
    out->Seal();
    out->producer_sig = in.signer->Sign(crypto::View(out->hash));
    cache[mb.hash] = out;
    return out;
}

std::optional<Message> Simulation::Transform(Instance& from, const Message& msg, size_t to_index) {
    switch (from.role) {
        case Fault::kSilentBelievable:
            return std::nullopt;
        case Fault::kWithholdVotes:
            if (std::holds_alternative<consensus::VoteMsg>(msg)) return std::nullopt;
            return msg;
        case Fault::kForger:
        case Fault::kMicroEquivocator:
        case Fault::kCensor: {
            if (auto* ev = std::get_if<consensus::EvidenceMsg>(&msg)) {
                if (ev->evidence->Accused() == from.id) return std::nullopt;
            }
            auto* m = std::get_if<consensus::MicroMsg>(&msg);
            if (!m || m->micro->header.producer != from.id) return msg;
            const bool b = from.role == Fault::kMicroEquivocator && to_index % 2 == 1;
            return Message{consensus::MicroMsg{Rewrite(from, *m->micro, b)}};
        }
        case Fault::kGarbage: {
            Message out = msg;
            if (auto* v = std::get_if<consensus::VoteMsg>(&out)) {
                if (Below(2) == 0) {
                    v->vote.sig[Below(v->vote.sig.size())] ^= 0x5a;  // bad signature
                } else {
                    // A validly signed vote for a block that does not exist.
                    for (auto& b : v->vote.block_hash) b = static_cast<uint8_t>(m_rng());
                    v->vote.sig = from.signer->Sign(crypto::View(core::VoteMessage(
                        v->vote.kind, v->vote.height, v->vote.view, v->vote.block_hash)));
                }
            } else if (auto* p = std::get_if<consensus::ProposalMsg>(&out)) {
                if (!p->sig.empty()) p->sig[0] ^= 1;
            } else if (auto* vc = std::get_if<consensus::ViewChangeMsg>(&out)) {
                vc->new_view += Below(3);
            } else if (auto* tm = std::get_if<consensus::TxMsg>(&out)) {
                auto tx = std::make_shared<core::Tx>(*tm->tx);
                tx->gas_limit += 1;  // breaks its signature
                tm->tx = tx;
            }
            return out;
        }
        default:
            return msg;
    }
}

void Simulation::Deliver(Instance& from, Instance& to, std::shared_ptr<const Message> msg) {
    if (from.group != to.group || to.deaf) return;
    if (m_cfg.drop > 0 && Uniform() < m_cfg.drop) return;
    if (m_now < m_cfg.lose_micros_until_ms * kMs &&
        std::holds_alternative<consensus::MicroMsg>(*msg)) {
        return;
    }
    int64_t delay = m_cfg.delay_ms * kMs +
                    static_cast<int64_t>(Below(static_cast<uint64_t>(m_cfg.jitter_ms * kMs + 1)));
    if (m_cfg.reorder > 0 && Uniform() < m_cfg.reorder)
        delay += static_cast<int64_t>(Below(static_cast<uint64_t>(5 * m_cfg.jitter_ms * kMs + 1)));
    Event e;
    e.t = m_now + delay;
    e.kind = EvKind::kDeliver;
    e.inst = to.index;
    e.from = from.id;
    e.msg = msg;
    if (m_cfg.duplicate > 0 && Uniform() < m_cfg.duplicate) {
        Event d = e;
        d.t += static_cast<int64_t>(Below(static_cast<uint64_t>(m_cfg.jitter_ms * kMs + 1)));
        Push(d);
    }
    Push(std::move(e));
}

void Simulation::Route(Instance& from, const std::optional<std::string>& to, const Message& msg) {
    if (const auto* p = std::get_if<consensus::ProposalMsg>(&msg)) {
        uint32_t blocks = p->block ? 1 : 0;
        for (const auto& vc : p->justification) blocks += vc.prepared && vc.prepared->block ? 1 : 0;
        m_res.max_blocks_in_proposal = std::max(m_res.max_blocks_in_proposal, blocks);
    }
    std::shared_ptr<const Message> shared;
    for (auto& dst : m_inst) {
        if (dst.get() == &from) continue;
        if (to && dst->id != *to) continue;
        if (from.role != Fault::kNone && from.byzantine) {
            auto t = Transform(from, msg, dst->index);
            if (!t) continue;
            Deliver(from, *dst, std::make_shared<const Message>(std::move(*t)));
            continue;
        }
        if (!shared) shared = std::make_shared<const Message>(msg);
        Deliver(from, *dst, shared);
    }
}

void Simulation::OnFinal(Instance& in, const consensus::Finalize& f) {
    const auto& b = f.block->block;
    in.disk_blocks.push_back(f.block);
    in.committed_txs += f.executed_txs.size();
    if (in.index == m_repay_ref) {
        for (const auto& h : f.executed_txs) {
            if (m_forged.count(h)) m_forged_final_at[h] = b.time;
        }
        for (const auto& c : b.compensated) {
            auto it = m_forged_final_at.find(c.tx_hash);
            if (it == m_forged_final_at.end()) continue;
            m_res.max_repay_delay_ms =
                std::max(m_res.max_repay_delay_ms, (b.time - it->second) / kMs);
        }
    }
    if (m_cfg.auditor && Honest(in)) Audit(in, f);
    const crypto::Hash256 hash = b.Hash();
    Trace(1000 + in.index, b.height, &hash);
    if (!Honest(in)) return;
    CheckBlockTime(f);
    if (m_check_fallback_claims) {
        for (const auto& id : b.fallback) {
            if (m_byzantine_ids.count(id) || !m_declared_silent.insert(id).second) continue;
            ++m_res.live_producers_declared_silent;
            Violation("height " + std::to_string(b.height) + ": live honest producer " + id +
                      " declared silent");
        }
    }
    // Role bookkeeping (CheckRoles): first final time of every tx, epochs'
    // committees and start times, proposers.
    for (const auto& h : f.executed_txs) {
        m_final_at.emplace(h, (b.time - kGenesisTime) / kMs);
        m_final_height.emplace(h, b.height);
        if (m_join_sent && h == m_join_tx && m_join_height == 0) m_join_height = b.height;
        if (m_login_sent && h == m_login_tx && m_res.comeback_login_height == 0)
            m_res.comeback_login_height = b.height;
    }
    if (!m_comeback.empty()) {
        bool worked = b.proposer == m_comeback;
        for (const auto& r : b.micro_refs) worked = worked || r.producer == m_comeback;
        if (worked) m_comeback_worked.insert(b.epoch);
    }
    m_proposer.emplace(b.height, b.proposer);
    m_block_time.emplace(b.height, (b.time - kGenesisTime) / kMs);
    m_block_view.emplace(b.height, b.view);
    const uint64_t L = m_params.epoch_length;
    if (b.height % L == 1 || L == 1) m_epoch_start.emplace(b.epoch, (b.time - kGenesisTime) / kMs);
    if (b.height % L == 0 && in.engine && in.engine->height() == b.height) {
        std::set<std::string> members;
        for (const auto& c : in.engine->committee().believable) members.insert(c.id);
        for (const auto& c : in.engine->committee().normal) members.insert(c.id);
        m_members.emplace(b.height / L, std::move(members));
        std::set<std::string> believable;
        for (const auto& c : in.engine->committee().believable) believable.insert(c.id);
        m_believable.emplace(b.height / L, std::move(believable));
        m_epoch_seed.emplace(b.height / L, in.engine->committee().seed);
        if (!m_comeback.empty() && !m_candidates.count(b.height / L)) {
            // The ledger's candidates of the election just held (state after
            // the epoch's last block: idle members logged out, logins in).
            const auto cands = ledger::ElectionCandidates(in.app->state(), 0);
            m_candidates[b.height / L] = cands.size();
            m_comeback_candidate[b.height / L] = std::any_of(
                cands.begin(), cands.end(),
                [&](const ledger::ValidatorInfo& v) { return v.account == m_comeback; });
        }
    }
    if (b.seed_commit) m_seed_commits[b.epoch].insert(b.proposer);
    if (b.seed_reveal) m_seed_reveals[b.epoch].insert(b.proposer);
    auto [it, fresh] = m_final.emplace(b.height, std::make_pair(hash, f.app_state_root));
    if (!fresh) {
        if (it->second.first != hash) {
            Violation("height " + std::to_string(b.height) + ": two certified blocks " +
                      HashShort(it->second.first) + " and " + HashShort(hash) + " (on " + in.id +
                      ")");
        } else if (it->second.second != f.app_state_root) {
            Violation("height " + std::to_string(b.height) + ": state roots differ on " + in.id);
        }
    }
    if (f.app_state_root != b.state_root) {
        Violation("height " + std::to_string(b.height) + ": " + in.id +
                  " executed to another root");
    }
    if (in.app->Supply() != m_initial_supply) {
        Violation("supply changed at height " + std::to_string(b.height) + " on " + in.id);
    }
    if (in.app->HeldBy(m_holders) != m_initial_held) {
        Violation("IOST held by all accounts changed at height " + std::to_string(b.height) +
                  " on " + in.id);
    }
    CheckExposure(in, f);
    if (fresh && b.last_commit && b.height >= 2 && in.engine) {
        ++m_res.last_commits;
        const auto* pc = in.engine->CommitteeOf((b.height - 2) / L);
        if (pc && b.last_commit->cert.SignerCount() == pc->normal.size()) ++m_res.full_last_commits;
    }
    if (fresh && b.height % L == 0) CheckAbsentVotes(in, f);
    // Only forged transactions are ever paid back (a user whose honest tx
    // was called forged would gain what it spent).
    for (const auto& c : b.compensated) {
        if (!m_forged.count(c.tx_hash)) {
            Violation("height " + std::to_string(b.height) + ": honest tx " + HashShort(c.tx_hash) +
                      " compensated");
        }
    }
}

void Simulation::CheckAbsentVotes(Instance& in, const consensus::Finalize& f) {
    // docs/pob.md §4.1 vote accounting, checked on the first finalization of
    // each epoch's last block. An honest validator that votes on time is
    // never charged kAbsentVotes, whatever a Byzantine proposer leaves out
    // of its last_commits: a violation, except for epochs in which honest
    // validators were cut off or down (they did miss votes): in runs with a
    // partition, an asymmetric link, a crash or a dead validator, epochs
    // that overlap [fault_start, heal + kAbsentSettleMs] (view timeouts that
    // doubled during the fault keep a healed node out a while longer), and a
    // dead validator from its death on.
    constexpr int64_t kAbsentSettleMs = 10'000;
    const auto& b = f.block->block;
    const consensus::Committee* c = in.engine ? in.engine->CommitteeOf(b.epoch) : nullptr;
    if (!c) return;
    const std::set<std::string> charged(f.absent_voters.begin(), f.absent_voters.end());
    ++m_res.accounted_epochs;
    m_res.absent_vote_charges += charged.size();
    const bool disturbing = HasFault(Fault::kPartition) || HasFault(Fault::kAsymmetric) ||
                            HasFault(Fault::kCrashPrimary) || HasFault(Fault::kCrashBelievable) ||
                            HasFault(Fault::kComeback) || HasFault(Fault::kDeadBelievable) ||
                            m_cfg.negative_control;
    auto es = m_epoch_start.find(b.epoch);
    const int64_t start_ms = es == m_epoch_start.end() ? 0 : es->second;
    const int64_t end_ms = (b.time - kGenesisTime) / kMs;
    const bool disturbed =
        disturbing && end_ms >= m_cfg.fault_start_ms && start_ms <= m_cfg.heal_ms + kAbsentSettleMs;
    for (const auto& m : c->normal) {
        Fault role = Fault::kNone;
        bool gone = false;
        for (const auto& i : m_inst) {
            if (i->id != m.id) continue;
            role = i->role;
            gone = gone || i->gone;
        }
        const bool hit = charged.count(m.id) != 0;
        if (role == Fault::kWithholdVotes) {
            ++m_res.withholder_epochs;
            if (hit) ++m_res.withholder_charged;
        }
        if (!hit || m_byzantine_ids.count(m.id)) continue;
        ++m_res.honest_absent_charged;
        if (disturbed || gone) continue;
        Violation("epoch " + std::to_string(b.epoch) + ": honest, connected " + m.id +
                  " charged for absent votes (block " + std::to_string(b.height) + ")");
    }
}

void Simulation::CheckExposure(Instance& in, const consensus::Finalize& f) {
    // docs/pob.md §7.5, checked from what the simulator knows (which
    // transactions are forged), not from the engine's own accounting: the
    // IOST that one forger's final forged transactions took and that is not
    // repaid yet never exceeds that forger's bond (what its slash is sure to
    // put in the pool).
    const auto& b = f.block->block;
    for (const auto& c : b.compensated) {
        auto it = in.at_risk.find(c.tx_hash);
        if (it == in.at_risk.end()) continue;
        in.at_risk_sum[it->second.first] -= it->second.second;
        in.at_risk.erase(it);
        in.at_risk_since.erase(c.tx_hash);
    }
    for (const auto& h : f.executed_txs) {
        auto forger = m_forged.find(h);
        if (forger == m_forged.end()) continue;
        int64_t took = 0;
        for (const auto& d : ledger::TxDebits(in.app->state(), h)) {
            if (d.token == "iost") took += d.amount;
        }
        if (took <= 0 || !in.at_risk.emplace(h, std::make_pair(forger->second, took)).second)
            continue;
        in.at_risk_sum[forger->second] += took;
        in.at_risk_since.emplace(h, b.height);
    }
    // The bound's premise (docs/pob.md §7.5 "Worst case"): an honest auditor
    // proves every forgery, and the proof repays it, within audit_window
    // heights. One of the f + 1 assigned auditors is honest whatever the
    // forger grinds (§7.4); with f of them it may not be.
    if (m_check_audit_window) {
        for (const auto& [h, since] : in.at_risk_since) {
            if (b.height <= since + m_params.audit_window || !m_unproven.insert(h).second) continue;
            ++m_res.forged_unproven_in_window;
            Violation("forged tx " + HashShort(h) + " final at height " + std::to_string(since) +
                      " not proven within audit_window (" + std::to_string(m_params.audit_window) +
                      " heights) on " + in.id);
        }
    }
    for (const auto& [forger, sum] : in.at_risk_sum) {
        // The bound is about a producer not caught yet; once slashed, its
        // victims' repayment is what the end-of-run checks verify (every
        // forged final tx repaid exactly, the pool never short).
        if (sum <= 0 || in.engine->IsSlashed(forger)) continue;
        in.bond_seen[forger] = ledger::BondedStake(in.app->state(), forger);
        m_res.max_forged_at_risk = std::max(m_res.max_forged_at_risk, sum);
        if (sum > in.bond_seen[forger]) {
            Violation("height " + std::to_string(b.height) + " on " + in.id + ": " + forger +
                      "'s unrepaid forged debits " + std::to_string(sum) + " exceed its bond " +
                      std::to_string(in.bond_seen[forger]));
        }
    }
    if (in.engine->stats().exposure_breaches > 0) {
        Violation("height " + std::to_string(b.height) + " on " + in.id +
                  ": a producer's unverified exposure exceeded its bond");
    }
}

void Simulation::CheckBlockTime(const consensus::Finalize& f) {
    // docs/pob.md §6.2: a final block's time is at most some honest replica's
    // clock plus the drift when it voted (which is before now), or the
    // previous time + 1 ns: so at most true time + drift + the largest honest
    // skew + 1 ns per height. Checked with the real drift even when the
    // negative control turned the replicas' bound off.
    const auto& b = f.block->block;
    const int64_t truth = kGenesisTime + m_now;
    const int64_t drift = m_cfg.params.max_clock_drift_ns;
    const int64_t slack = drift + m_max_honest_skew + static_cast<int64_t>(b.height);
    const int64_t lead = b.time > truth ? (b.time - truth) / kMs : 0;
    m_res.max_block_time_lead_ms = std::max(m_res.max_block_time_lead_ms, lead);
    if (b.time > truth && b.time - truth > slack) {
        if (m_checked_time.insert(b.height).second) {
            ++m_res.blocks_beyond_time_bound;
            Violation("height " + std::to_string(b.height) + ": block time " +
                      std::to_string(lead) + " ms ahead of true time, beyond the bound");
        }
    }
    // A transaction executed as expired that had not expired by that bound.
    auto check = [&](const core::Tx& tx, const crypto::Hash256& h) {
        if (tx.expiration > b.time || tx.expiration - truth <= slack) return;
        if (m_wrongly_expired.insert(h).second) {
            ++m_res.txs_wrongly_expired;
            Violation("tx " + HashShort(h) + " executed as expired at height " +
                      std::to_string(b.height) + ", " +
                      std::to_string((tx.expiration - truth) / kMs) + " ms before its expiration");
        }
    };
    for (const auto& m : f.micros) {
        for (size_t i = 0; i < m->txs.size(); ++i) check(m->txs[i], m->tx_hashes[i]);
    }
    for (const auto& tx : b.direct_txs) check(tx, tx.Hash());
}

void Simulation::OnPunish(Instance& in, const consensus::Punish& p) {
    if (!Honest(in)) return;
    if (!m_byzantine_ids.count(p.validator)) {
        Violation("honest validator " + p.validator + " slashed at height " +
                  std::to_string(p.height));
    }
}

void Simulation::Apply(Instance& in, Effects effects) {
    if (in.app) in.app->Flush();  // the driver persists committed blocks first
    for (auto& e : effects) {
        std::visit(
            [&](auto& x) {
                using T = std::decay_t<decltype(x)>;
                if constexpr (std::is_same_v<T, consensus::Send>) {
                    Route(in, x.to, x.msg);
                } else if constexpr (std::is_same_v<T, consensus::Broadcast>) {
                    Route(in, std::nullopt, x.msg);
                } else if constexpr (std::is_same_v<T, consensus::PersistSafety>) {
                    in.disk_safety = x.state;
                } else if constexpr (std::is_same_v<T, consensus::PersistProducer>) {
                    in.disk_producer = x.state;
                } else if constexpr (std::is_same_v<T, consensus::Finalize>) {
                    OnFinal(in, x);
                } else if constexpr (std::is_same_v<T, consensus::SetTimer>) {
                    Event ev;
                    ev.t = std::max<int64_t>(x.at - kGenesisTime - in.skew, m_now);
                    ev.kind = EvKind::kTimer;
                    ev.inst = in.index;
                    ev.timer = x.id;
                    ev.gen = in.timers.Arm(x.id);
                    Push(std::move(ev));
                } else if constexpr (std::is_same_v<T, consensus::Punish>) {
                    OnPunish(in, x);
                }
            },
            e);
    }
}

void Simulation::FaultStart() {
    for (Fault f : m_cfg.faults) {
        if (f == Fault::kDeadBelievable) {
            for (auto& in : m_inst) {
                if (in->id != m_dead || !in->alive) continue;
                in->alive = false;
                in->gone = true;
                in->engine.reset();
                in->app.reset();
                m_dead_at = m_now / kMs;
            }
        } else if (f == Fault::kJoiner) {
            Register();
        } else if (f == Fault::kComeback) {
            // Down with its disk kept; Heal restarts it (it is not `gone`).
            for (auto& in : m_inst) {
                if (in->id != m_comeback || !in->alive) continue;
                in->CrashKeepingDisk();
                m_comeback_down_ms = m_now / kMs;
            }
        }
        if (f == Fault::kPartition) {
            for (auto& in : m_inst) in->group = static_cast<int>(Below(2));
        } else if (f == Fault::kAsymmetric) {
            m_inst[Below(m_inst.size())]->deaf = true;
        } else if (f == Fault::kCrashBelievable) {
            // An honest believable validator crashes inside the epoch and
            // is back before it is declared silent (pob.md §9).
            const Instance* ref = nullptr;
            for (const auto& in : m_inst) {
                if (in->alive && in->engine && !ref) ref = in.get();
            }
            if (!ref) continue;
            for (const auto& c : ref->engine->committee().believable) {
                auto it = std::find_if(m_inst.begin(), m_inst.end(),
                                       [&](const auto& in) { return in->id == c.id; });
                if (it == m_inst.end() || (*it)->byzantine || !(*it)->alive) continue;
                Instance& in = **it;
                in.CrashKeepingDisk();
                m_restart.push_back(in.index);
                Push(At(m_now + 500 * kMs, EvKind::kRestart));
                break;
            }
        } else if (f == Fault::kCrashPrimary) {
            // Crash whoever is the primary right now (it keeps its disk).
            const auto& ref = *m_inst.front()->engine;
            const auto& normal = ref.committee().normal;
            if (normal.empty()) continue;
            const std::string victim = normal[(ref.height() + 1 + ref.view()) % normal.size()].id;
            for (auto& in : m_inst) {
                if (in->id != victim || !in->alive) continue;
                in->CrashKeepingDisk();
            }
        }
    }
}

void Simulation::Heal() {
    m_healed = true;
    uint64_t lo = UINT64_MAX;
    for (auto& in : m_inst) {
        if (Honest(*in) && in->engine) lo = std::min(lo, in->engine->height());
    }
    m_height_at_heal = lo == UINT64_MAX ? 0 : lo;
    if (m_cfg.negative_control) return;  // the split stays: it is the attack
    for (auto& in : m_inst) {
        in->group = 0;
        in->deaf = false;
        if (!in->alive && !in->gone) {
            in->alive = true;
            StartEngine(*in, /*restore=*/true);
        }
    }
}

void Simulation::Finish() {
    // Reference: the honest node with the highest final height.
    Instance* ref = nullptr;
    uint64_t lo = UINT64_MAX;
    for (auto& in : m_inst) {
        if (!Honest(*in) || !in->engine) continue;
        lo = std::min(lo, in->engine->height());
        if (!ref || in->engine->height() > ref->engine->height()) ref = in.get();
        m_res.view_changes += in->engine->stats().view_changes;
        m_res.micros_fully_verified += in->engine->stats().micros_fully_verified;
    }
    m_res.final_height = lo == UINT64_MAX ? 0 : lo;
    if (!ref) return;
    m_res.max_height = ref->engine->height();
    m_res.liveness_height_after_heal =
        lo == UINT64_MAX || lo < m_height_at_heal ? 0 : lo - m_height_at_heal;
    std::set<crypto::Hash256> executed, excluded, compensated, accused_tx;
    std::map<crypto::Hash256, uint64_t> comp_count;
    std::set<std::string> slashed;
    std::set<std::string> late_producers;
    for (const auto& [h, cb] : ref->engine->chain()) {
        if (h * 2 > m_res.max_height) {
            for (const auto& r : cb->block.micro_refs) late_producers.insert(r.producer);
        }
        m_res.fallback_partitions += cb->block.fallback.size();
        for (const auto& x : cb->block.excluded) excluded.insert(x.tx_hash);
        for (const auto& x : cb->block.compensated) {
            compensated.insert(x.tx_hash);
            ++comp_count[x.tx_hash];
        }
        for (const auto& ev : cb->block.evidence) {
            slashed.insert(ev.Accused());
            if (ev.kind == core::EvidenceKind::kFraud) accused_tx.insert(ev.fraud.tx.Hash());
        }
    }
    CheckRoles();
    CheckSeed();
    m_res.slashed.assign(slashed.begin(), slashed.end());
    m_res.producers_referenced_late = static_cast<uint32_t>(late_producers.size());
    m_res.txs_finalized = ref->committed_txs;
    m_res.compensation_pool = ledger::CompensationPoolBalance(ref->app->state());
    if (!m_censor.empty()) {
        if (auto v = ledger::GetValidator(ref->app->state(), m_censor))
            m_res.censor_servi = v->servi;
    }
    if (m_join_sent) {
        if (auto v = ledger::GetValidator(ref->app->state(), kJoinerId))
            m_res.joiner_servi = v->servi;
    }
    // docs/pob.md §7.3: a forged transaction that became final and took funds
    // (execution recorded debits for it) must, by the end of the run, have
    // been paid back exactly those debits, once. A failed forgery took
    // nothing and is owed nothing. An escape is a violation.
    for (const auto& [h, forger] : m_forged) {
        if (excluded.count(h) || compensated.count(h) || accused_tx.count(h))
            ++m_res.forged_detected;
        const auto debits = ledger::TxDebits(ref->app->state(), h);
        if (debits.empty()) continue;
        ++m_res.forged_final;
        if (comp_count[h] > 1) Violation("forged tx compensated twice");
        const auto paid = ledger::TxCompensation(ref->app->state(), h);
        if (!compensated.count(h) || !paid) {
            ++m_res.forged_escaped;
            Violation("forged final tx " + HashShort(h) + " of " + forger + " never repaid" +
                      (slashed.count(forger) ? " (forger slashed)" : " (forger never caught)"));
        } else if (*paid != debits) {
            ++m_res.forged_escaped;
            Violation("forged tx " + HashShort(h) + " repaid inexactly (pool short?)");
        } else {
            ++m_res.forged_final_compensated;
        }
    }
}

void Simulation::Submit(const core::Tx& tx, const std::string& avoid) {
    std::vector<Instance*> alive;
    for (auto& in : m_inst) {
        if (in->alive && !in->byzantine && (avoid.empty() || in->id != avoid))
            alive.push_back(in.get());
    }
    if (alive.empty()) return;
    Instance& at = *alive[Below(alive.size())];
    ++m_res.txs_submitted;
    const crypto::Hash256 h = tx.Hash();
    m_submitted.emplace(h, m_now / kMs);
    if (!m_censor.empty() && Censored(tx.publisher)) {
        auto owner = at.engine->OwnerOf(tx.publisher);
        if (owner && *owner == m_censor && m_censored.emplace(h, m_now / kMs).second)
            ++m_res.censored_txs;
    }
    Trace(at.index, 200);
    Apply(at, at.engine->OnClientTx(tx, Clock(at)));
}

void Simulation::ChangeKey() {
    // A user replaces its active key (auth.iost, with its owner key as signer).
    // Its transactions signed with the old key that are still in flight will
    // fail (or, executed first, succeed) by execution in final order. One
    // change at a time per user: the next waits until the last is final.
    const std::string& u = m_users[Below(m_users.size())];
    for (auto& in : m_inst) {
        if (in->byzantine || !in->engine) continue;
        auto acc = ledger::GetAccount(in->app->state(), u);
        const auto perm =
            acc ? acc->permissions.find("active") : decltype(acc->permissions.end()){};
        if (!acc || perm == acc->permissions.end() || perm->second.items.size() != 1 ||
            perm->second.items[0].id != core::PublicKeyToText(m_user_keys.at(u).public_key())) {
            return;
        }
        break;
    }
    const uint64_t gen = ++m_key_gen[u];
    auto next = crypto::KeyPair::FromSeed(crypto::Algorithm::kEd25519,
                                          "sim-active-" + u + "-" + std::to_string(gen));
    const std::string old_text = core::PublicKeyToText(m_user_keys.at(u).public_key());
    const std::string new_text = core::PublicKeyToText(next.public_key());
    core::Tx tx;
    tx.time = kGenesisTime + m_now;
    tx.expiration = tx.time + 60 * util::kNanosPerSecond;
    tx.gas_ratio = 100;
    tx.gas_limit = 100'000'000;
    tx.chain_id = m_genesis.chain_id;
    tx.actions.push_back(
        {"auth.iost", "assignPermission", "[\"" + u + "\",\"active\",\"" + new_text + "\",100]"});
    tx.actions.push_back(
        {"auth.iost", "revokePermission", "[\"" + u + "\",\"active\",\"" + old_text + "\"]"});
    tx.amount_limit.push_back({"*", "unlimited"});
    tx.signers = {u + "@owner"};  // auth.iost wants the owner permission
    tx.SignAsSigner(m_owner_keys.at(u));
    tx.SignAsPublisher(u, m_user_keys.at(u));
    m_user_keys.insert_or_assign(u, std::move(next));
    m_key_changed_at[u] = m_now;
    ++m_res.key_changes;
    Submit(tx);
}

void Simulation::Frame() {
    // For MicroBlocks of honest producers the framer saw: a fraud proof
    // naming a transaction signed with a key its publisher has replaced since
    // (the change final for a while). A state-based fraud rule accepts it.
    Instance* framer = nullptr;
    for (auto& in : m_inst) {
        if (in->role == Fault::kFramer && in->alive) framer = in.get();
    }
    if (!framer) return;
    size_t sent = 0;
    for (const auto& mb : m_framer_micros) {
        if (m_byzantine_ids.count(mb->header.producer)) continue;
        for (size_t i = 0; i < mb->txs.size() && sent < 8; ++i) {
            const core::Tx& tx = mb->txs[i];
            // Only transactions of users who changed keys, which the old,
            // state-based rule (CheckTx on today's state) now calls invalid.
            if (!m_key_changed_at.count(tx.publisher) || m_framed.count(mb->tx_hashes[i])) continue;
            if (framer->app->app().CheckTx(tx).ok()) continue;
            m_framed.insert(mb->tx_hashes[i]);
            auto ev = std::make_shared<core::Evidence>(
                consensus::MakeFraudProof(*mb, static_cast<uint32_t>(i)));
            ++m_res.framing_attempts;
            ++sent;
            Route(*framer, std::nullopt, consensus::EvidenceMsg{ev});
        }
    }
}

void Simulation::Audit(Instance& in, const consensus::Finalize& f) {
    // docs/pob.md §7.4: a validator verifies the signatures of the final
    // transactions assigned to it (and of its own MicroBlocks) and proves
    // what fails; here at once, in the node off the critical path at a
    // configurable rate. The same rule as node/auditor.cpp (ShouldAudit).
    // Byzantine nodes audit nothing (the caller skips them).
    const consensus::Committee* c = in.engine->CommitteeOf(f.block->block.epoch);
    if (!c) return;
    std::vector<std::string> league;
    for (const auto& m : c->normal) league.push_back(m.id);
    const size_t count = AuditCount(league.size());
    for (const auto& mb : f.micros) {
        for (size_t i = 0; i < mb->txs.size(); ++i) {
            if (!consensus::ShouldAudit(mb->tx_hashes[i], league, mb->header.producer, count,
                                        in.id)) {
                continue;
            }
            if (in.app->app().CheckTxBytes(mb->txs[i]).ok()) continue;
            auto ev = std::make_shared<core::Evidence>(
                consensus::MakeFraudProof(*mb, static_cast<uint32_t>(i)));
            ++m_res.forged_by_audit;
            Route(in, std::nullopt, consensus::EvidenceMsg{ev});
            Event e;
            e.t = m_now;
            e.kind = EvKind::kDeliver;
            e.inst = in.index;
            e.from = in.id;
            e.msg = std::make_shared<const Message>(consensus::EvidenceMsg{ev});
            Push(std::move(e));
            break;  // one proof condemns the producer
        }
    }
}

bool Simulation::Censored(const std::string& publisher) const {
    // Even seeds: every publisher of its partition; odd seeds: only some
    // (names ending in an even digit).
    if (m_cfg.seed % 2 == 0) return true;
    return !publisher.empty() && (publisher.back() - '0') % 2 == 0;
}

void Simulation::Register() {
    // docs/pob.md §4.1: what `iwallet sys register` + `vote` send, in one tx.
    const std::string key_text = core::PublicKeyToText(m_cons_signers.at(kJoinerId)->public_key());
    core::Tx tx;
    tx.time = kGenesisTime + m_now;
    tx.expiration = tx.time + 60 * util::kNanosPerSecond;
    tx.gas_ratio = 100;
    tx.gas_limit = 100'000'000;
    tx.chain_id = m_genesis.chain_id;
    const std::string me = kJoinerId;
    tx.actions.push_back({"vote_producer.iost", "applyRegister",
                          "[\"" + me + "\",\"" + key_text + "\",\"sim\",\"\",\"\",true]"});
    tx.actions.push_back(
        {"vote_producer.iost", "vote", "[\"" + me + "\",\"" + me + "\",\"1000000\"]"});
    tx.amount_limit.push_back({"*", "unlimited"});
    tx.SignAsPublisher(me, m_user_keys.at(me));
    m_join_tx = tx.Hash();
    m_join_sent = true;
    Submit(tx);
}

void Simulation::Login() {
    // docs/pob.md §4.1: what `iwallet sys producer-login` sends, signed by
    // the validator's own account, handed to a node that kept up (the
    // restarted one may still be catching up).
    core::Tx tx;
    tx.time = kGenesisTime + m_now;
    tx.expiration = tx.time + 60 * util::kNanosPerSecond;
    tx.gas_ratio = 100;
    tx.gas_limit = 100'000'000;
    tx.chain_id = m_genesis.chain_id;
    tx.actions.push_back({"vote_producer.iost", "logInProducer", "[\"" + m_comeback + "\"]"});
    tx.amount_limit.push_back({"*", "unlimited"});
    tx.SignAsPublisher(m_comeback, m_user_keys.at(m_comeback));
    m_login_tx = tx.Hash();
    m_login_sent = true;
    Submit(tx, m_comeback);
}

size_t Simulation::GrindSeed(const std::string& id, uint64_t next_epoch,
                             const std::vector<consensus::SeedOption>& options) {
    auto believable = [&](const consensus::SeedOption& o) {
        return std::any_of(o.committee.believable.begin(), o.committee.believable.end(),
                           [&](const consensus::Candidate& c) { return c.id == id; });
    };
    size_t pick = 0;
    bool found = false;
    for (size_t i = 0; i < options.size() && !found; ++i) {
        if (!options[i].withheld && believable(options[i])) {
            pick = i;
            found = true;
        }
    }
    // Revealing does not make it believable: it withholds (a coalition
    // partner might gain; it loses its own seat and Servi).
    for (size_t i = 0; i < options.size() && !found; ++i) {
        if (options[i].withheld) {
            pick = i;
            found = true;
        }
    }
    std::set<crypto::Hash256> eligible;
    for (const auto& o : options) {
        if (!o.withheld) eligible.insert(o.seed);
    }
    if (!options.empty()) m_grinds.push_back({next_epoch, eligible.size(), options[pick].seed, id});
    return pick;
}

void Simulation::CheckSeed() {
    // docs/pob.md §4.2: no validator chooses an epoch's seed among two or
    // more while staying a candidate of the election it decides.
    std::set<uint64_t> reported;
    for (const auto& g : m_grinds) {
        auto it = m_epoch_seed.find(g.epoch);
        if (g.eligible_seeds < 2 || it == m_epoch_seed.end() || it->second != g.chosen) continue;
        if (!reported.insert(g.epoch).second) continue;
        ++m_res.seeds_ground;
        Violation("seed of epoch " + std::to_string(g.epoch) + " chosen by " + g.grinder +
                  " among " + std::to_string(g.eligible_seeds));
    }
    // A withheld reveal costs the withholder the election its seed decides.
    for (const auto& [e, committed] : m_seed_commits) {
        auto next = m_members.find(e + 1);
        if (next == m_members.end()) continue;  // the epoch did not end in the run
        const auto& revealed = m_seed_reveals[e];
        for (const auto& id : committed) {
            if (revealed.count(id)) continue;
            ++m_res.seed_reveals_withheld;
            if (next->second.count(id)) {
                Violation(id + " withheld its seed reveal in epoch " + std::to_string(e) +
                          " and was elected for epoch " + std::to_string(e + 1));
            }
        }
    }
    std::set<std::string> grinders;
    for (const auto& in : m_inst) {
        if (in->role == Fault::kSeedGrinder) grinders.insert(in->id);
    }
    if (grinders.empty()) return;
    for (const auto& [e, ids] : m_believable) {
        ++m_res.elections;
        for (const auto& id : grinders) {
            if (ids.count(id)) ++m_res.grinder_believable;
        }
    }
}

void Simulation::CheckRoles() {
    const int64_t end_ms = m_cfg.duration_ms;
    const consensus::Params& P = m_params;
    const int64_t final_ms = P.final_interval_ns / kMs;
    const int64_t view_ms = P.view_timeout_ns / kMs;
    // Message loss can cost one view change on top (the primary or q
    // replicas lost their copy); a lossless run gets network slack only.
    const int64_t noise_ms =
        m_cfg.drop > 0 || m_cfg.duplicate > 0 || m_cfg.reorder > 0 ? 2 * (final_ms + view_ms) : 0;
    // docs/pob.md §5.5: every censored tx final within deadline + one block,
    // counted in blocks (other faults of the mix may slow blocks down): the
    // first block built after the deadline (plus network slack) carries it,
    // or the next one; with message loss two more (a primary lost its copy).
    if (!m_censor.empty()) {
        const int64_t overdue_ms = m_cfg.params.censor_deadline_ns / kMs + 300;
        const uint64_t extra = noise_ms > 0 ? 3 : 1;
        for (const auto& [h, submitted] : m_censored) {
            auto it = m_final_at.find(h);
            if (it != m_final_at.end()) {
                ++m_res.censored_final;
                m_res.max_censor_delay_ms =
                    std::max(m_res.max_censor_delay_ms, it->second - submitted);
            }
            // An epoch change re-routes every kept tx to the new owners and
            // league, whose deadline clock starts then: every epoch that
            // starts before the tx is overdue restarts its clock (a tx
            // submitted less than the deadline before an epoch's end, and
            // still pending, waits a deadline from that epoch's start). The
            // epoch's first block time is one block after the change, hence
            // final_ms: the last block of an epoch may be built just before
            // the copies are overdue, and the change then restarts them.
            // More than one restart means epochs no longer than the
            // deadline: the per-transaction fallback can never fire.
            int64_t t = submitted;
            int restarts = 0;
            for (const auto& [e, start] : m_epoch_start) {
                if (start > t && start < t + overdue_ms + final_ms) {
                    t = start;
                    ++restarts;
                }
            }
            if (restarts > 1) {
                Violation("censored tx " + HashShort(h) + " (submitted at " +
                          std::to_string(submitted) + " ms): its deadline restarted at " +
                          std::to_string(restarts) +
                          " epoch changes (an epoch no longer than censor_deadline)");
                continue;
            }
            auto fh = m_final_height.find(h);
            if (fh != m_final_height.end()) {
                auto es = m_epoch_start.find((fh->second - 1) / P.epoch_length);
                if (es != m_epoch_start.end()) t = std::max(t, es->second);
            }
            uint64_t first = 0;  // the first block built after the deadline
            for (const auto& [height, bt] : m_block_time) {
                if (bt >= t + overdue_ms) {
                    first = height;
                    break;
                }
            }
            // The extra-th view-0 block after it: a height decided in a later
            // view carries no per-transaction fallback (docs/pob.md §5.5; a
            // dead or Byzantine view-0 primary).
            uint64_t last = first;
            for (uint64_t budget = extra; first != 0 && budget > 0;) {
                auto v = m_block_view.find(++last);
                if (v == m_block_view.end()) {
                    last = 0;  // run too short
                    break;
                }
                if (v->second == 0) --budget;
            }
            if (first == 0 || last == 0) continue;  // run too short
            if (fh == m_final_height.end()) {
                Violation("censored tx " + HashShort(h) + " (submitted at " + std::to_string(t) +
                          " ms) never final");
            } else if (fh->second > last) {
                Violation("censored tx " + HashShort(h) + " submitted at " + std::to_string(t) +
                          " ms final at height " + std::to_string(fh->second) + " > " +
                          std::to_string(last) + " (" + std::to_string(first) + " + " +
                          std::to_string(extra) + " view-0 blocks)");
            }
        }
    }
    // docs/pob.md §5.5: a dead believable's transactions are not lost: every
    // tx submitted early enough is final (after fallback and re-routing).
    if (!m_dead.empty()) {
        const int64_t bound = P.silent_after_ns / kMs + 2 * final_ms + view_ms + 500 + noise_ms;
        for (const auto& [h, t] : m_submitted) {
            if (t + bound > end_ms || m_final_at.count(h)) continue;
            Violation("tx " + HashShort(h) + " submitted at " + std::to_string(t) +
                      " ms lost (dead believable " + m_dead + ")");
        }
        // docs/pob.md §4.1: a member down for a whole epoch it serves in is
        // not elected to the next one.
        for (const auto& [e, members] : m_members) {
            auto start = m_epoch_start.find(e);
            auto next = m_members.find(e + 1);
            if (!members.count(m_dead) || start == m_epoch_start.end() || next == m_members.end() ||
                m_dead_at < 0 || start->second <= m_dead_at) {
                continue;
            }
            if (next->second.count(m_dead)) {
                Violation("dead validator " + m_dead + " re-elected for epoch " +
                          std::to_string(e + 1) + " after epoch " + std::to_string(e) + " down");
            }
        }
    }
    // docs/pob.md §4.1: a member down for a whole epoch it serves in is not
    // elected to the next one; once back and logged in again
    // (logInProducer final in epoch E) it is a candidate of E + 1's election,
    // elected there when every candidate has a seat, and works in it.
    if (!m_comeback.empty()) {
        const uint64_t L = P.epoch_length;
        const int64_t back = m_comeback_back_ms < 0 ? INT64_MAX : m_comeback_back_ms;
        for (const auto& [e, members] : m_members) {
            auto start = m_epoch_start.find(e);
            auto end = m_epoch_start.find(e + 1);
            auto next = m_members.find(e + 1);
            if (!members.count(m_comeback) || start == m_epoch_start.end() ||
                end == m_epoch_start.end() || next == m_members.end() || m_comeback_down_ms < 0 ||
                start->second <= m_comeback_down_ms || end->second > back) {
                continue;  // not a member down for the whole of it
            }
            if (next->second.count(m_comeback)) {
                Violation("comeback validator " + m_comeback + " re-elected for epoch " +
                          std::to_string(e + 1) + " after epoch " + std::to_string(e) + " down");
            }
        }
        for (const auto& [e, cand] : m_comeback_candidate) {
            if (!cand && m_res.comeback_out_epoch == 0) m_res.comeback_out_epoch = e;
        }
        uint64_t back_epoch = UINT64_MAX;  // the epoch it came back in
        for (const auto& [e, t] : m_epoch_start) {
            if (t <= back) back_epoch = e;
        }
        for (const auto& [e, members] : m_members) {
            if (back_epoch != UINT64_MAX && e > back_epoch && members.count(m_comeback)) {
                m_res.comeback_epoch = e;
                break;
            }
        }
        const uint64_t seats = uint64_t{m_cfg.believable} + m_cfg.normal;
        if (m_res.comeback_login_height > 0) {
            const uint64_t want = (m_res.comeback_login_height - 1) / L + 1;
            auto cand = m_comeback_candidate.find(want);
            auto members = m_members.find(want);
            if (cand != m_comeback_candidate.end() && !cand->second) {
                Violation("comeback validator's login final at height " +
                          std::to_string(m_res.comeback_login_height) +
                          " but no candidate of epoch " + std::to_string(want) + "'s election");
            } else if (members != m_members.end() && m_candidates[want] <= seats &&
                       !members->second.count(m_comeback)) {
                Violation("comeback validator logged in (height " +
                          std::to_string(m_res.comeback_login_height) + ") not elected for epoch " +
                          std::to_string(want) + " with " + std::to_string(m_candidates[want]) +
                          " candidates for " + std::to_string(seats) + " seats");
            } else if (members != m_members.end() && members->second.count(m_comeback) &&
                       m_res.max_height >= (want + 1) * L && !m_comeback_worked.count(want)) {
                Violation("comeback validator elected for epoch " + std::to_string(want) +
                          " but did no duty in it");
            }
        } else if (m_comeback_back_ms >= 0 && back_epoch != UINT64_MAX &&
                   m_members.count(back_epoch + 3)) {
            // Back, and two elections past the one its login should have
            // been in time for: it is still out.
            Violation("comeback validator " + m_comeback + " back at " +
                      std::to_string(m_comeback_back_ms) +
                      " ms but not a candidate again by epoch " + std::to_string(back_epoch + 3) +
                      " (no login final)");
        }
    }
    // docs/pob.md §4.1: the joiner is elected in the epoch after its
    // registration is final (no other newcomer is ahead of it), and proposes.
    if (m_join_sent) {
        const uint64_t L = P.epoch_length;
        if (m_join_height > 0) {
            // "Can later be believable": its league in every election from
            // the one its newcomer seat was for.
            const uint64_t first = (m_join_height - 1) / L + 1;
            for (const auto& [e, members] : m_members) {
                if (e < first) continue;
                const bool believable = m_believable.count(e) && m_believable[e].count(kJoinerId);
                if (believable && m_res.joiner_believable_epoch == 0)
                    m_res.joiner_believable_epoch = e;
                if (believable) {
                    ++m_res.joiner_believable_elections;
                } else if (members.count(kJoinerId)) {
                    ++m_res.joiner_normal_elections;
                } else {
                    ++m_res.joiner_unelected_elections;
                }
            }
        }
        for (const auto& [e, members] : m_members) {
            if (members.count(kJoinerId)) {
                m_res.joiner_epoch = e;
                break;
            }
        }
        if (m_join_height == 0) {
            if (m_res.final_height > m_cfg.fault_start_ms / final_ms + 2 * L)
                Violation("joiner's registration never final");
            return;
        }
        const uint64_t want = (m_join_height - 1) / L + 1;  // the next epoch
        auto next = m_members.find(want);
        if (next == m_members.end()) return;  // the run ended before that election
        if (!next->second.count(kJoinerId)) {
            Violation("joiner registered at height " + std::to_string(m_join_height) +
                      " not elected for epoch " + std::to_string(want));
            return;
        }
        // It works: it proposes a final block of that epoch (normal seat).
        if (m_res.max_height < (want + 1) * L) return;
        bool proposed = false;
        for (uint64_t h = want * L + 1; h <= (want + 1) * L; ++h) {
            auto it = m_proposer.find(h);
            proposed = proposed || (it != m_proposer.end() && it->second == kJoinerId);
        }
        if (!proposed)
            Violation("joiner elected for epoch " + std::to_string(want) +
                      " but proposed no final block in it");
    }
}

SimResult Simulation::Run() {
    m_res.seed = m_cfg.seed;
    BuildGenesis();
    CreateInstances();
    Push(At(0, EvKind::kLoad));
    if (!m_cfg.faults.empty() || m_cfg.negative_control) {
        Push(At(m_cfg.fault_start_ms * kMs, EvKind::kFaultStart));
        Push(At(m_cfg.heal_ms * kMs, EvKind::kHeal));
    }
    if (HasFault(Fault::kKeyChanger)) Push(At(m_cfg.fault_start_ms * kMs, EvKind::kKeyChange));
    if (HasFault(Fault::kFramer)) Push(At(m_cfg.fault_start_ms * kMs, EvKind::kFrame));
    Push(At(m_cfg.duration_ms * kMs, EvKind::kEnd));
    while (!m_events.empty()) {
        Event e = m_events.top();
        m_events.pop();
        m_now = e.t;
        if (e.kind == EvKind::kEnd) break;
        switch (e.kind) {
            case EvKind::kDeliver: {
                Instance& in = *m_inst[e.inst];
                if (!in.alive || in.deaf) break;
                Trace(e.inst, e.msg->index());
                if (in.role == Fault::kFramer) {
                    if (const auto* mm = std::get_if<consensus::MicroMsg>(&*e.msg)) {
                        m_framer_micros.push_back(mm->micro);
                        if (m_framer_micros.size() > 256) m_framer_micros.pop_front();
                    }
                }
                Apply(in, in.engine->OnMessage(e.from, *e.msg, Clock(in)));
                break;
            }
            case EvKind::kTimer: {
                Instance& in = *m_inst[e.inst];
                if (!in.alive) break;
                if (!in.timers.Fire(e.timer, e.gen)) break;  // replaced, or of a past life
                Trace(e.inst, 100 + static_cast<uint64_t>(e.timer.kind));
                Apply(in, in.engine->OnTimeout(e.timer, Clock(in)));
                break;
            }
            case EvKind::kLoad: {
                const std::string& from = m_users[Below(m_users.size())];
                std::string to = m_users[Below(m_users.size())];
                if (to == from) to = m_users[(Below(m_users.size() - 1) + 1 + 0) % m_users.size()];
                if (to != from) Submit(MakeTransfer(from, to, kGenesisTime + m_now));
                Push(At(m_now + m_cfg.tx_interval_ms * kMs, EvKind::kLoad));
                break;
            }
            case EvKind::kFaultStart:
                FaultStart();
                break;
            case EvKind::kKeyChange:
                if (!Quiet()) {
                    ChangeKey();
                    Push(At(m_now + 700 * kMs, EvKind::kKeyChange));
                }
                break;
            case EvKind::kFrame:
                if (!Quiet()) {
                    Frame();
                    Push(At(m_now + 500 * kMs, EvKind::kFrame));
                }
                break;
            case EvKind::kHeal:
                Heal();
                if (!m_comeback.empty() && m_comeback_down_ms >= 0) {
                    m_comeback_back_ms = m_now / kMs;
                    if (!m_cfg.no_login) Push(At(m_now + 500 * kMs, EvKind::kLogin));
                }
                break;
            case EvKind::kLogin: {
                // A login final inside an epoch it serves in and did no duty
                // in would be undone by that epoch's idle logout: it waits
                // until the committee no longer has it (docs/pob.md §4.1).
                bool member = false;
                for (const auto& in : m_inst) {
                    if (in->id == m_comeback || in->byzantine || !in->engine) continue;
                    member = in->engine->committee().KeyOf(m_comeback) != nullptr;
                    break;
                }
                if (member) {
                    Push(At(m_now + 500 * kMs, EvKind::kLogin));
                } else {
                    Login();
                }
                break;
            }
            case EvKind::kRestart:
                for (size_t i : m_restart) {
                    Instance& in = *m_inst[i];
                    if (in.alive) continue;
                    in.alive = true;
                    StartEngine(in, /*restore=*/true);
                }
                m_restart.clear();
                break;
            case EvKind::kEnd:
                break;
        }
    }
    Finish();
    m_res.trace_hash = m_trace.Final();
    return m_res;
}

}  // namespace

std::string SimResult::ToJson() const {
    std::ostringstream o;
    o << "{\"seed\":" << seed << ",\"final_height\":" << final_height
      << ",\"max_height\":" << max_height << ",\"txs_submitted\":" << txs_submitted
      << ",\"txs_finalized\":" << txs_finalized << ",\"forged_injected\":" << forged_injected
      << ",\"forged_detected\":" << forged_detected << ",\"forged_final\":" << forged_final
      << ",\"forged_final_compensated\":" << forged_final_compensated
      << ",\"forged_escaped\":" << forged_escaped << ",\"forged_by_audit\":" << forged_by_audit
      << ",\"forged_unproven_in_window\":" << forged_unproven_in_window
      << ",\"micros_fully_verified\":" << micros_fully_verified
      << ",\"max_forged_at_risk\":" << max_forged_at_risk << ",\"key_changes\":" << key_changes
      << ",\"framing_attempts\":" << framing_attempts
      << ",\"blocks_beyond_time_bound\":" << blocks_beyond_time_bound
      << ",\"txs_wrongly_expired\":" << txs_wrongly_expired
      << ",\"max_block_time_lead_ms\":" << max_block_time_lead_ms
      << ",\"live_producers_declared_silent\":" << live_producers_declared_silent
      << ",\"compensation_pool\":" << compensation_pool
      << ",\"max_repay_delay_ms\":" << max_repay_delay_ms << ",\"censored_txs\":" << censored_txs
      << ",\"censored_final\":" << censored_final
      << ",\"max_censor_delay_ms\":" << max_censor_delay_ms << ",\"censor_servi\":" << censor_servi
      << ",\"joiner_epoch\":" << joiner_epoch
      << ",\"joiner_believable_epoch\":" << joiner_believable_epoch << ",\"joiner_elections\":["
      << joiner_normal_elections << "," << joiner_believable_elections << ","
      << joiner_unelected_elections << "]"
      << ",\"joiner_servi\":" << joiner_servi << ",\"comeback_out_epoch\":" << comeback_out_epoch
      << ",\"comeback_login_height\":" << comeback_login_height
      << ",\"comeback_epoch\":" << comeback_epoch << ",\"seeds_ground\":" << seeds_ground
      << ",\"seed_reveals_withheld\":" << seed_reveals_withheld
      << ",\"grinder_believable\":" << grinder_believable << ",\"elections\":" << elections
      << ",\"accounted_epochs\":" << accounted_epochs << ",\"last_commits\":[" << full_last_commits
      << "," << last_commits << "]"
      << ",\"absent_vote_charges\":" << absent_vote_charges
      << ",\"honest_absent_charged\":" << honest_absent_charged << ",\"withholder_charged\":["
      << withholder_charged << "," << withholder_epochs << "]"
      << ",\"slashed\":[";
    for (size_t i = 0; i < slashed.size(); ++i) o << (i ? "," : "") << "\"" << slashed[i] << "\"";
    o << "],\"view_changes\":" << view_changes << ",\"fallback_partitions\":" << fallback_partitions
      << ",\"producers_referenced_late\":" << producers_referenced_late
      << ",\"max_blocks_in_proposal\":" << max_blocks_in_proposal
      << ",\"heights_after_heal\":" << liveness_height_after_heal
      << ",\"safety_violations\":" << safety_violations << ",\"violations\":[";
    for (size_t i = 0; i < violations.size(); ++i) {
        std::string v = violations[i];
        std::replace(v.begin(), v.end(), '"', '\'');
        o << (i ? "," : "") << "\"" << v << "\"";
    }
    o << "],\"trace\":\"" << TraceHex(trace_hash) << "\"}";
    return o.str();
}

std::string ReplayCommand(const SimConfig& c) {
    std::ostringstream o;
    o << "build/bin/iost-sim --seed " << c.seed << " --believable " << c.believable << " --normal "
      << c.normal << " --p " << c.sampling_ppm / 1e6 << " --duration-ms " << c.duration_ms
      << " --drop " << c.drop << " --duplicate " << c.duplicate << " --reorder " << c.reorder
      << " --epoch-length " << c.epoch_length;
    if (c.keep_epoch_length) o << " --keep-epoch-length";
    const SimConfig defaults;
    if (c.spare != defaults.spare) o << " --spare " << c.spare;
    if (c.fault_start_ms != defaults.fault_start_ms) o << " --fault-start-ms " << c.fault_start_ms;
    if (c.heal_ms != defaults.heal_ms) o << " --heal-ms " << c.heal_ms;
    for (Fault f : c.faults) o << " --fault " << FaultName(f);
    if (c.negative_control) o << " --negative-control";
    if (c.no_compensation) o << " --no-compensation";
    if (c.no_time_bound) o << " --no-time-bound";
    if (c.skew_mode >= 0) o << " --skew-mode " << c.skew_mode;
    if (c.no_fallback_check) o << " --no-fallback-check";
    if (!c.auditor) o << " --no-auditor";
    if (c.audit_assign_f) o << " --audit-assign-f";
    if (!c.producer_record) o << " --no-producer-record";
    if (c.forge_amount_iost != 1'000) o << " --forge-amount " << c.forge_amount_iost;
    if (!c.exposure_bound) o << " --no-exposure-bound";
    if (c.no_censor_fallback) o << " --no-censor-fallback";
    if (c.no_keep) o << " --no-keep";
    if (c.no_liveness) o << " --no-liveness";
    if (c.no_newcomer_seat) o << " --no-newcomer-seat";
    if (c.no_login) o << " --no-login";
    if (c.no_seed_reveal) o << " --no-seed-reveal";
    if (c.no_vote_accounting) o << " --no-vote-accounting";
    if (c.no_late_commits) o << " --no-late-commits";
    if (c.absent_vote_percent != 50) o << " --absent-vote-percent " << c.absent_vote_percent;
    return o.str();
}

std::vector<std::vector<Fault>> FaultMixes() {
    using F = Fault;
    return {{},
            {F::kForger},
            {F::kMicroEquivocator},
            {F::kSilentBelievable},
            {F::kTwins},
            {F::kWithholdVotes},
            {F::kGarbage},
            {F::kCrashPrimary},
            {F::kPartition},
            {F::kAsymmetric},
            {F::kForger, F::kTwins},
            {F::kSilentBelievable, F::kGarbage, F::kPartition},
            {F::kKeyChanger, F::kFramer},
            {F::kForger, F::kKeyChanger, F::kFramer},
            {F::kForger, F::kKeyChanger, F::kCrashPrimary},
            {F::kSkewedPrimary, F::kClockSkew},
            {F::kFalseFallback},
            {F::kCensor},
            {F::kDeadBelievable},
            {F::kJoiner},
            {F::kCensor, F::kDeadBelievable, F::kJoiner},
            {F::kSeedGrinder},
            {F::kStripCommits}};
}

std::vector<std::vector<Fault>> FraudMixes() {
    std::vector<std::vector<Fault>> out;
    for (auto& mix : FaultMixes()) {
        for (Fault f : mix) {
            if (f == Fault::kForger || f == Fault::kKeyChanger || f == Fault::kFramer) {
                out.push_back(mix);
                break;
            }
        }
    }
    return out;
}

std::string TraceHex(const crypto::Hash256& trace) {
    return util::ToHex(crypto::View(trace)).substr(0, 16);
}

SimConfig CiBase(uint64_t seed) {
    SimConfig c;
    c.seed = seed;
    c.duration_ms = 12'000;
    c.fault_start_ms = 2'000;
    c.heal_ms = 6'000;
    return c;
}

SimConfig CiBatchConfig(size_t mix, uint64_t k) {
    const auto mixes = FaultMixes();
    SimConfig c = CiBase(1'000 + k * mixes.size() + mix);
    c.faults = mixes[mix];
    // After a partition heals, the view timeouts that doubled during it
    // (up to 8 s) must elapse before a view can succeed: give those runs
    // the time (at 12 s about 5 % of seeds had not finalized yet).
    if (std::find(c.faults.begin(), c.faults.end(), Fault::kPartition) != c.faults.end())
        c.duration_ms = 20'000;
    // Mild network noise on top of every mix.
    c.drop = (k % 3 == 0) ? 0.02 : 0.0;
    c.duplicate = (k % 4 == 1) ? 0.05 : 0.0;
    c.reorder = (k % 2 == 0) ? 0.1 : 0.0;
    return c;
}

SimResult RunSimulation(const SimConfig& config) {
    Simulation s(config);
    return s.Run();
}

}  // namespace iost::sim
