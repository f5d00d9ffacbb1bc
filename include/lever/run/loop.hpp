// The control loop of `lever run`: drives a Program on a Unit within its slew limits, owns the
// heartbeat, watches signals, unit state and pain check-ins, and ends in the unit's safe state.
// Store writes and terminal I/O are hooks: the loop never blocks on the store lock.
#pragma once
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lever/device/unit.hpp"
#include "lever/model/session.hpp"
#include "lever/run/program.hpp"
#include "lever/run/summary.hpp"
#include "lever/util/error.hpp"

namespace lever::run {

/// How the loop runs.
struct LoopOptions {
  Program program;                            ///< what to drive
  double mass_kg = 0;                         ///< the athlete's body mass (support % -> force)
  double baseline_cadence_spm = 0;            ///< for the knee-load index (0 = unknown)
  int during_limit = 4;                       ///< pain above this during the run stops it
  std::chrono::milliseconds tick{50};         ///< control period (heartbeat interval)
  int status_hz = 20;                         ///< unit status rate
  double telemetry_period_s = 1;              ///< one telemetry sample per this many seconds
  double sample_rate_hz = 1;                  ///< status events per second (ndjson)
  double pain_poll_s = 1;                     ///< how often the athlete's pain log is read
  double release_rate_n_s = 10;               ///< support lowering rate after a completed session
};

/// What the live display shows (one line per refresh).
struct LiveView {
  std::string phase;                          ///< current phase name
  double elapsed_s = 0, remaining_s = 0;      ///< session time
  double support_pct = 0;                     ///< phase support, % body weight
  double effective_kg = 0;                    ///< body mass x (1 - support)
  double target_n = 0, measured_n = 0;        ///< support force: slew-limited target vs measured
  double speed_kmh = 0, incline_pct = 0;      ///< belt
  double cadence_spm = 0;                     ///< measured cadence
  std::optional<double> cadence_target_spm;   ///< phase cadence target
  std::string faults;                         ///< fault names, empty for none
};

/// Callbacks the loop calls; any may be empty.
struct LoopHooks {
  std::function<std::vector<int>()> pain_input;   ///< scores typed since the last call (called every tick; must not block)
  std::function<std::vector<int>()> pain_log;     ///< new 'during' scores in the pain log (every pain_poll_s)
  std::function<void(const nlohmann::json&)> event;     ///< phase, status, pain, fault and end events
  std::function<void(const nlohmann::json&)> telemetry; ///< one telemetry sample (queued for the store)
  std::function<void(int)> pain_logged;           ///< a typed score to log as a 'during' pain entry
  std::function<void(const LiveView&)> display;   ///< the live display (about 4 times a second)
  std::function<void()> safe_state_sent;          ///< called right after the HOLD frame left (benchmarks)
  std::function<std::string()> store_error;       ///< why the session's records cannot be saved (empty: they can)
};

/// How the loop ended.
struct LoopResult {
  model::SessionStatus status = model::SessionStatus::completed;  ///< completed or stopped
  std::string stop_reason;            ///< empty, pain-limit, user, signal, e-stop, safety-key, unit-fault, unit-hold, link-lost, watchdog, release-failed, store-error, error
  /// Where the session was when it stopped: start (arming), the phase kind (warm-up, run, walk,
  /// cool-down), stopping (the belt coming to rest) or lowering (the support coming down); empty when completed.
  std::optional<model::StopPhase> stop_phase;
  int signal = 0;                     ///< the stop signal, if any
  Exit code = Exit::ok;               ///< the exit code this outcome maps to
  std::string message;                ///< what happened, for people
  std::vector<std::string> faults;    ///< fault names the unit reported
  device::Status last;                ///< the last status
  Summary summary;                    ///< SummaryBuilder::finish
  /// Loop timing (real clocks only): period jitter p50/p99/max in ms, ticks, and for a stop the wall
  /// time the HOLD frame left (hold_sent_unix_ns) and, for a unit fault, fault_to_hold_ms.
  model::LoopTiming timing;
};

/// Median and 99th percentile (nearest rank) of `v`; {0, 0} when empty.
std::pair<double, double> p50_p99(std::vector<double> v);

/// Arms, drives the program and ends safe: on completion the belt stops under control and the support
/// is lowered at release_rate_n_s; on any stop the unit is left in HOLD (or its latched FAULT/ESTOP)
/// with the support held. A fault the unit latches at any moment, the stop and the lowering included,
/// stops the session (status stopped, exit 3, or 6 for the link); so does a host that fed the unit's
/// watchdog too late (stop reason watchdog, exit 6). Never throws for a stop: the outcome is in the result.
LoopResult run_loop(device::Unit& unit, const LoopOptions& opt, const LoopHooks& hooks);

/// The stop reason for a unit that left RUN with these fault bits.
std::string fault_stop_reason(std::uint32_t faults);

}  // namespace lever::run
