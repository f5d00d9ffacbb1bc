#include "lever/cli/report/session.hpp"


namespace lever::report {

using nlohmann::json;

const std::vector<Column>& trace_columns() {
  static const std::vector<Column> c = {
      {"session_id", "Session"},         {"t_s", "t (s)", CellKind::decimal1},
      {"at", "At", CellKind::time},      {"phase", "Phase"},
      {"state", "State"},                {"support_target_pct", "Target", CellKind::percent},
      {"support_measured_pct", "Measured", CellKind::percent},
      {"support_target_n", "Target N", CellKind::force_n},
      {"support_measured_n", "Measured N", CellKind::force_n},
      {"speed_cmd_kmh", "Speed cmd", CellKind::speed_kmh},
      {"speed_kmh", "Speed", CellKind::speed_kmh},
      {"incline_pct", "Incline", CellKind::percent},
      {"cadence_spm", "Cadence", CellKind::decimal1},
      {"faults", "Faults"},
  };
  return c;
}

const std::vector<Column>& trace_minute_columns() {
  static const std::vector<Column> c = {
      {"from_s", "From (s)", CellKind::decimal1},     {"to_s", "To (s)", CellKind::decimal1},
      {"phase", "Phase"},                             {"state", "State"},
      {"support_target_pct", "Target", CellKind::percent},
      {"support_measured_pct", "Measured", CellKind::percent},
      {"speed_kmh", "Speed", CellKind::speed_kmh},    {"incline_pct", "Incline", CellKind::percent},
      {"cadence_spm", "Cadence", CellKind::decimal1}, {"faults", "Faults"},
  };
  return c;
}

const std::vector<Column>& session_summary_columns() {
  static const std::vector<Column> c = {
      {"session_id", "Session"},
      {"athlete_id", "Athlete"},
      {"athlete_name", "Name"},
      {"unit_id", "Unit"},
      {"profile", "Profile"},
      {"plan_step", "Plan step"},
      {"program", "Program"},
      {"started_at", "Started", CellKind::time},
      {"ended_at", "Ended", CellKind::time},
      {"status", "Status"},
      {"stop_reason", "Stop reason"},
      {"support_pct", "Support set", CellKind::percent},
      {"measured_support_pct", "Support measured", CellKind::percent},
      {"planned_duration_s", "Planned (s)", CellKind::decimal1},
      {"duration_s", "Actual (s)", CellKind::decimal1},
      {"run_s", "Running (s)", CellKind::decimal1},
      {"planned_distance_km", "Planned distance (km)", CellKind::decimal2},
      {"distance_km", "Distance (km)", CellKind::decimal2},
      {"cadence_spm", "Cadence (spm)", CellKind::decimal1},
      {"cadence_target_spm", "Cadence target (spm)", CellKind::decimal1},
      {"knee_load", "Knee-load index", CellKind::decimal1},
      {"pain_before", "Pain before"},
      {"max_pain_during", "Max pain during"},
      {"pain_limit_during", "Pain limit during"},
      {"faults", "Faults"},
      {"exit_code", "Exit code"},
      {"telemetry_samples", "Telemetry samples"},
  };
  return c;
}

void print_session_report(Printer& out, Format format, const json& r) {
  if (format == Format::json) {
    out.json_value(r);
    return;
  }
  if (format != Format::table) {
    out.records(trace_columns(), r["trace"].get<std::vector<json>>());
    return;
  }
  auto cols = session_summary_columns();
  if (r["session"].value("athlete_name", json()).is_null()) cols.erase(cols.begin() + 2);
  out.record(cols, r["session"]);
  out.heading("Pain check-ins");
  out.records({{"t_s", "t (s)", CellKind::decimal1}, {"at", "At", CellKind::time}, {"when", "When"}, {"score", "Score"}},
              r["pain"].get<std::vector<json>>());
  out.heading("Trace, minute by minute (split where the phase changes)");
  out.records(trace_minute_columns(), r["trace_minutes"].get<std::vector<json>>());
}

}  // namespace lever::report
