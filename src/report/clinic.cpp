#include "lever/report/clinic.hpp"

#include <map>

#include <fmt/format.h>

#include "lever/calibrate/check.hpp"
#include "lever/model/athlete.hpp"
#include "lever/model/calibration.hpp"
#include "lever/model/pain.hpp"
#include "lever/model/plan.hpp"
#include "lever/model/session.hpp"
#include "lever/model/unit.hpp"
#include "lever/plan/engine.hpp"
#include "lever/store/pain_log.hpp"
#include "lever/store/session_reader.hpp"
#include "lever/store/typed.hpp"
#include "lever/util/error.hpp"
#include "lever/util/parallel.hpp"

namespace lever::report {

using nlohmann::json;
using namespace std::chrono;

double follow_up_hours(const json& config) {
  if (config.contains("follow_up_hours") && config["follow_up_hours"].is_number()) return config["follow_up_hours"];
  return 36;
}

namespace {

// Each athlete's newest session, cut down to what the follow-up column reads (the session reader
// picks them from its index).
std::map<std::string, model::Session> newest_sessions(const Store& store, std::optional<TimePoint> until) {
  std::map<std::string, model::Session> last;
  SessionQuery q;
  q.fields = {"id", "athlete_id", "started_at", "ended_at", "status"};
  q.skip_invalid = true;  // `store check` reports damaged documents; the overview shows the rest
  q.until = until;
  q.newest_per_athlete = true;
  for (const auto& d : read_sessions(store, q)) {
    auto s = d.get<model::Session>();  // cut down to the fields above: no round trip to check
    last[s.athlete_id] = std::move(s);
  }
  return last;
}

// The plan columns of an athlete's row, from the plan cut down to them; returns the rules its
// follow-up window counts by (the default windows for an athlete without a plan).
plan::EngineRules add_plan_columns(const Store& store, const std::string& id, json& row) {
  row["plan_status"] = "none";
  row["current_step"] = nullptr;
  row["plan_step"] = nullptr;
  row["support_pct"] = nullptr;
  row["review"] = false;
  auto doc = store.load(collection("plan"), id, {"current_step", "status", "steps", "review", "profile", "rules"});
  if (!doc) return {};
  auto plan = doc->get<model::Plan>();  // cut down: no round trip to check
  row["plan_status"] = plan.status;
  row["current_step"] = plan.current_step;
  row["plan_step"] = plan.current_step;  // deprecated spelling of current_step (written until 0.3.0)
  if (const model::PlanStep* step = plan.step(plan.current_step)) row["support_pct"] = step->support_pct;
  row["review"] = plan.review;
  return plan::engine_rules(plan);
}

// The next-day log after a session: "logged" when the tail of the pain log holds a next-day entry
// the engine counts, felt inside the window after the session (domain.md, Evidence); else "missing"
// once the grace hours have passed, else "due".
std::string follow_up(const Store& store, const std::string& id, const model::Session& s, const plan::EngineRules& rules,
                      TimePoint now_t, double grace_h) {
  const TimePoint end = s.ended_at ? s.ended_at->at : s.started_at.at;
  auto tail = apply_corrections(store.read_log_tail(collection("pain"), id, 20, {"id", "kind", "corrects", "when", "at"}));
  // Newest first: the entry that counts is usually the last one, and only it is converted then.
  for (auto it = tail.entries.rbegin(); it != tail.entries.rend(); ++it) {
    auto e = it->get<model::PainEntry>();  // cut down: no round trip to check
    if (e.when != model::PainWhen::next_day) continue;
    auto since = duration<double, std::ratio<3600>>(e.at.at - end).count();
    if (e.at.at > end && since >= rules.follow_up_min_h && since <= rules.follow_up_window_h) return "logged";
  }
  if (now_t - end > duration<double, std::ratio<3600>>(grace_h)) return "missing";
  return "due";
}

// One athlete's row, from its athlete document and plan cut down to what the row shows.
json clinic_row(const Store& store, const std::string& id, const model::Athlete& athlete, const std::string& shown_id,
                const std::map<std::string, model::Session>& last, TimePoint now_t, double grace_h) {
  json row = {{"athlete_id", shown_id}};
  json flags = json::array();
  for (const auto& f : athlete.flags) flags.push_back(f.flag);
  row["red_flags"] = flags;
  plan::EngineRules rules = add_plan_columns(store, id, row);
  row["follow_up"] = "-";
  row["last_session_id"] = nullptr;
  row["last_session_at"] = nullptr;
  row["last_session_status"] = nullptr;
  if (auto found = last.find(id); found != last.end()) {
    const model::Session& s = found->second;
    row["last_session_id"] = s.id;
    row["last_session_at"] = s.started_at;
    row["last_session_status"] = s.status;
    row["follow_up"] = follow_up(store, id, s, rules, now_t, grace_h);
  }
  return row;
}

}  // namespace

std::vector<json> clinic_rows(Store& store, const ReportOptions& opt, TimePoint now_t, std::vector<std::string>& left_out) {
  const auto last = newest_sessions(store, opt.until);
  double grace_h = follow_up_hours(store.config());
  std::string salt = opt.deidentify ? pseudonym_salt(store) : "";
  // Each athlete's row reads three files of its own; the rows are built on every core, and an
  // error (a damaged plan) surfaces for the first such athlete in ID order, as a plain loop would.
  auto ids = store.list(collection("athlete"));
  std::vector<std::optional<json>> built(ids.size());
  std::vector<std::string> unreadable(ids.size());
  parallel_for(ids.size(), [&](size_t i, unsigned) {
    const std::string& id = ids[i];
    std::optional<json> a;
    try {
      a = store.load(collection("athlete"), id, {"flags"});
    } catch (const Error& e) {
      unreadable[i] = fmt::format("athlete '{}' is left out: {}", id, e.what());
      return;
    }
    if (!a) return;
    auto athlete = a->get<model::Athlete>();  // cut down to its flags: no round trip to check
    built[i] = clinic_row(store, id, athlete, opt.deidentify ? pseudonym(salt, id) : id, last, now_t, grace_h);
  });
  std::vector<json> rows;
  for (size_t i = 0; i < built.size(); ++i) {
    if (built[i]) rows.push_back(std::move(*built[i]));
    if (!unreadable[i].empty()) left_out.push_back(std::move(unreadable[i]));
  }
  return rows;
}

namespace {

// The calibration columns of a unit's row: its last calibration attempt, and from its last passing
// calibration when the next is due and whether that is soon.
void add_calibration_columns(const Store& store, const std::string& id, TimePoint now_t, int due_within_days, json& row) {
  const auto records = calib::calibration_records(store, id);
  const model::Calibration *last_pass = nullptr, *last_any = nullptr;
  for (const auto& r : records) {
    if (r.kind != model::CalibrationKind::calibration) continue;
    last_any = &r;
    if (r.result == model::CalibrationResult::pass) last_pass = &r;
  }
  if (last_any) {
    row["last_calibrated_at"] = last_any->started_at;
    row["result"] = last_any->result;
  }
  if (last_pass && last_pass->due_at) {
    row["due_at"] = *last_pass->due_at;
    const TimePoint due = last_pass->due_at->at;
    if (due < now_t) row["status"] = "overdue";
    else if (due < now_t + hours(24 * due_within_days)) row["status"] = "due soon";
    else row["status"] = "ok";
  }
  if (last_any && last_any->result != model::CalibrationResult::pass)
    row["status"] = "last attempt " + std::string(model::name(last_any->result));
}

}  // namespace

std::vector<json> unit_rows(const Store& store, TimePoint now_t, int due_within_days, std::vector<std::string>& left_out) {
  std::vector<json> rows;
  for (const auto& id : store.list(collection("unit"))) {
    std::optional<model::Unit> u;
    try {
      u = load_as<model::Unit>(store, id);
    } catch (const Error& e) {
      left_out.push_back(fmt::format("unit '{}' is left out: {}", id, e.what()));
      continue;
    }
    if (!u) continue;
    json row = {{"unit_id", id},          {"serial", u->serial}, {"firmware", u->firmware}, {"last_calibrated_at", nullptr},
                {"result", nullptr},       {"due_at", nullptr},   {"status", "never calibrated"}};
    add_calibration_columns(store, id, now_t, due_within_days, row);
    rows.push_back(row);
  }
  return rows;
}

}  // namespace lever::report
