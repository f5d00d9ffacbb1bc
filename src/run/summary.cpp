#include "lever/run/summary.hpp"

#include <cmath>

namespace lever::run {

using nlohmann::json;

SummaryBuilder::SummaryBuilder(double mass_kg, double baseline_cadence_spm, plan::KneeLoadParams params)
    : mass_kg_(mass_kg), baseline_spm_(baseline_cadence_spm), params_(params) {}

void SummaryBuilder::add(const Phase& phase, const device::Status& st, double dt_s) {
  if (dt_s <= 0) return;
  elapsed_s_ += dt_s;
  distance_km_ += st.speed_kmh * dt_s / 3600.0;
  const double steps = st.cadence_spm * dt_s / 60.0;
  steps_ += steps;
  at_support_[std::lround(phase.support_pct * 10)] += dt_s;
  if (phase.kind != "run" || st.state != device::State::run) return;
  run_s_ += dt_s;
  const double meas_pct = mass_kg_ > 0 ? st.meas_n / (mass_kg_ * 9.80665) * 100.0 : 0;
  meas_pct_sum_ += meas_pct * dt_s;
  meas_s_ += dt_s;
  if (st.cadence_spm > 0) {
    cadence_sum_ += st.cadence_spm * dt_s;
    cadence_s_ += dt_s;
  }
  if (phase.cadence_target_spm) {
    cadence_target_sum_ += *phase.cadence_target_spm * dt_s;
    cadence_target_s_ += dt_s;
  }
  // The knee-load index counts running steps at the support the knee actually got (measured).
  if (baseline_spm_ > 0 && st.cadence_spm > 0)
    load_ += steps * plan::per_step_load({std::max(0.0, meas_pct), st.speed_kmh, st.incline_pct, st.cadence_spm, baseline_spm_}, params_);
}

void SummaryBuilder::pain(int score) {
  if (!max_pain_ || score > *max_pain_) max_pain_ = score;
}

json SummaryBuilder::finish(const Program& program) const {
  auto round1 = [](double v) { return std::round(v * 10) / 10; };
  json at = json::array();
  for (const auto& [tenths, s] : at_support_)
    at.push_back({{"support_pct", static_cast<double>(tenths) / 10}, {"duration_s", round1(s)}});
  double planned_run_s = 0;
  for (const auto& p : program.phases)
    if (p.kind == "run") planned_run_s += p.duration_s;
  std::optional<double> support;
  for (const auto& p : program.phases)
    if (p.kind == "run") support = std::max(support.value_or(0.0), p.support_pct);
  if (!support && !program.phases.empty()) support = program.phases.front().support_pct;
  auto opt = [](bool has, double v) { return has ? json(v) : json(nullptr); };
  return {{"planned_duration_s", round1(program.total_s())},
          {"duration_s", round1(elapsed_s_)},
          {"planned_run_s", round1(planned_run_s)},
          {"run_s", round1(run_s_)},
          {"planned_distance_km", std::round(program.distance_km() * 1000) / 1000},
          {"distance_km", std::round(distance_km_ * 1000) / 1000},
          {"steps", std::lround(steps_)},
          {"cadence_spm", opt(cadence_s_ > 0, round1(cadence_sum_ / std::max(cadence_s_, 1e-9)))},
          {"cadence_target_spm", opt(cadence_target_s_ > 0, round1(cadence_target_sum_ / std::max(cadence_target_s_, 1e-9)))},
          {"support_pct", opt(support.has_value(), support.value_or(0))},
          {"measured_support_pct", opt(meas_s_ > 0, round1(std::clamp(meas_pct_sum_ / std::max(meas_s_, 1e-9), 0.0, 100.0)))},
          {"time_at_support", at},
          {"knee_load", opt(baseline_spm_ > 0, round1(load_))},
          {"max_pain_during", max_pain_ ? json(*max_pain_) : json(nullptr)}};
}

}  // namespace lever::run
