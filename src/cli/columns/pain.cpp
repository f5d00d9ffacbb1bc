#include "lever/cli/columns/pain.hpp"

namespace lever {

const std::vector<Column>& pain_columns() {
  static const std::vector<Column> cols = {
      {"at", "When felt", CellKind::time}, {"athlete_id", "Athlete"}, {"score", "Pain"},
      {"when", "Context"}, {"swelling", "Swelling"}, {"theatre_sign", "Theatre sign", CellKind::flag},
      {"session_id", "Session"}, {"note", "Note"}, {"id", "Entry"},
  };
  return cols;
}

const std::vector<Column>& correction_columns() {
  static const std::vector<Column> cols = {
      {"kind", "Correction"}, {"corrects", "Entry"}, {"score", "New score"}, {"reason", "Reason"},
      {"by", "By"}, {"logged_at", "Logged", CellKind::time}, {"id", "Record"},
  };
  return cols;
}

}  // namespace lever
