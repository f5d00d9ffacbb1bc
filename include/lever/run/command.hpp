// `lever run`: pre-flight, the session records, the control loop and the summary, for cmd/run.cpp.
#pragma once
#include <optional>
#include <string>

#include "lever/cli/context.hpp"

namespace lever::run {

/// The options of `lever run`, as typed.
struct RunRequest {
  std::string athlete;                ///< athlete ID
  std::string port;                   ///< --port (empty: LEVER_PORT, then the store's port)
  std::optional<int> pain_before;     ///< --pain-before N
  std::string program_file;           ///< --program FILE|- (empty: the plan or the command line)
  std::string support, speed, incline;///< --support PCT --speed KMH --incline PCT (text: units allowed)
  std::optional<double> minutes;      ///< --minutes N
  bool dry_run = false;               ///< --dry-run: print the program and the checks, touch no unit
  std::string allow_uncalibrated;     ///< --allow-uncalibrated REASON (audited)
  bool override_rest = false;         ///< --override-rest: run before the plan's rest days or beyond its sessions per week
  std::string reason;                 ///< --reason for --override-rest (audited)
  double sample_rate_hz = 1;          ///< --sample-rate: ndjson status events per second
  double telemetry_period_s = 1;      ///< --telemetry-period: seconds between stored samples
  int loop_hz = 20;                   ///< --loop-hz: control-loop rate (heartbeat rate)
};

/// Runs the whole command; throws Error with the documented exit code for every refusal or stop.
void run_command(Context& ctx, const RunRequest& req);

}  // namespace lever::run
