// Rendering of command results: aligned tables for people, json/ndjson/csv for scripts.
// Data goes to stdout only; everything else (notes, warnings) goes to stderr.
#pragma once
#include <iosfwd>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lever/util/units.hpp"

namespace lever {

/// The output formats every command offers (product.md).
enum class Format { table, json, ndjson, csv };

/// Parses "table", "json", "ndjson" or "csv"; throws Error(usage).
Format parse_format(const std::string& s);

/// How a table cell shows a value (machine formats always carry the raw SI value).
enum class CellKind {
  text,      ///< strings as they are; numbers as given
  mass_kg,   ///< a mass, shown in kg or lb per --units
  speed_kmh, ///< a speed, shown in km/h or mph per --units
  force_n,   ///< a force, shown in N or lbf per --units
  percent,   ///< a percentage with one decimal
  decimal1,  ///< a number with one decimal
  decimal2,  ///< a number with two decimals
  time,      ///< an ISO 8601 time stamp, shortened to "YYYY-MM-DD HH:MM" in tables
  flag,      ///< a boolean shown as yes/no
};

/// One column of a record listing: the stable machine field name and the human header.
struct Column {
  std::string key;                ///< field name in json/ndjson/csv (stable, SI units in the name)
  std::string header;             ///< table header for people
  CellKind kind = CellKind::text; ///< how a table shows the value
};

/// Settings that decide how results are rendered.
struct OutputOptions {
  Format format = Format::table;         ///< --format
  bool color = false;                    ///< colour allowed (TTY, no NO_COLOR, no --no-color)
  UnitSystem units = UnitSystem::metric; ///< --units, for tables only
};

/// Writes command results to one stream in the chosen format.
class Printer {
public:
  /// Renders to `out` (normally std::cout) with the given options.
  Printer(OutputOptions opts, std::ostream& out);
  /// A list of records: table rows, a JSON array, one JSON object per line, or CSV with a header.
  void records(const std::vector<Column>& cols, const std::vector<nlohmann::json>& rows);
  /// One record: "header: value" lines in a table, the whole object in json/ndjson, one CSV row.
  void record(const std::vector<Column>& cols, const nlohmann::json& row);
  /// A heading between table sections (tables only; ignored by machine formats).
  void heading(const std::string& title);
  /// A raw JSON value in json/ndjson formats (for nested documents).
  void json_value(const nlohmann::json& v);
  /// True when the format is the human table.
  bool is_table() const { return opts_.format == Format::table; }
  /// The active options.
  const OutputOptions& options() const { return opts_; }
  /// Renders one value as a table cell (control characters in text shown as visible escapes).
  std::string cell(const Column& col, const nlohmann::json& v) const;

private:
  OutputOptions opts_;
  std::ostream& out_;
};

/// Quotes one CSV field per RFC 4180 (only when it holds a comma, quote, CR or LF).
std::string csv_field(const std::string& s);

/// The CSV header line of a listing: the columns' keys, quoted as needed (no line end).
std::string csv_header(const std::vector<Column>& cols);

/// One CSV line of a record: each column's field as csv_text, quoted as needed (no line end).
std::string csv_row(const std::vector<Column>& cols, const nlohmann::json& row);

/// Turns a JSON value into CSV cell text (strings as they are, but one a spreadsheet would run as a
/// formula gets a leading single quote; null empty; numbers and others as JSON).
std::string csv_text(const nlohmann::json& v);

}  // namespace lever
