// The table columns of unit records (`unit info`, `unit watch`); the rows are built by
// device/records.hpp.
#pragma once
#include <vector>

#include "lever/cli/output.hpp"

namespace lever::device {

/// Columns of a status record (stable machine names with SI units).
const std::vector<Column>& status_columns();

/// Columns of `lever unit info`.
const std::vector<Column>& unit_info_columns();

}  // namespace lever::device
