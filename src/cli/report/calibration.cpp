#include "lever/cli/report/calibration.hpp"

#include <fmt/format.h>

#include "lever/report/calibration.hpp"

namespace lever::report {

using nlohmann::json;

const std::vector<Column>& certificate_point_columns() {
  static const std::vector<Column> c = {
      {"record_id", "Record"},      {"unit_id", "Unit"},
      {"serial", "Serial"},         {"record_result", "Record result"},
      {"point", "Point"},           {"point_kind", "Kind"},
      {"mass_kg", "Mass", CellKind::mass_kg},
      {"reference_n", "Reference N", CellKind::decimal2},
      {"measured_n", "Measured N", CellKind::decimal2},
      {"error_n", "Error N", CellKind::decimal2},
      {"tolerance_n", "Tolerance N", CellKind::decimal2},
      {"verdict", "Result"},
  };
  return c;
}

const std::vector<Column>& certificate_detail_columns() {
  static const std::vector<Column> c = {
      {"result", "Overall result"}, {"id", "Record"},          {"unit_id", "Unit"},
      {"serial", "Serial"},         {"model", "Model"},        {"firmware", "Firmware"},
      {"kind", "Kind"},             {"technician", "Technician"},
      {"started_at", "Started", CellKind::time},               {"finished_at", "Finished", CellKind::time},
      {"due_at", "Next calibration due", CellKind::time},      {"frame_height_cm", "Frame height (cm)", CellKind::decimal1},
      {"tolerance_n", "Tolerance (N)", CellKind::decimal2},    {"failure_reason", "Failure reason"},
      {"superseded_by", "Superseded by"},
  };
  return c;
}

void print_calibration_report(Printer& out, Format format, const json& r) {
  if (format == Format::json) {
    out.json_value(r);
    return;
  }
  if (format != Format::table) {
    out.records(certificate_point_columns(), r["points"].get<std::vector<json>>());
    return;
  }
  out.heading(r.value("headline", ""));
  out.heading(r.value("detail", ""));
  out.record(certificate_detail_columns(), certificate_details(r));
  out.heading("Reference masses");
  out.records({{"mass_kg", "Mass", CellKind::mass_kg}, {"certificate", "Certificate"}}, r["references"].get<std::vector<json>>());
  out.heading("Readings");
  out.records({{"step", "Step"}, {"reference_n", "Reference N", CellKind::decimal2}, {"target_n", "Target N", CellKind::decimal2},
               {"counts", "Counts", CellKind::decimal1}, {"measured_n", "Measured N", CellKind::decimal2},
               {"noise_n", "Noise N", CellKind::decimal2}, {"samples", "Samples"}},
              r["readings"].get<std::vector<json>>());
  out.heading("Fits");
  std::vector<json> fits;
  for (auto f : r["fits"]) {
    std::string res;
    for (const auto& x : f["residuals_n"]) res += fmt::format("{}{:+.2f}", res.empty() ? "" : " ", x.get<double>());
    f["residuals_n"] = res;
    fits.push_back(f);
  }
  out.records({{"fit", "Fit"}, {"model", "Model"}, {"rms_n", "RMS N", CellKind::decimal2}, {"max_abs_n", "Max N", CellKind::decimal2},
               {"residuals_n", "Residuals N"}},
              fits);
  out.heading("Verification");
  out.records({{"point", "Point"}, {"point_kind", "Kind"}, {"reference_n", "Reference N", CellKind::decimal2},
               {"measured_n", "Measured N", CellKind::decimal2}, {"error_n", "Error N", CellKind::decimal2},
               {"tolerance_n", "Tolerance N", CellKind::decimal2}, {"verdict", "Result"}},
              r["points"].get<std::vector<json>>());
}

}  // namespace lever::report
