// The one number reader: every number lever reads (options, imports, programs, port strings) goes
// through it, so nan, inf, 1e999, hex floats and trailing junk are refused everywhere alike.
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace lever {

/// The closed range a number must fall in, and whether it must be whole.
struct NumberRange {
  /// A range [lo, hi], whole numbers only when `whole`, with the unit its numbers are in.
  NumberRange(double lo_, double hi_, bool whole_ = false, std::string unit_ = {})
      : lo(lo_), hi(hi_), whole(whole_), unit(std::move(unit_)) {}
  double lo = 0;        ///< smallest value allowed
  double hi = 0;        ///< largest value allowed
  bool whole = false;   ///< only whole numbers (a count, a score, a rate in Hz)
  std::string unit;     ///< unit named after the range in help and errors ("N", "min"); may be empty
};

/// Length of the longest prefix of `text` written as a plain decimal number:
/// [+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?. 0 when there is none.
std::size_t decimal_prefix(std::string_view text) noexcept;

/// Reads `text` (all of it) as a finite decimal number; nullopt for anything else: empty text,
/// spaces, nan, inf, 1e999, hex (0x1p3), digit separators, trailing junk.
std::optional<double> read_decimal(std::string_view text) noexcept;

/// Reads `text` (all of it) as a whole number, [+-]?digits, that fits a long long; nullopt otherwise.
std::optional<long long> read_whole(std::string_view text) noexcept;

/// The range as people read it in help texts and errors: "0-10", "0.01-240 min", "-1000 to 1000 N".
std::string describe_range(const NumberRange& r);

/// Why `text` is not a number in `r` (empty when it is one); the value is stored in `out` when given.
std::string number_problem(std::string_view text, const NumberRange& r, double* out = nullptr);

/// Why a value already read is outside `r` (empty when inside): "must be 0-10 (found 11)".
std::string range_problem(double value, const NumberRange& r);

/// Reads an option's number and checks its range; throws Error(usage) naming `what` and the range.
double parse_in_range(std::string_view text, std::string_view what, const NumberRange& r);

}  // namespace lever
