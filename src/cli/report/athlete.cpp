#include "lever/cli/report/athlete.hpp"


namespace lever::report {

using nlohmann::json;

const std::vector<Column>& weekly_columns() {
  static const std::vector<Column> c = {
      {"week_start", "Week of"},
      {"sessions", "Sessions"},
      {"run_minutes", "Run min", CellKind::decimal1},
      {"mean_support_pct", "Support", CellKind::percent},
      {"mean_measured_support_pct", "Measured", CellKind::percent},
      {"mean_effective_mass_kg", "Runs as", CellKind::mass_kg},
      {"knee_load", "Knee load", CellKind::decimal1},
      {"knee_load_change_pct", "Load chg %", CellKind::decimal1},
      {"acute_chronic_ratio", "A:C", CellKind::decimal2},
      {"worst_pain_during", "Worst during"},
      {"mean_next_day_pain", "Next-day", CellKind::decimal1},
      {"decisions", "Decisions"},
  };
  return c;
}

const std::vector<Column>& session_columns() {
  static const std::vector<Column> c = {
      {"started_at", "Started", CellKind::time}, {"id", "Session"}, {"status", "Status"}, {"plan_step", "Step"},
      {"support_pct", "Support", CellKind::percent}, {"measured_support_pct", "Measured", CellKind::percent},
      {"run_minutes", "Run min", CellKind::decimal1}, {"max_pain_during", "Pain during"}, {"stop_reason", "Stop"}};
  return c;
}

const std::vector<Column>& decision_columns() {
  static const std::vector<Column> c = {{"at", "When", CellKind::time}, {"kind", "Kind"}, {"by", "By"},
                                        {"reason", "Reason"}};
  return c;
}

void print_athlete_report(Printer& out, Format format, const json& r) {
  if (format == Format::json) {
    out.json_value(r);
    return;
  }
  if (format != Format::table) {
    // Pipelines get the weekly table: one row per week, with the athlete ID on every row.
    std::vector<json> rows;
    for (auto w : r["weeks"]) {
      w["athlete_id"] = r["athlete"]["id"];
      rows.push_back(w);
    }
    auto cols = weekly_columns();
    cols.insert(cols.begin(), {"athlete_id", "Athlete"});
    cols.push_back({"run_min", "Run min"});  // new spelling at the end: positional CSV readers keep their columns
    out.records(cols, rows);
    return;
  }
  const json& a = r["athlete"];
  std::vector<Column> head = {{"id", "Athlete"}, {"name", "Name"}, {"mass_kg", "Mass", CellKind::mass_kg},
                              {"side", "Affected side"}, {"flags", "Flags"}};
  out.record(head, a);
  if (!r["plan"].is_null()) {
    out.heading("Plan");
    out.record({{"profile", "Profile"}, {"status", "Status"}, {"current_step", "Current step"},
                {"support_pct", "Support at that step", CellKind::percent}},
               r["plan"]);
  }
  out.heading("Week by week");
  out.records(weekly_columns(), r["weeks"].get<std::vector<json>>());
  if (r.value("acute_chronic_note", json()).is_string()) out.heading(r["acute_chronic_note"].get<std::string>());
  out.heading("Sessions");
  out.records(session_columns(), r["sessions"].get<std::vector<json>>());
  out.heading("Decisions");
  out.records(decision_columns(), r["decisions"].get<std::vector<json>>());
}

}  // namespace lever::report
