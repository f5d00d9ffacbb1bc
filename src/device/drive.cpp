#include "lever/device/drive.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "lever/util/error.hpp"
#include "lever/util/signals.hpp"

namespace lever::device {

DriveResult drive(Unit& unit, const DriveOptions& opt, const std::function<void(const Status&)>& on_status) {
  install_stop_signals();
  auto& clock = unit.clock();
  DriveResult res;
  unit.set_status_rate(opt.status_hz);
  unit.arm();
  unit.set_targets(opt.targets);
  unit.start();
  auto tick = std::chrono::duration_cast<Nanos>(opt.tick);
  auto end = clock.now() + std::chrono::duration_cast<Nanos>(std::chrono::duration<double>(opt.seconds));
  bool stopping = false;
  for (auto next = clock.now() + tick;; next += tick) {
    bool fresh = unit.poll(next - clock.now());
    if (fresh && on_status) on_status(unit.status());
    if (!stop_requested()) unit.poll_until(next);
    if (stop_requested()) {
      unit.hold();  // the stop frame leaves first; then the ACK is awaited
      res.signal = stop_signal();
      res.last = unit.status();
      return res;
    }
    unit.require_running();
    if (!stopping && clock.now() >= end) {
      unit.set_targets({opt.targets.force_n, 0, opt.targets.incline_pct});  // belt to rest under control
      stopping = true;
    }
    if (stopping && unit.status_fresh() && unit.status().speed_kmh == 0) break;
    unit.heartbeat();  // only after this tick's checks passed
  }
  unit.hold();
  release_support(unit, opt.lower_rate_n_s, on_status);
  res.last = unit.status();
  return res;
}

namespace {

int severity(State s) { return s == State::estop ? 3 : s == State::fault ? 2 : s == State::hold ? 1 : 0; }

}  // namespace

void require_no_new_fault(const Status& s, std::uint32_t faults_before, State state_before, const char* while_doing) {
  const std::uint32_t added = s.faults & ~faults_before;
  if (!added && !(is_safe_state(s.state) && severity(s.state) > severity(state_before))) return;
  const FaultInfo* first = nullptr;
  for (const auto& f : fault_table())
    if (!first && (added & f.bit)) first = &f;
  throw Error(stopped_for_link(added) ? Exit::unit_unavailable : Exit::safety,
              fmt::format("the unit went to {} while {}: {}; the support is held at {:.1f} N", state_name(s.state), while_doing,
                          added ? describe_faults(added) : "no fault recorded", s.target_n),
              first ? first->remedy : "attend to the runner; then 'lever unit lower' again");
}

void release_support(Unit& unit, double rate_n_s, const std::function<void(const Status&)>& on_status) {
  unit.poll(std::chrono::milliseconds(200));
  // A fault the unit latches from here on ends the release where it is (the unit holds the support):
  // the caller hears of it instead of reporting a release. Faults latched before are the operator's
  // reason to lower (LOWER is accepted in FAULT and ESTOP).
  const std::uint32_t faults_before = unit.status().faults;
  const State state_before = unit.status().state;
  auto watch = [&](const Status& s, const char* doing) {
    if (on_status) on_status(s);
    require_no_new_fault(s, faults_before, state_before, doing);
  };
  if (unit.status().speed_kmh > 0.05)
    unit.wait_for(
        [&](const Status& s) {
          watch(s, "the belt came to rest");
          return s.speed_kmh <= 0.05;
        },
        std::chrono::seconds(30));
  const double held_n = unit.status().target_n;
  if (held_n > 0) {
    unit.lower_support(rate_n_s);
    double seconds = held_n / rate_n_s + 5;
    bool done = unit.wait_for(
        [&](const Status& s) {
          watch(s, "the support was lowered");
          return s.target_n <= 0.05;
        },
        std::chrono::duration_cast<Nanos>(std::chrono::duration<double>(seconds)));
    if (!done)
      throw Error(Exit::safety, fmt::format("the support did not come down (still {:.1f} N)", unit.status().target_n),
                  "check the actuator; lower the runner manually following the unit's manual");
    // Defence in depth: the target is down, so the load cells must follow (less any reference mass
    // hung on the harness); a stalled actuator still carrying the runner must not be disarmed.
    const double tolerance = std::max(kReleaseToleranceN, 0.15 * held_n);
    auto residual = [](const Status& s) { return std::abs(s.meas_n - s.ref_mass_kg * 9.80665); };
    bool down = unit.wait_for(
        [&](const Status& s) {
          watch(s, "the support was lowered");
          return residual(s) <= tolerance;
        },
        std::chrono::seconds(3));
    if (!down)
      throw Error(Exit::safety,
                  fmt::format("the support target is down to 0 N but the load cells still measure {:.1f} N: the actuator did "
                              "not follow (stalled?); the unit stays in {}, not disarmed",
                              unit.status().meas_n, state_name(unit.status().state)),
                  "lower the runner following the unit's manual; have the actuator checked before the next session");
  }
  if (unit.status().state == State::hold || unit.status().state == State::armed) {
    unit.disarm();
    // Report the state the unit reached, not the status from before DISARM.
    unit.wait_for([&](const Status& s) { return unit.status_fresh() && s.state == State::idle; }, std::chrono::seconds(1));
  }
}

}  // namespace lever::device
