// The calibration gate that `run` calls before the belt moves: a unit whose calibration is missing,
// failed, overdue, or different from the one stored for its serial number is refused (issue: calibrate).
#pragma once
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lever/device/protocol.hpp"
#include "lever/model/calibration.hpp"
#include "lever/store/store.hpp"

namespace lever::calib {

/// The calibration records of one unit (calibrations/*.json with that unit_id), oldest first.
std::vector<model::Calibration> calibration_records(const Store& store, const std::string& unit_id);

/// The same records as stored, oldest first (the reports show them as stored).
std::vector<nlohmann::json> calibration_history(const Store& store, const std::string& unit_id);

/// The outcome of the gate: usable, or the reason and what to do.
struct CalibrationVerdict {
  bool ok = false;                   ///< true: the unit may run
  std::string problem;               ///< which check failed, with dates and numbers
  std::string hint;                  ///< what to do about it
  std::optional<model::Calibration> record;  ///< the passing calibration record in force, if any
};

/// Checks a unit's calibration state: the newest calibration attempt passed, it is not overdue,
/// no later verification check failed, and the unit's memory holds what that record wrote.
CalibrationVerdict check_calibration(const Store& store, const std::string& unit_id,
                                     const device::Calibration& in_unit, TimePoint now_t);

/// The one calibration gate (`run` calls it once its other pre-flight checks have passed): returns
/// the verdict when the unit may run. Otherwise throws Error(safety, which check failed, what to do
/// and how to override with `override_flag`), unless `override_reason` is non-empty: then it takes the
/// store lock, writes a durable "calibration.override" audit entry by `user` on the unit naming the
/// problem, the reason and `context` (e.g. the session), and returns the failed verdict.
CalibrationVerdict require_calibration(Store& store, const std::string& unit_id, const device::Calibration& in_unit,
                                       TimePoint now, const std::string& override_reason, const std::string& user,
                                       const std::string& override_flag, const nlohmann::json& context = nlohmann::json::object());

/// True when two calibrations hold the same values (within float noise from the text protocol).
bool same_calibration(const model::UnitCalibration& record_cal, const device::Calibration& in_unit);

/// The calibration as a record stores it.
model::UnitCalibration unit_calibration(const device::Calibration& c);

/// The same as JSON.
nlohmann::json calibration_json(const device::Calibration& c);

}  // namespace lever::calib
