// A stop signal while the host waits for a SET's acknowledgement: the wait ends at once and the next
// poll returns at once, so the loop's HOLD goes out without waiting for the ACK (lever-run(1), Ctrl-C).
#include <csignal>

#include <doctest/doctest.h>

#include "lever/util/signals.hpp"
#include "sim_fixture.hpp"

using namespace lever::device;
using namespace std::chrono_literals;

TEST_CASE("a stop signal ends the wait for a SET's ACK; the HOLD after it is answered normally") {
  test::SimUnit s("faults=link-timeout=2s@1s");  // from 1 s the unit hears nothing: no ACK would come
  auto& clock = s.unit->clock();
  s.unit->arm();
  s.loop(1.1);
  install_stop_signals();
  std::raise(SIGINT);
  REQUIRE(stop_requested());
  auto t0 = clock.now();
  s.unit->set_targets({40, 0, 0});  // without the signal: resends, then "stopped answering" (exit 6)
  CHECK(clock.now() - t0 < 1ms);    // not a moment spent waiting for the ACK
  s.unit->poll_until(clock.now() + 1s);
  CHECK(clock.now() - t0 < 1ms);    // the loop's next wait returns at once too: it sends HOLD now
  s.unit->poll_until(t0 + 2s);      // the stop was noticed: later waits wait normally
  CHECK(clock.now() - t0 >= 2s);
  s.unit->hold();                   // once the unit hears again, HOLD is answered
  CHECK(s.unit->wait_for([](const Status& st) { return st.state == State::hold; }, 2s));
  clear_stop_request();
  CHECK_FALSE(stop_requested());
}
