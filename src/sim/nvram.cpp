#include "lever/sim/nvram.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "lever/util/error.hpp"
#include "lever/util/fs.hpp"

namespace lever::sim {

using nlohmann::json;

NvMemory default_nvram(const std::string& serial) {
  NvMemory nv;
  nv.serial = serial;
  auto& l = nv.limits;
  l.max_force_n = 200;  // 45 lbf: the range of real frames of this kind (domain.md)
  l.min_force_n = 4.4;
  l.max_slew_n_s = 50;
  l.max_speed_kmh = 20;
  l.max_accel_kmh_s = 2.0;
  l.max_incline_pct = 15;
  l.min_incline_pct = 0;
  l.watchdog_ms = 300;
  auto& c = nv.calibration;
  c.zero_counts = nv.truth.zero_counts;
  c.gain_n_per_count = nv.truth.gain_n_per_count;
  c.act_gain = nv.truth.act_gain;
  c.act_offset_n = nv.truth.act_offset_n;
  c.frame_height_cm = 100;
  c.calibrated_at = "";
  return nv;
}

json nvram_to_json(const NvMemory& nv) {
  const auto& l = nv.limits;
  const auto& c = nv.calibration;
  return {{"schema_version", 1},
          {"serial", nv.serial},
          {"firmware", nv.firmware},
          {"model", nv.model},
          {"limits",
           {{"max_support_force_n", l.max_force_n}, {"min_support_force_n", l.min_force_n},
            {"max_support_slew_n_per_s", l.max_slew_n_s}, {"max_speed_kmh", l.max_speed_kmh},
            {"max_accel_kmh_per_s", l.max_accel_kmh_s}, {"max_incline_pct", l.max_incline_pct},
            {"min_incline_pct", l.min_incline_pct}, {"watchdog_ms", l.watchdog_ms}}},
          {"calibration",
           {{"zero_counts", c.zero_counts}, {"gain_n_per_count", c.gain_n_per_count}, {"act_gain", c.act_gain},
            {"act_offset_n", c.act_offset_n}, {"frame_height_cm", c.frame_height_cm}, {"calibrated_at", c.calibrated_at}}},
          {"truth",
           {{"zero_counts", nv.truth.zero_counts}, {"gain_n_per_count", nv.truth.gain_n_per_count},
            {"act_gain", nv.truth.act_gain}, {"act_offset_n", nv.truth.act_offset_n}}}};
}

NvMemory nvram_from_json(const json& j, const std::string& where) {
  try {
    if (j.value("schema_version", 0) != 1)
      throw Error(Exit::invalid_data, fmt::format("{}: unknown simulator memory version", where),
                  "move the file away; the simulator creates a factory-fresh one");
    NvMemory nv;
    nv.serial = j.at("serial").get<std::string>();
    nv.firmware = j.at("firmware").get<std::string>();
    nv.model = j.at("model").get<std::string>();
    const auto& l = j.at("limits");
    nv.limits = {l.at("max_support_force_n"), l.at("min_support_force_n"), l.at("max_support_slew_n_per_s"),
                 l.at("max_speed_kmh"), l.at("max_accel_kmh_per_s"), l.at("max_incline_pct"),
                 l.at("min_incline_pct"), l.at("watchdog_ms")};
    const auto& c = j.at("calibration");
    nv.calibration = {c.at("zero_counts"), c.at("gain_n_per_count"), c.at("act_gain"), c.at("act_offset_n"),
                      c.at("frame_height_cm"), c.at("calibrated_at")};
    const auto& t = j.at("truth");
    nv.truth = {t.at("zero_counts"), t.at("gain_n_per_count"), t.at("act_gain"), t.at("act_offset_n")};
    if (nv.truth.gain_n_per_count <= 0 || nv.calibration.gain_n_per_count <= 0 || nv.limits.max_force_n <= 0)
      throw Error(Exit::invalid_data, fmt::format("{}: gains and limits must be positive", where),
                  "correct the file or move it away for a factory-fresh unit");
    return nv;
  } catch (const json::exception& e) {
    throw Error(Exit::invalid_data, fmt::format("{}: damaged simulator memory: {}", where, e.what()),
                "correct the file or move it away for a factory-fresh unit");
  }
}

NvMemory load_or_create_nvram(const std::filesystem::path& file, const std::string& serial,
                              const std::filesystem::path& root) {
  if (auto text = read_file(file, root)) {
    json j = json::parse(*text, nullptr, false);
    if (j.is_discarded())
      throw Error(Exit::invalid_data, fmt::format("{}: simulator memory is not JSON", file.string()),
                  "correct the file or move it away for a factory-fresh unit");
    return nvram_from_json(j, file.string());
  }
  NvMemory nv = default_nvram(serial);
  save_nvram(file, nv, root);
  return nv;
}

void save_nvram(const std::filesystem::path& file, const NvMemory& nv, const std::filesystem::path& root) {
  if (file.has_parent_path()) make_private_dirs(file.parent_path(), root);
  write_file_atomic(file, nvram_to_json(nv).dump(2) + "\n", Durability::synced, root);
}

std::filesystem::path default_nvram_path(const std::filesystem::path& store_dir, const std::string& serial) {
  std::string id = serial;
  std::transform(id.begin(), id.end(), id.begin(), [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  return store_dir / "sim" / (id + ".json");
}

}  // namespace lever::sim
