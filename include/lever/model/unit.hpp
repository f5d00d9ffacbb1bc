// A BWS unit as last identified (units/<id>.json, schemas/unit.schema.json): who it is, its limits,
// the calibration in its memory and its status when last seen.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "lever/model/instant.hpp"
#include "lever/model/vocab.hpp"

namespace lever::model {

/// The unit's limits as it reports them; lever refuses a target outside them.
struct UnitLimits {
  double max_support_force_n = 0;                ///< largest support force the unit delivers, N
  std::optional<double> min_support_force_n;     ///< smallest support force it holds when armed, N
  double max_support_slew_n_per_s = 0;           ///< fastest support change, N/s
  double max_speed_kmh = 0;                      ///< top belt speed, km/h
  double max_accel_kmh_per_s = 0;                ///< fastest belt speed change, km/h per s
  double max_incline_pct = 0;                    ///< steepest incline, % grade
  double min_incline_pct = 0;                    ///< lowest incline, % grade
  std::optional<int> watchdog_ms;                ///< unit watchdog, ms: HOLD when no host frame arrives for this long
};

/// The calibration in the unit's non-volatile memory when last read.
struct CalibrationInUnit {
  double zero_counts = 0;                     ///< load-cell reading with no load, raw counts
  double gain_n_per_count = 0;                ///< load-cell gain, N per count
  double actuator_gain = 0;                   ///< actuator map: delivered force per unit of drive
  double actuator_offset_n = 0;               ///< actuator map: delivered force at zero drive, N
  double frame_height_cm = 0;                 ///< arm/frame height setting, cm
  std::optional<std::string> calibrated_at;   ///< compact UTC time as the unit holds it; empty (stored null) when never
};

/// The unit's status when last seen.
struct UnitStatus {
  UnitState state = UnitState::idle;           ///< the unit's state
  std::vector<UnitFault> faults;               ///< fault names it reported (empty when none)
  std::optional<std::string> first_fault;      ///< the first fault latched since the last reset, as the unit names it; empty (null) when none
  std::optional<double> support_measured_n;    ///< measured support force, N
  std::optional<double> load_cell_raw;         ///< raw load-cell reading, counts
  std::optional<double> speed_kmh;             ///< measured belt speed, km/h
  std::optional<bool> estop;                   ///< the emergency stop is pressed
};

/// A unit document as stored.
struct Unit {
  static constexpr std::string_view kCollection = "unit";  ///< where units are stored
  std::string id;                                   ///< the serial number, lower-cased
  std::string serial;                               ///< the serial number the unit reports
  std::string firmware;                             ///< firmware version it reports
  int protocol_version = 1;                         ///< its protocol version (lever-protocol(7))
  std::optional<std::string> model;                 ///< the model it reports ('unknown' when it does not say)
  std::optional<std::string> port;                  ///< the PORT string it was last reached on
  UnitLimits limits;                                ///< its limits
  std::optional<double> frame_height_cm;            ///< arm/frame height setting of its calibration, cm
  std::optional<std::string> message_table_crc;     ///< its message-table checksum, four hex digits
  std::optional<bool> compatible;                   ///< this lever speaks its protocol version and message table
  std::optional<CalibrationInUnit> calibration;     ///< the calibration in its memory when last read
  std::optional<UnitStatus> last_status;            ///< its status when last seen
  Instant last_seen_at;                             ///< when lever last identified it
};

/// Writes unit limits.
void to_json(nlohmann::json& j, const UnitLimits& v);
/// Reads unit limits.
void from_json(const nlohmann::json& j, UnitLimits& v);
/// Writes the calibration in a unit.
void to_json(nlohmann::json& j, const CalibrationInUnit& v);
/// Reads the calibration in a unit.
void from_json(const nlohmann::json& j, CalibrationInUnit& v);
/// Writes a unit status.
void to_json(nlohmann::json& j, const UnitStatus& v);
/// Reads a unit status.
void from_json(const nlohmann::json& j, UnitStatus& v);
/// Writes a unit document.
void to_json(nlohmann::json& j, const Unit& v);
/// Reads a unit document (validated against its schema first).
void from_json(const nlohmann::json& j, Unit& v);

}  // namespace lever::model
