// Store access for the plan capability: loading sessions and pain logs, units, saving and auditing.
#include "lever/plan/service.hpp"

#include <fmt/format.h>

#include "lever/plan/response.hpp"
#include "lever/plan/templates.hpp"
#include "lever/store/pain_log.hpp"
#include "lever/store/session_reader.hpp"
#include "lever/store/athletes.hpp"
#include "lever/store/typed.hpp"
#include "lever/util/error.hpp"
#include "lever/util/ids.hpp"

namespace lever::plan {

using nlohmann::json;

Error partial_evidence(const Error& e, const std::string& athlete) {
  return Error(Exit::invalid_data, fmt::format("{}; lever will not decide the plan of '{}' on partial evidence", e.what(), athlete),
               "'lever store check' lists every damaged record; restore the file from a backup or remove it, then try again");
}

const std::vector<std::string>& summary_fields() {
  static const std::vector<std::string> f = {"id", "athlete_id", "started_at", "ended_at", "status", "plan_step", "support_pct",
                                             "measured_support_pct", "max_pain_during", "stop_reason"};
  return f;
}

std::vector<SessionSummary> sessions_for_athlete(const Store& store, const std::string& athlete) {
  // Through the session reader: a session file unchanged since the last read is not opened again.
  SessionQuery q;
  q.athlete = athlete;
  q.fields = summary_fields();
  std::vector<SessionSummary> out;
  for (const auto& doc : read_sessions(store, q)) out.push_back(session_summary(doc));
  return out;
}

EngineInput engine_input(const Store& store, const model::Plan& plan, const model::Athlete& athlete_doc, TimePoint now) {
  const std::string& athlete = athlete_doc.id;
  std::vector<SessionSummary> sessions;
  try {
    sessions = sessions_for_athlete(store, athlete);
  } catch (const Error& e) {
    if (e.code() != Exit::invalid_data) throw;
    throw partial_evidence(e, athlete);
  }
  return engine_input(store, plan, athlete_doc, now, std::move(sessions));
}

EngineInput engine_input(const Store& store, const model::Plan& plan, const model::Athlete& athlete_doc, TimePoint now,
                         std::vector<SessionSummary> sessions) {
  const std::string& athlete = athlete_doc.id;
  EngineInput in{plan, std::move(sessions), {}, athlete_doc, now, {}};
  auto log = read_pain_log(store, athlete);
  refuse_unreadable(log.problems, fmt::format("the pain log of '{}'", athlete));
  for (const auto& e : log.entries) in.pain.push_back(pain_record(e));
  for (const auto& c : log.corrections) in.corrections.push_back(correction_record(c));
  return in;
}

std::optional<UnitCapacity> resolve_unit(const Store& store, const std::string& unit_flag, std::string& why) {
  const auto& c = collection("unit");
  std::string id = unit_flag;
  if (id.empty()) {
    auto ids = store.list(c);
    if (ids.size() != 1) {
      why = ids.empty() ? "no unit in the store: support forces were not checked against a unit's capacity"
                        : "several units in the store: name one with --unit to check support forces against its capacity";
      return std::nullopt;
    }
    id = ids.front();
  }
  require_id("unit", id);
  auto doc = store.load(c, id);
  if (!doc)
    throw Error(Exit::not_found, fmt::format("no unit '{}' in the store", id),
                "units are recorded when lever first talks to them ('lever unit info'); or leave out --unit");
  const json& lim = (*doc)["limits"];
  UnitCapacity u{id, lim.value("max_support_force_n", 0.0), lim.value("min_support_force_n", 0.0)};
  why = fmt::format("support forces checked against unit {} (at most {:.0f} N)", id, u.max_force_n);
  return u;
}

model::Plan require_plan(const Store& store, const std::string& athlete) {
  require_id("athlete", athlete);
  auto doc = load_as<model::Plan>(store, athlete);
  if (!doc) {
    require_athlete(store, athlete);
    throw Error(Exit::not_found, fmt::format("athlete '{}' has no plan", athlete),
                fmt::format("make one with 'lever plan new {}'", athlete));
  }
  return *doc;
}

model::Plan create_plan(StoreWriter& w, const std::string& athlete, const PlanRequest& req, const std::string& unit_flag,
                        bool replace, const std::string& user, TimePoint now, std::string& note) {
  const Store& store = w.store();
  require_id("athlete", athlete);
  const auto a = from_stored<model::Athlete>(require_athlete(store, athlete), fmt::format("athlete '{}'", athlete));
  check_candidate(a, req.severity);
  profile(req.profile);
  if (store.has(collection("plan"), athlete) && !replace)
    throw Error(Exit::invalid_data, fmt::format("athlete '{}' already has a plan", athlete),
                fmt::format("see it with 'lever plan show {}'; start over with 'lever plan new {} --replace'", athlete, athlete));
  json tmpl = load_template(store, req.template_id);
  require_valid_template(tmpl, fmt::format("template '{}'", req.template_id));
  auto unit = resolve_unit(store, unit_flag, note);
  model::Plan plan = build_plan(req, a, tmpl, unit, user, now);
  if (!a.cadence_spm)
    note += fmt::format("\nno baseline cadence for '{}': cadence targets and load estimates need one "
                        "(lever athlete edit {} --cadence SPM, then lever plan new {} --replace)", athlete, athlete, athlete);
  else if (*a.cadence_spm > 170)
    // domain.md: cadence retraining is most useful at <= 170 steps/min (TREK).
    note += fmt::format("\nbaseline cadence {:g} steps/min is above 170: a cadence target helps most below that (TREK)",
                        *a.cadence_spm);
  save_as(w, plan,
          {{user, replace ? "plan.replace" : "plan.new", athlete,
            {{"template", req.template_id}, {"severity", req.severity}, {"profile", req.profile},
             {"unit_id", plan.unit_id ? json(*plan.unit_id) : json(nullptr)}, {"steps", plan.steps.size()}}}});
  return plan;
}

PlanUpdate update_plan(StoreWriter& w, const std::string& athlete, const std::string& user, TimePoint now) {
  const Store& store = w.store();
  PlanUpdate u;
  u.plan = require_plan(store, athlete);
  json a = require_athlete(store, athlete);
  EngineInput in = engine_input(store, u.plan, from_stored<model::Athlete>(a, fmt::format("athlete '{}'", athlete)), now);
  u.sessions = in.sessions;
  u.evaluation = evaluate(in);
  u.added = apply_evaluation(u.plan, u.evaluation, user, now);
  if (u.added.empty()) return u;
  std::vector<AuditEntry> decisions;
  bool review = false;
  for (const auto& e : u.added) {
    const json entry = e;
    decisions.push_back({user, "plan.decision", athlete,
                         {{"decision", entry["decision"]}, {"session_id", entry["session_id"]}, {"from_step", e.from_step},
                          {"to_step", e.to_step}, {"reason", e.reason}}});
    review = review || e.review.value_or(false);
  }
  save_as(w, u.plan, decisions);
  // domain.md: an unacceptable response is flagged for review; the athlete's "review" flag carries it.
  if (review) {
    set_athlete_flag(a, "review", u.added.back().reason, "engine", now);
    w.save(collection("athlete"), athlete, a, {{user, "athlete.flag", athlete, {{"flag", "review"}, {"by", "engine"}}}});
  }
  return u;
}

std::optional<std::string> follow_up_note(const Store& store, const json& entry) {
  PainRecord p = pain_record(entry);
  const std::string athlete = entry.value("athlete_id", "");
  if (p.when != model::PainWhen::after && p.when != model::PainWhen::next_day) return std::nullopt;
  auto plan = load_as<model::Plan>(store, athlete);
  if (!plan) return std::nullopt;
  const Profile& prof = plan->profile_row();
  if (p.when == model::PainWhen::after && !prof.after_60min) return std::nullopt;  // not a follow-up score under this profile
  // The session it answers: the linked one, else the latest plan session that started before it.
  std::optional<SessionSummary> target;
  for (const auto& s : sessions_for_athlete(store, athlete)) {
    if (!s.plan_step) continue;
    if (!p.session_id.empty() ? s.id == p.session_id : (s.started_at <= p.at && (!target || s.started_at > target->started_at)))
      target = s;
  }
  if (!target)
    return fmt::format("entry {} will not count as the response to any session: no plan session of '{}' started before it",
                       p.id, athlete);
  if (target->status == model::SessionStatus::running)
    return fmt::format("entry {} will not count for session {}: that session has not ended yet", p.id, target->id);
  if (auto why = follow_up_problem(prof, engine_rules(*plan), session_end(*target), p))
    return fmt::format("entry {} will not count as the response to session {}: {}", p.id, target->id, *why);
  return std::nullopt;
}

std::vector<model::HistoryEntry> refresh_plan(Store& store, const std::string& athlete, const std::string& user, TimePoint now) {
  require_id("athlete", athlete);
  if (!store.has(collection("plan"), athlete)) return {};
  StoreWriter w(store);
  return update_plan(w, athlete, user, now).added;
}

void save_plan(StoreWriter& w, const model::Plan& plan, const std::string& user, const std::string& action, const json& details) {
  save_as(w, plan, {{user, action, plan.athlete_id, details}});
}

}  // namespace lever::plan
