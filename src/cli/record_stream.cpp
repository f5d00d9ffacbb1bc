#include "lever/cli/record_stream.hpp"

#include <ostream>

#include <fmt/format.h>

namespace lever {

using nlohmann::json;

namespace {

// A live table is read while it scrolls: fixed-width right-aligned cells, the header every 20 rows.
constexpr int kCellWidth = 11;
constexpr long kHeaderEvery = 20;

}  // namespace

RecordStream::RecordStream(const Printer& printer, std::ostream& out, bool terminal, std::vector<Column> table_cols)
    : printer_(printer), out_(out), format_(printer.options().format), cols_(std::move(table_cols)) {
  if (format_ == Format::table && !terminal) format_ = Format::ndjson;
}

bool RecordStream::add(const json& row) {
  switch (format_) {
    case Format::table: {
      if (rows_++ % kHeaderEvery == 0) {
        for (const auto& c : cols_) out_ << fmt::format("{:>{}}", c.header, kCellWidth);
        out_ << '\n';
      }
      for (const auto& c : cols_) {
        auto it = row.find(c.key);
        out_ << fmt::format("{:>{}}", printer_.cell(c, it == row.end() ? json() : *it), kCellWidth);
      }
      out_ << std::endl;
      break;
    }
    case Format::csv:
      if (rows_++ == 0) {
        // Every field, in the first record's order: the stream's columns are known once it starts.
        cols_.clear();
        for (auto it = row.begin(); it != row.end(); ++it) cols_.push_back({it.key(), it.key()});
        out_ << csv_header(cols_) << "\r\n";
      }
      out_ << csv_row(cols_, row) << "\r\n" << std::flush;
      break;
    case Format::ndjson: out_ << row.dump() << '\n' << std::flush; break;
    case Format::json: all_.push_back(row); break;
  }
  return static_cast<bool>(out_);
}

void RecordStream::finish() {
  if (format_ == Format::json) out_ << json(all_).dump(2) << '\n';
}

}  // namespace lever
