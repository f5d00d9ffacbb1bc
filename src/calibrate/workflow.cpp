#include "lever/calibrate/workflow.hpp"

#include <cmath>

#include <fmt/format.h>

#include "lever/calibrate/check.hpp"
#include "lever/device/records.hpp"
#include "lever/model/run_helpers.hpp"
#include "lever/store/collections.hpp"
#include "lever/store/typed.hpp"
#include "lever/store/writer.hpp"
#include "lever/util/ids.hpp"
#include "lever/util/time.hpp"
#include "procedure.hpp"

namespace lever::calib {

using nlohmann::json;
using detail::Procedure;

namespace {

using model::CalibrationKind;
using model::CalibrationResult;

// An instant as calibration records store it (milliseconds: attempts follow each other closely).
model::Instant instant_ms(TimePoint t) { return {format_iso_ms(t), t}; }

// The record an attempt starts with: aborted until it ends otherwise.
model::Calibration base_record(device::Unit& unit, CalibrationKind kind, const Options& opt, const std::string& user) {
  const auto& id = unit.identity();
  model::Calibration rec;
  rec.id = new_record_id(kind == CalibrationKind::check ? "chk" : "cal");
  rec.unit_id = device::unit_id(id.serial);
  rec.serial = id.serial;
  rec.firmware = id.firmware;
  rec.model = id.model;
  rec.kind = kind;
  rec.result = CalibrationResult::aborted;
  rec.started_at = instant_ms(now());
  rec.technician = user;
  rec.port = unit.port();
  if (opt.frame_height_cm > 0) rec.frame_height_cm = opt.frame_height_cm;
  rec.references.emplace();
  for (const auto& r : opt.references) rec.references->push_back({r.mass_kg, r.certificate});
  return rec;
}

// The unit document (units/<id>.json) the record refers to, with the calibration now in force.
void save_unit(device::Unit& unit, Store& store, const model::Calibration& rec) {
  std::optional<device::Calibration> cal;
  if (const auto& c = rec.calibration)
    cal = device::Calibration{c->zero_counts, c->gain_n_per_count, c->act_gain, c->act_offset_n, c->frame_height_cm.value_or(0.0),
                              c->calibrated_at};
  std::optional<device::Status> st;
  if (unit.has_status()) st = unit.status();
  device::save_unit_document(store, device::unit_document(unit.identity(), cal, st, unit.compatible(), unit.port()));
}

void save_record(Store& store, const model::Calibration& rec, const std::string& action) {
  StoreWriter w(store);  // the lock is held only for the write, never during the measurement
  save_as(w, rec, {{rec.technician, action, rec.unit_id, {{"record", rec.id}, {"result", rec.result}, {"kind", rec.kind}}}});
}

// Ends the attempt as `result` (with `reason` unless it passed): the unit keeps the calibration it
// held unless the attempt wrote a new one.
void finish(model::Calibration& rec, CalibrationResult result, const std::string& reason) {
  rec.result = result;
  rec.failure_reason = reason.empty() ? std::nullopt : std::optional<std::string>(reason);
  rec.finished_at = instant_ms(now());
  if (!rec.calibration && rec.old_calibration) rec.calibration = rec.old_calibration;
}

// Runs `body`; on any ending but success, makes the unit safe, records the attempt, and rethrows.
template <class Body>
model::Calibration attempt(device::Unit& unit, Store& store, const Options& opt, const std::string& user, CalibrationKind kind,
                           Body body) {
  model::Calibration rec = base_record(unit, kind, opt, user);
  Procedure p(unit, opt, rec);
  const bool check = kind == CalibrationKind::check;
  auto record_failure = [&](CalibrationResult result, const std::string& reason) {
    p.make_safe();
    finish(rec, result, reason);
    save_unit(unit, store, rec);
    save_record(store, rec, check ? "calibration.check" : "calibration.attempt");
  };
  try {
    body(p, rec);
  } catch (const detail::Aborted& e) {
    record_failure(CalibrationResult::aborted, e.what());
    throw;
  } catch (const Error& e) {
    record_failure(e.code() == Exit::unit_unavailable ? CalibrationResult::aborted : CalibrationResult::fail, e.what());
    throw;
  } catch (const std::exception& e) {
    record_failure(CalibrationResult::aborted, std::string("internal error: ") + e.what());
    throw;
  }
  finish(rec, CalibrationResult::pass, "");
  save_unit(unit, store, rec);
  save_record(store, rec, check ? "calibration.check" : "calibration.write");
  return rec;
}

std::string failed_points(const model::Calibration& rec) {
  std::string s;
  for (const auto& p : rec.verification->points)
    if (!p.pass) s += fmt::format("{}{:.1f} N read as {:.1f} N", s.empty() ? "" : ", ", p.reference_n, p.measured_n);
  return s;
}

}  // namespace

model::Calibration calibrate_unit(device::Unit& unit, Store& store, const Options& opt, const std::string& user) {
  return attempt(unit, store, opt, user, CalibrationKind::calibration, [&](Procedure& p, model::Calibration& rec) {
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
    if (!same_calibration(unit_calibration(cal), back)) {
      unit.write_calibration(p.old_calibration());  // never leave a garbled calibration in force
      throw Error(Exit::safety, "the unit's memory did not hold the calibration written to it; the old one was restored",
                  "the unit's non-volatile memory may be failing: have it serviced");
    }
    rec.calibration = unit_calibration(back);
    rec.due_at = model::Instant::of(now() + std::chrono::hours(24) * opt.due_days);
  });
}

model::Calibration verify_unit(device::Unit& unit, Store& store, const Options& opt, const std::string& user) {
  return attempt(unit, store, opt, user, CalibrationKind::check, [&](Procedure& p, model::Calibration& rec) {
    p.preflight();
    rec.calibration = rec.old_calibration;
    if (!p.verify(detail::Model{p.old_calibration()}))
      throw Error(Exit::safety, fmt::format("verification check FAILED outside {:.1f} N: {}", p.tolerance(), failed_points(rec)),
                  "the unit must not be used until it is calibrated again: 'lever calibrate --port PORT'");
  });
}

json record_row(const model::Calibration& rec) {
  const auto& cal = rec.calibration;
  json worst = nullptr;
  if (rec.verification)
    for (const auto& p : rec.verification->points)
      if (worst.is_null() || std::fabs(p.error_n) > std::fabs(worst.get<double>())) worst = p.error_n;
  return {{"id", rec.id},
          {"unit_id", rec.unit_id},
          {"kind", rec.kind},
          {"result", rec.result},
          {"started_at", rec.started_at},
          {"technician", rec.technician},
          {"firmware", rec.firmware},
          {"frame_height_cm", model::or_null(rec.frame_height_cm)},
          {"tolerance_n", model::or_null(rec.tolerance_n)},
          {"due_at", model::or_null(rec.due_at)},
          {"failure_reason", model::or_null(rec.failure_reason)},
          {"gain_n_per_count", cal ? json(cal->gain_n_per_count) : json(nullptr)},
          {"zero_counts", cal ? json(cal->zero_counts) : json(nullptr)},
          {"act_gain", cal ? json(cal->act_gain) : json(nullptr)},
          {"act_offset_n", cal ? json(cal->act_offset_n) : json(nullptr)},
          {"max_error_n", worst}};
}

}  // namespace lever::calib
