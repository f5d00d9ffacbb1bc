// A calibration record (calibrations/<id>.json, schemas/calibration.schema.json): a calibration, a
// verification check ('calibrate verify'), or a failed or aborted attempt, with every reading taken.
#pragma once
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "lever/model/instant.hpp"
#include "lever/model/vocab.hpp"

namespace lever::model {

/// What a verification point loads the arms with.
enum class PointKind { actuator, reference };
/// Which step of the procedure a reading belongs to.
enum class ReadingStep { zero, span, sweep, verify };

template <> std::span<const Term<PointKind>> terms<PointKind>();
template <> std::span<const Term<ReadingStep>> terms<ReadingStep>();

/// A certified reference mass named for an attempt.
struct ReferenceMass {
  double mass_kg = 0;                       ///< the mass, kg
  std::optional<std::string> certificate;   ///< its calibration certificate; empty (stored null) when not named
};

/// A calibration as the unit holds it (lever-protocol(7) CAL fields).
struct UnitCalibration {
  double zero_counts = 0;                  ///< load-cell reading with no load, raw counts
  double gain_n_per_count = 0;             ///< load-cell gain, N per count
  double act_gain = 0;                     ///< actuator map: delivered force per unit of drive (dimensionless)
  double act_offset_n = 0;                 ///< actuator map: delivered force at zero drive, N
  std::optional<double> frame_height_cm;   ///< arm/frame height setting of this calibration, cm (0: never set)
  std::string calibrated_at;               ///< compact UTC time (20261125T151700Z); empty or "-" when never calibrated by lever
};

/// One verification point.
struct VerificationPoint {
  PointKind kind = PointKind::actuator;  ///< actuator (support driven to a fraction of full scale) or reference (a mass hung)
  std::optional<double> target_n;        ///< the support target set (actuator points), N
  std::optional<double> mass_kg;         ///< the reference mass (reference points), kg
  double reference_n = 0;                ///< the force it should read, N
  double measured_n = 0;                 ///< the force the calibration under test reads, N
  double error_n = 0;                    ///< measured_n - reference_n, N
  bool pass = false;                     ///< |error_n| <= tolerance_n
};

/// The verification against the tolerance.
struct Verification {
  bool pass = false;                       ///< every point within tolerance
  std::vector<VerificationPoint> points;   ///< in the order measured
  std::optional<double> tolerance_n;       ///< the tolerance, N
};

/// The load cell's straight-line fit from the zero and span readings.
struct SensorFit {
  double zero_counts = 0;             ///< fitted zero, raw counts
  double gain_n_per_count = 0;        ///< fitted gain, N per count
  std::vector<double> residuals_n;    ///< each point's distance from the line, N, in measurement order
  double rms_n = 0;                   ///< RMS of the residuals, N
  double max_abs_n = 0;               ///< largest absolute residual, N
};

/// The actuator's straight-line fit from the sweep.
struct ActuatorFit {
  double act_gain = 0;                ///< fitted delivered force per unit of drive
  double act_offset_n = 0;            ///< fitted force at zero drive, N
  std::vector<double> residuals_n;    ///< each point's distance from the line, N, in measurement order
  double rms_n = 0;                   ///< RMS of the residuals, N
  double max_abs_n = 0;               ///< largest absolute residual, N
};

/// The fits a calibration measured; the actuator fit is absent when the sensor fit failed the attempt.
struct Fits {
  std::optional<SensorFit> sensor;      ///< the load cell's fit
  std::optional<ActuatorFit> actuator;  ///< the actuator's fit
};

/// One stable reading: a window of raw counts whose noise stayed within half the tolerance.
struct Reading {
  ReadingStep step = ReadingStep::zero;  ///< zero, span, sweep or verify
  double counts = 0;                     ///< mean raw load-cell counts over the window
  double noise_n = 0;                    ///< standard deviation over the window, N (at the unit's old gain)
  int n = 0;                             ///< status frames in the window
  std::optional<double> reference_n;     ///< the reference force hung (mass x g), N
  std::optional<double> mass_kg;         ///< the reference mass hung, kg
  std::optional<double> target_n;        ///< the support target set, N
  std::optional<double> drive;           ///< the actuator drive that target means with the old map (sweep)
  std::optional<double> measured_n;      ///< the force the new load-cell fit reads from counts, N (sweep)
};

/// A calibration record as stored.
struct Calibration {
  static constexpr std::string_view kCollection = "calibration";  ///< where calibration records are stored
  std::string id;                                         ///< record ID
  std::string unit_id;                                    ///< the unit (units/<unit_id>.json)
  std::string serial;                                     ///< the unit's serial number
  std::string firmware;                                   ///< the unit's firmware version
  std::optional<std::string> model;                       ///< the unit's model ('unknown' when it does not say)
  CalibrationKind kind = CalibrationKind::calibration;    ///< calibration (may write the unit) or check (verify only)
  CalibrationResult result = CalibrationResult::aborted;  ///< pass, fail or aborted
  std::optional<std::string> failure_reason;              ///< why it failed or was aborted, in words
  Instant started_at;                                     ///< when it started
  std::optional<Instant> finished_at;                     ///< when it ended
  std::string technician;                                 ///< who ran it
  std::optional<std::string> port;                        ///< the serial port (or simulator endpoint) of the unit
  std::optional<double> frame_height_cm;                  ///< arm/frame height setting, cm (given, then the one in force)
  std::optional<std::vector<ReferenceMass>> references;   ///< the reference masses named, in the order hung
  std::optional<double> tolerance_n;                      ///< verification tolerance, N
  std::optional<double> full_scale_n;                     ///< the unit's full-scale support force, N
  std::optional<UnitCalibration> calibration;             ///< the calibration in force in the unit after this record
  std::optional<UnitCalibration> old_calibration;         ///< the calibration the unit held before it
  std::optional<Instant> due_at;                          ///< when the next calibration is due (passing calibrations)
  std::optional<Verification> verification;               ///< the verification; empty when the attempt ended before it
  std::optional<Fits> fits;                               ///< the straight-line fits (kind calibration)
  std::optional<std::vector<Reading>> readings;           ///< every stable reading taken, in order

  /// True when `calibrate` itself wrote the record (it then writes its empty fields as null).
  bool written_by_calibrate() const { return readings.has_value(); }
};

/// Writes a reference mass.
void to_json(nlohmann::json& j, const ReferenceMass& v);
/// Reads a reference mass.
void from_json(const nlohmann::json& j, ReferenceMass& v);
/// Writes a unit calibration.
void to_json(nlohmann::json& j, const UnitCalibration& v);
/// Reads a unit calibration.
void from_json(const nlohmann::json& j, UnitCalibration& v);
/// Writes a verification point.
void to_json(nlohmann::json& j, const VerificationPoint& v);
/// Reads a verification point.
void from_json(const nlohmann::json& j, VerificationPoint& v);
/// Writes a verification.
void to_json(nlohmann::json& j, const Verification& v);
/// Reads a verification.
void from_json(const nlohmann::json& j, Verification& v);
/// Writes a load-cell fit.
void to_json(nlohmann::json& j, const SensorFit& v);
/// Reads a load-cell fit.
void from_json(const nlohmann::json& j, SensorFit& v);
/// Writes an actuator fit.
void to_json(nlohmann::json& j, const ActuatorFit& v);
/// Reads an actuator fit.
void from_json(const nlohmann::json& j, ActuatorFit& v);
/// Writes the fits.
void to_json(nlohmann::json& j, const Fits& v);
/// Reads the fits.
void from_json(const nlohmann::json& j, Fits& v);
/// Writes a reading.
void to_json(nlohmann::json& j, const Reading& v);
/// Reads a reading.
void from_json(const nlohmann::json& j, Reading& v);
/// Writes a calibration record.
void to_json(nlohmann::json& j, const Calibration& v);
/// Reads a calibration record (validated against its schema first).
void from_json(const nlohmann::json& j, Calibration& v);

}  // namespace lever::model
