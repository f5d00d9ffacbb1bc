#include "lever/cli/output.hpp"

#include <algorithm>
#include <ostream>

#include <fmt/format.h>

#include "lever/util/error.hpp"
#include "lever/util/text.hpp"

namespace lever {

using nlohmann::json;

Format parse_format(const std::string& s) {
  if (s == "table") return Format::table;
  if (s == "json") return Format::json;
  if (s == "ndjson") return Format::ndjson;
  if (s == "csv") return Format::csv;
  throw Error(Exit::usage, fmt::format("unknown output format '{}'", s), "use table, json, ndjson or csv");
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) {
    if (c == '"') q += "\"\"";
    else q += c;
  }
  return q + "\"";
}

std::string csv_text(const json& v) {
  if (v.is_null()) return "";
  if (v.is_string()) return neutralise_csv_cell(v.get<std::string>());
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  return v.dump();
}

namespace {

// Display width of UTF-8 text (counts code points; good enough for names and units).
size_t width(const std::string& s) {
  return static_cast<size_t>(std::count_if(s.begin(), s.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

std::string pad(const std::string& s, size_t w) { return s + std::string(w > width(s) ? w - width(s) : 0, ' '); }

const json& field(const json& row, const std::string& key) {
  static const json null_value;
  if (!row.is_object()) return null_value;
  auto it = row.find(key);
  return it == row.end() ? null_value : *it;
}

// A machine-format row with every column's field present: a field the row lacks is written as null,
// so a script sees the same fields in every row and every state (lever(1), OUTPUT).
json complete(const std::vector<Column>& cols, const json& row) {
  if (!row.is_object()) return row;
  json full = row;
  for (const auto& c : cols)
    if (!full.contains(c.key)) full[c.key] = nullptr;
  return full;
}

}  // namespace

std::string csv_header(const std::vector<Column>& cols) {
  std::string line;
  for (size_t i = 0; i < cols.size(); ++i) line += (i ? "," : "") + csv_field(cols[i].key);
  return line;
}

std::string csv_row(const std::vector<Column>& cols, const json& row) {
  std::string line;
  for (size_t i = 0; i < cols.size(); ++i) line += (i ? "," : "") + csv_field(csv_text(field(row, cols[i].key)));
  return line;
}

Printer::Printer(OutputOptions opts, std::ostream& out) : opts_(opts), out_(out) {}

std::string Printer::cell(const Column& col, const json& v) const {
  if (v.is_null()) return "-";
  if (v.is_array()) {
    std::string s;
    for (const auto& e : v) s += (s.empty() ? "" : ", ") + (e.is_string() ? escape_text(e.get<std::string>()) : e.dump());
    return s.empty() ? "-" : s;
  }
  if (v.is_boolean()) return v.get<bool>() ? "yes" : "no";
  if (v.is_number()) {
    double d = v.get<double>();
    switch (col.kind) {
      case CellKind::mass_kg: return show_mass(d, opts_.units);
      case CellKind::speed_kmh: return show_speed(d, opts_.units);
      case CellKind::force_n:
        return opts_.units == UnitSystem::imperial ? fmt::format("{:.1f} lbf", d / kNewtonPerLbf)
                                                   : fmt::format("{:.1f} N", d);
      case CellKind::percent: return fmt::format("{:.1f} %", d);
      case CellKind::decimal1: return fmt::format("{:.1f}", d);
      case CellKind::decimal2: return fmt::format("{:.2f}", d);
      default: return v.dump();
    }
  }
  if (v.is_string()) {
    std::string s = v.get<std::string>();
    if (col.kind == CellKind::time && s.size() >= 16) s = s.substr(0, 10) + " " + s.substr(11, 5);
    // Names, notes and phase names are shown, never obeyed: ESC, BEL, CR become visible escapes.
    return escape_text(s);
  }
  return escape_text(v.dump());
}

void Printer::records(const std::vector<Column>& cols, const std::vector<json>& rows) {
  switch (opts_.format) {
    case Format::json: {
      json arr = json::array();
      for (const auto& r : rows) arr.push_back(complete(cols, r));
      out_ << arr.dump(2) << '\n';
      return;
    }
    case Format::ndjson:
      for (const auto& r : rows) out_ << complete(cols, r).dump() << '\n';
      return;
    case Format::csv:
      out_ << csv_header(cols) << "\r\n";
      for (const auto& r : rows) out_ << csv_row(cols, r) << "\r\n";
      return;
    case Format::table: break;
  }
  std::vector<std::vector<std::string>> cells;
  std::vector<size_t> w(cols.size());
  for (size_t i = 0; i < cols.size(); ++i) w[i] = width(cols[i].header);
  for (const auto& r : rows) {
    auto& line = cells.emplace_back();
    for (size_t i = 0; i < cols.size(); ++i) {
      line.push_back(cell(cols[i], field(r, cols[i].key)));
      w[i] = std::max(w[i], width(line.back()));
    }
  }
  auto emit = [&](const std::vector<std::string>& line, bool header) {
    std::string s;
    for (size_t i = 0; i < line.size(); ++i) s += (i ? "  " : "") + (i + 1 == line.size() ? line[i] : pad(line[i], w[i]));
    if (header && opts_.color) s = "\033[1m" + s + "\033[0m";
    out_ << s << '\n';
  };
  std::vector<std::string> head;
  for (const auto& c : cols) head.push_back(c.header);
  emit(head, true);
  for (const auto& line : cells) emit(line, false);
  if (rows.empty()) out_ << "(none)\n";
}

void Printer::record(const std::vector<Column>& cols, const json& row) {
  switch (opts_.format) {
    case Format::json: out_ << complete(cols, row).dump(2) << '\n'; return;
    case Format::ndjson: out_ << complete(cols, row).dump() << '\n'; return;
    case Format::csv: records(cols, {row}); return;
    case Format::table: break;
  }
  size_t w = 0;
  for (const auto& c : cols) w = std::max(w, width(c.header));
  for (const auto& c : cols) {
    std::string h = pad(c.header + ":", w + 1);
    if (opts_.color) h = "\033[1m" + h + "\033[0m";
    out_ << h << ' ' << cell(c, field(row, c.key)) << '\n';
  }
}

void Printer::heading(const std::string& title) {
  if (!is_table()) return;
  std::string t = escape_text(title);
  out_ << '\n' << (opts_.color ? "\033[1m" + t + "\033[0m" : t) << '\n';
}

void Printer::json_value(const json& v) {
  if (opts_.format == Format::ndjson) out_ << v.dump() << '\n';
  else out_ << v.dump(2) << '\n';
}

}  // namespace lever
