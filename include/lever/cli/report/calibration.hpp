// How `lever report calibration` is shown: the certificate as tables and as a one-page HTML sheet.
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lever/cli/output.hpp"

namespace lever::report {

/// Columns of the verification points (csv/ndjson output; one row per point).
const std::vector<Column>& certificate_point_columns();

/// Columns of the record details (the report's first section).
const std::vector<Column>& certificate_detail_columns();

/// Prints the report: table sections; one JSON document; or the verification points (ndjson, csv).
void print_calibration_report(Printer& out, Format format, const nlohmann::json& report);

/// The certificate as one self-contained HTML page laid out for one A4 sheet.
std::string calibration_report_html(const nlohmann::json& report);

}  // namespace lever::report
