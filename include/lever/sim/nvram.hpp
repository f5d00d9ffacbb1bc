// The simulated unit's non-volatile memory: a JSON file that survives restarts, so that
// `lever calibrate --port sim:` followed by `lever run --port sim:` behaves like one real unit.
#pragma once
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "lever/device/protocol.hpp"

namespace lever::sim {

/// The physical truth of the simulated unit, which its calibration tries to match.
struct SensorTruth {
  double zero_counts = 2048;       ///< true load-cell reading with no load
  double gain_n_per_count = 0.05;  ///< true newtons per count
  double act_gain = 1.0;           ///< true actuator: delivered = drive x act_gain + act_offset_n
  double act_offset_n = 0.0;       ///< true actuator offset
};

/// Everything the unit keeps across power cycles.
struct NvMemory {
  std::string serial = "SIM-0001";     ///< serial number
  std::string firmware = "1.0.0-sim";  ///< firmware version
  std::string model = "lever-sim";     ///< model name
  device::Limits limits;               ///< limits (defaults: 200 N, 50 N/s, 20 km/h, 2 km/h/s, 0-15 %, 300 ms)
  device::Calibration calibration;     ///< what the firmware believes (written by CALSET)
  SensorTruth truth;                   ///< what the hardware really does (never on the wire)
};

/// A factory-fresh unit with this serial: calibration equal to the truth.
NvMemory default_nvram(const std::string& serial);

/// Serialises for the file.
nlohmann::json nvram_to_json(const NvMemory& nv);
/// Parses the file's JSON; throws Error(invalid_data) naming the file and problem.
NvMemory nvram_from_json(const nlohmann::json& j, const std::string& where);

/// Loads the file, or creates it (0600, crash-safe) with the factory defaults for `serial`. With a
/// root (the store it lives in), the file is confined to it: no symlink is followed (lever/util/fs.hpp).
NvMemory load_or_create_nvram(const std::filesystem::path& file, const std::string& serial,
                              const std::filesystem::path& root = {});
/// Writes the file crash-safely (confined to root when given).
void save_nvram(const std::filesystem::path& file, const NvMemory& nv, const std::filesystem::path& root = {});

/// Where `sim:` keeps a unit's memory by default: <store>/sim/<serial lower-cased>.json.
std::filesystem::path default_nvram_path(const std::filesystem::path& store_dir, const std::string& serial);

}  // namespace lever::sim
