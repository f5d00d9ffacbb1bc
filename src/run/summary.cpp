#include "lever/run/summary.hpp"

#include <algorithm>
#include <cmath>

namespace lever::run {

SummaryBuilder::SummaryBuilder(double mass_kg, double baseline_cadence_spm, plan::KneeLoadParams params)
    : mass_kg_(mass_kg), baseline_spm_(baseline_cadence_spm), params_(params) {}

void SummaryBuilder::add(const Phase& phase, const device::Status& st, double dt_s) {
  if (dt_s <= 0) return;
  elapsed_s_ += dt_s;
  distance_km_ += st.speed_kmh * dt_s / 3600.0;
  const double steps = st.cadence_spm * dt_s / 60.0;
  steps_ += steps;
  at_support_[std::lround(phase.support_pct * 10)] += dt_s;
  if (phase.kind != model::PhaseKind::run || st.state != device::State::run) return;
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

Summary SummaryBuilder::finish(const Program& program) const {
  auto round1 = [](double v) { return std::round(v * 10) / 10; };
  Summary out;
  for (const auto& [tenths, s] : at_support_) out.time_at_support.push_back({static_cast<double>(tenths) / 10, round1(s)});
  double planned_run_s = 0;
  for (const auto& p : program.phases)
    if (p.kind == model::PhaseKind::run) planned_run_s += p.duration_s;
  out.planned_duration_s = round1(program.total_s());
  out.duration_s = round1(elapsed_s_);
  out.planned_run_s = round1(planned_run_s);
  out.run_s = round1(run_s_);
  out.planned_distance_km = std::round(program.distance_km() * 1000) / 1000;
  out.distance_km = std::round(distance_km_ * 1000) / 1000;
  out.steps = std::lround(steps_);
  if (cadence_s_ > 0) out.cadence_spm = round1(cadence_sum_ / std::max(cadence_s_, 1e-9));
  if (cadence_target_s_ > 0) out.cadence_target_spm = round1(cadence_target_sum_ / std::max(cadence_target_s_, 1e-9));
  out.support_pct = session_support_pct(program);
  if (meas_s_ > 0) out.measured_support_pct = round1(std::clamp(meas_pct_sum_ / std::max(meas_s_, 1e-9), 0.0, 100.0));
  if (baseline_spm_ > 0) out.knee_load = round1(load_);
  out.max_pain_during = max_pain_;
  return out;
}

void Summary::write_to(model::Session& s) const {
  s.planned_duration_s = planned_duration_s;
  s.duration_s = duration_s;
  s.planned_run_s = planned_run_s;
  s.run_s = run_s;
  s.planned_distance_km = planned_distance_km;
  s.distance_km = distance_km;
  s.steps = steps;
  s.cadence_spm = cadence_spm;
  s.cadence_target_spm = cadence_target_spm;
  s.support_pct = support_pct;
  s.measured_support_pct = measured_support_pct;
  s.time_at_support = time_at_support;
  s.knee_load = knee_load;
  s.max_pain_during = max_pain_during;
}

}  // namespace lever::run
