#include "lever/report/session.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "lever/store/pain_log.hpp"
#include "lever/util/error.hpp"

namespace lever::report {

using nlohmann::json;

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

json session_report(Store& store, const std::string& sid, const ReportOptions& opt) {
  auto doc = store.load(collection("session"), sid);
  if (!doc)
    throw Error(Exit::not_found, fmt::format("no session '{}' in the store", sid),
                "'lever report athlete ATHLETE' lists an athlete's sessions with their IDs");
  const std::string athlete = doc->value("athlete_id", "");
  json warnings = json::array();
  json s = {{"session_id", sid},
            {"athlete_id", opt.deidentify ? pseudonym(pseudonym_salt(store), athlete) : athlete},
            {"unit_id", doc->value("unit_id", json(nullptr))},
            {"profile", doc->value("profile", json(nullptr))},
            {"plan_step", doc->value("plan_step", json(nullptr))},
            {"program", doc->contains("program") ? (*doc)["program"].value("name", json(nullptr)) : json(nullptr)},
            {"started_at", doc->value("started_at", "")},
            {"ended_at", doc->value("ended_at", json(nullptr))},
            {"status", doc->value("status", "")},
            {"stop_reason", doc->value("stop_reason", json(nullptr))},
            {"faults", doc->value("faults", json::array())},
            {"exit_code", doc->value("exit_code", json(nullptr))}};
  for (const char* k : {"support_pct", "measured_support_pct", "planned_duration_s", "duration_s", "run_s", "planned_distance_km",
                        "distance_km", "steps", "cadence_spm", "cadence_target_spm", "knee_load", "pain_before", "max_pain_during",
                        "pain_limit_during", "mass_kg"})
    s[k] = num_or_null(*doc, k);
  if (!opt.deidentify) {
    if (auto a = store.load(collection("athlete"), athlete); a && a->contains("name")) s["athlete_name"] = (*a)["name"];
    if (doc->contains("message")) s["message"] = (*doc)["message"];
  }
  if (s["status"] == "running")
    warnings.push_back(fmt::format("session {} is still marked running: it is in progress, or its lever was killed "
                                   "(the next 'lever run' marks it incomplete)",
                                   sid));

  // Pain check-ins: entries linked to the session, and unlinked 'during' entries inside its time span.
  auto started = parse_iso(s["started_at"].get<std::string>());
  auto ended = s["ended_at"].is_string() ? parse_iso(s["ended_at"].get<std::string>()) : std::nullopt;
  json pain = json::array();
  auto log = read_pain_log(store, athlete);
  warn_unreadable(log.problems);
  for (const auto& e : log.entries) {
    auto at = parse_iso(e.value("at", ""));
    bool linked = e.contains("session_id") && e["session_id"] == sid;
    bool inside = !e.contains("session_id") || e["session_id"].is_null();
    inside = inside && e.value("when", "") == "during" && at && started && *at >= *started && (!ended || *at <= *ended);
    if (!at || !(linked || inside)) continue;
    double t = started ? std::max(0.0, std::chrono::duration<double>(*at - *started).count()) : 0.0;
    pain.push_back({{"at", e.value("at", "")}, {"t_s", std::round(t * 10) / 10}, {"when", e.value("when", "")},
                    {"score", e.value("score", 0)}});
  }
  std::stable_sort(pain.begin(), pain.end(), [](const json& a, const json& b) { return a["t_s"] < b["t_s"]; });
  if (s["max_pain_during"].is_null())
    for (const auto& p : pain)
      if (p["when"] == "during") s["max_pain_during"] = std::max(s["max_pain_during"].is_null() ? 0 : s["max_pain_during"].get<int>(), p["score"].get<int>());

  std::vector<json> trace;
  if (!store.has(collection("telemetry"), sid)) {
    warnings.push_back(fmt::format("session {} has no telemetry (telemetry/{}.ndjson is missing): the summary is shown without the trace",
                                   sid, sid));
  } else {
    std::vector<StoreProblem> problems;
    for (const auto& r : store.read_log(collection("telemetry"), sid, &problems)) trace.push_back(trace_row(r));
    for (const auto& p : problems)
      warnings.push_back(fmt::format("telemetry of session {} is damaged: {} line {}: {}; the trace leaves that line out", sid, p.file,
                                     p.line, p.message));
    std::stable_sort(trace.begin(), trace.end(), [](const json& a, const json& b) { return a["t_s"] < b["t_s"]; });
    if (trace.empty() && problems.empty()) warnings.push_back(fmt::format("the telemetry of session {} is empty", sid));
  }
  s["telemetry_samples"] = trace.size();
  std::vector<json> faults = fault_onsets(trace);
  if (faults.empty() && !s["faults"].empty()) {
    // The loop stops sampling as a fault ends the run: the fault belongs at the end of the trace.
    std::vector<std::string> names;
    for (const auto& f : s["faults"])
      if (f.is_string()) names.push_back(f);
    double t = !trace.empty() ? trace.back().value("t_s", 0.0) : s["duration_s"].is_number() ? s["duration_s"].get<double>() : 0.0;
    faults.push_back({{"t_s", t}, {"faults", join(names, " ")}});
  }
  return {{"report", "session"},       {"generated_at", format_iso(now())},    {"deidentified", opt.deidentify},
          {"session", s},              {"pain", pain},                          {"fault_onsets", faults},
          {"trace_minutes", trace_minutes(trace)}, {"trace", trace},           {"warnings", warnings}};
}

}  // namespace lever::report
