// Internal: the steps of a calibration against one unit, sharing one record being built.
#pragma once
#include <string>
#include <vector>

#include "lever/calibrate/workflow.hpp"
#include "lever/model/calibration.hpp"
#include "lever/util/error.hpp"
#include "lever/util/time.hpp"

namespace lever::calib::detail {

/// Load-cell and actuator model: what a calibration predicts for counts and drives.
struct Model {
  device::Calibration cal;  ///< the calibration being evaluated
  /// Force the model reads from raw counts.
  double force(double counts) const { return (counts - cal.zero_counts) * cal.gain_n_per_count; }
};

/// One calibration or check in progress; every reading goes into `rec` as it is taken.
class Procedure {
public:
  /// Works on `unit` (identified) with the technician's options; fills `rec`.
  Procedure(device::Unit& unit, const Options& opt, model::Calibration& rec);
  /// Step 1: the unit is IDLE and fault-free; records the old calibration. Error(safety) otherwise.
  void preflight();
  /// Steps 2-4: zero, span and the actuator sweep; returns the fitted calibration (not written).
  device::Calibration measure();
  /// Step 5: verification of `model` at static (reference) and actuator points; true on PASS.
  bool verify(const Model& model);
  /// Leaves the unit safe after any ending: belt stopped, support held then lowered slowly,
  /// reference masses off. Never throws (a lost link leaves it to the unit's watchdog).
  void make_safe() noexcept;
  /// The calibration the unit held at the start.
  const device::Calibration& old_calibration() const { return old_; }
  /// The verification tolerance in N.
  double tolerance() const { return tol_; }

private:
  void wait(device::Nanos d);
  void wait_collect(device::Nanos d, std::vector<double>* counts);
  void check_unit() const;
  double stable_counts(model::Reading reading);
  void place(double kg, const std::string& label);
  void settle_at(double target_n);
  void arm();
  void release();
  void step(const std::string& s);
  double target_for(const Model& m, double force_n) const;
  void require_line(const LineFit& f, const std::string& what, const std::string& cause) const;
  double stable_limit() const;

  device::Unit& u_;
  const Options& opt_;
  model::Calibration& rec_;
  device::Calibration old_;
  double tol_ = 2;
  double fs_ = 0;
  bool armed_ = false;
  double hung_kg_ = 0;
};

}  // namespace lever::calib::detail

namespace lever::calib::detail {

/// An ending the technician did not choose (stop signal, unit fault, link loss): recorded "aborted".
class Aborted : public Error {
public:
  /// Same arguments as Error.
  Aborted(Exit code, std::string what, std::string hint) : Error(code, std::move(what), std::move(hint)) {}
};

/// Compact UTC time stamp as the unit stores it (20261125T151700Z).
std::string compact_time(TimePoint t);

}  // namespace lever::calib::detail
