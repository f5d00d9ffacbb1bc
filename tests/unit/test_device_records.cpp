// Unit records as the model types them: the device's states and faults are the model's closed sets,
// and the unit document carries the unit's identity, calibration and status.
#include <doctest/doctest.h>

#include "lever/device/records.hpp"
#include "lever/model/json_io.hpp"
#include "lever/store/schemas.hpp"

using namespace lever;

TEST_CASE("device records: every unit state and fault has its model member, in the same order") {
  const auto states = model::terms<model::UnitState>();
  for (size_t i = 0; i < states.size(); ++i) {
    auto s = static_cast<device::State>(i);
    CAPTURE(device::state_name(s));
    CHECK(device::unit_state(s) == states[i].value);
  }
  const auto faults = model::terms<model::UnitFault>();
  REQUIRE(device::fault_table().size() == faults.size());
  for (size_t i = 0; i < faults.size(); ++i) {
    CAPTURE(device::fault_table()[i].name);
    CHECK(device::unit_faults({device::fault_table()[i].name}) == std::vector<model::UnitFault>{faults[i].value});
  }
}

TEST_CASE("device records: a unit document is valid and says what the unit said") {
  device::Identity id;
  id.protocol = 1;
  id.serial = "SIM-0042";
  id.firmware = "1.2.3";
  id.model = "BWS-T";
  id.limits = {200, 5, 100, 20, 2, 15, 0, 300};
  device::Calibration cal{2048, 0.05, 1.01, -0.5, 110, ""};
  device::Status st;
  st.state = device::State::estop;
  st.faults = device::kFaultEstop | device::kFaultLink;
  st.first_fault = "estop";
  auto u = device::unit_document(id, cal, st, true, "sim:");
  nlohmann::json doc = u;
  CHECK(schemas::validator("unit.schema.json").validate(doc).empty());
  CHECK(u.id == "sim-0042");
  REQUIRE(u.calibration);
  CHECK_FALSE(u.calibration->calibrated_at);  // never calibrated by lever: stored as null
  CHECK(doc.at("calibration").at("calibrated_at").is_null());
  REQUIRE(u.last_status);
  CHECK(u.last_status->state == model::UnitState::estop);
  CHECK(u.last_status->faults == std::vector<model::UnitFault>{model::UnitFault::link, model::UnitFault::estop});
  auto row = device::unit_info_row(u);
  CHECK(row.at("calibrated_at") == "never");
  CHECK(row.at("faults") == "link,estop");
  CHECK(row.at("state") == "ESTOP");
}
