#include <loadgen/ceiling.h>

#include <algorithm>
#include <cmath>

namespace iost::loadgen {

std::string_view VerdictName(StepVerdict v) {
    switch (v) {
        case StepVerdict::kSustained:
            return "sustained";
        case StepVerdict::kSendErrors:
            return "send errors";
        case StepVerdict::kNotAllFinal:
            return "not all final";
        case StepVerdict::kSlowFinality:
            return "IRREVERSIBLE p99 over bound";
    }
    return "?";
}

StepVerdict JudgeStep(const StepResult& step, const CeilingSpec& spec) {
    if (step.send_errors > 0 || step.sent < step.offered) return StepVerdict::kSendErrors;
    if (step.finalized < step.offered) return StepVerdict::kNotAllFinal;
    // Final, but later than the step plus the drain: the network fell behind and caught up
    // only because the load stopped.
    if (step.elapsed_s > step.spec.seconds + spec.drain_s) return StepVerdict::kNotAllFinal;
    if (step.final_latency.p99_ms > spec.max_final_p99_ms) return StepVerdict::kSlowFinality;
    return StepVerdict::kSustained;
}

CeilingSearch::CeilingSearch(CeilingSpec spec) : m_spec(spec) {
    m_spec.growth = std::max(m_spec.growth, 1.05);
    m_spec.start_rate = std::clamp(m_spec.start_rate, 1.0, m_spec.max_rate);
}

std::optional<double> CeilingSearch::NextRate() const {
    if (m_steps >= m_spec.max_steps) return std::nullopt;
    if (m_bad == 0) {
        // Growing: from the start rate, or the next multiple of the last sustained one.
        if (m_good == 0) return m_spec.start_rate;
        if (m_good >= m_spec.max_rate) return std::nullopt;
        return std::min(std::round(m_good * m_spec.growth), m_spec.max_rate);
    }
    if (m_refined >= m_spec.refine_steps) return std::nullopt;
    // Bisecting between the last sustained rate (or 0) and the first failure.
    const double mid = std::round((m_good + m_bad) / 2);
    if (mid <= m_good || mid >= m_bad || mid < 1) return std::nullopt;
    return mid;
}

void CeilingSearch::Record(double rate, StepVerdict verdict) {
    ++m_steps;
    const bool growing = m_bad == 0;
    if (verdict == StepVerdict::kSustained) {
        m_good = std::max(m_good, rate);
    } else {
        m_bad = m_bad == 0 ? rate : std::min(m_bad, rate);
    }
    if (!growing) ++m_refined;
}

}  // namespace iost::loadgen
