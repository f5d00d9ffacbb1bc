// How `lever report athlete` is shown: its tables (week by week, sessions, decisions) and its HTML page.
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lever/cli/output.hpp"

namespace lever::report {

/// Columns of the weekly table (stable machine names).
const std::vector<Column>& weekly_columns();

/// Columns of the report's session list.
const std::vector<Column>& session_columns();

/// Columns of the report's decision list.
const std::vector<Column>& decision_columns();

/// Prints the report in the printer's format (table sections, or one JSON document / rows).
void print_athlete_report(Printer& out, Format format, const nlohmann::json& report);

/// The report as one self-contained HTML page with SVG charts that prints cleanly.
std::string athlete_report_html(const nlohmann::json& report);

}  // namespace lever::report
