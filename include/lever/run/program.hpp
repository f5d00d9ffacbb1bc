// Session programs for `lever run`: the phases a session drives (warm-up walk, run/walk intervals,
// cool-down), built from a plan step, from the command line, or from a clinician's program document
// (schemas/program.schema.json). Pure: no store or unit access, so every rule is unit-tested.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lever/device/protocol.hpp"
#include "lever/model/plan.hpp"
#include "lever/model/session.hpp"
#include "lever/util/json_schema.hpp"

namespace lever::run {

/// One phase of a session at constant targets (the loop ramps between phases within slew limits);
/// running phases count for load.
using Phase = model::Phase;

/// A whole session program.
struct Program {
  std::string source;           ///< "plan", "command line" or the program file name
  std::string name;             ///< a title for people
  std::optional<int> plan_step; ///< the plan step it runs (plan sessions only)
  std::vector<Phase> phases;    ///< in order
  /// Total planned duration, s.
  double total_s() const;
  /// Planned belt distance, km.
  double distance_km() const;
};

/// Warm-up and cool-down walks lever adds around a plan step's intervals (lever's choice, 3 min each).
inline constexpr double kWarmupS = 180;

/// Builds the program of one plan step: a warm-up walk, run/walk cycles for duration_min (the last
/// cycle cut at the end), and a cool-down walk, all at the step's support.
Program program_from_step(const model::PlanStep& step);

/// A single constant phase from the command line (--support --speed --incline --minutes).
Program program_from_args(double support_pct, double speed_kmh, double incline_pct, double minutes);

/// Problems of a program document against schemas/program.schema.json plus consistency, with JSON Pointers.
std::vector<SchemaIssue> program_problems(const nlohmann::json& doc);

/// Parses a program document; Error(invalid_data) listing each problem with its JSON Pointer in `what`.
Program program_from_json(const nlohmann::json& doc, const std::string& what);

/// The program as the session document stores it.
model::Program program_record(const Program& p);

/// The same as JSON (for --dry-run output).
nlohmann::json program_json(const Program& p);

/// The commanded support of a session: the highest support of its running phases (else the first phase).
std::optional<double> session_support_pct(const Program& program);

}  // namespace lever::run
