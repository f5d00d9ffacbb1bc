// The pain and symptom log: one NDJSON log per athlete, entries with unique IDs (sync-friendly).
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lever/store/store.hpp"
#include "lever/util/error.hpp"

namespace lever {

/// A pain entry as typed or imported: raw text, checked by build_pain_entry.
struct PainInput {
  std::string athlete;                    ///< athlete ID
  std::string score;                      ///< 0-10 whole number, as text
  std::string when = "after";             ///< before, during, after or next-day
  std::string at;                         ///< time (ISO 8601, "now", "-24h"); empty = now
  std::string session;                    ///< session ID; empty = none
  std::string swelling;                   ///< none, mild, moderate, significant; empty = not recorded
  std::optional<bool> theatre_sign;       ///< pain after sitting with bent knees, easing when straightened
  std::optional<bool> stairs_pain;        ///< pain on stairs or downhill
  std::optional<bool> grinding;           ///< grinding or clicking
  std::optional<bool> stiffness;          ///< stiffness after long runs
  std::string note;                       ///< free text
};

/// A problem with one field of a pain entry (the import report names line and field).
struct FieldError {
  std::string field;        ///< the field, e.g. "score"
  std::string message;      ///< what is wrong and what is allowed
  Exit code = Exit::usage;  ///< how a command refusing the entry for it exits: not_found for an athlete or
                            ///< session that does not exist, invalid_data for another athlete's session
};

/// Looks up whether athletes and sessions exist, cached across an import.
class PainRefs {
public:
  /// Uses `store` for lookups.
  explicit PainRefs(const Store& store) : store_(store) {}
  /// True when the athlete exists.
  bool athlete(const std::string& id);
  /// The athlete a session belongs to, or nullopt when the session does not exist.
  std::optional<std::string> session_owner(const std::string& id);

private:
  const Store& store_;
  std::map<std::string, bool> athletes_;
  std::map<std::string, std::optional<std::string>> sessions_;
};

/// Checks a PainInput and builds the stored entry; every problem found is added to `errors`
/// (nothing is returned then). `now_t` anchors relative times and the future-time check.
std::optional<nlohmann::json> build_pain_entry(const PainInput& in, PainRefs& refs, const std::string& user,
                                               const std::string& source, TimePoint now_t,
                                               std::vector<FieldError>& errors);

/// One bad record of an import: where it is and every field problem in it.
struct ImportError {
  long line = 0;                   ///< 1-based line in the input
  std::vector<FieldError> fields;  ///< what is wrong
};

/// Parses an import (CSV with a header row, or NDJSON) into inputs; format "csv", "ndjson" or "auto".
/// Structural problems (unknown column, not JSON) are reported in `errors` with their line.
std::vector<std::pair<long, PainInput>> parse_pain_import(const std::string& text, const std::string& format,
                                                          std::vector<ImportError>& errors);

/// The CSV/NDJSON field names an import accepts (canonical names; "athlete" and "session" are aliases).
const std::vector<std::string>& pain_import_fields();

}  // namespace lever
