// Rows and columns for the plan commands; the numbers come from the plan and the knee-load model.
#include "lever/plan/view.hpp"

#include <chrono>
#include <cmath>

#include <fmt/format.h>

#include "lever/model/run_helpers.hpp"
#include "lever/plan/plan.hpp"
#include "lever/util/json_row.hpp"

namespace lever::plan {

using nlohmann::json;

namespace {

// The step the plan is at (the last one if current_step is beyond it: a plan is validated on load).
const model::PlanStep& current(const model::Plan& plan) {
  const model::PlanStep* s = plan.step(plan.current_step);
  return s ? *s : plan.steps.back();
}

json latest_reason(const model::Plan& plan) { return plan.history.empty() ? json(nullptr) : json(plan.history.back().reason); }

}  // namespace

json plan_list_row(const model::Plan& plan) {
  return {{"athlete_id", plan.athlete_id}, {"status", plan.status}, {"current_step", plan.current_step},
          {"steps_total", plan.steps.size()}, {"support_pct", current(plan).support_pct}, {"profile", plan.profile},
          {"template_id", plan.template_id}, {"template", plan.template_id}, {"review", plan.review},
          {"updated_at", plan.updated_at}, {"latest", latest_reason(plan)}};
}

json plan_summary_row(const model::Plan& plan) {
  return {{"athlete_id", plan.athlete_id}, {"template_id", plan.template_id}, {"template", plan.template_id},
          {"severity", plan.severity},
          {"profile", plan.profile}, {"status", plan.status}, {"current_step", plan.current_step},
          {"steps_total", plan.steps.size()}, {"streak", plan.streak},
          {"consecutive_required", engine_rules(plan).consecutive_required},
          {"sessions_per_week", plan.sessions_per_week}, {"min_rest_days", plan.min_rest_days},
          {"mass_kg", model::or_null(plan.mass_kg)}, {"baseline_cadence_spm", model::or_null(plan.baseline_cadence_spm)},
          {"unit_id", model::or_null(plan.unit_id)}, {"review", plan.review}, {"created_at", plan.created_at},
          {"suspension_reason", plan.suspension ? json(plan.suspension->reason) : json(nullptr)}};
}

namespace {

// domain.md: a 75 kg runner at 20 % support runs as if 60 kg; shown to one decimal.
double runs_as_kg(double mass_kg, double support_pct) { return std::round(effective_mass_kg(mass_kg, support_pct) * 10) / 10; }

}  // namespace

std::vector<json> step_rows(const model::Plan& plan, const KneeLoadParams& params) {
  std::vector<json> rows;
  for (const auto& s : plan.steps) {
    json r = s;
    r["note"] = model::or_null(s.note);
    r["current"] = s.step == plan.current_step;
    r["effective_mass_kg"] = plan.mass_kg ? json(runs_as_kg(*plan.mass_kg, s.support_pct)) : json(nullptr);
    if (plan.baseline_cadence_spm && s.cadence_target_spm) {
      const double dur = s.duration_min;
      const double run = running_minutes(dur, s.run_min, s.walk_min);
      SessionShape shape{{s.support_pct, s.speed_kmh, s.incline_pct, *s.cadence_target_spm, *plan.baseline_cadence_spm},
                         run, dur - run, 0};
      double load = session_load(shape, params);
      // Whole reference steps: the index is an estimate, more digits would suggest false precision.
      r["load_per_session"] = static_cast<long>(std::round(load));
      r["load_per_week"] = static_cast<long>(std::round(load * plan.sessions_per_week));
    } else {
      r["load_per_session"] = nullptr;
      r["load_per_week"] = nullptr;
    }
    rows.push_back(r);
  }
  return rows;
}

json plan_document(const model::Plan& plan, const KneeLoadParams& params) {
  json doc = plan_summary_row(plan);
  doc["rules"] = fields_or_null(plan.rules, {"consecutive_required", "follow_up_min_h", "follow_up_window_h",
                                             "follow_up_deadline_h", "after_min_min", "after_max_min", "weekly_trend",
                                             "trend_threshold_points"});
  doc["steps"] = step_rows(plan, params);
  return doc;
}

json history_row(const model::HistoryEntry& e) {
  json row = fields_or_null(e, {"id", "at", "kind", "by", "requested_by", "decision", "session_id", "from_step", "to_step",
                                "acceptable", "review", "reason"});
  row["redecision"] = e.redecision;
  row["supersedes"] = e.supersedes;
  return row;
}

json next_row(const model::Plan& plan, const Evaluation& ev, const RestCheck& rest, double mass_kg) {
  const model::PlanStep& s = plan.steps.at(static_cast<size_t>(ev.step - 1));
  const json step = s;  // the step as stored: its minutes and cadence target keep their stored form
  json r = {{"athlete_id", plan.athlete_id}, {"step", ev.step}, {"steps_total", plan.steps.size()},
            {"support_pct", s.support_pct},
            {"support_force_n", std::round(support_force_n(mass_kg, s.support_pct) * 10) / 10},
            {"run_min", step["run_min"]}, {"walk_min", step["walk_min"]}, {"duration_min", step["duration_min"]},
            {"speed_kmh", s.speed_kmh}, {"walk_speed_kmh", s.walk_speed_kmh}, {"incline_pct", s.incline_pct},
            {"cadence_target_spm", step["cadence_target_spm"]},
            {"effective_mass_kg", runs_as_kg(mass_kg, s.support_pct)}};
  // domain.md: rest days between runs and sessions per week; the later of the two bounds.
  std::optional<TimePoint> nb = rest.not_before;
  if (rest.week_frees && (!nb || *rest.week_frees > *nb)) nb = rest.week_frees;
  r["not_before"] = nb ? json(format_date(*nb)) : json(nullptr);
  if (ev.pending) {
    r["decision"] = to_string(ev.pending->verdict);
    r["reason"] = ev.pending->reason;
  } else if (!ev.decisions.empty()) {
    r["decision"] = to_string(ev.decisions.back().verdict);
    r["reason"] = ev.decisions.back().reason;
  } else {
    // No engine decision yet: say what put the plan where it is (created, override, resume).
    if (plan.history.empty()) {
      r["decision"] = "created";
      r["reason"] = nullptr;
    } else {
      const auto& h = plan.history.back();
      r["decision"] = h.decision ? json(*h.decision) : json(h.kind);
      r["reason"] = h.reason;
    }
  }
  return r;
}

}  // namespace lever::plan
