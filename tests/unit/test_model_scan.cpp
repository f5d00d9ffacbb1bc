// The wide round-trip check: with LEVER_MODEL_SCAN=DIR, every session, calibration and unit document
// found under DIR (at any depth: the stores the e2e suites keep with LEVER_KEEP_STORES, a demo store)
// is read into its model type and written back, and each one that differs is named with its first
// difference. Without the variable the case checks nothing (the fixtures cover the normal run).
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <doctest/doctest.h>

#include "lever/model/calibration.hpp"
#include "lever/model/json_io.hpp"
#include "lever/model/session.hpp"
#include "lever/model/unit.hpp"
#include "lever/store/schemas.hpp"

using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// The difference T makes to `doc` written back, or a note when T cannot read it.
template <class T>
std::string difference_as(const json& doc) {
  try {
    return lever::model::round_trip_difference(doc, json(doc.get<T>()));
  } catch (const std::exception& e) {
    return std::string("cannot be read: ") + e.what();
  }
}

}  // namespace

TEST_CASE("model: every stored session, calibration and unit document round-trips (LEVER_MODEL_SCAN=DIR)") {
  const char* root = std::getenv("LEVER_MODEL_SCAN");
  if (!root) return;
  const std::map<std::string, std::pair<std::string, std::string (*)(const json&)>> kinds = {
      {"sessions", {"session.schema.json", &difference_as<lever::model::Session>}},
      {"calibrations", {"calibration.schema.json", &difference_as<lever::model::Calibration>}},
      {"units", {"unit.schema.json", &difference_as<lever::model::Unit>}},
  };
  std::map<std::string, int> checked, invalid;
  int differ = 0;
  for (const auto& e : fs::recursive_directory_iterator(root, fs::directory_options::skip_permission_denied)) {
    if (!e.is_regular_file() || e.path().extension() != ".json") continue;
    auto kind = kinds.find(e.path().parent_path().filename().string());
    if (kind == kinds.end()) continue;
    std::ifstream in(e.path());
    std::stringstream text;
    text << in.rdbuf();
    json doc = json::parse(text.str(), nullptr, false);
    // Only valid documents reach the model (the store validates first): a file a suite broke on
    // purpose is counted, not read.
    if (doc.is_discarded() || !lever::schemas::validator(kind->second.first).validate(doc).empty()) {
      ++invalid[kind->first];
      continue;
    }
    ++checked[kind->first];
    if (auto d = kind->second.second(doc); !d.empty()) {
      ++differ;
      FAIL_CHECK(e.path().string() << ": " << d);
    }
  }
  for (const auto& [k, n] : checked) MESSAGE(k << ": " << n << " checked, " << invalid[k] << " invalid left out");
  CHECK(differ == 0);
}
