// The athlete report as a self-contained HTML page with SVG charts.
#include <fmt/format.h>

#include "lever/cli/report/athlete.hpp"
#include "lever/cli/report/html.hpp"
#include "lever/cli/report/svg.hpp"
#include "lever/plan/engine.hpp"
#include "lever/util/error.hpp"

using nlohmann::json;

namespace lever::report {

std::string athlete_report_html(const json& r) {
  const json& a = r["athlete"];
  std::string title = "lever: athlete report for " + a.value("id", "");
  std::string b = "<h1>Athlete report: " + html_escape(a.value("id", "")) +
                  (a.contains("name") ? " (" + html_escape(a.value("name", "")) + ")" : "") + "</h1>\n";
  b += "<p class=\"meta\">Generated " + html_escape(r.value("generated_at", "")) + " by lever" +
       (r.value("deidentified", false) ? " &middot; de-identified" : "") + "</p>\n";
  b += "<p>Body mass " + fmt::format("{:.1f}", a["mass_kg"].get<double>()) + " kg";
  if (a["side"].is_string()) b += " &middot; affected knee: " + html_escape(a["side"].get<std::string>());
  b += "</p>\n";
  if (!a["flags"].empty()) {
    std::string fl;
    for (const auto& f : a["flags"]) fl += (fl.empty() ? "" : ", ") + f.get<std::string>();
    b += "<p class=\"flag\">Flags: " + html_escape(fl) + (a.value("blocked", false) ? " (runs blocked)" : "") + "</p>\n";
  }
  int limit = 4;
  if (r["plan"].is_object()) {
    const json& p = r["plan"];
    try {
      limit = plan::profile(p.value("profile", std::string(model::default_profile().name))).during_limit;
    } catch (const Error&) {
    }
    b += fmt::format("<p>Plan: profile <b>{}</b>, {}, step {} of {}", html_escape(p.value("profile", "")),
                     html_escape(p.value("status", "")), p.value("current_step", 0), p.value("steps", 0));
    if (p["support_pct"].is_number()) b += fmt::format(" at {:.0f} % support", p["support_pct"].get<double>());
    b += "</p>\n";
  }
  const json& weeks = r["weeks"];
  LineChart pain_chart;
  pain_chart.title = "Pain against support, week by week";
  pain_chart.x_label = "week of";
  pain_chart.y_label = "pain (0-10)";
  pain_chart.y2_label = "support, % of body weight";
  pain_chart.y_min = 0;
  pain_chart.y_max = 10;
  pain_chart.y2_min = 0;  // support: lever's plans run 0-45 %; a fixed axis keeps weeks comparable
  pain_chart.y2_max = 50;
  Series worst{"worst pain during", {}, {}, "#c0392b", false, true, false};
  Series next{"mean next-day pain", {}, {}, "#e67e22", false, true, false};
  Series support{"mean support %", {}, {}, "#2471a3", false, false, true};
  LineChart load_chart;
  load_chart.title = "Knee-load index per week (reference-step equivalents)";
  load_chart.x_label = "week of";
  load_chart.y_label = "knee load";
  load_chart.y2_label = "acute:chronic ratio";
  Series load{"knee load", {}, {}, "#1e8449", false, false, false};
  Series acwr{"acute:chronic", {}, {}, "#7d3c98", true, false, true};
  for (size_t i = 0; i < weeks.size(); ++i) {
    const json& w = weeks[i];
    double x = static_cast<double>(i);
    pain_chart.x_ticks.push_back(w.value("week_start", "").substr(5));
    load_chart.x_ticks.push_back(w.value("week_start", "").substr(5));
    if (w["worst_pain_during"].is_number()) worst.x.push_back(x), worst.y.push_back(w["worst_pain_during"].get<double>());
    if (w["mean_next_day_pain"].is_number()) next.x.push_back(x), next.y.push_back(w["mean_next_day_pain"].get<double>());
    if (w["mean_support_pct"].is_number()) support.x.push_back(x), support.y.push_back(w["mean_support_pct"].get<double>());
    if (w["knee_load"].is_number()) load.x.push_back(x), load.y.push_back(w["knee_load"].get<double>());
    if (w["acute_chronic_ratio"].is_number()) acwr.x.push_back(x), acwr.y.push_back(w["acute_chronic_ratio"].get<double>());
  }
  pain_chart.series = {worst, next, support};
  pain_chart.thresholds.push_back({static_cast<double>(limit), fmt::format("during-run limit {}/10", limit)});
  load_chart.series = {load, acwr};
  b += "<h2>Pain and load</h2>\n" + render_svg(pain_chart) + render_svg(load_chart);
  b += "<p class=\"note\">The knee-load index is an estimate for trend monitoring, not a diagnosis. "
       "An acute:chronic ratio of 0.8-1.3 is the commonly cited safe band (Gabbett 2016).</p>\n";
  b += "<h2>Week by week</h2>\n" + html_table(weekly_columns(), weeks.get<std::vector<json>>());
  b += "<h2>Sessions</h2>\n" + html_table(session_columns(), r["sessions"].get<std::vector<json>>());
  b += "<h2>Decisions</h2>\n" + html_table(decision_columns(), r["decisions"].get<std::vector<json>>());
  return html_page(title, b);
}

}  // namespace lever::report
