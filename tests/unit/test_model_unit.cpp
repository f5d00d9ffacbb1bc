// Unit documents as the device layer writes them (tests/unit/fixtures/model/unit_*.json) read into
// model::Unit and written back unchanged.
#include <doctest/doctest.h>

#include "lever/model/unit.hpp"
#include "model_round_trip.hpp"

using namespace lever::model;
using model_test::fixture;
using model_test::round_trip;

TEST_CASE("model unit: an idle, calibrated unit round-trips") {
  Unit u = round_trip<Unit>(fixture("unit_demo.json"), "unit.schema.json");
  CHECK(u.id == "sim-0001");
  CHECK(u.serial == "SIM-0001");
  CHECK(u.protocol_version == 1);
  CHECK(u.limits.max_support_force_n == 200.0);
  CHECK(u.limits.watchdog_ms == 300);
  CHECK(u.message_table_crc == "355A");
  REQUIRE(u.calibration);
  CHECK(u.calibration->calibrated_at == "20261201T025351Z");
  REQUIRE(u.last_status);
  CHECK(u.last_status->state == UnitState::idle);
  CHECK(u.last_status->faults.empty());
  CHECK_FALSE(u.last_status->first_fault);
}

TEST_CASE("model unit: a unit left in ESTOP round-trips with its faults") {
  Unit u = round_trip<Unit>(fixture("unit_estop.json"), "unit.schema.json");
  REQUIRE(u.last_status);
  CHECK(u.last_status->state == UnitState::estop);
  CHECK(u.last_status->faults == std::vector<UnitFault>{UnitFault::estop});
  CHECK(u.last_status->first_fault == "estop");
  CHECK(u.last_status->estop == true);
}

TEST_CASE("model unit: every optional field present round-trips; a never-calibrated unit writes null") {
  Unit u = round_trip<Unit>(fixture("unit_every_field.json"), "unit.schema.json");
  CHECK(u.last_status->faults.size() == 2);
  u.calibration->calibrated_at.reset();
  nlohmann::json j = u;
  CHECK(j.at("calibration").at("calibrated_at").is_null());
}
