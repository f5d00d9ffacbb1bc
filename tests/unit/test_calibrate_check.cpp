// The calibration gate `run` calls, and its audited override.
#include <doctest/doctest.h>

#include <functional>
#include <vector>

#include "lever/calibrate/check.hpp"
#include "lever/store/collections.hpp"
#include "lever/util/error.hpp"
#include "lever/util/time.hpp"
#include "tmpdir.hpp"

using namespace lever;
using nlohmann::json;

namespace {

device::Calibration unit_cal() {
  device::Calibration c;
  c.zero_counts = 2048;
  c.gain_n_per_count = 0.05;
  c.act_gain = 1.01;
  c.act_offset_n = -0.5;
  c.frame_height_cm = 100;
  c.calibrated_at = "20261101T100000Z";
  return c;
}

json record(const std::string& id, const std::string& kind, const std::string& result, const std::string& started,
            const std::string& due = "2027-05-01T10:00:00Z") {
  json r = {{"schema_version", 1}, {"id", id},         {"unit_id", "sim-0001"}, {"serial", "SIM-0001"},
            {"firmware", "1.0"},   {"kind", kind},     {"result", result},      {"started_at", started},
            {"technician", "tech"}, {"failure_reason", result == "pass" ? json(nullptr) : json("load cell noisy")}};
  if (result == "pass" && kind == "calibration") {
    r["calibration"] = calib::calibration_json(unit_cal());
    r["due_at"] = due;
  }
  return r;
}

struct Fixture {
  TempDir dir;
  Store store{dir.path / "store"};
  void put(const json& r) {
    auto lock = store.lock();
    store.save(collection("calibration"), r["id"], r);
  }
  TimePoint at(const std::string& iso) { return *parse_iso(iso); }
};

}  // namespace

TEST_CASE("gate: a unit with no calibration is refused") {
  Fixture f;
  auto v = calib::check_calibration(f.store, "sim-0001", unit_cal(), f.at("2026-11-25T10:00:00Z"));
  CHECK_FALSE(v.ok);
  CHECK(v.problem.find("no passing calibration") != std::string::npos);
  CHECK(v.hint.find("lever calibrate") != std::string::npos);
}

TEST_CASE("gate: a passing calibration in force is accepted; failed and aborted later attempts are not") {
  Fixture f;
  f.put(record("cal-1", "calibration", "pass", "2026-11-01T10:00:00.000Z"));
  auto now = f.at("2026-11-25T10:00:00Z");
  auto v = calib::check_calibration(f.store, "sim-0001", unit_cal(), now);
  CHECK(v.ok);
  REQUIRE(v.record);
  CHECK(v.record->id == "cal-1");
  f.put(record("cal-2", "calibration", "aborted", "2026-11-02T10:00:00.000Z"));
  v = calib::check_calibration(f.store, "sim-0001", unit_cal(), now);
  CHECK_FALSE(v.ok);
  CHECK(v.problem.find("was aborted") != std::string::npos);
  f.put(record("cal-3", "calibration", "fail", "2026-11-03T10:00:00.000Z"));
  v = calib::check_calibration(f.store, "sim-0001", unit_cal(), now);
  CHECK(v.problem.find("failed: load cell noisy") != std::string::npos);
}

TEST_CASE("gate: overdue, a failed later check, and a different calibration in the unit") {
  Fixture f;
  f.put(record("cal-1", "calibration", "pass", "2026-11-01T10:00:00.000Z", "2026-11-20T10:00:00Z"));
  auto v = calib::check_calibration(f.store, "sim-0001", unit_cal(), f.at("2026-11-25T10:00:00Z"));
  CHECK(v.problem.find("was due on 2026-11-20") != std::string::npos);
  v = calib::check_calibration(f.store, "sim-0001", unit_cal(), f.at("2026-11-10T10:00:00Z"));
  CHECK(v.ok);
  auto other = unit_cal();
  other.gain_n_per_count = 0.0525;
  v = calib::check_calibration(f.store, "sim-0001", other, f.at("2026-11-10T10:00:00Z"));
  CHECK(v.problem.find("differs") != std::string::npos);
  f.put(record("chk-1", "check", "fail", "2026-11-05T10:00:00.000Z"));
  v = calib::check_calibration(f.store, "sim-0001", unit_cal(), f.at("2026-11-10T10:00:00Z"));
  CHECK(v.problem.find("verification check") != std::string::npos);
}

// The refusal `run` would give: which check failed, and what to do (including the override flag).
Error refusal(Fixture& f, const device::Calibration& in_unit, TimePoint now) {
  try {
    calib::require_calibration(f.store, "sim-0001", in_unit, now, "", "dr-x", "--allow-uncalibrated");
  } catch (const Error& e) {
    return e;
  }
  FAIL("expected a refusal");
  return Error(Exit::ok, "", "");
}

TEST_CASE("require_calibration: each refusal says which check failed and what to do") {
  Fixture f;
  auto now = f.at("2026-11-10T10:00:00Z");
  struct Step {
    std::function<void()> setup;
    device::Calibration in_unit;
    TimePoint at;
    const char* which;
    const char* remedy;
  };
  auto other = unit_cal();
  other.gain_n_per_count = 0.0525;
  std::vector<Step> steps = {
      {[] {}, unit_cal(), now, "has no passing calibration", "lever calibrate --port PORT"},
      {[&] { f.put(record("cal-1", "calibration", "pass", "2026-11-01T10:00:00.000Z", "2026-11-08T10:00:00Z")); }, unit_cal(),
       now, "was due on 2026-11-08", "lever calibrate --port PORT"},
      {[&] { f.put(record("cal-2", "calibration", "pass", "2026-11-02T10:00:00.000Z")); }, other, now,
       "differs from the one lever recorded", "check the unit, then"},
      {[&] { f.put(record("chk-1", "check", "fail", "2026-11-05T10:00:00.000Z")); }, unit_cal(), now,
       "verification check of unit sim-0001 on 2026-11-05 failed", "lever calibrate --port PORT"},
      {[&] { f.put(record("cal-3", "calibration", "fail", "2026-11-06T10:00:00.000Z")); }, unit_cal(), now,
       "on 2026-11-06 failed: load cell noisy", "find and fix the cause"},
  };
  for (auto& st : steps) {
    CAPTURE(st.which);
    st.setup();
    auto e = refusal(f, st.in_unit, st.at);
    CHECK(e.code() == Exit::safety);
    CHECK(std::string(e.what()).find(st.which) != std::string::npos);
    CHECK(e.hint().find(st.remedy) != std::string::npos);
    CHECK(e.hint().find("--allow-uncalibrated REASON (audited)") != std::string::npos);
  }
  CHECK(f.store.list(collection("audit")).empty());  // a refusal is not an override
}

TEST_CASE("require_calibration: an override is audited with the problem, the reason, the user and the context") {
  Fixture f;
  auto now = f.at("2026-11-25T10:00:00Z");
  auto v = calib::require_calibration(f.store, "sim-0001", unit_cal(), now, "technician on site tomorrow", "dr-x",
                                      "--allow-uncalibrated", {{"session", "s-1"}});
  CHECK_FALSE(v.ok);
  auto audit = f.store.read_log(collection("audit"), f.store.list(collection("audit")).at(0));
  REQUIRE(audit.size() == 1);
  auto last = audit.back();
  CHECK(last.dump().find("calibration.override") != std::string::npos);
  CHECK(last.dump().find("technician on site tomorrow") != std::string::npos);
  CHECK(last.dump().find("no passing calibration") != std::string::npos);
  CHECK(last.dump().find("dr-x") != std::string::npos);
  CHECK(last.dump().find("s-1") != std::string::npos);
  f.put(record("cal-1", "calibration", "pass", "2026-11-01T10:00:00.000Z"));
  v = calib::require_calibration(f.store, "sim-0001", unit_cal(), now, "not needed", "dr-x", "--allow-uncalibrated");
  CHECK(v.ok);  // a calibrated unit needs no override, and none is written
  CHECK(f.store.read_log(collection("audit"), f.store.list(collection("audit")).at(0)).size() == 1);
}
