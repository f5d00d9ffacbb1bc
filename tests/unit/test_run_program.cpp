// lever run, pure parts: programs from plan steps, the command line and program documents; ramps.
#include <doctest/doctest.h>

#include "lever/run/preflight.hpp"
#include "lever/run/program.hpp"
#include "lever/util/error.hpp"

using namespace lever::run;
using lever::model::PhaseKind;
using nlohmann::json;

namespace {

lever::model::PlanStep step(double run, double walk, double duration) {
  json doc = {{"step", 3}, {"support_pct", 15}, {"support_force_n", 110}, {"run_min", run}, {"walk_min", walk},
              {"duration_min", duration}, {"speed_kmh", 9}, {"walk_speed_kmh", 5}, {"incline_pct", 1}, {"cadence_target_spm", 176}};
  return doc.get<lever::model::PlanStep>();
}

}  // namespace

TEST_CASE("run program: a plan step becomes warm-up, run/walk cycles cut at the end, cool-down") {
  auto p = program_from_step(step(4, 1, 22));
  REQUIRE(p.plan_step == 3);
  REQUIRE(p.phases.size() == 2 + 9);  // 4 full cycles (20 min) + a 2-minute run cut short
  CHECK(p.phases.front().kind == PhaseKind::warm_up);
  CHECK(p.phases.front().speed_kmh == 5);
  CHECK(p.phases.front().incline_pct == 0);
  CHECK(p.phases.back().kind == PhaseKind::cool_down);
  CHECK(p.phases[1].name == "run 1/5");
  CHECK(p.phases[1].duration_s == 240);
  CHECK(p.phases[1].cadence_target_spm == 176);
  CHECK(p.phases[2].kind == PhaseKind::walk);
  CHECK_FALSE(p.phases[2].cadence_target_spm.has_value());
  CHECK(p.phases[9].name == "run 5/5");
  CHECK(p.phases[9].duration_s == doctest::Approx(120));
  for (const auto& ph : p.phases) CHECK(ph.support_pct == 15);
  CHECK(p.total_s() == doctest::Approx(22 * 60 + 2 * kWarmupS));
  // run 18 min at 9 km/h, walk 4 min + 6 min warm-up/cool-down at 5 km/h
  CHECK(p.distance_km() == doctest::Approx(18.0 / 60 * 9 + 10.0 / 60 * 5));
}

TEST_CASE("run program: continuous running when walk_min is 0") {
  auto p = program_from_step(step(10, 0, 30));
  REQUIRE(p.phases.size() == 3);
  CHECK(p.phases[1].duration_s == doctest::Approx(1800));
}

TEST_CASE("run program: command-line session is one constant phase") {
  auto p = program_from_args(20, 8, 1, 25);
  REQUIRE(p.phases.size() == 1);
  CHECK(p.phases[0].duration_s == 1500);
  CHECK_FALSE(p.plan_step.has_value());
}

TEST_CASE("run program: documents are validated with JSON Pointers to the problem") {
  json good = {{"name", "intervals"},
               {"phases", {{{"kind", "warm-up"}, {"duration_s", 120}, {"support_pct", 20}, {"speed_kmh", 5}},
                           {{"duration_s", 300}, {"support_pct", 20}, {"speed_kmh", 9}, {"cadence_target_spm", 172}}}}};
  CHECK(program_problems(good).empty());
  auto p = program_from_json(good, "prog.json");
  REQUIRE(p.phases.size() == 2);
  CHECK(p.phases[1].kind == PhaseKind::run);
  CHECK(p.phases[1].name == "run 2");
  CHECK(p.phases[1].cadence_target_spm == 172);

  json bad = good;
  bad["phases"][1]["incline_pct"] = -2;
  bad["phases"][0].erase("speed_kmh");
  auto issues = program_problems(bad);
  REQUIRE(issues.size() >= 2);
  bool incline = false, speed = false;
  for (const auto& i : issues) {
    incline |= i.pointer == "/phases/1/incline_pct";
    speed |= i.pointer == "/phases/0/speed_kmh";
  }
  CHECK(incline);
  CHECK(speed);
  try {
    program_from_json(bad, "prog.json");
    FAIL("expected an error");
  } catch (const lever::Error& e) {
    CHECK(e.code() == lever::Exit::invalid_data);
    CHECK(std::string(e.what()).find("/phases/1/incline_pct") != std::string::npos);
  }
  json unknown = good;
  unknown["phases"][0]["force_n"] = 100;  // forces are never given directly: % of body weight only
  CHECK_FALSE(program_problems(unknown).empty());
  json too_long = {{"phases", {{{"duration_s", 14000}, {"support_pct", 0}, {"speed_kmh", 5}},
                               {{"duration_s", 14000}, {"support_pct", 0}, {"speed_kmh", 5}}}}};
  auto tl = program_problems(too_long);
  REQUIRE(tl.size() == 1);
  CHECK(tl[0].pointer == "/phases");
}

TEST_CASE("run ramps: support and belt change within the unit's slew limits") {
  lever::device::Limits lim;
  lim.max_slew_n_s = 50;
  lim.max_accel_kmh_s = 2;
  lever::device::Targets cur{0, 0, 0}, goal{150, 9, 2};
  int ticks = 0;
  while ((cur.force_n != goal.force_n || cur.speed_kmh != goal.speed_kmh) && ticks < 10000) {
    auto next = ramp_toward(cur, goal, lim, 0.05);
    CHECK(next.force_n - cur.force_n <= kRampMargin * 50 * 0.05 + 1e-9);
    CHECK(next.speed_kmh - cur.speed_kmh <= kRampMargin * 2 * 0.05 + 1e-9);
    CHECK(next.incline_pct == 2);
    cur = next;
    ++ticks;
  }
  CHECK(cur.force_n == 150);
  CHECK(cur.speed_kmh == 9);
  // 150 N at 40 N/s = 3.75 s; 9 km/h at 1.6 km/h/s = 5.625 s: the belt is the slower one
  CHECK(ramp_seconds({0, 0, 0}, goal, lim) == doctest::Approx(5.625));
  CHECK(ticks == doctest::Approx(5.625 / 0.05).epsilon(0.02));
  auto down = ramp_toward({150, 9, 2}, {100, 9, 2}, lim, 0.05);
  CHECK(down.force_n == doctest::Approx(148));
}

TEST_CASE("run program: program and phase names hold no control characters") {
  json doc = {{"name", "intervals"},
              {"phases", {{{"name", "warm\x1b[2J"}, {"duration_s", 120}, {"support_pct", 20}, {"speed_kmh", 5}},
                          {{"name", "run\r"}, {"duration_s", 300}, {"support_pct", 20}, {"speed_kmh", 9}}}}};
  auto issues = program_problems(doc);
  REQUIRE(issues.size() == 2);
  CHECK(issues[0].pointer == "/phases/0/name");
  CHECK(issues[0].message == "contains a control character (\\x1b); names and IDs cannot contain one (free-text notes and reasons can)");
  CHECK(issues[1].pointer == "/phases/1/name");
  CHECK_THROWS_AS(program_from_json(doc, "prog.json"), lever::Error);

  doc["phases"][0]["name"] = "Aufwärmen";
  doc["phases"][1]["name"] = "Lauf";
  doc["name"] = "ding\a";
  issues = program_problems(doc);
  REQUIRE(issues.size() == 1);
  CHECK(issues[0].pointer == "/name");
}
