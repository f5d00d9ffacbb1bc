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

/// Rows of the template header in `plan template show` (table).
const std::vector<Column>& template_summary_columns();

/// Columns of a severity's step table in `plan template show` (table).
const std::vector<Column>& template_step_columns();

/// Columns of `plan template show --format csv`: every step of both ladders, one line each.
const std::vector<Column>& template_step_csv_columns();

/// Columns of a plan or template's validation problems (validate, import, template add).
const std::vector<Column>& validation_problem_columns();

/// Columns of `plan templates`.
const std::vector<Column>& template_columns();

}  // namespace lever::plan
