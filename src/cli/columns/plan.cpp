#include "lever/cli/columns/plan.hpp"

namespace lever::plan {

const std::vector<Column>& plan_list_columns() {
  static const std::vector<Column> cols = {
      {"athlete_id", "Athlete"}, {"status", "Status"}, {"current_step", "Step"}, {"steps_total", "Of"},
      {"support_pct", "Support", CellKind::percent}, {"profile", "Profile"}, {"template_id", "Template"},
      {"review", "Review", CellKind::flag}, {"updated_at", "Updated", CellKind::time}, {"latest", "Latest"}};
  return cols;
}

const std::vector<Column>& plan_summary_columns() {
  static const std::vector<Column> cols = {
      {"athlete_id", "Athlete"}, {"template_id", "Template"}, {"severity", "Presentation"}, {"profile", "Profile"},
      {"status", "Status"}, {"suspension_reason", "Suspended because"}, {"current_step", "Current step"},
      {"steps_total", "Steps"}, {"streak", "Acceptable in a row"}, {"consecutive_required", "Needed to progress"},
      {"sessions_per_week", "Sessions per week"}, {"min_rest_days", "Rest days between runs"},
      {"mass_kg", "Mass", CellKind::mass_kg}, {"baseline_cadence_spm", "Baseline cadence (steps/min)"},
      {"unit_id", "Unit checked"}, {"review", "Awaiting review", CellKind::flag}, {"created_at", "Created", CellKind::time}};
  return cols;
}

const std::vector<Column>& step_columns() {
  static const std::vector<Column> cols = {
      {"step", "Step"}, {"current", "Now", CellKind::flag}, {"support_pct", "Support", CellKind::percent},
      {"support_force_n", "Force", CellKind::force_n}, {"effective_mass_kg", "Runs as", CellKind::mass_kg},
      {"run_min", "Run min"}, {"walk_min", "Walk min"},
      {"duration_min", "Minutes"}, {"speed_kmh", "Speed", CellKind::speed_kmh}, {"cadence_target_spm", "Cadence target"},
      {"load_per_session", "Load/session"}, {"load_per_week", "Load/week"}};
  return cols;
}

const std::vector<Column>& history_columns() {
  static const std::vector<Column> cols = {
      {"at", "When", CellKind::time}, {"kind", "Kind"}, {"decision", "Decision"}, {"from_step", "From"},
      {"to_step", "To"}, {"session_id", "Session"}, {"by", "By"}, {"reason", "Reason"}};
  return cols;
}

const std::vector<Column>& next_columns() {
  static const std::vector<Column> cols = {
      {"athlete_id", "Athlete"}, {"step", "Step"}, {"steps_total", "Of"}, {"support_pct", "Support", CellKind::percent},
      {"support_force_n", "Support force", CellKind::force_n}, {"run_min", "Run (min)"}, {"walk_min", "Walk (min)"},
      {"duration_min", "Duration (min)"}, {"speed_kmh", "Speed", CellKind::speed_kmh},
      {"walk_speed_kmh", "Walk speed", CellKind::speed_kmh}, {"incline_pct", "Incline", CellKind::percent},
      {"cadence_target_spm", "Cadence target (steps/min)"}, {"effective_mass_kg", "Runs as", CellKind::mass_kg},
      {"not_before", "Not before"}, {"decision", "Decision"}, {"reason", "Why"}};
  return cols;
}

const std::vector<Column>& template_summary_columns() {
  static const std::vector<Column> cols = {
      {"id", "Template"}, {"title", "Title"}, {"description", "Description"}, {"source", "Source"},
      {"sessions_per_week", "Sessions per week"}, {"min_rest_days", "Rest days"},
      {"cadence_increase_pct", "Cadence increase", CellKind::percent}, {"speed_kmh", "Speed", CellKind::speed_kmh}};
  return cols;
}

const std::vector<Column>& template_step_columns() {
  static const std::vector<Column> cols = {
      {"step", "Step"}, {"support_pct", "Support", CellKind::percent}, {"run_min", "Run min"},
      {"walk_min", "Walk min"}, {"duration_min", "Minutes"}};
  return cols;
}

const std::vector<Column>& template_step_csv_columns() {
  static const std::vector<Column> cols = {
      {"severity", "Presentation"}, {"step", "Step"}, {"support_pct", "Support", CellKind::percent},
      {"run_min", "Run min"}, {"walk_min", "Walk min"}, {"duration_min", "Minutes"},
      {"speed_kmh", "Speed", CellKind::speed_kmh}, {"note", "Note"}};
  return cols;
}

const std::vector<Column>& validation_problem_columns() {
  static const std::vector<Column> cols = {{"pointer", "Where (JSON Pointer)"}, {"problem", "Problem"}};
  return cols;
}

const std::vector<Column>& template_columns() {
  static const std::vector<Column> cols = {
      {"id", "Template"}, {"origin", "Origin"}, {"mild_steps", "Mild steps"}, {"moderate_steps", "Moderate steps"},
      {"title", "Title"}};
  return cols;
}

}  // namespace lever::plan
