#include "lever/util/units.hpp"

#include <cctype>
#include <cmath>
#include <string>

#include <fmt/format.h>

#include "lever/util/error.hpp"
#include "lever/util/number.hpp"
#include "lever/util/text.hpp"

namespace lever {

namespace {

// Splits "75.5 kg" into a number and a lower-cased unit suffix; nullopt-like via ok flag.
struct Split {
  bool ok = false;
  double value = 0;
  std::string unit;
};

// The number goes through the one number reader (lever/util/number.hpp): nan, inf, 1e999 and hex
// are refused here as everywhere; what follows it is the unit.
Split split(std::string_view text) {
  Split r;
  size_t i = 0;
  while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
  text.remove_prefix(i);
  size_t n = decimal_prefix(text);
  auto v = read_decimal(text.substr(0, n));
  if (!v) return r;
  r.value = *v;
  for (char c : text.substr(n))
    if (!std::isspace(static_cast<unsigned char>(c)))
      r.unit.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  r.ok = true;
  return r;
}

[[noreturn]] void bad(std::string_view what, std::string_view text, std::string_view accepted) {
  throw Error(Exit::usage, fmt::format("{}: cannot read '{}' as a {}", what, escape_text(text), accepted),
              fmt::format("write a number with an optional unit, e.g. {}",
                          accepted == "mass"    ? "75, 75kg or 165lb"
                          : accepted == "speed" ? "10, 10kmh or 6mph"
                                                : "15 or 15%"));
}

}  // namespace

double parse_mass_kg(std::string_view text, std::string_view what) {
  auto s = split(text);
  if (!s.ok) bad(what, text, "mass");
  if (s.unit.empty() || s.unit == "kg" || s.unit == "kgs") return s.value;
  if (s.unit == "lb" || s.unit == "lbs") return s.value * kKgPerLb;
  bad(what, text, "mass");
}

double parse_speed_kmh(std::string_view text, std::string_view what) {
  auto s = split(text);
  if (!s.ok) bad(what, text, "speed");
  if (s.unit.empty() || s.unit == "kmh" || s.unit == "km/h" || s.unit == "kph") return s.value;
  if (s.unit == "mph") return s.value * kKmPerMile;
  bad(what, text, "speed");
}

double parse_percent(std::string_view text, std::string_view what) {
  auto s = split(text);
  if (!s.ok || !(s.unit.empty() || s.unit == "%")) bad(what, text, "percentage");
  return s.value;
}

double parse_number(std::string_view text, std::string_view what) {
  auto s = split(text);
  if (!s.ok || !s.unit.empty())
    throw Error(Exit::usage, fmt::format("{}: '{}' is not a number", what, escape_text(text)));
  return s.value;
}

std::string show_mass(double kg, UnitSystem u) {
  return u == UnitSystem::imperial ? fmt::format("{:.1f} lb", kg / kKgPerLb) : fmt::format("{:.1f} kg", kg);
}

std::string show_speed(double kmh, UnitSystem u) {
  return u == UnitSystem::imperial ? fmt::format("{:.1f} mph", kmh / kKmPerMile)
                                   : fmt::format("{:.1f} km/h", kmh);
}

}  // namespace lever
