#include "lever/cli/report/html.hpp"

#include <sys/stat.h>

#include <sstream>

#include "lever/cli/report/svg.hpp"
#include "lever/util/fs.hpp"

namespace lever::report {

std::string html_page(const std::string& title, const std::string& body, const std::string& extra_css) {
  return R"(<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>)" + html_escape(title) +
         R"(</title>
<style>
body { font-family: "DejaVu Sans", Arial, sans-serif; color: #222; margin: 24px auto; max-width: 1000px; padding: 0 16px; }
h1 { font-size: 22px; margin-bottom: 4px; } h2 { font-size: 16px; margin-top: 28px; border-bottom: 1px solid #ccc; }
.meta { color: #555; font-size: 12px; } .flag { color: #b03a2e; font-weight: bold; }
table { border-collapse: collapse; width: 100%; font-size: 12px; margin-top: 8px; }
th, td { border-bottom: 1px solid #e3e3e3; padding: 4px 6px; text-align: left; vertical-align: top; }
th { background: #f4f6f8; } tr:nth-child(even) td { background: #fbfbfb; }
svg.chart { max-width: 100%; height: auto; display: block; margin: 12px 0; }
.note { font-size: 11px; color: #666; }
@media print { body { margin: 0; max-width: none; } h2 { break-after: avoid; } table, svg.chart { break-inside: avoid; }
  th { background: #eee !important; -webkit-print-color-adjust: exact; print-color-adjust: exact; } }
@page { size: A4; margin: 15mm; }
.cols { display: flex; gap: 24px; } .cols > div { flex: 1; }
table.record { width: auto; } table.record th { text-align: left; font-weight: normal; color: #444; padding-right: 18px; }
)" + extra_css + R"(</style></head><body>
)" + body + "\n</body></html>\n";
}

std::string html_table(const std::vector<Column>& cols, const std::vector<nlohmann::json>& rows) {
  std::ostringstream sink;
  Printer p(OutputOptions{}, sink);
  std::string o = "<table><thead><tr>";
  for (const auto& c : cols) o += "<th>" + html_escape(c.header) + "</th>";
  o += "</tr></thead><tbody>\n";
  for (const auto& r : rows) {
    o += "<tr>";
    for (const auto& c : cols) {
      static const nlohmann::json null_value;
      const auto& v = r.contains(c.key) ? r[c.key] : null_value;
      o += "<td>" + html_escape(p.cell(c, v)) + "</td>";
    }
    o += "</tr>\n";
  }
  if (rows.empty()) o += "<tr><td colspan=\"" + std::to_string(cols.size()) + "\">(none)</td></tr>\n";
  return o + "</tbody></table>\n";
}

std::string html_record(const std::vector<Column>& cols, const nlohmann::json& row) {
  std::ostringstream sink;
  Printer p(OutputOptions{}, sink);
  std::string o = "<table class=\"record\"><tbody>\n";
  for (const auto& c : cols) {
    static const nlohmann::json null_value;
    const auto& v = row.contains(c.key) ? row[c.key] : null_value;
    o += "<tr><th>" + html_escape(c.header) + "</th><td>" + html_escape(p.cell(c, v)) + "</td></tr>\n";
  }
  return o + "</tbody></table>\n";
}

void write_html(const std::string& path, const std::string& html) {
  fs::path p = fs::absolute(path);
  write_file_atomic(p, html);
  ::chmod(p.c_str(), 0644);
}

}  // namespace lever::report
