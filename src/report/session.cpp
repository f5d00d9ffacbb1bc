#include "lever/report/session.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "lever/model/athlete.hpp"
#include "lever/model/session.hpp"
#include "lever/model/run_helpers.hpp"
#include "lever/store/pain_log.hpp"
#include "lever/store/typed.hpp"
#include "lever/util/error.hpp"

namespace lever::report {

using nlohmann::json;
using model::or_null;

namespace {

std::string join(const std::vector<std::string>& xs, const std::string& sep) {
  std::string s;
  for (const auto& x : xs) s += (s.empty() ? "" : sep) + x;
  return s;
}

json num_or_null(const json& doc, const char* key) {
  return doc.contains(key) && doc[key].is_number() ? doc[key] : json(nullptr);
}

// Running mean of one numeric field over the samples of a trace group.
struct Mean {
  double sum = 0;
  int n = 0;
  void add(const json& v) {
    if (v.is_number()) sum += v.get<double>(), ++n;
  }
  json get() const { return n ? json(std::round(sum / n * 10) / 10) : json(nullptr); }
};

}  // namespace

json trace_row(const json& s) {
  json row = {{"session_id", s.value("session_id", "")}, {"t_s", s.value("t_s", 0.0)}, {"at", s.value("at", "")},
              {"phase", s.value("phase", "")}, {"state", s.value("state", "")}};
  for (const char* k : {"support_target_pct", "support_measured_pct", "support_target_n", "support_measured_n", "speed_cmd_kmh",
                        "speed_kmh", "incline_pct", "cadence_spm"})
    row[k] = num_or_null(s, k);
  std::vector<std::string> faults;
  for (const auto& f : s.value("faults", json::array()))
    if (f.is_string()) faults.push_back(f);
  row["faults"] = join(faults, " ");
  return row;
}

std::vector<json> trace_minutes(const std::vector<json>& rows) {
  std::vector<json> out;
  size_t i = 0;
  while (i < rows.size()) {
    const double t0 = rows[i].value("t_s", 0.0);
    const double minute = std::floor(t0 / 60);  // compared as a double: a damaged t_s cannot overflow a cast
    const std::string phase = rows[i].value("phase", "");
    Mean target, measured, speed, incline, cadence;
    std::vector<std::string> states, faults;
    double t1 = t0;
    int n = 0;
    for (; i < rows.size(); ++i) {
      const json& r = rows[i];
      const double t = r.value("t_s", 0.0);
      if (std::floor(t / 60) != minute || r.value("phase", "") != phase) break;
      t1 = t;
      ++n;
      target.add(r["support_target_pct"]);
      measured.add(r["support_measured_pct"]);
      speed.add(r["speed_kmh"]);
      incline.add(r["incline_pct"]);
      cadence.add(r["cadence_spm"]);
      std::string st = r.value("state", "");
      if (!st.empty() && std::find(states.begin(), states.end(), st) == states.end()) states.push_back(st);
      std::string fs = r.value("faults", "");
      for (size_t p = 0; p < fs.size();) {
        size_t q = fs.find(' ', p);
        std::string f = fs.substr(p, q == std::string::npos ? std::string::npos : q - p);
        if (!f.empty() && std::find(faults.begin(), faults.end(), f) == faults.end()) faults.push_back(f);
        p = q == std::string::npos ? fs.size() : q + 1;
      }
    }
    out.push_back({{"from_s", t0}, {"to_s", t1}, {"samples", n}, {"phase", phase}, {"state", join(states, "/")},
                   {"support_target_pct", target.get()}, {"support_measured_pct", measured.get()}, {"speed_kmh", speed.get()},
                   {"incline_pct", incline.get()}, {"cadence_spm", cadence.get()}, {"faults", join(faults, " ")}});
  }
  return out;
}

std::vector<json> fault_onsets(const std::vector<json>& rows) {
  std::vector<json> out;
  std::string prev;
  for (const auto& r : rows) {
    std::string f = r.value("faults", "");
    if (!f.empty() && f != prev) out.push_back({{"t_s", r.value("t_s", 0.0)}, {"faults", f}});
    prev = f;
  }
  return out;
}

namespace {

// The summary record: the session's own fields, its athlete under a pseudonym when de-identified.
json session_summary(const model::Session& s, const std::string& sid, const std::string& shown_athlete) {
  return {{"session_id", sid},
          {"athlete_id", shown_athlete},
          {"unit_id", or_null(s.unit_id)},
          {"profile", or_null(s.profile)},
          {"plan_step", or_null(s.plan_step)},
          {"program", s.program ? json(s.program->name) : json(nullptr)},
          {"started_at", s.started_at},
          {"ended_at", or_null(s.ended_at)},
          {"status", s.status},
          {"stop_reason", or_null(s.stop_reason)},
          {"faults", s.faults ? json(*s.faults) : json::array()},
          {"exit_code", or_null(s.exit_code)},
          {"support_pct", or_null(s.support_pct)},
          {"measured_support_pct", or_null(s.measured_support_pct)},
          {"planned_duration_s", or_null(s.planned_duration_s)},
          {"duration_s", or_null(s.duration_s)},
          {"run_s", or_null(s.run_s)},
          {"planned_distance_km", or_null(s.planned_distance_km)},
          {"distance_km", or_null(s.distance_km)},
          {"steps", or_null(s.steps)},
          {"cadence_spm", or_null(s.cadence_spm)},
          {"cadence_target_spm", or_null(s.cadence_target_spm)},
          {"knee_load", or_null(s.knee_load)},
          {"pain_before", or_null(s.pain_before)},
          {"max_pain_during", or_null(s.max_pain_during)},
          {"pain_limit_during", or_null(s.pain_limit_during)},
          {"mass_kg", or_null(s.mass_kg)}};
}

// A pain entry checked in during a session, at t_s seconds after its start (to 0.1 s).
struct CheckIn {
  const model::PainEntry* entry;
  double t_s;
};

// The pain check-ins of session `sid`, by time: entries linked to it, and unlinked 'during' entries
// inside its time span.
std::vector<CheckIn> check_ins(const std::vector<model::PainEntry>& entries, const model::Session& s, const std::string& sid) {
  const TimePoint started = s.started_at.at;
  std::vector<CheckIn> out;
  for (const auto& e : entries) {
    const TimePoint at = e.at.at;
    bool linked = e.session_id == sid;
    bool inside = !e.session_id && e.when == model::PainWhen::during && at >= started && (!s.ended_at || at <= s.ended_at->at);
    if (!(linked || inside)) continue;
    double t = std::max(0.0, std::chrono::duration<double>(at - started).count());
    out.push_back({&e, std::round(t * 10) / 10});
  }
  std::stable_sort(out.begin(), out.end(), [](const CheckIn& a, const CheckIn& b) { return a.t_s < b.t_s; });
  return out;
}

// The check-ins as the report's pain rows.
json check_in_rows(const std::vector<CheckIn>& check_ins) {
  json rows = json::array();
  for (const auto& c : check_ins)
    rows.push_back({{"at", c.entry->at}, {"t_s", c.t_s}, {"when", c.entry->when}, {"score", c.entry->score}});
  return rows;
}

// The worst pain checked in during the run, for a session that did not record its own.
std::optional<int> worst_during(const std::vector<CheckIn>& check_ins) {
  std::optional<int> worst;
  for (const auto& c : check_ins)
    if (c.entry->when == model::PainWhen::during) worst = std::max(worst.value_or(0), c.entry->score);
  return worst;
}

// The telemetry as trace rows by time; a missing, damaged or empty log is named in `warnings`.
std::vector<json> read_trace(const Store& store, const std::string& sid, json& warnings) {
  std::vector<json> trace;
  if (!store.has(collection("telemetry"), sid)) {
    warnings.push_back(fmt::format("session {} has no telemetry (telemetry/{}.ndjson is missing): the summary is shown without the trace",
                                   sid, sid));
    return trace;
  }
  std::vector<StoreProblem> problems;
  for (const auto& r : store.read_log(collection("telemetry"), sid, &problems)) trace.push_back(trace_row(r));
  for (const auto& p : problems)
    warnings.push_back(fmt::format("telemetry of session {} is damaged: {} line {}: {}; the trace leaves that line out", sid, p.file,
                                   p.line, p.message));
  std::stable_sort(trace.begin(), trace.end(), [](const json& a, const json& b) { return a["t_s"] < b["t_s"]; });
  if (trace.empty() && problems.empty()) warnings.push_back(fmt::format("the telemetry of session {} is empty", sid));
  return trace;
}

}  // namespace

json session_report(Store& store, const std::string& sid, const ReportOptions& opt) {
  auto session = load_as<model::Session>(store, sid);
  if (!session)
    throw Error(Exit::not_found, fmt::format("no session '{}' in the store", sid),
                "'lever report athlete ATHLETE' lists an athlete's sessions with their IDs");
  const model::Session& doc = *session;
  const std::string& athlete = doc.athlete_id;
  json warnings = json::array();
  json s = session_summary(doc, sid, opt.deidentify ? pseudonym(pseudonym_salt(store), athlete) : athlete);
  // Always present: null when de-identified or not recorded.
  s["athlete_name"] = nullptr;
  s["message"] = nullptr;
  if (!opt.deidentify) {
    if (auto a = load_as<model::Athlete>(store, athlete); a && a->name) s["athlete_name"] = *a->name;
    s["message"] = or_null(doc.message);
  }
  if (doc.status == model::SessionStatus::running)
    warnings.push_back(fmt::format("session {} is still marked running: it is in progress, or its lever was killed "
                                   "(the next 'lever run' marks it incomplete)",
                                   sid));

  const auto log = read_pain_entries(store, athlete);
  warn_unreadable(log.problems);
  const auto pain = check_ins(log.entries, doc, sid);
  if (!doc.max_pain_during)
    if (auto worst = worst_during(pain)) s["max_pain_during"] = *worst;

  std::vector<json> trace = read_trace(store, sid, warnings);
  s["telemetry_samples"] = trace.size();
  std::vector<json> faults = fault_onsets(trace);
  if (faults.empty() && doc.faults && !doc.faults->empty()) {
    // The loop stops sampling as a fault ends the run: the fault belongs at the end of the trace.
    std::vector<std::string> names;
    for (auto f : *doc.faults) names.emplace_back(model::name(f));
    double t = !trace.empty() ? trace.back().value("t_s", 0.0) : doc.duration_s.value_or(0.0);
    faults.push_back({{"t_s", t}, {"faults", join(names, " ")}});
  }
  return {{"report", "session"},       {"generated_at", format_iso(now())},    {"deidentified", opt.deidentify},
          {"session", s},              {"pain", check_in_rows(pain)},           {"fault_onsets", faults},
          {"trace_minutes", trace_minutes(trace)}, {"trace", trace},           {"warnings", warnings}};
}

}  // namespace lever::report
