// `lever report athlete`: week by week, what the knee was given and how it answered.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lever/model/pain.hpp"
#include "lever/store/store.hpp"

namespace lever::report {

/// Options shared by the time-based reports.
struct ReportOptions {
  std::optional<TimePoint> since;  ///< --since: leave out what happened before
  std::optional<TimePoint> until;  ///< --until: leave out what happened after
  bool deidentify = false;         ///< --deidentify: pseudonyms, no names, no free-text notes
};

/// A stable pseudonym for an athlete ID, keyed by the store's secret salt (e.g. "r-3f9a2c1b7d").
std::string pseudonym(const std::string& salt, const std::string& id);

/// The store's pseudonym salt, created (under the lock) on first use.
std::string pseudonym_salt(Store& store);

/// The athlete's pain log with its corrections applied, as entries; damaged lines are named on stderr.
std::vector<model::PainEntry> pain_entries(const Store& store, const std::string& athlete);

/// The athlete report as data: athlete, plan, weekly rows, sessions, decisions and flags.
/// Error(not_found) for an unknown athlete.
nlohmann::json athlete_report(Store& store, const std::string& athlete, const ReportOptions& opt);

}  // namespace lever::report
