// The table columns of the plan commands (list, show, next, history, templates); their rows are
// built by plan/view.hpp and plan/templates.hpp.
#pragma once
#include <vector>

#include "lever/cli/output.hpp"

namespace lever::plan {

/// Columns of `plan list`.
const std::vector<Column>& plan_list_columns();

/// Columns of the plan header in `plan show`.
const std::vector<Column>& plan_summary_columns();

/// Columns of the step table in `plan show`.
const std::vector<Column>& step_columns();

/// Columns of `plan history`.
const std::vector<Column>& history_columns();

/// Columns of `plan next`.
const std::vector<Column>& next_columns();

/// Columns of `plan templates`.
const std::vector<Column>& template_columns();

}  // namespace lever::plan
