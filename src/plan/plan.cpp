// domain.md, "Default return-to-run template" and "Progression engine": plan documents and the
// clinician's actions on them.
#include "lever/plan/plan.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "lever/plan/knee_load.hpp"
#include "lever/store/schemas.hpp"
#include "lever/store/store.hpp"
#include "lever/util/error.hpp"
#include "lever/util/ids.hpp"

namespace lever::plan {

using nlohmann::json;

namespace {

using model::HistoryEntry;
using model::HistoryKind;

double round1(double v) { return std::round(v * 10) / 10; }

HistoryEntry entry(HistoryKind kind, const std::string& by, TimePoint now, int from, int to, const std::string& reason) {
  HistoryEntry e;
  e.id = new_record_id("h");
  e.at = model::Instant::of(now);
  e.kind = kind;
  e.by = by;
  e.from_step = from;
  e.to_step = to;
  e.reason = reason;
  return e;
}

void require_reason(const std::string& reason, const char* action) {
  if (reason.find_first_not_of(" \t\r\n") == std::string::npos)
    throw Error(Exit::usage, fmt::format("a plan {} needs a reason", action),
                "say why with --reason TEXT; it is stored in the plan's history and the audit log");
}

int steps_total(const model::Plan& plan) { return static_cast<int>(plan.steps.size()); }

void require_step(const model::Plan& plan, int step) {
  if (!plan.step(step))
    throw Error(Exit::usage, fmt::format("step {} is not in the plan (it has steps 1-{})", step, steps_total(plan)),
                "see the steps with 'lever plan show ATHLETE'");
}

void set_step(model::Plan& plan, int step) {
  plan.current_step = step;
  plan.streak = 0;
  plan.unacceptable_run = 0;
  plan.review = false;
}

// The severity a plan can be built for: mild or moderate (domain.md); Error otherwise.
model::Severity candidate_severity(const std::string& id, const std::string& severity) {
  auto sev = model::parse<model::Severity>(severity);
  if (sev == model::Severity::severe)
    throw Error(Exit::safety, fmt::format("a severe presentation is not a candidate for a BWS return-to-run plan ('{}')", id),
                "lever plans cover mild-to-moderate presentations only (domain.md); refer for clinical assessment");
  if (!sev) throw Error(Exit::usage, fmt::format("unknown severity '{}'", severity), "use --severity mild or --severity moderate");
  return *sev;
}

// The template's steps for the request, as plan steps for the athlete.
std::vector<model::PlanStep> steps_for(const PlanRequest& req, const model::Athlete& athlete, const json& tmpl, double inc) {
  std::vector<model::PlanStep> steps;
  for (const auto& s : tmpl.at("severities").at(req.severity).at("steps")) {
    model::PlanStep st;
    st.step = static_cast<int>(steps.size()) + 1;
    st.support_pct = s.at("support_pct").get<double>();
    st.support_force_n = round1(support_force_n(athlete.mass_kg, st.support_pct));
    st.run_min = s.at("run_min").get<double>();
    st.walk_min = s.at("walk_min").get<double>();
    st.duration_min = s.at("duration_min").get<double>();
    st.speed_kmh = req.speed_kmh ? *req.speed_kmh : s.value("speed_kmh", tmpl.value("speed_kmh", 8.0));
    st.walk_speed_kmh = tmpl.value("walk_speed_kmh", 5.0);
    st.incline_pct = tmpl.value("incline_pct", 0.0);
    // domain.md: cadence target +5-10 % over the athlete's baseline (Lenhart 2014).
    if (athlete.cadence_spm) st.cadence_target_spm = std::round(*athlete.cadence_spm * (1 + inc / 100));
    if (s.contains("note")) st.note = s["note"].get<std::string>();
    steps.push_back(st);
  }
  return steps;
}

}  // namespace

std::string step_name(const model::Plan& plan, int step) {
  const model::PlanStep* s = plan.step(step);
  return fmt::format("{:g} % (step {})", s ? s->support_pct : 0.0, step);
}

void check_candidate(const model::Athlete& athlete, const std::string& severity) {
  candidate_severity(athlete.id, severity);
  if (auto flags = athlete.blocking_flags(); !flags.empty()) {
    const auto flag = model::name(flags.front());
    throw Error(Exit::safety, fmt::format("athlete '{}' is flagged {}: not a candidate for a plan until cleared", athlete.id, flag),
                fmt::format("a clinician clears it with 'lever athlete edit {} --clear-flag {}' after assessment", athlete.id, flag));
  }
}

model::Plan build_plan(const PlanRequest& req, const model::Athlete& athlete, const json& tmpl,
                       const std::optional<UnitCapacity>& unit, const std::string& user, TimePoint now) {
  check_candidate(athlete, req.severity);
  const Profile& prof = profile(req.profile);
  if (req.speed_kmh && !(*req.speed_kmh > 0 && *req.speed_kmh <= 30))
    throw Error(Exit::usage, fmt::format("speed {:g} km/h is outside 0-30 km/h", *req.speed_kmh), "give --speed in km/h, e.g. 8");
  if (req.consecutive_required && (*req.consecutive_required < 1 || *req.consecutive_required > 10))
    throw Error(Exit::usage, "--consecutive must be 1-10", "domain.md's default is 2 ('each phase at least twice')");
  model::Plan plan;
  plan.id = plan.athlete_id = athlete.id;
  plan.template_id = tmpl.at("id").get<std::string>();
  plan.template_title = tmpl.value("title", "");
  plan.profile = std::string(prof.name);
  plan.severity = candidate_severity(athlete.id, req.severity);
  if (unit) plan.unit_id = unit->id;
  plan.mass_kg = athlete.mass_kg;
  plan.baseline_cadence_spm = athlete.cadence_spm;
  plan.cadence_increase_pct = tmpl.value("cadence_increase_pct", 5.0);
  plan.sessions_per_week = tmpl.value("sessions_per_week", 3);
  plan.min_rest_days = tmpl.value("min_rest_days", 1);
  plan.rules.consecutive_required = req.consecutive_required.value_or(tmpl.value("consecutive_required", 2));
  plan.rules.follow_up_window_h = 36;
  plan.rules.follow_up_deadline_h = 48;
  plan.rules.weekly_trend = prof.weekly_trend;
  plan.rules.trend_threshold_points = 1.0;
  plan.steps = steps_for(req, athlete, tmpl, *plan.cadence_increase_pct);
  plan.created_at = plan.updated_at = model::Instant::of(now);
  plan.created_by = user;
  if (unit) check_capacity(plan, athlete.mass_kg, *unit);
  plan.history.push_back(entry(HistoryKind::created, user, now, 1, 1,
                               fmt::format("created from template {} ({} presentation, {} profile)", plan.template_id,
                                           req.severity, prof.name)));
  return plan;
}

void check_capacity(const model::Plan& plan, double mass_kg, const UnitCapacity& unit) {
  for (const auto& s : plan.steps) {
    const double pct = s.support_pct;
    const double force = support_force_n(mass_kg, pct);
    const int step = s.step;
    if (force > unit.max_force_n + 1e-9)
      throw Error(Exit::safety,
                  fmt::format("step {} needs {:.0f} N of support ({:g} % of {:g} kg) but unit {} gives at most {:.0f} N", step,
                              force, pct, mass_kg, unit.id, unit.max_force_n),
                  "use a unit with more capacity, or a milder start (--severity, --template) that this unit can deliver");
    if (pct > 0 && force < unit.min_force_n - 1e-9)
      throw Error(Exit::safety,
                  fmt::format("step {} needs {:.1f} N of support ({:g} % of {:g} kg) but unit {} gives at least {:.1f} N", step,
                              force, pct, mass_kg, unit.id, unit.min_force_n),
                  "use a template whose lowest support the unit can set, or another unit");
  }
}

std::vector<SchemaIssue> plan_problems(const json& doc) {
  auto issues = schemas::validator("plan.schema.json").validate(doc);
  if (!issues.empty()) return issues;
  const auto plan = doc.get<model::Plan>();
  for (size_t i = 0; i < plan.steps.size(); ++i)
    if (plan.steps[i].step != static_cast<int>(i + 1))
      issues.push_back({fmt::format("/steps/{}/step", i), fmt::format("must be {} (steps are numbered 1..n in order)", i + 1)});
  if (plan.current_step > steps_total(plan))
    issues.push_back({"/current_step", fmt::format("is beyond the last step ({})", plan.steps.size())});
  if (plan.id != plan.athlete_id) issues.push_back({"/id", "must equal athlete_id (one plan per athlete)"});
  if (plan.status == model::PlanStatus::suspended && !plan.suspension)
    issues.push_back({"/suspension", "a suspended plan must say when, by whom and why"});
  return issues;
}

void require_valid_plan(const json& plan, const std::string& what) {
  auto issues = plan_problems(plan);
  if (issues.empty()) return;
  std::string list;
  for (const auto& i : issues) list += fmt::format("{}{} {}", list.empty() ? "" : "; ", i.pointer.empty() ? "/" : i.pointer, i.message);
  throw Error(Exit::invalid_data, fmt::format("{} is not a valid plan: {}", what, list),
              "fix the fields named by the JSON Pointers (schema: schemas/plan.schema.json), then try again");
}

std::vector<model::HistoryEntry> apply_evaluation(model::Plan& plan, const Evaluation& ev, const std::string& user, TimePoint now) {
  std::vector<HistoryEntry> added;
  for (const auto& d : ev.decisions) {
    HistoryEntry e = entry(HistoryKind::decision, "engine", now, d.from_step, d.to_step, d.reason);
    e.requested_by = user;
    e.decision = model::parse<model::DecisionKind>(to_string(d.verdict));
    if (!d.session_id.empty()) e.session_id = d.session_id;
    e.acceptable = d.acceptable;
    e.review = d.review;
    e.redecision = d.redecision;
    e.supersedes = d.supersedes;
    if (d.review) plan.review = true;
    plan.history.push_back(e);
    added.push_back(e);
  }
  if (added.empty()) return added;
  plan.current_step = ev.step;
  plan.streak = ev.streak;
  plan.unacceptable_run = ev.unacceptable_run;
  if (ev.suspended) {
    plan.status = model::PlanStatus::suspended;
    plan.suspension = model::Suspension{model::Instant::of(now), "engine", ev.decisions.back().reason};
  }
  plan.updated_at = model::Instant::of(now);
  return added;
}

Verdict parse_override_decision(const std::string& s) {
  if (s == "progress") return Verdict::progress;
  if (s == "hold") return Verdict::hold;
  if (s == "regress") return Verdict::regress;
  throw Error(Exit::usage, fmt::format("unknown override decision '{}'", s),
              "use --decision progress, hold or regress (to suspend, use 'lever plan suspend')");
}

model::HistoryEntry override_plan(model::Plan& plan, std::optional<int> step, std::optional<Verdict> decision,
                                  const std::string& reason, const std::string& user, TimePoint now) {
  require_reason(reason, "override");
  const std::string& id = plan.athlete_id;
  if (plan.status == model::PlanStatus::suspended)
    throw Error(Exit::safety, fmt::format("the plan of '{}' is suspended", id),
                fmt::format("a clinician resumes it first: lever plan resume {} --reason TEXT [--step N]", id));
  if (step.has_value() == decision.has_value())
    throw Error(Exit::usage, "an override names either --step N or --decision progress|hold|regress", "give exactly one of them");
  const int from = plan.current_step;
  int to = from;
  std::string what;
  if (step) {
    require_step(plan, *step);
    to = *step;
    what = fmt::format("moved to {}", step_name(plan, to));
  } else {
    // The decision replaces the engine's latest one, so it counts from the step that decision started at.
    int base = from;
    if (!plan.history.empty() && plan.history.back().kind == HistoryKind::decision) base = plan.history.back().from_step;
    to = *decision == Verdict::progress ? base + 1 : *decision == Verdict::regress ? std::max(1, base - 1) : base;
    if (to > steps_total(plan))
      throw Error(Exit::usage, fmt::format("cannot progress beyond the final step {}", steps_total(plan)),
                  "return to outdoor running is the clinician's call; the plan ends at its last step");
    const char* verb = *decision == Verdict::progress ? "progressed to" : *decision == Verdict::regress ? "regressed to" : "held at";
    what = fmt::format("{} {}", verb, step_name(plan, to));
  }
  HistoryEntry e = entry(HistoryKind::override_, user, now, from, to, fmt::format("overridden by {}: {}: {}", user, what, reason));
  if (decision) e.decision = model::parse<model::DecisionKind>(to_string(*decision));
  set_step(plan, to);
  plan.history.push_back(e);
  plan.updated_at = model::Instant::of(now);
  return e;
}

model::HistoryEntry suspend_plan(model::Plan& plan, const std::string& reason, const std::string& user, TimePoint now) {
  require_reason(reason, "suspension");
  if (plan.status == model::PlanStatus::suspended)
    throw Error(Exit::usage, fmt::format("the plan of '{}' is already suspended", plan.athlete_id),
                "see why with 'lever plan history ATHLETE'");
  const int step = plan.current_step;
  HistoryEntry e = entry(HistoryKind::suspend, user, now, step, step,
                         fmt::format("suspended by {} at {}: {}", user, step_name(plan, step), reason));
  e.decision = model::DecisionKind::suspend;
  plan.status = model::PlanStatus::suspended;
  plan.suspension = model::Suspension{model::Instant::of(now), user, reason};
  plan.history.push_back(e);
  plan.updated_at = model::Instant::of(now);
  return e;
}

model::HistoryEntry resume_plan(model::Plan& plan, const model::Athlete& athlete, const std::string& reason,
                                std::optional<int> step, const std::string& user, TimePoint now) {
  require_reason(reason, "resumption");
  const std::string& id = plan.athlete_id;
  if (plan.status != model::PlanStatus::suspended)
    throw Error(Exit::usage, fmt::format("the plan of '{}' is not suspended", id), "nothing to resume");
  if (auto flags = athlete.blocking_flags(); !flags.empty()) {
    const auto flag = model::name(flags.front());
    throw Error(Exit::safety, fmt::format("athlete '{}' is still flagged {}", id, flag),
                fmt::format("clear the flag after assessment: lever athlete edit {} --clear-flag {}", id, flag));
  }
  const int from = plan.current_step;
  const int to = step.value_or(from);
  require_step(plan, to);
  HistoryEntry e = entry(HistoryKind::resume, user, now, from, to, fmt::format("resumed by {} at {}: {}", user, step_name(plan, to), reason));
  set_step(plan, to);
  plan.status = model::PlanStatus::active;
  plan.suspension.reset();
  plan.history.push_back(e);
  plan.updated_at = model::Instant::of(now);
  return e;
}

}  // namespace lever::plan
