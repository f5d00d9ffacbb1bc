// Helpers for the code that runs sessions and calibrations and shows their records: an optional
// field as a value of an output row, and the relation between two closed sets (a programme phase's
// kind is where a session stopped when it stopped in that phase).
#pragma once
#include <optional>

#include <nlohmann/json.hpp>

#include "lever/model/vocab.hpp"

namespace lever::model {

/// An optional field as a value of an output row or event: the value, or null when empty.
template <class T>
nlohmann::json or_null(const std::optional<T>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

/// The stop phase of a session that stopped during a phase of this kind.
constexpr StopPhase stop_phase_of(PhaseKind k) {
  switch (k) {
    case PhaseKind::warm_up: return StopPhase::warm_up;
    case PhaseKind::run: return StopPhase::run;
    case PhaseKind::walk: return StopPhase::walk;
    case PhaseKind::cool_down: return StopPhase::cool_down;
  }
  return StopPhase::run;
}

}  // namespace lever::model
