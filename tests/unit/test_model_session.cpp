// Session documents as lever writes them (tests/unit/fixtures/model/session_*.json, copied from real
// runs on the simulator) read into model::Session and written back unchanged.
#include <doctest/doctest.h>

#include "lever/model/session.hpp"
#include "lever/store/typed.hpp"
#include "model_round_trip.hpp"
#include "tmpdir.hpp"

using namespace lever::model;
using model_test::fixture;
using model_test::round_trip;

namespace {

Session session_fixture(const std::string& name) { return round_trip<Session>(fixture(name), "session.schema.json"); }

}  // namespace

TEST_CASE("model session: a completed plan session round-trips with its programme and summary") {
  Session s = session_fixture("session_completed_plan.json");
  CHECK(s.status == SessionStatus::completed);
  CHECK(s.summarised());
  CHECK_FALSE(s.stop_reason);
  CHECK_FALSE(s.stop_phase);
  CHECK(s.plan_step == 1);
  CHECK(s.clock == ClockKind::virtual_clock);
  REQUIRE(s.program);
  CHECK(s.program->plan_step == 1);
  CHECK(s.program->phases.front().kind == PhaseKind::warm_up);
  CHECK(s.program->phases.back().kind == PhaseKind::cool_down);
  CHECK_FALSE(s.program->phases.front().cadence_target_spm);
  CHECK(s.program->phases[1].cadence_target_spm == 172.0);
  REQUIRE(s.calibration);
  CHECK(s.calibration->record);
  CHECK_FALSE(s.calibration->allowed_uncalibrated);
  CHECK(s.final_state == UnitState::idle);
  CHECK(s.faults == std::vector<UnitFault>{});
  CHECK(s.steps == 3872);
  CHECK_FALSE(s.max_pain_during);
  CHECK_FALSE(s.loop_timing);
}

TEST_CASE("model session: a running session (pid, no end) round-trips without the end's null fields") {
  Session s = session_fixture("session_running.json");
  CHECK(s.status == SessionStatus::running);
  CHECK_FALSE(s.summarised());
  CHECK(s.pid);
  CHECK_FALSE(s.plan_step);
  CHECK_FALSE(s.ended_at);
  CHECK_FALSE(s.faults);
  CHECK_FALSE(s.time_at_support);
  REQUIRE(s.calibration);
  REQUIRE(s.calibration->allowed_uncalibrated);
  CHECK(s.calibration->allowed_uncalibrated->reason == "fixture: a running session");
}

TEST_CASE("model session: stopped sessions round-trip (pain limit, link lost, unit fault, uncalibrated)") {
  Session pain = session_fixture("session_stopped_pain.json");
  CHECK(pain.status == SessionStatus::stopped);
  CHECK(pain.stop_reason == "pain-limit");
  CHECK(pain.stop_phase == StopPhase::run);
  CHECK(pain.max_pain_during == 6);
  REQUIRE(pain.loop_timing);
  CHECK(pain.loop_timing->hold_sent_unix_ns == 1796094120158924774);
  CHECK_FALSE(pain.loop_timing->ticks);

  Session link = session_fixture("session_stopped.json");
  CHECK(link.stop_reason == "link-lost");

  Session fault = session_fixture("session_stopped_unit_fault.json");
  CHECK(fault.clock == ClockKind::wall_clock);
  CHECK(fault.final_state == UnitState::estop);
  CHECK(fault.faults == std::vector<UnitFault>{UnitFault::estop});
  REQUIRE(fault.loop_timing);
  CHECK(fault.loop_timing->ticks == 75);
  CHECK(fault.loop_timing->fault_to_hold_ms);

  Session uncal = session_fixture("session_stopped_uncalibrated.json");
  REQUIRE(uncal.calibration);
  CHECK_FALSE(uncal.calibration->record);
  CHECK(uncal.calibration->allowed_uncalibrated);
}

TEST_CASE("model session: a recovered session round-trips (no summary, no pid, stop_phase absent)") {
  Session s = session_fixture("session_recovered.json");
  CHECK(s.status == SessionStatus::incomplete);
  CHECK(s.stop_reason == "lever-killed");
  CHECK(s.recovered_at);
  CHECK(s.ended_at);
  CHECK(s.duration_s == 2.0);
  CHECK_FALSE(s.pid);
  CHECK_FALSE(s.summarised());
  CHECK_FALSE(s.stop_phase);
}

TEST_CASE("model session: every optional field present round-trips") {
  Session s = session_fixture("session_every_field.json");
  CHECK(s.pid == 4242);
  CHECK(s.recovered_at);
  CHECK(s.faults == std::vector<UnitFault>{UnitFault::estop, UnitFault::link});
  REQUIRE(s.loop_timing);
  CHECK(s.loop_timing->period_jitter_p99_ms);
  REQUIRE(s.time_at_support);
  CHECK(s.time_at_support->size() == 1);
  CHECK(s.started_at.at < s.ended_at->at);
}

TEST_CASE("model session: the end's empty fields are null once the run wrote its end, absent before") {
  Session s;
  s.id = "s-1";
  s.athlete_id = "ann";
  s.started_at = Instant::of(lever::TimePoint{});
  nlohmann::json running = s;
  CHECK_FALSE(running.contains("stop_reason"));
  CHECK_FALSE(running.contains("max_pain_during"));
  CHECK(running.at("plan_step").is_null());  // the start writes it always
  s.status = SessionStatus::completed;
  s.exit_code = 0;
  nlohmann::json ended = s;
  for (const char* k : {"stop_reason", "stop_phase", "support_pct", "measured_support_pct", "max_pain_during", "cadence_spm",
                        "cadence_target_spm", "knee_load"}) {
    CAPTURE(k);
    CHECK(ended.at(k).is_null());
  }
  CHECK(ended.at("status") == "completed");
  CHECK(ended.at("schema_version") == 1);
}

TEST_CASE("model session: saved and loaded through the store as its type (kCollection names the collection)") {
  TempDir dir;
  lever::Store store(dir.path / "store");
  Session s = model_test::fixture("session_stopped_unit_fault.json").get<Session>();
  {
    lever::StoreWriter w(store);
    lever::save_as(w, s, {{"dr", "session.import", s.id, nlohmann::json::object()}});
  }
  auto back = lever::load_as<Session>(store, s.id);
  REQUIRE(back);
  CHECK(nlohmann::json(*back) == nlohmann::json(s));
  CHECK_FALSE(lever::load_as<Session>(store, "s-none"));
}
