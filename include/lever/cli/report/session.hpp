// How `lever report session` is shown: the summary record, the trace tables and the HTML page.
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lever/cli/output.hpp"

namespace lever::report {

/// Columns of a trace row (ndjson/csv output of the session report).
const std::vector<Column>& trace_columns();

/// Columns of the condensed trace.
const std::vector<Column>& trace_minute_columns();

/// Columns of the session summary record.
const std::vector<Column>& session_summary_columns();

/// Prints the report: table sections; one JSON document; or the trace rows (ndjson, csv).
void print_session_report(Printer& out, Format format, const nlohmann::json& report);

/// The report as one self-contained HTML page with the SVG trace charts.
std::string session_report_html(const nlohmann::json& report);

}  // namespace lever::report
