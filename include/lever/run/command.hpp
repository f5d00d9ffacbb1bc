// `lever run`: pre-flight, the session records, the control loop and the summary, for cmd/run.cpp.
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lever/model/session.hpp"
#include "lever/run/preflight.hpp"
#include "lever/run/program.hpp"
#include "lever/store/store.hpp"

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

/// What a run needs from the program around it: the store, who acts, and how results and messages
/// reach people (cli/run.hpp fills it in from the command line's context).
struct RunEnv {
  Store& store;               ///< the store the session is recorded in
  std::string user;           ///< who acts, for the records and the audit log
  bool ndjson = false;        ///< --format ndjson: status events go to stdout as the session runs
  bool live_display = false;  ///< a live status line on stderr (a terminal, no -q)
  std::function<void(const std::string&)> note;  ///< a note for people on stderr (dropped with -q)
  std::function<void(const std::string&)> warn;  ///< a warning on stderr
  /// Shows a dry run: the program (forces for `mass_kg`) and the pre-flight checks.
  std::function<void(const Program& program, const std::vector<Check>& checks, double mass_kg)> show_dry_run;
  /// Shows the summary of a finished session.
  std::function<void(const model::Session& session)> show_summary;
};

/// Checks what the request says on its own (the athlete ID; --override-rest goes with --reason);
/// Error(usage). Runs before the store is opened, so a mistyped command is told so first.
void check_request(const RunRequest& req);

/// Runs the whole command (check_request first); throws Error with the documented exit code for
/// every refusal or stop.
void run_command(const RunEnv& env, const RunRequest& req);

}  // namespace lever::run
