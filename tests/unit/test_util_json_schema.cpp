#include <stdexcept>

#include <doctest/doctest.h>

#include "lever/store/schemas.hpp"
#include "lever/util/json_schema.hpp"

using namespace lever;
using nlohmann::json;

TEST_CASE("validator reports where and what") {
  SchemaValidator v(json::parse(R"({
    "type": "object", "required": ["a", "b"],
    "properties": {
      "a": {"type": "integer", "minimum": 0, "maximum": 10},
      "b": {"enum": ["x", "y"]},
      "c": {"type": "array", "items": {"type": "string", "pattern": "^[a-z]+$"}},
      "t": {"type": "string", "format": "date-time"},
      "r": {"$ref": "#/$defs/pos"}
    },
    "additionalProperties": false,
    "$defs": {"pos": {"type": "number", "exclusiveMinimum": 0}}
  })"));
  CHECK(v.validate(json::parse(R"({"a": 3, "b": "x"})")).empty());
  auto issues = v.validate(json::parse(R"({"a": 11, "c": ["ok", "NO"], "t": "2026-11-25T10:00", "r": 0, "z": 1})"));
  std::map<std::string, std::string> by;
  for (auto& i : issues) by[i.pointer] = i.message;
  CHECK(by["/a"].find("at most 10") != std::string::npos);
  CHECK(by["/b"].find("required") != std::string::npos);
  CHECK(by["/c/1"].find("pattern") != std::string::npos);
  CHECK(by["/t"].find("offset") != std::string::npos);
  CHECK(by["/r"].find("greater than 0") != std::string::npos);
  CHECK(by["/z"].find("not a known field") != std::string::npos);
  CHECK(v.validate(json::parse(R"({"a": 4.5, "b": "x"})")).size() == 1);
  CHECK(v.validate(json::parse(R"({"a": 4.0, "b": "x"})")).empty());
}

TEST_CASE("unsupported schema keywords are refused, so nothing is silently unchecked") {
  CHECK_THROWS_AS(SchemaValidator(json::parse(R"({"type": "object", "dependentRequired": {}})")), std::invalid_argument);
  CHECK_THROWS_AS(SchemaValidator(json::parse(R"({"properties": {"a": {"multipleOf": 2}}})")), std::invalid_argument);
}

TEST_CASE("every shipped schema compiles with this validator and declares 2020-12") {
  REQUIRE(!schemas::embedded().empty());
  for (const auto& [name, text] : schemas::embedded()) {
    CAPTURE(name);
    auto doc = json::parse(text);
    CHECK(doc.value("$schema", "") == "https://json-schema.org/draft/2020-12/schema");
    CHECK_NOTHROW(schemas::validator(name));
  }
}
