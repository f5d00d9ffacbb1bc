// domain.md, "Default return-to-run template" and "Progression engine": plan documents and the
// clinician's actions on them.
#include "lever/plan/plan.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "lever/plan/knee_load.hpp"
#include "lever/store/athletes.hpp"
#include "lever/store/schemas.hpp"
#include "lever/store/store.hpp"
#include "lever/util/error.hpp"
#include "lever/util/ids.hpp"

namespace lever::plan {

using nlohmann::json;

namespace {

double round1(double v) { return std::round(v * 10) / 10; }

json entry(const std::string& kind, const std::string& by, TimePoint now, int from, int to, const std::string& reason) {
  return {{"id", new_record_id("h")}, {"at", format_iso(now)}, {"kind", kind}, {"by", by}, {"decision", nullptr},
          {"session_id", nullptr}, {"from_step", from}, {"to_step", to}, {"reason", reason}};
}

void require_reason(const std::string& reason, const char* action) {
  if (reason.find_first_not_of(" \t\r\n") == std::string::npos)
    throw Error(Exit::usage, fmt::format("a plan {} needs a reason", action),
                "say why with --reason TEXT; it is stored in the plan's history and the audit log");
}

int steps_total(const json& plan) { return static_cast<int>(plan.at("steps").size()); }

void require_step(const json& plan, int step) {
  if (step < 1 || step > steps_total(plan))
    throw Error(Exit::usage, fmt::format("step {} is not in the plan (it has steps 1-{})", step, steps_total(plan)),
                "see the steps with 'lever plan show ATHLETE'");
}

void set_step(json& plan, int step) {
  plan["current_step"] = step;
  plan["streak"] = 0;
  plan["unacceptable_run"] = 0;
  plan["review"] = false;
}

}  // namespace

std::string step_name(const json& plan, int step) {
  double pct = plan.at("steps").at(static_cast<size_t>(step - 1)).value("support_pct", 0.0);
  return fmt::format("{:g} % (step {})", pct, step);
}

void check_candidate(const json& athlete, const std::string& severity) {
  const std::string id = athlete.value("id", "");
  if (severity == "severe")
    throw Error(Exit::safety, fmt::format("a severe presentation is not a candidate for a BWS return-to-run plan ('{}')", id),
                "lever plans cover mild-to-moderate presentations only (domain.md); refer for clinical assessment");
  if (severity != "mild" && severity != "moderate")
    throw Error(Exit::usage, fmt::format("unknown severity '{}'", severity), "use --severity mild or --severity moderate");
  if (auto flags = blocking_flags(athlete); !flags.empty())
    throw Error(Exit::safety, fmt::format("athlete '{}' is flagged {}: not a candidate for a plan until cleared", id, flags.front()),
                fmt::format("a clinician clears it with 'lever athlete edit {} --clear-flag {}' after assessment", id, flags.front()));
}

json build_plan(const PlanRequest& req, const json& athlete, const json& tmpl, const std::optional<UnitCapacity>& unit,
                const std::string& user, TimePoint now) {
  check_candidate(athlete, req.severity);
  const Profile& prof = profile(req.profile);
  if (req.speed_kmh && !(*req.speed_kmh > 0 && *req.speed_kmh <= 30))
    throw Error(Exit::usage, fmt::format("speed {:g} km/h is outside 0-30 km/h", *req.speed_kmh), "give --speed in km/h, e.g. 8");
  if (req.consecutive_required && (*req.consecutive_required < 1 || *req.consecutive_required > 10))
    throw Error(Exit::usage, "--consecutive must be 1-10", "domain.md's default is 2 ('each phase at least twice')");
  const std::string id = athlete.at("id").get<std::string>();
  const double mass = athlete.at("mass_kg").get<double>();
  json cadence = athlete.contains("cadence_spm") ? athlete["cadence_spm"] : json(nullptr);
  const double inc = tmpl.value("cadence_increase_pct", 5.0);
  json steps = json::array();
  int n = 0;
  for (const auto& s : tmpl.at("severities").at(req.severity).at("steps")) {
    double pct = s.at("support_pct").get<double>();
    json st = {{"step", ++n}, {"support_pct", pct}, {"support_force_n", round1(support_force_n(mass, pct))},
               {"run_min", s.at("run_min")}, {"walk_min", s.at("walk_min")}, {"duration_min", s.at("duration_min")},
               {"speed_kmh", req.speed_kmh ? *req.speed_kmh : s.value("speed_kmh", tmpl.value("speed_kmh", 8.0))},
               {"walk_speed_kmh", tmpl.value("walk_speed_kmh", 5.0)}, {"incline_pct", tmpl.value("incline_pct", 0.0)},
               // domain.md: cadence target +5-10 % over the athlete's baseline (Lenhart 2014).
               {"cadence_target_spm", cadence.is_number() ? json(static_cast<long>(std::round(cadence.get<double>() * (1 + inc / 100)))) : json(nullptr)}};
    if (s.contains("note")) st["note"] = s["note"];
    steps.push_back(st);
  }
  json rules = {{"consecutive_required", req.consecutive_required.value_or(tmpl.value("consecutive_required", 2))},
                {"follow_up_window_h", 36}, {"follow_up_deadline_h", 48}, {"weekly_trend", prof.weekly_trend},
                {"trend_threshold_points", 1.0}};
  json plan = {{"schema_version", kSchemaVersion}, {"kind", "lever-plan"}, {"id", id}, {"athlete_id", id},
               {"template", tmpl.at("id")}, {"template_title", tmpl.value("title", "")}, {"profile", prof.name},
               {"severity", req.severity}, {"unit_id", unit ? json(unit->id) : json(nullptr)}, {"mass_kg", mass},
               {"baseline_cadence_spm", cadence}, {"cadence_increase_pct", inc},
               {"sessions_per_week", tmpl.value("sessions_per_week", 3)}, {"min_rest_days", tmpl.value("min_rest_days", 1)},
               {"status", "active"}, {"current_step", 1}, {"streak", 0}, {"unacceptable_run", 0}, {"review", false},
               {"suspension", nullptr}, {"rules", rules}, {"steps", steps}, {"history", json::array()},
               {"created_at", format_iso(now)}, {"updated_at", format_iso(now)}, {"created_by", user}};
  if (unit) check_capacity(plan, mass, *unit);
  plan["history"].push_back(entry("created", user, now, 1, 1,
                                  fmt::format("created from template {} ({} presentation, {} profile)", tmpl.at("id").get<std::string>(),
                                              req.severity, prof.name)));
  return plan;
}

void check_capacity(const json& plan, double mass_kg, const UnitCapacity& unit) {
  for (const auto& s : plan.at("steps")) {
    double pct = s.at("support_pct").get<double>();
    double force = support_force_n(mass_kg, pct);
    int step = s.at("step").get<int>();
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

std::vector<SchemaIssue> plan_problems(const json& plan) {
  auto issues = schemas::validator("plan.schema.json").validate(plan);
  if (!issues.empty()) return issues;
  const auto& steps = plan["steps"];
  for (size_t i = 0; i < steps.size(); ++i)
    if (steps[i]["step"].get<int>() != static_cast<int>(i + 1))
      issues.push_back({fmt::format("/steps/{}/step", i), fmt::format("must be {} (steps are numbered 1..n in order)", i + 1)});
  if (plan["current_step"].get<int>() > static_cast<int>(steps.size()))
    issues.push_back({"/current_step", fmt::format("is beyond the last step ({})", steps.size())});
  if (plan["id"] != plan["athlete_id"]) issues.push_back({"/id", "must equal athlete_id (one plan per athlete)"});
  if (plan["status"] == "suspended" && plan["suspension"].is_null())
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

std::vector<json> apply_evaluation(json& plan, const Evaluation& ev, const std::string& user, TimePoint now) {
  std::vector<json> added;
  for (const auto& d : ev.decisions) {
    json e = entry("decision", "engine", now, d.from_step, d.to_step, d.reason);
    e["requested_by"] = user;
    e["decision"] = to_string(d.verdict);
    e["session_id"] = d.session_id.empty() ? json(nullptr) : json(d.session_id);
    e["acceptable"] = d.acceptable ? json(*d.acceptable) : json(nullptr);
    e["review"] = d.review;
    if (d.redecision) e["redecision"] = true;
    if (!d.supersedes.empty()) e["supersedes"] = d.supersedes;
    if (d.review) plan["review"] = true;
    plan["history"].push_back(e);
    added.push_back(e);
  }
  if (added.empty()) return added;
  plan["current_step"] = ev.step;
  plan["streak"] = ev.streak;
  plan["unacceptable_run"] = ev.unacceptable_run;
  if (ev.suspended) {
    plan["status"] = "suspended";
    plan["suspension"] = {{"at", format_iso(now)}, {"by", "engine"}, {"reason", ev.decisions.back().reason}};
  }
  plan["updated_at"] = format_iso(now);
  return added;
}

Verdict parse_override_decision(const std::string& s) {
  if (s == "progress") return Verdict::progress;
  if (s == "hold") return Verdict::hold;
  if (s == "regress") return Verdict::regress;
  throw Error(Exit::usage, fmt::format("unknown override decision '{}'", s),
              "use --decision progress, hold or regress (to suspend, use 'lever plan suspend')");
}

json override_plan(json& plan, std::optional<int> step, std::optional<Verdict> decision, const std::string& reason,
                   const std::string& user, TimePoint now) {
  require_reason(reason, "override");
  const std::string id = plan.value("athlete_id", "");
  if (plan.value("status", "") == "suspended")
    throw Error(Exit::safety, fmt::format("the plan of '{}' is suspended", id),
                fmt::format("a clinician resumes it first: lever plan resume {} --reason TEXT [--step N]", id));
  if (step.has_value() == decision.has_value())
    throw Error(Exit::usage, "an override names either --step N or --decision progress|hold|regress", "give exactly one of them");
  const int from = plan.value("current_step", 1);
  int to = from;
  std::string what;
  if (step) {
    require_step(plan, *step);
    to = *step;
    what = fmt::format("moved to {}", step_name(plan, to));
  } else {
    // The decision replaces the engine's latest one, so it counts from the step that decision started at.
    int base = from;
    const auto& h = plan.value("history", json::array());
    if (!h.empty() && h.back().value("kind", "") == "decision") base = h.back().value("from_step", from);
    to = *decision == Verdict::progress ? base + 1 : *decision == Verdict::regress ? std::max(1, base - 1) : base;
    if (to > steps_total(plan))
      throw Error(Exit::usage, fmt::format("cannot progress beyond the final step {}", steps_total(plan)),
                  "return to outdoor running is the clinician's call; the plan ends at its last step");
    const char* verb = *decision == Verdict::progress ? "progressed to" : *decision == Verdict::regress ? "regressed to" : "held at";
    what = fmt::format("{} {}", verb, step_name(plan, to));
  }
  json e = entry("override", user, now, from, to, fmt::format("overridden by {}: {}: {}", user, what, reason));
  if (decision) e["decision"] = to_string(*decision);
  set_step(plan, to);
  plan["history"].push_back(e);
  plan["updated_at"] = format_iso(now);
  return e;
}

json suspend_plan(json& plan, const std::string& reason, const std::string& user, TimePoint now) {
  require_reason(reason, "suspension");
  if (plan.value("status", "") == "suspended")
    throw Error(Exit::usage, fmt::format("the plan of '{}' is already suspended", plan.value("athlete_id", "")),
                "see why with 'lever plan history ATHLETE'");
  int step = plan.value("current_step", 1);
  json e = entry("suspend", user, now, step, step, fmt::format("suspended by {} at {}: {}", user, step_name(plan, step), reason));
  e["decision"] = "suspend";
  plan["status"] = "suspended";
  plan["suspension"] = {{"at", format_iso(now)}, {"by", user}, {"reason", reason}};
  plan["history"].push_back(e);
  plan["updated_at"] = format_iso(now);
  return e;
}

json resume_plan(json& plan, const json& athlete, const std::string& reason, std::optional<int> step,
                 const std::string& user, TimePoint now) {
  require_reason(reason, "resumption");
  const std::string id = plan.value("athlete_id", "");
  if (plan.value("status", "") != "suspended")
    throw Error(Exit::usage, fmt::format("the plan of '{}' is not suspended", id), "nothing to resume");
  if (auto flags = blocking_flags(athlete); !flags.empty())
    throw Error(Exit::safety, fmt::format("athlete '{}' is still flagged {}", id, flags.front()),
                fmt::format("clear the flag after assessment: lever athlete edit {} --clear-flag {}", id, flags.front()));
  const int from = plan.value("current_step", 1);
  int to = step.value_or(from);
  require_step(plan, to);
  json e = entry("resume", user, now, from, to, fmt::format("resumed by {} at {}: {}", user, step_name(plan, to), reason));
  set_step(plan, to);
  plan["status"] = "active";
  plan["suspension"] = nullptr;
  plan["history"].push_back(e);
  plan["updated_at"] = format_iso(now);
  return e;
}

}  // namespace lever::plan
