// An RFC 4180 CSV reader that remembers the line each record starts on (for error reports).
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace lever {

/// One CSV record and the 1-based line it starts on.
struct CsvRecord {
  long line = 0;                    ///< line number where the record starts
  std::vector<std::string> fields;  ///< the unquoted fields
};

/// Splits CSV text into records (quoted fields may hold commas, quotes and newlines; CRLF or LF).
/// Throws Error(invalid_data) naming the line of an unterminated quoted field.
std::vector<CsvRecord> parse_csv(std::string_view text);

}  // namespace lever
