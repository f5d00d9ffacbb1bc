// Plan documents to and from JSON, as schemas/plan.schema.json names their fields. Fields the plan
// writers have always stored as null when empty (unit_id, baseline_cadence_spm, suspension, a history
// entry's decision and session_id, a decision's acceptable) are written as null; a step's minutes and
// cadence target and the rules' hours keep whole numbers whole, as templates and builders gave them.
#include "lever/model/plan.hpp"

#include <array>

#include "lever/model/json_io.hpp"

namespace lever::model {

using nlohmann::json;

template <>
std::span<const Term<HistoryKind>> terms<HistoryKind>() {
  static constexpr std::array<Term<HistoryKind>, 5> t{{{HistoryKind::created, "created"},
                                                       {HistoryKind::decision, "decision"},
                                                       {HistoryKind::override_, "override"},
                                                       {HistoryKind::suspend, "suspend"},
                                                       {HistoryKind::resume, "resume"}}};
  return t;
}

template <>
std::span<const Term<DecisionKind>> terms<DecisionKind>() {
  static constexpr std::array<Term<DecisionKind>, 4> t{{{DecisionKind::progress, "progress"},
                                                        {DecisionKind::hold, "hold"},
                                                        {DecisionKind::regress, "regress"},
                                                        {DecisionKind::suspend, "suspend"}}};
  return t;
}

const PlanStep* Plan::step(int n) const {
  if (n < 1 || n > static_cast<int>(steps.size())) return nullptr;
  return &steps[n - 1];
}

void to_json(json& j, const PlanStep& v) {
  j = {{"step", v.step}, {"support_pct", v.support_pct}, {"support_force_n", v.support_force_n},
       {"run_min", whole_or_decimal(v.run_min)}, {"walk_min", whole_or_decimal(v.walk_min)},
       {"duration_min", whole_or_decimal(v.duration_min)},
       {"speed_kmh", v.speed_kmh}, {"walk_speed_kmh", v.walk_speed_kmh}, {"incline_pct", v.incline_pct}};
  j["cadence_target_spm"] = v.cadence_target_spm ? whole_or_decimal(*v.cadence_target_spm) : nlohmann::json(nullptr);
  write_opt(j, "note", v.note);
}

void from_json(const json& j, PlanStep& v) {
  read_or(j, "step", v.step);
  read_or(j, "support_pct", v.support_pct);
  read_or(j, "support_force_n", v.support_force_n);
  read_or(j, "run_min", v.run_min);
  read_or(j, "walk_min", v.walk_min);
  read_or(j, "duration_min", v.duration_min);
  read_or(j, "speed_kmh", v.speed_kmh);
  read_or(j, "walk_speed_kmh", v.walk_speed_kmh);
  read_or(j, "incline_pct", v.incline_pct);
  read_opt(j, "cadence_target_spm", v.cadence_target_spm);
  read_opt(j, "note", v.note);
}

void to_json(json& j, const PlanRules& v) {
  j = json::object();
  write_opt(j, "consecutive_required", v.consecutive_required);
  write_opt(j, "follow_up_min_h", v.follow_up_min_h);
  if (v.follow_up_window_h) j["follow_up_window_h"] = whole_or_decimal(*v.follow_up_window_h);
  if (v.follow_up_deadline_h) j["follow_up_deadline_h"] = whole_or_decimal(*v.follow_up_deadline_h);
  write_opt(j, "after_min_min", v.after_min_min);
  write_opt(j, "after_max_min", v.after_max_min);
  write_opt(j, "weekly_trend", v.weekly_trend);
  write_opt(j, "trend_threshold_points", v.trend_threshold_points);
}

void from_json(const json& j, PlanRules& v) {
  read_opt(j, "consecutive_required", v.consecutive_required);
  read_opt(j, "follow_up_min_h", v.follow_up_min_h);
  read_opt(j, "follow_up_window_h", v.follow_up_window_h);
  read_opt(j, "follow_up_deadline_h", v.follow_up_deadline_h);
  read_opt(j, "after_min_min", v.after_min_min);
  read_opt(j, "after_max_min", v.after_max_min);
  read_opt(j, "weekly_trend", v.weekly_trend);
  read_opt(j, "trend_threshold_points", v.trend_threshold_points);
}

void to_json(json& j, const Suspension& v) { j = {{"at", v.at}, {"by", v.by}, {"reason", v.reason}}; }

void from_json(const json& j, Suspension& v) {
  read_or(j, "at", v.at);
  read_or(j, "by", v.by);
  read_or(j, "reason", v.reason);
}

void to_json(json& j, const HistoryEntry& v) {
  j = {{"id", v.id}, {"at", v.at}, {"kind", v.kind}, {"by", v.by}, {"from_step", v.from_step},
       {"to_step", v.to_step}, {"reason", v.reason}};
  write_opt(j, "requested_by", v.requested_by);
  write_opt(j, "decision", v.decision, Empty::null);
  write_opt(j, "session_id", v.session_id, Empty::null);
  write_opt(j, "acceptable", v.acceptable, v.kind == HistoryKind::decision ? Empty::null : Empty::omit);
  write_opt(j, "review", v.review);
  if (v.redecision) j["redecision"] = true;
  if (!v.supersedes.empty()) j["supersedes"] = v.supersedes;
}

void from_json(const json& j, HistoryEntry& v) {
  read_or(j, "id", v.id);
  read_or(j, "at", v.at);
  read_or(j, "kind", v.kind);
  read_or(j, "by", v.by);
  read_or(j, "from_step", v.from_step);
  read_or(j, "to_step", v.to_step);
  read_or(j, "reason", v.reason);
  read_opt(j, "requested_by", v.requested_by);
  read_opt(j, "decision", v.decision);
  read_opt(j, "session_id", v.session_id);
  read_opt(j, "acceptable", v.acceptable);
  read_opt(j, "review", v.review);
  read_or(j, "redecision", v.redecision);
  read_or(j, "supersedes", v.supersedes);
}

void to_json(json& j, const Plan& v) {
  j = {{"schema_version", 1}, {"kind", "lever-plan"}, {"id", v.id}, {"athlete_id", v.athlete_id},
       {"template", v.template_id}, {"profile", v.profile}, {"severity", v.severity},
       {"sessions_per_week", v.sessions_per_week}, {"min_rest_days", v.min_rest_days}, {"status", v.status},
       {"current_step", v.current_step}, {"streak", v.streak}, {"unacceptable_run", v.unacceptable_run},
       {"review", v.review}, {"rules", v.rules}, {"steps", v.steps}, {"history", v.history},
       {"created_at", v.created_at}, {"updated_at", v.updated_at}};
  write_opt(j, "template_title", v.template_title);
  write_opt(j, "unit_id", v.unit_id, Empty::null);
  write_opt(j, "mass_kg", v.mass_kg);
  write_opt(j, "baseline_cadence_spm", v.baseline_cadence_spm, Empty::null);
  write_opt(j, "cadence_increase_pct", v.cadence_increase_pct);
  write_opt(j, "suspension", v.suspension, Empty::null);
  write_opt(j, "created_by", v.created_by);
}

void from_json(const json& j, Plan& v) {
  read_or(j, "id", v.id);
  read_or(j, "athlete_id", v.athlete_id);
  read_or(j, "template", v.template_id);
  read_or(j, "profile", v.profile);
  read_or(j, "severity", v.severity);
  read_or(j, "sessions_per_week", v.sessions_per_week);
  read_or(j, "min_rest_days", v.min_rest_days);
  read_or(j, "status", v.status);
  read_or(j, "current_step", v.current_step);
  read_or(j, "streak", v.streak);
  read_or(j, "unacceptable_run", v.unacceptable_run);
  read_or(j, "review", v.review);
  read_or(j, "rules", v.rules);
  read_or(j, "steps", v.steps);
  read_or(j, "history", v.history);
  read_or(j, "created_at", v.created_at);
  read_or(j, "updated_at", v.updated_at);
  read_opt(j, "template_title", v.template_title);
  read_opt(j, "unit_id", v.unit_id);
  read_opt(j, "mass_kg", v.mass_kg);
  read_opt(j, "baseline_cadence_spm", v.baseline_cadence_spm);
  read_opt(j, "cadence_increase_pct", v.cadence_increase_pct);
  read_opt(j, "suspension", v.suspension);
  read_opt(j, "created_by", v.created_by);
}

}  // namespace lever::model
