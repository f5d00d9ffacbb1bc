// Every injectable fault against the host session on a virtual clock: the host's documented reaction
// and the unit reaching its safe state (belt category-1 stop, support held, no automatic resume).
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "lever/device/drive.hpp"
#include "lever/sim/faults.hpp"
#include "lever/util/error.hpp"
#include "sim_fixture.hpp"

using namespace lever::device;
using namespace std::chrono_literals;
using test::SimUnit;

namespace {

// Runs at 120 N, 8 km/h until the unit leaves RUN (or `max_s` passes); returns the last running status.
Status run_until_fault(SimUnit& s, double max_s = 20) {
  s.run_at(120, 8, 2);
  Status last;
  s.loop(max_s, [&] {
    if (s.unit->status().state == State::run) last = s.unit->status();
  });
  return last;
}

// After the fault: 8 s without any heartbeat. The state stays `want`, the belt decelerates no faster than
// its limit to 0, the support target never moves (held), and nothing resumes on its own.
void check_safe(SimUnit& s, State want, const Status& before, double meas_tol = 25) {
  std::vector<Status> seen;
  for (int i = 0; i < 200; ++i) {
    s.unit->poll(100ms);
    seen.push_back(s.unit->status());
  }
  REQUIRE(!seen.empty());
  double held = seen.front().target_n;
  CHECK(std::abs(held - before.target_n) < 12);  // held near where it was: never dropped
  for (size_t i = 1; i < seen.size(); ++i) {
    CAPTURE(i);
    CHECK(seen[i].state == want);
    CHECK(seen[i].target_n == doctest::Approx(held));
    double dt = std::max(0.001, static_cast<double>(seen[i].unit_ms - seen[i - 1].unit_ms) / 1000);
    CHECK(seen[i - 1].speed_kmh - seen[i].speed_kmh <= 2.0 * dt + 0.05);
  }
  CHECK(seen.back().speed_kmh == 0);
  CHECK(std::abs(seen.back().meas_n - held) < meas_tol);
  CHECK(seen.back().speed_cmd_kmh == 0);
  CHECK_THROWS_AS(s.unit->set_targets({100, 5, 0}), NakError);  // no setpoints in a safe state
}

void check_host_refuses(SimUnit& s, const char* fault_name) {
  try {
    s.unit->require_running();
    FAIL("require_running should throw");
  } catch (const lever::Error& e) {
    CHECK(e.code() == lever::Exit::safety);
    CHECK(std::string(e.what()).find(fault_name) != std::string::npos);
  }
}

}  // namespace

TEST_CASE("hardware e-stop mid-run: ESTOP latched, belt stopped, support held; RESET needs release") {
  SimUnit s("faults=estop=3s@5s");
  auto before = run_until_fault(s);
  CHECK(s.unit->status().state == State::estop);
  CHECK(s.unit->status().first_fault == "estop");
  check_host_refuses(s, "estop");
  check_safe(s, State::estop, before);
  CHECK_THROWS_AS(s.unit->resume(), NakError);
  s.unit->reset_fault();  // the button was released after 3 s
  CHECK(s.unit->wait_for([](const Status& st) { return st.state == State::hold; }, 1s));
  s.unit->poll(1s);
  CHECK(s.unit->status().speed_kmh == 0);
}

TEST_CASE("e-stop still pressed: RESET is refused") {
  SimUnit s("faults=estop=60s@2s");
  run_until_fault(s);
  try {
    s.unit->reset_fault();
    FAIL("RESET accepted with the e-stop pressed");
  } catch (const NakError& e) {
    CHECK(e.reason() == Nak::busy);
  }
}

TEST_CASE("safety key pulled: ESTOP latched") {
  SimUnit s("faults=key=2s@4s");
  auto before = run_until_fault(s);
  CHECK(s.unit->status().first_fault == "key");
  check_host_refuses(s, "key");
  check_safe(s, State::estop, before);
}

TEST_CASE("stalled actuator: tracking fault when the target moves") {
  SimUnit s("faults=stall@4s");
  s.run_at(120, 8);
  s.loop(6);
  s.unit->set_targets({60, 8, 0});
  auto before = s.unit->status();
  before.target_n = 60;  // the drive is held where the firmware put it; the stuck actuator stays at 120 N
  s.loop(10);
  CHECK(s.unit->status().state == State::fault);
  CHECK(s.unit->status().first_fault == "tracking");
  check_host_refuses(s, "tracking");
  check_safe(s, State::fault, before, 80);
}

TEST_CASE("measured support drifting from target: tracking fault") {
  SimUnit s("faults=drift=30%@4s");
  auto before = run_until_fault(s);
  CHECK(s.unit->status().first_fault == "tracking");
  check_safe(s, State::fault, before, 60);
}

TEST_CASE("load cells disagree: sensor fault") {
  SimUnit s("faults=sensor=20%@4s");
  auto before = run_until_fault(s);
  CHECK(s.unit->status().first_fault == "sensor");
  check_safe(s, State::fault, before);
}

TEST_CASE("overload on the harness: overload fault, support held not chased") {
  SimUnit s("faults=overload@4s");
  auto before = run_until_fault(s);
  CHECK(s.unit->status().first_fault == "overload");
  check_safe(s, State::fault, before);
}

TEST_CASE("belt runaway: overspeed fault and a controlled stop") {
  SimUnit s("faults=overspeed@4s");
  auto before = run_until_fault(s);
  CHECK(s.unit->status().first_fault == "overspeed");
  check_safe(s, State::fault, before);
}

TEST_CASE("firmware watchdog reset: the unit restarts latched in FAULT; the host notices") {
  SimUnit s("faults=wdreset@4s");
  auto before = run_until_fault(s);
  CHECK(s.unit->status().state == State::fault);
  CHECK(s.unit->status().first_fault == "wdreset");
  CHECK(s.unit->clock_sync().unit_restarted);
  check_safe(s, State::fault, before);
}

TEST_CASE("link timeout (host frames lost): the unit's watchdog holds") {
  SimUnit s("faults=link-timeout=3s@4s");
  auto before = run_until_fault(s);
  CHECK(s.unit->status().state == State::hold);
  CHECK(s.unit->status().first_fault == "link");
  check_safe(s, State::hold, before);
}

TEST_CASE("the host stops sending heartbeats (hung loop): HOLD within the watchdog time") {
  SimUnit s;
  s.run_at(120, 8);
  s.loop(5);
  auto t0 = s.unit->status().unit_ms;
  CHECK(s.unit->wait_for([](const Status& st) { return st.state == State::hold; }, 2s));
  CHECK(s.unit->status().unit_ms - t0 <= 300 + 100);  // watchdog 300 ms + one status period + last tick
  CHECK(s.unit->status().first_fault == "link");
}

TEST_CASE("a dead host's unit polled only by status queries still holds by its watchdog") {
  // HELLO and CAL read; they do not feed the watchdog, so `lever unit info` in a loop (what a
  // technician or a test runs after the host died) cannot keep the belt running.
  SimUnit s;
  s.run_at(120, 8);
  s.loop(5);
  auto t0 = s.unit->status().unit_ms;
  auto& clock = s.unit->clock();
  for (int i = 0; i < 20 && s.unit->status().state == State::run; ++i) {  // a query every 100 ms for 2 s
    s.unit->identify();
    s.unit->read_calibration();
    s.unit->poll_until(clock.now() + 100ms);
  }
  CHECK(s.unit->wait_for([](const Status& st) { return st.state == State::hold; }, 2s));
  // watchdog 300 ms + one query step + one status period; fed by the queries it would be 2 s and more
  CHECK(s.unit->status().unit_ms - t0 <= 300 + 100 + 100);
  CHECK(s.unit->status().first_fault == "link");
}

TEST_CASE("a silent unit: the host declares the link lost; the unit holds by itself") {
  SimUnit s("faults=silence=5s@4s");
  s.run_at(120, 8);
  try {
    s.loop(10);
    FAIL("the host should have declared the link lost");
  } catch (const lever::Error& e) {
    CHECK(e.code() == lever::Exit::unit_unavailable);
    CHECK(std::string(e.what()).find("stopped answering") != std::string::npos);
  }
  // The host stopped heartbeating when it gave up: the unit's watchdog takes over.
  auto t = std::chrono::duration_cast<std::chrono::microseconds>(s.unit->clock().now()).count();
  s.sim->advance(t + 400000);
  CHECK(s.sim->state() == State::hold);
}

TEST_CASE("disconnect mid-stream: the host reports a lost link (exit 6); the unit holds") {
  SimUnit s("faults=disconnect@4s");
  s.run_at(120, 8);
  try {
    s.loop(10);
    FAIL("expected a lost link");
  } catch (const lever::Error& e) {
    CHECK(e.code() == lever::Exit::unit_unavailable);
  }
  auto t = std::chrono::duration_cast<std::chrono::microseconds>(s.unit->clock().now()).count();
  s.sim->advance(t + 400000);
  CHECK(s.sim->state() == State::hold);
  CHECK(s.sim->status().speed_cmd_kmh == 0);
}

TEST_CASE("lossy links: dropped, corrupted, duplicated and delayed frames are survived by resends") {
  for (const char* spec : {"faults=drop=0.05", "faults=corrupt=0.03", "faults=dup=0.2", "faults=delay=0.1",
                           "faults=drop=0.03,corrupt=0.02,dup=0.05,delay=0.05"}) {
    std::string label = spec;
    CAPTURE(label);
    SimUnit s(label + "&seed=11");
    s.run_at(100, 6);
    int sets = 0;
    bool ok = s.loop(60, [&] {
      if (++sets % 20 == 0) s.unit->set_targets({100.0 + (sets / 20 % 2) * 10, 6, 0});
    });
    CHECK(ok);
    CHECK(s.unit->status().state == State::run);
    auto st = s.unit->link_stats();
    if (std::string(spec).find("drop") != std::string::npos) CHECK(st.lost_frames > 0);
    if (std::string(spec).find("corrupt") != std::string::npos) CHECK(st.bad_frames > 0);
  }
}

TEST_CASE("a burst of corrupted host frames: CRC-rate fault puts the unit in HOLD") {
  SimUnit s("faults=corrupt=0.6@4s&seed=3");
  s.run_at(100, 6);
  try {
    s.loop(20);
  } catch (const lever::Error&) {
    // commands are not sent in this loop; heartbeats are fire-and-forget
  }
  CHECK(s.sim->state() == State::hold);
  CHECK((s.sim->status().faults & kFaultCrc) != 0);
}

TEST_CASE("configuration mismatch: the host refuses to arm a unit of another dialect") {
  for (const char* spec : {"faults=config", "faults=proto=2"}) {
    std::string label = spec;
    CAPTURE(label);
    SimUnit s(spec);
    CHECK(!s.unit->compatible());
    CHECK(!s.unit->incompatibility().empty());
    try {
      s.unit->arm();
      FAIL("armed an incompatible unit");
    } catch (const lever::Error& e) {
      CHECK(e.code() == lever::Exit::safety);
    }
    CHECK(s.sim->state() == State::idle);
  }
}

TEST_CASE("the same seed replays the same faults") {
  auto run = [](const char* spec) {
    SimUnit s(spec);
    s.run_at(100, 6);
    s.loop(20);
    return s.unit->link_stats().lost_frames;
  };
  CHECK(run("faults=drop=0.1&seed=5") == run("faults=drop=0.1&seed=5"));
}

namespace {

// Runs at 120 N with the belt at rest for 3 s, then HOLD: where an operator's release starts.
void held_at_120(SimUnit& s) {
  s.run_at(120, 0);
  s.loop(3);
  s.unit->hold();
}

}  // namespace

TEST_CASE("release: the support comes down, the unit disarms, and the status read after DISARM shows IDLE") {
  SimUnit s;
  held_at_120(s);
  release_support(*s.unit, 10, {});
  CHECK(s.unit->status_fresh());
  CHECK(s.unit->status().state == State::idle);  // what 'lever unit lower' prints, not the HOLD before DISARM
  CHECK(s.sim->state() == State::idle);
}

TEST_CASE("release: a fault latched while the support comes down ends it there, named, the support held") {
  struct Case {
    const char* faults;
    const char* name;
    lever::Exit code;
    State state;
  };
  // The lowering runs from about 3.2 s to 15 s (120 N at 10 N/s).
  const Case cases[] = {{"overload=1.5@7s", "overload", lever::Exit::safety, State::fault},
                        {"overspeed@7s", "overspeed", lever::Exit::safety, State::fault},
                        {"sensor=0.5@7s", "sensor", lever::Exit::safety, State::fault},
                        {"estop=1s@7s", "estop", lever::Exit::safety, State::estop},
                        {"wdreset@7s", "wdreset", lever::Exit::safety, State::fault}};
  for (const auto& c : cases) {
    const std::string spec = c.faults;
    CAPTURE(spec);
    SimUnit s("faults=" + spec);
    held_at_120(s);
    try {
      release_support(*s.unit, 10, {});
      FAIL("release_support should throw");
    } catch (const lever::Error& e) {
      CHECK(e.code() == c.code);
      CHECK(std::string(e.what()).find(c.name) != std::string::npos);
      CHECK(std::string(e.what()).find("lowered") != std::string::npos);
    }
    CHECK(s.sim->state() == c.state);
    double held = s.sim->status().target_n;
    CHECK(held > 20);  // the fault found it about 40 N down: held there, not dropped to 0
    s.unit->poll(2s);
    CHECK(s.sim->status().target_n == doctest::Approx(held));  // and the lowering does not go on
  }
}

TEST_CASE("release: an actuator that stalls while lowering is not disarmed with the runner still carried") {
  SimUnit s("faults=stall@6s");
  held_at_120(s);
  try {
    release_support(*s.unit, 10, {});
    FAIL("release_support should throw");
  } catch (const lever::Error& e) {
    CHECK(e.code() == lever::Exit::safety);
    CHECK(std::string(e.what()).find("did not follow") != std::string::npos);
  }
  CHECK(s.sim->state() == State::hold);
  CHECK(s.sim->status().meas_n > 50);
}

TEST_CASE("release: a unit latched before the release is lowered and stays latched (RESET first to disarm)") {
  SimUnit s("faults=estop=1s@2s");
  s.run_at(120, 0);
  s.loop(3);
  REQUIRE(s.sim->state() == State::estop);
  release_support(*s.unit, 10, {});  // the e-stop was the reason to lower: no error for it
  CHECK(s.sim->state() == State::estop);
  CHECK(s.unit->status().target_n <= 0.05);
}

TEST_CASE("fault scripts: a value for a fault that takes none, or a fractional protocol version, is refused by name") {
  for (const char* bad : {"stall=1", "overspeed=3@2s", "wdreset=1", "disconnect=1s@2s", "config=2", "proto=1.5",
                          "proto=99999999", "estop@1s,stall=0"}) {
    const std::string spec = bad;
    CAPTURE(spec);
    try {
      lever::sim::parse_faults(bad);
      FAIL("parse_faults should refuse");
    } catch (const lever::Error& e) {
      CHECK(e.code() == lever::Exit::usage);
      const std::string what = e.what();
      CHECK((what.find("takes no value") != std::string::npos || what.find("whole number") != std::string::npos));
    }
  }
  auto p = lever::sim::parse_faults("stall@1s,overspeed,wdreset@2s,disconnect@3s,config,proto=3");
  CHECK(p.events.size() == 6);
  CHECK(p.events.back().value == 3);
}

TEST_CASE("sim:?log=FILE: the simulator's own account of the unit, never through a symbolic link") {
  test::TempDir dir;
  const auto log = dir.path / "unit.log";
  {
    SimUnit s("faults=estop=1s@2s&log=" + log.string());
    s.run_at(100, 4);
    s.loop(4);
  }
  std::ifstream f(log);
  std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  CHECK(text.find("IDLE -> ARMED (host ARM)") != std::string::npos);
  CHECK(text.find("RUN -> ESTOP (hardware e-stop pressed)") != std::string::npos);
  CHECK(text.find("support held at") != std::string::npos);
  std::filesystem::create_symlink(dir.path / "elsewhere", dir.path / "link.log");
  try {
    SimUnit s("log=" + (dir.path / "link.log").string());
    FAIL("a symbolic link should be refused");
  } catch (const lever::Error& e) {
    CHECK(e.code() == lever::Exit::usage);
    CHECK(std::string(e.what()).find("symbolic link") != std::string::npos);
  }
  CHECK(!std::filesystem::exists(dir.path / "elsewhere"));
}
