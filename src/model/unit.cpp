// Unit documents to and from JSON, field for field as schemas/unit.schema.json names them, with null
// where the device layer writes null (src/device/records.cpp, unit_document).
#include "lever/model/unit.hpp"

#include "lever/model/json_io.hpp"

namespace lever::model {

using nlohmann::json;

void to_json(json& j, const UnitLimits& v) {
  j = {{"max_support_force_n", v.max_support_force_n},
       {"max_support_slew_n_per_s", v.max_support_slew_n_per_s},
       {"max_speed_kmh", v.max_speed_kmh},
       {"max_accel_kmh_per_s", v.max_accel_kmh_per_s},
       {"max_incline_pct", v.max_incline_pct},
       {"min_incline_pct", v.min_incline_pct}};
  write_opt(j, "min_support_force_n", v.min_support_force_n);
  write_opt(j, "watchdog_ms", v.watchdog_ms);
}

void from_json(const json& j, UnitLimits& v) {
  j.at("max_support_force_n").get_to(v.max_support_force_n);
  j.at("max_support_slew_n_per_s").get_to(v.max_support_slew_n_per_s);
  j.at("max_speed_kmh").get_to(v.max_speed_kmh);
  j.at("max_accel_kmh_per_s").get_to(v.max_accel_kmh_per_s);
  j.at("max_incline_pct").get_to(v.max_incline_pct);
  j.at("min_incline_pct").get_to(v.min_incline_pct);
  read_opt(j, "min_support_force_n", v.min_support_force_n);
  read_opt(j, "watchdog_ms", v.watchdog_ms);
}

void to_json(json& j, const CalibrationInUnit& v) {
  j = {{"zero_counts", v.zero_counts},
       {"gain_n_per_count", v.gain_n_per_count},
       {"actuator_gain", v.actuator_gain},
       {"actuator_offset_n", v.actuator_offset_n},
       {"frame_height_cm", v.frame_height_cm}};
  write_opt(j, "calibrated_at", v.calibrated_at, Empty::null);
}

void from_json(const json& j, CalibrationInUnit& v) {
  j.at("zero_counts").get_to(v.zero_counts);
  j.at("gain_n_per_count").get_to(v.gain_n_per_count);
  j.at("actuator_gain").get_to(v.actuator_gain);
  j.at("actuator_offset_n").get_to(v.actuator_offset_n);
  j.at("frame_height_cm").get_to(v.frame_height_cm);
  read_opt(j, "calibrated_at", v.calibrated_at);
}

void to_json(json& j, const UnitStatus& v) {
  j = {{"state", v.state}, {"faults", v.faults}};
  write_opt(j, "first_fault", v.first_fault, Empty::null);
  write_opt(j, "support_measured_n", v.support_measured_n);
  write_opt(j, "load_cell_raw", v.load_cell_raw);
  write_opt(j, "speed_kmh", v.speed_kmh);
  write_opt(j, "estop", v.estop);
}

void from_json(const json& j, UnitStatus& v) {
  j.at("state").get_to(v.state);
  j.at("faults").get_to(v.faults);
  read_opt(j, "first_fault", v.first_fault);
  read_opt(j, "support_measured_n", v.support_measured_n);
  read_opt(j, "load_cell_raw", v.load_cell_raw);
  read_opt(j, "speed_kmh", v.speed_kmh);
  read_opt(j, "estop", v.estop);
}

void to_json(json& j, const Unit& v) {
  j = {{"schema_version", 1},
       {"id", v.id},
       {"serial", v.serial},
       {"firmware", v.firmware},
       {"protocol_version", v.protocol_version},
       {"limits", v.limits},
       {"last_seen_at", v.last_seen_at}};
  write_opt(j, "model", v.model);
  write_opt(j, "port", v.port);
  write_opt(j, "frame_height_cm", v.frame_height_cm);
  write_opt(j, "message_table_crc", v.message_table_crc);
  write_opt(j, "compatible", v.compatible);
  write_opt(j, "calibration", v.calibration);
  write_opt(j, "last_status", v.last_status);
}

void from_json(const json& j, Unit& v) {
  j.at("id").get_to(v.id);
  j.at("serial").get_to(v.serial);
  j.at("firmware").get_to(v.firmware);
  j.at("protocol_version").get_to(v.protocol_version);
  j.at("limits").get_to(v.limits);
  j.at("last_seen_at").get_to(v.last_seen_at);
  read_opt(j, "model", v.model);
  read_opt(j, "port", v.port);
  read_opt(j, "frame_height_cm", v.frame_height_cm);
  read_opt(j, "message_table_crc", v.message_table_crc);
  read_opt(j, "compatible", v.compatible);
  read_opt(j, "calibration", v.calibration);
  read_opt(j, "last_status", v.last_status);
}

}  // namespace lever::model
