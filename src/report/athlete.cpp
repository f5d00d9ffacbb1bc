#include "lever/report/athlete.hpp"

#include <algorithm>
#include <random>

#include <fmt/format.h>

#include "lever/model/athlete.hpp"
#include "lever/model/plan.hpp"
#include "lever/model/session.hpp"
#include "lever/plan/knee_load.hpp"
#include "lever/model/run_helpers.hpp"
#include "lever/report/weekly.hpp"
#include "lever/store/athletes.hpp"
#include "lever/store/pain_log.hpp"
#include "lever/store/session_reader.hpp"
#include "lever/store/typed.hpp"

namespace lever::report {

using nlohmann::json;
using model::or_null;

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

PainEntries read_pain_entries(const Store& store, const std::string& athlete) {
  auto log = read_pain_log(store, athlete);
  PainEntries out;
  out.entries.reserve(log.entries.size());
  for (const auto& e : log.entries)
    out.entries.push_back(from_stored<model::PainEntry>(e, fmt::format("a pain entry of athlete '{}'", athlete)));
  out.problems = std::move(log.problems);
  return out;
}

namespace {

// The report's window: [--since, --until], either end open.
struct Window {
  std::optional<TimePoint> since, until;
  bool contains(TimePoint t) const { return (!since || t >= *since) && (!until || t <= *until); }
};

// The athlete as the report shows it: a pseudonym and no name when de-identified.
json athlete_summary(const model::Athlete& a, const std::string& shown_id, bool deidentify) {
  json flags = json::array();
  for (const auto& f : a.flags) flags.push_back(f.flag);
  json out = {{"id", shown_id}, {"mass_kg", a.mass_kg}, {"side", or_null(a.side)}, {"cadence_spm", or_null(a.cadence_spm)},
              {"flags", flags}, {"blocked", !a.blocking_flags().empty()},
              {"name", deidentify ? json() : or_null(a.name)}};
  return out;
}

// One row of the session list. `id` and `run_minutes` are the deprecated spellings of `session_id`
// and `run_min` (written until 0.3.0).
json session_row(const model::Session& s, const SessionFacts& f) {
  return {{"session_id", f.id}, {"id", f.id}, {"started_at", s.started_at}, {"status", f.status}, {"plan_step", or_null(s.plan_step)},
          {"run_min", f.run_minutes}, {"run_minutes", f.run_minutes}, {"support_pct", or_null(f.support_pct)},
          {"measured_support_pct", or_null(f.measured_support_pct)}, {"knee_load", or_null(f.knee_load)},
          {"max_pain_during", or_null(f.max_pain_during)}, {"stop_reason", or_null(s.stop_reason)}};
}

// The athlete's sessions in the window: their facts (in ID order, as the weekly sums add them) and
// their rows (by start).
void read_athlete_sessions(const Store& store, const std::string& athlete, const Window& window,
                           std::vector<SessionFacts>& facts, json& rows) {
  SessionQuery q;
  q.athlete = athlete;
  q.fields = {"id", "athlete_id", "started_at", "status", "plan_step", "stop_reason", "run_s", "duration_s",
              "support_pct", "measured_support_pct", "knee_load", "max_pain_during"};
  std::vector<model::Session> sessions;
  for (const auto& d : read_sessions(store, q)) {
    auto s = d.get<model::Session>();  // cut down to the fields above: no round trip to check
    if (!window.contains(s.started_at.at)) continue;
    facts.push_back(session_facts(s));
    sessions.push_back(std::move(s));
  }
  std::vector<size_t> order(sessions.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(),
            [&](size_t x, size_t y) { return sessions[x].started_at.text < sessions[y].started_at.text; });
  for (size_t i : order) rows.push_back(session_row(sessions[i], facts[i]));
}

// The plan's state for the report's plan section; `steps` is the deprecated spelling of
// `steps_total` (written until 0.3.0).
json plan_summary(const model::Plan& plan) {
  const model::PlanStep* current = plan.step(plan.current_step);
  return {{"profile", plan.profile}, {"status", plan.status}, {"current_step", plan.current_step},
          {"steps_total", plan.steps.size()}, {"steps", plan.steps.size()},
          {"support_pct", current ? json(current->support_pct) : json()}};
}

// What a history entry was, in one word: the decision, else its kind.
std::string history_word(const model::HistoryEntry& h) {
  if (h.kind != model::HistoryKind::decision) return std::string(model::name(h.kind));
  return h.decision ? std::string(model::name(*h.decision)) : "decision";
}

// One row of the decision list; de-identified, without the reason and with "clinician" for a name.
json decision_row(const model::HistoryEntry& h, bool deidentify) {
  json by = deidentify ? json(h.by == "engine" ? "engine" : "clinician") : json(h.by);
  return {{"at", h.at}, {"kind", h.kind}, {"decision", or_null(h.decision)}, {"by", by}, {"from_step", h.from_step},
          {"to_step", h.to_step}, {"session_id", or_null(h.session_id)}, {"reason", deidentify ? json() : json(h.reason)}};
}

}  // namespace

json athlete_report(Store& store, const std::string& athlete, const ReportOptions& opt) {
  auto a = from_stored<model::Athlete>(require_athlete(store, athlete), fmt::format("athlete '{}'", athlete));
  std::string shown_id = opt.deidentify ? pseudonym(pseudonym_salt(store), athlete) : athlete;
  const Window window{opt.since, opt.until};
  std::vector<SessionFacts> sessions;
  json session_rows = json::array();
  read_athlete_sessions(store, athlete, window, sessions, session_rows);
  std::vector<PainFacts> pain;
  auto log = read_pain_entries(store, athlete);
  warn_unreadable(log.problems);
  for (const auto& e : log.entries)
    if (window.contains(e.at.at)) pain.push_back({e.at.at, e.score, e.when});
  std::vector<DecisionFacts> decisions;
  json plan;
  json decision_rows = json::array();
  if (auto p = load_as<model::Plan>(store, athlete)) {
    plan = plan_summary(*p);
    for (const auto& h : p->history) {
      if (!window.contains(h.at.at)) continue;
      std::string what = history_word(h);
      decisions.push_back({h.at.at, opt.deidentify ? what : fmt::format("{}: {}", what, h.reason)});
      decision_rows.push_back(decision_row(h, opt.deidentify));
    }
  }
  return {{"report", "athlete"},
          {"generated_at", format_iso(now())},
          {"since", opt.since ? json(format_iso(*opt.since)) : json()},
          {"until", opt.until ? json(format_iso(*opt.until)) : json()},
          {"deidentified", opt.deidentify},
          {"athlete", athlete_summary(a, shown_id, opt.deidentify)},
          {"plan", plan},
          {"weeks", weekly_rows(sessions, pain, decisions, a.mass_kg, opt.since, opt.until)},
          {"acute_chronic_note", acute_chronic_note(sessions)},
          {"sessions", session_rows},
          {"decisions", decision_rows}};
}

}  // namespace lever::report
