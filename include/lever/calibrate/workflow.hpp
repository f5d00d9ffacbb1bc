// The technician's calibration of a unit (issue #4): zero, span with reference masses, actuator sweep,
// verification, then the write to the unit and the record. Also the verification check alone.
// Every outcome, including Ctrl-C, link loss and unit faults, ends with the unit safe and a record.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lever/calibrate/fit.hpp"
#include "lever/device/unit.hpp"
#include "lever/model/calibration.hpp"
#include "lever/store/store.hpp"

namespace lever::calib {

/// What the technician chose (flags or answers on a TTY).
struct Options {
  std::vector<Reference> references;  ///< reference masses for the span (and the static checks)
  double frame_height_cm = 0;         ///< arm/frame height setting; 0 = keep the unit's
  double tolerance_n = 0;             ///< verification tolerance; 0 = default_tolerance_n(full scale)
  int due_days = 180;                 ///< next calibration due after this many days
  int sweep_points = 6;               ///< actuator sweep points (>= 3)
  double window_s = 1.0;              ///< averaging window per reading (unit clock)
  /// Asks the technician to act ("hang 20 kg on the arms") and waits; null with --yes (the rig acts).
  std::function<void(const std::string&)> ask;
  /// One progress line per step (stderr on a TTY; null when piped).
  std::function<void(const std::string&)> progress;
};

/// Runs the whole calibration; on PASS writes the unit and returns the record. Every ending is saved
/// in the store (calibrations/<id>.json) before this returns or throws: Error(safety) for a refusal,
/// a unit fault or a verification FAIL; Error(unit_unavailable) for link loss; Error(128 + N) for a
/// stop signal. The unit keeps its old calibration on every path but PASS.
model::Calibration calibrate_unit(device::Unit& unit, Store& store, const Options& opt, const std::string& user);

/// Verification alone with the unit's own calibration (kind "check"); nothing is written to the unit.
/// Saved like calibrate_unit; Error(safety) when a point is outside the tolerance.
model::Calibration verify_unit(device::Unit& unit, Store& store, const Options& opt, const std::string& user);

/// One summary row of a record (its columns: cli/columns/calibration.hpp).
nlohmann::json record_row(const model::Calibration& rec);

}  // namespace lever::calib
