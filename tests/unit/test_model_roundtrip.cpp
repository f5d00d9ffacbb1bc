// The typed model must keep every stored field: each record read into its type and written back is the
// record as stored (null and absent alike, numbers by value). The fixtures are records lever wrote;
// with LEVER_MODEL_SWEEP=DIR the same check runs over every record of every store under DIR (CI points
// it at the stores the end-to-end suites kept).
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "lever/model/athlete.hpp"
#include "lever/model/audit.hpp"
#include "lever/model/calibration.hpp"
#include "lever/model/json_io.hpp"
#include "lever/model/pain.hpp"
#include "lever/model/plan.hpp"
#include "lever/model/session.hpp"
#include "lever/model/unit.hpp"

using namespace lever;
using namespace lever::model;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// The difference T makes to `doc` written back, or a note when T cannot read it.
template <class T>
std::string difference_as(const json& doc) {
  try {
    return round_trip_difference(doc, json(doc.get<T>()));
  } catch (const std::exception& e) {
    return std::string("cannot be read: ") + e.what();
  }
}

std::string pain_difference(const json& rec) {
  return is_correction_record(rec) ? difference_as<PainCorrectionRecord>(rec) : difference_as<PainEntry>(rec);
}

// How each store directory's records are checked (the directory names of src/store/collections.cpp).
const std::map<std::string, std::function<std::string(const json&)>>& checkers() {
  static const std::map<std::string, std::function<std::string(const json&)>> m = {
      {"athletes", difference_as<Athlete>},
      {"plans", difference_as<Plan>},
      {"pain", pain_difference},
      {"audit", difference_as<AuditEntry>},
      {"sessions", difference_as<Session>},
      {"calibrations", difference_as<Calibration>},
      {"units", difference_as<Unit>},
  };
  return m;
}

// The records of a .json document or .ndjson log.
std::vector<json> records_of(const fs::path& file) {
  std::ifstream in(file);
  std::vector<json> out;
  if (file.extension() == ".ndjson") {
    std::string line;
    while (std::getline(in, line))
      if (!line.empty()) out.push_back(json::parse(line));
  } else {
    std::stringstream ss;
    ss << in.rdbuf();
    out.push_back(json::parse(ss.str()));
  }
  return out;
}

// Checks every record in the files under dir whose parent directory (or, for fixtures, file name
// prefix) names a kind; returns how many were checked.
size_t check_tree(const fs::path& dir, bool by_prefix) {
  size_t n = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    const auto ext = e.path().extension();
    if (ext != ".json" && ext != ".ndjson") continue;
    std::string kind = e.path().parent_path().filename().string();
    if (by_prefix) {
      const std::string stem = e.path().stem().string();
      for (const auto& [k, f] : checkers())
        if (stem.rfind(k.substr(0, k.size() - (k.back() == 's' ? 1 : 0)), 0) == 0) kind = k;
    }
    auto it = checkers().find(kind);
    if (it == checkers().end()) continue;
    // Only records inside a store (a store.json beside the directory) in sweeps: cache and journal
    // files are not records. (Kept stores passed 'store check': every record is schema-valid.)
    if (!by_prefix && !fs::exists(e.path().parent_path().parent_path() / "store.json")) continue;
    for (const auto& rec : records_of(e.path())) {
      const auto d = it->second(rec);
      CHECK_MESSAGE(d.empty(), e.path().string() << ": " << d);
      ++n;
    }
  }
  return n;
}

}  // namespace

TEST_CASE("the comparison sees a lost field, a changed value and an added one, and nothing else") {
  json a = {{"x", 1}, {"y", "s"}, {"n", nullptr}, {"o", {{"p", 1.5}}}};
  CHECK(round_trip_difference(a, {{"x", 1.0}, {"y", "s"}, {"o", {{"p", 1.5}}}}).empty());
  CHECK(round_trip_difference(a, {{"x", 1}, {"o", {{"p", 1.5}}}}) == "/y: lost (was \"s\")");
  CHECK(round_trip_difference(a, {{"x", 1}, {"y", "t"}, {"o", {{"p", 1.5}}}}) == "/y: \"s\" became \"t\"");
  CHECK(round_trip_difference(a, {{"x", 1}, {"y", "s"}, {"o", {{"p", 1.5}, {"q", true}}}}) == "/o/q: added (true)");
}

TEST_CASE("records lever wrote read into their types and write back as stored") {
  const size_t n = check_tree(fs::path(LEVER_SOURCE_DIR) / "tests/unit/fixtures/model", true);
  CHECK(n >= 20);
}

TEST_CASE("typed records keep their meaning") {
  auto plan = records_of(fs::path(LEVER_SOURCE_DIR) / "tests/unit/fixtures/model/plan.json").at(0).get<Plan>();
  CHECK(plan.athlete_id == "ann");
  CHECK(plan.profile_row().name == "seed");
  REQUIRE(plan.history.size() >= 5);
  CHECK(plan.history.front().kind == HistoryKind::created);
  CHECK(plan.history[2].decision == DecisionKind::hold);
  CHECK(plan.history[3].kind == HistoryKind::suspend);
  CHECK(plan.step(1) == &plan.steps.front());
  CHECK(plan.step(0) == nullptr);
  CHECK(plan.step(static_cast<int>(plan.steps.size()) + 1) == nullptr);
  auto bob = records_of(fs::path(LEVER_SOURCE_DIR) / "tests/unit/fixtures/model/athlete.json").at(0).get<Athlete>();
  CHECK(bob.side == Side::left);
  CHECK(bob.baseline() == 1);
  CHECK(bob.blocking_flags().empty());
  REQUIRE(bob.flags.size() == 1);
  CHECK(bob.flags[0].flag == AthleteFlag::review);
  CHECK(bob.created_at.at.time_since_epoch().count() > 0);
}

TEST_CASE("LEVER_MODEL_SWEEP: every record of every store under the directory round-trips") {
  const char* dir = std::getenv("LEVER_MODEL_SWEEP");
  if (!dir) return;  // CI sets it after the end-to-end suites (.ci/run)
  const size_t n = check_tree(dir, false);
  MESSAGE("model round trip: " << n << " records checked under " << std::string(dir));
  CHECK(n > 0);
}
