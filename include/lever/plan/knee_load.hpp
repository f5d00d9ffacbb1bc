// The knee-load index of domain.md ("Knee-load index"): a per-step patellofemoral load estimate relative
// to a reference step, summed into session, weekly and acute:chronic figures. For trend monitoring, not a
// diagnosis. Pure arithmetic: no I/O, so every published number can be checked in a test.
#pragma once
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include "lever/util/time.hpp"

namespace lever::plan {

/// The step-rate exponent k = ln(0.86)/ln(1.10) ~ -1.58: +10 % step rate gives -14 % peak PFJ force
/// (Lenhart 2014, MSSE 46:557; domain.md).
double step_rate_exponent();

/// The model's tunable assumptions. Defaults follow domain.md; the ones domain.md leaves to lever are
/// marked as lever's assumptions and can be changed in the store configuration (config.knee_load).
struct KneeLoadParams {
  double reference_speed_ms = 2.5;     ///< reference step speed, m/s (domain.md)
  double speed_gain_per_ms = 0.20;     ///< +20 % per-step load per m/s above the reference (domain.md)
  /// Below the reference speed lever keeps the factor at 1.0 (lever's assumption: domain.md gives no
  /// figure for slower running, and crediting a lower load would under-estimate exposure).
  bool credit_below_reference = false;
  /// Extra per-step load per % of downhill grade. domain.md: no paper gives a usable number, so this is
  /// lever's explicit assumption (default +5 % per % of decline); level and uphill are always 1.0.
  double downhill_gain_per_pct = 0.05;
  /// Walking steps counted as this fraction of a reference running step (lever's assumption; domain.md
  /// models running steps only, so the default 0 leaves walk breaks out of the index).
  double walk_step_factor = 0.0;
};

/// Reads overrides from a JSON object (store config "knee_load"); unknown keys are ignored.
KneeLoadParams knee_load_params(const nlohmann::json& config);

/// The mass the runner effectively runs at: body mass x (1 - support fraction). 75 kg at 20 % -> 60 kg.
double effective_mass_kg(double mass_kg, double support_pct);

/// The support force a support level needs: support fraction x mass x g, in newtons (domain.md).
double support_force_n(double mass_kg, double support_pct);

/// Body-weight factor: 1 - support fraction (PFJ stress scales with ground reaction force, Powers 2010).
double body_weight_factor(double support_pct);

/// Step-rate factor (SR/SR0)^k relative to the athlete's baseline cadence.
double step_rate_factor(double cadence_spm, double baseline_cadence_spm);

/// Speed factor: 1 + gain x (v - 2.5 m/s) above the reference speed.
double speed_factor(double speed_kmh, const KneeLoadParams& p = {});

/// Grade factor: 1.0 level and uphill; downhill per the configured assumption.
double grade_factor(double incline_pct, const KneeLoadParams& p = {});

/// The running conditions of one step (or one block of a session).
struct StepConditions {
  double support_pct = 0;          ///< body-weight support, % of body weight
  double speed_kmh = 0;            ///< belt speed while running
  double incline_pct = 0;          ///< belt grade, % (negative = downhill)
  double cadence_spm = 0;          ///< step rate while running
  double baseline_cadence_spm = 0; ///< the athlete's baseline cadence (the reference step rate)
};

/// Per-step load relative to the reference step (full body weight, level, 2.5 m/s, baseline cadence).
double per_step_load(const StepConditions& c, const KneeLoadParams& p = {});

/// A session shape: minutes of running and of walking at the given conditions.
struct SessionShape {
  StepConditions run;        ///< conditions while running
  double run_minutes = 0;    ///< total running time
  double walk_minutes = 0;   ///< total walking time (counted with walk_step_factor)
  double walk_cadence_spm = 0; ///< walking step rate; 0 = the running baseline cadence
};

/// Session load in reference-step equivalents: steps x per-step load, summed over run and walk.
double session_load(const SessionShape& s, const KneeLoadParams& p = {});

/// Running minutes in a session of `duration_min` made of run/walk cycles (run `run_min`, walk
/// `walk_min`); walk 0 = continuous running. The last cycle is cut at the session's end.
double running_minutes(double duration_min, double run_min, double walk_min);

/// One dated load (a session's index value).
struct DatedLoad {
  TimePoint at;   ///< when the session took place
  double load = 0;///< its load in reference-step equivalents
};

/// Sum of the loads in (end - days, end].
double window_load(const std::vector<DatedLoad>& loads, TimePoint end, int days);

/// Week-over-week change in %: (last 7 days - the 7 before) / the 7 before x 100; nullopt without a
/// previous week.
std::optional<double> week_over_week_pct(const std::vector<DatedLoad>& loads, TimePoint end);

/// Acute:chronic ratio: 7-day load / (28-day load / 4); nullopt without chronic load, and before 28
/// days of history (domain.md: the first weeks would read as a false alarm). 0.8-1.3 is the commonly
/// cited safe band (Gabbett 2016).
std::optional<double> acute_chronic_ratio(const std::vector<DatedLoad>& loads, TimePoint end);

/// When the acute:chronic ratio first means something: 28 days after the first load; nullopt without loads.
std::optional<TimePoint> acute_chronic_from(const std::vector<DatedLoad>& loads);

}  // namespace lever::plan
