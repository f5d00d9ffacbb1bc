#include "lever/report/clinic.hpp"

#include <map>

#include <fmt/format.h>

#include "lever/calibrate/check.hpp"
#include "lever/plan/engine.hpp"
#include "lever/store/pain_log.hpp"
#include "lever/store/athletes.hpp"
#include "lever/store/session_reader.hpp"
#include "lever/util/error.hpp"
#include "lever/util/parallel.hpp"

namespace lever::report {

using nlohmann::json;
using namespace std::chrono;

double follow_up_hours(const json& config) {
  if (config.contains("follow_up_hours") && config["follow_up_hours"].is_number()) return config["follow_up_hours"];
  return 36;
}

std::vector<json> clinic_rows(Store& store, const ReportOptions& opt, TimePoint now_t, std::vector<std::string>& left_out) {
  // Each athlete's newest session (the session reader picks them from its index).
  std::map<std::string, json> last;
  SessionQuery q;
  q.fields = {"id", "athlete_id", "started_at", "ended_at", "status"};
  q.skip_invalid = true;  // `store check` reports damaged documents; the overview shows the rest
  q.until = opt.until;
  q.newest_per_athlete = true;
  for (auto& d : read_sessions(store, q)) {
    std::string athlete = d.value("athlete_id", "");
    last[athlete] = std::move(d);
  }
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
    json row = {{"athlete_id", opt.deidentify ? pseudonym(salt, id) : id}};
    json flags = json::array();
    for (const auto& f : a->value("flags", json::array())) flags.push_back(f.value("flag", ""));
    row["red_flags"] = flags;
    row["plan_status"] = "none";
    row["review"] = false;
    plan::EngineRules rules;  // an athlete without a plan: the default evidence windows
    if (auto plan = store.load(collection("plan"), id, {"current_step", "status", "steps", "review", "profile", "rules"})) {
      rules = plan::engine_rules(*plan);
      int step = plan->value("current_step", 1);
      row["plan_status"] = plan->value("status", "");
      row["plan_step"] = step;
      for (const auto& s : (*plan)["steps"])
        if (s.value("step", 0) == step) row["support_pct"] = s.value("support_pct", json());
      row["review"] = plan->value("review", false);
    }
    row["follow_up"] = "-";
    auto found = last.find(id);
    if (found != last.end()) {
      const json& s = found->second;
      row["last_session_id"] = s.value("id", "");
      row["last_session_at"] = s.value("started_at", "");
      row["last_session_status"] = s.value("status", "");
      auto end = parse_iso(s.value("ended_at", json()).is_string() ? s["ended_at"].get<std::string>() : s.value("started_at", ""));
      // Logged: a next-day entry the engine counts, felt inside the window after the session (domain.md, Evidence).
      bool logged = false;
      for (const auto& e : apply_corrections(store.read_log_tail(collection("pain"), id, 20, {"id", "kind", "corrects", "when", "at"})).entries) {
        auto at = parse_iso(e.value("at", ""));
        if (e.value("when", "") != "next-day" || !end || !at) continue;
        auto since = duration<double, std::ratio<3600>>(*at - *end).count();
        if (*at > *end && since >= rules.follow_up_min_h && since <= rules.follow_up_window_h) logged = true;
      }
      if (logged) row["follow_up"] = "logged";
      else if (end && now_t - *end > duration<double, std::ratio<3600>>(grace_h)) row["follow_up"] = "missing";
      else row["follow_up"] = "due";
    }
    built[i] = std::move(row);
  });
  std::vector<json> rows;
  for (size_t i = 0; i < built.size(); ++i) {
    if (built[i]) rows.push_back(std::move(*built[i]));
    if (!unreadable[i].empty()) left_out.push_back(std::move(unreadable[i]));
  }
  return rows;
}

std::vector<json> unit_rows(const Store& store, TimePoint now_t, int due_within_days, std::vector<std::string>& left_out) {
  std::vector<json> rows;
  for (const auto& id : store.list(collection("unit"))) {
    std::optional<json> u;
    try {
      u = store.load(collection("unit"), id);
    } catch (const Error& e) {
      left_out.push_back(fmt::format("unit '{}' is left out: {}", id, e.what()));
      continue;
    }
    if (!u) continue;
    json row = {{"unit_id", id}, {"serial", u->value("serial", "")}, {"firmware", u->value("firmware", "")},
                {"status", "never calibrated"}};
    json last_pass, last_any;
    for (const auto& r : calib::calibration_history(store, id)) {
      if (r.value("kind", "") != "calibration") continue;
      last_any = r;
      if (r.value("result", "") == "pass") last_pass = r;
    }
    if (!last_any.is_null()) {
      row["last_calibrated_at"] = last_any.value("started_at", "");
      row["result"] = last_any.value("result", "");
    }
    if (!last_pass.is_null() && last_pass.value("due_at", json()).is_string()) {
      row["due_at"] = last_pass["due_at"];
      auto due = parse_iso(last_pass["due_at"].get<std::string>());
      if (due && *due < now_t) row["status"] = "overdue";
      else if (due && *due < now_t + hours(24 * due_within_days)) row["status"] = "due soon";
      else row["status"] = "ok";
    }
    if (!last_any.is_null() && last_any.value("result", "") != "pass") row["status"] = "last attempt " + last_any.value("result", "");
    rows.push_back(row);
  }
  return rows;
}

}  // namespace lever::report
