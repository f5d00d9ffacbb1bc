#include "lever/run/preflight.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "lever/plan/knee_load.hpp"

namespace lever::run {

double phase_force_n(const Phase& p, double mass_kg) { return plan::support_force_n(mass_kg, p.support_pct); }

namespace {

void athlete_checks(const PreflightInput& in, std::vector<Check>& out) {
  Check flags("flags");
  auto blocking = in.athlete.blocking_flags();
  if (!blocking.empty()) {
    std::string names;
    for (auto f : blocking) names += (names.empty() ? "" : ", ") + std::string(model::name(f));
    flags.status = "fail";
    flags.detail = fmt::format("athlete {} has a blocking clinician flag: {}", in.athlete.id, names);
    flags.hint = "a clinician must review and clear the flag ('lever athlete edit ID --clear-flag FLAG') before any run";
  } else {
    flags.detail = "no blocking clinician flag";
  }
  out.push_back(flags);
  Check plan("plan");
  if (!in.plan) {
    plan.status = in.program.plan_step ? "fail" : "skipped";
    plan.detail = "no plan for this athlete";
    plan.code = Exit::not_found;
    plan.hint = "create one with 'lever plan new ATHLETE', or give the session with --program or --support/--speed/--minutes";
  } else if (in.plan->status == model::PlanStatus::suspended) {
    plan.status = "fail";
    const auto& s = in.plan->suspension;
    plan.detail = fmt::format("the plan of {} is suspended{}", in.athlete.id,
                              s ? fmt::format(" since {} by {}: {}", s->at.text.substr(0, 10), s->by, s->reason) : std::string());
    plan.hint = "a clinician resumes it with 'lever plan resume ATHLETE --reason TEXT'";
  } else {
    plan.detail = fmt::format("plan active at step {} (profile {})", in.plan->current_step, in.profile);
  }
  out.push_back(plan);
}

void pain_check(const PreflightInput& in, std::vector<Check>& out) {
  Check c("pain-before");
  if (!in.pain_before) {
    c.status = "skipped";
    c.detail = "no pain score before the session";
    c.code = Exit::usage;
    c.hint = "pass --pain-before N (0-10)";
  } else if (*in.pain_before > in.during_limit) {
    c.status = "fail";
    c.detail = fmt::format("pain before the session is {}/10, above the {} profile's limit of {}/10", *in.pain_before,
                           in.profile, in.during_limit);
    c.hint = "do not run today; log the pain and see the clinician if it persists";
  } else {
    c.detail = fmt::format("pain before {}/10, within the {} limit of {}/10", *in.pain_before, in.profile, in.during_limit);
  }
  // domain.md, Evidence: pain before a run above the during-limit is a red flag, logged or typed.
  if (in.logged_before && c.status != "fail") {
    const auto& logged = *in.logged_before;
    if (logged.score > in.during_limit) {
      c.status = "fail";
      c.code = Exit::safety;
      c.detail = fmt::format("pain before the session was logged as {}/10 at {} (entry {}), above the {} profile's limit of {}/10",
                             logged.score, logged.at.text, logged.id, in.profile, in.during_limit);
      c.hint = "do not run today; if the entry is a mistake, correct it: lever log-pain --amend ENTRY SCORE --reason TEXT";
    }
  }
  out.push_back(c);
}

// One athlete, one session; and the plan's rest days and sessions per week.
void schedule_checks(const PreflightInput& in, std::vector<Check>& out) {
  Check busy("one-session");
  if (!in.in_progress.empty()) {
    busy.status = "fail";
    busy.detail = fmt::format("athlete {} already has a session in progress: {}", in.athlete.id, in.in_progress.front());
    busy.hint = "finish or stop that session first; a session left by a lever that died is recovered by the next run on its host";
  } else {
    busy.detail = "no other session of this athlete in progress";
  }
  out.push_back(busy);
  Check rest("rest");
  if (!in.rest) {
    rest.status = "skipped";
    rest.detail = "no plan: no rest days or sessions per week to keep";
  } else if (in.rest->ok) {
    rest.detail = fmt::format("{} session{} in the last 7 days (plan: {} a week, {} rest day{} between runs)",
                              in.rest->sessions_last_7_days, in.rest->sessions_last_7_days == 1 ? "" : "s", in.rest->per_week,
                              in.rest->rest_days, in.rest->rest_days == 1 ? "" : "s");
  } else if (!in.override_rest.empty()) {
    rest.status = "overridden";
    rest.detail = fmt::format("{}; overridden: {}", in.rest->why, in.override_rest);
  } else {
    rest.status = "fail";
    rest.detail = in.rest->why;
    rest.hint = "wait until then; or, as the clinician's call, add --override-rest --reason TEXT (audited)";
  }
  out.push_back(rest);
}

// The unit's identity. Its calibration is judged by calib::require_calibration, which `run` calls once
// these checks have passed (so an override is audited only for a session that goes ahead); a dry run
// contacts no unit and says so.
void unit_checks(const PreflightInput& in, std::vector<Check>& out) {
  Check id("unit");
  if (!in.unit) {
    id.status = "skipped";
    id.detail = "no unit contacted (dry run)";
    Check cal("calibration");
    cal.status = "skipped";
    cal.detail = "no unit contacted (dry run): the calibration gate runs when the session starts";
    out.push_back(id);
    out.push_back(cal);
    return;
  }
  if (!in.incompatibility.empty()) {
    id.status = "fail";
    id.detail = fmt::format("unit {} is not compatible: {}", in.unit->serial, in.incompatibility);
    id.hint = "update lever or the unit's firmware";
  } else {
    id.detail = fmt::format("unit {} ({} firmware {})", in.unit->serial, in.unit->model, in.unit->firmware);
  }
  out.push_back(id);
}

void setpoint_checks(const PreflightInput& in, std::vector<Check>& out) {
  const double mass = in.athlete.mass_kg;
  Check c("setpoints");
  double max_force = 0;
  for (const auto& p : in.program.phases) max_force = std::max(max_force, phase_force_n(p, mass));
  c.detail = fmt::format("{} phases, {:.0f} min, support up to {:.1f} N for {:g} kg", in.program.phases.size(),
                         in.program.total_s() / 60, max_force, mass);
  if (in.program.phases.empty()) {
    c.status = "fail";
    c.detail = "the program has no phases";
    c.code = Exit::usage;
  }
  std::vector<std::string> bad;
  for (const auto& p : in.program.phases) {
    if (p.incline_pct < 0) bad.push_back(fmt::format("{}: incline {:g} % is a decline (never: domain.md)", p.name, p.incline_pct));
    if (!in.unit) continue;
    const auto& l = in.unit->limits;
    double f = phase_force_n(p, mass);
    if (f > l.max_force_n + 1e-9)
      bad.push_back(fmt::format("{}: {:g} % support of {:g} kg needs {:.1f} N, the unit gives at most {:.1f} N", p.name,
                                p.support_pct, mass, f, l.max_force_n));
    else if (f > 0 && f < l.min_force_n - 1e-9)
      bad.push_back(fmt::format("{}: {:g} % support of {:g} kg is {:.1f} N, below the unit's steady minimum of {:.1f} N",
                                p.name, p.support_pct, mass, f, l.min_force_n));
    if (p.speed_kmh > l.max_speed_kmh + 1e-9)
      bad.push_back(fmt::format("{}: {:g} km/h is above the unit's {:g} km/h", p.name, p.speed_kmh, l.max_speed_kmh));
    if (p.incline_pct > l.max_incline_pct + 1e-9 || p.incline_pct < l.min_incline_pct - 1e-9)
      bad.push_back(fmt::format("{}: incline {:g} % is outside the unit's {:g}-{:g} %", p.name, p.incline_pct,
                                l.min_incline_pct, l.max_incline_pct));
  }
  if (!bad.empty()) {
    c.status = "fail";
    c.detail = bad.front() + (bad.size() > 1 ? fmt::format(" (and {} more)", bad.size() - 1) : "");
    c.hint = "lower the support or speed (never clamped silently), or use a unit with more capacity";
  }
  out.push_back(c);
}

}  // namespace

std::vector<Check> preflight(const PreflightInput& in) {
  std::vector<Check> out;
  Check athlete("athlete");
  athlete.detail = fmt::format("athlete {} ({:g} kg)", in.athlete.id, in.athlete.mass_kg);
  out.push_back(athlete);
  athlete_checks(in, out);
  pain_check(in, out);
  schedule_checks(in, out);
  unit_checks(in, out);
  setpoint_checks(in, out);
  return out;
}

void require_passed(const std::vector<Check>& checks) {
  for (const auto& c : checks)
    if (c.status == "fail") throw Error(c.code, "pre-flight check '" + c.name + "' failed: " + c.detail, c.hint);
}

device::Targets ramp_toward(const device::Targets& cur, const device::Targets& goal, const device::Limits& lim, double dt_s) {
  auto step = [](double from, double to, double max_delta) {
    if (to > from) return std::min(to, from + max_delta);
    return std::max(to, from - max_delta);
  };
  return {step(cur.force_n, goal.force_n, kRampMargin * lim.max_slew_n_s * dt_s),
          step(cur.speed_kmh, goal.speed_kmh, kRampMargin * lim.max_accel_kmh_s * dt_s), goal.incline_pct};
}

double ramp_seconds(const device::Targets& from, const device::Targets& to, const device::Limits& lim) {
  double f = lim.max_slew_n_s > 0 ? std::fabs(to.force_n - from.force_n) / (kRampMargin * lim.max_slew_n_s) : 0;
  double s = lim.max_accel_kmh_s > 0 ? std::fabs(to.speed_kmh - from.speed_kmh) / (kRampMargin * lim.max_accel_kmh_s) : 0;
  return std::max(f, s);
}

}  // namespace lever::run
