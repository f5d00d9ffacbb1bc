// The calibration certificate as a printable page: one A4 sheet for a normal record, and a page that
// cannot be mistaken for a certificate when the attempt failed or was aborted.
#include <fmt/format.h>

#include "lever/cli/report/calibration.hpp"
#include "lever/cli/report/html.hpp"
#include "lever/cli/report/svg.hpp"
#include "lever/report/calibration.hpp"

using nlohmann::json;

namespace lever::report {

namespace {

// Tighter type and spacing than the other reports: the certificate is meant to fit one sheet.
const char* kCertificateCss = R"(
body { max-width: 860px; font-size: 12px; }
h1 { font-size: 20px; } h2 { font-size: 13px; margin: 12px 0 2px; }
table { font-size: 11px; margin-top: 2px; } th, td { padding: 2px 6px; }
.verdict { padding: 8px 12px; margin: 8px 0; border: 2px solid; font-size: 13px; }
.verdict.ok { border-color: #1e8449; color: #145a32; background: #eafaf1; }
.verdict.bad { border-color: #b03a2e; color: #7b241c; background: #fdedec; font-weight: bold; }
.verdict .big { font-size: 18px; font-weight: bold; display: block; }
td.pass { color: #145a32; font-weight: bold; } td.fail { color: #b03a2e; font-weight: bold; }
.sign { margin-top: 18px; display: flex; gap: 24px; font-size: 11px; } .sign div { flex: 1; border-top: 1px solid #444; padding-top: 3px; }
svg.chart { margin: 4px 0; }
@media print { body { font-size: 10px; } h1 { font-size: 17px; margin: 0 0 2px; } h2 { margin: 8px 0 1px; }
  table { font-size: 9.5px; } th, td { padding: 1px 5px; } .verdict { padding: 5px 10px; margin: 5px 0; }
  .verdict, td.pass, td.fail { -webkit-print-color-adjust: exact; print-color-adjust: exact; } .sign { margin-top: 14px; } }
@page { size: A4; margin: 12mm; }
)";

std::string num(const json& v, const char* f) { return v.is_number() ? fmt::format(fmt::runtime(f), v.get<double>()) : "-"; }

// The verification points with PASS/FAIL coloured (html_table has no per-cell classes).
std::string points_table(const json& points) {
  std::string o = "<table><thead><tr><th>#</th><th>Kind</th><th>Reference N</th><th>Measured N</th><th>Error N</th>"
                  "<th>Tolerance N</th><th>Result</th></tr></thead><tbody>\n";
  for (const auto& p : points) {
    bool ok = p.value("pass", false);
    std::string kind = p.value("point_kind", "");
    if (p["mass_kg"].is_number()) kind += fmt::format(" {:g} kg", p["mass_kg"].get<double>());
    o += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>&plusmn;{}</td><td class=\"{}\">{}</td></tr>\n",
                     p.value("point", 0), html_escape(kind), num(p["reference_n"], "{:.2f}"), num(p["measured_n"], "{:.2f}"),
                     num(p["error_n"], "{:+.2f}"), num(p["tolerance_n"], "{:.2f}"), ok ? "pass" : "fail", ok ? "PASS" : "FAIL");
  }
  if (points.empty()) o += "<tr><td colspan=\"7\">(no verification points were measured)</td></tr>\n";
  return o + "</tbody></table>\n";
}

std::string calibration_table(const json& before, const json& after) {
  std::string o = "<table><thead><tr><th>Parameter</th><th>Before</th><th>In force after this record</th></tr></thead><tbody>\n";
  const std::pair<const char*, const char*> rows[] = {{"zero_counts", "Zero (counts)"}, {"gain_n_per_count", "Gain (N/count)"},
                                                       {"act_gain", "Actuator gain"},  {"act_offset_n", "Actuator offset (N)"},
                                                       {"frame_height_cm", "Frame height (cm)"}, {"calibrated_at", "Unit's calibration stamp"}};
  auto cell = [](const json& c, const char* k) {
    if (!c.is_object() || !c.contains(k)) return std::string("-");
    const json& v = c[k];
    if (v.is_string()) return v.get<std::string>().empty() ? std::string("-") : html_escape(v.get<std::string>());
    return v.is_number() ? fmt::format("{:g}", v.get<double>()) : std::string("-");
  };
  for (const auto& [k, label] : rows)
    o += "<tr><td>" + std::string(label) + "</td><td>" + cell(before, k) + "</td><td>" + cell(after, k) + "</td></tr>\n";
  return o + "</tbody></table>\n";
}

}  // namespace

std::string calibration_report_html(const json& r) {
  const json& rec = r["record"];
  const bool cert = r.value("certificate", false);
  std::string b = "<h1>" + html_escape(r.value("headline", "")) + "</h1>\n";
  b += "<p class=\"meta\">Unit " + html_escape(rec.value("serial", "")) + " &middot; record " + html_escape(rec.value("id", "")) +
       " &middot; generated " + html_escape(r.value("generated_at", "")) + " by lever</p>\n";
  b += fmt::format("<div class=\"verdict {}\"><span class=\"big\">Overall result: {}</span>{}</div>\n", cert ? "ok" : "bad",
                   html_escape(r.value("result", "")), html_escape(r.value("detail", "")));
  if (r["superseded_by"].is_string())
    b += "<p class=\"note\">Superseded by the later calibration " + html_escape(r["superseded_by"].get<std::string>()) + ".</p>\n";
  auto cols = certificate_detail_columns();
  auto details = certificate_details(r);
  std::vector<Column> left(cols.begin(), cols.begin() + 7), right(cols.begin() + 7, cols.end());
  b += "<div class=\"cols\"><div>" + html_record(left, details) + "</div><div>" + html_record(right, details) + "</div></div>\n";
  b += "<div class=\"cols\"><div><h2>Reference masses</h2>\n" +
       html_table({{"mass_kg", "Mass", CellKind::mass_kg}, {"certificate", "Certificate"}}, r["references"].get<std::vector<json>>()) +
       "</div><div><h2>Calibration</h2>\n" + calibration_table(r["old_calibration"], cert ? r["calibration"] : r["old_calibration"]) +
       "</div></div>\n";
  b += "<h2>Verification</h2>\n" + points_table(r["points"]);
  if (!r["points"].empty()) {
    LineChart c;
    c.title = "Verification error against tolerance";
    c.x_label = "verification point";
    c.y_label = "error, N";
    c.height = 150;
    double tol = r["points"][0].value("tolerance_n", 0.0);
    Series err{"error", {}, {}, "#2471a3", false, true, false};
    for (size_t i = 0; i < r["points"].size(); ++i) {
      const auto& p = r["points"][i];
      c.x_ticks.push_back(std::to_string(p.value("point", 0)));
      err.x.push_back(static_cast<double>(i));
      err.y.push_back(p.value("error_n", 0.0));
    }
    c.series = {err};
    c.thresholds = {{tol, fmt::format("+{:.1f} N", tol)}, {-tol, fmt::format("-{:.1f} N", tol)}};
    b += render_svg(c);
  }
  std::vector<json> fits;
  for (auto f : r["fits"]) {
    std::string res;
    for (const auto& x : f["residuals_n"]) res += fmt::format("{}{:+.3f}", res.empty() ? "" : " ", x.get<double>());
    f["residuals_n"] = res;
    fits.push_back(f);
  }
  b += "<h2>Fits (least squares)</h2>\n" +
       html_table({{"fit", "Fit"}, {"model", "Model"}, {"rms_n", "RMS N", CellKind::decimal2}, {"max_abs_n", "Max N", CellKind::decimal2},
                   {"residuals_n", "Residuals N"}},
                  fits);
  b += "<h2>Readings</h2>\n" +
       html_table({{"step", "Step"}, {"reference_n", "Reference N", CellKind::decimal2}, {"target_n", "Target N", CellKind::decimal2},
                   {"counts", "Counts", CellKind::decimal1}, {"measured_n", "Measured N", CellKind::decimal2},
                   {"noise_n", "Noise N", CellKind::decimal2}, {"samples", "Samples"}},
                  r["readings"].get<std::vector<json>>());
  b += "<div class=\"sign\"><div>Technician: " + html_escape(rec.value("technician", "")) +
       "</div><div>Signature</div><div>Date</div></div>\n";
  return html_page("lever: " + std::string(cert ? "calibration certificate " : "calibration record ") + rec.value("id", ""), b,
                   kCertificateCss);
}

}  // namespace lever::report
