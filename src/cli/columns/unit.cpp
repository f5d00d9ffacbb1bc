#include "lever/cli/columns/unit.hpp"

namespace lever::device {

const std::vector<Column>& status_columns() {
  static const std::vector<Column> c = {
      {"unit_ms", "Unit ms"},
      {"state", "State"},
      {"support_cmd_n", "Cmd", CellKind::force_n},
      {"support_target_n", "Target", CellKind::force_n},
      {"support_measured_n", "Measured", CellKind::force_n},
      {"load_cell_raw", "Raw"},
      {"speed_cmd_kmh", "Speed cmd", CellKind::speed_kmh},
      {"speed_kmh", "Speed", CellKind::speed_kmh},
      {"incline_pct", "Incline", CellKind::percent},
      {"cadence_spm", "Cadence"},
      {"faults", "Faults"},
      {"estop", "E-stop", CellKind::flag},
  };
  return c;
}

const std::vector<Column>& unit_info_columns() {
  static const std::vector<Column> c = {
      {"id", "Unit"},
      {"serial", "Serial"},
      {"model", "Model"},
      {"firmware", "Firmware"},
      {"protocol_version", "Protocol"},
      {"message_table_crc", "Message table"},
      {"compatible", "Compatible", CellKind::flag},
      {"port", "Port"},
      {"max_support_force_n", "Max support", CellKind::force_n},
      {"max_support_slew_n_per_s", "Max slew N/s", CellKind::decimal1},
      {"max_speed_kmh", "Max speed", CellKind::speed_kmh},
      {"max_accel_kmh_per_s", "Max accel km/h/s", CellKind::decimal2},
      {"incline_range_pct", "Incline range %"},
      {"watchdog_ms", "Watchdog ms"},
      {"frame_height_cm", "Frame height cm", CellKind::decimal1},
      {"calibration_gain_n_per_count", "Cal gain N/count"},
      {"calibration_zero_counts", "Cal zero counts", CellKind::decimal1},
      {"calibrated_at", "Calibrated"},
      {"state", "State"},
      {"faults", "Faults"},
      {"support_measured_n", "Measured support", CellKind::force_n},
      {"last_seen_at", "Last seen", CellKind::time},
  };
  return c;
}

}  // namespace lever::device
