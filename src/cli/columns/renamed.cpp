#include "lever/cli/columns/renamed.hpp"

namespace lever {

const std::vector<RenamedField>& renamed_fields() {
  static const std::vector<RenamedField> fields = {
      {"template_id", "template"},  // plan list, plan show/new/import: a reference is <kind>_id
  };
  return fields;
}

std::vector<Column> columns_for(Format format, const std::vector<Column>& cols) {
  if (format == Format::table) return cols;
  std::vector<Column> out;
  for (const auto& c : cols) {
    out.push_back(c);
    for (const auto& r : renamed_fields())
      if (c.key == r.key) out.push_back({std::string(r.old_key), c.header, c.kind});
  }
  return out;
}

}  // namespace lever
