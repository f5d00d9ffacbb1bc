#include "lever/calibrate/workflow.hpp"

#include <cmath>

#include <fmt/format.h>

#include "lever/calibrate/check.hpp"
#include "lever/device/records.hpp"
#include "lever/store/collections.hpp"
#include "lever/store/writer.hpp"
#include "lever/util/ids.hpp"
#include "lever/util/time.hpp"
#include "procedure.hpp"

namespace lever::calib {

using nlohmann::json;
using detail::Procedure;

namespace {

json base_record(device::Unit& unit, const std::string& kind, const Options& opt, const std::string& user) {
  const auto& id = unit.identity();
  json refs = json::array();
  for (const auto& r : opt.references)
    refs.push_back({{"mass_kg", r.mass_kg}, {"certificate", r.certificate ? json(*r.certificate) : json(nullptr)}});
  return {{"schema_version", 1},
          {"id", new_record_id(kind == "check" ? "chk" : "cal")},
          {"unit_id", device::unit_id(id.serial)},
          {"serial", id.serial},
          {"firmware", id.firmware},
          {"model", id.model},
          {"kind", kind},
          {"result", "aborted"},
          {"failure_reason", nullptr},
          {"started_at", format_iso_ms(now())},
          {"finished_at", nullptr},
          {"technician", user},
          {"port", unit.port()},
          {"frame_height_cm", opt.frame_height_cm > 0 ? json(opt.frame_height_cm) : json(nullptr)},
          {"references", refs},
          {"calibration", nullptr},
          {"due_at", nullptr},
          {"verification", nullptr}};
}

// The unit document (units/<id>.json) the record refers to, with the calibration now in force.
void save_unit(device::Unit& unit, Store& store, const json& rec) {
  std::optional<device::Calibration> cal;
  if (rec["calibration"].is_object()) {
    const auto& c = rec["calibration"];
    cal = device::Calibration{c["zero_counts"], c["gain_n_per_count"], c["act_gain"], c["act_offset_n"],
                              c.value("frame_height_cm", 0.0), c["calibrated_at"]};
  }
  std::optional<device::Status> st;
  if (unit.has_status()) st = unit.status();
  device::save_unit_document(store, device::unit_document(unit.identity(), cal, st, unit.compatible(), unit.port()));
}

void save_record(Store& store, const json& rec, const std::string& action) {
  StoreWriter w(store);  // the lock is held only for the write, never during the measurement
  w.save(collection("calibration"), rec["id"].get<std::string>(), rec,
         {{rec["technician"].get<std::string>(), action, rec["unit_id"].get<std::string>(),
           {{"record", rec["id"]}, {"result", rec["result"]}, {"kind", rec["kind"]}}}});
}

// Runs `body`; on any ending but success, makes the unit safe, records the attempt, and rethrows.
template <class Body>
json attempt(device::Unit& unit, Store& store, const Options& opt, const std::string& user, const std::string& kind, Body body) {
  json rec = base_record(unit, kind, opt, user);
  Procedure p(unit, opt, rec);
  auto finish = [&](const std::string& result, const std::string& reason) {
    rec["result"] = result;
    rec["failure_reason"] = reason.empty() ? json(nullptr) : json(reason);
    rec["finished_at"] = format_iso_ms(now());
    if (rec["calibration"].is_null() && rec.contains("old_calibration")) rec["calibration"] = rec["old_calibration"];
  };
  try {
    body(p, rec);
  } catch (const detail::Aborted& e) {
    p.make_safe();
    finish("aborted", e.what());
    save_unit(unit, store, rec);
    save_record(store, rec, kind == "check" ? "calibration.check" : "calibration.attempt");
    throw;
  } catch (const Error& e) {
    p.make_safe();
    finish(e.code() == Exit::unit_unavailable ? "aborted" : "fail", e.what());
    save_unit(unit, store, rec);
    save_record(store, rec, kind == "check" ? "calibration.check" : "calibration.attempt");
    throw;
  } catch (const std::exception& e) {
    p.make_safe();
    finish("aborted", std::string("internal error: ") + e.what());
    save_unit(unit, store, rec);
    save_record(store, rec, kind == "check" ? "calibration.check" : "calibration.attempt");
    throw;
  }
  finish("pass", "");
  save_unit(unit, store, rec);
  save_record(store, rec, kind == "check" ? "calibration.check" : "calibration.write");
  return rec;
}

std::string failed_points(const json& rec) {
  std::string s;
  for (const auto& p : rec["verification"]["points"])
    if (!p["pass"].get<bool>())
      s += fmt::format("{}{:.1f} N read as {:.1f} N", s.empty() ? "" : ", ", p["reference_n"].get<double>(), p["measured_n"].get<double>());
  return s;
}

}  // namespace

json calibrate_unit(device::Unit& unit, Store& store, const Options& opt, const std::string& user) {
  return attempt(unit, store, opt, user, "calibration", [&](Procedure& p, json& rec) {
    p.preflight();
    device::Calibration cal = p.measure();
    detail::Model m{cal};
    if (!p.verify(m))
      throw Error(Exit::safety,
                  fmt::format("verification FAILED outside {:.1f} N: {}", p.tolerance(), failed_points(rec)),
                  "the unit keeps its old calibration; check the masses, the load cells and the actuator, then calibrate again");
    cal.calibrated_at = detail::compact_time(now());
    device::Calibration back;
    try {
      back = unit.write_calibration(cal);
    } catch (const Error& e) {
      throw detail::Aborted(e.code(), fmt::format("writing the calibration to the unit failed: {}", e.what()), e.hint());
    }
    if (!same_calibration(calibration_json(cal), back)) {
      unit.write_calibration(p.old_calibration());  // never leave a garbled calibration in force
      throw Error(Exit::safety, "the unit's memory did not hold the calibration written to it; the old one was restored",
                  "the unit's non-volatile memory may be failing: have it serviced");
    }
    rec["calibration"] = calibration_json(back);
    rec["due_at"] = format_iso(now() + std::chrono::hours(24) * opt.due_days);
  });
}

json verify_unit(device::Unit& unit, Store& store, const Options& opt, const std::string& user) {
  return attempt(unit, store, opt, user, "check", [&](Procedure& p, json& rec) {
    p.preflight();
    rec["calibration"] = rec["old_calibration"];
    if (!p.verify(detail::Model{p.old_calibration()}))
      throw Error(Exit::safety, fmt::format("verification check FAILED outside {:.1f} N: {}", p.tolerance(), failed_points(rec)),
                  "the unit must not be used until it is calibrated again: 'lever calibrate --port PORT'");
  });
}

json record_row(const json& rec) {
  json row;
  for (const auto& k : {"id", "unit_id", "kind", "result", "started_at", "technician", "firmware", "frame_height_cm", "tolerance_n",
                        "due_at", "failure_reason"})
    row[k] = rec.contains(k) ? rec[k] : json(nullptr);
  const json cal = rec.contains("calibration") ? rec["calibration"] : json(nullptr);
  for (const auto& k : {"gain_n_per_count", "zero_counts", "act_gain", "act_offset_n"})
    row[k] = cal.is_object() && cal.contains(k) ? cal[k] : json(nullptr);
  json worst = nullptr;
  if (rec.contains("verification") && rec["verification"].is_object())
    for (const auto& p : rec["verification"].value("points", json::array()))
      if (worst.is_null() || std::fabs(p["error_n"].get<double>()) > std::fabs(worst.get<double>())) worst = p["error_n"];
  row["max_error_n"] = worst;
  return row;
}

}  // namespace lever::calib
