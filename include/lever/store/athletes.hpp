// Athletes: body mass, baseline cadence, affected side, baseline pain, clinician flags.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lever/store/store.hpp"

namespace lever {

/// The fields a clinician sets on `athlete add` / `athlete edit` (absent = unchanged).
struct AthleteFields {
  std::optional<double> mass_kg;       ///< body mass, kg (20-300)
  std::optional<std::string> name;     ///< display name (health data: never in de-identified exports)
  std::optional<double> cadence_spm;   ///< baseline step rate, steps/min (100-240)
  std::optional<std::string> side;     ///< affected knee: left, right or both
  std::optional<int> baseline_pain;    ///< resting pain 0-10
  std::optional<std::string> note;     ///< free text
};

/// The clinician flags; the first two block runs until cleared (domain.md, stop signals).
const std::vector<std::string>& athlete_flag_names();

/// True when a flag blocks running until a clinician clears it.
bool is_blocking_flag(const std::string& flag);

/// Builds a new athlete document; throws Error(usage) for out-of-range fields or a missing mass.
nlohmann::json make_athlete(const std::string& id, const AthleteFields& f, TimePoint at);

/// Applies an edit to an athlete document in place; throws Error(usage) for out-of-range fields.
void edit_athlete(nlohmann::json& doc, const AthleteFields& f, TimePoint at);

/// Sets a clinician flag (replacing the same flag's note); throws Error(usage) for an unknown flag.
void set_athlete_flag(nlohmann::json& doc, const std::string& flag, const std::string& note,
                      const std::string& user, TimePoint at);

/// Clears a flag; returns false when it was not set.
bool clear_athlete_flag(nlohmann::json& doc, const std::string& flag);

/// The blocking flags currently set on an athlete.
std::vector<std::string> blocking_flags(const nlohmann::json& doc);

/// Loads an athlete or throws Error(not_found) with a hint to list or add athletes.
nlohmann::json require_athlete(const Store& store, const std::string& id);

/// A flattened view of an athlete for listings (flags as names, blocking state): every field present,
/// null when not recorded (schemas/output/athlete.schema.json).
nlohmann::json athlete_row(const nlohmann::json& doc);

/// The athlete as stored, every field present (null when not recorded, flags with their notes), and
/// whether a flag blocks runs: the document of `athlete show` (schemas/output/athlete-show.schema.json).
nlohmann::json athlete_document(const nlohmann::json& doc);

}  // namespace lever
