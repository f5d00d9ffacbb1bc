// The plan capability over a real store in a temp directory: sessions written with Store::save are
// read back by sessions_for_athlete, and decisions are stored once (idempotent) and audited.
#include <filesystem>
#include <random>

#include <doctest/doctest.h>

#include "lever/plan/service.hpp"
#include "lever/store/athletes.hpp"
#include "lever/util/error.hpp"

using namespace lever;
using namespace lever::plan;
using nlohmann::json;
using std::chrono::hours;

namespace {

struct TempStore {
  fs::path dir;
  Store store;
  TempStore() : dir(fs::temp_directory_path() / ("lever-plan-test-" + std::to_string(std::random_device{}()))), store(dir) {}
  ~TempStore() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
};

TimePoint T(const std::string& s) { return *parse_iso(s); }

void add_session(Store& st, const std::string& id, TimePoint start, int step, int during) {
  st.save(collection("session"), id,
          {{"schema_version", 1}, {"id", id}, {"athlete_id", "ann"}, {"started_at", format_iso(start)},
           {"ended_at", format_iso(start + std::chrono::minutes(30))}, {"status", "completed"}, {"plan_step", step},
           {"support_pct", 20}, {"measured_support_pct", 19.2}, {"max_pain_during", during}});
}

void add_pain(Store& st, const std::string& sid, int score, TimePoint at) {
  st.append(collection("pain"), "ann",
            {{"schema_version", 1}, {"id", "p-" + sid}, {"athlete_id", "ann"}, {"score", score}, {"when", "next-day"},
             {"at", format_iso(at)}, {"logged_at", format_iso(at)}, {"by", "t"}, {"session_id", sid}});
}

}  // namespace

TEST_CASE("service: plans over a store, decided once, review flagged") {
  TempStore t;
  auto& st = t.store;
  StoreWriter w(st);
  auto t0 = T("2026-12-01T08:00:00Z");
  st.save(collection("athlete"), "ann", make_athlete("ann", {75.0, std::nullopt, 164.0, std::nullopt, 0, std::nullopt}, t0));
  std::string note;
  try {
    require_plan(st, "ann");
    FAIL("no plan yet");
  } catch (const Error& e) {
    CHECK(e.code() == Exit::not_found);
  }
  json plan = create_plan(w, "ann", PlanRequest{}, "", false, "dr", t0, note);
  CHECK(note.find("no unit") != std::string::npos);
  CHECK_THROWS_AS(create_plan(w, "ann", PlanRequest{}, "", false, "dr", t0, note), Error);

  auto day = [&](int d) { return t0 + hours(24 * d + 2); };
  add_session(st, "s1", day(1), 1, 1);
  add_pain(st, "s1", 0, day(2));
  add_session(st, "s2", day(3), 1, 6);  // above the seed limit of 4
  add_pain(st, "s2", 0, day(4));
  st.save(collection("athlete"), "bob", make_athlete("bob", {80.0, std::nullopt, std::nullopt, std::nullopt, std::nullopt, std::nullopt}, t0));
  st.save(collection("session"), "bobs", {{"schema_version", 1}, {"id", "bobs"}, {"athlete_id", "bob"},
                                          {"started_at", format_iso(day(1))}, {"status", "completed"}});
  CHECK(sessions_for_athlete(st, "ann").size() == 2);
  CHECK(sessions_for_athlete(st, "bob").size() == 1);

  auto u = update_plan(w, "ann", "dr", day(10));
  REQUIRE(u.added.size() == 2);
  CHECK(json(u.added[0])["decision"] == "hold");
  CHECK(json(u.added[1])["decision"] == "regress");
  CHECK(json(u.plan)["review"] == true);
  // Stored, and the athlete carries the review flag.
  CHECK(json(require_plan(st, "ann"))["history"].size() == 3);
  json a = require_athlete(st, "ann");
  REQUIRE(a["flags"].size() == 1);
  CHECK(a["flags"][0]["flag"] == "review");
  // Idempotent: nothing new to decide.
  CHECK(update_plan(w, "ann", "dr", day(11)).added.empty());
  CHECK(json(require_plan(st, "ann"))["history"].size() == 3);
  CHECK(st.check().empty());
}

TEST_CASE("service: the unit's capacity comes from --unit or the only unit") {
  TempStore t;
  auto& st = t.store;
  auto lock = st.lock();
  std::string why;
  CHECK_FALSE(resolve_unit(st, "", why).has_value());
  CHECK_THROWS_AS(resolve_unit(st, "nope", why), Error);
  st.save(collection("unit"), "u1",
          {{"schema_version", 1}, {"id", "u1"}, {"serial", "U1"}, {"firmware", "1"}, {"protocol_version", 1},
           {"limits", {{"max_support_force_n", 133}, {"max_support_slew_n_per_s", 50}, {"max_speed_kmh", 20},
                       {"max_accel_kmh_per_s", 1}, {"max_incline_pct", 15}, {"min_incline_pct", 0}}},
           {"last_seen_at", "2026-12-01T08:00:00Z"}});
  auto u = resolve_unit(st, "", why);
  REQUIRE(u.has_value());
  CHECK(u->max_force_n == doctest::Approx(133));
  CHECK(why.find("u1") != std::string::npos);
}
