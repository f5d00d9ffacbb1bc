// What `lever unit info` and `lever unit watch` do with a unit, callable without the command line.
#pragma once
#include <functional>
#include <optional>

#include <nlohmann/json.hpp>

#include "lever/device/unit.hpp"
#include "lever/store/store.hpp"

namespace lever::device {

/// What `unit info` learned about a unit.
struct UnitInfo {
  nlohmann::json doc;           ///< the unit document recorded in units/<id>.json
  std::optional<Status> status; ///< the first status within a second, if one came
};

/// Reads the unit's identity, its calibration (when lever can drive it) and its first status within
/// a second, and records the unit document in the store.
UnitInfo inspect_unit(Unit& unit, Store& store);

/// When a status watch stops (the first limit reached; none set = until a stop signal).
struct WatchOptions {
  /// A status rate to ask of the unit; none: listen at the rate it streams. Asking is a command,
  /// and every command feeds the unit's watchdog (lever-protocol(7)), so a status tool that only
  /// listens can never keep a belt running whose controlling host has died.
  std::optional<int> status_hz;
  long count = 0;      ///< stop after this many statuses (0: no limit)
  double seconds = 0;  ///< stop after this long on the unit's clock (0: no limit)
};

/// Sets the status rate (if asked) and hands each status to `on_status` until a limit of `opt`, a stop signal
/// (install_stop_signals first), or `on_status` returning false (its reader went away).
void watch(Unit& unit, const WatchOptions& opt, const std::function<bool(const Status&)>& on_status);

}  // namespace lever::device
