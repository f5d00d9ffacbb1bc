// What `lever athlete` does with the store, callable without the command line: add, edit (fields
// and clinician flags), show and list. Changes are written and audited by StoreWriter.
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lever/store/athletes.hpp"
#include "lever/store/store.hpp"

namespace lever {

/// Adds an athlete and audits "athlete.add" with its mass; Error(invalid_data) when the ID is taken,
/// Error(usage) for out-of-range fields or a missing mass. Returns the new document.
nlohmann::json add_athlete(Store& store, const std::string& id, const AthleteFields& fields, const std::string& user);

/// What `athlete edit` asks for: new field values, flags to clear, flags to set (with one note).
struct AthleteEdit {
  AthleteFields fields;                  ///< fields to change (absent = unchanged)
  std::vector<std::string> clear_flags;  ///< flags to clear (cleared before any are set)
  std::vector<std::string> set_flags;    ///< flags to set, each with `flag_note`, by the user
  std::string flag_note;                 ///< why the flags are set
};

/// What an edit did.
struct AthleteEdited {
  nlohmann::json doc;                       ///< the athlete as it is now
  nlohmann::json changes;                   ///< each changed field's new value (null = removed); empty = nothing saved
  std::vector<std::string> flags_not_set;   ///< flags asked to be cleared that were not set
};

/// Edits an athlete under the lock; saves and audits "athlete.edit" with the changes only when something
/// changed. Error(not_found) for an unknown athlete, Error(usage) for out-of-range fields.
AthleteEdited change_athlete(Store& store, const std::string& id, const AthleteEdit& edit, const std::string& user);

/// An athlete with the latest entries of its corrected pain log (`athlete show`).
struct AthleteOverview {
  nlohmann::json doc;                       ///< the athlete document
  std::vector<nlohmann::json> recent_pain;  ///< the newest corrected pain entries as output rows (pain_entry_row), at most the number asked for
  std::vector<StoreProblem> problems;       ///< pain log lines that could not be read
};

/// The athlete and its `recent` newest pain entries; Error(not_found) for an unknown athlete.
AthleteOverview athlete_overview(const Store& store, const std::string& id, size_t recent);

/// Every athlete document that can be read, in ID order; each one that cannot is named in `unreadable`.
std::vector<nlohmann::json> read_athletes(const Store& store, std::vector<std::string>& unreadable);

}  // namespace lever
