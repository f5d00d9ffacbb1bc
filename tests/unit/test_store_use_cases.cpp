// The use cases of `lever log-pain` and `lever athlete`, called as library functions: typed refusals
// (the exit code chosen where the problem is found, never from the message), one audit entry per
// saved change through StoreWriter, and an import that is all or nothing.
#include <fstream>
#include <tuple>

#include <doctest/doctest.h>

#include "lever/store/athlete_use_cases.hpp"
#include "lever/store/pain_use_cases.hpp"
#include "lever/store/writer.hpp"
#include "lever/util/error.hpp"
#include "tmpdir.hpp"

using namespace lever;
using nlohmann::json;

namespace {

struct Fixture {
  TempDir t;
  Store s{t.path};
  Fixture() {
    AthleteFields f;
    f.mass_kg = 75;
    add_athlete(s, "ann", f, "dr");
    add_athlete(s, "bob", f, "dr");
    StoreWriter w(s);
    w.save(collection("session"), "s1",
           json{{"schema_version", 1}, {"id", "s1"}, {"athlete_id", "bob"}, {"started_at", "2026-11-24T10:00:00+00:00"},
                {"status", "completed"}},
           {});
  }
  // Every audit entry in the store, oldest first.
  std::vector<json> audit() const {
    std::vector<json> all;
    for (const auto& month : s.list(collection("audit")))
      for (auto& r : s.read_log(collection("audit"), month)) all.push_back(std::move(r));
    return all;
  }
  std::vector<json> pain(const std::string& athlete) const { return s.read_log(collection("pain"), athlete); }
  // The exit code log_pain_entry refuses `in` with.
  Exit refusal(const PainInput& in) {
    try {
      log_pain_entry(s, in, "dr");
    } catch (const Error& e) {
      return e.code();
    }
    FAIL("the entry was accepted");
    return Exit::ok;
  }
  // A file in the temp directory holding `text`.
  std::string file(const std::string& name, const std::string& text) {
    auto p = (t.path / name).string();
    std::ofstream(p) << text;
    return p;
  }
};

// An entry as typed: athlete, score and (optionally) the session it belongs to.
PainInput typed(std::string athlete, std::string score, std::string session = "") {
  PainInput in;
  std::tie(in.athlete, in.score, in.session) = std::tie(athlete, score, session);
  return in;
}

}  // namespace

TEST_CASE("log-pain: each refusal carries its exit code, set where the problem is found") {
  Fixture f;
  CHECK(f.refusal(typed("zed", "3")) == Exit::not_found);           // no such athlete
  CHECK(f.refusal(typed("ann", "3", "s9")) == Exit::not_found);     // no such session
  CHECK(f.refusal(typed("ann", "3", "s1")) == Exit::invalid_data);  // bob's session
  CHECK(f.refusal(typed("ann", "11")) == Exit::usage);              // off the scale
  CHECK(f.refusal(typed("ann", "x")) == Exit::usage);
  // The first problem decides; every problem is named in the message.
  try {
    log_pain_entry(f.s, typed("zed", "11"), "dr");
    FAIL("accepted");
  } catch (const Error& e) {
    CHECK(e.code() == Exit::not_found);
    CHECK(std::string(e.what()).find("athlete_id: no athlete 'zed'") != std::string::npos);
    CHECK(std::string(e.what()).find("; score: must be 0-10") != std::string::npos);
    CHECK(e.hint() == "check the ID with 'lever athlete list'");
  }
  CHECK(f.pain("ann").empty());
  CHECK(f.audit().size() == 2);  // the two athletes added by the fixture, nothing since
}

TEST_CASE("entry_refusal maps the first field error without reading its text") {
  CHECK(entry_refusal({{"session_id", "any words at all", Exit::invalid_data}, {"score", "x"}}).code() == Exit::invalid_data);
  CHECK(entry_refusal({{"score", "no athlete here", Exit::usage}}).code() == Exit::usage);
  CHECK(entry_refusal({{"athlete_id", "gone", Exit::not_found}}).hint().find("lever athlete list") != std::string::npos);
}

TEST_CASE("log-pain: an entry, a void and an amendment are each audited once") {
  Fixture f;
  size_t before = f.audit().size();
  json e = log_pain_entry(f.s, typed("bob", "4", "s1"), "dr");
  REQUIRE(f.pain("bob").size() == 1);
  auto a = f.audit();
  REQUIRE(a.size() == before + 1);
  CHECK(a.back()["action"] == "pain.log");
  CHECK(a.back()["user"] == "dr");
  CHECK(a.back()["target"] == "bob");
  CHECK(a.back()["details"] == json{{"entry", e["id"]}, {"score", 4}});

  PainCorrection amend;
  amend.entry = e["id"];
  amend.reason = "typed 4 for 2";
  amend.amend.score = "2";
  json r = correct_pain_entry(f.s, amend, "nurse");
  CHECK(r["kind"] == "amend");
  a = f.audit();
  REQUIRE(a.size() == before + 2);
  CHECK(a.back()["action"] == "pain.amend");
  CHECK(a.back()["user"] == "nurse");
  CHECK(a.back()["details"] == json{{"entry", e["id"]}, {"correction", r["id"]}, {"reason", "typed 4 for 2"}});

  PainCorrection v;
  v.entry = e["id"];
  v.void_it = true;
  v.reason = "wrong athlete";
  correct_pain_entry(f.s, v, "nurse");
  a = f.audit();
  REQUIRE(a.size() == before + 3);
  CHECK(a.back()["action"] == "pain.void");
  CHECK(f.pain("bob").size() == 3);

  // A correction of an entry no log holds writes nothing.
  v.entry = "p-nowhere";
  try {
    correct_pain_entry(f.s, v, "nurse");
    FAIL("accepted");
  } catch (const Error& err) {
    CHECK(err.code() == Exit::not_found);
  }
  CHECK(f.audit().size() == before + 3);
}

TEST_CASE("log-pain --import: one bad line and nothing is written; a good file is one audit entry") {
  Fixture f;
  size_t before = f.audit().size();
  auto bad = f.file("bad.csv", "athlete_id,score,when\nann,3,after\nann,12,after\nzed,1,after\n");
  auto r = import_pain(f.s, bad, "auto", "dr");
  REQUIRE(r.errors.size() == 2);
  CHECK(r.errors[0].line == 3);
  CHECK(r.errors[1].line == 4);
  CHECK(r.entries.size() == 1);  // good, but not written
  CHECK(f.pain("ann").empty());
  CHECK(f.audit().size() == before);
  auto lines = import_problem_lines(r);
  REQUIRE(lines.size() == 2);
  CHECK(lines[0].rfind(bad + ": line 3, field score: ", 0) == 0);
  auto refused = import_refusal(r);
  CHECK(refused.code() == Exit::invalid_data);
  CHECK(std::string(refused.what()) == "import refused: 2 of 3 records are bad; nothing was imported");

  auto good = f.file("good.ndjson", "{\"athlete_id\":\"ann\",\"score\":3}\n{\"athlete\":\"bob\",\"score\":\"2\",\"session\":\"s1\"}\n");
  r = import_pain(f.s, good, "auto", "dr");
  CHECK(r.errors.empty());
  CHECK(r.entries.size() == 2);
  CHECK(f.pain("ann").size() == 1);
  CHECK(f.pain("bob").size() == 1);
  auto a = f.audit();
  REQUIRE(a.size() == before + 1);
  CHECK(a.back()["action"] == "pain.import");
  CHECK(a.back()["target"] == good);
  CHECK(a.back()["details"] == json{{"entries", 2}});

  // An empty file imports nothing and audits nothing; a missing one is not_found.
  r = import_pain(f.s, f.file("empty.csv", ""), "auto", "dr");
  CHECK((r.entries.empty() && r.errors.empty()));
  CHECK(f.audit().size() == before + 1);
  CHECK_THROWS_AS(import_pain(f.s, (f.t.path / "none.csv").string(), "auto", "dr"), Error);
}

TEST_CASE("log-pain --import: the report names at most 200 problems, then how many records are bad") {
  Fixture f;
  std::string text = "athlete_id,score\n";
  for (int i = 0; i < 250; ++i) text += "ann,99\n";
  auto r = import_pain(f.s, f.file("many.csv", text), "csv", "dr");
  auto lines = import_problem_lines(r);
  REQUIRE(lines.size() == 201);
  CHECK(lines.back() == "... and more (250 bad records in all)");
  CHECK(f.pain("ann").empty());
}

TEST_CASE("athlete add and edit: one audit entry per saved change, none when nothing changes") {
  Fixture f;
  size_t before = f.audit().size();
  AthleteFields fields;
  fields.mass_kg = 61.5;
  json doc = add_athlete(f.s, "cy", fields, "dr");
  CHECK(doc["mass_kg"] == 61.5);
  auto a = f.audit();
  REQUIRE(a.size() == before + 1);
  CHECK(a.back()["action"] == "athlete.add");
  CHECK(a.back()["details"] == json{{"mass_kg", 61.5}});
  try {
    add_athlete(f.s, "cy", fields, "dr");
    FAIL("added twice");
  } catch (const Error& e) {
    CHECK(e.code() == Exit::invalid_data);
  }
  CHECK(f.audit().size() == before + 1);

  AthleteEdit edit;
  edit.fields.cadence_spm = 166;
  edit.set_flags = {"suspected-meniscal"};
  edit.clear_flags = {"review"};
  edit.flag_note = "clicking";
  auto r = change_athlete(f.s, "cy", edit, "dr");
  CHECK(r.flags_not_set == std::vector<std::string>{"review"});
  CHECK(r.changes["cadence_spm"] == 166);
  CHECK(r.changes.contains("flags"));
  a = f.audit();
  REQUIRE(a.size() == before + 2);
  CHECK(a.back()["action"] == "athlete.edit");
  CHECK(a.back()["details"] == json{{"changes", r.changes}});
  CHECK(f.s.load(collection("athlete"), "cy")->at("cadence_spm") == 166);

  // The same edit again changes nothing: nothing saved, nothing audited.
  AthleteEdit same;
  same.fields.cadence_spm = 166;
  r = change_athlete(f.s, "cy", same, "dr");
  CHECK(r.changes.empty());
  CHECK(f.audit().size() == before + 2);

  AthleteEdit clear;
  clear.clear_flags = {"suspected-meniscal"};
  r = change_athlete(f.s, "cy", clear, "dr");
  CHECK(r.changes == json{{"flags", json::array()}});
  CHECK(f.audit().size() == before + 3);

  try {
    change_athlete(f.s, "nobody", same, "dr");
    FAIL("edited a missing athlete");
  } catch (const Error& e) {
    CHECK(e.code() == Exit::not_found);
  }
}

TEST_CASE("athlete show and list read what is there and name what is not") {
  Fixture f;
  for (int i = 0; i < 5; ++i) log_pain_entry(f.s, typed("ann", std::to_string(i)), "dr");
  auto o = athlete_overview(f.s, "ann", 3);
  REQUIRE(o.recent_pain.size() == 3);
  CHECK(o.recent_pain.front()["score"] == 2);
  CHECK(o.recent_pain.back()["score"] == 4);
  CHECK(o.problems.empty());
  CHECK_THROWS_AS(athlete_overview(f.s, "zed", 3), Error);

  std::ofstream(f.s.path(collection("athlete"), "bob")) << "{ not json";
  std::vector<std::string> unreadable;
  auto docs = read_athletes(f.s, unreadable);
  REQUIRE(docs.size() == 1);
  CHECK(docs[0]["id"] == "ann");
  REQUIRE(unreadable.size() == 1);
  CHECK(unreadable[0].find("bob") != std::string::npos);
}
