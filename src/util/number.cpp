#include "lever/util/number.hpp"

#include <charconv>
#include <cmath>

#include <fmt/format.h>

#include "lever/util/error.hpp"
#include "lever/util/text.hpp"

namespace lever {

namespace {

bool digit(char c) { return c >= '0' && c <= '9'; }

// Numbers in help texts and errors: no trailing zeros, no exponent for everyday values (2^53 too).
std::string show(double v) {
  if (std::isfinite(v) && std::floor(v) == v && std::fabs(v) <= 1e16) return fmt::format("{:.0f}", v);
  return fmt::format("{:g}", v);
}

}  // namespace

std::size_t decimal_prefix(std::string_view s) noexcept {
  std::size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  std::size_t int_digits = 0, frac_digits = 0;
  while (i < s.size() && digit(s[i])) ++i, ++int_digits;
  if (i < s.size() && s[i] == '.') {
    std::size_t j = i + 1;
    while (j < s.size() && digit(s[j])) ++j, ++frac_digits;
    if (int_digits + frac_digits > 0) i = j;
  }
  if (int_digits + frac_digits == 0) return 0;
  // An exponent counts only with its digits: "1e" is the number 1 followed by the word "e".
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    std::size_t j = i + 1;
    if (j < s.size() && (s[j] == '+' || s[j] == '-')) ++j;
    std::size_t exp_digits = 0;
    while (j < s.size() && digit(s[j])) ++j, ++exp_digits;
    if (exp_digits > 0) i = j;
  }
  return i;
}

std::optional<double> read_decimal(std::string_view s) noexcept {
  if (s.empty() || decimal_prefix(s) != s.size()) return std::nullopt;
  // from_chars takes no '+'; the grammar above already refused everything it would read as
  // special (nan, inf, hex), so it only ever sees a plain decimal here.
  if (s.front() == '+') s.remove_prefix(1);
  double v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || p != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

std::optional<long long> read_whole(std::string_view s) noexcept {
  // One optional sign, then digits only (from_chars would also take "-" after a "+" we removed).
  if (!s.empty() && s.front() == '+') {
    s.remove_prefix(1);
    if (s.empty() || !digit(s.front())) return std::nullopt;
  }
  if (s.empty() || !(digit(s.front()) || (s.front() == '-' && s.size() > 1 && digit(s[1])))) return std::nullopt;
  long long v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || p != s.data() + s.size()) return std::nullopt;
  return v;
}

std::string describe_range(const NumberRange& r) {
  std::string unit = r.unit.empty() ? "" : (r.unit == "%" ? " %" : " " + r.unit);
  if (r.lo < 0) return fmt::format("{} to {}{}", show(r.lo), show(r.hi), unit);
  return fmt::format("{}-{}{}", show(r.lo), show(r.hi), unit);
}

std::string range_problem(double v, const NumberRange& r) {
  std::string kind = r.whole ? "a whole number " : "";
  if (!std::isfinite(v) || v < r.lo || v > r.hi || (r.whole && std::floor(v) != v))
    return fmt::format("must be {}{} (found {})", kind, describe_range(r), show(v));
  return {};
}

std::string number_problem(std::string_view text, const NumberRange& r, double* out) {
  std::string kind = r.whole ? "a whole number " : "a number ";
  auto v = read_decimal(text);
  if (!v) return fmt::format("'{}' is not {}{}", escape_text(text), kind, describe_range(r));
  // A count is written as one: "3.0" or "3e0" would be read differently by other tools.
  if (r.whole && !read_whole(text)) return fmt::format("must be a whole number {} (found {})", describe_range(r), escape_text(text));
  if (auto why = range_problem(*v, r); !why.empty()) return why;
  if (out) *out = *v;
  return {};
}

double parse_in_range(std::string_view text, std::string_view what, const NumberRange& r) {
  double v = 0;
  if (auto why = number_problem(text, r, &v); !why.empty())
    throw Error(Exit::usage, fmt::format("{}: {}", what, why), fmt::format("give {} {}", r.whole ? "a whole number" : "a number",
                                                                        describe_range(r)));
  return v;
}

}  // namespace lever
