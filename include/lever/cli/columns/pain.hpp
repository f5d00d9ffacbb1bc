// The table columns of pain entries and their corrections (log-pain, athlete show, report pain).
#pragma once
#include <vector>

#include "lever/cli/output.hpp"

namespace lever {

/// Columns of pain listings.
const std::vector<Column>& pain_columns();

/// Columns of a correction record (log-pain --void / --amend).
const std::vector<Column>& correction_columns();

}  // namespace lever
