#include <set>

#include <doctest/doctest.h>

#include "lever/store/athletes.hpp"
#include "lever/store/pain.hpp"
#include "tmpdir.hpp"

using namespace lever;
using nlohmann::json;

namespace {

struct Fixture {
  TempDir t;
  Store s{t.path};
  TimePoint ref = *parse_iso("2026-11-25T12:00:00Z");
  Fixture() {
    auto lock = s.lock();
    AthleteFields f;
    f.mass_kg = 75;
    s.save(collection("athlete"), "ann", make_athlete("ann", f, ref));
    s.save(collection("athlete"), "bob", make_athlete("bob", f, ref));
    s.save(collection("session"), "s1", json{{"schema_version", 1}, {"id", "s1"}, {"athlete_id", "bob"},
                                            {"started_at", "2026-11-24T10:00:00+00:00"}, {"status", "completed"}});
  }
  std::vector<FieldError> build(PainInput in) {
    PainRefs refs(s);
    std::vector<FieldError> errs;
    auto e = build_pain_entry(in, refs, "t", "cli", ref, errs);
    CHECK(e.has_value() == errs.empty());
    return errs;
  }
};

PainInput input(std::string athlete, std::string score) {
  PainInput in;
  in.athlete = std::move(athlete);
  in.score = std::move(score);
  return in;
}

}  // namespace

TEST_CASE("pain scores are whole numbers 0-10") {
  Fixture f;
  CHECK(f.build(input("ann", "0")).empty());
  CHECK(f.build(input("ann", "10")).empty());
  for (const char* bad : {"11", "-1", "4.5", "four", ""}) {
    auto errs = f.build(input("ann", bad));
    REQUIRE_MESSAGE(errs.size() == 1, bad);
    CHECK(errs[0].field == "score");
  }
}

TEST_CASE("pain entries check athlete, time, session and symptoms, reporting every problem") {
  Fixture f;
  auto in = input("nobody", "3");
  in.at = "2027-01-01";
  in.when = "later";
  in.swelling = "huge";
  auto errs = f.build(in);
  std::set<std::string> fields;
  for (auto& e : errs) fields.insert(e.field);
  CHECK(fields == std::set<std::string>{"athlete_id", "at", "when", "swelling"});
  auto s = input("ann", "3");
  s.session = "s1";
  auto serr = f.build(s);
  REQUIRE(serr.size() == 1);
  CHECK(serr[0].message.find("belongs to athlete 'bob'") != std::string::npos);
  s.session = "nope";
  CHECK(f.build(s)[0].message.find("no session") != std::string::npos);
  auto rel = input("ann", "2");
  rel.at = "-24h";
  PainRefs refs(f.s);
  std::vector<FieldError> errs2;
  auto e = build_pain_entry(rel, refs, "t", "cli", f.ref, errs2);
  REQUIRE(e);
  CHECK((*e)["at"] == format_iso(f.ref - std::chrono::hours(24)));
}

TEST_CASE("imports: CSV and NDJSON, with line and field for each problem") {
  std::vector<ImportError> errors;
  auto rows = parse_pain_import("athlete_id,score,when,theatre_sign,note\nann,3,during,yes,\"ok, fine\"\nann,2,after,maybe,\n",
                                "csv", errors);
  CHECK(rows.size() == 1);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].line == 3);
  CHECK(errors[0].fields[0].field == "theatre_sign");
  CHECK(rows[0].second.note == "ok, fine");
  CHECK(*rows[0].second.theatre_sign);

  errors.clear();
  rows = parse_pain_import("{\"athlete_id\":\"ann\",\"score\":3}\nnot json\n{\"athlete\":\"ann\",\"score\":\"4\",\"colour\":1}\n",
                           "auto", errors);
  CHECK(rows.size() == 1);
  REQUIRE(errors.size() == 2);
  CHECK(errors[0].line == 2);
  CHECK(errors[1].fields[0].field == "colour");

  errors.clear();
  parse_pain_import("name,score\nann,3\n", "csv", errors);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].line == 1);
}

TEST_CASE("scores go through the one number reader: nan, inf, hex and 1e999 are not numbers") {
  Fixture f;
  for (const char* bad : {"nan", "NaN", "-nan", "inf", "0x3", "1e999", "3abc", "+-3", "3.0"}) {
    auto errs = f.build(input("ann", bad));
    REQUIRE_MESSAGE(errs.size() == 1, bad);
    CHECK(errs[0].field == "score");
  }
  CHECK(f.build(input("ann", "+3")).empty());
  CHECK(f.build(input("ann", " 7 ")).empty());  // spaces around a CSV cell are trimmed
}

TEST_CASE("imports must be UTF-8: every line that is not is named, and nothing is read") {
  std::vector<ImportError> errors;
  auto rows = parse_pain_import("athlete_id,score,note\nann,3,ok\nann,4,caf\xE9\nann,5,\xFF\xFE\n", "csv", errors);
  CHECK(rows.empty());
  REQUIRE(errors.size() == 2);
  CHECK(errors[0].line == 3);
  CHECK(errors[0].fields[0].message == "is not valid UTF-8 (byte 10 is \\xe9); save the file as UTF-8");
  CHECK(errors[1].line == 4);

  errors.clear();
  rows = parse_pain_import("{\"athlete_id\":\"ann\",\"score\":3,\"note\":\"\xC0\xAF\"}\n", "auto", errors);
  CHECK(rows.empty());
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].line == 1);

  // Control characters are not a UTF-8 problem: a note keeps them (they are escaped when shown).
  errors.clear();
  rows = parse_pain_import("athlete_id,score,note\nann,3,\"bell\a and \x1b[1mbold\"\n", "csv", errors);
  CHECK(errors.empty());
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].second.note == "bell\a and \x1b[1mbold");
}
