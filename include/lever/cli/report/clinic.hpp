// How `lever report clinic` and `lever report units` are shown: their tables and the clinic HTML page.
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lever/cli/output.hpp"

namespace lever::report {

/// Columns of the clinic table.
const std::vector<Column>& clinic_columns();

/// Columns of the clinic rows in csv: the table's, then the fields added since (at the end, so
/// positional CSV readers keep their columns).
const std::vector<Column>& clinic_csv_columns();

/// Columns of the units table.
const std::vector<Column>& unit_columns();

/// The clinic overview as one HTML page (athletes, then units due for calibration).
std::string clinic_html(const std::vector<nlohmann::json>& athletes, const std::vector<nlohmann::json>& units);

}  // namespace lever::report
