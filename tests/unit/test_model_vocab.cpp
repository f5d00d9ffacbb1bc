// The closed sets are declared once (lever/model/vocab.hpp): each schema's enum must list exactly the
// registry's spellings, in order, so that adding a member (a profile, a swelling grade) without its
// schema, or the schema without the code, fails here, and each profile is documented in lever-plan(1).
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "lever/model/plan.hpp"
#include "lever/model/vocab.hpp"
#include "lever/util/error.hpp"

using namespace lever;
using namespace lever::model;
using nlohmann::json;

namespace {

std::string read_text(const std::string& rel) {
  // A path, not string concatenation: GCC 12 at -O2 warns falsely (-Warray-bounds) on
  // std::string(literal) + literal once the source path is long enough.
  std::ifstream in(std::filesystem::path(LEVER_SOURCE_DIR) / rel);
  REQUIRE_MESSAGE(in.good(), rel);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The enum at a JSON Pointer of a schema file, without null.
std::vector<std::string> schema_enum(const std::string& file, const std::string& pointer) {
  json s = json::parse(read_text("schemas/" + file));
  std::vector<std::string> out;
  for (const auto& v : s.at(json::json_pointer(pointer)))
    if (!v.is_null()) out.push_back(v.get<std::string>());
  return out;
}

}  // namespace

TEST_CASE("every closed set's schema enums are the registry's spellings, in order") {
  CHECK(schema_enum("pain-entry.schema.json", "/properties/when/enum") == names<PainWhen>());
  CHECK(schema_enum("pain-entry.schema.json", "/properties/swelling/enum") == names<Swelling>());
  CHECK(schema_enum("pain-entry.schema.json", "/properties/source/enum") == names<PainSource>());
  CHECK(schema_enum("pain-entry.schema.json", "/properties/kind/enum") == names<CorrectionKind>());
  CHECK(schema_enum("session.schema.json", "/properties/status/enum") == names<SessionStatus>());
  CHECK(schema_enum("session.schema.json", "/properties/stop_phase/enum") == names<StopPhase>());
  CHECK(schema_enum("session.schema.json", "/properties/profile/enum") == profile_names());
  CHECK(schema_enum("plan.schema.json", "/properties/profile/enum") == profile_names());
  CHECK(schema_enum("plan.schema.json", "/properties/status/enum") == names<PlanStatus>());
  CHECK(schema_enum("plan.schema.json", "/$defs/entry/properties/kind/enum") == names<HistoryKind>());
  CHECK(schema_enum("plan.schema.json", "/$defs/entry/properties/decision/enum") == names<DecisionKind>());
  CHECK(schema_enum("athlete.schema.json", "/properties/side/enum") == names<Side>());
  CHECK(schema_enum("athlete.schema.json", "/properties/flags/items/properties/flag/enum") == names<AthleteFlag>());
  CHECK(schema_enum("calibration.schema.json", "/properties/kind/enum") == names<CalibrationKind>());
  CHECK(schema_enum("calibration.schema.json", "/properties/result/enum") == names<CalibrationResult>());
  // A plan is never built for a severe presentation: the schema stores the others only.
  auto sev = names<Severity>();
  sev.erase(std::find(sev.begin(), sev.end(), "severe"));
  CHECK(schema_enum("plan.schema.json", "/properties/severity/enum") == sev);
}

TEST_CASE("spellings parse back to their members and nothing else does") {
  for (const auto& t : terms<PainWhen>()) CHECK(parse<PainWhen>(t.name) == t.value);
  CHECK(name(PainWhen::next_day) == "next-day");
  CHECK_FALSE(parse<PainWhen>("next_day"));
  CHECK_FALSE(parse<Swelling>("Significant"));
  CHECK(names_in_words<Side>() == "left, right or both");
  CHECK(json(Swelling::significant) == "significant");
  CHECK(json("moderate").get<Swelling>() == Swelling::moderate);
  CHECK_THROWS(json("huge").get<Swelling>());
}

TEST_CASE("only the review flag leaves runs allowed") {
  for (const auto& t : terms<AthleteFlag>()) CHECK(blocks_runs(t.value) == (t.value != AthleteFlag::review));
}

TEST_CASE("profiles: seed is the default, each has its during-limit, and lever-plan(1) documents every one") {
  CHECK(default_profile().name == "seed");
  CHECK(profile("seed").during_limit == 4);
  CHECK(profile("trek").during_limit == 2);
  CHECK(profile("trek").after_60min);
  CHECK(profile("silbernagel").during_limit == 5);
  try {
    profile("tre");
    FAIL("an unknown profile was accepted");
  } catch (const Error& e) {
    CHECK(e.code() == Exit::usage);
    CHECK(std::string(e.what()) == "unknown pain-monitoring profile 'tre'");
    CHECK(e.hint() == "use seed (the default: pain <= 4/10 during), trek (<= 2/10) or silbernagel (<= 5/10)");
  }
  const std::string man = read_text("man/lever-plan.1");
  for (const auto& p : profiles()) CHECK_MESSAGE(man.find(std::string(p.name)) != std::string::npos, p.name);
}
