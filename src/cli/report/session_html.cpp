// The session report as a self-contained HTML page: summary, the trace charts, pain check-ins.
#include <algorithm>
#include <deque>

#include <fmt/format.h>

#include "lever/cli/report/html.hpp"
#include "lever/cli/report/session.hpp"
#include "lever/cli/report/svg.hpp"

using nlohmann::json;

namespace lever::report {

namespace {

// Phase bands shared by both charts: one band per run of samples in the same phase, alternating
// shades so neighbouring phases stay apart, darker for running phases.
std::vector<Band> phase_bands(const json& trace) {
  std::vector<Band> bands;
  for (const auto& r : trace) {
    double t = r.value("t_s", 0.0) / 60;
    std::string ph = r.value("phase", "");
    if (!bands.empty() && bands.back().label == ph) {
      bands.back().x1 = t;
      continue;
    }
    if (!bands.empty()) bands.back().x1 = t;
    bool run = ph.rfind("run", 0) == 0;
    bands.push_back({t, t, ph, run ? (bands.size() % 2 ? "#e3ecf5" : "#d6e4f0") : (bands.size() % 2 ? "#f3f3f3" : "#ebebeb")});
  }
  return bands;
}

// The measured support swings with every step; a trailing mean shows what the knee actually got.
constexpr double kSmoothS = 15;

void smooth_into(Series& out, const json& trace, const char* key) {
  std::deque<std::pair<double, double>> win;
  double sum = 0;
  for (const auto& row : trace) {
    if (!row[key].is_number()) continue;
    double t = row.value("t_s", 0.0), v = row[key].get<double>();
    win.emplace_back(t, v);
    sum += v;
    while (win.front().first < t - kSmoothS) sum -= win.front().second, win.pop_front();
    out.x.push_back(t / 60);
    out.y.push_back(sum / static_cast<double>(win.size()));
  }
}

std::vector<Marker> fault_markers(const json& onsets) {
  std::vector<Marker> m;
  for (const auto& f : onsets) m.push_back({f.value("t_s", 0.0) / 60, "fault: " + f.value("faults", std::string()), "#c0392b"});
  return m;
}

}  // namespace

std::string session_report_html(const json& r) {
  const json& s = r["session"];
  const std::string sid = s.value("session_id", "");
  std::string b = "<h1>Session report: " + html_escape(sid) + "</h1>\n";
  b += "<p class=\"meta\">Generated " + html_escape(r.value("generated_at", "")) + " by lever" +
       (r.value("deidentified", false) ? " &middot; de-identified" : "") + "</p>\n";
  b += "<p>Athlete <b>" + html_escape(s.value("athlete_id", "")) + "</b>" +
       (s.value("athlete_name", json()).is_string() ? " (" + html_escape(s.value("athlete_name", "")) + ")" : "") + " on unit " +
       html_escape(s["unit_id"].is_string() ? s["unit_id"].get<std::string>() : "-") + ": <b>" + html_escape(s.value("status", "")) +
       "</b>" + (s["stop_reason"].is_string() ? ", stopped for " + html_escape(s["stop_reason"].get<std::string>()) : "") + "</p>\n";
  if (s.contains("message") && s["message"].is_string()) b += "<p>" + html_escape(s["message"].get<std::string>()) + "</p>\n";
  for (const auto& w : r["warnings"]) b += "<p class=\"flag\">Warning: " + html_escape(w.get<std::string>()) + "</p>\n";
  auto cols = session_summary_columns();
  if (s.value("athlete_name", json()).is_null()) cols.erase(cols.begin() + 2);
  const auto half = cols.begin() + static_cast<long>((cols.size() + 1) / 2);
  b += "<h2>Summary</h2>\n<div class=\"cols summary\"><div>" + html_record({cols.begin(), half}, s) + "</div><div>" +
       html_record({half, cols.end()}, s) + "</div></div>\n";

  const json& trace = r["trace"];
  if (!trace.empty()) {
    auto bands = phase_bands(trace);
    auto markers = fault_markers(r["fault_onsets"]);
    LineChart sup;
    sup.title = "Support: target against measured, with pain check-ins";
    sup.x_label = "minutes since the start";
    sup.y_label = "support, % of body weight";
    sup.y2_label = "pain (0-10)";
    sup.y2_min = 0;
    sup.y2_max = 10;
    sup.bands = bands;
    sup.markers = markers;
    Series target{"target support %", {}, {}, "#2471a3", true, false, false};
    Series measured{fmt::format("measured support % ({:g} s mean)", kSmoothS), {}, {}, "#1e8449", false, false, false};
    Series pain{"pain check-in", {}, {}, "#c0392b", false, true, true};
    LineChart belt;
    belt.title = "Belt: speed and cadence";
    belt.x_label = "minutes since the start";
    belt.y_label = "speed, km/h";
    belt.y2_label = "cadence, steps/min";
    belt.bands = bands;
    belt.markers = markers;
    Series speed{"speed km/h", {}, {}, "#7d3c98", false, false, false};
    Series cadence{"cadence", {}, {}, "#e67e22", false, false, true};
    for (const auto& row : trace) {
      double x = row.value("t_s", 0.0) / 60;
      auto add = [&](Series& ser, const char* k) {
        if (row[k].is_number()) ser.x.push_back(x), ser.y.push_back(row[k].get<double>());
      };
      add(target, "support_target_pct");
      add(speed, "speed_kmh");
      add(cadence, "cadence_spm");
    }
    smooth_into(measured, trace, "support_measured_pct");
    double top = 0;
    for (double v : target.y) top = std::max(top, v);
    for (double v : measured.y) top = std::max(top, v);
    sup.y_min = 0;  // support axes with round steps (2, 5, 10, 15, 20 %) keep sessions comparable
    sup.y_max = 100;
    for (double m : {10.0, 25.0, 50.0, 75.0})
      if (top * 1.1 <= m) {
        sup.y_max = m;
        break;
      }
    for (const auto& p : r["pain"]) pain.x.push_back(p.value("t_s", 0.0) / 60), pain.y.push_back(p.value("score", 0));
    sup.series = {measured, target, pain};  // the target drawn last stays visible where they agree
    belt.series = {speed, cadence};
    b += "<h2>Trace</h2>\n" + render_svg(sup) + render_svg(belt);
    if (s["pain_limit_during"].is_number())
      b += fmt::format("<p class=\"note\">Pain limit during the run: {}/10 (profile {}). Shaded bands are the program's phases; "
                       "dashed red lines mark unit faults.</p>\n",
                       s["pain_limit_during"].get<int>(), html_escape(s["profile"].is_string() ? s["profile"].get<std::string>() : "-"));
  }
  b += "<h2>Pain check-ins</h2>\n" +
       html_table({{"t_s", "t (s)", CellKind::decimal1}, {"at", "At", CellKind::time}, {"when", "When"}, {"score", "Score"}},
                  r["pain"].get<std::vector<json>>());
  b += "<h2>Trace, minute by minute</h2>\n" + html_table(trace_minute_columns(), r["trace_minutes"].get<std::vector<json>>());
  return html_page("lever: session report " + sid, b, ".summary table.record td { font-weight: bold; }\n");
}

}  // namespace lever::report
