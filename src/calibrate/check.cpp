#include "lever/calibrate/check.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "lever/store/collections.hpp"
#include "lever/store/writer.hpp"
#include "lever/util/error.hpp"

namespace lever::calib {

using nlohmann::json;

std::vector<json> calibration_history(const Store& store, const std::string& unit_id) {
  std::vector<json> out;
  for (const auto& id : store.list(collection("calibration"))) {
    auto doc = store.load(collection("calibration"), id);
    if (doc && doc->value("unit_id", "") == unit_id) out.push_back(*doc);
  }
  std::sort(out.begin(), out.end(), [](const json& a, const json& b) {
    auto ta = parse_iso(a.value("started_at", "")), tb = parse_iso(b.value("started_at", ""));
    return ta && tb && *ta < *tb;
  });
  return out;
}

json calibration_json(const device::Calibration& c) {
  return {{"zero_counts", c.zero_counts}, {"gain_n_per_count", c.gain_n_per_count}, {"act_gain", c.act_gain},
          {"act_offset_n", c.act_offset_n}, {"frame_height_cm", c.frame_height_cm}, {"calibrated_at", c.calibrated_at}};
}

bool same_calibration(const json& r, const device::Calibration& u) {
  auto close = [](double a, double b) { return std::fabs(a - b) <= 1e-6 * std::max({1.0, std::fabs(a), std::fabs(b)}); };
  return close(r.value("zero_counts", NAN), u.zero_counts) && close(r.value("gain_n_per_count", NAN), u.gain_n_per_count) &&
         close(r.value("act_gain", NAN), u.act_gain) && close(r.value("act_offset_n", NAN), u.act_offset_n) &&
         r.value("calibrated_at", "") == u.calibrated_at;
}

CalibrationVerdict check_calibration(const Store& store, const std::string& unit_id, const device::Calibration& in_unit,
                                     TimePoint now_t) {
  CalibrationVerdict v;
  auto history = calibration_history(store, unit_id);
  const json* last_cal = nullptr;
  const json* last_pass = nullptr;
  for (const auto& r : history) {
    if (r.value("kind", "") != "calibration") continue;
    last_cal = &r;
    if (r.value("result", "") == "pass") last_pass = &r;
  }
  const std::string redo = "calibrate it: 'lever calibrate --port PORT' (a technician's job)";
  if (!last_pass) {
    v.problem = fmt::format("unit {} has no passing calibration in this store", unit_id);
    v.hint = redo;
    return v;
  }
  auto date = [](const json& r) { return r.value("started_at", "").substr(0, 10); };
  if (last_cal != last_pass) {
    v.problem = fmt::format("the last calibration of unit {} on {} {}: {}", unit_id, date(*last_cal),
                            last_cal->value("result", "") == "aborted" ? "was aborted" : "failed",
                            last_cal->value("failure_reason", std::string("no reason recorded")));
    v.hint = "find and fix the cause, then " + redo;
    return v;
  }
  auto due = parse_iso(last_pass->value("due_at", ""));
  if (due && now_t > *due) {
    v.problem = fmt::format("the calibration of unit {} from {} was due on {}", unit_id, date(*last_pass),
                            last_pass->value("due_at", "").substr(0, 10));
    v.hint = redo;
    return v;
  }
  for (const auto& r : history) {
    if (r.value("kind", "") == "check" && r.value("result", "") != "pass" && parse_iso(r.value("started_at", "")) &&
        parse_iso(last_pass->value("started_at", "")) &&
        *parse_iso(r.value("started_at", "")) > *parse_iso(last_pass->value("started_at", ""))) {
      v.problem = fmt::format("a verification check of unit {} on {} failed: {}", unit_id, date(r),
                              r.value("failure_reason", std::string("measured support outside tolerance")));
      v.hint = redo;
      return v;
    }
  }
  if (!last_pass->contains("calibration") || !same_calibration((*last_pass)["calibration"], in_unit)) {
    v.problem = fmt::format(
        "unit {} holds a calibration (dated {}) that differs from the one lever recorded on {}; it may have been "
        "calibrated elsewhere, repaired or swapped",
        unit_id, in_unit.calibrated_at, date(*last_pass));
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
