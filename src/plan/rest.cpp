// domain.md: "Three sessions a week, at least one rest day between runs"; "the plan's sessions per
// week (default 3) and rest days between runs (default 1) bound when the next session may start".
#include "lever/plan/rest.hpp"

#include <algorithm>
#include <ctime>

#include <fmt/format.h>

namespace lever::plan {

TimePoint local_day_start(TimePoint t, int days) {
  std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  localtime_r(&tt, &tm);
  tm.tm_mday += days;
  tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
  tm.tm_isdst = -1;  // across a daylight-saving change, midnight is the zone's own
  return std::chrono::system_clock::from_time_t(std::mktime(&tm));
}

RestCheck rest_check(const model::Plan& plan, const std::vector<TimePoint>& session_starts, TimePoint now) {
  RestCheck r;
  r.per_week = plan.sessions_per_week;
  r.rest_days = plan.min_rest_days;
  std::vector<TimePoint> past;
  for (auto t : session_starts)
    if (t <= now) past.push_back(t);
  std::sort(past.begin(), past.end());
  if (past.empty()) return r;
  r.not_before = local_day_start(past.back(), 1 + r.rest_days);
  const auto week = std::chrono::hours(24 * 7);
  std::vector<TimePoint> recent;
  for (auto t : past)
    if (t > now - week) recent.push_back(t);
  r.sessions_last_7_days = static_cast<int>(recent.size());
  if (r.sessions_last_7_days >= r.per_week)
    r.week_frees = recent[recent.size() - static_cast<size_t>(r.per_week)] + week;
  if (now < *r.not_before) {
    r.ok = false;
    r.why = fmt::format("the last session was on {}; with {} rest day{} between runs the next may start on {} (not before)",
                        format_date(past.back()), r.rest_days, r.rest_days == 1 ? "" : "s", format_date(*r.not_before));
  } else if (r.week_frees) {
    r.ok = false;
    r.why = fmt::format("{} sessions in the last 7 days, the plan's limit is {} a week; the next may start at {}",
                        r.sessions_last_7_days, r.per_week, format_iso(*r.week_frees));
  }
  return r;
}

}  // namespace lever::plan
