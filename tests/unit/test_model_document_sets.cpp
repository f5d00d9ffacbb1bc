// The closed sets sessions, calibrations and units store are their schemas' enums, member for member
// and in order: a member added to a schema without its row in the model (or the reverse) fails here.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "lever/model/calibration.hpp"
#include "lever/model/session.hpp"
#include "lever/model/unit.hpp"
#include "lever/store/schemas.hpp"

using nlohmann::json;
using namespace lever::model;

namespace {

// The enum at `pointer` in schemas/<file>, without the null some fields allow.
std::vector<std::string> schema_enum(const std::string& file, const std::string& pointer) {
  json schema = json::parse(lever::schemas::embedded().at(file));
  std::vector<std::string> out;
  for (const auto& v : schema.at(json::json_pointer(pointer)))
    if (v.is_string()) out.push_back(v.get<std::string>());
  return out;
}

}  // namespace

TEST_CASE("model document sets: the sessions' clock, unit state, faults and phase kinds are the schema's") {
  CHECK(names<ClockKind>() == schema_enum("session.schema.json", "/properties/clock/enum"));
  CHECK(names<UnitState>() == schema_enum("session.schema.json", "/properties/final_state/enum"));
  CHECK(names<UnitFault>() == schema_enum("session.schema.json", "/properties/faults/items/enum"));
  CHECK(names<PhaseKind>() == schema_enum("session.schema.json", "/$defs/program/properties/phases/items/properties/kind/enum"));
  CHECK(names<PhaseKind>() == schema_enum("program.schema.json", "/$defs/phase/properties/kind/enum"));
}

TEST_CASE("model document sets: a calibration's point kinds and reading steps are the schema's") {
  CHECK(names<PointKind>() ==
        schema_enum("calibration.schema.json", "/properties/verification/properties/points/items/properties/kind/enum"));
  CHECK(names<ReadingStep>() == schema_enum("calibration.schema.json", "/properties/readings/items/properties/step/enum"));
}

TEST_CASE("model document sets: a unit's state and faults are the schema's") {
  CHECK(names<UnitState>() == schema_enum("unit.schema.json", "/properties/last_status/properties/state/enum"));
  CHECK(names<UnitFault>() == schema_enum("unit.schema.json", "/properties/last_status/properties/faults/items/enum"));
}
