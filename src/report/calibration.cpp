#include "lever/report/calibration.hpp"

#include <cmath>

#include <fmt/format.h>

#include "lever/calibrate/check.hpp"
#include "lever/util/error.hpp"

namespace lever::report {

using nlohmann::json;

CertificateVerdict certificate_verdict(const json& rec) {
  const std::string kind = rec.value("kind", "");
  const std::string result = rec.value("result", "");
  const json& ver = rec.contains("verification") ? rec["verification"] : json();
  const bool verified = ver.is_object() && ver.value("pass", false) && !ver.value("points", json::array()).empty();
  std::string reason = rec.contains("failure_reason") && rec["failure_reason"].is_string() ? rec["failure_reason"].get<std::string>() : "";
  CertificateVerdict v;
  if (kind == "check") {
    v.result = result == "pass" && verified ? "PASS" : result == "aborted" ? "ABORTED" : "FAIL";
    v.headline = v.result == "PASS" ? "Verification check: PASS (a check, not a calibration certificate)"
                                    : "VERIFICATION CHECK " + std::string(v.result == "ABORTED" ? "ABORTED" : "FAILED");
    v.detail = v.result == "PASS" ? "The unit measured within tolerance with the calibration it holds; nothing was written to it."
               : v.result == "ABORTED"
                   ? "The check did not finish" + (reason.empty() ? std::string(".") : ": " + reason + ".")
                   : "The unit measured outside tolerance" + (reason.empty() ? std::string("") : " (" + reason + ")") +
                         ": it must not be used until it is calibrated again.";
    return v;
  }
  if (result == "pass" && verified && rec.contains("calibration") && rec["calibration"].is_object()) {
    v.certificate = true;
    v.result = "PASS";
    v.headline = "Calibration certificate";
    v.detail = "The calibration below was verified within tolerance, written to the unit and read back.";
    return v;
  }
  v.result = result == "aborted" ? "ABORTED" : "FAIL";
  v.headline = (v.result == "ABORTED" ? "CALIBRATION ABORTED" : "CALIBRATION FAILED") + std::string(": NOT A VALID CERTIFICATE");
  if (result == "pass")
    v.detail = "The record says pass but holds no passing verification or no calibration read back from the unit: it "
               "certifies nothing; run 'lever store check' and calibrate again.";
  else
    v.detail = (reason.empty() ? std::string("No reason was recorded.") : "Reason: " + reason + ".") +
               " The unit kept its previous calibration.";
  return v;
}

json pick_calibration_record(const Store& store, const std::string& unit, const std::string& record_id) {
  auto history = calib::calibration_history(store, unit);
  if (history.empty())
    throw Error(Exit::not_found, fmt::format("no calibration records for unit {}", unit),
                "calibrate it with 'lever calibrate --port PORT'; 'lever report units' lists the units");
  if (!record_id.empty()) {
    for (const auto& r : history)
      if (r.value("id", "") == record_id) return r;
    throw Error(Exit::not_found, fmt::format("unit {} has no calibration record '{}'", unit, record_id),
                fmt::format("'lever calibrate history {}' lists its records", unit));
  }
  for (auto it = history.rbegin(); it != history.rend(); ++it)
    if (it->value("kind", "") == "calibration") return *it;
  throw Error(Exit::not_found, fmt::format("unit {} has verification checks but no calibration record", unit),
              fmt::format("name a check with --record ID ('lever calibrate history {}'), or calibrate the unit", unit));
}

json calibration_report(const Store& store, const std::string& unit, const std::string& record_id) {
  json rec = pick_calibration_record(store, unit, record_id);
  auto v = certificate_verdict(rec);
  json details;
  for (const char* k : {"id", "unit_id", "serial", "model", "firmware", "kind", "result", "failure_reason", "technician", "started_at",
                        "finished_at", "due_at", "frame_height_cm", "tolerance_n", "full_scale_n", "port"})
    details[k] = rec.contains(k) ? rec[k] : json(nullptr);
  if (!v.certificate) details["due_at"] = nullptr;  // a due date would suggest the record is valid
  // The record that replaced this one, if the unit was calibrated again later.
  json superseded = nullptr;
  bool after = false;
  for (const auto& r : calib::calibration_history(store, unit)) {
    if (after && r.value("kind", "") == "calibration" && r.value("result", "") == "pass") superseded = r["id"];
    if (r["id"] == rec["id"]) after = true;
  }
  json points = json::array();
  double tol = rec.value("tolerance_n", json(0.0)).is_number() ? rec["tolerance_n"].get<double>() : 0.0;
  if (rec.contains("verification") && rec["verification"].is_object()) {
    int i = 0;
    for (const auto& p : rec["verification"].value("points", json::array()))
      points.push_back({{"record_id", rec["id"]},
                        {"unit_id", rec["unit_id"]},
                        {"serial", rec["serial"]},
                        {"record_result", rec["result"]},
                        {"point", ++i},
                        {"point_kind", p.value("kind", "")},
                        {"mass_kg", p.value("mass_kg", json(nullptr))},
                        {"reference_n", p["reference_n"]},
                        {"measured_n", p["measured_n"]},
                        {"error_n", p["error_n"]},
                        {"tolerance_n", tol},
                        {"pass", p["pass"]},
                        {"verdict", p["pass"].get<bool>() ? "PASS" : "FAIL"}});
  }
  json fits = json::array();
  if (rec.contains("fits") && rec["fits"].is_object()) {
    if (rec["fits"].contains("sensor")) {
      const auto& f = rec["fits"]["sensor"];
      fits.push_back({{"fit", "load cell"},
                      {"model", fmt::format("force = {:.6f} N/count x (counts - {:.1f})", f.value("gain_n_per_count", 0.0),
                                            f.value("zero_counts", 0.0))},
                      {"rms_n", f.value("rms_n", json(nullptr))}, {"max_abs_n", f.value("max_abs_n", json(nullptr))},
                      {"residuals_n", f.value("residuals_n", json::array())}});
    }
    if (rec["fits"].contains("actuator")) {
      const auto& f = rec["fits"]["actuator"];
      fits.push_back({{"fit", "actuator"},
                      {"model", fmt::format("delivered = {:.4f} x drive {:+.2f} N", f.value("act_gain", 0.0), f.value("act_offset_n", 0.0))},
                      {"rms_n", f.value("rms_n", json(nullptr))}, {"max_abs_n", f.value("max_abs_n", json(nullptr))},
                      {"residuals_n", f.value("residuals_n", json::array())}});
    }
  }
  json readings = json::array();
  for (const auto& r : rec.value("readings", json::array()))
    readings.push_back({{"step", r.value("step", "")}, {"mass_kg", r.value("mass_kg", json(nullptr))},
                        {"reference_n", r.value("reference_n", json(nullptr))}, {"target_n", r.value("target_n", json(nullptr))},
                        {"drive", r.value("drive", json(nullptr))}, {"counts", r.value("counts", json(nullptr))},
                        {"measured_n", r.value("measured_n", json(nullptr))}, {"noise_n", r.value("noise_n", json(nullptr))},
                        {"samples", r.value("n", json(nullptr))}});
  return {{"report", "calibration"},
          {"generated_at", format_iso(now())},
          {"certificate", v.certificate},
          {"result", v.result},
          {"headline", v.headline},
          {"detail", v.detail},
          {"record", details},
          {"superseded_by", superseded},
          {"references", rec.value("references", json::array())},
          {"readings", readings},
          {"fits", fits},
          {"calibration", rec.contains("calibration") ? rec["calibration"] : json(nullptr)},
          {"old_calibration", rec.contains("old_calibration") ? rec["old_calibration"] : json(nullptr)},
          {"verification_pass", rec.contains("verification") && rec["verification"].is_object()
                                    ? json(rec["verification"].value("pass", false)) : json(nullptr)},
          {"points", points}};
}

json certificate_details(const json& r) {
  json row = r["record"];
  row["result"] = r["result"];
  row["superseded_by"] = r["superseded_by"];
  return row;
}

}  // namespace lever::report
