#include "lever/calibrate/check.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "lever/store/collections.hpp"
#include "lever/store/typed.hpp"
#include "lever/store/writer.hpp"
#include "lever/util/error.hpp"

namespace lever::calib {

using nlohmann::json;

namespace {

// A unit's records, each as its type and as stored, oldest first.
std::vector<std::pair<model::Calibration, json>> read_history(const Store& store, const std::string& unit_id) {
  std::vector<std::pair<model::Calibration, json>> out;
  for (const auto& id : store.list(collection("calibration"))) {
    auto doc = store.load(collection("calibration"), id);
    if (!doc) continue;
    auto rec = from_stored<model::Calibration>(*doc, "calibration '" + id + "'");
    if (rec.unit_id == unit_id) out.emplace_back(std::move(rec), std::move(*doc));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.first.started_at.at < b.first.started_at.at; });
  return out;
}

}  // namespace

std::vector<model::Calibration> calibration_records(const Store& store, const std::string& unit_id) {
  std::vector<model::Calibration> out;
  for (auto& r : read_history(store, unit_id)) out.push_back(std::move(r.first));
  return out;
}

std::vector<json> calibration_history(const Store& store, const std::string& unit_id) {
  std::vector<json> out;
  for (auto& r : read_history(store, unit_id)) out.push_back(std::move(r.second));
  return out;
}

model::UnitCalibration unit_calibration(const device::Calibration& c) {
  model::UnitCalibration out;
  out.zero_counts = c.zero_counts;
  out.gain_n_per_count = c.gain_n_per_count;
  out.act_gain = c.act_gain;
  out.act_offset_n = c.act_offset_n;
  out.frame_height_cm = c.frame_height_cm;
  out.calibrated_at = c.calibrated_at;
  return out;
}

json calibration_json(const device::Calibration& c) { return unit_calibration(c); }

bool same_calibration(const model::UnitCalibration& r, const device::Calibration& u) {
  auto close = [](double a, double b) { return std::fabs(a - b) <= 1e-6 * std::max({1.0, std::fabs(a), std::fabs(b)}); };
  return close(r.zero_counts, u.zero_counts) && close(r.gain_n_per_count, u.gain_n_per_count) && close(r.act_gain, u.act_gain) &&
         close(r.act_offset_n, u.act_offset_n) && r.calibrated_at == u.calibrated_at;
}

namespace {

using model::CalibrationKind;
using model::CalibrationResult;

// The day a record started on (YYYY-MM-DD as stored).
std::string day(const model::Calibration& r) { return r.started_at.text.substr(0, 10); }

// The first failed verification check after the passing calibration `pass`, if any.
const model::Calibration* failed_check_after(const std::vector<model::Calibration>& history, const model::Calibration& pass) {
  for (const auto& r : history)
    if (r.kind == CalibrationKind::check && r.result != CalibrationResult::pass && r.started_at.at > pass.started_at.at)
      return &r;
  return nullptr;
}

}  // namespace

CalibrationVerdict check_calibration(const Store& store, const std::string& unit_id, const device::Calibration& in_unit,
                                     TimePoint now_t) {
  CalibrationVerdict v;
  auto history = calibration_records(store, unit_id);
  const std::string redo = "calibrate it: 'lever calibrate --port PORT' (a technician's job)";
  const model::Calibration* last_cal = nullptr;
  const model::Calibration* last_pass = nullptr;
  for (const auto& r : history) {
    if (r.kind != CalibrationKind::calibration) continue;
    last_cal = &r;
    if (r.result == CalibrationResult::pass) last_pass = &r;
  }
  if (!last_pass) {
    v.problem = fmt::format("unit {} has no passing calibration in this store", unit_id);
    v.hint = redo;
    return v;
  }
  if (last_cal != last_pass) {
    v.problem = fmt::format("the last calibration of unit {} on {} {}: {}", unit_id, day(*last_cal),
                            last_cal->result == CalibrationResult::aborted ? "was aborted" : "failed",
                            last_cal->failure_reason.value_or("no reason recorded"));
    v.hint = "find and fix the cause, then " + redo;
    return v;
  }
  if (last_pass->due_at && now_t > last_pass->due_at->at) {
    v.problem = fmt::format("the calibration of unit {} from {} was due on {}", unit_id, day(*last_pass),
                            last_pass->due_at->text.substr(0, 10));
    v.hint = redo;
    return v;
  }
  if (const auto* r = failed_check_after(history, *last_pass)) {
    v.problem = fmt::format("a verification check of unit {} on {} failed: {}", unit_id, day(*r),
                            r->failure_reason.value_or("measured support outside tolerance"));
    v.hint = redo;
    return v;
  }
  if (!last_pass->calibration || !same_calibration(*last_pass->calibration, in_unit)) {
    v.problem = fmt::format(
        "unit {} holds a calibration (dated {}) that differs from the one lever recorded on {}; it may have been "
        "calibrated elsewhere, repaired or swapped",
        unit_id, in_unit.calibrated_at, day(*last_pass));
    v.hint = "check the unit, then " + redo;
    return v;
  }
  v.ok = true;
  v.record = *last_pass;
  return v;
}

CalibrationVerdict require_calibration(Store& store, const std::string& unit_id, const device::Calibration& in_unit,
                                       TimePoint now_t, const std::string& override_reason, const std::string& user,
                                       const std::string& override_flag, const json& context) {
  auto v = check_calibration(store, unit_id, in_unit, now_t);
  if (v.ok) return v;
  if (override_reason.empty())
    throw Error(Exit::safety, v.problem,
                fmt::format("{}; or, on a clinician's responsibility, {} REASON (audited)", v.hint, override_flag));
  json details = context.is_object() ? context : json::object();
  details["problem"] = v.problem;
  details["reason"] = override_reason;
  StoreWriter(store).record({user, "calibration.override", unit_id, details});  // durable before the belt may move
  return v;
}

}  // namespace lever::calib
