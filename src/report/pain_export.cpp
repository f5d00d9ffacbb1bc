#include "lever/report/pain_export.hpp"

#include "lever/store/athletes.hpp"

namespace lever::report {

const std::vector<std::string>& pain_export_fields() {
  static const std::vector<std::string> f = {"at",         "athlete_id", "score",       "when",      "swelling", "theatre_sign",
                                             "session_id", "note",       "id",          "stairs_pain", "grinding", "stiffness",
                                             "logged_at",  "source",     "by",          "amended_by", "amended_at"};
  return f;
}

PainExport pain_export(Store& store, const std::string& athlete, const ReportOptions& o) {
  require_athlete(store, athlete);
  std::string shown = o.deidentify ? pseudonym(pseudonym_salt(store), athlete) : athlete;
  PainExport r;
  auto log = read_pain_entries(store, athlete);
  r.problems = std::move(log.problems);
  for (auto& e : log.entries) {
    const TimePoint t = e.at.at;
    if ((o.since && t < *o.since) || (o.until && t > *o.until)) continue;
    e.athlete_id = shown;
    nlohmann::json row = e;  // the entry as stored
    row.erase("schema_version");
    if (o.deidentify) {
      row.erase("note");
      row.erase("by");
    }
    for (const auto& k : pain_export_fields())
      if (!row.contains(k)) row[k] = nullptr;  // every field present: null when not recorded
    r.rows.push_back(std::move(row));
  }
  return r;
}

}  // namespace lever::report
