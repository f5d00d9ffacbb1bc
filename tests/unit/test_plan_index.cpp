// The plan index (cache/plans.index) may only ever skip work, never change a decision: what it saves
// it loads back exactly, a torn, foreign or damaged file vouches for nothing, and a stamp stops
// vouching when any file behind the plan changes or its follow-up deadline passes.
#include <fstream>

#include <doctest/doctest.h>

#include "lever/plan/plan_index.hpp"
#include "lever/util/fs.hpp"
#include "tmpdir.hpp"

using namespace lever;
using namespace lever::plan;

namespace {

PlanEvidenceStamp sample(uint64_t seed) {
  PlanEvidenceStamp s;
  s.plan = {seed, 100, 1700000000000000000 + int64_t(seed), 1700000000000000001};
  s.athlete = {seed + 1, 200, 1700000000000000002, 1700000000000000003};
  s.pain = {};  // no pain log yet
  s.sessions = 0xfedcba9876543210ull + seed;
  s.recheck_at = seed % 2 ? 1800000000 : 0;
  return s;
}

TimePoint at_unix(int64_t s) { return TimePoint(std::chrono::seconds(s)); }

}  // namespace

TEST_CASE("plan index: saved stamps load back exactly") {
  TempDir tmp;
  auto file = tmp.path / "cache" / "plans.index";
  PlanIndex index;
  for (uint64_t i = 0; i < 50; ++i) index["ath-" + std::to_string(i)] = sample(i);
  REQUIRE(save_plan_index(file, index));
  CHECK(load_plan_index(file) == index);
}

TEST_CASE("plan index: a torn, foreign or damaged file vouches for nothing") {
  TempDir tmp;
  auto file = tmp.path / "plans.index";
  PlanIndex index{{"ann", sample(3)}, {"bob", sample(4)}};
  REQUIRE(save_plan_index(file, index));
  std::string text = *read_file(file);
  auto write = [&](const std::string& t) { std::ofstream(file, std::ios::binary | std::ios::trunc) << t; };

  write(text.substr(0, text.size() - 1));  // the end line torn
  CHECK(load_plan_index(file).empty());
  write(text.substr(0, text.find("bob")));  // cut after the first entry
  CHECK(load_plan_index(file).empty());
  std::string other = text;
  other.replace(other.find(' ', other.find("index 1")) + 1, 1, "9");  // another lever version wrote it
  write(other);
  CHECK(load_plan_index(file).empty());
  std::string junk = text;
  junk.replace(junk.find("ann ") + 4, 1, "x");  // a stamp that is not a number
  write(junk);
  CHECK(load_plan_index(file).empty());
  CHECK(load_plan_index(tmp.path / "missing.index").empty());
  write(text);
  CHECK(load_plan_index(file) == index);
}

TEST_CASE("plan index: a stamp vouches only for the same files, sessions and time") {
  auto s = sample(1);  // recheck_at 1800000000
  CHECK(still_current(s, s, at_unix(1799999999)));
  CHECK_FALSE(still_current(s, s, at_unix(1800000000)));  // the follow-up deadline has passed
  auto changed = s;
  changed.pain.size += 90;  // a pain entry appended
  CHECK_FALSE(still_current(s, changed, at_unix(0)));
  changed = s;
  changed.plan.ctime_ns += 1;  // the plan rewritten (a clinician's action)
  CHECK_FALSE(still_current(s, changed, at_unix(0)));
  changed = s;
  changed.athlete.ino += 1;  // the athlete document replaced (a flag)
  CHECK_FALSE(still_current(s, changed, at_unix(0)));
  changed = s;
  changed.sessions ^= 1;  // a session added or changed
  CHECK_FALSE(still_current(s, changed, at_unix(0)));
  auto never = sample(2);  // recheck_at 0: nothing pending
  CHECK(still_current(never, never, at_unix(4000000000)));
}
