#include "lever/cli/columns/calibration.hpp"

namespace lever::calib {

const std::vector<Column>& record_columns() {
  static const std::vector<Column> cols = {
      {"id", "Record"},
      {"unit_id", "Unit"},
      {"kind", "Kind"},
      {"result", "Result"},
      {"started_at", "Started", CellKind::time},
      {"technician", "Technician"},
      {"firmware", "Firmware"},
      {"frame_height_cm", "Frame cm", CellKind::decimal1},
      {"gain_n_per_count", "Gain N/count"},
      {"zero_counts", "Zero counts", CellKind::decimal1},
      {"act_gain", "Act gain"},
      {"act_offset_n", "Act offset N", CellKind::decimal2},
      {"tolerance_n", "Tolerance N", CellKind::decimal2},
      {"max_error_n", "Max error N", CellKind::decimal2},
      {"due_at", "Due", CellKind::time},
      {"failure_reason", "Reason"},
  };
  return cols;
}

const std::vector<Column>& point_columns() {
  static const std::vector<Column> cols = {{"kind", "Point"},           {"reference_n", "Reference N", CellKind::decimal2},
                                           {"measured_n", "Measured N", CellKind::decimal2}, {"error_n", "Error N", CellKind::decimal2},
                                           {"pass", "Pass", CellKind::flag}};
  return cols;
}

}  // namespace lever::calib
