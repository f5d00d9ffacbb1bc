// Time stamps: ISO 8601 with offsets for storage and output, and the forms people type.
#pragma once
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace lever {

/// A wall-clock instant (millisecond resolution is kept where the source had it).
using TimePoint = std::chrono::system_clock::time_point;

/// The current wall-clock time.
TimePoint now();

/// Formats t as ISO 8601 in the local time zone with its offset, e.g. "2026-11-25T14:56:57+01:00".
std::string format_iso(TimePoint t);

/// Formats t as ISO 8601 with milliseconds and offset, for telemetry.
std::string format_iso_ms(TimePoint t);

/// Formats the local calendar date of t, e.g. "2026-11-25".
std::string format_date(TimePoint t);

/// Parses ISO 8601 (date, date-time, optional seconds/fraction, Z or +hh:mm; no offset = local time).
/// Returns nullopt when s is not such a time stamp or names an impossible date.
std::optional<TimePoint> parse_iso(std::string_view s);

/// Parses what a person types for a time: "now", a relative form ("-24h", "-30m", "-2d", "-1w"),
/// or ISO 8601. Throws Error(usage) naming the problem; relative forms count back from `reference`.
TimePoint parse_user_time(std::string_view s, TimePoint reference);

/// Parses a duration such as "30s", "25m", "1h30m", "90" (minutes when no unit); throws Error(usage).
std::chrono::seconds parse_duration(std::string_view s);

}  // namespace lever
