#include "lever/run/program.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "lever/model/program_helpers.hpp"
#include "lever/store/schemas.hpp"
#include "lever/util/error.hpp"
#include "lever/util/text.hpp"

namespace lever::run {

using nlohmann::json;
using model::PhaseKind;

double Program::total_s() const {
  double t = 0;
  for (const auto& p : phases) t += p.duration_s;
  return t;
}

double Program::distance_km() const {
  double d = 0;
  for (const auto& p : phases) d += p.speed_kmh * p.duration_s / 3600.0;
  return d;
}

Program program_from_step(const model::PlanStep& step) {
  Program p;
  p.source = "plan";
  p.plan_step = step.step;
  const double support = step.support_pct;
  const double incline = step.incline_pct;
  const double walk_speed = step.walk_speed_kmh;
  const double run_speed = step.speed_kmh;
  const std::optional<double> cadence = step.cadence_target_spm;
  const double total = step.duration_min * 60.0;
  const double run_s = step.run_min * 60.0;
  const double walk_s = step.walk_min * 60.0;
  p.name = fmt::format("plan step {}: {:g} % support, run {:g} min / walk {:g} min for {:g} min", *p.plan_step, support,
                       run_s / 60, walk_s / 60, total / 60);
  // Warm-up and cool-down walk on level ground: the knee meets load gradually (lever's choice).
  p.phases.push_back({"warm-up", PhaseKind::warm_up, kWarmupS, support, walk_speed, 0, std::nullopt});
  const double cycle = run_s + walk_s;
  const int cycles = walk_s <= 0 ? 1 : static_cast<int>(std::ceil(total / cycle - 1e-9));
  double left = total;
  for (int i = 1; i <= cycles && left > 1e-9; ++i) {
    double r = walk_s <= 0 ? left : std::min(run_s, left);
    p.phases.push_back({fmt::format("run {}/{}", i, cycles), PhaseKind::run, r, support, run_speed, incline, cadence});
    left -= r;
    if (walk_s > 0 && left > 1e-9) {
      double w = std::min(walk_s, left);
      p.phases.push_back({fmt::format("walk {}/{}", i, cycles), PhaseKind::walk, w, support, walk_speed, incline, std::nullopt});
      left -= w;
    }
  }
  p.phases.push_back({"cool-down", PhaseKind::cool_down, kWarmupS, support, walk_speed, 0, std::nullopt});
  return p;
}

Program program_from_args(double support_pct, double speed_kmh, double incline_pct, double minutes) {
  // The command line obeys the same limits as a program file, named by the option that broke one.
  json doc = {{"phases", json::array({{{"duration_s", minutes * 60.0}, {"support_pct", support_pct},
                                        {"speed_kmh", speed_kmh}, {"incline_pct", incline_pct}}})}};
  if (auto issues = program_problems(doc); !issues.empty()) {
    const auto& i = issues.front();
    std::string option = i.pointer == "/phases/0/support_pct" ? "--support"
                         : i.pointer == "/phases/0/speed_kmh" ? "--speed"
                         : i.pointer == "/phases/0/incline_pct" ? "--incline"
                                                                 : "--minutes";
    throw Error(Exit::usage, fmt::format("{}: {}", option, i.message), "see lever-run(1) and schemas/program.schema.json");
  }
  Program p;
  p.source = "command line";
  p.name = fmt::format("{:g} % support at {:g} km/h, {:g} % incline for {:g} min", support_pct, speed_kmh, incline_pct, minutes);
  p.phases.push_back({"run", PhaseKind::run, minutes * 60.0, support_pct, speed_kmh, incline_pct, std::nullopt});
  return p;
}

std::vector<SchemaIssue> program_problems(const json& doc) {
  auto issues = schemas::validator("program.schema.json").validate(doc);
  if (!issues.empty()) return issues;
  const auto file = doc.get<model::ProgramFile>();
  // The text rule: names are shown on the live line and in tables, so they hold no control characters.
  auto name_rule = [&](const std::optional<std::string>& name, const std::string& pointer) {
    if (!name) return;
    if (auto why = text_problem(*name, TextKind::name); !why.empty()) issues.push_back({pointer + "/name", why});
  };
  name_rule(file.name, "");
  for (size_t i = 0; i < file.phases.size(); ++i) name_rule(file.phases[i].name, fmt::format("/phases/{}", i));
  double total = 0;
  for (const auto& ph : file.phases) total += ph.duration_s;
  if (total > 4 * 3600) issues.push_back({"/phases", fmt::format("the phases last {:g} min; a session lasts at most 240 min", total / 60)});
  return issues;
}

Program program_from_json(const json& doc, const std::string& what) {
  auto issues = program_problems(doc);
  if (!issues.empty()) {
    std::string all;
    for (const auto& i : issues) all += fmt::format("{}{}: {}", all.empty() ? "" : "; ", i.pointer.empty() ? "/" : i.pointer, i.message);
    throw Error(Exit::invalid_data, fmt::format("{} is not a valid session program: {}", what, all),
                "see schemas/program.schema.json and lever-run(1), PROGRAMS");
  }
  const auto file = doc.get<model::ProgramFile>();
  Program p;
  p.source = what;
  p.name = file.name.value_or(what);
  int n = 0;
  for (const auto& ph : file.phases) {
    ++n;
    const std::string name = ph.name ? *ph.name : fmt::format("{} {}", model::name(ph.kind), n);
    p.phases.push_back({name, ph.kind, ph.duration_s, ph.support_pct, ph.speed_kmh, ph.incline_pct, ph.cadence_target_spm});
  }
  return p;
}

model::Program program_record(const Program& p) {
  return {p.source, p.name, p.plan_step, p.total_s(), p.distance_km(), p.phases};
}

json program_json(const Program& p) { return program_record(p); }

std::optional<double> session_support_pct(const Program& program) {
  std::optional<double> s;
  for (const auto& p : program.phases)
    if (p.kind == PhaseKind::run) s = std::max(s.value_or(0.0), p.support_pct);
  if (!s && !program.phases.empty()) s = program.phases.front().support_pct;
  return s;
}

}  // namespace lever::run
