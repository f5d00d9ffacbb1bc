// Plans (plans/<athlete>.json, schemas/plan.schema.json; model::Plan): building one from a template,
// the candidate and unit-capacity checks, and the clinician's actions on it. Pure: no store access.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lever/plan/engine.hpp"
#include "lever/util/json_schema.hpp"
#include "lever/util/time.hpp"

namespace lever::plan {

/// What `plan new` asks for.
struct PlanRequest {
  std::string template_id = "return-to-run";   ///< template ID (built-in or store)
  std::string severity = "moderate";           ///< mild or moderate; the default is the more supported start
  std::string profile{model::default_profile().name};  ///< pain-monitoring profile (domain.md default: seed)
  std::optional<int> consecutive_required;     ///< overrides the template's count (default 2)
  std::optional<double> speed_kmh;             ///< running speed of every step, overriding the template
};

/// What a unit can deliver (units/<id>.json limits).
struct UnitCapacity {
  std::string id;            ///< unit ID
  double max_force_n = 0;    ///< limits.max_support_force_n
  double min_force_n = 0;    ///< limits.min_support_force_n (0 = none)
};

/// Refuses (Error(safety)) a severe presentation or an athlete with a blocking flag: domain.md,
/// "mild-to-moderate presentation only"; swelling or suspected structural injury are not candidates.
/// Throws Error(usage) for a severity that is neither mild, moderate nor severe.
void check_candidate(const model::Athlete& athlete, const std::string& severity);

/// Builds a plan for the athlete from a valid template (see template_problems).
model::Plan build_plan(const PlanRequest& req, const model::Athlete& athlete, const nlohmann::json& tmpl,
                       const std::optional<UnitCapacity>& unit, const std::string& user, TimePoint now);

/// Refuses (Error(safety)) a plan with a step the unit cannot deliver, naming the numbers; never clamps.
/// `mass_kg` is the athlete's current mass.
void check_capacity(const model::Plan& plan, double mass_kg, const UnitCapacity& unit);

/// Schema issues, then consistency: steps numbered 1..n, current_step within them, id = athlete_id.
std::vector<SchemaIssue> plan_problems(const nlohmann::json& plan);

/// Throws Error(invalid_data) listing the problems with their JSON Pointers; `what` names the source.
void require_valid_plan(const nlohmann::json& plan, const std::string& what);

/// Stores the engine's new decisions in the plan (history entries by "engine", requested by `user`)
/// and updates its state. Returns the new history entries.
std::vector<model::HistoryEntry> apply_evaluation(model::Plan& plan, const Evaluation& ev, const std::string& user,
                                                  TimePoint now);

/// A clinician's override: either a step, or a decision replacing the engine's latest one (progress,
/// hold or regress from the step that decision started at). Error(usage) for an empty reason or a step
/// out of range; Error(safety) on a suspended plan. Returns the history entry.
model::HistoryEntry override_plan(model::Plan& plan, std::optional<int> step, std::optional<Verdict> decision,
                                  const std::string& reason, const std::string& user, TimePoint now);

/// Suspends the plan with a clinician's reason; returns the history entry.
model::HistoryEntry suspend_plan(model::Plan& plan, const std::string& reason, const std::string& user, TimePoint now);

/// Resumes a suspended plan (optionally at another step) with a clinician's reason. Error(safety) while
/// the athlete still has a blocking flag. Returns the history entry.
model::HistoryEntry resume_plan(model::Plan& plan, const model::Athlete& athlete, const std::string& reason,
                                std::optional<int> step, const std::string& user, TimePoint now);

/// Parses "progress", "hold" or "regress" for an override; Error(usage) otherwise.
Verdict parse_override_decision(const std::string& s);

/// "15 % (step 3)": how messages name a step of the plan.
std::string step_name(const model::Plan& plan, int step);

}  // namespace lever::plan
