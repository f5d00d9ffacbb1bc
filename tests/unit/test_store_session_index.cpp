// The reports' session index (cache/sessions.index) must never change an answer: a report through
// it sees exactly what reading every file would, after additions, deletions, in-place edits that
// keep the size, damaged or foreign index files, and stores where the index cannot be written.
#include <fcntl.h>
#include <sys/stat.h>

#include <fstream>

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "lever/store/session_index.hpp"
#include "lever/store/session_reader.hpp"
#include "lever/util/error.hpp"
#include "lever/util/fs.hpp"
#include "tmpdir.hpp"

using namespace lever;
using nlohmann::json;

namespace {

// Files written by a test are read at once; the default margin would keep them all out of the index.
struct NoRacyMargin {
  std::chrono::nanoseconds saved = racy_stamp_margin();
  NoRacyMargin() { racy_stamp_margin() = std::chrono::nanoseconds(0); }
  ~NoRacyMargin() { racy_stamp_margin() = saved; }
};

json session(const std::string& id, const std::string& athlete, const std::string& started, int pain = 2) {
  return {{"schema_version", 1}, {"id", id},        {"athlete_id", athlete}, {"started_at", started},
          {"status", "completed"}, {"max_pain_during", pain}, {"run_s", 1200}, {"support_pct", 20.0}};
}

struct Fixture {
  NoRacyMargin margin;
  TempDir tmp;
  Store store{tmp.path / "store"};
  fs::path index_file = tmp.path / "store" / "cache" / "sessions.index";

  void put(const json& doc) {
    auto lock = store.lock();
    store.save(collection("session"), doc["id"], doc);
  }
  fs::path file(const std::string& id) const { return store.path(collection("session"), id); }
  std::vector<json> read(const std::string& athlete = "") const {
    SessionQuery q;
    q.athlete = athlete;
    q.fields = {"id", "athlete_id", "started_at", "max_pain_during"};
    return read_sessions(store, q);
  }
  size_t indexed() const { return SessionIndex::load(index_file).entries().size(); }
};

std::vector<std::string> ids(const std::vector<json>& docs) {
  std::vector<std::string> out;
  for (const auto& d : docs) out.push_back(d.value("id", ""));
  return out;
}

}  // namespace

TEST_CASE("the first report builds the index; the next reads the same answers from it") {
  Fixture f;
  for (int i = 0; i < 40; ++i) f.put(session(fmt::format("s-{:03}", i), i % 2 ? "bob" : "ann", "2026-11-20T08:00:00+00:00", i % 11));
  auto direct = f.read();
  CHECK(direct.size() == 40);
  CHECK(f.indexed() == 40);
  auto mtime = fs::last_write_time(f.index_file);
  CHECK(f.read() == direct);
  CHECK(f.read("bob") == f.read("bob"));
  CHECK(f.read("bob").size() == 20);
  CHECK(fs::last_write_time(f.index_file) == mtime);  // nothing changed: not rewritten
  CHECK(ids(direct).front() == "s-000");
  CHECK(ids(direct).back() == "s-039");  // ID order, whatever the directory's
}

TEST_CASE("an in-place edit that keeps the size and the modification time is still seen") {
  Fixture f;
  f.put(session("s-1", "ann", "2026-11-20T08:00:00+00:00", 3));
  f.put(session("s-2", "ann", "2026-11-20T09:00:00+00:00", 4));
  REQUIRE(f.read().at(0)["max_pain_during"] == 3);
  REQUIRE(f.indexed() == 2);
  // What `cp -p` from a backup or an editor writing in place does: same inode, same size, and the
  // old modification time put back; only the change time (ctime) moves.
  struct stat before{};
  REQUIRE(::stat(f.file("s-1").c_str(), &before) == 0);
  auto text = *read_file(f.file("s-1"));
  auto at = text.find("\"max_pain_during\": 3");
  REQUIRE(at != std::string::npos);
  text[at + 19] = '7';
  {
    std::ofstream out(f.file("s-1"), std::ios::in | std::ios::out | std::ios::binary);
    out << text;
  }
  timespec times[2] = {before.st_atim, before.st_mtim};
  REQUIRE(::utimensat(AT_FDCWD, f.file("s-1").c_str(), times, 0) == 0);
  struct stat after{};
  REQUIRE(::stat(f.file("s-1").c_str(), &after) == 0);
  REQUIRE(after.st_ino == before.st_ino);
  REQUIRE(after.st_size == before.st_size);
  auto docs = f.read();
  CHECK(docs.at(0)["max_pain_during"] == 7);
  CHECK(docs.at(1)["max_pain_during"] == 4);
}

TEST_CASE("new, replaced and deleted sessions change the answer and the index") {
  Fixture f;
  f.put(session("s-1", "ann", "2026-11-20T08:00:00+00:00"));
  f.put(session("s-2", "ann", "2026-11-21T08:00:00+00:00"));
  REQUIRE(f.read().size() == 2);
  f.put(session("s-3", "bob", "2026-11-22T08:00:00+00:00"));
  f.put(session("s-2", "bob", "2026-11-21T08:00:00+00:00", 9));  // rewritten by rename: a new inode
  fs::remove(f.file("s-1"));
  auto docs = f.read();
  CHECK(ids(docs) == std::vector<std::string>{"s-2", "s-3"});
  CHECK(docs.at(0)["athlete_id"] == "bob");
  CHECK(docs.at(0)["max_pain_during"] == 9);
  CHECK(f.read("ann").empty());
  CHECK(f.indexed() == 2);
}

TEST_CASE("a damaged, cut short or foreign index is ignored and rebuilt") {
  Fixture f;
  for (int i = 0; i < 5; ++i) f.put(session(fmt::format("s-{}", i), "ann", "2026-11-20T08:00:00+00:00", i));
  auto want = f.read();
  auto good = *read_file(f.index_file);
  auto check_rebuilt = [&](const std::string& text) {
    write_file_atomic(f.index_file, text);
    CHECK(SessionIndex::load(f.index_file).entries().empty());
    CHECK(f.read() == want);
    CHECK(*read_file(f.index_file) == good);
  };
  check_rebuilt(good.substr(0, good.size() / 2));                            // a crash mid-write
  check_rebuilt(good.substr(0, good.rfind("end ")));                        // no trailer
  check_rebuilt("lever-session-index 0000000000000000\n" + good.substr(good.find('\n') + 1));  // another lever
  std::string wrong_count = good;
  wrong_count.replace(wrong_count.rfind("end 5"), 5, "end 6");
  check_rebuilt(wrong_count);
  std::string bad_number = good;
  bad_number[bad_number.find('\t') + 1] = 'x';  // an inode that is not a number
  check_rebuilt(bad_number);
  check_rebuilt("");
}

TEST_CASE("an index entry that lies about a file it still matches is what the index is for: stamps decide") {
  // The index is trusted only through the stamp: an entry whose stamp is the file's is used as is.
  // This pins down that a stale stamp (any difference) sends the reader back to the file.
  Fixture f;
  f.put(session("s-1", "ann", "2026-11-20T08:00:00+00:00", 1));
  f.read();
  auto text = *read_file(f.index_file);
  auto at = text.find("\"max_pain_during\":1");
  REQUIRE(at != std::string::npos);
  std::string forged = text;
  forged[at + 18] = '5';
  write_file_atomic(f.index_file, forged);
  CHECK(f.read().at(0)["max_pain_during"] == 5);  // same stamp: the entry answers
  auto size_at = forged.find('\t', forged.find('\t') + 1) + 1;  // the size column
  forged[size_at] = forged[size_at] == '9' ? '8' : '9';
  write_file_atomic(f.index_file, forged);
  CHECK(f.read().at(0)["max_pain_during"] == 1);  // stamp differs: the file answers
}

TEST_CASE("a file changed moments ago is read but not indexed until it is older") {
  Fixture f;
  racy_stamp_margin() = std::chrono::seconds(3600);
  f.put(session("s-1", "ann", "2026-11-20T08:00:00+00:00"));
  CHECK(f.read().size() == 1);
  CHECK(f.indexed() == 0);
  racy_stamp_margin() = std::chrono::nanoseconds(0);
  CHECK(f.read().size() == 1);
  CHECK(f.indexed() == 1);
}

TEST_CASE("an invalid session gives its error every time, through the index too") {
  Fixture f;
  f.put(session("s-1", "ann", "2026-11-20T08:00:00+00:00"));
  write_file_atomic(f.file("s-2"), R"({"schema_version":1,"id":"s-2","athlete_id":"ann","status":"done"})");
  std::string first, second;
  try {
    f.read();
  } catch (const Error& e) {
    first = e.what();
  }
  CHECK(first.find("sessions/s-2.json") != std::string::npos);
  SessionQuery q;
  q.fields = {"id"};
  q.skip_invalid = true;  // a report that goes on (the clinic overview) saves the index
  CHECK(ids(read_sessions(f.store, q)) == std::vector<std::string>{"s-1"});
  CHECK(f.indexed() == 2);  // the invalid file's verdict too, so the quick checks are not repeated
  try {
    f.read();
  } catch (const Error& e) {
    second = e.what();
  }
  CHECK(second == first);
}

TEST_CASE("a store where the index cannot be written is reported on without it") {
  Fixture f;
  f.put(session("s-1", "ann", "2026-11-20T08:00:00+00:00"));
  { std::ofstream(f.tmp.path / "store" / "cache") << "not a directory"; }  // cache/ cannot be made
  CHECK(f.read().size() == 1);
  CHECK(f.read().size() == 1);
  CHECK(fs::is_regular_file(f.tmp.path / "store" / "cache"));
}

TEST_CASE("a query for a field the index does not keep reads the files and leaves the index alone") {
  Fixture f;
  auto doc = session("s-1", "ann", "2026-11-20T08:00:00+00:00");
  doc["faults"] = json::array({"estop"});
  f.put(doc);
  f.read();
  auto before = *read_file(f.index_file);
  SessionQuery q;
  q.fields = {"id", "faults"};
  auto docs = read_sessions(f.store, q);
  REQUIRE(docs.size() == 1);
  CHECK(docs[0]["faults"] == json::array({"estop"}));
  CHECK(*read_file(f.index_file) == before);
}

TEST_CASE("each athlete's newest session: compared as instants across a daylight-saving change, lower ID on a tie") {
  Fixture f;
  // 02:30+02:00 is 00:30 UTC; 02:10+01:00 (after the clocks went back) is 01:10 UTC, the later one,
  // although its text sorts first.
  f.put(session("s-a", "ann", "2026-10-25T02:30:00+02:00"));
  f.put(session("s-b", "ann", "2026-10-25T02:10:00+01:00"));
  f.put(session("s-c", "bob", "2026-11-01T08:00:00+00:00"));
  f.put(session("s-d", "bob", "2026-11-01T09:00:00+01:00"));  // the same instant as s-c
  f.put(session("s-e", "cyd", "2026-11-01T08:00:00+00:00"));
  SessionQuery q;
  q.fields = {"id", "athlete_id"};
  q.newest_per_athlete = true;
  for (int pass = 0; pass < 2; ++pass)  // from the files, then from the index
    CHECK(ids(read_sessions(f.store, q)) == std::vector<std::string>{"s-b", "s-c", "s-e"});
  q.until = parse_iso("2026-10-25T01:00:00+00:00");
  CHECK(ids(read_sessions(f.store, q)) == std::vector<std::string>{"s-a"});
  q.until.reset();
  q.since = parse_iso("2026-11-01T00:00:00+00:00");
  q.newest_per_athlete = false;
  CHECK(ids(read_sessions(f.store, q)) == std::vector<std::string>{"s-c", "s-d", "s-e"});
}

TEST_CASE("a session path that is not a plain file is reported, not taken for a deleted session") {
  Fixture f;
  f.put(session("s-1", "ann", "2026-11-20T08:00:00+00:00"));
  fs::create_directories(f.file("s-2"));
  CHECK_THROWS_WITH_AS(f.read(), doctest::Contains("s-2.json"), Error);
  SessionQuery q;
  q.fields = {"id"};
  q.skip_invalid = true;
  CHECK(ids(read_sessions(f.store, q)) == std::vector<std::string>{"s-1"});
}
