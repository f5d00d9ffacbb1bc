#include "lever/report/calibration.hpp"

#include <cmath>

#include <fmt/format.h>

#include "lever/calibrate/check.hpp"
#include "lever/model/run_helpers.hpp"
#include "lever/util/error.hpp"

namespace lever::report {

using nlohmann::json;
using model::or_null;

namespace {

// The verdict on a verification check (it never writes the unit, so it never certifies).
CertificateVerdict check_verdict(model::CalibrationResult result, bool verified, const std::string& reason) {
  CertificateVerdict v;
  v.result = result == model::CalibrationResult::pass && verified ? "PASS"
             : result == model::CalibrationResult::aborted    ? "ABORTED"
                                                              : "FAIL";
  v.headline = v.result == "PASS" ? "Verification check: PASS (a check, not a calibration certificate)"
                                  : "VERIFICATION CHECK " + std::string(v.result == "ABORTED" ? "ABORTED" : "FAILED");
  v.detail = v.result == "PASS" ? "The unit measured within tolerance with the calibration it holds; nothing was written to it."
             : v.result == "ABORTED"
                 ? "The check did not finish" + (reason.empty() ? std::string(".") : ": " + reason + ".")
                 : "The unit measured outside tolerance" + (reason.empty() ? std::string("") : " (" + reason + ")") +
                       ": it must not be used until it is calibrated again.";
  return v;
}

}  // namespace

CertificateVerdict certificate_verdict(const model::Calibration& rec) {
  using model::CalibrationResult;
  const bool verified = rec.verification && rec.verification->pass && !rec.verification->points.empty();
  const std::string reason = rec.failure_reason.value_or("");
  if (rec.kind == model::CalibrationKind::check) return check_verdict(rec.result, verified, reason);
  CertificateVerdict v;
  if (rec.result == CalibrationResult::pass && verified && rec.calibration) {
    v.certificate = true;
    v.result = "PASS";
    v.headline = "Calibration certificate";
    v.detail = "The calibration below was verified within tolerance, written to the unit and read back.";
    return v;
  }
  v.result = rec.result == CalibrationResult::aborted ? "ABORTED" : "FAIL";
  v.headline = (v.result == "ABORTED" ? "CALIBRATION ABORTED" : "CALIBRATION FAILED") + std::string(": NOT A VALID CERTIFICATE");
  if (rec.result == CalibrationResult::pass)
    v.detail = "The record says pass but holds no passing verification or no calibration read back from the unit: it "
               "certifies nothing; run 'lever store check' and calibrate again.";
  else
    v.detail = (reason.empty() ? std::string("No reason was recorded.") : "Reason: " + reason + ".") +
               " The unit kept its previous calibration.";
  return v;
}

model::Calibration pick_calibration_record(const std::vector<model::Calibration>& history, const std::string& unit,
                                           const std::string& record_id) {
  if (history.empty())
    throw Error(Exit::not_found, fmt::format("no calibration records for unit {}", unit),
                "calibrate it with 'lever calibrate --port PORT'; 'lever report units' lists the units");
  if (!record_id.empty()) {
    for (const auto& r : history)
      if (r.id == record_id) return r;
    throw Error(Exit::not_found, fmt::format("unit {} has no calibration record '{}'", unit, record_id),
                fmt::format("'lever calibrate history {}' lists its records", unit));
  }
  for (auto it = history.rbegin(); it != history.rend(); ++it)
    if (it->kind == model::CalibrationKind::calibration) return *it;
  throw Error(Exit::not_found, fmt::format("unit {} has verification checks but no calibration record", unit),
              fmt::format("name a check with --record ID ('lever calibrate history {}'), or calibrate the unit", unit));
}

namespace {

// The record's own fields for the details section; no due date unless it certifies (a due date
// would suggest the record is valid).
json record_details(const model::Calibration& rec, bool certificate) {
  return {{"id", rec.id},
          {"unit_id", rec.unit_id},
          {"serial", rec.serial},
          {"model", or_null(rec.model)},
          {"firmware", rec.firmware},
          {"kind", rec.kind},
          {"result", rec.result},
          {"failure_reason", or_null(rec.failure_reason)},
          {"technician", rec.technician},
          {"started_at", rec.started_at},
          {"finished_at", or_null(rec.finished_at)},
          {"due_at", certificate ? or_null(rec.due_at) : json(nullptr)},
          {"frame_height_cm", or_null(rec.frame_height_cm)},
          {"tolerance_n", or_null(rec.tolerance_n)},
          {"full_scale_n", or_null(rec.full_scale_n)},
          {"port", or_null(rec.port)}};
}

// The later passing calibration that replaced this record (the newest of them), or null.
json superseded_by(const std::vector<model::Calibration>& history, const model::Calibration& rec) {
  json superseded = nullptr;
  bool after = false;
  for (const auto& r : history) {
    if (after && r.kind == model::CalibrationKind::calibration && r.result == model::CalibrationResult::pass) superseded = r.id;
    if (r.id == rec.id) after = true;
  }
  return superseded;
}

// One row per verification point, each naming its record (the csv/ndjson output).
json point_rows(const model::Calibration& rec) {
  json points = json::array();
  if (!rec.verification) return points;
  int i = 0;
  for (const auto& p : rec.verification->points)
    points.push_back({{"record_id", rec.id},
                      {"unit_id", rec.unit_id},
                      {"serial", rec.serial},
                      {"record_result", rec.result},
                      {"point", ++i},
                      {"point_kind", p.kind},
                      {"mass_kg", or_null(p.mass_kg)},
                      {"reference_n", p.reference_n},
                      {"measured_n", p.measured_n},
                      {"error_n", p.error_n},
                      {"tolerance_n", or_null(rec.tolerance_n)},
                      {"pass", p.pass},
                      {"verdict", p.pass ? "PASS" : "FAIL"}});
  return points;
}

// A fit's row: its name, its line in words and its residuals.
template <class Fit>
json fit_row(const char* name, std::string line, const Fit& f) {
  return {{"fit", name}, {"model", std::move(line)}, {"rms_n", f.rms_n}, {"max_abs_n", f.max_abs_n}, {"residuals_n", f.residuals_n}};
}

// The load cell's and the actuator's fits, as far as the attempt got.
json fit_rows(const model::Calibration& rec) {
  json fits = json::array();
  if (!rec.fits) return fits;
  if (const auto& f = rec.fits->sensor)
    fits.push_back(fit_row("load cell", fmt::format("force = {:.6f} N/count x (counts - {:.1f})", f->gain_n_per_count, f->zero_counts), *f));
  if (const auto& f = rec.fits->actuator)
    fits.push_back(fit_row("actuator", fmt::format("delivered = {:.4f} x drive {:+.2f} N", f->act_gain, f->act_offset_n), *f));
  return fits;
}

// Every stable reading, in the order taken.
json reading_rows(const model::Calibration& rec) {
  json readings = json::array();
  if (!rec.readings) return readings;
  for (const auto& r : *rec.readings)
    readings.push_back({{"step", r.step}, {"mass_kg", or_null(r.mass_kg)}, {"reference_n", or_null(r.reference_n)},
                        {"target_n", or_null(r.target_n)}, {"drive", or_null(r.drive)}, {"counts", r.counts},
                        {"measured_n", or_null(r.measured_n)}, {"noise_n", r.noise_n}, {"samples", r.n}});
  return readings;
}

// A unit calibration with every field present (frame_height_cm null when the unit did not say), or null.
json unit_calibration_row(const std::optional<model::UnitCalibration>& cal) {
  if (!cal) return nullptr;
  json row = *cal;
  row["frame_height_cm"] = or_null(cal->frame_height_cm);
  return row;
}

// The reference masses, each with its certificate (null when none was named).
json reference_rows(const model::Calibration& rec) {
  json rows = json::array();
  if (rec.references)
    for (const auto& r : *rec.references) rows.push_back({{"mass_kg", r.mass_kg}, {"certificate", or_null(r.certificate)}});
  return rows;
}

}  // namespace

json calibration_report(const Store& store, const std::string& unit, const std::string& record_id) {
  const auto history = calib::calibration_records(store, unit);
  const model::Calibration rec = pick_calibration_record(history, unit, record_id);
  auto v = certificate_verdict(rec);
  return {{"report", "calibration"},
          {"generated_at", format_iso(now())},
          {"certificate", v.certificate},
          {"result", v.result},
          {"headline", v.headline},
          {"detail", v.detail},
          {"record", record_details(rec, v.certificate)},
          {"superseded_by", superseded_by(history, rec)},
          {"references", reference_rows(rec)},
          {"readings", reading_rows(rec)},
          {"fits", fit_rows(rec)},
          {"calibration", unit_calibration_row(rec.calibration)},
          {"old_calibration", unit_calibration_row(rec.old_calibration)},
          {"verification_pass", rec.verification ? json(rec.verification->pass) : json(nullptr)},
          {"points", point_rows(rec)}};
}

json certificate_details(const json& r) {
  json row = r["record"];
  row["result"] = r["result"];
  row["superseded_by"] = r["superseded_by"];
  return row;
}

}  // namespace lever::report
