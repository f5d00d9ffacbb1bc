// Shared pieces of lever's HTML reports: one self-contained page (inline CSS and SVG, no scripts,
// no external resources) that reads on screen and prints cleanly on A4 or Letter.
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lever/cli/output.hpp"

namespace lever::report {

/// Wraps body HTML in a complete page with lever's report stylesheet (A4 when printed), plus
/// `extra_css` for a page's own layout (e.g. the one-page calibration certificate).
std::string html_page(const std::string& title, const std::string& body, const std::string& extra_css = "");

/// A two-column "label: value" table for one record (the HTML twin of Printer::record).
std::string html_record(const std::vector<Column>& cols, const nlohmann::json& row);

/// An HTML table of records using the same columns (and cell rendering) as the text tables.
std::string html_table(const std::vector<Column>& cols, const std::vector<nlohmann::json>& rows);

/// Writes an HTML report to `path` atomically (0644: reports are meant to be shared by the user).
void write_html(const std::string& path, const std::string& html);

}  // namespace lever::report
