// The machine formats are a contract (product.md: stable field names, a deprecation path): each output
// shape has a published schema in schemas/output/. Here every such schema is held to the output rules
// (every field always present, null when unknown; nothing undocumented; every field described), and
// with LEVER_OUTPUT_SWEEP=DIR every output captured under DIR (tests/e2e/test_output_fields.sh) is
// checked against its schema: DIR/<schema path>/<n>.json|ndjson|csv, where <schema path> is
// "output/athlete-row" or a stored record's schema such as "plan".
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "lever/util/csv.hpp"
#include "lever/util/json_schema.hpp"

using namespace lever;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

const fs::path kSchemas = fs::path(LEVER_SOURCE_DIR) / "schemas";

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "cannot read " << p.string());
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<fs::path> output_schema_files() {
  std::vector<fs::path> files;
  if (!fs::exists(kSchemas / "output")) return files;
  for (const auto& e : fs::directory_iterator(kSchemas / "output"))
    if (e.path().string().ends_with(".schema.json")) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  return files;
}

// The rule problems of one (sub)schema at `where`, and of every schema below it.
void check_rules(const json& s, const std::string& where, std::vector<std::string>& problems) {
  if (!s.is_object()) return;
  if (s.contains("properties")) {
    const json& props = s["properties"];
    if (s.value("additionalProperties", json(true)) != json(false))
      problems.push_back(where + ": an object must say \"additionalProperties\": false (nothing undocumented)");
    std::set<std::string> required;
    for (const auto& r : s.value("required", json::array())) required.insert(r.get<std::string>());
    for (auto it = props.begin(); it != props.end(); ++it) {
      const std::string at = where + "/properties/" + it.key();
      if (!required.count(it.key()))
        problems.push_back(at + ": not required (every field is always present, null when not known)");
      const json& p = it.value();
      if (!p.contains("description") && !p.contains("$ref"))
        problems.push_back(at + ": no description");
      if (p.value("deprecated", false) &&
          p.value("description", "").rfind("Deprecated since", 0) != 0)
        problems.push_back(at + ": a deprecated field's description must start \"Deprecated since\"");
      check_rules(p, at, problems);
    }
  }
  for (const char* key : {"items", "additionalProperties"})
    if (s.contains(key)) check_rules(s[key], where + "/" + key, problems);
  if (s.contains("$defs"))
    for (auto it = s["$defs"].begin(); it != s["$defs"].end(); ++it) check_rules(it.value(), where + "/$defs/" + it.key(), problems);
  for (const char* key : {"anyOf", "oneOf", "allOf"})
    if (s.contains(key))
      for (size_t i = 0; i < s[key].size(); ++i) check_rules(s[key][i], fmt::format("{}/{}/{}", where, key, i), problems);
}

// The (sub)schema a top-level property of `schema` names, with a local $ref followed.
const json& property_schema(const json& schema, const std::string& name) {
  const json& p = schema.at("properties").at(name);
  if (p.contains("$ref")) {
    const std::string ref = p["$ref"].get<std::string>();
    return schema.at(json::json_pointer(ref.substr(1)));
  }
  return p;
}

// The JSON types a property allows ("type" as a string or a list; none means any).
std::set<std::string> types_of(const json& p) {
  std::set<std::string> t;
  if (!p.contains("type")) return t;
  if (p["type"].is_string()) t.insert(p["type"].get<std::string>());
  else
    for (const auto& x : p["type"]) t.insert(x.get<std::string>());
  return t;
}

// The problems of one CSV cell against its column's schema: a number column holds a number, a boolean
// column true/false, a list column a JSON array, and an empty cell only where null is allowed.
std::string csv_cell_problem(const json& p, const std::string& cell) {
  const auto t = types_of(p);
  if (t.empty()) return "";
  if (cell.empty()) return t.count("null") || t.count("string") ? "" : "empty, but the field is never null";
  if (t.count("string")) return "";
  if (t.count("number") || t.count("integer")) {
    try {
      size_t used = 0;
      (void)std::stod(cell, &used);
      if (used == cell.size()) return "";
    } catch (const std::exception&) {
    }
  }
  if (t.count("boolean") && (cell == "true" || cell == "false")) return "";
  if (t.count("array") && json::accept(cell) && json::parse(cell).is_array()) return "";
  return "'" + cell + "' is not a " + p["type"].dump();
}

struct SweepCount {
  size_t files = 0;
  size_t records = 0;
  std::set<std::string> schemas;
};

// Checks one captured output against the schema its directory names.
void check_capture(const fs::path& root, const fs::path& file, SweepCount& count) {
  const std::string rel = fs::relative(file.parent_path(), root).generic_string();
  const fs::path schema_file = kSchemas / (rel + ".schema.json");
  REQUIRE_MESSAGE(fs::exists(schema_file), file.string() << ": no schema " << schema_file.string());
  const json schema = json::parse(read_text(schema_file));
  const SchemaValidator v(schema);
  const std::string text = read_text(file);
  const std::string ext = file.extension().string();
  const std::string what = fs::relative(file, root).generic_string();
  auto check_one = [&](const json& value, const std::string& at) {
    for (const auto& issue : v.validate(value))
      FAIL_CHECK(what << at << ": " << (issue.pointer.empty() ? "/" : issue.pointer) << " " << issue.message);
    ++count.records;
  };
  if (ext == ".json") {
    REQUIRE_MESSAGE(json::accept(text), what << ": not JSON");
    const json doc = json::parse(text);
    if (doc.is_array())
      for (size_t i = 0; i < doc.size(); ++i) check_one(doc[i], fmt::format("[{}]", i));
    else
      check_one(doc, "");
  } else if (ext == ".ndjson") {
    std::istringstream in(text);
    std::string line;
    for (size_t n = 1; std::getline(in, line); ++n) {
      REQUIRE_MESSAGE(json::accept(line), what << ":" << n << ": not a JSON line");
      check_one(json::parse(line), fmt::format(":{}", n));
    }
  } else if (ext == ".csv") {
    const auto table = parse_csv(text);
    REQUIRE_MESSAGE(!table.empty(), what << ": no header line");
    const auto& header = table.front().fields;
    for (size_t c = 0; c < header.size(); ++c) {
      const bool known = schema.contains("properties") && schema["properties"].contains(header[c]);
      CHECK_MESSAGE(known, what << ": column '" << header[c] << "' is not a field of " << rel);
      if (!known) continue;
      const json& p = property_schema(schema, header[c]);
      CHECK_MESSAGE(!types_of(p).count("object"), what << ": column '" << header[c] << "' is an object");
      for (size_t r = 1; r < table.size(); ++r) {
        const auto& row = table[r];
        REQUIRE_MESSAGE(row.fields.size() == header.size(), what << ":" << row.line << ": " << row.fields.size()
                                                                 << " fields, the header has " << header.size());
        const std::string problem = csv_cell_problem(p, row.fields[c]);
        CHECK_MESSAGE(problem.empty(), what << ":" << row.line << ": " << header[c] << ": " << problem);
      }
    }
    count.records += table.size() - 1;
  } else {
    return;  // the capture's command line (.cmd) and anything else are not outputs
  }
  ++count.files;
  count.schemas.insert(rel);
}

}  // namespace

TEST_CASE("output schemas: every field always present, documented, nothing undocumented") {
  const auto files = output_schema_files();
  CHECK(files.size() >= 30);  // one per output shape; the directory was not lost
  for (const auto& f : files) {
    CAPTURE(f.filename().string());
    const json schema = json::parse(read_text(f));
    CHECK_NOTHROW(SchemaValidator{schema});  // only keywords lever's validator checks
    CHECK(schema.value("$id", "") ==
          "https://lever.invalid/schemas/output/" + f.filename().string());
    CHECK(schema.contains("title"));
    CHECK(schema.contains("description"));
    CHECK(schema.value("type", "") == "object");
    std::vector<std::string> problems;
    check_rules(schema, "#", problems);
    for (const auto& p : problems) FAIL_CHECK(f.filename().string() << ": " << p);
  }
}

TEST_CASE("output schemas: the rules catch a field that may be absent or undocumented") {
  std::vector<std::string> problems;
  check_rules(json::parse(R"({"type":"object","properties":{"a":{"type":"number","description":"x"},
    "b":{"type":"object","description":"y","properties":{"c":{"type":"string"}}}},"required":["b"]})"),
              "#", problems);
  const std::string all = fmt::format("{}", fmt::join(problems, "\n"));
  CHECK(all.find("#: an object must say") != std::string::npos);
  CHECK(all.find("#/properties/a: not required") != std::string::npos);
  CHECK(all.find("#/properties/b/properties/c: no description") != std::string::npos);
  CHECK(all.find("#/properties/b: an object must say") != std::string::npos);
  const json col = json::parse(R"({"type":["number","null"]})");
  CHECK(csv_cell_problem(col, "").empty());
  CHECK(csv_cell_problem(col, "12.5").empty());
  CHECK(csv_cell_problem(col, "twelve") != "");
  CHECK(csv_cell_problem(json::parse(R"({"type":"boolean"})"), "") != "");
  CHECK(csv_cell_problem(json::parse(R"({"type":"array"})"), "[\"a\"]").empty());
}

TEST_CASE("LEVER_OUTPUT_SWEEP: every captured output matches its schema") {
  const char* dir = std::getenv("LEVER_OUTPUT_SWEEP");
  if (!dir) return;  // tests/e2e/test_output_fields.sh sets it
  SweepCount count;
  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file()) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) check_capture(dir, f, count);
  MESSAGE("output sweep: " << count.files << " outputs, " << count.records << " records, "
                           << count.schemas.size() << " schemas under " << std::string(dir));
  CHECK(count.files > 0);
  // The suite's sweep is complete: every published output schema describes something lever printed.
  if (std::getenv("LEVER_OUTPUT_SWEEP_ALL"))
    for (const auto& f : output_schema_files()) {
      const std::string name = "output/" + f.filename().string().substr(0, f.filename().string().size() - 12);
      CHECK_MESSAGE(count.schemas.count(name), name << " was never printed by the suite (no capture uses it)");
    }
}
