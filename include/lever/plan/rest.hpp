// Rest and frequency (domain.md, "Evidence" and "Default return-to-run template"): the plan's rest
// days between runs and sessions per week bound when the next session may start. Pure: the caller
// gives the start times of the athlete's sessions.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lever/model/plan.hpp"
#include "lever/util/time.hpp"

namespace lever::plan {

/// When the next session may start, and whether `now` is allowed.
struct RestCheck {
  std::optional<TimePoint> not_before;  ///< local midnight of the first allowed day (none: no session yet)
  std::optional<TimePoint> week_frees;  ///< when the rolling 7-day count drops below the limit (none: not at the limit)
  int sessions_last_7_days = 0;         ///< sessions started in the 7 days up to `now`
  int per_week = 3;                     ///< the plan's sessions per week
  int rest_days = 1;                    ///< the plan's rest days between runs
  bool ok = true;                       ///< `now` is allowed by both rules
  std::string why;                      ///< in words when not ok, naming the date
};

/// Judges `now` against the plan's min_rest_days (calendar days in the local zone: not before the
/// day after the last session plus the rest days) and sessions_per_week (any rolling 7 days).
RestCheck rest_check(const model::Plan& plan, const std::vector<TimePoint>& session_starts, TimePoint now);

/// The local midnight `days` calendar days after the day of t.
TimePoint local_day_start(TimePoint t, int days);

}  // namespace lever::plan
