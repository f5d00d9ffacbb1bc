// Output fields renamed in 0.2.0 (issue #15): the old name is still written beside the new one, with
// the same value, until 0.3.0 (product.md: a deprecation path; NEWS says so).
#pragma once
#include <string_view>
#include <vector>

#include "lever/cli/output.hpp"

namespace lever {

/// A renamed output field: its key now and the deprecated key it replaces.
struct RenamedField {
  std::string_view key;      ///< the current name
  std::string_view old_key;  ///< the deprecated name, written too until 0.3.0
};

/// Every renamed field of the record commands' outputs.
const std::vector<RenamedField>& renamed_fields();

/// The columns a format prints: for a machine format each renamed column is followed by one under its
/// old key (its CSV header keeps the old field); a table shows each value once.
std::vector<Column> columns_for(Format format, const std::vector<Column>& cols);

}  // namespace lever
