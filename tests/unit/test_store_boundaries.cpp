// The store's boundaries: nothing is followed out of it, no non-file is used as a record, record IDs
// do not collide, a damaged journal is named, and a path that is no store is not taken for one.
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <regex>
#include <unordered_set>

#include <doctest/doctest.h>

#include "lever/store/athletes.hpp"
#include "lever/store/store.hpp"
#include "lever/store/writer.hpp"
#include "lever/util/error.hpp"
#include "lever/util/fs.hpp"
#include "lever/util/ids.hpp"
#include "tmpdir.hpp"

using namespace lever;
using nlohmann::json;

namespace {

json pain(const std::string& athlete, const std::string& id) {
  return {{"schema_version", 1}, {"id", id}, {"athlete_id", athlete}, {"score", 2}, {"when", "after"},
          {"at", "2026-11-25T10:00:00+00:00"}, {"logged_at", "2026-11-25T10:00:00+00:00"}, {"by", "t"}};
}

void add_athlete(Store& s, const std::string& id) {
  AthleteFields f;
  f.mass_kg = 70;
  s.save(collection("athlete"), id, make_athlete(id, f, now()));
}

unsigned mode_of(const fs::path& p) {
  struct stat st{};
  ::lstat(p.c_str(), &st);
  return st.st_mode & 07777;
}

// Runs f, which must throw Error with this exit code and a message containing `text`.
template <class F>
void refused(F&& f, Exit code, const std::string& text) {
  try {
    f();
    FAIL("not refused: expected '" << text << "'");
  } catch (const Error& e) {
    CHECK(e.code() == code);
    CHECK_MESSAGE(std::string(e.what()).find(text) != std::string::npos, e.what());
    CHECK(!e.hint().empty());
  }
}

bool has_problem(const std::vector<StoreProblem>& ps, const std::string& file, const std::string& text) {
  for (const auto& p : ps)
    if (!p.warning && p.file == file && p.message.find(text) != std::string::npos) return true;
  return false;
}

// A store with ann and one pain entry, and a file outside it that a link will point at.
struct Fixture {
  TempDir t;
  fs::path root = t.path / "store";
  fs::path outside = t.path / "outside.txt";
  Store s{root};
  Fixture() {
    StoreWriter w(s);
    add_athlete(s, "ann");
    s.append(collection("pain"), "ann", pain("ann", "p-1"));
    w.record({"t", "test.setup", "ann"});
    write_file_atomic(outside, "precious\nno newline at the end");
    ::chmod(outside.c_str(), 0644);
  }
  void outside_untouched() {
    CHECK(*read_file(outside) == "precious\nno newline at the end");
    CHECK(mode_of(outside) == 0644);
  }
};

}  // namespace

TEST_CASE("record IDs: a million in a tight loop, no two alike, each a valid ID of the documented form") {
  std::unordered_set<std::string> seen;
  seen.reserve(1000000);
  const std::regex form("p-[0-9]{8}t[0-9]{9}z-[0-9a-f]{16}");
  for (int i = 0; i < 1000000; ++i) {
    auto id = new_record_id("p");
    REQUIRE(seen.insert(id).second);
    if (i % 50000 == 0) {
      CHECK(is_valid_id(id));
      CHECK(std::regex_match(id, form));
    }
  }
  CHECK(is_valid_id(new_record_id("batch")));
  // The longest prefix in use and a session's telemetry suffix still fit the 64-character rule.
  CHECK(is_valid_id(new_record_id("s") + "-000001"));
}

TEST_CASE("record IDs differ across processes started at the same moment") {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  auto parent = new_record_id("p");  // the parent's random block is filled before the fork
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    auto child = new_record_id("p");
    (void)!::write(fds[1], child.data(), child.size());
    ::_exit(0);
  }
  ::close(fds[1]);
  char buf[128] = {};
  auto n = ::read(fds[0], buf, sizeof buf - 1);
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  REQUIRE(n > 0);
  auto next = new_record_id("p");
  std::string child(buf, static_cast<size_t>(n));
  CHECK(child.substr(child.size() - 16) != next.substr(next.size() - 16));
  CHECK(child.substr(child.size() - 16) != parent.substr(parent.size() - 16));
}

TEST_CASE("a log that is a symlink is neither read, repaired nor appended to") {
  Fixture f;
  fs::path log = f.root / "pain" / "ann.ndjson";
  fs::remove(log);
  fs::create_symlink(f.outside, log);
  refused([&] { f.s.read_log(collection("pain"), "ann"); }, Exit::invalid_data, "pain/ann.ndjson is a symbolic link");
  refused([&] { f.s.append(collection("pain"), "ann", pain("ann", "p-2")); }, Exit::invalid_data, "symbolic link");
  refused([&] { f.s.read_log_tail(collection("pain"), "ann", 3); }, Exit::invalid_data, "symbolic link");
  refused([&] { repair_torn_tail(log, f.root); }, Exit::invalid_data, "symbolic link");
  refused([&] { f.s.append_batch(collection("pain"), {{"ann", pain("ann", "p-3")}}); }, Exit::invalid_data, "symbolic link");
  f.outside_untouched();
  CHECK(fs::is_empty(f.root / "journal"));  // the failed batch left no journal behind
  CHECK(has_problem(f.s.check(), "pain/ann.ndjson", "symbolic link"));
}

TEST_CASE("a document that is a symlink, even a dangling one, is neither read nor replaced") {
  Fixture f;
  fs::path doc = f.root / "athletes" / "ann.json";
  fs::remove(doc);
  fs::create_symlink(f.outside, doc);
  refused([&] { f.s.load(collection("athlete"), "ann"); }, Exit::invalid_data, "athletes/ann.json is a symbolic link");
  refused([&] { add_athlete(f.s, "ann"); }, Exit::invalid_data, "symbolic link");
  CHECK(fs::is_symlink(doc));
  f.outside_untouched();
  fs::path dangling = f.root / "athletes" / "bob.json";
  fs::create_symlink(f.t.path / "not-yet", dangling);
  refused([&] { add_athlete(f.s, "bob"); }, Exit::invalid_data, "symbolic link");
  CHECK(!fs::exists(f.t.path / "not-yet"));
  refused([&] { f.s.has(collection("athlete"), "bob"); }, Exit::invalid_data, "symbolic link");  // not a free ID either
}

TEST_CASE("a directory, a FIFO where a record belongs are refused without blocking") {
  Fixture f;
  fs::path doc = f.root / "athletes" / "ann.json";
  fs::remove(doc);
  fs::create_directory(doc);
  refused([&] { f.s.load(collection("athlete"), "ann"); }, Exit::invalid_data, "is a directory, where lever keeps a record file");
  refused([&] { add_athlete(f.s, "ann"); }, Exit::invalid_data, "is a directory");
  CHECK(has_problem(f.s.check(), "athletes/ann.json", "a directory where lever keeps a record file"));
  fs::path log = f.root / "pain" / "ann.ndjson";
  fs::remove(log);
  REQUIRE(::mkfifo(log.c_str(), 0600) == 0);
  auto t0 = std::chrono::steady_clock::now();
  refused([&] { f.s.read_log(collection("pain"), "ann"); }, Exit::invalid_data, "named pipe (FIFO)");
  refused([&] { f.s.append(collection("pain"), "ann", pain("ann", "p-2")); }, Exit::invalid_data, "named pipe");
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(2));
  CHECK(has_problem(f.s.check(), "pain/ann.ndjson", "named pipe"));
}

TEST_CASE("a store directory that is a symlink is not followed, for reads, writes and listings") {
  Fixture f;
  fs::path elsewhere = f.t.path / "elsewhere";
  fs::create_directory(elsewhere);
  fs::rename(f.root / "pain", elsewhere / "pain");
  fs::create_directory_symlink(elsewhere / "pain", f.root / "pain");
  auto before = *read_file(elsewhere / "pain" / "ann.ndjson");
  refused([&] { f.s.read_log(collection("pain"), "ann"); }, Exit::invalid_data, "pain is a symbolic link");
  refused([&] { f.s.append(collection("pain"), "ann", pain("ann", "p-2")); }, Exit::invalid_data, "not a directory of the store");
  refused([&] { f.s.list(collection("pain")); }, Exit::invalid_data, "symbolic link");
  CHECK(*read_file(elsewhere / "pain" / "ann.ndjson") == before);
  CHECK(has_problem(f.s.check(), "pain", "symbolic link"));
  // The audit directory is checked before any write is made.
  fs::rename(f.root / "audit", elsewhere / "audit");
  fs::create_directory_symlink(elsewhere / "audit", f.root / "audit");
  refused([&] { f.s.lock(); }, Exit::invalid_data, "audit is a symbolic link");
}

TEST_CASE("the lock file and store.json are never followed") {
  Fixture f;
  fs::remove(f.root / ".lock");
  fs::create_symlink(f.outside, f.root / ".lock");
  refused([&] { f.s.lock(); }, Exit::invalid_data, ".lock is a symbolic link");
  f.outside_untouched();
  CHECK(has_problem(f.s.check(), ".lock", "symbolic link"));
  fs::remove(f.root / ".lock");
  fs::path sj = f.root / "store.json";
  fs::rename(sj, f.t.path / "store.json");
  fs::create_symlink(f.t.path / "store.json", sj);
  refused([&] { f.s.config(); }, Exit::invalid_data, "store.json is a symbolic link");
  refused([&] { f.s.lock(); }, Exit::invalid_data, "symbolic link");
  CHECK(has_problem(f.s.check(), "store.json", "symbolic link"));
}

TEST_CASE("store check reports modes open to other users as problems") {
  Fixture f;
  CHECK(f.s.check().empty());
  ::chmod((f.root / "athletes" / "ann.json").c_str(), 0644);
  ::chmod((f.root / "pain").c_str(), 0755);
  ::chmod(f.root.c_str(), 0750);
  auto ps = f.s.check();
  CHECK(has_problem(ps, "athletes/ann.json", "mode 644, should be 600"));
  CHECK(has_problem(ps, "pain", "mode 755, should be 700"));
  CHECK(has_problem(ps, ".", "mode 750"));
}

TEST_CASE("store check names a record ID that appears twice, within a log and across logs") {
  Fixture f;
  {
    auto lock = f.s.lock();
    add_athlete(f.s, "bob");
    f.s.append(collection("pain"), "ann", pain("ann", "p-1"));
    f.s.append(collection("pain"), "bob", pain("bob", "p-1"));
  }
  auto ps = f.s.check();
  CHECK(has_problem(ps, "pain/ann.ndjson", "record id 'p-1' appears twice (also at line 1)"));
  CHECK(has_problem(ps, "pain/bob.ndjson", "record id 'p-1' appears twice in the store (also in pain/ann.ndjson line 1)"));
}

TEST_CASE("a damaged journal is named, with the fix, and blocks writes until moved away") {
  Fixture f;
  std::string good = json{{"collection", "pain"}, {"key", "ann"}, {"record", pain("ann", "p-j1")}}.dump() + "\n";
  struct Case {
    std::string text, message;
  };
  std::vector<Case> cases = {
      {"not json\n", "line 1: not a JSON object"},
      {good + R"({"collection":"pain","key":"ann"})" "\n", "line 2: no \"record\" object"},
      {json{{"collection", "athlete"}, {"key", "ann"}, {"record", pain("ann", "p-j2")}}.dump() + "\n", "not a kind of log"},
      {json{{"collection", "nope"}, {"key", "ann"}, {"record", pain("ann", "p-j2")}}.dump() + "\n", "not a kind of log"},
      {json{{"collection", "pain"}, {"key", "../x"}, {"record", pain("ann", "p-j2")}}.dump() + "\n", "not a valid ID"},
      {json{{"collection", "pain"}, {"key", "bob"}, {"record", pain("ann", "p-j2")}}.dump() + "\n", "is not its key"},
      {json{{"collection", "pain"}, {"key", "ann"}, {"record", {{"id", "x"}}}}.dump() + "\n", "not a valid pain record"},
      {good + good, "appears twice"},
      {good.substr(0, good.size() - 1), "cut short"},
      {"", "it is empty"},
  };
  make_private_dirs(f.root / "journal");
  fs::path jf = f.root / "journal" / "batch-x.ndjson";
  for (const auto& c : cases) {
    CAPTURE(c.text);
    write_file_atomic(jf, c.text);
    refused([&] { f.s.lock(); }, Exit::invalid_data, c.message);
    refused([&] { f.s.lock(); }, Exit::invalid_data, jf.string());
    CHECK(has_problem(f.s.check(), "journal/batch-x.ndjson", c.message));
    CHECK(f.s.read_log(collection("pain"), "ann").size() == 1);  // nothing of it was applied
  }
  write_file_atomic(jf, good);
  { auto lock = f.s.lock(); }
  CHECK(f.s.read_log(collection("pain"), "ann").size() == 2);
  CHECK(!fs::exists(jf));
  // A journal that is a link is not read through.
  fs::create_symlink(f.outside, jf);
  refused([&] { f.s.lock(); }, Exit::invalid_data, "symbolic link");
  f.outside_untouched();
}

TEST_CASE("a path that is not a lever store is not read as one, nor written to") {
  TempDir t;
  write_file_atomic(t.path / "file", "x");
  refused([&] { Store(t.path / "file", false).require_readable(); }, Exit::not_found, "is not a lever store");
  refused([&] { Store(t.path / "file", true).lock(); }, Exit::not_found, "is not a lever store");
  refused([&] { Store(t.path / "missing", false).require_readable(); }, Exit::not_found, "no lever store at");
  refused([&] { Store(t.path / "missing", false).lock(); }, Exit::not_found, "no lever store at");
  CHECK(!fs::exists(t.path / "missing"));
  Store(t.path / "missing", true).require_readable();  // the configured place: empty until the first write
  fs::create_directory(t.path / "full");
  write_file_atomic(t.path / "full" / "notes.txt", "x");
  refused([&] { Store(t.path / "full", true).require_readable(); }, Exit::not_found, "has no store.json");
  refused([&] { Store(t.path / "full", true).lock(); }, Exit::not_found, "has no store.json");
  CHECK(!fs::exists(t.path / "full" / "store.json"));
  refused([&] { Store::init(t.path / "full"); }, Exit::usage, "other things in it");
  refused([&] { Store::init(t.path / "file"); }, Exit::usage, "not a directory");
  CHECK(Store::init(t.path / "new"));
  CHECK(!Store::init(t.path / "new"));
  CHECK(mode_of(t.path / "new") == 0700);
  Store made(t.path / "new", false);
  made.require_readable();
  { auto lock = made.lock(); }
}

TEST_CASE("a store from a newer lever is read but never written to") {
  Fixture f;
  write_file_atomic(f.root / "store.json", R"({"schema_version": 999, "kind": "lever-store", "created_at": "2026-11-25T10:00:00+00:00", "config": {}})");
  auto before = *read_file(f.root / "pain" / "ann.ndjson");
  refused([&] { f.s.lock(); }, Exit::invalid_data, "schema_version 999");
  CHECK(f.s.read_log(collection("pain"), "ann").size() == 1);
  CHECK(*read_file(f.root / "pain" / "ann.ndjson") == before);
}
