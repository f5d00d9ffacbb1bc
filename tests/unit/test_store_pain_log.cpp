// The corrected pain log (domain.md, "Evidence"): voids and amendments are records of their own that
// every reader applies, and damaged lines are named with their line numbers, never skipped silently.
#include <fstream>

#include <doctest/doctest.h>

#include "lever/store/pain_log.hpp"
#include "lever/util/error.hpp"
#include "lever/util/fs.hpp"
#include "tmpdir.hpp"

using namespace lever;
using nlohmann::json;

namespace {

json entry(const std::string& id, int score) {
  return {{"schema_version", 1}, {"id", id}, {"athlete_id", "ann"}, {"score", score}, {"when", "next-day"},
          {"at", "2026-12-02T08:00:00+00:00"}, {"logged_at", "2026-12-02T08:00:00+00:00"}, {"by", "t"}};
}

json correction(const std::string& id, const std::string& kind, const std::string& of, std::optional<int> score = {}) {
  json c = {{"schema_version", 1}, {"id", id}, {"athlete_id", "ann"}, {"kind", kind}, {"corrects", of},
            {"reason", "typo"}, {"logged_at", "2026-12-02T09:00:00+00:00"}, {"by", "t"}};
  if (score) c["score"] = *score;
  return c;
}

}  // namespace

TEST_CASE("pain log: corrections are applied in log order") {
  auto log = apply_corrections({entry("p-1", 8), entry("p-2", 3), correction("p-3", "amend", "p-1", 2),
                                correction("p-4", "void", "p-2"), correction("p-5", "amend", "p-1", 1),
                                correction("p-6", "void", "p-gone")});
  REQUIRE(log.entries.size() == 1);
  CHECK(log.entries[0]["id"] == "p-1");
  CHECK(log.entries[0]["score"] == 1);  // the later amendment wins
  CHECK(log.entries[0]["amended_by"] == "p-5");
  CHECK(log.corrections.size() == 4);  // a correction of an entry not read (a tail) is kept, not applied
}

TEST_CASE("pain log: the schema tells entries and corrections apart") {
  CHECK(Store::validate(collection("pain"), entry("p-1", 3)).empty());
  CHECK(Store::validate(collection("pain"), correction("p-2", "void", "p-1")).empty());
  CHECK(Store::validate(collection("pain"), correction("p-3", "amend", "p-1", 2)).empty());
  CHECK_FALSE(Store::validate(collection("pain"), correction("p-4", "amend", "p-1")).empty());  // amend needs a score
  CHECK_FALSE(Store::validate(collection("pain"), correction("p-5", "void", "p-1", 2)).empty());  // void carries none
  json no_reason = correction("p-6", "void", "p-1");
  no_reason.erase("reason");
  CHECK_FALSE(Store::validate(collection("pain"), no_reason).empty());
  json half = entry("p-7", 3);
  half["corrects"] = "p-1";  // an entry cannot also be a correction
  CHECK_FALSE(Store::validate(collection("pain"), half).empty());
}

TEST_CASE("pain log: a damaged line is named with its line, whole or from the tail, and stops a decider") {
  TempDir t;
  Store s(t.path);
  { auto lock = s.lock(); }
  make_private_dirs(t.path / "pain");
  {
    std::ofstream f(t.path / "pain" / "ann.ndjson");
    for (int i = 0; i < 5; ++i) f << entry("p-" + std::to_string(i), i).dump() << '\n';
    f << "{\"schema_version\":1,\"id\":\"p-x\",\"score\":11}\n";  // line 6
    f << entry("p-9", 1).dump() << '\n';
  }
  auto log = read_pain_log(s, "ann");
  CHECK(log.entries.size() == 6);
  REQUIRE(damage(log.problems).size() == 1);
  CHECK(log.problems[0].line == 6);
  CHECK(log.problems[0].file == "pain/ann.ndjson");
  std::vector<StoreProblem> tail_problems;
  auto tail = s.read_log_tail(collection("pain"), "ann", 3, {}, &tail_problems);
  CHECK(tail.size() == 3);
  REQUIRE(tail_problems.size() == 1);
  CHECK(tail_problems[0].line == 6);
  try {
    refuse_unreadable(log.problems, "the pain log of 'ann'");
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.code() == Exit::invalid_data);
    CHECK(std::string(e.what()).find("pain/ann.ndjson line 6") != std::string::npos);
    CHECK(e.hint().find("lever store check") != std::string::npos);
  }
}
