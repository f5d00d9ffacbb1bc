// The athlete report's week-by-week table (issue: report): pure aggregation of sessions, the pain
// log and the plan's decisions, so the arithmetic is tested without a store.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lever/model/session.hpp"
#include "lever/model/vocab.hpp"
#include "lever/util/time.hpp"

namespace lever::report {

/// What the weekly table needs from one session.
struct SessionFacts {
  std::string id;                              ///< session ID
  TimePoint started_at;                        ///< when it started
  model::SessionStatus status = model::SessionStatus::running;  ///< completed, stopped, incomplete, running
  double run_minutes = 0;                      ///< minutes actually run
  std::optional<double> support_pct;           ///< commanded support, %
  std::optional<double> measured_support_pct;  ///< mean measured support, %
  std::optional<double> knee_load;             ///< knee-load index, reference-step equivalents
  std::optional<int> max_pain_during;          ///< worst pain during, 0-10
};

/// Reads the facts from a session (run minutes from run_s, else duration_s); the session may be one
/// cut down to the fields the report reads.
SessionFacts session_facts(const model::Session& session);

/// One pain entry, as far as the report needs it.
struct PainFacts {
  TimePoint at;      ///< when felt
  int score = 0;     ///< 0-10
  model::PainWhen when = model::PainWhen::after;  ///< before, during, after, next-day
};

/// One plan decision or clinician action for the report.
struct DecisionFacts {
  TimePoint at;        ///< when it was made
  std::string text;    ///< "progress: ..." in words
};

/// Builds the weekly rows (Monday-based local weeks from the first to the last event, in
/// [since, until] when given): sessions, run minutes, mean support and effective body mass, knee
/// load with week-over-week change and acute:chronic ratio, worst pain during, mean next-day pain,
/// decisions.
std::vector<nlohmann::json> weekly_rows(const std::vector<SessionFacts>& sessions, const std::vector<PainFacts>& pain,
                                        const std::vector<DecisionFacts>& decisions, double mass_kg,
                                        std::optional<TimePoint> since, std::optional<TimePoint> until);

/// Monday 00:00 local time of the week holding t.
TimePoint week_start(TimePoint t);

}  // namespace lever::report
