#include "lever/cli/columns/athletes.hpp"

namespace lever {

const std::vector<Column>& athlete_list_columns() {
  static const std::vector<Column> cols = {
      {"id", "ID"},
      {"name", "Name"},
      {"mass_kg", "Mass", CellKind::mass_kg},
      {"cadence_spm", "Cadence"},
      {"side", "Side"},
      {"flags", "Flags"},
  };
  return cols;
}

const std::vector<Column>& athlete_show_columns() {
  static const std::vector<Column> cols = {
      {"id", "ID"},
      {"name", "Name"},
      {"mass_kg", "Mass", CellKind::mass_kg},
      {"cadence_spm", "Cadence (steps/min)"},
      {"side", "Affected side"},
      {"baseline_pain", "Baseline pain"},
      {"flags", "Flags"},
      {"blocked", "Runs blocked"},
      {"note", "Note"},
      {"created_at", "Created", CellKind::time},
      {"updated_at", "Updated", CellKind::time},
  };
  return cols;
}

}  // namespace lever
