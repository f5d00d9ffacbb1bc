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

/// Measured support (beyond a hung reference mass) still allowed once the release has brought the
/// target to 0, or 15 % of the force held before, whichever is larger.
inline constexpr double kReleaseToleranceN = 20;

/// Operator release: waits for the belt to rest, lowers the support at `rate_n_s`, checks that the
/// load cells followed, then disarms (HOLD/ARMED -> IDLE) and waits for the status that shows IDLE.
/// A unit in FAULT/ESTOP is lowered but stays latched (RESET first). Error(safety) when the unit
/// refuses, when the measured support does not come down, or when it latches a new fault meanwhile
/// (Error(unit_unavailable) for a link fault); the unit then holds the support where it is.
void release_support(Unit& unit, double rate_n_s, const std::function<void(const Status&)>& on_status);

/// Throws when `s` shows a fault bit beyond `faults_before` or a stricter safe state than
/// `state_before`: Error(safety) naming the new faults and `while_doing`, Error(unit_unavailable)
/// for the watchdog's link fault.
void require_no_new_fault(const Status& s, std::uint32_t faults_before, State state_before, const char* while_doing);

}  // namespace lever::device
