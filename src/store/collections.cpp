#include "lever/store/collections.hpp"

#include <stdexcept>

namespace lever {

const std::vector<Collection>& collections() {
  // Add a row here (and a schema in schemas/) to give lever a new kind of record.
  static const std::vector<Collection> all = {
      {"athlete", "athletes", "athlete.schema.json", false, "", {}},
      {"pain", "pain", "pain-entry.schema.json", true, "athlete_id",
       {{"athlete_id", "athlete"}, {"session_id", "session"}}},
      {"session", "sessions", "session.schema.json", false, "", {{"athlete_id", "athlete"}}},
      {"unit", "units", "unit.schema.json", false, "", {}},
      {"audit", "audit", "audit-entry.schema.json", true, "", {}},
      {"plan", "plans", "plan.schema.json", false, "", {{"athlete_id", "athlete"}, {"unit_id", "unit"}}},
      {"template", "templates", "template.schema.json", false, "", {}},
      {"calibration", "calibrations", "calibration.schema.json", false, "", {{"unit_id", "unit"}}},
      {"telemetry", "telemetry", "telemetry-sample.schema.json", true, "session_id", {{"session_id", "session"}}},
  };
  return all;
}

const Collection& collection(const std::string& name) {
  for (const auto& c : collections())
    if (c.name == name) return c;
  throw std::out_of_range("unknown collection " + name);
}

}  // namespace lever
