// lever run's control loop on the in-process simulator with a virtual clock: whole sessions, pain
// stops, and every simulator fault ending in the unit's safe state with the right stop reason.
#include <doctest/doctest.h>

#include "lever/run/loop.hpp"
#include "lever/sim/simulator.hpp"
#include "sim_fixture.hpp"

using namespace lever;
using lever::device::State;

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
  CHECK(r.status == "stopped");
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
  CHECK(r.status == "completed");
  CHECK(r.code == Exit::ok);
  CHECK(s.sim->state() == State::idle);
  CHECK(s.sim->status().target_n == doctest::Approx(0).epsilon(0.01));
  CHECK(telemetry >= 1800);
  CHECK(phases == 2);  // run, then stop
  CHECK(r.summary["duration_s"].get<double>() >= 1800);
  CHECK(r.summary["distance_km"].get<double>() == doctest::Approx(4.5).epsilon(0.02));
  CHECK(r.summary["measured_support_pct"].get<double>() == doctest::Approx(20).epsilon(0.05));
  CHECK(r.summary["cadence_spm"].get<double>() > 150);
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
  CHECK(r.summary["max_pain_during"] == 6);
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
    CHECK(r.status == "stopped");
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
  CHECK(r.summary["duration_s"].get<double>() < 60);
}
