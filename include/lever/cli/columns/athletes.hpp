// The table columns of athlete records (`athlete list`, `athlete show`); the rows are built by
// store/athletes.hpp.
#pragma once
#include <vector>

#include "lever/cli/output.hpp"

namespace lever {

/// Columns of `athlete list`.
const std::vector<Column>& athlete_list_columns();

/// Rows of `athlete show` (one record).
const std::vector<Column>& athlete_show_columns();

}  // namespace lever
