#include "lever/report/athlete.hpp"

#include <algorithm>
#include <random>

#include <fmt/format.h>

#include "lever/plan/engine.hpp"
#include "lever/plan/knee_load.hpp"
#include "lever/plan/service.hpp"
#include "lever/store/pain_log.hpp"
#include "lever/store/athletes.hpp"
#include "lever/store/session_reader.hpp"
#include "lever/report/weekly.hpp"
#include "lever/util/error.hpp"

namespace lever::report {

using nlohmann::json;

std::string pseudonym(const std::string& salt, const std::string& id) {
  // FNV-1a over salt and ID: stable across runs and builds, and without the store's secret salt a
  // pseudonym cannot be matched back to an ID.
  std::uint64_t h = 1469598103934665603ull;
  for (char c : salt + "\x1f" + id) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  return fmt::format("r-{:010x}", h & 0xffffffffffull);
}

std::string pseudonym_salt(Store& store) {
  auto cfg = store.config();
  if (cfg.contains("pseudonym_salt") && cfg["pseudonym_salt"].is_string()) return cfg["pseudonym_salt"];
  auto lock = store.lock();
  cfg = store.config();
  if (!cfg.contains("pseudonym_salt")) {
    std::random_device rd;
    cfg["pseudonym_salt"] = fmt::format("{:08x}{:08x}{:08x}{:08x}", rd(), rd(), rd(), rd());
    store.set_config(cfg);
  }
  return cfg["pseudonym_salt"];
}

namespace {

// Why the A:C column reads "-" in the first weeks (domain.md: it needs 28 days of history), or null.
json acute_chronic_note(const std::vector<SessionFacts>& sessions) {
  std::vector<plan::DatedLoad> loads;
  for (const auto& s : sessions)
    if (s.knee_load) loads.push_back({s.started_at, *s.knee_load});
  auto from = plan::acute_chronic_from(loads);
  if (!from || now() >= *from) return nullptr;
  return fmt::format("A:C (acute:chronic load) needs 28 days of history: shown from {}, 28 days after the first session",
                     format_date(*from));
}

}  // namespace

json athlete_report(Store& store, const std::string& athlete, const ReportOptions& opt) {
  json a = require_athlete(store, athlete);
  std::string shown_id = opt.deidentify ? pseudonym(pseudonym_salt(store), athlete) : athlete;
  auto in_range = [&](TimePoint t) { return (!opt.since || t >= *opt.since) && (!opt.until || t <= *opt.until); };
  std::vector<SessionFacts> sessions;
  json session_rows = json::array();
  SessionQuery q;
  q.athlete = athlete;
  q.fields = {"id", "started_at", "status", "plan_step", "stop_reason", "run_minutes", "run_s", "duration_s",
              "support_pct", "measured_support_pct", "knee_load", "max_pain_during"};
  for (const auto& d : read_sessions(store, q)) {
    const json* doc = &d;
    auto f = session_facts(*doc);
    if (!in_range(f.started_at)) continue;
    sessions.push_back(f);
    json row = {{"id", f.id}, {"started_at", doc->value("started_at", "")}, {"status", f.status},
                {"plan_step", doc->value("plan_step", json())}, {"run_minutes", f.run_minutes},
                {"support_pct", f.support_pct ? json(*f.support_pct) : json()},
                {"measured_support_pct", f.measured_support_pct ? json(*f.measured_support_pct) : json()},
                {"knee_load", f.knee_load ? json(*f.knee_load) : json()},
                {"max_pain_during", f.max_pain_during ? json(*f.max_pain_during) : json()},
                {"stop_reason", doc->value("stop_reason", json())}};
    session_rows.push_back(row);
  }
  std::sort(session_rows.begin(), session_rows.end(), [](const json& x, const json& y) { return x["started_at"] < y["started_at"]; });
  std::vector<PainFacts> pain;
  auto log = read_pain_log(store, athlete);
  warn_unreadable(log.problems);
  for (const auto& e : log.entries) {
    auto t = parse_iso(e.value("at", ""));
    if (t && in_range(*t)) pain.push_back({*t, e.value("score", 0), e.value("when", "")});
  }
  std::vector<DecisionFacts> decisions;
  json plan_summary;
  json decision_rows = json::array();
  if (auto plan = store.load(collection("plan"), athlete)) {
    int step = plan->value("current_step", 1);
    json current;
    for (const auto& s : (*plan)["steps"])
      if (s.value("step", 0) == step) current = s;
    plan_summary = {{"profile", plan->value("profile", "")}, {"status", plan->value("status", "")},
                    {"current_step", step}, {"steps", (*plan)["steps"].size()},
                    {"support_pct", current.value("support_pct", json())}};
    for (const auto& h : (*plan)["history"]) {
      auto t = parse_iso(h.value("at", ""));
      if (!t || !in_range(*t)) continue;
      std::string kind = h.value("kind", "");
      std::string what = kind == "decision" ? h.value("decision", json()).is_string() ? h["decision"].get<std::string>() : "decision" : kind;
      std::string text = opt.deidentify ? what : fmt::format("{}: {}", what, h.value("reason", ""));
      decisions.push_back({*t, text});
      decision_rows.push_back({{"at", h.value("at", "")}, {"kind", kind}, {"decision", h.value("decision", json())},
                               {"by", opt.deidentify ? json(h.value("by", "") == "engine" ? "engine" : "clinician") : json(h.value("by", ""))},
                               {"from_step", h.value("from_step", json())}, {"to_step", h.value("to_step", json())},
                               {"reason", opt.deidentify ? json() : json(h.value("reason", ""))}});
    }
  }
  json flags = json::array();
  for (const auto& f : a.value("flags", json::array())) flags.push_back(f.value("flag", ""));
  json athlete_json = {{"id", shown_id}, {"mass_kg", a["mass_kg"]}, {"side", a.value("side", json())},
                       {"cadence_spm", a.value("cadence_spm", json())}, {"flags", flags},
                       {"blocked", !blocking_flags(a).empty()}};
  if (!opt.deidentify && a.contains("name")) athlete_json["name"] = a["name"];
  return {{"report", "athlete"},
          {"generated_at", format_iso(now())},
          {"since", opt.since ? json(format_iso(*opt.since)) : json()},
          {"until", opt.until ? json(format_iso(*opt.until)) : json()},
          {"deidentified", opt.deidentify},
          {"athlete", athlete_json},
          {"plan", plan_summary},
          {"weeks", weekly_rows(sessions, pain, decisions, a["mass_kg"].get<double>(), opt.since, opt.until)},
          {"acute_chronic_note", acute_chronic_note(sessions)},
          {"sessions", session_rows},
          {"decisions", decision_rows}};
}

}  // namespace lever::report
