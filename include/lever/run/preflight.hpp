// The checks `lever run` makes before the belt moves, and the ramps it drives with. Pure: the command
// gathers the facts (athlete, plan, pain, unit identity), these functions judge them; the unit's
// calibration is judged after them by the one gate, calib::require_calibration.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "lever/device/protocol.hpp"
#include "lever/model/athlete.hpp"
#include "lever/model/pain.hpp"
#include "lever/model/plan.hpp"
#include "lever/model/vocab.hpp"
#include "lever/plan/rest.hpp"
#include "lever/run/program.hpp"
#include "lever/util/error.hpp"

namespace lever::run {

/// One pre-flight check and its outcome.
struct Check {
  /// An "ok" check named `n` (callers fill in the rest).
  explicit Check(std::string n = {}) : name(std::move(n)) {}
  std::string name;           ///< stable machine name, e.g. "pain-before"
  std::string status = "ok";  ///< ok, fail, skipped (dry run without a unit) or overridden
  std::string detail;         ///< what was found, with numbers
  std::string hint;           ///< what to do when it failed
  Exit code = Exit::safety;   ///< the exit code of a failure
};

/// The facts the checks judge.
struct PreflightInput {
  model::Athlete athlete;                    ///< the athlete
  std::optional<model::Plan> plan;           ///< the athlete's plan, if any
  int during_limit = 4;                      ///< the profile's during-running pain limit
  std::string profile{model::default_profile().name};  ///< the profile's name (messages)
  std::optional<int> pain_before;            ///< pain before the session (0-10), if given
  std::optional<model::PainEntry> logged_before;  ///< the latest 'before' pain entry of the last 3 h, if any
  std::optional<plan::RestCheck> rest;       ///< the plan's rest and frequency rules against now (absent: no plan)
  std::string override_rest;                 ///< --override-rest --reason TEXT (empty: no override)
  std::vector<std::string> in_progress;      ///< the athlete's sessions still running (one athlete, one session)
  std::optional<device::Identity> unit;      ///< the identified unit (absent: dry run without a unit)
  std::string incompatibility;               ///< why the unit is not compatible (empty: compatible)
  Program program;                           ///< what will be driven
};

/// Runs every check in order; later checks still run after a failure so the report is complete.
/// Without a unit (dry run) the unit and calibration checks are "skipped".
std::vector<Check> preflight(const PreflightInput& in);

/// Throws the first failed check as Error(its code, detail, hint).
void require_passed(const std::vector<Check>& checks);

/// Support force a support % needs for this athlete (support fraction x mass x g), N.
double phase_force_n(const Phase& p, double mass_kg);

/// Host-side ramp margin: the loop asks for at most this fraction of the unit's slew limits, so the
/// unit's own limiter never has to act (defence in depth, device.md).
inline constexpr double kRampMargin = 0.8;

/// One control tick of ramping from `cur` toward `goal`: support changes by at most kRampMargin x
/// max_slew_n_s x dt, belt speed by at most kRampMargin x max_accel_kmh_s x dt; incline goes straight
/// (the unit rate-limits it and it carries no support).
device::Targets ramp_toward(const device::Targets& cur, const device::Targets& goal, const device::Limits& lim, double dt_s);

/// How long ramp_toward needs from `from` to `to`, s (for planning and tests).
double ramp_seconds(const device::Targets& from, const device::Targets& to, const device::Limits& lim);

}  // namespace lever::run
