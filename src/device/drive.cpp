#include "lever/device/drive.hpp"

#include <cmath>

#include <fmt/format.h>

#include "lever/device/signals.hpp"
#include "lever/util/error.hpp"

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

void release_support(Unit& unit, double rate_n_s, const std::function<void(const Status&)>& on_status) {
  unit.poll(std::chrono::milliseconds(200));
  if (unit.status().speed_kmh > 0.05)
    unit.wait_for([](const Status& s) { return s.speed_kmh <= 0.05; }, std::chrono::seconds(30));
  if (unit.status().target_n > 0) {
    unit.lower_support(rate_n_s);
    double seconds = unit.status().target_n / rate_n_s + 5;
    bool done = unit.wait_for(
        [&](const Status& s) {
          if (on_status) on_status(s);
          return s.target_n <= 0.05;
        },
        std::chrono::duration_cast<Nanos>(std::chrono::duration<double>(seconds)));
    if (!done)
      throw Error(Exit::safety, fmt::format("the support did not come down (still {:.1f} N)", unit.status().target_n),
                  "check the actuator; lower the runner manually following the unit's manual");
  }
  if (unit.status().state == State::hold || unit.status().state == State::armed) unit.disarm();
}

}  // namespace lever::device
