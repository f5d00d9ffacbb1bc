// The model tests' round trip: a stored document read into its type and written back must be the
// same document, as text (not only modulo null and absent, which is all the store boundary checks).
#pragma once
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "lever/model/json_io.hpp"
#include "lever/store/schemas.hpp"

namespace model_test {

/// A document from tests/unit/fixtures/model/.
inline nlohmann::json fixture(const std::string& name) {
  // A path, not string concatenation: GCC 12 at -O2 warns falsely (-Warray-bounds) on
  // std::string(literal) + literal once the source path is long enough.
  std::ifstream in(std::filesystem::path(LEVER_SOURCE_DIR) / "tests/unit/fixtures/model" / name);
  REQUIRE_MESSAGE(in.good(), "missing fixture " << name);
  std::stringstream text;
  text << in.rdbuf();
  return nlohmann::json::parse(text.str());
}

/// Reads `doc` as T, checks it is valid against `schema` and that T writes it back exactly; returns the value.
template <class T>
T round_trip(const nlohmann::json& doc, const std::string& schema) {
  CHECK(lever::schemas::validator(schema).validate(doc).empty());
  T value = doc.get<T>();
  nlohmann::json back = value;
  CHECK(lever::model::round_trip_difference(doc, back) == "");
  CHECK(back.dump(2) == doc.dump(2));
  return value;
}

}  // namespace model_test
