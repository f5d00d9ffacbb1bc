// A return-to-run plan (plans/<athlete>.json, schemas/plan.schema.json): its steps, the engine's
// rules, its state and the history of every decision and clinician action.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "lever/model/instant.hpp"
#include "lever/model/vocab.hpp"

namespace lever::model {

/// One step of a plan: a support level and its run/walk prescription.
struct PlanStep {
  int step = 1;                               ///< 1-based position
  double support_pct = 0;                     ///< support, % of body weight (0-90)
  double support_force_n = 0;                 ///< support % x mass x g, N
  double run_min = 0;                         ///< running per interval, min
  double walk_min = 0;                        ///< walking per interval, min
  double duration_min = 0;                    ///< whole session, min
  double speed_kmh = 0;                       ///< running speed, km/h
  double walk_speed_kmh = 0;                  ///< walking speed, km/h
  double incline_pct = 0;                     ///< incline, % (never negative)
  std::optional<double> cadence_target_spm;   ///< baseline cadence + the plan's increase; none without a baseline
  std::optional<std::string> note;            ///< the template's note for the step
};

/// The engine's configurable rules as stored (each absent = the engine's default).
struct PlanRules {
  std::optional<int> consecutive_required;     ///< acceptable sessions in a row before progressing (1-10)
  std::optional<double> follow_up_min_h;       ///< a next-day entry counts from this many hours after the end
  std::optional<double> follow_up_window_h;    ///< ... up to this many hours after it
  std::optional<double> follow_up_deadline_h;  ///< no counting entry by then: hold
  std::optional<double> after_min_min;         ///< trek: an after entry counts from this many minutes after the end
  std::optional<double> after_max_min;         ///< trek: ... up to this many minutes
  std::optional<bool> weekly_trend;            ///< apply the worsening-week rule
  std::optional<double> trend_threshold_points;///< week mean rise that counts as worsening
};

/// Why and by whom a plan is suspended.
struct Suspension {
  Instant at;          ///< when
  std::string by;      ///< who (or "engine")
  std::string reason;  ///< why, in words
};

/// What a history entry records.
enum class HistoryKind { created, decision, override_, suspend, resume };
/// A decision of the engine or a clinician.
enum class DecisionKind { progress, hold, regress, suspend };

/// One entry of a plan's history.
struct HistoryEntry {
  std::string id;                          ///< entry ID
  Instant at;                              ///< when
  HistoryKind kind = HistoryKind::decision;///< what happened
  std::string by;                          ///< "engine" or the clinician
  std::optional<std::string> requested_by; ///< who ran the command that let the engine decide
  std::optional<DecisionKind> decision;    ///< the decision (null for created/suspend/resume and step overrides)
  std::optional<std::string> session_id;   ///< the session it follows (null when none)
  int from_step = 1;                       ///< step before
  int to_step = 1;                         ///< step after
  std::optional<bool> acceptable;          ///< the pain response: true, false, or none (no evidence; written as null on decisions)
  std::optional<bool> review;              ///< flagged for clinician review
  std::string reason;                      ///< in words
  bool redecision = false;                 ///< made again because corrected evidence changed an earlier one
  std::vector<std::string> supersedes;     ///< the entries this re-decision replaces
};

/// A plan as stored.
struct Plan {
  static constexpr std::string_view kCollection = "plan";  ///< where plans are stored
  std::string id;                               ///< the athlete's ID (one plan per athlete)
  std::string athlete_id;                       ///< whose plan
  std::string template_id;                      ///< the template it was built from ("template")
  std::optional<std::string> template_title;    ///< that template's title
  std::string profile;                          ///< pain-monitoring profile (vocab.hpp profiles())
  Severity severity = Severity::moderate;       ///< mild or moderate
  std::optional<std::string> unit_id;           ///< the unit whose capacity was checked (null when none)
  std::optional<double> mass_kg;                ///< body mass the forces were computed for, kg
  std::optional<double> baseline_cadence_spm;   ///< the athlete's baseline cadence then (null when none)
  std::optional<double> cadence_increase_pct;   ///< the cadence target's increase over baseline, %
  int sessions_per_week = 3;                    ///< planned frequency
  int min_rest_days = 1;                        ///< rest days required between sessions
  PlanStatus status = PlanStatus::active;       ///< active or suspended
  int current_step = 1;                         ///< the step the next session runs
  int streak = 0;                               ///< acceptable sessions in a row at the current step
  int unacceptable_run = 0;                     ///< unacceptable responses in a row
  bool review = false;                          ///< an unacceptable response awaits clinician review
  std::optional<Suspension> suspension;         ///< why it is suspended (null when active)
  PlanRules rules;                              ///< the engine's rules
  std::vector<PlanStep> steps;                  ///< the steps, numbered 1..n
  std::vector<HistoryEntry> history;            ///< every decision and action, oldest first
  Instant created_at;                           ///< when it was made
  Instant updated_at;                           ///< when it last changed
  std::optional<std::string> created_by;        ///< who made it

  /// The step numbered n (1-based), or nullptr when outside the plan.
  const PlanStep* step(int n) const;
  /// The profile row this plan follows.
  const Profile& profile_row() const { return model::profile(profile); }
};

template <> std::span<const Term<HistoryKind>> terms<HistoryKind>();
template <> std::span<const Term<DecisionKind>> terms<DecisionKind>();

/// Writes a step.
void to_json(nlohmann::json& j, const PlanStep& v);
/// Reads a step.
void from_json(const nlohmann::json& j, PlanStep& v);
/// Writes the rules.
void to_json(nlohmann::json& j, const PlanRules& v);
/// Reads the rules.
void from_json(const nlohmann::json& j, PlanRules& v);
/// Writes a suspension.
void to_json(nlohmann::json& j, const Suspension& v);
/// Reads a suspension.
void from_json(const nlohmann::json& j, Suspension& v);
/// Writes a history entry.
void to_json(nlohmann::json& j, const HistoryEntry& v);
/// Reads a history entry.
void from_json(const nlohmann::json& j, HistoryEntry& v);
/// Writes a plan document.
void to_json(nlohmann::json& j, const Plan& v);
/// Reads a plan document (validated first).
void from_json(const nlohmann::json& j, Plan& v);

}  // namespace lever::model
