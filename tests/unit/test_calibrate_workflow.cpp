// The calibration workflow against the in-process simulator on a virtual clock: a wrong load cell
// is found and corrected (proved with a known mass afterwards), and every fault ends safe and recorded
// with the old calibration still in the unit: noise, drift, a stalled actuator, a lost link.
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "lever/calibrate/check.hpp"
#include "lever/calibrate/workflow.hpp"
#include "lever/sim/open_port.hpp"
#include "lever/sim/sim_transport.hpp"
#include "lever/store/collections.hpp"
#include "lever/util/error.hpp"
#include "lever/util/time.hpp"
#include "lever/util/units.hpp"
#include "sim_fixture.hpp"

using namespace lever;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

calib::Options opts() {
  calib::Options o;
  o.references = {{10, std::string("CERT-10")}, {20, std::nullopt}};
  o.frame_height_cm = 110;
  return o;
}

// Measured support with a mass hung on the harness, averaged over 1 s (the unit's own calibration).
double measure_mass(test::SimUnit& s, double kg) {
  s.unit->hang_reference_mass(kg);
  s.unit->wait_for([](const device::Status&) { return false; }, 500ms);
  double sum = 0;
  int n = 0;
  auto end = s.unit->clock().now() + device::Nanos(1s);
  while (s.unit->clock().now() < end)
    if (s.unit->poll(end - s.unit->clock().now())) sum += s.unit->status().meas_n, ++n;
  s.unit->hang_reference_mass(0);
  // The unit's 0.5 s tracking filter still remembers the mass: let it forget before anything is armed.
  s.unit->wait_for([](const device::Status&) { return false; }, 3s);
  return sum / n;
}

json only_record(test::SimUnit& s) {
  auto h = calib::calibration_history(s.store, "sim-0001");
  REQUIRE(h.size() == 1);
  return h[0];
}

}  // namespace

TEST_CASE("a load cell 5 % and -8 N off is found and corrected to within the tolerance") {
  test::SimUnit s("gain-error=5%&offset-error=-8");
  double before = measure_mass(s, 20) - 20 * kGravity;
  CHECK(std::fabs(before) > 10);  // about 8 N + 5 % of 196 N
  auto old = s.unit->read_calibration();
  json rec = calib::calibrate_unit(*s.unit, s.store, opts(), "tech");
  CHECK(rec["result"] == "pass");
  CHECK(rec["verification"]["pass"] == true);
  CHECK(rec["frame_height_cm"] == 110.0);
  CHECK(rec["references"][0]["certificate"] == "CERT-10");
  CHECK(rec["fits"]["sensor"]["max_abs_n"].get<double>() < 1.0);
  CHECK(rec["fits"]["actuator"]["max_abs_n"].get<double>() < 1.0);
  auto now_cal = s.unit->read_calibration();
  CHECK(now_cal.gain_n_per_count == doctest::Approx(old.gain_n_per_count * 1.05).epsilon(0.005));
  CHECK(now_cal.frame_height_cm == 110);
  CHECK(calib::same_calibration(rec["calibration"], now_cal));
  double after = measure_mass(s, 20) - 20 * kGravity;
  CHECK(std::fabs(after) < 2.0);
  CHECK(std::fabs(measure_mass(s, 10) - 10 * kGravity) < 2.0);
  auto v = calib::check_calibration(s.store, "sim-0001", now_cal, now());
  CHECK(v.ok);
  CHECK(s.unit->status().state == device::State::idle);

  json chk = calib::verify_unit(*s.unit, s.store, opts(), "tech");
  CHECK(chk["kind"] == "check");
  CHECK(chk["result"] == "pass");
  CHECK(calib::same_calibration(chk["calibration"], s.unit->read_calibration()));
}

TEST_CASE("verify on a wrong unit fails, records the check, and changes nothing") {
  test::SimUnit s("gain-error=8%&offset-error=6");
  auto old = s.unit->read_calibration();
  try {
    calib::verify_unit(*s.unit, s.store, opts(), "tech");
    FAIL("expected a failed check");
  } catch (const Error& e) {
    CHECK(e.code() == Exit::safety);
    CHECK(std::string(e.what()).find("FAILED") != std::string::npos);
  }
  auto r = only_record(s);
  CHECK(r["kind"] == "check");
  CHECK(r["result"] == "fail");
  CHECK(calib::same_calibration(calib::calibration_json(old), s.unit->read_calibration()));
  CHECK(s.unit->status().state == device::State::idle);
}

TEST_CASE("faults during the sweep abort cleanly; the old calibration stays in force") {
  struct Case {
    const char* options;
    Exit code;
    const char* says;
  };
  for (auto c : {Case{"gain-error=3%&faults=stall@5s", Exit::safety, "tracking"},
                 Case{"gain-error=3%&faults=sensor=30%@5s", Exit::safety, "disagree"},
                 Case{"gain-error=3%&faults=disconnect@6s", Exit::unit_unavailable, "lost the link"}}) {
    CAPTURE(c.options);
    test::SimUnit s(c.options);
    auto old = s.unit->read_calibration();
    try {
      calib::calibrate_unit(*s.unit, s.store, opts(), "tech");
      FAIL("expected an abort");
    } catch (const Error& e) {
      CHECK(e.code() == c.code);
      CHECK(std::string(e.what()).find(c.says) != std::string::npos);
    }
    auto r = only_record(s);
    CHECK(r["result"] == "aborted");
    CHECK(r["failure_reason"].get<std::string>().find(c.says) != std::string::npos);
    CHECK(calib::same_calibration(r["calibration"], old));
    CHECK_FALSE(calib::check_calibration(s.store, "sim-0001", old, now()).ok);
    if (c.code != Exit::unit_unavailable) {
      CHECK(calib::same_calibration(calib::calibration_json(old), s.unit->read_calibration()));
      CHECK(device::is_safe_state(s.unit->status().state));
    }
  }
}

TEST_CASE("a unit that is not IDLE is refused before anything is measured") {
  test::SimUnit s;
  s.unit->arm();
  try {
    calib::calibrate_unit(*s.unit, s.store, opts(), "tech");
    FAIL("expected a refusal");
  } catch (const Error& e) {
    CHECK(e.code() == Exit::safety);
    CHECK(std::string(e.what()).find("ARMED") != std::string::npos);
  }
  auto r = only_record(s);
  CHECK(r["result"] == "fail");
  CHECK(r["readings"].empty());
}

namespace {
// The calibration in the unit's memory right now (what a later connection would find).
device::Calibration in_memory(test::SimUnit& s) { return s.sim->nvram().calibration; }

// Runs calibrate_unit expecting a refusal or abort; returns the error.
Error expect_failure(test::SimUnit& s, const calib::Options& o) {
  try {
    calib::calibrate_unit(*s.unit, s.store, o, "tech");
  } catch (const Error& e) {
    return e;
  }
  FAIL("expected the calibration to fail");
  return Error(Exit::ok, "", "");
}
}  // namespace

TEST_CASE("noise on the load cells during zero: refused with the measured noise against the limit") {
  test::SimUnit s("gain-error=4%&faults=noise=5:20s@0s");
  auto old = s.unit->read_calibration();
  auto o = opts();
  std::vector<std::string> lines;
  o.progress = [&](const std::string& l) { lines.push_back(l); };
  auto e = expect_failure(s, o);
  CHECK(e.code() == Exit::safety);
  std::string what = e.what();
  CAPTURE(what);
  CHECK(what.find("zero") == 0);
  CHECK(what.find("noise") != std::string::npos);
  CHECK(what.find("above the limit 1.00 N") != std::string::npos);
  CHECK(e.hint().find("nothing touches the arms") != std::string::npos);
  int retries = 0;
  for (const auto& l : lines) retries += l.find("zero: not stable yet (noise") != std::string::npos;
  CHECK(retries == 2);  // three windows measured, each too noisy
  auto r = only_record(s);
  CHECK(r["result"] == "fail");
  CHECK(r["failure_reason"].get<std::string>().find("noise") != std::string::npos);
  CHECK(r["readings"].empty());  // no noisy window was ever averaged into a reading
  CHECK(calib::same_calibration(calib::calibration_json(old), in_memory(s)));
  CHECK(s.unit->status().state == device::State::idle);
}

TEST_CASE("a short noise burst during zero: the next quiet window is used and the calibration passes") {
  test::SimUnit s("gain-error=4%&faults=noise=5:1s@0s");
  auto o = opts();
  std::vector<std::string> lines;
  o.progress = [&](const std::string& l) { lines.push_back(l); };
  json rec = calib::calibrate_unit(*s.unit, s.store, o, "tech");
  CHECK(rec["result"] == "pass");
  bool retried = false;
  for (const auto& l : lines) retried = retried || l.find("zero: not stable yet (noise") != std::string::npos;
  CHECK(retried);
  CHECK(rec["readings"][0]["step"] == "zero");
  CHECK(rec["readings"][0]["noise_n"].get<double>() < 1.0);
  CHECK(std::fabs(measure_mass(s, 20) - 20 * kGravity) < 2.0);
}

TEST_CASE("support that drifted before the sweep is an actuator changed: the sweep finds it and corrects it") {
  test::SimUnit s("faults=drift=5%@0s");  // settled long before the unit is armed
  auto old = s.unit->read_calibration();
  json rec = calib::calibrate_unit(*s.unit, s.store, opts(), "tech");
  CHECK(rec["result"] == "pass");
  CHECK(rec["verification"]["pass"] == true);  // measured with the drift in force
  CHECK(in_memory(s).act_gain == doctest::Approx(old.act_gain * 0.95).epsilon(0.01));
  CHECK(in_memory(s).gain_n_per_count == doctest::Approx(old.gain_n_per_count).epsilon(0.005));  // the cells were right
}

TEST_CASE("support drifting during the sweep: the fit is refused with the point and the cause; nothing is written") {
  struct Case {
    const char* options;
    const char* says;
    const char* result;
  };
  // A small drift leaves the unit running but its points off one line; a large one trips the unit.
  for (auto c : {Case{"faults=drift=8%@11s", "do not lie on a line", "fail"},
                 Case{"faults=drift=20%@8s", "tracking", "aborted"}}) {
    CAPTURE(c.options);
    test::SimUnit s(c.options);
    auto old = s.unit->read_calibration();
    auto e = expect_failure(s, opts());
    CHECK(e.code() == Exit::safety);
    CHECK(std::string(e.what()).find(c.says) != std::string::npos);
    auto r = only_record(s);
    CHECK(r["result"] == c.result);
    CHECK(r["failure_reason"].get<std::string>().find(c.says) != std::string::npos);
    CHECK(calib::same_calibration(calib::calibration_json(old), in_memory(s)));
    // A refused fit lowers and disarms (the status read after DISARM shows IDLE); a tripped unit holds.
    if (std::string(c.result) == "fail") CHECK(s.unit->status().state == device::State::idle);
    else CHECK(device::is_safe_state(s.unit->status().state));
    CHECK_FALSE(calib::check_calibration(s.store, "sim-0001", in_memory(s), now()).ok);
  }
  test::SimUnit s("faults=drift=8%@11s");
  auto e = expect_failure(s, opts());
  CHECK(std::string(e.what()).find("limit 1.00 N") != std::string::npos);
  s.unit->wait_for([](const device::Status&) { return false; }, 300ms);  // the status after the DISARM
  CHECK(s.unit->status().state == device::State::idle);  // lowered and disarmed: the unit is safe and free
}

TEST_CASE("a corrected unit measures known loads right in a fresh connection") {
  test::SimUnit s("gain-error=4%&offset-error=-6");
  json rec = calib::calibrate_unit(*s.unit, s.store, opts(), "tech");
  REQUIRE(rec["result"] == "pass");
  s.unit.reset();  // the link closes; only the unit's memory carries the calibration on
  auto t = transport::open_transport(transport::parse_port("sim:?clock=virtual&seed=9"), s.store.dir());
  s.sim = &dynamic_cast<sim::SimTransport&>(*t).simulator();
  s.unit = std::make_unique<device::Unit>(std::move(t));
  s.unit->identify();
  auto fresh = s.unit->read_calibration();
  CHECK(calib::same_calibration(rec["calibration"], fresh));
  CHECK(calib::check_calibration(s.store, "sim-0001", fresh, now()).ok);
  for (double kg : {5.0, 15.0, 20.0}) {
    CAPTURE(kg);
    CHECK(std::fabs(measure_mass(s, kg) - kg * kGravity) < 2.0);
  }
  json chk = calib::verify_unit(*s.unit, s.store, opts(), "tech");  // actuator points too
  CHECK(chk["result"] == "pass");
}
