// lever run's records: telemetry batches written by the writer thread, and recovery of a session
// whose lever is gone (marked incomplete under the lock, ended at its last telemetry sample).
#include <sys/wait.h>
#include <unistd.h>

#include <doctest/doctest.h>

#include "lever/run/record.hpp"
#include "lever/util/ids.hpp"
#include "sim_fixture.hpp"

using namespace lever;
using nlohmann::json;

namespace {

json session_doc(const std::string& id, long pid) {
  return {{"schema_version", 1}, {"id", id}, {"athlete_id", "ann"}, {"started_at", format_iso(now())},
          {"status", "running"}, {"pid", pid}, {"host", run::host_name()}};
}

void add_athlete(Store& store) {
  auto lock = store.lock();
  store.save(collection("athlete"), "ann",
             {{"schema_version", 1}, {"id", "ann"}, {"mass_kg", 75}, {"flags", json::array()},
              {"created_at", format_iso(now())}, {"updated_at", format_iso(now())}});
}

}  // namespace

TEST_CASE("run records: telemetry samples are written in batches and read back in order") {
  test::TempDir dir;
  Store store(dir.path / "store");
  add_athlete(store);
  {
    auto lock = store.lock();
    store.save(collection("session"), "s1", session_doc("s1", getpid()));
  }
  run::Recorder rec(store, "s1", 0.05);
  for (int i = 0; i < 25; ++i)
    rec.sample({{"t_s", i}, {"phase", "run"}, {"state", "RUN"}, {"support_measured_n", 100.0}}, now());
  CHECK(rec.finish().empty());
  auto log = store.read_log(collection("telemetry"), "s1");
  REQUIRE(log.size() == 25);
  CHECK(log.front()["id"] == "s1-000001");
  CHECK(log.back()["t_s"] == 24);
  CHECK(Store::validate(collection("telemetry"), log.back()).empty());
  CHECK(rec.written() == 25);
}

TEST_CASE("run records: a running session whose process is gone is marked incomplete") {
  test::TempDir dir;
  Store store(dir.path / "store");
  add_athlete(store);
  pid_t child = fork();
  if (child == 0) _exit(0);
  int status = 0;
  waitpid(child, &status, 0);  // a pid that no longer exists
  {
    auto lock = store.lock();
    store.save(collection("session"), "dead", session_doc("dead", child));
    store.save(collection("session"), "alive", session_doc("alive", getpid()));
    store.append(collection("telemetry"), "dead",
                 {{"schema_version", 1}, {"id", "dead-000001"}, {"session_id", "dead"}, {"at", "2026-11-25T10:00:07Z"},
                  {"t_s", 7.0}, {"phase", "run"}, {"state", "RUN"}});
  }
  std::vector<std::string> ids;
  {
    StoreWriter w(store);
    ids = run::recover_sessions(w, now());
  }
  CHECK(ids == std::vector<std::string>{"dead"});
  auto d = *store.load(collection("session"), "dead");
  CHECK(d["status"] == "incomplete");
  CHECK(d["stop_reason"] == "lever-killed");
  CHECK(d["ended_at"] == "2026-11-25T10:00:07Z");
  CHECK(d["duration_s"] == 7.0);
  CHECK_FALSE(d.contains("pid"));
  CHECK(store.load(collection("session"), "alive")->at("status") == "running");
}

TEST_CASE("run records: the pain watcher sees new 'during' entries of this session once") {
  test::TempDir dir;
  Store store(dir.path / "store");
  add_athlete(store);
  auto started = now() - std::chrono::minutes(1);
  {
    auto lock = store.lock();
    store.save(collection("session"), "s1", session_doc("s1", getpid()));
  }
  run::PainWatcher w(store, "ann", "s1", started);
  auto entry = [](const std::string& id, int score, const std::string& when, json sid, const std::string& at) {
    return json{{"schema_version", 1}, {"id", id}, {"athlete_id", "ann"}, {"score", score}, {"when", when}, {"at", at},
                {"logged_at", at}, {"by", "t"}, {"session_id", sid}};
  };
  {
    auto lock = store.lock();
    store.append(collection("pain"), "ann", entry("p1", 3, "during", "s1", format_iso(now())));
    store.append(collection("pain"), "ann", entry("p2", 5, "after", "s1", format_iso(now())));
    store.append(collection("pain"), "ann", entry("p3", 6, "during", nullptr, format_iso(now())));
    store.append(collection("pain"), "ann", entry("p4", 8, "during", nullptr, "2026-01-01T10:00:00Z"));
  }
  CHECK(w.poll() == std::vector<int>{3, 6});
  CHECK(w.poll().empty());
  // A score corrected during the run (typed 3, meant 9) reaches the loop as a new score; a voided
  // one is simply gone.
  auto correction = [](const std::string& id, const std::string& kind, const std::string& of) {
    return json{{"schema_version", 1}, {"id", id},     {"athlete_id", "ann"}, {"kind", kind}, {"corrects", of},
                {"reason", "typo"},    {"logged_at", format_iso(now())}, {"by", "t"}};
  };
  {
    auto lock = store.lock();
    json amend = correction("c1", "amend", "p1");
    amend["score"] = 9;
    store.append(collection("pain"), "ann", amend);
    store.append(collection("pain"), "ann", correction("c2", "void", "p3"));
  }
  CHECK(w.poll() == std::vector<int>{9});
  CHECK(w.poll().empty());
}
