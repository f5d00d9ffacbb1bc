#include "lever/run/report.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "lever/plan/knee_load.hpp"
#include "lever/run/summary.hpp"

namespace lever::run {

using nlohmann::json;

std::optional<double> session_support_pct(const Program& program) {
  std::optional<double> s;
  for (const auto& p : program.phases)
    if (p.kind == "run") s = std::max(s.value_or(0.0), p.support_pct);
  if (!s && !program.phases.empty()) s = program.phases.front().support_pct;
  return s;
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

}  // namespace lever::run
