// Fault injection for the simulator: a script such as "estop@30s,drift=5%@60s,drop=0.01", parsed
// once and replayed identically from a seed (lever-protocol(7), "SIMULATOR").
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace lever::sim {

/// The faults the simulator can inject.
enum class FaultKind {
  drop,          ///< each frame (both directions) is lost with probability `value`
  corrupt,       ///< each frame has one byte flipped with probability `value`
  dup,           ///< each unit frame is sent twice with probability `value`
  delay,         ///< each unit frame is held back 20-200 ms with probability `value`
  silence,       ///< the unit sends nothing for `duration_s`
  link_timeout,  ///< host frames never reach the unit for `duration_s`
  stall,         ///< the support actuator stops moving
  drift,         ///< delivered support drifts away from target by `value` (fraction) over 2 s
  sensor,        ///< the second load cell reads `value` (fraction) high
  noise,         ///< both load cells pick up extra noise of `value` N (1 sigma) for `duration_s`
  overload,      ///< an external load brings the harness force to `value` x max force for 0.5 s
  estop,         ///< the hardware e-stop is pressed for `duration_s`
  key,           ///< the safety key is pulled for `duration_s`
  overspeed,     ///< the belt runs away above its command
  wdreset,       ///< the firmware watchdog restarts the unit
  disconnect,    ///< the unit drops the link (pty closed, TCP closed, in-process: link lost)
  config,        ///< the unit reports another message-table checksum from boot
  proto,         ///< the unit reports protocol version `value` from boot
};

/// One scripted fault.
struct FaultEvent {
  FaultKind kind;          ///< what
  double value = 0;        ///< probability, fraction or version, per kind
  double at_s = 0;         ///< unit time it starts, seconds since the simulator started
  double duration_s = 0;   ///< how long it lasts where that applies
};

/// A parsed fault script.
struct FaultPlan {
  std::vector<FaultEvent> events;  ///< in script order
  /// True when the plan holds an event of this kind.
  bool has(FaultKind k) const;
};

/// Parses "name[=value][@time],..." (time: 30s, 1.5s, 500ms, 2m); throws Error(usage) naming the item.
FaultPlan parse_faults(const std::string& spec);

/// The script names, for help texts and error hints.
std::string fault_names_help();

}  // namespace lever::sim
