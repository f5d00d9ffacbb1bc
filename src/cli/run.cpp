#include "lever/cli/run.hpp"

#include <cmath>
#include <iostream>

#include <fmt/format.h>

#include "lever/plan/knee_load.hpp"

namespace lever::run {

using nlohmann::json;

RunEnv run_env(Context& ctx) {
  return RunEnv{
      .store = ctx.store(),
      .user = ctx.user(),
      .ndjson = ctx.format() == Format::ndjson,
      .live_display = ctx.stderr_tty() && !ctx.g.quiet,
      .note = [&ctx](const std::string& msg) { ctx.note(msg); },
      .warn = [&ctx](const std::string& msg) { ctx.warn(msg); },
      .show_dry_run = [&ctx](const Program& program, const std::vector<Check>& checks, double mass_kg) {
        print_dry_run(ctx, program, checks, mass_kg);
      },
      .show_summary = [&ctx](const json& session) { print_summary(ctx, session); },
  };
}

void print_dry_run(Context& ctx, const Program& program, const std::vector<Check>& checks, double mass_kg) {
  static const std::vector<Column> phase_cols = {
      {"phase", "Phase"}, {"kind", "Kind"}, {"duration_s", "Duration (s)", CellKind::decimal1},
      {"support_pct", "Support", CellKind::percent}, {"support_force_n", "Force", CellKind::force_n},
      {"effective_mass_kg", "Effective", CellKind::mass_kg}, {"speed_kmh", "Speed", CellKind::speed_kmh},
      {"incline_pct", "Incline", CellKind::percent}, {"cadence_target_spm", "Cadence target"}};
  static const std::vector<Column> check_cols = {{"check", "Check"}, {"status", "Status"}, {"detail", "Detail"}, {"hint", "Hint"}};
  std::vector<json> phases, rows;
  for (const auto& p : program.phases)
    phases.push_back({{"phase", p.name}, {"kind", p.kind}, {"duration_s", p.duration_s}, {"support_pct", p.support_pct},
                      {"support_force_n", std::round(plan::support_force_n(mass_kg, p.support_pct) * 10) / 10},
                      {"effective_mass_kg", plan::effective_mass_kg(mass_kg, p.support_pct)}, {"speed_kmh", p.speed_kmh},
                      {"incline_pct", p.incline_pct},
                      {"cadence_target_spm", p.cadence_target_spm ? json(*p.cadence_target_spm) : json(nullptr)}});
  for (const auto& c : checks) rows.push_back({{"check", c.name}, {"status", c.status}, {"detail", c.detail}, {"hint", c.hint}});
  if (ctx.format() == Format::json || ctx.format() == Format::ndjson) {
    json doc = program_json(program);
    doc["phases"] = phases;
    ctx.out().json_value({{"dry_run", true}, {"program", doc}, {"checks", rows}});
    return;
  }
  ctx.out().heading(fmt::format("Program: {} ({:.1f} min, {:.2f} km)", program.name, program.total_s() / 60, program.distance_km()));
  ctx.out().records(phase_cols, phases);
  ctx.out().heading("Pre-flight checks (dry run: no unit contacted)");
  ctx.out().records(check_cols, rows);
}

const std::vector<Column>& summary_columns() {
  static const std::vector<Column> c = {
      {"session_id", "Session"},
      {"athlete_id", "Athlete"},
      {"status", "Status"},
      {"stop_reason", "Stop reason"},
      {"planned_duration_s", "Planned (s)", CellKind::decimal1},
      {"duration_s", "Actual (s)", CellKind::decimal1},
      {"run_s", "Running (s)", CellKind::decimal1},
      {"planned_distance_km", "Planned distance (km)", CellKind::decimal2},
      {"distance_km", "Distance (km)", CellKind::decimal2},
      {"steps", "Steps"},
      {"cadence_spm", "Cadence (spm)", CellKind::decimal1},
      {"cadence_target_spm", "Cadence target (spm)", CellKind::decimal1},
      {"support_pct", "Support", CellKind::percent},
      {"measured_support_pct", "Measured support", CellKind::percent},
      {"time_at_support_text", "Time at support"},
      {"knee_load", "Knee-load index", CellKind::decimal1},
      {"max_pain_during", "Max pain during"},
      {"exit_code", "Exit code"},
  };
  return c;
}

json summary_row(const json& s) {
  json row = {{"session_id", s.value("id", "")}, {"athlete_id", s.value("athlete_id", "")}};
  for (const auto& c : summary_columns()) {
    if (c.key == "session_id" || c.key == "athlete_id" || c.key == "time_at_support_text") continue;
    row[c.key] = s.contains(c.key) ? s[c.key] : json(nullptr);
  }
  std::string text;
  if (s.contains("time_at_support"))
    for (const auto& t : s["time_at_support"])
      text += fmt::format("{}{:g} %: {:.0f} s", text.empty() ? "" : ", ", t.value("support_pct", 0.0), t.value("duration_s", 0.0));
  row["time_at_support_text"] = text;
  row["time_at_support"] = s.contains("time_at_support") ? s["time_at_support"] : json::array();
  row["final_state"] = s.value("final_state", "");
  return row;
}

void print_summary(Context& ctx, const json& session) {
  json row = summary_row(session);
  if (ctx.format() == Format::ndjson) {
    json e = row;
    e["event"] = "end";
    std::cout << e.dump() << '\n' << std::flush;
  } else if (ctx.format() == Format::json) {
    ctx.out().json_value(row);
  } else {
    ctx.out().record(summary_columns(), row);
  }
}

}  // namespace lever::run
