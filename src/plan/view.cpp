// Rows and columns for the plan commands; the numbers come from the plan and the knee-load model.
#include "lever/plan/view.hpp"

#include <chrono>
#include <cmath>

#include <fmt/format.h>

#include "lever/plan/plan.hpp"

namespace lever::plan {

using nlohmann::json;

namespace {

const json& current(const json& plan) {
  return plan.at("steps").at(static_cast<size_t>(plan.value("current_step", 1) - 1));
}

json latest_reason(const json& plan) {
  const auto& h = plan.value("history", json::array());
  return h.empty() ? json(nullptr) : h.back()["reason"];
}

}  // namespace

json plan_list_row(const json& plan) {
  return {{"athlete_id", plan["athlete_id"]}, {"status", plan["status"]}, {"current_step", plan["current_step"]},
          {"steps_total", plan["steps"].size()}, {"support_pct", current(plan)["support_pct"]}, {"profile", plan["profile"]},
          {"template", plan["template"]}, {"review", plan["review"]}, {"updated_at", plan["updated_at"]},
          {"latest", latest_reason(plan)}};
}

json plan_summary_row(const json& plan) {
  json row = {{"athlete_id", plan["athlete_id"]}, {"template", plan["template"]}, {"severity", plan["severity"]},
              {"profile", plan["profile"]}, {"status", plan["status"]}, {"current_step", plan["current_step"]},
              {"steps_total", plan["steps"].size()}, {"streak", plan["streak"]},
              {"consecutive_required", engine_rules(plan).consecutive_required},
              {"sessions_per_week", plan["sessions_per_week"]}, {"min_rest_days", plan["min_rest_days"]},
              {"mass_kg", plan.value("mass_kg", json(nullptr))}, {"baseline_cadence_spm", plan.value("baseline_cadence_spm", json(nullptr))},
              {"unit_id", plan.value("unit_id", json(nullptr))}, {"review", plan["review"]}, {"created_at", plan["created_at"]}};
  const json& s = plan.value("suspension", json(nullptr));
  row["suspension_reason"] = s.is_object() ? s["reason"] : json(nullptr);
  return row;
}

namespace {

// domain.md: a 75 kg runner at 20 % support runs as if 60 kg; shown to one decimal.
double runs_as_kg(double mass_kg, double support_pct) { return std::round(effective_mass_kg(mass_kg, support_pct) * 10) / 10; }

}  // namespace

std::vector<json> step_rows(const json& plan, const KneeLoadParams& params) {
  std::vector<json> rows;
  const json base = plan.value("baseline_cadence_spm", json(nullptr));
  const int now_step = plan.value("current_step", 1);
  const int per_week = plan.value("sessions_per_week", 3);
  for (const auto& s : plan["steps"]) {
    json r = s;
    r["current"] = s["step"].get<int>() == now_step;
    if (plan.contains("mass_kg") && plan["mass_kg"].is_number())
      r["effective_mass_kg"] = runs_as_kg(plan["mass_kg"].get<double>(), s["support_pct"].get<double>());
    if (base.is_number() && s["cadence_target_spm"].is_number()) {
      double dur = s["duration_min"].get<double>();
      double run = running_minutes(dur, s["run_min"].get<double>(), s["walk_min"].get<double>());
      SessionShape shape{{s["support_pct"].get<double>(), s["speed_kmh"].get<double>(), s["incline_pct"].get<double>(),
                          s["cadence_target_spm"].get<double>(), base.get<double>()},
                         run, dur - run, 0};
      double load = session_load(shape, params);
      // Whole reference steps: the index is an estimate, more digits would suggest false precision.
      r["load_per_session"] = static_cast<long>(std::round(load));
      r["load_per_week"] = static_cast<long>(std::round(load * per_week));
    } else {
      r["load_per_session"] = nullptr;
      r["load_per_week"] = nullptr;
    }
    rows.push_back(r);
  }
  return rows;
}

json next_row(const json& plan, const Evaluation& ev, const RestCheck& rest, double mass_kg) {
  const json& s = plan.at("steps").at(static_cast<size_t>(ev.step - 1));
  json r = {{"athlete_id", plan["athlete_id"]}, {"step", ev.step}, {"steps_total", plan["steps"].size()},
            {"support_pct", s["support_pct"]},
            {"support_force_n", std::round(support_force_n(mass_kg, s["support_pct"].get<double>()) * 10) / 10},
            {"run_min", s["run_min"]}, {"walk_min", s["walk_min"]}, {"duration_min", s["duration_min"]},
            {"speed_kmh", s["speed_kmh"]}, {"walk_speed_kmh", s["walk_speed_kmh"]}, {"incline_pct", s["incline_pct"]},
            {"cadence_target_spm", s["cadence_target_spm"]},
            {"effective_mass_kg", runs_as_kg(mass_kg, s["support_pct"].get<double>())}};
  // domain.md: rest days between runs and sessions per week; the later of the two bounds.
  std::optional<TimePoint> nb = rest.not_before;
  if (rest.week_frees && (!nb || *rest.week_frees > *nb)) nb = rest.week_frees;
  r["not_before"] = nb ? json(format_date(*nb)) : json(nullptr);
  if (ev.pending) {
    r["decision"] = to_string(ev.pending->verdict);
    r["reason"] = ev.pending->reason;
  } else if (!ev.decisions.empty()) {
    r["decision"] = to_string(ev.decisions.back().verdict);
    r["reason"] = ev.decisions.back().reason;
  } else {
    const auto& h = plan.value("history", json::array());
    // No engine decision yet: say what put the plan where it is (created, override, resume).
    r["decision"] = h.empty() ? json("created") : h.back()["decision"].is_null() ? h.back()["kind"] : h.back()["decision"];
    r["reason"] = h.empty() ? json(nullptr) : h.back()["reason"];
  }
  return r;
}

}  // namespace lever::plan
