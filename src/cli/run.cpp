#include "lever/cli/run.hpp"

#include <cmath>
#include <iostream>

#include <fmt/format.h>

#include "lever/model/run_helpers.hpp"
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
      .show_summary = [&ctx](const model::Session& session) { print_summary(ctx, session); },
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
  if (ctx.format() == Format::csv) return;  // one CSV table: the phases (the checks fail on stderr and in the exit code)
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

json summary_row(const model::Session& s) {
  using model::or_null;
  std::string text;
  const auto at_support = s.time_at_support.value_or(std::vector<model::SupportTime>{});
  for (const auto& t : at_support)
    text += fmt::format("{}{:g} %: {:.0f} s", text.empty() ? "" : ", ", t.support_pct, t.duration_s);
  return {{"session_id", s.id},
          {"athlete_id", s.athlete_id},
          {"status", s.status},
          {"stop_reason", or_null(s.stop_reason)},
          {"planned_duration_s", or_null(s.planned_duration_s)},
          {"duration_s", or_null(s.duration_s)},
          {"run_s", or_null(s.run_s)},
          {"planned_distance_km", or_null(s.planned_distance_km)},
          {"distance_km", or_null(s.distance_km)},
          {"steps", or_null(s.steps)},
          {"cadence_spm", or_null(s.cadence_spm)},
          {"cadence_target_spm", or_null(s.cadence_target_spm)},
          {"support_pct", or_null(s.support_pct)},
          {"measured_support_pct", or_null(s.measured_support_pct)},
          {"knee_load", or_null(s.knee_load)},
          {"max_pain_during", or_null(s.max_pain_during)},
          {"exit_code", or_null(s.exit_code)},
          {"time_at_support_text", text},
          {"time_at_support", at_support},
          {"final_state", s.final_state ? json(model::name(*s.final_state)) : json(nullptr)}};
}

void print_summary(Context& ctx, const model::Session& session) {
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
