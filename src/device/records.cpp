#include "lever/device/records.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "lever/store/store.hpp"
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

json unit_document(const Identity& id, const std::optional<Calibration>& cal, const std::optional<Status>& st,
                   bool compatible, const std::string& port) {
  const auto& l = id.limits;
  json doc = {{"schema_version", 1},
              {"id", unit_id(id.serial)},
              {"serial", id.serial},
              {"firmware", id.firmware},
              {"protocol_version", std::max(1, id.protocol)},
              {"message_table_crc", fmt::format("{:04X}", id.table_crc)},
              {"compatible", compatible},
              {"model", id.model},
              {"port", port},
              {"limits",
               {{"max_support_force_n", l.max_force_n}, {"min_support_force_n", l.min_force_n},
                {"max_support_slew_n_per_s", l.max_slew_n_s}, {"max_speed_kmh", l.max_speed_kmh},
                {"max_accel_kmh_per_s", l.max_accel_kmh_s}, {"max_incline_pct", l.max_incline_pct},
                {"min_incline_pct", l.min_incline_pct}, {"watchdog_ms", l.watchdog_ms}}},
              {"last_seen_at", format_iso(now())}};
  if (cal) {
    doc["frame_height_cm"] = cal->frame_height_cm;
    doc["calibration"] = {{"zero_counts", cal->zero_counts}, {"gain_n_per_count", cal->gain_n_per_count},
                          {"actuator_gain", cal->act_gain}, {"actuator_offset_n", cal->act_offset_n},
                          {"frame_height_cm", cal->frame_height_cm},
                          {"calibrated_at", cal->calibrated_at.empty() ? json(nullptr) : json(cal->calibrated_at)}};
  }
  if (st) {
    json faults = json::array();
    for (const auto& n : fault_names(st->faults)) faults.push_back(n);
    doc["last_status"] = {{"state", state_name(st->state)}, {"faults", faults},
                          {"first_fault", st->first_fault.empty() ? json(nullptr) : json(st->first_fault)},
                          {"support_measured_n", st->meas_n}, {"load_cell_raw", st->raw_counts},
                          {"speed_kmh", st->speed_kmh}, {"estop", st->estop}};
  }
  return doc;
}

json unit_info_row(const json& doc) {
  const auto& l = doc["limits"];
  json row = {{"id", doc["id"]},
              {"serial", doc["serial"]},
              {"model", doc.value("model", "")},
              {"firmware", doc["firmware"]},
              {"protocol_version", doc["protocol_version"]},
              {"message_table_crc", doc.value("message_table_crc", "")},
              {"compatible", doc.value("compatible", false)},
              {"port", doc.value("port", "")},
              {"max_support_force_n", l["max_support_force_n"]},
              {"max_support_slew_n_per_s", l["max_support_slew_n_per_s"]},
              {"max_speed_kmh", l["max_speed_kmh"]},
              {"max_accel_kmh_per_s", l["max_accel_kmh_per_s"]},
              {"incline_range_pct", fmt::format("{:g} to {:g}", l["min_incline_pct"].get<double>(), l["max_incline_pct"].get<double>())},
              {"watchdog_ms", l.value("watchdog_ms", 0)},
              {"frame_height_cm", doc.value("frame_height_cm", json(nullptr))},
              {"last_seen_at", doc["last_seen_at"]}};
  if (doc.contains("calibration")) {
    row["calibration_gain_n_per_count"] = doc["calibration"]["gain_n_per_count"];
    row["calibration_zero_counts"] = doc["calibration"]["zero_counts"];
    row["calibrated_at"] = doc["calibration"]["calibrated_at"].is_null() ? json("never") : doc["calibration"]["calibrated_at"];
  }
  if (doc.contains("last_status")) {
    const auto& s = doc["last_status"];
    row["state"] = s["state"];
    std::string f;
    for (const auto& n : s["faults"]) f += (f.empty() ? "" : ",") + n.get<std::string>();
    row["faults"] = f.empty() ? "none" : f;
    row["support_measured_n"] = s["support_measured_n"];
  }
  return row;
}

void save_unit_document(Store& store, const json& doc) {
  auto lock = store.lock();
  const auto& c = collection("unit");
  std::string id = doc["id"].get<std::string>();
  json merged = doc;
  if (auto old = store.load(c, id)) {  // keep what other commands recorded about this unit
    merged = *old;
    for (auto it = doc.begin(); it != doc.end(); ++it) merged[it.key()] = it.value();
  }
  store.save(c, id, merged);
}

}  // namespace lever::device
