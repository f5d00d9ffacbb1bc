// The table columns of calibration records (`calibrate show|history`); the rows are built by
// calibrate/workflow.hpp.
#pragma once
#include <vector>

#include "lever/cli/output.hpp"

namespace lever::calib {

/// Columns of a calibration record summary (show, history).
const std::vector<Column>& record_columns();

/// Columns of one verification point.
const std::vector<Column>& point_columns();

}  // namespace lever::calib
