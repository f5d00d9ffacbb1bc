// A stored time stamp: the instant the code compares, and the text as stored (with the offset it was
// written in), so that a record read and written again keeps the stamp exactly.
#pragma once
#include <string>

#include <nlohmann/json.hpp>

#include "lever/util/time.hpp"

namespace lever::model {

/// An instant as stored (ISO 8601 with offset) and as the code compares it.
struct Instant {
  std::string text;  ///< the stored text, e.g. "2026-11-25T14:56:57+01:00"
  TimePoint at{};    ///< the instant it names

  /// The instant t written in the local time zone (format_iso).
  static Instant of(TimePoint t) { return {format_iso(t), t}; }
  /// Equal when they name the same text.
  bool operator==(const Instant& o) const { return text == o.text; }
};

/// Writes the stored text.
void to_json(nlohmann::json& j, const Instant& v);
/// Reads ISO 8601 text (the schema's date-time format: a string parse_iso cannot read is a programming
/// error here, since documents are validated first).
void from_json(const nlohmann::json& j, Instant& v);

}  // namespace lever::model
