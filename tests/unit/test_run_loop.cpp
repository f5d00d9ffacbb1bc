// lever run's control loop on the in-process simulator with a virtual clock: whole sessions, pain
// stops, and every simulator fault ending in the unit's safe state with the right stop reason.
#include <doctest/doctest.h>

#include <algorithm>

#include "lever/run/loop.hpp"
#include "lever/sim/simulator.hpp"
#include "sim_fixture.hpp"

using namespace lever;
using lever::device::State;
using lever::model::SessionStatus;

namespace {

run::LoopOptions options(double minutes) {
  run::LoopOptions o;
  o.program = run::program_from_args(20, 9, 0, minutes);
  o.mass_kg = 75;
  o.baseline_cadence_spm = 165;
  return o;
}

// The unit ends safe: belt stopped (or stopping under control) and support held near its last value.
void check_safe(test::SimUnit& s, const run::LoopResult& r, double held_n = 100) {
  auto st = s.sim->status();
  CHECK(device::is_safe_state(st.state));
  CHECK(st.speed_cmd_kmh == 0);
  CHECK(st.target_n > held_n);  // 20 % of 75 kg = 147 N: held, never dropped
  CHECK(r.status == SessionStatus::stopped);
}

}  // namespace

TEST_CASE("run loop: a 30-minute session completes on the virtual clock, released and disarmed") {
  test::SimUnit s;
  auto opt = options(30);
  long telemetry = 0, phases = 0;
  run::LoopHooks h;
  h.telemetry = [&](const nlohmann::json&) { ++telemetry; };
  h.event = [&](const nlohmann::json& e) { phases += e["event"] == "phase"; };
  auto r = run::run_loop(*s.unit, opt, h);
  CHECK(r.status == SessionStatus::completed);
  CHECK(r.code == Exit::ok);
  CHECK(s.sim->state() == State::idle);
  CHECK(s.sim->status().target_n == doctest::Approx(0).epsilon(0.01));
  CHECK(telemetry >= 1800);
  CHECK(phases == 3);  // run, then stop (the belt), then lowering (the support)
  CHECK(r.summary.duration_s >= 1800);
  CHECK(r.summary.distance_km == doctest::Approx(4.5).epsilon(0.02));
  CHECK(r.summary.measured_support_pct.value() == doctest::Approx(20).epsilon(0.05));
  CHECK(r.summary.cadence_spm.value() > 150);
}

TEST_CASE("run loop: pain above the during-limit holds the unit; within it continues") {
  test::SimUnit s;
  auto opt = options(10);
  int calls = 0;
  run::LoopHooks h;
  h.pain_log = [&]() -> std::vector<int> {
    ++calls;
    if (calls == 60) return {3};
    if (calls == 120) return {6};
    return {};
  };
  auto r = run::run_loop(*s.unit, opt, h);
  CHECK(r.stop_reason == "pain-limit");
  CHECK(r.code == Exit::safety);
  CHECK(r.summary.max_pain_during == 6);
  check_safe(s, r);
}

TEST_CASE("run loop: every unit fault ends safe with its stop reason") {
  struct Case {
    const char* faults;
    const char* reason;
    Exit code;
    double held_n = 100;
  };
  const Case cases[] = {
      {"estop@20s", "e-stop", Exit::safety},          {"key@20s", "safety-key", Exit::safety},
      {"stall@1s", "unit-fault", Exit::safety, 5},      {"drift=0.3@20s", "unit-fault", Exit::safety},
      {"sensor=0.3@20s", "unit-fault", Exit::safety}, {"overload=1.5@20s", "unit-fault", Exit::safety},
      {"overspeed@20s", "unit-fault", Exit::safety},  {"link-timeout@20s", "link-lost", Exit::unit_unavailable},
  };
  for (const auto& c : cases) {
    CAPTURE(c.faults);
    test::SimUnit s(std::string("faults=") + c.faults);
    auto r = run::run_loop(*s.unit, options(5), {});
    CHECK(r.stop_reason == c.reason);
    CHECK(r.code == c.code);
    check_safe(s, r, c.held_n);
  }
}

TEST_CASE("run loop: link loss and disconnect end with link-lost and exit 6; the unit holds by itself") {
  for (const char* f : {"silence=5s@20s", "disconnect@20s"}) {
    CAPTURE(f);
    test::SimUnit s(std::string("faults=") + f);
    auto r = run::run_loop(*s.unit, options(5), {});
    CHECK(r.stop_reason == "link-lost");
    CHECK(r.code == Exit::unit_unavailable);
    CHECK(r.status == SessionStatus::stopped);
  }
}

// Stop signals (SIGINT -> HOLD, 130) are tested on the real process in tests/e2e/test_run_pty.sh:
// doctest installs its own signal handlers around each test case.

TEST_CASE("run loop: records that cannot be saved stop the session with the unit holding") {
  test::SimUnit s;
  auto opt = options(10);
  int ticks = 0;
  run::LoopHooks h;
  h.store_error = [&]() -> std::string { return ++ticks > 200 ? "cannot write telemetry: Input/output error" : ""; };
  auto r = run::run_loop(*s.unit, opt, h);
  check_safe(s, r);
  CHECK(r.stop_reason == "store-error");
  CHECK(r.code == Exit::failure);
  CHECK(r.message.find("Input/output error") != std::string::npos);
  CHECK(r.summary.duration_s < 60);
}

namespace {

// A 6-second session at 20 % of 75 kg (147 N) and 9 km/h: the belt comes to rest from about 6 s to
// 11.6 s (80 % of 2 km/h/s), then the support comes down at 10 N/s from about 12 s to 27 s.
run::LoopResult short_session(test::SimUnit& s, const run::LoopHooks& h = {}) { return run::run_loop(*s.unit, options(0.1), h); }

bool has_fault(const run::LoopResult& r, const std::string& name) {
  return std::find(r.faults.begin(), r.faults.end(), name) != r.faults.end();
}

}  // namespace

TEST_CASE("run loop: the short session's shutdown windows (the cases below rely on them)") {
  test::SimUnit s;
  double stop_t = -1, lower_t = -1, released_t = -1;
  run::LoopHooks h;
  h.event = [&](const nlohmann::json& e) {
    if (e["event"] == "phase" && e["phase"] == "stop") stop_t = e["t_s"];
    if (e["event"] == "phase" && e["phase"] == "lowering") lower_t = e["t_s"];
    if (e["event"] == "released") released_t = e["t_s"];
  };
  auto r = short_session(s, h);
  CHECK(r.status == SessionStatus::completed);
  CHECK_FALSE(r.stop_phase.has_value());
  CHECK(stop_t == doctest::Approx(6).epsilon(0.02));
  CHECK(lower_t > 10.5);
  CHECK(lower_t < 12.5);
  CHECK(released_t > 25);
  CHECK(s.sim->state() == State::idle);
}

TEST_CASE("run loop: a fault while the belt comes to rest or the support comes down stops the session") {
  struct Case {
    const char* faults;
    const char* phase;
    const char* reason;
    const char* fault;  // a fault name the record must hold ("" = none)
    Exit code;
    State state;        // the unit's state by the simulator's own account
  };
  const Case cases[] = {
      {"overload=1.5@8s", "stopping", "unit-fault", "overload", Exit::safety, State::fault},
      {"overspeed@8s", "stopping", "unit-fault", "overspeed", Exit::safety, State::fault},
      {"estop=1s@8s", "stopping", "e-stop", "estop", Exit::safety, State::estop},
      {"key=1s@8s", "stopping", "safety-key", "key", Exit::safety, State::estop},
      {"link-timeout=2s@8s", "stopping", "link-lost", "", Exit::unit_unavailable, State::hold},
      {"silence=2s@8s", "stopping", "link-lost", "", Exit::unit_unavailable, State::hold},
      {"overload=1.5@18s", "lowering", "unit-fault", "overload", Exit::safety, State::fault},
      {"overspeed@18s", "lowering", "unit-fault", "overspeed", Exit::safety, State::fault},
      {"sensor=0.5@18s", "lowering", "unit-fault", "sensor", Exit::safety, State::fault},
      {"wdreset@18s", "lowering", "unit-fault", "wdreset", Exit::safety, State::fault},
      {"estop=1s@18s", "lowering", "e-stop", "estop", Exit::safety, State::estop},
      {"key=1s@18s", "lowering", "safety-key", "key", Exit::safety, State::estop},
      {"silence=2s@18s", "lowering", "link-lost", "", Exit::unit_unavailable, State::hold},
      {"disconnect@18s", "lowering", "link-lost", "", Exit::unit_unavailable, State::hold},
      {"stall@18s", "lowering", "release-failed", "", Exit::safety, State::hold},
  };
  for (const auto& c : cases) {
    const std::string spec = c.faults;
    CAPTURE(spec);
    test::SimUnit s("faults=" + spec);
    auto r = short_session(s);
    CHECK(r.status == SessionStatus::stopped);
    CHECK(model::name(r.stop_phase.value()) == c.phase);
    CHECK(r.stop_reason == c.reason);
    CHECK(r.code == c.code);
    if (*c.fault) CHECK(has_fault(r, c.fault));
    CHECK(r.message.find(std::string(c.phase) == "lowering" ? "lowered" : "rest") != std::string::npos);
    auto st = s.sim->status();
    CHECK(st.state == c.state);
    CHECK(st.speed_cmd_kmh == 0);
    // Held where the fault found it, never dropped (a stalled actuator carries the runner although
    // its target came down: that is why the release failed).
    if (spec.rfind("stall", 0) == 0) CHECK(st.meas_n > 50);
    else if (spec.rfind("disconnect", 0) != 0) CHECK(st.target_n > 5);
  }
}

TEST_CASE("run loop: a host stalled past the unit's watchdog is a watchdog hold, exit 6, not a refused SET") {
  for (int at_tick : {40, 100}) {  // while the support ramps (SETs going out) and at a steady pace
    CAPTURE(at_tick);
    test::SimUnit s;
    int ticks = 0;
    run::LoopHooks h;
    // A hook that blocks for a second (a paused terminal, a stopped process) on the virtual clock.
    h.pain_input = [&]() -> std::vector<int> {
      if (++ticks == at_tick) s.unit->clock().sleep_until(s.unit->clock().now() + std::chrono::seconds(1));
      return {};
    };
    auto r = run::run_loop(*s.unit, options(1), h);
    CHECK(r.status == SessionStatus::stopped);
    CHECK(r.stop_reason == "watchdog");
    CHECK(r.code == Exit::unit_unavailable);
    CHECK(has_fault(r, "link"));
    CHECK(r.message.find("300 ms watchdog") != std::string::npos);
    CHECK(r.message.find("refused") == std::string::npos);
    CHECK(s.sim->state() == State::hold);
    CHECK(s.sim->status().target_n > 5);
  }
}

TEST_CASE("run loop: a fault latched before the first setpoint is reported as that fault, not a refused SET") {
  for (const char* f : {"overload@0s", "overload=1.5@0s"}) {
    CAPTURE(f);
    test::SimUnit s(std::string("faults=") + f);
    auto r = run::run_loop(*s.unit, options(1), {});
    CHECK(r.status == SessionStatus::stopped);
    CHECK(r.stop_reason == "unit-fault");
    CHECK(r.code == Exit::safety);
    CHECK(!r.faults.empty());
    CHECK(r.message.find("refused") == std::string::npos);
    CHECK(r.message.find(r.faults.front()) != std::string::npos);
    CHECK(device::is_safe_state(s.sim->state()));
  }
}
