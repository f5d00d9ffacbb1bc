#include "lever/cli/checks.hpp"

#include <fmt/format.h>

#include "lever/util/error.hpp"
#include "lever/util/text.hpp"
#include "lever/util/units.hpp"

namespace lever {

double read_quantity(std::string_view text, std::string_view what, Quantity q) {
  switch (q) {
    case Quantity::mass_kg: return parse_mass_kg(text, what);
    case Quantity::speed_kmh: return parse_speed_kmh(text, what);
    case Quantity::percent: return parse_percent(text, what);
    case Quantity::number: break;
  }
  return parse_number(text, what);
}

CLI::Option* number_in(CLI::Option* opt, const NumberRange& range, Quantity q) {
  std::string unit = q == Quantity::mass_kg     ? "kg"
                     : q == Quantity::speed_kmh ? "km/h"
                     : q == Quantity::number    ? ""
                                                : "%";
  NumberRange r = range;
  if (r.unit.empty()) r.unit = unit;
  opt->description(fmt::format("{} ({})", opt->get_description(), describe_range(r)));
  // CLI11 prefixes the option's name: "--minutes: 'nan' is not a number 0.01-240 min".
  opt->check(CLI::Validator(
      [r, q](std::string& text) -> std::string {
        if (q == Quantity::number) return number_problem(text, r);
        double v = 0;
        try {
          v = read_quantity(text, "", q);
        } catch (const Error& e) {
          std::string what = e.what();
          // read_quantity's message begins with the (empty) option name and ": ".
          return (what.rfind(": ", 0) == 0 ? what.substr(2) : what) + (e.hint().empty() ? "" : "; " + e.hint());
        }
        return range_problem(v, r);
      },
      ""));
  return opt;
}

bool is_free_text(const CLI::Option& opt) {
  const std::string t = opt.get_type_name();
  return t == "TEXT" || t == "REASON";
}

void apply_text_rule(CLI::App& app) {
  for (CLI::Option* opt : app.get_options()) {
    TextKind kind = is_free_text(*opt) ? TextKind::free : TextKind::name;
    opt->check(CLI::Validator([kind](std::string& text) { return text_problem(text, kind); }, ""));
  }
  for (CLI::App* sub : app.get_subcommands({})) apply_text_rule(*sub);
}

std::string choice_list(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : "|") + n;
  return out;
}

CLI::Option* one_of(CLI::Option* opt, const std::vector<std::string>& names) {
  return opt->check(CLI::IsMember(names))->type_name(choice_list(names));
}

}  // namespace lever
