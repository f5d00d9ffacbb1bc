#include <sys/stat.h>
#include <unistd.h>

#include <doctest/doctest.h>

#include "lever/store/athletes.hpp"
#include "lever/store/store.hpp"
#include "lever/store/writer.hpp"
#include "lever/util/error.hpp"
#include "lever/util/fs.hpp"
#include "tmpdir.hpp"

using namespace lever;
using nlohmann::json;

namespace {

json pain(const std::string& athlete, int score, const std::string& id) {
  return {{"schema_version", 1}, {"id", id}, {"athlete_id", athlete}, {"score", score}, {"when", "after"},
          {"at", "2026-11-25T10:00:00+00:00"}, {"logged_at", "2026-11-25T10:00:00+00:00"}, {"by", "t"}};
}

void add_athlete(Store& s, const std::string& id) {
  AthleteFields f;
  f.mass_kg = 70;
  s.save(collection("athlete"), id, make_athlete(id, f, now()));
}

bool has_problem(const std::vector<StoreProblem>& ps, const std::string& file, const std::string& text) {
  for (const auto& p : ps)
    if (!p.warning && p.file == file && p.message.find(text) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST_CASE("a new store is created private on first lock") {
  TempDir t;
  Store s(t.path / "store");
  CHECK(!s.exists());
  auto lock = s.lock();
  CHECK(s.exists());
  struct stat st{};
  ::stat((t.path / "store").c_str(), &st);
  CHECK((st.st_mode & 0777) == 0700);
  add_athlete(s, "ann");
  CHECK(s.list(collection("athlete")) == std::vector<std::string>{"ann"});
  CHECK(s.check().empty());
}

TEST_CASE("documents are validated on write and on read") {
  TempDir t;
  Store s(t.path);
  auto lock = s.lock();
  json bad = {{"schema_version", 1}, {"id", "ann"}, {"mass_kg", 5}, {"flags", json::array()},
              {"created_at", "2026-11-25T10:00:00+00:00"}, {"updated_at", "2026-11-25T10:00:00+00:00"}};
  CHECK_THROWS_AS(s.save(collection("athlete"), "ann", bad), Error);
  CHECK(!s.has(collection("athlete"), "ann"));
  make_private_dirs(t.path / "athletes");
  write_file_atomic(t.path / "athletes" / "bob.json", "{ not json");
  try {
    s.load(collection("athlete"), "bob");
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(e.code() == Exit::invalid_data);
    CHECK(std::string(e.what()).find("athletes/bob.json") != std::string::npos);
  }
  add_athlete(s, "cat");
  CHECK(s.load(collection("athlete"), "cat"));  // other documents keep working
  auto problems = s.check();
  CHECK(has_problem(problems, "athletes/bob.json", "not valid JSON"));
}

TEST_CASE("a document from a newer lever is refused, not guessed at") {
  TempDir t;
  Store s(t.path);
  auto lock = s.lock();
  make_private_dirs(t.path / "athletes");
  write_file_atomic(t.path / "athletes" / "ann.json", R"({"schema_version": 2, "id": "ann"})");
  CHECK_THROWS_WITH_AS(s.load(collection("athlete"), "ann"), doctest::Contains("newer"), Error);
}

TEST_CASE("logs: append, tail, torn lines and cross-references") {
  TempDir t;
  Store s(t.path);
  auto lock = s.lock();
  add_athlete(s, "ann");
  for (int i = 0; i < 50; ++i) s.append(collection("pain"), "ann", pain("ann", i % 11, "p-" + std::to_string(i)));
  auto tail = s.read_log_tail(collection("pain"), "ann", 5);
  REQUIRE(tail.size() == 5);
  CHECK(tail.front()["id"] == "p-45");
  CHECK(tail.back()["id"] == "p-49");
  CHECK(s.read_log(collection("pain"), "ann").size() == 50);
  // A torn last line is a warning, not damage, and is not a record.
  {
    FILE* f = fopen((t.path / "pain" / "ann.ndjson").c_str(), "a");
    fputs("{\"schema_version\":1,\"id\":\"p-tor", f);
    fclose(f);
  }
  auto problems = s.check();
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].warning);
  CHECK(s.read_log(collection("pain"), "ann").size() == 50);
  CHECK(s.read_log_tail(collection("pain"), "ann", 1)[0]["id"] == "p-49");
  // A record for an athlete that does not exist is reported.
  s.append(collection("pain"), "ghost", pain("ghost", 2, "p-g"));
  CHECK(has_problem(s.check(), "pain/ghost.ndjson", "athlete"));
  // A record in the wrong athlete's log is reported.
  s.append(collection("pain"), "ann", pain("bob", 2, "p-wrong"));
  CHECK(has_problem(s.check(), "pain/ann.ndjson", "sits in the log"));
  // Duplicate IDs are reported.
  s.append(collection("pain"), "ann", pain("ann", 2, "p-1"));
  CHECK(has_problem(s.check(), "pain/ann.ndjson", "appears twice"));
}

TEST_CASE("the lock keeps a second writer out and says the store is busy") {
  TempDir t;
  Store a(t.path), b(t.path);
  auto held = a.lock();
  setenv("LEVER_LOCK_TIMEOUT", "0.2", 1);
  try {
    auto second = b.lock();
    FAIL("expected the store to be busy");
  } catch (const Error& e) {
    CHECK(e.code() == Exit::store_busy);
    CHECK(std::string(e.what()).find("pid") != std::string::npos);
  }
  held.reset();
  CHECK_NOTHROW(b.lock());
  unsetenv("LEVER_LOCK_TIMEOUT");
}

TEST_CASE("an interrupted batch import is finished by the next writer, without duplicates") {
  TempDir t;
  Store s(t.path);
  {
    auto lock = s.lock();
    add_athlete(s, "ann");
    add_athlete(s, "bob");
    s.append(collection("pain"), "ann", pain("ann", 1, "p-a1"));
  }
  // Simulate a crash after the journal was written and one of two logs was appended.
  make_private_dirs(t.path / "journal");
  std::string j;
  for (auto& [k, id] : std::vector<std::pair<std::string, std::string>>{{"ann", "p-a1"}, {"bob", "p-b1"}, {"bob", "p-b2"}})
    j += json{{"collection", "pain"}, {"key", k}, {"record", pain(k, 3, id)}}.dump() + "\n";
  write_file_atomic(t.path / "journal" / "batch-1.ndjson", j);
  CHECK(s.check().size() == 1);  // the pending journal is a warning
  { auto lock = s.lock(); }
  CHECK(s.read_log(collection("pain"), "ann").size() == 1);
  CHECK(s.read_log(collection("pain"), "bob").size() == 2);
  CHECK(s.check().empty());
}

TEST_CASE("batch append writes every log or none") {
  TempDir t;
  Store s(t.path);
  auto lock = s.lock();
  add_athlete(s, "ann");
  std::vector<std::pair<std::string, json>> batch = {{"ann", pain("ann", 2, "p-1")}, {"ann", pain("ann", 12, "p-2")}};
  CHECK_THROWS_AS(s.append_batch(collection("pain"), batch), Error);
  CHECK(s.read_log(collection("pain"), "ann").empty());
  batch[1].second["score"] = 3;
  s.append_batch(collection("pain"), batch);
  CHECK(s.read_log(collection("pain"), "ann").size() == 2);
  bool journal_clear = !fs::exists(t.path / "journal") || fs::is_empty(t.path / "journal");
  CHECK(journal_clear);
}

TEST_CASE("audit records who did what") {
  TempDir t;
  Store s(t.path);
  StoreWriter(s).record({"dr-who", "athlete.add", "ann", {{"mass_kg", 70}}});
  auto months = s.list(collection("audit"));
  REQUIRE(months.size() == 1);
  auto recs = s.read_log(collection("audit"), months[0]);
  REQUIRE(recs.size() == 1);
  CHECK(recs[0]["user"] == "dr-who");
  CHECK(recs[0]["action"] == "athlete.add");
}

TEST_CASE("IDs never escape the store") {
  TempDir t;
  Store s(t.path);
  CHECK_THROWS_AS(s.path(collection("athlete"), "../etc/passwd"), Error);
  CHECK_THROWS_AS(s.has(collection("athlete"), "a/b"), Error);
}

TEST_CASE("load with fields keeps only those, and refuses what the whole load refuses") {
  TempDir t;
  Store s(t.path);
  auto lock = s.lock();
  add_athlete(s, "ann");
  auto whole = s.load(collection("athlete"), "ann");
  REQUIRE(whole);
  auto part = s.load(collection("athlete"), "ann", {"flags", "mass_kg", "side"});
  REQUIRE(part);
  CHECK(*part == json{{"flags", (*whole)["flags"]}, {"mass_kg", (*whole)["mass_kg"]}});
  CHECK(s.load(collection("athlete"), "ann", {"schema_version"}) == json{{"schema_version", 1}});
  CHECK(!s.load(collection("athlete"), "nobody", {"flags"}));
  // Each of these goes the slow way (repeated key, invalid, newer) and keeps its error.
  std::string text = whole->dump();
  write_file_atomic(t.path / "athletes" / "dup.json", text.substr(0, text.size() - 1) + R"(, "flags": [1]})");
  CHECK_THROWS_WITH_AS(s.load(collection("athlete"), "dup", {"flags"}), doctest::Contains("athletes/dup.json"), Error);
  (*whole)["mass_kg"] = 5;
  write_file_atomic(t.path / "athletes" / "bad.json", whole->dump());
  CHECK_THROWS_WITH_AS(s.load(collection("athlete"), "bad", {"flags"}), doctest::Contains("/mass_kg must be at least 20"), Error);
  write_file_atomic(t.path / "athletes" / "new.json", R"({"schema_version": 2, "id": "new"})");
  CHECK_THROWS_WITH_AS(s.load(collection("athlete"), "new", {"flags"}), doctest::Contains("newer"), Error);
}
