#include "lever/cli/report/clinic.hpp"

#include "lever/cli/report/html.hpp"
#include "lever/util/time.hpp"

namespace lever::report {

using nlohmann::json;

const std::vector<Column>& clinic_columns() {
  static const std::vector<Column> c = {
      {"athlete_id", "Athlete"}, {"plan_status", "Plan"}, {"plan_step", "Step"},
      {"support_pct", "Support", CellKind::percent}, {"last_session_at", "Last session", CellKind::time},
      {"last_session_status", "Result"}, {"follow_up", "Next-day log"}, {"red_flags", "Red flags"},
      {"review", "Review", CellKind::flag}};
  return c;
}

const std::vector<Column>& clinic_csv_columns() {
  static const std::vector<Column> c = [] {
    auto cols = clinic_columns();
    cols.push_back({"current_step", "Current step"});
    cols.push_back({"last_session_id", "Last session ID"});
    return cols;
  }();
  return c;
}

const std::vector<Column>& unit_columns() {
  static const std::vector<Column> c = {
      {"unit_id", "Unit"}, {"serial", "Serial"}, {"firmware", "Firmware"}, {"last_calibrated_at", "Calibrated", CellKind::time},
      {"result", "Result"}, {"due_at", "Due", CellKind::time}, {"status", "Status"}};
  return c;
}

std::string clinic_html(const std::vector<json>& athletes, const std::vector<json>& units) {
  std::string b = "<h1>Clinic overview</h1>\n<p class=\"meta\">Generated " + format_iso(now()) + " by lever</p>\n";
  b += "<h2>Athletes</h2>\n" + html_table(clinic_columns(), athletes);
  b += "<h2>Units</h2>\n" + html_table(unit_columns(), units);
  return html_page("lever: clinic overview", b);
}

}  // namespace lever::report
