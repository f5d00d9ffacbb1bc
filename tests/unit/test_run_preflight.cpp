// lever run, pre-flight checks and the summary arithmetic.
#include <doctest/doctest.h>

#include "lever/run/checkin.hpp"
#include "lever/run/preflight.hpp"
#include "lever/run/summary.hpp"
#include "lever/util/error.hpp"
#include "lever/util/time.hpp"

using namespace lever::run;
using nlohmann::json;

namespace {

// A stored time stamp.
lever::model::Instant at(const std::string& iso) { return {iso, *lever::parse_iso(iso)}; }

// A clinician flag set on the athlete.
lever::model::FlagEntry flag(lever::model::AthleteFlag f) {
  lever::model::FlagEntry e;
  e.flag = f;
  e.set_at = at("2026-11-20T10:00:00Z");
  e.set_by = "dr";
  return e;
}

PreflightInput base() {
  PreflightInput in;
  in.athlete.id = "ann";
  in.athlete.mass_kg = 75.0;
  in.plan = lever::model::Plan{};
  in.plan->status = lever::model::PlanStatus::active;
  in.plan->current_step = 2;
  in.plan->profile = "seed";
  in.pain_before = 2;
  lever::device::Identity id;
  id.serial = "SIM-0001";
  id.limits.max_force_n = 200;
  id.limits.min_force_n = 5;
  id.limits.max_speed_kmh = 20;
  id.limits.max_incline_pct = 15;
  in.unit = id;
  in.program = program_from_args(20, 9, 1, 20);
  in.rest = lever::plan::RestCheck{};  // a plan whose rest rules allow a session now
  return in;
}

const Check& find(const std::vector<Check>& cs, const std::string& name) {
  for (const auto& c : cs)
    if (c.name == name) return c;
  FAIL("no check " << name);
  return cs.front();
}

}  // namespace

TEST_CASE("run pre-flight: everything in order passes") {
  auto cs = preflight(base());
  for (const auto& c : cs) CHECK_MESSAGE(c.status == "ok", c.name << ": " << c.detail);
  CHECK_NOTHROW(require_passed(cs));
}

TEST_CASE("run pre-flight: each refusal names its numbers and maps to its exit code") {
  auto in = base();
  in.pain_before = 5;
  auto c = find(preflight(in), "pain-before");
  CHECK(c.status == "fail");
  CHECK(c.detail.find("5/10") != std::string::npos);
  CHECK(c.detail.find("4/10") != std::string::npos);

  in = base();
  in.plan = lever::model::Plan{};
  in.plan->status = lever::model::PlanStatus::suspended;
  in.plan->suspension = lever::model::Suspension{at("2026-11-20T10:00:00Z"), "dr", "swelling"};
  CHECK(find(preflight(in), "plan").status == "fail");
  CHECK(find(preflight(in), "plan").detail.find("swelling") != std::string::npos);

  in = base();
  in.athlete.flags = {flag(lever::model::AthleteFlag::suspected_meniscal)};
  c = find(preflight(in), "flags");
  CHECK(c.status == "fail");
  CHECK(c.detail.find("suspected-meniscal") != std::string::npos);
  in.athlete.flags = {flag(lever::model::AthleteFlag::review)};
  CHECK(find(preflight(in), "flags").status == "ok");  // review does not block a run

  in = base();
  in.program = program_from_args(30, 9, 1, 20);  // 30 % of 75 kg = 220.6 N > 200 N
  c = find(preflight(in), "setpoints");
  CHECK(c.status == "fail");
  CHECK(c.detail.find("220.6 N") != std::string::npos);
  CHECK(c.detail.find("200.0 N") != std::string::npos);
  CHECK_THROWS_AS(require_passed(preflight(in)), lever::Error);

  in = base();
  in.program = program_from_args(20, 25, 1, 20);
  CHECK(find(preflight(in), "setpoints").status == "fail");

  in = base();
  in.program = program_from_args(0.5, 9, 0, 20);  // 3.7 N: below the unit's steady minimum
  CHECK(find(preflight(in), "setpoints").status == "fail");
  in.program = program_from_args(0, 9, 0, 20);  // no support at all is fine
  CHECK(find(preflight(in), "setpoints").status == "ok");
}

TEST_CASE("run pre-flight: a dry run skips the unit checks but still checks the athlete") {
  auto in = base();
  in.unit.reset();
  auto cs = preflight(in);
  CHECK(find(cs, "unit").status == "skipped");
  CHECK(find(cs, "calibration").status == "skipped");
  CHECK(find(cs, "setpoints").status == "ok");
  in.pain_before = 9;
  CHECK(find(preflight(in), "pain-before").status == "fail");
}

TEST_CASE("run summary: distance, steps, cadence, measured support, time at support, knee load") {
  Program prog = program_from_args(20, 9, 0, 10);
  prog.phases.insert(prog.phases.begin(), Phase{"warm-up", lever::model::PhaseKind::warm_up, 60, 20, 5, 0, std::nullopt});
  prog.phases[1].cadence_target_spm = 180;
  SummaryBuilder sb(75, 170);
  lever::device::Status st;
  st.state = lever::device::State::run;
  st.speed_kmh = 5;
  st.cadence_spm = 120;
  st.meas_n = 0.18 * 75 * 9.80665;
  for (int i = 0; i < 60; ++i) sb.add(prog.phases[0], st, 1.0);
  st.speed_kmh = 9;
  st.cadence_spm = 170;
  for (int i = 0; i < 600; ++i) sb.add(prog.phases[1], st, 1.0);
  sb.pain(2);
  sb.pain(3);
  auto s = sb.finish(prog);
  CHECK(s.duration_s == 660.0);
  CHECK(s.planned_duration_s == 660.0);
  CHECK(s.run_s == 600.0);
  CHECK(s.distance_km == doctest::Approx(5.0 / 60 + 1.5).epsilon(1e-3));
  CHECK(s.steps == 120 + 1700);
  CHECK(s.cadence_spm == 170.0);
  CHECK(s.cadence_target_spm == 180.0);
  CHECK(s.measured_support_pct.value() == doctest::Approx(18.0));
  CHECK(s.support_pct == 20.0);
  REQUIRE(s.time_at_support.size() == 1);
  CHECK(s.time_at_support[0].duration_s == 660.0);
  CHECK(s.max_pain_during == 3);
  // 1700 running steps at 18 % measured support, 2.5 m/s reference, baseline cadence: 1700 x 0.82
  CHECK(s.knee_load.value() == doctest::Approx(1700 * 0.82).epsilon(1e-3));
  SummaryBuilder no_baseline(75, 0);
  no_baseline.add(prog.phases[1], st, 1.0);
  CHECK_FALSE(no_baseline.finish(prog).knee_load.has_value());
}

TEST_CASE("run check-ins: keys and lines") {
  CHECK(parse_pain_keys("3a9xX\n") == std::vector<int>{3, 9, 10, 10});
  std::string buf = "4\n 10 \nhello\n11\n7";
  std::vector<std::string> ignored;
  CHECK(parse_pain_lines(buf, ignored) == std::vector<int>{4, 10});
  CHECK(ignored == std::vector<std::string>{"hello", "11"});
  CHECK(buf == "7");
  buf += "\n";
  CHECK(parse_pain_lines(buf, ignored) == std::vector<int>{7});
}
