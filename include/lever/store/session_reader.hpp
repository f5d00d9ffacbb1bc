// Reads many session documents quickly for the reports: through the session index (a file whose
// stamp is unchanged since the last report is not opened, session_index.hpp), the others in parallel
// while the directory is still being listed, parsed with simdjson,
// checked against session.schema.json (the fields reports filter on by direct tests, the rest by a
// compiled reading of the schema, src/store/schema_check.hpp), and only the fields a report needs
// kept. A document the quick checks cannot vouch for goes through Store::load instead, so a damaged
// or unusual file gives exactly the result (or the error) it always did.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "lever/store/store.hpp"
#include "lever/util/time.hpp"

namespace lever {

/// Which sessions to read and what to keep of each.
struct SessionQuery {
  std::string athlete;              ///< only this athlete's sessions; empty = every athlete's
  std::vector<std::string> fields;  ///< top-level fields to keep (fields absent from a document stay absent)
  bool skip_invalid = false;        ///< true: leave out documents Store::load rejects; false: throw its Error
  std::optional<TimePoint> since;   ///< only sessions started at or after this instant
  std::optional<TimePoint> until;   ///< only sessions started at or before this instant
  bool newest_per_athlete = false;  ///< only each athlete's latest-started session (on a tie, the first ID)
};

/// The matching session documents in ID order, each cut down to q.fields. A document that fails to
/// load throws the Error(invalid_data) Store::load gives (the first in ID order), unless q.skip_invalid.
std::vector<nlohmann::json> read_sessions(const Store& store, const SessionQuery& q);

/// The quick path alone, for one document's text: the document cut down to `fields` when the quick
/// checks prove it a valid session, nullopt when it must go to the schema validator instead.
std::optional<nlohmann::json> quick_session(std::string_view text, const std::vector<std::string>& fields);

/// The session.schema.json properties the quick checks test (a test holds this to the schema).
const std::vector<std::string>& quick_session_checked_fields();

}  // namespace lever
