// iost-sim: runs the deterministic PoB simulator (tests/sim, docs/pob.md §10)
// over one seed or a seed range and prints one JSON summary line per run.
// Exit status: 0 when every run kept safety; 1 when any run violated it
// (with --negative-control the expectation flips: every run must violate;
// --no-compensation is the other negative control: runs in which a forged
// transaction became final must then violate; --no-time-bound is a third:
// with a skewed primary the chain's time must then run beyond the bound;
// --no-fallback-check a fourth: a false-fallback primary's claims become final);
// 2 on bad options. A failing run prints the command that replays it.
#include <sim.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

int main(int argc, char** argv) {
    CLI::App app{"iost-sim: deterministic Proof-of-Believability simulator"};
    iost::sim::SimConfig cfg;
    std::string seeds;
    std::string mix;
    std::vector<std::string> faults;
    double p = 0.3;
    bool quiet = false;
    bool no_auditor = false;
    bool ci_batch = false;
    app.add_option("--seed", cfg.seed, "seed of a single run");
    app.add_option("--seeds", seeds, "seed range A:B (inclusive)");
    app.add_option("--believable,-B", cfg.believable, "believable league size B");
    app.add_option("--normal,-N", cfg.normal, "normal league size N");
    app.add_option("--spare", cfg.spare, "extra registered validators");
    app.add_option("--p", p, "sampling probability (0..1]");
    app.add_option("--duration-ms", cfg.duration_ms, "virtual duration of a run");
    app.add_option("--epoch-length", cfg.epoch_length, "final blocks per epoch");
    app.add_option("--users", cfg.users, "funded user accounts");
    app.add_option("--tx-interval-ms", cfg.tx_interval_ms, "one client tx every this many ms");
    app.add_option("--drop", cfg.drop, "per-message drop probability");
    app.add_option("--duplicate", cfg.duplicate, "per-message duplicate probability");
    app.add_option("--reorder", cfg.reorder, "per-message extra-delay probability");
    app.add_option("--delay-ms", cfg.delay_ms, "base link delay");
    app.add_option("--jitter-ms", cfg.jitter_ms, "link jitter");
    app.add_option("--fault", faults,
                   "forger|micro-equivocator|silent-believable|twins|withhold-votes|garbage|"
                   "crash-primary|partition|asymmetric|key-changer|framer|crash-believable|"
                   "skewed-primary|clock-skew|false-fallback|censor|dead-believable|joiner|"
                   "seed-grinder|comeback|strip-commits (repeatable; comeback is in no mix)");
    app.add_option("--mix", mix,
                   "'all': cycle the built-in fault mixes over the seeds; 'fraud': only those "
                   "with a forger, key changer or framer");
    app.add_option("--fault-start-ms", cfg.fault_start_ms, "when faults start");
    app.add_option("--heal-ms", cfg.heal_ms, "when partitions heal and crashed nodes restart");
    app.add_flag("--negative-control", cfg.negative_control,
                 "run more than f twin normal validators across a split: must violate safety");
    app.add_flag("--no-compensation", cfg.no_compensation,
                 "negative control: execution never pays compensations; a forged final tx must "
                 "then be reported as a violation");
    app.add_flag("--no-time-bound", cfg.no_time_bound,
                 "negative control: replicas accept any block time; a skewed primary's time "
                 "must then be reported as a violation");
    app.add_flag("--no-fallback-check", cfg.no_fallback_check,
                 "negative control: replicas vote for any fallback declaration; a "
                 "false-fallback primary's claims must then be reported as violations");
    app.add_option("--skew-mode", cfg.skew_mode,
                   "skewed-primary block times: 0 = 5 min ahead, 1 = 5 min behind, 2 = INT64_MAX "
                   "(default: seed mod 3)")
        ->check(CLI::Range(-1, 2));
    app.add_flag("--no-auditor", no_auditor, "no node audits final transactions (sampling only)");
    app.add_flag("--audit-assign-f", cfg.audit_assign_f,
                 "negative control: f auditors per final transaction instead of f + 1 "
                 "(docs/pob.md §7.4); with --fault forger and a Byzantine normal validator, "
                 "runs must report a forgery not proven within audit_window");
    app.add_option("--forge-amount", cfg.forge_amount_iost,
                   "IOST each forged transfer takes (a validator's bond is 1,010,000)");
    bool no_bound = false;
    bool no_producer_record = false;
    app.add_flag("--no-producer-record", no_producer_record,
                 "negative control: a restarted believable validator forgets its last "
                 "MicroBlock seq; with --fault crash-believable, runs must violate");
    app.add_flag("--no-exposure-bound", no_bound,
                 "negative control: the exposure bound never switches a producer to full "
                 "verification; with --forge-amount above the bond, runs must violate");
    app.add_flag("--no-censor-fallback", cfg.no_censor_fallback,
                 "negative control: no per-transaction fallback; a censor's victims must then be "
                 "reported (docs/pob.md §5.5)");
    app.add_flag("--no-keep", cfg.no_keep,
                 "negative control: nodes keep no copies (forward once); a dead believable's "
                 "transactions must then be reported lost");
    app.add_flag("--no-liveness", cfg.no_liveness,
                 "negative control: idle members are not logged out; a dead validator's "
                 "re-election must then be reported");
    app.add_flag("--no-newcomer-seat", cfg.no_newcomer_seat,
                 "negative control: no reserved seat; a joiner never elected must be reported");
    app.add_flag("--no-login", cfg.no_login,
                 "negative control: the comeback validator never sends logInProducer; its "
                 "missing re-election must then be reported (docs/pob.md §4.1)");
    app.add_flag("--no-seed-reveal", cfg.no_seed_reveal,
                 "negative control: no epoch-seed commit-reveal (the seed is the last block's "
                 "hash); a seed grinder's choice must then be reported (docs/pob.md §4.2)");
    app.add_flag("--no-vote-accounting", cfg.no_vote_accounting,
                 "negative control: blocks carry no last_commit and nobody is charged for "
                 "absent votes (docs/pob.md §4.1); the withhold-votes role goes uncharged");
    app.add_flag("--keep-epoch-length", cfg.keep_epoch_length,
                 "keep --epoch-length even with roles that shorten epochs to a few heights "
                 "(dead-believable, joiner, seed-grinder, comeback, withhold-votes, "
                 "strip-commits)");
    app.add_flag("--no-late-commits", cfg.no_late_commits,
                 "negative control: commit votes arriving after their block is final are "
                 "ignored, so last_commits carry a bare quorum (docs/pob.md §4.1)");
    app.add_option("--absent-vote-percent", cfg.absent_vote_percent,
                   "charge a normal validator absent from more than this % of its epoch's "
                   "last_commits (default 50); 0 is the negative control: with --fault "
                   "strip-commits, honest validators are charged, a violation")
        ->check(CLI::Range(0, 100));
    app.add_option("--quiet-end-ms", cfg.quiet_end_ms,
                   "no forging, key changes or framing in the last this many ms");
    app.add_flag("--real-crypto", cfg.real_consensus_crypto, "Ed25519 for consensus keys (slow)");
    app.add_flag("--quiet", quiet, "print only failing runs and the final tally");
    app.add_flag("--ci-batch", ci_batch,
                 "run the CI seed batch (every mix x 18 seeds, sim_test SeedBatch) instead");
    CLI11_PARSE(app, argc, argv);

    if (p <= 0 || p > 1) {
        std::cerr << "--p must be in (0, 1]\n";
        return 2;
    }
    cfg.sampling_ppm = static_cast<uint32_t>(p * 1e6 + 0.5);
    cfg.auditor = !no_auditor;
    cfg.exposure_bound = !no_bound;
    cfg.producer_record = !no_producer_record;
    if (cfg.forge_amount_iost <= 0) {
        std::cerr << "--forge-amount must be positive\n";
        return 2;
    }
    for (const auto& f : faults) {
        auto parsed = iost::sim::ParseFault(f);
        if (!parsed) {
            std::cerr << "unknown fault '" << f << "'\n";
            return 2;
        }
        cfg.faults.push_back(*parsed);
    }
    if (!mix.empty() && mix != "all" && mix != "fraud") {
        std::cerr << "--mix takes 'all' or 'fraud'\n";
        return 2;
    }
    uint64_t first = cfg.seed, last = cfg.seed;
    if (!seeds.empty()) {
        const auto colon = seeds.find(':');
        try {
            first = std::stoull(seeds.substr(0, colon));
            last = colon == std::string::npos ? first : std::stoull(seeds.substr(colon + 1));
        } catch (const std::exception&) {
            std::cerr << "--seeds must be A:B\n";
            return 2;
        }
        if (last < first) {
            std::cerr << "--seeds: B must not be below A\n";
            return 2;
        }
    }
    const auto mixes = iost::sim::FaultMixes();
    const auto fraud_mixes = iost::sim::FraudMixes();
    std::vector<iost::sim::SimConfig> runs_to_do;
    if (ci_batch) {
        // The batch's own configurations (seed order); other options are ignored.
        for (uint64_t k = 0; k < iost::sim::kCiBatchSeedsPerMix; ++k) {
            for (size_t m = 0; m < mixes.size(); ++m) {
                runs_to_do.push_back(iost::sim::CiBatchConfig(m, k));
            }
        }
    } else {
        for (uint64_t s = first; s <= last; ++s) {
            iost::sim::SimConfig c = cfg;
            c.seed = s;
            if (mix == "all") c.faults = mixes[s % mixes.size()];
            if (mix == "fraud") c.faults = fraud_mixes[s % fraud_mixes.size()];
            runs_to_do.push_back(std::move(c));
        }
    }
    uint64_t runs = 0, bad = 0;
    for (const auto& c : runs_to_do) {
        iost::sim::SimResult r;
        try {
            r = iost::sim::RunSimulation(c);
        } catch (const std::invalid_argument& e) {
            std::cerr << e.what() << "\n";
            return 2;
        }
        ++runs;
        const bool failed =
            cfg.negative_control ? r.safety_violations == 0 : r.safety_violations > 0;
        if (failed) ++bad;
        if (!quiet || failed) std::cout << r.ToJson() << "\n";
        if (failed) std::cout << "# replay: " << iost::sim::ReplayCommand(c) << "\n";
        std::cout.flush();
    }
    if (quiet || runs > 1) {
        std::cout << "{\"runs\":" << runs << ",\"failed\":" << bad << "}\n";
    }
    return bad == 0 ? 0 : 1;
}
