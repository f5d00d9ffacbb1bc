// What a session did, accumulated from its status samples: planned vs actual, time at each support
// level, distance, steps, cadence, measured support and the knee-load index. Pure arithmetic.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "lever/device/protocol.hpp"
#include "lever/model/session.hpp"
#include "lever/plan/knee_load.hpp"
#include "lever/run/program.hpp"

namespace lever::run {

/// What a session did: the summary fields of its document (model::Session), planned and actual.
struct Summary {
  double planned_duration_s = 0;                    ///< programme length, s
  double duration_s = 0;                            ///< time the loop ran, s
  double planned_run_s = 0;                         ///< planned running time, s
  double run_s = 0;                                 ///< time actually running, s
  double planned_distance_km = 0;                   ///< programme belt distance, km
  double distance_km = 0;                           ///< belt distance covered, km
  std::int64_t steps = 0;                           ///< steps counted from the unit's cadence
  std::optional<double> cadence_spm;                ///< mean cadence while running; empty when none was measured
  std::optional<double> cadence_target_spm;         ///< mean cadence target of the running phases; empty when none
  std::optional<double> support_pct;                ///< commanded support (highest running phase)
  std::optional<double> measured_support_pct;       ///< mean measured support while running; empty when nothing ran
  std::vector<model::SupportTime> time_at_support;  ///< time at each commanded support, ascending
  std::optional<double> knee_load;                  ///< knee-load index; empty without a baseline cadence
  std::optional<int> max_pain_during;               ///< highest pain reported during the run

  /// Writes these fields into the session document.
  void write_to(model::Session& s) const;
};

/// Accumulates samples of a running session into its summary.
class SummaryBuilder {
public:
  /// For an athlete of `mass_kg` with `baseline_cadence_spm` (0 = unknown: no knee-load index).
  SummaryBuilder(double mass_kg, double baseline_cadence_spm, plan::KneeLoadParams params = {});
  /// Adds `dt_s` seconds spent in `phase` with the unit reporting `st`.
  void add(const Phase& phase, const device::Status& st, double dt_s);
  /// Records a pain score reported during the run.
  void pain(int score);
  /// The summary, planned figures taken from `program`.
  Summary finish(const Program& program) const;
  /// Seconds accumulated so far.
  double elapsed_s() const { return elapsed_s_; }

private:
  double mass_kg_;
  double baseline_spm_;
  plan::KneeLoadParams params_;
  double elapsed_s_ = 0;
  double distance_km_ = 0;
  double steps_ = 0;
  double run_s_ = 0;
  double cadence_s_ = 0, cadence_sum_ = 0;
  double cadence_target_sum_ = 0, cadence_target_s_ = 0;
  double meas_pct_sum_ = 0, meas_s_ = 0;
  double load_ = 0;
  std::map<long, double> at_support_;  // support in tenths of a %, seconds
  std::optional<int> max_pain_;
};

}  // namespace lever::run
