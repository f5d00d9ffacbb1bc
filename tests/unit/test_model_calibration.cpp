// Calibration records as `lever calibrate` writes them (tests/unit/fixtures/model/calibration_*.json,
// check_*.json: a pass, a failed fit, an abort, a failure before the unit was read, a failed check)
// and as the e2e suites write their fixture record, read into model::Calibration and written back unchanged.
#include <doctest/doctest.h>

#include "lever/model/calibration.hpp"
#include "model_round_trip.hpp"

using namespace lever::model;
using model_test::fixture;
using model_test::round_trip;

namespace {

Calibration calibration_fixture(const std::string& name) {
  return round_trip<Calibration>(fixture(name), "calibration.schema.json");
}

}  // namespace

TEST_CASE("model calibration: a passing calibration round-trips with its fits, readings and verification") {
  Calibration c = calibration_fixture("calibration_pass.json");
  CHECK(c.kind == CalibrationKind::calibration);
  CHECK(c.result == CalibrationResult::pass);
  CHECK(c.written_by_calibrate());
  CHECK_FALSE(c.failure_reason);
  REQUIRE(c.references);
  REQUIRE(c.references->size() == 2);
  CHECK((*c.references)[0].certificate == "DEMO-CERT-10");
  REQUIRE(c.calibration);
  CHECK(c.calibration->calibrated_at == "20261201T025351Z");
  REQUIRE(c.old_calibration);
  CHECK(c.old_calibration->calibrated_at.empty());
  REQUIRE(c.fits);
  REQUIRE(c.fits->sensor);
  REQUIRE(c.fits->actuator);
  CHECK(c.fits->actuator->residuals_n.size() == 6);
  REQUIRE(c.readings);
  CHECK(c.readings->front().step == ReadingStep::zero);
  CHECK(c.readings->front().n == 50);
  REQUIRE(c.verification);
  CHECK(c.verification->pass);
  CHECK(c.verification->points.front().kind == PointKind::actuator);
  CHECK(c.verification->points.back().kind == PointKind::reference);
  CHECK(c.due_at);
}

TEST_CASE("model calibration: failed and aborted attempts round-trip with what they reached") {
  Calibration failed = calibration_fixture("calibration_failed.json");
  CHECK(failed.result == CalibrationResult::fail);
  CHECK(failed.failure_reason);
  CHECK_FALSE(failed.verification);
  CHECK_FALSE(failed.due_at);

  Calibration aborted = calibration_fixture("calibration_aborted.json");
  CHECK(aborted.result == CalibrationResult::aborted);
  REQUIRE(aborted.fits);
  CHECK(aborted.fits->sensor);
  CHECK_FALSE(aborted.fits->actuator);

  Calibration early = calibration_fixture("calibration_failed_at_start.json");
  CHECK_FALSE(early.calibration);
  CHECK_FALSE(early.old_calibration);
  CHECK_FALSE(early.fits);
  REQUIRE(early.readings);
  CHECK(early.readings->empty());

  Calibration check = calibration_fixture("check_failed.json");
  CHECK(check.kind == CalibrationKind::check);
  REQUIRE(check.verification);
  CHECK_FALSE(check.verification->pass);
}

TEST_CASE("model calibration: the e2e suites' hand-made record (no readings, no nulls) round-trips") {
  Calibration c = calibration_fixture("calibration_e2e_fixture.json");
  CHECK_FALSE(c.written_by_calibrate());
  CHECK_FALSE(c.references);
  REQUIRE(c.calibration);
  CHECK_FALSE(c.calibration->frame_height_cm);
}

TEST_CASE("model calibration: every optional field present round-trips") {
  Calibration c = calibration_fixture("calibration_every_field.json");
  CHECK(c.failure_reason);
  REQUIRE(c.readings);
  const auto& r = c.readings->front();
  CHECK(r.reference_n);
  CHECK(r.mass_kg == 10.0);
  CHECK(r.target_n);
  CHECK(r.drive);
  CHECK(r.measured_n);
}
