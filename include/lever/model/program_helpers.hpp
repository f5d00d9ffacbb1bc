// A programme file (`lever run --program FILE|-`, schemas/program.schema.json) as the clinician wrote
// it: read once, after the schema has accepted it, into these types; run/program.cpp fills in what a
// phase leaves out (its name) and turns it into the programme a session drives.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lever/model/vocab.hpp"

namespace lever::model {

/// One phase of a programme file.
struct ProgramFilePhase {
  std::optional<std::string> name;           ///< a name for people; empty when the file gives none
  PhaseKind kind = PhaseKind::run;           ///< warm-up, run, walk or cool-down (the schema's default: run)
  double duration_s = 0;                     ///< how long it lasts, s
  double support_pct = 0;                    ///< support, % of body weight
  double speed_kmh = 0;                      ///< belt speed, km/h
  double incline_pct = 0;                    ///< incline, % grade (default 0; never negative)
  std::optional<double> cadence_target_spm;  ///< cadence target, steps/min; empty (or null in the file) when none
};

/// A programme file.
struct ProgramFile {
  std::optional<std::string> name;       ///< a title for people; empty when the file gives none
  std::vector<ProgramFilePhase> phases;  ///< in order (at least one)
};

/// Reads a phase of a programme file (validated against its schema first).
void from_json(const nlohmann::json& j, ProgramFilePhase& v);
/// Reads a programme file (validated against its schema first).
void from_json(const nlohmann::json& j, ProgramFile& v);

}  // namespace lever::model
