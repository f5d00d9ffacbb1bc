// Quantities people type ("75kg", "165lb", "6mph") converted to the SI units lever stores.
#pragma once
#include <string>
#include <string_view>

namespace lever {

/// Standard gravity, m/s^2: support force = support fraction x body mass x g.
inline constexpr double kGravity = 9.80665;
/// Kilograms in one avoirdupois pound.
inline constexpr double kKgPerLb = 0.45359237;
/// Kilometres in one international mile.
inline constexpr double kKmPerMile = 1.609344;
/// Newtons in one pound-force.
inline constexpr double kNewtonPerLbf = kKgPerLb * kGravity;

/// Parses a body mass: "75", "75kg", "75.5 kg", "165lb", "165lbs"; bare numbers are kg.
/// Throws Error(usage) naming `what` (e.g. "--mass") when the text is not a mass.
double parse_mass_kg(std::string_view text, std::string_view what);

/// Parses a speed: "10", "10kmh", "10km/h", "6mph"; bare numbers are km/h. Throws Error(usage).
double parse_speed_kmh(std::string_view text, std::string_view what);

/// Parses a percentage: "15", "15%"; throws Error(usage).
double parse_percent(std::string_view text, std::string_view what);

/// Parses a plain decimal number (no units); throws Error(usage) naming `what`.
double parse_number(std::string_view text, std::string_view what);

/// How tables show quantities: SI (kg, km/h) or imperial (lb, mph). Machine formats are always SI.
enum class UnitSystem { metric, imperial };

/// Formats a mass for a table in the chosen system, e.g. "75.0 kg" or "165.3 lb".
std::string show_mass(double kg, UnitSystem u);
/// Formats a speed for a table in the chosen system, e.g. "10.0 km/h" or "6.2 mph".
std::string show_speed(double kmh, UnitSystem u);

}  // namespace lever
