// The calibration workflow against the in-process simulator on a virtual clock: a wrong load cell
// is found and corrected (proved with a known mass afterwards), and every fault ends safe and recorded
// with the old calibration still in the unit.
#include <cmath>

#include <doctest/doctest.h>

#include "lever/calibrate/check.hpp"
#include "lever/calibrate/workflow.hpp"
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
  auto rec = calib::calibrate_unit(*s.unit, s.store, opts(), "tech");
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

  auto chk = calib::verify_unit(*s.unit, s.store, opts(), "tech");
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
