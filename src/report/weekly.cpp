#include "lever/report/weekly.hpp"

#include <algorithm>
#include <cmath>
#include <ctime>

#include "lever/plan/knee_load.hpp"

namespace lever::report {

using nlohmann::json;
using namespace std::chrono;

TimePoint week_start(TimePoint t) {
  std::time_t tt = system_clock::to_time_t(t);
  std::tm tm{};
  localtime_r(&tt, &tm);
  int back = (tm.tm_wday + 6) % 7;  // days since Monday
  tm.tm_mday -= back;
  tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
  tm.tm_isdst = -1;
  return system_clock::from_time_t(std::mktime(&tm));
}

SessionFacts session_facts(const model::Session& s) {
  SessionFacts f;
  f.id = s.id;
  f.started_at = s.started_at.at;
  f.status = s.status;
  if (s.run_s) f.run_minutes = *s.run_s / 60;
  else if (s.duration_s) f.run_minutes = *s.duration_s / 60;
  f.support_pct = s.support_pct;
  f.measured_support_pct = s.measured_support_pct;
  f.knee_load = s.knee_load;
  f.max_pain_during = s.max_pain_during;
  return f;
}

std::vector<json> weekly_rows(const std::vector<SessionFacts>& sessions, const std::vector<PainFacts>& pain,
                              const std::vector<DecisionFacts>& decisions, double mass_kg,
                              std::optional<TimePoint> since, std::optional<TimePoint> until) {
  auto in_range = [&](TimePoint t) { return (!since || t >= *since) && (!until || t <= *until); };
  TimePoint first = TimePoint::max(), last = TimePoint::min();
  auto see = [&](TimePoint t) {
    if (!in_range(t)) return;
    first = std::min(first, t);
    last = std::max(last, t);
  };
  for (const auto& s : sessions) see(s.started_at);
  for (const auto& p : pain) see(p.at);
  for (const auto& d : decisions) see(d.at);
  std::vector<json> rows;
  if (first > last) return rows;
  std::vector<plan::DatedLoad> loads;
  for (const auto& s : sessions)
    if (s.knee_load) loads.push_back({s.started_at, *s.knee_load});
  std::optional<double> prev_load;
  for (TimePoint w = week_start(first); w <= last; w = week_start(w + hours(24 * 7 + 12))) {
    TimePoint end = week_start(w + hours(24 * 7 + 12));
    auto in_week = [&](TimePoint t) { return t >= w && t < end && in_range(t); };
    int n = 0;
    double run_min = 0, load = 0, sup = 0, meas = 0;
    int n_sup = 0, n_meas = 0, n_load = 0;
    std::optional<int> worst;
    for (const auto& s : sessions) {
      if (!in_week(s.started_at)) continue;
      ++n;
      run_min += s.run_minutes;
      if (s.support_pct) sup += *s.support_pct, ++n_sup;
      if (s.measured_support_pct) meas += *s.measured_support_pct, ++n_meas;
      if (s.knee_load) load += *s.knee_load, ++n_load;
      if (s.max_pain_during) worst = std::max(worst.value_or(0), *s.max_pain_during);
    }
    double next_sum = 0;
    int next_n = 0;
    for (const auto& p : pain) {
      if (!in_week(p.at)) continue;
      if (p.when == model::PainWhen::during) worst = std::max(worst.value_or(0), p.score);
      if (p.when == model::PainWhen::next_day) next_sum += p.score, ++next_n;
    }
    json decided = json::array();
    for (const auto& d : decisions)
      if (in_week(d.at)) decided.push_back(d.text);
    const double run_min_1 = std::round(run_min * 10) / 10;
    // `run_minutes` is the deprecated spelling of `run_min` (written until 0.3.0).
    json row = {{"week_start", format_date(w)}, {"sessions", n}, {"run_min", run_min_1}, {"run_minutes", run_min_1}};
    row["mean_support_pct"] = n_sup ? json(sup / n_sup) : json();
    row["mean_measured_support_pct"] = n_meas ? json(meas / n_meas) : json();
    row["mean_effective_mass_kg"] = n_sup ? json(plan::effective_mass_kg(mass_kg, sup / n_sup)) : json();
    row["knee_load"] = n_load ? json(load) : json();
    row["knee_load_change_pct"] = (n_load && prev_load && *prev_load > 0) ? json((load - *prev_load) / *prev_load * 100) : json();
    auto acwr = plan::acute_chronic_ratio(loads, end - seconds(1));
    row["acute_chronic_ratio"] = acwr ? json(*acwr) : json();
    row["worst_pain_during"] = worst ? json(*worst) : json();
    row["mean_next_day_pain"] = next_n ? json(next_sum / next_n) : json();
    row["decisions"] = decided;
    if (n_load) prev_load = load;
    else if (n == 0) prev_load = 0.0;
    rows.push_back(row);
  }
  return rows;
}

}  // namespace lever::report
