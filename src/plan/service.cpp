// Store access for the plan capability: loading sessions and pain logs, units, saving and auditing.
#include "lever/plan/service.hpp"

#include <fmt/format.h>

#include "lever/plan/templates.hpp"
#include "lever/store/athletes.hpp"
#include "lever/util/error.hpp"
#include "lever/util/ids.hpp"

namespace lever::plan {

using nlohmann::json;

std::vector<SessionSummary> sessions_for_athlete(const Store& store, const std::string& athlete,
                                                 std::vector<std::string>* problems) {
  std::vector<SessionSummary> out;
  const auto& c = collection("session");
  for (const auto& id : store.list(c)) {
    try {
      auto doc = store.load(c, id);
      if (doc && doc->value("athlete_id", "") == athlete) out.push_back(session_summary(*doc));
    } catch (const Error& e) {
      if (problems) problems->push_back(e.what());
    }
  }
  return out;
}

std::vector<PainRecord> pain_for_athlete(const Store& store, const std::string& athlete) {
  std::vector<PainRecord> out;
  for (const auto& e : store.read_log(collection("pain"), athlete)) out.push_back(pain_record(e));
  return out;
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

json require_plan(const Store& store, const std::string& athlete) {
  require_id("athlete", athlete);
  auto doc = store.load(collection("plan"), athlete);
  if (!doc) {
    require_athlete(store, athlete);
    throw Error(Exit::not_found, fmt::format("athlete '{}' has no plan", athlete),
                fmt::format("make one with 'lever plan new {}'", athlete));
  }
  return *doc;
}

json create_plan(Store& store, const std::string& athlete, const PlanRequest& req, const std::string& unit_flag,
                 bool replace, const std::string& user, TimePoint now, std::string& note) {
  require_id("athlete", athlete);
  json a = require_athlete(store, athlete);
  check_candidate(a, req.severity);
  profile(req.profile);
  if (store.has(collection("plan"), athlete) && !replace)
    throw Error(Exit::invalid_data, fmt::format("athlete '{}' already has a plan", athlete),
                fmt::format("see it with 'lever plan show {}'; start over with 'lever plan new {} --replace'", athlete, athlete));
  json tmpl = load_template(store, req.template_id);
  require_valid_template(tmpl, fmt::format("template '{}'", req.template_id));
  auto unit = resolve_unit(store, unit_flag, note);
  json plan = build_plan(req, a, tmpl, unit, user, now);
  if (!a.contains("cadence_spm"))
    note += fmt::format("\nno baseline cadence for '{}': cadence targets and load estimates need one "
                        "(lever athlete edit {} --cadence SPM, then lever plan new {} --replace)", athlete, athlete, athlete);
  else if (a["cadence_spm"].get<double>() > 170)
    // domain.md: cadence retraining is most useful at <= 170 steps/min (TREK).
    note += fmt::format("\nbaseline cadence {:g} steps/min is above 170: a cadence target helps most below that (TREK)",
                        a["cadence_spm"].get<double>());
  store.save(collection("plan"), athlete, plan);
  store.audit(user, replace ? "plan.replace" : "plan.new", athlete,
              {{"template", req.template_id}, {"severity", req.severity}, {"profile", req.profile},
               {"unit_id", plan["unit_id"]}, {"steps", plan["steps"].size()}});
  return plan;
}

PlanUpdate update_plan(Store& store, const std::string& athlete, const std::string& user, TimePoint now) {
  PlanUpdate u;
  u.plan = require_plan(store, athlete);
  json a = require_athlete(store, athlete);
  EngineInput in{u.plan, sessions_for_athlete(store, athlete), pain_for_athlete(store, athlete), a, now};
  u.evaluation = evaluate(in);
  u.added = apply_evaluation(u.plan, u.evaluation, user, now);
  if (u.added.empty()) return u;
  store.save(collection("plan"), athlete, u.plan);
  bool review = false;
  for (const auto& e : u.added) {
    store.audit(user, "plan.decision", athlete,
                {{"decision", e["decision"]}, {"session_id", e["session_id"]}, {"from_step", e["from_step"]},
                 {"to_step", e["to_step"]}, {"reason", e["reason"]}});
    review = review || e.value("review", false);
  }
  // domain.md: an unacceptable response is flagged for review; the athlete's "review" flag carries it.
  if (review) {
    set_athlete_flag(a, "review", u.added.back()["reason"].get<std::string>(), "engine", now);
    store.save(collection("athlete"), athlete, a);
    store.audit(user, "athlete.flag", athlete, {{"flag", "review"}, {"by", "engine"}});
  }
  return u;
}

void save_plan(Store& store, const json& plan, const std::string& user, const std::string& action, const json& details) {
  const std::string id = plan.at("athlete_id").get<std::string>();
  store.save(collection("plan"), id, plan);
  store.audit(user, action, id, details);
}

}  // namespace lever::plan
