// How plans are shown: stable machine field names (SI units in the names) and table columns.
#pragma once
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include "lever/cli/output.hpp"
#include "lever/plan/engine.hpp"
#include "lever/plan/knee_load.hpp"
#include "lever/plan/rest.hpp"

namespace lever::plan {

/// Columns of `plan list`.
const std::vector<Column>& plan_list_columns();
/// One `plan list` row: athlete, status, step, support, profile, template, review, latest decision.
nlohmann::json plan_list_row(const model::Plan& plan);

/// Columns of the plan header in `plan show`.
const std::vector<Column>& plan_summary_columns();
/// The plan header of `plan show`.
nlohmann::json plan_summary_row(const model::Plan& plan);

/// Columns of the step table in `plan show`.
const std::vector<Column>& step_columns();
/// The steps with their estimated knee load per session and per week (reference-step equivalents;
/// null without a baseline cadence, which the step count needs).
std::vector<nlohmann::json> step_rows(const model::Plan& plan, const KneeLoadParams& params);

/// Columns of `plan history`.
const std::vector<Column>& history_columns();

/// Columns of `plan next`.
const std::vector<Column>& next_columns();
/// The next session's prescription and the decision behind it. `rest` is the plan's rest and
/// frequency rules judged now (the "not before" day); `mass_kg` the athlete's current mass.
nlohmann::json next_row(const model::Plan& plan, const Evaluation& ev, const RestCheck& rest, double mass_kg);

}  // namespace lever::plan
