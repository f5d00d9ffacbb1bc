// domain.md, "Knee-load index": the multiplicative per-step model and its sums.
#include "lever/plan/knee_load.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "lever/util/units.hpp"

namespace lever::plan {

double step_rate_exponent() { return std::log(0.86) / std::log(1.10); }

KneeLoadParams knee_load_params(const nlohmann::json& config) {
  KneeLoadParams p;
  if (!config.is_object()) return p;
  auto num = [&](const char* key, double& dst) {
    if (config.contains(key) && config[key].is_number()) dst = config[key].get<double>();
  };
  num("reference_speed_ms", p.reference_speed_ms);
  num("speed_gain_per_ms", p.speed_gain_per_ms);
  num("downhill_gain_per_pct", p.downhill_gain_per_pct);
  num("walk_step_factor", p.walk_step_factor);
  if (config.contains("credit_below_reference") && config["credit_below_reference"].is_boolean())
    p.credit_below_reference = config["credit_below_reference"].get<bool>();
  return p;
}

double effective_mass_kg(double mass_kg, double support_pct) { return mass_kg * body_weight_factor(support_pct); }

double support_force_n(double mass_kg, double support_pct) { return support_pct / 100.0 * mass_kg * kGravity; }

double body_weight_factor(double support_pct) { return 1.0 - support_pct / 100.0; }

double step_rate_factor(double cadence_spm, double baseline_cadence_spm) {
  if (cadence_spm <= 0 || baseline_cadence_spm <= 0) return 1.0;
  return std::pow(cadence_spm / baseline_cadence_spm, step_rate_exponent());
}

double speed_factor(double speed_kmh, const KneeLoadParams& p) {
  double v = speed_kmh / 3.6;
  double dv = v - p.reference_speed_ms;
  if (dv < 0 && !p.credit_below_reference) dv = 0;
  return std::max(0.0, 1.0 + p.speed_gain_per_ms * dv);
}

double grade_factor(double incline_pct, const KneeLoadParams& p) {
  if (incline_pct >= 0) return 1.0;
  return 1.0 + p.downhill_gain_per_pct * -incline_pct;
}

double per_step_load(const StepConditions& c, const KneeLoadParams& p) {
  return body_weight_factor(c.support_pct) * step_rate_factor(c.cadence_spm, c.baseline_cadence_spm) *
         speed_factor(c.speed_kmh, p) * grade_factor(c.incline_pct, p);
}

double session_load(const SessionShape& s, const KneeLoadParams& p) {
  double run_steps = s.run.cadence_spm * s.run_minutes;
  double walk_cadence = s.walk_cadence_spm > 0 ? s.walk_cadence_spm : s.run.baseline_cadence_spm;
  // A walking step carries the support too: scale the configured walk fraction by the body-weight factor.
  double walk_steps = walk_cadence * s.walk_minutes;
  return run_steps * per_step_load(s.run, p) +
         walk_steps * p.walk_step_factor * body_weight_factor(s.run.support_pct);
}

double running_minutes(double duration_min, double run_min, double walk_min) {
  if (duration_min <= 0 || run_min <= 0) return 0;
  if (walk_min <= 0) return duration_min;
  double cycle = run_min + walk_min;
  double full = std::floor(duration_min / cycle);
  double rest = duration_min - full * cycle;
  return full * run_min + std::min(rest, run_min);
}

double window_load(const std::vector<DatedLoad>& loads, TimePoint end, int days) {
  auto start = end - std::chrono::hours(24 * days);
  double sum = 0;
  for (const auto& l : loads)
    if (l.at > start && l.at <= end) sum += l.load;
  return sum;
}

std::optional<double> week_over_week_pct(const std::vector<DatedLoad>& loads, TimePoint end) {
  double prev = window_load(loads, end - std::chrono::hours(24 * 7), 7);
  if (prev <= 0) return std::nullopt;
  return (window_load(loads, end, 7) - prev) / prev * 100.0;
}

std::optional<TimePoint> acute_chronic_from(const std::vector<DatedLoad>& loads) {
  if (loads.empty()) return std::nullopt;
  TimePoint first = loads.front().at;
  for (const auto& l : loads) first = std::min(first, l.at);
  return first + std::chrono::hours(24 * 28);
}

std::optional<double> acute_chronic_ratio(const std::vector<DatedLoad>& loads, TimePoint end) {
  if (auto from = acute_chronic_from(loads); !from || end < *from) return std::nullopt;
  double chronic_weekly = window_load(loads, end, 28) / 4.0;
  if (chronic_weekly <= 0) return std::nullopt;
  return window_load(loads, end, 7) / chronic_weekly;
}

}  // namespace lever::plan
