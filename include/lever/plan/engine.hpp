// The progression engine of domain.md ("Progression engine"): after each completed plan session it
// classifies the pain response with the plan's profile and decides progress, hold, regress or suspend.
// Pure and I/O-free: the caller loads the plan, sessions, pain log and athlete, and stores the result.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lever/model/athlete.hpp"
#include "lever/model/plan.hpp"
#include "lever/model/vocab.hpp"
#include "lever/util/time.hpp"

namespace lever::plan {

/// A pain-monitoring profile (domain.md, "Pain-monitoring profiles"): a row of the model's registry.
using model::Profile;
/// The profile with this name; throws Error(usage) naming the known profiles.
using model::profile;
/// The profile names, default first.
using model::profile_names;

/// What the engine reads from a session summary (sessions/<id>.json; schemas/session.schema.json).
struct SessionSummary {
  std::string id;                           ///< session ID
  TimePoint started_at;                     ///< when the run started
  std::optional<TimePoint> ended_at;        ///< when it ended (absent: started_at is used)
  model::SessionStatus status = model::SessionStatus::running;  ///< how it ended (running: not yet)
  std::optional<int> plan_step;             ///< the plan step it ran (absent: not a plan session, ignored)
  std::optional<double> support_pct;       ///< commanded support, %
  std::optional<double> measured_support_pct; ///< mean measured support, %
  std::optional<int> max_pain_during;       ///< highest pain reported during the run, 0-10
  std::string stop_reason;                  ///< why it stopped early; "pain..." counts as a pain stop
};

/// Reads a session document into the summary the engine uses.
SessionSummary session_summary(const nlohmann::json& doc);

/// What the engine reads from one pain log entry (pain/<athlete>.ndjson).
struct PainRecord {
  std::string id;          ///< entry ID
  int score = 0;           ///< 0-10 NRS
  model::PainWhen when = model::PainWhen::after;  ///< when it was felt relative to the run
  TimePoint at;            ///< when the pain was felt
  std::string session_id;  ///< linked session, empty when not linked
  std::optional<model::Swelling> swelling;  ///< swelling, when recorded
  TimePoint logged_at{};   ///< when it was recorded (or last amended): a red flag counts from then
};

/// A correction in the pain log (void or amend), as the engine sees it: corrected evidence logged
/// after a decision may change that decision.
struct CorrectionRecord {
  std::string id;          ///< the correction's record ID
  std::string corrects;    ///< the entry it corrects
  model::CorrectionKind kind = model::CorrectionKind::void_entry;  ///< void or amend
  TimePoint logged_at;     ///< when it was recorded
};

/// Reads a correction record of the pain log.
CorrectionRecord correction_record(const nlohmann::json& record);

/// Reads a pain log entry.
PainRecord pain_record(const nlohmann::json& entry);

/// The engine's configurable rules, stored in the plan's "rules" object.
struct EngineRules {
  int consecutive_required = 2;       ///< acceptable sessions in a row before progressing (domain.md default 2)
  double follow_up_min_h = 8;         ///< a next-day entry counts from this long after the session ended (domain.md, Evidence)
  double follow_up_window_h = 36;     ///< ... up to this long after it (domain.md, Evidence: the next morning, 8-36 h)
  double after_min_min = 30;          ///< trek: an after entry counts from this many minutes after the end (domain.md: 30-90 min)
  double after_max_min = 90;          ///< trek: ... up to this many minutes after the end
  double follow_up_deadline_h = 48;   ///< after this a missing follow-up log is final: hold (domain.md, Evidence)
  bool weekly_trend = true;           ///< apply the worsening-week rule
  double trend_threshold_points = 1.0;///< week mean rise that counts as worsening (domain.md: 1 point, Piva 2009)
};

/// The rules of a plan: its profile's defaults, then the plan's stored rules.
EngineRules engine_rules(const model::Plan& plan);
/// The rules of a plan document cut down to some fields (its "profile" and "rules" are enough).
EngineRules engine_rules(const nlohmann::json& plan);

/// The engine's verdicts.
enum class Verdict { progress, hold, regress, suspend };

/// "progress", "hold", "regress" or "suspend".
std::string to_string(Verdict v);

/// One decision about one completed session (or about a red flag on the athlete).
struct Decision {
  Verdict verdict = Verdict::hold;     ///< what happens next
  std::string session_id;              ///< the session it follows; empty for a flag on the athlete
  int from_step = 1;                   ///< plan step before the decision (1-based)
  int to_step = 1;                     ///< plan step after it
  int streak = 0;                      ///< acceptable sessions in a row at to_step afterwards
  int unacceptable_run = 0;            ///< unacceptable responses in a row afterwards
  std::optional<bool> acceptable;      ///< the response: true, false, or unknown (no evidence)
  bool review = false;                 ///< flag the athlete for clinician review
  std::string reason;                  ///< in words, e.g. "held at 15 % (step 3): no 24-h log after the 2026-12-03 session"
  bool redecision = false;             ///< made again because corrected evidence changed the stored decision
  std::vector<std::string> supersedes; ///< the history entries this re-decision replaces (first of a batch)
};

/// Everything the engine looks at.
struct EngineInput {
  model::Plan plan;                    ///< the plan (steps, state, rules, history)
  std::vector<SessionSummary> sessions;///< the athlete's sessions (any order; non-plan sessions are ignored)
  std::vector<PainRecord> pain;        ///< the athlete's pain log, corrections applied
  model::Athlete athlete;              ///< the athlete (baseline pain, flags)
  TimePoint now;                       ///< the evaluation time
  std::vector<CorrectionRecord> corrections;  ///< the corrections in the pain log
};

/// The engine's answer.
struct Evaluation {
  std::vector<Decision> decisions;     ///< new decisions, oldest first; the caller stores them
  std::optional<Decision> pending;     ///< a provisional hold while a follow-up log can still arrive (not stored)
  int step = 1;                        ///< current step after the new decisions
  int streak = 0;                      ///< acceptable sessions in a row at that step
  int unacceptable_run = 0;            ///< unacceptable responses in a row
  bool suspended = false;              ///< the plan is (now) suspended
};

/// Decides every completed plan session not yet decided, in order. Sessions that started before the
/// plan was made or before the latest clinician action (override, suspend, resume) are superseded.
/// A red flag logged since that action (significant swelling in any entry, a blocking clinician flag)
/// suspends the plan first. When a correction logged after a stored decision changes what the
/// evidence implies, the decisions from there on are made again (`redecision`).
Evaluation evaluate(const EngineInput& in);

}  // namespace lever::plan
