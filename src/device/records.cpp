#include "lever/device/records.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "lever/model/run_helpers.hpp"
#include "lever/store/store.hpp"
#include "lever/store/typed.hpp"
#include "lever/store/writer.hpp"
#include "lever/util/error.hpp"
#include "lever/util/ids.hpp"
#include "lever/util/time.hpp"

namespace lever::device {

using nlohmann::json;

json status_row(const Status& s) {
  json faults = json::array();
  for (const auto& n : fault_names(s.faults)) faults.push_back(n);
  return {{"unit_ms", s.unit_ms},
          {"state", state_name(s.state)},
          {"support_cmd_n", s.cmd_n},
          {"support_target_n", s.target_n},
          {"support_measured_n", s.meas_n},
          {"load_cell_raw", s.raw_counts},
          {"speed_cmd_kmh", s.speed_cmd_kmh},
          {"speed_kmh", s.speed_kmh},
          {"incline_cmd_pct", s.incline_cmd_pct},
          {"incline_pct", s.incline_pct},
          {"cadence_spm", s.cadence_spm},
          {"faults", faults.empty() ? json("") : json(fmt::format("{}", fmt::join(fault_names(s.faults), ",")))},
          {"first_fault", s.first_fault.empty() ? json(nullptr) : json(s.first_fault)},
          {"estop", s.estop},
          {"reference_mass_kg", s.ref_mass_kg},
          {"host_seq", s.host_seq},
          {"unit_crc_errors", s.crc_errors}};
}

std::string unit_id(const std::string& serial) {
  std::string id = serial;
  std::transform(id.begin(), id.end(), id.begin(), [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  if (!is_valid_id(id))
    throw Error(Exit::invalid_data, fmt::format("the unit's serial number '{}' cannot be a store ID: {}", serial, id_problem(id)),
                "contact the unit's service: serial numbers must be letters, digits, '.', '_' or '-'");
  return id;
}

model::UnitState unit_state(State s) {
  // The device's table and the model's are one set (tests/unit/test_device_records.cpp holds them equal).
  return model::parse<model::UnitState>(state_name(s)).value();
}

std::vector<model::UnitFault> unit_faults(const std::vector<std::string>& names) {
  std::vector<model::UnitFault> out;
  for (const auto& n : names) out.push_back(model::parse<model::UnitFault>(n).value());
  return out;
}

namespace {

model::UnitLimits unit_limits(const Limits& l) {
  model::UnitLimits out;
  out.max_support_force_n = l.max_force_n;
  out.min_support_force_n = l.min_force_n;
  out.max_support_slew_n_per_s = l.max_slew_n_s;
  out.max_speed_kmh = l.max_speed_kmh;
  out.max_accel_kmh_per_s = l.max_accel_kmh_s;
  out.max_incline_pct = l.max_incline_pct;
  out.min_incline_pct = l.min_incline_pct;
  out.watchdog_ms = l.watchdog_ms;
  return out;
}

model::CalibrationInUnit calibration_in_unit(const Calibration& c) {
  model::CalibrationInUnit out;
  out.zero_counts = c.zero_counts;
  out.gain_n_per_count = c.gain_n_per_count;
  out.actuator_gain = c.act_gain;
  out.actuator_offset_n = c.act_offset_n;
  out.frame_height_cm = c.frame_height_cm;
  if (!c.calibrated_at.empty()) out.calibrated_at = c.calibrated_at;
  return out;
}

model::UnitStatus unit_status(const Status& s) {
  model::UnitStatus out;
  out.state = unit_state(s.state);
  out.faults = unit_faults(fault_names(s.faults));
  if (!s.first_fault.empty()) out.first_fault = s.first_fault;
  out.support_measured_n = s.meas_n;
  out.load_cell_raw = s.raw_counts;
  out.speed_kmh = s.speed_kmh;
  out.estop = s.estop;
  return out;
}

}  // namespace

model::Unit unit_document(const Identity& id, const std::optional<Calibration>& cal, const std::optional<Status>& st,
                          bool compatible, const std::string& port) {
  model::Unit u;
  u.id = unit_id(id.serial);
  u.serial = id.serial;
  u.firmware = id.firmware;
  u.protocol_version = std::max(1, id.protocol);
  u.message_table_crc = fmt::format("{:04X}", id.table_crc);
  u.compatible = compatible;
  u.model = id.model;
  u.port = port;
  u.limits = unit_limits(id.limits);
  u.last_seen_at = model::Instant::of(now());
  if (cal) {
    u.frame_height_cm = cal->frame_height_cm;
    u.calibration = calibration_in_unit(*cal);
  }
  if (st) u.last_status = unit_status(*st);
  return u;
}

json unit_info_row(const model::Unit& u) {
  using model::or_null;
  const auto& l = u.limits;
  json row = {{"id", u.id},
              {"serial", u.serial},
              {"model", or_null(u.model)},
              {"firmware", u.firmware},
              {"protocol_version", u.protocol_version},
              {"message_table_crc", or_null(u.message_table_crc)},
              {"compatible", or_null(u.compatible)},
              {"port", or_null(u.port)},
              {"max_support_force_n", l.max_support_force_n},
              {"max_support_slew_n_per_s", l.max_support_slew_n_per_s},
              {"max_speed_kmh", l.max_speed_kmh},
              {"max_accel_kmh_per_s", l.max_accel_kmh_per_s},
              {"incline_range_pct", fmt::format("{:g} to {:g}", l.min_incline_pct, l.max_incline_pct)},
              {"watchdog_ms", or_null(l.watchdog_ms)},
              {"frame_height_cm", or_null(u.frame_height_cm)},
              {"calibration_gain_n_per_count", nullptr},
              {"calibration_zero_counts", nullptr},
              {"calibrated_at", nullptr},
              {"state", nullptr},
              {"faults", nullptr},
              {"support_measured_n", nullptr},
              {"last_seen_at", u.last_seen_at}};
  if (u.calibration) {
    row["calibration_gain_n_per_count"] = u.calibration->gain_n_per_count;
    row["calibration_zero_counts"] = u.calibration->zero_counts;
    row["calibrated_at"] = u.calibration->calibrated_at.value_or("never");
  }
  if (u.last_status) {
    const auto& s = *u.last_status;
    row["state"] = s.state;
    std::string f;
    for (auto n : s.faults) f += (f.empty() ? "" : ",") + std::string(model::name(n));
    row["faults"] = f.empty() ? "none" : f;
    row["support_measured_n"] = or_null(s.support_measured_n);
  }
  return row;
}

void save_unit_document(Store& store, const model::Unit& unit) {
  StoreWriter w(store);
  model::Unit merged = unit;
  if (auto old = load_as<model::Unit>(w.store(), unit.id)) {  // keep what other commands recorded about this unit
    auto keep = [](auto& field, const auto& before) {
      if (!field) field = before;
    };
    keep(merged.model, old->model);
    keep(merged.port, old->port);
    keep(merged.frame_height_cm, old->frame_height_cm);
    keep(merged.message_table_crc, old->message_table_crc);
    keep(merged.compatible, old->compatible);
    keep(merged.calibration, old->calibration);
    keep(merged.last_status, old->last_status);
  }
  save_as(w, merged, {});  // a unit seen again is no one's change: not audited
}

}  // namespace lever::device
