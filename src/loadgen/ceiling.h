// The ceiling search of iost-bench's full plan (docs/benchmarks.md, issue
// #15): instead of a fixed list of rates that may stop below what the
// network can do, the offered load grows geometrically until a step is not
// sustained, then bisects between the last sustained and the first failed
// rate a few times. A step is *sustained* when every offered transaction
// was sent and became final within the step plus a short drain, and the
// IRREVERSIBLE p99 stays under a bound; the scenario's *peak sustainable
// rate* is the highest offered rate of a sustained step. The search is a
// pure state machine (it sees verdicts, not the network) so its rules are
// unit-tested without a devnet.
// Thread contract: a CeilingSearch is used by one thread; JudgeStep is pure.
#pragma once

#include <loadgen/runner.h>

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace iost::loadgen {

struct CeilingSpec {
    bool enabled = false;
    double start_rate = 400;  // first offered rate, tx/s
    double growth = 1.5;      // factor between steps while they are sustained
    int refine_steps = 2;     // bisections after the first failure
    int max_steps = 12;       // hard bound on measured steps, whatever happens
    double seconds = 10;      // sending window of each step
    double drain_s = 5;       // "a short drain": all final within window + this
    double max_final_p99_ms = 2000;
    double max_rate = 100000;  // never offer more than this
};

enum class StepVerdict {
    kSustained,
    kSendErrors,   // a transaction could not be handed to the network
    kNotAllFinal,  // something offered was not final within the drain
    kSlowFinality  // all final, but IRREVERSIBLE p99 over the bound
};
std::string_view VerdictName(StepVerdict v);

// The verdict on one measured step under `spec`'s bounds.
StepVerdict JudgeStep(const StepResult& step, const CeilingSpec& spec);

class CeilingSearch {
  public:
    explicit CeilingSearch(CeilingSpec spec);
    // The rate to measure next, or nothing when the search is over.
    std::optional<double> NextRate() const;
    // Records the verdict of the step measured at NextRate().
    void Record(double rate, StepVerdict verdict);
    // Highest sustained rate so far (0 if none was).
    double peak() const { return m_good; }
    // Lowest rate that failed so far (0 if none did).
    double first_failure() const { return m_bad; }
    int steps() const { return m_steps; }

  private:
    CeilingSpec m_spec;
    double m_good = 0, m_bad = 0;
    int m_steps = 0, m_refined = 0;
};

}  // namespace iost::loadgen
