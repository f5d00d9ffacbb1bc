// Records written one at a time as they arrive (a live status stream), in the format of --format.
#pragma once
#include <iosfwd>
#include <vector>

#include <nlohmann/json.hpp>

#include "lever/cli/output.hpp"

namespace lever {

/// Writes each record as it arrives and flushes it: on a terminal an aligned table whose header
/// repeats every 20 rows, and one JSON object per line when the table is not for a person; csv rows
/// under one header line; json collects and writes one array at the end.
class RecordStream {
public:
  /// Writes to `out` (the printer's stream) in the printer's format and units; `terminal`: `out` is
  /// a terminal. `table_cols` are the table's columns; csv carries every field of the records.
  RecordStream(const Printer& printer, std::ostream& out, bool terminal, std::vector<Column> table_cols);
  /// Writes one record; false once the stream has failed (the reader went away, e.g. `| head`).
  bool add(const nlohmann::json& row);
  /// Ends the stream: writes the json array (other formats are already complete).
  void finish();

private:
  const Printer& printer_;
  std::ostream& out_;
  Format format_;
  std::vector<Column> cols_;
  long rows_ = 0;
  std::vector<nlohmann::json> all_;
};

}  // namespace lever
