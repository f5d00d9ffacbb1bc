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

TEST_CASE("accepts answers what validate would, for every keyword form") {
  SchemaValidator v(json::parse(R"({
    "type": "object", "required": ["k"],
    "properties": {
      "k": {"enum": ["a", "b"]},
      "n": {"type": ["integer", "null"], "minimum": 1},
      "any": {"anyOf": [{"type": "string"}, {"type": "integer"}]},
      "one": {"oneOf": [{"type": "number"}, {"type": "integer"}]},
      "no": {"not": {"const": 3}},
      "list": {"type": "array", "uniqueItems": true, "maxItems": 2, "items": {"$ref": "#/$defs/w"}},
      "names": {"type": "object", "propertyNames": {"pattern": "^x"}, "additionalProperties": {"type": "boolean"}}
    },
    "if": {"properties": {"k": {"const": "b"}}}, "then": {"required": ["n"]},
    "additionalProperties": false,
    "$defs": {"w": {"type": "string", "minLength": 2}}
  })"));
  const char* cases[] = {
      R"({"k": "a"})", R"({"k": "c"})", R"({})", R"({"k": "b"})", R"({"k": "b", "n": 2})", R"({"k": "a", "n": 0})",
      R"({"k": "a", "n": 2.0})", R"({"k": "a", "n": 2.5})", R"({"k": "a", "any": true})", R"({"k": "a", "any": "s"})",
      R"({"k": "a", "one": 1.5})", R"({"k": "a", "one": 1})", R"({"k": "a", "no": 3})", R"({"k": "a", "no": 4})",
      R"({"k": "a", "list": ["ab", "ab"]})", R"({"k": "a", "list": ["ab", "cd", "ef"]})", R"({"k": "a", "list": ["a"]})",
      R"({"k": "a", "list": ["ab", "cd"]})", R"({"k": "a", "names": {"xa": true}})", R"({"k": "a", "names": {"ya": true}})",
      R"({"k": "a", "names": {"xa": 1}})", R"({"k": "a", "extra": 1})", R"([])"};
  int valid = 0;
  for (const char* text : cases) {
    CAPTURE(text);
    auto doc = json::parse(text);
    CHECK(v.accepts(doc) == v.validate(doc).empty());
    valid += v.accepts(doc);
  }
  CHECK(valid == 8);
  auto issues = v.validate(json::parse(R"({"k": "b", "list": ["ab", "ab"], "names": {"y~/": 1}})"));
  std::multimap<std::string, std::string> by;
  for (auto& i : issues) by.emplace(i.pointer, i.message);
  CHECK(by.find("/n")->second == "is required but missing");
  CHECK(by.find("/list")->second == "items 0 and 1 are the same");
  auto names = by.equal_range("/names/y~0~1");
  REQUIRE(std::distance(names.first, names.second) == 2);
  CHECK(names.first->second.find("pattern ^x") != std::string::npos);
  CHECK(std::next(names.first)->second == "must be boolean (found integer)");
}

TEST_CASE("parse_valid gives exactly json::parse's document, and only for valid text") {
  const auto& v = schemas::validator("pain-entry.schema.json");
  std::string ok = R"({"schema_version": 1, "id": "p-1", "athlete_id": "ath-1", "score": 3, "when": "during",
                       "at": "2026-07-09T15:11:22+00:00", "logged_at": "2026-07-09T15:11:22Z", "by": "dr")";
  auto with = [&](const std::string& extra) { return ok + extra + "}"; };
  struct Case {
    std::string text;
    bool quick;  // whether the quick path may vouch for it
  } cases[] = {
      {with(""), true},
      {with(R"(, "note": "knee \"sore\"\n", "session_id": null, "grinding": false)"), true},
      {with(R"(, "score": 3)"), false},                        // a repeated key: nlohmann keeps the last
      {with(R"(, "note": "caf\u00e9")"), false},               // \u escapes are left to nlohmann
      {with(R"(, "swelling": "huge")"), false},                // invalid
      {with(R"(, "extra": 1)"), false},                        // invalid
      {R"({"schema_version": 1, "id": "p-1"})", false},        // invalid
      {ok.substr(0, ok.size() - 20), false},                   // not JSON
      {R"([1, 2])", false},
  };
  for (const auto& c : cases) {
    CAPTURE(c.text);
    auto quick = v.parse_valid(c.text);
    CHECK(quick.has_value() == c.quick);
    if (!quick) continue;
    auto slow = json::parse(c.text);
    CHECK(v.validate(slow).empty());
    CHECK(quick->dump() == slow.dump());
  }
  // Scores as the schema reads them: 3.0 is an integer; -0 is the integer 0 to both parsers.
  auto whole = v.parse_valid(with(R"(, "score": 3.0)").replace(ok.find("\"score\": 3,"), 11, ""));
  REQUIRE(whole);
  CHECK(whole->dump() == json::parse(with(R"(, "score": 3.0)").replace(ok.find("\"score\": 3,"), 11, "")).dump());
  std::string neg = with(R"(, "score": -0)").replace(ok.find("\"score\": 3,"), 11, "");
  if (auto q = v.parse_valid(neg)) CHECK(q->dump() == json::parse(neg).dump());
  CHECK_FALSE(v.parse_valid(with(R"(, "score": -0.0)").replace(ok.find("\"score\": 3,"), 11, "")));
  auto cut = v.parse_valid(with(R"(, "note": "n")"), {"when", "at", "missing"});
  REQUIRE(cut);
  CHECK(*cut == json{{"when", "during"}, {"at", "2026-07-09T15:11:22+00:00"}});
}
