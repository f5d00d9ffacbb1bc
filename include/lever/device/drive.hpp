// Technician and operator procedures built on Unit: a fixed-target test drive (the smallest complete
// control loop, also a reference for `run`), and the operator's release of a held unit.
#pragma once
#include <chrono>
#include <functional>

#include "lever/device/unit.hpp"

namespace lever::device {

/// A test drive at fixed targets.
struct DriveOptions {
  Targets targets;                           ///< support, belt speed and incline to hold
  double seconds = 10;                       ///< how long to run at the targets (unit clock)
  int status_hz = 20;                        ///< status rate
  std::chrono::milliseconds tick{50};        ///< control-loop period (heartbeat interval)
  double lower_rate_n_s = 10;                ///< support release rate at the end
};

/// How a drive ended.
struct DriveResult {
  int signal = 0;  ///< the stop signal that ended it early (0: ran its course)
  Status last;     ///< the last status
};

/// Arms, runs at the targets for `seconds`, then stops the belt, holds, lowers the support and
/// disarms. On a stop signal it sends HOLD at once and returns with `signal` set (support stays held
/// for the operator). Error(safety) when the unit leaves RUN on its own (fault, e-stop, watchdog).
DriveResult drive(Unit& unit, const DriveOptions& opt, const std::function<void(const Status&)>& on_status);

/// Operator release: belt must be stopped; lowers the support at `rate_n_s`, then disarms (HOLD/ARMED
/// -> IDLE). Error(safety) when the unit refuses (e.g. latched fault: RESET first).
void release_support(Unit& unit, double rate_n_s, const std::function<void(const Status&)>& on_status);

}  // namespace lever::device
