// The rows of the plan commands: stable machine field names (SI units in the names). Their table
// columns: cli/columns/plan.hpp.
#pragma once
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include "lever/plan/engine.hpp"
#include "lever/plan/knee_load.hpp"
#include "lever/plan/rest.hpp"

namespace lever::plan {

/// One `plan list` row: athlete, status, step, support, profile, template, review, latest decision
/// ("template" is the deprecated spelling of "template_id", written until 0.3.0).
nlohmann::json plan_list_row(const model::Plan& plan);

/// The plan header of `plan show`.
nlohmann::json plan_summary_row(const model::Plan& plan);

/// The steps with their estimated knee load per session and per week (reference-step equivalents;
/// null without a baseline cadence, which the step count needs).
std::vector<nlohmann::json> step_rows(const model::Plan& plan, const KneeLoadParams& params);

/// The document of `plan show --format json`: the plan header, the engine's rules (every rule
/// present, null where the engine's default applies) and the step rows.
nlohmann::json plan_document(const model::Plan& plan, const KneeLoadParams& params);

/// A history entry as an output row (`plan history`, suspend, resume, override): every field present,
/// null where the entry has none.
nlohmann::json history_row(const model::HistoryEntry& e);

/// The next session's prescription and the decision behind it. `rest` is the plan's rest and
/// frequency rules judged now (the "not before" day); `mass_kg` the athlete's current mass.
nlohmann::json next_row(const model::Plan& plan, const Evaluation& ev, const RestCheck& rest, double mass_kg);

}  // namespace lever::plan
