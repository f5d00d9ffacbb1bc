// What a session did, accumulated from its status samples: planned vs actual, time at each support
// level, distance, steps, cadence, measured support and the knee-load index. Pure arithmetic.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lever/device/protocol.hpp"
#include "lever/plan/knee_load.hpp"
#include "lever/run/program.hpp"

namespace lever::run {

/// Accumulates samples of a running session into its summary.
class SummaryBuilder {
public:
  /// For an athlete of `mass_kg` with `baseline_cadence_spm` (0 = unknown: no knee-load index).
  SummaryBuilder(double mass_kg, double baseline_cadence_spm, plan::KneeLoadParams params = {});
  /// Adds `dt_s` seconds spent in `phase` with the unit reporting `st`.
  void add(const Phase& phase, const device::Status& st, double dt_s);
  /// Records a pain score reported during the run.
  void pain(int score);
  /// The summary fields (SI names), planned figures taken from `program`.
  nlohmann::json finish(const Program& program) const;
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
