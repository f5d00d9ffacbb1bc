// The plan capability over the store: loading what the engine needs, creating plans, running the
// engine and recording its decisions. Commands call these; the rules themselves live in the pure parts.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lever/plan/engine.hpp"
#include "lever/plan/plan.hpp"
#include "lever/store/store.hpp"
#include "lever/store/writer.hpp"
#include "lever/util/error.hpp"

namespace lever::plan {

/// The session fields the engine reads (SessionQuery::fields for session_summary).
const std::vector<std::string>& summary_fields();

/// The refusal to decide a plan on partial evidence: e (a session that cannot be read) with the repair.
Error partial_evidence(const Error& e, const std::string& athlete);

/// Every session summary of the athlete in the store (sessions/*.json with that athlete_id). A session
/// file that cannot be read throws Error(invalid_data) naming it: nothing is skipped silently.
std::vector<SessionSummary> sessions_for_athlete(const Store& store, const std::string& athlete);

/// Why a follow-up entry just logged (after, next-day) will not count as the response to a plan
/// session: felt before the session ended, outside the profile's window, or after no session at all.
/// nullopt when it counts, or when the athlete has no plan (nothing to count for).
std::optional<std::string> follow_up_note(const Store& store, const nlohmann::json& entry);

/// Brings the athlete's plan, if any, up to what its evidence implies (update_plan under the lock)
/// and returns the decisions it stored (none when nothing changed or there is no plan). Every
/// command that shows or uses a plan calls this first, so none sees a stale decision.
std::vector<model::HistoryEntry> refresh_plan(Store& store, const std::string& athlete, const std::string& user, TimePoint now);

/// Everything the engine reads for one athlete: sessions and the corrected pain log. Throws
/// Error(invalid_data) naming the file (and line) when any of it cannot be read: the engine never
/// decides on partial evidence.
EngineInput engine_input(const Store& store, const model::Plan& plan, const model::Athlete& athlete, TimePoint now);

/// The same with the athlete's sessions already read (the overviews read every session once).
EngineInput engine_input(const Store& store, const model::Plan& plan, const model::Athlete& athlete, TimePoint now,
                         std::vector<SessionSummary> sessions);

/// A decision stored for one athlete's plan.
struct StoredDecision {
  std::string athlete;        ///< whose plan
  model::HistoryEntry entry;  ///< the history entry stored
};

/// What bringing every plan up to its evidence did (refresh_all_plans).
struct RefreshAll {
  std::vector<StoredDecision> added;    ///< the decisions stored
  std::vector<std::string> not_decided; ///< why a plan could not be brought up to date (evidence unreadable)
};

/// Brings every athlete's plan up to what its evidence implies, for the overviews (report clinic,
/// today): every session is read once, the engine runs for each plan in parallel, and only a plan
/// whose evidence implies new decisions is saved (update_plan under the lock). A plan whose evidence
/// cannot be read is left as stored and named in not_decided, with the file; the others go on.
RefreshAll refresh_all_plans(Store& store, const std::string& user, TimePoint now);

/// The unit whose capacity a plan is checked against: --unit (Error(not_found) if absent from the
/// store), else the only unit in the store, else none; `why` says which (for a note).
std::optional<UnitCapacity> resolve_unit(const Store& store, const std::string& unit_flag, std::string& why);

/// The athlete's plan, or Error(not_found) with a hint to create one.
model::Plan require_plan(const Store& store, const std::string& athlete);

/// Creates (or with `replace`, replaces) the athlete's plan and audits it, with the writer's lock.
model::Plan create_plan(StoreWriter& w, const std::string& athlete, const PlanRequest& req,
                           const std::string& unit_flag, bool replace, const std::string& user, TimePoint now,
                           std::string& note);

/// The result of bringing a plan up to date.
struct PlanUpdate {
  model::Plan plan;                   ///< the plan after the new decisions
  Evaluation evaluation;              ///< what the engine said
  std::vector<model::HistoryEntry> added;  ///< the history entries just stored
  std::vector<SessionSummary> sessions;  ///< the athlete's sessions the engine read (callers reuse them: one read)
};

/// Runs the engine on the athlete's plan and stores its new decisions (idempotent: a session is
/// decided once), audits them and sets the athlete's review flag on an unacceptable response, with
/// the writer's lock.
PlanUpdate update_plan(StoreWriter& w, const std::string& athlete, const std::string& user, TimePoint now);

/// Saves a plan after a clinician's action and audits it (action e.g. "plan.override").
void save_plan(StoreWriter& w, const model::Plan& plan, const std::string& user, const std::string& action,
               const nlohmann::json& details);

}  // namespace lever::plan
