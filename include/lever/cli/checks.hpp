// Command-line checks shared by every subcommand: the number rule (finite, in a stated range) and
// the text rule (valid UTF-8; no control characters outside free text), both enforced by CLI11
// while parsing, so a bad value is exit 2 naming the option before anything runs.
#pragma once
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "lever/util/number.hpp"

namespace lever {

/// How an option's text is read before its range is checked.
enum class Quantity {
  number,     ///< a plain decimal number (or a whole one, per NumberRange::whole)
  mass_kg,    ///< a mass: 75, 75kg, 165lb (the range is in kg)
  speed_kmh,  ///< a speed: 8, 8kmh, 5mph (the range is in km/h)
  percent,    ///< a percentage: 15 or 15% (the range is in %)
};

/// Reads `text` as the quantity `q` in its range's unit (kg, km/h, %); throws Error(usage) naming
/// `what` (the option) when it is not one.
double read_quantity(std::string_view text, std::string_view what, Quantity q);

/// Declares `opt` a number in `range`: the range is appended to its help text, and anything else
/// (nan, inf, 1e999, hex, trailing junk, out of range) is refused while parsing: exit 2 naming the
/// option and the range. Returns `opt` for chaining.
CLI::Option* number_in(CLI::Option* opt, const NumberRange& range, Quantity q = Quantity::number);

/// "a|b|c": how an option's type name lists the members of a closed set.
std::string choice_list(const std::vector<std::string>& names);

/// Restricts `opt` to the spellings `names` of a closed set (the registry's: model/vocab.hpp), refused
/// otherwise while parsing (exit 2), and lists them as its type name. Returns `opt` for chaining.
CLI::Option* one_of(CLI::Option* opt, const std::vector<std::string>& names);

/// True for options that hold free text (notes, reasons: type name TEXT or REASON).
bool is_free_text(const CLI::Option& opt);

/// Applies the text rule to every option and positional of `app` and its subcommands: values must
/// be valid UTF-8, and hold no control characters unless the option is free text.
void apply_text_rule(CLI::App& app);

}  // namespace lever
